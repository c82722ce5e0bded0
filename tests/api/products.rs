//! Finished products: codes, lists by status and location, the status rules (sell only from
//! stock or a reservation), the reserve / release / deliver services the orders module
//! calls, photos, roles, bad input and isolation.

use std::sync::Arc;

use chrono::{Datelike, Utc};
use fotostudio::auth::extract::TenantUser;
use fotostudio::auth::roles::Role;
use fotostudio::studio::products::service as products;
use reqwest::Method;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use crate::helpers::{Reply, Studio, TestApp, Via, individual, spawn_app};
use crate::inventory::id;

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

async fn create(app: &TestApp, s: &Studio, body: Value) -> Value {
    let reply = app.as_studio(s, Method::POST, "/api/products").json(body).send().await;
    reply.assert(201);
    reply.body
}

fn framed(name: &str, location: &str) -> Value {
    json!({"name": name, "kind": "framed_picture", "location": location, "price": "120.00"})
}

async fn act(app: &TestApp, s: &Studio, id: &str, action: &str, body: Value) -> Reply {
    app.as_studio(s, Method::POST, &format!("/api/products/{id}/{action}")).json(body).send().await
}

async fn upload(app: &TestApp, s: &Studio, product: &str, bytes: Vec<u8>) -> Reply {
    let part = Part::bytes(bytes).file_name("foto.png").mime_str("image/png").unwrap();
    let response = app
        .http
        .put(format!("{}/api/products/{product}/photo", app.base_url))
        .header("X-Tenant", &s.slug)
        .bearer_auth(&s.token)
        .multipart(Form::new().part("file", part))
        .send()
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.json().await.unwrap_or(Value::Null);
    Reply { status, headers, body }
}

/// The studio's admin as an in-process caller, the way the orders module's services act.
async fn acting_admin(app: &TestApp, slug: &str) -> TenantUser {
    let tenant = fotostudio::tenancy::catalog::find_by_slug(&app.state.db.catalog, slug).await.unwrap().unwrap();
    let mut db = app.state.db.tenants.acquire(&tenant.schema).await.unwrap();
    let admin =
        fotostudio::auth::users::repo::find_by_email(&mut db, &format!("admin@{slug}.pe")).await.unwrap().unwrap();
    drop(db);
    TenantUser::acting_as(admin.id, Role::Admin, Arc::new(tenant), app.state.db.tenants.clone())
}

#[tokio::test]
async fn products_are_coded_listed_by_status_and_location_replaced_and_deleted() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let client = app.create_client(&s, individual("Ana Quispe")).await;
    let first = create(&app, &s, framed("Retrato familiar", "Vitrina 1")).await;
    assert_eq!(first["code"], format!("FP-{}-00001", Utc::now().year()), "numbered when no code is given");
    assert_eq!(first["status"], "in_stock");
    assert_eq!(first["price"], "120.00");
    let second = create(
        &app,
        &s,
        json!({"code": "alb-0042", "name": "Álbum de bodas", "kind": "album",
                                          "location": "almacén", "client_id": client}),
    )
    .await;
    assert_eq!(second["code"], "ALB-0042");
    assert_eq!(second["client_name"], "Ana Quispe");
    let dup = app
        .as_studio(&s, Method::POST, "/api/products")
        .json(json!({"code": "ALB-0042", "name": "x", "kind": "album"}))
        .send()
        .await;
    dup.assert_problem(409, "conflict");
    assert_eq!(dup.fields(), ["code"]);
    let at = app.as_studio(&s, Method::GET, "/api/products/location/VITRINA%201").send().await;
    assert_eq!(at.assert(200).body["count"], 1, "whole location, any case");
    assert_eq!(at.body["results"][0]["name"], "Retrato familiar");
    let in_stock = app.as_studio(&s, Method::GET, "/api/products/status/in_stock").send().await;
    assert_eq!(in_stock.body["count"], 2);
    app.as_studio(&s, Method::GET, "/api/products/status/lost").send().await.assert_problem(400, "invalid_parameter");
    let albums = app.as_studio(&s, Method::GET, "/api/products?kind=album&search=bodas").send().await;
    assert_eq!(albums.body["count"], 1);
    let pid = id(&first);
    let moved = app.as_studio(&s, Method::PUT, &format!("/api/products/{pid}"))
        .json(json!({"name": "Retrato familiar 50 × 70", "kind": "framed_picture", "location": "Mostrador", "price": "150"}))
        .send()
        .await;
    moved.assert(200);
    assert_eq!(moved.body["code"], first["code"], "a replace without a code keeps it");
    assert_eq!(moved.body["location"], "Mostrador");
    // Sold products stay; in-stock ones can be deleted (by admins).
    act(&app, &s, &pid, "sell", json!({})).await.assert(200);
    app.as_studio(&s, Method::DELETE, &format!("/api/products/{pid}"))
        .send()
        .await
        .assert_problem(409, "product_in_use");
    app.as_studio(&s, Method::DELETE, &format!("/api/products/{}", id(&second))).send().await.assert(204);
    let actions = app.audit_actions("acme").await;
    for action in ["product.created", "product.updated", "product.deleted"] {
        assert!(actions.iter().any(|a| a == action), "{action} in {actions:?}");
    }
}

#[tokio::test]
async fn a_product_is_sold_only_from_stock_or_a_reservation_and_moves_along_its_workflow() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let client = app.create_client(&s, individual("Luis Rojas")).await;
    let order = id(&crate::orders::client_and_order(&app, &s).await);
    let other_order = id(&crate::orders::client_and_order(&app, &s).await);
    let p = id(&create(&app, &s, framed("Paisaje", "Vitrina")).await);
    // in stock → reserved (for an order) → released → reserved again → sold → delivered.
    let reserved = act(&app, &s, &p, "reserve", json!({"order_id": order, "client_id": client})).await;
    assert_eq!(reserved.assert(200).body["status"], "reserved");
    assert_eq!(reserved.body["order_id"], order);
    assert_eq!(reserved.body["client_id"], client, "the client named, over the order's");
    assert!(reserved.body["reserved_at"].is_string());
    act(&app, &s, &p, "reserve", json!({"order_id": order})).await.assert(200); // again, same order: no change
    let taken = act(&app, &s, &p, "reserve", json!({"order_id": other_order})).await;
    taken.assert_problem(409, "reserved_for_another_order");
    act(&app, &s, &p, "release", json!({"order_id": other_order}))
        .await
        .assert_problem(409, "reserved_for_another_order");
    let released = act(&app, &s, &p, "release", json!({"order_id": order})).await;
    assert_eq!(released.assert(200).body["status"], "in_stock");
    assert_eq!(released.body["order_id"], Value::Null);
    assert_eq!(released.body["reserved_at"], Value::Null);
    let early = act(&app, &s, &p, "deliver", json!({})).await;
    early.assert_problem(409, "invalid_transition");
    assert_eq!(early.body["context"], json!({"from": "in_stock", "to": "delivered"}));
    act(&app, &s, &p, "reserve", json!({"order_id": order})).await.assert(200);
    let sold = act(&app, &s, &p, "sell", json!({"client_id": client})).await;
    assert_eq!(sold.assert(200).body["status"], "sold");
    assert_eq!(sold.body["order_id"], order, "a reserved product keeps its order");
    assert!(sold.body["sold_at"].is_string());
    let again = act(&app, &s, &p, "sell", json!({})).await;
    again.assert_problem(409, "invalid_transition");
    assert_eq!(again.body["context"], json!({"from": "sold", "to": "sold"}));
    act(&app, &s, &p, "release", json!({})).await.assert_problem(409, "invalid_transition");
    let delivered = act(&app, &s, &p, "deliver", json!({"order_id": order})).await;
    assert_eq!(delivered.assert(200).body["status"], "delivered");
    act(&app, &s, &p, "sell", json!({})).await.assert_problem(409, "invalid_transition");
    // A counter sale straight from stock, with a client of another studio refused.
    let q = id(&create(&app, &s, framed("Bodegón", "Vitrina")).await);
    let other = app.studio("beta").await;
    let foreign = app.create_client(&other, individual("Cliente de Beta")).await;
    let refused = act(&app, &s, &q, "sell", json!({"client_id": foreign})).await;
    assert_eq!(refused.assert(422).fields(), ["client_id"]);
    assert_eq!(act(&app, &s, &q, "sell", json!({})).await.assert(200).body["status"], "sold");
    for status in ["in_stock", "reserved", "sold", "delivered"] {
        let listed = app.as_studio(&s, Method::GET, &format!("/api/products/status/{status}")).send().await;
        let want = if status == "sold" || status == "delivered" { 1 } else { 0 };
        assert_eq!(listed.body["count"], want, "{status}");
    }
}

#[tokio::test]
async fn the_orders_module_reserves_releases_and_delivers_through_the_product_services() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let admin = acting_admin(&app, "acme").await;
    let a = id(&create(&app, &s, framed("Marco A", "Taller")).await).parse().unwrap();
    let b = id(&create(&app, &s, framed("Marco B", "Taller")).await).parse().unwrap();
    let c = id(&create(&app, &s, framed("Marco C", "Taller")).await).parse().unwrap();
    let order_of = |body: Value| body["id"].as_str().unwrap().parse::<uuid::Uuid>().unwrap();
    let order = order_of(crate::orders::client_and_order(&app, &s).await);
    // The order takes A and B (inside its own transaction).
    let mut tx = admin.begin().await.unwrap();
    for product in [a, b] {
        products::reserve_in(&mut tx, admin.audit(), product, order, None).await.unwrap();
    }
    tx.commit().await.unwrap();
    let held = app.as_studio(&s, Method::GET, &format!("/api/products?order_id={order}")).send().await;
    assert_eq!(held.body["count"], 2);
    // The order is cancelled: both go back in stock; C, never taken, is untouched.
    let mut tx = admin.begin().await.unwrap();
    let released = products::release_order_in(&mut tx, admin.audit(), order).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(released.len(), 2);
    assert_eq!(app.as_studio(&s, Method::GET, "/api/products/status/in_stock").send().await.body["count"], 3);
    // A second order takes A and C, one is sold at the counter, and the order is delivered.
    let second = order_of(crate::orders::client_and_order(&app, &s).await);
    let mut tx = admin.begin().await.unwrap();
    products::reserve_in(&mut tx, admin.audit(), a, second, None).await.unwrap();
    products::reserve_in(&mut tx, admin.audit(), c, second, None).await.unwrap();
    tx.commit().await.unwrap();
    act(&app, &s, &c.to_string(), "sell", json!({})).await.assert(200);
    let mut tx = admin.begin().await.unwrap();
    let delivered = products::deliver_order_in(&mut tx, admin.audit(), second).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(delivered.len(), 2);
    assert!(delivered.iter().all(|p| p.delivered_at.is_some()));
    assert_eq!(app.as_studio(&s, Method::GET, "/api/products/status/delivered").send().await.body["count"], 2);
    // A delivered product cannot be taken by another order; a rolled-back reservation leaves nothing.
    let third = order_of(crate::orders::client_and_order(&app, &s).await);
    let mut tx = admin.begin().await.unwrap();
    let refused = products::reserve_in(&mut tx, admin.audit(), a, third, None).await;
    assert!(refused.is_err());
    drop(tx);
    let mut tx = admin.begin().await.unwrap();
    products::reserve_in(&mut tx, admin.audit(), b, third, None).await.unwrap();
    drop(tx);
    let b_now = app.as_studio(&s, Method::GET, &format!("/api/products/{b}")).send().await;
    assert_eq!(b_now.body["status"], "in_stock");
}

#[tokio::test]
async fn a_photo_is_checked_stored_per_studio_and_served_back() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let b = app.studio("beta").await;
    let p = id(&create(&app, &s, framed("Con foto", "Vitrina")).await);
    app.as_studio(&s, Method::GET, &format!("/api/products/{p}/photo")).send().await.assert_problem(404, "not_found");
    let stored = upload(&app, &s, &p, PNG.to_vec()).await;
    assert_eq!(stored.assert(200).body["has_photo"], true);
    let got = app
        .http
        .get(format!("{}/api/products/{p}/photo", app.base_url))
        .header("X-Tenant", "acme")
        .bearer_auth(&s.token)
        .send()
        .await
        .unwrap();
    assert_eq!(got.status(), 200);
    assert_eq!(got.headers()["content-type"], "image/png");
    assert_eq!(got.bytes().await.unwrap().as_ref(), PNG);
    let folder = app.state.settings.storage.data_dir.join("tenants").join(&s.id).join("products");
    assert_eq!(std::fs::read_dir(&folder).unwrap().count(), 1);
    // Replaced: still one file.
    upload(&app, &s, &p, PNG.to_vec()).await.assert(200);
    assert_eq!(std::fs::read_dir(&folder).unwrap().count(), 1);
    let text = upload(&app, &s, &p, b"no soy una foto".to_vec()).await;
    assert_eq!(text.assert(422).fields(), ["file"]);
    let mut big = PNG.to_vec();
    big.resize(2 * 1024 * 1024 + 1, 0);
    assert_eq!(upload(&app, &s, &p, big).await.status.as_u16(), 413);
    // Another studio cannot read or replace it.
    app.as_studio(&b, Method::GET, &format!("/api/products/{p}/photo")).send().await.assert_problem(404, "not_found");
    upload(&app, &b, &p, PNG.to_vec()).await.assert(404);
    assert!(!app.state.settings.storage.data_dir.join("tenants").join(&b.id).exists());
    assert!(app.audit_actions("acme").await.contains(&"product.photo_changed".to_owned()));
    // Deleting the product removes its photo.
    app.as_studio(&s, Method::DELETE, &format!("/api/products/{p}")).send().await.assert(204);
    assert_eq!(std::fs::read_dir(&folder).unwrap().count(), 0);
}

#[tokio::test]
async fn bad_products_are_refused_naming_the_field_and_write_nothing() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let cases: Vec<(Value, u16, Option<&str>)> = vec![
        (json!({"name": "", "kind": "print"}), 422, Some("name")),
        (json!({"name": "x", "kind": "print", "code": "con espacio"}), 422, Some("code")),
        (json!({"name": "x", "kind": "print", "price": "-1"}), 422, Some("price")),
        (json!({"name": "x", "kind": "print", "price": "1.999"}), 422, Some("price")),
        (json!({"name": "x", "kind": "print", "location": "x".repeat(101)}), 422, Some("location")),
        (json!({"name": "x", "kind": "print", "client_id": uuid::Uuid::new_v4()}), 422, Some("client_id")),
        (
            json!({"name": "x", "kind": "print", "production_order_id": uuid::Uuid::new_v4()}),
            422,
            Some("production_order_id"),
        ),
        (json!({"name": "x", "kind": "painting"}), 400, None),
        (json!({"name": "x", "kind": "print", "price": 9.9}), 400, None),
        (json!({"name": "x", "kind": "print", "client_id": "nope"}), 400, None),
    ];
    for (body, status, field) in cases {
        let reply = app.as_studio(&s, Method::POST, "/api/products").json(body.clone()).send().await;
        assert_eq!(reply.status.as_u16(), status, "{body}: {}", reply.body);
        if let Some(field) = field {
            assert_eq!(reply.fields(), [field], "{body}");
        }
    }
    assert_eq!(app.as_studio(&s, Method::GET, "/api/products").send().await.body["count"], 0);
    app.as_studio(&s, Method::GET, "/api/products/not-a-uuid").send().await.assert_problem(400, "invalid_parameter");
    let p = id(&create(&app, &s, framed("x", "y")).await);
    act(&app, &s, &p, "reserve", json!({})).await.assert_problem(400, "invalid_body");
    act(&app, &s, &p, "reserve", json!({"order_id": "x"})).await.assert_problem(400, "invalid_body");
}

#[tokio::test]
async fn roles_staff_sell_and_update_accountants_read_only_admins_delete() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let staff = app.user_with_role(&s, "staff").await;
    let accountant = app.user_with_role(&s, "accountant").await;
    let manager = app.user_with_role(&s, "manager").await;
    let as_role =
        |token: &str, method: Method, path: &str| app.call(method, path).via(Via::Header("acme".into())).token(token);
    let made = as_role(&staff, Method::POST, "/api/products").json(framed("x", "y")).send().await;
    made.assert(201);
    let p = id(&made.body);
    as_role(&accountant, Method::GET, &format!("/api/products/{p}")).send().await.assert(200);
    as_role(&accountant, Method::POST, &format!("/api/products/{p}/sell")).json(json!({})).send().await.assert(403);
    as_role(&manager, Method::DELETE, &format!("/api/products/{p}")).send().await.assert(403);
    as_role(&staff, Method::POST, &format!("/api/products/{p}/sell")).json(json!({})).send().await.assert(200);
}

#[tokio::test]
async fn another_studio_can_neither_see_change_nor_link_a_studios_products() {
    let app = spawn_app().await;
    let a = app.studio("acme").await;
    let b = app.studio("beta").await;
    let client = app.create_client(&a, individual("Cliente de Acme")).await;
    let p =
        id(&create(&app, &a, json!({"name": "Secreto", "kind": "print", "location": "Vitrina", "client_id": client}))
            .await);
    for path in ["/api/products", "/api/products/status/in_stock", "/api/products/location/Vitrina"] {
        assert_eq!(app.as_studio(&b, Method::GET, path).send().await.assert(200).body["count"], 0, "{path}");
    }
    app.as_studio(&b, Method::GET, &format!("/api/products/{p}")).send().await.assert_problem(404, "not_found");
    app.as_studio(&b, Method::PUT, &format!("/api/products/{p}"))
        .json(framed("robado", "x"))
        .send()
        .await
        .assert_problem(404, "not_found");
    app.as_studio(&b, Method::DELETE, &format!("/api/products/{p}")).send().await.assert_problem(404, "not_found");
    for action in ["sell", "release", "deliver"] {
        act(&app, &b, &p, action, json!({})).await.assert_problem(404, "not_found");
    }
    // B's own order cannot take A's product (404), nor A's order B's product (422, nothing held).
    let b_order = id(&crate::orders::client_and_order(&app, &b).await);
    act(&app, &b, &p, "reserve", json!({"order_id": b_order})).await.assert_problem(404, "not_found");
    act(&app, &b, &p, "sell", json!({"order_id": b_order})).await.assert_problem(404, "not_found");
    let a_order = id(&crate::orders::client_and_order(&app, &a).await);
    let b_product = id(&create(&app, &b, framed("De Beta", "Vitrina")).await);
    for action in ["reserve", "sell"] {
        let foreign = act(&app, &b, &b_product, action, json!({"order_id": a_order})).await;
        assert_eq!(foreign.assert(422).fields(), ["order_id"], "{action}");
    }
    assert_eq!(
        app.as_studio(&b, Method::GET, &format!("/api/products/{b_product}")).send().await.body["status"],
        "in_stock"
    );
    let linked = app
        .as_studio(&b, Method::POST, "/api/products")
        .json(json!({"name": "x", "kind": "print", "client_id": client}))
        .send()
        .await;
    assert_eq!(linked.assert(422).fields(), ["client_id"]);
    let got = app.as_studio(&a, Method::GET, &format!("/api/products/{p}")).send().await;
    assert_eq!(got.body["status"], "in_stock");
    assert_eq!(got.body["name"], "Secreto");
}
