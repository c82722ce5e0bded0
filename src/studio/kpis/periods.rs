//! Calendar periods in the studio's days: the week, month, quarter or year around a date,
//! the one before it, the same one a year earlier, and the runs of weeks or months a trend
//! is drawn over. Every span is a [`Period`]: local dates, both included, and the instants
//! the database compares.

use chrono::{Datelike, Days, Months, NaiveDate};
use chrono_tz::Tz;

use crate::http::{ApiError, ApiResult};
use crate::studio::kpis::model::PeriodKind;
use crate::studio::period::day_start;
use crate::studio::reports::model::Period;

/// The days `from`–`to` of `tz`, with their instants.
pub fn span(tz: Tz, from: NaiveDate, to: NaiveDate) -> Period {
    let after = to.checked_add_days(Days::new(1)).unwrap_or(to);
    Period { from, to, starts: day_start(tz, from), ends: day_start(tz, after) }
}

fn months(date: NaiveDate, n: i32) -> NaiveDate {
    let shifted = if n >= 0 {
        date.checked_add_months(Months::new(n.unsigned_abs()))
    } else {
        date.checked_sub_months(Months::new(n.unsigned_abs()))
    };
    shifted.unwrap_or(date)
}

impl PeriodKind {
    /// The first day of the period holding `date`.
    pub fn first_day(self, date: NaiveDate) -> NaiveDate {
        let day1 = date.with_day(1).unwrap_or(date);
        match self {
            PeriodKind::Week => date - Days::new(u64::from(date.weekday().num_days_from_monday())),
            PeriodKind::Month => day1,
            PeriodKind::Quarter => day1.with_month((date.month() - 1) / 3 * 3 + 1).unwrap_or(day1),
            PeriodKind::Year => day1.with_month(1).unwrap_or(day1),
        }
    }

    /// The first day of the period `n` periods after (or before) the one starting `first`.
    pub fn shift(self, first: NaiveDate, n: i32) -> NaiveDate {
        match self {
            PeriodKind::Week => {
                let days = chrono::Duration::days(7 * i64::from(n));
                first.checked_add_signed(days).unwrap_or(first)
            }
            PeriodKind::Month => months(first, n),
            PeriodKind::Quarter => months(first, 3 * n),
            PeriodKind::Year => months(first, 12 * n),
        }
    }

    /// The last day of the period starting `first`.
    pub fn last_day(self, first: NaiveDate) -> NaiveDate {
        self.shift(first, 1).pred_opt().unwrap_or(first)
    }

    /// The period's key: `2025-W07`, `2025-02`, `2025-Q1`, `2025`.
    pub fn label_key(self, first: NaiveDate) -> String {
        match self {
            PeriodKind::Week => {
                let week = first.iso_week();
                format!("{}-W{:02}", week.year(), week.week())
            }
            PeriodKind::Month => first.format("%Y-%m").to_string(),
            PeriodKind::Quarter => format!("{}-Q{}", first.year(), (first.month() - 1) / 3 + 1),
            PeriodKind::Year => first.year().to_string(),
        }
    }

    /// The period's name in Spanish: `sem. 7 2025`, `feb 2025`, `T1 2025`, `2025`.
    pub fn label(self, first: NaiveDate) -> String {
        match self {
            PeriodKind::Week => format!("sem. {} {}", first.iso_week().week(), first.iso_week().year()),
            PeriodKind::Month => month_label(first),
            PeriodKind::Quarter => format!("T{} {}", (first.month() - 1) / 3 + 1, first.year()),
            PeriodKind::Year => first.year().to_string(),
        }
    }
}

/// `feb 2025`, as the exports' charts write a month.
pub fn month_label(date: NaiveDate) -> String {
    crate::export::short_month(date)
}

/// A period of a kind, as asked: the one holding `date`, cut at `today` when it is the
/// current one (figures "so far").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CalendarPeriod {
    pub kind: PeriodKind,
    /// Its first day.
    pub first: NaiveDate,
    pub span: Period,
}

impl CalendarPeriod {
    /// The `kind` period holding `date` (default: today), up to `today` at most.
    pub fn holding(tz: Tz, kind: PeriodKind, date: NaiveDate, today: NaiveDate) -> CalendarPeriod {
        let first = kind.first_day(date);
        let last = kind.last_day(first);
        let to = if first <= today && today < last { today } else { last };
        CalendarPeriod { kind, first, span: span(tz, first, to) }
    }

    /// Days the period covers beyond its first (0 for a one-day span).
    fn elapsed(&self) -> u64 {
        (self.span.to - self.first).num_days().max(0) as u64
    }

    /// A period of the same kind starting `first`, as long as this one (cut at its own end):
    /// the first ten days of March against the first ten of February.
    fn like_for_like(&self, tz: Tz, first: NaiveDate) -> CalendarPeriod {
        let last = self.kind.last_day(first);
        let whole = self.span.to == self.kind.last_day(self.first);
        let to = if whole { last } else { (first + Days::new(self.elapsed())).min(last) };
        CalendarPeriod { kind: self.kind, first, span: span(tz, first, to) }
    }

    /// The period before, as far into it as this one has run.
    pub fn previous(&self, tz: Tz) -> CalendarPeriod {
        self.like_for_like(tz, self.kind.shift(self.first, -1))
    }

    /// The same period a year earlier: the same dates (a week: 52 weeks earlier, so the
    /// weekdays match), as far into it as this one has run.
    pub fn a_year_before(&self, tz: Tz) -> CalendarPeriod {
        let first = match self.kind {
            PeriodKind::Week => self.kind.shift(self.first, -52),
            _ => months(self.first, -12),
        };
        self.like_for_like(tz, first)
    }

    pub fn key(&self) -> String {
        self.kind.label_key(self.first)
    }

    pub fn label(&self) -> String {
        self.kind.label(self.first)
    }
}

/// The most weeks or months a trend draws: five years.
pub const MAX_TREND_YEARS: i32 = 5;

/// The `kind` periods (weeks or months) from the one holding `from` to the one holding `to`,
/// the current one cut at `today`; at most five years of them (422 naming `from` otherwise).
pub fn run_of(
    tz: Tz,
    kind: PeriodKind,
    from: NaiveDate,
    to: NaiveDate,
    today: NaiveDate,
) -> ApiResult<Vec<CalendarPeriod>> {
    if to < from {
        return Err(ApiError::invalid("to", "must not be before from"));
    }
    if months(from, 12 * MAX_TREND_YEARS) <= to {
        return Err(ApiError::invalid("from", format!("a trend covers at most {MAX_TREND_YEARS} years")));
    }
    let mut periods = Vec::new();
    let mut first = kind.first_day(from);
    while first <= to {
        periods.push(CalendarPeriod::holding(tz, kind, first, today));
        first = kind.shift(first, 1);
    }
    Ok(periods)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    const LA_PAZ: Tz = chrono_tz::America::La_Paz;

    #[test]
    fn periods_hold_their_dates_and_the_current_one_runs_to_today() {
        let today = d("2025-02-10");
        let month = CalendarPeriod::holding(LA_PAZ, PeriodKind::Month, today, today);
        assert_eq!((month.span.from, month.span.to), (d("2025-02-01"), d("2025-02-10")));
        assert_eq!(month.span.starts.to_rfc3339(), "2025-02-01T04:00:00+00:00");
        let past = CalendarPeriod::holding(LA_PAZ, PeriodKind::Month, d("2024-02-15"), today);
        assert_eq!(past.span.to, d("2024-02-29"));
        let quarter = CalendarPeriod::holding(LA_PAZ, PeriodKind::Quarter, d("2024-08-15"), today);
        assert_eq!(
            (quarter.span.from, quarter.span.to, quarter.key()),
            (d("2024-07-01"), d("2024-09-30"), "2024-Q3".into())
        );
        let week = CalendarPeriod::holding(LA_PAZ, PeriodKind::Week, d("2024-12-31"), today);
        assert_eq!((week.span.from, week.span.to, week.key()), (d("2024-12-30"), d("2025-01-05"), "2025-W01".into()));
    }

    #[test]
    fn comparisons_are_like_for_like() {
        let today = d("2025-03-10");
        let march = CalendarPeriod::holding(LA_PAZ, PeriodKind::Month, today, today);
        let previous = march.previous(LA_PAZ);
        assert_eq!((previous.span.from, previous.span.to), (d("2025-02-01"), d("2025-02-10")));
        let before = march.a_year_before(LA_PAZ);
        assert_eq!((before.span.from, before.span.to), (d("2024-03-01"), d("2024-03-10")));
        // A whole March compares with a whole February, cut at its end.
        let whole = CalendarPeriod::holding(LA_PAZ, PeriodKind::Month, d("2024-03-20"), today);
        assert_eq!(whole.previous(LA_PAZ).span.to, d("2024-02-29"));
        // A whole February compares with a whole one, leap day included.
        let february = CalendarPeriod::holding(LA_PAZ, PeriodKind::Month, d("2025-02-03"), today);
        assert_eq!(february.a_year_before(LA_PAZ).span.to, d("2024-02-29"));
        let week = CalendarPeriod::holding(LA_PAZ, PeriodKind::Week, d("2025-03-05"), today);
        let last_year = week.a_year_before(LA_PAZ);
        assert_eq!((last_year.span.from, last_year.span.from.weekday()), (d("2024-03-04"), chrono::Weekday::Mon));
    }

    #[test]
    fn a_trend_is_a_run_of_whole_periods_of_at_most_five_years() {
        let today = d("2025-03-10");
        let run = run_of(LA_PAZ, PeriodKind::Month, d("2024-04-15"), today, today).unwrap();
        assert_eq!(run.len(), 12);
        assert_eq!((run[0].span.from, run[11].span.to), (d("2024-04-01"), today));
        assert!(run_of(LA_PAZ, PeriodKind::Month, d("2020-03-10"), today, today).is_err());
        assert!(run_of(LA_PAZ, PeriodKind::Week, d("2025-03-10"), d("2025-03-01"), today).is_err());
        assert_eq!(run_of(LA_PAZ, PeriodKind::Week, d("2025-02-26"), today, today).unwrap().len(), 3);
    }
}
