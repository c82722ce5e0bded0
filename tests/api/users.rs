//! User management: create, list with filters, get, update, delete; emails unique per studio
//! whatever the case; the last active admin is kept.

use reqwest::Method;
use serde_json::json;

use crate::helpers::{PASSWORD, spawn_app};

#[tokio::test]
async fn admins_create_list_get_update_and_delete_users() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let created = app
        .as_studio(&s, Method::POST, "/api/users")
        .json(json!({"email": "Rosa@Acme.pe", "full_name": "Rosa Condori", "role": "accountant", "password": PASSWORD, "phone": "+51 951 876 543"}))
        .send()
        .await;
    created.assert(201);
    assert_eq!(created.body["email"], "rosa@acme.pe");
    assert!(created.body.get("password_hash").is_none() && created.body.get("password").is_none());
    let id = created.body["id"].as_str().unwrap().to_owned();
    app.as_studio(&s, Method::POST, "/api/users")
        .json(json!({"email": "luis@acme.pe", "full_name": "Luis Rojas", "role": "staff", "password": PASSWORD}))
        .send()
        .await
        .assert(201);

    let all = app.as_studio(&s, Method::GET, "/api/users").send().await;
    assert_eq!(all.body["count"], 3);
    let staff = app.as_studio(&s, Method::GET, "/api/users?role=staff").send().await;
    assert_eq!(staff.body["results"][0]["email"], "luis@acme.pe");
    let search = app.as_studio(&s, Method::GET, "/api/users?search=condori").send().await;
    assert_eq!(search.body["count"], 1);

    let updated = app
        .as_studio(&s, Method::PUT, &format!("/api/users/{id}"))
        .json(json!({"role": "manager", "full_name": "Rosa Condori Apaza"}))
        .send()
        .await;
    updated.assert(200);
    assert_eq!(updated.body["role"], "manager");
    assert_eq!(updated.body["phone"], "+51 951 876 543", "absent fields are kept");
    app.as_studio(&s, Method::PUT, &format!("/api/users/{id}")).json(json!({"active": false})).send().await.assert(200);
    let inactive = app.as_studio(&s, Method::GET, "/api/users?active=false").send().await;
    assert_eq!(inactive.body["count"], 1);

    app.as_studio(&s, Method::GET, &format!("/api/users/{id}")).send().await.assert(200);
    app.as_studio(&s, Method::DELETE, &format!("/api/users/{id}")).send().await.assert(204);
    app.as_studio(&s, Method::GET, &format!("/api/users/{id}")).send().await.assert_problem(404, "not_found");
    let audit = app.audit_actions("acme").await;
    for action in ["user.created", "user.updated", "user.role_changed", "user.deactivated", "user.deleted"] {
        assert!(audit.contains(&action.to_owned()), "{action} in {audit:?}");
    }
}

#[tokio::test]
async fn emails_are_unique_per_studio_whatever_the_case_but_shared_across_studios() {
    let app = spawn_app().await;
    let a = app.studio("acme").await;
    let b = app.studio("beta").await;
    let body = |email: &str| json!({"email": email, "full_name": "Ana", "role": "staff", "password": PASSWORD});
    app.as_studio(&a, Method::POST, "/api/users").json(body("ana@correo.pe")).send().await.assert(201);
    let dup = app.as_studio(&a, Method::POST, "/api/users").json(body("ANA@correo.pe")).send().await;
    dup.assert_problem(409, "conflict");
    assert_eq!(dup.fields(), ["email"]);
    app.as_studio(&b, Method::POST, "/api/users").json(body("ana@correo.pe")).send().await.assert(201);
    app.login("beta", "Ana@Correo.pe", PASSWORD).await;
}

#[tokio::test]
async fn the_last_active_admin_cannot_be_demoted_deactivated_or_deleted() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let me = app.as_studio(&s, Method::GET, "/api/auth/profile").send().await;
    let admin = me.body["id"].as_str().unwrap().to_owned();
    let path = format!("/api/users/{admin}");
    app.as_studio(&s, Method::PUT, &path)
        .json(json!({"role": "manager"}))
        .send()
        .await
        .assert_problem(409, "last_admin");
    app.as_studio(&s, Method::PUT, &path).json(json!({"active": false})).send().await.assert_problem(409, "last_admin");
    app.as_studio(&s, Method::DELETE, &path).send().await.assert_problem(409, "last_admin");
    // With a second admin, the first may step down.
    app.as_studio(&s, Method::POST, "/api/users")
        .json(json!({"email": "second@acme.pe", "full_name": "Second", "role": "admin", "password": PASSWORD}))
        .send()
        .await
        .assert(201);
    app.as_studio(&s, Method::PUT, &path).json(json!({"role": "manager"})).send().await.assert(200);
}

#[tokio::test]
async fn invalid_users_are_refused_field_by_field() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let cases = [
        (json!({"email": "nope", "full_name": "A", "role": "staff", "password": PASSWORD}), "email"),
        (json!({"email": "a@b.pe", "full_name": " ", "role": "staff", "password": PASSWORD}), "full_name"),
        (json!({"email": "a@b.pe", "full_name": "A", "role": "staff", "password": "short"}), "password"),
        (
            json!({"email": "longaddress@b.pe", "full_name": "A", "role": "staff", "password": "longaddress@b.pe"}),
            "password",
        ),
        (
            json!({"email": "a@b.pe", "full_name": "A", "role": "staff", "password": PASSWORD, "phone": "call me"}),
            "phone",
        ),
    ];
    for (body, field) in cases {
        let reply = app.as_studio(&s, Method::POST, "/api/users").json(body).send().await;
        reply.assert_problem(422, "validation_failed");
        assert_eq!(reply.fields(), [field]);
    }
    app.as_studio(&s, Method::POST, "/api/users")
        .json(json!({"email": "a@b.pe", "full_name": "A", "role": "owner", "password": PASSWORD}))
        .send()
        .await
        .assert_problem(400, "invalid_body");
}

#[tokio::test]
async fn profile_and_password_are_ones_own() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let token = app.user_with_role(&s, "staff").await;
    let as_staff = |method: Method, path: &str| {
        app.call(method, path).via(crate::helpers::Via::Header("acme".into())).token(&token)
    };
    let updated = as_staff(Method::PUT, "/api/auth/profile")
        .json(json!({"full_name": "Staff Uno", "phone": "987654321"}))
        .send()
        .await;
    updated.assert(200);
    assert_eq!(updated.body["full_name"], "Staff Uno");
    assert_eq!(updated.body["role"], "staff", "the role is not one's own to change");

    // Another session of the same user, which the password change will end.
    let other = app.try_login("acme", "staff@acme.pe", PASSWORD).await;
    let other_refresh = other.body["refresh_token"].as_str().unwrap().to_owned();
    let wrong = as_staff(Method::POST, "/api/auth/change-password")
        .json(json!({"old_password": "not it at all", "new_password": "a brand new secret"}))
        .send()
        .await;
    wrong.assert_problem(422, "validation_failed");
    assert_eq!(wrong.fields(), ["old_password"]);
    as_staff(Method::POST, "/api/auth/change-password")
        .json(json!({"old_password": PASSWORD, "new_password": "short"}))
        .send()
        .await
        .assert_problem(422, "validation_failed");
    as_staff(Method::POST, "/api/auth/change-password")
        .json(json!({"old_password": PASSWORD, "new_password": "a brand new secret"}))
        .send()
        .await
        .assert(204);
    app.refresh("acme", &other_refresh).await.assert_problem(401, "unauthorized");
    app.try_login("acme", "staff@acme.pe", PASSWORD).await.assert_problem(401, "unauthorized");
    app.login("acme", "staff@acme.pe", "a brand new secret").await;
    assert!(app.audit_actions("acme").await.contains(&"user.password_changed".to_owned()));
}

#[tokio::test]
async fn a_password_change_keeps_the_session_it_was_made_from() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let login = app.try_login("acme", &s.admin_email, PASSWORD).await;
    let access = login.body["access_token"].as_str().unwrap().to_owned();
    let refresh = login.body["refresh_token"].as_str().unwrap().to_owned();
    app.call(Method::POST, "/api/auth/change-password")
        .via(crate::helpers::Via::Header("acme".into()))
        .token(&access)
        .json(json!({"old_password": PASSWORD, "new_password": "a brand new secret"}))
        .send()
        .await
        .assert(204);
    app.refresh("acme", &refresh).await.assert(200);
}
