//! The agenda (citas y entregas): sessions, deliveries, school picture days and meetings,
//! with the staff member and resource each takes, never double-booked, shown in the
//! studio's time zone.

pub mod api;
pub mod days;
pub mod model;
pub mod repo;
pub mod service;
