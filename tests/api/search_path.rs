//! The search_path never leaks: concurrent work alternating between studios — some of it
//! cancelled mid-flight, some failing inside its transaction — only ever sees its own rows.

use std::time::Duration;

use fotostudio::config::SearchPathMode;
use fotostudio::db::{SchemaName, TenantPool};
use futures::StreamExt;
use reqwest::Method;
use serde_json::json;
use sqlx::AssertSqlSafe;

use crate::helpers::{Studio, TestApp, spawn_app};

const STUDIOS: [&str; 3] = ["acme", "beta", "gama"];

async fn studios_with_clients(app: &TestApp) -> Vec<Studio> {
    let mut studios = Vec::new();
    for slug in STUDIOS {
        let studio = app.studio(slug).await;
        for i in 0..5 {
            app.create_client(
                &studio,
                json!({"kind": "individual", "name": format!("{slug}-{i}"), "tax_id_type": "other", "tax_id_number": format!("{slug}-{i}")}),
            )
            .await;
        }
        studios.push(studio);
    }
    studios
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_requests_across_studios_only_see_their_own_rows() {
    let app = spawn_app().await;
    let studios = studios_with_clients(&app).await;
    let impatient = reqwest::Client::builder().timeout(Duration::from_millis(2)).build().unwrap();
    let results = futures::stream::iter(0..300)
        .map(|i| {
            let studio = &studios[i % studios.len()];
            let app = &app;
            let impatient = &impatient;
            async move {
                match i % 5 {
                    // Fails inside its transaction: the tax id exists already (409).
                    0 => {
                        let dup = json!({"kind": "individual", "name": "dup", "tax_id_type": "other", "tax_id_number": format!("{}-0", studio.slug)});
                        let reply = app.as_studio(studio, Method::POST, "/api/clients").json(dup).send().await;
                        reply.assert_problem(409, "conflict");
                    }
                    // Given up on by the client mid-flight.
                    1 => {
                        let _ = impatient
                            .get(format!("{}/api/clients", app.base_url))
                            .header("X-Tenant", &studio.slug)
                            .bearer_auth(&studio.token)
                            .send()
                            .await;
                    }
                    _ => {
                        let reply = app.as_studio(studio, Method::GET, "/api/clients?page_size=100").send().await;
                        reply.assert(200);
                        let names: Vec<&str> =
                            reply.body["results"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
                        assert_eq!(names.len(), 5, "{} saw {names:?}", studio.slug);
                        assert!(
                            names.iter().all(|n| n.starts_with(&format!("{}-", studio.slug))),
                            "{} saw another studio's rows: {names:?}",
                            studio.slug
                        );
                    }
                }
            }
        })
        .buffer_unordered(32)
        .collect::<Vec<()>>()
        .await;
    assert_eq!(results.len(), 300);
}

/// Drives the tenant pool directly, cancelling work at random points, in both modes.
async fn pool_survives_cancellation_and_errors(mode: SearchPathMode) {
    let app = spawn_app().await;
    studios_with_clients(&app).await;
    let pool = TenantPool::new(app.state.db.options.clone(), 3, Duration::from_secs(5), Duration::from_secs(600), mode)
        .with_qualified_reads(true);
    let schemas: Vec<SchemaName> = STUDIOS.iter().map(|s| SchemaName::parse(&format!("t_{s}")).unwrap()).collect();
    let mut cancelled = 0;
    for i in 0..240u64 {
        let slug = STUDIOS[(i % 3) as usize];
        let schema = &schemas[(i % 3) as usize];
        let work = async {
            let mut db = pool.acquire(schema).await.unwrap();
            match i % 4 {
                // A read that sleeps so the timeout below can cut it half-way.
                0 => {
                    sqlx::query("SELECT pg_sleep(0.003), count(*) FROM clients").fetch_one(&mut db).await.unwrap();
                }
                // A transaction that fails on a duplicate, then is dropped.
                1 => {
                    db.begin().await.unwrap();
                    let dup = sqlx::query("INSERT INTO clients (id, kind, name, tax_id_type, tax_id_number) VALUES (gen_random_uuid(), 'individual', 'x', 'other', $1)")
                        .bind(format!("{slug}-0"))
                        .execute(&mut db)
                        .await;
                    assert!(dup.is_err());
                }
                // A transaction that writes, then is abandoned without commit.
                2 => {
                    db.begin().await.unwrap();
                    sqlx::query("UPDATE clients SET notes = 'abandoned'").execute(&mut db).await.unwrap();
                    sqlx::query("SELECT pg_sleep(0.002)").execute(&mut db).await.unwrap();
                }
                // A read naming its schema, on a connection whose search_path is empty
                // (session mode) — mixed in, it must leave no other path behind.
                _ => {
                    let mut reads = pool.acquire_qualified(schema).await.unwrap();
                    let sql = reads.sql("SELECT pg_sleep(0.002), count(*) FROM {studio}.clients");
                    sqlx::query(AssertSqlSafe(sql)).fetch_one(&mut reads).await.unwrap();
                }
            }
        };
        // Cut every third unit of work at a random point (0–4 ms).
        if i % 3 == 0 {
            if tokio::time::timeout(Duration::from_micros((i * 397) % 4000), work).await.is_err() {
                cancelled += 1;
            }
        } else {
            work.await;
        }
        // Whatever happened before, the next handle sees exactly its own studio.
        let mut db = pool.acquire(schema).await.unwrap();
        let (current, foreign, notes): (String, i64, i64) = sqlx::query_as(
            "SELECT current_schema()::text, count(*) FILTER (WHERE name NOT LIKE $1), count(*) FILTER (WHERE notes IS NOT NULL) FROM clients",
        )
        .bind(format!("{slug}-%"))
        .fetch_one(&mut db)
        .await
        .unwrap();
        assert_eq!(current, schema.as_str(), "iteration {i}");
        assert_eq!(foreign, 0, "iteration {i}: rows of another studio visible");
        assert_eq!(notes, 0, "iteration {i}: an abandoned transaction was committed");
    }
    assert!(cancelled > 10, "the test must actually cancel work mid-flight ({cancelled})");
}

#[tokio::test]
async fn session_mode_pool_survives_cancellation_and_errors() {
    if crate::helpers::through_pgbouncer() {
        eprintln!("skipped: session mode is wrong behind PgBouncer in transaction pooling");
        return;
    }
    pool_survives_cancellation_and_errors(SearchPathMode::Session).await;
}

#[tokio::test]
async fn transaction_mode_pool_survives_cancellation_and_errors() {
    pool_survives_cancellation_and_errors(SearchPathMode::Transaction).await;
}

/// Whether another session can take `clients`' strongest lock right now (as a migration's
/// ALTER TABLE must).
async fn clients_lockable(app: &TestApp) -> bool {
    let mut conn = app.raw().await;
    sqlx::raw_sql("BEGIN; LOCK TABLE t_acme.clients IN ACCESS EXCLUSIVE MODE NOWAIT; ROLLBACK")
        .execute(&mut conn)
        .await
        .is_ok()
}

/// A dropped handle never leaves an idle pooled connection holding a transaction (and its
/// locks) until the connection's next use.
async fn abandoned_work_releases_its_locks_at_once(mode: SearchPathMode) {
    let app = spawn_app().await;
    app.studio("acme").await;
    let pool = TenantPool::new(app.state.db.options.clone(), 2, Duration::from_secs(5), Duration::from_secs(600), mode);
    let schema = SchemaName::parse("t_acme").unwrap();
    for work in ["read", "abandoned write", "failed write"] {
        let mut db = pool.acquire(&schema).await.unwrap();
        match work {
            "read" => {
                sqlx::query("SELECT count(*) FROM clients").fetch_one(&mut db).await.unwrap();
            }
            "abandoned write" => {
                db.begin().await.unwrap();
                sqlx::query("INSERT INTO clients (id, kind, name) VALUES (gen_random_uuid(), 'individual', 'x')")
                    .execute(&mut db)
                    .await
                    .unwrap();
            }
            _ => {
                db.begin().await.unwrap();
                let bad = sqlx::query("INSERT INTO clients (id, kind, name) VALUES (NULL, 'individual', 'x')")
                    .execute(&mut db)
                    .await;
                assert!(bad.is_err());
            }
        }
        drop(db);
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert!(clients_lockable(&app).await, "{mode:?}: after a {work} the pool still holds a lock");
    }
    let mut conn = app.raw().await;
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM t_acme.clients").fetch_one(&mut conn).await.unwrap();
    assert_eq!(rows, 0, "the abandoned write was rolled back");
}

#[tokio::test]
async fn session_mode_releases_abandoned_work_at_once() {
    if crate::helpers::through_pgbouncer() {
        eprintln!("skipped: session mode is wrong behind PgBouncer in transaction pooling");
        return;
    }
    abandoned_work_releases_its_locks_at_once(SearchPathMode::Session).await;
}

#[tokio::test]
async fn transaction_mode_releases_abandoned_work_at_once() {
    abandoned_work_releases_its_locks_at_once(SearchPathMode::Transaction).await;
}

#[tokio::test]
async fn the_pool_heals_after_its_connections_are_killed() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    app.as_studio(&s, Method::GET, "/api/clients").send().await.assert(200);
    // Kill every server connection of this app's database (as a failover or restart would).
    let mut conn = app.raw().await;
    sqlx::query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
        .execute(&mut conn)
        .await
        .unwrap();
    // A request on a dead connection answers 503 (never a 500), and the pool replaces it.
    let mut statuses = Vec::new();
    for _ in 0..6 {
        let reply = app.as_studio(&s, Method::GET, "/api/clients").send().await;
        if reply.status.as_u16() == 503 {
            assert_eq!(reply.code(), "service_unavailable", "{}", reply.body);
        }
        statuses.push(reply.status.as_u16());
    }
    assert!(statuses.iter().all(|s| *s == 200 || *s == 503), "{statuses:?}");
    assert_eq!(statuses.last(), Some(&200), "the pool healed: {statuses:?}");
}

/// A one-connection pool over the test app's database, with qualified statements on or off.
fn one_connection_pool(app: &TestApp, mode: SearchPathMode, qualified: bool) -> TenantPool {
    TenantPool::new(app.state.db.options.clone(), 1, Duration::from_secs(5), Duration::from_secs(600), mode)
        .with_qualified_reads(qualified)
}

/// The SQLSTATE of a database error.
fn sql_state(e: &sqlx::Error) -> Option<String> {
    e.as_database_error().and_then(|d| d.code()).map(|c| c.into_owned())
}

/// Qualified reads: a connection handed out for them has an empty search_path, so a
/// statement that forgets to name its schema fails loudly instead of reading some studio;
/// statements that name it read exactly their studio, one connection serving several; and
/// a studio's handle taken after them is on that studio again.
#[tokio::test]
async fn qualified_reads_run_where_an_unqualified_name_fails() {
    if crate::helpers::through_pgbouncer() {
        eprintln!("skipped: qualified reads are a session-mode feature");
        return;
    }
    let app = spawn_app().await;
    studios_with_clients(&app).await;
    let pool = one_connection_pool(&app, SearchPathMode::Session, true);
    let [acme, beta] = ["t_acme", "t_beta"].map(|s| SchemaName::parse(s).unwrap());
    let mut sessions = Vec::new();
    for schema in [&acme, &beta, &acme] {
        let mut reads = pool.acquire_qualified(schema).await.unwrap();
        assert!(reads.qualified());
        let (path, pid): (String, i32) = sqlx::query_as("SELECT current_setting('search_path'), pg_backend_pid()")
            .fetch_one(&mut reads)
            .await
            .unwrap();
        assert_eq!(path, "\"\"", "an empty search_path");
        sessions.push(pid);
        let forgot = sqlx::query("SELECT count(*) FROM clients").fetch_one(&mut reads).await.unwrap_err();
        assert_eq!(sql_state(&forgot).as_deref(), Some("42P01"), "an unqualified table is undefined there: {forgot}");
        drop(reads);
        let mut reads = pool.acquire_qualified(schema).await.unwrap();
        let sql = reads.sql("SELECT array_agg(name ORDER BY name) FROM {studio}.clients");
        assert!(sql.contains(&format!("FROM \"{schema}\".clients")), "{sql}");
        let names: Vec<String> = sqlx::query_scalar(AssertSqlSafe(sql)).fetch_one(&mut reads).await.unwrap();
        let slug = &schema.as_str()[2..];
        assert_eq!(names, (0..5).map(|i| format!("{slug}-{i}")).collect::<Vec<_>>());
        drop(reads);
        let mut db = pool.acquire(schema).await.unwrap();
        assert!(!db.qualified());
        assert_eq!(db.sql("FROM {studio}.clients"), "FROM clients", "a studio's handle shares one text for all");
        let (current, count): (String, i64) =
            sqlx::query_as("SELECT current_schema()::text, count(*) FROM clients").fetch_one(&mut db).await.unwrap();
        assert_eq!((current.as_str(), count), (schema.as_str(), 5));
    }
    assert!(sessions.iter().all(|pid| *pid == sessions[0]), "one connection served them all: {sessions:?}");
    let hits = pool.counters().hits.load(std::sync::atomic::Ordering::SeqCst);
    assert!(hits >= 3, "the second read of each round found the empty path waiting ({hits} hits)");
}

/// With qualified reads off, or in transaction mode, a reads handle is a studio's handle.
#[tokio::test]
async fn without_qualified_reads_a_reads_handle_is_on_its_studio() {
    let app = spawn_app().await;
    studios_with_clients(&app).await;
    let schema = SchemaName::parse("t_beta").unwrap();
    for (mode, on) in [(SearchPathMode::Session, false), (SearchPathMode::Transaction, true)] {
        if mode == SearchPathMode::Session && crate::helpers::through_pgbouncer() {
            continue;
        }
        let pool = one_connection_pool(&app, mode, on);
        let mut reads = pool.acquire_qualified(&schema).await.unwrap();
        assert!(!reads.qualified(), "{mode:?}");
        let (current, count): (String, i64) =
            sqlx::query_as("SELECT current_schema()::text, count(*) FROM clients").fetch_one(&mut reads).await.unwrap();
        assert_eq!((current.as_str(), count), ("t_beta", 5), "{mode:?}");
    }
}

/// A qualified unit of work (`begin_qualified`, used to create orders and record payments):
/// a transaction on the empty search_path writes into the schema its statements name, a
/// statement that forgets the schema fails and takes the transaction down with it, and a
/// dropped transaction leaves nothing behind.
#[tokio::test]
async fn a_qualified_transaction_writes_only_where_it_names_and_fails_loudly_otherwise() {
    if crate::helpers::through_pgbouncer() {
        eprintln!("skipped: qualified statements are a session-mode feature");
        return;
    }
    let app = spawn_app().await;
    studios_with_clients(&app).await;
    let pool = one_connection_pool(&app, SearchPathMode::Session, true);
    let insert = "INSERT INTO {studio}.clients (id, kind, name) VALUES (gen_random_uuid(), 'individual', $1)";
    for (schema, name) in [("t_acme", "acme-new"), ("t_beta", "beta-new")] {
        let schema = SchemaName::parse(schema).unwrap();
        let mut tx = pool.acquire_qualified(&schema).await.unwrap();
        tx.begin().await.unwrap();
        let sql = tx.sql(insert);
        sqlx::query(AssertSqlSafe(sql)).bind(name).execute(&mut tx).await.unwrap();
        tx.commit().await.unwrap();
        // Forgetting the schema inside a transaction: an error, and nothing of it is kept.
        let mut tx = pool.acquire_qualified(&schema).await.unwrap();
        tx.begin().await.unwrap();
        let sql = tx.sql(insert);
        sqlx::query(AssertSqlSafe(sql)).bind("dropped").execute(&mut tx).await.unwrap();
        let forgot = sqlx::query("INSERT INTO clients (id, kind, name) VALUES (gen_random_uuid(), 'individual', 'x')")
            .execute(&mut tx)
            .await
            .unwrap_err();
        assert_eq!(sql_state(&forgot).as_deref(), Some("42P01"), "{forgot}");
        drop(tx);
    }
    let mut conn = app.raw().await;
    for slug in ["acme", "beta", "gama"] {
        let names: Vec<String> = sqlx::query_scalar(AssertSqlSafe(format!(
            "SELECT name FROM t_{slug}.clients WHERE name NOT LIKE '{slug}-_' ORDER BY name"
        )))
        .fetch_all(&mut conn)
        .await
        .unwrap();
        let expected: Vec<String> = if slug == "gama" { vec![] } else { vec![format!("{slug}-new")] };
        assert_eq!(names, expected, "{slug}: only its own committed row, nothing of the failed transaction");
    }
}
