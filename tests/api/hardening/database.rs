//! The database killed under load (a private cluster of the test's own): requests answer
//! 503 fast while it is down, and the very next requests succeed once it is back.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use fotostudio::db::local_pg::LocalPostgres;
use fotostudio::db::{self, Database};
use reqwest::Method;

use crate::helpers::{spawn_app_with, test_settings};

/// A private cluster in a fresh directory the `postgres` user can reach, removed at the end.
struct OwnCluster {
    root: PathBuf,
    cluster: LocalPostgres,
}

impl OwnCluster {
    async fn start() -> OwnCluster {
        let root = std::env::temp_dir().join(format!("fs-kill-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&root).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&root, std::fs::Permissions::from_mode(0o755)).unwrap();
        let cluster = LocalPostgres::locate(&root).expect("a cluster location");
        let started = tokio::task::spawn_blocking({
            let root = root.clone();
            move || LocalPostgres::locate(&root).unwrap().ensure_running()
        });
        started.await.unwrap().expect("the test's own cluster starts");
        OwnCluster { root, cluster }
    }

    /// Kills the postmaster and every backend (SIGKILL): a crash, not a shutdown.
    fn kill(&self) {
        let pid_file = std::fs::read_to_string(self.root.join("var/pgdata/postmaster.pid")).unwrap();
        let pid = pid_file.lines().next().unwrap().trim().to_owned();
        let _ = std::process::Command::new("pkill").args(["-9", "-P", &pid]).status();
        let _ = std::process::Command::new("kill").args(["-9", &pid]).status();
    }

    async fn restart(&self) {
        let root = self.root.clone();
        tokio::task::spawn_blocking(move || LocalPostgres::locate(&root).unwrap().ensure_running())
            .await
            .unwrap()
            .expect("the cluster restarts after the crash");
    }
}

impl Drop for OwnCluster {
    fn drop(&mut self) {
        let _ = self.cluster.stop();
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

#[tokio::test]
async fn a_killed_database_answers_503_at_once_and_the_first_requests_after_it_returns_succeed() {
    let own = OwnCluster::start().await;
    Database::create_database_if_missing(&own.cluster.url("postgres"), "fs").await.unwrap();
    let mut settings = test_settings("unused");
    // This test's own server, directly: no PgBouncer in front of it.
    settings.database.url = own.cluster.url("fs");
    settings.database.session_url = String::new();
    let options = db::connect_options(&settings.database.url, &settings.database).unwrap();
    fotostudio::tenancy::migrations::migrate_shared(&Database::connect(options, &settings.database).unwrap().catalog)
        .await
        .unwrap();
    let app = spawn_app_with(settings).await;
    let s = app.studio("acme").await;
    let list = || app.as_studio(&s, Method::GET, "/api/clients").send();
    // Every pooled connection in use once, so each is a dead one after the crash.
    let warm = futures::future::join_all((0..16).map(|_| list())).await;
    assert!(warm.iter().all(|r| r.status == 200));

    // Under load: 8 clients in a loop while the database is killed, then while it is back.
    let load = |during: Duration| {
        futures::future::join_all((0..8).map(move |_| async move {
            let mut seen = Vec::new();
            let until = Instant::now() + during;
            while Instant::now() < until {
                let started = Instant::now();
                let reply = list().await;
                seen.push((reply.status.as_u16(), reply.code().to_owned(), started.elapsed()));
            }
            seen
        }))
    };
    own.kill();
    let down: Vec<_> = load(Duration::from_secs(1)).await.into_iter().flatten().collect();
    // The requests in flight at the kill may still end as the connection broke; after that,
    // every answer is a 503 that came at once.
    let settled = &down[down.len() / 4..];
    assert!(settled.iter().all(|(status, code, _)| *status == 503 && code == "service_unavailable"), "{settled:?}");
    let slowest = down.iter().map(|(_, _, took)| *took).max().unwrap();
    eprintln!("database down: {} answers in 1 s from 8 clients, the slowest in {slowest:?}", down.len());
    assert!(slowest < Duration::from_millis(500), "every 503 within 500 ms; the slowest took {slowest:?}");
    let reply = list().await;
    assert!(reply.headers.contains_key("retry-after"), "503 says when to retry");

    own.restart().await;
    // The background probe tries every 200 ms; from its success on, every request succeeds.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let back: Vec<_> = load(Duration::from_secs(1)).await.into_iter().flatten().collect();
    assert!(back.iter().all(|(status, _, _)| *status == 200), "after the database returned: {back:?}");
    assert!(back.len() > 8, "the load ran: {} requests", back.len());
    eprintln!("database back: {} answers in 1 s, all 200", back.len());
}
