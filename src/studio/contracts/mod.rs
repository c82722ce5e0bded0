//! Contracts with schools (contratos): yearly agreements with gap-free `CTR-YYYY-NNNNN`
//! numbers, a status workflow, and the contracts about to end.

pub mod api;
pub mod model;
pub mod repo;
pub mod service;
