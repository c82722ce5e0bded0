//! The audit trail: every write and every security event of a studio, in its own
//! `audit_log` table, written inside the write's own transaction (a rolled-back write leaves
//! no row). Modules record their writes with [`created`], [`updated`] and [`deleted`] on an
//! [`Audited`] record, and other events with [`record`].

pub mod model;
pub mod repo;

pub use model::{AuditContext, Audited, Entry, changes};
pub use repo::{created, deleted, record, updated};
