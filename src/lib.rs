//! fotostudio: a schema-per-tenant backend for photo studios.
//!
//! Each studio (tenant) lives in its own PostgreSQL schema. A request's tenant is resolved
//! from its `X-Tenant` header, custom domain or subdomain ([`tenancy::resolve`]); business
//! code reaches the tenant's tables only through [`db::TenantDb`], whose search_path is that
//! tenant's; shared and per-tenant migrations keep every schema in step
//! ([`tenancy::migrations`]).

pub mod app;
pub mod auth;
pub mod cli;
pub mod config;
pub mod db;
pub mod demo;
pub mod http;
pub mod studio;
pub mod telemetry;
pub mod tenancy;
