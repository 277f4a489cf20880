//! What every page needs besides its own data: the state, the site's
//! settings and the site's public address. Extracted once per request.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::request::Parts;
use byline_core::Settings;
use byline_render::view::SiteView;

use crate::AppState;
use crate::client::Client;
use crate::error::WebError;

/// The request's view of the site.
pub struct Ctx {
    /// Shared state.
    pub state: AppState,
    /// Site settings, current for this request (a CLI change shows at once).
    pub settings: Arc<Settings>,
    /// Public address without a trailing slash, e.g. `https://news.example`.
    pub base: String,
}

impl Ctx {
    /// An absolute URL for a site path.
    pub fn abs(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Whether the site is served over HTTPS (its cookies are then `Secure`).
    pub fn is_https(&self) -> bool {
        self.base.starts_with("https://")
    }

    /// The site as templates show it.
    pub fn site(&self) -> SiteView {
        site_view(&self.settings, &self.base)
    }
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        // Picks up changes committed anywhere (the CLI included) first.
        state.cache.sync()?;
        let settings = state.cache.settings(state.store.as_ref()).await?;
        let base = base_url(&settings, &parts.headers, Client::is_https(&parts.extensions));
        Ok(Self {
            state: state.clone(),
            settings,
            base,
        })
    }
}

/// The site as templates show it.
pub fn site_view(settings: &Settings, base: &str) -> SiteView {
    SiteView {
        title: settings.title.clone(),
        tagline: settings.tagline.clone(),
        url: format!("{base}/"),
        noindex: settings.discourage_search,
    }
}

/// The configured `site_url`, or the address the request came to (`https`
/// when the client used it, see [`Client::is_https`]). A Host header with
/// anything but host-name characters is ignored, so it cannot inject markup
/// into links.
pub fn base_url(settings: &Settings, headers: &HeaderMap, https: bool) -> String {
    if !settings.site_url.is_empty() {
        return settings.site_url.clone();
    }
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| !h.is_empty() && h.bytes().all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b)))
        .unwrap_or("localhost");
    format!("{}://{host}", if https { "https" } else { "http" })
}
