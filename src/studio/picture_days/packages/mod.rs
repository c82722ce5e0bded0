//! The packages a contract sells to its families.

pub mod api;
pub mod model;
pub mod repo;
pub mod service;
