//! How a load spreads its requests over the studios: uniformly, by Zipf's law (a few
//! studios busy, most idle), in bursts (a client sticks to one studio for a run of 10–30
//! requests, as a staff member clicking through screens does, then moves), or all on one.

use std::sync::Arc;
use std::sync::Mutex;

use crate::load::{Conn, Workload, get};

/// The shape of the traffic.
pub enum Shape {
    Uniform,
    /// Studio `k` (0-based rank) gets a share proportional to 1 / (k + 1)^s.
    Zipf(Zipf),
    /// Per connection: the studio it is on and the requests left in its run.
    Bursts(Vec<Mutex<(usize, usize)>>),
    One,
}

impl Shape {
    pub fn zipf(studios: usize, s: f64) -> Shape {
        Shape::Zipf(Zipf::new(studios, s))
    }

    pub fn bursts(connections: usize) -> Shape {
        Shape::Bursts((0..connections).map(|_| Mutex::new((0, 0))).collect())
    }
}

/// Zipf's law over `n` ranks, sampled by inverting its cumulative distribution.
pub struct Zipf {
    cdf: Vec<f64>,
}

impl Zipf {
    pub fn new(n: usize, s: f64) -> Zipf {
        let mut cdf = Vec::with_capacity(n);
        let mut total = 0.0;
        for k in 1..=n {
            total += 1.0 / (k as f64).powf(s);
            cdf.push(total);
        }
        cdf.iter_mut().for_each(|c| *c /= total);
        Zipf { cdf }
    }

    /// The rank for `u` in [0, 1).
    pub fn sample(&self, u: f64) -> usize {
        self.cdf.partition_point(|&c| c <= u).min(self.cdf.len() - 1)
    }

    /// The share of requests the busiest `k` ranks get.
    pub fn share_of_top(&self, k: usize) -> f64 {
        self.cdf[k.min(self.cdf.len()) - 1]
    }
}

/// `GET path` on the studios (slug, `Authorization`) picked by `shape`.
pub struct Visits {
    pub path: String,
    pub studios: Arc<Vec<(String, String)>>,
    pub shape: Shape,
}

/// A uniform number in [0, 1) from the high bits of a step's pseudo-random `n`.
fn unit(n: usize) -> f64 {
    ((n as u64) >> 11) as f64 / (1u64 << 53) as f64
}

impl Visits {
    fn pick(&self, lane: usize, n: usize) -> usize {
        let len = self.studios.len();
        let uniform = ((n as u64 >> 16) % len as u64) as usize;
        match &self.shape {
            Shape::Uniform => uniform,
            Shape::Zipf(zipf) => zipf.sample(unit(n)),
            Shape::Bursts(lanes) => {
                let mut run = lanes[lane % lanes.len()].lock().unwrap_or_else(|e| e.into_inner());
                if run.1 == 0 {
                    *run = (uniform, 10 + (n as u64 >> 40) as usize % 21);
                }
                run.1 -= 1;
                run.0
            }
            Shape::One => 0,
        }
    }
}

impl Workload for Visits {
    async fn step(&self, conn: &mut Conn, n: usize) -> Result<bool, hyper::Error> {
        let (slug, authorization) = &self.studios[self.pick(conn.lane, n)];
        Ok(conn.send(get(&self.path, slug, authorization)).await?.status.is_success())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zipf_gives_the_first_rank_its_share() {
        let zipf = Zipf::new(1000, 1.1);
        let harmonic: f64 = (1..=1000).map(|k| 1.0 / (k as f64).powf(1.1)).sum();
        assert!((zipf.share_of_top(1) - 1.0 / harmonic).abs() < 1e-12);
        assert_eq!(zipf.sample(0.0), 0);
        assert_eq!(zipf.sample(0.999_999_999), 999);
        let mut counts = vec![0usize; 1000];
        for i in 0..100_000 {
            counts[zipf.sample(i as f64 / 100_000.0)] += 1;
        }
        assert!(counts[0] > counts[1] && counts[1] > counts[10] && counts[10] > counts[500]);
    }
}
