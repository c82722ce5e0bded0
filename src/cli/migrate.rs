//! `fotostudio migrate ...`: the shared schema, tenant schemas with progress and a summary,
//! and the status table.

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::{CliError, CliResult, MigrateCommand, TenantSelection};
use crate::db::Database;
use crate::tenancy::migrations::{self, RunSummary, TenantOutcome, TenantRun};

pub(super) async fn run(command: MigrateCommand, database: &Database, default_concurrency: usize) -> CliResult {
    let pool = &database.catalog;
    let tenant_run = |sel: TenantSelection| TenantRun {
        only: sel.tenants,
        concurrency: sel.concurrency.map(usize::from).unwrap_or(default_concurrency),
        progress: Some(progress_printer()),
        ..TenantRun::all(default_concurrency)
    };
    match command {
        MigrateCommand::Shared => {
            let applied = migrations::migrate_shared(pool).await?;
            println!("shared schema: {} migration(s) applied", applied.len());
            Ok(ExitCode::SUCCESS)
        }
        MigrateCommand::Tenants(sel) => Ok(print_summary(&migrations::migrate_tenants(pool, tenant_run(sel)).await?)),
        MigrateCommand::All(sel) => {
            let applied = migrations::migrate_shared(pool).await?;
            println!("shared schema: {} migration(s) applied", applied.len());
            Ok(print_summary(&migrations::migrate_tenants(pool, tenant_run(sel)).await?))
        }
        MigrateCommand::Status(sel) => {
            let catalog: Option<String> =
                sqlx::query_scalar("SELECT to_regclass('public.tenants')::text").fetch_one(pool).await?;
            if catalog.is_none() {
                return Err(CliError::Failed(
                    "the shared schema is not migrated yet: run `fotostudio migrate shared` (or `migrate all`)".into(),
                ));
            }
            let concurrency = sel.concurrency.map(usize::from).unwrap_or(default_concurrency);
            let rows = migrations::status(pool, &sel.tenants, concurrency).await?;
            let latest = migrations::required_tenant_version();
            println!("{:<40} {:<12} {:>7}  PENDING", "TENANT", "STATUS", "VERSION");
            for row in &rows {
                let version = row.version.map(|v| v.to_string()).unwrap_or_else(|| "-".into());
                let pending = match &row.error {
                    Some(e) => format!("error: {e}"),
                    None if row.pending.is_empty() => "none".to_owned(),
                    None => row.pending.iter().map(|v| format!("V{v}")).collect::<Vec<_>>().join(", "),
                };
                println!("{:<40} {:<12} {:>7}  {}", row.slug, row.status, version, pending);
            }
            let behind = rows.iter().filter(|r| r.error.is_some() || !r.pending.is_empty()).count();
            println!("{} tenant(s); this binary needs version {latest}; {behind} behind", rows.len());
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Prints each tenant when there are few, a progress line every 5% when there are many;
/// failures always. On standard output, like the summary: a pipe shows the whole run.
fn progress_printer() -> migrations::Progress {
    let failed = Arc::new(AtomicUsize::new(0));
    Arc::new(move |outcome: &TenantOutcome, done: usize, total: usize| {
        let mut out = std::io::stdout().lock();
        if let Some(e) = &outcome.error {
            failed.fetch_add(1, Ordering::Relaxed);
            let _ = writeln!(out, "[{done:>5}/{total}] {:<40} FAILED: {e}", outcome.slug);
        } else if total <= 50 {
            let what = if outcome.applied.is_empty() {
                "up to date".to_owned()
            } else {
                format!("applied {}", outcome.applied.iter().map(|v| format!("V{v}")).collect::<Vec<_>>().join(", "))
            };
            let _ =
                writeln!(out, "[{done:>5}/{total}] {:<40} {what} ({} ms)", outcome.slug, outcome.elapsed.as_millis());
        } else if done * 20 / total != (done - 1) * 20 / total || done == total {
            let _ = writeln!(
                out,
                "[{done:>5}/{total}] {:>3}%  failed so far: {}",
                done * 100 / total,
                failed.load(Ordering::Relaxed)
            );
        }
    })
}

pub(super) fn print_summary(summary: &RunSummary) -> ExitCode {
    let failed = summary.failed();
    let migrated = summary.migrated();
    let current = summary.outcomes.len() - migrated - failed.len();
    println!(
        "tenants: {} migrated, {} already current, {} failed ({:.2} s)",
        migrated,
        current,
        failed.len(),
        summary.elapsed.as_secs_f64()
    );
    for outcome in &failed {
        println!("  FAILED {}: {}", outcome.slug, outcome.error.as_deref().unwrap_or(""));
    }
    if failed.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) }
}
