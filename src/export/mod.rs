//! Files for people: a [`Document`] — headline figures, titled tables of typed cells and a
//! bar chart, in Spanish — written as [`csv`] (RFC 4180, the reader's decimal mark),
//! [`xlsx`] (a sheet per table, typed cells) or [`pdf`] (tables, a bar chart, page numbers,
//! an embedded font). This room knows nothing of studios: the business lays its reports out
//! as documents (`studio::reports::export`), and geometry and spreadsheet numbers — floats
//! by nature — stay here, away from the money path.
//!
//! A document holds a report's rows, not the records behind them: its size follows the
//! months, kinds, categories, materials and listed orders of the report.

pub mod csv;
pub mod pdf;
pub mod xlsx;

use chrono::{DateTime, Datelike, NaiveDate};
use chrono_tz::Tz;
use rust_decimal::Decimal;

/// How numbers are written for the reader: `1250.50` or `1250,50`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Numbers {
    pub decimal_mark: char,
}

impl Numbers {
    /// `1,250.50`; CSV columns separated by `,`.
    pub const POINT: Numbers = Numbers { decimal_mark: '.' };
    /// `1.250,50`; CSV columns separated by `;`.
    pub const COMMA: Numbers = Numbers { decimal_mark: ',' };

    /// The CSV column separator: `;` where the comma is the decimal mark.
    pub fn separator(self) -> char {
        if self.decimal_mark == ',' { ';' } else { ',' }
    }

    fn grouping(self) -> char {
        if self.decimal_mark == ',' { '.' } else { ',' }
    }
}

/// One cell, typed: each writer shows each type its own way (a money cell is a number with
/// the currency's format in a spreadsheet, a plain decimal in CSV).
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    /// A count.
    Int(i64),
    /// An amount in the studio's currency.
    Money(Decimal),
    /// A quantity of a material in its unit (three places).
    Quantity(Decimal),
    /// A percentage, 0–100.
    Percent(Decimal),
    /// A number of days, one decimal.
    Days(Decimal),
    Date(NaiveDate),
    /// A month, by its first day.
    Month(NaiveDate),
    Empty,
}

impl Cell {
    /// An optional value, empty when absent.
    pub fn maybe<T>(value: Option<T>, cell: fn(T) -> Cell) -> Cell {
        value.map_or(Cell::Empty, cell)
    }
}

/// One section of a report: a titled table. In a workbook it is a sheet.
#[derive(Debug, Clone)]
pub struct Table {
    /// The sheet's name (at most 31 characters, none of `[]:*?/\`).
    pub sheet: &'static str,
    pub title: String,
    pub headers: Vec<&'static str>,
    pub rows: Vec<Vec<Cell>>,
    /// A closing line of totals, when the table has one.
    pub total: Option<Vec<Cell>>,
}

/// A bar chart of one series.
#[derive(Debug, Clone)]
pub struct Chart {
    pub title: String,
    pub bars: Vec<(String, Decimal)>,
    /// Whether the values are money (their axis shows the currency).
    pub money: bool,
}

/// A report ready to be written in any format.
#[derive(Debug, Clone)]
pub struct Document {
    /// "Reporte financiero", ...
    pub title: &'static str,
    pub studio: String,
    /// The studio's legal name and tax id, when it set them (a PDF's heading).
    pub legal_lines: Vec<String>,
    pub currency: String,
    pub numbers: Numbers,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// When it was made, in the studio's time zone.
    pub generated_at: DateTime<Tz>,
    /// Label–value lines of the report's headline figures.
    pub summary: Vec<(&'static str, Cell)>,
    pub tables: Vec<Table>,
    pub chart: Option<Chart>,
}

impl Document {
    /// "del 01/01/2025 al 31/03/2025".
    pub fn period_text(&self) -> String {
        format!("del {} al {}", self.from.format("%d/%m/%Y"), self.to.format("%d/%m/%Y"))
    }
}

/// How a currency's amounts are shown: its symbol and how many decimals (Chilean pesos have
/// none).
pub fn currency_style(currency: &str) -> (&str, u32) {
    match currency {
        "PEN" => ("S/", 2),
        "BOB" => ("Bs", 2),
        "CLP" => ("$", 0),
        "USD" => ("US$", 2),
        "ARS" | "COP" | "MXN" => ("$", 2),
        "EUR" => ("€", 2),
        other => (other, 2),
    }
}

/// `value` with `places` decimals, the reader's decimal mark and, if `grouped`, the
/// thousands separator that goes with it (`1,250.50` in Peru, `1.250,50` in Bolivia and Chile).
pub fn decimal_text(value: Decimal, places: u32, numbers: Numbers, grouped: bool) -> String {
    let rounded = value.round_dp_with_strategy(places, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    let mut fixed = rounded;
    fixed.rescale(places);
    let text = fixed.abs().to_string();
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let (mark, group) = (numbers.decimal_mark, numbers.grouping());
    let mut digits = String::new();
    for (i, c) in whole.chars().enumerate() {
        if grouped && i > 0 && (whole.len() - i) % 3 == 0 {
            digits.push(group);
        }
        digits.push(c);
    }
    let sign = if rounded.is_sign_negative() && !rounded.is_zero() { "-" } else { "" };
    if fraction.is_empty() { format!("{sign}{digits}") } else { format!("{sign}{digits}{mark}{fraction}") }
}

const MONTHS: [&str; 12] = [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
];

/// "enero 2025".
pub fn month_name(first_day: NaiveDate) -> String {
    format!("{} {}", MONTHS[first_day.month0() as usize], first_day.year())
}

/// "ene 2025": a month short enough for a chart's axis.
pub fn short_month(first_day: NaiveDate) -> String {
    format!("{} {}", &MONTHS[first_day.month0() as usize][..3], first_day.year())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A financial-sized document with `rows` open orders listed.
    fn big(rows: usize) -> Document {
        let date = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
        let line = |i: usize| {
            vec![
                Cell::Text(format!("ORD-2025-{i:05}")),
                Cell::Text(format!("Cliente con un nombre largo número {i}")),
                Cell::Date(date),
                Cell::Int(i as i64),
                Cell::Money(Decimal::new(15050, 2)),
                Cell::Money(Decimal::new(5000, 2)),
                Cell::Money(Decimal::new(10050, 2)),
            ]
        };
        Document {
            title: "Reporte financiero",
            studio: "Foto Ñandú".to_owned(),
            legal_lines: vec!["RUC 20123456789".to_owned()],
            currency: "PEN".to_owned(),
            numbers: Numbers::POINT,
            from: date,
            to: date,
            generated_at: chrono::Utc::now().with_timezone(&chrono_tz::America::Lima),
            summary: vec![("Ventas del período", Cell::Money(Decimal::new(123456789, 2)))],
            tables: vec![Table {
                sheet: "Pedidos con saldo",
                title: "Pedidos con saldo pendiente".to_owned(),
                headers: vec!["Pedido", "Cliente", "Fecha", "Días", "Total", "Pagado", "Saldo"],
                rows: (0..rows).map(line).collect(),
                total: None,
            }],
            chart: Some(Chart {
                title: "Ventas por mes".to_owned(),
                bars: (1..=60).map(|m| (format!("m{m}"), Decimal::from(m * 1000))).collect(),
                money: true,
            }),
        }
    }

    #[test]
    fn a_thousand_row_report_writes_in_every_format() {
        let doc = big(1000);
        let started = std::time::Instant::now();
        let pdf = pdf::write(&doc).unwrap();
        let pdf_time = started.elapsed();
        let started = std::time::Instant::now();
        let xlsx = xlsx::write(&doc).unwrap();
        let xlsx_time = started.elapsed();
        let csv = csv::write(&doc);
        assert!(pdf.starts_with(b"%PDF-") && xlsx.starts_with(b"PK") && csv.starts_with(b"\xEF\xBB\xBF"));
        if let Ok(path) = std::env::var("REPORT_BIG_PDF") {
            std::fs::write(path, &pdf).unwrap();
        }
        println!(
            "1000 rows: PDF {} KB in {pdf_time:?}, XLSX {} KB in {xlsx_time:?}, CSV {} KB",
            pdf.len() / 1024,
            xlsx.len() / 1024,
            csv.len() / 1024
        );
    }

    #[test]
    fn numbers_follow_the_locale() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(decimal_text(d("1250.5"), 2, Numbers::POINT, true), "1,250.50");
        assert_eq!(decimal_text(d("1250.5"), 2, Numbers::COMMA, true), "1.250,50");
        assert_eq!(decimal_text(d("1250.5"), 2, Numbers::COMMA, false), "1250,50");
        assert_eq!(decimal_text(d("-1234567.456"), 0, Numbers::COMMA, true), "-1.234.567");
        assert_eq!(decimal_text(d("-0.001"), 2, Numbers::POINT, true), "0.00");
        assert_eq!(decimal_text(d("999"), 2, Numbers::POINT, true), "999.00");
    }
}
