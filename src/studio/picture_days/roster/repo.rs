//! SQL on a studio's `roster_students` table, always through the tenant-scoped handle.

use uuid::Uuid;

use crate::db::{ListQuery, TenantDb, Window};
use crate::studio::picture_days::roster::model::{RosterFilter, Student, ValidStudent};

/// The columns of a [`Student`], then the rest of a statement.
macro_rules! columns {
    ($($rest:literal),*) => {
        concat!(
            "id, contract_id, student_id, name, grade, section, guardian_name, guardian_phone, \
             guardian_email::text AS guardian_email, access_code, created_at, updated_at",
            $($rest),*
        )
    };
}

/// The class list's order.
const CLASS_ORDER: &str = "grade, section NULLS FIRST, lower(name), id";

/// The filtered roster of a contract, in class order.
fn roster_query(contract_id: Uuid, filter: &RosterFilter) -> ListQuery {
    let mut list = ListQuery::new(concat!("SELECT ", columns!(" FROM roster_students")), CLASS_ORDER);
    list.filter("contract_id = ", Some(contract_id))
        .filter("grade = ", filter.grade.clone())
        .filter("section = ", filter.section.clone())
        .contains("lower(name || ' ' || student_id || ' ' || access_code)", filter.search.as_deref());
    list
}

/// One page of a contract's roster, and how many students match.
#[tracing::instrument(skip_all)]
pub async fn list(
    db: &mut TenantDb,
    contract_id: Uuid,
    filter: &RosterFilter,
    window: Window,
) -> sqlx::Result<(i64, Vec<Student>)> {
    roster_query(contract_id, filter).fetch(db, window).await
}

/// Every matching student of a contract's roster (the class list file).
#[tracing::instrument(skip_all)]
pub async fn all(db: &mut TenantDb, contract_id: Uuid, filter: &RosterFilter) -> sqlx::Result<Vec<Student>> {
    let everyone = Window { limit: i64::MAX, offset: 0 };
    Ok(roster_query(contract_id, filter).fetch(db, everyone).await?.1)
}

#[tracing::instrument(skip_all)]
pub async fn get(db: &mut TenantDb, contract_id: Uuid, student_id: &str) -> sqlx::Result<Option<Student>> {
    sqlx::query_as(concat!("SELECT ", columns!(" FROM roster_students WHERE contract_id = $1 AND student_id = $2")))
        .bind(contract_id)
        .bind(student_id)
        .fetch_optional(db)
        .await
}

/// A student, locked until the transaction ends.
#[tracing::instrument(skip_all)]
pub async fn lock(db: &mut TenantDb, contract_id: Uuid, student_id: &str) -> sqlx::Result<Option<Student>> {
    sqlx::query_as(concat!(
        "SELECT ",
        columns!(" FROM roster_students WHERE contract_id = $1 AND student_id = $2 FOR UPDATE")
    ))
    .bind(contract_id)
    .bind(student_id)
    .fetch_optional(db)
    .await
}

/// How many students a contract's roster has.
#[tracing::instrument(skip_all)]
pub async fn count(db: &mut TenantDb, contract_id: Uuid) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT count(*) FROM roster_students WHERE contract_id = $1")
        .bind(contract_id)
        .fetch_one(db)
        .await
}

/// Which of `codes` some student of the studio (any contract) already has.
#[tracing::instrument(skip_all)]
pub async fn taken_codes(db: &mut TenantDb, codes: &[String]) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar("SELECT access_code FROM roster_students WHERE access_code = ANY($1)")
        .bind(codes)
        .fetch_all(db)
        .await
}

#[tracing::instrument(skip_all)]
pub async fn insert(
    db: &mut TenantDb,
    contract_id: Uuid,
    student: &ValidStudent,
    access_code: &str,
) -> sqlx::Result<Student> {
    sqlx::query_as(concat!(
        "INSERT INTO roster_students (student_id, name, grade, section, guardian_name, guardian_phone, \
         guardian_email, id, contract_id, access_code) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING ",
        columns!()
    ))
    .bind(&student.student_id)
    .bind(&student.name)
    .bind(&student.grade)
    .bind(&student.section)
    .bind(&student.guardian_name)
    .bind(&student.guardian_phone)
    .bind(&student.guardian_email)
    .bind(Uuid::now_v7())
    .bind(contract_id)
    .bind(access_code)
    .fetch_one(db)
    .await
}

#[tracing::instrument(skip_all)]
pub async fn update(db: &mut TenantDb, id: Uuid, student: &ValidStudent) -> sqlx::Result<Student> {
    sqlx::query_as(concat!(
        "UPDATE roster_students SET student_id = $1, name = $2, grade = $3, section = $4, guardian_name = $5, \
         guardian_phone = $6, guardian_email = $7, updated_at = now() WHERE id = $8 RETURNING ",
        columns!()
    ))
    .bind(&student.student_id)
    .bind(&student.name)
    .bind(&student.grade)
    .bind(&student.section)
    .bind(&student.guardian_name)
    .bind(&student.guardian_phone)
    .bind(&student.guardian_email)
    .bind(id)
    .fetch_one(db)
    .await
}

/// Gives a student a new access code.
#[tracing::instrument(skip_all)]
pub async fn set_code(db: &mut TenantDb, id: Uuid, access_code: &str) -> sqlx::Result<Student> {
    sqlx::query_as(concat!(
        "UPDATE roster_students SET access_code = $1, updated_at = now() WHERE id = $2 RETURNING ",
        columns!()
    ))
    .bind(access_code)
    .bind(id)
    .fetch_one(db)
    .await
}

/// How many package orders a student has (they keep the student on the roster).
#[tracing::instrument(skip_all)]
pub async fn orders(db: &mut TenantDb, id: Uuid) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT count(*) FROM package_orders WHERE student_id = $1").bind(id).fetch_one(db).await
}

#[tracing::instrument(skip_all)]
pub async fn delete(db: &mut TenantDb, id: Uuid) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM roster_students WHERE id = $1").bind(id).execute(db).await?;
    Ok(())
}

/// What an upsert did to one student: its student id and whether it was new.
#[derive(Debug, sqlx::FromRow)]
pub struct Upserted {
    pub student_id: String,
    pub created: bool,
}

/// Adds the students a contract's roster lacks (with `codes[i]` for `students[i]`) and
/// updates, by student id, those whose fields differ; one statement. Students already there
/// keep their access code, and unchanged ones are not written (nor returned).
#[tracing::instrument(skip_all, fields(rows = students.len()))]
pub async fn upsert(
    db: &mut TenantDb,
    contract_id: Uuid,
    students: &[ValidStudent],
    codes: &[String],
) -> sqlx::Result<Vec<Upserted>> {
    let column = |f: fn(&ValidStudent) -> &str| students.iter().map(|s| f(s).to_owned()).collect::<Vec<_>>();
    let optional = |f: fn(&ValidStudent) -> &Option<String>| students.iter().map(|s| f(s).clone()).collect::<Vec<_>>();
    sqlx::query_as(
        "INSERT INTO roster_students (id, contract_id, student_id, name, grade, section, guardian_name, \
         guardian_phone, guardian_email, access_code) \
         SELECT id, $1, student_id, name, grade, section, guardian_name, guardian_phone, guardian_email, access_code \
         FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], \
         $10::text[]) AS f(id, student_id, name, grade, section, guardian_name, guardian_phone, guardian_email, \
         access_code) \
         ON CONFLICT (contract_id, student_id) DO UPDATE SET name = EXCLUDED.name, grade = EXCLUDED.grade, \
         section = EXCLUDED.section, guardian_name = EXCLUDED.guardian_name, \
         guardian_phone = EXCLUDED.guardian_phone, guardian_email = EXCLUDED.guardian_email, updated_at = now() \
         WHERE (roster_students.name, roster_students.grade, roster_students.section, roster_students.guardian_name, \
         roster_students.guardian_phone, roster_students.guardian_email::text) IS DISTINCT FROM (EXCLUDED.name, \
         EXCLUDED.grade, EXCLUDED.section, EXCLUDED.guardian_name, EXCLUDED.guardian_phone, \
         EXCLUDED.guardian_email::text) \
         RETURNING student_id, (xmax::text = '0') AS created",
    )
    .bind(contract_id)
    .bind(students.iter().map(|_| Uuid::now_v7()).collect::<Vec<_>>())
    .bind(column(|s| &s.student_id))
    .bind(column(|s| &s.name))
    .bind(column(|s| &s.grade))
    .bind(optional(|s| &s.section))
    .bind(optional(|s| &s.guardian_name))
    .bind(optional(|s| &s.guardian_phone))
    .bind(optional(|s| &s.guardian_email))
    .bind(codes)
    .fetch_all(db)
    .await
}
