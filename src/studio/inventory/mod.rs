//! The workshop's inventory (inventario): materials in seven categories with typed
//! attributes, the stock ledger (every change of stock is a movement), mouldings kept as
//! sticks and remnants and cut by best fit, and low-stock alerts.

pub mod alerts;
pub mod api;
pub mod attributes;
pub mod changes;
pub mod cutting;
pub mod ledger;
pub mod ledger_repo;
pub mod model;
pub mod movements;
pub mod repo;
pub mod service;
pub mod verify;
