//! `byline dev`: tools for benchmarks and development. `seed` fills a site
//! with generated articles and comments; `bench-search` measures search.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Context;
use byline_core::author::{AuthorProfile, Login};
use byline_core::moderation::ModerationMode;
use byline_core::submission::{CommentPolicy, decide};
use byline_core::{ArticleKind, ArticleStatus, CommentsOpen, NewArticle};
use byline_store::{NewComment, Store};
use chrono::{Duration as Span, Utc};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::open_store;

/// Dev subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Add generated articles (and approved, threaded comments) to a site.
    Seed {
        /// Articles to add.
        #[arg(long, default_value_t = 100)]
        articles: u32,
        /// Approved comments to add, spread over the newest articles.
        #[arg(long, default_value_t = 0)]
        comments: u32,
        /// Words per article body.
        #[arg(long, default_value_t = 300)]
        words: u32,
    },
    /// Measure search latency on the site (seed it first) against a plain
    /// page measured in the same run.
    BenchSearch {
        /// Searches to time.
        #[arg(long, default_value_t = 500)]
        queries: u32,
    },
    /// Write a generated WordPress export (for the import benchmark).
    GenWxr {
        /// Posts.
        #[arg(long, default_value_t = 2000)]
        posts: u32,
        /// Comments, spread over the posts, a third of them replies.
        #[arg(long, default_value_t = 50_000)]
        comments: u32,
        /// Where to write.
        #[arg(short, long)]
        output: std::path::PathBuf,
    },
    /// Read a WordPress export with a plain streaming XML parse and nothing
    /// else: the reference the import is measured against.
    ParseWxr {
        /// The export.
        file: std::path::PathBuf,
    },
}

pub async fn run(data: &Path, cmd: Command) -> anyhow::Result<()> {
    match cmd {
        Command::Seed {
            articles,
            comments,
            words,
        } => seed(open_store(data).await?.as_ref(), articles, comments, words).await,
        Command::BenchSearch { queries } => bench_search(data, open_store(data).await?.as_ref(), queries).await,
        Command::GenWxr {
            posts,
            comments,
            output,
        } => gen_wxr(posts, comments, &output),
        Command::ParseWxr { file } => parse_wxr(&file),
    }
}

const WORDS: &[&str] = &[
    "council",
    "budget",
    "harbour",
    "dredging",
    "contract",
    "transit",
    "housing",
    "police",
    "overtime",
    "schools",
    "election",
    "mayor",
    "zoning",
    "broadband",
    "subsidy",
    "abatement",
    "audit",
    "records",
    "pension",
    "water",
    "bridge",
    "tram",
    "ferry",
    "union",
    "strike",
    "hospital",
    "clinic",
    "rent",
    "tenants",
    "landlord",
    "court",
    "ruling",
    "appeal",
    "tax",
    "levy",
    "bond",
    "deficit",
    "surplus",
    "minister",
    "committee",
    "hearing",
    "vote",
    "climate",
    "flood",
    "drought",
    "energy",
    "solar",
    "grid",
    "data",
    "center",
    "port",
    "airport",
    "road",
    "cyclists",
    "parking",
    "library",
    "museum",
    "festival",
    "police",
    "watchdog",
    "inquiry",
    "leak",
    "memo",
];

/// A small deterministic generator (xorshift), so seeded sites are the same every run.
struct Words(u64);

impl Words {
    fn next(&mut self) -> &'static str {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        WORDS[(self.0 % WORDS.len() as u64) as usize]
    }

    fn sentence(&mut self, n: u32) -> String {
        let words: Vec<&str> = (0..n).map(|_| self.next()).collect();
        let joined = words.join(" ");
        format!("{}{}.", joined[..1].to_uppercase(), &joined[1..])
    }
}

async fn seed(store: &dyn Store, articles: u32, comments: u32, words: u32) -> anyhow::Result<()> {
    let author = match store.author_by_login("seed").await? {
        Some(a) => a,
        None => {
            let profile = AuthorProfile {
                display_name: "Seed Writer".into(),
                tagline: "generated for benchmarks".into(),
                bio: "Seed Writer writes generated articles.".into(),
                website: None,
            };
            store.create_author(&Login::parse("seed")?, None, &profile).await?
        }
    };
    let mut text = Words(0x9e37_79b9_7f4a_7c15);
    let now = Utc::now();
    let started = Instant::now();
    let mut ids = Vec::new();
    for n in 0..articles {
        let paragraphs: Vec<String> = (0..words.div_ceil(60)).map(|_| text.sentence(60)).collect();
        let article = NewArticle {
            kind: ArticleKind::Post,
            author_id: author.id,
            title: format!("{} {}", text.sentence(6).trim_end_matches('.'), n + 1),
            slug: None,
            body: paragraphs.join("\n\n"),
            excerpt: None,
            status: ArticleStatus::Published,
            comments: CommentsOpen::Open,
            published_at: Some(now - Span::minutes(i64::from(articles - n))),
            categories: vec![text.next().to_owned()],
            tags: vec![text.next().to_owned(), text.next().to_owned()],
            ..Default::default()
        };
        ids.push(store.create_article(&article, now).await?.id);
    }
    let policy = CommentPolicy {
        moderation: ModerationMode::None,
        max_depth: 5,
        flood_seconds: 0,
        screen: byline_core::moderation::Screen::Clean,
    };
    let mut posted: Vec<(i64, byline_core::CommentId)> = Vec::new();
    for n in 0..comments {
        let article_id = *ids.last().context("seed comments need at least one article")?;
        // Every third comment replies to one of the fifty before it, as
        // conversations do: threads of a few replies each, however long the
        // discussion.
        let parent = (n % 3 == 2)
            .then(|| posted[posted.len() - 1 - (n as usize * 7) % posted.len().min(50)])
            .filter(|(a, _)| *a == article_id);
        let comment = NewComment {
            commenter: None,
            article_id,
            parent_id: parent.map(|(_, id)| id),
            author_name: format!("Reader {n}"),
            author_email: format!("reader{n}@seed.invalid"),
            author_url: None,
            author_ip: format!("seed-{n}"),
            user_agent: "byline dev seed".into(),
            body: text.sentence(25),
            created_at: now + Span::milliseconds(i64::from(n)),
        };
        let parent_id = comment.parent_id;
        match store
            .submit_comment(&comment, &move |f| decide(f, &policy, parent_id))
            .await
        {
            Ok(s) => posted.push((article_id, s.comment.id)),
            Err(byline_store::SubmitError::Rejected(_)) => {}
            Err(e) => return Err(e.into()),
        }
    }
    println!(
        "Seeded {articles} article(s) and {} comment(s) in {:.1} s.",
        posted.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Percentile of sorted durations, in milliseconds.
fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx].as_secs_f64() * 1000.0
}

async fn bench_search(data: &Path, store: &dyn Store, queries: u32) -> anyhow::Result<()> {
    let total = store.article_stamps(ArticleKind::Post, Utc::now(), 1, 1).await?.total;
    anyhow::ensure!(
        total > 0,
        "the site has no articles; run `byline dev seed --articles 10000` first"
    );
    let mut text = Words(42);
    let queries: Vec<String> = (0..queries)
        .map(|i| {
            if i % 2 == 0 {
                text.next().to_owned()
            } else {
                format!("{} {}", text.next(), text.next())
            }
        })
        .collect();

    // The search engine itself, through the store.
    let mut engine = Vec::with_capacity(queries.len());
    let mut reference = Vec::with_capacity(queries.len());
    for (i, q) in queries.iter().enumerate() {
        let terms = byline_core::search::terms(q);
        let t = Instant::now();
        store.search(&terms, Utc::now(), 1, 10).await?;
        engine.push(t.elapsed());
        let t = Instant::now();
        store.article(1 + (i as i64 % total as i64)).await?;
        reference.push(t.elapsed());
    }

    // Whole pages over HTTP: /search?q=… against the home page.
    let addr = start_server(data).await?;
    let mut pages = Vec::with_capacity(queries.len());
    let mut home = Vec::with_capacity(queries.len());
    for q in &queries {
        let t = Instant::now();
        http_get(addr, &format!("/search?q={}", q.replace(' ', "+"))).await?;
        pages.push(t.elapsed());
        let t = Instant::now();
        http_get(addr, "/").await?;
        home.push(t.elapsed());
    }
    for v in [&mut engine, &mut reference, &mut pages, &mut home] {
        v.sort();
    }
    println!("search benchmark: {total} articles, {} queries", queries.len());
    println!(
        "  store search        p50 {:7.2} ms  p99 {:7.2} ms",
        percentile(&engine, 0.5),
        percentile(&engine, 0.99)
    );
    println!(
        "  store article by id p50 {:7.2} ms  p99 {:7.2} ms  (reference)",
        percentile(&reference, 0.5),
        percentile(&reference, 0.99)
    );
    println!(
        "  GET /search         p50 {:7.2} ms  p99 {:7.2} ms",
        percentile(&pages, 0.5),
        percentile(&pages, 0.99)
    );
    println!(
        "  GET / (home page)   p50 {:7.2} ms  p99 {:7.2} ms  (reference)",
        percentile(&home, 0.5),
        percentile(&home, 0.99)
    );
    println!(
        "  ratios: search page / home page p99 = {:.2}; store search / lookup by id p99 = {:.1}",
        percentile(&pages, 0.99) / percentile(&home, 0.99),
        percentile(&engine, 0.99) / percentile(&reference, 0.99)
    );
    Ok(())
}

/// Starts the site in this process on a free loopback port.
async fn start_server(data: &Path) -> anyhow::Result<std::net::SocketAddr> {
    let store = open_store(data).await?;
    let state = byline_web::AppState::open(store, Default::default()).await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(byline_web::serve(
        listener,
        state,
        Default::default(),
        std::future::pending(),
    ));
    Ok(addr)
}

/// A plain HTTP/1.1 GET, reading the whole response; fails on a non-200.
async fn http_get(addr: std::net::SocketAddr, path: &str) -> anyhow::Result<()> {
    let mut stream = tokio::net::TcpStream::connect(addr).await?;
    stream
        .write_all(format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").as_bytes())
        .await?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await?;
    anyhow::ensure!(response.starts_with(b"HTTP/1.1 200"), "GET {path} did not answer 200");
    Ok(())
}

/// Peak resident memory of this process in MiB (Linux), for benchmark reports.
pub fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn gen_wxr(posts: u32, comments: u32, output: &Path) -> anyhow::Result<()> {
    use std::io::Write;
    let mut out = std::io::BufWriter::new(std::fs::File::create(output)?);
    let mut text = Words(7);
    writeln!(
        out,
        r#"<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Generated</title><link>http://example.org</link><wp:wxr_version>1.2</wp:wxr_version>"#
    )?;
    for (id, login) in [(1, "editor"), (2, "reporter")] {
        writeln!(
            out,
            "<wp:author><wp:author_id>{id}</wp:author_id><wp:author_login><![CDATA[{login}]]></wp:author_login><wp:author_email><![CDATA[{login}@example.org]]></wp:author_email><wp:author_display_name><![CDATA[{login}]]></wp:author_display_name></wp:author>"
        )?;
    }
    for (id, slug) in WORDS.iter().take(20).enumerate() {
        writeln!(
            out,
            "<wp:category><wp:term_id>{}</wp:term_id><wp:category_nicename><![CDATA[{slug}]]></wp:category_nicename><wp:category_parent><![CDATA[]]></wp:category_parent><wp:cat_name><![CDATA[{slug}]]></wp:cat_name></wp:category>",
            id + 1
        )?;
    }
    let per_post = comments.div_ceil(posts.max(1));
    let mut comment_id = 0u64;
    for p in 0..posts {
        let id = 100 + p;
        let day = p % 28 + 1;
        let month = (p / 28) % 12 + 1;
        let year = 2015 + p / 336;
        let date = format!("{year}-{month:02}-{day:02} 10:00:00");
        let paragraphs: Vec<String> = (0..5)
            .map(|_| {
                format!(
                    "<!-- wp:paragraph -->\n<p>{}</p>\n<!-- /wp:paragraph -->",
                    text.sentence(60)
                )
            })
            .collect();
        writeln!(
            out,
            "<item><title><![CDATA[{} {id}]]></title><dc:creator><![CDATA[{}]]></dc:creator><content:encoded><![CDATA[{}]]></content:encoded><excerpt:encoded><![CDATA[]]></excerpt:encoded><wp:post_id>{id}</wp:post_id><wp:post_date><![CDATA[{date}]]></wp:post_date><wp:post_date_gmt><![CDATA[{date}]]></wp:post_date_gmt><wp:post_modified_gmt><![CDATA[{date}]]></wp:post_modified_gmt><wp:comment_status><![CDATA[open]]></wp:comment_status><wp:post_name><![CDATA[story-{id}]]></wp:post_name><wp:status><![CDATA[publish]]></wp:status><wp:post_parent>0</wp:post_parent><wp:post_type><![CDATA[post]]></wp:post_type><wp:post_password><![CDATA[]]></wp:post_password><wp:is_sticky>0</wp:is_sticky><category domain=\"category\" nicename=\"{}\"><![CDATA[{}]]></category>",
            text.sentence(6).trim_end_matches('.'),
            if p % 2 == 0 { "editor" } else { "reporter" },
            paragraphs.join("\n\n"),
            WORDS[(p % 20) as usize],
            WORDS[(p % 20) as usize]
        )?;
        let first = comment_id + 1;
        for c in 0..per_post.min(comments.saturating_sub((p * per_post).min(comments))) {
            comment_id += 1;
            let parent = if c % 3 == 2 { first + u64::from(c / 3) } else { 0 };
            let approved = if c % 20 == 0 { "0" } else { "1" };
            writeln!(
                out,
                "<wp:comment><wp:comment_id>{comment_id}</wp:comment_id><wp:comment_author><![CDATA[Reader {comment_id}]]></wp:comment_author><wp:comment_author_email><![CDATA[reader{comment_id}@example.net]]></wp:comment_author_email><wp:comment_author_url></wp:comment_author_url><wp:comment_author_IP><![CDATA[192.0.2.1]]></wp:comment_author_IP><wp:comment_date_gmt><![CDATA[{date}]]></wp:comment_date_gmt><wp:comment_content><![CDATA[{}]]></wp:comment_content><wp:comment_approved><![CDATA[{approved}]]></wp:comment_approved><wp:comment_type><![CDATA[comment]]></wp:comment_type><wp:comment_parent>{parent}</wp:comment_parent><wp:comment_user_id>0</wp:comment_user_id></wp:comment>",
                text.sentence(30)
            )?;
        }
        writeln!(out, "</item>")?;
    }
    writeln!(out, "</channel></rss>")?;
    out.flush()?;
    println!(
        "Wrote {posts} posts and {comment_id} comments to {} ({} bytes).",
        output.display(),
        std::fs::metadata(output)?.len()
    );
    Ok(())
}

/// The reference: a streaming XML parse of the same file, every event read
/// and its text decoded, nothing kept.
fn parse_wxr(file: &Path) -> anyhow::Result<()> {
    use quick_xml::events::Event;
    let started = Instant::now();
    let reader = std::io::BufReader::with_capacity(256 * 1024, std::fs::File::open(file)?);
    let mut xml = quick_xml::Reader::from_reader(reader);
    let mut buf = Vec::with_capacity(64 * 1024);
    let (mut events, mut text_bytes) = (0u64, 0u64);
    loop {
        match xml.read_event_into(&mut buf)? {
            Event::Eof => break,
            Event::Text(t) => text_bytes += t.decode()?.len() as u64,
            Event::CData(t) => text_bytes += t.len() as u64,
            _ => {}
        }
        events += 1;
        buf.clear();
    }
    println!(
        "plain parse: {events} events, {text_bytes} bytes of text in {:.2} s, peak memory {:.1} MiB",
        started.elapsed().as_secs_f64(),
        peak_rss_mib().unwrap_or(0.0)
    );
    Ok(())
}
