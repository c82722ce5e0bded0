//! The audit trail: every write and every security event of a studio, in its own
//! `audit_log` table. [`record`] is the one way in; the query API comes with the audit
//! module's routes.

pub mod model;
pub mod repo;

pub use model::{AuditContext, Entry, changes};
pub use repo::record;
