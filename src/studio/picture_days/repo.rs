//! SQL for what every part of picture days reads of a contract: its terms.

use uuid::Uuid;

use crate::db::TenantDb;
use crate::studio::picture_days::model::ContractTerms;

macro_rules! terms {
    ($($rest:literal),*) => {
        concat!(
            "SELECT c.id, c.number, c.title, s.name AS school_name, c.status, c.ends_on, c.order_deadline, \
             c.late_fee, c.commission_percent FROM contracts c JOIN clients s ON s.id = c.school_id WHERE c.id = $1",
            $($rest),*
        )
    };
}

/// A contract's terms, for reads.
#[tracing::instrument(skip_all)]
pub async fn terms(db: &mut TenantDb, id: Uuid) -> sqlx::Result<Option<ContractTerms>> {
    sqlx::query_as(terms!()).bind(id).fetch_optional(db).await
}

/// A contract's terms, held (`FOR SHARE`) until the transaction ends: its status cannot
/// change under a roster import, a package change or an order, which still run side by side.
#[tracing::instrument(skip_all)]
pub async fn hold_terms(db: &mut TenantDb, id: Uuid) -> sqlx::Result<Option<ContractTerms>> {
    sqlx::query_as(terms!(" FOR SHARE OF c")).bind(id).fetch_optional(db).await
}
