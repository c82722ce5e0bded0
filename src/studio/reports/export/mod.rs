//! Reports as files: each report laid out as an [`crate::export::Document`] ([`layout`]),
//! in Spanish ([`labels`]), for the writers of [`crate::export`] to render as PDF, XLSX or
//! CSV.

pub mod labels;
pub mod layout;
