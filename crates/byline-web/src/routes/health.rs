//! `/healthz` for load balancers and monitors.

use axum::extract::State;
use axum::http::StatusCode;

use crate::AppState;

/// 200 when the store answers, 503 otherwise.
pub async fn health(State(state): State<AppState>) -> (StatusCode, &'static str) {
    match state.store.settings().await {
        Ok(_) => (StatusCode::OK, "ok\n"),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "store unavailable\n")
        }
    }
}
