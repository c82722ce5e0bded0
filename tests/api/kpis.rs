//! Key figures and targets (`/api/metrics`) against the hand-worked La Paz studio of the
//! dashboard tests and a Santiago studio: actuals beside targets, trends by week and month
//! across month ends, comparisons with the period before and a year earlier; targets'
//! writes audited, bad input named, roles and isolation.

use reqwest::Method;
use serde_json::{Value, json};

use crate::dashboard::la_paz;
use crate::helpers::{Studio, TestApp, Via, spawn_app};
use crate::reports::fixture::{local, order, pay, studio_in};

async fn get(app: &TestApp, s: &Studio, path: &str) -> Value {
    let reply = app.as_studio(s, Method::GET, path).send().await;
    reply.assert(200);
    reply.body.clone()
}

async fn set_target(app: &TestApp, s: &Studio, name: &str, metric: &str, period: &str, target: &str) -> String {
    let body = json!({"name": name, "metric": metric, "period": period, "target": target});
    let reply = app.as_studio(s, Method::POST, "/api/metrics").json(body).send().await;
    reply.assert(201);
    reply.body["id"].as_str().unwrap().to_owned()
}

/// The metric `name` of an answer's `metrics`.
fn metric<'a>(answer: &'a Value, name: &str) -> &'a Value {
    answer["metrics"].as_array().unwrap().iter().find(|m| m["metric"] == name).unwrap()
}

fn values(chart: &Value, key: &str) -> Vec<String> {
    let found = chart["series"].as_array().unwrap().iter().find(|s| s["key"] == key).unwrap();
    found["values"].as_array().unwrap().iter().map(|v| v.as_str().unwrap_or("null").to_owned()).collect()
}

#[tokio::test]
async fn a_la_paz_month_s_actuals_stand_beside_their_targets() {
    let app = spawn_app().await;
    let s = la_paz(&app).await;
    set_target(&app, &s, "Ventas del mes", "revenue", "month", "200.00").await;
    set_target(&app, &s, "Entrega en tres semanas", "delivery_days", "month", "20").await;
    set_target(&app, &s, "Ventas del año", "revenue", "year", "10000").await;
    let d = get(&app, &s, "/api/metrics/dashboard?period=month&date=2025-02-15").await;
    assert_eq!((d["currency"].as_str(), d["timezone"].as_str()), (Some("BOB"), Some("America/La_Paz")));
    assert_eq!(
        [&d["period"]["key"], &d["period"]["label"], &d["period"]["from"], &d["period"]["to"]],
        ["2025-02", "feb 2025", "2025-02-01", "2025-02-28"]
    );
    let value = |name: &str| metric(&d, name)["value"].clone();
    // Sold: O3 75.00 and a package of 80.00. Received in La Paz's February: 100.00 and
    // 150.00 by card, 100.00 by QR at 23:59 on the 28th (not the 100.00 cash of 23:30 on
    // January 31st, already February in UTC).
    assert_eq!([value("revenue"), value("payments"), value("average_order_value")], ["155.00", "350.00", "75.00"]);
    assert_eq!([value("orders"), value("active_clients"), value("new_clients")], ["1", "1", "0"]);
    assert_eq!(value("delivery_days"), "19.0");
    // At the end of February 28th: paint 6 L (150.00) and paper 80 sheets (48.00); paper
    // and mugs under their minimum. PO2 done on the 11th; nothing registered in February.
    assert_eq!([value("stock_value"), value("low_stock")], ["198.00", "2"]);
    assert_eq!([value("production_orders"), value("produced_units")], ["1", "0"]);
    assert_eq!([value("efficiency"), value("waste_value")], ["84.08", "25.00"]);

    let revenue = &metric(&d, "revenue")["target"];
    assert_eq!(
        [&revenue["name"], &revenue["target"], &revenue["attainment_percent"]],
        ["Ventas del mes", "200.00", "77.50"]
    );
    assert_eq!(revenue["met"], false);
    let delivery = &metric(&d, "delivery_days");
    assert_eq!(delivery["better"], "lower");
    assert_eq!([&delivery["target"]["target"], &delivery["target"]["attainment_percent"]], ["20.0", "95.00"]);
    assert_eq!(delivery["target"]["met"], true);
    assert_eq!(metric(&d, "orders")["target"], Value::Null);

    // Each group says the same; the year's target is the year's.
    let r = get(&app, &s, "/api/metrics/revenue?period=month&date=2025-02-15").await;
    assert_eq!(r["metrics"].as_array().unwrap().len(), 3);
    assert_eq!(metric(&r, "payments"), metric(&d, "payments"));
    let year = get(&app, &s, "/api/metrics/revenue?period=year&date=2025-02-15").await;
    assert_eq!(
        (year["period"]["from"].as_str(), year["period"]["to"].as_str()),
        (Some("2025-01-01"), Some("2025-12-31"))
    );
    // 2025: O1, O2, O3, O6 (March) and both packages.
    assert_eq!(metric(&year, "revenue")["value"], "815.00");
    assert_eq!(metric(&year, "revenue")["target"]["attainment_percent"], "8.15");
    for (group, count) in [("orders", 3), ("clients", 2), ("inventory", 2), ("production", 3), ("efficiency", 2)] {
        let answer = get(&app, &s, &format!("/api/metrics/{group}?date=2025-02-15")).await;
        assert_eq!(answer["metrics"].as_array().unwrap().len(), count, "{group}");
    }
    let january = get(&app, &s, "/api/metrics/production?date=2025-01-20").await;
    // PO1 done on January 14th, its registration of two products that day.
    assert_eq!(
        [&metric(&january, "production_orders")["value"], &metric(&january, "produced_units")["value"]],
        ["1", "2"]
    );
}

#[tokio::test]
async fn comparisons_set_a_period_against_the_one_before_and_a_year_earlier() {
    let app = spawn_app().await;
    let s = la_paz(&app).await;
    let c = get(&app, &s, "/api/metrics/comparison?period=month&date=2025-02-15&metric=revenue,payments,orders").await;
    assert_eq!(
        [&c["current"]["key"], &c["previous"]["key"], &c["last_year"]["key"]],
        ["2025-02", "2025-01", "2024-02"]
    );
    assert_eq!(c["last_year"]["to"], "2024-02-29", "a whole month against a whole month");
    let row = |name: &str| {
        let m = metric(&c, name);
        [&m["current"], &m["previous"], &m["last_year"], &m["change_percent"], &m["change_last_year_percent"]]
            .map(|v| v.as_str().unwrap_or("null").to_owned())
    };
    // 155.00 against January's 630.00: −75.40 %; February 2024 sold nothing: no change.
    assert_eq!(row("revenue"), ["155.00", "630.00", "0.00", "-75.40", "null"]);
    assert_eq!(row("payments"), ["350.00", "100.00", "0.00", "250.00", "null"]);
    assert_eq!(row("orders"), ["1", "2", "0", "-50.00", "null"]);
    assert_eq!(c["metrics"].as_array().unwrap().len(), 3);

    // The first quarter (January–March 2025: 815.00) against the last of 2024 (O7 40.00,
    // O5 200.00): +239.58 %.
    let q = get(&app, &s, "/api/metrics/comparison?period=quarter&date=2025-02-15&metric=revenue").await;
    assert_eq!([&q["current"]["key"], &q["previous"]["key"]], ["2025-Q1", "2024-Q4"]);
    assert_eq!(
        [
            &metric(&q, "revenue")["current"],
            &metric(&q, "revenue")["previous"],
            &metric(&q, "revenue")["change_percent"]
        ],
        ["815.00", "240.00", "239.58"]
    );
    // Without `metric`, every metric.
    let all = get(&app, &s, "/api/metrics/comparison?date=2025-02-15").await;
    assert_eq!(all["metrics"].as_array().unwrap().len(), 13);
    assert_eq!(metric(&all, "efficiency")["previous"], "100.00");
    assert_eq!(metric(&all, "efficiency")["last_year"], Value::Null);
}

#[tokio::test]
async fn trends_follow_a_metric_by_week_and_by_month_with_its_target() {
    let app = spawn_app().await;
    let s = la_paz(&app).await;
    let t = get(&app, &s, "/api/metrics/trends?metric=revenue&interval=month&from=2024-10-15&to=2025-03-31").await;
    assert_eq!([&t["from"], &t["to"], &t["unit"]], ["2024-10-01", "2025-03-31", "money"]);
    let chart = &t["chart"];
    assert_eq!(chart["kind"], "line");
    assert_eq!(chart["keys"], json!(["2024-10", "2024-11", "2024-12", "2025-01", "2025-02", "2025-03"]));
    assert_eq!(values(chart, "value"), ["40.00", "0.00", "200.00", "630.00", "155.00", "30.00"]);
    assert_eq!(t["target"], Value::Null);

    // By week (Monday to Sunday, La Paz): the cash of 23:30 on Friday January 31st in week
    // 5; 100.00 and 150.00 by card in week 7; 100.00 QR at 23:59 on February 28th and
    // 50.00 at 00:30 on March 1st in week 9.
    set_target(&app, &s, "Cobros semanales", "payments", "week", "200").await;
    let w = get(&app, &s, "/api/metrics/trends?metric=payments&interval=week&from=2025-01-27&to=2025-03-02").await;
    assert_eq!(w["chart"]["keys"], json!(["2025-W05", "2025-W06", "2025-W07", "2025-W08", "2025-W09"]));
    assert_eq!(values(&w["chart"], "value"), ["100.00", "0.00", "250.00", "0.00", "150.00"]);
    assert_eq!(w["target"], "200.00");
    assert_eq!(values(&w["chart"], "target"), ["200.00"; 5]);
    // Efficiency by month: nothing moved in December (null, not 0), all used in January.
    let e = get(&app, &s, "/api/metrics/trends?metric=efficiency&from=2024-12-01&to=2025-02-28").await;
    assert_eq!(values(&e["chart"], "value"), ["null", "100.00", "84.08"]);
}

#[tokio::test]
async fn a_santiago_studio_compares_its_months_across_the_change_of_clock() {
    let app = spawn_app().await;
    let s = studio_in(&app, "santiago", "CL").await;
    let tz = chrono_tz::America::Santiago;
    let client = app.create_client(&s, json!({"kind": "individual", "name": "Camila Soto"})).await;
    let items = vec![
        json!({"kind": "session", "description": "Sesión", "quantity": 1, "unit_price": "45000", "discount": "0"}),
    ];
    let o = order(&app, &s, &client, "2025-03-31", items).await;
    // 23:30 on March 31st is April 1st in UTC (summer time); 23:30 on April 30th is May
    // 1st in UTC (winter time); 00:10 on May 1st is May.
    pay(&app, &s, &o, "20000", "cash", &local(tz, "2025-03-31 23:30")).await;
    pay(&app, &s, &o, "10000", "transfer", &local(tz, "2025-04-30 23:30")).await;
    pay(&app, &s, &o, "5000", "card", &local(tz, "2025-05-01 00:10")).await;
    let c = get(&app, &s, "/api/metrics/comparison?period=month&date=2025-04-10&metric=payments,revenue").await;
    let payments = metric(&c, "payments");
    assert_eq!(
        [&payments["current"], &payments["previous"], &payments["change_percent"]],
        ["10000.00", "20000.00", "-50.00"]
    );
    assert_eq!(payments["change_last_year_percent"], Value::Null);
    assert_eq!([&metric(&c, "revenue")["current"], &metric(&c, "revenue")["change_percent"]], ["0.00", "-100.00"]);
    assert_eq!(c["currency"], "CLP");
    let m = get(&app, &s, "/api/metrics/trends?metric=payments&from=2025-03-01&to=2025-05-31").await;
    assert_eq!(values(&m["chart"], "value"), ["20000.00", "10000.00", "5000.00"]);
}

#[tokio::test]
async fn targets_are_created_listed_replaced_and_deleted_each_write_audited() {
    let app = spawn_app().await;
    let s = studio_in(&app, "acme", "PE").await;
    let body = json!({"name": "Pedidos del mes", "metric": "orders", "period": "month", "target": "120"});
    let reply = app.as_studio(&s, Method::POST, "/api/metrics").json(body).send().await;
    reply.assert(201);
    let id = reply.body["id"].as_str().unwrap().to_owned();
    assert_eq!(reply.headers.get("location").unwrap().to_str().unwrap(), format!("/api/metrics/{id}"));
    assert_eq!([&reply.body["target"], &reply.body["metric"], &reply.body["period"]], ["120", "orders", "month"]);

    let one = get(&app, &s, &format!("/api/metrics/{id}?date=2025-02-10")).await;
    assert_eq!(
        [&one["period"]["key"], &one["value"], &one["progress"]["attainment_percent"]],
        ["2025-02", "0", "0.00"]
    );
    assert_eq!(one["progress"]["met"], false);
    set_target(&app, &s, "Eficiencia", "efficiency", "quarter", "92.5").await;
    let list = get(&app, &s, "/api/metrics").await;
    assert_eq!(list["count"], 2);
    assert_eq!(list["results"][0]["name"], "Eficiencia");
    assert_eq!(list["results"][0]["target"], "92.50");
    let filtered = get(&app, &s, "/api/metrics?metric=orders&period=month").await;
    assert_eq!(filtered["count"], 1);

    let replaced = app
        .as_studio(&s, Method::PUT, &format!("/api/metrics/{id}"))
        .json(json!({"name": "Pedidos de la semana", "metric": "orders", "period": "week", "target": 30}))
        .send()
        .await;
    replaced.assert(200);
    assert_eq!([&replaced.body["period"], &replaced.body["target"]], ["week", "30"]);
    app.as_studio(&s, Method::DELETE, &format!("/api/metrics/{id}")).send().await.assert(204);
    app.as_studio(&s, Method::GET, &format!("/api/metrics/{id}")).send().await.assert_problem(404, "not_found");
    let actions: Vec<String> =
        app.audit_actions("acme").await.into_iter().filter(|a| a.starts_with("kpi_target.")).collect();
    assert_eq!(actions, ["kpi_target.created", "kpi_target.created", "kpi_target.updated", "kpi_target.deleted"]);
}

#[tokio::test]
async fn bad_targets_periods_and_metric_names_are_named_and_write_nothing() {
    let app = spawn_app().await;
    let s = studio_in(&app, "acme", "PE").await;
    set_target(&app, &s, "Ventas", "revenue", "month", "5000").await;
    let audit_before = app.audit_actions("acme").await.len();
    let post = |body: Value| app.as_studio(&s, Method::POST, "/api/metrics").json(body).send();
    let target =
        |metric: &str, value: Value| json!({"name": "Meta", "metric": metric, "period": "month", "target": value});
    for (body, fields) in [
        (target("orders", json!("12.5")), vec!["target"]),
        (target("revenue", json!("-1")), vec!["target"]),
        (target("payments", json!("10.001")), vec!["target"]),
        (target("efficiency", json!("100.5")), vec!["target"]),
        (target("delivery_days", json!("2.25")), vec!["target"]),
        (target("payments", json!("1000000000000")), vec!["target"]),
        (json!({"name": " ", "metric": "orders", "period": "month", "target": "1"}), vec!["name"]),
    ] {
        let reply = post(body.clone()).await;
        reply.assert_problem(422, "validation_failed");
        assert_eq!(reply.fields(), fields, "{body}");
    }
    for body in [
        target("sales", json!("1")),
        json!({"name": "Meta", "metric": "orders", "period": "fortnight", "target": "1"}),
        target("orders", json!(12.5)),
        json!({"name": "Meta", "metric": "orders", "period": "month"}),
    ] {
        post(body.clone()).await.assert_problem(400, "invalid_body");
    }
    // One target per metric and kind of period.
    let twice = post(target("revenue", json!("6000"))).await;
    twice.assert_problem(409, "conflict");
    assert_eq!(twice.fields(), ["metric"]);

    for (path, fields) in [
        ("/api/metrics/revenue?period=fortnight", vec!["period"]),
        ("/api/metrics/orders?date=1999-12-31", vec!["date"]),
        ("/api/metrics/trends", vec!["metric"]),
        ("/api/metrics/trends?metric=sales&interval=quarter", vec!["metric", "interval"]),
        ("/api/metrics/trends?metric=revenue&from=2019-01-01&to=2025-01-01", vec!["from"]),
        ("/api/metrics/trends?metric=revenue&from=2025-02-01&to=2025-01-01", vec!["to"]),
        ("/api/metrics/comparison?metric=revenue,ventas", vec!["metric"]),
        ("/api/metrics/comparison?period=decade", vec!["period"]),
        ("/api/metrics?metric=ventas", vec!["metric"]),
    ] {
        let reply = app.as_studio(&s, Method::GET, path).send().await;
        reply.assert_problem(422, "validation_failed");
        assert_eq!(reply.fields(), fields, "{path}");
    }
    for path in ["/api/metrics/revenue?date=yesterday", "/api/metrics/not-an-id"] {
        let status = app.as_studio(&s, Method::GET, path).send().await.status.as_u16();
        assert!(status == 400 || status == 404, "{path}: {status}");
    }
    assert_eq!(app.audit_actions("acme").await.len(), audit_before, "nothing written");
    assert_eq!(get(&app, &s, "/api/metrics").await["count"], 1);
}

#[tokio::test]
async fn accountants_read_the_money_figures_staff_nothing_managers_set_but_never_delete_targets() {
    let app = spawn_app().await;
    let s = studio_in(&app, "acme", "PE").await;
    let id = set_target(&app, &s, "Ventas", "revenue", "month", "5000").await;
    let manager = app.user_with_role(&s, "manager").await;
    let accountant = app.user_with_role(&s, "accountant").await;
    let staff = app.user_with_role(&s, "staff").await;
    let call = |token: &str, method: Method, path: &str| {
        app.call(method, path).via(Via::Header("acme".into())).token(token).send()
    };
    let reads = [
        "/api/metrics/revenue",
        "/api/metrics/trends?metric=revenue",
        "/api/metrics/trends?metric=average_order_value",
        "/api/metrics/comparison?metric=payments",
        "/api/metrics/comparison",
    ];
    let others = [
        "/api/metrics",
        "/api/metrics/orders",
        "/api/metrics/clients",
        "/api/metrics/inventory",
        "/api/metrics/production",
        "/api/metrics/efficiency",
        "/api/metrics/dashboard",
        "/api/metrics/trends?metric=orders",
        "/api/metrics/comparison?metric=revenue,efficiency",
    ];
    for (token, money, other) in
        [(&s.token, 200, 200), (&manager, 200, 200), (&accountant, 200, 403), (&staff, 403, 403)]
    {
        for path in reads {
            assert_eq!(call(token, Method::GET, path).await.status.as_u16(), money, "{path}");
        }
        for path in others {
            assert_eq!(call(token, Method::GET, path).await.status.as_u16(), other, "{path}");
        }
        assert_eq!(call(token, Method::GET, &format!("/api/metrics/{id}")).await.status.as_u16(), other);
    }
    // An accountant's comparison lists the money metrics only.
    let theirs = call(&accountant, Method::GET, "/api/metrics/comparison").await;
    let names: Vec<&str> =
        theirs.body["metrics"].as_array().unwrap().iter().map(|m| m["metric"].as_str().unwrap()).collect();
    assert_eq!(names, ["revenue", "payments", "average_order_value"]);

    let body = json!({"name": "Pedidos", "metric": "orders", "period": "week", "target": "30"});
    for (token, status) in [(&accountant, 403), (&staff, 403), (&manager, 201)] {
        let reply = app
            .call(Method::POST, "/api/metrics")
            .via(Via::Header("acme".into()))
            .token(token)
            .json(body.clone())
            .send()
            .await;
        assert_eq!(reply.status.as_u16(), status);
    }
    let put = json!({"name": "Ventas", "metric": "revenue", "period": "month", "target": "6000"});
    let reply = app
        .call(Method::PUT, &format!("/api/metrics/{id}"))
        .via(Via::Header("acme".into()))
        .token(&manager)
        .json(put)
        .send()
        .await;
    reply.assert(200);
    call(&manager, Method::DELETE, &format!("/api/metrics/{id}")).await.assert_problem(403, "forbidden");
    call(&staff, Method::GET, "/api/metrics/revenue").await.assert_problem(403, "forbidden");
}

#[tokio::test]
async fn another_studio_neither_sees_nor_changes_targets_nor_gets_the_figures() {
    let app = spawn_app().await;
    let lapaz = la_paz(&app).await;
    let id = set_target(&app, &lapaz, "Ventas", "revenue", "month", "200").await;
    let other = studio_in(&app, "otro", "BO").await;
    assert_eq!(get(&app, &other, "/api/metrics").await["count"], 0);
    let path = format!("/api/metrics/{id}");
    app.as_studio(&other, Method::GET, &path).send().await.assert_problem(404, "not_found");
    let put = json!({"name": "Mía", "metric": "revenue", "period": "month", "target": "1"});
    app.as_studio(&other, Method::PUT, &path).json(put).send().await.assert_problem(404, "not_found");
    app.as_studio(&other, Method::DELETE, &path).send().await.assert_problem(404, "not_found");
    let theirs = get(&app, &other, "/api/metrics/dashboard?date=2025-02-15").await;
    assert_eq!([&metric(&theirs, "revenue")["value"], &metric(&theirs, "stock_value")["value"]], ["0.00", "0.00"]);
    assert_eq!(metric(&theirs, "revenue")["target"], Value::Null);
    // The target is untouched.
    let mine = get(&app, &lapaz, &path).await;
    assert_eq!([&mine["name"], &mine["target"]], ["Ventas", "200.00"]);
    let actions = app.audit_actions("otro").await;
    assert!(actions.iter().all(|a| !a.starts_with("kpi_target.")), "{actions:?}");
}
