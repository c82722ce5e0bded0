//! The demo studio `cargo run -- demo` serves: created and seeded on first start, kept after.

use std::sync::Arc;

use crate::app::AppState;
use crate::auth::extract::TenantUser;
use crate::auth::operators;
use crate::auth::roles::Role;
use crate::auth::users::repo as users;
use crate::http::ApiError;
use crate::studio::clients::model::{ClientInput, ClientKind};
use crate::studio::clients::service;
use crate::studio::tax_id::TaxIdType;
use crate::tenancy::catalog;
use crate::tenancy::provision::{self, AdminInput, ProvisionRequest};

pub const SLUG: &str = "demo";
pub const ADMIN_EMAIL: &str = "admin@demo.pe";
pub const ADMIN_PASSWORD: &str = "demo-admin-2024";
pub const OPERATOR_EMAIL: &str = "operator@fotostudio.localhost";
pub const OPERATOR_PASSWORD: &str = "operator-demo-2024";

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

/// Makes sure the demo studio and a demo operator exist, then prints how to reach them.
pub async fn ensure_demo_studio(state: &AppState) -> Result<(), Box<dyn std::error::Error>> {
    operators::create(&state.db.catalog, &state.passwords, OPERATOR_EMAIL, OPERATOR_PASSWORD, "Demo operator")
        .await
        .map_err(describe)?;
    if catalog::find_by_slug(&state.db.catalog, SLUG).await?.is_none() {
        let request = ProvisionRequest {
            slug: SLUG.to_owned(),
            name: "Estudio Fotográfico Demo".to_owned(),
            country: Some("PE".to_owned()),
            currency: None,
            timezone: None,
            admin: AdminInput {
                email: ADMIN_EMAIL.to_owned(),
                full_name: Some("Administradora Demo".to_owned()),
                password: ADMIN_PASSWORD.to_owned(),
            },
        };
        let (tenant, _) =
            provision::provision(&state.db.catalog, &state.passwords, &state.settings.provisioning, &request)
                .await
                .map_err(describe)?;
        let mut db = state.db.tenants.acquire(&tenant.schema).await?;
        let admin = users::find_by_email(&mut db, ADMIN_EMAIL).await?.ok_or("the demo admin is missing")?;
        drop(db);
        let admin = TenantUser::acting_as(admin.id, Role::Admin, Arc::new(tenant), state.db.tenants.clone());
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
            service::create(&admin, &input).await.map_err(describe)?;
        }
    }
    let server = &state.settings.server;
    let base = &state.settings.tenancy.base_domain;
    println!();
    println!(
        "  Demo studio:  http://{SLUG}.{base}:{port}/docs   (or any host with header `X-Tenant: {SLUG}`)",
        port = server.port
    );
    println!("  Studio admin: {ADMIN_EMAIL} / {ADMIN_PASSWORD}   → POST /api/auth/login");
    println!("  Operator:     {OPERATOR_EMAIL} / {OPERATOR_PASSWORD}   → POST /api/platform/auth/login");
    println!("  Try:          curl -s -H 'X-Tenant: {SLUG}' -H 'Content-Type: application/json' \\");
    println!(
        "                  -d '{{\"email\":\"{ADMIN_EMAIL}\",\"password\":\"{ADMIN_PASSWORD}\"}}' http://{}:{}/api/auth/login",
        server.host, server.port
    );
    println!();
    Ok(())
}

fn describe(e: ApiError) -> Box<dyn std::error::Error> {
    e.plain_message().into()
}
