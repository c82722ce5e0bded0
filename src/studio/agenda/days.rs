//! Local days in the studio's time zone as instants. A day is not always 24 hours: where a
//! daylight-saving change falls (Chile, each April and September) it lasts 23 or 25, and in
//! Santiago the September change skips midnight itself, so a day's start is looked up in the
//! zone, never computed by adding hours.

use chrono::{DateTime, Datelike, Days, LocalResult, NaiveDate, NaiveTime, TimeDelta, TimeZone, Utc};
use chrono_tz::Tz;

use crate::http::ApiResult;
use crate::http::fields::Checks;

/// The instant `date` starts in `tz`: its midnight or, where a clock change skips midnight,
/// the first moment of the day that exists. Of a midnight that happens twice, the first.
pub fn start_of_day(tz: Tz, date: NaiveDate) -> DateTime<Utc> {
    let midnight = date.and_time(NaiveTime::MIN);
    // Clock changes move by at most a few hours; step through the gap a quarter at a time.
    for quarter in 0..=16 {
        let local = midnight + TimeDelta::minutes(15 * quarter);
        match tz.from_local_datetime(&local) {
            LocalResult::Single(at) | LocalResult::Ambiguous(at, _) => return at.to_utc(),
            LocalResult::None => continue,
        }
    }
    // No zone skips four hours; treat the day as UTC's rather than fail.
    midnight.and_utc()
}

/// A range of whole local days, `from` to `to` inclusive, as the instants it covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocalDays {
    /// When the first day starts.
    pub starts: Option<DateTime<Utc>>,
    /// When the day after the last one starts.
    pub ends: Option<DateTime<Utc>>,
}

/// How many days a calendar may cover at once.
pub const MAX_CALENDAR_DAYS: u64 = 62;

impl LocalDays {
    /// Checks `from` and `to` (years 2000–2100, `from` not after `to`, at most `max_days`
    /// days when given) and turns them into instants in `tz`. Each offending parameter is
    /// named in one 422.
    pub fn parse(
        tz: Tz,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        max_days: Option<u64>,
    ) -> ApiResult<LocalDays> {
        let mut checks = Checks::new();
        let mut plausible = true;
        for (field, date) in [("from", from), ("to", to)] {
            if date.is_some_and(|d| !(2000..=2100).contains(&d.year())) {
                checks.fail(field, "must be a date between the years 2000 and 2100");
                plausible = false;
            }
        }
        if let (Some(from), Some(to), true) = (from, to, plausible) {
            if to < from {
                checks.fail("to", "must not be before from");
            } else if let Some(max) = max_days
                && (to - from).num_days() + 1 > max as i64
            {
                checks.fail("to", format!("a range covers at most {max} days"));
            }
        }
        checks.finish()?;
        Ok(LocalDays {
            starts: from.map(|d| start_of_day(tz, d)),
            ends: to.map(|d| start_of_day(tz, d + Days::new(1))),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::America::{Lima, Santiago};

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_day_starts_at_its_local_midnight() {
        assert_eq!(start_of_day(Lima, day("2026-04-04")).to_rfc3339(), "2026-04-04T05:00:00+00:00");
        // Santiago leaves summer time as April 5 begins: April 4 started at -03, April 5 at -04.
        assert_eq!(start_of_day(Santiago, day("2026-04-04")).to_rfc3339(), "2026-04-04T03:00:00+00:00");
        assert_eq!(start_of_day(Santiago, day("2026-04-05")).to_rfc3339(), "2026-04-05T04:00:00+00:00");
    }

    #[test]
    fn a_day_whose_midnight_is_skipped_starts_at_its_first_existing_moment() {
        // On 2026-09-06 Santiago's clocks jump from 00:00 to 01:00 (-04 → -03).
        let start = start_of_day(Santiago, day("2026-09-06"));
        assert_eq!(start.with_timezone(&Santiago).to_rfc3339(), "2026-09-06T01:00:00-03:00");
    }

    #[test]
    fn a_range_covers_whole_local_days_of_23_or_25_hours() {
        let days = LocalDays::parse(Santiago, Some(day("2026-04-04")), Some(day("2026-04-04")), None).unwrap();
        assert_eq!((days.ends.unwrap() - days.starts.unwrap()).num_hours(), 25);
    }

    #[test]
    fn reversed_long_and_absurd_ranges_name_the_parameter() {
        let fields = |from: &str, to: &str| match LocalDays::parse(Lima, Some(day(from)), Some(day(to)), Some(62)) {
            Err(crate::http::ApiError::Validation(errors)) => errors.into_iter().map(|e| e.field).collect::<Vec<_>>(),
            other => panic!("expected 422, got {other:?}"),
        };
        assert_eq!(fields("2026-04-05", "2026-04-04"), ["to"]);
        assert_eq!(fields("2026-01-01", "2026-03-04"), ["to"], "63 days");
        assert_eq!(fields("1900-01-01", "2026-01-01"), ["from"]);
        assert!(LocalDays::parse(Lima, Some(day("2026-01-01")), Some(day("2026-03-03")), Some(62)).is_ok(), "62 days");
    }
}
