//! A school's class list of 2,000 students as a secretary exports it from a spreadsheet
//! (UTF-8 CSV, Spanish headers, `Apellidos, Nombres`), imported through
//! `POST /api/contracts/{id}/roster/import` and timed end to end.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use hyper::body::Bytes;
use hyper::{Method, StatusCode};
use uuid::Uuid;

use crate::BoxError;
use crate::load::{Conn, call};

const GIVEN: [&str; 20] = [
    "María Fernanda",
    "José Luis",
    "Ana Lucía",
    "Juan Carlos",
    "Rosa",
    "Luis Alberto",
    "Carmen",
    "Miguel Ángel",
    "Valeria",
    "Diego",
    "Camila",
    "Sebastián",
    "Ximena",
    "Mateo",
    "Milagros",
    "Renzo",
    "Nayeli",
    "Kevin",
    "Yessenia",
    "Jhon",
];
const SURNAMES: [&str; 24] = [
    "Quispe",
    "Flores",
    "Mamani",
    "Sánchez",
    "Rodríguez",
    "García",
    "Huamán",
    "Condori",
    "Chávez",
    "Rojas",
    "Ccama",
    "Huanca",
    "Choque",
    "Ticona",
    "Apaza",
    "Yupanqui",
    "Vargas",
    "Torres",
    "Mendoza",
    "Paucar",
    "Cusi",
    "Layme",
    "Ramos",
    "Díaz",
];
const GRADES: [&str; 11] =
    ["Inicial 4 años", "Inicial 5 años", "1ro", "2do", "3ro", "4to", "5to", "6to", "1ro sec", "2do sec", "3ro sec"];

/// A class list of `rows` students; `edition` changes every guardian phone (a re-import
/// that updates each row).
pub fn class_list(rows: usize, edition: u32) -> Vec<u8> {
    let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    writer
        .write_record(["Código", "Nombre", "Grado", "Sección", "Apoderado", "Teléfono", "Correo"])
        .expect("in memory");
    for i in 0..rows {
        let pick = |list: &[&'static str], salt: usize| list[(i * 7919 + salt * 104_729) % list.len()];
        let (first, second) = (pick(&SURNAMES, 1), pick(&SURNAMES, 2));
        writer
            .write_record([
                format!("2026{:05}", i + 1),
                format!("{first} {second}, {}", pick(&GIVEN, 3)),
                GRADES[i * GRADES.len() / rows].to_owned(),
                ["A", "B", "C", "D"][i % 4].to_owned(),
                format!("{} {first}", pick(&GIVEN, 4)),
                format!("+51 9{:02} {:06}", edition % 100, (i * 7 + 11) % 1_000_000),
                format!("familia.{}.{}@gmail.com", first.to_lowercase(), i + 1),
            ])
            .expect("in memory");
    }
    writer.into_inner().expect("in memory")
}

/// Imports `file` into the contract's roster as a browser would (multipart field `file`,
/// on a connection already open); the time from sending to the whole answer, and the
/// answer (`{rows, created, updated, unchanged, students}`).
pub async fn import(
    addr: SocketAddr,
    (tenant, authorization): (&str, &str),
    contract: Uuid,
    file: &[u8],
) -> Result<(Duration, serde_json::Value), BoxError> {
    let boundary = "----fotostudio-bench-7d1f0c";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"nomina-2026.csv\"\r\n\
         Content-Type: text/csv\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let content_type = format!("multipart/form-data; boundary={boundary}");
    let path = format!("/api/contracts/{contract}/roster/import");
    let request = call(Method::POST, &path, tenant, authorization, Some((&content_type, Bytes::from(body))));
    let mut conn = Conn::open(addr).await?;
    let started = Instant::now();
    let reply = conn.send(request).await?;
    let took = started.elapsed();
    if reply.status != StatusCode::OK {
        return Err(format!("roster import: {} {}", reply.status, String::from_utf8_lossy(&reply.body)).into());
    }
    Ok((took, reply.json()))
}
