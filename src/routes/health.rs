//! `/health/live` (the process answers) and `/health/ready` (the database answers, the shared
//! schema is migrated; how many tenants are behind this binary).

use std::sync::Arc;

use poem::web::Data;
use poem_openapi::{ApiResponse, Object, OpenApi};

use crate::app::AppState;
use crate::http::json::JsonOut;
use crate::routes::ApiTags;
use crate::tenancy::migrations;

pub struct HealthApi;

#[derive(Debug, Object, serde::Serialize)]
pub struct Liveness {
    pub status: String,
}

#[derive(Debug, Object, serde::Serialize)]
pub struct Readiness {
    /// `ready` or `not_ready`.
    pub status: String,
    pub database: bool,
    /// Whether every shared-schema migration of this binary is applied.
    pub shared_schema_migrated: bool,
    /// The tenant schema version this binary serves.
    pub tenant_schema_version: i32,
    /// Active tenants whose schema is behind it (they answer 503 `tenant_migrating`).
    pub tenants_behind: i64,
}

#[derive(ApiResponse)]
pub enum ReadyResponse {
    /// Ready to serve.
    #[oai(status = 200)]
    Ready(JsonOut<Readiness>),
    /// Not ready: the body says why.
    #[oai(status = 503)]
    NotReady(JsonOut<Readiness>),
}

#[OpenApi(tag = "ApiTags::Operations")]
impl HealthApi {
    /// Liveness: the process is up.
    #[oai(path = "/health/live", method = "get")]
    async fn live(&self) -> JsonOut<Liveness> {
        JsonOut(Liveness { status: "alive".to_owned() })
    }

    /// Readiness: the database is reachable and the shared schema is migrated.
    #[oai(path = "/health/ready", method = "get")]
    async fn ready(&self, state: Data<&Arc<AppState>>) -> ReadyResponse {
        let required = migrations::required_tenant_version();
        let shared_latest = migrations::latest_version(&migrations::shared_migrations());
        let probe = sqlx::query_as::<_, (Option<i32>, i64)>(
            "SELECT (SELECT max(version) FROM public.refinery_schema_history), \
                    (SELECT count(*) FROM public.tenants WHERE status = 'active' AND schema_version < $1)",
        )
        .bind(required)
        .fetch_one(&state.db.catalog)
        .await;
        let (database, shared, behind) = match probe {
            Ok((version, behind)) => (true, version.unwrap_or(0) >= shared_latest, behind),
            Err(e) => {
                tracing::warn!(error = %e, "readiness probe failed");
                (false, false, 0)
            }
        };
        let ready = database && shared;
        let body = Readiness {
            status: if ready { "ready" } else { "not_ready" }.to_owned(),
            database,
            shared_schema_migrated: shared,
            tenant_schema_version: required,
            tenants_behind: behind,
        };
        if ready { ReadyResponse::Ready(JsonOut(body)) } else { ReadyResponse::NotReady(JsonOut(body)) }
    }
}
