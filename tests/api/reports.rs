//! Reports and their files: every figure against hand-worked fixtures (a studio in La Paz,
//! one in Santiago, with payments and orders on both sides of month ends in their own time
//! zones), the files read back (CSV parsed, XLSX opened with calamine, PDF text extracted
//! and a page rendered), roles, bad input and isolation.

mod access;
mod exports;
mod figures;
pub mod fixture;
mod lines;

use reqwest::Method;

use crate::helpers::{Reply, Studio, TestApp};

/// `GET /api/reports/{name}?{query}` as the studio's admin.
pub async fn report(app: &TestApp, s: &Studio, name: &str, query: &str) -> Reply {
    app.as_studio(s, Method::GET, &format!("/api/reports/{name}?{query}")).send().await
}

/// A downloaded file: status, headers and the raw bytes.
pub struct Download {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub bytes: Vec<u8>,
}

impl Download {
    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
    }
}

/// `GET /api/reports/export/{format}?{query}` with `token`.
pub async fn download(app: &TestApp, slug: &str, token: &str, format: &str, query: &str) -> Download {
    let response = app
        .http
        .get(format!("{}/api/reports/export/{format}?{query}", app.base_url))
        .header("X-Tenant", slug)
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = response.bytes().await.unwrap().to_vec();
    Download { status, headers, bytes }
}
