//! Response shapes shared by every module.

use poem_openapi::ApiResponse;
use poem_openapi::types::{ParseFromJSON, ToJSON};

use crate::http::json::JsonOut;

/// 201 with the created resource.
#[derive(ApiResponse)]
pub enum Created<T: ParseFromJSON + ToJSON + serde::Serialize + Send + Sync> {
    /// Created.
    #[oai(status = 201)]
    Created(JsonOut<T>),
}

/// 204 after a delete.
#[derive(ApiResponse)]
pub enum Deleted {
    /// Deleted.
    #[oai(status = 204)]
    Deleted,
}
