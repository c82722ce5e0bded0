//! Every report's figures against the hand-worked fixtures, to the cent.

use serde_json::{Value, json};

use super::fixture::{la_paz_sales, la_paz_workshop, local, order, pay, studio_in};
use super::report;
use crate::helpers::spawn_app;

/// The `field` of every element of an array, as strings.
fn column(rows: &Value, field: &str) -> Vec<String> {
    rows.as_array().unwrap().iter().map(|r| r[field].to_string().trim_matches('"').to_owned()).collect()
}

#[tokio::test]
async fn the_financial_report_of_a_la_paz_studio_counts_each_sale_and_payment_on_its_local_day() {
    let app = spawn_app().await;
    let s = studio_in(&app, "lapaz", "BO").await;
    la_paz_sales(&app, &s).await;
    let r = report(&app, &s, "financial", "from=2025-01-01&to=2025-02-28").await;
    r.assert(200);
    let b = &r.body;
    assert_eq!((b["report"].as_str(), b["currency"].as_str()), (Some("financial"), Some("BOB")));
    assert_eq!(
        (b["timezone"].as_str(), b["from"].as_str(), b["to"].as_str()),
        (Some("America/La_Paz"), Some("2025-01-01"), Some("2025-02-28"))
    );

    // January: O1 250.00 + O2 300.00 (tax 28.76 + 34.51), a package ordered at 22:00 on the
    // 31st; February: O3 75.00 (tax 8.63) and the second package. O4 is cancelled.
    let months = &b["revenue"]["by_month"];
    assert_eq!(column(months, "month"), ["2025-01", "2025-02"]);
    assert_eq!(column(months, "orders"), ["2", "1"]);
    assert_eq!(column(months, "order_revenue"), ["550.00", "75.00"]);
    assert_eq!(column(months, "order_tax"), ["63.27", "8.63"]);
    assert_eq!(column(months, "package_orders"), ["1", "1"]);
    assert_eq!(column(months, "package_revenue"), ["80.00", "80.00"]);
    assert_eq!(column(months, "revenue"), ["630.00", "155.00"]);
    let revenue = &b["revenue"];
    assert_eq!(
        (revenue["orders"].as_i64(), revenue["order_revenue"].as_str(), revenue["order_tax"].as_str()),
        (Some(3), Some("625.00"), Some("71.90"))
    );
    assert_eq!((revenue["package_revenue"].as_str(), revenue["total"].as_str()), (Some("160.00"), Some("785.00")));

    let kinds = &revenue["by_kind"];
    assert_eq!(
        column(kinds, "kind"),
        ["session", "print", "frame", "souvenir", "design", "restoration", "other", "school_packages"]
    );
    assert_eq!(column(kinds, "revenue"), ["300.00", "100.00", "150.00", "75.00", "0.00", "0.00", "0.00", "160.00"]);
    assert_eq!(column(kinds, "tax"), ["34.51", "11.50", "17.26", "8.63", "0.00", "0.00", "0.00", "null"]);
    assert_eq!(column(kinds, "quantity"), ["1", "2", "1", "10", "0", "0", "0", "2"]);

    // Cash: 100.00 cash at 23:30 on January 31st (February in UTC), 150.00 card and 100.00
    // card (the cancelled order's) in February, 100.00 QR at 23:59 on February 28th. Not
    // the voided one, nor those before or after the period.
    let payments = &b["payments"];
    assert_eq!(column(&payments["by_method"], "method"), ["cash", "card", "transfer", "qr", "other"]);
    assert_eq!(column(&payments["by_method"], "amount"), ["100.00", "250.00", "0.00", "100.00", "0.00"]);
    assert_eq!(column(&payments["by_method"], "payments"), ["1", "2", "0", "1", "0"]);
    assert_eq!(column(&payments["by_month"], "amount"), ["100.00", "350.00"]);
    assert_eq!((payments["payments"].as_i64(), payments["total"].as_str()), (Some(4), Some("450.00")));

    // Owed at the end of February 28th: O2 200.00 (28 days; its March payment not yet in),
    // O3 75.00 (27 days; the voided payment does not count), O5 150.00 (70 days), O7 40.00
    // (150 days). O1 is paid, O4 cancelled, O6 not yet ordered.
    let rec = &b["receivables"];
    assert_eq!(rec["as_of"], "2025-02-28");
    assert_eq!(column(&rec["buckets"], "bucket"), ["0_30", "31_60", "61_90", "over_90"]);
    assert_eq!(column(&rec["buckets"], "orders"), ["2", "0", "1", "1"]);
    assert_eq!(column(&rec["buckets"], "balance"), ["275.00", "0.00", "150.00", "40.00"]);
    assert_eq!((rec["open_orders"].as_i64(), rec["total"].as_str()), (Some(4), Some("465.00")));
    assert_eq!(column(&rec["orders"], "days"), ["150", "70", "28", "27"]);
    assert_eq!(column(&rec["orders"], "paid"), ["0.00", "50.00", "100.00", "0.00"]);
    assert_eq!(column(&rec["orders"], "balance"), ["40.00", "150.00", "200.00", "75.00"]);
    assert_eq!(rec["orders"][2]["client_name"], "Ana Mamani");

    // A period that ends on January 31st sees the 23:30 payment but not the March one.
    let january = report(&app, &s, "financial", "from=2025-01-01&to=2025-01-31").await;
    assert_eq!(january.assert(200).body["payments"]["total"], "100.00");
    assert_eq!(january.body["revenue"]["total"], "630.00");
    // O7 40.00 + O5 150.00 + O1 250.00 − 100.00 (paid at 23:30 that night) + O2 300.00.
    assert_eq!(january.body["receivables"]["total"], "640.00");
}

#[tokio::test]
async fn a_santiago_studio_counts_its_days_across_the_change_of_clock_and_writes_pesos() {
    let app = spawn_app().await;
    let s = studio_in(&app, "santiago", "CL").await;
    let tz = chrono_tz::America::Santiago;
    let client = app.create_client(&s, json!({"kind": "individual", "name": "Camila Soto"})).await;
    let items = vec![json!({"kind": "session", "description": "Sesión", "quantity": 1, "unit_price": "45000",
                            "discount": "0"})];
    let o = order(&app, &s, &client, "2025-03-31", items).await;
    // 23:30 on March 31st is 02:30 UTC on April 1st (summer time, UTC−3); 23:30 on April
    // 30th is 03:30 UTC on May 1st (winter time, UTC−4, since April 6th).
    pay(&app, &s, &o, "20000", "cash", &local(tz, "2025-03-31 23:30")).await;
    pay(&app, &s, &o, "10000", "transfer", &local(tz, "2025-04-30 23:30")).await;
    pay(&app, &s, &o, "5000", "card", &local(tz, "2025-05-01 00:10")).await;
    let r = report(&app, &s, "financial", "from=2025-03-01&to=2025-04-30").await;
    let b = &r.assert(200).body;
    assert_eq!(b["currency"], "CLP");
    assert_eq!(column(&b["revenue"]["by_month"], "revenue"), ["45000.00", "0.00"]);
    // IVA 19 % included: 45000 / 1.19 = 37815.13, tax 7184.87.
    assert_eq!(b["revenue"]["order_tax"], "7184.87");
    assert_eq!(column(&b["payments"]["by_month"], "amount"), ["20000.00", "10000.00"]);
    assert_eq!(b["payments"]["total"], "30000.00");
    // 30 days from March 31st to April 30th: still the first bucket.
    assert_eq!(column(&b["receivables"]["buckets"], "balance"), ["15000.00", "0.00", "0.00", "0.00"]);
    assert_eq!(b["receivables"]["orders"][0]["days"], 30);
}

#[tokio::test]
async fn the_inventory_report_values_stock_at_the_periods_end_and_reconciles_its_movements() {
    let app = spawn_app().await;
    let s = studio_in(&app, "lapaz", "BO").await;
    la_paz_workshop(&app, &s).await;
    let r = report(&app, &s, "inventory", "from=2025-01-01&to=2025-02-28").await;
    let b = &r.assert(200).body;
    let valuation = &b["valuation"];
    assert_eq!(valuation["as_of"], "2025-02-28");
    // Paint: 10 − 3 − 1 = 6 L at 25.00; paper: 300 − 220 = 80 sheets at 0.60 (the 220 taken
    // at 23:30 on the 28th count; the paint of March 1st at 00:30 does not).
    assert_eq!(column(&valuation["materials"], "sku"), ["PIN-BLANCO", "PAP-A4"]);
    assert_eq!(column(&valuation["materials"], "quantity"), ["6.000", "80.000"]);
    assert_eq!(column(&valuation["materials"], "value"), ["150.00", "48.00"]);
    let categories = &valuation["by_category"];
    assert_eq!(column(categories, "category")[..3], ["mouldings", "paints", "printing"]);
    assert_eq!(column(categories, "value")[..4], ["0.00", "150.00", "48.00", "0.00"]);
    assert_eq!(valuation["total"], "198.00");

    // Paper at 80 of a minimum of 100; mugs at 0 of 20. Paint is over its 2 L.
    assert_eq!(column(&b["low_stock"], "sku"), ["PAP-A4", "TAZA-BLANCA"]);
    assert_eq!(column(&b["low_stock"], "shortfall"), ["20.000", "20.000"]);

    // Two purchases (180.00); three consumptions (−75.00 − 132.00 − 6.00 + 6.00 reversed);
    // one waste (−25.00). Opening 250.00 (the paint) + movements = closing 198.00.
    let movements = &b["movements"];
    assert_eq!(column(&movements["by_kind"], "kind"), ["purchase", "consumption", "waste", "return", "adjustment"]);
    assert_eq!(column(&movements["by_kind"], "movements"), ["2", "3", "1", "0", "0"]);
    assert_eq!(column(&movements["by_kind"], "value"), ["180.00", "-207.00", "-25.00", "0.00", "0.00"]);
    assert_eq!(movements["reversals"], 1);
    assert_eq!(
        (movements["opening_value"].as_str(), movements["closing_value"].as_str()),
        (Some("250.00"), Some("198.00"))
    );
    let paints = &movements["by_category"][1];
    assert_eq!(paints["category"], "paints");
    assert_eq!(
        [&paints["opening"], &paints["purchases"], &paints["consumption"], &paints["waste"], &paints["closing"]],
        ["250.00", "0.00", "-75.00", "-25.00", "150.00"]
    );

    // Ending today, the closing value is the materials' book value.
    let today = report(&app, &s, "inventory", "from=2025-01-01").await;
    assert_eq!(today.assert(200).body["valuation"]["total"], "148.00", "4 L × 25.00 + 80 × 0.60");
}

#[tokio::test]
async fn the_production_report_weighs_used_against_wasted_and_times_completed_orders() {
    let app = spawn_app().await;
    let s = studio_in(&app, "lapaz", "BO").await;
    la_paz_workshop(&app, &s).await;
    let r = report(&app, &s, "production", "from=2025-01-01&to=2025-02-28").await;
    let b = &r.assert(200).body;
    // Paint: used 3 L (75.00), wasted 1 L (25.00): 75 %. Paper: used 220 (132.00), nothing
    // wasted; the reversed 10 sheets count for nothing.
    assert_eq!(column(&b["materials"], "sku"), ["PIN-BLANCO", "PAP-A4"]);
    assert_eq!(column(&b["materials"], "used"), ["3.000", "220.000"]);
    assert_eq!(column(&b["materials"], "wasted"), ["1.000", "0.000"]);
    assert_eq!(column(&b["materials"], "efficiency_percent"), ["75.00", "100.00"]);
    assert_eq!(column(&b["categories"], "category"), ["paints", "printing"]);
    assert_eq!(column(&b["categories"], "wasted_value"), ["25.00", "0.00"]);
    // 207.00 ÷ 232.00 = 89.22 %.
    assert_eq!((b["used_value"].as_str(), b["wasted_value"].as_str()), (Some("207.00"), Some("25.00")));
    assert_eq!(b["efficiency_percent"], "89.22");
    assert_eq!(b["waste_by_reason"], json!([{"reason": "damage", "value": "25.00"}]));

    let output = &b["output"];
    assert_eq!(
        [&output["orders_created"], &output["orders_done"], &output["orders_cancelled"]],
        [3, 2, 1],
        "PO1, PO2, PO3 created; PO1 and PO2 done, PO3 cancelled; PO4 is done in March"
    );
    assert_eq!([&output["planned_quantity"], &output["produced_quantity"]], [3, 2]);
    assert_eq!([&output["registrations"], &output["registered_quantity"]], [1, 2]);
    assert_eq!(output["products"], json!([{"kind": "framed_picture", "products": 2}]));

    // 4.5 and 10 days: mean and median 7.25 (7.3), 90th percentile 9.45 (9.5); work 3.5 and 9.
    let lead = &b["lead_times"];
    assert_eq!(lead["orders"], 2);
    assert_eq!(
        [&lead["average_days"], &lead["median_days"], &lead["p90_days"], &lead["max_days"], &lead["average_work_days"]],
        ["7.3", "7.3", "9.5", "10.0", "6.3"]
    );
    assert_eq!([&lead["on_time"], &lead["late"], &lead["without_due_date"]], [1, 1, 0]);
}

#[tokio::test]
async fn a_period_with_nothing_in_it_reports_zeros_not_errors() {
    let app = spawn_app().await;
    let s = studio_in(&app, "vacio", "PE").await;
    let f = report(&app, &s, "financial", "from=2024-01-01&to=2024-12-31").await;
    assert_eq!(f.assert(200).body["revenue"]["by_month"].as_array().unwrap().len(), 12);
    assert_eq!(f.body["revenue"]["total"], "0.00");
    assert_eq!(f.body["receivables"]["orders"], json!([]));
    let i = report(&app, &s, "inventory", "").await;
    assert_eq!(i.assert(200).body["valuation"]["total"], "0.00");
    let p = report(&app, &s, "production", "").await;
    assert_eq!(p.assert(200).body["efficiency_percent"], Value::Null);
    assert_eq!(p.body["lead_times"]["median_days"], Value::Null);
    // The defaults: the year so far.
    let today = chrono::Utc::now().with_timezone(&chrono_tz::America::Lima).date_naive();
    assert_eq!(i.body["to"], today.to_string());
    assert_eq!(i.body["from"], format!("{}-01-01", today.format("%Y")));
}
