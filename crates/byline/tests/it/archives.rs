//! Reading the site: home page, archives, article bodies, 404s.

use reqwest::StatusCode;

use crate::support::{Site, attrs, location, texts};

#[tokio::test]
async fn the_home_page_lists_newest_first_with_pagination() {
    let site = Site::start().await;
    site.add_author("jane", "Jane Doe");
    site.cli(&["settings", "set", "posts_per_page", "2"]).ok();
    for day in 1..=5 {
        site.publish("jane", &format!("Story {day}"), &format!("2024-03-0{day} 09:00"));
    }
    let future = site.new_post(
        "title: Tomorrow\nauthor: jane\ndate: 2099-01-01\nstatus: published",
        "Later.",
    );
    let home = site.page("/").await;
    assert_eq!(texts(&home, ".summary h2"), ["Story 5", "Story 4"]);
    assert!(texts(&home, ".excerpt")[0].contains("The text of Story 5."));
    assert_eq!(texts(&home, ".summary .meta time")[0], "March 5, 2024");
    assert_eq!(attrs(&home, ".pagination a.next", "href"), ["/page/2/"]);
    let two = site.page("/page/2/").await;
    assert_eq!(texts(&two, ".summary h2"), ["Story 3", "Story 2"]);
    let three = site.page("/page/3/").await;
    assert_eq!(texts(&three, ".summary h2"), ["Story 1"]);
    assert_eq!(site.get("/page/4/").await.status(), StatusCode::NOT_FOUND);
    assert!(!home.contains("Tomorrow"), "scheduled articles wait for their date");
    assert_eq!(site.get(&site.path_of(future)).await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn author_category_tag_and_date_archives() {
    let site = Site::start().await;
    site.add_author("jane", "Jane Doe");
    site.add_author("sam", "Sam Roe");
    site.new_post("title: Budget day\nauthor: jane\ndate: 2024-01-26 10:00\ncategories: [Politics]\ntags: [budget]\nstatus: published", "a");
    site.new_post("title: Rail strike\nauthor: sam\ndate: 2024-01-27 10:00\ncategories: [Politics, Transport]\ntags: [unions]\nstatus: published", "b");
    site.new_post("title: Spring statement\nauthor: jane\ndate: 2024-03-10 10:00\ncategories: [Economy]\ntags: [budget]\nstatus: published", "c");

    let jane = site.page("/author/jane/").await;
    assert_eq!(texts(&jane, ".author-card h1"), ["Jane Doe"]);
    assert_eq!(
        texts(&jane, ".author-card .author-tagline"),
        ["journalist and political commentator"]
    );
    assert_eq!(
        texts(&jane, ".author-card .author-bio"),
        ["Jane Doe is a two-time award-winning journalist"]
    );
    assert_eq!(texts(&jane, ".summary h2"), ["Spring statement", "Budget day"]);

    let politics = site.page("/category/politics/").await;
    assert_eq!(texts(&politics, ".archive-header h1"), ["Category: Politics"]);
    assert_eq!(texts(&politics, ".summary h2"), ["Rail strike", "Budget day"]);
    let budget = site.page("/tag/budget/").await;
    assert_eq!(texts(&budget, ".archive-header h1"), ["Tag: budget"]);
    assert_eq!(texts(&budget, ".summary h2"), ["Spring statement", "Budget day"]);

    let year = site.page("/2024/").await;
    assert_eq!(texts(&year, ".summary h2").len(), 3);
    let january = site.page("/2024/01/").await;
    assert_eq!(texts(&january, ".archive-header h1"), ["Articles from January 2024"]);
    assert_eq!(texts(&january, ".summary h2"), ["Rail strike", "Budget day"]);
    let day = site.page("/2024/01/26/").await;
    assert_eq!(texts(&day, ".summary h2"), ["Budget day"]);
    let empty_month = site.page("/2024/02/").await;
    assert!(empty_month.contains("Nothing has been published here yet."));

    // Links in the byline and kicker lead to these archives.
    let article = site.page("/2024/01/27/rail-strike/").await;
    assert_eq!(attrs(&article, ".byline-name a", "href"), ["/author/sam/"]);
    assert_eq!(
        attrs(&article, ".kicker a", "href"),
        ["/category/politics/", "/category/transport/"]
    );
    assert_eq!(attrs(&article, ".tags a", "href"), ["/tag/unions/"]);
}

#[tokio::test]
async fn missing_things_get_a_real_404_page() {
    let site = Site::start().await;
    site.add_author("jane", "Jane Doe");
    site.publish("jane", "Exists", "2024-01-26 10:00");
    for path in [
        "/nope/",
        "/author/nobody/",
        "/category/none/",
        "/tag/none/",
        "/2024/01/26/missing/",
        "/2024/13/",
        "/static/missing.css",
        "/a/b/c/d/e/f/",
    ] {
        let res = site.get(path).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
        assert!(
            res.headers()["content-type"].to_str().unwrap().starts_with("text/html"),
            "{path}"
        );
        let html = res.text().await.unwrap();
        assert_eq!(texts(&html, ".error h1"), ["Page not found"], "{path}");
        assert!(html.contains("href=\"/\""), "a way back home");
    }
    let res = reqwest::Client::new().delete(site.url("/")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn urls_without_a_trailing_slash_redirect() {
    let site = Site::start().await;
    site.add_author("jane", "Jane Doe");
    let (_, path) = site.publish("jane", "Slash", "2024-01-26 10:00");
    let res = site.get(path.trim_end_matches('/')).await;
    assert_eq!(res.status(), StatusCode::MOVED_PERMANENTLY);
    assert_eq!(location(&res), path);
    let res = site.get("/author/jane").await;
    assert_eq!(location(&res), "/author/jane/");
}

#[tokio::test]
async fn article_bodies_render_markdown_like_a_publication() {
    let site = Site::start().await;
    site.add_author("jane", "Jane Doe");
    let body = "Intro with a [link](https://example.org) and a note.[^n]\n\n## Background\n\n- one\n- two\n\n| Year | Votes |\n|-----:|------:|\n| 2019 | 1,204 |\n\n> We shall fight on the beaches.\n>\n> — Winston Churchill, 1940\n\n![A chart](https://example.org/chart.png)\n\n<script>alert(1)</script>\n\n[^n]: The note.";
    let id = site.new_post(
        "title: Formatting\nauthor: jane\ndate: 2024-01-26\nstatus: published",
        body,
    );
    let page = site.page(&site.path_of(id)).await;
    assert_eq!(texts(&page, ".article-body h2"), ["Background"]);
    assert_eq!(texts(&page, ".article-body ul li"), ["one", "two"]);
    assert_eq!(texts(&page, ".article-body table td"), ["2019", "1,204"]);
    assert_eq!(
        texts(&page, ".article-body figure.quotation blockquote"),
        ["We shall fight on the beaches."]
    );
    assert_eq!(
        texts(&page, ".article-body figure.quotation figcaption"),
        ["— Winston Churchill, 1940"]
    );
    assert_eq!(attrs(&page, ".article-body img", "alt"), ["A chart"]);
    assert_eq!(texts(&page, ".article-body .footnote-definition p"), ["The note."]);
    assert!(!page.contains("<script>alert(1)"), "raw script never reaches the page");
}

#[tokio::test]
async fn pages_are_served_at_their_slug() {
    let site = Site::start().await;
    site.add_author("jane", "Jane Doe");
    let file =
        site.write_file("---\ntitle: About\nauthor: jane\nstatus: published\ncomments: closed\n---\nWho we are.");
    site.cli(&["post", "new", "--page", file.to_str().unwrap()]).ok();
    let about = site.page("/about/").await;
    assert_eq!(texts(&about, "h1.headline"), ["About"]);
    assert!(texts(&about, ".byline").is_empty(), "pages carry no byline");
    assert!(site.cli(&["post", "list", "--pages"]).ok().contains("/about/"));
}

#[tokio::test]
async fn security_headers_and_static_files() {
    let site = Site::start().await;
    let res = site.get("/").await;
    let csp = res.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    let css = attrs(&res.text().await.unwrap(), "link[rel=stylesheet]", "href").remove(0);
    let res = site.get(&css).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["cache-control"].to_str().unwrap().contains("immutable"));
    assert_eq!(site.get("/healthz").await.status(), StatusCode::OK);
}
