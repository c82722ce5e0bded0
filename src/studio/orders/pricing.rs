//! The money of an order, computed by the server only, in exact decimals.
//!
//! A line charges `quantity × unit_price − discount` (its `line_total`), in the studio's
//! price mode: with tax included (the usual way in Peru) or without. Its tax is worked out
//! **per line** and rounded to the cent, half away from zero, the way SUNAT's electronic
//! receipts (UBL 2.1) carry each line's base and IGV; the order's tax is the sum of its
//! lines' taxes, so the receipt's lines always add up to its totals.
//!
//! - prices include tax: the line's base is `line_total ÷ (1 + rate)` rounded to the cent,
//!   its tax `line_total − base`; the total is `Σ line_total` — what the price tags say.
//! - prices exclude tax: the line's tax is `line_total × rate` rounded to the cent; the total
//!   is `Σ line_total + Σ tax`.
//!
//! Worked out on the total instead, two lines of S/ 70.00 and S/ 10.00 with IGV included
//! would carry S/ 12.20 of tax rather than the lines' 10.68 + 1.53 = S/ 12.21.

use rust_decimal::Decimal;

use crate::studio::money::{Money, Percent};

/// The tax terms an order is priced under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaxTerms {
    pub rate: Percent,
    pub prices_include_tax: bool,
}

/// What a line is made of: how many, at what price, less what discount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line {
    pub quantity: i32,
    pub unit_price: Money,
    pub discount: Money,
}

impl Line {
    /// quantity × unit price, before the discount.
    pub fn gross(&self) -> Decimal {
        Decimal::from(self.quantity) * self.unit_price.0
    }
}

/// A line's amounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PricedLine {
    /// quantity × unit price − discount, as the prices are written.
    pub line_total: Money,
    /// The line's tax, to the cent.
    pub tax: Money,
}

/// An order's amounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Totals {
    pub subtotal: Money,
    pub discount: Money,
    pub tax: Money,
    pub total: Money,
}

/// Prices one line. Inputs have at most two places, so the line total is exact; only the
/// tax is rounded.
pub fn price_line(terms: TaxTerms, line: &Line) -> PricedLine {
    let line_total = line.gross() - line.discount.0;
    let rate = terms.rate.0 / Decimal::ONE_HUNDRED;
    let tax = if terms.prices_include_tax {
        let base = Money::rounded(line_total / (Decimal::ONE + rate));
        line_total - base.0
    } else {
        Money::rounded(line_total * rate).0
    };
    PricedLine { line_total: Money(line_total), tax: Money(tax) }
}

/// Prices every line and sums the order's totals.
pub fn price(terms: TaxTerms, lines: &[Line]) -> (Vec<PricedLine>, Totals) {
    let priced: Vec<PricedLine> = lines.iter().map(|line| price_line(terms, line)).collect();
    let (mut subtotal, mut discount, mut tax, mut charged) =
        (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO, Decimal::ZERO);
    for (line, priced) in lines.iter().zip(&priced) {
        subtotal += line.gross();
        discount += line.discount.0;
        tax += priced.tax.0;
        charged += priced.line_total.0;
    }
    let total = if terms.prices_include_tax { charged } else { charged + tax };
    let totals = Totals { subtotal: Money(subtotal), discount: Money(discount), tax: Money(tax), total: Money(total) };
    (priced, totals)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn money(s: &str) -> Money {
        Money(s.parse().unwrap())
    }

    fn line(quantity: i32, unit_price: &str, discount: &str) -> Line {
        Line { quantity, unit_price: money(unit_price), discount: money(discount) }
    }

    fn terms(rate: &str, prices_include_tax: bool) -> TaxTerms {
        TaxTerms { rate: Percent(rate.parse().unwrap()), prices_include_tax }
    }

    fn shown(totals: Totals) -> [String; 4] {
        [totals.subtotal, totals.discount, totals.tax, totals.total].map(|m| m.to_string())
    }

    #[test]
    fn with_tax_included_the_tax_is_carved_out_of_each_line() {
        let lines = [line(3, "25.00", "5.00"), line(1, "10.00", "0")];
        let (priced, totals) = price(terms("18", true), &lines);
        assert_eq!(priced[0].line_total.to_string(), "70.00");
        assert_eq!(priced[0].tax.to_string(), "10.68", "70 − round(70 / 1.18) = 70 − 59.32");
        assert_eq!(priced[1].tax.to_string(), "1.53", "10 − 8.47");
        assert_eq!(shown(totals), ["85.00", "5.00", "12.21", "80.00"]);
    }

    #[test]
    fn without_tax_included_the_tax_is_added_per_line() {
        let lines = [line(3, "25.00", "5.00"), line(1, "10.00", "0")];
        let (priced, totals) = price(terms("18", false), &lines);
        assert_eq!(priced[0].tax.to_string(), "12.60");
        assert_eq!(priced[1].tax.to_string(), "1.80");
        assert_eq!(shown(totals), ["85.00", "5.00", "14.40", "94.40"]);
    }

    #[test]
    fn half_cents_round_away_from_zero_on_each_line() {
        // 0.25 × 18% = 0.045 → 0.05 (banker's rounding would give 0.04); three such lines
        // carry 0.15, where rounding on the total (0.135) would carry 0.14.
        let lines = [line(1, "0.25", "0"), line(1, "0.25", "0"), line(1, "0.25", "0")];
        let (_, totals) = price(terms("18", false), &lines);
        assert_eq!(shown(totals), ["0.75", "0.00", "0.15", "0.90"]);
    }

    #[test]
    fn no_tax_and_free_lines_cost_nothing_extra() {
        let (_, totals) = price(terms("0", true), &[line(2, "12.50", "0"), line(1, "0", "0")]);
        assert_eq!(shown(totals), ["25.00", "0.00", "0.00", "25.00"]);
        let (_, totals) = price(terms("18", true), &[line(4, "5.00", "20.00")]);
        assert_eq!(shown(totals), ["20.00", "20.00", "0.00", "0.00"], "a line discounted to nothing");
    }
}
