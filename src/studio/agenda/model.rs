//! An appointment as the API shows it, its kinds and statuses, the input that books or
//! replaces one, and the filters of the list.

use chrono::{DateTime, Datelike, FixedOffset, TimeDelta, Utc};
use poem_openapi::{Enum, Object};
use uuid::Uuid;

use crate::audit::Audited;
use crate::http::fields::Checks;
use crate::http::responses::Located;
use crate::http::{ApiError, ApiResult};

/// What an appointment is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, serde::Serialize, sqlx::Type)]
#[oai(rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
#[sqlx(type_name = "text", rename_all = "snake_case")]
pub enum AppointmentKind {
    /// A photo session (sesión).
    Session,
    /// Handing finished work to a client (entrega).
    Delivery,
    /// A picture day at a school (jornada escolar).
    SchoolDay,
    /// A meeting with a client or a school.
    Meeting,
}

/// Where an appointment stands. Scheduled, confirmed and done appointments hold their slot;
/// cancelled and no-show ones free it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, serde::Serialize, sqlx::Type)]
#[oai(rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
#[sqlx(type_name = "text", rename_all = "snake_case")]
pub enum AppointmentStatus {
    Scheduled,
    Confirmed,
    Done,
    Cancelled,
    NoShow,
}

impl AppointmentStatus {
    /// Whether an appointment in this status keeps its staff member and resource busy (the
    /// rule of the exclusion constraints).
    pub fn holds_slot(self) -> bool {
        matches!(self, AppointmentStatus::Scheduled | AppointmentStatus::Confirmed | AppointmentStatus::Done)
    }

    /// Whether the status says how the appointment went, which only makes sense once it
    /// has started.
    pub fn is_outcome(self) -> bool {
        matches!(self, AppointmentStatus::Done | AppointmentStatus::NoShow)
    }
}

/// An appointment of the studio's agenda.
#[derive(Debug, Clone, Object, serde::Serialize, sqlx::FromRow)]
pub struct Appointment {
    pub id: Uuid,
    pub kind: AppointmentKind,
    pub title: String,
    pub client_id: Option<Uuid>,
    pub client_name: Option<String>,
    pub contract_id: Option<Uuid>,
    pub contract_number: Option<String>,
    /// An order's id as it was given (not checked against the orders yet).
    pub order_id: Option<Uuid>,
    /// The user who attends it.
    pub staff_id: Option<Uuid>,
    pub staff_name: Option<String>,
    /// The room or equipment it takes ("Estudio 1").
    pub resource: Option<String>,
    /// RFC 3339 with the studio's UTC offset on that day (`2026-04-04T09:00:00-03:00`).
    pub starts_at: DateTime<FixedOffset>,
    /// After `starts_at`, at most 24 hours later; the appointment ends just before it.
    pub ends_at: DateTime<FixedOffset>,
    pub location: Option<String>,
    pub status: AppointmentStatus,
    pub notes: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Appointment {
    /// The appointment with its times told in `tz` (the studio's zone), offsets of that day.
    pub fn in_zone(mut self, tz: chrono_tz::Tz) -> Appointment {
        self.starts_at = self.starts_at.with_timezone(&tz).fixed_offset();
        self.ends_at = self.ends_at.with_timezone(&tz).fixed_offset();
        self
    }
}

impl Audited for Appointment {
    const ENTITY: &'static str = "appointment";

    fn audit_id(&self) -> Uuid {
        self.id
    }
}

impl Located for Appointment {
    fn location(&self) -> String {
        format!("/api/appointments/{}", self.id)
    }
}

/// The appointments of a range of the studio's days.
#[derive(Debug, Object, serde::Serialize)]
pub struct Calendar {
    /// The first day shown, in the studio's time zone.
    pub from: chrono::NaiveDate,
    /// The last day shown (included).
    pub to: chrono::NaiveDate,
    /// The studio's time zone, which every time below is told in.
    pub timezone: String,
    /// How many appointments the range has; more than listed only past 5000.
    pub count: i64,
    /// In start order; cancelled ones left out.
    pub appointments: Vec<Appointment>,
}

/// The fields of an appointment, as sent to book or replace one.
#[derive(Debug, Clone, Object)]
pub struct AppointmentInput {
    pub kind: AppointmentKind,
    /// 1–200 characters.
    pub title: String,
    /// A client of this studio.
    pub client_id: Option<Uuid>,
    /// A contract of this studio.
    pub contract_id: Option<Uuid>,
    /// An order's id, stored as given.
    pub order_id: Option<Uuid>,
    /// An active user of this studio (a deactivated one may stay on an appointment that
    /// already had them).
    pub staff_id: Option<Uuid>,
    /// 1–80 characters; compared without regard to case.
    pub resource: Option<String>,
    /// RFC 3339 with an offset (`2026-04-04T09:00:00-03:00`); years 2000–2100.
    pub starts_at: DateTime<FixedOffset>,
    /// After `starts_at`, at most 24 hours later.
    pub ends_at: DateTime<FixedOffset>,
    /// Up to 300 characters.
    pub location: Option<String>,
    /// `scheduled` when absent on booking; unchanged when absent on replacing. `done` and
    /// `no_show` only once the appointment has started.
    pub status: Option<AppointmentStatus>,
    /// Up to 2000 characters.
    pub notes: Option<String>,
}

/// An appointment's fields after every rule on them alone passed.
#[derive(Debug, Clone)]
pub struct ValidAppointment {
    pub kind: AppointmentKind,
    pub title: String,
    pub client_id: Option<Uuid>,
    pub contract_id: Option<Uuid>,
    pub order_id: Option<Uuid>,
    pub staff_id: Option<Uuid>,
    pub resource: Option<String>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub location: Option<String>,
    pub status: Option<AppointmentStatus>,
    pub notes: Option<String>,
}

/// The longest an appointment may last.
pub const MAX_LENGTH: TimeDelta = TimeDelta::hours(24);

/// Instants a studio can mean: years 2000 to 2100.
fn plausible(checks: &mut Checks, field: &str, at: DateTime<FixedOffset>) {
    if !(2000..=2100).contains(&at.year()) {
        checks.fail(field, "must be a time between the years 2000 and 2100");
    }
}

impl AppointmentInput {
    /// Checks every field and names each that fails.
    pub fn validate(&self) -> ApiResult<ValidAppointment> {
        let mut checks = Checks::new();
        let title = checks.required("title", &self.title, 200);
        // "Estudio  1 " is "Estudio 1": inner runs of spaces would make two rooms of one.
        let resource = checks
            .optional("resource", self.resource.as_deref(), 80)
            .map(|r| r.split_whitespace().collect::<Vec<_>>().join(" "));
        let location = checks.optional("location", self.location.as_deref(), 300);
        let notes = checks.optional("notes", self.notes.as_deref(), 2000);
        plausible(&mut checks, "starts_at", self.starts_at);
        plausible(&mut checks, "ends_at", self.ends_at);
        if self.ends_at <= self.starts_at {
            checks.fail("ends_at", "must be after starts_at");
        } else if self.ends_at - self.starts_at > MAX_LENGTH {
            checks.fail("ends_at", "an appointment lasts at most 24 hours");
        }
        checks.finish()?;
        Ok(ValidAppointment {
            kind: self.kind,
            title,
            client_id: self.client_id,
            contract_id: self.contract_id,
            order_id: self.order_id,
            staff_id: self.staff_id,
            resource,
            starts_at: self.starts_at.to_utc(),
            ends_at: self.ends_at.to_utc(),
            location,
            status: self.status,
            notes,
        })
    }
}

/// `done` and `no_show` tell how an appointment went: refused (422 on `status`) for one
/// that has not started by `now`.
pub fn check_outcome(status: AppointmentStatus, starts_at: DateTime<Utc>, now: DateTime<Utc>) -> ApiResult<()> {
    if status.is_outcome() && starts_at > now {
        return Err(ApiError::invalid("status", "done and no_show are for appointments that have started"));
    }
    Ok(())
}

/// Filters of the appointment list, as sent.
#[derive(Debug, Default, Clone)]
pub struct AppointmentFilter {
    pub staff: Option<Uuid>,
    pub resource: Option<String>,
    pub status: Option<AppointmentStatus>,
    pub kind: Option<AppointmentKind>,
    pub client: Option<Uuid>,
    pub contract: Option<Uuid>,
    pub order: Option<Uuid>,
    /// The first local day (in the studio's zone) an appointment may touch.
    pub from: Option<chrono::NaiveDate>,
    /// The last local day an appointment may touch.
    pub to: Option<chrono::NaiveDate>,
    /// Matches the title.
    pub search: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    fn input() -> AppointmentInput {
        AppointmentInput {
            kind: AppointmentKind::Session,
            title: "Sesión familiar".into(),
            client_id: None,
            contract_id: None,
            order_id: None,
            staff_id: None,
            resource: Some("  Estudio   1 ".into()),
            starts_at: at("2026-04-04T09:00:00-03:00"),
            ends_at: at("2026-04-04T10:30:00-03:00"),
            location: None,
            status: None,
            notes: None,
        }
    }

    fn fields(spoil: &dyn Fn(&mut AppointmentInput)) -> Vec<String> {
        let mut bad = input();
        spoil(&mut bad);
        match bad.validate() {
            Err(ApiError::Validation(errors)) => errors.into_iter().map(|e| e.field).collect(),
            other => panic!("expected 422, got {other:?}"),
        }
    }

    #[test]
    fn a_valid_appointment_is_normalised_to_utc_and_one_spelling_of_its_resource() {
        let valid = input().validate().unwrap();
        assert_eq!(valid.starts_at.to_rfc3339(), "2026-04-04T12:00:00+00:00");
        assert_eq!(valid.resource.as_deref(), Some("Estudio 1"));
    }

    #[test]
    fn reversed_empty_overlong_and_absurd_times_are_named() {
        assert_eq!(fields(&|i| i.ends_at = at("2026-04-04T08:00:00-03:00")), ["ends_at"]);
        assert_eq!(fields(&|i| i.ends_at = i.starts_at), ["ends_at"]);
        assert_eq!(fields(&|i| i.ends_at = at("2026-04-05T09:00:01-03:00")), ["ends_at"]);
        assert_eq!(fields(&|i| i.starts_at = at("1900-04-04T09:00:00-03:00")), ["starts_at", "ends_at"]);
        assert_eq!(fields(&|i| i.title = "  ".into()), ["title"]);
        assert_eq!(fields(&|i| i.resource = Some("x".repeat(81))), ["resource"]);
        let mut a_whole_day = input();
        a_whole_day.ends_at = at("2026-04-05T09:00:00-03:00");
        assert!(a_whole_day.validate().is_ok(), "24 hours exactly is allowed");
    }

    #[test]
    fn only_started_appointments_can_be_done_or_missed() {
        let start = at("2026-04-04T09:00:00-03:00").to_utc();
        let before = start - TimeDelta::minutes(1);
        assert!(check_outcome(AppointmentStatus::Done, start, before).is_err());
        assert!(check_outcome(AppointmentStatus::NoShow, start, before).is_err());
        assert!(check_outcome(AppointmentStatus::Done, start, start).is_ok());
        assert!(check_outcome(AppointmentStatus::Confirmed, start, before).is_ok());
    }
}
