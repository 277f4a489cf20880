//! The command line: first start, authors, posts from Markdown files,
//! settings, all while the server runs.

use reqwest::StatusCode;

use crate::support::{Site, cli_in, spawn_server, texts};

#[tokio::test]
async fn a_fresh_site_starts_with_sample_content() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("new-site");
    let (mut server, base, _) = spawn_server(&data, &[]);
    assert!(
        data.join("byline.db").exists(),
        "the data directory and database are created"
    );
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let home = http.get(format!("{base}/")).send().await.unwrap().text().await.unwrap();
    assert!(home.contains("Welcome to byline"), "{home}");
    let link = crate::support::attrs(&home, ".summary h2 a", "href").remove(0);
    let article = http
        .get(format!("{base}{link}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(texts(&article, "h1.headline"), ["Welcome to byline"]);
    assert_eq!(
        texts(&article, ".byline-tagline"),
        [", journalist and political commentator"]
    );
    assert!(texts(&article, ".author-bio")[0].contains("two-time award-winning journalist"));
    assert_eq!(texts(&article, ".comment-list .comment-author"), ["A byline reader"]);
    assert!(article.contains("Leave a Reply"));
    server.kill().unwrap();
    server.wait().unwrap();

    // A restart does not add the sample again, even after it was deleted.
    let list = cli_in(&data, &["post", "list", "--json"]).ok();
    let sample: serde_json::Value = serde_json::from_str(&list).unwrap();
    cli_in(&data, &["post", "delete", &sample[0]["id"].to_string()]).ok();
    let (mut server, base, _) = spawn_server(&data, &[]);
    let home = http.get(format!("{base}/")).send().await.unwrap().text().await.unwrap();
    assert!(!home.contains("Welcome to byline"), "{home}");
    server.kill().unwrap();
    server.wait().unwrap();
}

#[tokio::test]
async fn no_sample_starts_an_empty_site() {
    let site = Site::start().await;
    let home = site.page("/").await;
    assert!(home.contains("Nothing has been published here yet."), "{home}");
    assert_eq!(site.cli(&["author", "list", "--json"]).ok().trim(), "[]");
}

#[tokio::test]
async fn authors_are_added_listed_and_edited() {
    let site = Site::start().await;
    let out = site
        .cli(&[
            "author",
            "add",
            "--login",
            "jane",
            "--name",
            "Jane Doe",
            "--tagline",
            "journalist and political commentator",
            "--bio",
            "Jane Doe is a two-time award-winning journalist",
        ])
        .ok();
    assert!(out.contains("/author/jane/"), "{out}");
    let err = site
        .cli(&["author", "add", "--login", "jane", "--name", "Other"])
        .fails();
    assert!(err.contains("already exists"), "{err}");
    let err = site
        .cli(&["author", "add", "--login", "bad login", "--name", "X"])
        .fails();
    assert!(err.contains("login may contain only"), "{err}");
    let err = site
        .cli(&[
            "author",
            "add",
            "--login",
            "x",
            "--name",
            "X",
            "--website",
            "javascript:alert(1)",
        ])
        .fails();
    assert!(err.contains("http"), "{err}");

    let table = site.cli(&["author", "list"]).ok();
    assert!(table.contains("jane") && table.contains("Jane Doe"), "{table}");

    site.cli(&[
        "author",
        "edit",
        "jane",
        "--tagline",
        "columnist",
        "--website",
        "https://jane.example",
    ])
    .ok();
    let list: serde_json::Value = serde_json::from_str(&site.cli(&["author", "list", "--json"]).ok()).unwrap();
    assert_eq!(list[0]["tagline"], "columnist");
    assert_eq!(
        list[0]["bio"], "Jane Doe is a two-time award-winning journalist",
        "unchanged fields stay"
    );
    let err = site.cli(&["author", "edit", "nobody", "--bio", "x"]).fails();
    assert!(err.contains("no author"), "{err}");

    // The server shows the edit on the next request.
    site.publish("jane", "First", "2024-03-01 09:00");
    let page = site.page("/author/jane/").await;
    assert_eq!(texts(&page, ".author-tagline"), ["columnist"]);
    assert!(page.contains("href=\"https://jane.example\""));
}

#[tokio::test]
async fn posts_come_from_markdown_files_with_front_matter() {
    let site = Site::start().await;
    site.add_author("jane", "Jane Doe");
    let id = site.new_post(
        "title: \"The budget, explained\"\nauthor: jane\ndate: 2024-01-26 10:00\nslug: budget-explained\ncategories: [Politics, Economy]\ntags: [budget, tax]\nstatus: published\nexcerpt: What changes for whom.\ncomments: open",
        "The chancellor spoke.\n\n> A budget is a statement of values.\n>\n> — Someone Wise\n",
    );
    assert_eq!(site.path_of(id), "/2024/01/26/budget-explained/");
    let page = site.page("/2024/01/26/budget-explained/").await;
    assert_eq!(texts(&page, "h1.headline"), ["The budget, explained"]);
    assert_eq!(texts(&page, ".byline-name a"), ["Jane Doe"]);
    assert_eq!(texts(&page, ".byline-dates time"), ["January 26, 2024"]);
    assert_eq!(texts(&page, ".kicker a"), ["Economy", "Politics"]);
    assert_eq!(texts(&page, ".tags a"), ["budget", "tax"]);
    assert_eq!(texts(&page, "figure.quotation figcaption"), ["— Someone Wise"]);
    assert!(texts(&page, ".author-box .author-bio")[0].contains("two-time award-winning"));
    let home = site.page("/").await;
    assert_eq!(texts(&home, ".excerpt"), ["What changes for whom."]);

    // Drafts stay private until published; publishing without a date uses now.
    let draft = site.new_post("title: Work in progress\nauthor: jane", "Not yet.");
    let listed = site.cli(&["post", "list"]).ok();
    assert!(
        listed.contains("Work in progress") && listed.contains("draft"),
        "{listed}"
    );
    assert!(!site.page("/").await.contains("Work in progress"));
    let out = site.cli(&["post", "publish", &draft.to_string()]).ok();
    assert!(out.contains("Published"), "{out}");
    let path = site.path_of(draft);
    assert!(site.page(&path).await.contains("Not yet."));

    // An edit keeps the original date and shows when it was updated.
    let file = site.write_file("---\ntitle: \"The budget, explained (corrected)\"\nauthor: jane\ndate: 2030-01-01\nstatus: published\n---\nThe chancellor spoke on Tuesday.\n");
    site.cli(&["post", "edit", &id.to_string(), file.to_str().unwrap()])
        .ok();
    let page = site.page("/2024/01/26/budget-explained/").await;
    assert_eq!(texts(&page, "h1.headline"), ["The budget, explained (corrected)"]);
    assert!(page.contains("on Tuesday"));
    let dates = texts(&page, ".byline-dates time");
    assert_eq!(dates[0], "January 26, 2024", "the publication date is kept");
    assert_eq!(dates.len(), 2, "an update date is shown: {dates:?}");
    assert_eq!(texts(&page, ".updated").len(), 1);

    let out = site.cli(&["post", "delete", &id.to_string()]).ok();
    assert!(out.contains("Deleted article"), "{out}");
    assert_eq!(
        site.get("/2024/01/26/budget-explained/").await.status(),
        StatusCode::NOT_FOUND
    );
    site.cli(&["post", "delete", &id.to_string()]).fails();
}

#[tokio::test]
async fn bad_markdown_files_are_refused_with_a_reason() {
    let site = Site::start().await;
    site.add_author("jane", "Jane Doe");
    site.add_author("sam", "Sam Roe");
    let cases = [
        ("---\ntitle: x\nauthor: jane\n", "never closed"),
        ("---\ntitle: [oops\n---\nbody", "not valid YAML"),
        ("---\nauthor: jane\n---\nbody", "needs a `title`"),
        ("---\ntitle: x\n---\nbody", "needs `author:`"),
        ("---\ntitle: x\nauthor: nobody\n---\nbody", "no author with login"),
        (
            "---\ntitle: x\nauthor: jane\nstatus: live\n---\nbody",
            "`status` must be one of draft, pending, published, private",
        ),
        (
            "---\ntitle: x\nauthor: jane\ndate: 26/01/2024\n---\nbody",
            "cannot read date",
        ),
        ("---\ntitle: x\nauthor: jane\nslug: Not A Slug\n---\nbody", "slug"),
        (
            "---\ntitle: x\nauthor: jane\ncomments: maybe\n---\nbody",
            "`comments` must be open or closed",
        ),
    ];
    for (content, message) in cases {
        let file = site.write_file(content);
        let err = site.cli(&["post", "new", file.to_str().unwrap()]).fails();
        assert!(err.contains(message), "{content:?}: {err}");
        assert!(
            err.contains(file.file_name().unwrap().to_str().unwrap()),
            "the message names the file: {err}"
        );
    }
    let err = site.cli(&["post", "new", "/nonexistent/file.md"]).fails();
    assert!(err.contains("cannot read"), "{err}");
    assert_eq!(
        site.cli(&["post", "list", "--json"]).ok().trim(),
        "[]",
        "nothing was created"
    );

    // A taken explicit slug is a conflict, not a silent rename.
    site.new_post("title: A\nauthor: jane\nslug: same\nstatus: published", "a");
    let file = site.write_file("---\ntitle: B\nauthor: jane\nslug: same\n---\nb");
    let err = site.cli(&["post", "new", file.to_str().unwrap()]).fails();
    assert!(err.contains("already used"), "{err}");
}

#[tokio::test]
async fn settings_are_listed_validated_and_applied_at_once() {
    let site = Site::start().await;
    let list = site.cli(&["settings", "list"]).ok();
    for key in [
        "title",
        "tagline",
        "timezone",
        "posts_per_page",
        "comment_moderation",
        "thread_comments_depth",
        "comments_per_page",
        "comment_flood_seconds",
    ] {
        assert!(list.contains(key), "{key} missing from {list}");
    }
    let err = site.cli(&["settings", "set", "colour", "red"]).fails();
    assert!(
        err.contains("unknown setting") && err.contains("comment_moderation"),
        "{err}"
    );
    let err = site
        .cli(&["settings", "set", "comment_moderation", "sometimes"])
        .fails();
    assert!(err.contains("all, first_time, none"), "{err}");
    site.cli(&["settings", "set", "timezone", "Mars/Olympus"]).fails();
    site.cli(&["settings", "set", "posts_per_page", "0"]).fails();

    site.cli(&["settings", "set", "title", "The Daily Dissent"]).ok();
    site.cli(&["settings", "set", "tagline", "Opinion without fear"]).ok();
    let home = site.page("/").await;
    assert_eq!(texts(&home, ".site-title"), ["The Daily Dissent"]);
    assert_eq!(texts(&home, ".site-tagline"), ["Opinion without fear"]);
    assert!(site.cli(&["settings", "list"]).ok().contains("The Daily Dissent"));
}

#[tokio::test]
async fn dates_and_urls_follow_the_site_time_zone() {
    let site = Site::start().await;
    site.add_author("jane", "Jane Doe");
    // 23:30 UTC on the 26th is already the 27th in Sydney.
    let id = site.new_post(
        "title: Late\nauthor: jane\ndate: 2024-01-26T23:30:00Z\nstatus: published",
        "x",
    );
    assert_eq!(site.path_of(id), "/2024/01/26/late/");
    site.cli(&["settings", "set", "timezone", "Australia/Sydney"]).ok();
    assert_eq!(site.path_of(id), "/2024/01/27/late/");
    let page = site.page("/2024/01/27/late/").await;
    assert_eq!(texts(&page, ".byline-dates time"), ["January 27, 2024"]);
    // The old URL still leads there.
    let res = site.get("/2024/01/26/late/").await;
    assert_eq!(res.status(), StatusCode::MOVED_PERMANENTLY);
    assert_eq!(crate::support::location(&res), "/2024/01/27/late/");
}
