//! Field rules shared by every module's validation: trimmed text with a length bound, email,
//! phone. A [`Checks`] collects every offending field so one 422 names them all.

use crate::http::error::{ApiError, ApiResult, FieldError};

/// Collects field errors while a module validates its input.
#[derive(Debug, Default)]
pub struct Checks {
    errors: Vec<FieldError>,
}

impl Checks {
    pub fn new() -> Checks {
        Checks::default()
    }

    pub fn fail(&mut self, field: &str, message: impl Into<String>) {
        self.errors.push(FieldError::new(field, message));
    }

    /// Records a failure and gives no value (for a `match` arm that must yield one).
    pub fn failed<T>(&mut self, field: &str, message: impl Into<String>) -> Option<T> {
        self.fail(field, message);
        None
    }

    /// A required text: trimmed, 1..=max characters.
    pub fn required(&mut self, field: &str, value: &str, max: usize) -> String {
        let value = value.trim();
        if value.is_empty() {
            self.fail(field, "is required");
        } else if value.chars().count() > max {
            self.fail(field, format!("must be at most {max} characters"));
        }
        value.to_owned()
    }

    /// An optional text: trimmed; empty becomes `None`; at most `max` characters.
    pub fn optional(&mut self, field: &str, value: Option<&str>, max: usize) -> Option<String> {
        let value = value.map(str::trim).filter(|v| !v.is_empty())?;
        if value.chars().count() > max {
            self.fail(field, format!("must be at most {max} characters"));
        }
        if value.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
            self.fail(field, "must not contain control characters");
        }
        Some(value.to_owned())
    }

    /// An optional email address, lower-cased.
    pub fn email(&mut self, field: &str, value: Option<&str>) -> Option<String> {
        let value = value.map(str::trim).filter(|v| !v.is_empty())?;
        if !looks_like_email(value) {
            self.fail(field, "is not a valid email address");
        }
        Some(value.to_lowercase())
    }

    /// An optional phone number: 6–30 characters of digits, spaces and `+ - ( ) .`, with at
    /// least 6 digits.
    pub fn phone(&mut self, field: &str, value: Option<&str>) -> Option<String> {
        let value = value.map(str::trim).filter(|v| !v.is_empty())?;
        let allowed = value.chars().all(|c| c.is_ascii_digit() || " +-().".contains(c));
        let digits = value.chars().filter(char::is_ascii_digit).count();
        if !allowed || !(6..=30).contains(&value.len()) || digits < 6 {
            self.fail(field, "must be a phone number: digits, spaces and + - ( ) .");
        }
        Some(value.to_owned())
    }

    /// Ok if nothing failed, else a 422 naming every field.
    pub fn finish(self) -> ApiResult<()> {
        if self.errors.is_empty() { Ok(()) } else { Err(ApiError::Validation(self.errors)) }
    }
}

/// A plausible email address: one `@`, a non-empty local part, a dotted domain, no spaces.
/// (Deliverability is not ours to prove; typos like a missing `@` or domain are.)
pub fn looks_like_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && s.len() <= 254
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_shape() {
        assert!(looks_like_email("ana@estudio.pe"));
        for bad in ["ana", "ana@", "@estudio.pe", "ana@estudio", "ana @estudio.pe", "a@b@c.pe", "ana@.pe"] {
            assert!(!looks_like_email(bad), "{bad}");
        }
    }

    #[test]
    fn checks_collect_every_failing_field() {
        let mut c = Checks::new();
        c.required("name", "  ", 10);
        c.phone("phone", Some("abc"));
        c.email("email", Some("nope"));
        assert_eq!(c.optional("notes", Some("   "), 5), None);
        let Err(ApiError::Validation(errors)) = c.finish() else { panic!("expected 422") };
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "phone", "email"]);
    }
}
