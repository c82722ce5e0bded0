//! Finished products (productos terminados): framed pictures, prints, albums, souvenirs —
//! their status from stock to delivery, their location, price, links and photo.

pub mod api;
pub mod model;
pub mod repo;
pub mod service;
