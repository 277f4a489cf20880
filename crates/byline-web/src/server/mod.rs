//! The HTTP server: accepts connections and bounds what each may cost. A
//! request head must arrive within the header timeout, an idle connection
//! closes after the keep-alive timeout, at most `max_connections` are open
//! (at the cap the longest-idle one is closed to make room, and the
//! operator is told), and shutdown takes at most the grace period however
//! slow the clients are.

mod connection;
mod connections;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::TokioTimer;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::time::Instant;

use connections::Connections;

/// How connections are bounded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerConfig {
    /// Longest a client may take to send a request head (counted from the
    /// connection's opening, or from the previous response).
    pub header_timeout: Duration,
    /// Longest a connection stays open with no request in flight.
    pub keepalive_timeout: Duration,
    /// Most connections open at once.
    pub max_connections: usize,
    /// Longest shutdown waits for responses in flight.
    pub shutdown_grace: Duration,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            header_timeout: Duration::from_secs(Self::DEFAULT_HEADER_TIMEOUT_SECS),
            keepalive_timeout: Duration::from_secs(Self::DEFAULT_KEEPALIVE_TIMEOUT_SECS),
            max_connections: Self::DEFAULT_MAX_CONNECTIONS,
            shutdown_grace: Duration::from_secs(Self::DEFAULT_SHUTDOWN_GRACE_SECS),
        }
    }
}

impl ServerConfig {
    /// Enough for a phone on a poor link; a request head is a few KB.
    pub const DEFAULT_HEADER_TIMEOUT_SECS: u64 = 20;
    /// Long enough for a reader's next click to reuse the connection.
    pub const DEFAULT_KEEPALIVE_TIMEOUT_SECS: u64 = 15;
    /// Well within a small server's memory; idle ones make room anyway.
    pub const DEFAULT_MAX_CONNECTIONS: usize = 4096;
    /// Most requests finish well within it (they time out after 30 s).
    pub const DEFAULT_SHUTDOWN_GRACE_SECS: u64 = 10;
}

/// Where shutdown is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Serving,
    /// Idle connections close; busy ones after their response.
    Draining,
    /// The grace period is over: everything closes.
    Closing,
}

/// Serves `app` on `listener` until `shutdown` completes; then stops
/// accepting, closes idle connections, lets the responses in flight finish
/// for at most the grace period, and closes the rest.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    config: ServerConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(config.header_timeout);
    let http = Arc::new(http);
    let connections = Arc::new(Connections::default());
    let (stage, stage_rx) = watch::channel(Stage::Serving);
    let mut warnings = Warnings::default();

    tokio::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            () = &mut shutdown => break,
            accepted = next_connection(&listener, &connections, &config, &mut warnings) => accepted,
        };
        let (stream, peer) = accepted;
        let registration = connections.register();
        tokio::spawn(connection::serve(
            stream,
            peer,
            app.clone(),
            http.clone(),
            registration,
            stage_rx.clone(),
            config.keepalive_timeout,
        ));
    }

    drop(listener);
    let _ = stage.send(Stage::Draining);
    let deadline = Instant::now() + config.shutdown_grace;
    while connections.count() > 0 {
        if tokio::time::timeout_at(deadline, connections.changed()).await.is_err() {
            tracing::warn!(
                open = connections.count(),
                "closing connections still busy after the shutdown grace period"
            );
            break;
        }
    }
    let _ = stage.send(Stage::Closing);
    // Let the last connections see it and close their sockets.
    while connections.count() > 0 {
        if tokio::time::timeout(Duration::from_secs(1), connections.changed())
            .await
            .is_err()
        {
            break;
        }
    }
    Ok(())
}

/// The next connection to serve. At the cap, waits for an idle connection
/// (which the new one then replaces) or for one to close; on accept
/// errors (out of descriptors, say) frees an idle connection and backs off.
async fn next_connection(
    listener: &TcpListener,
    connections: &Connections,
    config: &ServerConfig,
    warnings: &mut Warnings,
) -> (TcpStream, SocketAddr) {
    let mut backoff = Duration::from_millis(10);
    loop {
        if connections.count() >= config.max_connections && !connections.has_idle() {
            warnings.at_cap(connections.count(), config.max_connections);
            connections.changed().await;
            continue;
        }
        match listener.accept().await {
            Ok(accepted) => {
                if connections.count() >= config.max_connections {
                    warnings.at_cap(connections.count(), config.max_connections);
                    connections.close_idlest();
                }
                return accepted;
            }
            // The client gave up before we took it: nothing to tell.
            Err(e) if is_client_error(&e) => {}
            Err(e) => {
                warnings.accept_failed(&e, connections.count());
                connections.close_idlest();
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(1));
            }
        }
    }
}

fn is_client_error(e: &std::io::Error) -> bool {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    matches!(e.kind(), ConnectionAborted | ConnectionRefused | ConnectionReset)
}

/// Warnings about capacity, at most one a minute of each kind, so a flood
/// does not flood the log too.
#[derive(Default)]
struct Warnings {
    cap: Occasional,
    accept: Occasional,
}

impl Warnings {
    fn at_cap(&mut self, open: usize, max: usize) {
        if let Some(times) = self.cap.due() {
            tracing::warn!(
                open,
                max,
                times,
                "connection limit reached: closing idle connections to make room, new ones wait while all are busy \
                 (raise --max-connections, and the descriptor limit with it, if this is ordinary traffic)"
            );
        }
    }

    fn accept_failed(&mut self, e: &std::io::Error, open: usize) {
        if let Some(times) = self.accept.due() {
            tracing::error!(
                error = %e,
                open,
                times,
                "cannot accept connections (out of file descriptors?): closing an idle one and retrying \
                 (lower --max-connections or raise the descriptor limit)"
            );
        }
    }
}

/// Counts events and says when one is due to be logged.
#[derive(Default)]
struct Occasional {
    last: Option<std::time::Instant>,
    since: u64,
}

impl Occasional {
    const EVERY: Duration = Duration::from_secs(60);

    /// `Some(events since the last log line)` when a line is due.
    fn due(&mut self) -> Option<u64> {
        self.due_at(std::time::Instant::now())
    }

    fn due_at(&mut self, now: std::time::Instant) -> Option<u64> {
        self.since += 1;
        if self.last.is_some_and(|at| now < at + Self::EVERY) {
            return None;
        }
        self.last = Some(now);
        Some(std::mem::take(&mut self.since))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warnings_come_at_most_once_a_minute() {
        let start = std::time::Instant::now();
        let mut o = Occasional::default();
        assert_eq!(o.due_at(start), Some(1));
        assert_eq!(o.due_at(start + Duration::from_secs(1)), None);
        assert_eq!(o.due_at(start + Duration::from_secs(59)), None);
        assert_eq!(
            o.due_at(start + Occasional::EVERY),
            Some(3),
            "with the count of what was not logged"
        );
    }
}
