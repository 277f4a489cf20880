//! Conditional GET for generated documents (feeds, sitemaps): an `ETag`
//! from the body and a `Last-Modified` from the newest content, answered
//! with `304 Not Modified` when the client already has them.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};

/// `body` as `content_type`, or 304 when the request's validators match.
pub fn respond(
    request: &HeaderMap,
    content_type: &'static str,
    body: String,
    last_modified: DateTime<Utc>,
) -> Response {
    let etag = format!("\"{:016x}\"", byline_core::fingerprint::fingerprint(body.as_bytes()));
    let last_modified_text = last_modified.format("%a, %d %b %Y %H:%M:%S GMT").to_string();
    let fresh = match request.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) {
        // If-None-Match wins over If-Modified-Since (RFC 9110, 13.2.2).
        Some(tags) => tags
            .split(',')
            .any(|t| t.trim().trim_start_matches("W/") == etag || t.trim() == "*"),
        None => request
            .get(header::IF_MODIFIED_SINCE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| DateTime::parse_from_rfc2822(v).ok())
            .is_some_and(|since| last_modified.timestamp() <= since.timestamp()),
    };
    let mut headers = HeaderMap::new();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, no-cache"));
    if let Ok(v) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, v);
    }
    if let Ok(v) = HeaderValue::from_str(&last_modified_text) {
        headers.insert(header::LAST_MODIFIED, v);
    }
    if fresh {
        (StatusCode::NOT_MODIFIED, headers).into_response()
    } else {
        (headers, body).into_response()
    }
}
