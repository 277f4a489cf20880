//! What feeds may carry: nothing of a protected article's text, no markup a
//! reader could run (every field of a hostile corpus, decoded the way a
//! reader decodes it), and no control character that would break the XML.
//! `tests/e2e/feeds.mjs` renders the same corpus's fields in a browser.

use reqwest::StatusCode;
use roxmltree::{Document, Node};
use scraper::Html;
use serde_json::Value;

use crate::admin::{add_user, signed_in};
use crate::support::{Site, attrs, form};

/// The corpus, shared with the browser test.
const HOSTILE: &str = include_str!("../../../../tests/feeds/hostile.json");

/// Whether a decoded field holds HTML or text.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Html,
    Text,
}

/// One field of one feed, decoded as a reader decodes it.
#[derive(Debug)]
struct Field {
    at: String,
    kind: Kind,
    value: String,
}

/// The feeds of a site: (path, format).
fn feeds_under(bases: &[&str]) -> Vec<String> {
    bases
        .iter()
        .flat_map(|b| ["feed/", "feed/atom/", "feed/json/"].map(|f| format!("{b}{f}")))
        .collect()
}

/// Every field of a feed document, with its kind.
fn fields(path: &str, body: &str) -> Vec<Field> {
    let mut out = Vec::new();
    let mut push = |at: String, kind: Kind, value: &str| {
        out.push(Field {
            at: format!("{path} {at}"),
            kind,
            value: value.to_owned(),
        })
    };
    if path.ends_with("/json/") {
        let doc: Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("{path} is not JSON: {e}"));
        for key in ["title", "description"] {
            push(key.into(), Kind::Text, doc[key].as_str().unwrap_or_default());
        }
        for (n, item) in doc["items"].as_array().unwrap().iter().enumerate() {
            for (key, kind) in [
                ("title", Kind::Text),
                ("summary", Kind::Text),
                ("content_text", Kind::Text),
                ("content_html", Kind::Html),
            ] {
                if let Some(v) = item[key].as_str() {
                    push(format!("items[{n}].{key}"), kind, v);
                }
            }
            for a in item["authors"].as_array().into_iter().flatten() {
                push(
                    format!("items[{n}].authors.name"),
                    Kind::Text,
                    a["name"].as_str().unwrap(),
                );
            }
            for t in item["tags"].as_array().into_iter().flatten() {
                push(format!("items[{n}].tags"), Kind::Text, t.as_str().unwrap());
            }
        }
        return out;
    }
    let doc = Document::parse(body).unwrap_or_else(|e| panic!("{path} is not well-formed XML: {e}"));
    let text = |n: Node| n.text().unwrap_or_default().to_owned();
    if doc.root_element().has_tag_name("rss") {
        for n in doc.descendants().filter(|n| n.is_element()) {
            let parent = n.parent_element().map(|p| p.tag_name().name()).unwrap_or_default();
            let kind = match (parent, n.tag_name().name()) {
                ("channel" | "item", "title") | ("item", "creator" | "category") => Kind::Text,
                ("channel", "description") => Kind::Text,
                // Readers render an item's description and content as HTML.
                ("item", "description" | "encoded") => Kind::Html,
                _ => continue,
            };
            let value: String = n.children().filter_map(|c| c.text()).collect();
            push(format!("{parent}/{}", n.tag_name().name()), kind, &value);
        }
    } else {
        for n in doc.descendants().filter(|n| n.is_element()) {
            match n.tag_name().name() {
                name @ ("title" | "subtitle" | "summary" | "content") => {
                    let kind = if n.attribute("type") == Some("html") {
                        Kind::Html
                    } else {
                        Kind::Text
                    };
                    push(name.into(), kind, &text(n));
                }
                "name" => push("author/name".into(), Kind::Text, &text(n)),
                "category" => push(
                    "category@term".into(),
                    Kind::Text,
                    n.attribute("term").unwrap_or_default(),
                ),
                _ => {}
            }
        }
    }
    out
}

/// Why `html`, rendered, could run or fetch something; `None` when it cannot.
fn html_danger(html: &str) -> Option<String> {
    const ELEMENTS: [&str; 12] = [
        "script", "style", "iframe", "object", "embed", "link", "meta", "form", "base", "svg", "math", "frame",
    ];
    let doc = Html::parse_fragment(html);
    for node in doc.tree.nodes() {
        let Some(el) = node.value().as_element() else { continue };
        if ELEMENTS.contains(&el.name()) {
            return Some(format!("a <{}> element", el.name()));
        }
        for (name, value) in el.attrs() {
            let squeezed: String = value
                .chars()
                .filter(|c| !c.is_whitespace() && !c.is_control())
                .collect::<String>()
                .to_ascii_lowercase();
            if name.starts_with("on") || name == "style" {
                return Some(format!("a {name} attribute on <{}>", el.name()));
            }
            if ["javascript:", "vbscript:", "data:"]
                .iter()
                .any(|s| squeezed.starts_with(s))
            {
                return Some(format!("{name}={value:?} on <{}>", el.name()));
            }
        }
    }
    None
}

/// Where `text` holds something a reader rendering it as HTML would take
/// for a tag.
fn tag_in(text: &str) -> Option<usize> {
    text.match_indices('<').map(|(n, _)| n).find(|&n| {
        text[n + 1..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || matches!(c, '/' | '!' | '?'))
    })
}

fn stray(s: &str) -> bool {
    s.chars()
        .any(|c| (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{FFFE}' | '\u{FFFF}'))
}

/// Checks every field of every feed at `paths`; returns them all.
async fn checked_fields(site: &Site, paths: &[String]) -> Vec<Field> {
    let mut all = Vec::new();
    for path in paths {
        let res = site.get(path).await;
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        let body = res.text().await.unwrap();
        assert!(!stray(&body), "{path} carries a control character: {body:?}");
        for f in fields(path, &body) {
            match f.kind {
                Kind::Html => {
                    if let Some(why) = html_danger(&f.value) {
                        panic!("{}: {why} in {:?}", f.at, f.value);
                    }
                }
                Kind::Text => {
                    if let Some(at) = tag_in(&f.value) {
                        panic!("{}: markup at {at} of a text field: {:?}", f.at, f.value);
                    }
                }
            }
            all.push(f);
        }
    }
    all
}

/// A YAML scalar (JSON strings are YAML's double-quoted ones).
fn yaml(v: &Value) -> String {
    serde_json::to_string(v).unwrap()
}

/// The hostile corpus on a new site: its author, articles and comments
/// (posted through the form, as an anonymous visitor would); returns the
/// paths of the author, the first article, its category and its tag.
async fn hostile_site() -> (Site, Vec<String>) {
    let corpus: Value = serde_json::from_str(HOSTILE).unwrap();
    let site = Site::start().await;
    site.cli(&["settings", "set", "comment_moderation", "none"]).ok();
    let login = corpus["author"]["login"].as_str().unwrap();
    site.cli(&[
        "author",
        "add",
        "--login",
        login,
        "--name",
        corpus["author"]["name"].as_str().unwrap(),
    ])
    .ok();
    let mut ids = Vec::new();
    for (n, a) in corpus["articles"].as_array().unwrap().iter().enumerate() {
        let mut front = format!(
            "title: {}\nslug: {}\nauthor: {login}\ndate: 2024-02-0{} 10:00\nstatus: published",
            yaml(&a["title"]),
            a["slug"].as_str().unwrap(),
            n + 1
        );
        for key in ["excerpt", "categories", "tags"] {
            if !a[key].is_null() {
                front.push_str(&format!("\n{key}: {}", yaml(&a[key])));
            }
        }
        ids.push(site.new_post(&front, a["body"].as_str().unwrap()));
    }
    let first = site.path_of(ids[0]);
    let article = ids[0].to_string();
    for c in corpus["comments"].as_array().unwrap() {
        let fields = form(
            &article,
            c["comment"].as_str().unwrap(),
            c["author"].as_str().unwrap(),
            "reader@private.example",
        );
        let res = site.post_comment(&fields).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{c}");
    }
    let page = site.page(&first).await;
    let terms: Vec<String> = attrs(&page, ".kicker a, .tags a", "href")
        .into_iter()
        .map(|h| h.strip_prefix(&site.base).unwrap_or(&h).to_owned())
        .collect();
    assert_eq!(terms.len(), 2, "a category and a tag: {terms:?}");
    let mut bases = vec![
        "/".to_owned(),
        format!("/author/{login}/"),
        first.clone(),
        "/comments/".to_owned(),
    ];
    bases.extend(terms);
    (site, bases)
}

/// The decoded values of the fields of the feed at `path` whose location
/// in it starts with `at`.
fn values<'a>(fields: &'a [Field], path: &str, at: &str) -> Vec<&'a str> {
    let at = format!("{path} {at}");
    fields
        .iter()
        .filter(|f| f.at.starts_with(&at))
        .map(|f| f.value.as_str())
        .collect()
}

/// The text a browser shows for an HTML field.
fn shown(html: &str) -> String {
    Html::parse_fragment(html).root_element().text().collect()
}

/// Finding 14: RSS `<description>` carried text as live HTML, so an
/// anonymous comment (code spans and blocks, `&lt;`-escaped markup),
/// excerpts and body text ran script in a reader that renders descriptions;
/// titles and names carried markup too. Every feed field of the hostile
/// corpus, decoded as a reader decodes it, must be sanitised HTML or text
/// with no markup, with full text on and off.
#[tokio::test]
async fn every_feed_field_of_a_hostile_corpus_is_sanitised_html_or_plain_text() {
    // The checks catch what they look for.
    assert!(html_danger("<img src=x onerror=alert(1)>").is_some());
    assert!(html_danger("<a href=\" JaVa\tscript:x\">x</a>").is_some());
    assert!(html_danger("<p>&lt;script&gt; <a href=\"https://x.example/\">ok</a></p>").is_none());
    assert_eq!(tag_in("2 < 3 <b>"), Some(6));

    let (site, bases) = hostile_site().await;
    let bases: Vec<&str> = bases.iter().map(String::as_str).collect();
    let paths = feeds_under(&bases);
    let fields = checked_fields(&site, &paths).await;
    assert!(fields.len() > 100, "{} fields", fields.len());

    // What the reader sees is the text that was written, not lost.
    let comment_feed = format!("{}feed/", bases[2]);
    let comments = checked_fields(&site, std::slice::from_ref(&comment_feed)).await;
    let descriptions = values(&comments, &comment_feed, "item/description");
    assert!(
        descriptions
            .iter()
            .any(|d| shown(d).contains("Code <script>window.__pwned=1</script> and")),
        "a code span shows as text: {descriptions:?}"
    );
    let contents = values(&comments, &comment_feed, "item/encoded");
    assert!(
        contents
            .iter()
            .any(|c| c.contains("<code>&lt;script&gt;window.__pwned=1&lt;/script&gt;</code>")),
        "{contents:?}"
    );
    assert!(
        values(&comments, &comment_feed, "item/creator").contains(&"window.__pwned=1Mallory"),
        "a name keeps its text, not its tags: {:?}",
        values(&comments, &comment_feed, "item/creator")
    );
    let site_feed = checked_fields(&site, &["/feed/".to_owned()]).await;
    assert!(
        values(&site_feed, "/feed/", "item/description")
            .iter()
            .any(|d| shown(d).contains("`<script>window.__pwned=1</script>`")),
        "the written excerpt shows as text"
    );

    site.cli(&["settings", "set", "feed_full_text", "false"]).ok();
    let excerpts = checked_fields(&site, &paths).await;
    assert!(
        values(&excerpts, "/feed/", "item/encoded").is_empty(),
        "no full text now"
    );
    assert!(
        values(&excerpts, "/feed/json/", "items[0].content_html")
            .iter()
            .any(|h| shown(h).contains("<script>window.__pwned=1</script>")),
        "the excerpt stands in for the text, as HTML that shows it"
    );
}

/// Finding 15: one comment whose name or text held a C0 control character
/// made the site's and the article's comment feeds not well-formed XML.
/// The form drops such characters (a name of nothing else is then missing,
/// with the text kept), and feeds never write one, even from content that
/// came in with them (the CLI, an import, an old row).
#[tokio::test]
async fn control_characters_never_reach_a_feed() {
    let site = Site::start().await;
    site.add_author("jane", "Jane Doe");
    let id = site.new_post(
        "title: Story\nauthor: jane\ndate: 2024-02-01 10:00\nstatus: published\nexcerpt: \"Bell\\a and escape\\e.\"",
        "Body with a bell\u{7}, an escape\u{1b}[31m, a backspace\u{8} and a form feed\u{c}.",
    );
    let path = site.path_of(id);
    site.cli(&["settings", "set", "comment_moderation", "none"]).ok();
    let res = site
        .post_comment(&form(
            &id.to_string(),
            "Hello\u{0}\u{1}\u{1b}[31m world\u{7f}\u{85}.",
            "Ann\u{8}\u{1}",
            "ann@private.example",
        ))
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let stored = site.comments_json(Some("approved"));
    assert_eq!(stored[0]["author_name"], "Ann", "{stored:?}");
    assert_eq!(stored[0]["body"], "Hello[31m world.", "{stored:?}");

    let refused = site
        .post_comment(&form(&id.to_string(), "Kept text.", "\u{1}\u{2}", "bo@private.example"))
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = refused.text().await.unwrap();
    assert!(page.contains("Please enter your name."), "{page}");
    assert!(page.contains("Kept text."), "the text is not lost");

    let paths = feeds_under(&["/", "/comments/", &path]);
    let fields = checked_fields(&site, &paths).await;
    assert!(values(&fields, &format!("{path}feed/"), "item/creator").contains(&"Ann"));
}

/// A WordPress export with a password-protected post (whose text, excerpt
/// and comment hold `SECRET`) next to a public one, in the same category
/// and tag.
fn protected_export() -> String {
    let item = |id: u32, title: &str, slug: &str, password: &str, text: &str, comment: &str| {
        format!(
            "<item><title><![CDATA[{title}]]></title><dc:creator><![CDATA[jane]]></dc:creator>\
             <content:encoded><![CDATA[<p>{text} body, in full.</p>]]></content:encoded>\
             <excerpt:encoded><![CDATA[{text} excerpt]]></excerpt:encoded>\
             <wp:post_id>{id}</wp:post_id><wp:post_date><![CDATA[2024-02-0{id} 10:00:00]]></wp:post_date>\
             <wp:post_date_gmt><![CDATA[2024-02-0{id} 10:00:00]]></wp:post_date_gmt>\
             <wp:comment_status><![CDATA[open]]></wp:comment_status><wp:post_name><![CDATA[{slug}]]></wp:post_name>\
             <wp:status><![CDATA[publish]]></wp:status><wp:post_parent>0</wp:post_parent>\
             <wp:post_type><![CDATA[post]]></wp:post_type><wp:post_password><![CDATA[{password}]]></wp:post_password>\
             <wp:is_sticky>0</wp:is_sticky>\
             <category domain=\"category\" nicename=\"news\"><![CDATA[News]]></category>\
             <category domain=\"post_tag\" nicename=\"money\"><![CDATA[money]]></category>\
             <wp:comment><wp:comment_id>{id}0</wp:comment_id><wp:comment_author><![CDATA[Ruth]]></wp:comment_author>\
             <wp:comment_author_email><![CDATA[ruth@private.example]]></wp:comment_author_email>\
             <wp:comment_author_IP><![CDATA[203.0.113.9]]></wp:comment_author_IP>\
             <wp:comment_date_gmt><![CDATA[2024-02-0{id} 12:00:00]]></wp:comment_date_gmt>\
             <wp:comment_content><![CDATA[{comment}]]></wp:comment_content>\
             <wp:comment_approved><![CDATA[1]]></wp:comment_approved><wp:comment_type><![CDATA[comment]]></wp:comment_type>\
             <wp:comment_parent>0</wp:comment_parent><wp:comment_user_id>0</wp:comment_user_id></wp:comment></item>"
        )
    };
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<rss version=\"2.0\" \
         xmlns:excerpt=\"http://wordpress.org/export/1.2/excerpt/\" \
         xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" \
         xmlns:wfw=\"http://wellformedweb.org/CommentAPI/\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" \
         xmlns:wp=\"http://wordpress.org/export/1.2/\">\n<channel><title>Old</title><link>http://old.example</link>\
         <wp:wxr_version>1.2</wp:wxr_version><wp:base_site_url>http://old.example</wp:base_site_url>\
         <wp:base_blog_url>http://old.example</wp:base_blog_url>\
         <wp:author><wp:author_id>1</wp:author_id><wp:author_login><![CDATA[jane]]></wp:author_login>\
         <wp:author_email><![CDATA[jane@private.example]]></wp:author_email>\
         <wp:author_display_name><![CDATA[Jane Doe]]></wp:author_display_name></wp:author>\n{}\n{}\n</channel></rss>\n",
        item(1, "Open ledger", "open-ledger", "", "Public", "A public comment."),
        item(
            2,
            "Sealed ledger",
            "sealed-ledger",
            "ledger-12",
            "SECRET",
            "SECRET comment."
        ),
    )
}

/// Finding 13 (high): feeds published the full text of password-protected
/// articles (RSS `content:encoded`, Atom `content`, JSON Feed
/// `content_html`) while the page said "protected". No feed, list, search
/// result or page may show anything of such an article's text, excerpt or
/// comments; feeds show its title and link with WordPress's note.
#[tokio::test]
async fn protected_articles_show_nothing_of_their_text_anywhere() {
    let site = Site::start().await;
    let file = site.write_file(&protected_export());
    site.cli(&["import", "wordpress", file.to_str().unwrap()]).ok();
    let sealed = "/2024/02/02/sealed-ledger/";
    let feeds = feeds_under(&[
        "/",
        "/author/jane/",
        "/category/news/",
        "/tag/money/",
        "/comments/",
        sealed,
    ]);
    let mut pages: Vec<String> = [
        "/",
        "/author/jane/",
        "/category/news/",
        "/tag/money/",
        "/2024/",
        "/2024/02/",
        sealed,
        // Words of both texts (a query is shown on the results page).
        "/search?q=full",
        "/search?q=body",
        "/search?q=sealed",
        "/search?q=ledger",
        "/?s=full",
        "/sitemap-posts-1.xml",
    ]
    .map(str::to_owned)
    .into();
    pages.extend(feeds.iter().cloned());
    for full_text in ["true", "false"] {
        site.cli(&["settings", "set", "feed_full_text", full_text]).ok();
        for path in &pages {
            let body = site.page(path).await;
            assert!(
                !body.to_lowercase().contains("secret"),
                "{path} (full text {full_text}) shows the protected text: {body}"
            );
        }
        let fields = checked_fields(&site, &feeds_under(&["/"])).await;
        assert!(
            values(&fields, "/feed/", "item/title").contains(&"Protected: Sealed ledger"),
            "{fields:?}"
        );
        let note = "There is no excerpt because this is a protected post.";
        for (feed, at) in [
            ("/feed/", "item/description"),
            ("/feed/atom/", "summary"),
            ("/feed/json/", "items[0].content_html"),
        ] {
            assert!(values(&fields, feed, at).contains(&note), "{at}: {fields:?}");
        }
        let rss = site.page("/feed/").await;
        assert!(
            rss.contains(&format!("<link>{}{sealed}</link>", site.base)),
            "the link stays"
        );
        assert!(
            !values(&fields, "/feed/json/", "items[0]")
                .iter()
                .any(|v| v.contains("full"))
        );
    }
    // The public article's comment is in the feeds; the protected one's
    // is approved too, and only kept out.
    assert!(site.page("/comments/feed/").await.contains("A public comment."));
    let approved = site.comments_json(Some("approved"));
    assert!(approved.iter().any(|c| c["body"] == "SECRET comment."), "{approved:?}");
}

/// Finding 15, from the admin: a moderator's edit of a comment, a staff
/// reply and an article's headline drop control characters too, and a
/// headline of nothing else is missing.
#[tokio::test]
async fn control_characters_are_dropped_from_admin_input() {
    let site = Site::start().await;
    add_user(&site, "ed", "editor");
    let ed = signed_in(&site, "ed").await;
    let res = ed
        .post(
            "/admin/articles/new",
            "/admin/articles",
            &[
                ("save", "1"),
                ("comments", "1"),
                ("title", "\u{1}\u{7f}"),
                ("body", "Text."),
                ("status", "published"),
            ],
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a headline of controls is none"
    );
    let res = ed
        .post(
            "/admin/articles/new",
            "/admin/articles",
            &[
                ("save", "1"),
                ("comments", "1"),
                ("title", "Head\u{1}line\u{1b}"),
                ("body", "Text."),
                ("status", "published"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let list: Value = serde_json::from_str(&site.cli(&["post", "list", "--json"]).ok()).unwrap();
    assert_eq!(list[0]["title"], "Headline");
    let id = list[0]["id"].to_string();

    site.cli(&["settings", "set", "comment_moderation", "none"]).ok();
    site.post_comment(&form(&id, "Plain.", "Ann", "ann@private.example"))
        .await;
    let comment = site.comments_json(Some("approved"))[0]["id"].to_string();
    let edit = format!("/admin/comments/{comment}/edit");
    let res = ed
        .post(
            &edit,
            &edit,
            &[
                ("author", "Ann\u{8} B."),
                ("email", "ann@private.example"),
                ("comment", "Edited\u{7}."),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let reply = format!("/admin/comments/{comment}/reply");
    let res = ed.post(&edit, &reply, &[("comment", "Reply\u{1}.")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let mut stored: Vec<(String, String)> = site
        .comments_json(Some("approved"))
        .iter()
        .map(|c| {
            (
                c["author_name"].as_str().unwrap().to_owned(),
                c["body"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    stored.sort();
    assert_eq!(
        stored,
        [
            ("Ann B.".to_owned(), "Edited.".to_owned()),
            ("ed name".to_owned(), "Reply.".to_owned())
        ]
    );
}

/// Finding 15, in the other XML byline writes: a WordPress export of
/// content holding control characters (an old row, an import, the CLI) was
/// not well-formed, so WordPress could not read it back.
#[tokio::test]
async fn a_wordpress_export_of_content_with_control_characters_is_well_formed() {
    let site = Site::start().await;
    site.add_author("jane", "Jane Doe");
    site.new_post(
        "title: Story\nauthor: jane\ndate: 2024-02-01 10:00\nstatus: published",
        "Body with a bell\u{7} and an escape\u{1b}[31m.",
    );
    let out = site.data().join("export.xml");
    site.cli(&["export", "wordpress", "-o", out.to_str().unwrap()]).ok();
    let xml = std::fs::read_to_string(&out).unwrap();
    let doc = Document::parse(&xml).unwrap_or_else(|e| panic!("the export is not well-formed: {e}"));
    let body: String = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "encoded")
        .filter_map(|n| n.text())
        .collect();
    assert!(body.contains("Body with a bell and an escape[31m."), "{body}");
}
