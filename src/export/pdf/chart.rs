//! A bar chart of one series: a value axis with round steps and grid lines, one bar per
//! label (every label under up to 12 bars, every n-th beyond), each value over its bar
//! where there is room. Bar heights are geometry: the only place values become floats.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::canvas::{Align, Canvas, black, rgb};
use crate::export::{Chart, Document, currency_style, decimal_text};

/// The height a chart takes on the page, in millimetres (title included).
pub const HEIGHT: f32 = 78.0;

/// A round step for an axis up to `max`: 1, 2 or 5 × a power of ten, 4–8 steps.
fn step(max: f64) -> f64 {
    let raw = max / 5.0;
    let power = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0].into_iter().map(|m| m * power).find(|s| max / s <= 8.0).unwrap_or(10.0 * power)
}

/// Draws `chart` between `left` and `right`, its top at `top`.
pub fn draw(canvas: &mut Canvas, doc: &Document, chart: &Chart, left: f32, right: f32, top: f32) {
    let grey = rgb(120, 120, 120);
    canvas.text(left, top - 5.0, 11.0, true, Align::Left, black(), &chart.title);
    let (symbol, _) = currency_style(&doc.currency);
    let axis_note = if chart.money { format!("Montos en {symbol} ({})", doc.currency) } else { String::new() };
    canvas.text(right, top - 5.0, 7.5, false, Align::Right, grey.clone(), &axis_note);

    let (plot_left, plot_right) = (left + 22.0, right);
    let (base, height) = (top - HEIGHT + 14.0, HEIGHT - 26.0);
    let values: Vec<f64> = chart.bars.iter().map(|(_, v)| v.to_f64().unwrap_or_default().max(0.0)).collect();
    let max = values.iter().copied().fold(0.0, f64::max);
    let (step, top_value) = if max > 0.0 {
        let step = step(max);
        (step, (max / step).ceil() * step)
    } else {
        (1.0, 5.0)
    };
    let y_of = |v: f64| base + (v / top_value) as f32 * height;

    // The value axis: grid lines at each step, labelled.
    let mut tick = 0.0;
    while tick <= top_value + step / 2.0 {
        let y = y_of(tick);
        canvas.line((plot_left, y), (plot_right, y), 0.4, rgb(220, 220, 220));
        let label = decimal_text(Decimal::from_f64_retain(tick).unwrap_or_default(), 0, doc.numbers, true);
        canvas.text(plot_left - 2.0, y - 1.2, 7.0, false, Align::Right, grey.clone(), &label);
        tick += step;
    }
    canvas.line((plot_left, base), (plot_right, base), 0.8, black());

    if chart.bars.is_empty() || max <= 0.0 {
        let middle = (plot_left + plot_right) / 2.0;
        canvas.text(middle, base + height / 2.0, 9.0, false, Align::Centre, grey, "Sin datos en el período");
        return;
    }
    let slot = (plot_right - plot_left) / chart.bars.len() as f32;
    let every = chart.bars.len().div_ceil(12);
    let (_, places) = currency_style(&doc.currency);
    for (index, ((label, value), height_value)) in chart.bars.iter().zip(&values).enumerate() {
        let x = plot_left + slot * index as f32;
        let bar = slot * 0.64;
        let bar_left = x + (slot - bar) / 2.0;
        let y = y_of(*height_value);
        canvas.rect(bar_left, base, bar, (y - base).max(0.0), rgb(46, 104, 160));
        let centre = x + slot / 2.0;
        if index % every == 0 {
            let size = if chart.bars.len() > 8 { 6.0 } else { 7.0 };
            let shown = canvas.fit(label, slot * every as f32 - 1.0, size, false);
            canvas.text(centre, base - 4.0, size, false, Align::Centre, black(), &shown);
        }
        let figure = decimal_text(*value, if chart.bars.len() > 6 { 0 } else { places }, doc.numbers, true);
        let size = 6.0;
        if chart.bars.len() <= 24 && canvas.width(&figure, size, false) <= slot {
            canvas.text(centre, y + 1.2, size, false, Align::Centre, black(), &figure);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axis_steps_are_round() {
        assert_eq!(step(1234.0), 200.0);
        assert_eq!(step(9.0), 2.0);
        assert_eq!(step(100_000.0), 20_000.0);
    }
}
