//! The evaluation over JSON, under `/api/v1/evaluation/…`: runs and results, explanations,
//! publication and objections, schemes, class measures and the 低散乱污 ledger. Always inside
//! the caller's data scope: a firm outside it answers 404.

pub mod low_end;
pub mod measures;
pub mod objections;
pub mod results;
pub mod schemes;

use axum::Router;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};
use wujin_app::attachments::AttachmentInfo;

use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(results::routes())
        .merge(objections::routes())
        .merge(schemes::routes())
        .merge(measures::routes())
        .merge(low_end::routes())
}

/// The parts of the API document this module adds.
pub fn docs() -> Vec<utoipa::openapi::OpenApi> {
    vec![
        results::Doc::openapi(),
        objections::Doc::openapi(),
        schemes::Doc::openapi(),
        measures::Doc::openapi(),
        low_end::Doc::openapi(),
    ]
}

/// An attached file (objection files, closure evidence), without its content.
#[derive(Serialize, ToSchema)]
pub struct AttachmentDto {
    pub id: i64,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub created_at: DateTime<Utc>,
}

impl From<AttachmentInfo> for AttachmentDto {
    fn from(a: AttachmentInfo) -> Self {
        AttachmentDto {
            id: a.id,
            filename: a.filename,
            content_type: a.content_type,
            size_bytes: a.size_bytes,
            sha256: a.sha256,
            created_at: a.created_at,
        }
    }
}
