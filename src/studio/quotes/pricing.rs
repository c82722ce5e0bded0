//! The arithmetic of a frame quote, pure and exact (millimetres as integers, money as
//! decimals): the moulding's length and cuts, the areas, each line's cost and price, the
//! labour and the rounding. Every rate comes from the studio's settings.

use rust_decimal::{Decimal, RoundingStrategy};

use crate::studio::money::{Money, Quantity};
use crate::studio::quotes::model::{Measures, PricedMaterial, QuoteLine, Role};
use crate::studio::settings::StudioSettings;
use crate::studio::settings::model::PriceRounding;

/// The frame's geometry, in millimetres.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Geometry {
    pub outer_width_mm: i64,
    pub outer_height_mm: i64,
    pub perimeter_mm: i64,
    pub mitre_allowance_mm: i64,
    pub waste_allowance_mm: i64,
    pub moulding_length_mm: i64,
    pub cuts_mm: Vec<i64>,
    pub area_mm2: i64,
}

/// Outer size = artwork + 2 × mat; moulding = 2 × (outer width + height) + 8 × its width,
/// plus `waste_percent` of that rounded up to the millimetre, spread over the four cuts.
pub fn geometry(m: Measures, moulding_width_mm: i64, waste_percent: Decimal) -> Geometry {
    let outer_width_mm = m.artwork_width_mm + 2 * m.mat_border_mm;
    let outer_height_mm = m.artwork_height_mm + 2 * m.mat_border_mm;
    let perimeter_mm = 2 * (outer_width_mm + outer_height_mm);
    let mitre_allowance_mm = 8 * moulding_width_mm;
    let base = perimeter_mm + mitre_allowance_mm;
    let waste = (Decimal::from(base) * waste_percent / Decimal::ONE_HUNDRED).ceil();
    let waste_allowance_mm = i64::try_from(waste).unwrap_or(0);
    let sides = [outer_width_mm, outer_width_mm, outer_height_mm, outer_height_mm];
    let cuts_mm = sides
        .iter()
        .enumerate()
        .map(|(i, side)| {
            side + 2 * moulding_width_mm + waste_allowance_mm / 4 + i64::from((i as i64) < waste_allowance_mm % 4)
        })
        .collect();
    Geometry {
        outer_width_mm,
        outer_height_mm,
        perimeter_mm,
        mitre_allowance_mm,
        waste_allowance_mm,
        moulding_length_mm: base + waste_allowance_mm,
        cuts_mm,
        area_mm2: outer_width_mm * outer_height_mm,
    }
}

/// An area in square metres, rounded up to 0.001 m² (never less than what is cut).
pub fn square_metres(area_mm2: i64) -> Quantity {
    Quantity(
        (Decimal::from(area_mm2) / Decimal::from(1_000_000)).round_dp_with_strategy(3, RoundingStrategy::AwayFromZero),
    )
}

/// The studio's markup for a kind of material, in percent.
pub fn markup(settings: &StudioSettings, role: Role) -> Quantity {
    match role {
        Role::Moulding => settings.markup_moulding_percent,
        Role::Glazing => settings.markup_glazing_percent,
        Role::Backing => settings.markup_backing_percent,
        Role::Mat => settings.markup_mat_percent,
    }
}

/// A line: quantity × unit cost to the cent, then × (1 + markup) to the cent.
pub fn line(role: Role, material: &PricedMaterial, quantity: Quantity, markup: Quantity, in_stock: bool) -> QuoteLine {
    let cost = Money::rounded(quantity.0 * material.unit_cost.0);
    let price = Money::rounded(cost.0 * (Decimal::ONE_HUNDRED + markup.0) / Decimal::ONE_HUNDRED);
    QuoteLine {
        role,
        material_id: material.id,
        sku: material.sku.clone(),
        name: material.name.clone(),
        unit: material.unit,
        quantity,
        unit_cost: material.unit_cost,
        cost,
        markup_percent: markup,
        price,
        in_stock,
    }
}

/// labour_fixed + labour_per_metre × metres, to the cent.
pub fn labour(settings: &StudioSettings, metres: Quantity) -> Money {
    Money::rounded(settings.labour_fixed.0 + settings.labour_per_metre.0 * metres.0)
}

/// `amount` rounded to a multiple of `step` (a step under a cent rounds to the cent).
pub fn round_to_step(amount: Money, step: Money, rounding: PriceRounding) -> Money {
    let step = step.0.max(Decimal::new(1, 2));
    let steps = amount.0 / step;
    let whole = match rounding {
        PriceRounding::Up => steps.ceil(),
        PriceRounding::Down => steps.floor(),
        PriceRounding::Nearest => steps.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero),
    };
    Money::rounded(whole * step)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn the_moulding_is_the_perimeter_the_mitres_and_the_waste_allowance() {
        // 30 × 40 cm, no mat, 20 mm moulding, 10%: 2 × 700 + 160 = 1560; + 156 = 1716.
        let g = geometry(Measures { artwork_width_mm: 300, artwork_height_mm: 400, mat_border_mm: 0 }, 20, d("10"));
        assert_eq!((g.perimeter_mm, g.mitre_allowance_mm, g.waste_allowance_mm), (1400, 160, 156));
        assert_eq!(g.moulding_length_mm, 1716);
        assert_eq!(g.cuts_mm, [379, 379, 479, 479]);
        assert_eq!(g.area_mm2, 120_000);
        // A4 with a 3.5 cm mat, 35 mm moulding: outer 280 × 367; 1294 + 280 = 1574; + 157.4 → 158.
        let g = geometry(Measures { artwork_width_mm: 210, artwork_height_mm: 297, mat_border_mm: 35 }, 35, d("10"));
        assert_eq!((g.outer_width_mm, g.outer_height_mm, g.moulding_length_mm), (280, 367, 1732));
        assert_eq!(g.cuts_mm.iter().sum::<i64>(), 1732);
        assert_eq!(g.cuts_mm, [390, 390, 476, 476]);
        assert_eq!(square_metres(g.area_mm2).to_string(), "0.103", "102760 mm² rounds up");
    }

    #[test]
    fn prices_round_to_the_studios_step_in_its_direction() {
        let m = |s: &str| Money(d(s));
        assert_eq!(round_to_step(m("68.91"), m("1"), PriceRounding::Up).to_string(), "69.00");
        assert_eq!(round_to_step(m("68.91"), m("1"), PriceRounding::Down).to_string(), "68.00");
        assert_eq!(round_to_step(m("67.13"), m("0.50"), PriceRounding::Nearest).to_string(), "67.00");
        assert_eq!(round_to_step(m("67.25"), m("0.50"), PriceRounding::Nearest).to_string(), "67.50");
        assert_eq!(round_to_step(m("67.13"), m("0"), PriceRounding::Up).to_string(), "67.13");
        assert_eq!(round_to_step(m("9500"), m("100"), PriceRounding::Up).to_string(), "9500.00");
    }
}
