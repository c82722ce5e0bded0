//! The class list: a roster as a CSV file a school prints or a spreadsheet opens. UTF-8 with
//! a BOM (so Excel reads the accents right), comma-separated, one line per student with the
//! access code, and headers in the import's Spanish names so an edited list imports back.

use crate::studio::picture_days::roster::model::Student;

/// The header line: the import reads each of these (the access code column it ignores).
pub const HEADER: [&str; 8] =
    ["grado", "seccion", "codigo", "nombre", "apoderado", "telefono", "correo", "codigo_acceso"];

/// A cell that a spreadsheet would run as a formula (`=`, `@`, or `+`/`-` not starting a
/// number) gets a leading `'`, which spreadsheets show as text; the import drops it again.
pub use crate::export::csv::defuse;

/// The inverse of [`defuse`] for a cell read back from a file.
pub fn restore(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if defuse(rest).starts_with('\'') => rest,
        _ => cell,
    }
}

/// The CSV file of `students`, in the order given.
pub fn class_list(students: &[Student]) -> Vec<u8> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(&mut out);
        // Writing to memory cannot fail.
        let _ = writer.write_record(HEADER);
        for s in students {
            let optional = |v: &Option<String>| defuse(v.as_deref().unwrap_or(""));
            let _ = writer.write_record([
                defuse(&s.grade),
                optional(&s.section),
                s.student_id.clone(),
                defuse(&s.name),
                optional(&s.guardian_name),
                optional(&s.guardian_phone),
                optional(&s.guardian_email),
                s.access_code.clone(),
            ]);
        }
        let _ = writer.flush();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_defused_and_restored_but_phones_stay() {
        for (cell, shown) in [("=1+1", "'=1+1"), ("@SUM(A1)", "'@SUM(A1)"), ("-cmd", "'-cmd"), ("+51 987", "+51 987")] {
            assert_eq!(defuse(cell), shown);
            assert_eq!(restore(&defuse(cell)), cell);
        }
        assert_eq!(restore("'Ana"), "'Ana", "an apostrophe before plain text is the text's own");
    }
}
