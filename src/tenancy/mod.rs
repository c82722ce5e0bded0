//! Multi-tenancy: the tenant catalog in the shared schema, resolution of each request's
//! tenant (cached, invalidated across instances), provisioning, and the migration runner.

pub mod api;
pub mod catalog;
pub mod cors;
pub mod domains;
pub mod listener;
pub mod locale;
pub mod migrations;
pub mod model;
pub mod own_studio;
pub mod provision;
pub mod resolve;
pub mod slug;
