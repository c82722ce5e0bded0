//! The rules of a roster: it belongs to one contract of the studio and changes until the
//! contract closes; every student gets an access code unique in the studio; a file imports
//! whole or not at all, matching students by their student id; a student with orders stays.

use std::collections::HashSet;

use serde_json::json;
use uuid::Uuid;

use crate::audit::{self, Entry};
use crate::auth::extract::TenantUser;
use crate::db::{TenantDb, Window};
use crate::http::db_error::on_constraint;
use crate::http::{ApiError, ApiResult};
use crate::studio::picture_days::codes;
use crate::studio::picture_days::model::ContractTerms;
use crate::studio::picture_days::repo as contracts;
use crate::studio::picture_days::roster::model::{ImportReport, RosterFilter, Student, StudentInput, ValidStudent};
use crate::studio::picture_days::roster::{columns, file, repo};

fn student_not_found() -> ApiError {
    ApiError::not_found("student")
}

/// The contract's terms (404 `not_found` when the studio has no such contract).
pub async fn contract(db: &mut TenantDb, id: Uuid) -> ApiResult<ContractTerms> {
    contracts::terms(db, id).await?.ok_or_else(|| ApiError::not_found("contract"))
}

/// The contract's terms, held for a change to its roster or packages: 404 when missing, 409
/// `contract_closed` when completed or cancelled.
pub async fn contract_for_change(tx: &mut TenantDb, id: Uuid) -> ApiResult<ContractTerms> {
    let terms = contracts::hold_terms(tx, id).await?.ok_or_else(|| ApiError::not_found("contract"))?;
    terms.check_open_for_changes()?;
    Ok(terms)
}

/// `count` access codes no student of the studio has, none twice. A clash with a stored
/// code is rare (40 bits); those are drawn again.
async fn fresh_codes(db: &mut TenantDb, count: usize) -> ApiResult<Vec<String>> {
    let mut codes: Vec<String> = Vec::with_capacity(count);
    let mut seen = HashSet::with_capacity(count);
    for _ in 0..5 {
        while codes.len() < count {
            let code = codes::generate();
            if seen.insert(code.clone()) {
                codes.push(code);
            }
        }
        let taken: HashSet<String> = repo::taken_codes(db, &codes).await?.into_iter().collect();
        if taken.is_empty() {
            return Ok(codes);
        }
        codes.retain(|c| !taken.contains(c));
    }
    Err(ApiError::internal("could not draw unused access codes"))
}

/// Another student of the roster has the student id: 409 on `student_id`.
fn student_id_taken() -> impl FnOnce(sqlx::Error) -> ApiError {
    on_constraint("roster_students_student_key", "student_id", "another student of this roster has this student id")
}

pub async fn list(
    user: &TenantUser,
    contract_id: Uuid,
    filter: &RosterFilter,
    window: Window,
) -> ApiResult<(i64, Vec<Student>)> {
    let mut db = user.db().await?;
    contract(&mut db, contract_id).await?;
    Ok(repo::list(&mut db, contract_id, filter, window).await?)
}

/// The contract's number (for the file name) and every matching student, in class order.
pub async fn class_list(
    user: &TenantUser,
    contract_id: Uuid,
    filter: &RosterFilter,
) -> ApiResult<(String, Vec<Student>)> {
    let mut db = user.db().await?;
    let terms = contract(&mut db, contract_id).await?;
    Ok((terms.number, repo::all(&mut db, contract_id, filter).await?))
}

pub async fn get(user: &TenantUser, contract_id: Uuid, student_id: &str) -> ApiResult<Student> {
    let mut db = user.db().await?;
    contract(&mut db, contract_id).await?;
    repo::get(&mut db, contract_id, student_id).await?.ok_or_else(student_not_found)
}

/// Adds one student, with a new access code.
pub async fn add(user: &TenantUser, contract_id: Uuid, input: &StudentInput) -> ApiResult<Student> {
    let student = input.validate()?;
    let mut tx = user.begin().await?;
    contract_for_change(&mut tx, contract_id).await?;
    let code = fresh_codes(&mut tx, 1).await?.remove(0);
    let created = repo::insert(&mut tx, contract_id, &student, &code).await.map_err(student_id_taken())?;
    audit::created(&mut tx, user.audit(), &created).await?;
    tx.commit().await?;
    Ok(created)
}

/// Replaces a student's fields (the student id too); the access code stays.
pub async fn update(
    user: &TenantUser,
    contract_id: Uuid,
    student_id: &str,
    input: &StudentInput,
) -> ApiResult<Student> {
    let student = input.validate()?;
    let mut tx = user.begin().await?;
    contract_for_change(&mut tx, contract_id).await?;
    let before = repo::lock(&mut tx, contract_id, student_id).await?.ok_or_else(student_not_found)?;
    let after = repo::update(&mut tx, before.id, &student).await.map_err(student_id_taken())?;
    audit::updated(&mut tx, user.audit(), &before, &after).await?;
    tx.commit().await?;
    Ok(after)
}

/// Gives a student a new access code (the old one, say shared in a group chat, stops
/// working at once); their orders stay theirs.
pub async fn new_code(user: &TenantUser, contract_id: Uuid, student_id: &str) -> ApiResult<Student> {
    let mut tx = user.begin().await?;
    contract_for_change(&mut tx, contract_id).await?;
    let before = repo::lock(&mut tx, contract_id, student_id).await?.ok_or_else(student_not_found)?;
    let code = fresh_codes(&mut tx, 1).await?.remove(0);
    let after = repo::set_code(&mut tx, before.id, &code).await?;
    audit::updated(&mut tx, user.audit(), &before, &after).await?;
    tx.commit().await?;
    Ok(after)
}

/// Takes a student off the roster; refused with 409 `student_has_orders` once a package was
/// ordered for them.
pub async fn remove(user: &TenantUser, contract_id: Uuid, student_id: &str) -> ApiResult<()> {
    let mut tx = user.begin().await?;
    contract_for_change(&mut tx, contract_id).await?;
    let before = repo::lock(&mut tx, contract_id, student_id).await?.ok_or_else(student_not_found)?;
    let orders = repo::orders(&mut tx, before.id).await?;
    if orders > 0 {
        return Err(ApiError::ConflictWith {
            code: "student_has_orders",
            detail: format!("{orders} package order(s) were placed for this student"),
            context: json!({"orders": orders}),
        });
    }
    repo::delete(&mut tx, before.id).await?;
    audit::deleted(&mut tx, user.audit(), &before).await?;
    tx.commit().await?;
    Ok(())
}

/// The students of a roster file, read off the async threads (a 5,000-row spreadsheet is
/// real work).
async fn read_file(bytes: Vec<u8>) -> ApiResult<Vec<(u64, ValidStudent)>> {
    tokio::task::spawn_blocking(move || columns::students(&file::read(&bytes)?))
        .await
        .map_err(|e| ApiError::internal(format!("reading a roster file: {e}")))?
}

/// Imports a roster file: every row valid or nothing written; students matched by student
/// id are updated (their codes stay), new ones added with new codes, none removed. One audit
/// event (`roster.imported`) names the students added and changed.
pub async fn import(user: &TenantUser, contract_id: Uuid, bytes: Vec<u8>) -> ApiResult<ImportReport> {
    let rows = read_file(bytes).await?;
    let students: Vec<ValidStudent> = rows.into_iter().map(|(_, s)| s).collect();
    let mut tx = user.begin().await?;
    contract_for_change(&mut tx, contract_id).await?;
    let codes = fresh_codes(&mut tx, students.len()).await?;
    let written = repo::upsert(&mut tx, contract_id, &students, &codes).await.map_err(on_constraint(
        "roster_students_access_code_key",
        "file",
        "an access code clashed; import again",
    ))?;
    let (created, updated): (Vec<_>, Vec<_>) = written.into_iter().partition(|w| w.created);
    let report = ImportReport {
        rows: students.len() as i64,
        created: created.len() as i64,
        updated: updated.len() as i64,
        unchanged: (students.len() - created.len() - updated.len()) as i64,
        students: repo::count(&mut tx, contract_id).await?,
    };
    let ids = |w: Vec<repo::Upserted>| w.into_iter().map(|w| w.student_id).collect::<Vec<_>>();
    let changes = json!({"rows": report.rows, "created": ids(created), "updated": ids(updated)});
    audit::record(&mut tx, user.audit(), Entry::new("roster.imported", "contract", Some(contract_id), changes)).await?;
    tx.commit().await?;
    Ok(report)
}
