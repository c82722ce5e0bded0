//! Cutting a moulding: which pieces the cuts come from, and what is left. Pure: the ledger
//! reads the available pieces, asks for a [`plan`] and writes it.
//!
//! Best fit, longest cut first: each cut takes the shortest piece at least as long as it —
//! a remnant before a fresh stick — and the offcut goes back on the rack for the next cut.
//! Offcuts at or over the studio's minimum usable length stay as remnants; shorter ones
//! are scrap (waste).

use uuid::Uuid;

/// An available piece: its id and length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Available {
    pub id: Uuid,
    pub length_mm: i64,
}

/// What a set of cuts does to the rack.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Plan {
    /// Pieces taken from the rack.
    pub taken: Vec<Uuid>,
    /// Usable offcuts left, in mm.
    pub remnants: Vec<i64>,
    /// Offcuts under the minimum length, in mm: wasted.
    pub scraps: Vec<i64>,
}

/// No piece is long enough for a cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shortage {
    pub cut_mm: i64,
    /// The longest piece there was for it (0 if none).
    pub longest_mm: i64,
}

/// A piece on the rack while planning: one of the studio's, or an offcut of this plan.
#[derive(Debug, Clone, Copy)]
struct Slot {
    length_mm: i64,
    /// `Some` for a piece that exists; `None` for an offcut made by an earlier cut.
    existing: Option<Uuid>,
}

/// Plans `cuts_mm` from `pieces`, keeping offcuts of at least `min_remnant_mm`.
pub fn plan(pieces: &[Available], cuts_mm: &[i64], min_remnant_mm: i64) -> Result<Plan, Shortage> {
    let mut rack: Vec<Slot> = pieces.iter().map(|p| Slot { length_mm: p.length_mm, existing: Some(p.id) }).collect();
    let mut cuts = cuts_mm.to_vec();
    cuts.sort_unstable_by(|a, b| b.cmp(a));
    let mut plan = Plan::default();
    for cut in cuts {
        // The shortest piece that fits; among equals, an offcut of this plan first (it
        // would otherwise be left over), then the oldest existing piece.
        let best = rack
            .iter()
            .enumerate()
            .filter(|(_, slot)| slot.length_mm >= cut)
            .min_by_key(|(i, slot)| (slot.length_mm, slot.existing.is_some(), *i))
            .map(|(i, _)| i);
        let Some(index) = best else {
            let longest_mm = rack.iter().map(|s| s.length_mm).max().unwrap_or(0);
            return Err(Shortage { cut_mm: cut, longest_mm });
        };
        let slot = rack.remove(index);
        if let Some(id) = slot.existing {
            plan.taken.push(id);
        }
        let offcut = slot.length_mm - cut;
        if offcut >= min_remnant_mm {
            rack.push(Slot { length_mm: offcut, existing: None });
        } else if offcut > 0 {
            plan.scraps.push(offcut);
        }
    }
    // Offcuts still on the planning rack are the remnants the cuts leave.
    plan.remnants = rack.iter().filter(|s| s.existing.is_none()).map(|s| s.length_mm).collect();
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(lengths: &[i64]) -> Vec<Available> {
        lengths.iter().map(|&length_mm| Available { id: Uuid::now_v7(), length_mm }).collect()
    }

    fn taken_lengths(pieces: &[Available], plan: &Plan) -> Vec<i64> {
        plan.taken.iter().map(|id| pieces.iter().find(|p| p.id == *id).unwrap().length_mm).collect()
    }

    #[test]
    fn a_cut_takes_the_shortest_piece_that_fits() {
        let rack = pieces(&[2900, 700, 1200, 650]);
        let plan = plan(&rack, &[640], 200).unwrap();
        assert_eq!(taken_lengths(&rack, &plan), [650]);
        assert_eq!(plan.remnants, Vec::<i64>::new());
        assert_eq!(plan.scraps, [10], "10 mm is under the minimum: scrap");
    }

    #[test]
    fn a_frame_cut_from_one_stick_leaves_one_remnant() {
        // 40 × 50 cm outer, 20 mm moulding: 2 × 440 + 2 × 540 = 1960 mm.
        let rack = pieces(&[2900]);
        let plan = plan(&rack, &[540, 540, 440, 440], 200).unwrap();
        assert_eq!(plan.taken.len(), 1);
        assert_eq!(plan.remnants, [940]);
        assert!(plan.scraps.is_empty());
    }

    #[test]
    fn cuts_go_longest_first_and_use_remnants_before_sticks() {
        let rack = pieces(&[2900, 800, 500]);
        let plan = plan(&rack, &[450, 750], 200).unwrap();
        // 750 from the 800 (50 scrap), 450 from the 500 (50 scrap): the stick stays whole.
        assert_eq!(taken_lengths(&rack, &plan), [800, 500]);
        assert_eq!(plan.scraps, [50, 50]);
        assert!(plan.remnants.is_empty());
    }

    #[test]
    fn no_piece_long_enough_is_a_shortage_naming_the_cut() {
        let rack = pieces(&[900, 900]);
        assert_eq!(plan(&rack, &[1000], 200), Err(Shortage { cut_mm: 1000, longest_mm: 900 }));
        assert_eq!(plan(&[], &[10], 200), Err(Shortage { cut_mm: 10, longest_mm: 0 }));
    }
}
