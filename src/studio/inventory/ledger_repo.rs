//! SQL of the stock ledger: the conditional stock update, movements (insert and read only:
//! the table refuses updates and deletes), and a moulding's pieces.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::db::{ListQuery, TenantDb, Window};
use crate::studio::inventory::changes::MovementFilter;
use crate::studio::inventory::cutting::Available;
use crate::studio::inventory::movements::{Movement, MovementKind, Piece, PieceKind, WasteReason};
use crate::studio::money::{Money, Quantity};

/// The columns of a [`Movement`] over `m` (movements) joined to its material and actor.
macro_rules! select {
    ($($rest:literal),*) => {
        concat!(
            "SELECT m.id, m.seq, m.material_id, mt.sku AS material_sku, mt.name AS material_name, mt.unit, m.kind, \
             m.quantity, m.unit_cost, m.value, m.stock_after, m.waste_reason, m.reason, m.reference, \
             m.production_order_id, m.registration_id, m.parent_id, m.reverses_id, \
             (SELECT r.id FROM stock_movements r WHERE r.reverses_id = m.id) AS reversed_by_id, m.actor_id, \
             u.full_name AS actor_name, m.occurred_at, m.recorded_at \
             FROM m JOIN materials mt ON mt.id = m.material_id LEFT JOIN users u ON u.id = m.actor_id",
            $($rest),*
        )
    };
}

/// Reads name the table `m` the way the insert names its CTE.
macro_rules! reading {
    ($($rest:literal),*) => { concat!("WITH m AS (SELECT * FROM stock_movements) ", select!($($rest),*)) };
}

/// A statement around the columns of a [`Piece`].
macro_rules! piece {
    ($before:literal, $after:literal) => {
        concat!($before, "id, material_id, length_mm, kind, created_by, consumed_by, created_at", $after)
    };
}

/// Moves a material's stock by `delta` unless that would take it under zero, in one
/// statement (the row lock it takes serialises concurrent movements, and the condition is
/// re-checked on the locked row). With `cost_basis`, the unit cost is re-averaged over the
/// stock moved at that price (a purchase, or the reversal of one). `None`: not enough stock.
#[tracing::instrument(skip_all)]
pub async fn move_stock(
    db: &mut TenantDb,
    material_id: Uuid,
    delta: Quantity,
    cost_basis: Option<Money>,
) -> sqlx::Result<Option<(Quantity, Money)>> {
    sqlx::query_as(
        "UPDATE materials SET stock = stock + $2, \
         unit_cost = CASE WHEN $3::numeric IS NOT NULL AND stock + $2 > 0 \
                          THEN greatest(round((stock * unit_cost + $2 * $3) / (stock + $2), 2), 0) \
                          ELSE unit_cost END, \
         updated_at = now() \
         WHERE id = $1 AND stock + $2 >= 0 RETURNING stock, unit_cost",
    )
    .bind(material_id)
    .bind(delta)
    .bind(cost_basis)
    .fetch_optional(db)
    .await
}

/// A movement to insert.
#[derive(Debug, Clone)]
pub struct NewMovement {
    pub material_id: Uuid,
    pub kind: MovementKind,
    pub quantity: Quantity,
    pub unit_cost: Money,
    pub stock_after: Quantity,
    pub waste_reason: Option<WasteReason>,
    pub reason: Option<String>,
    pub reference: Option<String>,
    pub production_order_id: Option<Uuid>,
    pub registration_id: Option<Uuid>,
    pub parent_id: Option<Uuid>,
    pub reverses_id: Option<Uuid>,
    pub actor_id: Option<Uuid>,
    pub occurred_at: Option<DateTime<Utc>>,
}

/// Writes a movement (its value is quantity × unit cost, to the cent) and returns it as read.
#[tracing::instrument(skip_all)]
pub async fn insert(db: &mut TenantDb, m: &NewMovement) -> sqlx::Result<Movement> {
    let value = Money::rounded(m.quantity.0 * m.unit_cost.0);
    sqlx::query_as(concat!(
        "WITH m AS (INSERT INTO stock_movements (id, material_id, kind, quantity, unit_cost, value, stock_after, \
         waste_reason, reason, reference, production_order_id, registration_id, parent_id, reverses_id, actor_id, \
         occurred_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, \
         coalesce($16, now())) RETURNING *) ",
        select!()
    ))
    .bind(Uuid::now_v7())
    .bind(m.material_id)
    .bind(m.kind)
    .bind(m.quantity)
    .bind(m.unit_cost)
    .bind(value)
    .bind(m.stock_after)
    .bind(m.waste_reason)
    .bind(&m.reason)
    .bind(&m.reference)
    .bind(m.production_order_id)
    .bind(m.registration_id)
    .bind(m.parent_id)
    .bind(m.reverses_id)
    .bind(m.actor_id)
    .bind(m.occurred_at)
    .fetch_one(db)
    .await
}

/// One movement.
#[tracing::instrument(skip_all)]
pub async fn get(db: &mut TenantDb, id: Uuid) -> sqlx::Result<Option<Movement>> {
    sqlx::query_as(reading!(" WHERE m.id = $1")).bind(id).fetch_optional(db).await
}

/// A movement and the offcut wastes its cut produced, locked (a reversal holds them so two
/// reversals of one movement queue), the movement first.
#[tracing::instrument(skip_all)]
pub async fn lock_group(db: &mut TenantDb, id: Uuid) -> sqlx::Result<Vec<Movement>> {
    sqlx::query_as(concat!(
        "WITH m AS (SELECT * FROM stock_movements WHERE id = $1 OR parent_id = $1 FOR SHARE) ",
        select!(" ORDER BY m.seq")
    ))
    .bind(id)
    .fetch_all(db)
    .await
}

/// One page of movements, latest first.
#[tracing::instrument(skip_all)]
pub async fn list(db: &mut TenantDb, filter: &MovementFilter, window: Window) -> sqlx::Result<(i64, Vec<Movement>)> {
    let mut list = ListQuery::new(reading!(), "seq DESC");
    list.filter("m.material_id = ", filter.material_id)
        .filter("m.kind = ", filter.kind)
        .filter("m.production_order_id = ", filter.production_order_id)
        .filter("m.occurred_at >= ", filter.from)
        .filter("m.occurred_at < ", filter.until);
    list.fetch(db, window).await
}

/// The movements a production registration recorded, in order.
#[tracing::instrument(skip_all)]
pub async fn of_registration(db: &mut TenantDb, registration_id: Uuid) -> sqlx::Result<Vec<Movement>> {
    sqlx::query_as(reading!(" WHERE m.registration_id = $1 ORDER BY m.seq")).bind(registration_id).fetch_all(db).await
}

/// A moulding's available pieces, for planning cuts.
#[tracing::instrument(skip_all)]
pub async fn available_pieces(db: &mut TenantDb, material_id: Uuid) -> sqlx::Result<Vec<Available>> {
    let rows: Vec<(Uuid, i32)> = sqlx::query_as(
        "SELECT id, length_mm FROM moulding_pieces WHERE material_id = $1 AND consumed_by IS NULL \
         ORDER BY length_mm, id",
    )
    .bind(material_id)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|(id, length_mm)| Available { id, length_mm: length_mm.into() }).collect())
}

/// A page of a moulding's pieces, longest first: only those on the rack unless `all`.
#[tracing::instrument(skip_all)]
pub async fn pieces(
    db: &mut TenantDb,
    material_id: Uuid,
    all: bool,
    window: Window,
) -> sqlx::Result<(i64, Vec<Piece>)> {
    let mut list = ListQuery::new(
        "SELECT id, material_id, length_mm, kind, created_by, consumed_by, created_at, consumed_by IS NULL AS on_rack \
         FROM moulding_pieces",
        "on_rack DESC, length_mm DESC, id",
    );
    list.filter("material_id = ", Some(material_id)).filter("(consumed_by IS NULL) = ", (!all).then_some(true));
    list.fetch(db, window).await
}

/// Marks pieces as used up by `movement_id` and returns them.
#[tracing::instrument(skip_all)]
pub async fn consume_pieces(db: &mut TenantDb, ids: &[Uuid], movement_id: Uuid) -> sqlx::Result<Vec<Piece>> {
    sqlx::query_as(piece!(
        "UPDATE moulding_pieces SET consumed_by = $2 WHERE id = ANY($1) AND consumed_by IS NULL RETURNING ",
        ""
    ))
    .bind(ids)
    .bind(movement_id)
    .fetch_all(db)
    .await
}

/// Puts pieces of `lengths` on a moulding's rack, brought by `movement_id`.
#[tracing::instrument(skip_all)]
pub async fn add_pieces(
    db: &mut TenantDb,
    material_id: Uuid,
    pieces: &[(i64, PieceKind)],
    movement_id: Uuid,
) -> sqlx::Result<Vec<Piece>> {
    let ids: Vec<Uuid> = pieces.iter().map(|_| Uuid::now_v7()).collect();
    let lengths: Vec<i32> = pieces.iter().map(|(l, _)| *l as i32).collect();
    let kinds: Vec<&str> = pieces.iter().map(|(_, k)| k.key()).collect();
    sqlx::query_as(piece!(
        "INSERT INTO moulding_pieces (id, material_id, length_mm, kind, created_by) \
         SELECT id, $2, length_mm, kind, $5 FROM unnest($1::uuid[], $3::int[], $4::text[]) AS p (id, length_mm, kind) \
         RETURNING ",
        ""
    ))
    .bind(&ids)
    .bind(material_id)
    .bind(&lengths)
    .bind(&kinds)
    .bind(movement_id)
    .fetch_all(db)
    .await
}

/// The pieces a group of movements left on the rack (created by one of them and not used up
/// by another of them), with whether each is still there.
#[tracing::instrument(skip_all)]
pub async fn pieces_left_by(db: &mut TenantDb, group: &[Uuid]) -> sqlx::Result<Vec<Piece>> {
    sqlx::query_as(piece!(
        "SELECT ",
        " FROM moulding_pieces WHERE created_by = ANY($1) AND (consumed_by IS NULL OR NOT consumed_by = ANY($1)) \
         ORDER BY id"
    ))
    .bind(group)
    .fetch_all(db)
    .await
}

/// The pieces a group of movements took from the rack (used up by one of them and brought
/// by none of them).
#[tracing::instrument(skip_all)]
pub async fn pieces_taken_by(db: &mut TenantDb, group: &[Uuid]) -> sqlx::Result<Vec<Piece>> {
    sqlx::query_as(piece!(
        "SELECT ",
        " FROM moulding_pieces WHERE consumed_by = ANY($1) AND NOT created_by = ANY($1) ORDER BY id"
    ))
    .bind(group)
    .fetch_all(db)
    .await
}
