//! `/api/metrics`: the studio's targets (list, create, get with how it stands, replace,
//! delete), the actuals of each group of metrics over a calendar period, a metric's trend
//! by week or month, and a period compared with the one before and a year earlier.

use chrono::NaiveDate;
use poem::http::Uri;
use poem_openapi::OpenApi;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use uuid::Uuid;

use crate::auth::extract::TenantUser;
use crate::http::ApiResult;
use crate::http::json::JsonOut;
use crate::http::json_fields::FieldNamed;
use crate::http::pagination::{Page, Paging};
use crate::http::responses::{Created, Deleted};
use crate::routes::ApiTags;
use crate::studio::kpis::model::{KpiTarget, KpiTargetInput};
use crate::studio::kpis::service::{self, Group};
use crate::studio::kpis::views::{Comparison, MetricsActuals, TargetStanding, Trend};

pub struct MetricsApi;

/// `period` and `date` of every actuals route.
type PeriodQuery = Query<Option<String>>;

#[OpenApi(prefix_path = "/api/metrics", tag = "ApiTags::Metrics")]
impl MetricsApi {
    /// The studio's targets, by name: `metric` and `period` (`week`, `month`, `quarter`,
    /// `year`) filter.
    #[oai(path = "/", method = "get")]
    async fn list(
        &self,
        user: TenantUser,
        uri: &Uri,
        #[oai(validator(max_length = 40))] metric: Query<Option<String>>,
        #[oai(validator(max_length = 20))] period: PeriodQuery,
        page: Query<Option<i64>>,
        page_size: Query<Option<i64>>,
    ) -> ApiResult<JsonOut<Page<KpiTarget>>> {
        let paging = Paging::new(uri, page.0, page_size.0)?;
        let found = service::list(&user, metric.0.as_deref(), period.0.as_deref(), paging.window()).await?;
        Ok(paging.answer(found))
    }

    /// Set a target for a metric over each period of a kind ("revenue of 50000.00 a
    /// month"); the value is in the metric's unit. One per metric and kind of period: a
    /// second is 409 naming `metric`.
    #[oai(path = "/", method = "post")]
    async fn create(&self, user: TenantUser, body: Json<FieldNamed<KpiTargetInput>>) -> ApiResult<Created<KpiTarget>> {
        Ok(Created::new(service::create(&user, &body).await?))
    }

    /// Revenue, payments received and average order value over the period holding `date`
    /// (default today; the current period runs to today), `period` being `week`, `month`
    /// (default), `quarter` or `year`; each beside its target. Accountants read these.
    #[oai(path = "/revenue", method = "get")]
    async fn revenue(
        &self,
        user: TenantUser,
        #[oai(validator(max_length = 20))] period: PeriodQuery,
        date: Query<Option<NaiveDate>>,
    ) -> ApiResult<JsonOut<MetricsActuals>> {
        Ok(JsonOut(service::actuals(&user, Group::Revenue, period.0.as_deref(), date.0).await?))
    }

    /// Orders taken, average order value and average days to delivery over the period.
    #[oai(path = "/orders", method = "get")]
    async fn orders(
        &self,
        user: TenantUser,
        #[oai(validator(max_length = 20))] period: PeriodQuery,
        date: Query<Option<NaiveDate>>,
    ) -> ApiResult<JsonOut<MetricsActuals>> {
        Ok(JsonOut(service::actuals(&user, Group::Orders, period.0.as_deref(), date.0).await?))
    }

    /// Active clients and new ones (first order ever) over the period.
    #[oai(path = "/clients", method = "get")]
    async fn clients(
        &self,
        user: TenantUser,
        #[oai(validator(max_length = 20))] period: PeriodQuery,
        date: Query<Option<NaiveDate>>,
    ) -> ApiResult<JsonOut<MetricsActuals>> {
        Ok(JsonOut(service::actuals(&user, Group::Clients, period.0.as_deref(), date.0).await?))
    }

    /// The stock's value and the materials at or under their minimum at the period's end.
    #[oai(path = "/inventory", method = "get")]
    async fn inventory(
        &self,
        user: TenantUser,
        #[oai(validator(max_length = 20))] period: PeriodQuery,
        date: Query<Option<NaiveDate>>,
    ) -> ApiResult<JsonOut<MetricsActuals>> {
        Ok(JsonOut(service::actuals(&user, Group::Inventory, period.0.as_deref(), date.0).await?))
    }

    /// Production orders completed, units produced and the value wasted over the period.
    #[oai(path = "/production", method = "get")]
    async fn production(
        &self,
        user: TenantUser,
        #[oai(validator(max_length = 20))] period: PeriodQuery,
        date: Query<Option<NaiveDate>>,
    ) -> ApiResult<JsonOut<MetricsActuals>> {
        Ok(JsonOut(service::actuals(&user, Group::Production, period.0.as_deref(), date.0).await?))
    }

    /// Production efficiency (used ÷ (used + wasted), by value) and the value wasted.
    #[oai(path = "/efficiency", method = "get")]
    async fn efficiency(
        &self,
        user: TenantUser,
        #[oai(validator(max_length = 20))] period: PeriodQuery,
        date: Query<Option<NaiveDate>>,
    ) -> ApiResult<JsonOut<MetricsActuals>> {
        Ok(JsonOut(service::actuals(&user, Group::Efficiency, period.0.as_deref(), date.0).await?))
    }

    /// Every metric over the period, each beside its target.
    #[oai(path = "/dashboard", method = "get")]
    async fn dashboard(
        &self,
        user: TenantUser,
        #[oai(validator(max_length = 20))] period: PeriodQuery,
        date: Query<Option<NaiveDate>>,
    ) -> ApiResult<JsonOut<MetricsActuals>> {
        Ok(JsonOut(service::actuals(&user, Group::Dashboard, period.0.as_deref(), date.0).await?))
    }

    /// One `metric` per `interval` (`week` or `month`, default) from the one holding `from`
    /// to the one holding `to` (default: the twelve ending today), at most five years, as
    /// a line chart with the target beside it. Accountants: the money metrics only.
    #[oai(path = "/trends", method = "get")]
    async fn trends(
        &self,
        user: TenantUser,
        #[oai(validator(max_length = 40))] metric: Query<Option<String>>,
        #[oai(validator(max_length = 20))] interval: Query<Option<String>>,
        from: Query<Option<NaiveDate>>,
        to: Query<Option<NaiveDate>>,
    ) -> ApiResult<JsonOut<Trend>> {
        Ok(JsonOut(service::trend(&user, metric.0.as_deref(), interval.0.as_deref(), from.0, to.0).await?))
    }

    /// The period holding `date` (default today) against the period before and the same
    /// one a year earlier, like for like (while it runs, the others are cut at the same
    /// day), with the % change — none when the earlier value is 0. `metric` names some
    /// (comma-separated); default every one the caller may read.
    #[oai(path = "/comparison", method = "get")]
    async fn comparison(
        &self,
        user: TenantUser,
        #[oai(validator(max_length = 20))] period: PeriodQuery,
        date: Query<Option<NaiveDate>>,
        #[oai(validator(max_length = 400))] metric: Query<Option<String>>,
    ) -> ApiResult<JsonOut<Comparison>> {
        Ok(JsonOut(service::comparison(&user, period.0.as_deref(), date.0, metric.0.as_deref()).await?))
    }

    /// A target, and how it stands in its period holding `date` (default: the current one).
    #[oai(path = "/:id", method = "get")]
    async fn get(
        &self,
        user: TenantUser,
        id: Path<Uuid>,
        date: Query<Option<NaiveDate>>,
    ) -> ApiResult<JsonOut<TargetStanding>> {
        Ok(JsonOut(service::get(&user, id.0, date.0).await?))
    }

    /// Replace a target's name, metric, period and value.
    #[oai(path = "/:id", method = "put")]
    async fn update(
        &self,
        user: TenantUser,
        id: Path<Uuid>,
        body: Json<FieldNamed<KpiTargetInput>>,
    ) -> ApiResult<JsonOut<KpiTarget>> {
        Ok(JsonOut(service::update(&user, id.0, &body).await?))
    }

    /// Delete a target.
    #[oai(path = "/:id", method = "delete")]
    async fn delete(&self, user: TenantUser, id: Path<Uuid>) -> ApiResult<Deleted> {
        service::delete(&user, id.0).await?;
        Ok(Deleted::Deleted)
    }
}
