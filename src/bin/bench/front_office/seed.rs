//! The front office's big studio: provisioned like any other, then filled by `seed.sql`
//! straight into its schema (50,000 orders through the API would take most of an hour), and
//! checked afterwards: the orders module's own pricing gives every stored line and total,
//! `paid` is the sum of completed payments, `search_text` what the trigger writes, each
//! status the last step of the history, and the counters the last numbers given.

use fotostudio::app::AppState;
use fotostudio::config::Settings;
use fotostudio::db::TenantDb;
use fotostudio::studio::money::{Money, Percent};
use fotostudio::studio::orders::pricing::{self, Line, TaxTerms};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::reads::BigStudio;
use crate::{BoxError, admin_authorization, seeded_studio};

/// The tables the seed writes, vacuumed and analysed afterwards as autovacuum would have
/// (the visibility map lets counts read indexes only).
pub const SEEDED: [&str; 10] = [
    "users",
    "clients",
    "contracts",
    "roster_students",
    "orders",
    "order_items",
    "order_payments",
    "order_status_history",
    "appointments",
    "document_counters",
];

/// Provisions `estudio-grande`, seeds it and checks the seed.
pub async fn big_studio(state: &AppState, settings: &Settings) -> Result<BigStudio, BoxError> {
    let (tenant, seeded) =
        seeded_studio(state, settings, ("estudio-grande", "Estudio Grande"), &[include_str!("seed.sql")], &SEEDED)
            .await?;
    let mut db = state.db.tenants.acquire(&tenant.schema).await?;
    let counts: (i64, i64, i64, i64, i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM clients), (SELECT count(*) FROM orders), (SELECT count(*) FROM order_items), \
         (SELECT count(*) FROM order_payments), (SELECT count(*) FROM order_status_history), \
         (SELECT count(*) FROM appointments), (SELECT count(*) FROM roster_students)",
    )
    .fetch_one(&mut db)
    .await?;
    println!(
        "seeded `{}` in {:.1} s: {} clients, {} orders, {} lines, {} payments, {} history steps, {} appointments, \
         {} students on last year's rosters",
        tenant.slug,
        seeded.as_secs_f64(),
        counts.0,
        counts.1,
        counts.2,
        counts.3,
        counts.4,
        counts.5,
        counts.6
    );
    check_derived(&mut db).await?;
    check_pricing(&mut db).await?;
    let authorization = admin_authorization(state, &tenant).await?;
    Ok(BigStudio { tenant, authorization })
}

/// Orders whose stored `paid`, `search_text`, status or number disagree with their rows.
async fn check_derived(db: &mut TenantDb) -> Result<(), BoxError> {
    let (paid, search, history, counters): (i64, i64, i64, i64) = sqlx::query_as(
        "SELECT \
         (SELECT count(*) FROM orders o WHERE o.paid <> coalesce((SELECT sum(p.amount) FROM order_payments p \
          WHERE p.order_id = o.id AND p.status = 'completed'), 0)), \
         (SELECT count(*) FROM orders o JOIN clients c ON c.id = o.client_id \
          WHERE o.search_text <> lower(o.number || ' ' || c.name || ' ' || coalesce(o.notes, ''))), \
         (SELECT count(*) FROM orders o WHERE o.status IS DISTINCT FROM (SELECT h.to_status \
          FROM order_status_history h WHERE h.order_id = o.id ORDER BY h.changed_at DESC, h.from_status IS NULL LIMIT 1)), \
         (SELECT count(*) FROM (SELECT split_part(number, '-', 2)::int AS year, count(*) AS n, \
          max(split_part(number, '-', 3)::int) AS last FROM orders GROUP BY 1) g \
          LEFT JOIN document_counters d ON d.kind = 'ORD' AND d.year = g.year \
          WHERE d.last_value IS DISTINCT FROM g.last OR g.last <> g.n)",
    )
    .fetch_one(&mut *db)
    .await?;
    if paid + search + history + counters > 0 {
        return Err(format!(
            "the seed is inconsistent: paid {paid}, search_text {search}, status vs history {history}, counters {counters}"
        )
        .into());
    }
    Ok(())
}

type StoredOrder = (Uuid, bool, Decimal, Decimal, Decimal, Decimal, Decimal);
type StoredLine = (Uuid, i32, Decimal, Decimal, Decimal, Decimal);

/// Prices every order's lines with the orders module's own rule and compares each line and
/// total with what is stored.
async fn check_pricing(db: &mut TenantDb) -> Result<(), BoxError> {
    let orders: Vec<StoredOrder> = sqlx::query_as(
        "SELECT id, prices_include_tax, tax_rate, subtotal, discount, tax, total FROM orders ORDER BY id",
    )
    .fetch_all(&mut *db)
    .await?;
    let lines: Vec<StoredLine> = sqlx::query_as(
        "SELECT order_id, quantity, unit_price, discount, line_total, tax FROM order_items ORDER BY order_id, position",
    )
    .fetch_all(&mut *db)
    .await?;
    let mut wrong = 0;
    let mut rest = lines.as_slice();
    for (id, prices_include_tax, rate, subtotal, discount, tax, total) in orders {
        let count = rest.iter().take_while(|l| l.0 == id).count();
        let (own, after) = rest.split_at(count);
        rest = after;
        let terms = TaxTerms { rate: Percent(rate), prices_include_tax };
        let input: Vec<Line> =
            own.iter().map(|l| Line { quantity: l.1, unit_price: Money(l.2), discount: Money(l.3) }).collect();
        let (priced, totals) = pricing::price(terms, &input);
        let lines_right = own.iter().zip(&priced).all(|(l, p)| p.line_total.0 == l.4 && p.tax.0 == l.5);
        let stored = [subtotal, discount, tax, total];
        let computed = [totals.subtotal.0, totals.discount.0, totals.tax.0, totals.total.0];
        if own.is_empty() || !lines_right || stored != computed {
            wrong += 1;
        }
    }
    if wrong > 0 || !rest.is_empty() {
        return Err(format!("{wrong} seeded orders are not priced as the orders module prices them").into());
    }
    Ok(())
}
