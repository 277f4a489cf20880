//! One cached response: its headers, body, compressed variants and the
//! validators that answer conditional requests.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use chrono::{DateTime, Utc};

use super::encoding::{self, Coding};
use crate::conditional;

/// A rendered `200 OK` public response.
pub struct Entry {
    /// The handler's headers (type), less per-request ones and validators.
    headers: HeaderMap,
    /// Exact, since the entry never changes (see `conditional::cached_since`).
    last_modified: DateTime<Utc>,
    /// The identity body's tag, without quotes; variants add a suffix.
    tag: String,
    body: Bytes,
    gzip: OnceLock<Bytes>,
    brotli: OnceLock<Bytes>,
    /// What the page shows, for invalidation.
    pub tags: Vec<String>,
    /// When the page changes by itself and must be rendered again.
    pub expires: Option<DateTime<Utc>>,
    /// When the entry was last served, on the cache's clock (for eviction).
    pub last_used: AtomicU64,
}

impl Entry {
    /// Keeps a response's headers and body.
    pub fn new(mut headers: HeaderMap, body: Bytes, tags: Vec<String>) -> Self {
        for per_request in [
            header::ETAG,
            header::CACHE_CONTROL,
            header::CONTENT_LENGTH,
            header::VARY,
            header::DATE,
            header::LAST_MODIFIED,
        ] {
            headers.remove(per_request);
        }
        let last_modified = conditional::cached_since(Utc::now());
        let tag = conditional::etag(&body).trim_matches('"').to_owned();
        Self {
            headers,
            last_modified,
            tag,
            body,
            gzip: OnceLock::new(),
            brotli: OnceLock::new(),
            tags,
            expires: None,
            last_used: AtomicU64::new(0),
        }
    }

    /// Bytes held, for the cache's size cap.
    pub fn size(&self) -> usize {
        let variants = self.gzip.get().map_or(0, Bytes::len) + self.brotli.get().map_or(0, Bytes::len);
        self.body.len() + variants + self.tags.iter().map(|t| t.len() + 24).sum::<usize>() + 512
    }

    /// Makes the compressed variants (slow: run off the request path).
    /// Returns the bytes added.
    pub fn compress(&self) -> usize {
        if self.body.len() < encoding::MIN_COMPRESSED {
            return 0;
        }
        let before = self.size();
        let (gzip, brotli) = (encoding::gzip(&self.body), encoding::brotli(&self.body));
        // Brotli first: a client that accepts both never gets gzip once both exist.
        let _ = self.brotli.set(brotli);
        let _ = self.gzip.set(gzip);
        self.size() - before
    }

    fn etag(&self, coding: Coding) -> String {
        match coding {
            Coding::Identity => format!("\"{}\"", self.tag),
            Coding::Gzip => format!("\"{}-gzip\"", self.tag),
            Coding::Brotli => format!("\"{}-br\"", self.tag),
        }
    }

    /// Whether `etag` names any variant of this entry.
    fn is_current(&self, etag: &str) -> bool {
        etag.strip_prefix('"')
            .and_then(|t| t.strip_suffix('"'))
            .map(|t| t.trim_end_matches("-gzip").trim_end_matches("-br"))
            .is_some_and(|t| t == self.tag)
    }

    /// The response for `request`: the best variant it accepts, or 304.
    pub fn respond(
        &self,
        method: &Method,
        request: &HeaderMap,
        cache_control: &HeaderValue,
        state: &'static str,
    ) -> Response {
        let (gzip_ok, brotli_ok) = encoding::accepted(request);
        let (coding, body) = match (self.brotli.get(), self.gzip.get()) {
            (Some(br), _) if brotli_ok => (Coding::Brotli, br.clone()),
            (_, Some(gz)) if gzip_ok => (Coding::Gzip, gz.clone()),
            _ => (Coding::Identity, self.body.clone()),
        };
        let fresh = conditional::is_fresh(request, |t| self.is_current(t), Some(self.last_modified));
        let mut response = if fresh {
            let mut r = Response::new(Body::empty());
            *r.status_mut() = StatusCode::NOT_MODIFIED;
            r
        } else if method == Method::HEAD {
            let mut r = Response::new(Body::empty());
            if let Ok(len) = HeaderValue::from_str(&body.len().to_string()) {
                r.headers_mut().insert(header::CONTENT_LENGTH, len);
            }
            r
        } else {
            Response::new(Body::from(body))
        };
        let headers = response.headers_mut();
        for (name, value) in &self.headers {
            headers.insert(name, value.clone());
        }
        if let Ok(v) = HeaderValue::from_str(&self.etag(coding)) {
            headers.insert(header::ETAG, v);
        }
        // Only once it has passed: a response can never date itself later than it was sent.
        if self.last_modified <= Utc::now()
            && let Ok(v) = HeaderValue::from_str(&conditional::http_date(self.last_modified))
        {
            headers.insert(header::LAST_MODIFIED, v);
        }
        if let Some(c) = coding.header() {
            headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(c));
        }
        headers.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
        headers.insert(header::CACHE_CONTROL, cache_control.clone());
        headers.insert("x-cache", HeaderValue::from_static(state));
        response
    }

    /// Marks the entry used at `tick`.
    pub fn touch(&self, tick: u64) {
        self.last_used.store(tick, Ordering::Relaxed);
    }
}
