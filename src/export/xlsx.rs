//! A document as an XLSX workbook (rust_xlsxwriter): a "Resumen" sheet with the studio, the
//! period and the headline figures, then one sheet per table. Every sheet has a bold header
//! row frozen in place and columns sized to their contents; cells are typed — amounts are
//! numbers in the currency's format (`"S/" #,##0.00`, `"Bs" #,##0.00`, `"$" #,##0`), dates
//! are dates, months are dates shown as `mmm yyyy`, percentages are fractions shown as
//! `0.00%` — so a spreadsheet sums and sorts them as they are.
//!
//! Amounts become IEEE doubles only here, in the cell: that is what an XLSX number is, and
//! every amount under 2^53 cents is exact in it.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

use super::{Cell, Document, currency_style, decimal_text};

/// The cell formats of a workbook, plain and bold (for headers and totals).
struct Formats {
    money: String,
}

impl Formats {
    fn new(currency: &str) -> Formats {
        let (symbol, places) = currency_style(currency);
        let decimals = if places == 0 { String::new() } else { format!(".{}", "0".repeat(places as usize)) };
        Formats { money: format!("\"{}\" #,##0{decimals}", symbol.replace('"', "")) }
    }

    /// The format of `cell`, bold if asked.
    fn of(&self, cell: &Cell, bold: bool) -> Format {
        let format = match cell {
            Cell::Money(_) => Format::new().set_num_format(&self.money),
            Cell::Quantity(_) => Format::new().set_num_format("#,##0.000"),
            Cell::Percent(_) => Format::new().set_num_format("0.00%"),
            Cell::Days(_) => Format::new().set_num_format("0.0"),
            Cell::Int(_) => Format::new().set_num_format("#,##0"),
            Cell::Date(_) => Format::new().set_num_format("dd/mm/yyyy"),
            Cell::Month(_) => Format::new().set_num_format("mmm yyyy"),
            Cell::Text(_) | Cell::Empty => Format::new(),
        };
        if bold { format.set_bold() } else { format }
    }
}

fn number(d: Decimal) -> f64 {
    d.to_f64().unwrap_or_default()
}

fn date(d: chrono::NaiveDate) -> Result<ExcelDateTime, XlsxError> {
    use chrono::Datelike;
    ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
}

/// About how many characters `cell` shows (to size its column).
fn shown_width(cell: &Cell, doc: &Document) -> usize {
    let (symbol, places) = currency_style(&doc.currency);
    match cell {
        Cell::Text(t) => t.chars().count(),
        Cell::Money(d) => decimal_text(*d, places, doc.numbers, true).len() + symbol.chars().count() + 1,
        Cell::Quantity(d) => decimal_text(*d, 3, doc.numbers, true).len(),
        Cell::Percent(d) | Cell::Days(d) => decimal_text(*d, 2, doc.numbers, true).len() + 1,
        Cell::Int(n) => n.to_string().len() + 1,
        Cell::Date(_) => 10,
        Cell::Month(_) => 9,
        Cell::Empty => 0,
    }
}

fn write_cell(sheet: &mut Worksheet, row: u32, col: u16, cell: &Cell, format: &Format) -> Result<(), XlsxError> {
    match cell {
        Cell::Text(t) => sheet.write_string_with_format(row, col, t, format)?,
        Cell::Int(n) => sheet.write_number_with_format(row, col, *n as f64, format)?,
        Cell::Money(d) | Cell::Quantity(d) | Cell::Days(d) => {
            sheet.write_number_with_format(row, col, number(*d), format)?
        }
        Cell::Percent(d) => sheet.write_number_with_format(row, col, number(*d / Decimal::ONE_HUNDRED), format)?,
        Cell::Date(d) | Cell::Month(d) => sheet.write_datetime_with_format(row, col, date(*d)?, format)?,
        Cell::Empty => sheet.write_blank(row, col, format)?,
    };
    Ok(())
}

/// One sheet: the bold header row, frozen, the rows, a bold total line, sized columns.
fn sheet(
    book: &mut Workbook,
    name: &str,
    headers: &[&str],
    rows: &[(Vec<Cell>, bool)],
    doc: &Document,
    formats: &Formats,
) -> Result<(), XlsxError> {
    let sheet = book.add_worksheet();
    sheet.set_name(name)?;
    let bold =
        Format::new().set_bold().set_background_color("#DDE7F0").set_border_bottom(rust_xlsxwriter::FormatBorder::Thin);
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for (col, header) in headers.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, *header, &bold)?;
    }
    for (index, (cells, is_total)) in rows.iter().enumerate() {
        for (col, cell) in cells.iter().enumerate() {
            write_cell(sheet, index as u32 + 1, col as u16, cell, &formats.of(cell, *is_total))?;
            if let Some(width) = widths.get_mut(col) {
                *width = (*width).max(shown_width(cell, doc));
            }
        }
    }
    for (col, width) in widths.iter().enumerate() {
        sheet.set_column_width(col as u16, (*width + 2).clamp(8, 60) as f64)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

/// The XLSX file of `doc`.
pub fn write(doc: &Document) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let title = format!("{} — {} ({})", doc.title, doc.studio, doc.period_text());
    book.set_properties(&DocProperties::new().set_title(&title).set_company(&doc.studio));
    let formats = Formats::new(&doc.currency);
    let text = |s: &str| Cell::Text(s.to_owned());
    let mut summary = vec![
        (vec![text("Estudio"), text(&doc.studio)], false),
        (vec![text("Reporte"), text(doc.title)], false),
        (vec![text("Desde"), Cell::Date(doc.from)], false),
        (vec![text("Hasta"), Cell::Date(doc.to)], false),
        (vec![text("Moneda"), text(&doc.currency)], false),
        (vec![text("Generado"), text(&doc.generated_at.format("%d/%m/%Y %H:%M").to_string())], false),
    ];
    summary.extend(doc.summary.iter().map(|(label, cell)| (vec![text(label), cell.clone()], false)));
    sheet(&mut book, "Resumen", &["Concepto", "Valor"], &summary, doc, &formats)?;
    for table in &doc.tables {
        let rows: Vec<(Vec<Cell>, bool)> = table
            .rows
            .iter()
            .map(|r| (r.clone(), false))
            .chain(table.total.iter().map(|t| (t.clone(), true)))
            .collect();
        sheet(&mut book, table.sheet, &table.headers, &rows, doc, &formats)?;
    }
    book.save_to_buffer()
}
