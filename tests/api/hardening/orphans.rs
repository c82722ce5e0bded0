//! Provisioning over a schema no studio owns (a manual restore left it, with data): refused
//! with 409 `schema_exists`, nothing written; `tenants repair` lists such schemas and drops
//! them only when told twice.

use reqwest::Method;
use serde_json::json;

use crate::helpers::{PASSWORD, spawn_app};

#[tokio::test]
async fn an_orphan_schema_is_never_provisioned_over_and_repair_drops_it_only_when_confirmed() {
    let app = spawn_app().await;
    let mut conn = app.raw().await;
    sqlx::raw_sql("CREATE SCHEMA t_ghost; CREATE TABLE t_ghost.clients (name text); INSERT INTO t_ghost.clients VALUES ('restored')")
        .execute(&mut conn)
        .await
        .unwrap();
    let operator = app.operator_token().await;
    let create = || {
        app.call(Method::POST, "/api/tenants")
            .token(&operator)
            .json(json!({"slug": "ghost", "name": "Ghost", "admin": {"email": "a@ghost.pe", "password": PASSWORD}}))
            .send()
    };
    let refused = create().await;
    refused.assert_problem(409, "schema_exists");
    assert_eq!(refused.body["context"]["schema"], "t_ghost");
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM public.tenants WHERE slug = 'ghost'")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(rows, 0, "no catalog row");
    let kept: String = sqlx::query_scalar("SELECT name FROM t_ghost.clients").fetch_one(&mut conn).await.unwrap();
    assert_eq!(kept, "restored", "the restored data is untouched");

    let url = crate::helpers::server_url(&app.db_name);
    let cli = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_fotostudio"))
            .args(args)
            .env("FOTOSTUDIO_ENV", "test")
            .env("FOTOSTUDIO_ROOT", env!("CARGO_MANIFEST_DIR"))
            .env("FOTOSTUDIO__DATABASE__URL", &url)
            .output()
            .unwrap();
        (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr))
    };
    let (code, listed) = cli(&["tenants", "repair"]);
    assert_eq!(code, Some(0), "{listed}");
    assert!(listed.contains("1 orphan schema(s)") && listed.contains("t_ghost"), "{listed}");
    let (code, text) = cli(&["tenants", "repair", "--drop-orphans"]);
    assert_eq!(code, Some(2), "dropping data needs --confirm: {text}");
    let still: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 't_ghost')")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert!(still);
    let (code, text) = cli(&["tenants", "repair", "--drop-orphans", "--confirm"]);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("dropped 1 orphan schema(s): t_ghost"), "{text}");
    create().await.assert(201);
}
