//! School picture days: roster imports (CSV in two encodings and two separators, XLSX),
//! access codes, the class list file, packages, family and staff orders, the summary, roles
//! and isolation. Shared helpers here; the tests by area below.

mod codes;
mod input;
mod isolation;
mod orders;
mod roster;
mod summary;

use chrono::{Days, NaiveDate, Utc};
use reqwest::Method;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use crate::helpers::{Reply, Studio, TestApp, Via};

/// Today as the test studios see it (they are on America/Lima, a day never far from UTC's).
fn today() -> NaiveDate {
    Utc::now().with_timezone(&chrono_tz::America::Lima).date_naive()
}

/// The header and rows of a roster, as a school's secretary would type them.
const HEADER: [&str; 7] = ["Código", "Nombre", "Grado", "Sección", "Apoderado", "Teléfono", "Correo"];

/// `n` students: ids `A0001`..., names with accents, two sections of 5to.
fn students(n: usize) -> Vec<[String; 7]> {
    (1..=n)
        .map(|i| {
            [
                format!("A{i:04}"),
                format!("Peña Núñez, María José {i}"),
                "5to".to_owned(),
                if i % 2 == 0 { "B" } else { "A" }.to_owned(),
                format!("Rosa Núñez {i}"),
                format!("+51 987 {i:06}"),
                format!("familia{i}@correo.pe"),
            ]
        })
        .collect()
}

/// A CSV file of `rows` under `header`, with `separator`, quoted where a value needs it.
fn csv_text(header: &[&str], rows: &[[String; 7]], separator: char) -> String {
    let mut writer =
        csv::WriterBuilder::new().delimiter(separator as u8).terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    writer.write_record(header).unwrap();
    for row in rows {
        writer.write_record(row).unwrap();
    }
    String::from_utf8(writer.into_inner().unwrap()).unwrap()
}

/// The text in Latin-1, as Excel on Windows saves "CSV".
fn latin1(text: &str) -> Vec<u8> {
    text.chars().map(|c| u8::try_from(u32::from(c)).expect("a Latin-1 character")).collect()
}

/// A school and an active contract with it (from 60 days ago to 120 days ahead), with the
/// given order deadline, late fee and commission; its id.
async fn active_contract(
    app: &TestApp,
    s: &Studio,
    deadline: Option<NaiveDate>,
    late_fee: &str,
    commission: &str,
) -> String {
    let school = app
        .create_client(s, json!({"kind": "school", "name": format!("Colegio de {}", s.slug), "contact_name": "Carmen"}))
        .await;
    let contract = contract_body(&school, deadline, late_fee, commission);
    let reply = app.as_studio(s, Method::POST, "/api/contracts").json(contract).send().await;
    reply.assert(201);
    let id = reply.body["id"].as_str().unwrap().to_owned();
    set_status(app, s, &id, "active").await;
    id
}

fn contract_body(school: &str, deadline: Option<NaiveDate>, late_fee: &str, commission: &str) -> Value {
    let (start, end) = (today() - Days::new(60), today() + Days::new(120));
    json!({
        "school_id": school, "title": "Fotos escolares", "academic_year": start.format("%Y").to_string().parse::<i32>().unwrap(),
        "starts_on": start.to_string(), "ends_on": end.to_string(), "commission_percent": commission,
        "order_deadline": deadline.map(|d| d.to_string()), "late_fee": late_fee
    })
}

async fn set_status(app: &TestApp, s: &Studio, contract: &str, status: &str) {
    app.as_studio(s, Method::POST, &format!("/api/contracts/{contract}/status"))
        .json(json!({"status": status}))
        .send()
        .await
        .assert(200);
}

/// Uploads a roster file as `token` of `studio`.
async fn upload_as(app: &TestApp, slug: &str, token: &str, contract: &str, bytes: Vec<u8>, name: &str) -> Reply {
    let part = Part::bytes(bytes).file_name(name.to_owned());
    let response = app
        .http
        .post(format!("{}/api/contracts/{contract}/roster/import", app.base_url))
        .header("X-Tenant", slug)
        .bearer_auth(token)
        .multipart(Form::new().part("file", part))
        .send()
        .await
        .unwrap();
    let (status, headers) = (response.status(), response.headers().clone());
    let body = response.json().await.unwrap_or(Value::Null);
    Reply { status, headers, body }
}

async fn import(app: &TestApp, s: &Studio, contract: &str, bytes: Vec<u8>, name: &str) -> Reply {
    upload_as(app, &s.slug, &s.token, contract, bytes, name).await
}

/// The whole roster of a contract (up to 100), in class order.
async fn roster(app: &TestApp, s: &Studio, contract: &str) -> Vec<Value> {
    let reply = app.as_studio(s, Method::GET, &format!("/api/contracts/{contract}/roster?page_size=100")).send().await;
    reply.assert(200);
    reply.body["results"].as_array().unwrap().clone()
}

/// A package of a contract; its id.
async fn package(app: &TestApp, s: &Studio, contract: &str, name: &str, price: &str) -> String {
    let reply = app
        .as_studio(s, Method::POST, &format!("/api/contracts/{contract}/packages"))
        .json(json!({"name": name, "price": price, "contents": ["1 foto 20x25", "2 fotos 13x18"]}))
        .send()
        .await;
    reply.assert(201);
    reply.body["id"].as_str().unwrap().to_owned()
}

/// A family's order at a studio's host: no token.
async fn family_order(app: &TestApp, slug: &str, code: &str, package: &str) -> Reply {
    app.call(Method::POST, "/api/public/package-orders")
        .via(Via::Header(slug.to_owned()))
        .json(json!({"access_code": code, "package_id": package}))
        .send()
        .await
}

/// A staff order for a student (by the school's student id) as `token`.
async fn staff_order(app: &TestApp, slug: &str, token: &str, contract: &str, student: &str, package: &str) -> Reply {
    app.call(Method::POST, &format!("/api/contracts/{contract}/package-orders"))
        .via(Via::Header(slug.to_owned()))
        .token(token)
        .json(json!({"student_id": student, "package_id": package}))
        .send()
        .await
}

/// A contract with `n` students imported; (contract id, the students as the API shows them).
async fn contract_with_students(app: &TestApp, s: &Studio, n: usize) -> (String, Vec<Value>) {
    let contract = active_contract(app, s, None, "0", "10").await;
    import(app, s, &contract, csv_text(&HEADER, &students(n), ',').into_bytes(), "lista.csv").await.assert(200);
    let listed = roster(app, s, &contract).await;
    (contract, listed)
}
