//! A roster file read into rows of text cells, whatever it was: CSV (UTF-8 with or without
//! BOM, else Latin-1 / Windows-1252 as Excel writes it; comma, semicolon or tab, told by the
//! header line) or XLSX (its first sheet). Nothing here knows what the columns mean
//! ([`super::columns`] does); this only turns bytes into lines and cells, bounded in size.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{DataRef, Reader, Xlsx};

use crate::http::{ApiError, ApiResult};

/// The largest roster file taken (413 beyond).
pub const MAX_BYTES: usize = 2 * 1024 * 1024;
/// The most students one file may hold (422 beyond).
pub const MAX_ROWS: usize = 5_000;
/// An XLSX is a zip: what it may unpack to, so a small file cannot fill the memory.
const MAX_UNPACKED_BYTES: u64 = 64 * 1024 * 1024;
/// Columns far right of any roster (notes, formulas) are not read.
const MAX_COLUMNS: u32 = 64;

/// One non-blank line of the file: its line number as the person sees it (the spreadsheet's
/// row number, or the CSV line where the record starts) and its cells, trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub line: u64,
    pub cells: Vec<String>,
    /// Cells that could not be read as text (an Excel error such as `#N/A`, a date), by
    /// index, with why.
    pub unreadable: Vec<(usize, String)>,
}

/// 422 on `file`.
fn bad_file(message: impl Into<String>) -> ApiError {
    ApiError::invalid("file", message)
}

fn too_many_rows() -> ApiError {
    bad_file(format!("a roster file holds at most {MAX_ROWS} students; split it"))
}

/// The file's non-blank rows, the header first.
pub fn read(bytes: &[u8]) -> ApiResult<Vec<Row>> {
    if bytes.len() > MAX_BYTES {
        return Err(ApiError::PayloadTooLarge(format!("a roster file is at most {MAX_BYTES} bytes")));
    }
    let rows = match bytes {
        [b'P', b'K', 3, 4, ..] => read_xlsx(bytes)?,
        [0xD0, 0xCF, 0x11, 0xE0, ..] => {
            return Err(bad_file("an Excel 97-2003 (.xls) file: save it as .xlsx or as CSV"));
        }
        _ => read_csv(bytes)?,
    };
    match rows.len() {
        0 => Err(bad_file("the file is empty")),
        1 => Err(bad_file("the file has a header line but no students")),
        n if n > MAX_ROWS + 1 => Err(too_many_rows()),
        _ => Ok(rows),
    }
}

/// The text of a CSV file: UTF-8 (a BOM dropped) when it is valid UTF-8, else Windows-1252,
/// the Latin-1 superset spreadsheets write on Windows.
fn decode(bytes: &[u8]) -> Cow<'_, str> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes).0,
    }
}

/// The separator of a CSV file: whichever of `,` `;` and tab the header line holds most of
/// outside quotes (a comma when none).
fn separator(text: &str) -> u8 {
    let header = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let mut counts = [(b',', 0), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for b in header.bytes() {
        match b {
            b'"' => quoted = !quoted,
            _ if !quoted => counts.iter_mut().filter(|(s, _)| *s == b).for_each(|(_, n)| *n += 1),
            _ => {}
        }
    }
    // The first of the highest: a comma wins a tie.
    counts.iter().fold((b',', 0), |best, &(s, n)| if n > best.1 { (s, n) } else { best }).0
}

/// The line a record starts on. The reader places a record after blank lines at the first
/// of them; the person counts from the record's own first line.
fn first_line(text: &str, position: &csv::Position) -> u64 {
    let rest = text.as_bytes().get(position.byte() as usize..).unwrap_or_default();
    let blank = rest.iter().take_while(|b| matches!(b, b'\r' | b'\n')).filter(|b| **b == b'\n').count();
    position.line() + blank as u64
}

fn read_csv(bytes: &[u8]) -> ApiResult<Vec<Row>> {
    let text = decode(bytes);
    if text.chars().any(|c| c.is_control() && !matches!(c, '\t' | '\r' | '\n')) {
        return Err(bad_file("not a CSV or XLSX file: it holds binary data"));
    }
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(separator(&text))
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map(|p| p.line()).unwrap_or(0);
            ApiError::invalid(format!("line {line}"), "the line is not valid CSV (an unclosed quote?)")
        })?;
        if record.iter().all(str::is_empty) {
            continue;
        }
        if rows.len() > MAX_ROWS {
            return Err(too_many_rows());
        }
        let line = record.position().map_or(0, |p| first_line(&text, p));
        rows.push(Row { line, cells: record.iter().map(str::to_owned).collect(), unreadable: Vec::new() });
    }
    Ok(rows)
}

/// Refuses a zip that declares more than [`MAX_UNPACKED_BYTES`] of content.
fn check_unpacked_size(bytes: &[u8]) -> ApiResult<()> {
    let unreadable = || bad_file("not a readable XLSX file");
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| unreadable())?;
    let mut total = 0u64;
    for i in 0..archive.len() {
        total = total.saturating_add(archive.by_index_raw(i).map_err(|_| unreadable())?.size());
    }
    if total > MAX_UNPACKED_BYTES {
        return Err(bad_file("the XLSX file unpacks to more than 64 MiB; a roster is far smaller"));
    }
    Ok(())
}

/// The cell as text, or why it cannot be. Whole numbers lose the `.0` a spreadsheet gives
/// them (student ids and phones typed as numbers).
fn cell_text(value: &DataRef<'_>) -> Result<String, String> {
    match value {
        DataRef::String(s) => Ok(s.trim().to_owned()),
        DataRef::SharedString(s) => Ok(s.trim().to_owned()),
        DataRef::Int(n) => Ok(n.to_string()),
        DataRef::Float(x) if x.fract() == 0.0 && x.abs() < 1e15 => Ok(format!("{x:.0}")),
        DataRef::Float(x) => Ok(x.to_string()),
        DataRef::Bool(b) => Ok(b.to_string()),
        DataRef::Empty => Ok(String::new()),
        DataRef::Error(e) => Err(format!("the cell holds the spreadsheet error {e}")),
        DataRef::DateTime(_) | DataRef::DateTimeIso(_) | DataRef::DurationIso(_) => {
            Err("the cell holds a date or time; format the column as text".to_owned())
        }
    }
}

/// The first sheet of an XLSX file, read cell by cell (calamine's whole-sheet read sizes its
/// grid from the cells' positions, which a crafted file can make astronomic).
fn read_xlsx(bytes: &[u8]) -> ApiResult<Vec<Row>> {
    check_unpacked_size(bytes)?;
    let unreadable = |_| bad_file("not a readable XLSX file");
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(unreadable)?;
    let sheet = workbook.sheet_names().first().cloned().ok_or_else(|| bad_file("the XLSX file has no sheet"))?;
    let mut cells = workbook.worksheet_cells_reader(&sheet).map_err(unreadable)?;
    // row → (column → text or why not)
    let mut grid: BTreeMap<u32, BTreeMap<u32, Result<String, String>>> = BTreeMap::new();
    while let Some(cell) = cells.next_cell().map_err(unreadable)? {
        let (row, column) = cell.get_position();
        let text = cell_text(cell.get_value());
        if column >= MAX_COLUMNS || text.as_ref().is_ok_and(String::is_empty) {
            continue;
        }
        if grid.len() > MAX_ROWS && !grid.contains_key(&row) {
            return Err(too_many_rows());
        }
        grid.entry(row).or_default().insert(column, text);
    }
    Ok(grid
        .into_iter()
        .map(|(row, by_column)| {
            let width = by_column.keys().last().map_or(0, |c| *c as usize + 1);
            let mut cells = vec![String::new(); width];
            let mut unreadable = Vec::new();
            for (column, text) in by_column {
                match text {
                    Ok(text) => cells[column as usize] = text,
                    Err(why) => unreadable.push((column as usize, why)),
                }
            }
            Row { line: row as u64 + 1, cells, unreadable }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(rows: &[Row]) -> Vec<Vec<&str>> {
        rows.iter().map(|r| r.cells.iter().map(String::as_str).collect()).collect()
    }

    #[test]
    fn the_separator_is_read_from_the_header_line() {
        assert_eq!(separator("codigo;nombre;grado\n1,2;x;y"), b';');
        assert_eq!(separator("codigo,nombre,grado"), b',');
        assert_eq!(separator("\"a;b\",c\n"), b',', "separators inside quotes do not count");
        assert_eq!(separator("codigo\tnombre"), b'\t');
        assert_eq!(separator("nombre"), b',');
    }

    #[test]
    fn latin1_and_utf8_with_bom_read_the_same() {
        let utf8 = "\u{FEFF}nombre;grado\r\nMaría Peña;5to\r\n";
        let latin1: Vec<u8> = utf8.trim_start_matches('\u{FEFF}').chars().map(|c| c as u8).collect();
        let a = read(utf8.as_bytes()).unwrap();
        let b = read(&latin1).unwrap();
        assert_eq!(cells(&a), [vec!["nombre", "grado"], vec!["María Peña", "5to"]]);
        assert_eq!(a, b);
    }

    #[test]
    fn lines_are_counted_as_the_file_has_them_and_blank_ones_skipped() {
        let rows = read(b"nombre,grado\n\n\"Ana\nMaria\",5to\n,,\nLuis,6to\n").unwrap();
        let lines: Vec<u64> = rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, [1, 3, 6]);
    }

    #[test]
    fn far_flung_spreadsheet_cells_cost_nothing_and_far_right_ones_are_not_read() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        for (col, text) in ["codigo", "nombre", "grado"].iter().enumerate() {
            sheet.write_string(0, col as u16, *text).unwrap();
        }
        sheet.write_number(1, 0, 20260001.0).unwrap();
        sheet.write_string(1, 1, "Ana").unwrap();
        sheet.write_number(1, 2, 5.0).unwrap();
        // A whole-sheet read would size a grid from A1 to XFD1048576 here.
        sheet.write_string(1_048_575, 16_383, "far away").unwrap();
        sheet.write_string(1_000, 0, "Z9").unwrap();
        let rows = read(&book.save_to_buffer().unwrap()).unwrap();
        assert_eq!(cells(&rows), [vec!["codigo", "nombre", "grado"], vec!["20260001", "Ana", "5"], vec!["Z9"]]);
        assert_eq!(rows[2].line, 1_001);
    }

    #[test]
    fn junk_empty_and_header_only_files_are_refused_on_file() {
        for bytes in [&b"\x00\x01\x02garbage\xff"[..], b"", b"  \n\n", b"nombre;grado\n", b"PK\x03\x04junk"] {
            let Err(ApiError::Validation(errors)) = read(bytes) else { panic!("{bytes:?} refused") };
            assert_eq!(errors[0].field, "file", "{bytes:?}");
        }
        assert!(matches!(read(&vec![b'a'; MAX_BYTES + 1]), Err(ApiError::PayloadTooLarge(_))));
    }
}
