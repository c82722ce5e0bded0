//! A studio's settings (configuración): typed keys with defaults — tax, deposits, lead
//! times — that the other modules read inside their own unit of work.

pub mod model;
pub mod repo;

pub use model::StudioSettings;
pub use repo::load;
