//! The middleware in front of the public routes: answer from the cache, or
//! let the handler render and keep what it tagged.

use std::sync::Arc;

use axum::body::to_bytes;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::SignedCookieJar;

use super::{CacheTags, Entry};
use crate::client::Client;
use crate::{AppState, context, visitor};

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
    let path = request.uri().path_and_query().map_or("/", |p| p.as_str());
    let key: Arc<str> = format!("{base}{path}").into();
    if let Some(entry) = cache.get(&key) {
        return entry.respond(&method, request.headers(), cache.cache_control(), "hit");
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
    let (parts, body) = response.into_parts();
    let Ok(body) = to_bytes(body, MAX_BODY).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
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
    entry.respond(&method, &conditions, cache.cache_control(), "miss")
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
