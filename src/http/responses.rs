//! Response shapes shared by every module.

use poem_openapi::ApiResponse;
use poem_openapi::types::{ParseFromJSON, ToJSON};

use crate::http::json::JsonOut;

/// A resource with a URL of its own (`/api/clients/{id}`): where a 201 points.
pub trait Located {
    fn location(&self) -> String;
}

/// 201 with the created resource, and its URL in `Location`.
#[derive(ApiResponse)]
pub enum Created<T: ParseFromJSON + ToJSON + serde::Serialize + Send + Sync> {
    /// Created; `Location` is the new resource's URL.
    #[oai(status = 201)]
    Created(JsonOut<T>, #[oai(header = "Location")] String),
}

impl<T: ParseFromJSON + ToJSON + serde::Serialize + Send + Sync> Created<T> {
    /// 201 for a resource that knows its URL.
    pub fn new(created: T) -> Created<T>
    where
        T: Located,
    {
        let location = created.location();
        Created::Created(JsonOut(created), location)
    }

    /// 201 for a resource at `location`.
    pub fn at(location: String, created: T) -> Created<T> {
        Created::Created(JsonOut(created), location)
    }
}

/// 204 after a delete.
#[derive(ApiResponse)]
pub enum Deleted {
    /// Deleted.
    #[oai(status = 204)]
    Deleted,
}

/// 200 with an image body (JPEG, PNG or WebP), its type as stored.
pub struct Image {
    pub bytes: Vec<u8>,
    pub content_type: String,
}

const IMAGE_TYPES: [&str; 3] = ["image/jpeg", "image/png", "image/webp"];

impl poem::IntoResponse for Image {
    fn into_response(self) -> poem::Response {
        poem::Response::builder()
            .content_type(self.content_type)
            .header("cache-control", "private, max-age=300")
            .header("x-content-type-options", "nosniff")
            .body(self.bytes)
    }
}

impl ApiResponse for Image {
    fn meta() -> poem_openapi::registry::MetaResponses {
        use poem_openapi::registry::{MetaMediaType, MetaResponse, MetaResponses, MetaSchema, MetaSchemaRef};
        let schema =
            MetaSchemaRef::Inline(Box::new(MetaSchema { format: Some("binary"), ..MetaSchema::new("string") }));
        MetaResponses {
            responses: vec![MetaResponse {
                description: "The image",
                status: Some(200),
                status_range: None,
                content: IMAGE_TYPES
                    .iter()
                    .map(|content_type| MetaMediaType { content_type, schema: schema.clone() })
                    .collect(),
                headers: vec![],
            }],
        }
    }

    fn register(_registry: &mut poem_openapi::registry::Registry) {}
}

/// 204 after an action with nothing to return.
#[derive(ApiResponse)]
pub enum NoContent {
    /// Done.
    #[oai(status = 204)]
    Done,
}
