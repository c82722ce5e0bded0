//! The operator CLI (the same binary as the server): serve, migrate, tenants, operators,
//! demo, and the private database cluster.

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use clap::{Args, Parser, Subcommand};

use crate::app::{App, AppState};
use crate::config::{Settings, project_root};
use crate::db::{self, Database, DatabaseLocation};
use crate::tenancy::migrations::{self, RunSummary, TenantOutcome, TenantRun};
use crate::tenancy::model::TenantStatus;
use crate::tenancy::{catalog, provision};

#[derive(Debug, Parser)]
#[command(
    name = "fotostudio",
    version,
    about = "Schema-per-tenant backend for photo studios"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP server (migrates the shared schema first).
    Serve,
    /// Migrate the shared schema, tenant schemas, or show their state.
    #[command(subcommand)]
    Migrate(MigrateCommand),
    /// Manage studios (tenants).
    #[command(subcommand)]
    Tenants(TenantsCommand),
    /// Manage platform operators.
    #[command(subcommand)]
    Operators(OperatorsCommand),
    /// Serve with a demo studio (created and seeded if missing); prints its URL and login.
    Demo,
    /// The private PostgreSQL cluster under var/ (used when no database URL is set).
    #[command(subcommand)]
    Db(DbCommand),
}

#[derive(Debug, Args)]
pub struct TenantSelection {
    /// Only this tenant (repeatable); default: every tenant.
    #[arg(long = "tenant", value_name = "SLUG")]
    pub tenants: Vec<String>,
    /// How many tenants migrate at once.
    #[arg(long)]
    pub concurrency: Option<usize>,
}

#[derive(Debug, Subcommand)]
pub enum MigrateCommand {
    /// Migrate the shared schema (the tenant catalog).
    Shared,
    /// Migrate tenant schemas; continues past failures and exits 1 if any tenant failed.
    Tenants(TenantSelection),
    /// The shared schema, then every tenant.
    All(TenantSelection),
    /// A table of tenants with their schema version and pending migrations.
    Status(TenantSelection),
}

#[derive(Debug, Subcommand)]
pub enum TenantsCommand {
    /// Provision a studio.
    Create {
        #[arg(long)]
        slug: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        admin_email: String,
        #[arg(long)]
        admin_password: String,
        #[arg(long)]
        admin_name: Option<String>,
        #[arg(long)]
        country: Option<String>,
        #[arg(long)]
        currency: Option<String>,
        #[arg(long)]
        timezone: Option<String>,
    },
    /// List studios.
    List {
        #[arg(long)]
        status: Option<String>,
    },
    /// Suspend a studio (its requests answer 403 within a second on every instance).
    Suspend { slug: String },
    /// Re-activate a studio.
    Activate { slug: String },
    /// Delete a studio for good: drops its schema. Needs `--confirm <slug>`.
    Delete {
        slug: String,
        #[arg(long, value_name = "SLUG")]
        confirm: Option<String>,
    },
    /// Clean up provisionings that died half-way.
    Repair,
}

#[derive(Debug, Subcommand)]
pub enum OperatorsCommand {
    /// Create an operator (or reset the password of an existing one).
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        password: String,
        #[arg(long, default_value = "")]
        name: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Start the private cluster.
    Start,
    /// Stop the private cluster.
    Stop,
    /// Is it running, and where.
    Status,
}

type CliResult = Result<ExitCode, Box<dyn std::error::Error>>;

/// Parses the command line, runs the command, and maps the outcome to an exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let root = project_root();
    let settings = match Settings::load(&root) {
        Ok(settings) => settings,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    crate::telemetry::init(&settings.telemetry);
    if let Command::Db(command) = &cli.command {
        return report(db_command(&root, command));
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build();
    let runtime = match runtime {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    report(runtime.block_on(run(cli.command, settings, root)))
}

fn report(result: CliResult) -> ExitCode {
    result.unwrap_or_else(|e| {
        eprintln!("error: {e}");
        ExitCode::from(2)
    })
}

fn db_command(root: &std::path::Path, command: &DbCommand) -> CliResult {
    let cluster = db::local_pg::LocalPostgres::locate(root)?;
    match command {
        DbCommand::Start => {
            cluster.ensure_running()?;
            println!(
                "running; connect with: psql '{}'",
                cluster.url("fotostudio")
            );
        }
        DbCommand::Stop => {
            cluster.stop()?;
            println!("stopped");
        }
        DbCommand::Status => {
            let state = if cluster.is_running() {
                "running"
            } else {
                "stopped"
            };
            println!(
                "{state}; socket directory {}",
                cluster.socket_dir().display()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Finds (or starts) the database server, makes sure the database exists, opens the pools.
pub async fn open_database(
    settings: &Settings,
    root: &std::path::Path,
) -> Result<(DatabaseLocation, Database), Box<dyn std::error::Error>> {
    let db_settings = settings.database.clone();
    let root = root.to_owned();
    let location =
        tokio::task::spawn_blocking(move || DatabaseLocation::resolve(&db_settings, &root))
            .await??;
    if let DatabaseLocation::Local { .. } = &location {
        Database::create_database_if_missing(&location.url(Some("postgres")), "fotostudio").await?;
    }
    let options = db::connect_options(&location.url(None), &settings.database)?;
    Ok((location, Database::connect(options, &settings.database)))
}

async fn run(command: Command, settings: Settings, root: std::path::PathBuf) -> CliResult {
    let (location, database) = open_database(&settings, &root).await?;
    let result = dispatch(command, settings, database).await;
    tokio::task::spawn_blocking(move || location.shutdown()).await?;
    result
}

async fn dispatch(command: Command, settings: Settings, database: Database) -> CliResult {
    let concurrency = settings.migrations.concurrency;
    match command {
        Command::Serve => {
            migrations::migrate_shared(&database.catalog).await?;
            serve(AppState::new(settings, database)).await
        }
        Command::Demo => {
            migrations::migrate_shared(&database.catalog).await?;
            let summary =
                migrations::migrate_tenants(&database.catalog, TenantRun::all(concurrency)).await?;
            if !summary.failed().is_empty() {
                print_summary(&summary);
            }
            let state = AppState::new(settings, database);
            crate::demo::ensure_demo_studio(&state).await?;
            serve(state).await
        }
        Command::Migrate(m) => migrate(m, &database, concurrency).await,
        Command::Tenants(t) => tenants(t, &settings, &database).await,
        Command::Operators(OperatorsCommand::Create {
            email,
            password,
            name,
        }) => {
            let state = AppState::new(settings, database);
            crate::auth::operators::create(
                &state.db.catalog,
                &state.passwords,
                &email,
                &password,
                &name,
            )
            .await
            .map_err(api_message)?;
            println!("operator {email} can now sign in at POST /api/platform/auth/login");
            Ok(ExitCode::SUCCESS)
        }
        Command::Db(_) => unreachable!("handled before the runtime starts"),
    }
}

async fn serve(state: Arc<AppState>) -> CliResult {
    let app = App::bind(state).await?;
    let addr = app.addr();
    tracing::info!(%addr, "listening on http://{addr}");
    app.run(crate::app::shutdown_signal()).await?;
    Ok(ExitCode::SUCCESS)
}

/// An API error as one line for the terminal (internal causes included: this is the operator).
pub fn api_message(e: crate::http::ApiError) -> Box<dyn std::error::Error> {
    if let crate::http::ApiError::Internal(cause) = &e {
        return cause.clone().into();
    }
    let problem = e.problem();
    let fields: Vec<String> = problem
        .errors
        .iter()
        .map(|f| format!("{}: {}", f.field, f.message))
        .collect();
    if fields.is_empty() {
        problem.detail.into()
    } else {
        fields.join("; ").into()
    }
}

async fn migrate(
    command: MigrateCommand,
    database: &Database,
    default_concurrency: usize,
) -> CliResult {
    let pool = &database.catalog;
    let tenant_run = |sel: TenantSelection| TenantRun {
        only: sel.tenants,
        concurrency: sel.concurrency.unwrap_or(default_concurrency),
        progress: Some(progress_printer()),
        ..TenantRun::all(default_concurrency)
    };
    match command {
        MigrateCommand::Shared => {
            let applied = migrations::migrate_shared(pool).await?;
            println!("shared schema: {} migration(s) applied", applied.len());
            Ok(ExitCode::SUCCESS)
        }
        MigrateCommand::Tenants(sel) => Ok(print_summary(
            &migrations::migrate_tenants(pool, tenant_run(sel)).await?,
        )),
        MigrateCommand::All(sel) => {
            let applied = migrations::migrate_shared(pool).await?;
            println!("shared schema: {} migration(s) applied", applied.len());
            Ok(print_summary(
                &migrations::migrate_tenants(pool, tenant_run(sel)).await?,
            ))
        }
        MigrateCommand::Status(sel) => {
            let rows = migrations::status(
                pool,
                &sel.tenants,
                sel.concurrency.unwrap_or(default_concurrency),
            )
            .await?;
            let latest = migrations::required_tenant_version();
            println!(
                "{:<40} {:<12} {:>7}  PENDING",
                "TENANT", "STATUS", "VERSION"
            );
            for row in &rows {
                let version = row
                    .version
                    .map(|v| v.to_string())
                    .unwrap_or_else(|| "-".into());
                let pending = match &row.error {
                    Some(e) => format!("error: {e}"),
                    None if row.pending.is_empty() => "none".to_owned(),
                    None => row
                        .pending
                        .iter()
                        .map(|v| format!("V{v}"))
                        .collect::<Vec<_>>()
                        .join(", "),
                };
                println!(
                    "{:<40} {:<12} {:>7}  {}",
                    row.slug, row.status, version, pending
                );
            }
            let behind = rows
                .iter()
                .filter(|r| r.error.is_some() || !r.pending.is_empty())
                .count();
            println!(
                "{} tenant(s); this binary needs version {latest}; {behind} behind",
                rows.len()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Prints each tenant when there are few, a progress line every 5% when there are many;
/// failures always.
fn progress_printer() -> migrations::Progress {
    let failed = Arc::new(AtomicUsize::new(0));
    Arc::new(move |outcome: &TenantOutcome, done: usize, total: usize| {
        let mut err = std::io::stderr().lock();
        if let Some(e) = &outcome.error {
            failed.fetch_add(1, Ordering::Relaxed);
            let _ = writeln!(err, "[{done:>5}/{total}] {:<40} FAILED: {e}", outcome.slug);
        } else if total <= 50 {
            let what = if outcome.applied.is_empty() {
                "up to date".to_owned()
            } else {
                format!(
                    "applied {}",
                    outcome
                        .applied
                        .iter()
                        .map(|v| format!("V{v}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            let _ = writeln!(
                err,
                "[{done:>5}/{total}] {:<40} {what} ({} ms)",
                outcome.slug,
                outcome.elapsed.as_millis()
            );
        } else if done * 20 / total != (done - 1) * 20 / total || done == total {
            let _ = writeln!(
                err,
                "[{done:>5}/{total}] {:>3}%  failed so far: {}",
                done * 100 / total,
                failed.load(Ordering::Relaxed)
            );
        }
    })
}

fn print_summary(summary: &RunSummary) -> ExitCode {
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
        println!(
            "  FAILED {}: {}",
            outcome.slug,
            outcome.error.as_deref().unwrap_or("")
        );
    }
    if failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

async fn tenants(command: TenantsCommand, settings: &Settings, database: &Database) -> CliResult {
    let pool = &database.catalog;
    let find = async |slug: &str| {
        catalog::find_by_slug(pool, slug)
            .await?
            .ok_or_else(|| -> Box<dyn std::error::Error> {
                format!("no tenant with slug {slug}").into()
            })
    };
    match command {
        TenantsCommand::Create {
            slug,
            name,
            admin_email,
            admin_password,
            admin_name,
            country,
            currency,
            timezone,
        } => {
            let passwords = crate::auth::password::PasswordHasherConfig::new(&settings.auth);
            let request = provision::ProvisionRequest {
                slug,
                name,
                country,
                currency,
                timezone,
                admin: provision::AdminInput {
                    email: admin_email,
                    full_name: admin_name,
                    password: admin_password,
                },
            };
            let (tenant, timings) =
                provision::provision(pool, &passwords, &settings.provisioning, &request)
                    .await
                    .map_err(api_message)?;
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
            let status = match status.as_deref() {
                Some(s) => {
                    Some(TenantStatus::parse(s).ok_or_else(|| format!("unknown status {s}"))?)
                }
                None => None,
            };
            let filter = catalog::TenantFilter {
                status,
                search: None,
            };
            let (count, tenants) = catalog::list(pool, &filter, i64::MAX, 0).await?;
            println!("{:<40} {:<12} {:>7}  NAME", "SLUG", "STATUS", "VERSION");
            for t in &tenants {
                println!(
                    "{:<40} {:<12} {:>7}  {}",
                    t.slug,
                    t.status.as_str(),
                    t.schema_version,
                    t.name
                );
            }
            println!("{count} tenant(s)");
            Ok(ExitCode::SUCCESS)
        }
        TenantsCommand::Suspend { slug } => {
            set_status(pool, find(&slug).await?.id, &slug, TenantStatus::Suspended).await
        }
        TenantsCommand::Activate { slug } => {
            set_status(pool, find(&slug).await?.id, &slug, TenantStatus::Active).await
        }
        TenantsCommand::Delete { slug, confirm } => {
            if confirm.as_deref() != Some(slug.as_str()) {
                return Err(format!("this drops the schema of {slug} and every row in it; repeat the slug: --confirm {slug}").into());
            }
            let tenant = find(&slug).await?;
            provision::purge(pool, &tenant).await?;
            println!("deleted {slug}: schema {} dropped", tenant.schema);
            Ok(ExitCode::SUCCESS)
        }
        TenantsCommand::Repair => {
            let cleaned = provision::repair(pool).await?;
            println!(
                "cleaned {} half-provisioned tenant(s){}",
                cleaned.len(),
                if cleaned.is_empty() {
                    String::new()
                } else {
                    format!(": {}", cleaned.join(", "))
                }
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

async fn set_status(
    pool: &sqlx::PgPool,
    id: uuid::Uuid,
    slug: &str,
    status: TenantStatus,
) -> CliResult {
    let mut tx = pool.begin().await?;
    catalog::set_status(&mut tx, id, status).await?;
    catalog::notify_changed(&mut tx, id).await?;
    tx.commit().await?;
    println!("{slug} is now {}", status.as_str());
    Ok(ExitCode::SUCCESS)
}
