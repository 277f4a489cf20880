//! `byline serve`: the web site.

use std::io::Write;
use std::path::Path;

use anyhow::Context;
use byline_web::cache::CacheConfig;
use byline_web::{AppState, WebConfig};
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

use super::open_store;
use crate::sample;

/// Options of `byline serve`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address and port to listen on.
    #[arg(long, env = "BYLINE_LISTEN", default_value = "127.0.0.1:8080")]
    listen: String,
    /// Do not add the sample author, article and comment to an empty site.
    #[arg(long)]
    no_sample: bool,
    /// Take client addresses from X-Forwarded-For (only behind a reverse proxy that sets it).
    #[arg(long, env = "BYLINE_TRUST_FORWARDED_FOR")]
    trust_forwarded_for: bool,
    /// Mark admin cookies Secure even if the site's address is http:// (behind a TLS proxy).
    #[arg(long, env = "BYLINE_SECURE_COOKIES")]
    secure_cookies: bool,
    /// Memory for the page cache, in MiB; 0 turns it off.
    #[arg(long, env = "BYLINE_PAGE_CACHE_MIB", default_value_t = CacheConfig::DEFAULT_MAX_BYTES >> 20)]
    page_cache_mib: usize,
    /// Cache-Control of cached public pages (what browsers and a CDN in front may keep).
    #[arg(long, env = "BYLINE_CACHE_CONTROL", default_value = CacheConfig::DEFAULT_CACHE_CONTROL)]
    cache_control: String,
}

pub async fn run(data: &Path, args: Args) -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_env("BYLINE_LOG").unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn")))
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();

    let store = open_store(data).await?;
    if !args.no_sample {
        sample::offer(store.as_ref())
            .await
            .context("cannot add the sample content")?;
    }
    let config = WebConfig {
        trust_forwarded_for: args.trust_forwarded_for,
        secure_cookies: args.secure_cookies,
        cache: CacheConfig {
            max_bytes: args.page_cache_mib << 20,
            cache_control: args.cache_control,
        },
    };
    let state = AppState::open(store, config).await?;

    let listener = TcpListener::bind(&args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    let addr = listener.local_addr()?;
    let _ = writeln!(
        std::io::stdout(),
        "byline is serving {} at http://{addr}/",
        data.display()
    );
    if let Some(token) = byline_web::admin::setup::issue_link(state.store.as_ref()).await? {
        // The site's public address when set; else the one listened on (a
        // wildcard address is reached through loopback on this machine).
        let site_url = state.store.settings().await?.site_url;
        let base = if !site_url.is_empty() {
            site_url
        } else if addr.ip().is_unspecified() {
            format!("http://localhost:{}", addr.port())
        } else {
            format!("http://{addr}")
        };
        // Printed, never logged: whoever holds this link can create the first administrator.
        // A closed standard output (a service manager) must not stop the server.
        let _ = writeln!(
            std::io::stdout(),
            "No administrator yet. Create one (this link works once): {base}/admin/setup?token={token}"
        );
    }
    tracing::info!(%addr, "listening");
    tokio::spawn(byline_web::scheduler::run(state.clone()));
    byline_web::serve(listener, state, shutdown_signal())
        .await
        .context("the server stopped with an error")?;
    tracing::info!("stopped");
    Ok(())
}

/// Ctrl-C or SIGTERM: stop accepting, finish the requests in flight.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
