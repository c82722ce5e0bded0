//! Frame quotes.
