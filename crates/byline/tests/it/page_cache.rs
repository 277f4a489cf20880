//! The page cache: hot pages come from memory, and every kind of change
//! (made through the CLI, another process) shows on the very next request,
//! while pages that do not show the change stay cached.

use std::io::Read;

use reqwest::StatusCode;

use crate::support::{Site, attrs, comment_id, cookies, form, location, texts};

/// GET `path`; returns (x-cache, body).
async fn fetch(site: &Site, path: &str) -> (String, String) {
    let res = site.get(path).await;
    assert_eq!(res.status(), StatusCode::OK, "GET {path}");
    let state = res
        .headers()
        .get("x-cache")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (state, res.text().await.unwrap())
}

/// GETs `path` twice and checks the second answer came from the cache.
async fn warm(site: &Site, path: &str) -> String {
    fetch(site, path).await;
    let (state, body) = fetch(site, path).await;
    assert_eq!(state, "hit", "GET {path} is cached");
    body
}

async fn site_with_two_articles() -> (Site, i64, String, String) {
    let site = Site::start().await;
    site.add_author("jane", "Jane Doe");
    site.add_author("omar", "Omar Haddad");
    let (a, a_path) = site.publish("jane", "Rates rise again", "2024-05-01 08:00");
    let (_, b_path) = site.publish("omar", "A quiet budget", "2024-05-02 08:00");
    (site, a, a_path, b_path)
}

#[tokio::test]
async fn each_kind_of_change_shows_on_the_next_request_and_only_where_it_shows() {
    let (site, a, a_path, b_path) = site_with_two_articles().await;
    for path in [
        a_path.as_str(),
        b_path.as_str(),
        "/",
        "/feed/",
        "/sitemap.xml",
        "/author/omar/",
    ] {
        warm(&site, path).await;
    }

    // Editing article A: its page, the home page and the feed change; B's page and Omar's archive do not.
    let file = site.write_file(
        "---\ntitle: \"Rates rise, again\"\nauthor: jane\ndate: 2024-05-01 08:00\nstatus: published\n---\nNew text.\n",
    );
    site.cli(&["post", "edit", &a.to_string(), file.to_str().unwrap()]).ok();
    let (state, page) = fetch(&site, &a_path).await;
    assert_eq!(
        (state.as_str(), texts(&page, "h1.headline")),
        ("miss", vec!["Rates rise, again".to_owned()])
    );
    assert!(fetch(&site, "/").await.1.contains("Rates rise, again"));
    assert!(fetch(&site, "/feed/").await.1.contains("Rates rise, again"));
    assert_eq!(fetch(&site, &b_path).await.0, "hit", "B does not show A");
    assert_eq!(
        fetch(&site, "/author/omar/").await.0,
        "hit",
        "Omar's archive does not list A"
    );

    // An author's profile: every page showing Jane, not Omar's.
    warm(&site, &a_path).await;
    site.cli(&["author", "edit", "jane", "--tagline", "economics editor"])
        .ok();
    let page = fetch(&site, &a_path).await.1;
    assert!(page.contains("economics editor"), "the byline shows the new tagline");
    assert_eq!(fetch(&site, &b_path).await.0, "hit");

    // A comment becoming visible: the article, its count on the home page, the comment feeds.
    warm(&site, "/").await;
    warm(&site, "/comments/feed/").await;
    let res = site
        .post_comment(&form(&a.to_string(), "Held until approved.", "Ann", "ann@example.com"))
        .await;
    let comment = comment_id(&location(&res));
    assert_eq!(
        fetch(&site, &a_path).await.0,
        "hit",
        "a held comment changes no public page"
    );
    assert!(!fetch(&site, &a_path).await.1.contains("Held until approved."));
    site.cli(&["comment", "approve", &comment.to_string()]).ok();
    let page = fetch(&site, &a_path).await.1;
    assert_eq!(
        attrs(&page, &format!("#comment-{comment}"), "id").len(),
        1,
        "approved shows at once"
    );
    assert!(
        fetch(&site, "/").await.1.contains("1 comment"),
        "the count on the home page"
    );
    assert!(fetch(&site, "/comments/feed/").await.1.contains("Held until approved."));
    assert_eq!(fetch(&site, &b_path).await.0, "hit");
    // ...and going away again.
    warm(&site, &a_path).await;
    site.cli(&["comment", "spam", &comment.to_string()]).ok();
    assert!(!fetch(&site, &a_path).await.1.contains("Held until approved."));

    // A new article: the lists and sitemaps, not the other articles.
    warm(&site, "/").await;
    warm(&site, "/sitemap-posts-1.xml").await;
    let (_, c_path) = site.publish("omar", "Fresh news", "2024-05-03 08:00");
    assert!(fetch(&site, "/").await.1.contains("Fresh news"));
    assert!(fetch(&site, "/feed/").await.1.contains("Fresh news"));
    assert!(fetch(&site, "/author/omar/").await.1.contains("Fresh news"));
    assert!(fetch(&site, "/sitemap-posts-1.xml").await.1.contains(&c_path));
    assert_eq!(fetch(&site, &a_path).await.0, "hit");

    // A setting: every page.
    warm(&site, &b_path).await;
    site.cli(&["settings", "set", "title", "The Ledger"]).ok();
    for path in [a_path.as_str(), b_path.as_str(), "/", "/feed/"] {
        assert!(
            fetch(&site, path).await.1.contains("The Ledger"),
            "{path} shows the new title"
        );
    }

    // Deleting an article: gone from its address and from the lists.
    warm(&site, &c_path).await;
    let c = site.comments_json(None).len(); // the CLI works while pages are cached
    assert_eq!(c, 1);
    let list: serde_json::Value = serde_json::from_str(&site.cli(&["post", "list", "--json"]).ok()).unwrap();
    let c_id = list
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["title"] == "Fresh news")
        .unwrap()["id"]
        .to_string();
    site.cli(&["post", "delete", &c_id]).ok();
    assert_eq!(site.get(&c_path).await.status(), StatusCode::NOT_FOUND);
    assert!(!fetch(&site, "/").await.1.contains("Fresh news"));
}

#[tokio::test]
async fn a_held_comment_is_shown_to_its_author_past_the_cache() {
    let (site, a, a_path, _) = site_with_two_articles().await;
    warm(&site, &a_path).await;
    let res = site
        .post_comment(&form(&a.to_string(), "My first comment.", "Bea", "bea@example.com"))
        .await;
    let jar = cookies(&res);
    let own = site.get_with_cookies(&a_path, &jar).await;
    assert!(
        own.headers().get("x-cache").is_none(),
        "personal pages bypass the cache"
    );
    assert_eq!(own.headers()["cache-control"], "private, no-store");
    let own = own.text().await.unwrap();
    assert!(own.contains("My first comment.") && own.contains("awaiting moderation"));
    let (state, anyone) = fetch(&site, &a_path).await;
    assert_eq!(state, "hit");
    assert!(!anyone.contains("My first comment."));
    // A forged cookie does not bypass the cache.
    let forged = site.get_with_cookies(&a_path, "byline_pending=1").await;
    assert_eq!(forged.headers()["x-cache"], "hit");
}

#[tokio::test]
async fn compressed_variants_validators_and_cache_control() {
    let (site, _, a_path, _) = site_with_two_articles().await;
    // Reproduces: with no site_url, the Host header became the pages' absolute
    // links while they were marked for shared caches (which others could be
    // served from).
    let res = site.get(&a_path).await;
    assert_eq!(res.headers()["cache-control"], "private, no-cache");
    site.cli(&["settings", "set", "site_url", &site.base]).ok();
    let plain = warm(&site, &a_path).await;
    let res = site.get(&a_path).await;
    assert_eq!(res.headers()["vary"], "Accept-Encoding");
    assert_eq!(
        res.headers()["cache-control"],
        "public, max-age=0, s-maxage=10, stale-while-revalidate=60"
    );
    let etag = res.headers()["etag"].to_str().unwrap().to_owned();

    // The variants are made in the background, once.
    let mut encodings = Vec::new();
    for _ in 0..100 {
        let res = site
            .get_with(&a_path, &[("accept-encoding", "gzip, deflate, br")])
            .await;
        if let Some(e) = res.headers().get("content-encoding") {
            encodings.push(e.to_str().unwrap().to_owned());
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(encodings, ["br"], "brotli is preferred");
    let res = site.get_with(&a_path, &[("accept-encoding", "gzip")]).await;
    assert_eq!(res.headers()["content-encoding"], "gzip");
    let gz = res.bytes().await.unwrap();
    let mut unzipped = String::new();
    flate2::read::GzDecoder::new(&gz[..])
        .read_to_string(&mut unzipped)
        .unwrap();
    assert_eq!(unzipped, plain, "the gzip variant is the same page");
    assert!(gz.len() * 2 < plain.len(), "{} → {}", plain.len(), gz.len());
    let res = site.get_with(&a_path, &[("accept-encoding", "gzip;q=0, br;q=0")]).await;
    assert!(res.headers().get("content-encoding").is_none());

    // Conditional requests: 304 while current, 200 once the page changed.
    let res = site.get_with(&a_path, &[("if-none-match", &etag)]).await;
    assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
    assert!(res.bytes().await.unwrap().is_empty());
    site.cli(&["settings", "set", "tagline", "Independent since 2024"]).ok();
    let res = site.get_with(&a_path, &[("if-none-match", &etag)]).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_ne!(res.headers()["etag"].to_str().unwrap(), etag);
}

#[tokio::test]
async fn cache_size_and_cache_control_are_configurable() {
    let site = Site::start_with(&["--no-sample", "--page-cache-mib", "0"]).await;
    site.add_author("jane", "Jane Doe");
    let (_, path) = site.publish("jane", "Uncached", "2024-05-01 08:00");
    site.page(&path).await;
    assert!(
        site.get(&path).await.headers().get("x-cache").is_none(),
        "0 turns the cache off"
    );

    let site = Site::start_with(&["--no-sample", "--cache-control", "public, max-age=60"]).await;
    site.add_author("jane", "Jane Doe");
    let (_, path) = site.publish("jane", "Cached a minute", "2024-05-01 08:00");
    site.cli(&["settings", "set", "site_url", &site.base]).ok();
    assert_eq!(site.get(&path).await.headers()["cache-control"], "public, max-age=60");
}

#[tokio::test]
async fn a_change_is_never_followed_by_the_old_page() {
    let (site, a, a_path, _) = site_with_two_articles().await;
    let site = std::sync::Arc::new(site);
    // Readers keep the page hot (and re-filling) while the CLI edits it.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut readers = Vec::new();
    for _ in 0..4 {
        let (site, stop, path) = (site.clone(), stop.clone(), a_path.clone());
        readers.push(tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) && n < 5_000 {
                site.get(&path).await.bytes().await.unwrap();
                n += 1;
            }
        }));
    }
    for round in 1..=8 {
        let file = site.write_file(&format!(
            "---\ntitle: \"Revision {round}\"\nauthor: jane\ndate: 2024-05-01 08:00\nstatus: published\n---\nText {round}.\n"
        ));
        site.cli(&["post", "edit", &a.to_string(), file.to_str().unwrap()]).ok();
        // The edit was acknowledged (the command returned): no reader may now get an older page.
        for _ in 0..5 {
            let page = fetch(&site, &a_path).await.1;
            assert_eq!(texts(&page, "h1.headline"), [format!("Revision {round}")]);
        }
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for r in readers {
        r.await.unwrap();
    }
}
