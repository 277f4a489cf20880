//! Conditional GET: an `ETag` from the body, answered with `304 Not
//! Modified` when the client already has it. Feeds and sitemaps use
//! [`respond`]; the page cache uses the same validators for every page it
//! keeps, and adds a `Last-Modified` ([`cached_since`]).
//!
//! Why the handlers send no `Last-Modified`: what a feed or page shows has
//! no modification time in the database (a settings or author change, a
//! held comment approved, an item leaving the feed), and a time taken from
//! the items' dates stays put, or even goes back, while the content changes.
//! A wrong `Last-Modified` makes `If-Modified-Since` answer 304 with stale
//! content, so without an exact time there is none. The page cache knows
//! one: no version it keeps changes while it keeps it.

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

/// The `Last-Modified` of a version first kept at `kept`: the next whole
/// second. HTTP dates have one-second resolution, so a version made within
/// the same second as a later one must not share its date; rounding up
/// (and sending the date only once it has passed, see [`is_fresh`]) gives
/// every later version a later date, whether the client revalidates with
/// the `Last-Modified` or with the `Date` it was served at (RFC 9110,
/// 8.8.2.2 and 13.1.3).
pub fn cached_since(kept: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp(kept.timestamp() + 1, 0).unwrap_or(kept)
}

/// Whether the client's copy is current: `If-None-Match` against `current`
/// (a tag the response has), else `If-Modified-Since` against
/// `last_modified`, which only counts once it has passed.
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
            .zip(last_modified.filter(|at| *at <= Utc::now()))
            .is_some_and(|(since, modified)| modified.timestamp() <= since.timestamp()),
    }
}

/// `body` as `content_type` with its `ETag`, or 304 when the request's
/// `If-None-Match` names it.
pub fn respond(request: &HeaderMap, content_type: &'static str, body: String) -> Response {
    let etag = etag(body.as_bytes());
    let fresh = is_fresh(request, |t| t == etag, None);
    let mut headers = HeaderMap::new();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, no-cache"));
    if let Ok(v) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, v);
    }
    if fresh {
        (StatusCode::NOT_MODIFIED, headers).into_response()
    } else {
        (headers, body).into_response()
    }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;

    fn since(at: DateTime<Utc>) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            header::IF_MODIFIED_SINCE,
            HeaderValue::from_str(&http_date(at)).unwrap(),
        );
        h
    }

    #[test]
    fn a_version_is_dated_after_the_second_it_was_made_in() {
        let kept = DateTime::parse_from_rfc3339("2024-01-26T10:00:00.250Z")
            .unwrap()
            .to_utc();
        assert_eq!(http_date(cached_since(kept)), "Fri, 26 Jan 2024 10:00:01 GMT");
        let exact = DateTime::parse_from_rfc3339("2024-01-26T10:00:00Z").unwrap().to_utc();
        assert_eq!(http_date(cached_since(exact)), "Fri, 26 Jan 2024 10:00:01 GMT");
    }

    #[test]
    fn if_modified_since_counts_only_a_date_that_has_passed() {
        let past = Utc::now() - Duration::seconds(5);
        assert!(is_fresh(&since(past), |_| false, Some(past)));
        assert!(!is_fresh(&since(past - Duration::seconds(1)), |_| false, Some(past)));
        let future = cached_since(Utc::now());
        assert!(
            !is_fresh(&since(future), |_| false, Some(future)),
            "not yet sent, so not known"
        );
        assert!(!is_fresh(&since(past), |_| false, None));
        let mut both = since(past);
        both.insert(header::IF_NONE_MATCH, HeaderValue::from_static("\"other\""));
        assert!(!is_fresh(&both, |t| t == "\"mine\"", Some(past)), "If-None-Match wins");
    }
}
