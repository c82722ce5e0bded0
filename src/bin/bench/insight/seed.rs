//! The insight studio: provisioned like any other, given the front office's five years of
//! orders (`front_office/seed.sql`) and then this part's workshop (`seed.sql`: materials,
//! 200,000 movements, 5,000 production orders), vacuumed and analysed as autovacuum would
//! have, and checked: every material's stock is the sum of its ledger, the ledger's running
//! stock is what each movement says, every order line carries its order's date and price
//! mode, and the counts are what the reads are measured over.

use fotostudio::app::AppState;
use fotostudio::config::Settings;

use crate::reads::BigStudio;
use crate::{BoxError, admin_authorization, seeded_studio};

/// The tables this part's seed writes, beside the front office's.
const SEEDED: [&str; 6] =
    ["materials", "stock_movements", "production_orders", "production_registrations", "products", "package_orders"];

/// Provisions `estudio-insight`, seeds it and checks the seed.
pub async fn insight_studio(state: &AppState, settings: &Settings) -> Result<BigStudio, BoxError> {
    let scripts = [include_str!("../front_office/seed.sql"), include_str!("seed.sql")];
    let tables = [&crate::front_office::SEEDED[..], &SEEDED[..]].concat();
    let (tenant, seeded) =
        seeded_studio(state, settings, ("estudio-insight", "Estudio Insight"), &scripts, &tables).await?;
    let mut db = state.db.tenants.acquire(&tenant.schema).await?;
    let counts: (i64, i64, i64, i64, i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM orders), (SELECT count(*) FROM order_items), (SELECT count(*) FROM order_payments), \
         (SELECT count(*) FROM materials), (SELECT count(*) FROM stock_movements), \
         (SELECT count(*) FROM production_orders), (SELECT count(*) FROM production_registrations)",
    )
    .fetch_one(&mut db)
    .await?;
    println!(
        "seeded `{}` in {:.1} s: {} orders ({} lines, {} payments), {} materials, {} stock movements, \
         {} production orders ({} registered)",
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
    let (stock, running): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM materials m WHERE m.stock <> (SELECT sum(quantity) FROM stock_movements s \
           WHERE s.material_id = m.id)), \
         (SELECT count(*) FROM (SELECT stock_after, sum(quantity) OVER (PARTITION BY material_id ORDER BY seq) AS r \
           FROM stock_movements) l WHERE l.stock_after <> l.r)",
    )
    .fetch_one(&mut db)
    .await?;
    if stock + running > 0 {
        return Err(format!("the ledger seed is inconsistent: stock {stock}, running stock {running}").into());
    }
    // The orders were written set-based: each line must still carry its order's date and
    // price mode (set by the lines' trigger), or revenue by kind would not be the orders'.
    let stray: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM order_items i JOIN orders o ON o.id = i.order_id \
         WHERE (i.order_date, i.prices_include_tax) IS DISTINCT FROM (o.order_date, o.prices_include_tax)",
    )
    .fetch_one(&mut db)
    .await?;
    if stray > 0 {
        return Err(format!("{stray} order lines do not carry their order's date and price mode").into());
    }
    let authorization = admin_authorization(state, &tenant).await?;
    Ok(BigStudio { tenant, authorization })
}
