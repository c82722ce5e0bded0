//! The groups operations are listed under in `/docs`, one per API.

use poem_openapi::Tags;

/// The groups operations are listed under in `/docs`.
#[derive(Tags)]
pub enum ApiTags {
    /// Health and readiness.
    Operations,
    /// Platform operators: sign-in.
    PlatformAuth,
    /// Platform operators: the studio (tenant) catalog.
    Tenants,
    /// A studio's users: sign-in and own profile.
    Auth,
    /// A studio's users (admins).
    Users,
    /// Clients and schools (clientes, colegios).
    Clients,
    /// Contracts with schools (contratos).
    Contracts,
    /// Appointments and deliveries (citas y entregas).
    Agenda,
    /// School picture days: rosters, access codes, packages, family orders, summary.
    PictureDays,
    /// Orders (pedidos): lines, payments, status.
    Orders,
    /// The workshop's materials, stock ledger, moulding pieces and alerts (inventario).
    Inventory,
    /// Frame quotes (cotizaciones de enmarcado).
    Quotes,
    /// Production orders and registrations (producción).
    Production,
    /// Finished products (productos terminados).
    Products,
    /// The studio's configuration (configuración): settings, its details, backup.
    Settings,
    /// The studio's audit trail (auditoría).
    Audit,
    /// Financial, inventory and production reports and their PDF, XLSX and CSV files (reportes).
    Reports,
    /// The month at a glance, with charts (panel).
    Dashboard,
    /// Key figures, their trends and comparisons, and the studio's targets (indicadores).
    Metrics,
}
