//! Slow and idle clients: a flood of connections dribbling a request head a byte at a time
//! is cut off at the head bound, an idle keep-alive connection at the idle bound, and a
//! legitimate request is answered meanwhile.

use std::time::{Duration, Instant};

use reqwest::Method;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::helpers::{spawn_app_with, test_settings};

/// Whether the server closed `stream` (a read ends or fails instead of waiting).
async fn closed(stream: &mut TcpStream) -> bool {
    let mut buf = [0u8; 512];
    matches!(tokio::time::timeout(Duration::from_millis(200), stream.read(&mut buf)).await, Ok(Ok(0) | Err(_)))
}

#[tokio::test]
async fn a_thousand_slow_clients_are_cut_off_and_a_real_request_is_answered_meanwhile() {
    let app = crate::helpers::spawn_app().await;
    let mut settings = test_settings(&app.db_name);
    settings.server.request_head_timeout_seconds = 2;
    settings.server.keep_alive_idle_seconds = 3;
    let server = spawn_app_with(settings).await;
    let addr = server.base_url.trim_start_matches("http://").to_owned();

    let mut slow = Vec::new();
    for _ in 0..1000 {
        let mut stream = TcpStream::connect(&addr).await.expect("the server accepts");
        stream.write_all(b"GET /health/live HTTP/1.1\r\nHo").await.unwrap();
        slow.push(stream);
    }
    // Keep dribbling, a byte every half second, as a slowloris does.
    let started = Instant::now();
    let legit = server.call(Method::GET, "/health/live").send().await;
    legit.assert(200);
    assert!(started.elapsed() < Duration::from_secs(1), "answered while 1,000 slow clients are held");
    for _ in 0..5 {
        tokio::time::sleep(Duration::from_millis(500)).await;
        for stream in &mut slow {
            let _ = stream.write_all(b"s").await;
        }
    }
    // 2.5 s after the first byte, past the 2 s head bound: every slow client is gone.
    let mut still_open = 0;
    for stream in &mut slow {
        if !closed(stream).await {
            still_open += 1;
        }
    }
    assert_eq!(still_open, 0, "slow clients still open after the head bound");

    // An idle keep-alive connection is closed after the idle bound, not before.
    let mut idle = TcpStream::connect(&addr).await.unwrap();
    idle.write_all(b"GET /health/live HTTP/1.1\r\nHost: localhost\r\n\r\n").await.unwrap();
    let mut answer = vec![0u8; 1024];
    let n = idle.read(&mut answer).await.unwrap();
    assert!(String::from_utf8_lossy(&answer[..n]).starts_with("HTTP/1.1 200"));
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert!(!closed(&mut idle).await, "still open within the 3 s idle bound (past the 2 s head bound)");
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert!(closed(&mut idle).await, "closed after the idle bound");
}

#[tokio::test]
async fn past_the_connection_cap_a_client_is_closed_at_once_and_served_again_when_room_frees() {
    let app = crate::helpers::spawn_app().await;
    let mut settings = test_settings(&app.db_name);
    settings.server.max_connections = 20;
    let server = spawn_app_with(settings).await;
    let addr = server.base_url.trim_start_matches("http://").to_owned();
    let mut held = Vec::new();
    for _ in 0..20 {
        held.push(TcpStream::connect(&addr).await.unwrap());
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut one_more = TcpStream::connect(&addr).await.unwrap();
    let _ = one_more.write_all(b"GET /health/live HTTP/1.1\r\nHost: localhost\r\n\r\n").await;
    assert!(closed(&mut one_more).await, "the 21st connection is closed, not left waiting");
    held.clear();
    tokio::time::sleep(Duration::from_millis(100)).await;
    server.call(Method::GET, "/health/live").send().await.assert(200);
}
