//! The rules of clients: what a valid client is, and the unit of work of each action.

use uuid::Uuid;

use crate::db::TenantDb;
use crate::http::{ApiError, ApiResult};
use crate::studio::audit::{self, AuditContext, Entry};
use crate::studio::clients::model::{Client, ClientInput, ClientKind, ValidClient};
use crate::studio::clients::repo::{self, ClientFilter};
use crate::studio::clients::tax_id::TaxId;
use crate::studio::fields::Checks;

/// Checks every field and names each that fails.
pub fn validate(input: &ClientInput) -> ApiResult<ValidClient> {
    let mut checks = Checks::new();
    let name = checks.required("name", &input.name, 200);
    let number = input.tax_id_number.as_deref().map(str::trim).filter(|n| !n.is_empty());
    let tax_id = match (input.tax_id_type, number) {
        (None, None) => None,
        (Some(kind), Some(number)) => match TaxId::parse(kind, number) {
            Ok(tax_id) => Some(tax_id),
            Err(e) => {
                checks.fail("tax_id_number", e.to_string());
                None
            }
        },
        (Some(_), None) => {
            checks.fail("tax_id_number", "is required when tax_id_type is given");
            None
        }
        (None, Some(_)) => {
            checks.fail("tax_id_type", "is required when tax_id_number is given");
            None
        }
    };
    let email = checks.email("email", input.email.as_deref());
    let phone = checks.phone("phone", input.phone.as_deref());
    let address = checks.optional("address", input.address.as_deref(), 300);
    let notes = checks.optional("notes", input.notes.as_deref(), 2000);
    let contact_name = checks.optional("contact_name", input.contact_name.as_deref(), 120);
    let contact_role = checks.optional("contact_role", input.contact_role.as_deref(), 80);
    if input.kind == ClientKind::Individual {
        if contact_name.is_some() {
            checks.fail("contact_name", "only schools have a contact person");
        }
        if contact_role.is_some() {
            checks.fail("contact_role", "only schools have a contact person");
        }
    }
    checks.finish()?;
    Ok(ValidClient { kind: input.kind, name, tax_id, email, phone, address, notes, contact_name, contact_role })
}

pub async fn list(db: &mut TenantDb, filter: &ClientFilter, limit: i64, offset: i64) -> ApiResult<(i64, Vec<Client>)> {
    Ok(repo::list(db, filter, limit, offset).await?)
}

pub async fn get(db: &mut TenantDb, id: Uuid) -> ApiResult<Client> {
    repo::get(db, id).await?.ok_or_else(|| ApiError::not_found("client"))
}

pub async fn create(mut db: TenantDb, ctx: &AuditContext, input: &ClientInput) -> ApiResult<Client> {
    let client = validate(input)?;
    db.begin().await?;
    let created = repo::insert(&mut db, &client).await?;
    let entry =
        Entry::new("client.created", "client", Some(created.id.to_string()), audit::changes(None, Some(&created)));
    audit::record(&mut db, ctx, entry).await?;
    db.commit().await?;
    Ok(created)
}

pub async fn update(mut db: TenantDb, ctx: &AuditContext, id: Uuid, input: &ClientInput) -> ApiResult<Client> {
    let client = validate(input)?;
    db.begin().await?;
    let before = repo::get_for_update(&mut db, id).await?.ok_or_else(|| ApiError::not_found("client"))?;
    let updated = repo::update(&mut db, id, &client).await?.ok_or_else(|| ApiError::not_found("client"))?;
    let entry =
        Entry::new("client.updated", "client", Some(id.to_string()), audit::changes(Some(&before), Some(&updated)));
    audit::record(&mut db, ctx, entry).await?;
    db.commit().await?;
    Ok(updated)
}

/// Refused with 409 while orders or contracts refer to the client (their foreign keys say so).
pub async fn delete(mut db: TenantDb, ctx: &AuditContext, id: Uuid) -> ApiResult<()> {
    db.begin().await?;
    let before = repo::get_for_update(&mut db, id).await?.ok_or_else(|| ApiError::not_found("client"))?;
    repo::delete(&mut db, id).await?;
    let entry = Entry::new("client.deleted", "client", Some(id.to_string()), audit::changes(Some(&before), None));
    audit::record(&mut db, ctx, entry).await?;
    db.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::studio::clients::tax_id::TaxIdType;

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
        match validate(input) {
            Err(ApiError::Validation(errors)) => errors.into_iter().map(|e| e.field).collect(),
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn a_valid_client_is_normalised() {
        let valid = validate(&input()).unwrap();
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
    fn a_ruc_with_a_wrong_check_digit_is_refused() {
        let mut bad = input();
        bad.tax_id_type = Some(TaxIdType::Ruc);
        bad.tax_id_number = Some("20100070971".into());
        assert_eq!(failing_fields(&bad), ["tax_id_number"]);
    }
}
