//! Liveness and readiness probes for load balancers and orchestration.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::state::AppState;

/// The process is up.
pub async fn healthz() -> Json<Value> {
    Json(json!({"status": "ok"}))
}

/// The database answers and every migration is applied.
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    if let Err(e) = state.app.db.ping().await {
        tracing::warn!(error = %e, "readiness: database unreachable");
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({"status": "unavailable", "database": "unreachable"})),
        );
    }
    match state.app.db.pending_migrations().await {
        Ok(0) => (
            StatusCode::OK,
            Json(json!({"status": "ready", "database": "ok", "pending_migrations": 0})),
        ),
        Ok(n) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({"status": "unavailable", "database": "ok", "pending_migrations": n})),
        ),
        Err(e) => {
            tracing::warn!(error = %e, "readiness: cannot read migrations");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({"status": "unavailable", "database": "error"})),
            )
        }
    }
}
