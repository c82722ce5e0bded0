//! A contract's picture-day summary: counted in the database, the commission computed once on
//! the whole revenue (late fees included) with the contract's percentage.

use uuid::Uuid;

use crate::auth::extract::TenantUser;
use crate::http::ApiResult;
use crate::studio::money::Money;
use crate::studio::picture_days::roster::service::contract;
use crate::studio::picture_days::summary::model::PictureDaySummary;
use crate::studio::picture_days::summary::repo;

pub async fn summary(user: &TenantUser, contract_id: Uuid) -> ApiResult<PictureDaySummary> {
    let mut db = user.db().await?;
    let terms = contract(&mut db, contract_id).await?;
    let totals = repo::totals(&mut db, contract_id).await?;
    let packages = repo::by_package(&mut db, contract_id).await?;
    let revenue = Money(totals.package_revenue.0 + totals.late_fees.0);
    Ok(PictureDaySummary {
        contract_id,
        number: terms.number,
        students: totals.students,
        students_with_order: totals.students_with_order,
        students_without_order: totals.students - totals.students_with_order,
        orders: totals.orders,
        late_orders: totals.late_orders,
        packages,
        package_revenue: totals.package_revenue,
        late_fees: totals.late_fees,
        revenue,
        commission_percent: terms.commission_percent,
        commission: terms.commission_percent.of(revenue),
    })
}
