//! The load generator: keep-alive HTTP/1 connections (hyper's client, in this process, on
//! its own runtime), each running a [`Workload`] step after step until a deadline, timing
//! every step; and [`sequential`] requests on one connection for latency alone.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::client::conn::http1::SendRequest;
use hyper::{Method, Request, StatusCode};

use crate::{BoxError, ms, percentile};

/// A request with a body (empty for a GET).
pub type Call = Request<Full<Bytes>>;

/// A request to the server: `authorization` is the whole header value (`Bearer ...`), and
/// `tenant` goes in `X-Tenant`.
pub fn call(method: Method, path: &str, tenant: &str, authorization: &str, body: Option<(&str, Bytes)>) -> Call {
    let builder = Request::builder()
        .method(method)
        .uri(path)
        .header("host", "127.0.0.1")
        .header("x-tenant", tenant)
        .header("authorization", authorization);
    match body {
        Some((content_type, bytes)) => builder.header("content-type", content_type).body(Full::new(bytes)),
        None => builder.body(Full::new(Bytes::new())),
    }
    .expect("a well-formed request")
}

/// A GET.
pub fn get(path: &str, tenant: &str, authorization: &str) -> Call {
    call(Method::GET, path, tenant, authorization, None)
}

/// A POST of a JSON body.
pub fn post_json(path: &str, tenant: &str, authorization: &str, body: &serde_json::Value) -> Call {
    let bytes = Bytes::from(serde_json::to_vec(body).expect("JSON"));
    call(Method::POST, path, tenant, authorization, Some(("application/json", bytes)))
}

/// What came back: the status, the `Location` header and the whole body.
pub struct Reply {
    pub status: StatusCode,
    pub location: Option<String>,
    pub body: Bytes,
}

impl Reply {
    /// The body as JSON (`Null` if it is not).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }
}

/// One keep-alive connection to the server.
pub struct Conn {
    sender: SendRequest<Full<Bytes>>,
    /// Which of a load's connections this is (workloads that keep state per client).
    pub lane: usize,
}

impl Conn {
    pub async fn open(addr: SocketAddr) -> Result<Conn, BoxError> {
        let stream = tokio::net::TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        let (sender, conn) = hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream)).await?;
        tokio::spawn(conn);
        Ok(Conn { sender, lane: 0 })
    }

    /// Sends a request and reads the whole answer; an error means the connection is gone.
    pub async fn send(&mut self, call: Call) -> Result<Reply, hyper::Error> {
        self.sender.ready().await?;
        let response = self.sender.send_request(call).await?;
        let status = response.status();
        let location = response.headers().get("location").and_then(|v| v.to_str().ok()).map(str::to_owned);
        let body = response.into_body().collect().await?.to_bytes();
        Ok(Reply { status, location, body })
    }
}

/// What each connection of a load does over and over: one request, or a few that belong
/// together (an order and its payment), timed as one step.
pub trait Workload: Send + Sync + 'static {
    /// One step on `conn`: `Ok(true)` if every request of it succeeded, `Err` if the
    /// connection broke. `n` is pseudo-random, different for each connection and step.
    fn step(&self, conn: &mut Conn, n: usize) -> impl Future<Output = Result<bool, hyper::Error>> + Send;
}

/// Workload of single GETs: `target(n)` gives the path, the `X-Tenant` and the
/// `Authorization` of each.
pub struct Gets(pub Arc<dyn Fn(usize) -> (String, String, String) + Send + Sync>);

impl Workload for Gets {
    async fn step(&self, conn: &mut Conn, n: usize) -> Result<bool, hyper::Error> {
        let (path, tenant, authorization) = (self.0)(n);
        Ok(conn.send(get(&path, &tenant, &authorization)).await?.status.is_success())
    }
}

/// The outcome of a load: steps that succeeded (with their latencies) and those that failed.
#[derive(Default)]
pub struct LoadResult {
    pub requests: usize,
    pub errors: usize,
    /// Milliseconds, sorted.
    pub latencies_ms: Vec<f64>,
    pub elapsed: Duration,
}

impl LoadResult {
    /// Successful steps per second.
    pub fn rps(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64()
    }

    pub fn p(&self, quantile: f64) -> f64 {
        percentile(&self.latencies_ms, quantile)
    }
}

/// Runs `workload` on `connections` connections for `duration`.
pub async fn load<W: Workload>(
    addr: SocketAddr,
    connections: usize,
    duration: Duration,
    workload: Arc<W>,
) -> LoadResult {
    let deadline = Instant::now() + duration;
    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..connections {
        let workload = workload.clone();
        tasks.push(tokio::spawn(async move {
            let mut conn = Conn::open(addr).await.expect("connect");
            conn.lane = c;
            let mut latencies = Vec::with_capacity(200_000);
            let mut errors = 0;
            let mut n = c;
            while Instant::now() < deadline {
                let sent = Instant::now();
                match workload.step(&mut conn, n).await {
                    Ok(true) => latencies.push(ms(sent.elapsed())),
                    Ok(false) => errors += 1,
                    Err(_) => {
                        errors += 1;
                        break;
                    }
                }
                n = n.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            }
            (latencies, errors)
        }));
    }
    let mut result = LoadResult::default();
    for task in tasks {
        let (latencies, errors) = task.await.expect("load task");
        result.requests += latencies.len();
        result.errors += errors;
        result.latencies_ms.extend(latencies);
    }
    result.elapsed = started.elapsed();
    result.latencies_ms.sort_by(f64::total_cmp);
    result
}

/// `count` requests one after the other on one connection; their latencies in
/// milliseconds, sorted. Any answer but a success stops it with the status and body.
pub async fn sequential(addr: SocketAddr, count: usize, make: impl Fn(usize) -> Call) -> Result<Vec<f64>, BoxError> {
    let mut conn = Conn::open(addr).await?;
    let mut latencies = Vec::with_capacity(count);
    for i in 0..count {
        let call = make(i);
        let path = call.uri().to_string();
        let sent = Instant::now();
        let reply = conn.send(call).await?;
        latencies.push(ms(sent.elapsed()));
        if !reply.status.is_success() {
            return Err(format!("{path}: {} {}", reply.status, String::from_utf8_lossy(&reply.body)).into());
        }
    }
    latencies.sort_by(f64::total_cmp);
    Ok(latencies)
}
