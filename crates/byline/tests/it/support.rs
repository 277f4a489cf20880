//! The harness: start a site, run CLI commands against it, make requests.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use reqwest::redirect::Policy;
use reqwest::{Response, StatusCode};
use scraper::{Html, Selector};

const BIN: &str = env!("CARGO_BIN_EXE_byline");

/// A running site with its own data directory. Stops when dropped.
pub struct Site {
    pub dir: tempfile::TempDir,
    pub base: String,
    server: Child,
    /// What the server printed after its first line.
    output: Arc<Mutex<Vec<String>>>,
    http: reqwest::Client,
    next_ip: AtomicU32,
}

/// A finished CLI command.
pub struct Cli {
    pub status: std::process::ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl Cli {
    fn from(out: Output) -> Self {
        Self {
            status: out.status,
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Asserts success and returns stdout.
    #[track_caller]
    pub fn ok(self) -> String {
        assert!(
            self.status.success(),
            "command failed:\nstdout: {}\nstderr: {}",
            self.stdout,
            self.stderr
        );
        self.stdout
    }

    /// Asserts failure and returns stderr.
    #[track_caller]
    pub fn fails(self) -> String {
        assert!(
            !self.status.success(),
            "command should have failed:\nstdout: {}",
            self.stdout
        );
        self.stderr
    }
}

/// Runs `byline --data DIR ARGS…`.
pub fn cli_in(dir: &Path, args: &[&str]) -> Cli {
    let out = Command::new(BIN)
        .arg("--data")
        .arg(dir)
        .args(args)
        .env_remove("BYLINE_DATA")
        .output()
        .expect("run byline");
    Cli::from(out)
}

/// Starts `byline serve` on a random port in `dir` with extra args; returns
/// the child, the base URL and the server's later lines of output.
pub fn spawn_server(dir: &Path, extra: &[&str]) -> (Child, String, Arc<Mutex<Vec<String>>>) {
    let server = launch_server(dir, extra, false);
    (server.child, server.base, server.output)
}

impl Site {
    /// An empty site (no sample content) with the flood check off, since
    /// tests post many comments quickly.
    pub async fn start() -> Self {
        let site = Self::start_with(&["--no-sample"]).await;
        site.cli(&["settings", "set", "comment_flood_seconds", "0"]).ok();
        site
    }

    /// A site started with the given `serve` arguments, behind a proxy on
    /// loopback (the tests), so `x-forwarded-for` stands for many visitors.
    pub async fn start_with(extra: &[&str]) -> Self {
        Self::start_direct(&[&["--trusted-proxy", "127.0.0.1/32"], extra].concat()).await
    }

    /// A site started with exactly the given `serve` arguments.
    pub async fn start_direct(args: &[&str]) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let (server, base, output) = spawn_server(dir.path(), args);
        let http = reqwest::Client::builder()
            .redirect(Policy::none())
            .build()
            .expect("client");
        Self {
            dir,
            base,
            server,
            output,
            http,
            next_ip: AtomicU32::new(1),
        }
    }

    pub fn data(&self) -> &Path {
        self.dir.path()
    }

    pub fn cli(&self, args: &[&str]) -> Cli {
        cli_in(self.data(), args)
    }

    /// Runs a CLI command with `input` on its standard input.
    pub fn cli_with_input(&self, args: &[&str], input: &str) -> Cli {
        use std::io::Write;
        let mut child = Command::new(BIN)
            .arg("--data")
            .arg(self.data())
            .args(args)
            .env_remove("BYLINE_DATA")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run byline");
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
        Cli::from(child.wait_with_output().expect("wait for byline"))
    }

    /// The setup link the server printed, if it printed one (waits briefly).
    pub fn setup_link(&self) -> Option<String> {
        for _ in 0..100 {
            let found = self.output.lock().unwrap().iter().find_map(|line| {
                line.split_whitespace()
                    .find(|w| w.contains("/admin/setup?token="))
                    .map(str::to_owned)
            });
            if found.is_some() {
                return found;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        None
    }

    /// The HTTP client (no redirects followed, no cookies kept).
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// GET without cookies, as a first-time visitor.
    pub async fn get(&self, path: &str) -> Response {
        self.http.get(self.url(path)).send().await.expect("GET")
    }

    /// GET with a Cookie header.
    pub async fn get_with_cookies(&self, path: &str, cookies: &str) -> Response {
        self.http
            .get(self.url(path))
            .header("cookie", cookies)
            .send()
            .await
            .expect("GET")
    }

    /// GET with extra request headers.
    pub async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> Response {
        let mut request = self.http.get(self.url(path));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.send().await.expect("GET")
    }

    /// GET expecting 200; returns the body.
    pub async fn page(&self, path: &str) -> String {
        let res = self.get(path).await;
        assert_eq!(res.status(), StatusCode::OK, "GET {path}");
        res.text().await.expect("body")
    }

    /// POSTs the comment form from a fresh client address.
    pub async fn post_comment(&self, fields: &[(&str, &str)]) -> Response {
        self.post_comment_as(fields, &self.fresh_ip(), None).await
    }

    /// POSTs the comment form from `ip`, with optional cookies.
    pub async fn post_comment_as(&self, fields: &[(&str, &str)], ip: &str, cookies: Option<&str>) -> Response {
        let mut req = self
            .http
            .post(self.url("/wp-comments-post.php"))
            .header("x-forwarded-for", ip)
            .form(fields);
        if let Some(c) = cookies {
            req = req.header("cookie", c);
        }
        req.send().await.expect("POST comment")
    }

    pub fn fresh_ip(&self) -> String {
        let n = self.next_ip.fetch_add(1, Ordering::Relaxed);
        format!("198.51.{}.{}", n / 250, n % 250 + 1)
    }

    /// Adds an author `login` with a tagline and bio.
    pub fn add_author(&self, login: &str, name: &str) {
        self.cli(&[
            "author",
            "add",
            "--login",
            login,
            "--name",
            name,
            "--tagline",
            "journalist and political commentator",
            "--bio",
            &format!("{name} is a two-time award-winning journalist"),
        ])
        .ok();
    }

    /// Writes a Markdown file with front matter and runs `post new`; returns the id.
    pub fn new_post(&self, front_matter: &str, body: &str) -> i64 {
        let file = self.write_file(&format!("---\n{front_matter}\n---\n\n{body}\n"));
        let out = self.cli(&["post", "new", file.to_str().unwrap()]).ok();
        created_id(&out)
    }

    /// Publishes a simple article and returns (id, path).
    pub fn publish(&self, author: &str, title: &str, date: &str) -> (i64, String) {
        let id = self.new_post(
            &format!("title: \"{title}\"\nauthor: {author}\ndate: {date}\nstatus: published"),
            &format!("The text of {title}."),
        );
        (id, self.path_of(id))
    }

    /// The public path of article `id`, from `post list --json`.
    pub fn path_of(&self, id: i64) -> String {
        let list: serde_json::Value = serde_json::from_str(&self.cli(&["post", "list", "--json"]).ok()).unwrap();
        list.as_array()
            .unwrap()
            .iter()
            .find(|a| a["id"] == id)
            .and_then(|a| a["path"].as_str())
            .unwrap_or_else(|| panic!("article {id} not listed"))
            .to_owned()
    }

    pub fn write_file(&self, content: &str) -> PathBuf {
        static N: AtomicU32 = AtomicU32::new(0);
        let path = self
            .data()
            .join(format!("article-{}.md", N.fetch_add(1, Ordering::Relaxed)));
        std::fs::write(&path, content).expect("write file");
        path
    }

    /// Comment ids by status, from `comment list --json`.
    pub fn comments_json(&self, status: Option<&str>) -> Vec<serde_json::Value> {
        let mut args = vec!["comment", "list", "--json", "--limit", "100000"];
        if let Some(s) = status {
            args.extend(["--status", s]);
        }
        serde_json::from_str::<serde_json::Value>(&self.cli(&args).ok())
            .unwrap()
            .as_array()
            .unwrap()
            .clone()
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        let _ = self.server.kill();
        let _ = self.server.wait();
    }
}

/// The id in "Created article 3 (…)".
pub fn created_id(out: &str) -> i64 {
    out.split_whitespace()
        .skip_while(|w| *w != "article")
        .nth(1)
        .and_then(|w| w.parse().ok())
        .unwrap_or_else(|| panic!("no article id in {out:?}"))
}

/// The `Location` header.
pub fn location(res: &Response) -> String {
    res.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// The response's Set-Cookie headers, whole (with their attributes).
pub fn set_cookies(res: &Response) -> Vec<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(str::to_owned)
        .collect()
}

/// `name=value` pairs of the response's Set-Cookie headers, joined for a Cookie header.
pub fn cookies(res: &Response) -> String {
    set_cookies(res)
        .iter()
        .filter_map(|v| v.split(';').next())
        .collect::<Vec<_>>()
        .join("; ")
}

/// The comment id in a `…#comment-ID` location.
pub fn comment_id(location: &str) -> i64 {
    location
        .rsplit_once("#comment-")
        .and_then(|(_, id)| id.parse().ok())
        .unwrap_or_else(|| panic!("no comment anchor in {location:?}"))
}

/// The path part of a location (without the anchor).
pub fn path_part(location: &str) -> &str {
    location.split('#').next().unwrap_or(location)
}

/// Texts of the elements matching `css`.
pub fn texts(html: &str, css: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    let sel = Selector::parse(css).expect("selector");
    doc.select(&sel)
        .map(|e| {
            e.text()
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

/// Attribute `attr` of the elements matching `css`.
pub fn attrs(html: &str, css: &str, attr: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    let sel = Selector::parse(css).expect("selector");
    doc.select(&sel)
        .filter_map(|e| e.value().attr(attr).map(str::to_owned))
        .collect()
}

/// A valid comment form for `article`.
pub fn form<'a>(article: &'a str, comment: &'a str, name: &'a str, email: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("comment_post_ID", article),
        ("comment", comment),
        ("author", name),
        ("email", email),
        ("url", ""),
        ("comment_parent", "0"),
    ]
}

/// A `byline serve` started by [`launch_server`].
pub struct Server {
    pub child: Child,
    pub base: String,
    /// What it printed after its first line.
    pub output: Arc<Mutex<Vec<String>>>,
    /// Its log (standard error), when kept.
    pub log: Arc<Mutex<Vec<String>>>,
}

impl Server {
    /// Whether a log line contains `text` (waits up to five seconds).
    pub fn logged(&self, text: &str) -> bool {
        for _ in 0..250 {
            if self.log.lock().unwrap().iter().any(|l| l.contains(text)) {
                return true;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        false
    }
}

/// Starts `byline serve` on a random port in `dir` with extra args, keeping
/// its log when `keep_log` (else it goes to the test's standard error).
pub fn launch_server(dir: &Path, extra: &[&str], keep_log: bool) -> Server {
    let mut command = Command::new(BIN);
    command.args(serve_args(dir, extra));
    launch(command, keep_log)
}

/// The arguments of `byline serve` on a random loopback port in `dir`.
pub fn serve_args(dir: &Path, extra: &[&str]) -> Vec<std::ffi::OsString> {
    let mut args: Vec<std::ffi::OsString> = vec!["--data".into(), dir.into()];
    args.extend(["serve", "--listen", "127.0.0.1:0"].map(Into::into));
    args.extend(extra.iter().map(Into::into));
    args
}

/// The path of the `byline` binary under test.
pub fn bin() -> &'static str {
    BIN
}

/// Starts `command` (a `byline serve`, perhaps through a wrapper) and reads
/// the address it prints.
pub fn launch(mut command: Command, keep_log: bool) -> Server {
    let mut child = command
        .env("BYLINE_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(if keep_log { Stdio::piped() } else { Stdio::inherit() })
        .spawn()
        .expect("start byline serve");
    let log = match child.stderr.take() {
        Some(stderr) => keep_lines(BufReader::new(stderr)),
        None => Arc::default(),
    };
    let mut reader = BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = String::new();
    reader.read_line(&mut line).expect("read the listening line");
    let base = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .trim_end_matches('/')
        .to_owned();
    Server {
        child,
        base,
        output: keep_lines(reader),
        log,
    }
}

/// Collects the lines `reader` yields, on a thread of its own.
fn keep_lines(reader: impl BufRead + Send + 'static) -> Arc<Mutex<Vec<String>>> {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let sink = lines.clone();
    std::thread::spawn(move || {
        for line in reader.lines().map_while(Result::ok) {
            sink.lock().unwrap().push(line);
        }
    });
    lines
}

/// A server of its own (with the sample article), its log kept; killed
/// when dropped.
pub struct Running {
    pub dir: tempfile::TempDir,
    pub server: Server,
}

impl Running {
    /// `byline serve` with `extra` arguments in a new data directory.
    pub fn start(extra: &[&str]) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let server = launch_server(dir.path(), extra, true);
        Self { dir, server }
    }

    /// The sample article's path.
    pub fn article(&self) -> String {
        let out = cli_in(self.dir.path(), &["post", "list", "--json"]).ok();
        let list: serde_json::Value = serde_json::from_str(&out).unwrap();
        list[0]["path"].as_str().expect("the sample article").to_owned()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.server.child.kill();
        let _ = self.server.child.wait();
    }
}

impl Site {
    /// Imports a published post "Protected" by `jane` (made if missing) whose
    /// text needs `password`; returns its path.
    pub fn protected_article(&self, password: &str) -> String {
        let wxr = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Old site</title><link>http://old.example</link><wp:wxr_version>1.2</wp:wxr_version>
<wp:author><wp:author_id>1</wp:author_id><wp:author_login><![CDATA[jane]]></wp:author_login><wp:author_email><![CDATA[jane@old.example]]></wp:author_email><wp:author_display_name><![CDATA[Jane]]></wp:author_display_name></wp:author>
<item><title>Protected</title><dc:creator><![CDATA[jane]]></dc:creator><content:encoded><![CDATA[<p>The hidden ledger text.</p>]]></content:encoded><wp:post_id>7</wp:post_id><wp:post_date>2024-01-26 10:00:00</wp:post_date><wp:post_date_gmt>2024-01-26 10:00:00</wp:post_date_gmt><wp:comment_status>open</wp:comment_status><wp:post_name>protected</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type><wp:post_password><![CDATA[{password}]]></wp:post_password></item>
</channel></rss>"#
        );
        let file = self.data().join("protected.xml");
        std::fs::write(&file, wxr).expect("write the export");
        self.cli(&["import", "wordpress", file.to_str().unwrap()]).ok();
        let list: serde_json::Value = serde_json::from_str(&self.cli(&["post", "list", "--json"]).ok()).unwrap();
        list.as_array()
            .unwrap()
            .iter()
            .find(|a| a["title"] == "Protected")
            .and_then(|a| a["path"].as_str())
            .expect("the protected post is listed")
            .to_owned()
    }

    /// POSTs the article password form from `ip`, with extra headers.
    pub async fn post_password(&self, fields: &[(&str, &str)], ip: &str, headers: &[(&str, &str)]) -> Response {
        let mut req = self
            .http
            .post(self.url("/wp-login.php?action=postpass"))
            .header("x-forwarded-for", ip)
            .form(fields);
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        req.send().await.expect("POST the password form")
    }
}

/// Runs `byline --data DIR ARGS…` (with `stdin` on its standard input when
/// given) and measures its peak resident memory, in MiB, with GNU time when
/// the machine has `/usr/bin/time` (`None` otherwise).
pub fn cli_peak_memory(dir: &Path, args: &[&str], stdin: Option<Stdio>) -> (Cli, Option<f64>) {
    let time = Path::new("/usr/bin/time");
    let report = tempfile::NamedTempFile::new().expect("temp file");
    let mut command = if time.exists() {
        let mut c = Command::new(time);
        c.arg("-v").arg("-o").arg(report.path()).arg(BIN);
        c
    } else {
        Command::new(BIN)
    };
    command
        .arg("--data")
        .arg(dir)
        .args(args)
        .env_remove("BYLINE_DATA")
        .stdin(stdin.unwrap_or_else(Stdio::null));
    let cli = Cli::from(command.output().expect("run byline"));
    let peak = std::fs::read_to_string(report.path()).ok().and_then(|r| {
        r.lines()
            .find_map(|l| l.trim().strip_prefix("Maximum resident set size (kbytes):"))
            .and_then(|kib| kib.trim().parse::<f64>().ok())
            .map(|kib| kib / 1024.0)
    });
    (cli, peak)
}
