//! SQL on a studio's `clients` table, always through the tenant-scoped handle.

use sqlx::Row;
use sqlx::postgres::PgRow;
use uuid::Uuid;

use crate::db::TenantDb;
use crate::studio::clients::model::{Client, ClientKind, ValidClient};
use crate::studio::clients::tax_id::TaxIdType;
use crate::tenancy::catalog::escape_like;

macro_rules! select_clients {
    ($($rest:expr),*) => {
        concat!(
            "SELECT id, kind, name, tax_id_type, tax_id_number, email::text AS email, phone, address, \
             notes, contact_name, contact_role, created_at, updated_at",
            $($rest),*
        )
    };
}

/// The text `?search=` looks in; the same expression as the trigram index `clients_search_idx`.
macro_rules! search_text {
    () => {
        "lower(name || ' ' || coalesce(tax_id_number, '') || ' ' || coalesce(email::text, '') || ' ' || coalesce(phone, ''))"
    };
}

fn decode(row: &PgRow) -> sqlx::Result<Client> {
    let kind: String = row.try_get("kind")?;
    let tax_id_type: Option<String> = row.try_get("tax_id_type")?;
    let corrupt = |what: &str| sqlx::Error::Decode(format!("clients.{what} is invalid").into());
    Ok(Client {
        id: row.try_get("id")?,
        kind: ClientKind::parse(&kind).ok_or_else(|| corrupt("kind"))?,
        name: row.try_get("name")?,
        tax_id_type: match tax_id_type {
            Some(t) => Some(TaxIdType::parse(&t).ok_or_else(|| corrupt("tax_id_type"))?),
            None => None,
        },
        tax_id_number: row.try_get("tax_id_number")?,
        email: row.try_get("email")?,
        phone: row.try_get("phone")?,
        address: row.try_get("address")?,
        notes: row.try_get("notes")?,
        contact_name: row.try_get("contact_name")?,
        contact_role: row.try_get("contact_role")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

/// Filters of the client list.
#[derive(Debug, Default, Clone)]
pub struct ClientFilter {
    pub kind: Option<ClientKind>,
    pub search: Option<String>,
}

/// The list and its count for one WHERE clause. Static text per combination of filters
/// (rather than `$1 IS NULL OR ...`) lets PostgreSQL keep one generic plan per statement
/// instead of planning every execution. Filters bind first, then limit and offset.
macro_rules! list_and_count {
    ($where:expr, $limit:literal, $offset:literal) => {
        (
            select_clients!(
                ", count(*) OVER () AS total FROM clients ",
                $where,
                " ORDER BY lower(name), id LIMIT ",
                $limit,
                " OFFSET ",
                $offset
            ),
            concat!("SELECT count(*) FROM clients ", $where),
        )
    };
}

/// One page of clients in name order, and how many match in all.
#[tracing::instrument(skip_all)]
pub async fn list(
    db: &mut TenantDb,
    filter: &ClientFilter,
    limit: i64,
    offset: i64,
) -> sqlx::Result<(i64, Vec<Client>)> {
    let kind = filter.kind.map(ClientKind::as_str);
    let search = filter.search.as_ref().map(|s| format!("%{}%", escape_like(&s.to_lowercase())));
    let (list_sql, count_sql) = match (kind.is_some(), search.is_some()) {
        (false, false) => list_and_count!("", "$1", "$2"),
        (true, false) => list_and_count!("WHERE kind = $1", "$2", "$3"),
        (false, true) => list_and_count!(concat!("WHERE ", search_text!(), " LIKE $1"), "$2", "$3"),
        (true, true) => list_and_count!(concat!("WHERE kind = $1 AND ", search_text!(), " LIKE $2"), "$3", "$4"),
    };
    // One round trip: the window count rides along with the page.
    let mut query = sqlx::query(list_sql);
    if let Some(kind) = kind {
        query = query.bind(kind);
    }
    if let Some(search) = &search {
        query = query.bind(search);
    }
    let query = query.bind(limit).bind(offset);
    let rows = query.fetch_all(&mut *db).await?;
    let total = match rows.first() {
        Some(row) => row.try_get::<i64, _>("total")?,
        // Past the last page the window has no row to ride on: count separately.
        None if offset > 0 => {
            let mut count = sqlx::query_scalar(count_sql);
            if let Some(kind) = kind {
                count = count.bind(kind);
            }
            if let Some(search) = &search {
                count = count.bind(search);
            }
            count.fetch_one(&mut *db).await?
        }
        None => 0,
    };
    let clients = rows.iter().map(decode).collect::<sqlx::Result<Vec<_>>>()?;
    Ok((total, clients))
}

#[tracing::instrument(skip_all)]
pub async fn get(db: &mut TenantDb, id: Uuid) -> sqlx::Result<Option<Client>> {
    let row = sqlx::query(select_clients!(" FROM clients WHERE id = $1")).bind(id).fetch_optional(&mut *db).await?;
    row.as_ref().map(decode).transpose()
}

/// A client, locked until the transaction ends (the audit records its "before").
#[tracing::instrument(skip_all)]
pub async fn get_for_update(db: &mut TenantDb, id: Uuid) -> sqlx::Result<Option<Client>> {
    let row = sqlx::query(select_clients!(" FROM clients WHERE id = $1 FOR UPDATE"))
        .bind(id)
        .fetch_optional(&mut *db)
        .await?;
    row.as_ref().map(decode).transpose()
}

#[tracing::instrument(skip_all)]
pub async fn insert(db: &mut TenantDb, client: &ValidClient) -> sqlx::Result<Client> {
    let row = sqlx::query(concat!(
        "WITH written AS (INSERT INTO clients (id, kind, name, tax_id_type, tax_id_number, email, phone, \
         address, notes, contact_name, contact_role) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
         RETURNING *) ",
        select_clients!(" FROM written")
    ));
    let row = bind_fields(row.bind(Uuid::now_v7()), client).fetch_one(&mut *db).await?;
    decode(&row)
}

#[tracing::instrument(skip_all)]
pub async fn update(db: &mut TenantDb, id: Uuid, client: &ValidClient) -> sqlx::Result<Option<Client>> {
    let row = sqlx::query(concat!(
        "WITH written AS (UPDATE clients SET kind = $2, name = $3, tax_id_type = $4, tax_id_number = $5, \
         email = $6, phone = $7, address = $8, notes = $9, contact_name = $10, contact_role = $11, \
         updated_at = now() WHERE id = $1 RETURNING *) ",
        select_clients!(" FROM written")
    ));
    let row = bind_fields(row.bind(id), client).fetch_optional(&mut *db).await?;
    row.as_ref().map(decode).transpose()
}

fn bind_fields<'q>(
    query: sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments>,
    c: &'q ValidClient,
) -> sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments> {
    query
        .bind(c.kind.as_str())
        .bind(&c.name)
        .bind(c.tax_id.as_ref().map(|t| t.kind().as_str()))
        .bind(c.tax_id.as_ref().map(|t| t.number()))
        .bind(&c.email)
        .bind(&c.phone)
        .bind(&c.address)
        .bind(&c.notes)
        .bind(&c.contact_name)
        .bind(&c.contact_role)
}

/// Deletes a client; false if there was none with that id.
#[tracing::instrument(skip_all)]
pub async fn delete(db: &mut TenantDb, id: Uuid) -> sqlx::Result<bool> {
    let done = sqlx::query("DELETE FROM clients WHERE id = $1").bind(id).execute(&mut *db).await?;
    Ok(done.rows_affected() == 1)
}
