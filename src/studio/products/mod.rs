//! Finished products.
