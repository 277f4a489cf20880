//! The middleware in front of the public routes: answer from the cache, or
//! let the handler render and keep what it tagged.

use std::sync::Arc;

use axum::body::to_bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::SignedCookieJar;

use super::{CacheTags, Entry};
use crate::client::Client;
use crate::routes::PAGE_PARAMETERS;
use crate::{AppState, context, visitor};

/// `Cache-Control` of pages whose links come from the request (no `site_url`).
static PRIVATE: HeaderValue = HeaderValue::from_static("private, no-cache");

/// Largest body kept; bigger responses are served but not cached.
const MAX_BODY: usize = 8 << 20;

/// Serves GET and HEAD requests from the page cache when it can.
pub async fn serve_cached(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let cache = &state.cache;
    let method = request.method().clone();
    if !cache.enabled() || (method != Method::GET && method != Method::HEAD) || is_personal(&state, &request) {
        return next.run(request).await;
    }
    let generation = match cache.sync() {
        Ok(g) => g,
        Err(e) => {
            tracing::warn!(error = %e, "page cache cannot read the change feed; serving uncached");
            return next.run(request).await;
        }
    };
    let settings = match cache.settings(state.store.as_ref()).await {
        Ok(s) => s,
        Err(_) => return next.run(request).await,
    };
    let base = context::base_url(&settings, request.headers(), Client::is_https(request.extensions()));
    let key: Arc<str> = format!("{base}{}", key_path(request.uri())).into();
    // Without a configured address, links come from the request's Host
    // header: no shared cache may keep such a page for other visitors.
    let cache_control = if settings.site_url.is_empty() {
        &PRIVATE
    } else {
        cache.cache_control()
    };
    if let Some(entry) = cache.get(&key) {
        return entry.respond(&method, request.headers(), cache_control, "hit");
    }

    // The handler renders the whole page; validators are checked here.
    let conditions = request.headers().clone();
    request.headers_mut().remove(header::IF_NONE_MATCH);
    request.headers_mut().remove(header::IF_MODIFIED_SINCE);
    let mut response = next.run(request).await;
    let cacheable = response.status() == StatusCode::OK
        && !response.headers().contains_key(header::SET_COOKIE)
        && !response
            .headers()
            .get(header::CACHE_CONTROL)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("private") || v.contains("no-store"));
    let Some(CacheTags(tags, expires)) = response.extensions_mut().remove::<CacheTags>().filter(|_| cacheable) else {
        return response;
    };
    // A page too large to keep is served as it is, uncached.
    let limit = MAX_BODY.min(cache.largest_entry());
    if axum::body::HttpBody::size_hint(response.body())
        .upper()
        .is_none_or(|n| n > limit as u64)
    {
        return response;
    }
    let (parts, body) = response.into_parts();
    let body = match to_bytes(body, limit).await {
        Ok(body) => body,
        Err(e) => {
            // Only a body that failed while being made gets here.
            tracing::error!(error = %e, "a page could not be read for the cache");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let mut entry = Entry::new(parts.headers, body, tags);
    entry.expires = expires;
    let entry = Arc::new(entry);
    if cache.insert(key.clone(), entry.clone(), generation) {
        let (state, entry) = (state.clone(), entry.clone());
        tokio::task::spawn_blocking(move || {
            let added = entry.compress();
            state.cache.grew(&key, &entry, added);
        });
    }
    entry.respond(&method, &conditions, cache_control, "miss")
}

/// The part of a request's address its page depends on: the path, and of
/// the query only the parameters public pages read, in order. Any other
/// parameter (`?x=random`) changes nothing on the page, so it shares the
/// page's entry instead of forcing a render and pushing popular pages out.
fn key_path(uri: &Uri) -> String {
    let path = uri.path();
    let Some(query) = uri.query() else {
        return path.to_owned();
    };
    let mut read: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .filter(|(name, _)| PAGE_PARAMETERS.contains(&name.as_ref()))
        .map(|(n, v)| (n.into_owned(), v.into_owned()))
        .collect();
    if read.is_empty() {
        return path.to_owned();
    }
    read.sort();
    let query: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(read)
        .finish();
    format!("{path}?{query}")
}

/// A request whose page shows something of the visitor's own (their held
/// comments, their saved details, an article they unlocked).
fn is_personal(state: &AppState, request: &Request) -> bool {
    request.headers().contains_key(header::COOKIE)
        && visitor::is_personal(&SignedCookieJar::from_headers(
            request.headers(),
            state.cookie_key.clone(),
        ))
}
