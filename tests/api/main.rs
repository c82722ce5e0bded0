//! Integration tests against a real PostgreSQL: one module per area, one binary.

mod helpers;

mod audit;
mod audit_log;
mod avatar;
mod clients;
mod contracts;
mod isolation;
mod metrics;
mod migrations;
mod operations;
mod permissions;
mod provisioning;
mod resolution;
mod search_path;
mod sessions;
mod settings;
mod tokens;
mod users;
