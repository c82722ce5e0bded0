//! Integration tests against a real PostgreSQL: one module per area, one binary.

mod helpers;

mod clients;
mod isolation;
mod migrations;
mod operations;
mod provisioning;
mod resolution;
mod search_path;
mod tokens;
