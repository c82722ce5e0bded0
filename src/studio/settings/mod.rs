//! A studio's settings (configuración): typed keys with defaults — tax, deposits, lead
//! times, rounding, exports, the studio's own details — that the other modules read inside
//! their own unit of work, and `/api/config` to read, change, reset, back up and restore
//! them.

pub mod api;
pub mod document;
pub mod model;
pub mod repo;
pub mod service;
pub mod values;
pub mod views;

pub use model::StudioSettings;
pub use repo::load;
