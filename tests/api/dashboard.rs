//! The dashboard against hand-worked fixtures: the reports' La Paz studio (its sales and its
//! workshop) with two orders delivered on either side of a month end in La Paz, and a
//! Santiago studio across the change of clock; roles, bad months and isolation.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Studio, TestApp, Via, spawn_app};
use crate::reports::fixture::{la_paz_sales, la_paz_workshop, local, order, shift, studio_in};

/// `GET /api/dashboard{part}?{query}` as the studio's admin; the body of a 200.
async fn dashboard(app: &TestApp, s: &Studio, part: &str, query: &str) -> Value {
    let reply = app.as_studio(s, Method::GET, &format!("/api/dashboard{part}?{query}")).send().await;
    reply.assert(200);
    reply.body.clone()
}

/// The id of the studio's order dated `date`.
pub async fn order_on(app: &TestApp, s: &Studio, date: &str) -> String {
    let sql = format!("SELECT id::text FROM t_{}.orders WHERE order_date = '{date}' AND status <> 'cancelled'", s.slug);
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).fetch_one(&mut app.raw().await).await.unwrap()
}

async fn to_status(app: &TestApp, s: &Studio, order: &str, steps: &[&str]) {
    for status in steps {
        app.as_studio(s, Method::POST, &format!("/api/orders/{order}/status"))
            .json(json!({"status": status}))
            .send()
            .await
            .assert(200);
    }
}

/// Delivers `order` and moves its delivery to `at` (an RFC 3339 instant).
pub async fn deliver(app: &TestApp, s: &Studio, order: &str, at: &str) {
    to_status(app, s, order, &["confirmed", "in_production", "ready", "delivered"]).await;
    shift(app, s, &format!("UPDATE {{s}}.orders SET delivered_at = '{at}' WHERE id = '{order}'")).await;
}

/// The reports' La Paz studio (sales and workshop), then: O5 (2024-12-20) delivered at
/// 23:30 on January 31st in La Paz (February 1st in UTC): 42 days, in January; O1
/// (2025-01-15) delivered on February 3rd: 19 days; O2 confirmed; O6 due on 2025-03-10
/// (overdue now).
pub async fn la_paz(app: &TestApp) -> Studio {
    let tz = chrono_tz::America::La_Paz;
    let s = studio_in(app, "lapaz", "BO").await;
    la_paz_sales(app, &s).await;
    la_paz_workshop(app, &s).await;
    let o5 = order_on(app, &s, "2024-12-20").await;
    deliver(app, &s, &o5, &local(tz, "2025-01-31 23:30")).await;
    let o1 = order_on(app, &s, "2025-01-15").await;
    deliver(app, &s, &o1, &local(tz, "2025-02-03 10:00")).await;
    let o2 = order_on(app, &s, "2025-01-31").await;
    to_status(app, &s, &o2, &["confirmed"]).await;
    let o6 = order_on(app, &s, "2025-03-05").await;
    shift(app, &s, &format!("UPDATE {{s}}.orders SET due_date = '2025-03-10' WHERE id = '{o6}'")).await;
    s
}

/// A chart's series `key`, as strings (`null` where there is no value).
fn series(chart: &Value, key: &str) -> Vec<String> {
    let found = chart["series"].as_array().unwrap().iter().find(|s| s["key"] == key).unwrap();
    found["values"].as_array().unwrap().iter().map(|v| v.as_str().unwrap_or("null").to_owned()).collect()
}

fn strings(values: &Value) -> Vec<String> {
    values.as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_owned()).collect()
}

const ZEROS: [&str; 7] = ["0.00"; 7];

#[tokio::test]
async fn the_dashboard_of_a_la_paz_month_counts_each_sale_delivery_and_movement_on_its_local_day() {
    let app = spawn_app().await;
    let s = la_paz(&app).await;
    let d = dashboard(&app, &s, "", "month=2025-02").await;
    assert_eq!((d["currency"].as_str(), d["timezone"].as_str()), (Some("BOB"), Some("America/La_Paz")));
    assert_eq!(
        [&d["month"], &d["month_from"], &d["month_to"], &d["year_from"], &d["trend_from"]],
        ["2025-02", "2025-02-01", "2025-02-28", "2025-01-01", "2024-03-01"]
    );

    // February: O3 75.00 and the package of the 20th; the year: O1 250.00, O2 300.00, O3
    // and both packages (the first at 22:00 on January 31st in La Paz). O4 is cancelled.
    let r = &d["revenue"];
    assert_eq!([&r["month_total"], &r["year_total"]], ["155.00", "785.00"]);
    assert_eq!([&r["month_total_last_year"], &r["year_total_last_year"]], ["0.00", "0.00"]);
    let chart = &r["by_service_chart"];
    assert_eq!(chart["kind"], "bar");
    assert_eq!(
        strings(&chart["keys"]),
        ["session", "print", "frame", "souvenir", "design", "restoration", "other", "school_packages"]
    );
    assert_eq!(chart["labels"][7], "Paquetes escolares");
    assert_eq!(series(chart, "month"), ["0.00", "0.00", "0.00", "75.00", "0.00", "0.00", "0.00", "80.00"]);
    assert_eq!(series(chart, "year"), ["300.00", "100.00", "150.00", "75.00", "0.00", "0.00", "0.00", "160.00"]);
    assert_eq!(r["service_share_chart"]["kind"], "pie");
    // March 2024 to February 2025: O7 (October), O5 (December), January, February.
    let by_month = &r["by_month_chart"];
    assert_eq!((by_month["kind"].as_str(), by_month["labels"][11].as_str()), (Some("line"), Some("feb 2025")));
    assert_eq!(
        series(by_month, "revenue"),
        ["0.00", "0.00", "0.00", "0.00", "0.00", "0.00", "0.00", "40.00", "0.00", "200.00", "630.00", "155.00"]
    );
    assert_eq!(series(by_month, "last_year"), [ZEROS.as_slice(), &ZEROS[..5]].concat());

    // Open now: O7, O3 and O6 pending (O6 overdue since March 10th), O2 confirmed with
    // 150.00 of 300.00 paid; O1 and O5 delivered, O4 cancelled.
    let o = &d["orders"];
    let statuses: Vec<&Value> = o["pending_by_status"].as_array().unwrap().iter().collect();
    assert_eq!(
        statuses.iter().map(|s| s["status"].as_str().unwrap()).collect::<Vec<_>>(),
        ["pending", "confirmed", "in_production", "ready"]
    );
    assert_eq!(statuses.iter().map(|s| s["orders"].as_i64().unwrap()).collect::<Vec<_>>(), [3, 1, 0, 0]);
    assert_eq!(
        [&statuses[0]["total"], &statuses[0]["balance"], &statuses[1]["balance"]],
        ["145.00", "145.00", "150.00"]
    );
    assert_eq!([&o["pending_orders"], &o["overdue_orders"]], [4, 1]);
    assert_eq!(o["pending_balance"], "295.00");
    assert_eq!(series(&o["pending_chart"], "orders"), ["3", "1", "0", "0"]);
    // Taken: O3 in February; O1, O2, O3 in the year. Delivered: O1 in February after 19
    // days; O5 in January (La Paz) after 42: 30.5 on average over the year.
    assert_eq!([&o["month_orders"], &o["year_orders"]], [1, 3]);
    assert_eq!([&o["month_delivery_days"], &o["year_delivery_days"]], ["19.0", "30.5"]);
    assert_eq!(series(&o["by_month_chart"], "orders"), ["0", "0", "0", "0", "0", "0", "0", "1", "0", "1", "2", "1"]);
    let days = series(&o["delivery_days_chart"], "delivery_days");
    assert_eq!(days[..10], ["null"; 10]);
    assert_eq!(days[10..], ["42.0", "19.0"]);

    // Clients: Luis new in October, back in December; Ana new in January, back in February.
    let c = &d["clients"];
    assert_eq!([&c["month_active"], &c["month_new"], &c["month_returning"]], [1, 0, 1]);
    assert_eq!([&c["year_active"], &c["year_new"], &c["year_returning"]], [1, 1, 0]);
    assert_eq!(series(&c["new_vs_returning_chart"], "clients"), ["0", "1"]);
    assert_eq!(series(&c["by_month_chart"], "new"), ["0", "0", "0", "0", "0", "0", "0", "1", "0", "0", "1", "0"]);
    assert_eq!(series(&c["by_month_chart"], "returning"), ["0", "0", "0", "0", "0", "0", "0", "0", "0", "1", "0", "1"]);

    // Workshop: paper (80 of 100) and mugs (0 of 20) to reorder now. February used 132.00
    // of paper (the 220 sheets at 23:30 on the 28th) and wasted 25.00 of paint: 84.08 %;
    // the year used 207.00: 89.22 %; January only used: 100 %.
    let w = &d["workshop"];
    assert_eq!(w["low_stock"], 2);
    assert_eq!([&w["month_efficiency_percent"], &w["year_efficiency_percent"]], ["84.08", "89.22"]);
    assert_eq!([&w["month_waste_value"], &w["year_waste_value"]], ["25.00", "25.00"]);
    let efficiency = series(&w["efficiency_chart"], "efficiency");
    assert_eq!(efficiency[9..], ["null", "100.00", "84.08"]);

    // The parts say the same as the whole.
    let revenue = dashboard(&app, &s, "/revenue", "month=2025-02").await;
    assert_eq!(revenue["revenue"], d["revenue"]);
    let orders = dashboard(&app, &s, "/orders", "month=2025-02").await;
    assert_eq!(orders["orders"], d["orders"]);
    let clients = dashboard(&app, &s, "/clients", "month=2025-02").await;
    assert_eq!(clients["clients"], d["clients"]);

    // January, a month that ends at 23:30 of its last day for a delivery and a package.
    let january = dashboard(&app, &s, "", "month=2025-01").await;
    assert_eq!([&january["revenue"]["month_total"], &january["revenue"]["year_total"]], ["630.00", "630.00"]);
    assert_eq!(january["orders"]["month_delivery_days"], "42.0");
}

#[tokio::test]
async fn a_santiago_studio_counts_deliveries_on_its_days_across_the_change_of_clock() {
    let app = spawn_app().await;
    let s = studio_in(&app, "santiago", "CL").await;
    let tz = chrono_tz::America::Santiago;
    let client = app.create_client(&s, json!({"kind": "individual", "name": "Camila Soto"})).await;
    let line = |price: &str| json!({"kind": "session", "description": "Sesión", "quantity": 1, "unit_price": price, "discount": "0"});
    let march = order(&app, &s, &client, "2025-03-31", vec![line("45000")]).await;
    let april = order(&app, &s, &client, "2025-04-30", vec![line("10000")]).await;
    // 23:30 on March 31st is 02:30 UTC on April 1st (summer time); 00:10 on May 1st is
    // 04:10 UTC (winter time since April 6th).
    deliver(&app, &s, &march, &local(tz, "2025-03-31 23:30")).await;
    deliver(&app, &s, &april, &local(tz, "2025-05-01 00:10")).await;

    let d = dashboard(&app, &s, "", "month=2025-04").await;
    assert_eq!((d["currency"].as_str(), d["timezone"].as_str()), (Some("CLP"), Some("America/Santiago")));
    assert_eq!([&d["revenue"]["month_total"], &d["revenue"]["year_total"]], ["10000.00", "55000.00"]);
    assert_eq!(series(&d["revenue"]["by_service_chart"], "month")[0], "10000.00");
    let days = series(&d["orders"]["delivery_days_chart"], "delivery_days");
    assert_eq!(days[9..], ["null", "0.0", "null"], "February, March (same day), April");
    assert_eq!(d["orders"]["year_delivery_days"], "0.0");
    let may = dashboard(&app, &s, "/orders", "month=2025-05").await;
    assert_eq!(may["orders"]["month_delivery_days"], "1.0");
    assert_eq!([&may["orders"]["pending_orders"], &may["orders"]["month_orders"]], [0, 0]);
    // Camila: new in March, back in April.
    let clients = dashboard(&app, &s, "/clients", "month=2025-04").await;
    assert_eq!([&clients["clients"]["month_new"], &clients["clients"]["month_returning"]], [0, 1]);
    assert_eq!([&clients["clients"]["year_active"], &clients["clients"]["year_new"]], [1, 1]);
}

#[tokio::test]
async fn the_dashboard_defaults_to_the_current_month_and_an_empty_studio_shows_zeros() {
    let app = spawn_app().await;
    let s = studio_in(&app, "vacio", "PE").await;
    let d = dashboard(&app, &s, "", "").await;
    let today = chrono::Utc::now().with_timezone(&chrono_tz::America::Lima).date_naive();
    assert_eq!(d["month_to"], today.to_string());
    assert_eq!(d["month"], today.format("%Y-%m").to_string());
    assert_eq!(d["revenue"]["year_total"], "0.00");
    assert_eq!(d["orders"]["month_delivery_days"], Value::Null);
    assert_eq!(d["workshop"]["year_efficiency_percent"], Value::Null);
    assert_eq!(d["revenue"]["by_month_chart"]["labels"].as_array().unwrap().len(), 12);
}

#[tokio::test]
async fn only_admins_and_managers_see_the_dashboard_and_bad_months_are_named() {
    let app = spawn_app().await;
    let s = studio_in(&app, "acme", "PE").await;
    let manager = app.user_with_role(&s, "manager").await;
    let accountant = app.user_with_role(&s, "accountant").await;
    let staff = app.user_with_role(&s, "staff").await;
    for part in ["", "/revenue", "/orders", "/clients"] {
        let path = format!("/api/dashboard{part}");
        for (token, status) in [(&s.token, 200), (&manager, 200), (&accountant, 403), (&staff, 403)] {
            let reply = app.call(Method::GET, &path).via(Via::Header("acme".into())).token(token).send().await;
            assert_eq!(reply.status.as_u16(), status, "{path}");
        }
    }
    for month in ["2025-13", "febrero", "1999-12", "2025-02-01", "2025-2"] {
        let reply = app.as_studio(&s, Method::GET, &format!("/api/dashboard?month={month}")).send().await;
        reply.assert_problem(422, "validation_failed");
        assert_eq!(reply.fields(), ["month"], "{month}");
    }
}

#[tokio::test]
async fn another_studio_never_gets_these_figures() {
    let app = spawn_app().await;
    let lapaz = la_paz(&app).await;
    let other = studio_in(&app, "otro", "BO").await;
    let d = dashboard(&app, &other, "", "month=2025-02").await;
    assert_eq!([&d["revenue"]["year_total"], &d["orders"]["pending_balance"]], ["0.00", "0.00"]);
    assert_eq!([&d["orders"]["pending_orders"], &d["workshop"]["low_stock"], &d["clients"]["year_active"]], [0, 0, 0]);
    // Another studio's token on this studio's host is refused.
    let reply = app
        .call(Method::GET, "/api/dashboard?month=2025-02")
        .via(Via::Header(lapaz.slug.clone()))
        .token(&other.token)
        .send()
        .await;
    assert_eq!(reply.status.as_u16(), 401);
}
