//! A roster's student as the API shows it, the fields that make or change one (typed by
//! staff or read from a file), and the list's filters.

use chrono::{DateTime, Utc};
use poem_openapi::{Enum, Object};
use uuid::Uuid;

use crate::audit::Audited;
use crate::http::ApiResult;
use crate::http::fields::Checks;

/// A student of a contract's roster.
#[derive(Debug, Clone, Object, serde::Serialize, sqlx::FromRow)]
pub struct Student {
    pub id: Uuid,
    pub contract_id: Uuid,
    /// The school's own code for the student: unique in the roster, what re-imports match on
    /// and what the roster's routes name (`/roster/{student_id}`).
    pub student_id: String,
    pub name: String,
    /// The grade (grado): `5to`, `Inicial 4 años`, ...
    pub grade: String,
    /// The class or section (sección): `A`, `Azul`, ...
    pub section: Option<String>,
    pub guardian_name: Option<String>,
    pub guardian_phone: Option<String>,
    pub guardian_email: Option<String>,
    /// What the family types to order: 8 characters of `23456789ABCDEFGHJKLMNPQRSTUVWXYZ`.
    pub access_code: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Audited for Student {
    const ENTITY: &'static str = "roster_student";

    fn audit_id(&self) -> Uuid {
        self.id
    }
}

/// A student's fields, as staff send them (`POST /roster`, `PUT /roster/{student_id}`) or as
/// a roster file's row reads.
#[derive(Debug, Clone, Default, Object)]
pub struct StudentInput {
    /// 1–40 characters: letters, digits, `.`, `_`, `-`.
    pub student_id: String,
    /// 1–200 characters.
    pub name: String,
    /// 1–40 characters.
    pub grade: String,
    /// Up to 40 characters.
    pub section: Option<String>,
    /// Up to 200 characters.
    pub guardian_name: Option<String>,
    /// Digits, spaces and `+ - ( ) .`.
    pub guardian_phone: Option<String>,
    pub guardian_email: Option<String>,
}

/// A student's fields after every rule passed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidStudent {
    pub student_id: String,
    pub name: String,
    pub grade: String,
    pub section: Option<String>,
    pub guardian_name: Option<String>,
    pub guardian_phone: Option<String>,
    pub guardian_email: Option<String>,
}

/// Whether `id` can be a student id: 1–40 of letters, digits, `.`, `_`, `-` (it is part of
/// the roster's URLs).
fn is_student_id(id: &str) -> bool {
    (1..=40).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b".-_".contains(&b))
}

impl StudentInput {
    /// Checks every field and names each that fails.
    pub fn validate(&self) -> ApiResult<ValidStudent> {
        let mut checks = Checks::new();
        let student_id = checks.required("student_id", &self.student_id, 40);
        if !student_id.is_empty() && !is_student_id(&student_id) {
            checks.fail("student_id", "may hold only letters, digits, '.', '_' and '-'");
        }
        let name = collapse_spaces(&checks.required("name", &self.name, 200));
        let grade = checks.required("grade", &self.grade, 40);
        let valid = ValidStudent {
            student_id,
            name,
            grade,
            section: checks.optional("section", self.section.as_deref(), 40),
            guardian_name: checks.optional("guardian_name", self.guardian_name.as_deref(), 200),
            guardian_phone: checks.phone("guardian_phone", self.guardian_phone.as_deref()),
            guardian_email: checks.email("guardian_email", self.guardian_email.as_deref()),
        };
        if valid.name.chars().any(char::is_control) {
            checks.fail("name", "must not contain control characters");
        }
        checks.finish()?;
        Ok(valid)
    }
}

/// `Quispe   Mamani,  Ana` → `Quispe Mamani, Ana`: lists pasted from spreadsheets carry
/// stray spaces that would make two spellings of one name.
fn collapse_spaces(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Filters of the roster list (and of its CSV class list).
#[derive(Debug, Default, Clone)]
pub struct RosterFilter {
    pub grade: Option<String>,
    pub section: Option<String>,
    /// Matches name, student id and access code.
    pub search: Option<String>,
}

/// How the roster is answered: a JSON page, or the whole class list as a CSV file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum RosterFormat {
    Json,
    Csv,
}

/// What an import did.
#[derive(Debug, Clone, Object, serde::Serialize)]
pub struct ImportReport {
    /// Rows read from the file (blank rows are skipped).
    pub rows: i64,
    /// Students added (each with a new access code).
    pub created: i64,
    /// Students already on the roster (same student id) whose fields changed; their access
    /// codes stay.
    pub updated: i64,
    /// Students already on the roster exactly as the file has them.
    pub unchanged: i64,
    /// Students on the roster after the import (re-imports never remove anyone).
    pub students: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> StudentInput {
        StudentInput {
            student_id: "2026-0042".into(),
            name: " Quispe  Mamani, Ana ".into(),
            grade: "5to".into(),
            section: Some("A".into()),
            guardian_phone: Some("+51 987 654 321".into()),
            guardian_email: Some("Rosa@Correo.PE".into()),
            ..StudentInput::default()
        }
    }

    #[test]
    fn a_valid_student_is_tidied() {
        let valid = input().validate().unwrap();
        assert_eq!(valid.name, "Quispe Mamani, Ana");
        assert_eq!(valid.guardian_email.as_deref(), Some("rosa@correo.pe"));
        assert_eq!(valid.guardian_name, None);
    }

    #[test]
    fn every_bad_field_is_named() {
        let bad = StudentInput {
            student_id: "12/34".into(),
            name: " ".into(),
            grade: String::new(),
            guardian_phone: Some("llamar".into()),
            guardian_email: Some("rosa-at-correo".into()),
            ..input()
        };
        let Err(crate::http::ApiError::Validation(errors)) = bad.validate() else { panic!("expected 422") };
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["student_id", "name", "grade", "guardian_phone", "guardian_email"]);
    }
}
