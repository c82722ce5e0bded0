//! Document numbers: `CTR-2026-00042`, `ORD-...`, `PRD-...` — per studio, kind and year, with
//! no gaps and no duplicates.
//!
//! The counter row (`document_counters`) is bumped inside the transaction that creates the
//! document, so concurrent creators queue on its row lock and each gets the next value; a
//! creation that rolls back rolls its bump back too, and the number is given to the next.
//! The number is written by the bump itself (at least five digits: `ORD-2026-00042`,
//! `ORD-2026-123456`), so a statement that creates a document can take its number in a CTE.

use sqlx::AssertSqlSafe;

use crate::db::TenantDb;

/// Bumps the counter of kind `$kind` for year `$year` (the statement's parameters, such as
/// `"$1"`) and returns one row, `number`: the document's number. A statement of its own, or
/// the body of a CTE in the statement that creates the document.
macro_rules! next_number {
    ($kind:literal, $year:literal) => {
        concat!(
            "INSERT INTO {studio}.document_counters (kind, year, last_value) VALUES (",
            $kind,
            ", ",
            $year,
            ", 1) ON CONFLICT (kind, year) DO UPDATE SET last_value = document_counters.last_value + 1 \
             RETURNING kind || '-' || year || '-' || lpad(last_value::text, greatest(length(last_value::text), 5), '0') \
             AS number"
        )
    };
}
pub(crate) use next_number;

/// Takes the next number of `prefix` for `year` (inside the creating transaction).
#[tracing::instrument(skip(db))]
pub async fn next(db: &mut TenantDb, prefix: &'static str, year: i32) -> sqlx::Result<String> {
    let sql = db.sql(next_number!("$1", "$2"));
    sqlx::query_scalar(AssertSqlSafe(sql)).bind(prefix).bind(year).fetch_one(db).await
}
