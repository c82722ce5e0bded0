//! The HTTP/1.1 server loop: accepts connections up to a cap and serves the route table on
//! each with hyper, under three bounds a slow or idle client cannot stretch:
//!
//! - a request head must arrive within `head_timeout` of its first byte (or of the
//!   connection's start): a client dribbling a header a byte at a time is cut off;
//! - a keep-alive connection may sit idle between requests for `idle_timeout`;
//! - a request head may be at most `max_head_bytes` (hyper answers 431 beyond).
//!
//! At most `max_connections` connections are served at once; one more is accepted and
//! closed at once, so the listener's backlog never fills with clients nobody will serve and
//! the process never runs out of file descriptors (its soft limit is raised to the hard
//! limit at start-up). Shutdown stops accepting, lets in-flight requests finish within the
//! grace period, then closes what is left.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use http_body_util::combinators::BoxBody;
use hyper::body::Bytes;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use poem::web::{LocalAddr, RemoteAddr};
use poem::{Addr, Endpoint, EndpointExt, IntoEndpoint};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tokio::time::{Instant, Sleep};

/// The bounds every connection is served under.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub head_timeout: Duration,
    pub idle_timeout: Duration,
    pub max_head_bytes: usize,
    pub max_connections: usize,
}

/// Raises the process's file-descriptor soft limit to its hard limit and returns it: every
/// connection costs one, and the default soft limit (often 1024) is what a flood exhausts.
pub fn raise_file_limit() -> u64 {
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(limit) => limit,
        Err(e) => {
            tracing::warn!(error = %e, "could not raise the open-files limit");
            rlimit::getrlimit(rlimit::Resource::NOFILE).map(|(soft, _)| soft).unwrap_or(1024)
        }
    }
}

/// Serves `endpoint` on `listener` until `shutdown` resolves, then waits up to `grace` for
/// in-flight requests.
pub async fn serve<E>(
    listener: TcpListener,
    endpoint: E,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send,
    grace: Duration,
) -> io::Result<()>
where
    E: IntoEndpoint,
    E::Endpoint: 'static,
{
    let endpoint = Arc::new(endpoint.into_endpoint().map_to_response());
    let local = LocalAddr(Addr::SocketAddr(listener.local_addr()?));
    let permits = Arc::new(Semaphore::new(limits.max_connections));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                // Out of descriptors or a connection reset before accept: keep serving.
                Err(e) => {
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Ok(permit) = permits.clone().try_acquire_owned() else {
            tracing::warn!(peer = %peer, "connection refused: {} connections already open", limits.max_connections);
            drop(stream);
            continue;
        };
        let _ = stream.set_nodelay(true);
        let connection =
            hyper::server::conn::http1::Builder::new().max_buf_size(limits.max_head_bytes.max(8192)).serve_connection(
                TokioIo::new(Watched::new(stream, limits)),
                service(endpoint.clone(), local.clone(), peer),
            );
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            // Errors here are clients going away or timing out: nothing to answer.
            let _ = connection.await;
            drop(permit);
        });
    }
    drop(listener);
    if tokio::time::timeout(grace, graceful.shutdown()).await.is_err() {
        tracing::warn!("shutdown grace period over: closing the connections still open");
    }
    Ok(())
}

type HyperResponse = poem::http::Response<BoxBody<Bytes, io::Error>>;

/// The route table as a hyper service for one connection.
fn service<E: Endpoint<Output = poem::Response> + 'static>(
    endpoint: Arc<E>,
    local: LocalAddr,
    peer: SocketAddr,
) -> impl hyper::service::Service<
    poem::http::Request<Incoming>,
    Response = HyperResponse,
    Error = std::convert::Infallible,
    Future = impl Future<Output = Result<HyperResponse, std::convert::Infallible>> + Send,
> + Clone {
    let remote = RemoteAddr(Addr::SocketAddr(peer));
    hyper::service::service_fn(move |req: poem::http::Request<Incoming>| {
        let endpoint = endpoint.clone();
        let request = poem::Request::from((req, local.clone(), remote.clone(), poem::http::uri::Scheme::HTTP));
        async move { Ok(endpoint.get_response(request).await.into()) }
    })
}

/// Where a connection is in its request cycle, from the bytes that cross it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Waiting for (the rest of) a request head: bounded by `head_timeout`.
    Head,
    /// The head arrived; the request is being read and handled: no bound here.
    Working,
    /// A response went out; waiting for the next request: bounded by `idle_timeout`.
    Idle,
}

/// A TCP stream that closes itself (a read error) when its head or idle bound passes. It
/// finds the end of a request head by the blank line that ends it (`\r\n\r\n`), and a
/// response by the server writing.
struct Watched {
    stream: TcpStream,
    limits: Limits,
    phase: Phase,
    deadline: Pin<Box<Sleep>>,
    /// The last bytes read, to find a `\r\n\r\n` split across reads.
    tail: [u8; 3],
}

impl Watched {
    fn new(stream: TcpStream, limits: Limits) -> Watched {
        let deadline = Box::pin(tokio::time::sleep(limits.head_timeout));
        Watched { stream, limits, phase: Phase::Head, deadline, tail: [0; 3] }
    }

    fn enter(&mut self, phase: Phase) {
        self.phase = phase;
        let bound = match phase {
            Phase::Head => self.limits.head_timeout,
            Phase::Idle => self.limits.idle_timeout,
            Phase::Working => return,
        };
        self.deadline.as_mut().reset(Instant::now() + bound);
    }

    /// Follows the phase through bytes just read.
    fn saw(&mut self, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        if self.phase == Phase::Idle {
            self.enter(Phase::Head);
            self.tail = [0; 3];
        }
        if self.phase == Phase::Head {
            let mut window = self.tail.to_vec();
            window.extend_from_slice(bytes);
            if window.windows(4).any(|w| w == b"\r\n\r\n") {
                self.enter(Phase::Working);
            }
            let keep = window.len().saturating_sub(3);
            self.tail.copy_from_slice(&window[keep..keep + 3]);
        }
    }
}

impl AsyncRead for Watched {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        if this.phase != Phase::Working && this.deadline.as_mut().poll(cx).is_ready() {
            let what = if this.phase == Phase::Head { "request head" } else { "next request" };
            return Poll::Ready(Err(io::Error::new(io::ErrorKind::TimedOut, format!("no {what} in time"))));
        }
        let before = buf.filled().len();
        let polled = Pin::new(&mut this.stream).poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = polled {
            let fresh = buf.filled()[before..].to_vec();
            this.saw(&fresh);
        }
        polled
    }
}

impl AsyncWrite for Watched {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let written = Pin::new(&mut self.stream).poll_write(cx, buf);
        if let Poll::Ready(Ok(n)) = written
            && n > 0
        {
            // A response (or part of one) went out: the next bytes start a new request.
            self.enter(Phase::Idle);
        }
        written
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> Limits {
        Limits {
            head_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            max_head_bytes: 16384,
            max_connections: 10,
        }
    }

    #[tokio::test]
    async fn the_phase_follows_heads_split_across_reads() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
        let mut watched = Watched::new(client, limits());
        assert_eq!(watched.phase, Phase::Head);
        watched.saw(b"GET / HTTP/1.1\r\nHost: a\r");
        assert_eq!(watched.phase, Phase::Head);
        watched.saw(b"\n\r");
        assert_eq!(watched.phase, Phase::Head);
        watched.saw(b"\n");
        assert_eq!(watched.phase, Phase::Working, "the blank line ended the head across three reads");
        watched.enter(Phase::Idle);
        watched.saw(b"G");
        assert_eq!(watched.phase, Phase::Head, "a byte after a response starts the next head");
    }
}
