//! Integration tests against a real PostgreSQL: one module per area, one binary.

mod helpers;
mod pgbouncer;

mod agenda;
mod audit;
mod audit_log;
mod avatar;
mod clients;
mod contracts;
mod dashboard;
mod hardening;
mod inventory;
mod isolation;
mod kpis;
mod metrics;
mod migrations;
mod operations;
mod orders;
mod permissions;
mod picture_days;
mod production;
mod products;
mod provisioning;
mod quotes;
mod reports;
mod resolution;
mod search_path;
mod sessions;
mod settings;
mod tokens;
mod users;
