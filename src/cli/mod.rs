//! The operator CLI (the same binary as the server): serve, migrate, tenants, operators,
//! demo, and the private database cluster.

pub mod inventory;
mod migrate;
mod tenants;

use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand};

use crate::app::{App, AppState};
use crate::config::{Settings, project_root};
use crate::db::{self, Database, DatabaseLocation};
use crate::tenancy::migrations::{self, TenantRun};

#[derive(Debug, Parser)]
#[command(name = "fotostudio", version, about = "Schema-per-tenant backend for photo studios")]
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
    /// The workshop's stock ledgers.
    #[command(subcommand)]
    Inventory(InventoryCommand),
}

#[derive(Debug, Subcommand)]
pub enum InventoryCommand {
    /// Check that every material's stock equals the sum of its ledger (and a moulding's,
    /// its pieces); prints each difference and exits 1 if there is any.
    Verify {
        /// Only this studio (repeatable); default: every active or suspended studio.
        #[arg(long = "tenant", value_name = "SLUG")]
        tenants: Vec<String>,
    },
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
        #[arg(long, value_enum)]
        status: Option<crate::tenancy::model::TenantStatus>,
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

pub(crate) type CliResult = Result<ExitCode, Box<dyn std::error::Error>>;

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
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build();
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
            println!("running; connect with: psql '{}'", cluster.url("fotostudio"));
        }
        DbCommand::Stop => {
            cluster.stop()?;
            println!("stopped");
        }
        DbCommand::Status => {
            let state = if cluster.is_running() { "running" } else { "stopped" };
            println!("{state}; socket directory {}", cluster.socket_dir().display());
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
    let location = tokio::task::spawn_blocking(move || DatabaseLocation::resolve(&db_settings, &root)).await??;
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
            let summary = migrations::migrate_tenants(&database.catalog, TenantRun::all(concurrency)).await?;
            if !summary.failed().is_empty() {
                migrate::print_summary(&summary);
            }
            let state = AppState::new(settings, database);
            crate::demo::ensure_demo_studio(&state).await?;
            serve(state).await
        }
        Command::Migrate(m) => migrate::run(m, &database, concurrency).await,
        Command::Tenants(t) => tenants::run(t, &settings, &database).await,
        Command::Operators(OperatorsCommand::Create { email, password, name }) => {
            let state = AppState::new(settings, database);
            crate::auth::operators::create(&state.db.catalog, &state.passwords, &email, &password, &name)
                .await
                .map_err(api_message)?;
            println!("operator {email} can now sign in at POST /api/platform/auth/login");
            Ok(ExitCode::SUCCESS)
        }
        Command::Inventory(command) => inventory::run(command, &database).await,
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

/// An API error as a CLI message.
pub fn api_message(e: crate::http::ApiError) -> Box<dyn std::error::Error> {
    e.plain_message().into()
}
