//! One connection: hyper's HTTP/1 handling (which bounds the time a request
//! head may take), our bound on idle time, and closing at shutdown.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::ConnectInfo;
use hyper::body::{Frame, Incoming, SizeHint};
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tokio::sync::watch;
use tower::ServiceExt;

use super::Stage;
use super::connections::{Busy, Registration};

/// Serves `stream` until the client leaves, it has been idle for
/// `keepalive`, it is told to close (to make room), or shutdown closes it:
/// at once when idle, after the response when busy, and when the grace
/// period ends in any case.
pub(super) async fn serve(
    stream: TcpStream,
    peer: SocketAddr,
    app: Router,
    http: Arc<http1::Builder>,
    registration: Registration,
    mut stage: watch::Receiver<Stage>,
    keepalive: Duration,
) {
    let mut phase = registration.watch();
    let service = Requests {
        app,
        peer,
        registration: Arc::new(registration),
    };
    let conn = http.serve_connection(TokioIo::new(stream), service);
    tokio::pin!(conn);
    // Busy when shutdown began: hyper closes it once the response is out
    // (dropping it as soon as the body is written could cut off the part
    // still waiting for a slow reader).
    let mut finishing = false;
    loop {
        let now = *phase.borrow_and_update();
        let stage_now = *stage.borrow_and_update();
        let idle_at_shutdown = stage_now == Stage::Draining && now.in_flight == 0 && !finishing;
        if now.close || stage_now == Stage::Closing || idle_at_shutdown {
            // Dropping the connection closes it.
            return;
        }
        if stage_now == Stage::Draining && !finishing {
            conn.as_mut().graceful_shutdown();
            finishing = true;
        }
        let idle_until = if now.in_flight == 0 {
            now.idle_since + keepalive
        } else {
            tokio::time::Instant::now() + Duration::from_secs(24 * 60 * 60)
        };
        tokio::select! {
            result = conn.as_mut() => {
                if let Err(e) = result {
                    tracing::debug!(error = %e, "connection ended");
                }
                return;
            }
            changed = phase.changed() => if changed.is_err() { return },
            changed = stage.changed() => if changed.is_err() { return },
            () = tokio::time::sleep_until(idle_until) => {
                if phase.borrow().in_flight == 0 {
                    return;
                }
            }
        }
    }
}

/// The site, as hyper calls it for each request on one connection.
struct Requests {
    app: Router,
    peer: SocketAddr,
    registration: Arc<Registration>,
}

impl hyper::service::Service<hyper::Request<Incoming>> for Requests {
    type Response = hyper::Response<Answer>;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Infallible>> + Send>>;

    fn call(&self, mut request: hyper::Request<Incoming>) -> Self::Future {
        let busy = self.registration.busy();
        request.extensions_mut().insert(ConnectInfo(self.peer));
        let app = self.app.clone();
        Box::pin(async move {
            let response = app.oneshot(request.map(Body::new)).await?;
            Ok(response.map(|body| Answer { body, _busy: busy }))
        })
    }
}

/// A response body that keeps its connection marked busy until hyper has
/// written it (or given up on it) and drops it.
struct Answer {
    body: Body,
    _busy: Busy,
}

impl hyper::body::Body for Answer {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.get_mut().body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}
