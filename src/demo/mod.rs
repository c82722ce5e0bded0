//! The demo studio `cargo run -- demo` serves: created and seeded on first start, kept after.
//! Each module seeds its own part (one file each), through its own services, as the demo
//! admin: the demo obeys every rule a request does and leaves the same audit trail.

mod agenda;
mod clients;
mod orders;
mod picture_days;
mod settings;
mod workshop;

use std::sync::Arc;

use crate::app::AppState;
use crate::auth::extract::TenantUser;
use crate::auth::operators;
use crate::auth::roles::Role;
use crate::auth::users::repo as users;
use crate::http::ApiError;
use crate::tenancy::catalog;
use crate::tenancy::provision::{self, AdminInput, ProvisionRequest};

pub const SLUG: &str = "demo";
pub const ADMIN_EMAIL: &str = "admin@demo.pe";
pub const ADMIN_PASSWORD: &str = "demo-admin-2024";
pub const OPERATOR_EMAIL: &str = "operator@fotostudio.localhost";
pub const OPERATOR_PASSWORD: &str = "operator-demo-2024";

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
        seed(&admin).await.map_err(describe)?;
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

/// Seeds every module, in the order their data depends on each other.
async fn seed(admin: &TenantUser) -> Result<(), ApiError> {
    clients::seed(admin).await?;
    agenda::seed(admin).await?;
    picture_days::seed(admin).await?;
    orders::seed(admin).await?;
    workshop::seed(admin).await?;
    settings::seed(admin).await?;
    Ok(())
}

fn describe(e: ApiError) -> Box<dyn std::error::Error> {
    e.plain_message().into()
}
