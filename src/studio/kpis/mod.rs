//! Key figures (indicadores) and their targets: `/api/metrics`. Every metric of the
//! studio — revenue, payments, orders, clients, delivery days, stock, production,
//! efficiency, waste — computed for any calendar period, as a trend of weeks or months and
//! compared with the period before and the same one a year earlier; and the targets the
//! studio sets for them (one per metric and kind of period), with how far each is met.
//!
//! (Prometheus' operational metrics are another thing: [`crate::metrics`].)
//!
//! `figures.rs` computes any metrics over any spans in one query per family of metrics;
//! `periods.rs` knows the calendar; the targets are `model.rs`/`repo.rs`/`service.rs` as
//! in every module.

pub mod api;
pub mod figures;
pub mod model;
pub mod periods;
pub mod repo;
pub mod service;
pub mod views;
