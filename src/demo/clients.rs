//! Demo clients: families, and schools with their RUC and a contact.

use crate::auth::extract::TenantUser;
use crate::http::ApiResult;
use crate::studio::clients::model::{ClientInput, ClientKind};
use crate::studio::clients::service;
use crate::studio::tax_id::TaxIdType;

/// Clients a Peruvian studio would have: families, and schools with their RUC.
const CLIENTS: &[(ClientKind, &str, TaxIdType, &str, &str)] = &[
    (ClientKind::Individual, "Ana Quispe Mamani", TaxIdType::Dni, "45678912", "+51 987 654 321"),
    (ClientKind::Individual, "Luis Fernández Rojas", TaxIdType::Dni, "41234567", "+51 955 123 456"),
    (ClientKind::Individual, "María Huamán Torres", TaxIdType::Dni, "70123456", "+51 944 222 333"),
    (ClientKind::Individual, "Jorge Castillo Vega", TaxIdType::Dni, "08765432", "+51 912 345 678"),
    (ClientKind::Individual, "Rosa Condori Apaza", TaxIdType::Dni, "29345678", "+51 951 876 543"),
    (ClientKind::School, "Colegio San Agustín", TaxIdType::Ruc, "20100070970", "+51 1 421 0000"),
    (ClientKind::School, "I.E. Nuestra Señora de Fátima", TaxIdType::Ruc, "20131312955", "+51 1 444 5555"),
    (ClientKind::School, "Colegio Los Andes", TaxIdType::Ruc, "20512333797", "+51 84 222 111"),
];

/// Creates the demo's clients.
pub async fn seed(admin: &TenantUser) -> ApiResult<()> {
    for (kind, name, tax_type, tax_number, phone) in CLIENTS {
        let input = ClientInput {
            kind: *kind,
            name: (*name).to_owned(),
            tax_id_type: Some(*tax_type),
            tax_id_number: Some((*tax_number).to_owned()),
            email: None,
            phone: Some((*phone).to_owned()),
            address: Some("Lima, Perú".to_owned()),
            notes: None,
            contact_name: (*kind == ClientKind::School).then(|| "Dirección".to_owned()),
            contact_role: (*kind == ClientKind::School).then(|| "Director(a)".to_owned()),
        };
        service::create(admin, &input).await?;
    }
    Ok(())
}
