//! The ledger's invariant, checked: every material's stock equals the sum of its movements,
//! and a moulding's stock also equals the length of the pieces on its rack. Run by
//! `fotostudio inventory verify` over every studio.

use std::fmt;

use uuid::Uuid;

use crate::db::TenantDb;
use crate::studio::money::Quantity;

/// A material whose stock disagrees with its ledger or its pieces.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Mismatch {
    pub material_id: Uuid,
    pub sku: String,
    /// The stock column.
    pub stock: Quantity,
    /// The sum of the material's movements.
    pub ledger: Quantity,
    /// Mouldings: the length of the pieces on the rack, in metres.
    pub pieces: Option<Quantity>,
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}): stock {}, ledger {}", self.sku, self.material_id, self.stock, self.ledger)?;
        if let Some(pieces) = self.pieces {
            write!(f, ", pieces {pieces}")?;
        }
        Ok(())
    }
}

/// Every material of the studio whose stock differs from its ledger (or, for a moulding,
/// from its pieces), by sku.
#[tracing::instrument(skip_all)]
pub async fn mismatches(db: &mut TenantDb) -> sqlx::Result<Vec<Mismatch>> {
    sqlx::query_as(
        "SELECT m.id AS material_id, m.sku, m.stock, coalesce(l.total, 0)::numeric(14,3) AS ledger, \
                CASE WHEN m.category = 'mouldings' THEN (coalesce(p.total_mm, 0) / 1000.0)::numeric(14,3) END AS pieces \
         FROM materials m \
         LEFT JOIN (SELECT material_id, sum(quantity) AS total FROM stock_movements GROUP BY material_id) l \
                ON l.material_id = m.id \
         LEFT JOIN (SELECT material_id, sum(length_mm) AS total_mm FROM moulding_pieces \
                    WHERE consumed_by IS NULL GROUP BY material_id) p ON p.material_id = m.id \
         WHERE m.stock <> coalesce(l.total, 0) \
            OR (m.category = 'mouldings' AND m.stock * 1000 <> coalesce(p.total_mm, 0)) \
         ORDER BY m.sku",
    )
    .fetch_all(db)
    .await
}
