//! `/api/config`: every setting, one key at a time (read, set, back to default), the
//! studio's details, its alert thresholds, and the whole configuration as a backup.

use poem_openapi::OpenApi;
use poem_openapi::param::Path;
use poem_openapi::payload::Json;

use crate::auth::extract::TenantUser;
use crate::http::ApiResult;
use crate::http::json::JsonOut;
use crate::routes::ApiTags;
use crate::studio::settings::service;
use crate::studio::settings::views::{
    AlertSettings, Setting, SettingValue, SettingsBackup, SystemInput, SystemSettings,
};

pub struct SettingsApi;

#[OpenApi(prefix_path = "/api/config", tag = "ApiTags::Settings")]
impl SettingsApi {
    /// Every setting: its value in force, its default, whether the studio set it, and what
    /// it means. A short fixed list, not paginated.
    #[oai(path = "/", method = "get")]
    async fn list(&self, user: TenantUser) -> ApiResult<JsonOut<Vec<Setting>>> {
        Ok(JsonOut(service::list(&user).await?))
    }

    /// The studio's details for receipts and documents: name, country, currency, time zone,
    /// tax, legal name, address, tax id, phone, email. Every role reads them.
    #[oai(path = "/system", method = "get")]
    async fn system(&self, user: TenantUser) -> ApiResult<JsonOut<SystemSettings>> {
        Ok(JsonOut(service::system(&user).await?))
    }

    /// Change the studio's details; absent fields stay, `null` clears an optional one. The
    /// name, currency and time zone are the studio's catalog entry: in force on every
    /// instance within a second.
    #[oai(path = "/system", method = "put")]
    async fn set_system(&self, user: TenantUser, body: Json<SystemInput>) -> ApiResult<JsonOut<SystemSettings>> {
        Ok(JsonOut(service::set_system(&user, &body).await?))
    }

    /// The thresholds and lead times of alerts: low stock, expiring contracts, reminders.
    #[oai(path = "/alerts", method = "get")]
    async fn alerts(&self, user: TenantUser) -> ApiResult<JsonOut<AlertSettings>> {
        Ok(JsonOut(service::alerts(&user).await?))
    }

    /// The whole configuration as one document: the studio's name, currency and time zone,
    /// and the keys it set.
    #[oai(path = "/backup", method = "get")]
    async fn backup(&self, user: TenantUser) -> ApiResult<JsonOut<SettingsBackup>> {
        Ok(JsonOut(service::backup(&user).await?))
    }

    /// Restore a backup: its keys are set, every other key goes back to its default. The
    /// document is checked as a whole; one bad key is a 422 naming it, and nothing is written.
    #[oai(path = "/backup", method = "put")]
    async fn restore(&self, user: TenantUser, body: Json<SettingsBackup>) -> ApiResult<JsonOut<SettingsBackup>> {
        Ok(JsonOut(service::restore(&user, &body).await?))
    }

    /// One setting; an unknown key is 404.
    #[oai(path = "/:key", method = "get")]
    async fn get(
        &self,
        user: TenantUser,
        #[oai(validator(max_length = 63))] key: Path<String>,
    ) -> ApiResult<JsonOut<Setting>> {
        Ok(JsonOut(service::get(&user, &key).await?))
    }

    /// Set one key: `{"value": ...}` of the key's type. A bad value is a 422 naming the key.
    #[oai(path = "/:key", method = "put")]
    async fn set(
        &self,
        user: TenantUser,
        #[oai(validator(max_length = 63))] key: Path<String>,
        body: Json<SettingValue>,
    ) -> ApiResult<JsonOut<Setting>> {
        Ok(JsonOut(service::set(&user, &key, Some(body.0.value)).await?))
    }

    /// Bring one key back to its default; answers the setting as it now is.
    #[oai(path = "/:key", method = "delete")]
    async fn reset(
        &self,
        user: TenantUser,
        #[oai(validator(max_length = 63))] key: Path<String>,
    ) -> ApiResult<JsonOut<Setting>> {
        Ok(JsonOut(service::set(&user, &key, None).await?))
    }
}
