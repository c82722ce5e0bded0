//! The audit trail, read (`/api/audit`): every write and security event of the studio —
//! who, what, which record, the changes, request id, IP, when — filtered and paginated,
//! newest first. The trail itself is written by [`crate::audit`] inside each write.

pub mod api;
pub mod model;
pub mod repo;
pub mod service;
