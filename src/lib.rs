//! fotostudio: a schema-per-tenant backend for photo studios.
//!
//! Each studio (tenant) lives in its own PostgreSQL schema. A request's tenant is resolved
//! from its `X-Tenant` header, custom domain or subdomain ([`tenancy::resolve`]); business
//! code reaches the tenant's tables only through [`db::TenantDb`], whose search_path is that
//! tenant's; shared and per-tenant migrations keep every schema in step
//! ([`tenancy::migrations`]).

pub mod app;
pub mod audit;
pub mod auth;
pub mod cli;
pub mod config;
pub mod db;
pub mod demo;
pub mod export;
pub mod http;
pub mod images;
pub mod metrics;
pub mod routes;
pub mod studio;
pub mod telemetry;
pub mod tenancy;

/// The layering the module kit promises, checked on the source itself.
#[cfg(test)]
mod layout {
    use std::path::Path;

    /// Every line of every `.rs` file under `src/<dir>`, with its file, skipping comments.
    fn code_lines(dir: &str) -> Vec<(String, String)> {
        fn walk(path: &Path, out: &mut Vec<(String, String)>) {
            for entry in std::fs::read_dir(path).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    walk(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    for line in text.lines().filter(|l| !l.trim_start().starts_with("//")) {
                        out.push((path.display().to_string(), line.to_owned()));
                    }
                }
            }
        }
        let mut out = Vec::new();
        walk(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(dir), &mut out);
        out
    }

    fn offending(dir: &str, needles: &[&str]) -> Vec<String> {
        code_lines(dir)
            .into_iter()
            .filter(|(_, line)| needles.iter().any(|n| line.contains(n)))
            .map(|(file, line)| format!("{file}: {}", line.trim()))
            .collect()
    }

    #[test]
    fn business_code_reaches_only_its_callers_studio() {
        let found = offending(
            "studio",
            &["crate::app", "AppState", "PgPool", "search_path", "tenancy::catalog", ".catalog", "acquire("],
        );
        assert!(found.is_empty(), "business code must get its database from the caller:\n{}", found.join("\n"));
    }

    #[test]
    fn the_business_never_computes_with_floats() {
        // Money, percentages and quantities are exact decimals and integers: a float has
        // already lost the cents.
        let found = offending("studio", &["f64", "f32"]);
        assert!(found.is_empty(), "floats in the money path:\n{}", found.join("\n"));
    }

    #[test]
    fn the_lower_rooms_never_import_the_business() {
        for dir in ["auth", "tenancy", "http", "db", "audit", "export"] {
            let found = offending(dir, &["crate::studio"]);
            assert!(found.is_empty(), "{dir} imports the business:\n{}", found.join("\n"));
        }
        let found =
            offending("http", &["crate::auth", "crate::tenancy", "crate::routes", "crate::app", "crate::audit"]);
        assert!(found.is_empty(), "http is plumbing only:\n{}", found.join("\n"));
        let found = offending("db", &["crate::http", "crate::auth", "crate::tenancy"]);
        assert!(found.is_empty(), "db knows nothing above it:\n{}", found.join("\n"));
    }
}
