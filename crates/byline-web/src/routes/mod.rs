//! The routes, one module per area of the site.

mod article;
mod assets;
mod comment;
mod discovery;
mod feeds;
mod health;
mod lists;
mod password;
mod public;

use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request};
use axum::routing::{get, post};
use tower::ServiceBuilder;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::{AppState, error, headers};

pub use public::PAGE_PARAMETERS;

/// Largest public request body: the comment form with every field at its
/// longest, in the worst encoding (a four-byte character is twelve bytes
/// once percent-encoded), and room for the rest. So no comment the form
/// accepts is refused for its size, whatever its script.
const BODY_LIMIT: usize = {
    use byline_core::comment_form::{MAX_COMMENT, MAX_EMAIL, MAX_NAME, MAX_URL};
    (MAX_COMMENT + MAX_NAME + MAX_EMAIL + MAX_URL) * 12 + 16 * 1024
};

/// The whole public site.
pub fn router(state: AppState) -> Router {
    let [csp, nosniff, referrer, frames] = headers::layers();
    Router::new()
        .route("/wp-comments-post.php", post(comment::post_comment))
        .route("/comments", post(comment::post_comment))
        .route("/wp-login.php", post(password::submit))
        .route("/avatar/{file}", get(assets::avatar))
        .route("/static/{file}", get(assets::static_file))
        .route("/healthz", get(health::health))
        .route("/robots.txt", get(discovery::robots))
        .route("/sitemap.xml", get(discovery::index))
        .merge(crate::admin::router())
        .fallback(public::page)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            error::themed_errors,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::cache::serve_cached,
        ))
        .layer(
            ServiceBuilder::new()
                .layer(TraceLayer::new_for_http().make_span_with(|req: &Request| {
                    let route = req
                        .extensions()
                        .get::<MatchedPath>()
                        .map_or("(public page)", MatchedPath::as_str);
                    // The path only: query strings and bodies may carry personal data.
                    tracing::info_span!("request", method = %req.method(), route, path = %req.uri().path())
                }))
                .layer(TimeoutLayer::with_status_code(
                    axum::http::StatusCode::REQUEST_TIMEOUT,
                    Duration::from_secs(30),
                ))
                .layer(DefaultBodyLimit::max(BODY_LIMIT))
                .layer(csp)
                .layer(nosniff)
                .layer(referrer)
                .layer(frames),
        )
        // Outermost: every layer and handler reads the client it resolves.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::client::resolve,
        ))
        .with_state(state)
}
