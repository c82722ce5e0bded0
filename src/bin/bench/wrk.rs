//! `GET /api/clients` measured from outside the process with wrk (`-t2 -c32`, the way other
//! multi-tenant stacks are usually measured, so figures compare): a random studio per
//! request among the first 100, and one studio. Needs `wrk` on the PATH (`apt install wrk`).

use std::fmt::Write;
use std::process::Command;

use crate::{Bench, BoxError};

pub fn run(bench: &Bench<'_>) -> Result<(), BoxError> {
    println!();
    if Command::new("wrk").arg("--version").output().is_err() {
        println!("wrk: not installed (apt install wrk), skipped");
        return Ok(());
    }
    let studios: Vec<_> = bench.studios.iter().take(100).collect();
    println!(
        "wrk -t2 -c32 -d{}s: GET /api/clients (page of 20, with a token), pool {}",
        bench.args.seconds, bench.settings.database.max_connections
    );
    println!("{:<28} {:>9} {:>8} {:>8} {:>7}", "load", "req/s", "p50 ms", "p99 ms", "errors");
    for (name, count) in [(format!("random of {} studios", studios.len()), studios.len()), ("one studio".into(), 1)] {
        let script = std::env::temp_dir().join(format!("fotostudio-bench-{}.lua", std::process::id()));
        std::fs::write(&script, lua(&studios[..count]))?;
        let out = Command::new("wrk")
            .args(["-t2", "-c32", &format!("-d{}s", bench.args.seconds), "-s"])
            .arg(&script)
            .arg(format!("http://{}/", bench.addr))
            .output();
        let _ = std::fs::remove_file(&script);
        let out = out?;
        let text = String::from_utf8_lossy(&out.stdout);
        let result = text
            .lines()
            .find_map(|l| l.strip_prefix("RESULT "))
            .ok_or_else(|| format!("wrk printed no result: {text} {}", String::from_utf8_lossy(&out.stderr)))?;
        let f: Vec<f64> = result.split_whitespace().filter_map(|v| v.parse().ok()).collect();
        let [requests, status_errors, socket_errors, p50, p99, seconds] = f[..] else {
            return Err(format!("unexpected wrk result: {result}").into());
        };
        println!(
            "{:<28} {:>9.0} {:>8.2} {:>8.2} {:>7}",
            name,
            requests / seconds,
            p50,
            p99,
            status_errors + socket_errors
        );
    }
    Ok(())
}

/// A wrk script sending each request to a random one of `studios`, with its token.
fn lua(studios: &[&crate::Studio]) -> String {
    let mut file = String::from("local studios = {\n");
    for s in studios {
        let _ = writeln!(file, "  {{\"{}\", \"{}\"}},", s.slug, s.authorization);
    }
    let _ = writeln!(
        file,
        r#"}}
math.randomseed(os.time())
request = function()
  local s = studios[math.random(1, #studios)]
  return wrk.format("GET", "/api/clients", {{["X-Tenant"] = s[1], ["Authorization"] = s[2]}})
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %d %.3f %.3f %.3f\n", summary.requests, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.duration / 1e6))
end"#
    );
    file
}
