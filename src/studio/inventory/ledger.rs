//! The ledger's rules, inside the caller's transaction: the one way stock changes. Used by
//! `POST /api/inventory/movements` and by production registrations alike.
//!
//! Every change is a conditional update of the material's stock (never under zero) and a
//! movement row, in the same transaction. A moulding's change also moves its pieces: a
//! purchase adds whole sticks, stock going out is cut from the rack by best fit
//! ([`cutting`]), and offcuts under the studio's minimum become an automatic `waste`
//! movement (reason `offcut`) whose `parent_id` is the cut.

use serde_json::json;
use uuid::Uuid;

use crate::audit::{self, AuditContext};
use crate::db::TenantDb;
use crate::http::{ApiError, ApiResult};
use crate::studio::inventory::attributes::MouldingSpec;
use crate::studio::inventory::changes::Change;
use crate::studio::inventory::cutting::{self, Shortage};
use crate::studio::inventory::ledger_repo::{self, NewMovement};
use crate::studio::inventory::model::{Material, MaterialCategory};
use crate::studio::inventory::movements::{Movement, MovementKind, PieceKind, Recorded, WasteReason};
use crate::studio::money::{Money, Quantity};

/// The longest piece of moulding a rack holds (as `moulding_pieces.length_mm` allows).
const MAX_PIECE_MM: i64 = 10_000;

/// Who records, and the studio's cutting rule.
pub struct Ledger<'a> {
    pub audit: &'a AuditContext,
    pub min_remnant_mm: i64,
}

/// 409 `insufficient_stock`, with what there is and what was asked in `context`.
fn insufficient(material: &Material, change: &Change, available: Quantity, shortage: Option<Shortage>) -> ApiError {
    let requested = change.delta.negated();
    let mut context = json!({
        "material_id": material.id, "sku": material.sku, "unit": material.unit.key(),
        "available": available, "requested": requested,
    });
    if !change.field.is_empty() {
        context["line"] = json!(change.field.trim_end_matches('.'));
    }
    let detail = match shortage {
        Some(s) => {
            context["cut_mm"] = json!(s.cut_mm);
            context["longest_piece_mm"] = json!(s.longest_mm);
            format!(
                "{}: no piece is long enough for a cut of {} mm (the longest is {} mm)",
                material.sku, s.cut_mm, s.longest_mm
            )
        }
        None => format!("{}: {} {} in stock, {} requested", material.sku, available, material.unit.key(), requested),
    };
    ApiError::ConflictWith { code: "insufficient_stock", detail, context }
}

impl Ledger<'_> {
    /// Applies `change` to `material` (locked by the caller) and records its movements.
    pub async fn apply(&self, db: &mut TenantDb, material: &Material, change: &Change) -> ApiResult<Recorded> {
        if material.unit.is_whole() && !change.delta.0.fract().is_zero() {
            return Err(ApiError::invalid(change.field("quantity"), "this material is counted in whole units"));
        }
        if material.category != MaterialCategory::Mouldings {
            for (name, given) in [("cuts_mm", change.cuts_mm.is_some()), ("pieces_mm", change.pieces_mm.is_some())] {
                if given {
                    return Err(ApiError::invalid(change.field(name), "only mouldings are kept as pieces"));
                }
            }
            let (movement, stock) = self.record(db, material, change, None).await?;
            return Ok(Recorded {
                movement,
                offcuts: Vec::new(),
                pieces_taken: Vec::new(),
                pieces_added: Vec::new(),
                stock,
            });
        }
        let spec = MouldingSpec::of(&material.attributes)
            .ok_or_else(|| ApiError::internal(format!("moulding {} has no measures", material.id)))?;
        let mm = change.delta.thousandths().unwrap_or_default();
        if mm > 0 {
            self.add_to_rack(db, material, change, spec, mm).await
        } else {
            self.cut(db, material, change, -mm).await
        }
    }

    /// Moves the stock and writes one movement. `priced_at`: the movement's unit cost when
    /// it is not the material's average (a reversal keeps the original's).
    async fn record(
        &self,
        db: &mut TenantDb,
        material: &Material,
        change: &Change,
        priced_at: Option<Money>,
    ) -> ApiResult<(Movement, Quantity)> {
        // Purchases re-average the unit cost at their price; so do their reversals.
        let cost_basis = match change.kind {
            MovementKind::Purchase => change.unit_cost,
            _ => priced_at.filter(|_| change.reverses_purchase),
        };
        let Some((stock, average)) = ledger_repo::move_stock(db, material.id, change.delta, cost_basis).await? else {
            let available = crate::studio::inventory::repo::get(db, material.id).await?.map(|m| m.stock);
            return Err(insufficient(material, change, available.unwrap_or_default(), None));
        };
        let movement = ledger_repo::insert(
            db,
            &NewMovement {
                material_id: material.id,
                kind: change.kind,
                quantity: change.delta,
                unit_cost: change.unit_cost.or(priced_at).unwrap_or(average),
                stock_after: stock,
                waste_reason: change.waste_reason,
                reason: change.reason.clone(),
                reference: change.reference.clone(),
                production_order_id: change.production_order_id,
                registration_id: change.registration_id,
                parent_id: change.parent_id,
                reverses_id: change.reverses_id,
                actor_id: self.audit.actor_id,
                occurred_at: change.occurred_at,
            },
        )
        .await?;
        audit::created(db, self.audit, &movement).await?;
        Ok((movement, stock))
    }

    /// A moulding coming in: a purchase adds whole sticks; anything else adds the pieces
    /// named (one piece of the whole quantity by default).
    async fn add_to_rack(
        &self,
        db: &mut TenantDb,
        material: &Material,
        change: &Change,
        spec: MouldingSpec,
        mm: i64,
    ) -> ApiResult<Recorded> {
        if change.cuts_mm.is_some() {
            return Err(ApiError::invalid(change.field("cuts_mm"), "only stock going out is cut"));
        }
        let stick = spec.stick_length_mm;
        let pieces: Vec<(i64, PieceKind)> = if change.kind == MovementKind::Purchase {
            if change.pieces_mm.is_some() {
                return Err(ApiError::invalid(change.field("pieces_mm"), "a purchase adds whole sticks"));
            }
            if mm % stick != 0 {
                let message =
                    format!("a moulding is bought in whole sticks of {stick} mm ({})", Quantity::from_mm(stick));
                return Err(ApiError::invalid(change.field("quantity"), message));
            }
            (0..mm / stick).map(|_| (stick, PieceKind::Stick)).collect()
        } else {
            let lengths = change.pieces_mm.clone().unwrap_or_else(|| vec![mm]);
            if lengths.iter().sum::<i64>() != mm {
                return Err(ApiError::invalid(
                    change.field("pieces_mm"),
                    format!("must add up to the quantity ({mm} mm)"),
                ));
            }
            if lengths.iter().any(|&l| l > MAX_PIECE_MM) {
                let message = format!("a piece is at most {MAX_PIECE_MM} mm; name the pieces in pieces_mm");
                return Err(ApiError::invalid(change.field("quantity"), message));
            }
            lengths.into_iter().map(|l| (l, if l == stick { PieceKind::Stick } else { PieceKind::Remnant })).collect()
        };
        let (movement, stock) = self.record(db, material, change, None).await?;
        let pieces_added = ledger_repo::add_pieces(db, material.id, &pieces, movement.id).await?;
        Ok(Recorded { movement, offcuts: Vec::new(), pieces_taken: Vec::new(), pieces_added, stock })
    }

    /// A moulding going out: the cuts come off the rack by best fit; usable offcuts stay as
    /// remnants, shorter ones are wasted by an automatic `offcut` movement.
    async fn cut(&self, db: &mut TenantDb, material: &Material, change: &Change, mm: i64) -> ApiResult<Recorded> {
        if change.pieces_mm.is_some() {
            return Err(ApiError::invalid(change.field("pieces_mm"), "only stock coming in adds pieces"));
        }
        let cuts = change.cuts_mm.clone().unwrap_or_else(|| vec![mm]);
        if cuts.iter().sum::<i64>() != mm {
            return Err(ApiError::invalid(change.field("cuts_mm"), format!("must add up to the quantity ({mm} mm)")));
        }
        let rack = ledger_repo::available_pieces(db, material.id).await?;
        let plan = cutting::plan(&rack, &cuts, self.min_remnant_mm).map_err(|shortage| {
            let on_rack = Quantity::from_mm(rack.iter().map(|p| p.length_mm).sum());
            insufficient(material, change, on_rack, Some(shortage))
        })?;
        let (movement, mut stock) = self.record(db, material, change, None).await?;
        let pieces_taken = ledger_repo::consume_pieces(db, &plan.taken, movement.id).await?;
        let remnants: Vec<_> = plan.remnants.iter().map(|&l| (l, PieceKind::Remnant)).collect();
        let pieces_added = ledger_repo::add_pieces(db, material.id, &remnants, movement.id).await?;
        let mut offcuts = Vec::new();
        if !plan.scraps.is_empty() {
            let scraps: Vec<_> = plan.scraps.iter().map(|&l| (l, PieceKind::Scrap)).collect();
            let scrap_pieces = ledger_repo::add_pieces(db, material.id, &scraps, movement.id).await?;
            let scrap_mm: i64 = plan.scraps.iter().sum();
            let waste = Change {
                kind: MovementKind::Waste,
                delta: Quantity::from_mm(-scrap_mm),
                unit_cost: None,
                waste_reason: Some(WasteReason::Offcut),
                reason: Some(format!("offcuts under {} mm", self.min_remnant_mm)),
                cuts_mm: None,
                pieces_mm: None,
                parent_id: Some(movement.id),
                ..change.clone()
            };
            let (offcut, after) = self.record(db, material, &waste, None).await?;
            let ids: Vec<Uuid> = scrap_pieces.iter().map(|p| p.id).collect();
            ledger_repo::consume_pieces(db, &ids, offcut.id).await?;
            stock = after;
            offcuts.push(offcut);
        }
        Ok(Recorded { movement, offcuts, pieces_taken, pieces_added, stock })
    }

    /// Undoes movement `id` and the offcut waste of its cut: an `adjustment` of the opposite
    /// quantity for each, linked by `reverses_id`, at the original's cost; a moulding gets
    /// back the pieces taken and gives up the pieces left (which must still be on the rack).
    pub async fn reverse(&self, db: &mut TenantDb, material: &Material, id: Uuid, reason: &str) -> ApiResult<Recorded> {
        let group = ledger_repo::lock_group(db, id).await?;
        let Some(original) = group.iter().find(|m| m.id == id).cloned() else {
            return Err(ApiError::not_found("movement"));
        };
        let refuse = |code: &'static str, detail: &str| ApiError::ConflictWith {
            code,
            detail: detail.to_owned(),
            context: json!({"movement_id": id}),
        };
        if original.parent_id.is_some() {
            return Err(refuse("not_reversible", "an offcut is reversed with the cut it came from"));
        }
        if original.reverses_id.is_some() {
            return Err(refuse("not_reversible", "a reversal is not reversed; record a new movement"));
        }
        if original.reversed_by_id.is_some() {
            return Err(refuse("already_reversed", "this movement was already reversed"));
        }
        let ids: Vec<Uuid> = group.iter().map(|m| m.id).collect();
        let (left, taken) = if material.category == MaterialCategory::Mouldings {
            let left = ledger_repo::pieces_left_by(db, &ids).await?;
            let used: Vec<Uuid> = left.iter().filter(|p| p.consumed_by.is_some()).map(|p| p.id).collect();
            if !used.is_empty() {
                return Err(ApiError::ConflictWith {
                    code: "pieces_in_use",
                    detail: "pieces this movement left on the rack have been used since".to_owned(),
                    context: json!({"movement_id": id, "pieces": used}),
                });
            }
            (left, ledger_repo::pieces_taken_by(db, &ids).await?)
        } else {
            (Vec::new(), Vec::new())
        };
        let mut reversals = Vec::new();
        let mut stock = material.stock;
        for movement in &group {
            let change = Change::reversal_of(movement, reason);
            let (reversal, after) = self.record(db, material, &change, Some(movement.unit_cost)).await?;
            stock = after;
            reversals.push(reversal);
        }
        let first = reversals.remove(0);
        let left_ids: Vec<Uuid> = left.iter().map(|p| p.id).collect();
        let pieces_taken = ledger_repo::consume_pieces(db, &left_ids, first.id).await?;
        let restored: Vec<_> = taken.iter().map(|p| (i64::from(p.length_mm), p.kind)).collect();
        let pieces_added = ledger_repo::add_pieces(db, material.id, &restored, first.id).await?;
        Ok(Recorded { movement: first, offcuts: reversals, pieces_taken, pieces_added, stock })
    }
}

impl Change {
    /// The adjustment that undoes `movement`.
    fn reversal_of(movement: &Movement, reason: &str) -> Change {
        Change {
            material_id: movement.material_id,
            kind: MovementKind::Adjustment,
            delta: movement.quantity.negated(),
            unit_cost: None,
            waste_reason: None,
            reason: Some(reason.to_owned()),
            reference: movement.reference.clone(),
            production_order_id: movement.production_order_id,
            registration_id: None,
            parent_id: None,
            reverses_id: Some(movement.id),
            reverses_purchase: movement.kind == MovementKind::Purchase,
            cuts_mm: None,
            pieces_mm: None,
            occurred_at: None,
            field: String::new(),
        }
    }
}
