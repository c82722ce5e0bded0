//! Frame quotes (cotizaciones de enmarcado): the moulding, glazing, backing and mat a frame
//! takes, their cost with the studio's markups, labour and rounding — and the order item
//! the quote becomes.

pub mod api;
pub mod model;
pub mod pricing;
pub mod repo;
pub mod service;
