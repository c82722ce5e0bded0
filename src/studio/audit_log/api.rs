//! `/api/audit`: the trail with every filter, and the spec's four shortcuts over the same
//! list (by user, action, model, date range). Admins and managers only.

use chrono::NaiveDate;
use poem::http::Uri;
use poem_openapi::OpenApi;
use poem_openapi::param::{Path, Query};
use uuid::Uuid;

use crate::auth::extract::TenantUser;
use crate::http::ApiResult;
use crate::http::json::JsonOut;
use crate::http::pagination::{Page, Paging};
use crate::routes::ApiTags;
use crate::studio::audit_log::model::{AuditEntry, AuditFilter};
use crate::studio::audit_log::service;

pub struct AuditApi;

/// One page of the trail for `filter`.
async fn page(
    user: &TenantUser,
    uri: &Uri,
    filter: AuditFilter,
    page: Option<i64>,
    size: Option<i64>,
) -> ApiResult<JsonOut<Page<AuditEntry>>> {
    let paging = Paging::new(uri, page, size)?;
    Ok(paging.answer(service::list(user, &filter, paging.window()).await?))
}

#[OpenApi(prefix_path = "/api/audit", tag = "ApiTags::Audit")]
impl AuditApi {
    /// The trail, newest first. `from` and `to` are days in the studio's time zone, both
    /// included, at most 366 days apart; `action`, `entity` and `entity_id` match exactly.
    #[oai(path = "/", method = "get")]
    #[allow(clippy::too_many_arguments)]
    async fn list(
        &self,
        user: TenantUser,
        uri: &Uri,
        user_id: Query<Option<Uuid>>,
        #[oai(validator(max_length = 100))] action: Query<Option<String>>,
        #[oai(validator(max_length = 100))] entity: Query<Option<String>>,
        #[oai(validator(max_length = 100))] entity_id: Query<Option<String>>,
        from: Query<Option<NaiveDate>>,
        to: Query<Option<NaiveDate>>,
        page: Query<Option<i64>>,
        page_size: Query<Option<i64>>,
    ) -> ApiResult<JsonOut<Page<AuditEntry>>> {
        let filter = AuditFilter {
            actor_id: user_id.0,
            action: action.0,
            entity: entity.0,
            entity_id: entity_id.0,
            from: from.0,
            to: to.0,
        };
        self::page(&user, uri, filter, page.0, page_size.0).await
    }

    /// What one user did, newest first (the same as `?user_id=`).
    #[oai(path = "/user/:user_id", method = "get")]
    async fn by_user(
        &self,
        user: TenantUser,
        uri: &Uri,
        user_id: Path<Uuid>,
        page: Query<Option<i64>>,
        page_size: Query<Option<i64>>,
    ) -> ApiResult<JsonOut<Page<AuditEntry>>> {
        let filter = AuditFilter { actor_id: Some(user_id.0), ..Default::default() };
        self::page(&user, uri, filter, page.0, page_size.0).await
    }

    /// Every event of one action (`client.created`, `auth.login_failed`, ...).
    #[oai(path = "/action/:action", method = "get")]
    async fn by_action(
        &self,
        user: TenantUser,
        uri: &Uri,
        #[oai(validator(max_length = 100))] action: Path<String>,
        page: Query<Option<i64>>,
        page_size: Query<Option<i64>>,
    ) -> ApiResult<JsonOut<Page<AuditEntry>>> {
        let filter = AuditFilter { action: Some(action.0), ..Default::default() };
        self::page(&user, uri, filter, page.0, page_size.0).await
    }

    /// Every event of one kind of record (`client`, `contract`, `user`, `setting`, ...).
    #[oai(path = "/model/:model", method = "get")]
    async fn by_model(
        &self,
        user: TenantUser,
        uri: &Uri,
        #[oai(validator(max_length = 100))] model: Path<String>,
        page: Query<Option<i64>>,
        page_size: Query<Option<i64>>,
    ) -> ApiResult<JsonOut<Page<AuditEntry>>> {
        let filter = AuditFilter { entity: Some(model.0), ..Default::default() };
        self::page(&user, uri, filter, page.0, page_size.0).await
    }

    /// Every event between two days of the studio's calendar, both included (at most 366 days).
    #[oai(path = "/date-range", method = "get")]
    async fn by_dates(
        &self,
        user: TenantUser,
        uri: &Uri,
        from: Query<NaiveDate>,
        to: Query<NaiveDate>,
        page: Query<Option<i64>>,
        page_size: Query<Option<i64>>,
    ) -> ApiResult<JsonOut<Page<AuditEntry>>> {
        let filter = AuditFilter { from: Some(from.0), to: Some(to.0), ..Default::default() };
        self::page(&user, uri, filter, page.0, page_size.0).await
    }
}
