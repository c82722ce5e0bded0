//! Headers every answer carries so a browser treats it as what it is: JSON is not to be
//! sniffed into HTML, framed, or leak the URL it was fetched from. A page that needs a
//! looser policy (the `/docs` reference) sets its own `Content-Security-Policy` and keeps it.

use poem::http::{HeaderValue, header};
use poem::{Endpoint, IntoResponse, Middleware, Request, Response};

/// An API's policy: load nothing, be framed by no one.
const API_POLICY: &str = "default-src 'none'; frame-ancestors 'none'";

pub struct SecurityHeaders;

impl<E: Endpoint> Middleware<E> for SecurityHeaders {
    type Output = SecurityHeadersEndpoint<E>;

    fn transform(&self, ep: E) -> Self::Output {
        SecurityHeadersEndpoint(ep)
    }
}

pub struct SecurityHeadersEndpoint<E>(E);

impl<E: Endpoint> Endpoint for SecurityHeadersEndpoint<E> {
    type Output = Response;

    async fn call(&self, req: Request) -> poem::Result<Response> {
        let mut response = match self.0.call(req).await {
            Ok(output) => output.into_response(),
            Err(err) => crate::http::error::render_any_error(err).await,
        };
        let headers = response.headers_mut();
        headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
        headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
        headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
            headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(API_POLICY));
        }
        Ok(response)
    }
}

/// The `/docs` page's policy: its own inline scripts (by hash: `hashes` are the base64
/// SHA-256 of each inline `<script>`), inline styles (Swagger UI sets them), images and
/// fonts inline, and calls to this API only.
pub fn docs_policy(hashes: &[String]) -> String {
    let scripts: Vec<String> = hashes.iter().map(|h| format!("'sha256-{h}'")).collect();
    format!(
        "default-src 'none'; script-src {}; style-src 'unsafe-inline'; img-src 'self' data:; font-src data:; \
         connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
        scripts.join(" ")
    )
}

/// The base64 SHA-256 of every inline `<script>` of an HTML page, for `docs_policy`.
pub fn inline_script_hashes(html: &str) -> Vec<String> {
    use base64::Engine;
    use sha2::{Digest, Sha256};
    let mut hashes = Vec::new();
    let mut rest = html;
    while let Some(open) = rest.find("<script") {
        let Some(start) = rest[open..].find('>').map(|i| open + i + 1) else { break };
        let Some(end) = rest[start..].find("</script>").map(|i| start + i) else { break };
        hashes.push(base64::engine::general_purpose::STANDARD.encode(Sha256::digest(&rest[start..end])));
        rest = &rest[end..];
    }
    hashes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_inline_script_is_hashed() {
        let html = "<script charset=\"UTF-8\">a()</script><p>x</p><script>\nb()</script>";
        let hashes = inline_script_hashes(html);
        assert_eq!(hashes.len(), 2);
        // echo -n 'a()' | openssl dgst -sha256 -binary | base64
        assert_eq!(hashes[0], "qVpDBgj7bpq5hMAcGp3AOc79J3Y1Z4HvySTwKrWDoy4=");
        assert!(docs_policy(&hashes).contains(&format!("'sha256-{}'", hashes[1])));
    }
}
