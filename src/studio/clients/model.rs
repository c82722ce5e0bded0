//! A client as the API shows it, the input that creates or replaces one, and the list filter.

use chrono::{DateTime, Utc};
use poem_openapi::{Enum, Object};
use uuid::Uuid;

use crate::audit::Audited;
use crate::http::ApiResult;
use crate::http::fields::Checks;
use crate::http::responses::Located;
use crate::studio::tax_id::{TaxId, TaxIdType};

/// A person or a school.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, serde::Serialize, sqlx::Type)]
#[oai(rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
#[sqlx(type_name = "text", rename_all = "snake_case")]
pub enum ClientKind {
    Individual,
    School,
}

/// A client of the studio.
#[derive(Debug, Clone, Object, serde::Serialize, sqlx::FromRow)]
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

impl Audited for Client {
    const ENTITY: &'static str = "client";

    fn audit_id(&self) -> Uuid {
        self.id
    }
}

impl Located for Client {
    fn location(&self) -> String {
        format!("/api/clients/{}", self.id)
    }
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

/// A client whose fields passed every rule (made by [`ClientInput::validate`]).
#[derive(Debug, Clone)]
pub struct ValidClient {
    pub kind: ClientKind,
    pub name: String,
    pub tax_id: Option<TaxId>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub notes: Option<String>,
    pub contact_name: Option<String>,
    pub contact_role: Option<String>,
}

impl ClientInput {
    /// Checks every field and names each that fails.
    pub fn validate(&self) -> ApiResult<ValidClient> {
        let mut checks = Checks::new();
        let name = checks.required("name", &self.name, 200);
        let number = self.tax_id_number.as_deref().map(str::trim).filter(|n| !n.is_empty());
        let tax_id = match (self.tax_id_type, number) {
            (None, None) => None,
            (Some(kind), Some(number)) => {
                TaxId::parse(kind, number).map_err(|e| checks.fail("tax_id_number", e.to_string())).ok()
            }
            (Some(_), None) => checks.failed("tax_id_number", "is required when tax_id_type is given"),
            (None, Some(_)) => checks.failed("tax_id_type", "is required when tax_id_number is given"),
        };
        let email = checks.email("email", self.email.as_deref());
        let phone = checks.phone("phone", self.phone.as_deref());
        let address = checks.optional("address", self.address.as_deref(), 300);
        let notes = checks.optional("notes", self.notes.as_deref(), 2000);
        let contact_name = checks.optional("contact_name", self.contact_name.as_deref(), 120);
        let contact_role = checks.optional("contact_role", self.contact_role.as_deref(), 80);
        if self.kind == ClientKind::Individual {
            for (field, value) in [("contact_name", &contact_name), ("contact_role", &contact_role)] {
                if value.is_some() {
                    checks.fail(field, "only schools have a contact person");
                }
            }
        }
        checks.finish()?;
        Ok(ValidClient { kind: self.kind, name, tax_id, email, phone, address, notes, contact_name, contact_role })
    }
}

/// Filters of the client list.
#[derive(Debug, Default, Clone)]
pub struct ClientFilter {
    pub kind: Option<ClientKind>,
    /// Matches name, tax id, email and phone.
    pub search: Option<String>,
}

/// The records that keep a client from being deleted.
#[derive(Debug, Clone, Copy, sqlx::FromRow)]
pub struct Holders {
    pub contracts: i64,
    pub orders: i64,
}

impl Holders {
    pub fn any(&self) -> bool {
        self.contracts > 0 || self.orders > 0
    }

    /// "2 contracts and 3 orders", "1 order".
    pub fn describe(&self) -> String {
        let count = |n: i64, one: &str| match n {
            1 => format!("1 {one}"),
            n => format!("{n} {one}s"),
        };
        let parts: Vec<String> = [(self.contracts, "contract"), (self.orders, "order")]
            .into_iter()
            .filter(|(n, _)| *n > 0)
            .map(|(n, one)| count(n, one))
            .collect();
        parts.join(" and ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::ApiError;

    fn input() -> ClientInput {
        ClientInput {
            kind: ClientKind::Individual,
            name: "Ana Quispe".to_owned(),
            tax_id_type: Some(TaxIdType::Dni),
            tax_id_number: Some("45678912".to_owned()),
            email: Some("Ana@Correo.pe".to_owned()),
            phone: Some("+51 987 654 321".to_owned()),
            address: None,
            notes: None,
            contact_name: None,
            contact_role: None,
        }
    }

    type Spoil = Box<dyn Fn(&mut ClientInput)>;

    fn failing_fields(input: &ClientInput) -> Vec<String> {
        match input.validate() {
            Err(ApiError::Validation(errors)) => errors.into_iter().map(|e| e.field).collect(),
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn a_valid_client_is_normalised() {
        let valid = input().validate().unwrap();
        assert_eq!(valid.email.as_deref(), Some("ana@correo.pe"));
        assert_eq!(valid.tax_id.unwrap().number(), "45678912");
    }

    #[test]
    fn each_bad_field_is_named() {
        let cases: Vec<(&str, Spoil)> = vec![
            ("name", Box::new(|i| i.name = "  ".into())),
            ("tax_id_number", Box::new(|i| i.tax_id_number = Some("123".into()))),
            ("tax_id_number", Box::new(|i| i.tax_id_number = None)),
            ("tax_id_type", Box::new(|i| i.tax_id_type = None)),
            ("email", Box::new(|i| i.email = Some("ana.correo.pe".into()))),
            ("phone", Box::new(|i| i.phone = Some("call me".into()))),
            ("address", Box::new(|i| i.address = Some("x".repeat(301)))),
            ("contact_name", Box::new(|i| i.contact_name = Some("Director".into()))),
        ];
        for (field, spoil) in cases {
            let mut bad = input();
            spoil(&mut bad);
            assert_eq!(failing_fields(&bad), [field], "spoiling {field}");
        }
    }

    #[test]
    fn holders_are_counted_in_words() {
        let held = |contracts, orders| Holders { contracts, orders }.describe();
        assert_eq!(held(2, 3), "2 contracts and 3 orders");
        assert_eq!(held(1, 0), "1 contract");
        assert_eq!(held(0, 1), "1 order");
        assert!(!Holders { contracts: 0, orders: 0 }.any());
    }

    #[test]
    fn a_ruc_with_a_wrong_check_digit_is_refused() {
        let mut bad = input();
        bad.tax_id_type = Some(TaxIdType::Ruc);
        bad.tax_id_number = Some("20100070971".into());
        assert_eq!(failing_fields(&bad), ["tax_id_number"]);
    }
}
