//! Domain types to view models. This is where privacy is enforced by
//! construction: a [`CommentView`] is built field by field and has no
//! place for an email.

use byline_core::author::Author;
use byline_core::identicon::avatar_key;
use byline_core::markdown::{body_excerpt, render_body, render_comment};
use byline_core::permalink;
use byline_core::thread::ThreadNode;
use byline_core::time::{human_date, human_datetime, machine_datetime};
use byline_core::{Article, ArticleKind, Comment, CommentStatus, Term, TermKind};
use byline_render::view::{ArticleSummary, ArticleView, AuthorView, CommentView, DateView, FeedLink, TermView, safe};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;

/// Words in an automatic excerpt, as in WordPress.
const EXCERPT_WORDS: usize = 55;

pub fn date_view(at: DateTime<Utc>, tz: Tz) -> DateView {
    DateView {
        human: human_date(at, tz),
        iso: machine_datetime(at, tz),
    }
}

/// A value for a query string, percent-encoded (search words, `next=`).
pub fn query_value(s: &str) -> String {
    const QUERY_SAFE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~');
    percent_encoding::utf8_percent_encode(s, QUERY_SAFE).to_string()
}

/// `/avatar/KEY.svg` for an email or other identity string.
pub fn avatar_url(key: &[u8], identity: &str) -> String {
    format!("/avatar/{}.svg", avatar_key(key, identity))
}

pub fn author_view(author: &Author, avatar_secret: &[u8]) -> AuthorView {
    AuthorView {
        name: author.profile.display_name.clone(),
        tagline: author.profile.tagline.clone(),
        bio: author.profile.bio.clone(),
        url: permalink::author_path(&author.nicename),
        website: author.profile.website.clone(),
        avatar_url: avatar_url(avatar_secret, &format!("author:{}", author.login)),
    }
}

fn term_views(terms: &[Term]) -> Vec<TermView> {
    terms
        .iter()
        .map(|t| TermView {
            name: t.name.clone(),
            url: match t.kind {
                TermKind::Category => permalink::category_path(t.slug.as_str()),
                TermKind::Tag => permalink::tag_path(t.slug.as_str()),
            },
        })
        .collect()
}

/// The canonical path of a public article.
pub fn article_path(article: &Article, tz: Tz) -> String {
    match (article.kind, article.published_at) {
        (ArticleKind::Post, Some(at)) => permalink::post_path(at, tz, article.slug.as_str()),
        _ => permalink::page_path(article.slug.as_str()),
    }
}

/// What lists and feeds say instead of a protected article's excerpt
/// (WordPress's words, which readers of imported sites know).
pub const PROTECTED_EXCERPT: &str = "There is no excerpt because this is a protected post.";

pub fn excerpt(article: &Article) -> String {
    if article.password.is_some() {
        return PROTECTED_EXCERPT.to_owned();
    }
    match &article.excerpt {
        Some(e) if !e.trim().is_empty() => e.trim().to_owned(),
        _ => body_excerpt(&article.body, article.format, EXCERPT_WORDS),
    }
}

pub fn summary_view(article: &Article, author: AuthorView, comment_count: u64, tz: Tz) -> ArticleSummary {
    ArticleSummary {
        title: if article.password.is_some() {
            format!("Protected: {}", article.title)
        } else {
            article.title.clone()
        },
        url: article_path(article, tz),
        excerpt: excerpt(article),
        snippet_html: None,
        published: date_view(article.published_at.unwrap_or(article.created_at), tz),
        author,
        categories: term_views(&article.categories),
        comment_count,
    }
}

pub fn article_view(article: &Article, author: AuthorView, tz: Tz) -> ArticleView {
    ArticleView {
        id: article.id,
        title: article.title.clone(),
        url: article_path(article, tz),
        body_html: safe(render_body(&article.body, article.format)),
        published: article.published_at.map(|at| date_view(at, tz)),
        updated: article.updated_at.map(|at| date_view(at, tz)),
        author,
        categories: term_views(&article.categories),
        tags: term_views(&article.tags),
        is_page: article.kind == ArticleKind::Page,
        locked: false,
        notes: Vec::new(),
    }
}

/// Corrections and updates as the article page shows them.
pub fn note_views(notes: &[byline_store::editorial::ArticleNote], tz: Tz) -> Vec<byline_render::view::NoteView> {
    notes
        .iter()
        .map(|n| byline_render::view::NoteView {
            kind: n.kind.as_str(),
            label: n.kind.label(),
            date: date_view(n.created_at, tz),
            body_html: safe(byline_core::markdown::render_comment(&n.body)),
        })
        .collect()
}

/// Turns a nested thread into views. `reply_url` gives the reply link of
/// comments that may take replies.
pub fn comment_views(
    nodes: Vec<ThreadNode<Comment>>,
    article_author: i64,
    avatar_secret: &[u8],
    tz: Tz,
    reply_url: &dyn Fn(&Comment) -> Option<String>,
) -> Vec<CommentView> {
    nodes
        .into_iter()
        .map(|node| {
            let c = node.item;
            CommentView {
                id: c.id.0,
                author_name: c.author_name.clone(),
                author_url: c.author_url.clone(),
                avatar_url: avatar_url(avatar_secret, &c.avatar_identity()),
                posted: DateView {
                    human: human_datetime(c.created_at, tz),
                    iso: machine_datetime(c.created_at, tz),
                },
                body_html: safe(render_comment(&c.body)),
                pending: c.status == CommentStatus::Pending,
                kind: c.kind.as_str(),
                by_author: c.author_id == Some(article_author),
                reply_url: reply_url(&c),
                replies: comment_views(node.replies, article_author, avatar_secret, tz, reply_url),
            }
        })
        .collect()
}

/// RSS, Atom and JSON Feed links for a feed base path, for autodiscovery.
pub fn feed_links(base_url: &str, path: &str, title: &str) -> Vec<FeedLink> {
    use byline_core::permalink::{FeedFormat, feed_path};
    [
        (FeedFormat::Rss, "RSS", "application/rss+xml"),
        (FeedFormat::Atom, "Atom", "application/atom+xml"),
        (FeedFormat::Json, "JSON Feed", "application/feed+json"),
    ]
    .into_iter()
    .map(|(format, name, mime)| FeedLink {
        title: format!("{title} – {name}"),
        url: format!("{base_url}{}", feed_path(path, format)),
        mime,
    })
    .collect()
}

/// schema.org `NewsArticle` as JSON, escaped so it can sit in a
/// `<script type="application/ld+json">` element.
pub fn news_article_json_ld(
    article: &Article,
    author: &AuthorView,
    canonical: &str,
    base_url: &str,
    site_title: &str,
    image: Option<&str>,
    description: &str,
) -> byline_render::view::Value {
    let mut doc = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "description": description,
        "mainEntityOfPage": canonical,
        "author": { "@type": "Person", "name": author.name, "url": format!("{base_url}{}", author.url) },
        "publisher": { "@type": "Organization", "name": site_title, "url": format!("{base_url}/") },
    });
    if let Some(published) = article.published_at {
        doc["datePublished"] = published.to_rfc3339().into();
        doc["dateModified"] = article.updated_at.unwrap_or(published).to_rfc3339().into();
    }
    if let Some(image) = image {
        doc["image"] = serde_json::json!([image]);
    }
    byline_render::view::json_ld(&doc)
}

/// The first image in an article's rendered body, for share cards.
pub fn first_image(html: &str, base_url: &str) -> Option<String> {
    let start = html.find("<img")?;
    let tag = &html[start..start + html[start..].find('>')?];
    let src_at = tag.find("src=\"")? + 5;
    let src = &tag[src_at..src_at + tag[src_at..].find('"')?];
    let src = src.replace("&amp;", "&");
    if src.starts_with("http://") || src.starts_with("https://") {
        Some(src)
    } else if src.starts_with('/') {
        Some(format!("{base_url}{src}"))
    } else {
        None
    }
}
