//! `fotostudio tenants ...`: provision, list, suspend, activate, delete for good, repair.

use std::process::ExitCode;

use crate::db::Window;

use super::{CliError, CliResult, TenantsCommand};
use crate::config::Settings;
use crate::db::Database;
use crate::tenancy::model::TenantStatus;
use crate::tenancy::{catalog, provision};

/// The provisioning request's fields, as `tenants create` spells them.
const CREATE_FLAGS: &[(&str, &str)] = &[
    ("slug", "--slug"),
    ("name", "--name"),
    ("country", "--country"),
    ("currency", "--currency"),
    ("timezone", "--timezone"),
    ("admin.email", "--admin-email"),
    ("admin.password", "--admin-password"),
    ("admin.full_name", "--admin-name"),
];

pub(super) async fn run(command: TenantsCommand, settings: &Settings, database: &Database) -> CliResult {
    let pool = &database.catalog;
    let find = async |slug: &str| {
        catalog::find_by_slug(pool, slug).await?.ok_or_else(|| CliError::Failed(format!("no studio with slug {slug}")))
    };
    match command {
        TenantsCommand::Create { slug, name, admin_email, admin_password, admin_name, country, currency, timezone } => {
            let passwords = crate::auth::password::PasswordHasherConfig::new(&settings.auth);
            let request = provision::ProvisionRequest {
                slug,
                name,
                country,
                currency,
                timezone,
                admin: provision::AdminInput { email: admin_email, full_name: admin_name, password: admin_password },
            };
            let (tenant, timings) = provision::provision(pool, &passwords, &settings.provisioning, &request)
                .await
                .map_err(|e| CliError::from_api(e, CREATE_FLAGS))?;
            println!(
                "provisioned {} (schema {}, version {}) in {} ms",
                tenant.slug,
                tenant.schema,
                tenant.schema_version,
                timings.total.as_millis()
            );
            Ok(ExitCode::SUCCESS)
        }
        TenantsCommand::List { status } => {
            let filter = catalog::TenantFilter { status, search: None };
            let (count, tenants) = catalog::list(pool, &filter, Window { limit: i64::MAX, offset: 0 }).await?;
            println!("{:<40} {:<12} {:>7}  NAME", "SLUG", "STATUS", "VERSION");
            for t in &tenants {
                println!("{:<40} {:<12} {:>7}  {}", t.slug, t.status.as_str(), t.schema_version, t.name);
            }
            println!("{count} tenant(s)");
            Ok(ExitCode::SUCCESS)
        }
        TenantsCommand::Suspend { slug } => {
            set_status(pool, find(&slug).await?.id, &slug, TenantStatus::Suspended).await
        }
        TenantsCommand::Activate { slug } => set_status(pool, find(&slug).await?.id, &slug, TenantStatus::Active).await,
        TenantsCommand::Delete { slug, confirm } => {
            if confirm.as_deref() != Some(slug.as_str()) {
                return Err(CliError::Usage(format!(
                    "this drops the schema of {slug} and every row in it; repeat the slug: --confirm {slug}"
                )));
            }
            let tenant = find(&slug).await?;
            provision::purge(pool, &tenant).await?;
            println!("deleted {slug}: schema {} dropped", tenant.schema);
            Ok(ExitCode::SUCCESS)
        }
        TenantsCommand::Repair { drop_orphans, confirm } => {
            if drop_orphans && !confirm {
                return Err(CliError::Usage(
                    "--drop-orphans drops every orphan schema with its data; add --confirm".to_owned(),
                ));
            }
            let cleaned = provision::repair(pool).await?;
            let list =
                |names: &[String]| if names.is_empty() { String::new() } else { format!(": {}", names.join(", ")) };
            println!("cleaned {} half-provisioned studio(s){}", cleaned.len(), list(&cleaned));
            if drop_orphans {
                let dropped = provision::drop_orphans(pool).await?;
                println!("dropped {} orphan schema(s){}", dropped.len(), list(&dropped));
            } else {
                let orphans = provision::orphan_schemas(pool).await?;
                println!("{} orphan schema(s) no studio owns{}", orphans.len(), list(&orphans));
                if !orphans.is_empty() {
                    println!(
                        "restore them as studios, or drop them: fotostudio tenants repair --drop-orphans --confirm"
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

async fn set_status(pool: &sqlx::PgPool, id: uuid::Uuid, slug: &str, status: TenantStatus) -> CliResult {
    let mut tx = pool.begin().await?;
    catalog::set_status(&mut tx, id, status).await?;
    catalog::notify_changed(&mut tx, id).await?;
    tx.commit().await?;
    println!("{slug} is now {}", status.as_str());
    Ok(ExitCode::SUCCESS)
}
