//! A commenter's email never appears in public output: a crawler that
//! follows every link from the home page finds none of them.

use std::collections::{BTreeSet, VecDeque};

use reqwest::StatusCode;

use crate::support::{Site, attrs, comment_id, form, location};

#[tokio::test]
async fn no_email_address_appears_on_any_public_page() {
    let site = Site::start().await;
    site.add_author("jane", "Jane Doe");
    site.cli(&["author", "edit", "jane", "--email", "jane.private@newsroom.example"])
        .ok();
    site.cli(&["settings", "set", "comments_per_page", "3"]).ok();
    let (a, _) = site.publish("jane", "First piece", "2024-02-01 09:00");
    let (b, _) = site.publish("jane", "Second piece", "2024-02-02 09:00");

    let mut emails = vec!["jane.private@newsroom.example".to_owned()];
    for n in 0..12 {
        let email = format!("commenter.{n}@private-mail.example");
        let article = if n % 2 == 0 { a } else { b }.to_string();
        let mut fields = form(&article, "My view on this.", "Reader", &email);
        fields.retain(|(k, _)| *k != "comment");
        let text = format!("Comment number {n}.");
        fields.push(("comment", &text));
        let res = site.post_comment(&fields).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        // Approve two thirds; leave the rest held.
        if n % 3 != 0 {
            site.cli(&["comment", "approve", &comment_id(&location(&res)).to_string()])
                .ok();
        }
        emails.push(email);
    }

    let mut seen = BTreeSet::new();
    let mut queue = VecDeque::from(["/".to_owned()]);
    let mut pages = 0;
    while let Some(path) = queue.pop_front() {
        if !seen.insert(path.clone()) || seen.len() > 500 {
            continue;
        }
        let res = site.get(&path).await;
        let status = res.status();
        let headers = format!("{:?}", res.headers());
        let body = res.text().await.unwrap();
        for email in &emails {
            let local = email.split('@').next().unwrap();
            for needle in [email.as_str(), local] {
                assert!(!body.contains(needle), "{needle} found in {path}");
                assert!(!headers.contains(needle), "{needle} found in headers of {path}");
            }
        }
        pages += 1;
        if status != StatusCode::OK || !body.contains("<html") {
            continue;
        }
        for attr in ["href", "src"] {
            for link in attrs(&body, &format!("[{attr}]"), attr) {
                let link = link.split('#').next().unwrap_or("");
                let link = link.strip_prefix(&site.base).unwrap_or(link).to_owned();
                if link.starts_with('/') && !link.starts_with("//") {
                    queue.push_back(link);
                }
            }
        }
    }
    assert!(pages > 15, "the crawl reached the site ({pages} responses): {seen:?}");
    assert!(
        seen.iter().any(|p| p.contains("comment-page-2")),
        "comment pages were crawled: {seen:?}"
    );
    assert!(
        seen.iter().any(|p| p.starts_with("/avatar/")),
        "avatars were fetched: {seen:?}"
    );
}
