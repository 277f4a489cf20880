//! Connections under stalled and greedy clients (issue 10, finding 3):
//! timeouts, the connection cap and shutdown, driven over raw TCP against
//! the real server.

use std::process::Command;
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::support::{Running, bin, launch, serve_args};

impl Running {
    fn addr(&self) -> String {
        self.server.base.trim_start_matches("http://").to_owned()
    }

    async fn connect(&self) -> TcpStream {
        TcpStream::connect(self.addr()).await.expect("connect")
    }

    /// A first-time visitor's GET, with a timeout far above any expected wait.
    async fn visit(&self, path: &str) -> reqwest::Response {
        reqwest::Client::builder()
            .timeout(Duration::from_secs(20))
            .build()
            .unwrap()
            .get(format!("{}{path}", self.server.base))
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {path}: {e}"))
    }

    /// Sends SIGTERM.
    fn terminate(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.server.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success());
    }

    /// Waits up to `limit` for the server to exit; how long it took.
    fn exits_within(&mut self, limit: Duration) -> Duration {
        let started = Instant::now();
        while started.elapsed() < limit {
            if let Some(status) = self.server.child.try_wait().unwrap() {
                assert!(status.success(), "the server exited with {status}");
                return started.elapsed();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("the server was still running {limit:?} after SIGTERM");
    }
}

/// Sends a GET on a kept-alive connection and reads its whole response.
async fn get(stream: &mut TcpStream, path: &str) -> String {
    stream
        .write_all(format!("GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n").as_bytes())
        .await
        .unwrap();
    read_response(stream).await
}

/// Reads one response (head and a Content-Length body).
async fn read_response(stream: &mut TcpStream) -> String {
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    let deadline = Duration::from_secs(20);
    loop {
        if let Some(end) = find(&data, b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&data[..end]).to_lowercase();
            let length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .map_or(0, |v| v.trim().parse().unwrap());
            if data.len() >= end + 4 + length {
                return String::from_utf8_lossy(&data).into_owned();
            }
        }
        let n = tokio::time::timeout(deadline, stream.read(&mut buf))
            .await
            .expect("a response in time")
            .expect("read");
        assert!(n > 0, "closed mid-response: {:?}", String::from_utf8_lossy(&data));
        data.extend_from_slice(&buf[..n]);
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Whether the server closes `stream` within `limit` (anything it sends
/// first is skipped).
async fn closed_within(stream: &mut TcpStream, limit: Duration) -> bool {
    let mut buf = [0u8; 1024];
    let result = tokio::time::timeout(limit, async {
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    })
    .await;
    result.is_ok()
}

/// How many of `streams` the server has closed, looking for at most `wait`.
async fn count_closed(streams: Vec<TcpStream>, wait: Duration) -> usize {
    let mut checks = tokio::task::JoinSet::new();
    for mut s in streams {
        checks.spawn(async move { closed_within(&mut s, wait).await });
    }
    checks.join_all().await.into_iter().filter(|c| *c).count()
}

/// A half-sent request head stayed open over 200 s; sending it a byte at a
/// time did not help either. The server closes it once `--header-timeout`
/// has passed.
#[tokio::test]
async fn a_half_sent_request_head_is_closed_after_the_header_timeout() {
    let site = Running::start(&["--header-timeout", "1", "--keepalive-timeout", "60"]);
    let mut stalled = site.connect().await;
    stalled.write_all(b"GET / HTTP/1.1\r\nHost: local").await.unwrap();
    let started = Instant::now();
    assert!(
        closed_within(&mut stalled, Duration::from_secs(15)).await,
        "a stalled head is still open after 15 s"
    );
    assert!(
        started.elapsed() >= Duration::from_millis(500),
        "closed before its time"
    );

    // A head trickled a byte at a time gets no longer.
    let mut trickle = site.connect().await;
    let started = Instant::now();
    let head = b"GET / HTTP/1.1\r\nX-Padding: ".iter().chain([b'a'; 200].iter());
    for byte in head {
        if trickle.write_all(&[*byte]).await.is_err() || started.elapsed() > Duration::from_secs(15) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        closed_within(&mut trickle, Duration::from_secs(15)).await,
        "a trickled head is still open"
    );
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "a trickled head kept its connection for {:?}",
        started.elapsed()
    );
}

/// 7,000 idle connections all stayed open. A connection with no request in
/// flight (after a response, or never having sent one) is closed after
/// `--keepalive-timeout`, even with a longer header timeout.
#[tokio::test]
async fn idle_connections_are_closed_after_the_keepalive_timeout() {
    let site = Running::start(&["--keepalive-timeout", "1", "--header-timeout", "60"]);
    let mut kept = site.connect().await;
    let response = get(&mut kept, "/healthz").await;
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(!response.to_lowercase().contains("connection: close"), "{response}");
    let idle_from = Instant::now();
    let mut silent = site.connect().await;
    assert!(
        closed_within(&mut kept, Duration::from_secs(15)).await,
        "an idle kept-alive connection is still open after 15 s"
    );
    assert!(
        idle_from.elapsed() >= Duration::from_millis(500),
        "closed before its time"
    );
    assert!(
        closed_within(&mut silent, Duration::from_secs(15)).await,
        "a connection that never sent a request is still open after 15 s"
    );
}

/// One client holding more connections than the server could keep made
/// every new visitor time out, with nothing logged. With `--max-connections`
/// held by idle and half-sent connections, a new visitor still gets the
/// article (the longest-idle connection makes room), and the log says the
/// cap was reached.
#[tokio::test]
async fn a_new_visitor_is_served_when_idle_and_stalled_connections_fill_the_cap() {
    let site = Running::start(&[
        "--max-connections",
        "8",
        "--header-timeout",
        "60",
        "--keepalive-timeout",
        "60",
    ]);
    let article = site.article();
    let mut held = Vec::new();
    for n in 0..8 {
        let mut stream = site.connect().await;
        // Answered, so the server holds it; then half of them stall.
        assert!(get(&mut stream, "/healthz").await.starts_with("HTTP/1.1 200"));
        if n % 2 == 1 {
            stream.write_all(b"GET / HTTP/1.1\r\nHost: loc").await.unwrap();
        }
        held.push(stream);
    }
    let res = site.visit(&article).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().contains("Leave a Reply"));
    assert!(site.server.logged("connection limit reached"), "{:?}", site.server.log);
    assert!(
        count_closed(held, Duration::from_secs(3)).await >= 1,
        "an idle connection made room"
    );
}

/// At the common limit of 1,024 descriptors, one client holding about 1,100
/// connections made every new visitor time out. Under a low open-file limit
/// the server keeps its cap below it (and says so), so a client holding more
/// connections than descriptors cannot lock visitors out.
#[cfg(unix)]
#[tokio::test]
async fn a_client_holding_more_connections_than_descriptors_does_not_lock_visitors_out() {
    let dir = tempfile::tempdir().expect("temp dir");
    // `ulimit -n` sets the hard limit too, so the server cannot raise it.
    let mut command = Command::new("sh");
    command
        .args(["-c", "ulimit -n 100 && exec \"$0\" \"$@\"", bin()])
        .args(serve_args(
            dir.path(),
            &["--header-timeout", "60", "--keepalive-timeout", "60"],
        ));
    let mut site = Running {
        server: launch(command, true),
        dir,
    };
    assert!(
        site.server.logged("lowered to fit the open-file limit"),
        "{:?}",
        site.server.log
    );
    let article = site.article();
    let mut held = Vec::new();
    for _ in 0..110 {
        held.push(site.connect().await);
    }
    let res = site.visit(&article).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(site.server.logged("connection limit reached"), "{:?}", site.server.log);
    assert!(
        site.server.child.try_wait().unwrap().is_none(),
        "the server is still running"
    );
    drop(held);
}

/// One half-sent request kept SIGTERM from finishing for over 90 s. On
/// SIGTERM idle and stalled connections are closed at once, a request in
/// flight still gets its answer, and the server exits when it is sent, long
/// before the grace period.
#[tokio::test]
async fn sigterm_closes_idle_and_stalled_connections_and_lets_requests_finish() {
    let mut site = Running::start(&[
        "--shutdown-grace",
        "60",
        "--header-timeout",
        "60",
        "--keepalive-timeout",
        "60",
    ]);
    let mut idle = site.connect().await;
    assert!(get(&mut idle, "/healthz").await.starts_with("HTTP/1.1 200"));
    let mut stalled = site.connect().await;
    stalled.write_all(b"GET / HTTP/1.1\r\nHost: loc").await.unwrap();
    let (mut posting, rest) = start_post(&site).await;

    site.terminate();
    let started = Instant::now();
    assert!(
        closed_within(&mut idle, Duration::from_secs(20)).await,
        "idle connection left open"
    );
    assert!(
        closed_within(&mut stalled, Duration::from_secs(20)).await,
        "stalled connection left open"
    );
    assert!(started.elapsed() < Duration::from_secs(20));

    posting.write_all(rest.as_bytes()).await.unwrap();
    let response = read_response(&mut posting).await;
    assert!(response.starts_with("HTTP/1.1 "), "{response}");
    assert!(response.to_lowercase().contains("connection: close"), "{response}");
    let took = site.exits_within(Duration::from_secs(20));
    assert!(took < Duration::from_secs(20), "exited after {took:?}");
}

/// The same report, when the client never finishes: the server closes
/// everything once `--shutdown-grace` has passed, not before.
#[tokio::test]
async fn sigterm_exits_within_the_grace_period_whatever_the_clients_do() {
    let mut site = Running::start(&[
        "--shutdown-grace",
        "2",
        "--header-timeout",
        "60",
        "--keepalive-timeout",
        "60",
    ]);
    let mut stalled = site.connect().await;
    stalled.write_all(b"GET / HTTP/1.1\r\nHost: loc").await.unwrap();
    let (mut posting, _) = start_post(&site).await;

    site.terminate();
    let took = site.exits_within(Duration::from_secs(2 + 15));
    assert!(
        took >= Duration::from_millis(1500),
        "the request in flight had its grace period: {took:?}"
    );
    assert!(closed_within(&mut posting, Duration::from_secs(5)).await);
}

/// Starts a comment POST whose handler is reading the body (the server said
/// `100 Continue`); returns the connection and the rest of the body.
async fn start_post(site: &Running) -> (TcpStream, String) {
    let body = "comment_post_ID=1&comment=Still+here&author=Ann&email=ann%40example.com";
    let (first, rest) = body.split_at(20);
    let mut stream = site.connect().await;
    stream
        .write_all(
            format!(
                "POST /wp-comments-post.php HTTP/1.1\r\nHost: localhost\r\n\
                 Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\
                 Expect: 100-continue\r\n\r\n{first}",
                body.len()
            )
            .as_bytes(),
        )
        .await
        .unwrap();
    let mut head = Vec::new();
    let mut buf = [0u8; 256];
    while find(&head, b"\r\n\r\n").is_none() {
        let n = tokio::time::timeout(Duration::from_secs(20), stream.read(&mut buf))
            .await
            .expect("100 Continue in time")
            .unwrap();
        assert!(n > 0, "closed before 100 Continue");
        head.extend_from_slice(&buf[..n]);
    }
    assert!(
        head.starts_with(b"HTTP/1.1 100"),
        "{:?}",
        String::from_utf8_lossy(&head)
    );
    (stream, rest.to_owned())
}
