//! Regression tests of the hardening issue: what one visitor could do to a
//! page (superlinear renders, huge pages, expensive refusals, cache
//! flooding), writes that fail, limits, and what must stay private. Each
//! test is headed by what it reproduces.

use std::time::{Duration, Instant};

use reqwest::StatusCode;

use crate::admin::{add_user, signed_in};
use crate::support::{Site, attrs, cookies, form, location, texts};
use crate::wordpress::{post, wxr};

async fn site_with_article() -> (Site, String, String) {
    let site = Site::start().await;
    site.add_author("jane", "Jane Doe");
    let (id, path) = site.publish("jane", "Under siege", "2024-05-01 08:00");
    (site, id.to_string(), path)
}

/// The text of the comment field in a page.
fn comment_field(html: &str) -> String {
    scraper::Html::parse_document(html)
        .select(&scraper::Selector::parse("textarea#comment").unwrap())
        .next()
        .map(|e| e.text().collect())
        .unwrap_or_default()
}

/// Imports one post whose content is `content`; returns its path.
fn import_post(site: &Site, content: &str) -> String {
    let item = post(42, "heavy", "").replace(
        "First paragraph.\n\nSecond paragraph with [contact-form-7 id=\"3\"] inside.",
        content,
    );
    let file = site.write_file(&wxr(&item));
    site.cli(&["import", "wordpress", file.to_str().unwrap()]).ok();
    "/2024/03/01/heavy/".to_owned()
}

/// Reproduces: one valid comment of 65,000 `>` made every render of its
/// article take about 65 s. Such nesting is now refused at the field (the
/// text kept), and rendering bounds it in any case.
#[tokio::test]
async fn a_comment_of_65000_quote_marks_is_refused_at_its_field_and_kept() {
    let (site, id, path) = site_with_article().await;
    let quotes = ">".repeat(65_000);
    let started = Instant::now();
    let res = site.post_comment(&form(&id, &quotes, "Ann", "ann@example.com")).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(texts(&html, "#comment-error")[0].contains("16 levels"), "{html}");
    assert_eq!(comment_field(&html).len(), 65_000, "the text is kept");
    assert!(started.elapsed() < Duration::from_secs(20), "{:?}", started.elapsed());
    // Quotes nested a little are fine.
    let fine = site
        .post_comment(&form(&id, "> > You said\n>\n> I did", "Bob", "bob@example.com"))
        .await;
    assert_eq!(fine.status(), StatusCode::SEE_OTHER);
    site.page(&path).await;
}

/// Reproduces: 100,000 nested `<div>` in an article body took 58 s per
/// render, on the async workers, so `/healthz` stalled with it.
#[tokio::test]
async fn an_imported_body_of_100000_nested_divs_renders_without_stalling_the_site() {
    let site = Site::start_with(&["--no-sample", "--page-cache-mib", "0"]).await;
    let path = import_post(
        &site,
        &format!("{}deep text{}", "<div>".repeat(100_000), "</div>".repeat(100_000)),
    );
    let started = Instant::now();
    let page = tokio::spawn({
        let url = site.url(&path);
        async move { reqwest::get(url).await.unwrap() }
    });
    // While it renders, the site answers.
    let health = site.get("/healthz").await;
    assert_eq!(health.status(), StatusCode::OK);
    let page = page.await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("deep text"));
    assert!(
        html.matches("<div").count() < 300,
        "the nesting is unwrapped past the limit"
    );
    assert!(started.elapsed() < Duration::from_secs(20), "{:?}", started.elapsed());
}

/// Reproduces: the admin preview grew with nesting depth the same way.
#[tokio::test]
async fn the_admin_preview_of_deep_nesting_answers_at_once() {
    let site = Site::start().await;
    add_user(&site, "jane", "author");
    let jane = signed_in(&site, "jane").await;
    let csrf = jane.csrf("/admin/articles/new").await;
    let body = ">".repeat(65_000);
    let started = Instant::now();
    let res = jane
        .post_raw("/admin/preview", &[("csrf", &csrf), ("body", &body)], Some(&site.base))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().matches("<blockquote").count() <= 100);
    assert!(started.elapsed() < Duration::from_secs(20), "{:?}", started.elapsed());
}

/// Reproduces: article size limits were neither stated nor enforced at
/// input (the editor's body was capped by a 512 KiB request limit instead).
#[tokio::test]
async fn the_editor_refuses_an_article_over_the_limits_and_keeps_it() {
    let site = Site::start().await;
    add_user(&site, "jane", "author");
    let jane = signed_in(&site, "jane").await;
    let big = "word ".repeat(600_000); // 3 MB: over the 2 MiB article limit
    let deep = ">".repeat(100);
    for (body, message) in [(big.as_str(), "at most 2 MiB"), (deep.as_str(), "64 levels")] {
        let res = jane
            .post(
                "/admin/articles/new",
                "/admin/articles",
                &[
                    ("save", "1"),
                    ("title", "Long read"),
                    ("body", body),
                    ("status", "draft"),
                ],
            )
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = res.text().await.unwrap();
        assert!(texts(&html, "#body-error")[0].contains(message), "{message}");
        assert_eq!(texts(&html, "#body")[0].len(), body.trim().len(), "the text is kept");
    }
    // Just under the limit is accepted, though it is far over the old request limit.
    let long = "word ".repeat(400_000);
    let res = jane
        .post(
            "/admin/articles/new",
            "/admin/articles",
            &[
                ("save", "1"),
                ("title", "Long read"),
                ("body", &long),
                ("status", "draft"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
}

/// Reproduces: pages over 8 MB were empty 500s with the page cache on.
#[tokio::test]
async fn a_page_too_large_for_the_cache_is_served_whole() {
    let site = Site::start().await;
    let paragraph = format!("<p>{}</p>\n", "Long sentence of the record. ".repeat(40));
    let body = paragraph.repeat(9 * 1024 * 1024 / paragraph.len() + 1);
    let path = import_post(&site, &body);
    let res = site.get(&path).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers().get("x-cache").is_none(), "served, not kept");
    let html = res.text().await.unwrap();
    assert!(html.len() > 9 << 20, "{}", html.len());
    assert!(html.trim_end().ends_with("</html>"));
}

/// Reproduces: each refusal (429/409/422) rendered the whole article with
/// its discussion, so the flood check was the expensive path.
#[tokio::test]
async fn a_refusal_is_a_small_page_that_keeps_the_text() {
    let (site, id, path) = site_with_article().await;
    for i in 0..60 {
        let text = format!("Comment number {i} with some words in it.");
        let res = site
            .post_comment(&form(&id, &text, &format!("Reader {i}"), &format!("r{i}@example.com")))
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
    }
    for c in site.comments_json(Some("pending")) {
        site.cli(&["comment", "approve", &c["id"].to_string()]).ok();
    }
    let article = site.page(&path).await;
    let fields = form(
        &id,
        "Comment number 1 with some words in it.",
        "Reader 1",
        "r1@example.com",
    );
    let res = site.post_comment(&fields).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert_eq!(res.headers()["cache-control"], "private, no-store");
    let html = res.text().await.unwrap();
    assert_eq!(comment_field(&html), "Comment number 1 with some words in it.");
    assert_eq!(attrs(&html, "input[name=email]", "value"), ["r1@example.com"]);
    assert!(texts(&html, "#form-notice")[0].contains("Duplicate"));
    assert!(texts(&html, ".refused-context a")[0].contains("Under siege"));
    assert!(texts(&html, ".comment-content").is_empty(), "no discussion is rendered");
    assert!(html.len() * 4 < article.len(), "{} vs {}", html.len(), article.len());
}

/// Reproduces: every distinct query string was its own page-cache entry,
/// so `?x=random` forced renders and pushed popular pages out.
#[tokio::test]
async fn query_parameters_pages_do_not_read_share_the_cached_page() {
    let (site, _, path) = site_with_article().await;
    site.page(&path).await;
    for junk in ["?x=1", "?utm_source=a&x=2", "?fbclid=xyz"] {
        let res = site.get(&format!("{path}{junk}")).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()["x-cache"], "hit", "{junk}");
    }
    // A reply link naming nothing to reply to is the page itself, at one address.
    for junk in ["?replytocom=abc", "?replytocom=999999"] {
        let res = site.get(&format!("{path}{junk}")).await;
        assert_eq!(res.status(), StatusCode::FOUND, "{junk}");
        assert_eq!(location(&res), format!("{path}#respond"));
    }
}

/// Reproduces: a failing write (disk full, a lock) gave the generic 500
/// with the visitor's text lost, and `/healthz` stayed 200.
#[tokio::test]
async fn a_failed_write_keeps_the_text_and_healthz_reports_it() {
    let (site, id, _) = site_with_article().await;
    let db = rusqlite::Connection::open(site.data().join("byline.db")).unwrap();
    db.execute_batch(
        "CREATE TRIGGER simulated_full_disk BEFORE INSERT ON comments \
         BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;",
    )
    .unwrap();
    let res = site
        .post_comment(&form(&id, "Words I spent an hour on.", "Ann", "ann@example.com"))
        .await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(res.headers().contains_key("retry-after"));
    let html = res.text().await.unwrap();
    assert_eq!(comment_field(&html), "Words I spent an hour on.");
    assert!(texts(&html, "#form-notice")[0].contains("could not save"), "{html}");
    let health = site.get("/healthz").await;
    assert_eq!(health.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(health.text().await.unwrap().contains("writes are failing"));

    // A writer's article too.
    add_user(&site, "ed", "editor");
    let ed = signed_in(&site, "ed").await;
    db.execute_batch(
        "CREATE TRIGGER simulated_full_disk_articles BEFORE INSERT ON articles \
         BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;",
    )
    .unwrap();
    let res = ed
        .post(
            "/admin/articles/new",
            "/admin/articles",
            &[
                ("save", "1"),
                ("title", "Scoop"),
                ("body", "The long-awaited story."),
                ("status", "draft"),
            ],
        )
        .await;
    let html = res.text().await.unwrap();
    assert_eq!(texts(&html, "#body"), ["The long-awaited story."]);
    assert!(texts(&html, "#body-error")[0].contains("could not save"), "{html}");
    db.execute_batch("DROP TRIGGER simulated_full_disk_articles").unwrap();

    db.execute_batch("DROP TRIGGER simulated_full_disk").unwrap();
    let res = site
        .post_comment(&form(&id, "Words I spent an hour on.", "Ann", "ann@example.com"))
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(site.get("/healthz").await.status(), StatusCode::OK, "healthy again");
}

/// Reproduces: a 600 KB comment got 400 "could not be understood"; and a
/// CJK or emoji comment well under 65,525 characters exceeded the 512 KiB
/// body limit once form-encoded and was refused with its text lost.
#[tokio::test]
async fn the_body_limit_fits_every_comment_the_form_accepts() {
    let (site, id, _) = site_with_article().await;
    let emoji = "😀".repeat(65_000); // 260 KB of UTF-8, 780 KB form-encoded
    let res = site.post_comment(&form(&id, &emoji, "Ann", "ann@example.com")).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "a comment within the limits fits");
    let too_big = "x".repeat(1_200_000);
    let res = site.post_comment(&form(&id, &too_big, "Bob", "bob@example.com")).await;
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let html = res.text().await.unwrap();
    assert_eq!(texts(&html, "h1"), ["Too much data"]);
    assert!(html.contains("65525 characters"), "{html}");
}

/// Reproduces: a comment on an article deleted while the reader typed got
/// a bare 404, its text lost.
#[tokio::test]
async fn a_comment_on_an_article_deleted_meanwhile_keeps_its_text() {
    let (site, id, _) = site_with_article().await;
    site.cli(&["post", "delete", &id]).ok();
    let res = site
        .post_comment(&form(&id, "My reply to the piece.", "Ann", "ann@example.com"))
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(res.headers()["cache-control"], "private, no-store");
    let html = res.text().await.unwrap();
    assert_eq!(texts(&html, "#kept-text"), ["My reply to the piece."]);
}

/// Reproduces: the data directory was 0755 and the database, WAL and a WXR
/// export 0644, so every email and password hash was world-readable.
#[cfg(unix)]
#[tokio::test]
async fn the_data_directory_the_database_and_exports_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let (site, id, _) = site_with_article().await;
    site.post_comment(&form(&id, "Keep my email private.", "Ann", "ann@example.com"))
        .await;
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(site.data()), 0o700);
    for file in ["byline.db", "byline.db-wal", "byline.db-shm"] {
        let path = site.data().join(file);
        if path.exists() {
            assert_eq!(mode(&path), 0o600, "{file}");
        }
    }
    let export = site.data().join("export.xml");
    site.cli(&["export", "wordpress", "-o", export.to_str().unwrap()]).ok();
    assert_eq!(mode(&export), 0o600);
}

/// Reproduces: known-commenter moderation published at once anyone who
/// typed a known commenter's name and email.
#[tokio::test]
async fn typing_a_known_commenters_name_and_email_does_not_pass_as_them() {
    let (site, id, _) = site_with_article().await;
    site.cli(&["settings", "set", "comment_moderation", "first_time"]).ok();
    let first = site
        .post_comment(&form(&id, "My first comment.", "Ann", "ann@example.com"))
        .await;
    let browser = cookies(&first);
    let first_id = crate::support::comment_id(&location(&first));
    site.cli(&["comment", "approve", &first_id.to_string()]).ok();
    // Ann, from her browser: known, published at once.
    let again = site
        .post_comment_as(
            &form(&id, "Me again.", "Ann", "ann@example.com"),
            &site.fresh_ip(),
            Some(&browser),
        )
        .await;
    let again_id = crate::support::comment_id(&location(&again));
    let statuses = |id: i64| {
        site.comments_json(None)
            .into_iter()
            .find(|c| c["id"] == id)
            .map(|c| c["status"].as_str().unwrap().to_owned())
    };
    assert_eq!(statuses(again_id).as_deref(), Some("approved"));
    // Someone else typing her name and email: held.
    let impostor = site
        .post_comment(&form(&id, "Ann here, honest.", "Ann", "ann@example.com"))
        .await;
    let impostor_id = crate::support::comment_id(&location(&impostor));
    assert_eq!(statuses(impostor_id).as_deref(), Some("pending"));
}

/// Reproduces: a held comment's avatar, shown to its author, confirmed
/// whether a guessed email was right (it matched the owner's public one).
#[tokio::test]
async fn an_avatar_tells_nothing_about_a_guessed_email() {
    let (site, id, path) = site_with_article().await;
    site.cli(&["settings", "set", "comment_moderation", "all"]).ok();
    let owner = site
        .post_comment(&form(&id, "The owner speaks.", "Ann", "ann@example.com"))
        .await;
    let owner_id = crate::support::comment_id(&location(&owner));
    site.cli(&["comment", "approve", &owner_id.to_string()]).ok();
    let public = site.page(&path).await;
    let owner_avatar = attrs(&public, &format!("#comment-{owner_id} img"), "src");
    assert_eq!(owner_avatar.len(), 1, "{public}");
    for guess in ["ann@example.com", "someone@else.example"] {
        let probe = site
            .post_comment(&form(&id, &format!("Probing {guess}"), "Eve", guess))
            .await;
        let probe_id = crate::support::comment_id(&location(&probe));
        let own = site
            .get_with_cookies(&path, &cookies(&probe))
            .await
            .text()
            .await
            .unwrap();
        let probe_avatar = attrs(&own, &format!("#comment-{probe_id} img"), "src");
        assert_eq!(probe_avatar.len(), 1, "the held comment shows to its author");
        assert_ne!(probe_avatar, owner_avatar, "{guess}: the avatar confirms nothing");
    }
}
