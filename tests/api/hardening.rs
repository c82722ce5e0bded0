//! Hostile traffic and database faults, attacked from outside the running server: slow and
//! idle connections, oversized and ambiguous requests, concurrent guessing, a database
//! killed under load, orphan schemas, cross-origin calls.

mod connections;
mod cors;
mod database;
mod orphans;
mod requests;
mod throttling;
