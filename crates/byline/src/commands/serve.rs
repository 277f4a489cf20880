//! `byline serve`: the web site.

mod descriptors;

use std::io::Write;
use std::path::Path;
use std::time::Duration;

use anyhow::Context;
use byline_web::cache::CacheConfig;
use byline_web::client::{self, TrustedProxies};
use byline_web::server::ServerConfig;
use byline_web::{AppState, WebConfig};
use ipnet::IpNet;
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
    /// A reverse proxy (address or CIDR range) whose X-Forwarded-For and X-Forwarded-Proto are believed;
    /// repeat for several (comma-separated in the variable).
    #[arg(
        long = "trusted-proxy",
        value_name = "CIDR",
        env = "BYLINE_TRUSTED_PROXIES",
        value_delimiter = ',',
        value_parser = client::parse_range
    )]
    trusted_proxies: Vec<IpNet>,
    /// Deprecated: the same as --trusted-proxy 127.0.0.0/8 --trusted-proxy ::1 (a proxy on this machine).
    #[arg(long, env = "BYLINE_TRUST_FORWARDED_FOR")]
    trust_forwarded_for: bool,
    /// Seconds a client may take to send a request head (from connecting, or from the previous response).
    #[arg(
        long,
        value_name = "SECONDS",
        env = "BYLINE_HEADER_TIMEOUT",
        default_value_t = ServerConfig::DEFAULT_HEADER_TIMEOUT_SECS,
        value_parser = clap::value_parser!(u64).range(1..)
    )]
    header_timeout: u64,
    /// Seconds a connection stays open with no request in flight.
    #[arg(
        long,
        value_name = "SECONDS",
        env = "BYLINE_KEEPALIVE_TIMEOUT",
        default_value_t = ServerConfig::DEFAULT_KEEPALIVE_TIMEOUT_SECS,
        value_parser = clap::value_parser!(u64).range(1..)
    )]
    keepalive_timeout: u64,
    /// Most connections open at once; at the cap the longest-idle one is closed for a new visitor.
    #[arg(
        long,
        value_name = "N",
        env = "BYLINE_MAX_CONNECTIONS",
        default_value_t = ServerConfig::DEFAULT_MAX_CONNECTIONS,
        value_parser = at_least_one
    )]
    max_connections: usize,
    /// Seconds shutdown waits for responses in flight before closing every connection.
    #[arg(
        long,
        value_name = "SECONDS",
        env = "BYLINE_SHUTDOWN_GRACE",
        default_value_t = ServerConfig::DEFAULT_SHUTDOWN_GRACE_SECS
    )]
    shutdown_grace: u64,
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
    let mut proxies = args.trusted_proxies;
    if args.trust_forwarded_for {
        tracing::warn!(
            "--trust-forwarded-for is deprecated: it now trusts X-Forwarded-For only from this machine (loopback); \
             name your proxies with --trusted-proxy"
        );
        proxies.extend(TrustedProxies::loopback());
    }
    if !proxies.is_empty() {
        let ranges = proxies.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ");
        tracing::info!(%ranges, "believing X-Forwarded-For and X-Forwarded-Proto from these proxies");
    }
    let config = WebConfig {
        trusted_proxies: TrustedProxies::new(proxies),
        secure_cookies: args.secure_cookies,
        cache: CacheConfig {
            max_bytes: args.page_cache_mib << 20,
            cache_control: args.cache_control,
        },
        data_dir: Some(data.to_path_buf()),
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
    let server = ServerConfig {
        header_timeout: Duration::from_secs(args.header_timeout),
        keepalive_timeout: Duration::from_secs(args.keepalive_timeout),
        max_connections: connection_cap(args.max_connections),
        shutdown_grace: Duration::from_secs(args.shutdown_grace),
    };
    tokio::spawn(byline_web::scheduler::run(state.clone()));
    byline_web::serve(listener, state, server, shutdown_signal())
        .await
        .context("the server stopped with an error")?;
    tracing::info!("stopped");
    Ok(())
}

/// `max` connections, or fewer if the open-file limit (raised as far as
/// allowed) would run out first.
fn connection_cap(max: usize) -> usize {
    let limit = descriptors::raise_limit();
    let cap = descriptors::fit(max, limit);
    if cap < max {
        tracing::warn!(
            max_connections = max,
            open_file_limit = limit,
            cap,
            "--max-connections lowered to fit the open-file limit (raise it with ulimit -n or LimitNOFILE=)"
        );
    }
    cap
}

fn at_least_one(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(format!("expected a whole number of at least 1, not {s:?}")),
    }
}

/// Ctrl-C or SIGTERM: stop accepting, finish the requests in flight (see
/// `byline_web::server`).
async fn shutdown_signal() {
    crate::signals::stopped().await;
    tracing::info!("shutting down");
}
