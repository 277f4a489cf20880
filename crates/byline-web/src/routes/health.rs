//! `/healthz` for load balancers and monitors.

use axum::extract::State;
use axum::http::StatusCode;

use crate::AppState;

/// 200 when the store answers and takes writes; 503 with the reason when
/// it does not answer, when writes have been failing, or when the disk is
/// about to fill.
pub async fn health(State(state): State<AppState>) -> (StatusCode, String) {
    if let Err(e) = state.store.settings().await {
        tracing::error!(error = %e, "health check failed");
        return (StatusCode::SERVICE_UNAVAILABLE, "store unavailable\n".into());
    }
    match state.health.problem(chrono::Utc::now()) {
        None => (StatusCode::OK, "ok\n".into()),
        Some(problem) => (StatusCode::SERVICE_UNAVAILABLE, format!("{problem}\n")),
    }
}
