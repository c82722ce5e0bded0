//! `/api/contracts/{id}/roster`: the students of a contract's school with their access codes
//! — a page of JSON or the printable class list (`?format=csv`), a file import, and a
//! student at a time by the school's student id.

use poem::http::Uri;
use poem::http::header::CONTENT_DISPOSITION;
use poem::{IntoResponse, Response};
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::registry::{MetaHeader, MetaMediaType, MetaResponse, MetaResponses, MetaSchema, MetaSchemaRef};
use poem_openapi::types::Type;
use poem_openapi::types::multipart::Upload;
use poem_openapi::{ApiResponse, Multipart, OpenApi};
use uuid::Uuid;

use crate::auth::extract::TenantUser;
use crate::http::json::JsonOut;
use crate::http::pagination::{Page, Paging};
use crate::http::responses::{Created, Deleted, Located};
use crate::http::{ApiError, ApiResult};
use crate::routes::ApiTags;
use crate::studio::picture_days::roster::model::{ImportReport, RosterFilter, RosterFormat, Student, StudentInput};
use crate::studio::picture_days::roster::{export, file, service};

pub struct RosterApi;

impl Located for Student {
    fn location(&self) -> String {
        format!("/api/contracts/{}/roster/{}", self.contract_id, self.student_id)
    }
}

/// A roster file upload: one CSV or XLSX file in the form field `file`.
#[derive(Debug, Multipart)]
pub struct RosterUpload {
    /// CSV (UTF-8 or Latin-1; comma, semicolon or tab; a header line) or XLSX (the first
    /// sheet); at most 2 MiB and 5,000 students.
    pub file: Upload,
}

/// The roster as asked: a JSON page, or the whole class list as a CSV download.
pub enum RosterAnswer {
    Page(JsonOut<Page<Student>>),
    Csv { file_name: String, body: Vec<u8> },
}

const CSV_TYPE: &str = "text/csv; charset=utf-8";

impl IntoResponse for RosterAnswer {
    fn into_response(self) -> Response {
        match self {
            RosterAnswer::Page(page) => page.into_response(),
            RosterAnswer::Csv { file_name, body } => Response::builder()
                .content_type(CSV_TYPE)
                .header(CONTENT_DISPOSITION, format!("attachment; filename=\"{file_name}\""))
                .header("x-content-type-options", "nosniff")
                .body(body),
        }
    }
}

impl ApiResponse for RosterAnswer {
    fn meta() -> MetaResponses {
        let csv = MetaSchemaRef::Inline(Box::new(MetaSchema { format: Some("binary"), ..MetaSchema::new("string") }));
        MetaResponses {
            responses: vec![MetaResponse {
                description: "A page of students (JSON), or with `format=csv` the class list as a file",
                status: Some(200),
                status_range: None,
                content: vec![
                    MetaMediaType {
                        content_type: "application/json; charset=utf-8",
                        schema: Page::<Student>::schema_ref(),
                    },
                    MetaMediaType { content_type: CSV_TYPE, schema: csv },
                ],
                headers: vec![MetaHeader {
                    name: "Content-Disposition".to_owned(),
                    description: Some("For the CSV: `attachment; filename=\"roster-CTR-....csv\"`".to_owned()),
                    required: false,
                    deprecated: false,
                    schema: String::schema_ref(),
                }],
            }],
        }
    }

    fn register(registry: &mut poem_openapi::registry::Registry) {
        Page::<Student>::register(registry);
    }
}

#[OpenApi(prefix_path = "/api/contracts", tag = "ApiTags::PictureDays")]
impl RosterApi {
    /// A contract's roster in class order (grade, section, name), filtered by `grade`,
    /// `section` and `search` (name, student id, access code). `format=csv` answers every
    /// matching student as a class list file (UTF-8 with BOM) instead of a page.
    #[oai(path = "/:id/roster", method = "get")]
    async fn list(
        &self,
        user: TenantUser,
        uri: &Uri,
        id: Path<Uuid>,
        format: Query<Option<RosterFormat>>,
        #[oai(validator(max_length = 40))] grade: Query<Option<String>>,
        #[oai(validator(max_length = 40))] section: Query<Option<String>>,
        #[oai(validator(max_length = 100))] search: Query<Option<String>>,
        page: Query<Option<i64>>,
        page_size: Query<Option<i64>>,
    ) -> ApiResult<RosterAnswer> {
        let filter = RosterFilter { grade: grade.0, section: section.0, search: search.0 };
        if format.0 == Some(RosterFormat::Csv) {
            let (number, students) = service::class_list(&user, id.0, &filter).await?;
            return Ok(RosterAnswer::Csv {
                file_name: format!("roster-{number}.csv"),
                body: export::class_list(&students),
            });
        }
        let paging = Paging::new(uri, page.0, page_size.0)?;
        Ok(RosterAnswer::Page(paging.answer(service::list(&user, id.0, &filter, paging.window()).await?)))
    }

    /// Import a roster file (multipart field `file`, CSV or XLSX): every row is checked and
    /// a file with any bad row imports nothing (422, each problem named
    /// `line N, column <field>`). Students already on the roster (same `student_id`) are
    /// updated and keep their access codes; new ones get codes; nobody is removed.
    #[oai(path = "/:id/roster/import", method = "post")]
    async fn import(&self, user: TenantUser, id: Path<Uuid>, upload: RosterUpload) -> ApiResult<JsonOut<ImportReport>> {
        if upload.file.size() > file::MAX_BYTES {
            return Err(ApiError::PayloadTooLarge(format!("a roster file is at most {} bytes", file::MAX_BYTES)));
        }
        let bytes = upload.file.into_vec().await.map_err(|_| ApiError::BadRequest {
            code: "invalid_body",
            detail: "the upload could not be read".to_owned(),
        })?;
        Ok(JsonOut(service::import(&user, id.0, bytes).await?))
    }

    /// Add a student by hand; they get a new access code.
    #[oai(path = "/:id/roster", method = "post")]
    async fn add(&self, user: TenantUser, id: Path<Uuid>, body: Json<StudentInput>) -> ApiResult<Created<Student>> {
        Ok(Created::new(service::add(&user, id.0, &body).await?))
    }

    /// One student, by the school's student id.
    #[oai(path = "/:id/roster/:student_id", method = "get")]
    async fn get(&self, user: TenantUser, id: Path<Uuid>, student_id: Path<String>) -> ApiResult<JsonOut<Student>> {
        Ok(JsonOut(service::get(&user, id.0, &student_id).await?))
    }

    /// Replace a student's fields (the student id too); the access code stays.
    #[oai(path = "/:id/roster/:student_id", method = "put")]
    async fn update(
        &self,
        user: TenantUser,
        id: Path<Uuid>,
        student_id: Path<String>,
        body: Json<StudentInput>,
    ) -> ApiResult<JsonOut<Student>> {
        Ok(JsonOut(service::update(&user, id.0, &student_id, &body).await?))
    }

    /// Give a student a new access code; the old one stops working at once.
    #[oai(path = "/:id/roster/:student_id/new-code", method = "post")]
    async fn new_code(
        &self,
        user: TenantUser,
        id: Path<Uuid>,
        student_id: Path<String>,
    ) -> ApiResult<JsonOut<Student>> {
        Ok(JsonOut(service::new_code(&user, id.0, &student_id).await?))
    }

    /// Take a student off the roster (409 `student_has_orders` once they have an order).
    #[oai(path = "/:id/roster/:student_id", method = "delete")]
    async fn remove(&self, user: TenantUser, id: Path<Uuid>, student_id: Path<String>) -> ApiResult<Deleted> {
        service::remove(&user, id.0, &student_id).await?;
        Ok(Deleted::Deleted)
    }
}
