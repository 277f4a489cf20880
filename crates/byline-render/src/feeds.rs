//! Feeds in the three formats readers use: RSS 2.0 and Atom through the
//! well-kept `rss` and `atom_syndication` crates, JSON Feed 1.1 through
//! serde. One model, three writers, so the formats cannot drift apart.
//!
//! Feed readers differ in what they render as HTML, so every field is
//! written so that no reader can be made to run anything: fields that carry
//! HTML get sanitised HTML (a summary becomes HTML that shows its text),
//! fields that carry text (titles, names, categories) get text with
//! anything tag-like stripped, as WordPress does, and no field carries a
//! control character, which would make the XML not well-formed.

use byline_core::SanitizedHtml;
use byline_core::text::without_strays;
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::json;

/// A feed, with absolute URLs throughout.
#[derive(Debug, Clone)]
pub struct Feed {
    /// Feed title.
    pub title: String,
    /// The page the feed follows.
    pub home_url: String,
    /// The feed's own address.
    pub feed_url: String,
    /// One-line description.
    pub description: String,
    /// Newest change among the items (the epoch for an empty feed).
    pub updated: DateTime<Utc>,
    /// Newest first.
    pub items: Vec<FeedItem>,
}

/// One article or comment in a feed.
#[derive(Debug, Clone)]
pub struct FeedItem {
    /// Stable id (the permalink).
    pub id: String,
    /// Title, as text.
    pub title: String,
    /// Permalink.
    pub url: String,
    /// Publication time.
    pub published: DateTime<Utc>,
    /// Last change.
    pub updated: DateTime<Utc>,
    /// Author's display name (never an email).
    pub author: String,
    /// Category and tag names.
    pub categories: Vec<String>,
    /// Plain-text summary.
    pub summary: String,
    /// The whole text, when the feed carries it.
    pub content_html: Option<SanitizedHtml>,
}

/// An item's fields as every format writes them.
struct Written {
    id: String,
    url: String,
    title: String,
    author: String,
    categories: Vec<String>,
    /// The summary as text.
    summary: String,
    /// The summary as HTML that shows its text.
    summary_html: String,
    content_html: Option<String>,
}

impl Written {
    fn of(i: &FeedItem) -> Self {
        Self {
            id: without_strays(&i.id).into_owned(),
            url: without_strays(&i.url).into_owned(),
            title: text(&i.title),
            author: text(&i.author),
            categories: i.categories.iter().map(|c| text(c)).collect(),
            summary: text(&i.summary),
            summary_html: SanitizedHtml::from_text(i.summary.trim()).into_string(),
            content_html: i.content_html.as_ref().map(|h| without_strays(h.as_str()).into_owned()),
        }
    }
}

/// Text for a field that some readers render as HTML although it holds
/// text: control characters dropped, every tag-like run (`<` and a letter,
/// `/`, `!` or `?`, up to the next `>`) removed, and no `<` left where what
/// follows it would open a tag. One pass, so a hostile name costs no more
/// than its length.
fn text(s: &str) -> String {
    let opens_tag = |c: char| c.is_ascii_alphabetic() || matches!(c, '/' | '!' | '?');
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().filter(|c| !byline_core::text::is_stray(*c)).peekable();
    while let Some(c) = chars.next() {
        if c == '<' && chars.peek().copied().is_some_and(opens_tag) {
            chars.by_ref().find(|c| *c == '>');
            continue;
        }
        if opens_tag(c) {
            // A removed tag may have left a `<` just before this.
            while out.ends_with('<') {
                out.pop();
            }
        }
        out.push(c);
    }
    out.trim().to_owned()
}

/// RSS 2.0.
pub fn rss(feed: &Feed) -> String {
    use rss::extension::atom::{AtomExtension, Link};
    use rss::extension::dublincore::DublinCoreExtension;
    let items = feed
        .items
        .iter()
        .map(|item| {
            let i = Written::of(item);
            rss::Item {
                guid: Some(rss::Guid {
                    permalink: i.id == i.url,
                    value: i.id,
                }),
                title: Some(i.title),
                link: Some(i.url),
                // Readers render the description as HTML.
                description: Some(i.summary_html),
                pub_date: Some(item.published.to_rfc2822()),
                categories: i
                    .categories
                    .into_iter()
                    .map(|name| rss::Category { name, domain: None })
                    .collect(),
                content: i.content_html,
                dublin_core_ext: Some(DublinCoreExtension {
                    creators: vec![i.author],
                    ..Default::default()
                }),
                ..Default::default()
            }
        })
        .collect();
    let channel = rss::Channel {
        title: text(&feed.title),
        link: without_strays(&feed.home_url).into_owned(),
        description: text(&feed.description),
        language: Some("en".into()),
        last_build_date: Some(feed.updated.to_rfc2822()),
        generator: Some("byline".into()),
        items,
        atom_ext: Some(AtomExtension {
            links: vec![Link {
                href: without_strays(&feed.feed_url).into_owned(),
                rel: "self".into(),
                mime_type: Some("application/rss+xml".into()),
                ..Default::default()
            }],
        }),
        ..Default::default()
    };
    channel.to_string()
}

/// Atom 1.0.
pub fn atom(feed: &Feed) -> String {
    use atom_syndication::{Category, Content, Entry, Link, Person, Text};
    let link = |href: &str, rel: &str, mime: Option<&str>| Link {
        href: without_strays(href).into_owned(),
        rel: rel.to_owned(),
        mime_type: mime.map(str::to_owned),
        ..Default::default()
    };
    let entries = feed
        .items
        .iter()
        .map(|item| {
            let i = Written::of(item);
            Entry {
                title: Text::plain(i.title),
                links: vec![link(&i.url, "alternate", Some("text/html"))],
                id: i.id,
                updated: item.updated.fixed_offset(),
                published: Some(item.published.fixed_offset()),
                authors: vec![Person {
                    name: i.author,
                    ..Default::default()
                }],
                categories: i
                    .categories
                    .into_iter()
                    .map(|term| Category {
                        term,
                        ..Default::default()
                    })
                    .collect(),
                summary: Some(Text::html(i.summary_html)),
                content: i.content_html.map(|html| Content {
                    value: Some(html),
                    content_type: Some("html".into()),
                    ..Default::default()
                }),
                ..Default::default()
            }
        })
        .collect();
    let atom = atom_syndication::Feed {
        title: Text::plain(text(&feed.title)),
        id: without_strays(&feed.feed_url).into_owned(),
        updated: feed.updated.fixed_offset(),
        subtitle: Some(Text::plain(text(&feed.description))),
        links: vec![
            link(&feed.home_url, "alternate", Some("text/html")),
            link(&feed.feed_url, "self", Some("application/atom+xml")),
        ],
        generator: Some(atom_syndication::Generator {
            value: "byline".into(),
            ..Default::default()
        }),
        entries,
        ..Default::default()
    };
    atom.to_string()
}

/// JSON Feed 1.1.
pub fn json(feed: &Feed) -> String {
    let time = |t: &DateTime<Utc>| t.to_rfc3339_opts(SecondsFormat::Secs, true);
    let items: Vec<_> = feed
        .items
        .iter()
        .map(|item| {
            let i = Written::of(item);
            json!({
                "id": i.id,
                "url": i.url,
                "title": i.title,
                "summary": i.summary,
                "content_html": i.content_html.unwrap_or(i.summary_html),
                "date_published": time(&item.published),
                "date_modified": time(&item.updated),
                "authors": [{ "name": i.author }],
                "tags": i.categories,
            })
        })
        .collect();
    let doc = json!({
        "version": "https://jsonfeed.org/version/1.1",
        "title": text(&feed.title),
        "home_page_url": without_strays(&feed.home_url),
        "feed_url": without_strays(&feed.feed_url),
        "description": text(&feed.description),
        "language": "en",
        "items": items,
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use byline_core::markdown::render_comment;

    use super::*;

    fn sample() -> Feed {
        let t = DateTime::parse_from_rfc3339("2024-01-26T10:00:00Z").unwrap().to_utc();
        Feed {
            title: "Site & co".into(),
            home_url: "https://news.example/".into(),
            feed_url: "https://news.example/feed/".into(),
            description: "News".into(),
            updated: t,
            items: vec![FeedItem {
                id: "https://news.example/2024/01/26/a/".into(),
                title: "A <b>title</b> & 2 < 3".into(),
                url: "https://news.example/2024/01/26/a/".into(),
                published: t,
                updated: t,
                author: "Jane Doe".into(),
                categories: vec!["Politics".into()],
                summary: "Summary with <script>code</script>".into(),
                content_html: Some(render_comment("Full")),
            }],
        }
    }

    #[test]
    fn rss_has_items_authors_and_a_self_link() {
        let xml = rss(&sample());
        assert!(xml.contains("<rss version=\"2.0\""), "{xml}");
        assert!(xml.contains("<dc:creator>Jane Doe</dc:creator>"), "{xml}");
        assert!(xml.contains("rel=\"self\""), "{xml}");
        assert!(xml.contains("<title>A title &amp; 2 &lt; 3</title>"), "{xml}");
        assert!(
            xml.contains("<description><![CDATA[Summary with &lt;script&gt;code&lt;/script&gt;]]></description>"),
            "the description is HTML showing the text: {xml}"
        );
        assert!(xml.contains("Fri, 26 Jan 2024 10:00:00 +0000"), "{xml}");
    }

    #[test]
    fn atom_has_entries_with_html_content() {
        let xml = atom(&sample());
        assert!(xml.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\""), "{xml}");
        assert!(xml.contains("<content type=\"html\">"), "{xml}");
        assert!(
            xml.contains("<summary type=\"html\">Summary with &amp;lt;script&amp;gt;"),
            "{xml}"
        );
        assert!(xml.contains("<name>Jane Doe</name>"), "{xml}");
    }

    #[test]
    fn json_feed_has_the_required_fields() {
        let doc: serde_json::Value = serde_json::from_str(&json(&sample())).unwrap();
        assert_eq!(doc["version"], "https://jsonfeed.org/version/1.1");
        assert_eq!(doc["items"][0]["content_html"], "<p>Full</p>\n");
        assert_eq!(doc["items"][0]["summary"], "Summary with code");
        assert_eq!(doc["items"][0]["date_published"], "2024-01-26T10:00:00Z");
    }

    #[test]
    fn text_fields_lose_every_tag_even_nested_ones() {
        assert_eq!(
            text("<<script>script>alert(1)<</script>/script>"),
            "script>alert(1)/script>"
        );
        assert_eq!(text("<<<b>b>i>"), "b>i>");
        assert_eq!(text("a <img src=x onerror=alert(1)"), "a");
        assert_eq!(text("x < y, <3 and a > b"), "x < y, <3 and a > b");
        assert_eq!(text("&lt;script&gt; stays text"), "&lt;script&gt; stays text");
        assert_eq!(text("Ann\u{1}\u{0}<!-- c -->"), "Ann");
    }

    #[test]
    fn stripping_is_linear_in_the_input() {
        let started = std::time::Instant::now();
        assert_eq!(
            text(&("<a>".repeat(30_000) + &"<<".repeat(30_000) + " x")),
            "<".repeat(60_000) + " x"
        );
        assert_eq!(text(&("<".repeat(60_000) + "<a>b")), "b");
        assert!(
            started.elapsed() < std::time::Duration::from_secs(1),
            "{:?}",
            started.elapsed()
        );
    }

    #[test]
    fn control_characters_never_reach_a_feed() {
        let mut feed = sample();
        feed.title = "Site\u{1}".into();
        feed.items[0].title = "Ti\u{0}tle".into();
        feed.items[0].author = "Ann\u{1b}".into();
        feed.items[0].summary = "S\u{7}".into();
        feed.items[0].content_html = Some(render_comment("Body\u{1}\u{FFFF}"));
        for out in [rss(&feed), atom(&feed)] {
            assert!(!out.chars().any(byline_core::text::is_stray), "{out:?}");
        }
        let doc: serde_json::Value = serde_json::from_str(&json(&feed)).unwrap();
        assert!(!doc.to_string().contains("\\u00"), "{doc}");
    }
}
