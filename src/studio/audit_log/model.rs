//! One row of the trail as the API shows it, and the filters of the list.

use chrono::{DateTime, LocalResult, NaiveDate, NaiveTime, TimeDelta, TimeZone, Utc};
use chrono_tz::Tz;
use poem_openapi::Object;
use serde_json::Value;
use uuid::Uuid;

use crate::http::ApiResult;
use crate::http::fields::Checks;

/// One event of the trail.
#[derive(Debug, Clone, Object, serde::Serialize, sqlx::FromRow)]
pub struct AuditEntry {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    /// Who acted; kept after the user is deleted (then `actor_email` and `actor_name` are
    /// empty). None for anonymous events (a failed sign-in).
    pub actor_id: Option<Uuid>,
    pub actor_email: Option<String>,
    pub actor_name: Option<String>,
    /// `client.created`, `auth.login_failed`, `setting.updated`, ...
    pub action: String,
    /// The kind of record: `client`, `user`, `setting`, ...
    pub entity: String,
    pub entity_id: Option<String>,
    /// `{"before": {...}, "after": {...}}` with the fields that changed, or the event's details.
    pub changes: Value,
    pub request_id: Option<String>,
    pub ip: Option<String>,
}

/// Filters of the trail, as the caller sent them. Dates are the studio's: `from` and `to`
/// are whole days in its time zone, both included.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub actor_id: Option<Uuid>,
    pub action: Option<String>,
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// The longest date range a query may span, both ends included.
pub const MAX_RANGE_DAYS: i64 = 366;

/// The filters as instants: `at >= since` and `at < until`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ValidFilter {
    pub actor_id: Option<Uuid>,
    pub action: Option<String>,
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
}

/// The instant a day starts in `tz`. Where midnight does not exist (Chile moves its clocks
/// at 00:00), the day starts at the first instant that does.
pub fn start_of_day(tz: Tz, date: NaiveDate) -> DateTime<Utc> {
    let mut local = date.and_time(NaiveTime::MIN);
    for _ in 0..4 {
        match tz.from_local_datetime(&local) {
            LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => return t.with_timezone(&Utc),
            LocalResult::None => local += TimeDelta::minutes(30),
        }
    }
    Utc.from_utc_datetime(&date.and_time(NaiveTime::MIN))
}

impl AuditFilter {
    /// Checks the dates (years 2000–2100, `from` ≤ `to`, at most [`MAX_RANGE_DAYS`] days)
    /// and turns them into instants of the studio's time zone.
    pub fn validate(&self, tz: Tz) -> ApiResult<ValidFilter> {
        let mut checks = Checks::new();
        for (field, date) in [("from", self.from), ("to", self.to)] {
            if date.is_some_and(|d| !(2000..=2100).contains(&chrono::Datelike::year(&d))) {
                checks.fail(field, "must be a date between the years 2000 and 2100");
            }
        }
        if let (Some(from), Some(to)) = (self.from, self.to) {
            if to < from {
                checks.fail("to", "must not be before from");
            } else if (to - from).num_days() + 1 > MAX_RANGE_DAYS {
                checks.fail("to", format!("a range spans at most {MAX_RANGE_DAYS} days"));
            }
        }
        let text =
            |checks: &mut Checks, field: &str, value: &Option<String>| checks.optional(field, value.as_deref(), 100);
        let action = text(&mut checks, "action", &self.action);
        let entity = text(&mut checks, "entity", &self.entity);
        let entity_id = text(&mut checks, "entity_id", &self.entity_id);
        checks.finish()?;
        Ok(ValidFilter {
            actor_id: self.actor_id,
            action,
            entity,
            entity_id,
            since: self.from.map(|d| start_of_day(tz, d)),
            until: self.to.and_then(|d| d.succ_opt()).map(|d| start_of_day(tz, d)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn a_day_is_the_studios_day() {
        let lima = start_of_day(chrono_tz::America::Lima, date(2026, 3, 1));
        assert_eq!(lima.to_rfc3339(), "2026-03-01T05:00:00+00:00");
        let filter = AuditFilter { from: Some(date(2026, 3, 1)), to: Some(date(2026, 3, 1)), ..Default::default() };
        let valid = filter.validate(chrono_tz::America::Lima).unwrap();
        assert_eq!(valid.until.unwrap() - valid.since.unwrap(), TimeDelta::hours(24));
    }

    #[test]
    fn a_day_whose_midnight_does_not_exist_starts_when_the_clocks_do() {
        // Chile moved to summer time at 00:00 on 2024-09-08: the day began at 01:00 (04:00 UTC).
        let start = start_of_day(chrono_tz::America::Santiago, date(2024, 9, 8));
        assert_eq!(start.to_rfc3339(), "2024-09-08T04:00:00+00:00");
    }

    #[test]
    fn reversed_long_and_absurd_ranges_are_named() {
        let fields = |from, to| match (AuditFilter { from, to, ..Default::default() }).validate(chrono_tz::UTC) {
            Err(crate::http::ApiError::Validation(errors)) => errors.into_iter().map(|e| e.field).collect::<Vec<_>>(),
            other => panic!("expected 422, got {other:?}"),
        };
        assert_eq!(fields(Some(date(2026, 3, 2)), Some(date(2026, 3, 1))), ["to"]);
        assert_eq!(fields(Some(date(2025, 1, 1)), Some(date(2026, 1, 2))), ["to"]);
        assert_eq!(fields(Some(date(1999, 1, 1)), None), ["from"]);
        let leap_year =
            AuditFilter { from: Some(date(2024, 1, 1)), to: Some(date(2024, 12, 31)), ..Default::default() };
        assert!(leap_year.validate(chrono_tz::UTC).is_ok(), "366 days are allowed");
    }
}
