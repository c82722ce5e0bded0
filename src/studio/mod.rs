//! The business of a studio: one folder per module (clients, contracts, ...), every module
//! laid out the same way, so a reader who knows one knows them all.
//!
//! - `model.rs` — what the module's records are: row types (`#[derive(sqlx::FromRow)]`, and
//!   `Object` + `Serialize` when the API shows them), text enums (`sqlx::Type` + `Enum`), the
//!   inputs the API takes with their validation (`fn validate(&self) -> ApiResult<Valid..>`,
//!   naming every offending field through [`crate::http::fields::Checks`]), and list filters.
//!   No SQL, no I/O.
//! - `repo.rs` — SQL only: one named function per statement, taking the tenant-scoped handle
//!   (`&mut TenantDb`), returning `sqlx::Result`. Lists are built with
//!   [`crate::db::ListQuery`], one line per filter. No rules, no transactions, no audit.
//! - `service.rs` — the rules and the unit of work of each action, on the caller
//!   ([`TenantUser`](crate::auth::extract::TenantUser)): it opens the studio's database with
//!   `user.db()` (reads) or `user.begin()` (writes), locks what it changes, calls the repo,
//!   maps the module's named constraints to fields
//!   ([`on_constraint`](crate::http::db_error::on_constraint)), records the audit row in
//!   the same transaction ([`crate::audit::created`], `updated`, `deleted`) and commits.
//! - `api.rs` — the poem-openapi routes: handlers of a few lines that take the caller and
//!   the parsed input, call one service function and shape the answer. Handlers never see a
//!   pool, a schema or the application state: the caller carries its own studio's database.
//!
//! What more than one module uses lives beside the modules: value types ([`tax_id`],
//! [`money`]) and gap-free document numbers ([`numbering`]).
//!
//! A module registers itself in three places: its routes' permissions in
//! [`crate::auth::permissions`], its tables in `tenant_migrations/`, and its API in [`Apis`]
//! below. README.md ("How to add a module") has the whole recipe and the tests every module
//! carries.

pub mod agenda;
pub mod audit_log;
pub mod clients;
pub mod contracts;
pub mod dashboard;
pub mod inventory;
pub mod kpis;
pub mod money;
pub mod numbering;
pub mod orders;
pub mod period;
pub mod picture_days;
pub mod production;
pub mod products;
pub mod quotes;
pub mod reports;
pub mod settings;
pub mod tax_id;

/// Every business API, as one group of the route table.
pub type Apis = (
    clients::api::ClientsApi,
    contracts::api::ContractsApi,
    orders::api::OrdersApi,
    agenda::api::AgendaApi,
    picture_days::Apis,
    inventory::api::InventoryApi,
    quotes::api::QuotesApi,
    production::api::ProductionApi,
    products::api::ProductsApi,
    settings::api::SettingsApi,
    audit_log::api::AuditApi,
    reports::api::ReportsApi,
    dashboard::api::DashboardApi,
    kpis::api::MetricsApi,
);

/// The value of [`Apis`].
pub fn apis() -> Apis {
    (
        clients::api::ClientsApi,
        contracts::api::ContractsApi,
        orders::api::OrdersApi,
        agenda::api::AgendaApi,
        picture_days::apis(),
        inventory::api::InventoryApi,
        quotes::api::QuotesApi,
        production::api::ProductionApi,
        products::api::ProductsApi,
        settings::api::SettingsApi,
        audit_log::api::AuditApi,
        reports::api::ReportsApi,
        dashboard::api::DashboardApi,
        kpis::api::MetricsApi,
    )
}
