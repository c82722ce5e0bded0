//! CPU time spent by the server's threads, the load generator's threads and the database's
//! backends, read from /proc: how many microseconds of CPU a request costs in each, which
//! wall-clock rates on a shared machine cannot tell.

use std::collections::HashMap;
use std::fs;

/// Seconds of CPU (user + system) so far, per thread or process id, with what it is.
#[derive(Debug, Clone, Default)]
pub struct Cpu(HashMap<(Part, i32), f64>);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Part {
    Server,
    Load,
    Postgres,
}

impl Cpu {
    /// Now, for this process's threads named `server*` and `load*` and the backends `pids`.
    pub fn now(postgres_pids: &[i32]) -> Cpu {
        let mut cpu = HashMap::new();
        if let Ok(tasks) = fs::read_dir("/proc/self/task") {
            for task in tasks.flatten() {
                let tid: i32 = task.file_name().to_string_lossy().parse().unwrap_or(0);
                let comm = fs::read_to_string(task.path().join("comm")).unwrap_or_default();
                let part = if comm.starts_with("server") {
                    Part::Server
                } else if comm.starts_with("load") {
                    Part::Load
                } else {
                    continue;
                };
                if let Some(t) = fs::read_to_string(task.path().join("stat")).ok().and_then(|s| seconds(&s)) {
                    cpu.insert((part, tid), t);
                }
            }
        }
        for &pid in postgres_pids {
            if let Some(t) = fs::read_to_string(format!("/proc/{pid}/stat")).ok().and_then(|s| seconds(&s)) {
                cpu.insert((Part::Postgres, pid), t);
            }
        }
        Cpu(cpu)
    }

    /// Microseconds per request in the server, PostgreSQL and the load generator between
    /// `earlier` and now, over the threads and backends alive at both times (tokio's
    /// blocking threads come and go).
    pub fn per_request(&self, earlier: &Cpu, requests: usize) -> (f64, f64, f64) {
        let spent = |part: Part| -> f64 {
            let delta: f64 = self
                .0
                .iter()
                .filter(|((p, _), _)| *p == part)
                .filter_map(|(key, now)| earlier.0.get(key).map(|before| now - before))
                .sum();
            delta * 1e6 / requests.max(1) as f64
        };
        (spent(Part::Server), spent(Part::Postgres), spent(Part::Load))
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
