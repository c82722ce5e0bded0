//! Days as the studio lives them: a `from`–`to` pair of dates (both inclusive) in the
//! studio's time zone, turned into the instants the database compares.

use chrono::{DateTime, Days, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;

use crate::http::{ApiError, ApiResult};

/// The instants of a period: at or after `from`, before `until`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Instants {
    pub from: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
}

/// The first instant of `date` in `tz` (the earliest, if a clock change repeats midnight;
/// the first after the gap, if it skips it).
pub fn day_start(tz: Tz, date: NaiveDate) -> DateTime<Utc> {
    let midnight = date.and_hms_opt(0, 0, 0).unwrap_or_default();
    (0..=3)
        .find_map(|hours| tz.from_local_datetime(&(midnight + chrono::Duration::hours(hours))).earliest())
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| Utc.from_utc_datetime(&midnight))
}

/// `from` and `to` (inclusive dates in `tz`) as instants; 422 naming `to` when it is before
/// `from`, and naming either when it is not a plausible date.
pub fn instants(tz: Tz, from: Option<NaiveDate>, to: Option<NaiveDate>) -> ApiResult<Instants> {
    use chrono::Datelike;
    for (field, date) in [("from", from), ("to", to)] {
        if date.is_some_and(|d| !(2000..=2100).contains(&d.year())) {
            return Err(ApiError::invalid(field, "must be a date between the years 2000 and 2100"));
        }
    }
    if let (Some(from), Some(to)) = (from, to)
        && to < from
    {
        return Err(ApiError::invalid("to", "must not be before from"));
    }
    Ok(Instants {
        from: from.map(|d| day_start(tz, d)),
        until: to.and_then(|d| d.checked_add_days(Days::new(1))).map(|d| day_start(tz, d)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_start_at_the_studios_midnight() {
        let date = NaiveDate::from_ymd_opt(2026, 3, 10).unwrap();
        assert_eq!(day_start(chrono_tz::America::Lima, date).to_rfc3339(), "2026-03-10T05:00:00+00:00");
        let both = instants(chrono_tz::America::Lima, Some(date), Some(date)).unwrap();
        assert_eq!(both.until.unwrap() - both.from.unwrap(), chrono::Duration::days(1));
        assert!(instants(chrono_tz::America::Lima, Some(date), date.pred_opt()).is_err());
    }
}
