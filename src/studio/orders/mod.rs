//! Orders (pedidos): what a client buys — sessions, prints, frames, souvenirs, design,
//! restoration — with gap-free `ORD-YYYY-NNNNN` numbers, server-computed money in both tax
//! modes, payments with voiding, a status workflow with its history, and search.
//!
//! - `model.rs` — the order as the API shows it, its enums and workflow;
//! - `input.rs` — what the API takes and its validation (totals sent by a client refused);
//! - `pricing.rs` — the money: lines, discounts, tax per line, totals;
//! - `repo/` — SQL on `orders`, `order_items`, `order_payments`, `order_status_history`;
//! - `service/` — the rules and units of work: orders, status changes, payments;
//! - `api.rs` — `/api/orders`.

pub mod api;
pub mod input;
pub mod model;
pub mod pricing;
pub mod repo;
pub mod service;
