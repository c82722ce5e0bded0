//! SQL on a studio's `package_orders` table (with the student and package it names), always
//! through the tenant-scoped handle.

use uuid::Uuid;

use crate::db::{ListQuery, TenantDb, Window};
use crate::studio::money::Money;
use crate::studio::picture_days::orders::model::{OrderChannel, OrderFilter, PackageOrder};

/// The columns of a [`PackageOrder`] over `o` joined to its student `s` and package `p`.
macro_rules! select {
    ($($rest:literal),*) => {
        concat!(
            "SELECT o.id, o.number, o.contract_id, s.student_id, s.name AS student_name, s.grade, s.section, \
             o.package_id, p.name AS package_name, o.price, o.late, o.late_fee, o.total, o.channel, o.recorded_by, \
             o.notes, o.ordered_at FROM package_orders o JOIN roster_students s ON s.id = o.student_id \
             JOIN picture_packages p ON p.id = o.package_id",
            $($rest),*
        )
    };
}

/// One page of a contract's orders, newest first, and how many match.
#[tracing::instrument(skip_all)]
pub async fn list(
    db: &mut TenantDb,
    contract_id: Uuid,
    filter: &OrderFilter,
    window: Window,
) -> sqlx::Result<(i64, Vec<PackageOrder>)> {
    let mut list = ListQuery::new(select!(), "ordered_at DESC, id DESC");
    list.filter("o.contract_id = ", Some(contract_id))
        .filter("o.package_id = ", filter.package_id)
        .filter("s.student_id = ", filter.student_id.clone())
        .filter("o.late = ", filter.late)
        .filter("o.channel = ", filter.channel);
    list.fetch(db, window).await
}

#[tracing::instrument(skip_all)]
pub async fn get(db: &mut TenantDb, contract_id: Uuid, id: Uuid) -> sqlx::Result<Option<PackageOrder>> {
    sqlx::query_as(select!(" WHERE o.contract_id = $1 AND o.id = $2"))
        .bind(contract_id)
        .bind(id)
        .fetch_optional(db)
        .await
}

/// The student an access code belongs to: (roster row id, contract id, name).
#[tracing::instrument(skip_all)]
pub async fn code_holder(db: &mut TenantDb, access_code: &str) -> sqlx::Result<Option<(Uuid, Uuid, String)>> {
    sqlx::query_as("SELECT id, contract_id, name FROM roster_students WHERE access_code = $1")
        .bind(access_code)
        .fetch_optional(db)
        .await
}

/// The packages a student already has an order for.
#[tracing::instrument(skip_all)]
pub async fn ordered_packages(db: &mut TenantDb, student: Uuid) -> sqlx::Result<Vec<Uuid>> {
    sqlx::query_scalar("SELECT package_id FROM package_orders WHERE student_id = $1").bind(student).fetch_all(db).await
}

/// The reference of a student's order for a package, if there is one.
#[tracing::instrument(skip_all)]
pub async fn existing(db: &mut TenantDb, student: Uuid, package_id: Uuid) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("SELECT number FROM package_orders WHERE student_id = $1 AND package_id = $2")
        .bind(student)
        .bind(package_id)
        .fetch_optional(db)
        .await
}

/// A new order's stored fields.
pub struct NewOrder<'a> {
    pub number: &'a str,
    pub contract_id: Uuid,
    /// The roster row's id.
    pub student: Uuid,
    pub package_id: Uuid,
    pub price: Money,
    pub late: bool,
    pub late_fee: Money,
    pub channel: OrderChannel,
    pub recorded_by: Option<Uuid>,
    pub notes: Option<&'a str>,
}

/// Inserts an order and returns its id.
#[tracing::instrument(skip_all)]
pub async fn insert(db: &mut TenantDb, order: &NewOrder<'_>) -> sqlx::Result<Uuid> {
    sqlx::query_scalar(
        "INSERT INTO package_orders (id, number, contract_id, student_id, package_id, price, late, late_fee, channel, \
         recorded_by, notes) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
    )
    .bind(Uuid::now_v7())
    .bind(order.number)
    .bind(order.contract_id)
    .bind(order.student)
    .bind(order.package_id)
    .bind(order.price)
    .bind(order.late)
    .bind(order.late_fee)
    .bind(order.channel)
    .bind(order.recorded_by)
    .bind(order.notes)
    .fetch_one(db)
    .await
}
