//! The rules of the agenda: links point only at this studio's clients, contracts and users;
//! the database refuses double bookings and the refusal names the appointment in the way;
//! days and times are the studio's.

use chrono::{NaiveDate, Utc};
use serde_json::json;
use uuid::Uuid;

use crate::audit;
use crate::auth::extract::TenantUser;
use crate::db::{TenantDb, Window};
use crate::http::db_error::on_constraint;
use crate::http::fields::Checks;
use crate::http::{ApiError, ApiResult};
use crate::studio::agenda::days::{LocalDays, MAX_CALENDAR_DAYS};
use crate::studio::agenda::model::{
    Appointment, AppointmentFilter, AppointmentInput, AppointmentStatus, MAX_LENGTH, ValidAppointment, check_outcome,
};
use crate::studio::agenda::repo::{self, Holder, ListFilter};

/// The most appointments one calendar answer carries; `count` says how many there are.
pub const CALENDAR_LIMIT: i64 = 5000;

fn not_found() -> ApiError {
    ApiError::not_found("appointment")
}

/// Every link must be a record of this studio (422 naming each field that is not). A staff
/// member must be active, unless the appointment already had them (`kept_staff`).
async fn check_links(db: &mut TenantDb, a: &ValidAppointment, kept_staff: Option<Uuid>) -> ApiResult<()> {
    let mut checks = Checks::new();
    if let Some(id) = a.client_id
        && !repo::client_exists(db, id).await?
    {
        checks.fail("client_id", "no client of this studio has this id");
    }
    if let Some(id) = a.contract_id
        && !repo::contract_exists(db, id).await?
    {
        checks.fail("contract_id", "no contract of this studio has this id");
    }
    if let Some(id) = a.order_id
        && !repo::order_exists(db, id).await?
    {
        checks.fail("order_id", "no order of this studio has this id");
    }
    if let Some(id) = a.staff_id {
        match repo::user_active(db, id).await? {
            None => checks.fail("staff_id", "no user of this studio has this id"),
            Some(false) if kept_staff != Some(id) => checks.fail("staff_id", "this user is deactivated"),
            Some(_) => {}
        }
    }
    checks.finish()
}

/// Takes the locks of the staff member and resource a booking holds, always in that order
/// (so two bookings never wait on each other), when its status holds them at all.
async fn queue_for_slots(db: &mut TenantDb, a: &ValidAppointment, status: AppointmentStatus) -> sqlx::Result<()> {
    if !status.holds_slot() {
        return Ok(());
    }
    if let Some(staff) = a.staff_id {
        repo::queue_for(db, &format!("staff:{staff}")).await?;
    }
    if let Some(resource) = &a.resource {
        repo::queue_for(db, &format!("resource:{}", resource.to_lowercase())).await?;
    }
    Ok(())
}

/// The outcome of a write made after [`repo::savepoint`]: when the database refused it as a
/// double booking, rolls back to the savepoint and answers 409 `schedule_conflict` naming
/// the appointment in the way (committed by then: the constraint waits for its writer).
async fn settle(
    db: &mut TenantDb,
    user: &TenantUser,
    written: sqlx::Result<Appointment>,
    a: &ValidAppointment,
    id: Uuid,
) -> ApiResult<Appointment> {
    let err = match written {
        Ok(appointment) => return Ok(appointment),
        Err(err) => err,
    };
    let constraint = err.as_database_error().and_then(|e| e.constraint()).unwrap_or_default();
    let (field, holder) = match (constraint, a.staff_id, a.resource.as_deref()) {
        (repo::STAFF_OVERLAP, Some(staff), _) => ("staff_id", Holder::Staff(staff)),
        (repo::RESOURCE_OVERLAP, _, Some(resource)) => ("resource", Holder::Resource(resource)),
        _ => return Err(on_constraint(repo::SPAN_CHECK, "ends_at", "must be after starts_at, within 24 hours")(err)),
    };
    repo::rollback_to_savepoint(db).await?;
    let clash = repo::clash(db, holder, (a.starts_at, a.ends_at), id).await?;
    Err(schedule_conflict(field, clash.map(|c| c.in_zone(user.tenant.tz()))))
}

/// 409 `schedule_conflict`; `context` names the field that clashed and the appointment in
/// the way (its id, title and times in the studio's zone).
fn schedule_conflict(field: &str, clash: Option<Appointment>) -> ApiError {
    let who = if field == "staff_id" { "the staff member" } else { "the resource" };
    let Some(c) = clash else {
        // The appointment in the way changed between the refusal and the look-up.
        return ApiError::ConflictWith {
            code: "schedule_conflict",
            detail: format!("{who} was just booked at this time; try again"),
            context: json!({"field": field}),
        };
    };
    ApiError::ConflictWith {
        code: "schedule_conflict",
        detail: format!("{who} is already booked for \"{}\" from {} to {}", c.title, c.starts_at, c.ends_at),
        context: json!({
            "field": field, "appointment_id": c.id, "title": c.title,
            "starts_at": c.starts_at, "ends_at": c.ends_at,
        }),
    }
}

/// Filters of the list, from local days to instants; `from`/`to` name themselves on 422.
pub async fn list(user: &TenantUser, filter: &AppointmentFilter, window: Window) -> ApiResult<(i64, Vec<Appointment>)> {
    let tz = user.tenant.tz();
    let days = LocalDays::parse(tz, filter.from, filter.to, None)?;
    let stored = ListFilter {
        staff: filter.staff,
        resource: filter.resource.as_deref().map(str::to_lowercase),
        status: filter.status,
        kind: filter.kind,
        client: filter.client,
        contract: filter.contract,
        order: filter.order,
        ends_after: days.starts,
        starts_before: days.ends,
        starts_after: days.starts.map(|starts| starts - MAX_LENGTH),
        search: filter.search.as_deref(),
        ..ListFilter::default()
    };
    let (count, found) = repo::list(&mut user.db().await?, stored, window).await?;
    Ok((count, found.into_iter().map(|a| a.in_zone(tz)).collect()))
}

/// The appointments that touch the local days `from`..=`to` (at most 62), start order,
/// cancelled ones left out; at most [`CALENDAR_LIMIT`] of them, with how many there are.
pub async fn calendar(
    user: &TenantUser,
    (from, to): (NaiveDate, NaiveDate),
    staff: Option<Uuid>,
    resource: Option<&str>,
) -> ApiResult<(i64, Vec<Appointment>)> {
    let tz = user.tenant.tz();
    let days = LocalDays::parse(tz, Some(from), Some(to), Some(MAX_CALENDAR_DAYS))?;
    let stored = ListFilter {
        staff,
        resource: resource.map(str::to_lowercase),
        status_not: Some(AppointmentStatus::Cancelled),
        ends_after: days.starts,
        starts_before: days.ends,
        starts_after: days.starts.map(|starts| starts - MAX_LENGTH),
        ..ListFilter::default()
    };
    let window = Window { limit: CALENDAR_LIMIT, offset: 0 };
    let (count, found) = repo::list(&mut user.db().await?, stored, window).await?;
    Ok((count, found.into_iter().map(|a| a.in_zone(tz)).collect()))
}

pub async fn get(user: &TenantUser, id: Uuid) -> ApiResult<Appointment> {
    let found = repo::get(&mut user.db().await?, id).await?.ok_or_else(not_found)?;
    Ok(found.in_zone(user.tenant.tz()))
}

/// Books an appointment (`scheduled` unless the input says otherwise).
pub async fn create(user: &TenantUser, input: &AppointmentInput) -> ApiResult<Appointment> {
    let a = input.validate()?;
    let status = a.status.unwrap_or(AppointmentStatus::Scheduled);
    check_outcome(status, a.starts_at, Utc::now())?;
    let mut tx = user.begin().await?;
    check_links(&mut tx, &a, None).await?;
    queue_for_slots(&mut tx, &a, status).await?;
    let id = Uuid::now_v7();
    repo::savepoint(&mut tx).await?;
    let written = repo::insert(&mut tx, id, &a, status).await;
    let created = settle(&mut tx, user, written, &a, id).await?;
    audit::created(&mut tx, user.audit(), &created).await?;
    tx.commit().await?;
    Ok(created.in_zone(user.tenant.tz()))
}

/// Replaces an appointment's fields; its status too when the input has one (a cancelled
/// appointment made active again must find its slot free).
pub async fn update(user: &TenantUser, id: Uuid, input: &AppointmentInput) -> ApiResult<Appointment> {
    let a = input.validate()?;
    let mut tx = user.begin().await?;
    let before = repo::lock(&mut tx, id).await?.ok_or_else(not_found)?;
    let status = a.status.unwrap_or(before.status);
    check_outcome(status, a.starts_at, Utc::now())?;
    check_links(&mut tx, &a, before.staff_id).await?;
    queue_for_slots(&mut tx, &a, status).await?;
    repo::savepoint(&mut tx).await?;
    let written = repo::update(&mut tx, id, &a, status).await;
    let after = settle(&mut tx, user, written, &a, id).await?;
    audit::updated(&mut tx, user.audit(), &before, &after).await?;
    tx.commit().await?;
    Ok(after.in_zone(user.tenant.tz()))
}

pub async fn delete(user: &TenantUser, id: Uuid) -> ApiResult<()> {
    let mut tx = user.begin().await?;
    let before = repo::lock(&mut tx, id).await?.ok_or_else(not_found)?;
    repo::delete(&mut tx, id).await?;
    audit::deleted(&mut tx, user.audit(), &before).await?;
    tx.commit().await?;
    Ok(())
}
