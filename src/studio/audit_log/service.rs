//! Reading the trail: the filters are checked and the dates read in the studio's time zone.

use crate::auth::extract::TenantUser;
use crate::db::Window;
use crate::http::ApiResult;
use crate::studio::audit_log::model::{AuditEntry, AuditFilter};
use crate::studio::audit_log::repo;

/// One page of the events matching `filter`, newest first.
pub async fn list(user: &TenantUser, filter: &AuditFilter, window: Window) -> ApiResult<(i64, Vec<AuditEntry>)> {
    let filter = filter.validate(user.tenant.tz())?;
    Ok(repo::list(&mut user.db().await?, &filter, window).await?)
}
