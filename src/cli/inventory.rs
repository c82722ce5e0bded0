//! `fotostudio inventory verify [--tenant SLUG]...`: checks, studio by studio, that every
//! material's stock equals the sum of its ledger (and a moulding's, the pieces on its
//! rack). Prints each difference; exits 1 if any studio has one or cannot be checked.

use std::io::Write;
use std::process::ExitCode;

use super::{CliResult, InventoryCommand};
use crate::db::Database;
use crate::studio::inventory::verify;
use crate::tenancy::catalog;
use crate::tenancy::model::{Tenant, TenantStatus};

pub(super) async fn run(command: InventoryCommand, database: &Database) -> CliResult {
    match command {
        InventoryCommand::Verify { tenants } => {
            let clean = verify_ledgers(database, &tenants, &mut std::io::stdout().lock()).await?;
            Ok(if clean { ExitCode::SUCCESS } else { ExitCode::from(1) })
        }
    }
}

/// The studios to check: the named ones, or every active or suspended studio.
async fn studios(database: &Database, only: &[String]) -> Result<Vec<Tenant>, Box<dyn std::error::Error>> {
    if only.is_empty() {
        let all = catalog::list_migratable(&database.catalog).await?;
        return Ok(all.into_iter().filter(|t| t.status != TenantStatus::Deleted).collect());
    }
    let mut found = Vec::new();
    for slug in only {
        found.push(catalog::find_by_slug(&database.catalog, slug).await?.ok_or(format!("no tenant with slug {slug}"))?);
    }
    Ok(found)
}

/// Checks each studio's ledger, writing one line per studio and one per difference to
/// `out`; true when every studio was checked and none differs.
pub async fn verify_ledgers(
    database: &Database,
    only: &[String],
    out: &mut impl Write,
) -> Result<bool, Box<dyn std::error::Error>> {
    let mut clean = true;
    let tenants = studios(database, only).await?;
    for tenant in &tenants {
        let checked = async {
            let mut db = database.tenants.acquire(&tenant.schema).await?;
            verify::mismatches(&mut db).await
        };
        match checked.await {
            Ok(mismatches) if mismatches.is_empty() => writeln!(out, "{}: ok", tenant.slug)?,
            Ok(mismatches) => {
                clean = false;
                writeln!(out, "{}: {} material(s) differ", tenant.slug, mismatches.len())?;
                for mismatch in mismatches {
                    writeln!(out, "  {mismatch}")?;
                }
            }
            Err(e) => {
                clean = false;
                writeln!(out, "{}: cannot check: {e}", tenant.slug)?;
            }
        }
    }
    writeln!(
        out,
        "{} studio(s) checked; {}",
        tenants.len(),
        if clean { "no differences" } else { "DIFFERENCES FOUND" }
    )?;
    Ok(clean)
}
