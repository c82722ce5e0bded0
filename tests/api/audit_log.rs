//! Reading the audit trail (`/api/audit`): newest first in pages, the actor named while the
//! user exists, every filter and the spec's shortcuts, date ranges in the studio's time zone
//! (across a midnight boundary), bad ranges, roles and isolation.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Studio, TestApp, Via, individual, spawn_app};

async fn trail(app: &TestApp, s: &Studio, query: &str) -> Value {
    let reply = app.as_studio(s, Method::GET, &format!("/api/audit{query}")).send().await;
    reply.assert(200);
    reply.body
}

async fn my_id(app: &TestApp, s: &Studio) -> String {
    let me = app.as_studio(s, Method::GET, "/api/auth/profile").send().await;
    me.body["id"].as_str().unwrap().to_owned()
}

fn actions(page: &Value) -> Vec<&str> {
    page["results"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn the_trail_is_newest_first_in_pages_with_the_actor_named() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let mut clients = Vec::new();
    for name in ["Ana", "Beto", "Carla"] {
        clients.push(app.create_client(&s, individual(name)).await);
    }
    let first = trail(&app, &s, "?entity=client&page_size=2").await;
    assert_eq!(first["count"], 3);
    let ids: Vec<&str> =
        first["results"].as_array().unwrap().iter().map(|e| e["entity_id"].as_str().unwrap()).collect();
    assert_eq!(ids, [clients[2].as_str(), clients[1].as_str()], "newest first");
    let entry = &first["results"][0];
    assert_eq!(entry["action"], "client.created");
    assert_eq!(entry["actor_email"], s.admin_email);
    assert_eq!(entry["actor_id"], my_id(&app, &s).await);
    assert_eq!(entry["changes"]["after"]["name"], "Carla");
    assert!(entry["request_id"].is_string() && entry["ip"].is_string() && entry["at"].is_string());
    let next = first["next"].as_str().unwrap();
    assert!(next.contains("entity=client") && next.contains("page=2"), "{next}");
    let second = trail(&app, &s, &next["/api/audit".len()..]).await;
    assert_eq!(second["results"][0]["entity_id"], clients[0].as_str());

    let everything = trail(&app, &s, "").await;
    let newest_first: Vec<&str> =
        everything["results"].as_array().unwrap().iter().map(|e| e["at"].as_str().unwrap()).collect();
    let mut sorted = newest_first.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(newest_first, sorted);
    assert!(actions(&everything).contains(&"auth.login"));
}

#[tokio::test]
async fn filters_and_the_shortcuts_select_the_same_events() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let manager = Studio { token: app.user_with_role(&s, "manager").await, ..s.clone() };
    let managers_id = my_id(&app, &manager).await;
    let ana = app.create_client(&s, individual("Ana")).await;
    app.create_client(&manager, individual("Beto")).await;
    let change = json!({"kind": "individual", "name": "Ana María"});
    app.as_studio(&manager, Method::PUT, &format!("/api/clients/{ana}")).json(change).send().await.assert(200);

    let by_user = trail(&app, &s, &format!("/user/{managers_id}")).await;
    assert_eq!(by_user, trail(&app, &s, &format!("?user_id={managers_id}")).await);
    assert_eq!(actions(&by_user), ["client.updated", "client.created", "auth.login"]);
    let created = trail(&app, &s, "/action/client.created").await;
    assert_eq!(created["count"], 2);
    assert_eq!(created, trail(&app, &s, "?action=client.created").await);
    let clients = trail(&app, &s, "/model/client").await;
    assert_eq!(clients["count"], 3);
    let of_ana = trail(&app, &s, &format!("?entity=client&entity_id={ana}")).await;
    assert_eq!(actions(&of_ana), ["client.updated", "client.created"]);
    let combined = trail(&app, &s, &format!("?user_id={managers_id}&action=client.created")).await;
    assert_eq!(combined["count"], 1);
    assert_eq!(trail(&app, &s, "/action/nothing.happened").await["count"], 0);
    let today = chrono::Utc::now().with_timezone(&chrono_tz::America::Lima).date_naive();
    let range = trail(&app, &s, &format!("/date-range?from={today}&to={today}&page_size=100")).await;
    assert_eq!(range["count"], trail(&app, &s, "").await["count"], "everything happened today in Lima");
}

#[tokio::test]
async fn a_date_range_is_days_of_the_studios_calendar() {
    let app = spawn_app().await;
    let s = app.studio("acme").await; // Lima, UTC-5
    // 23:30 on 28 February and 00:30 on 1 March, Lima time.
    let events = [("late.event", "2026-03-01T04:30:00Z"), ("early.event", "2026-03-01T05:30:00Z")];
    for (action, at) in events {
        sqlx::query(
            "INSERT INTO t_acme.audit_log (id, at, action, entity) VALUES (gen_random_uuid(), $1::timestamptz, $2, 'test')",
        )
        .bind(at)
        .bind(action)
        .execute(&mut app.raw().await)
        .await
        .unwrap();
    }
    let on = async |day: &str| actions(&trail(&app, &s, &format!("/date-range?from={day}&to={day}")).await).join(",");
    assert_eq!(on("2026-02-28").await, "late.event");
    assert_eq!(on("2026-03-01").await, "early.event");
    let both = trail(&app, &s, "?from=2026-02-28&to=2026-03-01&entity=test").await;
    assert_eq!(actions(&both), ["early.event", "late.event"]);
    assert_eq!(actions(&trail(&app, &s, "?to=2026-02-28&entity=test").await), ["late.event"]);
    assert_eq!(actions(&trail(&app, &s, "?from=2026-03-01&entity=test").await), ["early.event"]);

    let bad = |query: &str| app.as_studio(&s, Method::GET, &format!("/api/audit{query}")).send();
    assert_eq!(bad("/date-range?from=2026-03-02&to=2026-03-01").await.assert(422).fields(), ["to"]);
    assert_eq!(bad("?from=2025-01-01&to=2026-01-02").await.assert(422).fields(), ["to"]);
    assert_eq!(bad("?from=1900-01-01").await.assert(422).fields(), ["from"]);
    bad("/date-range?from=2026-03-01").await.assert_problem(400, "invalid_parameter");
    bad("?from=yesterday").await.assert_problem(400, "invalid_parameter");
    bad("?user_id=not-a-uuid").await.assert_problem(400, "invalid_parameter");
    bad("/user/not-a-uuid").await.assert_problem(400, "invalid_parameter");
    bad("?page_size=101").await.assert_problem(422, "validation_failed");
}

#[tokio::test]
async fn a_deleted_users_events_keep_their_actor_id() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let staff = Studio { token: app.user_with_role(&s, "staff").await, ..s.clone() };
    let staff_id = my_id(&app, &staff).await;
    app.create_client(&staff, individual("Ana")).await;
    app.as_studio(&s, Method::DELETE, &format!("/api/users/{staff_id}")).send().await.assert(204);
    let theirs = trail(&app, &s, &format!("/user/{staff_id}")).await;
    assert_eq!(actions(&theirs), ["client.created", "auth.login"]);
    let entry = &theirs["results"][0];
    assert_eq!(
        (&entry["actor_id"], &entry["actor_email"], &entry["actor_name"]),
        (&json!(staff_id), &Value::Null, &Value::Null)
    );
}

#[tokio::test]
async fn admins_and_managers_read_the_trail_and_no_one_else() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let paths = [
        "/api/audit",
        "/api/audit/action/auth.login",
        "/api/audit/model/user",
        "/api/audit/date-range?from=2026-01-01&to=2026-01-31",
    ];
    let manager = Studio { token: app.user_with_role(&s, "manager").await, ..s.clone() };
    for path in paths {
        app.as_studio(&manager, Method::GET, path).send().await.assert(200);
    }
    for role in ["accountant", "staff"] {
        let user = Studio { token: app.user_with_role(&s, role).await, ..s.clone() };
        for path in paths {
            app.as_studio(&user, Method::GET, path).send().await.assert_problem(403, "forbidden");
        }
    }
    app.call(Method::GET, "/api/audit").via(Via::Header("acme".into())).send().await.assert(401);
}

#[tokio::test]
async fn a_studio_never_sees_another_studios_trail() {
    let app = spawn_app().await;
    let a = app.studio("acme").await;
    let b = app.studio("bravo").await;
    let ana = app.create_client(&a, individual("Ana")).await;
    let a_admin = my_id(&app, &a).await;
    assert_eq!(trail(&app, &b, &format!("?entity_id={ana}")).await["count"], 0);
    assert_eq!(trail(&app, &b, &format!("/user/{a_admin}")).await["count"], 0);
    assert_eq!(trail(&app, &b, "/model/client").await["count"], 0);
    let everything = trail(&app, &b, "?page_size=100").await;
    assert!(everything["results"].as_array().unwrap().iter().all(|e| e["actor_email"] != a.admin_email));
    let at_a = app.call(Method::GET, "/api/audit").token(&b.token);
    at_a.via(Via::Header("acme".into())).send().await.assert(401);
    let host = app.call(Method::GET, "/api/audit").token(&b.token).via(Via::Host("acme.fotostudio.localhost".into()));
    host.send().await.assert(401);
}
