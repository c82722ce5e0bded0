//! A contract as the API shows it, its status workflow, and the inputs that make or change one.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use poem_openapi::{Enum, Object};
use uuid::Uuid;

use crate::audit::Audited;
use crate::http::ApiResult;
use crate::http::fields::Checks;
use crate::http::responses::Located;
use crate::studio::money::{Money, Percent};

/// Where a contract stands. `expired` is never set: an active contract reads as expired once
/// its end date has passed in the studio's time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, serde::Serialize, sqlx::Type)]
#[oai(rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
#[sqlx(type_name = "text", rename_all = "snake_case")]
pub enum ContractStatus {
    Draft,
    Active,
    Completed,
    Cancelled,
    Expired,
}

impl ContractStatus {
    /// The workflow: draft → active → completed, and cancelled from draft or active. An
    /// expired contract is still active for the workflow (it can be completed or cancelled).
    pub fn may_become(self, to: ContractStatus) -> bool {
        use ContractStatus::*;
        matches!((self, to), (Draft, Active | Cancelled) | (Active | Expired, Completed | Cancelled))
    }

    /// Whether the contract is over and its terms may no longer change.
    pub fn is_closed(self) -> bool {
        matches!(self, ContractStatus::Completed | ContractStatus::Cancelled)
    }

    /// The status a stored one reads as on `today` (the studio's date): active and past its
    /// end date → expired.
    pub fn as_of(self, ends_on: NaiveDate, today: NaiveDate) -> ContractStatus {
        if self == ContractStatus::Active && ends_on < today { ContractStatus::Expired } else { self }
    }

    /// The status as the API writes it (`active`, `expired`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            ContractStatus::Draft => "draft",
            ContractStatus::Active => "active",
            ContractStatus::Completed => "completed",
            ContractStatus::Cancelled => "cancelled",
            ContractStatus::Expired => "expired",
        }
    }
}

/// A contract with a school.
#[derive(Debug, Clone, Object, serde::Serialize, sqlx::FromRow)]
pub struct Contract {
    pub id: Uuid,
    /// `CTR-<year>-<5 digits>`, gap-free per studio and year.
    pub number: String,
    pub school_id: Uuid,
    pub school_name: String,
    pub title: String,
    pub academic_year: i32,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub status: ContractStatus,
    pub expected_students: Option<i32>,
    /// The price of one student's package.
    pub package_price: Money,
    pub deposit: Money,
    /// The school's commission, as a percentage of what its families pay.
    pub commission_percent: Percent,
    pub terms: Option<String>,
    pub signed_on: Option<NaiveDate>,
    /// Picture days: the last day families order at the normal price (none: never late).
    pub order_deadline: Option<NaiveDate>,
    /// Picture days: what an order placed after `order_deadline` pays on top.
    pub late_fee: Money,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Contract {
    /// The contract as of `today` (the studio's date): active and past its end → expired.
    pub fn as_of(mut self, today: NaiveDate) -> Contract {
        self.status = self.status.as_of(self.ends_on, today);
        self
    }
}

impl Audited for Contract {
    const ENTITY: &'static str = "contract";

    fn audit_id(&self) -> Uuid {
        self.id
    }
}

impl Located for Contract {
    fn location(&self) -> String {
        format!("/api/contracts/{}", self.id)
    }
}

/// The fields of a contract, as sent to create or replace one (the number and status are
/// the server's: status changes go through `POST /api/contracts/{id}/status`).
#[derive(Debug, Clone, Object)]
pub struct ContractInput {
    /// A client of kind `school`.
    pub school_id: Uuid,
    /// 1–200 characters.
    pub title: String,
    /// 2000–2100.
    pub academic_year: i32,
    pub starts_on: NaiveDate,
    /// On or after `starts_on`, at most 3 years later.
    pub ends_on: NaiveDate,
    /// 0–100000.
    pub expected_students: Option<i32>,
    /// Default 0.
    pub package_price: Option<Money>,
    /// Default 0.
    pub deposit: Option<Money>,
    /// 0–100, two decimals; default 0.
    pub commission_percent: Option<Percent>,
    /// Up to 10000 characters.
    pub terms: Option<String>,
    pub signed_on: Option<NaiveDate>,
    /// Picture days: the last day families order at the normal price, between `starts_on`
    /// and `ends_on`. Orders after it are still taken, flagged late.
    pub order_deadline: Option<NaiveDate>,
    /// Picture days: added to an order placed after `order_deadline`. Default 0.
    pub late_fee: Option<Money>,
}

/// A contract's fields after every rule passed.
#[derive(Debug, Clone)]
pub struct ValidContract {
    pub school_id: Uuid,
    pub title: String,
    pub academic_year: i32,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub expected_students: Option<i32>,
    pub package_price: Money,
    pub deposit: Money,
    pub commission_percent: Percent,
    pub terms: Option<String>,
    pub signed_on: Option<NaiveDate>,
    pub order_deadline: Option<NaiveDate>,
    pub late_fee: Money,
}

/// Dates a studio can mean: years 2000 to 2100.
fn plausible(checks: &mut Checks, field: &str, date: Option<NaiveDate>) {
    if date.is_some_and(|d| !(2000..=2100).contains(&d.year())) {
        checks.fail(field, "must be a date between the years 2000 and 2100");
    }
}

impl ContractInput {
    /// Checks every field and names each that fails.
    pub fn validate(&self) -> ApiResult<ValidContract> {
        let mut checks = Checks::new();
        let title = checks.required("title", &self.title, 200);
        if !(2000..=2100).contains(&self.academic_year) {
            checks.fail("academic_year", "must be between 2000 and 2100");
        }
        plausible(&mut checks, "starts_on", Some(self.starts_on));
        plausible(&mut checks, "ends_on", Some(self.ends_on));
        plausible(&mut checks, "signed_on", self.signed_on);
        if self.order_deadline.is_some_and(|d| d < self.starts_on || d > self.ends_on) {
            checks.fail("order_deadline", "must be between starts_on and ends_on");
        }
        if self.ends_on < self.starts_on {
            checks.fail("ends_on", "must not be before starts_on");
        } else if (self.ends_on - self.starts_on).num_days() > 3 * 366 {
            checks.fail("ends_on", "a contract lasts at most 3 years");
        }
        if self.expected_students.is_some_and(|n| !(0..=100_000).contains(&n)) {
            checks.fail("expected_students", "must be between 0 and 100000");
        }
        let package_price = Money::checked(&mut checks, "package_price", self.package_price);
        let deposit = Money::checked(&mut checks, "deposit", self.deposit);
        let commission_percent = Percent::checked(&mut checks, "commission_percent", self.commission_percent);
        let late_fee = Money::checked(&mut checks, "late_fee", self.late_fee);
        let terms = checks.optional("terms", self.terms.as_deref(), 10_000);
        checks.finish()?;
        Ok(ValidContract {
            school_id: self.school_id,
            title,
            academic_year: self.academic_year,
            starts_on: self.starts_on,
            ends_on: self.ends_on,
            expected_students: self.expected_students,
            package_price,
            deposit,
            commission_percent,
            terms,
            signed_on: self.signed_on,
            order_deadline: self.order_deadline,
            late_fee,
        })
    }
}

/// A status change.
#[derive(Debug, Clone, Object)]
pub struct StatusChange {
    /// `active`, `completed` or `cancelled` (`expired` is derived, never set).
    pub status: ContractStatus,
}

/// Filters of the contract list.
#[derive(Debug, Default, Clone)]
pub struct ContractFilter {
    pub status: Option<ContractStatus>,
    pub school_id: Option<Uuid>,
    pub academic_year: Option<i32>,
    /// Matches number and title.
    pub search: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::ContractStatus::*;
    use super::*;

    #[test]
    fn status_names_are_the_api_names() {
        for status in [Draft, Active, Completed, Cancelled, Expired] {
            assert_eq!(serde_json::to_value(status).unwrap(), status.as_str());
        }
    }

    #[test]
    fn the_workflow_allows_only_its_arrows() {
        let all = [Draft, Active, Completed, Cancelled, Expired];
        let allowed: Vec<_> = all
            .iter()
            .flat_map(|&from| all.iter().map(move |&to| (from, to)))
            .filter(|(f, t)| f.may_become(*t))
            .collect();
        assert_eq!(
            allowed,
            [
                (Draft, Active),
                (Draft, Cancelled),
                (Active, Completed),
                (Active, Cancelled),
                (Expired, Completed),
                (Expired, Cancelled)
            ]
        );
    }

    fn input() -> ContractInput {
        ContractInput {
            school_id: Uuid::nil(),
            title: "Fotos de promoción 2026".into(),
            academic_year: 2026,
            starts_on: NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
            ends_on: NaiveDate::from_ymd_opt(2026, 12, 15).unwrap(),
            expected_students: Some(120),
            package_price: Some(Money("85.00".parse().unwrap())),
            deposit: None,
            commission_percent: Some(Percent("10".parse().unwrap())),
            terms: None,
            signed_on: None,
            order_deadline: None,
            late_fee: None,
        }
    }

    #[test]
    fn reversed_absurd_and_out_of_range_values_are_named() {
        let fields = |spoil: &dyn Fn(&mut ContractInput)| {
            let mut bad = input();
            spoil(&mut bad);
            match bad.validate() {
                Err(crate::http::ApiError::Validation(errors)) => {
                    errors.into_iter().map(|e| e.field).collect::<Vec<_>>()
                }
                other => panic!("expected 422, got {other:?}"),
            }
        };
        assert_eq!(fields(&|i| i.ends_on = NaiveDate::from_ymd_opt(2026, 2, 1).unwrap()), ["ends_on"]);
        assert_eq!(fields(&|i| i.starts_on = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap()), ["starts_on", "ends_on"]);
        assert_eq!(fields(&|i| i.commission_percent = Some(Percent("100.5".parse().unwrap()))), ["commission_percent"]);
        assert_eq!(
            fields(&|i| i.commission_percent = Some(Percent("12.345".parse().unwrap()))),
            ["commission_percent"]
        );
        assert_eq!(fields(&|i| i.package_price = Some(Money("-1".parse().unwrap()))), ["package_price"]);
        assert_eq!(fields(&|i| i.title = " ".into()), ["title"]);
        assert_eq!(fields(&|i| i.academic_year = 1999), ["academic_year"]);
        assert_eq!(fields(&|i| i.order_deadline = NaiveDate::from_ymd_opt(2027, 1, 1)), ["order_deadline"]);
        assert_eq!(fields(&|i| i.late_fee = Some(Money("-2".parse().unwrap()))), ["late_fee"]);
        assert!(input().validate().is_ok());
    }
}
