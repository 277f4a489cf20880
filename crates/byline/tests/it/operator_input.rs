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
        err.contains("The text is too long: at most 2 MiB (2097152 bytes); this one has 2097153 bytes."),
        "{err}"
    );
    assert!(titles(&site).is_empty());
    let file = site.write_file(&format!("{front}{}", "a".repeat(MAX_BODY_BYTES)));
    site.cli(&["post", "new", file.to_str().unwrap()]).ok();
    assert_eq!(titles(&site), [("Long read".to_owned(), "draft".to_owned())]);
}

/// A gzip file of `head`, then `repeat` copies of `unit` (each copy is a
/// gzip member of its own, which readers decompress as one stream), then
/// `tail`: hundreds of MB of text in a file of a few hundred KB, made in
/// milliseconds.
fn gzip_bomb(path: &std::path::Path, head: &str, unit: &[u8], repeat: usize, tail: &str) -> u64 {
    use flate2::Compression;
    use flate2::write::GzEncoder;
    let member = |bytes: &[u8]| {
        let mut gz = GzEncoder::new(Vec::new(), Compression::best());
        gz.write_all(bytes).unwrap();
        gz.finish().unwrap()
    };
    let unit = member(unit);
    let mut file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    file.write_all(&member(head.as_bytes())).unwrap();
    for _ in 0..repeat {
        file.write_all(&unit).unwrap();
    }
    file.write_all(&member(tail.as_bytes())).unwrap();
    file.flush().unwrap();
    std::fs::metadata(path).unwrap().len()
}

const WXR_HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Bomb</title><wp:wxr_version>1.2</wp:wxr_version>
<wp:author><wp:author_id>9</wp:author_id><wp:author_login>bomber</wp:author_login><wp:author_display_name>Bomber</wp:author_display_name></wp:author>
"#;
const WXR_ITEM: &str = "<item><title>Boom</title><dc:creator>bomber</dc:creator><wp:post_id>99</wp:post_id><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>";
const WXR_TAIL: &str = "</item></channel></rss>\n";

/// Imports `file`, which must fail with `message`; checks the process's
/// peak memory and that the site is as it was.
fn refused_import(site: &Site, file: &std::path::Path, message: &str, max_mib: f64) {
    let before = site.cli(&["post", "list", "--json"]).ok();
    let (out, peak) = cli_peak_memory(site.data(), &["import", "wordpress", file.to_str().unwrap()], None);
    let err = out.fails();
    assert!(err.contains(message), "{err}");
    assert!(
        err.contains("line ") && err.contains("column "),
        "the place is named: {err}"
    );
    if let Some(mib) = peak {
        eprintln!("{}: peak memory {mib:.0} MiB", file.display());
        assert!(mib < max_mib, "peak memory {mib:.0} MiB");
    }
    assert_eq!(site.cli(&["post", "list", "--json"]).ok(), before, "no article changed");
    assert!(
        !site.cli(&["author", "list"]).ok().contains("bomber"),
        "no author was added"
    );
}

/// Reproduces: a 1 GiB gzip bomb imported with 4.1 GiB peak memory (a
/// whitespace text node was kept whole). Here 256 MiB of whitespace
/// between two records, then inside a post body: the import stops at the
/// 16 MiB text limit, at its line, with the site as it was.
#[tokio::test]
async fn a_gzip_bomb_stops_the_import_at_the_text_limit() {
    let site = Site::start().await;
    site.add_author("jane", "Jane Doe");
    site.publish("jane", "Before the import", "2024-05-01 08:00");
    let spaces = vec![b' '; 1 << 20];
    let between = site.data().join("between.xml.gz");
    let size = gzip_bomb(&between, WXR_HEAD, &spaces, 256, &format!("{WXR_ITEM}{WXR_TAIL}"));
    assert!(size < 1 << 20, "the file is small: {size} bytes");
    refused_import(
        &site,
        &between,
        "line 4, column 150: a text or tag starting here is longer than 16 MiB, more than any field of a WordPress export holds",
        150.0,
    );
    let body = site.data().join("body.xml.gz");
    gzip_bomb(
        &body,
        &format!("{WXR_HEAD}{WXR_ITEM}<content:encoded>"),
        &spaces,
        256,
        &format!("</content:encoded>{WXR_TAIL}"),
    );
    refused_import(&site, &body, "longer than 16 MiB", 150.0);
}

/// Reproduces the same kind of bomb built from small pieces: an item with
/// comments without end, and elements nested without end. Each stops at
/// its bound (the record's 128 MiB, 64 levels) instead of exhausting memory.
#[tokio::test]
async fn records_and_nesting_without_end_stop_the_import() {
    let site = Site::start().await;
    let comment = "<wp:comment><wp:comment_id>1</wp:comment_id><wp:comment_content>x</wp:comment_content></wp:comment>";
    let comments = comment.repeat((1 << 20) / comment.len());
    let endless = site.data().join("comments.xml.gz");
    gzip_bomb(
        &endless,
        &format!("{WXR_HEAD}{WXR_ITEM}"),
        comments.as_bytes(),
        256,
        WXR_TAIL,
    );
    refused_import(&site, &endless, "holds more than 128 MiB", 300.0);
    let deep = site.data().join("deep.xml.gz");
    gzip_bomb(&deep, WXR_HEAD, "<x>".repeat(1 << 18).as_bytes(), 64, WXR_TAIL);
    refused_import(&site, &deep, "nested more than 64 deep", 100.0);
}
