//! The permission table: which roles may call which tenant route. Every tenant route goes
//! through [`TenantUser`](crate::auth::extract::TenantUser), which looks the route up here
//! (by method and path pattern) before the handler runs; a route missing from the table is
//! refused. A test walks every operation of the OpenAPI document for every role against
//! this table, so a new route without an entry fails the build's tests.
//!
//! The matrix (docs/roles.md shows it, generated from this file): admin does everything;
//! manager reads everything and creates/updates business records, but manages no users,
//! configures nothing and deletes nothing; accountant reads clients and orders (and handles
//! payments and financial reports); staff creates and updates day-to-day records.

use poem::http::Method;

use crate::auth::roles::Role;

/// What a route does, in the terms the matrix speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    /// One's own profile, password, avatar, and the current studio.
    OwnAccount,
    /// Create, list, change and delete the studio's users.
    ManageUsers,
    ReadClients,
    WriteClients,
    DeleteClients,
    ReadContracts,
    /// Create, replace and move contracts along their workflow.
    WriteContracts,
    DeleteContracts,
    ReadAppointments,
    /// Book, replace and cancel appointments.
    WriteAppointments,
    DeleteAppointments,
    /// Rosters, packages, package orders and the summary of a contract.
    ReadPictureDays,
    /// Import and edit rosters; create and change packages.
    WritePictureDays,
    /// Take students off a roster; delete packages nobody ordered.
    DeletePictureDays,
    /// Record a package order for a student.
    RecordPackageOrders,
    ReadOrders,
    /// Create orders and replace their fields and lines.
    WriteOrders,
    /// Move orders along their workflow (accountants too: nothing else of an order).
    ChangeOrderStatus,
    RecordPayments,
    VoidPayments,
    DeleteOrders,
    /// Materials, pieces, the movement ledger and stock alerts.
    ReadInventory,
    /// Create and replace materials.
    WriteMaterials,
    DeleteMaterials,
    /// Record and reverse stock movements.
    WriteMovements,
    /// Price a frame.
    QuoteFrames,
    /// Production orders, registrations and efficiency.
    ReadProduction,
    /// Create, change and move production orders; register production.
    WriteProduction,
    DeleteProduction,
    ReadProducts,
    /// Create and change finished products, their photo, and reserve, sell, release and
    /// deliver them.
    WriteProducts,
    DeleteProducts,
    /// The studio's details for receipts (`/api/config/system`).
    ReadStudioDetails,
    /// Every setting, the alert thresholds.
    ReadSettings,
    /// Change settings and the studio's details; back up and restore the configuration.
    ManageSettings,
    /// The audit trail.
    ReadAudit,
    /// The financial report (revenue, payments, receivables) and its files.
    ReadFinancialReports,
    /// The inventory and production reports and their files.
    ReadWorkshopReports,
    /// The dashboard and its parts.
    ReadDashboard,
    /// Every key figure, its trends and comparisons, and the targets.
    ReadMetrics,
    /// The money figures (revenue, payments, average order value): their actuals, trends
    /// and comparisons. Other metrics asked for there need ReadMetrics (checked by the service).
    ReadMoneyMetrics,
    /// Set and change targets.
    WriteTargets,
    DeleteTargets,
}

use Permission::*;
use Role::*;

/// The matrix: the roles allowed each permission.
pub const MATRIX: &[(Permission, &[Role])] = &[
    (OwnAccount, &[Admin, Manager, Accountant, Staff]),
    (ManageUsers, &[Admin]),
    (ReadClients, &[Admin, Manager, Accountant, Staff]),
    (WriteClients, &[Admin, Manager, Staff]),
    (DeleteClients, &[Admin]),
    // Staff read contracts (picture days are run from them); accountants read what they bill.
    (ReadContracts, &[Admin, Manager, Accountant, Staff]),
    (WriteContracts, &[Admin, Manager]),
    (DeleteContracts, &[Admin]),
    (ReadAppointments, &[Admin, Manager, Accountant, Staff]),
    (WriteAppointments, &[Admin, Manager, Staff]),
    (DeleteAppointments, &[Admin]),
    // Whoever reads contracts reads their picture days; staff also take orders at the counter.
    (ReadPictureDays, &[Admin, Manager, Accountant, Staff]),
    (WritePictureDays, &[Admin, Manager]),
    (DeletePictureDays, &[Admin]),
    (RecordPackageOrders, &[Admin, Manager, Staff]),
    (ReadOrders, &[Admin, Manager, Accountant, Staff]),
    // Accountants handle an order's money and status, never its lines or client.
    (WriteOrders, &[Admin, Manager, Staff]),
    (ChangeOrderStatus, &[Admin, Manager, Accountant, Staff]),
    (RecordPayments, &[Admin, Manager, Accountant, Staff]),
    // Staff take payments at the counter but cannot undo them.
    (VoidPayments, &[Admin, Manager, Accountant]),
    (DeleteOrders, &[Admin]),
    // The workshop. Accountants read materials, production and products (inventory value
    // and waste are financial) and write nothing; staff record movements, production and
    // products but do not define materials; only admins delete.
    (ReadInventory, &[Admin, Manager, Accountant, Staff]),
    (WriteMaterials, &[Admin, Manager]),
    (DeleteMaterials, &[Admin]),
    (WriteMovements, &[Admin, Manager, Staff]),
    (QuoteFrames, &[Admin, Manager, Accountant, Staff]),
    (ReadProduction, &[Admin, Manager, Accountant, Staff]),
    (WriteProduction, &[Admin, Manager, Staff]),
    (DeleteProduction, &[Admin]),
    (ReadProducts, &[Admin, Manager, Accountant, Staff]),
    (WriteProducts, &[Admin, Manager, Staff]),
    (DeleteProducts, &[Admin]),
    // Staff print receipts with the studio's details; accountants read the tax settings.
    (ReadStudioDetails, &[Admin, Manager, Accountant, Staff]),
    (ReadSettings, &[Admin, Manager, Accountant]),
    (ManageSettings, &[Admin]),
    (ReadAudit, &[Admin, Manager]),
    // Accountants see the money; the workshop's reports are the owner's and manager's.
    (ReadFinancialReports, &[Admin, Manager, Accountant]),
    (ReadWorkshopReports, &[Admin, Manager]),
    // The owner's and manager's view; accountants follow the money figures they already
    // read in the financial report; staff see none of it. Managers set targets (no deletes).
    (ReadDashboard, &[Admin, Manager]),
    (ReadMetrics, &[Admin, Manager]),
    (ReadMoneyMetrics, &[Admin, Manager, Accountant]),
    (WriteTargets, &[Admin, Manager]),
    (DeleteTargets, &[Admin]),
];

/// Every tenant route (method, poem path pattern) and the permission it needs.
pub const ROUTES: &[(&str, &str, Permission)] = &[
    ("GET", "/api/auth/profile", OwnAccount),
    ("PUT", "/api/auth/profile", OwnAccount),
    ("GET", "/api/auth/profile/avatar", OwnAccount),
    ("PUT", "/api/auth/profile/avatar", OwnAccount),
    ("POST", "/api/auth/change-password", OwnAccount),
    ("GET", "/api/tenants/current", OwnAccount),
    ("GET", "/api/users", ManageUsers),
    ("POST", "/api/users", ManageUsers),
    ("GET", "/api/users/:id", ManageUsers),
    ("PUT", "/api/users/:id", ManageUsers),
    ("DELETE", "/api/users/:id", ManageUsers),
    ("GET", "/api/clients", ReadClients),
    ("GET", "/api/clients/schools", ReadClients),
    ("GET", "/api/clients/:id", ReadClients),
    ("POST", "/api/clients", WriteClients),
    ("PUT", "/api/clients/:id", WriteClients),
    ("DELETE", "/api/clients/:id", DeleteClients),
    ("GET", "/api/contracts", ReadContracts),
    ("GET", "/api/contracts/expiring", ReadContracts),
    ("GET", "/api/contracts/:id", ReadContracts),
    ("POST", "/api/contracts", WriteContracts),
    ("PUT", "/api/contracts/:id", WriteContracts),
    ("POST", "/api/contracts/:id/status", WriteContracts),
    ("DELETE", "/api/contracts/:id", DeleteContracts),
    ("GET", "/api/appointments", ReadAppointments),
    ("GET", "/api/appointments/calendar", ReadAppointments),
    ("GET", "/api/appointments/:id", ReadAppointments),
    ("POST", "/api/appointments", WriteAppointments),
    ("PUT", "/api/appointments/:id", WriteAppointments),
    ("DELETE", "/api/appointments/:id", DeleteAppointments),
    ("GET", "/api/contracts/:id/roster", ReadPictureDays),
    ("GET", "/api/contracts/:id/roster/:student_id", ReadPictureDays),
    ("POST", "/api/contracts/:id/roster", WritePictureDays),
    ("POST", "/api/contracts/:id/roster/import", WritePictureDays),
    ("PUT", "/api/contracts/:id/roster/:student_id", WritePictureDays),
    ("POST", "/api/contracts/:id/roster/:student_id/new-code", WritePictureDays),
    ("DELETE", "/api/contracts/:id/roster/:student_id", DeletePictureDays),
    ("GET", "/api/contracts/:id/packages", ReadPictureDays),
    ("GET", "/api/contracts/:id/packages/:package_id", ReadPictureDays),
    ("POST", "/api/contracts/:id/packages", WritePictureDays),
    ("PUT", "/api/contracts/:id/packages/:package_id", WritePictureDays),
    ("DELETE", "/api/contracts/:id/packages/:package_id", DeletePictureDays),
    ("GET", "/api/contracts/:id/package-orders", ReadPictureDays),
    ("GET", "/api/contracts/:id/package-orders/:order_id", ReadPictureDays),
    ("POST", "/api/contracts/:id/package-orders", RecordPackageOrders),
    ("GET", "/api/contracts/:id/summary", ReadPictureDays),
    ("GET", "/api/orders", ReadOrders),
    ("GET", "/api/orders/search", ReadOrders),
    ("GET", "/api/orders/:id", ReadOrders),
    ("POST", "/api/orders", WriteOrders),
    ("PUT", "/api/orders/:id", WriteOrders),
    ("POST", "/api/orders/:id/status", ChangeOrderStatus),
    ("POST", "/api/orders/:id/payments", RecordPayments),
    ("POST", "/api/orders/:id/payments/:payment_id/void", VoidPayments),
    ("DELETE", "/api/orders/:id", DeleteOrders),
    ("GET", "/api/inventory/materials", ReadInventory),
    ("POST", "/api/inventory/materials", WriteMaterials),
    ("GET", "/api/inventory/materials/:id", ReadInventory),
    ("PUT", "/api/inventory/materials/:id", WriteMaterials),
    ("DELETE", "/api/inventory/materials/:id", DeleteMaterials),
    ("GET", "/api/inventory/materials/:id/pieces", ReadInventory),
    ("GET", "/api/inventory/movements", ReadInventory),
    ("POST", "/api/inventory/movements", WriteMovements),
    ("GET", "/api/inventory/movements/:id", ReadInventory),
    ("POST", "/api/inventory/movements/:id/reverse", WriteMovements),
    ("GET", "/api/inventory/alerts", ReadInventory),
    ("GET", "/api/inventory/:category", ReadInventory),
    ("POST", "/api/quotes/frame", QuoteFrames),
    ("GET", "/api/production/orders", ReadProduction),
    ("POST", "/api/production/orders", WriteProduction),
    ("GET", "/api/production/orders/:id", ReadProduction),
    ("PUT", "/api/production/orders/:id", WriteProduction),
    ("DELETE", "/api/production/orders/:id", DeleteProduction),
    ("POST", "/api/production/orders/:id/status", WriteProduction),
    ("POST", "/api/production/register", WriteProduction),
    ("GET", "/api/production/efficiency", ReadProduction),
    ("GET", "/api/products", ReadProducts),
    ("POST", "/api/products", WriteProducts),
    ("GET", "/api/products/status/:status", ReadProducts),
    ("GET", "/api/products/location/:location", ReadProducts),
    ("GET", "/api/products/:id", ReadProducts),
    ("PUT", "/api/products/:id", WriteProducts),
    ("DELETE", "/api/products/:id", DeleteProducts),
    ("GET", "/api/products/:id/photo", ReadProducts),
    ("PUT", "/api/products/:id/photo", WriteProducts),
    ("POST", "/api/products/:id/sell", WriteProducts),
    ("POST", "/api/products/:id/reserve", WriteProducts),
    ("POST", "/api/products/:id/release", WriteProducts),
    ("POST", "/api/products/:id/deliver", WriteProducts),
    ("GET", "/api/config", ReadSettings),
    ("GET", "/api/config/system", ReadStudioDetails),
    ("PUT", "/api/config/system", ManageSettings),
    ("GET", "/api/config/alerts", ReadSettings),
    ("GET", "/api/config/backup", ManageSettings),
    ("PUT", "/api/config/backup", ManageSettings),
    ("GET", "/api/config/:key", ReadSettings),
    ("PUT", "/api/config/:key", ManageSettings),
    ("DELETE", "/api/config/:key", ManageSettings),
    ("GET", "/api/audit", ReadAudit),
    ("GET", "/api/audit/user/:user_id", ReadAudit),
    ("GET", "/api/audit/action/:action", ReadAudit),
    ("GET", "/api/audit/model/:model", ReadAudit),
    ("GET", "/api/audit/date-range", ReadAudit),
    ("GET", "/api/reports/financial", ReadFinancialReports),
    ("GET", "/api/reports/inventory", ReadWorkshopReports),
    ("GET", "/api/reports/production", ReadWorkshopReports),
    // The inventory and production files also need ReadWorkshopReports (checked by the service).
    ("GET", "/api/reports/export/:format", ReadFinancialReports),
    ("GET", "/api/dashboard", ReadDashboard),
    ("GET", "/api/dashboard/revenue", ReadDashboard),
    ("GET", "/api/dashboard/orders", ReadDashboard),
    ("GET", "/api/dashboard/clients", ReadDashboard),
    ("GET", "/api/metrics", ReadMetrics),
    ("POST", "/api/metrics", WriteTargets),
    ("GET", "/api/metrics/revenue", ReadMoneyMetrics),
    ("GET", "/api/metrics/orders", ReadMetrics),
    ("GET", "/api/metrics/clients", ReadMetrics),
    ("GET", "/api/metrics/inventory", ReadMetrics),
    ("GET", "/api/metrics/production", ReadMetrics),
    ("GET", "/api/metrics/efficiency", ReadMetrics),
    ("GET", "/api/metrics/dashboard", ReadMetrics),
    // Other metrics than the money ones also need ReadMetrics (checked by the service).
    ("GET", "/api/metrics/trends", ReadMoneyMetrics),
    ("GET", "/api/metrics/comparison", ReadMoneyMetrics),
    ("GET", "/api/metrics/:id", ReadMetrics),
    ("PUT", "/api/metrics/:id", WriteTargets),
    ("DELETE", "/api/metrics/:id", DeleteTargets),
];

/// Whether `role` has `permission`. A permission missing from the matrix is denied.
pub fn allows(role: Role, permission: Permission) -> bool {
    MATRIX.iter().find(|(p, _)| *p == permission).is_some_and(|(_, roles)| roles.contains(&role))
}

/// Whether two route templates are the same route: equal segments, and a parameter
/// (`:id`, `:param0`, `{id}`) wherever the other has one, whatever its name.
pub fn same_route(a: &str, b: &str) -> bool {
    let is_param = |s: &str| s.starts_with(':') || (s.starts_with('{') && s.ends_with('}'));
    let (a, b) = (a.trim_end_matches('/'), b.trim_end_matches('/'));
    a.split('/').count() == b.split('/').count()
        && a.split('/').zip(b.split('/')).all(|(x, y)| x == y || (is_param(x) && is_param(y)))
}

/// The permission a route needs, by method and path template (`/api/clients/:id`).
pub fn for_route(method: &Method, pattern: &str) -> Option<Permission> {
    ROUTES
        .iter()
        .find(|(m, p, _)| *m == method.as_str() && same_route(p, pattern))
        .map(|(_, _, permission)| *permission)
}

/// A route template as the API document writes it: `/api/clients/{id}`.
fn documented_path(path: &str) -> String {
    let segments: Vec<String> = path
        .split('/')
        .map(|s| s.strip_prefix(':').map_or_else(|| s.to_owned(), |name| format!("{{{name}}}")))
        .collect();
    segments.join("/")
}

/// The matrix as a Markdown table, one row per permission with its roles and routes:
/// the table docs/roles.md carries (a test keeps the two equal).
pub fn markdown_table() -> String {
    let roles = [Admin, Manager, Accountant, Staff];
    let mut out =
        String::from("| permission | admin | manager | accountant | staff | routes |\n|---|:-:|:-:|:-:|:-:|---|\n");
    for (permission, _) in MATRIX {
        let marks: Vec<&str> = roles.iter().map(|r| if allows(*r, *permission) { "✓" } else { "" }).collect();
        let routes: Vec<String> = ROUTES
            .iter()
            .filter(|(_, _, p)| p == permission)
            .map(|(m, path, _)| format!("`{m} {}`", documented_path(path)))
            .collect();
        out.push_str(&format!("| {permission:?} | {} | {} |\n", marks.join(" | "), routes.join(", ")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docs_roles_md_shows_the_table_as_it_is() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/roles.md");
        let doc = std::fs::read_to_string(&path).unwrap_or_default();
        let table = markdown_table();
        assert!(doc.contains(&table), "docs/roles.md must carry the permission table as it is now:\n\n{table}");
    }

    #[test]
    fn only_admins_delete_and_manage_users() {
        assert!(allows(Admin, DeleteClients) && allows(Admin, ManageUsers));
        for role in [Manager, Accountant, Staff] {
            assert!(!allows(role, DeleteClients), "{role:?}");
            assert!(!allows(role, ManageUsers), "{role:?}");
            assert!(allows(role, OwnAccount), "{role:?}");
        }
        assert!(!allows(Accountant, WriteClients));
        assert!(allows(Staff, WriteClients));
    }

    #[test]
    fn accountants_handle_an_orders_status_and_money_staff_never_void_only_admins_delete() {
        for permission in [ReadOrders, ChangeOrderStatus, RecordPayments, VoidPayments] {
            assert!(allows(Accountant, permission), "{permission:?}");
        }
        assert!(!allows(Accountant, WriteOrders) && !allows(Accountant, DeleteOrders));
        assert!(allows(Staff, WriteOrders) && allows(Staff, RecordPayments) && !allows(Staff, VoidPayments));
        assert!(allows(Manager, VoidPayments) && !allows(Manager, DeleteOrders));
        assert_eq!(for_route(&Method::POST, "/api/orders/{id}/payments/{payment_id}/void"), Some(VoidPayments));
        assert_eq!(for_route(&Method::GET, "/api/orders/search"), Some(ReadOrders));
    }

    #[test]
    fn every_route_is_found_by_its_pattern() {
        assert_eq!(for_route(&Method::GET, "/api/clients/:param0"), Some(ReadClients));
        assert_eq!(for_route(&Method::GET, "/api/clients/{id}"), Some(ReadClients));
        assert_eq!(for_route(&Method::GET, "/api/clients/schools"), Some(ReadClients));
        assert_eq!(for_route(&Method::PATCH, "/api/clients/:id"), None);
        assert_eq!(for_route(&Method::GET, "/api/nowhere"), None);
    }

    #[test]
    fn every_permission_in_a_route_has_a_row_in_the_matrix() {
        for (_, path, permission) in ROUTES {
            assert!(MATRIX.iter().any(|(p, _)| p == permission), "{path}: {permission:?}");
        }
    }
}
