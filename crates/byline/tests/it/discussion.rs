//! The discussion under an article: moderation, the pending notice,
//! threading, pagination, safe comment text and avatars.

use reqwest::StatusCode;

use crate::support::{Site, attrs, comment_id, cookies, form, location, path_part, texts};

async fn site_with_article() -> (Site, String, String) {
    let site = Site::start().await;
    site.add_author("jane", "Jane Doe");
    let (id, path) = site.publish("jane", "Open thread", "2024-05-01 08:00");
    (site, id.to_string(), path)
}

/// Posts a comment and approves it from the CLI; returns its id.
async fn approved(site: &Site, article: &str, text: &str, name: &str, parent: Option<i64>) -> i64 {
    let email = format!("{}@example.com", name.to_lowercase());
    let parent = parent.map(|p| p.to_string()).unwrap_or_else(|| "0".into());
    let mut fields = form(article, text, name, &email);
    fields.retain(|(k, _)| *k != "comment_parent");
    fields.push(("comment_parent", &parent));
    let res = site.post_comment(&fields).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{text}");
    let id = comment_id(&location(&res));
    site.cli(&["comment", "approve", &id.to_string()]).ok();
    id
}

#[tokio::test]
async fn a_held_comment_is_seen_only_by_its_author_until_approved() {
    let (site, id, path) = site_with_article().await;
    let res = site
        .post_comment(&form(&id, "First time here.", "Ann", "ann@example.com"))
        .await;
    let comment = comment_id(&location(&res));
    let jar = cookies(&res);
    assert!(jar.contains("byline_pending"), "{jar}");

    let own = site.get_with_cookies(&path, &jar).await;
    assert_eq!(own.headers()["cache-control"], "private, no-store");
    let own = own.text().await.unwrap();
    assert_eq!(attrs(&own, &format!("#comment-{comment}.pending"), "id").len(), 1);
    assert!(texts(&own, ".comment-awaiting-moderation")[0].contains("Your comment is awaiting moderation"));

    let anyone = site.page(&path).await;
    assert!(!anyone.contains("First time here."), "others do not see it");
    assert!(!anyone.contains("awaiting moderation"));
    // A forged cookie is ignored.
    let forged = site
        .get_with_cookies(&path, &format!("byline_pending={comment}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(!forged.contains("First time here."));

    assert_eq!(site.comments_json(Some("pending"))[0]["id"], comment);
    let out = site.cli(&["comment", "approve", &comment.to_string()]).ok();
    assert!(out.contains("approved"), "{out}");
    let anyone = site.page(&path).await;
    assert!(anyone.contains("First time here."));
    assert_eq!(texts(&anyone, "#comments-title"), ["One response to “Open thread”"]);
    let own = site.get_with_cookies(&path, &jar).await.text().await.unwrap();
    assert!(
        !own.contains("awaiting moderation"),
        "approved comments are no longer marked"
    );

    // Known name and email from Ann's browser now go straight through; a new
    // name with the same email does not.
    let res = site
        .post_comment_as(
            &form(&id, "Back again.", "Ann", "ann@example.com"),
            &site.fresh_ip(),
            Some(&jar),
        )
        .await;
    assert!(site.page(&path).await.contains("Back again."));
    assert!(!cookies(&res).contains("byline_pending"));
    site.post_comment(&form(&id, "Who am I?", "Not Ann", "ann@example.com"))
        .await;
    assert!(!site.page(&path).await.contains("Who am I?"));
}

#[tokio::test]
async fn moderation_follows_the_setting() {
    let (site, id, path) = site_with_article().await;
    site.cli(&["settings", "set", "comment_moderation", "none"]).ok();
    site.post_comment(&form(&id, "Straight in.", "Ann", "ann@example.com"))
        .await;
    assert!(site.page(&path).await.contains("Straight in."));
    site.cli(&["settings", "set", "comment_moderation", "all"]).ok();
    site.post_comment(&form(&id, "Held although known.", "Ann", "ann@example.com"))
        .await;
    assert!(!site.page(&path).await.contains("Held although known."));
}

#[tokio::test]
async fn moderation_commands_change_what_readers_see() {
    let (site, id, path) = site_with_article().await;
    let a = approved(&site, &id, "Keep me.", "Ann", None).await;
    let b = approved(&site, &id, "Buy pills.", "Spammer", None).await;
    let c = approved(&site, &id, "Regret this.", "Cat", None).await;
    let reply = approved(&site, &id, "Reply to Cat.", "Dan", Some(c)).await;
    site.cli(&["comment", "spam", &b.to_string()]).ok();
    site.cli(&["comment", "trash", &c.to_string()]).ok();
    let page = site.page(&path).await;
    assert!(page.contains("Keep me.") && !page.contains("Buy pills.") && !page.contains("Regret this."));
    assert_eq!(site.comments_json(Some("spam"))[0]["id"], b);
    assert_eq!(site.comments_json(Some("trash"))[0]["id"], c);
    let table = site.cli(&["comment", "list"]).ok();
    assert!(
        table.contains("Keep me.") && table.contains("ann@example.com"),
        "{table}"
    );

    site.cli(&["comment", "delete", &c.to_string()]).ok();
    let left: Vec<i64> = site
        .comments_json(None)
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    assert!(!left.contains(&c) && left.contains(&reply) && left.contains(&a));
    let page = site.page(&path).await;
    assert!(page.contains("Reply to Cat."), "a reply outlives its deleted parent");
    let err = site.cli(&["comment", "approve", "99999"]).fails();
    assert!(err.contains("not found"), "{err}");
}

#[tokio::test]
async fn replies_nest_under_their_parent_up_to_the_depth_limit() {
    let (site, id, path) = site_with_article().await;
    site.cli(&["settings", "set", "thread_comments_depth", "3"]).ok();
    let top = approved(&site, &id, "Level one.", "Ann", None).await;
    let two = approved(&site, &id, "Level two.", "Bob", Some(top)).await;
    let three = approved(&site, &id, "Level three.", "Cat", Some(two)).await;

    let page = site.page(&path).await;
    assert_eq!(
        texts(
            &page,
            &format!("#comment-{top} > ol.children > #comment-{two} > ol.children > #comment-{three} .comment-content")
        ),
        ["Level three."]
    );
    let reply_links = attrs(&page, ".comment-reply-link", "href");
    assert_eq!(
        reply_links,
        [
            format!("{path}?replytocom={top}#respond"),
            format!("{path}?replytocom={two}#respond")
        ],
        "no reply link at the deepest level"
    );

    // The no-JavaScript reply link sets the parent and says whom you answer.
    let replying = site.page(&format!("{path}?replytocom={two}")).await;
    assert_eq!(attrs(&replying, "#comment_parent", "value"), [two.to_string()]);
    assert!(texts(&replying, "#reply-title")[0].starts_with("Reply to Bob"));

    // The server enforces the depth, whatever the form says.
    let mut deep = form(&id, "Level four.", "Dan", "dan@example.com");
    deep.retain(|(k, _)| *k != "comment_parent");
    let three_s = three.to_string();
    deep.push(("comment_parent", &three_s));
    let res = site.post_comment(&deep).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(
        texts(&html, "#form-notice")[0].contains("cannot nest deeper than 3"),
        "{html}"
    );
    assert!(html.contains("Level four."), "the text is kept");
}

#[tokio::test]
async fn a_parent_must_be_an_approved_comment_of_the_same_article() {
    let (site, id, _) = site_with_article().await;
    let (other, _) = site.publish("jane", "Another piece", "2024-05-02 08:00");
    let elsewhere = approved(&site, &other.to_string(), "Elsewhere.", "Ann", None).await;
    let held = comment_id(&location(
        &site.post_comment(&form(&id, "Held.", "Bob", "bob@example.com")).await,
    ));
    for parent in [elsewhere, held, 99_999] {
        let mut fields = form(&id, "A reply.", "Cat", "cat@example.com");
        fields.retain(|(k, _)| *k != "comment_parent");
        let p = parent.to_string();
        fields.push(("comment_parent", &p));
        let res = site.post_comment(&fields).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "parent {parent}");
        assert!(res.text().await.unwrap().contains("not available on this article"));
    }
}

#[tokio::test]
async fn long_discussions_are_paginated_by_thread() {
    let (site, id, path) = site_with_article().await;
    site.cli(&["settings", "set", "comments_per_page", "2"]).ok();
    let mut tops = Vec::new();
    for n in 1..=5 {
        tops.push(approved(&site, &id, &format!("Thread {n}."), &format!("Reader{n}"), None).await);
    }
    let reply = approved(&site, &id, "Reply in thread 1.", "Replier", Some(tops[0])).await;

    let first = site.page(&path).await;
    assert_eq!(
        texts(&first, ".comment-list > li > .comment-body .comment-content"),
        ["Thread 1.", "Thread 2."]
    );
    assert!(first.contains("Reply in thread 1."), "replies stay with their thread");
    assert_eq!(texts(&first, "#comments-title"), ["6 responses to “Open thread”"]);
    let next = attrs(&first, ".comments .pagination a.next", "href");
    assert_eq!(next[0], format!("{path}comment-page-2/#comments"));
    let third = site.page(&format!("{path}comment-page-3/")).await;
    assert_eq!(
        texts(&third, ".comment-list > li > .comment-body .comment-content"),
        ["Thread 5."]
    );
    assert_eq!(
        site.get(&format!("{path}comment-page-4/")).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        site.get(&format!("{path}comment-page-0/")).await.status(),
        StatusCode::NOT_FOUND
    );

    // After posting, the visitor lands on the page that shows their comment.
    let res = site
        .post_comment(&form(&id, "Thread 6.", "Reader6", "reader6@example.com"))
        .await;
    let to = location(&res);
    assert_eq!(path_part(&to), format!("{path}comment-page-3/"), "{to}");
    let jar = cookies(&res);
    let own = site.get_with_cookies(path_part(&to), &jar).await.text().await.unwrap();
    assert!(own.contains("Thread 6."), "the held comment shows on that page");
    let _ = reply;
}

#[tokio::test]
async fn comment_text_is_safe_markdown() {
    let (site, id, path) = site_with_article().await;
    let text = "I *disagree*, see [my post](https://ann.example/post).\n\n<script>alert('x')</script> <b>bold?</b>\n\n> quoted line\n\n`code` and [bad](javascript:alert(1))";
    approved(&site, &id, text, "Ann", None).await;
    let page = site.page(&path).await;
    let content = scraper::Html::parse_document(&page);
    let sel = scraper::Selector::parse(".comment-content").unwrap();
    let html = content.select(&sel).next().unwrap().inner_html();
    assert!(html.contains("<em>disagree</em>"), "{html}");
    assert!(
        html.contains(r#"<a href="https://ann.example/post" rel="nofollow ugc noopener">my post</a>"#),
        "{html}"
    );
    assert!(
        html.contains("&lt;script&gt;alert('x')&lt;/script&gt;"),
        "raw HTML is shown as text: {html}"
    );
    assert!(html.contains("&lt;b&gt;bold?&lt;/b&gt;"), "{html}");
    assert!(
        html.contains("<blockquote>") && html.contains("<code>code</code>"),
        "{html}"
    );
    assert!(
        !page.contains("<script>") && !page.contains("javascript:"),
        "no script anywhere"
    );
}

#[tokio::test]
async fn commenter_names_link_to_their_sites_and_avatars_are_identicons() {
    let (site, id, path) = site_with_article().await;
    let mut fields = form(&id, "Hello.", "Ann", "ann@example.com");
    fields.retain(|(k, _)| *k != "url");
    fields.push(("url", "https://ann.example"));
    let res = site.post_comment(&fields).await;
    site.cli(&["comment", "approve", &comment_id(&location(&res)).to_string()])
        .ok();
    let page = site.page(&path).await;
    assert_eq!(attrs(&page, ".comment-author a", "href"), ["https://ann.example"]);
    assert_eq!(attrs(&page, ".comment-author a", "rel"), ["external nofollow ugc"]);
    let avatar = attrs(&page, ".comment-meta img.avatar", "src").remove(0);
    assert!(avatar.starts_with("/avatar/") && avatar.ends_with(".svg"), "{avatar}");
    let svg = site.get(&avatar).await;
    assert_eq!(svg.headers()["content-type"], "image/svg+xml");
    assert!(svg.text().await.unwrap().starts_with("<svg"));
    assert_eq!(site.get("/avatar/not-a-key.svg").await.status(), StatusCode::NOT_FOUND);
}
