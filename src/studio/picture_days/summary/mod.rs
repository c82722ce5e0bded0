//! A contract's picture-day figures: students, orders, sales by package, revenue and the
//! school's commission.

pub mod api;
pub mod model;
pub mod repo;
pub mod service;
