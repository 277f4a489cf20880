//! What the operator hands the command line: Markdown files whose front
//! matter is checked key by key and value by value, files and pipes of any
//! size, and WordPress exports built to exhaust memory. Each is refused with
//! a clear message that names what is accepted, and changes nothing.

use std::io::Write;
use std::process::Stdio;

use crate::support::{Site, cli_peak_memory};

/// The article size limit (`byline_core::article::MAX_BODY_BYTES`).
const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

fn titles(site: &Site) -> Vec<(String, String)> {
    let list: serde_json::Value = serde_json::from_str(&site.cli(&["post", "list", "--json"]).ok()).unwrap();
    list.as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["title"].as_str().unwrap().to_owned(),
                a["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// Reproduces: front matter was too forgiving: `draft: maybe` and `status:
/// future` published the article, and unknown keys were ignored.
#[tokio::test]
async fn front_matter_refuses_unknown_keys_and_values_naming_the_accepted_ones() {
    let site = Site::start().await;
    site.add_author("jane", "Jane Doe");
    let cases = [
        (
            "draft: maybe",
            "front matter key `draft` must be true or false, not \"maybe\"",
        ),
        (
            "draft: \"false\"",
            "front matter key `draft` must be true or false, not \"false\"",
        ),
        (
            "status: future",
            "front matter key `status` must be one of draft, pending, published, private \
             (a published article dated in the future is scheduled), not \"future\"",
        ),
        ("status: publish", "not \"publish\""),
        ("status: trash", "not \"trash\""),
        (
            "draft: true\nstatus: published",
            "`draft` says draft but `status` says published; keep one",
        ),
        (
            "layout: post",
            "front matter key `layout` is not one byline reads; it reads title, author, date, slug, \
             categories (or category), tags, status, draft, excerpt (or description, summary), comments",
        ),
        ("Status: published", "front matter key `Status` is not one byline reads"),
        ("tag: [budget]", "front matter key `tag` is not one byline reads"),
        (
            "excerpt: one\ndescription: two",
            "gives `excerpt` twice (as `excerpt` and `description`)",
        ),
        (
            "comments: maybe",
            "`comments` must be open or closed (or true or false), not \"maybe\"",
        ),
        (
            "date: 2024-02-30",
            "front matter key `date`: cannot read date \"2024-02-30\"",
        ),
        ("date: yesterday", "cannot read date \"yesterday\": use 2024-01-26"),
    ];
    for (line, message) in cases {
        let file = site.write_file(&format!("---\ntitle: Budget\nauthor: jane\n{line}\n---\n\nText.\n"));
        let err = site.cli(&["post", "new", file.to_str().unwrap()]).fails();
        assert!(err.contains(message), "{line:?}: {err}");
    }
    assert!(titles(&site).is_empty(), "nothing was created");

    // The same checks guard an edit, and a refused edit leaves the article as it was.
    let file = site.write_file("---\ntitle: Budget\nauthor: jane\ndraft: false\n---\n\nText.\n");
    let out = site.cli(&["post", "new", file.to_str().unwrap()]).ok();
    let id = crate::support::created_id(&out).to_string();
    assert_eq!(titles(&site), [("Budget".to_owned(), "published".to_owned())]);
    for (line, message) in cases {
        let file = site.write_file(&format!("---\ntitle: Changed\n{line}\n---\n\nNew text.\n"));
        let err = site.cli(&["post", "edit", &id, file.to_str().unwrap()]).fails();
        assert!(err.contains(message), "edit, {line:?}: {err}");
    }
    assert_eq!(titles(&site), [("Budget".to_owned(), "published".to_owned())]);
    let file = site.write_file("---\ndraft: true\n---\n\nBack to work.\n");
    site.cli(&["post", "edit", &id, file.to_str().unwrap()]).ok();
    assert_eq!(titles(&site), [("Budget".to_owned(), "draft".to_owned())]);
}

/// Reproduces: `byline post new /dev/zero` read 4 GiB before failing; a
/// file, pipe or device is now read no further than an article can be.
#[tokio::test]
async fn post_new_reads_no_more_than_an_article_can_hold() {
    let site = Site::start().await;
    site.add_author("jane", "Jane Doe");
    let started = std::time::Instant::now();
    let (out, peak) = cli_peak_memory(site.data(), &["post", "new", "/dev/zero"], None);
    let err = out.fails();
    assert!(
        err.contains("/dev/zero is too large: an article can have at most 2 MiB of text after 64 KiB of front matter"),
        "{err}"
    );
    assert!(started.elapsed().as_secs() < 30, "it stops at the limit");
    if let Some(mib) = peak {
        assert!(mib < 100.0, "peak memory {mib:.0} MiB reading /dev/zero");
    }

    // An endless pipe.
    let (reader, mut writer) = std::io::pipe().unwrap();
    let feeder = std::thread::spawn(move || {
        let chunk = [b'a'; 64 * 1024];
        let mut sent = 0usize;
        while writer.write_all(&chunk).is_ok() {
            sent += chunk.len();
        }
        sent
    });
    let (out, _) = cli_peak_memory(site.data(), &["post", "new", "/dev/stdin"], Some(Stdio::from(reader)));
    assert!(out.fails().contains("is too large"));
    let sent = feeder.join().unwrap();
    assert!(sent < 64 * MAX_BODY_BYTES, "it stopped reading ({sent} bytes sent)");

    // The limit is the body's: exactly the limit is accepted, one byte more is not.
    let front = "---\ntitle: Long read\nauthor: jane\n---\n";
    let file = site.write_file(&format!("{front}{}", "a".repeat(MAX_BODY_BYTES + 1)));
    let err = site.cli(&["post", "new", file.to_str().unwrap()]).fails();
    assert!(
        err.contains(
            "the text after the front matter is 2097153 bytes; an article can have at most 2 MiB (2097152 bytes)"
        ),
        "{err}"
    );
    assert!(titles(&site).is_empty());
    let file = site.write_file(&format!("{front}{}", "a".repeat(MAX_BODY_BYTES)));
    site.cli(&["post", "new", file.to_str().unwrap()]).ok();
    assert_eq!(titles(&site), [("Long read".to_owned(), "draft".to_owned())]);
}
