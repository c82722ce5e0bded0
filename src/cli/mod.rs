//! The operator CLI (the same binary as the server): serve, migrate, tenants, operators,
//! demo, and the private database cluster.

mod args;
mod error;
pub mod inventory;
mod migrate;
mod tenants;

use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;

pub use args::{
    Cli, Command, DbCommand, InventoryCommand, MigrateCommand, OperatorsCommand, TenantSelection, TenantsCommand,
};
pub use error::CliError;

use crate::app::{App, AppState};
use crate::auth::operators::{self, OperatorWrite};
use crate::config::{Settings, project_root};
use crate::db::{self, Database, DatabaseLocation};
use crate::tenancy::migrations::{self, TenantRun};

pub(crate) type CliResult = Result<ExitCode, CliError>;

/// Parses the command line, runs the command, and maps the outcome to an exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let root = project_root();
    let settings = match Settings::load(&root) {
        Ok(settings) => settings,
        Err(e) => return report(Err(CliError::Usage(e.to_string()))),
    };
    crate::telemetry::init(&settings.telemetry);
    if let Command::Db(command) = &cli.command {
        return report(db_command(&root, command));
    }
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build();
    let runtime = match runtime {
        Ok(rt) => rt,
        Err(e) => return report(Err(CliError::Failed(format!("cannot start the async runtime: {e}")))),
    };
    report(runtime.block_on(run(cli.command, settings, root)))
}

fn report(result: CliResult) -> ExitCode {
    result.unwrap_or_else(|e| {
        eprintln!("error: {}", e.message());
        ExitCode::from(e.exit_code())
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

/// Finds (or starts) the database server, makes sure the database exists (creating it when
/// the server allows), opens the pools.
pub async fn open_database(
    settings: &Settings,
    root: &std::path::Path,
) -> Result<(DatabaseLocation, Database), CliError> {
    let db_settings = settings.database.clone();
    let root = root.to_owned();
    let location = tokio::task::spawn_blocking(move || DatabaseLocation::resolve(&db_settings, &root)).await??;
    Database::ensure_exists(&location.url(None)).await?;
    let options = db::connect_options(&location.url(None), &settings.database)?;
    Ok((location, Database::connect(options, &settings.database)?))
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
            let written = operators::create(&state.db.catalog, &state.passwords, &email, &password, &name)
                .await
                .map_err(|e| CliError::from_api(e, &[("email", "--email"), ("password", "--password")]))?;
            match written {
                OperatorWrite::Created => println!("created operator {email}"),
                OperatorWrite::PasswordReset => println!("operator {email} existed: password reset, account active"),
            }
            println!("they sign in at POST /api/platform/auth/login");
            Ok(ExitCode::SUCCESS)
        }
        Command::Inventory(command) => inventory::run(command, &database).await,
        Command::Db(_) => unreachable!("handled before the runtime starts"),
    }
}

async fn serve(state: Arc<AppState>) -> CliResult {
    let server = &state.settings.server;
    let address = format!("{}:{}", server.host, server.port);
    let app = App::bind(state).await.map_err(|e| match e.kind() {
        std::io::ErrorKind::AddrInUse => CliError::Failed(format!(
            "cannot listen on {address}: the address is already in use; stop what holds it, or set \
             server.port (FOTOSTUDIO__SERVER__PORT) or server.host to another"
        )),
        _ => CliError::Failed(format!("cannot listen on {address}: {e}")),
    })?;
    let addr = app.addr();
    tracing::info!(%addr, "listening on http://{addr}");
    app.run(crate::app::shutdown_signal()).await?;
    Ok(ExitCode::SUCCESS)
}
