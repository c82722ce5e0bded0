//! Package orders: recorded by staff for a student, or placed by a family with the
//! student's access code.

pub mod api;
pub mod model;
pub mod public_api;
pub mod repo;
pub mod service;
