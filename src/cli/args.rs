//! The command line: every command and option, with the help a person reads.

use clap::{Args, Parser, Subcommand};

use crate::tenancy::model::TenantStatus;

#[derive(Debug, Parser)]
#[command(
    name = "fotostudio",
    version,
    about = "Schema-per-tenant backend for photo studios",
    after_help = "Settings come from config/default.toml, config/<FOTOSTUDIO_ENV>.toml and FOTOSTUDIO__SECTION__KEY \
                  variables; without a database URL (DATABASE_URL or FOTOSTUDIO__DATABASE__URL) a private \
                  PostgreSQL cluster under var/ is used.\n\nExit codes: 0 done; 1 the command could not be carried \
                  out (a taken slug, an unknown studio, the database unreachable, a failed migration); 2 the \
                  command line or the configuration is wrong."
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
    /// Serve with a demo studio (created and seeded if missing); prints its URL and logins.
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
        /// Only this studio (repeat for several); default: every active or suspended studio.
        #[arg(long = "tenant", value_name = "SLUG")]
        tenants: Vec<String>,
    },
}

#[derive(Debug, Args)]
pub struct TenantSelection {
    /// Only this studio (repeat for several); default: every studio.
    #[arg(long = "tenant", value_name = "SLUG")]
    pub tenants: Vec<String>,
    /// How many studios migrate at once [default: migrations.concurrency, 8].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=256))]
    pub concurrency: Option<u16>,
}

#[derive(Debug, Subcommand)]
pub enum MigrateCommand {
    /// Migrate the shared schema (the tenant catalog).
    Shared,
    /// Migrate studio schemas; goes on past failures, then exits 1 if any studio failed.
    Tenants(TenantSelection),
    /// The shared schema, then every studio.
    All(TenantSelection),
    /// A table of studios with their schema version and pending migrations.
    Status(TenantSelection),
}

#[derive(Debug, Subcommand)]
pub enum TenantsCommand {
    /// Provision a studio: its schema, every tenant migration and its first admin.
    Create {
        /// The studio's subdomain and X-Tenant value: 3–40 characters of a-z, 0-9 and -,
        /// starting with a letter, not ending with -; not reserved (www, api, admin, ...).
        #[arg(long)]
        slug: String,
        /// The studio's name, as its staff see it (1–120 characters).
        #[arg(long)]
        name: String,
        /// The first admin's email: they sign in with it at POST /api/auth/login.
        #[arg(long, value_name = "EMAIL")]
        admin_email: String,
        /// The first admin's password: at least 10 characters, not the email.
        #[arg(long, value_name = "PASSWORD")]
        admin_password: String,
        /// The first admin's name [default: Administrador].
        #[arg(long, value_name = "NAME")]
        admin_name: Option<String>,
        /// ISO 3166-1 country code (PE, BO, CL, ...) [default: provisioning.default_country, PE].
        #[arg(long, value_name = "CODE")]
        country: Option<String>,
        /// ISO 4217 currency [default: the country's: PE → PEN, BO → BOB, CL → CLP, ...].
        #[arg(long, value_name = "CODE")]
        currency: Option<String>,
        /// IANA time zone [default: the country's: PE → America/Lima, BO → America/La_Paz, ...].
        #[arg(long, value_name = "ZONE")]
        timezone: Option<String>,
    },
    /// List studios.
    List {
        /// Only studios in this status.
        #[arg(long, value_enum)]
        status: Option<TenantStatus>,
    },
    /// Suspend a studio: its requests answer 403 tenant_suspended within a second, everywhere.
    Suspend {
        /// The studio's slug.
        slug: String,
    },
    /// Re-activate a suspended or soft-deleted studio.
    Activate {
        /// The studio's slug.
        slug: String,
    },
    /// Delete a studio for good: drops its schema and every row in it, and its catalog row.
    /// (`DELETE /api/tenants/{id}` only marks it deleted, which `activate` undoes.)
    Delete {
        /// The studio's slug.
        slug: String,
        /// The slug again, to confirm.
        #[arg(long, value_name = "SLUG")]
        confirm: Option<String>,
    },
    /// Remove provisionings that died half-way, and list studio schemas that no studio owns
    /// (left by a manual restore); drop those only with --drop-orphans --confirm.
    Repair {
        /// Also drop the orphan schemas, with every row in them.
        #[arg(long)]
        drop_orphans: bool,
        /// Confirms --drop-orphans.
        #[arg(long, requires = "drop_orphans")]
        confirm: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum OperatorsCommand {
    /// Create a platform operator, or reset the password of the one with that email.
    Create {
        /// The operator's email: they sign in with it at POST /api/platform/auth/login.
        #[arg(long)]
        email: String,
        /// At least 10 characters, not the email.
        #[arg(long)]
        password: String,
        /// The operator's name (new operators only).
        #[arg(long, default_value = "")]
        name: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Start the private cluster (initialising it on first use).
    Start,
    /// Stop the private cluster.
    Stop,
    /// Whether it is running, and its socket directory.
    Status,
}
