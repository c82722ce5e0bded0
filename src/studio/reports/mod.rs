//! Reports (reportes) and their exports: the financial report (revenue, cash, receivables),
//! the inventory report (valuation, low stock, movements) and the production report (used
//! against wasted, efficiency, output, lead times), as JSON and as PDF, XLSX and CSV files.
//!
//! Reports write nothing and have no tables: each report's file (`financial.rs`,
//! `inventory.rs`, `production.rs`) holds the shapes it answers with and the aggregate SQL
//! that fills them — every figure is summed by PostgreSQL over the period's rows, one query
//! per section, never a query per row. `export/` turns any report into a file.

pub mod api;
pub mod export;
pub mod financial;
pub mod inventory;
pub mod model;
pub mod production;
pub mod repo;
pub mod service;
