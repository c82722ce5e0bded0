//! A document as CSV (RFC 4180): UTF-8 with a BOM (so spreadsheets read the accents),
//! CRLF line ends, fields quoted where they must be, and every record as wide as the widest
//! table. Numbers are plain decimals with the reader's decimal mark and no grouping; where
//! that mark is a comma, columns are separated by `;`. Dates are ISO (`2025-01-31`), months
//! `2025-01`.
//!
//! The file reads top to bottom like the report: the studio, title and period, the summary
//! lines, then each table under its title, separated by empty records.

use super::{Cell, Document, decimal_text};

/// A cell that a spreadsheet would run as a formula (`=`, `@`, or `+`/`-` not starting a
/// number) gets a leading `'`, which spreadsheets show as text.
pub fn defuse(cell: &str) -> String {
    let mut chars = cell.chars();
    let risky = match chars.next() {
        Some('=' | '@') => true,
        Some('+' | '-') => !chars.next().is_some_and(|c| c.is_ascii_digit() || c == ' ' || c == '('),
        _ => false,
    };
    if risky { format!("'{cell}") } else { cell.to_owned() }
}

/// The text of one cell.
fn field(cell: &Cell, doc: &Document) -> String {
    let places = |p| move |d| decimal_text(d, p, doc.numbers, false);
    match cell {
        Cell::Text(text) => defuse(text),
        Cell::Int(n) => n.to_string(),
        Cell::Money(d) => places(2)(*d),
        Cell::Quantity(d) => places(3)(*d),
        Cell::Percent(d) => places(2)(*d),
        Cell::Days(d) => places(1)(*d),
        Cell::Date(date) => date.format("%Y-%m-%d").to_string(),
        Cell::Month(date) => date.format("%Y-%m").to_string(),
        Cell::Empty => String::new(),
    }
}

/// The CSV file of `doc`.
pub fn write(doc: &Document) -> Vec<u8> {
    let width = doc.tables.iter().map(|t| t.headers.len()).max().unwrap_or(2).max(2);
    let mut records: Vec<Vec<String>> = vec![
        vec![doc.studio.clone()],
        vec![doc.title.to_owned(), doc.period_text()],
        vec!["Moneda".to_owned(), doc.currency.clone()],
        Vec::new(),
    ];
    records.extend(doc.summary.iter().map(|(label, cell)| vec![(*label).to_owned(), field(cell, doc)]));
    for table in &doc.tables {
        records.push(Vec::new());
        records.push(vec![defuse(&table.title)]);
        records.push(table.headers.iter().map(|h| (*h).to_owned()).collect());
        for row in table.rows.iter().chain(table.total.iter()) {
            records.push(row.iter().map(|c| field(c, doc)).collect());
        }
    }
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut writer = csv::WriterBuilder::new()
            .delimiter(doc.numbers.separator() as u8)
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut out);
        for mut record in records {
            record.resize(width, String::new());
            // Writing to memory cannot fail.
            let _ = writer.write_record(&record);
        }
        let _ = writer.flush();
    }
    out
}
