//! Refresh tokens in families: opaque random strings, stored only as SHA-256 hashes; each
//! sign-in starts a family; every refresh rotates (the presented token is spent, a new one
//! issued in the same family); presenting a spent token again means it was stolen (or
//! replayed), so the whole family is revoked. Studios keep theirs in their own schema,
//! operators in the shared one: the same rules on two tables.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use sha2::{Digest, Sha256};
use sqlx::{Executor, Postgres};
use uuid::Uuid;

/// Where a family lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Store {
    /// `refresh_tokens` in the studio's schema (through its `TenantDb`).
    Tenant,
    /// `public.operator_refresh_tokens`.
    Platform,
}

/// A statement on the store's table, as a `&'static str` for either store.
macro_rules! on_table {
    ($store:expr, $before:literal, $after:literal) => {
        match $store {
            Store::Tenant => concat!($before, "refresh_tokens", $after),
            Store::Platform => concat!($before, "public.operator_refresh_tokens", $after),
        }
    };
}

/// A freshly issued refresh token (shown once; only its hash is kept).
#[derive(Debug, Clone)]
pub struct Issued {
    pub token: String,
    pub family: Uuid,
    pub expires_in: i64,
}

/// What presenting a refresh token led to.
#[derive(Debug)]
pub enum Rotation {
    /// Spent; here is its successor in the same family.
    Rotated { subject: Uuid, issued: Issued },
    /// It had been spent already: the family is now revoked.
    Reused { subject: Uuid, family: Uuid },
    /// Unknown, expired or revoked.
    Invalid,
}

fn hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

fn new_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

async fn insert<C>(conn: &mut C, store: Store, subject: Uuid, family: Uuid, ttl: i64) -> sqlx::Result<Issued>
where
    for<'e> &'e mut C: Executor<'e, Database = Postgres>,
{
    let token = new_token();
    sqlx::query(on_table!(
        store,
        "INSERT INTO ",
        " (id, family_id, subject_id, token_hash, expires_at) \
         VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5))"
    ))
    .bind(Uuid::now_v7())
    .bind(family)
    .bind(subject)
    .bind(hash(&token))
    .bind(ttl as f64)
    .execute(&mut *conn)
    .await?;
    Ok(Issued { token, family, expires_in: ttl })
}

/// Starts a family for a sign-in.
pub async fn start_family<C>(conn: &mut C, store: Store, subject: Uuid, ttl: i64) -> sqlx::Result<Issued>
where
    for<'e> &'e mut C: Executor<'e, Database = Postgres>,
{
    insert(conn, store, subject, Uuid::now_v7(), ttl).await
}

/// Spends `token` and issues its successor, or detects reuse. Run it in a transaction: the
/// spend is a single conditional UPDATE, so of two concurrent refreshes with one token
/// exactly one rotates and the other is treated as reuse.
pub async fn rotate<C>(conn: &mut C, store: Store, token: &str, ttl: i64) -> sqlx::Result<Rotation>
where
    for<'e> &'e mut C: Executor<'e, Database = Postgres>,
{
    let token_hash = hash(token);
    let spent: Option<(Uuid, Uuid)> = sqlx::query_as(on_table!(
        store,
        "UPDATE ",
        " SET rotated_at = now() WHERE token_hash = $1 AND rotated_at IS NULL AND revoked_at IS NULL \
         AND expires_at > now() RETURNING family_id, subject_id"
    ))
    .bind(&token_hash)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some((family, subject)) = spent {
        let issued = insert(conn, store, subject, family, ttl).await?;
        return Ok(Rotation::Rotated { subject, issued });
    }
    let known: Option<(Uuid, Uuid, bool, bool)> = sqlx::query_as(on_table!(
        store,
        "SELECT family_id, subject_id, rotated_at IS NOT NULL, revoked_at IS NOT NULL FROM ",
        " WHERE token_hash = $1"
    ))
    .bind(&token_hash)
    .fetch_optional(&mut *conn)
    .await?;
    match known {
        Some((family, subject, true, false)) => {
            revoke_family(conn, store, family).await?;
            Ok(Rotation::Reused { subject, family })
        }
        _ => Ok(Rotation::Invalid),
    }
}

/// Revokes every live token of a family.
pub async fn revoke_family<C>(conn: &mut C, store: Store, family: Uuid) -> sqlx::Result<u64>
where
    for<'e> &'e mut C: Executor<'e, Database = Postgres>,
{
    let done =
        sqlx::query(on_table!(store, "UPDATE ", " SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL"))
            .bind(family)
            .execute(&mut *conn)
            .await?;
    Ok(done.rows_affected())
}

/// Revokes the family a token belongs to (logout); its family and subject, if it was known.
pub async fn revoke_by_token<C>(conn: &mut C, store: Store, token: &str) -> sqlx::Result<Option<(Uuid, Uuid)>>
where
    for<'e> &'e mut C: Executor<'e, Database = Postgres>,
{
    let owner: Option<(Uuid, Uuid)> =
        sqlx::query_as(on_table!(store, "SELECT family_id, subject_id FROM ", " WHERE token_hash = $1"))
            .bind(hash(token))
            .fetch_optional(&mut *conn)
            .await?;
    if let Some((family, _)) = owner {
        revoke_family(conn, store, family).await?;
    }
    Ok(owner)
}

/// Revokes every family of a subject except `keep` (password change keeps the current one).
pub async fn revoke_subject<C>(conn: &mut C, store: Store, subject: Uuid, keep: Option<Uuid>) -> sqlx::Result<u64>
where
    for<'e> &'e mut C: Executor<'e, Database = Postgres>,
{
    let done = sqlx::query(on_table!(
        store,
        "UPDATE ",
        " SET revoked_at = now() WHERE subject_id = $1 AND revoked_at IS NULL \
         AND family_id IS DISTINCT FROM $2"
    ))
    .bind(subject)
    .bind(keep)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_only_their_hash_is_kept() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(hash(&a).len(), 32);
        assert_ne!(hash(&a), a.as_bytes());
    }
}
