//! Package orders: as staff see them, as staff record them, and as a family places one with
//! an access code (and what the family is shown: no more of the student than a first name
//! and an initial).

use chrono::{DateTime, NaiveDate, Utc};
use poem_openapi::{Enum, Object};
use uuid::Uuid;

use crate::audit::Audited;
use crate::http::ApiResult;
use crate::http::fields::Checks;
use crate::http::responses::Located;
use crate::studio::money::Money;

/// Who placed an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, serde::Serialize, sqlx::Type)]
#[oai(rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
#[sqlx(type_name = "text", rename_all = "snake_case")]
pub enum OrderChannel {
    /// The family, with the student's access code (`POST /api/public/package-orders`).
    Family,
    /// A staff member, for the student (`POST /api/contracts/{id}/package-orders`).
    Staff,
}

/// A package ordered for a student.
#[derive(Debug, Clone, Object, serde::Serialize, sqlx::FromRow)]
pub struct PackageOrder {
    pub id: Uuid,
    /// The order's reference, `PKG-<year>-<5 digits>`, gap-free per studio and year.
    pub number: String,
    pub contract_id: Uuid,
    /// The school's student id.
    pub student_id: String,
    pub student_name: String,
    pub grade: String,
    pub section: Option<String>,
    pub package_id: Uuid,
    pub package_name: String,
    /// The package's price when the order was placed.
    pub price: Money,
    /// Placed after the contract's order deadline.
    pub late: bool,
    /// The contract's late fee when late, else 0.
    pub late_fee: Money,
    /// `price + late_fee`.
    pub total: Money,
    pub channel: OrderChannel,
    /// The staff user who recorded it (none for a family's own order).
    pub recorded_by: Option<Uuid>,
    pub notes: Option<String>,
    pub ordered_at: DateTime<Utc>,
}

impl Audited for PackageOrder {
    const ENTITY: &'static str = "package_order";

    fn audit_id(&self) -> Uuid {
        self.id
    }
}

impl Located for PackageOrder {
    fn location(&self) -> String {
        format!("/api/contracts/{}/package-orders/{}", self.contract_id, self.id)
    }
}

/// An order staff record for a student of the contract's roster.
#[derive(Debug, Clone, Object)]
pub struct StaffOrderInput {
    /// The school's student id, as on the roster.
    pub student_id: String,
    pub package_id: Uuid,
    /// Up to 1000 characters (how the family paid, who picked it up, ...).
    pub notes: Option<String>,
}

impl StaffOrderInput {
    /// The trimmed notes, or a 422 naming the fields that fail.
    pub fn validate(&self) -> ApiResult<Option<String>> {
        let mut checks = Checks::new();
        checks.required("student_id", &self.student_id, 40);
        let notes = checks.optional("notes", self.notes.as_deref(), 1000);
        checks.finish()?;
        Ok(notes)
    }
}

/// Filters of the order list.
#[derive(Debug, Default, Clone)]
pub struct OrderFilter {
    pub package_id: Option<Uuid>,
    /// The school's student id.
    pub student_id: Option<String>,
    pub late: Option<bool>,
    pub channel: Option<OrderChannel>,
}

/// A family's access code, typed as they like (case, spaces and dashes do not matter).
#[derive(Debug, Clone, Object)]
pub struct AccessCodeInput {
    /// 8 characters, e.g. `K7M2-QX9P`.
    #[oai(validator(max_length = 40))]
    pub access_code: String,
}

/// A family's order: the student's access code and the package chosen.
#[derive(Debug, Clone, Object)]
pub struct FamilyOrderInput {
    /// 8 characters, e.g. `K7M2-QX9P`.
    #[oai(validator(max_length = 40))]
    pub access_code: String,
    pub package_id: Uuid,
}

/// A package as a family sees it.
#[derive(Debug, Clone, Object, serde::Serialize)]
pub struct OfferedPackage {
    pub id: Uuid,
    pub name: String,
    pub price: Money,
    pub contents: Vec<String>,
    /// This student already has an order for it.
    pub ordered: bool,
}

/// What an access code opens: whose it is (first name and initial only), the school, and the
/// packages on sale with today's late fee, if any.
#[derive(Debug, Clone, Object, serde::Serialize)]
pub struct FamilyOffer {
    /// `Ana Q.`
    pub student: String,
    pub school: String,
    pub contract_title: String,
    pub order_deadline: Option<NaiveDate>,
    /// Whether an order placed today is late.
    pub late: bool,
    /// What an order placed today pays on top of the package's price.
    pub late_fee: Money,
    pub packages: Vec<OfferedPackage>,
}

/// A family's order as the family sees it.
#[derive(Debug, Clone, Object, serde::Serialize)]
pub struct FamilyOrder {
    /// The order's reference, to quote to the studio.
    pub reference: String,
    /// `Ana Q.`
    pub student: String,
    pub school: String,
    pub package_id: Uuid,
    pub package_name: String,
    pub price: Money,
    pub late: bool,
    pub late_fee: Money,
    pub total: Money,
    pub ordered_at: DateTime<Utc>,
}

impl FamilyOrder {
    /// The family's view of an order placed at `school`.
    pub fn of(order: PackageOrder, school: String) -> FamilyOrder {
        FamilyOrder {
            reference: order.number,
            student: short_name(&order.student_name),
            school,
            package_id: order.package_id,
            package_name: order.package_name,
            price: order.price,
            late: order.late,
            late_fee: order.late_fee,
            total: order.total,
            ordered_at: order.ordered_at,
        }
    }
}

/// A student's name as shown to whoever holds the code: the first given name and the
/// initial of the surname. `Quispe Mamani, Ana Lucía` (school lists put surnames first,
/// with a comma) → `Ana Q.`; `Ana Lucía Quispe` → `Ana L.`.
pub fn short_name(name: &str) -> String {
    let (given, family) = match name.split_once(',') {
        Some((surnames, given)) => (given, surnames),
        None => {
            let mut words = name.split_whitespace();
            let first = words.next().unwrap_or("");
            (first, words.next().unwrap_or(""))
        }
    };
    let first = given.split_whitespace().next().unwrap_or("");
    match family.trim().chars().next() {
        Some(initial) => format!("{first} {}.", initial.to_uppercase()),
        None => first.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::short_name;

    #[test]
    fn families_see_a_first_name_and_an_initial() {
        assert_eq!(short_name("Quispe Mamani, Ana Lucía"), "Ana Q.");
        assert_eq!(short_name("Ana Lucía Quispe"), "Ana L.");
        assert_eq!(short_name("Ñuflo, José"), "José Ñ.");
        assert_eq!(short_name("Luis"), "Luis");
        assert_eq!(short_name("álvarez rojas, maría"), "maría Á.");
    }
}
