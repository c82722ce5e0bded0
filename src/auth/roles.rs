//! The roles of a studio's users.

use poem_openapi::Enum;

/// A studio user's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Enum, serde::Serialize, serde::Deserialize, sqlx::Type)]
#[oai(rename_all = "snake_case")]
#[sqlx(type_name = "text", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Everything, including users and configuration.
    Admin,
    /// Reads everything; creates and updates; no users, configuration or deletes.
    Manager,
    /// Reads clients and orders; payments; financial reports.
    Accountant,
    /// Day-to-day work: clients, orders, agenda, inventory, production.
    Staff,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Manager => "manager",
            Role::Accountant => "accountant",
            Role::Staff => "staff",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Some(match s {
            "admin" => Role::Admin,
            "manager" => Role::Manager,
            "accountant" => Role::Accountant,
            "staff" => Role::Staff,
            _ => return None,
        })
    }
}
