//! SQL on a studio's `clients` table, always through the tenant-scoped handle.

use sqlx::postgres::PgArguments;
use sqlx::query::QueryAs;
use sqlx::{AssertSqlSafe, Postgres};
use uuid::Uuid;

use crate::db::{ListQuery, TenantDb, Window};
use crate::studio::clients::model::{Client, ClientFilter, Holders, ValidClient};

/// The columns of a [`Client`], then the rest of a statement.
macro_rules! columns {
    ($($rest:literal),*) => {
        concat!(
            "id, kind, name, tax_id_type, tax_id_number, email::text AS email, phone, address, notes, \
             contact_name, contact_role, created_at, updated_at",
            $($rest),*
        )
    };
}

/// The text `?search=` looks in; the same expression as the trigram index `clients_search_idx`.
const SEARCH_TEXT: &str = "lower(name || ' ' || coalesce(tax_id_number, '') || ' ' || coalesce(email::text, '') || ' ' || coalesce(phone, ''))";

/// One page of clients in name order, and how many match in all. A hot read: it names the
/// studio's schema, for a handle from `reads()` (or any other).
#[tracing::instrument(skip_all)]
pub async fn list(db: &mut TenantDb, filter: &ClientFilter, window: Window) -> sqlx::Result<(i64, Vec<Client>)> {
    let mut list = ListQuery::new(concat!("SELECT ", columns!(" FROM {studio}.clients")), "lower(name), id");
    list.filter("kind = ", filter.kind).contains(SEARCH_TEXT, filter.search.as_deref());
    list.fetch(db, window).await
}

/// A hot read, like [`list`].
#[tracing::instrument(skip_all)]
pub async fn get(db: &mut TenantDb, id: Uuid) -> sqlx::Result<Option<Client>> {
    let sql = db.sql(concat!("SELECT ", columns!(" FROM {studio}.clients WHERE id = $1")));
    sqlx::query_as(AssertSqlSafe(sql)).bind(id).fetch_optional(db).await
}

/// A client, locked until the transaction ends (the audit records its "before").
#[tracing::instrument(skip_all)]
pub async fn lock(db: &mut TenantDb, id: Uuid) -> sqlx::Result<Option<Client>> {
    sqlx::query_as(concat!("SELECT ", columns!(" FROM clients WHERE id = $1 FOR UPDATE")))
        .bind(id)
        .fetch_optional(db)
        .await
}

#[tracing::instrument(skip_all)]
pub async fn insert(db: &mut TenantDb, client: &ValidClient) -> sqlx::Result<Client> {
    let sql = concat!(
        "INSERT INTO clients (kind, name, tax_id_type, tax_id_number, email, phone, address, notes, contact_name, \
         contact_role, id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING ",
        columns!()
    );
    with_fields(sql, client, Uuid::now_v7()).fetch_one(db).await
}

#[tracing::instrument(skip_all)]
pub async fn update(db: &mut TenantDb, id: Uuid, client: &ValidClient) -> sqlx::Result<Client> {
    let sql = concat!(
        "UPDATE clients SET kind = $1, name = $2, tax_id_type = $3, tax_id_number = $4, email = $5, phone = $6, \
         address = $7, notes = $8, contact_name = $9, contact_role = $10, updated_at = now() WHERE id = $11 RETURNING ",
        columns!()
    );
    with_fields(sql, client, id).fetch_one(db).await
}

/// `sql` with the client's fields as `$1`–`$10` and `id` as `$11`.
fn with_fields<'q>(sql: &'static str, c: &'q ValidClient, id: Uuid) -> QueryAs<'q, Postgres, Client, PgArguments> {
    sqlx::query_as(sql)
        .bind(c.kind)
        .bind(&c.name)
        .bind(c.tax_id.as_ref().map(|t| t.kind()))
        .bind(c.tax_id.as_ref().map(|t| t.number()))
        .bind(&c.email)
        .bind(&c.phone)
        .bind(&c.address)
        .bind(&c.notes)
        .bind(&c.contact_name)
        .bind(&c.contact_role)
        .bind(id)
}

/// What still refers to a client: how many contracts (as a school) and orders.
#[tracing::instrument(skip_all)]
pub async fn holders(db: &mut TenantDb, id: Uuid) -> sqlx::Result<Holders> {
    sqlx::query_as(
        "SELECT (SELECT count(*) FROM contracts WHERE school_id = $1) AS contracts, \
         (SELECT count(*) FROM orders WHERE client_id = $1) AS orders",
    )
    .bind(id)
    .fetch_one(db)
    .await
}

#[tracing::instrument(skip_all)]
pub async fn delete(db: &mut TenantDb, id: Uuid) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM clients WHERE id = $1").bind(id).execute(db).await?;
    Ok(())
}
