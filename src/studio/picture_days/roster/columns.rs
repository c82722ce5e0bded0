//! What a roster file's columns mean: headers in Spanish or English, case- and
//! accent-insensitive, mapped to a student's fields; every row checked like a student typed
//! by hand, each failure named by line and column (`line 7, column guardian_phone`).

use std::collections::HashMap;

use crate::http::{ApiError, ApiResult, FieldError};
use crate::studio::picture_days::roster::export::restore;
use crate::studio::picture_days::roster::file::Row;
use crate::studio::picture_days::roster::model::{StudentInput, ValidStudent};

/// The fields a file must have a column for.
const REQUIRED: [&str; 3] = ["student_id", "name", "grade"];

/// The student's field each column fills (by its API name) and the headers that name it, as [`normalize`] leaves them; the first two are the
/// ones the README lists (Spanish, English).
pub const HEADERS: [(&str, &[&str]); 7] = [
    ("student_id", &["codigo", "student_id", "codigo_alumno", "codigo_estudiante", "student_code"]),
    (
        "name",
        &[
            "nombre",
            "name",
            "nombres",
            "alumno",
            "estudiante",
            "nombre_completo",
            "apellidos_y_nombres",
            "student_name",
        ],
    ),
    ("grade", &["grado", "grade"]),
    ("section", &["seccion", "class", "section", "aula", "salon"]),
    ("guardian_name", &["apoderado", "guardian_name", "guardian", "nombre_apoderado"]),
    ("guardian_phone", &["telefono", "guardian_phone", "phone", "celular", "telefono_apoderado"]),
    ("guardian_email", &["correo", "guardian_email", "email", "e_mail", "correo_electronico", "correo_apoderado"]),
];

/// At most this many errors are listed; the rest are counted.
const MAX_REPORTED: usize = 100;

/// `Teléfono del Apoderado ` → `telefono_del_apoderado`: lower case, accents dropped, every
/// run of other characters one `_`.
pub fn normalize(header: &str) -> String {
    let mut out = String::new();
    for c in header.trim().trim_start_matches('\u{FEFF}').chars().flat_map(char::to_lowercase) {
        let c = match c {
            'á' | 'à' | 'ä' | 'â' => 'a',
            'é' | 'è' | 'ë' | 'ê' => 'e',
            'í' | 'ì' | 'ï' | 'î' => 'i',
            'ó' | 'ò' | 'ö' | 'ô' => 'o',
            'ú' | 'ù' | 'ü' | 'û' => 'u',
            'ñ' => 'n',
            c => c,
        };
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
    }
    out.trim_end_matches('_').to_owned()
}

fn at(line: u64, column: &str) -> String {
    format!("line {line}, column {column}")
}

/// Which cell index holds each field, from the header row; every header problem at once.
fn map_header(header: &Row) -> Result<HashMap<&'static str, usize>, Vec<FieldError>> {
    let mut found: HashMap<&'static str, usize> = HashMap::new();
    let mut errors = Vec::new();
    for (index, text) in header.cells.iter().enumerate() {
        let name = normalize(text);
        let Some((field, _)) = HEADERS.iter().find(|(_, aliases)| aliases.contains(&name.as_str())) else {
            continue;
        };
        if let Some(&earlier) = found.get(field) {
            let message = format!("two columns are {field}: `{}` and `{text}`", header.cells[earlier]);
            errors.push(FieldError::new(at(header.line, field), message));
        } else {
            found.insert(field, index);
        }
    }
    for field in REQUIRED.iter().filter(|f| !found.contains_key(*f)) {
        let aliases = HEADERS.iter().find(|(f, _)| f == field).map(|(_, a)| a.join(", ")).unwrap_or_default();
        errors.push(FieldError::new(at(header.line, field), format!("the header has no such column ({aliases})")));
    }
    if errors.is_empty() { Ok(found) } else { Err(errors) }
}

/// A row's fields as a student's input, or the row's problems.
fn row_input(row: &Row, columns: &HashMap<&'static str, usize>, width: usize) -> Result<StudentInput, Vec<FieldError>> {
    let mut errors = Vec::new();
    for (index, why) in &row.unreadable {
        if let Some((field, _)) = columns.iter().find(|(_, i)| *i == index) {
            errors.push(FieldError::new(at(row.line, field), why.clone()));
        }
    }
    if let Some(index) = row.cells.iter().skip(width).position(|c| !c.is_empty()) {
        let message = "a value under no header (a separator inside an unquoted value?)";
        errors.push(FieldError::new(at(row.line, &(width + index + 1).to_string()), message));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let cell = |field: &str| columns.get(field).and_then(|i| row.cells.get(*i)).map_or("", |c| restore(c)).to_owned();
    let optional = |field: &str| Some(cell(field)).filter(|v| !v.is_empty());
    Ok(StudentInput {
        student_id: cell("student_id"),
        name: cell("name"),
        grade: cell("grade"),
        section: optional("section"),
        guardian_name: optional("guardian_name"),
        guardian_phone: optional("guardian_phone"),
        guardian_email: optional("guardian_email"),
    })
}

/// Every row of a roster file (the header first) as a valid student with its line; or a 422
/// naming the line and column of every problem, so nothing is imported from a file with
/// any bad row. A student id twice in one file is a problem of the later line.
pub fn students(rows: &[Row]) -> ApiResult<Vec<(u64, ValidStudent)>> {
    let (header, body) = rows.split_first().ok_or_else(|| ApiError::invalid("file", "the file is empty"))?;
    let columns = map_header(header).map_err(ApiError::Validation)?;
    let mut errors = Vec::new();
    let mut students = Vec::with_capacity(body.len());
    let mut lines_by_id: HashMap<String, u64> = HashMap::new();
    for row in body {
        let valid = row_input(row, &columns, header.cells.len()).and_then(|input| {
            input.validate().map_err(|e| match e {
                ApiError::Validation(fields) => {
                    fields.into_iter().map(|f| FieldError::new(at(row.line, &f.field), f.message)).collect()
                }
                other => vec![FieldError::new(format!("line {}", row.line), other.to_string())],
            })
        });
        match valid {
            Ok(student) => {
                if let Some(first) = lines_by_id.insert(student.student_id.clone(), row.line) {
                    let message = format!("the same student id as line {first}");
                    errors.push(FieldError::new(at(row.line, "student_id"), message));
                }
                students.push((row.line, student));
            }
            Err(row_errors) => errors.extend(row_errors),
        }
    }
    if errors.is_empty() {
        return Ok(students);
    }
    if errors.len() > MAX_REPORTED {
        let more = errors.len() - MAX_REPORTED;
        errors.truncate(MAX_REPORTED);
        errors.push(FieldError::new("file", format!("and {more} more problems not listed")));
    }
    Err(ApiError::Validation(errors))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(line: u64, cells: &[&str]) -> Row {
        Row { line, cells: cells.iter().map(|c| c.to_string()).collect(), unreadable: Vec::new() }
    }

    fn fields_of(result: ApiResult<Vec<(u64, ValidStudent)>>) -> Vec<String> {
        match result {
            Err(ApiError::Validation(errors)) => errors.into_iter().map(|e| e.field).collect(),
            other => panic!("expected 422, got {other:?}"),
        }
    }

    #[test]
    fn headers_are_read_in_either_language_whatever_the_case_and_accents() {
        assert_eq!(normalize(" Sección "), "seccion");
        assert_eq!(normalize("TELÉFONO"), "telefono");
        assert_eq!(normalize("Student ID"), "student_id");
        assert_eq!(normalize("\u{FEFF}Código"), "codigo");
        let header = row(1, &["Código", "NOMBRE", "Grado", "Class", "Guardian Email", "Notas"]);
        let columns = map_header(&header).unwrap();
        assert_eq!(columns["student_id"], 0);
        assert_eq!(columns["section"], 3);
        assert_eq!(columns["guardian_email"], 4);
        assert_eq!(columns.len(), 5, "unknown columns are ignored");
    }

    #[test]
    fn missing_and_doubled_columns_are_named_on_the_header_line() {
        let header = row(1, &["nombre", "name", "seccion"]);
        assert_eq!(
            fields_of(students(&[header, row(2, &["Ana", "Ana", "A"])])),
            ["line 1, column name", "line 1, column student_id", "line 1, column grade"]
        );
    }

    #[test]
    fn bad_rows_are_named_by_line_and_column_and_nothing_passes() {
        let rows = [
            row(1, &["codigo", "nombre", "grado", "telefono"]),
            row(2, &["A1", "Ana", "5to", "987654321"]),
            row(4, &["A2", "Luis", "5to", "llamar"]),
            row(5, &["A1", "Rosa", "", ""]),
            row(6, &["A3", "Juan", "5to", "", "Pérez"]),
        ];
        assert_eq!(
            fields_of(students(&rows)),
            ["line 4, column guardian_phone", "line 5, column grade", "line 6, column 5"]
        );
        let ok = students(&rows[..2]).unwrap();
        assert_eq!(ok[0].0, 2);
        assert_eq!(ok[0].1.guardian_phone.as_deref(), Some("987654321"));
    }

    #[test]
    fn a_student_id_twice_is_refused_on_the_later_line() {
        let rows =
            [row(1, &["codigo", "nombre", "grado"]), row(2, &["A1", "Ana", "5to"]), row(3, &["A1", "Eva", "5to"])];
        assert_eq!(fields_of(students(&rows)), ["line 3, column student_id"]);
    }
}
