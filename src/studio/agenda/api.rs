//! `/api/appointments`: list (staff, resource, status, kind, links, local days, search,
//! pages), the calendar of a range of days, book, get, replace (status included), delete.

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
use crate::studio::agenda::model::{
    Appointment, AppointmentFilter, AppointmentInput, AppointmentKind, AppointmentStatus, Calendar,
};
use crate::studio::agenda::service;

pub struct AgendaApi;

#[OpenApi(prefix_path = "/api/appointments", tag = "ApiTags::Agenda")]
impl AgendaApi {
    /// List appointments in start order. `from` and `to` are the studio's local days
    /// (`2026-04-04`): an appointment is listed if it touches any of them. `resource`
    /// matches regardless of case; `search` matches the title.
    #[oai(path = "/", method = "get")]
    #[expect(
        clippy::too_many_arguments,
        reason = "one argument per documented query parameter: ten filters, the page and its size"
    )]
    async fn list(
        &self,
        user: TenantUser,
        uri: &Uri,
        staff: Query<Option<Uuid>>,
        #[oai(validator(max_length = 80))] resource: Query<Option<String>>,
        status: Query<Option<AppointmentStatus>>,
        kind: Query<Option<AppointmentKind>>,
        client: Query<Option<Uuid>>,
        contract: Query<Option<Uuid>>,
        order: Query<Option<Uuid>>,
        from: Query<Option<NaiveDate>>,
        to: Query<Option<NaiveDate>>,
        #[oai(validator(max_length = 100))] search: Query<Option<String>>,
        page: Query<Option<i64>>,
        page_size: Query<Option<i64>>,
    ) -> ApiResult<JsonOut<Page<Appointment>>> {
        let paging = Paging::new(uri, page.0, page_size.0)?;
        let filter = AppointmentFilter {
            staff: staff.0,
            resource: resource.0,
            status: status.0,
            kind: kind.0,
            client: client.0,
            contract: contract.0,
            order: order.0,
            from: from.0,
            to: to.0,
            search: search.0,
        };
        Ok(paging.answer(service::list(&user, &filter, paging.window()).await?))
    }

    /// The calendar of the studio's local days `from` to `to` (dates, both included, at most
    /// 62 days), optionally of one staff member or one resource. Times carry the studio's
    /// offset of their day, daylight saving included. Cancelled appointments are left out.
    #[oai(path = "/calendar", method = "get")]
    async fn calendar(
        &self,
        user: TenantUser,
        from: Query<NaiveDate>,
        to: Query<NaiveDate>,
        staff: Query<Option<Uuid>>,
        #[oai(validator(max_length = 80))] resource: Query<Option<String>>,
    ) -> ApiResult<JsonOut<Calendar>> {
        let (count, appointments) = service::calendar(&user, (from.0, to.0), staff.0, resource.0.as_deref()).await?;
        let timezone = user.tenant.timezone.clone();
        Ok(JsonOut(Calendar { from: from.0, to: to.0, timezone, count, appointments }))
    }

    /// Book an appointment. A staff member or resource already taken at that time is 409
    /// `schedule_conflict`, whose `context` names the appointment in the way.
    #[oai(path = "/", method = "post")]
    async fn create(
        &self,
        user: TenantUser,
        body: Json<FieldNamed<AppointmentInput>>,
    ) -> ApiResult<Created<Appointment>> {
        Ok(Created::new(service::create(&user, &body).await?))
    }

    /// One appointment.
    #[oai(path = "/:id", method = "get")]
    async fn get(&self, user: TenantUser, id: Path<Uuid>) -> ApiResult<JsonOut<Appointment>> {
        Ok(JsonOut(service::get(&user, id.0).await?))
    }

    /// Replace an appointment's fields, and its status when `status` is sent (cancel,
    /// confirm, mark done or no-show, or make a cancelled one active again — which must find
    /// its slot free: 409 `schedule_conflict` otherwise).
    #[oai(path = "/:id", method = "put")]
    async fn update(
        &self,
        user: TenantUser,
        id: Path<Uuid>,
        body: Json<FieldNamed<AppointmentInput>>,
    ) -> ApiResult<JsonOut<Appointment>> {
        Ok(JsonOut(service::update(&user, id.0, &body).await?))
    }

    /// Delete an appointment (admins); cancelling keeps it on record instead.
    #[oai(path = "/:id", method = "delete")]
    async fn delete(&self, user: TenantUser, id: Path<Uuid>) -> ApiResult<Deleted> {
        service::delete(&user, id.0).await?;
        Ok(Deleted::Deleted)
    }
}
