//! The stock ledger's records: a movement (who, when, why, how much, at what cost), the
//! input that records one, a moulding's pieces, and the list filter.

use chrono::{DateTime, Duration, Utc};
use poem_openapi::{Enum, Object};
use uuid::Uuid;

use crate::audit::Audited;
use crate::http::ApiResult;
use crate::http::fields::Checks;
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
    /// Automatic `waste` movements (reason `offcut`) for offcuts under the minimum length.
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

/// A movement to record.
#[derive(Debug, Clone, Object)]
#[oai(rename = "StockMovementInput")]
pub struct MovementInput {
    pub material_id: Uuid,
    pub kind: MovementKind,
    /// In the material's unit (mouldings: metres, three places = millimetres). Positive;
    /// an adjustment is signed (`"-1.5"` takes, `"2"` adds).
    pub quantity: Quantity,
    /// Purchases only (and required there): the price of one unit.
    pub unit_cost: Option<Money>,
    /// Waste only (and required there): cut_error, defect, damage, test_print, other.
    pub waste_reason: Option<WasteReason>,
    /// Why; required for adjustments and waste. Up to 500 characters.
    pub reason: Option<String>,
    /// An invoice or delivery note number; up to 100 characters.
    pub reference: Option<String>,
    /// The production order the material went to (or came back from).
    pub production_order_id: Option<Uuid>,
    /// Mouldings, stock going out: the lengths cut, in mm, adding up to the quantity.
    /// Default: one cut of the whole quantity.
    pub cuts_mm: Option<Vec<i64>>,
    /// Mouldings, stock coming in other than by purchase: the lengths of the pieces added,
    /// in mm, adding up to the quantity. Default: one piece. (A purchase adds whole sticks.)
    pub pieces_mm: Option<Vec<i64>>,
    /// When it happened, if not now: within the last 366 days.
    pub occurred_at: Option<DateTime<Utc>>,
}

/// A change of stock after the checks that need no material: the ledger applies it.
#[derive(Debug, Clone)]
pub struct Change {
    pub material_id: Uuid,
    pub kind: MovementKind,
    /// Signed.
    pub delta: Quantity,
    pub unit_cost: Option<Money>,
    pub waste_reason: Option<WasteReason>,
    pub reason: Option<String>,
    pub reference: Option<String>,
    pub production_order_id: Option<Uuid>,
    pub registration_id: Option<Uuid>,
    /// For an automatic offcut waste: the cut it comes from.
    pub parent_id: Option<Uuid>,
    /// For a reversal: the movement it undoes.
    pub reverses_id: Option<Uuid>,
    /// Whether it undoes a purchase (and so re-averages the unit cost back).
    pub reverses_purchase: bool,
    pub cuts_mm: Option<Vec<i64>>,
    pub pieces_mm: Option<Vec<i64>>,
    pub occurred_at: Option<DateTime<Utc>>,
    /// How the input named this change's fields: `""` for a movement, `"used[2]."` for a
    /// line of a production registration.
    pub field: String,
}

impl Change {
    /// The name of one of this change's fields as the caller sent it.
    pub fn field(&self, name: &str) -> String {
        format!("{}{name}", self.field)
    }
}

/// Checks the quantity of a line: non-zero, at most three places, not absurd; signed only
/// for adjustments. Returns the signed change of stock.
pub fn signed_delta(checks: &mut Checks, field: &str, kind: MovementKind, quantity: Quantity) -> Quantity {
    let signed = kind == MovementKind::Adjustment;
    if let Some(problem) = quantity.problem(signed) {
        checks.fail(field, problem);
    }
    if kind.sign() < 0 { quantity.negated() } else { quantity }
}

/// Checks a list of lengths in mm: 1–20 of them, each 1–10000.
pub fn lengths(checks: &mut Checks, field: &str, value: Option<&Vec<i64>>) -> Option<Vec<i64>> {
    let value = value?;
    if value.is_empty() || value.len() > 20 || value.iter().any(|l| !(1..=10_000).contains(l)) {
        checks.fail(field, "must be 1–20 lengths of 1–10000 mm");
    }
    Some(value.clone())
}

impl MovementInput {
    /// Checks what can be checked without the material; the ledger checks the rest (the
    /// unit, sticks, cuts, stock).
    pub fn validate(&self) -> ApiResult<Change> {
        let mut checks = Checks::new();
        let delta = signed_delta(&mut checks, "quantity", self.kind, self.quantity);
        match (self.kind, self.unit_cost) {
            (MovementKind::Purchase, None) => checks.fail("unit_cost", "is required for a purchase"),
            (MovementKind::Purchase, Some(cost)) => {
                if let Some(problem) = cost.problem() {
                    checks.fail("unit_cost", problem);
                }
            }
            (_, Some(_)) => checks.fail("unit_cost", "only purchases carry a cost; the rest move at the average cost"),
            _ => {}
        }
        match (self.kind, self.waste_reason) {
            (MovementKind::Waste, None) => checks.fail("waste_reason", "is required for waste"),
            (MovementKind::Waste, Some(WasteReason::Offcut)) => {
                checks.fail("waste_reason", "offcut waste is recorded by the cut itself")
            }
            (MovementKind::Waste, Some(_)) | (_, None) => {}
            (_, Some(_)) => checks.fail("waste_reason", "only waste has a waste reason"),
        }
        let reason = checks.optional("reason", self.reason.as_deref(), 500);
        if reason.is_none() && matches!(self.kind, MovementKind::Adjustment | MovementKind::Waste) {
            checks.fail("reason", "is required for adjustments and waste");
        }
        let reference = checks.optional("reference", self.reference.as_deref(), 100);
        let cuts_mm = lengths(&mut checks, "cuts_mm", self.cuts_mm.as_ref());
        let pieces_mm = lengths(&mut checks, "pieces_mm", self.pieces_mm.as_ref());
        if let Some(at) = self.occurred_at {
            let now = Utc::now();
            if at > now + Duration::minutes(5) || at < now - Duration::days(366) {
                checks.fail("occurred_at", "must be within the last 366 days and not in the future");
            }
        }
        checks.finish()?;
        Ok(Change {
            material_id: self.material_id,
            kind: self.kind,
            delta,
            unit_cost: self.unit_cost,
            waste_reason: self.waste_reason,
            reason,
            reference,
            production_order_id: self.production_order_id,
            registration_id: None,
            parent_id: None,
            reverses_id: None,
            reverses_purchase: false,
            cuts_mm,
            pieces_mm,
            occurred_at: self.occurred_at,
            field: String::new(),
        })
    }
}

/// A reversal's input.
#[derive(Debug, Clone, Object)]
#[oai(rename = "StockReversalInput")]
pub struct ReversalInput {
    /// Why the movement was wrong: 1–500 characters.
    pub reason: String,
}

/// Filters of the movement list.
#[derive(Debug, Default, Clone)]
pub struct MovementFilter {
    pub material_id: Option<Uuid>,
    pub kind: Option<MovementKind>,
    pub production_order_id: Option<Uuid>,
    /// Occurred at or after.
    pub from: Option<DateTime<Utc>>,
    /// Occurred before.
    pub until: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::ApiError;

    fn input(kind: MovementKind, quantity: &str) -> MovementInput {
        MovementInput {
            material_id: Uuid::nil(),
            kind,
            quantity: Quantity(quantity.parse().unwrap()),
            unit_cost: None,
            waste_reason: None,
            reason: None,
            reference: None,
            production_order_id: None,
            cuts_mm: None,
            pieces_mm: None,
            occurred_at: None,
        }
    }

    fn failing(input: &MovementInput) -> Vec<String> {
        match input.validate() {
            Err(ApiError::Validation(errors)) => errors.into_iter().map(|e| e.field).collect(),
            other => panic!("expected 422, got {other:?}"),
        }
    }

    #[test]
    fn outflows_are_negative_and_adjustments_keep_their_sign() {
        assert_eq!(input(MovementKind::Consumption, "2").validate().unwrap().delta, Quantity("-2".parse().unwrap()));
        let mut adjust = input(MovementKind::Adjustment, "-1.5");
        adjust.reason = Some("recuento".into());
        assert_eq!(adjust.validate().unwrap().delta, Quantity("-1.5".parse().unwrap()));
    }

    #[test]
    fn each_kind_needs_its_own_fields() {
        assert_eq!(failing(&input(MovementKind::Purchase, "2")), ["unit_cost"]);
        assert_eq!(failing(&input(MovementKind::Waste, "2")), ["waste_reason", "reason"]);
        let mut offcut = input(MovementKind::Waste, "2");
        offcut.waste_reason = Some(WasteReason::Offcut);
        offcut.reason = Some("x".into());
        assert_eq!(failing(&offcut), ["waste_reason"]);
        let mut priced = input(MovementKind::Consumption, "-2");
        priced.unit_cost = Some(Money::ZERO);
        assert_eq!(failing(&priced), ["quantity", "unit_cost"]);
        let mut cuts = input(MovementKind::Consumption, "1");
        cuts.cuts_mm = Some(vec![0, 500]);
        cuts.occurred_at = Some(Utc::now() + Duration::days(2));
        assert_eq!(failing(&cuts), ["cuts_mm", "occurred_at"]);
    }
}
