//! The agenda: bookings and the double bookings the database refuses (also when sent at
//! once), times and days in the studio's time zone across daylight saving, the list and
//! the calendar, links, roles, bad input, isolation and the demo week.

mod booking;
mod calendar;
mod rules;

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Reply, Studio, TestApp, Via};

/// A session booked from `starts_at` to `ends_at` (RFC 3339), nothing else linked.
pub fn booking(title: &str, starts_at: &str, ends_at: &str) -> Value {
    json!({"kind": "session", "title": title, "starts_at": starts_at, "ends_at": ends_at})
}

/// `body` with `key` set to `value`.
pub fn with(mut body: Value, key: &str, value: Value) -> Value {
    body[key] = value;
    body
}

/// Books as the studio's admin; the answer, whatever it is.
pub async fn try_book(app: &TestApp, s: &Studio, body: Value) -> Reply {
    app.as_studio(s, Method::POST, "/api/appointments").json(body).send().await
}

/// Books as the studio's admin and returns the new appointment.
pub async fn book(app: &TestApp, s: &Studio, body: Value) -> Value {
    let reply = try_book(app, s, body).await;
    reply.assert(201);
    reply.body
}

/// Replaces an appointment as the studio's admin.
pub async fn replace(app: &TestApp, s: &Studio, id: &Value, body: Value) -> Reply {
    app.as_studio(s, Method::PUT, &format!("/api/appointments/{}", id.as_str().unwrap())).json(body).send().await
}

/// GET `path` as the studio's admin, expecting 200.
pub async fn read(app: &TestApp, s: &Studio, path: &str) -> Value {
    let reply = app.as_studio(s, Method::GET, path).send().await;
    reply.assert(200);
    reply.body
}

/// The user id behind a token of studio `s`.
pub async fn user_id(app: &TestApp, s: &Studio, token: &str) -> String {
    let me = app.call(Method::GET, "/api/auth/profile").via(Via::Header(s.slug.clone())).token(token).send().await;
    me.assert(200);
    me.body["id"].as_str().unwrap().to_owned()
}

/// The `starts_at` of each appointment of a list or calendar, in order.
pub fn starts(appointments: &Value) -> Vec<&str> {
    appointments.as_array().unwrap().iter().map(|a| a["starts_at"].as_str().unwrap()).collect()
}

/// How many appointments the studio has, by its list.
pub async fn count(app: &TestApp, s: &Studio) -> i64 {
    read(app, s, "/api/appointments").await["count"].as_i64().unwrap()
}
