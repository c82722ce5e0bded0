//! A studio's users: management by admins (`/api/users`), and the repo and rules the
//! sign-in and profile routes (`auth::api`) use.

pub mod api;
pub mod model;
pub mod repo;
pub mod service;
