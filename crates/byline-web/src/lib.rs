//! byline's HTTP layer. Handlers are thin: parse the request, run the
//! named checks from `byline-core`, make one store call, then redirect or
//! render. Errors render the theme's error page (see [`error`]).

mod conditional;
mod context;
pub mod error;
mod headers;
mod lookup;
mod present;
mod routes;
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
    /// Take the client address from the last `X-Forwarded-For` entry; only
    /// safe behind a reverse proxy that sets it.
    pub trust_forwarded_for: bool,
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
    /// Process settings.
    pub config: WebConfig,
}

impl AppState {
    /// Builds the state from the site's secret (see `Store::site_secret`).
    pub fn new(store: Arc<dyn Store>, renderer: Renderer, site_secret: &[u8], config: WebConfig) -> Self {
        let mut cookie = [0u8; 64];
        cookie[..32].copy_from_slice(&keys::derive(site_secret, "cookie-signing-1"));
        cookie[32..].copy_from_slice(&keys::derive(site_secret, "cookie-signing-2"));
        Self {
            store,
            renderer: Arc::new(renderer),
            cookie_key: Key::from(&cookie),
            avatar_key: Arc::new(keys::derive(site_secret, "avatar")),
            password_key: Arc::new(keys::derive(site_secret, "post-password")),
            config,
        }
    }
}

impl FromRef<AppState> for Key {
    fn from_ref(state: &AppState) -> Self {
        state.cookie_key.clone()
    }
}

/// Serves the site on `listener` until `shutdown` completes, then lets the
/// requests in flight finish.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app).with_graceful_shutdown(shutdown).await
}
