//! The permission table: one row per action, the roles allowed to do it. Every tenant route
//! asks this table (through `TenantUser::require`); nothing else decides access.

use crate::auth::roles::Role;

/// An action a route performs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    /// Read own profile, the current tenant.
    ProfileRead,
    ClientsRead,
    ClientsWrite,
    ClientsDelete,
}

use Permission::*;
use Role::*;

/// The table itself.
pub const TABLE: &[(Permission, &[Role])] = &[
    (ProfileRead, &[Admin, Manager, Accountant, Staff]),
    (ClientsRead, &[Admin, Manager, Accountant, Staff]),
    (ClientsWrite, &[Admin, Manager, Staff]),
    (ClientsDelete, &[Admin]),
];

/// Whether `role` may perform `permission`. A permission missing from the table is denied.
pub fn allows(role: Role, permission: Permission) -> bool {
    TABLE
        .iter()
        .find(|(p, _)| *p == permission)
        .is_some_and(|(_, roles)| roles.contains(&role))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_admins_delete_clients_and_accountants_only_read_them() {
        assert!(allows(Admin, ClientsDelete));
        assert!(!allows(Manager, ClientsDelete));
        assert!(!allows(Staff, ClientsDelete));
        assert!(!allows(Accountant, ClientsWrite));
        assert!(allows(Accountant, ClientsRead));
        assert!(allows(Staff, ClientsWrite));
    }
}
