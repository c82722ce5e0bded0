//! The rules of clients and the unit of work of each action.

use uuid::Uuid;

use crate::audit;
use crate::auth::extract::TenantUser;
use crate::db::Window;
use crate::http::db_error::on_constraint;
use crate::http::{ApiError, ApiResult};
use crate::studio::clients::model::{Client, ClientFilter, ClientInput};
use crate::studio::clients::repo;

fn not_found() -> ApiError {
    ApiError::not_found("client")
}

fn tax_id_taken() -> impl FnOnce(sqlx::Error) -> ApiError {
    on_constraint("clients_tax_id_key", "tax_id_number", "a client with this tax id already exists")
}

pub async fn list(user: &TenantUser, filter: &ClientFilter, window: Window) -> ApiResult<(i64, Vec<Client>)> {
    Ok(repo::list(&mut user.reads().await?, filter, window).await?)
}

pub async fn get(user: &TenantUser, id: Uuid) -> ApiResult<Client> {
    repo::get(&mut user.reads().await?, id).await?.ok_or_else(not_found)
}

pub async fn create(user: &TenantUser, input: &ClientInput) -> ApiResult<Client> {
    let client = input.validate()?;
    let mut tx = user.begin().await?;
    let created = repo::insert(&mut tx, &client).await.map_err(tax_id_taken())?;
    audit::created(&mut tx, user.audit(), &created).await?;
    tx.commit().await?;
    Ok(created)
}

/// Replaces every field of a client.
pub async fn update(user: &TenantUser, id: Uuid, input: &ClientInput) -> ApiResult<Client> {
    let client = input.validate()?;
    let mut tx = user.begin().await?;
    let before = repo::lock(&mut tx, id).await?.ok_or_else(not_found)?;
    let after = repo::update(&mut tx, id, &client).await.map_err(tax_id_taken())?;
    audit::updated(&mut tx, user.audit(), &before, &after).await?;
    tx.commit().await?;
    Ok(after)
}

/// Refused with 409 `client_in_use` while contracts or orders refer to the client, saying
/// how many of each (also in `context`).
pub async fn delete(user: &TenantUser, id: Uuid) -> ApiResult<()> {
    let mut tx = user.begin().await?;
    let before = repo::lock(&mut tx, id).await?.ok_or_else(not_found)?;
    let holders = repo::holders(&mut tx, id).await?;
    if holders.any() {
        return Err(ApiError::ConflictWith {
            code: "client_in_use",
            detail: format!("the client is held by {}; delete or reassign them first", holders.describe()),
            context: serde_json::json!({"contracts": holders.contracts, "orders": holders.orders}),
        });
    }
    repo::delete(&mut tx, id).await?;
    audit::deleted(&mut tx, user.audit(), &before).await?;
    tx.commit().await?;
    Ok(())
}
