//! A demo picture day: an active contract with the first demo school, three packages, a
//! roster of two classes imported from a CSV file (as a school would send it), and a few
//! orders taken at the studio.

use chrono::{Datelike, Days};
use rust_decimal::Decimal;

use crate::auth::extract::TenantUser;
use crate::db::Window;
use crate::http::{ApiError, ApiResult};
use crate::studio::clients::model::{ClientFilter, ClientKind};
use crate::studio::clients::service as clients;
use crate::studio::contracts::model::{ContractInput, ContractStatus};
use crate::studio::contracts::service as contracts;
use crate::studio::money::{Money, Percent};
use crate::studio::picture_days::orders::model::StaffOrderInput;
use crate::studio::picture_days::orders::service as orders;
use crate::studio::picture_days::packages::model::PackageInput;
use crate::studio::picture_days::packages::service as packages;
use crate::studio::picture_days::roster::service as roster;

/// Packages: name, price in soles, contents.
const PACKAGES: &[(&str, i64, &[&str])] = &[
    ("Paquete Básico", 45, &["1 foto 20x25", "2 fotos 13x18"]),
    ("Paquete Familiar", 80, &["1 foto 20x25", "4 fotos 13x18", "8 fotos carnet"]),
    ("Paquete Promoción", 120, &["1 foto 20x25 con marco", "4 fotos 13x18", "8 fotos carnet", "Foto grupal del aula"]),
];

/// Students of 5to A and 5to B: surnames, given names, guardian.
const STUDENTS: &[(&str, &str, &str)] = &[
    ("Quispe Mamani", "Ana Lucía", "Rosa Mamani"),
    ("Huamán Torres", "Diego Alonso", "Carlos Huamán"),
    ("Flores Condori", "Valeria", "Marta Condori"),
    ("Rojas Vega", "Sebastián", "Jorge Rojas"),
    ("Castillo Apaza", "Camila Andrea", "Lucía Apaza"),
    ("Mendoza Ríos", "Mateo", "Elena Ríos"),
    ("Chávez Núñez", "Sofía", "Pedro Chávez"),
    ("Ramírez Peña", "Joaquín", "Carmen Peña"),
    ("Gutiérrez Salas", "Isabella", "Miguel Gutiérrez"),
    ("Vargas Ccama", "Thiago", "Nancy Ccama"),
    ("Paredes León", "Luciana", "Raúl Paredes"),
    ("Ticona Quispe", "Adrián", "Juana Quispe"),
];

/// The roster file, as a school secretary's spreadsheet saves it (semicolons, Spanish headers).
fn roster_csv() -> Vec<u8> {
    let mut csv = String::from("Código;Apellidos y nombres;Grado;Sección;Apoderado;Teléfono;Correo\r\n");
    for (i, (surnames, given, guardian)) in STUDENTS.iter().enumerate() {
        let section = if i % 2 == 0 { "A" } else { "B" };
        csv += &format!(
            "2026{:04};{surnames}, {given};5to;{section};{guardian};+51 9{:08};familia{}@correo.pe\r\n",
            i + 1,
            40_000_000 + i * 1_111,
            i + 1
        );
    }
    csv.into_bytes()
}

/// Creates the demo picture day.
pub async fn seed(admin: &TenantUser) -> ApiResult<()> {
    let schools = ClientFilter { kind: Some(ClientKind::School), search: None };
    let (_, found) = clients::list(admin, &schools, Window { limit: 1, offset: 0 }).await?;
    let school = found.first().ok_or_else(|| ApiError::internal("the demo has no school"))?;
    let today = admin.tenant.today();
    let input = ContractInput {
        school_id: school.id,
        title: format!("Fotos escolares {}", today.year()),
        academic_year: today.year(),
        starts_on: today - Days::new(30),
        ends_on: today + Days::new(150),
        expected_students: Some(STUDENTS.len() as i32),
        package_price: Some(Money(Decimal::from(80))),
        deposit: None,
        commission_percent: Some(Percent(Decimal::from(10))),
        terms: Some("La escuela recibe el 10% de lo vendido. Pedidos tardíos: S/ 10 adicionales.".to_owned()),
        signed_on: Some(today - Days::new(30)),
        order_deadline: Some(today + Days::new(21)),
        late_fee: Some(Money(Decimal::from(10))),
    };
    let contract = contracts::create(admin, &input).await?;
    contracts::set_status(admin, contract.id, ContractStatus::Active).await?;
    let mut package_ids = Vec::new();
    for (name, price, contents) in PACKAGES {
        let input = PackageInput {
            name: (*name).to_owned(),
            price: Money(Decimal::from(*price)),
            contents: Some(contents.iter().map(|c| (*c).to_owned()).collect()),
            active: None,
        };
        package_ids.push(packages::create(admin, contract.id, &input).await?.id);
    }
    roster::import(admin, contract.id, roster_csv()).await?;
    for (student, package) in [("20260001", 2), ("20260002", 0), ("20260004", 1), ("20260007", 2)] {
        let input = StaffOrderInput {
            student_id: student.to_owned(),
            package_id: package_ids[package],
            notes: Some("Pagado en el estudio".to_owned()),
        };
        orders::record(admin, contract.id, &input).await?;
    }
    Ok(())
}
