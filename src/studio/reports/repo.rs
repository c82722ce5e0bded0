//! The one statement every report shares: its reads see one snapshot of the studio.

use crate::db::TenantDb;

/// Makes the transaction just begun read-only and repeatable-read, so every query of a
/// report sees the same committed state (payments and receivables never disagree because a
/// payment landed between two of them).
#[tracing::instrument(skip_all)]
pub async fn snapshot(db: &mut TenantDb) -> sqlx::Result<()> {
    sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY").execute(db).await?;
    Ok(())
}
