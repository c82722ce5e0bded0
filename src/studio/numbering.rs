//! Document numbers: `CTR-2026-00042`, `ORD-...`, `PRD-...` — per studio, kind and year, with
//! no gaps and no duplicates.
//!
//! The counter row (`document_counters`) is bumped inside the transaction that creates the
//! document, so concurrent creators queue on its row lock and each gets the next value; a
//! creation that rolls back rolls its bump back too, and the number is given to the next.

use crate::db::TenantDb;

/// Takes the next number of `prefix` for `year` (inside the creating transaction).
#[tracing::instrument(skip(db))]
pub async fn next(db: &mut TenantDb, prefix: &'static str, year: i32) -> sqlx::Result<String> {
    let value: i32 = sqlx::query_scalar(
        "INSERT INTO document_counters (kind, year, last_value) VALUES ($1, $2, 1) \
         ON CONFLICT (kind, year) DO UPDATE SET last_value = document_counters.last_value + 1 \
         RETURNING last_value",
    )
    .bind(prefix)
    .bind(year)
    .fetch_one(db)
    .await?;
    Ok(format(prefix, year, value))
}

fn format(prefix: &str, year: i32, value: i32) -> String {
    format!("{prefix}-{year}-{value:05}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn numbers_are_zero_padded_to_five_digits() {
        assert_eq!(super::format("CTR", 2026, 42), "CTR-2026-00042");
        assert_eq!(super::format("ORD", 2026, 123_456), "ORD-2026-123456");
    }
}
