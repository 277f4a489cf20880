//! `/healthz` for load balancers and monitors.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::AppState;
use crate::error::Plain;

/// 200 when the store answers and takes writes; 503 with the reason when
/// it does not answer, when writes have been failing, or when the disk is
/// about to fill.
pub async fn health(State(state): State<AppState>) -> Response {
    let (status, text) = match state.store.settings().await {
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "store unavailable\n".to_owned())
        }
        Ok(_) => match state.health.problem(chrono::Utc::now()) {
            None => (StatusCode::OK, "ok\n".to_owned()),
            Some(problem) => (StatusCode::SERVICE_UNAVAILABLE, format!("{problem}\n")),
        },
    };
    let mut response = (status, text).into_response();
    response.extensions_mut().insert(Plain);
    response
}
