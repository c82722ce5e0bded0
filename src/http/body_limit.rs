//! Refuses request bodies over the configured size with 413, before anything reads them.
//! (poem's own `SizeLimit` also refuses bodies without Content-Length, which would turn
//! every GET into 411.)

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use futures::StreamExt;
use poem::http::header;
use poem::{Body, Endpoint, Middleware, Request};

use crate::http::error::ApiError;

/// The limits: `upload` for multipart/form-data bodies, `json` for everything else.
pub struct BodyLimit {
    pub json: usize,
    pub upload: usize,
}

impl<E: Endpoint> Middleware<E> for BodyLimit {
    type Output = BodyLimitEndpoint<E>;

    fn transform(&self, ep: E) -> Self::Output {
        BodyLimitEndpoint { inner: ep, json: self.json, upload: self.upload }
    }
}

pub struct BodyLimitEndpoint<E> {
    inner: E,
    json: usize,
    upload: usize,
}

fn too_large(limit: usize) -> poem::Error {
    ApiError::PayloadTooLarge(format!("the request body is larger than {limit} bytes")).into()
}

impl<E: Endpoint> Endpoint for BodyLimitEndpoint<E> {
    type Output = E::Output;

    async fn call(&self, mut req: Request) -> poem::Result<Self::Output> {
        let multipart = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("multipart/form-data"));
        let limit = if multipart { self.upload } else { self.json };
        let declared =
            req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
        match declared {
            Some(length) if length > limit as u64 => return Err(too_large(limit)),
            Some(_) => {}
            None => {
                // Chunked: count as it streams and fail the read past the limit. Whatever the
                // reader then makes of the failed read (a parse error, most often), the
                // answer is 413: the body was too large, not malformed.
                let exceeded = Arc::new(AtomicBool::new(false));
                let flag = exceeded.clone();
                let mut seen = 0usize;
                let stream = req.take_body().into_bytes_stream().map(move |chunk| {
                    let chunk = chunk?;
                    seen += chunk.len();
                    if seen > limit {
                        flag.store(true, Ordering::Relaxed);
                        Err(std::io::Error::other("request body too large"))
                    } else {
                        Ok(chunk)
                    }
                });
                req.set_body(Body::from_bytes_stream(stream));
                let answer = self.inner.call(req).await;
                if exceeded.load(Ordering::Relaxed) {
                    return Err(too_large(limit));
                }
                return answer;
            }
        }
        self.inner.call(req).await
    }
}
