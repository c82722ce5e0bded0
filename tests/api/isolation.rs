//! A studio never sees or changes another studio's data, however each is resolved.

use reqwest::Method;
use serde_json::json;

use crate::helpers::{Via, individual, spawn_app};

#[tokio::test]
async fn studio_b_cannot_list_get_update_or_delete_studio_a_clients_by_any_resolution() {
    let app = spawn_app().await;
    let a = app.studio("acme").await;
    let b = app.studio("beta").await;
    let operator = app.operator_token().await;
    app.call(Method::POST, &format!("/api/tenants/{}/domains", b.id))
        .token(&operator)
        .json(json!({"domain": "fotos.beta.pe"}))
        .send()
        .await
        .assert(201);
    app.call(Method::POST, &format!("/api/tenants/{}/domains", a.id))
        .token(&operator)
        .json(json!({"domain": "fotos.acme.pe"}))
        .send()
        .await
        .assert(201);
    let secret = app.create_client(&a, individual("Cliente secreto de Acme")).await;

    let ways_to_b =
        [Via::Header("beta".into()), Via::Host("beta.fotostudio.localhost".into()), Via::Host("fotos.beta.pe".into())];
    for via in ways_to_b {
        let as_b = |method: Method, path: &str| app.call(method, path).via(via.clone()).token(&b.token);
        let list = as_b(Method::GET, "/api/clients?search=secreto").send().await;
        list.assert(200);
        assert_eq!(list.body["count"], 0, "B's list shows A's client via {via:?}");
        as_b(Method::GET, &format!("/api/clients/{secret}")).send().await.assert_problem(404, "not_found");
        as_b(Method::PUT, &format!("/api/clients/{secret}"))
            .json(individual("Robado"))
            .send()
            .await
            .assert_problem(404, "not_found");
        as_b(Method::DELETE, &format!("/api/clients/{secret}")).send().await.assert_problem(404, "not_found");
    }

    // A still has it, untouched, however A is reached.
    for via in
        [Via::Header("acme".into()), Via::Host("acme.fotostudio.localhost".into()), Via::Host("fotos.acme.pe".into())]
    {
        let got = app.call(Method::GET, &format!("/api/clients/{secret}")).via(via).token(&a.token).send().await;
        got.assert(200);
        assert_eq!(got.body["name"], "Cliente secreto de Acme");
    }
}

#[tokio::test]
async fn b_writes_land_in_b_only() {
    let app = spawn_app().await;
    let a = app.studio("acme").await;
    let b = app.studio("beta").await;
    app.create_client(&b, individual("Solo de Beta")).await;
    let a_list = app.as_studio(&a, Method::GET, "/api/clients").send().await;
    assert_eq!(a_list.body["count"], 0);
    let b_list = app.as_studio(&b, Method::GET, "/api/clients").send().await;
    assert_eq!(b_list.body["count"], 1);
    // And at the database: the row is in t_beta, not t_acme.
    let mut conn = app.raw().await;
    let counts: (i64, i64) =
        sqlx::query_as("SELECT (SELECT count(*) FROM t_acme.clients), (SELECT count(*) FROM t_beta.clients)")
            .fetch_one(&mut conn)
            .await
            .unwrap();
    assert_eq!(counts, (0, 1));
}

#[tokio::test]
async fn studio_b_cannot_read_change_or_delete_studio_a_users() {
    let app = spawn_app().await;
    let a = app.studio("acme").await;
    let b = app.studio("beta").await;
    app.user_with_role(&a, "staff").await;
    let staff = app.as_studio(&a, Method::GET, "/api/users?role=staff").send().await;
    let id = staff.body["results"][0]["id"].as_str().unwrap().to_owned();
    let path = format!("/api/users/{id}");
    app.as_studio(&b, Method::GET, &path).send().await.assert_problem(404, "not_found");
    app.as_studio(&b, Method::PUT, &path).json(json!({"role": "admin"})).send().await.assert_problem(404, "not_found");
    app.as_studio(&b, Method::DELETE, &path).send().await.assert_problem(404, "not_found");
    let listed = app.as_studio(&b, Method::GET, "/api/users?search=staff").send().await;
    assert_eq!(listed.body["count"], 0);
    let still = app.as_studio(&a, Method::GET, &path).send().await;
    still.assert(200);
    assert_eq!(still.body["role"], "staff");
}
