//! Feeds, search and what search engines and social sites read.

use reqwest::StatusCode;
use roxmltree::Document;

use crate::support::{Site, attrs, comment_id, form, location, texts};

/// A site with two authors, categories, tags and a discussion.
async fn newsroom() -> (Site, String) {
    let site = Site::start().await;
    site.add_author("jane", "Jane Doe");
    site.add_author("sam", "Sam Roe");
    site.new_post(
        "title: Harbour dredging contract signed\nauthor: jane\ndate: 2024-01-26 10:00\ncategories: [Investigations]\ntags: [harbour]\nstatus: published",
        "The port authority signed the **dredging** deal behind closed doors.\n\n![Map](https://example.org/map.png)",
    );
    site.new_post(
        "title: Council budget vote\nauthor: sam\ndate: 2024-02-02 10:00\ncategories: [News]\ntags: [budget]\nstatus: published\nexcerpt: The vote, in brief.",
        "Councillors voted on the budget. Dredging was not discussed.",
    );
    let id = site.new_post(
        "title: Tram lines\nauthor: jane\ndate: 2024-03-03 10:00\nstatus: published",
        "Trams.",
    );
    let path = site.path_of(id);
    let res = site
        .post_comment(&form(&id.to_string(), "First *comment*.", "Ann", "ann@private.example"))
        .await;
    site.cli(&["comment", "approve", &comment_id(&location(&res)).to_string()])
        .ok();
    site.post_comment(&form(&id.to_string(), "Held comment.", "Bob", "bob@private.example"))
        .await;
    (site, path)
}

async fn fetch(site: &Site, path: &str) -> (String, String) {
    let res = site.get(path).await;
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    let content_type = res.headers()["content-type"].to_str().unwrap().to_owned();
    (content_type, res.text().await.unwrap())
}

fn rss_titles(xml: &str) -> Vec<String> {
    let doc = Document::parse(xml).expect("well-formed RSS");
    doc.descendants()
        .filter(|n| n.has_tag_name("item"))
        .filter_map(|i| {
            i.children()
                .find(|c| c.has_tag_name("title"))
                .and_then(|t| t.text())
                .map(str::to_owned)
        })
        .collect()
}

#[tokio::test]
async fn article_feeds_in_three_formats() {
    let (site, _) = newsroom().await;
    let (ct, rss) = fetch(&site, "/feed/").await;
    assert!(ct.starts_with("application/rss+xml"), "{ct}");
    assert_eq!(
        rss_titles(&rss),
        ["Tram lines", "Council budget vote", "Harbour dredging contract signed"]
    );
    assert!(rss.contains("<dc:creator>Jane Doe</dc:creator>"), "{rss}");
    assert!(
        rss.contains(&format!("<link>{}/2024/03/03/tram-lines/</link>", site.base)),
        "absolute links"
    );
    assert!(rss.contains("<content:encoded>"), "full text by default");

    let (ct, atom) = fetch(&site, "/feed/atom/").await;
    assert!(ct.starts_with("application/atom+xml"), "{ct}");
    let doc = Document::parse(&atom).unwrap();
    assert_eq!(doc.descendants().filter(|n| n.has_tag_name("entry")).count(), 3);

    let (ct, json) = fetch(&site, "/feed/json/").await;
    assert!(ct.starts_with("application/feed+json"), "{ct}");
    let feed: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(feed["version"], "https://jsonfeed.org/version/1.1");
    assert_eq!(feed["items"].as_array().unwrap().len(), 3);
    for item in feed["items"].as_array().unwrap() {
        assert!(item["id"].is_string() && (item["content_html"].is_string() || item["content_text"].is_string()));
    }

    // Per author, category and tag.
    assert_eq!(
        rss_titles(&fetch(&site, "/author/sam/feed/").await.1),
        ["Council budget vote"]
    );
    assert_eq!(
        rss_titles(&fetch(&site, "/category/investigations/feed/").await.1),
        ["Harbour dredging contract signed"]
    );
    assert_eq!(
        rss_titles(&fetch(&site, "/tag/budget/feed/").await.1),
        ["Council budget vote"]
    );
    assert_eq!(site.get("/author/nobody/feed/").await.status(), StatusCode::NOT_FOUND);

    // Settings: item count and excerpts instead of full text.
    site.cli(&["settings", "set", "feed_items", "2"]).ok();
    site.cli(&["settings", "set", "feed_full_text", "false"]).ok();
    let rss = fetch(&site, "/feed/").await.1;
    assert_eq!(rss_titles(&rss).len(), 2);
    assert!(!rss.contains("<content:encoded>"), "{rss}");
    assert!(rss.contains("The vote, in brief."));
}

#[tokio::test]
async fn comment_feeds_hold_approved_comments_and_no_email() {
    let (site, path) = newsroom().await;
    for feed in [
        "/comments/feed/",
        &format!("{path}feed/"),
        &format!("{path}feed/atom/"),
        &format!("{path}feed/json/"),
    ] {
        let body = fetch(&site, feed).await.1;
        assert!(body.contains("Ann"), "{feed}: {body}");
        assert!(
            !body.contains("Held comment") && !body.contains("Bob"),
            "{feed} has only approved comments"
        );
        assert!(!body.contains("private.example"), "{feed} leaks no email");
    }
    assert_eq!(
        rss_titles(&fetch(&site, "/comments/feed/").await.1),
        ["Comment on Tram lines by Ann"]
    );
    assert_eq!(rss_titles(&fetch(&site, &format!("{path}feed/")).await.1), ["By: Ann"]);
}

#[tokio::test]
async fn feeds_answer_conditional_requests() {
    let (site, _) = newsroom().await;
    let res = site.get("/feed/").await;
    let etag = res.headers()["etag"].to_str().unwrap().to_owned();
    // Dated from the second after the cache began keeping it (see `revalidation`).
    assert!(res.headers().get("last-modified").is_none(), "{:?}", res.headers());
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let modified = site.get("/feed/").await.headers()["last-modified"]
        .to_str()
        .unwrap()
        .to_owned();
    let again = reqwest::Client::new()
        .get(site.url("/feed/"))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    let since = reqwest::Client::new()
        .get(site.url("/feed/"))
        .header("if-modified-since", &modified)
        .send()
        .await
        .unwrap();
    assert_eq!(since.status(), StatusCode::NOT_MODIFIED);
    // A new article changes the feed.
    site.publish("jane", "Fresh news", "2024-04-04 10:00");
    let changed = reqwest::Client::new()
        .get(site.url("/feed/"))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), StatusCode::OK);
}

#[tokio::test]
async fn pages_announce_their_feeds() {
    let (site, path) = newsroom().await;
    let home = site.page("/").await;
    assert!(attrs(&home, "link[rel=alternate][type='application/rss+xml']", "href").contains(&site.url("/feed/")));
    assert!(
        attrs(&home, "link[rel=alternate][type='application/feed+json']", "href").contains(&site.url("/feed/json/"))
    );
    let article = site.page(&path).await;
    assert!(attrs(&article, "link[rel=alternate]", "href").contains(&site.url(&format!("{path}feed/"))));
    let author = site.page("/author/jane/").await;
    assert!(attrs(&author, "link[rel=alternate]", "href").contains(&site.url("/author/jane/feed/atom/")));
}

#[tokio::test]
async fn search_ranks_title_matches_first_and_highlights() {
    let (site, _) = newsroom().await;
    let page = site.page("/search?q=Dredging").await;
    assert_eq!(
        texts(&page, ".summary h2"),
        ["Harbour dredging contract signed", "Council budget vote"]
    );
    let marks = texts(&page, ".snippet mark");
    assert!(
        marks.iter().all(|m| m.eq_ignore_ascii_case("dredging")) && !marks.is_empty(),
        "{marks:?}"
    );
    assert_eq!(attrs(&page, "meta[name=robots]", "content"), ["noindex"]);
    assert_eq!(
        attrs(&page, "#search-q", "value"),
        ["Dredging"],
        "the query stays in the box"
    );
    // WordPress's ?s= works too; stemming and accents.
    let wp = site.page("/?s=councillor").await;
    assert_eq!(texts(&wp, ".summary h2"), ["Council budget vote"]);
    let none = site.page("/search?q=volcano").await;
    assert!(
        texts(&none, ".archive-description")[0].contains("No articles match"),
        "{none}"
    );
}

#[tokio::test]
async fn any_query_is_safe() {
    let (site, _) = newsroom().await;
    let long = "budget ".repeat(2000);
    for q in [
        "",
        "\"",
        "\"unbalanced",
        "(tram",
        "tram)",
        "a OR b",
        "NOT",
        "*",
        "title:tram",
        "budget -tram",
        "<script>alert(1)</script>",
        "%",
        "'; DROP TABLE articles; --",
        long.as_str(),
        "日本語",
        "NEAR(a b)",
    ] {
        let res = reqwest::Client::new()
            .get(site.url("/search"))
            .query(&[("q", q)])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{q:?}");
        let html = res.text().await.unwrap();
        assert!(!html.contains("<script>alert(1)"), "the query is escaped");
    }
    let paged = reqwest::Client::new()
        .get(site.url("/search"))
        .query(&[("q", "budget"), ("page", "9")])
        .send()
        .await
        .unwrap();
    assert_eq!(paged.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        texts(&site.page("/search?q=tram").await, ".summary h2"),
        ["Tram lines"],
        "the site still works"
    );
}

#[tokio::test]
async fn sitemaps_and_robots() {
    let (site, path) = newsroom().await;
    let file = site.write_file("---\ntitle: About\nauthor: jane\nstatus: published\n---\nUs.");
    site.cli(&["post", "new", "--page", file.to_str().unwrap()]).ok();
    let robots = fetch(&site, "/robots.txt").await.1;
    assert!(
        robots.contains(&format!("Sitemap: {}/sitemap.xml", site.base)),
        "{robots}"
    );
    assert!(robots.contains("Disallow:\n"), "{robots}");

    let index = fetch(&site, "/sitemap.xml").await.1;
    let doc = Document::parse(&index).unwrap();
    let children: Vec<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name("loc"))
        .filter_map(|n| n.text())
        .map(str::to_owned)
        .collect();
    assert_eq!(
        children,
        [site.url("/sitemap-posts-1.xml"), site.url("/sitemap-pages-1.xml")]
    );
    let posts = fetch(&site, "/sitemap-posts-1.xml").await.1;
    let doc = Document::parse(&posts).unwrap();
    let urls: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("loc"))
        .filter_map(|n| n.text())
        .collect();
    assert_eq!(urls.len(), 3);
    assert!(urls.contains(&site.url(&path).as_str()));
    assert_eq!(doc.descendants().filter(|n| n.has_tag_name("lastmod")).count(), 3);
    assert!(
        fetch(&site, "/sitemap-pages-1.xml")
            .await
            .1
            .contains(&site.url("/about/"))
    );
    assert_eq!(site.get("/sitemap-posts-2.xml").await.status(), StatusCode::NOT_FOUND);

    site.cli(&["settings", "set", "discourage_search", "true"]).ok();
    assert!(fetch(&site, "/robots.txt").await.1.contains("Disallow: /"));
    assert_eq!(
        attrs(&site.page("/").await, "meta[name=robots]", "content"),
        ["noindex"]
    );
}

#[tokio::test]
async fn share_cards_and_news_article_structured_data() {
    let (site, _) = newsroom().await;
    site.cli(&["settings", "set", "site_url", "https://ledger.example"])
        .ok();
    let path = "/2024/01/26/harbour-dredging-contract-signed/";
    let page = site.page(path).await;
    let og = |p: &str| attrs(&page, &format!("meta[property='{p}']"), "content");
    assert_eq!(og("og:type"), ["article"]);
    assert_eq!(og("og:title"), ["Harbour dredging contract signed"]);
    assert_eq!(og("og:url"), [format!("https://ledger.example{path}")]);
    assert_eq!(og("og:image"), ["https://example.org/map.png"]);
    assert_eq!(
        attrs(&page, "meta[name='twitter:card']", "content"),
        ["summary_large_image"]
    );
    assert_eq!(
        attrs(&page, "link[rel=canonical]", "href"),
        [format!("https://ledger.example{path}")]
    );

    let doc = scraper::Html::parse_document(&page);
    let script = doc
        .select(&scraper::Selector::parse("script[type='application/ld+json']").unwrap())
        .next()
        .unwrap();
    let ld: serde_json::Value = serde_json::from_str(&script.inner_html()).expect("JSON-LD parses");
    assert_eq!(ld["@type"], "NewsArticle");
    assert_eq!(ld["headline"], "Harbour dredging contract signed");
    assert_eq!(ld["author"]["@type"], "Person");
    assert_eq!(ld["author"]["name"], "Jane Doe");
    assert_eq!(ld["author"]["url"], "https://ledger.example/author/jane/");
    assert_eq!(ld["datePublished"], "2024-01-26T10:00:00+00:00");
    assert!(ld["dateModified"].is_string());
    assert_eq!(ld["image"][0], "https://example.org/map.png");
    assert_eq!(ld["publisher"]["name"], "byline");

    let author = site.page("/author/jane/").await;
    assert_eq!(attrs(&author, "meta[property='og:type']", "content"), ["profile"]);
    let home = site.page("/").await;
    assert_eq!(attrs(&home, "meta[property='og:type']", "content"), ["website"]);
    assert_eq!(attrs(&home, "meta[name='twitter:card']", "content"), ["summary"]);
}
