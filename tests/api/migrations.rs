//! Tenant migrations: a no-op when current, per-tenant failure isolation, safe concurrent
//! runs, and the CLI's exit status.

use std::sync::Arc;

use fotostudio::tenancy::migrations::{self, TenantRun};
use refinery_core::Migration;

use crate::helpers::{TestApp, app_session_url, app_url, spawn_app};

/// The versions of the built-in tenant migrations, plus `extra`.
fn versions(extra: &[i32]) -> Vec<i32> {
    let mut all: Vec<i32> = migrations::tenant_migrations().iter().map(|m| m.version()).collect();
    all.extend_from_slice(extra);
    all
}

fn with_probe() -> Arc<Vec<Migration>> {
    let mut all = migrations::tenant_migrations().to_vec();
    all.push(Migration::unapplied("V1000__probe", "CREATE TABLE probe (id integer PRIMARY KEY);").unwrap());
    Arc::new(all)
}

async fn history(app: &TestApp, slug: &str) -> Vec<i32> {
    let mut conn = app.raw().await;
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT version FROM t_{slug}.tenant_schema_history ORDER BY version"
    )))
    .fetch_all(&mut conn)
    .await
    .unwrap()
}

#[tokio::test]
async fn migrating_current_tenants_is_a_no_op() {
    let app = spawn_app().await;
    app.studio("acme").await;
    app.studio("beta").await;
    let summary = migrations::migrate_tenants(&app.state.db.catalog, TenantRun::all(4)).await.unwrap();
    assert_eq!(summary.outcomes.len(), 2);
    assert!(summary.outcomes.iter().all(|o| o.applied.is_empty() && o.error.is_none()), "{summary:?}");
    assert_eq!(history(&app, "acme").await, versions(&[]));
}

#[tokio::test]
async fn a_failing_tenant_stays_at_its_version_while_the_others_advance() {
    let app = spawn_app().await;
    for slug in ["acme", "beta", "gama"] {
        app.studio(slug).await;
    }
    let mut conn = app.raw().await;
    sqlx::raw_sql("CREATE TABLE t_beta.probe (planted text)").execute(&mut conn).await.unwrap();

    let run = TenantRun { migrations: with_probe(), ..TenantRun::all(3) };
    let summary = migrations::migrate_tenants(&app.state.db.catalog, run.clone()).await.unwrap();
    let failed: Vec<&str> = summary.failed().iter().map(|o| o.slug.as_str()).collect();
    assert_eq!(failed, ["beta"]);
    assert_eq!(history(&app, "acme").await, versions(&[1000]));
    assert_eq!(history(&app, "gama").await, versions(&[1000]));
    assert_eq!(history(&app, "beta").await, versions(&[]), "the failed tenant keeps its old version");
    let planted: i64 = sqlx::query_scalar("SELECT count(*) FROM information_schema.columns WHERE table_schema = 't_beta' AND table_name = 'probe' AND column_name = 'planted'")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(planted, 1, "the planted table is untouched");
    let catalog: Vec<(String, i32)> = sqlx::query_as("SELECT slug, schema_version FROM public.tenants ORDER BY slug")
        .fetch_all(&mut conn)
        .await
        .unwrap();
    let current = migrations::required_tenant_version();
    assert_eq!(catalog, [("acme".into(), 1000), ("beta".into(), current), ("gama".into(), 1000)]);

    // Fixed, the next run finishes beta and leaves the others alone.
    sqlx::raw_sql("DROP TABLE t_beta.probe").execute(&mut conn).await.unwrap();
    let summary = migrations::migrate_tenants(&app.state.db.catalog, run).await.unwrap();
    assert!(summary.failed().is_empty());
    let applied: Vec<(&str, &[i32])> =
        summary.outcomes.iter().map(|o| (o.slug.as_str(), o.applied.as_slice())).collect();
    assert_eq!(applied, [("acme", &[][..]), ("beta", &[1000][..]), ("gama", &[][..])]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_runs_at_once_apply_each_migration_exactly_once() {
    let app = spawn_app().await;
    for slug in ["acme", "beta", "gama", "delta"] {
        app.studio(slug).await;
    }
    let run = TenantRun { migrations: with_probe(), ..TenantRun::all(2) };
    let (one, two) = tokio::join!(
        migrations::migrate_tenants(&app.state.db.catalog, run.clone()),
        migrations::migrate_tenants(&app.state.db.catalog, run.clone()),
    );
    let (one, two) = (one.unwrap(), two.unwrap());
    assert!(one.failed().is_empty() && two.failed().is_empty());
    for slug in ["acme", "beta", "gama", "delta"] {
        assert_eq!(history(&app, slug).await, versions(&[1000]), "{slug}");
        let applied_by_both: usize =
            [&one, &two].iter().map(|s| s.outcomes.iter().find(|o| o.slug == slug).unwrap().applied.len()).sum();
        assert_eq!(applied_by_both, 1, "{slug}: exactly one run applied the migration");
    }
}

fn cli(app: &TestApp, args: &[&str]) -> std::process::Output {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_fotostudio"));
    if crate::helpers::through_pgbouncer() {
        command.env("FOTOSTUDIO__DATABASE__SEARCH_PATH_MODE", "transaction");
    }
    command
        .args(args)
        .env("FOTOSTUDIO_ENV", "test")
        .env("FOTOSTUDIO__DATABASE__URL", app_url(&app.db_name))
        .env("FOTOSTUDIO__DATABASE__SESSION_URL", app_session_url(&app.db_name))
        .env("FOTOSTUDIO_ROOT", env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run the fotostudio binary")
}

/// A studio whose schema stopped one migration short of this binary (as after a deploy).
async fn studio_one_version_behind(app: &TestApp, slug: &str) {
    use fotostudio::tenancy::slug::Slug;
    let all = migrations::tenant_migrations();
    let older = &all[..all.len() - 1];
    let schema = Slug::parse(slug).unwrap().schema_name();
    let mut conn = app.raw().await;
    sqlx::query(
        "INSERT INTO public.tenants (id, slug, name, schema_name, status, country, currency, timezone, schema_version) \
         VALUES (gen_random_uuid(), $1, $1, $2, 'active', 'PE', 'PEN', 'America/Lima', $3)",
    )
    .bind(slug)
    .bind(schema.as_str())
    .bind(migrations::latest_version(older))
    .execute(&mut conn)
    .await
    .unwrap();
    let mut tx = migrations::begin_schema_transaction(&mut conn, &schema).await.unwrap();
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {}", schema.quoted()))).execute(&mut *tx).await.unwrap();
    migrations::apply_tenant_migrations(&mut tx, older).await.unwrap();
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn the_cli_run_continues_past_a_failing_tenant_and_exits_non_zero() {
    let app = spawn_app().await;
    studio_one_version_behind(&app, "acme").await;
    studio_one_version_behind(&app, "beta").await;
    let behind = versions(&[])[..versions(&[]).len() - 1].to_vec();
    // beta's history no longer matches its files: refinery refuses to touch it.
    let mut conn = app.raw().await;
    sqlx::raw_sql("UPDATE t_beta.tenant_schema_history SET checksum = '1' WHERE version = 1")
        .execute(&mut conn)
        .await
        .unwrap();

    let status = cli(&app, &["migrate", "status"]);
    let table = String::from_utf8_lossy(&status.stdout);
    let latest = format!("V{}", migrations::required_tenant_version());
    assert!(
        table.contains("acme") && table.contains(&latest),
        "status shows the pending migration:\n{table}\n{}",
        String::from_utf8_lossy(&status.stderr)
    );

    let run = cli(&app, &["migrate", "tenants", "--concurrency", "2"]);
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert_eq!(run.status.code(), Some(1), "stdout:\n{stdout}\nstderr:\n{}", String::from_utf8_lossy(&run.stderr));
    assert!(stdout.contains("1 migrated") && stdout.contains("1 failed") && stdout.contains("FAILED beta"), "{stdout}");
    assert_eq!(history(&app, "acme").await, versions(&[]));
    assert_eq!(history(&app, "beta").await, behind, "the failed tenant keeps its old version");

    // Once repaired, a run exits 0.
    let original = migrations::tenant_migrations()[0].checksum().to_string();
    sqlx::query("UPDATE t_beta.tenant_schema_history SET checksum = $1 WHERE version = 1")
        .bind(original)
        .execute(&mut conn)
        .await
        .unwrap();
    let run = cli(&app, &["migrate", "tenants", "--tenant", "beta"]);
    assert_eq!(run.status.code(), Some(0), "{}", String::from_utf8_lossy(&run.stdout));
    assert_eq!(history(&app, "beta").await, versions(&[]));
}
