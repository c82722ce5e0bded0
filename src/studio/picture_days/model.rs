//! The contract as picture days read it: its status today, its order deadline and late
//! fee, its commission, and the rules every picture-day action checks against them.

use chrono::NaiveDate;
use serde_json::json;
use uuid::Uuid;

use crate::http::{ApiError, ApiResult};
use crate::studio::contracts::model::ContractStatus;
use crate::studio::money::{Money, Percent};

/// A contract's picture-day terms.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ContractTerms {
    pub id: Uuid,
    /// `CTR-2026-00001`.
    pub number: String,
    pub title: String,
    pub school_name: String,
    /// As stored (never `expired`; see [`ContractTerms::status_on`]).
    pub status: ContractStatus,
    pub ends_on: NaiveDate,
    pub order_deadline: Option<NaiveDate>,
    pub late_fee: Money,
    pub commission_percent: Percent,
}

impl ContractTerms {
    /// The status on `today` (the studio's date).
    pub fn status_on(&self, today: NaiveDate) -> ContractStatus {
        self.status.as_of(self.ends_on, today)
    }

    /// Whether an order placed on `today` is late, and the fee it then carries.
    pub fn lateness_on(&self, today: NaiveDate) -> (bool, Money) {
        let late = self.order_deadline.is_some_and(|deadline| today > deadline);
        (late, if late { self.late_fee } else { Money::ZERO })
    }

    /// Rosters and packages change until the contract is completed or cancelled (409
    /// `contract_closed`, as for the contract itself).
    pub fn check_open_for_changes(&self) -> ApiResult<()> {
        if self.status.is_closed() {
            return Err(ApiError::Conflict {
                code: "contract_closed",
                detail: format!("the contract is {}; a closed contract cannot change", self.status.as_str()),
                errors: Vec::new(),
            });
        }
        Ok(())
    }

    /// Families order only while the contract is active; staff also after its end date
    /// (photos still sold at the studio), never on a draft, completed or cancelled one.
    /// Refused with 409 `contract_not_open` and the status in `context`.
    pub fn check_takes_orders(&self, today: NaiveDate, by_staff: bool) -> ApiResult<()> {
        let status = self.status_on(today);
        let open = status == ContractStatus::Active || (by_staff && status == ContractStatus::Expired);
        if open {
            return Ok(());
        }
        Err(ApiError::ConflictWith {
            code: "contract_not_open",
            detail: format!("the contract is {}; it takes no orders", status.as_str()),
            context: json!({"status": status.as_str()}),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(status: ContractStatus, deadline: Option<NaiveDate>) -> ContractTerms {
        ContractTerms {
            id: Uuid::nil(),
            number: "CTR-2026-00001".into(),
            title: "Fotos".into(),
            school_name: "Colegio".into(),
            status,
            ends_on: day(30),
            order_deadline: deadline,
            late_fee: Money("15.00".parse().unwrap()),
            commission_percent: Percent::ZERO,
        }
    }

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 6, d).unwrap()
    }

    #[test]
    fn an_order_is_late_only_after_the_deadline_day() {
        let t = terms(ContractStatus::Active, Some(day(10)));
        assert_eq!(t.lateness_on(day(10)), (false, Money::ZERO), "the deadline day itself is on time");
        assert_eq!(t.lateness_on(day(11)), (true, Money("15.00".parse().unwrap())));
        assert_eq!(terms(ContractStatus::Active, None).lateness_on(day(29)), (false, Money::ZERO));
    }

    #[test]
    fn families_order_on_active_contracts_staff_also_on_expired_ones() {
        let active = terms(ContractStatus::Active, None);
        assert!(active.check_takes_orders(day(1), false).is_ok());
        assert!(active.check_takes_orders(NaiveDate::from_ymd_opt(2026, 7, 1).unwrap(), false).is_err());
        assert!(active.check_takes_orders(NaiveDate::from_ymd_opt(2026, 7, 1).unwrap(), true).is_ok());
        for status in [ContractStatus::Draft, ContractStatus::Completed, ContractStatus::Cancelled] {
            assert!(terms(status, None).check_takes_orders(day(1), true).is_err(), "{status:?}");
        }
    }
}
