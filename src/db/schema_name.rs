//! A tenant schema's name: the only identifier that ever reaches SQL text from the outside.
//! It is validated when made and always written quoted.

use std::fmt;
use std::sync::Arc;

/// `t_<slug with - → _>`, validated; cheap to clone and compare (one shared string).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct SchemaName(Arc<str>);

impl SchemaName {
    /// Accepts only `t_` followed by 3–63 characters of `[a-z0-9_]`, starting with a letter.
    pub fn parse(name: &str) -> Option<SchemaName> {
        let rest = name.strip_prefix("t_")?;
        let ok = (3..=61).contains(&rest.len())
            && rest.starts_with(|c: char| c.is_ascii_lowercase())
            && rest.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        ok.then(|| SchemaName(Arc::from(name)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The name as a quoted SQL identifier. Validation already excludes quotes; quoting
    /// anyway means no keyword or future rule change can turn it into SQL.
    pub fn quoted(&self) -> String {
        format!("\"{}\"", self.0)
    }

    /// The search_path of a tenant: its schema, then the shared extensions, never `public`,
    /// so a missing tenant table can never resolve to a shared one.
    pub fn search_path(&self) -> String {
        format!("{}, extensions", self.quoted())
    }
}

/// Decoding a stored name (`#[sqlx(try_from = "String")]`): a corrupt one is an error.
impl TryFrom<String> for SchemaName {
    type Error = String;

    fn try_from(name: String) -> Result<SchemaName, String> {
        SchemaName::parse(&name).ok_or_else(|| format!("{name:?} is not a tenant schema name"))
    }
}

impl fmt::Debug for SchemaName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Display for SchemaName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::SchemaName;

    #[test]
    fn accepts_tenant_schema_names() {
        for ok in ["t_acme", "t_foto_lima_2", "t_abc"] {
            assert!(SchemaName::parse(ok).is_some(), "{ok} should be accepted");
        }
    }

    #[test]
    fn refuses_anything_that_could_escape_an_identifier() {
        for bad in ["acme", "t_", "t_ab", "t_Acme", "t_a\"b", "t_a;drop", "public", "t_1abc", "t_a-b"] {
            assert!(SchemaName::parse(bad).is_none(), "{bad} should be refused");
        }
    }

    #[test]
    fn search_path_is_quoted_and_excludes_public() {
        let s = SchemaName::parse("t_acme").unwrap();
        assert_eq!(s.search_path(), "\"t_acme\", extensions");
    }
}
