//! A studio's slug: its subdomain, its `X-Tenant` value, and the seed of its schema name.

use std::fmt;

use crate::db::SchemaName;

/// Names that route to the platform itself or are likely to some day.
pub const RESERVED: &[&str] = &[
    "www",
    "api",
    "admin",
    "app",
    "public",
    "platform",
    "static",
    "assets",
    "docs",
    "mail",
    "smtp",
    "imap",
    "ftp",
    "status",
    "health",
    "metrics",
    "auth",
    "login",
    "signup",
    "support",
    "help",
    "billing",
    "dashboard",
    "root",
    "system",
    "internal",
    "dev",
    "staging",
    "cdn",
    "ns1",
    "ns2",
    "blog",
    "extensions",
    "information-schema",
    "postgres",
    "template0",
    "template1",
    "operator",
    "operators",
    "tenant",
    "tenants",
];

/// `^[a-z][a-z0-9-]{1,38}[a-z0-9]$`, not reserved.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Slug(String);

/// Why a slug was refused, for the client.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SlugError {
    #[error("must be 3 to 40 characters long")]
    Length,
    #[error("must start with a lower-case letter")]
    Start,
    #[error("must end with a lower-case letter or a digit")]
    End,
    #[error("may contain only lower-case letters, digits and hyphens")]
    Characters,
    #[error("is reserved")]
    Reserved,
}

impl Slug {
    pub fn parse(input: &str) -> Result<Slug, SlugError> {
        if !(3..=40).contains(&input.len()) {
            return Err(SlugError::Length);
        }
        let bytes = input.as_bytes();
        if !bytes.iter().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-') {
            return Err(SlugError::Characters);
        }
        if !bytes[0].is_ascii_lowercase() {
            return Err(SlugError::Start);
        }
        if bytes[bytes.len() - 1] == b'-' {
            return Err(SlugError::End);
        }
        if RESERVED.contains(&input) || input.starts_with("pg-") {
            return Err(SlugError::Reserved);
        }
        Ok(Slug(input.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `t_` + the slug with `-` → `_`: derived once, stored in the catalog, never changed.
    pub fn schema_name(&self) -> SchemaName {
        SchemaName::parse(&format!("t_{}", self.0.replace('-', "_")))
            .expect("a valid slug always makes a valid schema name")
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Slug({})", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_studio_names() {
        for ok in ["acme", "foto-lima", "estudio-2024", "abc"] {
            assert!(Slug::parse(ok).is_ok(), "{ok} should be accepted");
        }
        assert_eq!(Slug::parse("foto-lima").unwrap().schema_name().as_str(), "t_foto_lima");
    }

    #[test]
    fn refuses_hostile_and_malformed_slugs() {
        let long = "a".repeat(41);
        let cases = [
            ("ab", SlugError::Length, "too short"),
            (long.as_str(), SlugError::Length, "too long"),
            ("Acme", SlugError::Characters, "upper case"),
            ("ac\"me", SlugError::Characters, "a quote"),
            ("acme;drop", SlugError::Characters, "a semicolon"),
            ("pg_catalog", SlugError::Characters, "an underscore"),
            ("pg-stat", SlugError::Reserved, "a pg- prefix"),
            ("1acme", SlugError::Start, "a leading digit"),
            ("-acme", SlugError::Start, "a leading hyphen"),
            ("acme-", SlugError::End, "a trailing hyphen"),
            ("www", SlugError::Reserved, "a reserved word"),
            ("acmé", SlugError::Characters, "a non-ASCII letter"),
        ];
        for (input, expected, why) in cases {
            assert_eq!(Slug::parse(input), Err(expected), "{why}: {input}");
        }
    }

    #[test]
    fn every_valid_slug_makes_a_valid_schema_name() {
        let max = format!("a{}", "b".repeat(39));
        assert!(Slug::parse(&max).unwrap().schema_name().as_str().len() <= 63);
    }
}
