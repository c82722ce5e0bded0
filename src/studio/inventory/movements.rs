//! The stock ledger's records: a movement (who, when, why, how much, at what cost), a
//! moulding's pieces, and what recording a movement did. The inputs that make them are in
//! [`crate::studio::inventory::changes`].

use chrono::{DateTime, Utc};
use poem_openapi::{Enum, Object};
use uuid::Uuid;

use crate::audit::Audited;
use crate::http::responses::Located;
use crate::studio::inventory::model::Unit;
use crate::studio::money::{Money, Quantity};

/// What moved the stock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, serde::Serialize, sqlx::Type)]
#[oai(rename = "StockMovementKind", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
#[sqlx(type_name = "text", rename_all = "snake_case")]
pub enum MovementKind {
    /// Bought from a supplier: adds stock and re-averages the unit cost.
    Purchase,
    /// Used in work: takes stock.
    Consumption,
    /// Lost (merma), with a reason: takes stock.
    Waste,
    /// A count correction, either way (the quantity is signed); reversals are adjustments.
    Adjustment,
    /// Unused material back on the shelf (from a job, or a client's return): adds stock.
    Return,
}

impl MovementKind {
    /// The sign the stock moves by: +1, -1, or 0 for adjustments (signed by their quantity).
    pub fn sign(self) -> i8 {
        match self {
            MovementKind::Purchase | MovementKind::Return => 1,
            MovementKind::Consumption | MovementKind::Waste => -1,
            MovementKind::Adjustment => 0,
        }
    }
}

/// Why material was wasted (merma).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, serde::Serialize, sqlx::Type)]
#[oai(rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
#[sqlx(type_name = "text", rename_all = "snake_case")]
pub enum WasteReason {
    CutError,
    Defect,
    Damage,
    TestPrint,
    /// A moulding offcut shorter than the studio's minimum usable length; recorded by the
    /// cut itself, never sent.
    Offcut,
    Other,
}

/// One movement of the ledger. Never changed or deleted.
#[derive(Debug, Clone, Object, serde::Serialize, sqlx::FromRow)]
#[oai(rename = "StockMovement")]
pub struct Movement {
    pub id: Uuid,
    pub material_id: Uuid,
    pub material_sku: String,
    pub material_name: String,
    pub unit: Unit,
    pub kind: MovementKind,
    /// The signed change of stock, in `unit`.
    pub quantity: Quantity,
    /// Purchases: the price paid for one unit; the rest: the average cost at the time.
    pub unit_cost: Money,
    /// quantity × unit_cost, signed: the change of the inventory's value.
    pub value: Money,
    /// The material's stock right after this movement (in the order movements were recorded).
    pub stock_after: Quantity,
    pub waste_reason: Option<WasteReason>,
    /// Why (free text).
    pub reason: Option<String>,
    /// An invoice or delivery note number.
    pub reference: Option<String>,
    pub production_order_id: Option<Uuid>,
    /// The production registration that recorded it.
    pub registration_id: Option<Uuid>,
    /// For an automatic offcut waste: the cut it came from.
    pub parent_id: Option<Uuid>,
    /// For a reversal: the movement it undoes.
    pub reverses_id: Option<Uuid>,
    /// The reversal that undid this movement, if any.
    pub reversed_by_id: Option<Uuid>,
    /// Who recorded it.
    pub actor_id: Option<Uuid>,
    pub actor_name: Option<String>,
    /// When it happened (sent, or when it was recorded).
    pub occurred_at: DateTime<Utc>,
    pub recorded_at: DateTime<Utc>,
}

impl Audited for Movement {
    const ENTITY: &'static str = "stock_movement";

    fn audit_id(&self) -> Uuid {
        self.id
    }
}

/// A moulding's piece kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, serde::Serialize, sqlx::Type)]
#[oai(rename = "MouldingPieceKind", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
#[sqlx(type_name = "text", rename_all = "snake_case")]
pub enum PieceKind {
    /// A full stick as bought.
    Stick,
    /// A usable offcut.
    Remnant,
    /// An offcut under the minimum usable length: wasted as soon as it is cut.
    Scrap,
}

impl PieceKind {
    /// The kind as stored (`remnant`).
    pub fn key(self) -> &'static str {
        match self {
            PieceKind::Stick => "stick",
            PieceKind::Remnant => "remnant",
            PieceKind::Scrap => "scrap",
        }
    }
}

/// A piece of a moulding.
#[derive(Debug, Clone, Object, serde::Serialize, sqlx::FromRow)]
#[oai(rename = "MouldingPiece")]
pub struct Piece {
    pub id: Uuid,
    pub material_id: Uuid,
    pub length_mm: i32,
    pub kind: PieceKind,
    /// The movement that brought it (a purchase, a cut that left it, ...).
    pub created_by: Uuid,
    /// The movement that used it up; `null` while it is on the rack.
    pub consumed_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

/// What one recorded movement did: the movement, the offcut waste its cut produced, the
/// pieces it took and left (mouldings), and the material's stock after it.
#[derive(Debug, Clone, Object, serde::Serialize)]
#[oai(rename = "RecordedMovement")]
pub struct Recorded {
    pub movement: Movement,
    /// The movements that came with it: the automatic `waste` (reason `offcut`) of a cut's
    /// offcuts under the minimum length, or, for a reversal, the reversal of that waste.
    pub offcuts: Vec<Movement>,
    /// Mouldings: the pieces taken from the rack.
    pub pieces_taken: Vec<Piece>,
    /// Mouldings: the pieces added to the rack (sticks bought, remnants left by a cut).
    pub pieces_added: Vec<Piece>,
    pub stock: Quantity,
}

impl Located for Recorded {
    fn location(&self) -> String {
        format!("/api/inventory/movements/{}", self.movement.id)
    }
}
