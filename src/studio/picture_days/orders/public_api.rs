//! `/api/public/...`: what a school's families do on the studio's host without signing in —
//! open an access code, and order a package with it. Wrong codes are throttled per client IP.

use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, OpenApi};

use crate::auth::extract::TenantVisitor;
use crate::http::ApiResult;
use crate::http::json::JsonOut;
use crate::routes::ApiTags;
use crate::studio::picture_days::orders::model::{AccessCodeInput, FamilyOffer, FamilyOrder, FamilyOrderInput};
use crate::studio::picture_days::orders::service;

pub struct FamilyOrdersApi;

/// 201 with the family's order. No `Location`: a family has no route to read an order back;
/// its reference is what they quote to the studio.
#[derive(ApiResponse)]
pub enum Placed {
    /// The order was placed.
    #[oai(status = 201)]
    Placed(JsonOut<FamilyOrder>),
}

#[OpenApi(prefix_path = "/api/public", tag = "ApiTags::PictureDays")]
impl FamilyOrdersApi {
    /// No sign-in. What a student's access code opens: the student's first name and initial,
    /// the school, the packages on sale (marking those already ordered) and today's late fee.
    /// Any code that opens nothing is 404 `not_found`; past
    /// `auth.access_code_max_failures_per_ip` of them, 429.
    #[oai(path = "/access-code", method = "post")]
    async fn offer(&self, visitor: TenantVisitor, body: Json<AccessCodeInput>) -> ApiResult<JsonOut<FamilyOffer>> {
        Ok(JsonOut(service::offer(&visitor, &body).await?))
    }

    /// No sign-in. A family orders a package for the student of an access code. An unknown
    /// code, and a package of another contract than the code's, are the same 404; past
    /// `auth.access_code_max_failures_per_ip` wrong ones from an IP, 429. Only an active
    /// contract takes orders (409 `contract_not_open`); after its order deadline the order is
    /// `late` and carries the late fee. Each package once per student (409 `already_ordered`).
    #[oai(path = "/package-orders", method = "post")]
    async fn order(&self, visitor: TenantVisitor, body: Json<FamilyOrderInput>) -> ApiResult<Placed> {
        Ok(Placed::Placed(JsonOut(service::order(&visitor, &body).await?)))
    }
}
