//! What changes stock, as sent: a movement's input and a reversal's, checked as far as they
//! can be without the material, into a [`Change`] the ledger applies; and the movement
//! list's filter.

use chrono::{DateTime, Duration, Utc};
use poem_openapi::Object;
use uuid::Uuid;

use crate::http::ApiResult;
use crate::http::fields::Checks;
use crate::studio::inventory::movements::{MovementKind, WasteReason};
use crate::studio::money::{Money, Quantity};

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
