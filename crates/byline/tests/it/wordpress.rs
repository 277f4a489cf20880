//! WordPress migration: the real export of a WordPress 6.1 site, checked
//! against its manifest of ground truth; every old link; bad files.

use std::collections::BTreeMap;
use std::path::PathBuf;

use reqwest::StatusCode;
use serde_json::Value;

use crate::support::{Site, attrs, location, texts};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/wordpress")
        .join(name)
}

fn manifest() -> Value {
    serde_json::from_str(&std::fs::read_to_string(fixture("small.manifest.json")).unwrap()).unwrap()
}

/// The path of one of the old site's URLs.
fn old_path(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.find('/').map_or("/".to_owned(), |i| rest[i..].to_owned())
}

/// The paths of one of the manifest's lists of old URLs.
fn old_paths(m: &Value, list: &str) -> Vec<String> {
    m[list]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| old_path(u.as_str().unwrap()))
        .collect()
}

async fn imported() -> Site {
    let site = Site::start().await;
    let out = site
        .cli(&["import", "wordpress", fixture("small.wxr.xml").to_str().unwrap()])
        .ok();
    assert!(out.contains("Imported"), "{out}");
    site
}

/// Follows at most one redirect and returns the final status and path.
async fn resolve(site: &Site, path: &str) -> (StatusCode, StatusCode, String) {
    let first = site.get(path).await;
    let status = first.status();
    if status.is_redirection() {
        let to = location(&first);
        let to = to.strip_prefix(&site.base).unwrap_or(&to).to_owned();
        let second = site.get(&to).await;
        (status, second.status(), to)
    } else {
        (status, status, path.to_owned())
    }
}

#[tokio::test]
async fn the_fixture_imports_with_every_figure_of_its_manifest() {
    let site = imported().await;
    let m = manifest();
    let posts: Vec<Value> = serde_json::from_str(&site.cli(&["post", "list", "--json"]).ok()).unwrap();
    let mut by_status: BTreeMap<String, u64> = BTreeMap::new();
    for p in &posts {
        *by_status.entry(p["status"].as_str().unwrap().to_owned()).or_default() += 1;
    }
    let expected = &m["counts"]["posts_by_status"];
    assert_eq!(by_status.get("published").copied(), expected["publish"].as_u64());
    assert_eq!(by_status.get("draft").copied(), expected["draft"].as_u64());
    assert_eq!(by_status.get("private").copied(), expected["private"].as_u64());
    let pages: Vec<Value> = serde_json::from_str(&site.cli(&["post", "list", "--json", "--pages"]).ok()).unwrap();
    assert_eq!(
        pages.len() as u64,
        m["counts"]["pages_by_status"]["publish"].as_u64().unwrap()
    );

    let comments = site.comments_json(None);
    let wxr = &m["wxr"]["comments_by_approved"];
    assert_eq!(comments.len() as u64, m["wxr"]["comments_total"].as_u64().unwrap());
    for (status, key) in [("approved", "approved"), ("pending", "pending"), ("trash", "trash")] {
        let n = comments.iter().filter(|c| c["status"] == status).count() as u64;
        assert_eq!(n, wxr[key].as_u64().unwrap(), "{status} comments");
    }
    let authors: Vec<Value> = serde_json::from_str(&site.cli(&["author", "list", "--json"]).ok()).unwrap();
    assert_eq!(authors.len() as u64, m["counts"]["authors"].as_u64().unwrap());
    for a in m["authors"].as_array().unwrap() {
        let ours = authors
            .iter()
            .find(|x| x["login"] == a["login"])
            .expect("author imported");
        assert_eq!(ours["name"], a["display_name"]);
    }
    for c in m["categories"]
        .as_array()
        .unwrap()
        .iter()
        .chain(m["tags"].as_array().unwrap())
    {
        let kind = if m["categories"].as_array().unwrap().contains(c) {
            "category"
        } else {
            "tag"
        };
        let path = format!("/{kind}/{}/", c["slug"].as_str().unwrap());
        assert_eq!(site.get(&path).await.status(), StatusCode::OK, "{path}");
    }

    // Each public post shows its approved comments, threaded as in WordPress.
    let mut deepest = 0;
    for p in m["posts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["status"] == "publish" && p["password_protected"] == false)
    {
        let path = old_path(p["permalink"].as_str().unwrap());
        let (_, status, path) = resolve(&site, &path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        let page = site.page(&path).await;
        let approved = p["comments"]["approved"].as_u64().unwrap_or(0);
        assert_eq!(
            texts(&page, ".comment-list .comment-content").len() as u64,
            approved,
            "{path}"
        );
        for depth in 1..=6 {
            if !texts(&page, &format!(".comment.depth-{depth}")).is_empty() {
                deepest = deepest.max(depth);
            }
        }
    }
    assert_eq!(deepest, m["counts"]["max_thread_depth_all_approved"].as_u64().unwrap());

    // Pingbacks keep their type.

    let mut found = false;
    for p in m["posts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["status"] == "publish")
    {
        let (_, _, path) = resolve(&site, &old_path(p["permalink"].as_str().unwrap())).await;
        let page = site.page(&path).await;
        if let Some(label) = texts(&page, "li.pingback .comment-author").pop() {
            assert!(
                label.starts_with("Pingback: ") && label.contains('»') && !label.contains("&raquo;"),
                "{label}"
            );
            found = true;
        }
    }
    assert!(found, "the pingback is shown as one");
}

#[tokio::test]
async fn every_old_link_answers_200_or_a_redirect_to_a_200() {
    let site = imported().await;
    let m = manifest();
    let mut paths = old_paths(&m, "public_permalinks");
    paths.extend(old_paths(&m, "password_protected_permalinks"));
    for p in m["posts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["status"] == "publish")
    {
        let id = p["id"].as_i64().unwrap();
        paths.push(if p["type"] == "page" {
            format!("/?page_id={id}")
        } else {
            format!("/?p={id}")
        });
        let url = old_path(p["permalink"].as_str().unwrap());
        if p["type"] == "post" {
            // The "month and name" and "post name" structures of the same post.
            let parts: Vec<&str> = url.trim_matches('/').split('/').collect();
            paths.push(format!("/{}/{}/{}/", parts[0], parts[1], parts[3]));
            paths.push(format!("/{}/", parts[3]));
            paths.push(format!("{url}feed/"));
            paths.push(format!("/{}/feed/", parts[3]));
        }
    }
    for c in m["categories"].as_array().unwrap() {
        let slug = c["slug"].as_str().unwrap();
        paths.push(match c["parent"].as_str() {
            Some(parent) => format!("/category/{parent}/{slug}/"),
            None => format!("/category/{slug}/"),
        });
    }
    for a in m["authors"].as_array().unwrap() {
        paths.push(format!("/author/{}/", a["login"].as_str().unwrap()));
    }
    paths.extend(
        [
            "/2023/",
            "/2023/01/",
            "/2024/05/25/",
            "/page/2/",
            "/feed/",
            "/comments/feed/",
            "/feed/atom/",
        ]
        .map(str::to_owned),
    );
    for path in paths {
        let (first, last, to) = resolve(&site, &path).await;
        assert!(
            first == StatusCode::OK || (first == StatusCode::MOVED_PERMANENTLY && last == StatusCode::OK),
            "{path} answered {first} then {last} at {to}"
        );
    }
    // Comment anchors land on the same comment.
    let bench = old_path(m["roles"]["bench_article"]["url"].as_str().unwrap());
    let (_, _, bench) = resolve(&site, &bench).await;
    let page = site.page(&bench).await;
    assert_eq!(
        attrs(&page, ".comment-list li.comment", "id").len() as u64,
        m["roles"]["bench_article"]["approved_comments"].as_u64().unwrap()
    );
    let wxr = std::fs::read_to_string(fixture("small.wxr.xml")).unwrap();
    let bench_id = m["roles"]["bench_article"]["id"].as_i64().unwrap();
    let item = wxr
        .split("<item>")
        .find(|i| i.contains(&format!("<wp:post_id>{bench_id}</wp:post_id>")))
        .unwrap();
    let mut old_anchors: Vec<String> = item
        .split("<wp:comment>")
        .skip(1)
        .filter(|c| c.contains("<wp:comment_approved><![CDATA[1]]>"))
        .filter_map(|c| {
            c.split("<wp:comment_id>")
                .nth(1)?
                .split('<')
                .next()
                .map(|id| format!("comment-{id}"))
        })
        .collect();
    let mut anchors = attrs(&page, ".comment-list li.comment", "id");
    old_anchors.sort();
    anchors.sort();
    assert_eq!(anchors, old_anchors, "#comment-ID anchors land on the same comments");
}

#[tokio::test]
async fn held_spam_and_trashed_comments_and_emails_stay_private() {
    let site = imported().await;
    let m = manifest();
    let wxr = std::fs::read_to_string(fixture("small.wxr.xml")).unwrap();
    let emails: Vec<String> = wxr
        .split("<wp:comment_author_email><![CDATA[")
        .skip(1)
        .chain(wxr.split("<wp:author_email><![CDATA[").skip(1))
        .filter_map(|s| s.split("]]>").next())
        .filter(|e| e.contains('@'))
        .map(str::to_owned)
        .collect();
    assert!(emails.len() > 50, "{}", emails.len());
    let all = site.comments_json(None);
    let approved: Vec<&str> = all
        .iter()
        .filter(|c| c["status"] == "approved")
        .map(|c| c["body"].as_str().unwrap())
        .collect();
    // Held, spam and trashed comments, unless an approved one says the same.
    let hidden: Vec<String> = all
        .iter()
        .filter(|c| c["status"] != "approved")
        .map(|c| c["body"].as_str().unwrap())
        .filter(|b| b.len() > 20 && !approved.iter().any(|a| a.contains(b) || b.contains(a)))
        // The first line, cut before anything HTML would escape.
        .map(|b| {
            b.lines()
                .next()
                .unwrap_or("")
                .split(['&', '<', '>', '"', '\\'])
                .next()
                .unwrap_or("")
                .to_owned()
        })
        .filter(|line| line.len() > 40)
        .collect();
    assert!(!hidden.is_empty());
    let mut paths = old_paths(&m, "public_permalinks");
    paths.extend(["/", "/feed/", "/comments/feed/", "/comments/feed/json/", "/sitemap.xml"].map(str::to_owned));
    for path in paths {
        let (_, _, path) = resolve(&site, &path).await;
        let body = site.get(&path).await.text().await.unwrap();
        for e in &emails {
            assert!(!body.contains(e.as_str()), "{e} appears on {path}");
        }
        for text in &hidden {
            assert!(
                !body.contains(text.as_str()),
                "a non-approved comment appears on {path}: {text}"
            );
        }
    }
}

#[tokio::test]
async fn protected_and_sticky_posts_behave_as_in_wordpress() {
    let site = imported().await;
    let m = manifest();
    let path = old_path(m["roles"]["password_post"]["url"].as_str().unwrap());
    let (_, _, path) = resolve(&site, &path).await;
    let locked = site.get(&path).await;
    assert_eq!(locked.status(), StatusCode::OK);
    let html = locked.text().await.unwrap();
    assert_eq!(
        attrs(&html, "form.post-password-form input[name=post_password]", "type"),
        ["password"]
    );
    assert!(texts(&html, ".article-body").is_empty() && texts(&html, ".comment-list").is_empty());
    assert!(!site.page("/feed/").await.contains("police overtime</p>"));

    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let wrong = client
        .post(site.url("/wp-login.php?action=postpass"))
        .form(&[("post_password", "nope"), ("redirect_to", &path)])
        .send()
        .await
        .unwrap();
    let cookie = crate::support::cookies(&wrong);
    let still = site.get_with_cookies(&path, &cookie).await.text().await.unwrap();
    assert!(
        texts(&still, ".article-body").is_empty(),
        "a wrong password does not unlock"
    );
    let right = client
        .post(site.url("/wp-login.php?action=postpass"))
        .form(&[("post_password", "ledger-12"), ("redirect_to", &path)])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&right), path);
    let cookie = crate::support::cookies(&right);
    let open = site.get_with_cookies(&path, &cookie).await.text().await.unwrap();
    assert!(!texts(&open, ".article-body").is_empty(), "the right password unlocks");
    assert_eq!(texts(&open, ".comment-list .comment-content").len(), 1);

    let sticky = m["counts"]["sticky_posts"][0].as_i64().unwrap();
    let sticky_title = m["posts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == sticky)
        .unwrap()["title"]
        .as_str()
        .unwrap()
        .to_owned();
    let home = site.page("/").await;
    assert_eq!(
        texts(&home, ".summary h2")[0],
        sticky_title,
        "the sticky post leads the home page"
    );
}

#[tokio::test]
async fn running_the_same_import_again_changes_nothing() {
    let site = imported().await;
    let before_posts = site.cli(&["post", "list", "--json"]).ok();
    let before_comments = site.comments_json(None).len();
    let out = site
        .cli(&["import", "wordpress", fixture("small.wxr.xml").to_str().unwrap()])
        .ok();
    assert!(out.contains("already there"), "{out}");
    assert_eq!(site.cli(&["post", "list", "--json"]).ok(), before_posts);
    assert_eq!(site.comments_json(None).len(), before_comments);
}

#[tokio::test]
async fn a_dry_run_reports_and_changes_nothing() {
    let site = Site::start().await;
    let out = site
        .cli(&[
            "import",
            "wordpress",
            "--dry-run",
            fixture("small.wxr.xml").to_str().unwrap(),
        ])
        .ok();
    assert!(out.contains("Dry run") && out.contains("posts"), "{out}");
    assert!(out.contains("no author bio or website"), "{out}");
    assert_eq!(site.cli(&["post", "list", "--json"]).ok().trim(), "[]");
    assert!(site.comments_json(None).is_empty());
}

#[tokio::test]
async fn importing_into_a_site_with_content_keeps_both() {
    let site = Site::start_with(&[]).await; // with the sample article
    site.cli(&["settings", "set", "comment_flood_seconds", "0"]).ok();
    site.cli(&["import", "wordpress", fixture("small.wxr.xml").to_str().unwrap()])
        .ok();
    let home = site.page("/").await;
    assert!(
        home.contains("Welcome to byline"),
        "the sample article is still there: {home}"
    );
    let posts: Vec<Value> = serde_json::from_str(&site.cli(&["post", "list", "--json"]).ok()).unwrap();
    assert_eq!(posts.len(), 43, "42 imported posts and the sample");
}

/// A small export with the given items, for the edge cases.
pub(crate) fn wxr(items: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<title>Edge</title>
<wp:wxr_version>1.2</wp:wxr_version>
<wp:author><wp:author_id>1</wp:author_id><wp:author_login><![CDATA[ed]]></wp:author_login><wp:author_email><![CDATA[ed@edge.example]]></wp:author_email><wp:author_display_name><![CDATA[Ed Itor]]></wp:author_display_name></wp:author>
{items}
</channel>
</rss>
"#
    )
}

pub(crate) fn post(id: i64, slug: &str, extra: &str) -> String {
    format!(
        r#"<item><title><![CDATA[Post {id}]]></title><dc:creator><![CDATA[ed]]></dc:creator>
<content:encoded><![CDATA[First paragraph.

Second paragraph with [contact-form-7 id="3"] inside.]]></content:encoded>
<wp:post_id>{id}</wp:post_id><wp:post_date><![CDATA[2024-03-01 10:00:00]]></wp:post_date><wp:post_date_gmt><![CDATA[2024-03-01 10:00:00]]></wp:post_date_gmt>
<wp:comment_status><![CDATA[open]]></wp:comment_status><wp:post_name><![CDATA[{slug}]]></wp:post_name><wp:status><![CDATA[publish]]></wp:status><wp:post_type><![CDATA[post]]></wp:post_type>{extra}</item>"#
    )
}

#[tokio::test]
async fn edge_cases_are_handled_and_reported() {
    let site = Site::start().await;
    let old_slug = r#"<wp:postmeta><wp:meta_key><![CDATA[_wp_old_slug]]></wp:meta_key><wp:meta_value><![CDATA[first-name]]></wp:meta_value></wp:postmeta>"#;
    let orphan = r#"<wp:comment><wp:comment_id>7</wp:comment_id><wp:comment_author><![CDATA[Ann]]></wp:comment_author><wp:comment_author_email><![CDATA[ann@edge.example]]></wp:comment_author_email><wp:comment_date_gmt><![CDATA[2024-03-02 10:00:00]]></wp:comment_date_gmt><wp:comment_content><![CDATA[I <em>agree</em>.]]></wp:comment_content><wp:comment_approved><![CDATA[1]]></wp:comment_approved><wp:comment_parent>99</wp:comment_parent></wp:comment>"#;
    let file = site.write_file(&wxr(&format!(
        "{}{}",
        post(10, "renamed", &format!("{old_slug}{orphan}")),
        post(11, "", "")
    )));
    let out = site.cli(&["import", "wordpress", file.to_str().unwrap()]).ok();
    assert!(out.contains("[contact-form-7]"), "unknown shortcodes are listed: {out}");
    assert!(out.contains("comment 7 replies to comment 99"), "{out}");
    let page = site.page("/2024/03/01/renamed/").await;
    assert_eq!(
        texts(&page, ".article-body p")[0],
        "First paragraph.",
        "wpautop paragraphs"
    );
    assert!(
        page.contains("[contact-form-7 id=\"3\"]") || page.contains("[contact-form-7 id=&quot;3&quot;]"),
        "kept as text"
    );
    assert_eq!(
        texts(&page, ".comment-content em"),
        ["agree"],
        "comment markup survives"
    );
    let (first, last, to) = resolve(&site, "/2024/03/01/first-name/").await;
    assert_eq!(
        (first, last, to.as_str()),
        (StatusCode::MOVED_PERMANENTLY, StatusCode::OK, "/2024/03/01/renamed/")
    );
    assert_eq!(
        site.get("/2024/03/01/post-11/").await.status(),
        StatusCode::OK,
        "an empty slug comes from the title"
    );
}

#[tokio::test]
async fn bad_files_stop_cleanly_with_line_and_column() {
    let site = Site::start().await;
    let good = wxr(&post(10, "fine", ""));
    let cases = [
        (good[..good.len() - 40].to_owned(), "truncated"),
        (good.replace("</wp:status>", "</wp:stat>"), "invalid XML"),
        ("<html><body>hello</body></html>".to_owned(), "not a WordPress export"),
        (
            good.replace("<dc:creator><![CDATA[ed]]>", "<dc:creator><![CDATA[ghost]]>"),
            "not among the export's authors",
        ),
    ];
    for (content, message) in cases {
        let file = site.write_file(&content);
        let err = site.cli(&["import", "wordpress", file.to_str().unwrap()]).fails();
        assert!(err.contains(message), "{message}: {err}");
        if message != "not among the export's authors" {
            assert!(err.contains("line ") && err.contains("column "), "{err}");
        }
        assert!(
            err.contains("Nothing was imported") || message == "not among the export's authors",
            "{err}"
        );
        assert_eq!(
            site.cli(&["post", "list", "--json"]).ok().trim(),
            "[]",
            "{message}: the site is unchanged"
        );
        assert_eq!(
            site.cli(&["author", "list", "--json"]).ok().trim(),
            "[]",
            "{message}: the site is unchanged"
        );
    }
    let err = site.cli(&["import", "wordpress", "/nonexistent.xml"]).fails();
    assert!(err.contains("cannot open"), "{err}");
}

/// What a reader can see of a site, without store ids.
async fn public_view(site: &Site) -> (Vec<Value>, BTreeMap<String, usize>, Vec<Vec<String>>) {
    let mut posts: Vec<Value> = serde_json::from_str(&site.cli(&["post", "list", "--json"]).ok()).unwrap();
    for p in &mut posts {
        let o = p.as_object_mut().unwrap();
        o.remove("id");
        o.remove("author_id");
    }
    posts.sort_by_key(|p| p["path"].as_str().unwrap_or("").to_owned() + p["title"].as_str().unwrap());
    let mut by_status = BTreeMap::new();
    for c in site.comments_json(None) {
        *by_status.entry(c["status"].as_str().unwrap().to_owned()).or_default() += 1;
    }
    let mut discussions = Vec::new();
    for p in posts.iter().filter(|p| p["status"] == "published").take(12) {
        let page = site.page(p["path"].as_str().unwrap()).await;
        let mut seen = texts(&page, ".comment-list .comment-author");
        seen.extend(texts(&page, ".comment-list .comment-content"));
        seen.extend(attrs(&page, ".comment-list li.comment", "class"));
        seen.extend(texts(&page, ".article-body p"));
        discussions.push(seen);
    }
    (posts, by_status, discussions)
}

#[tokio::test]
async fn import_export_import_yields_the_same_site() {
    let first = imported().await;
    let file = first.data().join("export.xml");
    first.cli(&["export", "wordpress", "-o", file.to_str().unwrap()]).ok();
    let exported = std::fs::read_to_string(&file).unwrap();
    assert!(exported.contains("<wp:wxr_version>1.2</wp:wxr_version>"));
    let second = Site::start().await;
    let out = second.cli(&["import", "wordpress", file.to_str().unwrap()]).ok();
    assert!(out.contains("comments by status"), "{out}");
    let (a, b) = (public_view(&first).await, public_view(&second).await);
    assert_eq!(a.0, b.0, "the same articles, slugs, dates, statuses and terms");
    assert_eq!(a.1, b.1, "the same comments by status");
    for (x, y) in a.2.iter().zip(&b.2) {
        let first = x.iter().zip(y).find(|(p, q)| p != q);
        assert_eq!(first, None, "the same discussions and bodies, threaded the same way");
        assert_eq!(x.len(), y.len());
    }
}

#[tokio::test]
async fn gzipped_exports_import_too() {
    use std::io::Write;
    let site = Site::start().await;
    let gz = site.data().join("small.wxr.xml.gz");
    let mut encoder = flate2::write::GzEncoder::new(std::fs::File::create(&gz).unwrap(), flate2::Compression::fast());
    encoder
        .write_all(&std::fs::read(fixture("small.wxr.xml")).unwrap())
        .unwrap();
    encoder.finish().unwrap();
    let out = site.cli(&["import", "wordpress", gz.to_str().unwrap()]).ok();
    assert!(out.contains("posts") && out.contains("42"), "{out}");
}
