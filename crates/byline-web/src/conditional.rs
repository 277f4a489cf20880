//! Conditional GET: an `ETag` from the body and a `Last-Modified` from the
//! newest content, answered with `304 Not Modified` when the client already
//! has them. Feeds and sitemaps use [`respond`]; the page cache uses the
//! same validators for every page it keeps.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};

/// The strong entity tag of a body, quotes included.
pub fn etag(body: &[u8]) -> String {
    format!("\"{:016x}\"", byline_core::fingerprint::fingerprint(body))
}

/// The `Last-Modified` form of a time.
pub fn http_date(at: DateTime<Utc>) -> String {
    at.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

/// Whether the client's copy is current: `If-None-Match` against `current`
/// (a tag the response has), else `If-Modified-Since` against `last_modified`.
pub fn is_fresh(request: &HeaderMap, current: impl Fn(&str) -> bool, last_modified: Option<DateTime<Utc>>) -> bool {
    match request.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) {
        // If-None-Match wins over If-Modified-Since (RFC 9110, 13.2.2).
        Some(tags) => tags.split(',').any(|t| {
            let t = t.trim();
            t == "*" || current(t.trim_start_matches("W/"))
        }),
        None => request
            .get(header::IF_MODIFIED_SINCE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| DateTime::parse_from_rfc2822(v).ok())
            .zip(last_modified)
            .is_some_and(|(since, modified)| modified.timestamp() <= since.timestamp()),
    }
}

/// `body` as `content_type`, or 304 when the request's validators match.
pub fn respond(
    request: &HeaderMap,
    content_type: &'static str,
    body: String,
    last_modified: DateTime<Utc>,
) -> Response {
    let etag = etag(body.as_bytes());
    let fresh = is_fresh(request, |t| t == etag, Some(last_modified));
    let mut headers = HeaderMap::new();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, no-cache"));
    if let Ok(v) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, v);
    }
    if let Ok(v) = HeaderValue::from_str(&http_date(last_modified)) {
        headers.insert(header::LAST_MODIFIED, v);
    }
    if fresh {
        (StatusCode::NOT_MODIFIED, headers).into_response()
    } else {
        (headers, body).into_response()
    }
}
