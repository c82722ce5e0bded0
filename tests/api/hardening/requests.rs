//! Requests an attacker shapes: huge or impossible host names (memory must stay flat),
//! two Host headers, an absolute-form target naming another studio, a chunked body over
//! the limit.

use std::time::Duration;

use reqwest::Method;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::helpers::spawn_app;

/// Sends raw bytes and returns the status line and body of the answer.
async fn raw(addr: &str, request: &[u8]) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(request).await.unwrap();
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut answer)).await;
    let text = String::from_utf8_lossy(&answer).into_owned();
    let status = text.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, text)
}

#[tokio::test]
async fn ambiguous_host_names_are_refused_with_400() {
    let app = spawn_app().await;
    let a = app.studio("acme").await;
    app.studio("beta").await;
    let addr = app.base_url.trim_start_matches("http://");
    let base = "fotostudio.localhost";
    let token = &a.token;
    let (status, body) = raw(
        addr,
        format!(
            "GET /api/clients HTTP/1.1\r\nHost: acme.{base}\r\nHost: beta.{base}\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
        )
        .as_bytes(),
    )
    .await;
    assert_eq!(status, 400, "two Host headers: {body}");
    assert!(body.contains("bad_request"), "{body}");
    let (status, body) = raw(
        addr,
        format!(
            "GET http://beta.{base}/api/clients HTTP/1.1\r\nHost: acme.{base}\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
        )
        .as_bytes(),
    )
    .await;
    assert_eq!(status, 400, "an absolute-form target naming another studio: {body}");
    // The same name twice is no ambiguity.
    let (status, body) = raw(
        addr,
        format!(
            "GET http://acme.{base}/api/clients HTTP/1.1\r\nHost: acme.{base}\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
        )
        .as_bytes(),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    for host in ["acme .fotostudio.localhost", &format!("{}.pe", "a".repeat(64)), "a..pe"] {
        let reply = app.call(Method::GET, "/api/clients").via(crate::helpers::Via::Host(host.to_owned())).send().await;
        reply.assert_problem(400, "bad_request");
    }
}

#[tokio::test]
async fn a_chunked_body_over_the_limit_is_413() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let limit = app.state.settings.server.body_limit_bytes;
    let chunk = format!("{{\"kind\": \"individual\", \"name\": \"{}\"}}", "x".repeat(limit + 10));
    let stream = futures::stream::iter(
        chunk.into_bytes().chunks(64 * 1024).map(|c| Ok::<_, std::io::Error>(c.to_vec())).collect::<Vec<_>>(),
    );
    let reply = app
        .http
        .post(format!("{}/api/clients", app.base_url))
        .header("X-Tenant", "acme")
        .bearer_auth(&s.token)
        .header("content-type", "application/json")
        .body(reqwest::Body::wrap_stream(stream))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status().as_u16(), 413);
    let body: serde_json::Value = reply.json().await.unwrap();
    assert_eq!(body["code"], "payload_too_large");
    let listed = app.as_studio(&s, Method::GET, "/api/clients").send().await;
    assert_eq!(listed.body["count"], 0, "nothing written");
}

/// The resident memory of a process, and its peak, in KiB.
fn memory_kib(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// The server binary on the test's database, in a process of its own whose memory the test
/// can read; killed on drop.
struct ServerProcess {
    child: std::process::Child,
    addr: String,
}

impl ServerProcess {
    async fn start(database_url: &str, extra: &[(&str, &str)]) -> ServerProcess {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_fotostudio"));
        command
            .arg("serve")
            .env("FOTOSTUDIO_ENV", "test")
            .env("FOTOSTUDIO_ROOT", env!("CARGO_MANIFEST_DIR"))
            .env("FOTOSTUDIO__DATABASE__URL", database_url)
            .env("FOTOSTUDIO__SERVER__PORT", port.to_string())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        for (key, value) in extra {
            command.env(key, value);
        }
        let child = command.spawn().unwrap();
        let addr = format!("127.0.0.1:{port}");
        for _ in 0..100 {
            if TcpStream::connect(&addr).await.is_ok() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        ServerProcess { child, addr }
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn unique_huge_host_names_leave_memory_flat() {
    let app = spawn_app().await;
    let server = ServerProcess::start(&crate::helpers::server_url(&app.db_name), &[]).await;
    let warm = raw(&server.addr, b"GET /health/live HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").await;
    assert_eq!(warm.0, 200);
    let (before, _) = memory_kib(server.child.id());
    for i in 0..300 {
        // ~380 KB, unique each time.
        let host = format!("{i}-{}.pe", "h".repeat(380_000));
        let (status, _) =
            raw(&server.addr, format!("GET /health/live HTTP/1.1\r\nHost: {host}\r\n\r\n").as_bytes()).await;
        assert!(status == 431 || status == 400 || status == 0, "a head this size is refused: {status}");
        // Plausible but unknown long names are looked up without growing anything unbounded.
        let label = format!("{i:0>60}");
        let host = format!("{label}.{label}.{label}.example");
        let (status, _) = raw(
            &server.addr,
            format!("GET /api/clients HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").as_bytes(),
        )
        .await;
        assert_eq!(status, 404, "an unknown custom domain");
    }
    let (after, _) = memory_kib(server.child.id());
    let grown = after.saturating_sub(before);
    eprintln!("host names: resident memory {before} KiB before, {after} KiB after");
    assert!(grown < 20 * 1024, "memory grew by {grown} KiB over 300 huge and 300 unknown host names");
}

#[tokio::test]
async fn a_hundred_concurrent_sign_ins_leave_memory_flat() {
    let app = spawn_app().await;
    app.studio("acme").await;
    // Production's argon2 memory (19 MiB per hash), and no throttle in the way: one IP.
    let server = ServerProcess::start(
        &crate::helpers::server_url(&app.db_name),
        &[
            ("FOTOSTUDIO__AUTH__ARGON2_MEMORY_KIB", "19456"),
            ("FOTOSTUDIO__AUTH__ARGON2_ITERATIONS", "2"),
            ("FOTOSTUDIO__AUTH__LOGIN_MAX_FAILURES_PER_IP", "1000"),
            ("FOTOSTUDIO__AUTH__ARGON2_QUEUE_MS", "60000"),
        ],
    )
    .await;
    let (_, peak_before) = memory_kib(server.child.id());
    let http = reqwest::Client::new();
    let attempts = (0..100).map(|i| {
        http.post(format!("http://{}/api/auth/login", server.addr))
            .header("X-Tenant", "acme")
            .json(&serde_json::json!({"email": format!("user{i}@acme.pe"), "password": "not the password"}))
            .send()
    });
    let replies = futures::future::join_all(attempts).await;
    let statuses: Vec<u16> = replies.into_iter().map(|r| r.unwrap().status().as_u16()).collect();
    assert!(statuses.iter().all(|s| *s == 401), "every attempt evaluated and refused: {statuses:?}");
    let (_, peak_after) = memory_kib(server.child.id());
    let grown = peak_after.saturating_sub(peak_before);
    eprintln!("sign-ins: peak memory {peak_before} KiB before, {peak_after} KiB after");
    let cores = std::thread::available_parallelism().map(|n| n.get() as u64).unwrap_or(2);
    // One hash's memory per core at once, two more for the allocator's slack, and 32 MiB of
    // buffers: a fraction of the 100 × 19 MiB that 100 unbounded hashes would take.
    let bound = (cores + 2) * 19 * 1024 + 32 * 1024;
    assert!(grown < bound, "peak memory grew by {grown} KiB for 100 sign-ins at once (bound {bound} KiB)");
}
