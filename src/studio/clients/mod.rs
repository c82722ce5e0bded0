//! Clients and schools (clientes, colegios): the first business module, and the pattern the
//! others copy.

pub mod api;
pub mod model;
pub mod repo;
pub mod service;
