//! `/api/dashboard`: the month at a glance (revenue by service, open orders, clients new and
//! returning, the workshop), and each part on its own.

use poem_openapi::OpenApi;
use poem_openapi::param::Query;

use crate::auth::extract::TenantUser;
use crate::http::ApiResult;
use crate::http::json::JsonOut;
use crate::routes::ApiTags;
use crate::studio::dashboard::model::{ClientsDashboard, Dashboard, OrdersDashboard, RevenueDashboard};
use crate::studio::dashboard::service;

pub struct DashboardApi;

#[OpenApi(prefix_path = "/api/dashboard", tag = "ApiTags::Dashboard")]
impl DashboardApi {
    /// The dashboard of `month` (`YYYY-MM`; default the current month, up to today) in the
    /// studio's time zone and currency: revenue by service for the month and the year so
    /// far, open orders by status, average delivery days, active clients new and returning,
    /// low stock and production efficiency — each with charts (bar, line, pie) of labels and
    /// values over the twelve months ending with `month`. Open orders and low stock are
    /// taken now.
    #[oai(path = "/", method = "get")]
    async fn dashboard(
        &self,
        user: TenantUser,
        #[oai(validator(max_length = 20))] month: Query<Option<String>>,
    ) -> ApiResult<JsonOut<Dashboard>> {
        Ok(JsonOut(service::dashboard(&user, month.0.as_deref()).await?))
    }

    /// Revenue: by service for the month and the year so far (bar, pie), and by month over
    /// twelve months against the same months a year earlier (line).
    #[oai(path = "/revenue", method = "get")]
    async fn revenue(
        &self,
        user: TenantUser,
        #[oai(validator(max_length = 20))] month: Query<Option<String>>,
    ) -> ApiResult<JsonOut<RevenueDashboard>> {
        Ok(JsonOut(service::revenue(&user, month.0.as_deref()).await?))
    }

    /// Orders: open ones by status now, with their balance and how many are overdue (pie);
    /// orders taken per month (bar) and average days to delivery per month (line).
    #[oai(path = "/orders", method = "get")]
    async fn orders(
        &self,
        user: TenantUser,
        #[oai(validator(max_length = 20))] month: Query<Option<String>>,
    ) -> ApiResult<JsonOut<OrdersDashboard>> {
        Ok(JsonOut(service::orders(&user, month.0.as_deref()).await?))
    }

    /// Clients with orders in the month and the year so far, new (first order ever) and
    /// returning (pie), and per month (bar).
    #[oai(path = "/clients", method = "get")]
    async fn clients(
        &self,
        user: TenantUser,
        #[oai(validator(max_length = 20))] month: Query<Option<String>>,
    ) -> ApiResult<JsonOut<ClientsDashboard>> {
        Ok(JsonOut(service::clients(&user, month.0.as_deref()).await?))
    }
}
