//! The "Leave a Reply" form: validation, refusals that keep the visitor's
//! text, duplicates, flooding, closed discussions, malformed requests and
//! "remember me".

use reqwest::StatusCode;

use crate::support::{Site, attrs, comment_id, cookies, form, location, set_cookies, texts};

async fn site_with_article() -> (Site, String, String) {
    let site = Site::start().await;
    site.add_author("jane", "Jane Doe");
    let (id, path) = site.publish("jane", "On the record", "2024-05-01 08:00");
    (site, id.to_string(), path)
}

/// The value of a form field in a re-rendered page.
fn field(html: &str, name: &str) -> String {
    if name == "comment" {
        return scraper::Html::parse_document(html)
            .select(&scraper::Selector::parse("textarea#comment").unwrap())
            .next()
            .map(|e| e.text().collect())
            .unwrap_or_default();
    }
    attrs(html, &format!("input[name=\"{name}\"]"), "value")
        .pop()
        .unwrap_or_default()
}

#[tokio::test]
async fn the_form_is_there_with_wordpress_field_names() {
    let (site, id, path) = site_with_article().await;
    let page = site.page(&path).await;
    assert!(page.contains("Your email address will not be published."));
    assert!(page.contains("Required fields are marked"));
    for name in [
        "comment",
        "author",
        "email",
        "url",
        "comment_post_ID",
        "comment_parent",
        "wp-comment-cookies-consent",
    ] {
        assert_eq!(
            attrs(&page, &format!("#commentform [name=\"{name}\"]"), "name").len(),
            1,
            "field {name}"
        );
    }
    assert_eq!(attrs(&page, "#commentform", "method"), ["post"]);
    assert_eq!(field(&page, "comment_post_ID"), id);
    assert!(page.contains("Save my name, email, and website in this browser for the next time I comment."));
    for label in ["comment", "author", "email", "url"] {
        assert_eq!(
            attrs(&page, &format!("label[for=\"{label}\"]"), "for").len(),
            1,
            "label for {label}"
        );
    }
}

#[tokio::test]
async fn a_valid_comment_redirects_to_its_anchor() {
    let (site, id, path) = site_with_article().await;
    let res = site
        .post_comment(&form(&id, "Well argued.", "Ann", "ann@example.com"))
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let to = location(&res);
    assert!(to.starts_with(&format!("{path}#comment-")), "{to}");
    assert_eq!(
        site.comments_json(Some("pending")).len(),
        1,
        "the comment is stored before the answer"
    );
    assert_eq!(site.comments_json(None)[0]["id"], comment_id(&to));
}

#[tokio::test]
async fn each_invalid_field_is_explained_and_nothing_typed_is_lost() {
    let (site, id, path) = site_with_article().await;
    let long = |n: usize| "x".repeat(n);
    let long_email = format!("{}@example.com", long(95));
    let long_url = format!("https://{}.example", long(200));
    let long_comment = long(65_526);
    let long_name = long(246);
    let cases: Vec<(&str, &str, &str)> = vec![
        ("comment", "  ", "Please type your comment."),
        ("author", "", "Please enter your name."),
        ("email", "", "Please enter your email address."),
        ("email", "not-an-email", "valid email address"),
        ("email", "ann@localhost", "valid email address"),
        ("url", "javascript:alert(1)", "http:// or https://"),
        ("url", "ftp://files.example", "http:// or https://"),
        ("comment", &long_comment, "at most 65525 characters"),
        ("author", &long_name, "at most 245 characters"),
        ("email", &long_email, "at most 100 characters"),
        ("url", &long_url, "at most 200 characters"),
    ];
    for (field_name, value, message) in cases {
        let mut fields: Vec<(&str, &str)> = vec![
            ("comment_post_ID", &id),
            ("comment", "My considered view."),
            ("author", "Ann Reader"),
            ("email", "ann@example.com"),
            ("url", "https://ann.example"),
        ];
        fields
            .iter_mut()
            .filter(|(name, _)| *name == field_name)
            .for_each(|f| f.1 = value);
        let res = site.post_comment(&fields).await;
        assert_eq!(
            res.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field_name}: {message}"
        );
        let html = res.text().await.unwrap();
        let errors = texts(&html, &format!("#{field_name}-error"));
        assert_eq!(errors.len(), 1, "one message at {field_name}");
        assert!(errors[0].contains(message), "{field_name}: {errors:?}");
        assert_eq!(attrs(&html, &format!("#{field_name}"), "aria-invalid"), ["true"]);
        // Everything the visitor typed is still there.
        for (name, value) in &fields {
            if ["comment", "author", "email", "url"].contains(name) {
                assert_eq!(field(&html, name), *value, "{name} kept when {field_name} was wrong");
            }
        }
        assert!(html.contains("On the record"), "the article is shown again");
        assert_eq!(attrs(&html, "link[rel=canonical]", "href"), [site.url(&path)]);
    }
    assert!(site.comments_json(None).is_empty(), "nothing invalid was stored");
}

#[tokio::test]
async fn several_missing_fields_are_reported_together() {
    let (site, id, _) = site_with_article().await;
    let res = site
        .post_comment(&[("comment_post_ID", &id), ("comment", "Only text")])
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert_eq!(texts(&html, "#author-error").len(), 1);
    assert_eq!(texts(&html, "#email-error").len(), 1);
    assert!(texts(&html, "#comment-error").is_empty());
    assert_eq!(field(&html, "comment"), "Only text");
}

#[tokio::test]
async fn duplicates_are_refused_and_the_text_kept() {
    let (site, id, _) = site_with_article().await;
    let fields = form(&id, "Same words twice.", "Ann", "ann@example.com");
    assert_eq!(site.post_comment(&fields).await.status(), StatusCode::SEE_OTHER);
    let res = site.post_comment(&fields).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let html = res.text().await.unwrap();
    assert!(
        texts(&html, "#form-notice")[0].contains("Duplicate comment detected"),
        "{html}"
    );
    assert_eq!(field(&html, "comment"), "Same words twice.");
    // The same text under another name and email is someone else's comment.
    assert_eq!(
        site.post_comment(&form(&id, "Same words twice.", "Bob", "bob@example.com"))
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(site.comments_json(None).len(), 2);
}

#[tokio::test]
async fn a_second_comment_within_fifteen_seconds_is_too_fast() {
    let (site, id, _) = site_with_article().await;
    site.cli(&["settings", "set", "comment_flood_seconds", "15"]).ok();
    let ip = site.fresh_ip();
    let first = site
        .post_comment_as(&form(&id, "First thought.", "Ann", "ann@example.com"), &ip, None)
        .await;
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    let res = site
        .post_comment_as(&form(&id, "Second thought.", "Ann", "ann@example.com"), &ip, None)
        .await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: u32 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=15).contains(&retry), "{retry}");
    let html = res.text().await.unwrap();
    assert!(texts(&html, "#form-notice")[0].contains("too quickly"), "{html}");
    assert_eq!(field(&html, "comment"), "Second thought.");
    // Another address is not affected.
    let other = site
        .post_comment(&form(&id, "Unrelated.", "Bob", "bob@example.com"))
        .await;
    assert_eq!(other.status(), StatusCode::SEE_OTHER);
    // With the check off, the same address may post again at once.
    site.cli(&["settings", "set", "comment_flood_seconds", "0"]).ok();
    let res = site
        .post_comment_as(&form(&id, "Second thought.", "Ann", "ann@example.com"), &ip, None)
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn closed_discussions_say_so_and_refuse_posts() {
    let site = Site::start().await;
    site.add_author("jane", "Jane Doe");
    let id = site.new_post(
        "title: Final word\nauthor: jane\ndate: 2024-05-01\nstatus: published\ncomments: closed",
        "Done.",
    );
    let page = site.page(&site.path_of(id)).await;
    assert_eq!(texts(&page, ".comments-closed"), ["Comments are closed."]);
    assert!(attrs(&page, "#commentform", "action").is_empty(), "no form");
    let res = site
        .post_comment(&form(&id.to_string(), "Let me in.", "Ann", "ann@example.com"))
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let html = res.text().await.unwrap();
    assert!(html.contains("Comments are closed"), "{html}");
    assert!(html.contains("Let me in."), "the text is handed back");
    assert!(site.comments_json(None).is_empty());
}

#[tokio::test]
async fn malformed_requests_get_a_clear_4xx() {
    let (site, id, _) = site_with_article().await;
    let res = site
        .post_comment(&[("comment", "x"), ("author", "A"), ("email", "a@b.co")])
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.text().await.unwrap().contains("comment_post_ID"));
    let res = site.post_comment(&form("abc", "x", "A", "a@b.co")).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let mut bad_parent = form(&id, "x", "A", "a@b.co");
    bad_parent.retain(|(k, _)| *k != "comment_parent");
    bad_parent.push(("comment_parent", "first"));
    assert_eq!(site.post_comment(&bad_parent).await.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        site.post_comment(&form("99999", "x", "A", "a@b.co")).await.status(),
        StatusCode::NOT_FOUND
    );
    let res = reqwest::Client::new()
        .post(site.url("/wp-comments-post.php"))
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert!(res.status().is_client_error(), "{}", res.status());
    let html = res.text().await.unwrap();
    assert!(html.contains("<!doctype html>"), "errors are themed pages: {html}");
}

#[tokio::test]
async fn remember_me_fills_the_form_next_time_only_when_asked() {
    let (site, id, path) = site_with_article().await;
    let mut fields = form(&id, "Remember me.", "Ann Reader", "ann@example.com");
    fields.retain(|(k, _)| *k != "url");
    fields.push(("url", "https://ann.example"));
    fields.push(("wp-comment-cookies-consent", "yes"));
    let res = site.post_comment(&fields).await;
    let jar = cookies(&res);
    assert!(jar.contains("byline_commenter"), "{jar}");
    let page = site.get_with_cookies(&path, &jar).await;
    assert_eq!(page.headers()["cache-control"], "private, no-store");
    let html = page.text().await.unwrap();
    assert_eq!(field(&html, "author"), "Ann Reader");
    assert_eq!(field(&html, "email"), "ann@example.com");
    assert_eq!(field(&html, "url"), "https://ann.example");
    assert_eq!(attrs(&html, "#wp-comment-cookies-consent", "checked").len(), 1);

    // Without the box ticked, nothing is remembered (and old details are forgotten).
    let res = site
        .post_comment_as(
            &form(&id, "Forget me.", "Ann Reader", "ann@example.com"),
            &site.fresh_ip(),
            Some(&jar),
        )
        .await;
    let set = set_cookies(&res);
    assert!(
        set.iter()
            .any(|c| c.starts_with("byline_commenter=") && c.contains("Max-Age=0")),
        "{set:?}"
    );
    let fresh = site.page(&path).await;
    assert_eq!(field(&fresh, "author"), "");
}

#[tokio::test]
async fn cookies_are_secure_when_the_site_is_served_over_https() {
    let (site, id, _) = site_with_article().await;
    let mut fields = form(&id, "Plain HTTP.", "Ann", "ann@example.com");
    fields.push(("wp-comment-cookies-consent", "yes"));
    let res = site.post_comment(&fields).await;
    let set = set_cookies(&res);
    assert!(!set.is_empty() && set.iter().all(|c| !c.contains("Secure")), "{set:?}");
    assert!(
        set.iter().all(|c| c.contains("HttpOnly") && c.contains("SameSite=Lax")),
        "{set:?}"
    );

    site.cli(&["settings", "set", "site_url", "https://news.example"]).ok();
    let mut fields = form(&id, "Over HTTPS.", "Bob", "bob@example.com");
    fields.push(("wp-comment-cookies-consent", "yes"));
    let res = site.post_comment(&fields).await;
    let set = set_cookies(&res);
    assert!(!set.is_empty() && set.iter().all(|c| c.contains("Secure")), "{set:?}");
}
