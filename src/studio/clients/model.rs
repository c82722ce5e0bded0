//! A client as the API shows it, and the input that creates or replaces one.

use chrono::{DateTime, Utc};
use poem_openapi::{Enum, Object};
use uuid::Uuid;

use crate::studio::clients::tax_id::TaxIdType;

/// A person or a school.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, serde::Serialize)]
#[oai(rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum ClientKind {
    Individual,
    School,
}

impl ClientKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ClientKind::Individual => "individual",
            ClientKind::School => "school",
        }
    }

    pub fn parse(s: &str) -> Option<ClientKind> {
        match s {
            "individual" => Some(ClientKind::Individual),
            "school" => Some(ClientKind::School),
            _ => None,
        }
    }
}

/// A client of the studio.
#[derive(Debug, Clone, Object, serde::Serialize)]
pub struct Client {
    pub id: Uuid,
    pub kind: ClientKind,
    pub name: String,
    pub tax_id_type: Option<TaxIdType>,
    /// In canonical form (RUT as `12345678-5`, CI with its complement as `1234567-1E`).
    pub tax_id_number: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub notes: Option<String>,
    /// Schools only: the person to talk to.
    pub contact_name: Option<String>,
    /// Schools only: that person's role (director, promotor, ...).
    pub contact_role: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The fields of a client, as sent to create or replace one.
#[derive(Debug, Clone, Object)]
pub struct ClientInput {
    pub kind: ClientKind,
    /// 1–200 characters.
    pub name: String,
    /// With `tax_id_number`, or neither.
    pub tax_id_type: Option<TaxIdType>,
    /// Checked for the type: RUC 11 digits with check digit, DNI 8 digits, RUT with check
    /// digit, CI/NIT digits; passport and other free.
    pub tax_id_number: Option<String>,
    pub email: Option<String>,
    /// 6–30 characters of digits, spaces and `+ - ( ) .`.
    pub phone: Option<String>,
    /// Up to 300 characters.
    pub address: Option<String>,
    /// Up to 2000 characters.
    pub notes: Option<String>,
    /// Schools only.
    pub contact_name: Option<String>,
    /// Schools only.
    pub contact_role: Option<String>,
}

/// A client whose fields passed every rule (made by `service::validate`).
#[derive(Debug, Clone)]
pub struct ValidClient {
    pub kind: ClientKind,
    pub name: String,
    pub tax_id: Option<crate::studio::clients::tax_id::TaxId>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub notes: Option<String>,
    pub contact_name: Option<String>,
    pub contact_role: Option<String>,
}
