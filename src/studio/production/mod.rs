//! Production (producción): production orders numbered `PRD-YYYY-NNNNN` with their status
//! workflow, registrations of the materials used and wasted and the products made, and
//! efficiency (used ÷ (used + wasted)).

pub mod api;
pub mod efficiency;
pub mod model;
pub mod register;
pub mod repo;
pub mod service;
