//! Domain types to view models. This is where privacy is enforced by
//! construction: a [`CommentView`] is built field by field and has no
//! place for an email.

use byline_core::author::Author;
use byline_core::identicon::avatar_key;
use byline_core::markdown::{plain_excerpt, render_article, render_comment};
use byline_core::permalink;
use byline_core::thread::ThreadNode;
use byline_core::time::{human_date, human_datetime, machine_datetime};
use byline_core::{Article, ArticleKind, Comment, CommentStatus, Settings, Term, TermKind};
use byline_render::view::{ArticleSummary, ArticleView, AuthorView, CommentView, DateView, SiteView, TermView, safe};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;

/// Words in an automatic excerpt, as in WordPress.
const EXCERPT_WORDS: usize = 55;

pub fn site_view(settings: &Settings) -> SiteView {
    SiteView {
        title: settings.title.clone(),
        tagline: settings.tagline.clone(),
    }
}

pub fn date_view(at: DateTime<Utc>, tz: Tz) -> DateView {
    DateView {
        human: human_date(at, tz),
        iso: machine_datetime(at, tz),
    }
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

pub fn excerpt(article: &Article) -> String {
    match &article.excerpt {
        Some(e) if !e.trim().is_empty() => e.trim().to_owned(),
        _ => plain_excerpt(&article.body, EXCERPT_WORDS),
    }
}

pub fn summary_view(article: &Article, author: AuthorView, comment_count: u64, tz: Tz) -> ArticleSummary {
    ArticleSummary {
        title: article.title.clone(),
        url: article_path(article, tz),
        excerpt: excerpt(article),
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
        body_html: safe(render_article(&article.body)),
        published: article.published_at.map(|at| date_view(at, tz)),
        updated: article.updated_at.map(|at| date_view(at, tz)),
        author,
        categories: term_views(&article.categories),
        tags: term_views(&article.tags),
        is_page: article.kind == ArticleKind::Page,
    }
}

/// Turns a nested thread into views. `reply_url` gives the reply link of
/// comments that may take replies.
pub fn comment_views(
    nodes: Vec<ThreadNode<Comment>>,
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
                avatar_url: avatar_url(avatar_secret, &c.author_email),
                posted: DateView {
                    human: human_datetime(c.created_at, tz),
                    iso: machine_datetime(c.created_at, tz),
                },
                body_html: safe(render_comment(&c.body)),
                pending: c.status == CommentStatus::Pending,
                reply_url: reply_url(&c),
                replies: comment_views(node.replies, avatar_secret, tz, reply_url),
            }
        })
        .collect()
}
