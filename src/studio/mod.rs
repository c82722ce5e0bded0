//! The business: one folder per module, each with model.rs (types), repo.rs (SQL through the
//! tenant-scoped handle), service.rs (rules) and api.rs (the poem-openapi routes).

pub mod audit;
pub mod clients;
pub mod fields;
pub mod users;
