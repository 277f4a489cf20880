//! byline's HTTP layer. Handlers are thin: parse the request, run the
//! named checks from `byline-core`, make one store call, then redirect or
//! render. Errors render the theme's error page (see [`error`]).

pub mod admin;
mod attempts;
pub mod cache;
pub mod client;
mod conditional;
mod context;
mod cpu;
pub mod error;
mod headers;
pub mod health;
mod lookup;
pub mod password;
mod present;
mod routes;
pub mod scheduler;
pub mod server;
mod visitor;

use std::sync::Arc;

use axum::extract::FromRef;
use axum_extra::extract::cookie::Key;
use byline_core::keys;
use byline_render::Renderer;
use byline_store::Store;

pub use routes::router;

/// Process settings of the web layer (site settings live in the store).
#[derive(Debug, Clone, Default)]
pub struct WebConfig {
    /// The reverse proxies whose `X-Forwarded-For` and `X-Forwarded-Proto`
    /// are believed.
    pub trusted_proxies: client::TrustedProxies,
    /// Mark admin cookies `Secure` even when the site's address is plain
    /// HTTP (behind a proxy that terminates TLS without saying so).
    pub secure_cookies: bool,
    /// The page cache's size and `Cache-Control`.
    pub cache: cache::CacheConfig,
    /// Where the site's data lives (for the free-space check of `/healthz`).
    pub data_dir: Option<std::path::PathBuf>,
}

/// Everything a handler needs, shared by all requests.
#[derive(Clone)]
pub struct AppState {
    /// Persistence.
    pub store: Arc<dyn Store>,
    /// The theme.
    pub renderer: Arc<Renderer>,
    /// Signs the visitor's cookies.
    cookie_key: Key,
    /// Keys avatar hashes.
    avatar_key: Arc<[u8; 32]>,
    /// Keys the tokens that prove a reader gave an article's password.
    password_key: Arc<[u8; 32]>,
    /// Keys the admin's CSRF tokens.
    csrf_key: Arc<[u8; 32]>,
    /// Process settings.
    pub config: WebConfig,
    /// Rendered public pages, and the settings, kept until they change.
    pub cache: Arc<cache::PageCache>,
    /// Where pages are rendered (off the async workers).
    render_slots: cpu::RenderSlots,
    /// Whether writes are going through, for `/healthz`.
    pub health: Arc<health::WriteHealth>,
}

impl AppState {
    /// Builds the state for `store`: keys derived from the site's secret,
    /// and a page cache fed by the store's changes.
    pub async fn open(store: Arc<dyn Store>, config: WebConfig) -> byline_store::StoreResult<Self> {
        let site_secret = store.site_secret().await?;
        let feed = store.change_feed().await?;
        let mut cookie = [0u8; 64];
        cookie[..32].copy_from_slice(&keys::derive(&site_secret, "cookie-signing-1"));
        cookie[32..].copy_from_slice(&keys::derive(&site_secret, "cookie-signing-2"));
        Ok(Self {
            store,
            renderer: Arc::new(Renderer::new()),
            cookie_key: Key::from(&cookie),
            avatar_key: Arc::new(keys::derive(&site_secret, "avatar")),
            password_key: Arc::new(keys::derive(&site_secret, "post-password")),
            csrf_key: Arc::new(keys::derive(&site_secret, "admin-csrf")),
            cache: Arc::new(cache::PageCache::new(feed, &config.cache)),
            render_slots: cpu::RenderSlots::new(),
            health: Arc::new(health::WriteHealth::new(config.data_dir.clone())),
            config,
        })
    }
}

impl AppState {
    /// Runs CPU-bound rendering `work` off the async workers (see [`cpu`]).
    pub async fn render<T>(&self, work: impl FnOnce() -> T) -> T {
        self.render_slots.run(work).await
    }
}

impl FromRef<AppState> for Key {
    fn from_ref(state: &AppState) -> Self {
        state.cookie_key.clone()
    }
}

/// Serves the site on `listener` until `shutdown` completes, with the
/// connection bounds of `config` (see [`server::serve`]).
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    config: server::ServerConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    server::serve(listener, router(state), config, shutdown).await
}
