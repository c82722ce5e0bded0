//! SQL on a studio's `contracts` table, always through the tenant-scoped handle. Every read
//! joins the school for its name; writes return the same shape through a CTE.

use chrono::NaiveDate;
use sqlx::Postgres;
use sqlx::postgres::PgArguments;
use sqlx::query::QueryAs;
use uuid::Uuid;

use crate::db::{ListQuery, TenantDb, Window};
use crate::studio::clients::model::ClientKind;
use crate::studio::contracts::model::{Contract, ContractStatus, ValidContract};

/// The columns of a [`Contract`] over `c` (contracts) joined to `s` (its school).
macro_rules! select {
    ($($rest:literal),*) => {
        concat!(
            "SELECT c.id, c.number, c.school_id, s.name AS school_name, c.title, c.academic_year, c.starts_on, \
             c.ends_on, c.status, c.expected_students, c.package_price, c.deposit, c.commission_percent, c.terms, \
             c.signed_on, c.order_deadline, c.late_fee, c.created_at, c.updated_at FROM c JOIN clients s ON s.id = c.school_id",
            $($rest),*
        )
    };
}

/// Reads name the table `c` the way writes name their CTE.
macro_rules! reading {
    ($($rest:literal),*) => { concat!("WITH c AS (SELECT * FROM contracts) ", select!($($rest),*)) };
}

/// The stored filters of a list: a status as stored, the end date window that turns an
/// active contract into an expired one, the school, the year and a search.
pub struct ListFilter<'a> {
    pub status: Option<ContractStatus>,
    pub ends_before: Option<NaiveDate>,
    pub ends_on_or_after: Option<NaiveDate>,
    pub school_id: Option<Uuid>,
    pub academic_year: Option<i32>,
    pub search: Option<&'a str>,
}

/// One page of contracts, newest number first, and how many match.
#[tracing::instrument(skip_all)]
pub async fn list(db: &mut TenantDb, filter: &ListFilter<'_>, window: Window) -> sqlx::Result<(i64, Vec<Contract>)> {
    let mut list = ListQuery::new(reading!(), "number DESC");
    list.filter("c.status = ", filter.status)
        .filter("c.ends_on < ", filter.ends_before)
        .filter("c.ends_on >= ", filter.ends_on_or_after)
        .filter("c.school_id = ", filter.school_id)
        .filter("c.academic_year = ", filter.academic_year)
        .contains("lower(c.number || ' ' || c.title)", filter.search);
    list.fetch(db, window).await
}

/// Active contracts ending between `from` and `to` (inclusive), soonest first.
#[tracing::instrument(skip_all)]
pub async fn ending_between(
    db: &mut TenantDb,
    from: NaiveDate,
    to: NaiveDate,
    window: Window,
) -> sqlx::Result<(i64, Vec<Contract>)> {
    let mut list = ListQuery::new(reading!(), "ends_on, number");
    list.filter("c.status = ", Some(ContractStatus::Active))
        .filter("c.ends_on >= ", Some(from))
        .filter("c.ends_on <= ", Some(to));
    list.fetch(db, window).await
}

#[tracing::instrument(skip_all)]
pub async fn get(db: &mut TenantDb, id: Uuid) -> sqlx::Result<Option<Contract>> {
    sqlx::query_as(reading!(" WHERE c.id = $1")).bind(id).fetch_optional(db).await
}

/// A contract, locked until the transaction ends.
#[tracing::instrument(skip_all)]
pub async fn lock(db: &mut TenantDb, id: Uuid) -> sqlx::Result<Option<Contract>> {
    sqlx::query_as(concat!("WITH c AS (SELECT * FROM contracts WHERE id = $1 FOR UPDATE) ", select!()))
        .bind(id)
        .fetch_optional(db)
        .await
}

/// The kind of a client, held (`FOR SHARE`) so it cannot change or go while the contract
/// that names it is written.
#[tracing::instrument(skip_all)]
pub async fn client_kind(db: &mut TenantDb, id: Uuid) -> sqlx::Result<Option<ClientKind>> {
    sqlx::query_scalar("SELECT kind FROM clients WHERE id = $1 FOR SHARE").bind(id).fetch_optional(db).await
}

#[tracing::instrument(skip_all)]
pub async fn insert(db: &mut TenantDb, number: &str, contract: &ValidContract) -> sqlx::Result<Contract> {
    let sql = concat!(
        "WITH c AS (INSERT INTO contracts (school_id, title, academic_year, starts_on, ends_on, expected_students, \
         package_price, deposit, commission_percent, terms, signed_on, order_deadline, late_fee, id, number) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING *) ",
        select!()
    );
    with_fields(sql, contract, Uuid::now_v7()).bind(number).fetch_one(db).await
}

#[tracing::instrument(skip_all)]
pub async fn update(db: &mut TenantDb, id: Uuid, contract: &ValidContract) -> sqlx::Result<Contract> {
    let sql = concat!(
        "WITH c AS (UPDATE contracts SET school_id = $1, title = $2, academic_year = $3, starts_on = $4, ends_on = $5, \
         expected_students = $6, package_price = $7, deposit = $8, commission_percent = $9, terms = $10, \
         signed_on = $11, order_deadline = $12, late_fee = $13, updated_at = now() WHERE id = $14 RETURNING *) ",
        select!()
    );
    with_fields(sql, contract, id).fetch_one(db).await
}

/// `sql` with the contract's fields as `$1`–`$13` and `id` as `$14`.
fn with_fields<'q>(sql: &'static str, c: &'q ValidContract, id: Uuid) -> QueryAs<'q, Postgres, Contract, PgArguments> {
    sqlx::query_as(sql)
        .bind(c.school_id)
        .bind(&c.title)
        .bind(c.academic_year)
        .bind(c.starts_on)
        .bind(c.ends_on)
        .bind(c.expected_students)
        .bind(c.package_price)
        .bind(c.deposit)
        .bind(c.commission_percent)
        .bind(&c.terms)
        .bind(c.signed_on)
        .bind(c.order_deadline)
        .bind(c.late_fee)
        .bind(id)
}

#[tracing::instrument(skip_all)]
pub async fn set_status(db: &mut TenantDb, id: Uuid, status: ContractStatus) -> sqlx::Result<Contract> {
    sqlx::query_as(concat!(
        "WITH c AS (UPDATE contracts SET status = $2, updated_at = now() WHERE id = $1 RETURNING *) ",
        select!()
    ))
    .bind(id)
    .bind(status)
    .fetch_one(db)
    .await
}

/// How many picture-day orders were placed on a contract (they keep it from being deleted).
#[tracing::instrument(skip_all)]
pub async fn package_orders(db: &mut TenantDb, id: Uuid) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT count(*) FROM package_orders WHERE contract_id = $1").bind(id).fetch_one(db).await
}

/// How many orders were placed under a contract.
#[tracing::instrument(skip_all)]
pub async fn orders_holding(db: &mut TenantDb, id: Uuid) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT count(*) FROM orders WHERE contract_id = $1").bind(id).fetch_one(db).await
}

#[tracing::instrument(skip_all)]
pub async fn delete(db: &mut TenantDb, id: Uuid) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM contracts WHERE id = $1").bind(id).execute(db).await?;
    Ok(())
}
