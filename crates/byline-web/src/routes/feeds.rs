//! RSS, Atom and JSON feeds of articles (site, author, category, tag) and
//! of approved comments (site, one article). Comment feeds carry names,
//! never email addresses.

use axum::http::HeaderMap;
use axum::response::Response;
use byline_core::markdown::{plain_excerpt, render_body, render_comment};
use byline_core::permalink::{self, FeedFormat, FeedSource, feed_path};
use byline_core::{Article, ArticleKind, TermKind};
use byline_render::feeds::{self, Feed, FeedItem};
use byline_store::changes::tag;
use byline_store::{ArticleFilter, ArticleQuery};
use chrono::{DateTime, Utc};

use crate::cache::CacheTags;
use crate::conditional;
use crate::context::Ctx;
use crate::error::WebError;
use crate::lookup;
use crate::present::{article_path, excerpt};

/// Serves the feed `source` in `format`.
pub async fn serve(
    ctx: &Ctx,
    source: FeedSource,
    format: FeedFormat,
    headers: &HeaderMap,
) -> Result<Response, WebError> {
    let store = &ctx.state.store;
    let site = &ctx.settings.title;
    let (feed, tags) = match source {
        FeedSource::Site => {
            let members = CacheTags::site().with(tag::POSTS);
            article_feed(ctx, ArticleFilter::All, members, "/", site.clone(), format).await?
        }
        FeedSource::Author(nicename) => {
            let author = store.author_by_nicename(&nicename).await?.ok_or(WebError::NotFound)?;
            let title = format!("{site} – {}", author.profile.display_name);
            let path = permalink::author_path(&author.nicename);
            let members = CacheTags::site()
                .with(tag::author_archive(author.id))
                .with(tag::author(author.id));
            article_feed(ctx, ArticleFilter::Author(author.id), members, &path, title, format).await?
        }
        FeedSource::Category(slug) => term_feed(ctx, TermKind::Category, &slug, format).await?,
        FeedSource::Tag(slug) => term_feed(ctx, TermKind::Tag, &slug, format).await?,
        FeedSource::Comments => comment_feed(ctx, None, "/comments/", format!("Comments for {site}"), format).await?,
        FeedSource::ArticleComments { date, slug } => {
            let article = public_article(ctx, ArticleKind::Post, &slug)
                .await?
                .ok_or(WebError::NotFound)?;
            let path = article_path(&article, ctx.settings.timezone);
            if path != permalink::post_path_for_date(date, &slug) {
                // Dated in another time zone (an import): the feed's canonical address.
                return Ok(crate::routes::public::moved_permanently(&feed_path(&path, format)));
            }
            let title = format!("Comments on: {}", article.title);
            comment_feed(ctx, Some(&article), &path, title, format).await?
        }
        FeedSource::SlugComments(slug) => {
            // A page's comments, or an old `/slug/feed/` address of a post.
            let article = match public_article(ctx, ArticleKind::Page, &slug).await? {
                Some(page) => page,
                None => public_article(ctx, ArticleKind::Post, &slug)
                    .await?
                    .ok_or(WebError::NotFound)?,
            };
            let path = article_path(&article, ctx.settings.timezone);
            let title = format!("Comments on: {}", article.title);
            comment_feed(ctx, Some(&article), &path, title, format).await?
        }
    };
    let (content_type, body) = match format {
        FeedFormat::Rss => ("application/rss+xml; charset=utf-8", feeds::rss(&feed)),
        FeedFormat::Atom => ("application/atom+xml; charset=utf-8", feeds::atom(&feed)),
        FeedFormat::Json => ("application/feed+json; charset=utf-8", feeds::json(&feed)),
    };
    Ok(tags.on(conditional::respond(headers, content_type, body)))
}

async fn public_article(ctx: &Ctx, kind: ArticleKind, slug: &str) -> Result<Option<Article>, WebError> {
    let article = ctx.state.store.article_by_slug(kind, slug).await?;
    Ok(article.filter(|a| a.is_public_at(Utc::now())))
}

async fn term_feed(ctx: &Ctx, kind: TermKind, slug: &str, format: FeedFormat) -> Result<(Feed, CacheTags), WebError> {
    let term = ctx
        .state
        .store
        .term_by_slug(kind, slug)
        .await?
        .ok_or(WebError::NotFound)?;
    let path = match kind {
        TermKind::Category => permalink::category_path(term.slug.as_str()),
        TermKind::Tag => permalink::tag_path(term.slug.as_str()),
    };
    let title = format!("{} – {}", ctx.settings.title, term.name);
    let members = CacheTags::site()
        .with(tag::term_archive(term.id))
        .with(tag::term(term.id));
    article_feed(ctx, ArticleFilter::Term(term.id), members, &path, title, format).await
}

/// The newest change among `items` (the feed's own date, not a validator:
/// see `conditional`); the epoch for an empty feed, so its body stays stable.
fn newest(items: &[FeedItem]) -> DateTime<Utc> {
    items.iter().map(|i| i.updated).max().unwrap_or(DateTime::UNIX_EPOCH)
}

async fn article_feed(
    ctx: &Ctx,
    filter: ArticleFilter,
    members: CacheTags,
    path: &str,
    title: String,
    format: FeedFormat,
) -> Result<(Feed, CacheTags), WebError> {
    let (store, settings) = (&ctx.state.store, &ctx.settings);
    let query = ArticleQuery {
        kind: ArticleKind::Post,
        filter,
        public_at: Some(Utc::now()),
        page: 1,
        per_page: settings.feed_items,
        sticky_first: false,
    };
    let articles = store.articles(&query).await?.items;
    let authors = lookup::authors_of(store.as_ref(), &articles).await?;
    let mut items = Vec::with_capacity(articles.len());
    for a in &articles {
        let url = ctx.abs(&article_path(a, settings.timezone));
        let published = a.published_at.unwrap_or(a.created_at);
        // A protected article shows its title and link, as in WordPress;
        // nothing of its text.
        let protected = a.password.is_some();
        items.push(FeedItem {
            id: url.clone(),
            title: if protected {
                format!("Protected: {}", a.title)
            } else {
                a.title.clone()
            },
            url,
            published,
            updated: a.updated_at.unwrap_or(published),
            author: authors[&a.author_id].profile.display_name.clone(),
            categories: a.categories.iter().chain(&a.tags).map(|t| t.name.clone()).collect(),
            summary: excerpt(a),
            content_html: (settings.feed_full_text && !protected).then(|| render_body(&a.body, a.format)),
        });
    }
    let tags = members.article_content(&articles);
    Ok((
        Feed {
            title,
            home_url: ctx.abs(path),
            feed_url: ctx.abs(&feed_path(path, format)),
            description: settings.tagline.clone(),
            updated: newest(&items),
            items,
        },
        tags,
    ))
}

async fn comment_feed(
    ctx: &Ctx,
    article: Option<&Article>,
    path: &str,
    title: String,
    format: FeedFormat,
) -> Result<(Feed, CacheTags), WebError> {
    let (store, settings) = (&ctx.state.store, &ctx.settings);
    let comments = store
        .recent_comments(article.map(|a| a.id), Utc::now(), settings.feed_items)
        .await?;
    let mut articles = lookup::articles_of(store.as_ref(), &comments).await?;
    if let Some(a) = article {
        articles.insert(a.id, Some(a.clone()));
    }
    let mut items = Vec::with_capacity(comments.len());
    for c in &comments {
        // Comments of password-protected articles stay out of feeds, as in WordPress.
        let Some(on) = articles[&c.article_id].as_ref().filter(|a| a.password.is_none()) else {
            continue;
        };
        let url = ctx.abs(&format!("{}#comment-{}", article_path(on, settings.timezone), c.id));
        items.push(FeedItem {
            id: url.clone(),
            title: if article.is_some() {
                format!("By: {}", c.author_name)
            } else {
                format!("Comment on {} by {}", on.title, c.author_name)
            },
            url,
            published: c.created_at,
            updated: c.created_at,
            author: c.author_name.clone(),
            categories: Vec::new(),
            summary: plain_excerpt(&c.body, 55),
            content_html: Some(render_comment(&c.body)),
        });
    }
    // The items show the comments and their articles' titles and addresses.
    let tags = match article {
        Some(a) => CacheTags::site().with(tag::comments(a.id)).article_content([a]),
        None => CacheTags::site()
            .with(tag::COMMENTS)
            .article_content(articles.values().flatten()),
    };
    Ok((
        Feed {
            title,
            home_url: ctx.abs(if article.is_some() { path } else { "/" }),
            feed_url: ctx.abs(&feed_path(path, format)),
            description: settings.tagline.clone(),
            updated: newest(&items),
            items,
        },
        tags,
    ))
}
