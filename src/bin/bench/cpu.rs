//! CPU time spent by the server's threads, the load generator's threads and the database's
//! backends, read from /proc: how many microseconds of CPU a request costs in each, which
//! wall-clock rates on a shared machine cannot tell.

use std::fs;

/// Seconds of CPU (user + system) so far.
#[derive(Debug, Clone, Copy, Default)]
pub struct Cpu {
    pub server: f64,
    pub load: f64,
    pub postgres: f64,
}

impl Cpu {
    /// Now, for this process's threads named `server*` and `load*` and the backends `pids`.
    pub fn now(postgres_pids: &[i32]) -> Cpu {
        let mut cpu = Cpu::default();
        if let Ok(tasks) = fs::read_dir("/proc/self/task") {
            for task in tasks.flatten() {
                let comm = fs::read_to_string(task.path().join("comm")).unwrap_or_default();
                let seconds = fs::read_to_string(task.path().join("stat")).ok().and_then(|s| seconds(&s));
                match (comm.trim_start(), seconds) {
                    (c, Some(t)) if c.starts_with("server") => cpu.server += t,
                    (c, Some(t)) if c.starts_with("load") => cpu.load += t,
                    _ => {}
                }
            }
        }
        for pid in postgres_pids {
            cpu.postgres +=
                fs::read_to_string(format!("/proc/{pid}/stat")).ok().and_then(|s| seconds(&s)).unwrap_or(0.0);
        }
        cpu
    }

    /// Microseconds per request of each, between `earlier` and now.
    pub fn per_request(&self, earlier: &Cpu, requests: usize) -> (f64, f64, f64) {
        let per = |a: f64, b: f64| (a - b) * 1e6 / requests.max(1) as f64;
        (per(self.server, earlier.server), per(self.postgres, earlier.postgres), per(self.load, earlier.load))
    }
}

/// utime + stime of a `/proc/.../stat` line, in seconds (Linux counts in 1/100 s).
fn seconds(stat: &str) -> Option<f64> {
    // The command name (field 2) may hold spaces: count fields after its closing paren.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

/// The client backends of the benchmark's database.
pub async fn backend_pids(catalog: &sqlx::PgPool) -> Vec<i32> {
    sqlx::query_scalar(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() \
         AND backend_type = 'client backend' AND pid <> pg_backend_pid()",
    )
    .fetch_all(catalog)
    .await
    .unwrap_or_default()
}
