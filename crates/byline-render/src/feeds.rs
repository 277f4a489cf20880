//! Feeds in the three formats readers use: RSS 2.0 and Atom through the
//! well-kept `rss` and `atom_syndication` crates, JSON Feed 1.1 through
//! serde. One model, three writers, so the formats cannot drift apart.

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
    /// Newest change among the items (or now, for an empty feed).
    pub updated: DateTime<Utc>,
    /// Newest first.
    pub items: Vec<FeedItem>,
}

/// One article or comment in a feed.
#[derive(Debug, Clone)]
pub struct FeedItem {
    /// Stable id (the permalink).
    pub id: String,
    /// Title.
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
    /// Sanitised HTML of the whole text, when the site publishes full text.
    pub content_html: Option<String>,
}

/// RSS 2.0.
pub fn rss(feed: &Feed) -> String {
    use rss::extension::atom::{AtomExtension, Link};
    use rss::extension::dublincore::DublinCoreExtension;
    let items = feed
        .items
        .iter()
        .map(|i| rss::Item {
            title: Some(i.title.clone()),
            link: Some(i.url.clone()),
            description: Some(i.summary.clone()),
            guid: Some(rss::Guid {
                value: i.id.clone(),
                permalink: i.id == i.url,
            }),
            pub_date: Some(i.published.to_rfc2822()),
            categories: i
                .categories
                .iter()
                .map(|c| rss::Category {
                    name: c.clone(),
                    domain: None,
                })
                .collect(),
            content: i.content_html.clone(),
            dublin_core_ext: Some(DublinCoreExtension {
                creators: vec![i.author.clone()],
                ..Default::default()
            }),
            ..Default::default()
        })
        .collect();
    let channel = rss::Channel {
        title: feed.title.clone(),
        link: feed.home_url.clone(),
        description: feed.description.clone(),
        language: Some("en".into()),
        last_build_date: Some(feed.updated.to_rfc2822()),
        generator: Some("byline".into()),
        items,
        atom_ext: Some(AtomExtension {
            links: vec![Link {
                href: feed.feed_url.clone(),
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
        href: href.to_owned(),
        rel: rel.to_owned(),
        mime_type: mime.map(str::to_owned),
        ..Default::default()
    };
    let entries = feed
        .items
        .iter()
        .map(|i| Entry {
            title: Text::plain(i.title.clone()),
            id: i.id.clone(),
            updated: i.updated.fixed_offset(),
            published: Some(i.published.fixed_offset()),
            authors: vec![Person {
                name: i.author.clone(),
                ..Default::default()
            }],
            categories: i
                .categories
                .iter()
                .map(|c| Category {
                    term: c.clone(),
                    ..Default::default()
                })
                .collect(),
            links: vec![link(&i.url, "alternate", Some("text/html"))],
            summary: Some(Text::plain(i.summary.clone())),
            content: i.content_html.as_ref().map(|html| Content {
                value: Some(html.clone()),
                content_type: Some("html".into()),
                ..Default::default()
            }),
            ..Default::default()
        })
        .collect();
    let atom = atom_syndication::Feed {
        title: Text::plain(feed.title.clone()),
        id: feed.feed_url.clone(),
        updated: feed.updated.fixed_offset(),
        subtitle: Some(Text::plain(feed.description.clone())),
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
        .map(|i| {
            let mut item = json!({
                "id": i.id,
                "url": i.url,
                "title": i.title,
                "summary": i.summary,
                "date_published": time(&i.published),
                "date_modified": time(&i.updated),
                "authors": [{ "name": i.author }],
                "tags": i.categories,
            });
            match &i.content_html {
                Some(html) => item["content_html"] = json!(html),
                None => item["content_text"] = json!(i.summary),
            }
            item
        })
        .collect();
    let doc = json!({
        "version": "https://jsonfeed.org/version/1.1",
        "title": feed.title,
        "home_page_url": feed.home_url,
        "feed_url": feed.feed_url,
        "description": feed.description,
        "language": "en",
        "items": items,
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}

#[cfg(test)]
mod tests {
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
                title: "A <b>title</b>".into(),
                url: "https://news.example/2024/01/26/a/".into(),
                published: t,
                updated: t,
                author: "Jane Doe".into(),
                categories: vec!["Politics".into()],
                summary: "Summary".into(),
                content_html: Some("<p>Full</p>".into()),
            }],
        }
    }

    #[test]
    fn rss_has_items_authors_and_a_self_link() {
        let xml = rss(&sample());
        assert!(xml.contains("<rss version=\"2.0\""), "{xml}");
        assert!(xml.contains("<dc:creator>Jane Doe</dc:creator>"), "{xml}");
        assert!(xml.contains("rel=\"self\""), "{xml}");
        assert!(xml.contains("A &lt;b&gt;title&lt;/b&gt;"), "{xml}");
        assert!(xml.contains("Fri, 26 Jan 2024 10:00:00 +0000"), "{xml}");
    }

    #[test]
    fn atom_has_entries_with_html_content() {
        let xml = atom(&sample());
        assert!(xml.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\""), "{xml}");
        assert!(xml.contains("<content type=\"html\">"), "{xml}");
        assert!(xml.contains("<name>Jane Doe</name>"), "{xml}");
    }

    #[test]
    fn json_feed_has_the_required_fields() {
        let doc: serde_json::Value = serde_json::from_str(&json(&sample())).unwrap();
        assert_eq!(doc["version"], "https://jsonfeed.org/version/1.1");
        assert_eq!(doc["items"][0]["content_html"], "<p>Full</p>");
        assert_eq!(doc["items"][0]["date_published"], "2024-01-26T10:00:00Z");
    }
}
