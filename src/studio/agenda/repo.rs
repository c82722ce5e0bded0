//! SQL on a studio's `appointments` table, always through the tenant-scoped handle. Every
//! read joins the names of the client, contract and staff member; writes return the same
//! shape through a CTE.

use chrono::{DateTime, Utc};
use sqlx::Postgres;
use sqlx::postgres::PgArguments;
use sqlx::query::QueryAs;
use uuid::Uuid;

use crate::db::{ListQuery, TenantDb, Window};
use crate::studio::agenda::model::{Appointment, AppointmentKind, AppointmentStatus, ValidAppointment};

/// The exclusion constraint that keeps one staff member from two places at once.
pub const STAFF_OVERLAP: &str = "appointments_staff_overlap";
/// The exclusion constraint that keeps one resource from two bookings at once.
pub const RESOURCE_OVERLAP: &str = "appointments_resource_overlap";
/// The check that an appointment ends after it starts, within 24 hours.
pub const SPAN_CHECK: &str = "appointments_span_check";

/// The columns of an [`Appointment`] over `a` (appointments) and the names it links to.
macro_rules! select {
    ($($rest:literal),*) => {
        concat!(
            "SELECT a.id, a.kind, a.title, a.client_id, c.name AS client_name, a.contract_id, \
             k.number AS contract_number, a.order_id, a.staff_id, u.full_name AS staff_name, a.resource, \
             a.starts_at, a.ends_at, a.location, a.status, a.notes, a.created_at, a.updated_at \
             FROM a LEFT JOIN clients c ON c.id = a.client_id LEFT JOIN contracts k ON k.id = a.contract_id \
             LEFT JOIN users u ON u.id = a.staff_id",
            $($rest),*
        )
    };
}

/// Reads name the table `a` the way writes name their CTE.
macro_rules! reading {
    ($($rest:literal),*) => { concat!("WITH a AS (SELECT * FROM appointments) ", select!($($rest),*)) };
}

/// The stored filters of a list or a calendar: the instants a window of local days covers,
/// and the rest as sent (the resource lower-cased).
#[derive(Debug, Default)]
pub struct ListFilter<'a> {
    pub staff: Option<Uuid>,
    pub resource: Option<String>,
    pub status: Option<AppointmentStatus>,
    /// Leaves this status out (the calendar leaves out `cancelled`).
    pub status_not: Option<AppointmentStatus>,
    pub kind: Option<AppointmentKind>,
    pub client: Option<Uuid>,
    pub contract: Option<Uuid>,
    pub order: Option<Uuid>,
    /// Keeps appointments that end after this instant.
    pub ends_after: Option<DateTime<Utc>>,
    /// Keeps appointments that start before this instant.
    pub starts_before: Option<DateTime<Utc>>,
    /// Keeps appointments that start after this instant. Set to `ends_after` less the longest
    /// an appointment lasts (`appointments_span_check`), it drops nothing `ends_after` keeps,
    /// but it bounds `appointments_starts_idx` to the window on both sides: without it a
    /// week's calendar reads every appointment the studio ever had.
    pub starts_after: Option<DateTime<Utc>>,
    pub search: Option<&'a str>,
}

/// One page of appointments in start order, and how many match.
#[tracing::instrument(skip_all)]
pub async fn list(db: &mut TenantDb, filter: ListFilter<'_>, window: Window) -> sqlx::Result<(i64, Vec<Appointment>)> {
    let mut list = ListQuery::new(reading!(), "starts_at, id");
    list.filter("a.staff_id = ", filter.staff)
        .filter("lower(a.resource) = ", filter.resource)
        .filter("a.status = ", filter.status)
        .filter("a.status <> ", filter.status_not)
        .filter("a.kind = ", filter.kind)
        .filter("a.client_id = ", filter.client)
        .filter("a.contract_id = ", filter.contract)
        .filter("a.order_id = ", filter.order)
        .filter("a.ends_at > ", filter.ends_after)
        .filter("a.starts_at < ", filter.starts_before)
        .filter("a.starts_at > ", filter.starts_after)
        .contains("lower(a.title)", filter.search);
    list.fetch(db, window).await
}

#[tracing::instrument(skip_all)]
pub async fn get(db: &mut TenantDb, id: Uuid) -> sqlx::Result<Option<Appointment>> {
    sqlx::query_as(reading!(" WHERE a.id = $1")).bind(id).fetch_optional(db).await
}

/// An appointment, locked until the transaction ends.
#[tracing::instrument(skip_all)]
pub async fn lock(db: &mut TenantDb, id: Uuid) -> sqlx::Result<Option<Appointment>> {
    sqlx::query_as(concat!("WITH a AS (SELECT * FROM appointments WHERE id = $1 FOR UPDATE) ", select!()))
        .bind(id)
        .fetch_optional(db)
        .await
}

/// Whether a client exists, held (`FOR KEY SHARE`) so it cannot go while it is linked.
#[tracing::instrument(skip_all)]
pub async fn client_exists(db: &mut TenantDb, id: Uuid) -> sqlx::Result<bool> {
    let found: Option<i32> =
        sqlx::query_scalar("SELECT 1 FROM clients WHERE id = $1 FOR KEY SHARE").bind(id).fetch_optional(db).await?;
    Ok(found.is_some())
}

/// Whether a contract exists, held so it cannot go while it is linked.
#[tracing::instrument(skip_all)]
pub async fn contract_exists(db: &mut TenantDb, id: Uuid) -> sqlx::Result<bool> {
    let found: Option<i32> =
        sqlx::query_scalar("SELECT 1 FROM contracts WHERE id = $1 FOR KEY SHARE").bind(id).fetch_optional(db).await?;
    Ok(found.is_some())
}

/// Whether an order exists, held so it cannot go while it is linked.
#[tracing::instrument(skip_all)]
pub async fn order_exists(db: &mut TenantDb, id: Uuid) -> sqlx::Result<bool> {
    let found: Option<i32> =
        sqlx::query_scalar("SELECT 1 FROM orders WHERE id = $1 FOR KEY SHARE").bind(id).fetch_optional(db).await?;
    Ok(found.is_some())
}

/// Whether a user is active (`None`: no such user), held so they cannot go meanwhile.
#[tracing::instrument(skip_all)]
pub async fn user_active(db: &mut TenantDb, id: Uuid) -> sqlx::Result<Option<bool>> {
    sqlx::query_scalar("SELECT active FROM users WHERE id = $1 FOR KEY SHARE").bind(id).fetch_optional(db).await
}

/// Waits for, then holds until the transaction ends, this studio's lock named `key`
/// (`staff:<id>`, `resource:<name>`). Bookings of one staff member or resource take it
/// before they write, so they reach the exclusion constraint one after the other: the later
/// one sees the earlier committed and is refused at once, where two writers checking each
/// other's uncommitted rows could deadlock.
#[tracing::instrument(skip_all)]
pub async fn queue_for(db: &mut TenantDb, key: &str) -> sqlx::Result<()> {
    sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended(current_schema() || '/' || $1, 0))")
        .bind(key)
        .execute(db)
        .await?;
    Ok(())
}

/// Marks the point a refused booking rolls back to, keeping the transaction usable.
#[tracing::instrument(skip_all)]
pub async fn savepoint(db: &mut TenantDb) -> sqlx::Result<()> {
    sqlx::query("SAVEPOINT booking").execute(db).await?;
    Ok(())
}

/// Undoes what followed [`savepoint`] (a write the database refused).
#[tracing::instrument(skip_all)]
pub async fn rollback_to_savepoint(db: &mut TenantDb) -> sqlx::Result<()> {
    sqlx::query("ROLLBACK TO SAVEPOINT booking").execute(db).await?;
    Ok(())
}

/// Who an appointment takes: a staff member, or a resource.
#[derive(Debug, Clone, Copy)]
pub enum Holder<'a> {
    Staff(Uuid),
    Resource(&'a str),
}

/// The first active appointment other than `except` that overlaps `[starts, ends)` and takes
/// `holder` — the rule of [`STAFF_OVERLAP`] and [`RESOURCE_OVERLAP`], asked after one fired.
#[tracing::instrument(skip_all)]
pub async fn clash(
    db: &mut TenantDb,
    holder: Holder<'_>,
    (starts, ends): (DateTime<Utc>, DateTime<Utc>),
    except: Uuid,
) -> sqlx::Result<Option<Appointment>> {
    let query = match holder {
        Holder::Staff(id) => sqlx::query_as(reading!(
            " WHERE a.staff_id = $1 AND a.during && tstzrange($2, $3, '[)') AND a.id <> $4 \
             AND a.status IN ('scheduled', 'confirmed', 'done') ORDER BY a.starts_at LIMIT 1"
        ))
        .bind(id),
        Holder::Resource(name) => sqlx::query_as(reading!(
            " WHERE lower(a.resource) = lower($1) AND a.during && tstzrange($2, $3, '[)') AND a.id <> $4 \
             AND a.status IN ('scheduled', 'confirmed', 'done') ORDER BY a.starts_at LIMIT 1"
        ))
        .bind(name),
    };
    query.bind(starts).bind(ends).bind(except).fetch_optional(db).await
}

#[tracing::instrument(skip_all)]
pub async fn insert(
    db: &mut TenantDb,
    id: Uuid,
    appointment: &ValidAppointment,
    status: AppointmentStatus,
) -> sqlx::Result<Appointment> {
    let sql = concat!(
        "WITH a AS (INSERT INTO appointments (kind, title, client_id, contract_id, order_id, staff_id, resource, \
         starts_at, ends_at, location, status, notes, id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING *) ",
        select!()
    );
    with_fields(sql, appointment, status, id).fetch_one(db).await
}

#[tracing::instrument(skip_all)]
pub async fn update(
    db: &mut TenantDb,
    id: Uuid,
    appointment: &ValidAppointment,
    status: AppointmentStatus,
) -> sqlx::Result<Appointment> {
    let sql = concat!(
        "WITH a AS (UPDATE appointments SET kind = $1, title = $2, client_id = $3, contract_id = $4, order_id = $5, \
         staff_id = $6, resource = $7, starts_at = $8, ends_at = $9, location = $10, status = $11, notes = $12, \
         updated_at = now() WHERE id = $13 RETURNING *) ",
        select!()
    );
    with_fields(sql, appointment, status, id).fetch_one(db).await
}

/// `sql` with the appointment's fields as `$1`–`$12` and `id` as `$13`.
fn with_fields<'q>(
    sql: &'static str,
    a: &'q ValidAppointment,
    status: AppointmentStatus,
    id: Uuid,
) -> QueryAs<'q, Postgres, Appointment, PgArguments> {
    sqlx::query_as(sql)
        .bind(a.kind)
        .bind(&a.title)
        .bind(a.client_id)
        .bind(a.contract_id)
        .bind(a.order_id)
        .bind(a.staff_id)
        .bind(&a.resource)
        .bind(a.starts_at)
        .bind(a.ends_at)
        .bind(&a.location)
        .bind(status)
        .bind(&a.notes)
        .bind(id)
}

#[tracing::instrument(skip_all)]
pub async fn delete(db: &mut TenantDb, id: Uuid) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM appointments WHERE id = $1").bind(id).execute(db).await?;
    Ok(())
}
