//! The demo studio's details — legal name, address, tax id, phone, email — set through the
//! configuration service, as a studio in Lima would on its first day.

use poem_openapi::types::MaybeUndefined::{Undefined, Value};

use crate::auth::extract::TenantUser;
use crate::http::ApiResult;
use crate::studio::settings::service;
use crate::studio::settings::values::StudioTaxId;
use crate::studio::settings::views::SystemInput;
use crate::studio::tax_id::TaxIdType;

/// Sets the demo studio's details (its name, currency and time zone come from provisioning).
pub async fn seed(admin: &TenantUser) -> ApiResult<()> {
    let details = SystemInput {
        name: None,
        currency: None,
        timezone: None,
        tax_rate: Undefined,
        prices_include_tax: Undefined,
        studio_legal_name: Value("Estudio Fotográfico Demo S.A.C.".to_owned()),
        studio_address: Value("Av. José Larco 345, Miraflores, Lima".to_owned()),
        studio_tax_id: Value(StudioTaxId { kind: TaxIdType::Ruc, number: "20123456786".to_owned() }),
        studio_phone: Value("+51 1 445 6789".to_owned()),
        studio_email: Value("hola@demo.pe".to_owned()),
    };
    service::set_system(admin, &details).await?;
    Ok(())
}
