//! Creating spread over every studio: a client (one request) against an order of 3 lines
//! and its deposit (two requests, one step), alone one request at a time, then each under
//! the same concurrent load for the same time, alternating over two rounds.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use hyper::StatusCode;
use serde_json::json;
use uuid::Uuid;

use crate::load::{Conn, Workload, post_json};
use crate::{Bench, BoxError, ms, percentile};

const GIVEN: [&str; 12] =
    ["María", "José", "Rosa", "Luis", "Ana", "Carlos", "Nélida", "Wilber", "Flor", "Percy", "Ximena", "Renzo"];
const SURNAMES: [&str; 12] = [
    "Quispe", "Flores", "Mamani", "Huamán", "Condori", "Rojas", "Ccama", "Apaza", "Yupanqui", "Torres", "Díaz",
    "Paucar",
];

/// A studio to write to: its slug, its admin's `Authorization` and its clients.
struct Target {
    slug: String,
    authorization: String,
    clients: Vec<Uuid>,
}

/// Creates a client with a DNI, e-mail and phone in a random studio (the reference write
/// the other writes are compared with).
pub struct ClientCreation {
    /// Each studio's slug and its admin's `Authorization`.
    studios: Vec<(String, String)>,
    next: AtomicUsize,
}

impl ClientCreation {
    /// Numbering its clients from `first`: parts that create clients in the same studios in
    /// one run start far apart, so DNIs and e-mails never collide.
    pub fn new(studios: Vec<(String, String)>, first: usize) -> ClientCreation {
        ClientCreation { studios, next: AtomicUsize::new(first) }
    }
}

impl Workload for ClientCreation {
    async fn step(&self, conn: &mut Conn, n: usize) -> Result<bool, hyper::Error> {
        let (slug, authorization) = &self.studios[(n >> 16) % self.studios.len()];
        let k = self.next.fetch_add(1, Ordering::Relaxed);
        let name = format!("{} {} {}", GIVEN[k % 12], SURNAMES[(k / 12) % 12], SURNAMES[(k / 144) % 12]);
        let body = json!({
            "kind": "individual", "name": name, "tax_id_type": "dni", "tax_id_number": format!("{}", 10_000_000 + k),
            "email": format!("cliente.{k}@gmail.com"), "phone": format!("+51 9{:08}", k % 100_000_000),
            "address": "Av. Arequipa 1250, Lince",
        });
        let reply = conn.send(post_json("/api/clients", slug, authorization, &body)).await?;
        Ok(reply.status == StatusCode::CREATED)
    }
}

/// An order of a session, prints and a frame for one of the studio's clients.
pub fn order_body(client: Uuid, n: usize) -> serde_json::Value {
    json!({
        "client_id": client, "notes": "Entregar en 7 días",
        "items": [
            {"kind": "session", "description": "Sesión familiar en estudio", "quantity": 1, "unit_price": "150.00",
             "specs": {"duration_min": 60}},
            {"kind": "print", "description": "Impresión 20x30", "quantity": 1 + n % 12, "unit_price": "4.50",
             "specs": {"paper": "lustre"}},
            {"kind": "frame", "description": "Marco de madera 20x30", "quantity": 1, "unit_price": "45.00",
             "discount": "5.00", "specs": {"glass": true}},
        ]
    })
}

/// A deposit of 100.00 (every order of [`order_body`] costs more).
fn payment_body(n: usize) -> serde_json::Value {
    let method = ["cash", "qr", "card", "transfer"][(n >> 4) % 4];
    json!({"amount": "100.00", "method": method, "reference": format!("OP-{n:x}")})
}

/// Creates an order of 3 lines in a random studio, then records its deposit: one step.
struct OrderWithPayment {
    targets: Arc<Vec<Target>>,
}

impl Workload for OrderWithPayment {
    async fn step(&self, conn: &mut Conn, n: usize) -> Result<bool, hyper::Error> {
        let target = &self.targets[(n >> 16) % self.targets.len()];
        let client = target.clients[(n >> 8) % target.clients.len()];
        let (slug, authorization) = (&target.slug, &target.authorization);
        let created = conn.send(post_json("/api/orders", slug, authorization, &order_body(client, n))).await?;
        let Some(order) = created.location.filter(|_| created.status == StatusCode::CREATED) else {
            return Ok(false);
        };
        let paid = conn.send(post_json(&format!("{order}/payments"), slug, authorization, &payment_body(n))).await?;
        Ok(paid.status == StatusCode::CREATED)
    }
}

/// Each creating request alone, one after the other on one connection (no queueing): what
/// one costs the server and the database.
async fn unloaded(bench: &Bench<'_>, clients: &ClientCreation, orders: &OrderWithPayment) -> Result<(), BoxError> {
    let count = bench.args.read_requests;
    let mut conn = Conn::open(bench.addr).await?;
    let (mut client_ms, mut order_ms, mut payment_ms) = (Vec::new(), Vec::new(), Vec::new());
    let mut n: usize = 7;
    for _ in 0..count {
        n = n.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let started = Instant::now();
        if !clients.step(&mut conn, n).await? {
            return Err("creating a client failed".into());
        }
        client_ms.push(ms(started.elapsed()));
        let target = &orders.targets[(n >> 16) % orders.targets.len()];
        let (slug, authorization) = (&target.slug, &target.authorization);
        let started = Instant::now();
        let created =
            conn.send(post_json("/api/orders", slug, authorization, &order_body(target.clients[0], n))).await?;
        order_ms.push(ms(started.elapsed()));
        let order =
            created.location.filter(|_| created.status == StatusCode::CREATED).ok_or("creating an order failed")?;
        let started = Instant::now();
        let paid = conn.send(post_json(&format!("{order}/payments"), slug, authorization, &payment_body(n))).await?;
        payment_ms.push(ms(started.elapsed()));
        if paid.status != StatusCode::CREATED {
            return Err(format!("recording a payment: {}", paid.status).into());
        }
    }
    let p50 = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        percentile(&v, 0.5)
    };
    let (client, order, payment) = (p50(client_ms), p50(order_ms), p50(payment_ms));
    println!(
        "creating, one request at a time ({count} each, one connection): p50 POST /api/clients {client:.2} ms, \
         POST /api/orders {order:.2} ms, POST .../payments {payment:.2} ms; client ÷ (order + payment) = {:.2}",
        client / (order + payment)
    );
    Ok(())
}

/// Client creation and order-with-payment creation, alternating over two rounds.
pub fn run(bench: &Bench<'_>) -> Result<(), BoxError> {
    let targets: Arc<Vec<Target>> = Arc::new(
        bench
            .studios
            .iter()
            .map(|s| Target {
                slug: s.slug.clone(),
                authorization: s.authorization.clone(),
                clients: s.clients.clone(),
            })
            .collect(),
    );
    let studios = targets.iter().map(|t| (t.slug.clone(), t.authorization.clone())).collect();
    let clients = Arc::new(ClientCreation::new(studios, 0));
    let orders = Arc::new(OrderWithPayment { targets });
    bench.client_rt.block_on(unloaded(bench, &clients, &orders))?;
    crate::alternate(
        bench,
        bench.studios.len(),
        ("a client", clients),
        ("an order of 3 lines + its payment", orders),
        0.5,
    );
    Ok(())
}
