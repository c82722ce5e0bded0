//! The dashboard (panel): what an owner opens every morning — the month's revenue by
//! service against the year's, open orders by status, delivery times, clients new and
//! returning, stock to reorder and the workshop's efficiency — with every series shaped
//! for a chart (labels and values).
//!
//! It has no tables: `repo.rs` holds the few aggregates of its own (revenue by service,
//! open orders, low stock) and the monthly series come from the key figures
//! ([`crate::studio::kpis::figures`]), so the dashboard and `/api/metrics` never disagree.
//! Each answer is a fixed number of queries in one read-only snapshot, whatever the data.

pub mod api;
pub mod model;
pub mod repo;
pub mod service;
