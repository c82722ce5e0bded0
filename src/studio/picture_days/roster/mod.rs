//! A contract's roster: students with class, student id, guardian contact and access code;
//! imported from CSV or XLSX, edited by hand, printed as a class list.

pub mod api;
pub mod columns;
pub mod export;
pub mod file;
pub mod model;
pub mod repo;
pub mod service;
