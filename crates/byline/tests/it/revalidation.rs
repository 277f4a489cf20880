//! Revalidation with `If-Modified-Since` after a change: feeds and cached
//! pages must answer 200 with the new content, never 304 with the old, with
//! the page cache on and off.

use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::{Response, StatusCode};

use crate::support::{Site, comment_id, form, location};

/// Every kind of feed and page an article shows up in.
fn outputs(article: &str) -> Vec<String> {
    let mut paths: Vec<String> = [
        "/feed/",
        "/feed/atom/",
        "/feed/json/",
        "/comments/feed/",
        "/comments/feed/atom/",
    ]
    .map(str::to_owned)
    .into();
    paths.extend(["feed/", "feed/atom/", "feed/json/"].map(|f| format!("{article}{f}")));
    paths.extend([article.to_owned(), "/".to_owned()]);
    paths
}

/// A site with one published article by Jane, slug `story`, and an
/// approved comment on it.
async fn one_story(title: &str) -> (Site, i64, String) {
    let site = Site::start().await;
    site.add_author("jane", "Jane Doe");
    let id = site.new_post(&front(title), "The text.");
    let path = site.path_of(id);
    let res = site
        .post_comment(&form(&id.to_string(), "First comment.", "Ann", "ann@private.example"))
        .await;
    site.cli(&["comment", "approve", &comment_id(&location(&res)).to_string()])
        .ok();
    (site, id, path)
}

fn front(title: &str) -> String {
    format!("title: \"{title}\"\nslug: story\nauthor: jane\ndate: 2024-01-26 10:00\nstatus: published")
}

fn edit(site: &Site, id: i64, title: &str, body: &str) {
    let file = site.write_file(&format!("---\n{}\n---\n\n{body}\n", front(title)));
    site.cli(&["post", "edit", &id.to_string(), file.to_str().unwrap()])
        .ok();
}

async fn since(site: &Site, path: &str, date: &str) -> Response {
    site.get_with(path, &[("if-modified-since", date)]).await
}

/// The `Last-Modified` a cached page comes to carry (from the second after
/// the cache began keeping it), checked to revalidate while unchanged.
async fn last_modified(site: &Site, path: &str) -> String {
    for _ in 0..50 {
        let res = site.get(path).await;
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        if let Some(date) = res.headers().get("last-modified") {
            let date = date.to_str().unwrap().to_owned();
            let again = since(site, path, &date).await;
            assert_eq!(again.status(), StatusCode::NOT_MODIFIED, "{path} while unchanged");
            return date;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{path} never got a Last-Modified");
}

/// Revalidating `path` with `date` after a change: 200 and a body that passes `shows`.
async fn sees_the_change(site: &Site, path: &str, date: &str, shows: impl Fn(&str) -> bool) {
    let res = since(site, path, date).await;
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "{path}: If-Modified-Since {date} after a change must get the new content"
    );
    let body = res.text().await.unwrap();
    assert!(shows(&body), "{path} after the change: {body}");
}

/// The second a response's `Date` names.
fn date_of(res: &Response) -> DateTime<Utc> {
    let date = res.headers()["date"].to_str().unwrap();
    DateTime::parse_from_rfc2822(date).unwrap().to_utc()
}

/// Finding 10: a title change left the feeds' `Last-Modified` (the newest
/// item's date) where it was, so revalidating with it got 304 and the old
/// title (the comment feeds, whose items are comments, always did).
#[tokio::test]
async fn if_modified_since_after_a_title_change_gets_the_new_title() {
    let (site, id, path) = one_story("Old headline").await;
    let paths = outputs(&path);
    let mut dates = Vec::new();
    for p in &paths {
        dates.push(last_modified(&site, p).await);
    }
    edit(&site, id, "New headline", "The text.");
    for (p, date) in paths.iter().zip(&dates) {
        sees_the_change(&site, p, date, |body| body.contains("New headline")).await;
    }
}

/// Finding 10: approving a comment held since before the newest approved
/// one left the comment feeds' `Last-Modified` (the newest comment's date)
/// where it was, so revalidating got 304 without the comment.
#[tokio::test]
async fn if_modified_since_after_an_older_held_comment_is_approved_gets_it() {
    let (site, id, path) = one_story("Story").await;
    site.cli(&["settings", "set", "comment_moderation", "all"]).ok();
    let early = site
        .post_comment(&form(
            &id.to_string(),
            "Early comment, held.",
            "Bea",
            "bea@private.example",
        ))
        .await;
    let later = site
        .post_comment(&form(&id.to_string(), "Later comment.", "Cy", "cy@private.example"))
        .await;
    site.cli(&["comment", "approve", &comment_id(&location(&later)).to_string()])
        .ok();
    let paths: Vec<String> = outputs(&path)
        .into_iter()
        .filter(|p| p.contains("comments") || p.starts_with(&format!("{path}feed")) || *p == path)
        .collect();
    let mut dates = Vec::new();
    for p in &paths {
        dates.push(last_modified(&site, p).await);
    }
    site.cli(&["comment", "approve", &comment_id(&location(&early)).to_string()])
        .ok();
    for (p, date) in paths.iter().zip(&dates) {
        sees_the_change(&site, p, date, |body| body.contains("Early comment, held.")).await;
    }
}

/// Finding 10: a second edit within the same second as the first left
/// `Last-Modified` on that second, so a reader that fetched between the two
/// edits got 304 and kept the first version. Revalidating with the
/// `Date` or the `Last-Modified` of that fetch must get the second.
#[tokio::test]
async fn if_modified_since_after_two_edits_within_one_second_gets_the_second() {
    let (site, id, path) = one_story("Story").await;
    for p in ["/feed/".to_owned(), "/feed/json/".to_owned(), path.clone()] {
        let mut checked = false;
        for attempt in 0..5 {
            // Start just after a second begins, so both edits fit in it.
            let now = Utc::now();
            let next = DateTime::from_timestamp(now.timestamp() + 1, 20_000_000).unwrap();
            tokio::time::sleep((next - now).to_std().unwrap()).await;
            edit(&site, id, "Story", &format!("First version {attempt}."));
            let first = site.get(&p).await;
            assert_eq!(first.status(), StatusCode::OK);
            let served_at = date_of(&first);
            let mut dates = vec![first.headers()["date"].to_str().unwrap().to_owned()];
            dates.extend(
                first
                    .headers()
                    .get("last-modified")
                    .map(|v| v.to_str().unwrap().to_owned()),
            );
            assert!(
                first
                    .text()
                    .await
                    .unwrap()
                    .contains(&format!("First version {attempt}."))
            );
            let second = format!("Second version {attempt}.");
            edit(&site, id, "Story", &second);
            if Utc::now().timestamp() != served_at.timestamp() {
                continue; // the second edit fell in the next second: try again
            }
            for date in &dates {
                sees_the_change(&site, &p, date, |body| body.contains(&second)).await;
            }
            checked = true;
            break;
        }
        assert!(checked, "{p}: never managed two edits within one second");
    }
}

/// Finding 10: deleting the newest article moved the feed's and the
/// sitemap's `Last-Modified` back to the next article's date, before any
/// date a reader already had, so they kept answering 304 with the deleted
/// article.
#[tokio::test]
async fn if_modified_since_after_the_newest_article_is_deleted_gets_the_shorter_feed() {
    let (site, _, _) = one_story("Story").await;
    let (newest, _) = site.publish("jane", "Newest story", "2024-03-03 10:00");
    let paths = ["/feed/", "/feed/atom/", "/feed/json/", "/", "/sitemap-posts-1.xml"];
    let mut dates = Vec::new();
    for p in paths {
        dates.push(last_modified(&site, p).await);
    }
    site.cli(&["post", "delete", &newest.to_string()]).ok();
    for (p, date) in paths.iter().zip(&dates) {
        sees_the_change(&site, p, date, |body| {
            !body.contains("Newest story") && !body.contains("newest-story")
        })
        .await;
    }
}

/// Finding 10, with the page cache off (`--page-cache-mib 0`): the feed
/// handlers answer conditional requests themselves. They cannot date a
/// feed exactly, so they send no `Last-Modified` and never answer a date
/// with 304; `If-None-Match` still does.
#[tokio::test]
async fn with_the_cache_off_feeds_answer_only_their_etag() {
    let site = Site::start_with(&["--no-sample", "--page-cache-mib", "0"]).await;
    site.add_author("jane", "Jane Doe");
    let id = site.new_post(&front("Old headline"), "The text.");
    let path = site.path_of(id);
    for p in [
        "/feed/",
        "/feed/atom/",
        "/feed/json/",
        "/comments/feed/",
        &format!("{path}feed/"),
        "/sitemap.xml",
    ] {
        let res = site.get(p).await;
        assert_eq!(res.status(), StatusCode::OK, "{p}");
        assert!(res.headers().get("last-modified").is_none(), "{p}: {:?}", res.headers());
        let etag = res.headers()["etag"].to_str().unwrap().to_owned();
        let date = res.headers()["date"].to_str().unwrap().to_owned();
        let again = site.get_with(p, &[("if-none-match", &etag)]).await;
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED, "{p}");
        assert_eq!(since(&site, p, &date).await.status(), StatusCode::OK, "{p}");
    }
    let date = site.get("/feed/").await.headers()["date"].to_str().unwrap().to_owned();
    edit(&site, id, "New headline", "The text.");
    for p in ["/feed/", &format!("{path}feed/")] {
        sees_the_change(&site, p, &date, |body| body.contains("New headline")).await;
    }
}
