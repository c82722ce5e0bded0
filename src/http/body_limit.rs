//! Refuses request bodies over the configured size with 413, before anything reads them.
//! (poem's own `SizeLimit` also refuses bodies without Content-Length, which would turn
//! every GET into 411.)

use futures::StreamExt;
use poem::http::header;
use poem::{Body, Endpoint, Middleware, Request};

use crate::http::error::ApiError;

pub struct BodyLimit(pub usize);

impl<E: Endpoint> Middleware<E> for BodyLimit {
    type Output = BodyLimitEndpoint<E>;

    fn transform(&self, ep: E) -> Self::Output {
        BodyLimitEndpoint {
            inner: ep,
            limit: self.0,
        }
    }
}

pub struct BodyLimitEndpoint<E> {
    inner: E,
    limit: usize,
}

fn too_large(limit: usize) -> poem::Error {
    ApiError::PayloadTooLarge(format!("the request body is larger than {limit} bytes")).into()
}

impl<E: Endpoint> Endpoint for BodyLimitEndpoint<E> {
    type Output = E::Output;

    async fn call(&self, mut req: Request) -> poem::Result<Self::Output> {
        let declared = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        match declared {
            Some(length) if length > self.limit as u64 => return Err(too_large(self.limit)),
            Some(_) => {}
            None => {
                // Chunked: count as it streams and fail the read past the limit.
                let limit = self.limit;
                let mut seen = 0usize;
                let stream = req.take_body().into_bytes_stream().map(move |chunk| {
                    let chunk = chunk?;
                    seen += chunk.len();
                    if seen > limit {
                        Err(std::io::Error::other("request body too large"))
                    } else {
                        Ok(chunk)
                    }
                });
                req.set_body(Body::from_bytes_stream(stream));
            }
        }
        self.inner.call(req).await
    }
}
