//! The workshop's links to orders: a frame quote as an order line priced by the server and
//! kept as quoted; finished products reserved for an order, released when it is cancelled,
//! delivered with it; what an order's deletion does to them; bad input and isolation.

use reqwest::Method;
use serde_json::{Value, json};

use super::{client_and_order, create, id, item, order, set_status, setting};
use crate::helpers::{Reply, Studio, TestApp, individual, spawn_app};
use crate::inventory::buy;
use crate::quotes::{Shop, quote, shop};

/// A 30 × 40 cm frame in the narrow moulding, with glazing and backing: 69.00 at the
/// studio's default settings (worked by hand in the quotes tests).
fn frame_30_by_40(shop: &Shop) -> Value {
    json!({"artwork_width_cm": "30", "artwork_height_cm": "40", "moulding_id": shop.narrow,
           "glazing_id": shop.glazing, "backing_id": shop.backing})
}

fn quoted_line(quantity: i64, discount: &str, quote: Value) -> Value {
    json!({"kind": "frame", "quantity": quantity, "discount": discount, "quote": quote})
}

async fn put(app: &TestApp, s: &Studio, order_id: &str, body: Value) -> Reply {
    app.as_studio(s, Method::PUT, &format!("/api/orders/{order_id}")).json(body).send().await
}

async fn get(app: &TestApp, s: &Studio, path: &str) -> Value {
    app.as_studio(s, Method::GET, path).send().await.assert(200).body.clone()
}

/// An order's lines as a client sends them back: what the order shows, without what the
/// server computes.
fn as_sent(items: &Value) -> Vec<Value> {
    items
        .as_array()
        .unwrap()
        .iter()
        .map(|line| {
            let mut line = line.clone();
            for computed in ["id", "line_total", "tax"] {
                line.as_object_mut().unwrap().remove(computed);
            }
            line
        })
        .collect()
}

#[tokio::test]
async fn a_frame_quote_becomes_an_order_line_priced_by_the_server_and_kept_as_quoted() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let shop = shop(&app, &s).await;
    let client = app.create_client(&s, individual("Rosa Huamán")).await;
    let print = item("print", "Impresión 30x40", 1, "25.00", "0");
    let created = create(&app, &s, order(&client, vec![quoted_line(2, "9.00", frame_30_by_40(&shop)), print])).await;
    let frame = created["items"][0].clone();
    assert_eq!(frame["kind"], "frame");
    assert_eq!(frame["unit_price"], "69.00", "the quote's price, not the client's");
    assert_eq!(frame["line_total"], "129.00", "2 × 69.00 − 9.00");
    assert!(frame["description"].as_str().unwrap().starts_with("Enmarcado 30 × 40 cm: Moldura MOL-20"), "{frame}");
    let specs = &frame["specs"];
    assert_eq!((specs["price"].as_str(), specs["moulding_length_mm"].as_i64()), (Some("69.00"), Some(1716)));
    assert_eq!(specs["settings"]["markup_moulding_percent"], "120.000");
    assert_eq!(specs["consumption"][0]["material_id"], shop.narrow.as_str());
    assert_eq!(specs["consumption"][0]["cuts_mm"], json!([379, 379, 479, 479]));
    assert_eq!(created["total"], "154.00");
    let oid = id(&created);

    // The moulding's cost and the studio's markup change: a new quote costs more...
    buy(&app, &s, &shop.narrow, "5.8", "20.00").await;
    setting(&app, "acme", "markup_moulding_percent", "\"200\"").await;
    let requote = quote(&app, &s, frame_30_by_40(&shop)).await;
    let new_price = requote.assert(200).body["price"].as_str().unwrap().to_owned();
    assert_ne!(new_price, "69.00");
    // ... the order's line does not change, read or sent back as the order shows it.
    let read = get(&app, &s, &format!("/api/orders/{oid}")).await;
    assert_eq!(read["items"][0], frame);
    let mut lines = as_sent(&read["items"]);
    lines[0]["description"] = json!("Marco negro 30 × 40 para el retrato");
    let body = json!({"client_id": client, "notes": "recoge el sábado", "items": lines});
    let replaced = put(&app, &s, &oid, body.clone()).await;
    replaced.assert(200);
    assert_eq!(replaced.body["items"][0]["unit_price"], "69.00");
    assert_eq!(replaced.body["items"][0]["specs"], frame["specs"]);
    assert_eq!(replaced.body["items"][0]["description"], "Marco negro 30 × 40 para el retrato");
    assert_eq!(replaced.body["total"], "154.00");

    // Its price is not the client's to change, nor its snapshot.
    let mut cheaper = body.clone();
    cheaper["items"][0]["unit_price"] = json!("10.00");
    let refused = put(&app, &s, &oid, cheaper).await;
    assert_eq!(refused.assert(422).fields(), ["items[0].unit_price"]);
    let mut forged = body.clone();
    forged["items"][0]["specs"]["price"] = json!("10.00");
    assert_eq!(put(&app, &s, &oid, forged).await.assert(422).fields(), ["items[0].specs"]);
    assert_eq!(get(&app, &s, &format!("/api/orders/{oid}")).await["total"], "154.00", "nothing written");

    // A new quote re-prices the line at today's costs and settings.
    let mut requoted = body.clone();
    requoted["items"][0] = quoted_line(2, "9.00", frame_30_by_40(&shop));
    let repriced = put(&app, &s, &oid, requoted).await;
    repriced.assert(200);
    assert_eq!(repriced.body["items"][0]["unit_price"], new_price.as_str());
    assert_eq!(repriced.body["items"][0]["specs"]["settings"]["markup_moulding_percent"], "200.000");

    // Once in production the lines are fixed: sent back as shown they pass, a new quote is refused.
    set_status(&app, &s, &oid, "confirmed").await.assert(200);
    set_status(&app, &s, &oid, "in_production").await.assert(200);
    let now = get(&app, &s, &format!("/api/orders/{oid}")).await;
    let same = json!({"client_id": client, "notes": "sin cambios", "items": as_sent(&now["items"])});
    put(&app, &s, &oid, same.clone()).await.assert(200);
    let mut again = same;
    again["items"][0] = quoted_line(2, "9.00", frame_30_by_40(&shop));
    put(&app, &s, &oid, again).await.assert_problem(409, "items_locked");
}

#[tokio::test]
async fn bad_frame_lines_name_their_field_and_write_nothing() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let other = app.studio("beta").await;
    let shop = shop(&app, &s).await;
    let theirs = crate::quotes::shop(&app, &other).await;
    let client = app.create_client(&s, individual("Rosa Huamán")).await;
    let snapshot = quote(&app, &s, frame_30_by_40(&shop)).await.body["frame_item"]["specs"].clone();
    let with = |changes: Value| {
        let mut quote = frame_30_by_40(&shop);
        for (k, v) in changes.as_object().unwrap() {
            quote[k] = v.clone();
        }
        quote
    };
    let cases: Vec<(Value, &str)> = vec![
        (json!({"kind": "print", "quantity": 1, "quote": frame_30_by_40(&shop)}), "items[0].quote"),
        (
            json!({"kind": "frame", "quantity": 1, "unit_price": "1.00", "quote": frame_30_by_40(&shop)}),
            "items[0].unit_price",
        ),
        (json!({"kind": "frame", "quantity": 1, "specs": {"a": 1}, "quote": frame_30_by_40(&shop)}), "items[0].specs"),
        (quoted_line(1, "0", with(json!({"artwork_width_cm": "30.25"}))), "items[0].quote.artwork_width_cm"),
        (quoted_line(1, "0", with(json!({"artwork_height_cm": "0"}))), "items[0].quote.artwork_height_cm"),
        (quoted_line(1, "0", with(json!({"glazing_id": shop.wide}))), "items[0].quote.glazing_id"),
        (quoted_line(1, "0", with(json!({"moulding_id": theirs.narrow}))), "items[0].quote.moulding_id"),
        (quoted_line(1, "0", with(json!({"moulding_id": uuid::Uuid::new_v4()}))), "items[0].quote.moulding_id"),
        (quoted_line(1, "0", with(json!({"artwork_width_cm": "290"}))), "items[0].quote.artwork_width_cm"),
        (quoted_line(1, "69.01", frame_30_by_40(&shop)), "items[0].discount"),
        // A snapshot is the server's: it cannot start a line, whatever price comes with it.
        (
            json!({"kind": "frame", "description": "Marco", "quantity": 1, "unit_price": "1.00", "specs": snapshot}),
            "items[0].specs",
        ),
        (json!({"kind": "frame", "description": "Marco", "quantity": 1}), "items[0].unit_price"),
        (json!({"kind": "print", "quantity": 1, "unit_price": "5.00"}), "items[0].description"),
    ];
    for (line, field) in cases {
        let reply =
            app.as_studio(&s, Method::POST, "/api/orders").json(order(&client, vec![line.clone()])).send().await;
        assert_eq!(reply.assert(422).fields(), [field], "{line}");
    }
    assert_eq!(get(&app, &s, "/api/orders").await["count"], 0, "nothing written");
}

/// A product of `s`, in stock; returns its id.
async fn product(app: &TestApp, s: &Studio, name: &str) -> String {
    let body = json!({"name": name, "kind": "framed_picture", "price": "150.00"});
    id(&app.as_studio(s, Method::POST, "/api/products").json(body).send().await.assert(201).body)
}

async fn act(app: &TestApp, s: &Studio, product: &str, action: &str, body: Value) -> Reply {
    app.as_studio(s, Method::POST, &format!("/api/products/{product}/{action}")).json(body).send().await
}

async fn status_of(app: &TestApp, s: &Studio, product: &str) -> (String, Value) {
    let p = get(app, s, &format!("/api/products/{product}")).await;
    (p["status"].as_str().unwrap().to_owned(), p["order_id"].clone())
}

#[tokio::test]
async fn products_follow_their_order_released_when_it_is_cancelled_and_delivered_with_it() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let (a, b, c) = (product(&app, &s, "A").await, product(&app, &s, "B").await, product(&app, &s, "C").await);

    // Linking reserves, for the order's client.
    let first = client_and_order(&app, &s).await;
    let x = id(&first);
    for p in [&a, &b] {
        let reserved = act(&app, &s, p, "reserve", json!({"order_id": x})).await;
        assert_eq!(reserved.assert(200).body["status"], "reserved");
        assert_eq!(reserved.body["client_id"], first["client_id"], "the order's client");
    }
    assert_eq!(get(&app, &s, &format!("/api/products?order_id={x}")).await["count"], 2);
    // Cancelling the order releases them, in the same transaction as the change.
    set_status(&app, &s, &x, "cancelled").await.assert(200);
    for p in [&a, &b] {
        assert_eq!(status_of(&app, &s, p).await, ("in_stock".to_owned(), Value::Null));
    }
    let closed = act(&app, &s, &c, "reserve", json!({"order_id": x})).await;
    closed.assert_problem(409, "order_closed");
    assert_eq!(status_of(&app, &s, &c).await.0, "in_stock");

    // A second order takes A (reserved) and B (sold through it); delivering it delivers both.
    let y = id(&client_and_order(&app, &s).await);
    act(&app, &s, &a, "reserve", json!({"order_id": y})).await.assert(200);
    act(&app, &s, &b, "sell", json!({"order_id": y})).await.assert(200);
    for status in ["confirmed", "in_production", "ready"] {
        set_status(&app, &s, &y, status).await.assert(200);
        assert_eq!(status_of(&app, &s, &a).await.0, "reserved", "{status}");
    }
    set_status(&app, &s, &y, "delivered").await.assert(200);
    for p in [&a, &b] {
        let delivered = get(&app, &s, &format!("/api/products/{p}")).await;
        assert_eq!(
            (delivered["status"].as_str(), delivered["order_id"].as_str()),
            (Some("delivered"), Some(y.as_str()))
        );
        assert!(delivered["delivered_at"].is_string());
    }
    act(&app, &s, &c, "sell", json!({"order_id": y})).await.assert_problem(409, "order_closed");
    let actions = app.audit_actions("acme").await;
    assert!(actions.iter().filter(|a| *a == "product.updated").count() >= 6, "{actions:?}");
}

#[tokio::test]
async fn deleting_an_order_releases_its_reservations_unless_it_sold_or_production_serves_it() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let (a, b) = (product(&app, &s, "A").await, product(&app, &s, "B").await);
    // A pending order holding a reservation is deleted; the product goes back in stock.
    let z = id(&client_and_order(&app, &s).await);
    act(&app, &s, &a, "reserve", json!({"order_id": z})).await.assert(200);
    app.as_studio(&s, Method::DELETE, &format!("/api/orders/{z}")).send().await.assert(204);
    assert_eq!(status_of(&app, &s, &a).await, ("in_stock".to_owned(), Value::Null));
    // One that sold a product is kept (and so is the product's link to it).
    let w = id(&client_and_order(&app, &s).await);
    act(&app, &s, &b, "sell", json!({"order_id": w})).await.assert(200);
    let sold = app.as_studio(&s, Method::DELETE, &format!("/api/orders/{w}")).send().await;
    sold.assert_problem(409, "order_has_products");
    assert_eq!(status_of(&app, &s, &b).await, ("sold".to_owned(), json!(w)));
    // One a production order serves is kept, and says by which.
    let v = client_and_order(&app, &s).await;
    let body = json!({"description": "Marco del pedido", "order_id": v["id"], "order_item_id": v["items"][1]["id"]});
    let work = app.as_studio(&s, Method::POST, "/api/production/orders").json(body).send().await;
    let number = work.assert(201).body["number"].as_str().unwrap().to_owned();
    let served = app.as_studio(&s, Method::DELETE, &format!("/api/orders/{}", id(&v))).send().await;
    served.assert_problem(409, "order_in_production");
    assert_eq!(served.body["context"]["production_orders"], json!([number]));
    // Its lines replaced while it is pending: the production order keeps the order, not the line.
    let client = v["client_id"].as_str().unwrap();
    put(&app, &s, &id(&v), order(client, vec![item("frame", "Marco 40x50", 1, "80.00", "0")])).await.assert(200);
    let after = get(&app, &s, &format!("/api/production/orders/{}", id(&work.body))).await;
    assert_eq!((after["order_id"].as_str(), after["order_item_id"].clone()), (v["id"].as_str(), Value::Null));
}

#[tokio::test]
async fn another_studio_can_neither_link_cancel_nor_delete_a_studios_order() {
    let app = spawn_app().await;
    let a = app.studio("acme").await;
    let b = app.studio("beta").await;
    let ours = product(&app, &a, "Nuestro").await;
    let order_a = id(&client_and_order(&app, &a).await);
    act(&app, &a, &ours, "reserve", json!({"order_id": order_a})).await.assert(200);
    // Beta cannot cancel, deliver or delete Acme's order: 404, and the reservation stands.
    for status in ["cancelled", "delivered"] {
        set_status(&app, &b, &order_a, status).await.assert_problem(404, "not_found");
    }
    app.as_studio(&b, Method::DELETE, &format!("/api/orders/{order_a}")).send().await.assert_problem(404, "not_found");
    assert_eq!(status_of(&app, &a, &ours).await, ("reserved".to_owned(), json!(order_a)));
    // Beta's order cannot take Acme's product; Beta's product cannot go to Acme's order.
    let order_b = id(&client_and_order(&app, &b).await);
    act(&app, &b, &ours, "reserve", json!({"order_id": order_b})).await.assert_problem(404, "not_found");
    let theirs = product(&app, &b, "Suyo").await;
    let refused = act(&app, &b, &theirs, "reserve", json!({"order_id": order_a})).await;
    assert_eq!(refused.assert(422).fields(), ["order_id"]);
    assert_eq!(status_of(&app, &b, &theirs).await, ("in_stock".to_owned(), Value::Null));
    // Nor can a production order of Beta's serve Acme's order.
    let body = json!({"description": "x", "order_id": order_a});
    let work = app.as_studio(&b, Method::POST, "/api/production/orders").json(body).send().await;
    assert_eq!(work.assert(422).fields(), ["order_id"]);
    // Acme's own cancel still releases its product.
    set_status(&app, &a, &order_a, "cancelled").await.assert(200);
    assert_eq!(status_of(&app, &a, &ours).await, ("in_stock".to_owned(), Value::Null));
}
