//! Clients and schools: CRUD, search, kind filter, pages, validation, tax ids, roles.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{individual, spawn_app};

fn school(name: &str, ruc: &str) -> Value {
    json!({"kind": "school", "name": name, "tax_id_type": "ruc", "tax_id_number": ruc,
           "contact_name": "Carmen Soto", "contact_role": "Directora", "email": "direccion@colegio.pe",
           "phone": "+51 1 234 5678", "address": "Av. Arequipa 123, Lima"})
}

#[tokio::test]
async fn a_client_is_created_read_replaced_and_deleted() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let created =
        app.as_studio(&s, Method::POST, "/api/clients").json(school("Colegio San Agustín", "20100070970")).send().await;
    created.assert(201);
    let id = created.body["id"].as_str().unwrap().to_owned();
    assert_eq!(created.body["contact_role"], "Directora");
    assert!(
        created.body["created_at"].as_str().unwrap().contains('+')
            || created.body["created_at"].as_str().unwrap().ends_with('Z')
    );

    let got = app.as_studio(&s, Method::GET, &format!("/api/clients/{id}")).send().await;
    got.assert(200);
    assert_eq!(got.body["name"], "Colegio San Agustín");
    assert_eq!(got.body["tax_id_number"], "20100070970");

    let mut changed = school("Colegio San Agustín de Lima", "20100070970");
    changed["notes"] = json!("Contrato anual");
    let put = app.as_studio(&s, Method::PUT, &format!("/api/clients/{id}/")).json(changed).send().await;
    put.assert(200);
    assert_eq!(put.body["name"], "Colegio San Agustín de Lima");
    assert_eq!(put.body["notes"], "Contrato anual");

    app.as_studio(&s, Method::DELETE, &format!("/api/clients/{id}")).send().await.assert(204);
    app.as_studio(&s, Method::GET, &format!("/api/clients/{id}")).send().await.assert_problem(404, "not_found");
    app.as_studio(&s, Method::DELETE, &format!("/api/clients/{id}")).send().await.assert_problem(404, "not_found");
}

#[tokio::test]
async fn search_matches_name_tax_id_email_and_phone_and_kind_filters() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    app.create_client(&s, school("Colegio Los Andes", "20512333797")).await;
    app.create_client(&s, json!({"kind": "individual", "name": "Ana Quispe", "tax_id_type": "dni", "tax_id_number": "45678912", "email": "ana@correo.pe", "phone": "987 654 321"})).await;
    app.create_client(&s, json!({"kind": "individual", "name": "Luis 100% Rojas"})).await;
    let count = |q: &str| {
        let path = format!("/api/clients?{q}");
        let call = app.as_studio(&s, Method::GET, &path);
        async move { call.send().await.body["count"].as_i64().unwrap() }
    };
    assert_eq!(count("search=quispe").await, 1, "by name, any case");
    assert_eq!(count("search=45678912").await, 1, "by tax id");
    assert_eq!(count("search=ana%40correo").await, 1, "by email");
    assert_eq!(count("search=654%20321").await, 1, "by phone");
    assert_eq!(count("search=100%25").await, 1, "a % in the search is literal");
    assert_eq!(count("search=_").await, 0, "an _ in the search is literal");
    assert_eq!(count("kind=school").await, 1);
    assert_eq!(count("kind=individual").await, 2);
    assert_eq!(count("kind=individual&search=ana").await, 1);
    let schools = app.as_studio(&s, Method::GET, "/api/clients/schools").send().await;
    assert_eq!(schools.body["count"], 1);
    assert_eq!(schools.body["results"][0]["name"], "Colegio Los Andes");
    app.as_studio(&s, Method::GET, "/api/clients?kind=alien").send().await.assert_problem(400, "invalid_parameter");
}

#[tokio::test]
async fn lists_are_paginated_in_a_stable_name_order() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    for i in (0..25).rev() {
        app.create_client(&s, individual(&format!("Cliente {i:02}"))).await;
    }
    let first = app.as_studio(&s, Method::GET, "/api/clients?page_size=10").send().await;
    assert_eq!(first.body["count"], 25);
    assert_eq!(first.body["results"][0]["name"], "Cliente 00");
    assert_eq!(first.body["next"], "/api/clients?page=2&page_size=10");
    assert_eq!(first.body["previous"], Value::Null);
    let last = app.as_studio(&s, Method::GET, "/api/clients?page=3&page_size=10").send().await;
    assert_eq!(last.body["results"].as_array().unwrap().len(), 5);
    assert_eq!(last.body["results"][4]["name"], "Cliente 24");
    assert_eq!(last.body["next"], Value::Null);
    assert_eq!(last.body["previous"], "/api/clients?page=2&page_size=10");
    let beyond = app.as_studio(&s, Method::GET, "/api/clients?page=9&page_size=10").send().await;
    assert_eq!(beyond.body["count"], 25, "past the end still counts");
    assert_eq!(beyond.body["results"].as_array().unwrap().len(), 0);
    for bad in ["page=0", "page_size=101", "page_size=0", "page=-1"] {
        app.as_studio(&s, Method::GET, &format!("/api/clients?{bad}"))
            .send()
            .await
            .assert_problem(422, "validation_failed");
    }
    app.as_studio(&s, Method::GET, "/api/clients?page=abc").send().await.assert_problem(400, "invalid_parameter");
}

#[tokio::test]
async fn each_invalid_field_is_named_and_nothing_is_written() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let cases = [
        (json!({"kind": "individual", "name": ""}), "name"),
        (json!({"kind": "individual", "name": "x".repeat(201)}), "name"),
        (json!({"kind": "individual", "name": "A", "email": "ana.correo.pe"}), "email"),
        (json!({"kind": "individual", "name": "A", "phone": "llámame"}), "phone"),
        (json!({"kind": "individual", "name": "A", "address": "x".repeat(301)}), "address"),
        (json!({"kind": "individual", "name": "A", "notes": "x".repeat(2001)}), "notes"),
        (json!({"kind": "individual", "name": "A", "contact_name": "Director"}), "contact_name"),
        (json!({"kind": "individual", "name": "A", "tax_id_type": "dni"}), "tax_id_number"),
        (json!({"kind": "individual", "name": "A", "tax_id_number": "45678912"}), "tax_id_type"),
    ];
    for (body, field) in cases {
        let reply = app.as_studio(&s, Method::POST, "/api/clients").json(body.clone()).send().await;
        reply.assert_problem(422, "validation_failed");
        assert_eq!(reply.fields(), [field], "{body}");
    }
    for (body, why) in [
        (json!({"kind": "alien", "name": "A"}), "unknown enum value"),
        (json!({"kind": "individual", "name": {"first": "A"}}), "wrong type"),
        (json!({"name": "A"}), "missing field"),
        (json!({"kind": "individual", "name": "A", "tax_id_type": "ssn", "tax_id_number": "1"}), "unknown tax id type"),
    ] {
        let reply = app.as_studio(&s, Method::POST, "/api/clients").json(body).send().await;
        reply.assert_problem(400, "invalid_body");
        assert!(!reply.body["detail"].as_str().unwrap().is_empty(), "{why}");
    }
    let list = app.as_studio(&s, Method::GET, "/api/clients").send().await;
    assert_eq!(list.body["count"], 0, "nothing was written");
}

#[tokio::test]
async fn tax_ids_are_checked_with_their_check_digits() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let with = |kind: &str, number: &str| json!({"kind": "individual", "name": "Cliente", "tax_id_type": kind, "tax_id_number": number});
    for (kind, number, canonical) in [
        ("ruc", "20131312955", "20131312955"),
        ("dni", "45678912", "45678912"),
        ("rut", "12.345.678-5", "12345678-5"),
        ("rut", "12345670-k", "12345670-K"),
        ("ci", "1234567 LP", "1234567-LP"),
        ("nit", "1020703023", "1020703023"),
        ("passport", "ab123456", "AB123456"),
    ] {
        let reply = app.as_studio(&s, Method::POST, "/api/clients").json(with(kind, number)).send().await;
        reply.assert(201);
        assert_eq!(reply.body["tax_id_number"], canonical, "{kind} {number}");
    }
    for (kind, number) in [
        ("ruc", "20131312956"),
        ("ruc", "30131312955"),
        ("ruc", "2013131295"),
        ("dni", "4567891"),
        ("rut", "12.345.678-4"),
        ("nit", "12AB"),
    ] {
        let reply = app.as_studio(&s, Method::POST, "/api/clients").json(with(kind, number)).send().await;
        reply.assert_problem(422, "validation_failed");
        assert_eq!(reply.fields(), ["tax_id_number"], "{kind} {number}");
    }
    // The same tax id twice in one studio is a duplicate.
    let dup = app.as_studio(&s, Method::POST, "/api/clients").json(with("ruc", "20131312955")).send().await;
    dup.assert_problem(409, "conflict");
    assert_eq!(dup.fields(), ["tax_id_number"]);
}

#[tokio::test]
async fn roles_decide_who_reads_writes_and_deletes_clients() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let id = app.create_client(&s, individual("Ana")).await;
    let path = format!("/api/clients/{id}");
    for (role, can_write, can_delete) in
        [("manager", true, false), ("staff", true, false), ("accountant", false, false)]
    {
        let token = app.user_with_role(&s, role).await;
        let call =
            |method: Method, p: &str| app.call(method, p).via(crate::helpers::Via::Header("acme".into())).token(&token);
        call(Method::GET, "/api/clients").send().await.assert(200);
        call(Method::GET, &path).send().await.assert(200);
        let created = call(Method::POST, "/api/clients").json(individual(&format!("de {role}"))).send().await;
        let updated = call(Method::PUT, &path).json(individual("Ana María")).send().await;
        if can_write {
            created.assert(201);
            updated.assert(200);
        } else {
            created.assert_problem(403, "forbidden");
            updated.assert_problem(403, "forbidden");
        }
        let deleted = call(Method::DELETE, &path).send().await;
        if can_delete {
            deleted.assert(204);
        } else {
            deleted.assert_problem(403, "forbidden");
        }
    }
}
