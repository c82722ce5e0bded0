//! A studio's users (the API arrives with the identity work; sign-in uses the repo now).

pub mod model;
pub mod repo;
