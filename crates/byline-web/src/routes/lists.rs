//! Home page, archives and search results: lists of article summaries.

use std::collections::HashMap;

use axum::response::{Html, IntoResponse, Response};
use byline_core::permalink::{self, list_page_path};
use byline_core::search::{highlight, terms};
use byline_core::{Article, ArticleKind, TermKind};
use byline_render::view::{ArticleSummary, ListHeading, ListPage, PageMeta, Pagination, safe};
use byline_store::changes::tag;
use byline_store::{ArticleFilter, ArticleQuery, Page};
use chrono::{Months, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

use crate::cache::CacheTags;
use crate::context::Ctx;
use crate::error::WebError;
use crate::lookup;
use crate::present::{author_view, feed_links, summary_view};

/// A list page's own parts.
struct Listing {
    base: String,
    heading: Option<ListHeading>,
    title: String,
    description: Option<String>,
    og_type: &'static str,
    feed: Option<(String, String)>,
    /// What decides which articles the list holds, for the page cache;
    /// `None` keeps the page out of it (search results).
    members: Option<CacheTags>,
}

/// `/` and `/page/N/`.
pub async fn home(ctx: &Ctx, page: u32) -> Result<Response, WebError> {
    let listing = Listing {
        base: "/".into(),
        heading: None,
        title: if page > 1 {
            format!("Page {page}")
        } else {
            String::new()
        },
        description: None,
        og_type: "website",
        feed: None,
        members: Some(CacheTags::site().with(tag::POSTS)),
    };
    let found = articles(ctx, ArticleFilter::All, page).await?;
    render(ctx, found, page, listing).await
}

/// `/author/NICENAME/`: the author's profile over their articles.
pub async fn by_author(ctx: &Ctx, nicename: &str, page: u32) -> Result<Response, WebError> {
    let author = ctx
        .state
        .store
        .author_by_nicename(nicename)
        .await?
        .ok_or(WebError::NotFound)?;
    let view = author_view(&author, &ctx.state.avatar_key[..]);
    let base = permalink::author_path(&author.nicename);
    let listing = Listing {
        feed: Some((base.clone(), author.profile.display_name.clone())),
        base,
        title: author.profile.display_name.clone(),
        description: Some(author.profile.bio.clone()).filter(|b| !b.is_empty()),
        og_type: "profile",
        members: Some(
            CacheTags::site()
                .with(tag::author_archive(author.id))
                .with(tag::author(author.id)),
        ),
        heading: Some(ListHeading {
            title: view.name.clone(),
            author: Some(view),
            ..Default::default()
        }),
    };
    let found = articles(ctx, ArticleFilter::Author(author.id), page).await?;
    render(ctx, found, page, listing).await
}

/// `/category/slug/` and `/tag/slug/`.
pub async fn by_term(ctx: &Ctx, kind: TermKind, slug: &str, page: u32) -> Result<Response, WebError> {
    let term = ctx
        .state
        .store
        .term_by_slug(kind, slug)
        .await?
        .ok_or(WebError::NotFound)?;
    let (label, base) = match kind {
        TermKind::Category => ("Category", permalink::category_path(term.slug.as_str())),
        TermKind::Tag => ("Tag", permalink::tag_path(term.slug.as_str())),
    };
    let title = format!("{label}: {}", term.name);
    let listing = Listing {
        feed: Some((base.clone(), title.clone())),
        base,
        heading: Some(ListHeading {
            title: title.clone(),
            ..Default::default()
        }),
        title,
        description: None,
        og_type: "website",
        members: Some(
            CacheTags::site()
                .with(tag::term_archive(term.id))
                .with(tag::term(term.id)),
        ),
    };
    let found = articles(ctx, ArticleFilter::Term(term.id), page).await?;
    render(ctx, found, page, listing).await
}

/// `/YYYY/`, `/YYYY/MM/`, `/YYYY/MM/DD/`: articles dated in that period in
/// the site's zone.
pub async fn by_date(
    ctx: &Ctx,
    year: i32,
    month: Option<u32>,
    day: Option<u32>,
    page: u32,
) -> Result<Response, WebError> {
    let start = NaiveDate::from_ymd_opt(year, month.unwrap_or(1), day.unwrap_or(1)).ok_or(WebError::NotFound)?;
    let (end, label) = match (month, day) {
        (Some(_), Some(_)) => (start.succ_opt(), start.format("%B %-d, %Y").to_string()),
        (Some(_), None) => (
            start.checked_add_months(Months::new(1)),
            start.format("%B %Y").to_string(),
        ),
        _ => (start.checked_add_months(Months::new(12)), year.to_string()),
    };
    let end = end.ok_or(WebError::NotFound)?;
    let tz = ctx.settings.timezone;
    let filter = ArticleFilter::Published {
        from: local_midnight(start, tz),
        to: local_midnight(end, tz),
    };
    let title = format!("Articles from {label}");
    let listing = Listing {
        base: permalink::date_path(year, month, day),
        heading: Some(ListHeading {
            title: title.clone(),
            ..Default::default()
        }),
        title,
        description: None,
        og_type: "website",
        feed: None,
        members: Some(CacheTags::site().with(tag::POSTS)),
    };
    let found = articles(ctx, filter, page).await?;
    render(ctx, found, page, listing).await
}

/// `/search?q=…` (and WordPress's `/?s=…`): published articles and pages
/// matching every word, title matches first, with highlighted passages.
pub async fn search(ctx: &Ctx, query: &str, page: u32) -> Result<Response, WebError> {
    let query = query.trim();
    let shown: String = query.chars().take(200).collect();
    let words = terms(query);
    let per_page = ctx.settings.posts_per_page;
    let hits = ctx.state.store.search(&words, Utc::now(), page, per_page).await?;
    if page > 1 && hits.items.is_empty() {
        return Err(WebError::NotFound);
    }
    // A protected article's text is never shown, even where an index built
    // before protected text was kept out of it still holds it.
    let (articles, snippets): (Vec<Article>, Vec<Option<String>>) = hits
        .items
        .into_iter()
        .map(|h| {
            let snippet = h.article.password.is_none().then_some(h.snippet);
            (h.article, snippet)
        })
        .unzip();
    let found = Page {
        items: articles,
        total: hits.total,
    };
    let description = match (words.is_empty(), found.total) {
        (true, _) => "Type one or more words to search the articles.".to_owned(),
        (false, 0) => format!("No articles match “{shown}”. Try fewer or different words."),
        (false, 1) => "One article found.".to_owned(),
        (false, n) => format!("{} articles found.", thousands(n)),
    };
    let encoded: String = crate::present::query_value(&shown);
    let listing = Listing {
        base: format!("/search?q={encoded}"),
        heading: Some(ListHeading {
            title: if shown.is_empty() {
                "Search".into()
            } else {
                format!("Search results for “{shown}”")
            },
            description: Some(description),
            query: Some(shown.clone()),
            ..Default::default()
        }),
        title: format!("Search: {shown}"),
        description: None,
        og_type: "website",
        feed: None,
        members: None,
    };
    render_with(ctx, found, page, listing, |summaries| {
        for (summary, snippet) in summaries.iter_mut().zip(&snippets) {
            summary.snippet_html = snippet.as_deref().map(|s| safe(highlight(s)));
        }
    })
    .await
}

/// 9847 → "9,847".
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn local_midnight(date: NaiveDate, tz: Tz) -> chrono::DateTime<Utc> {
    let naive = date.and_time(NaiveTime::MIN);
    tz.from_local_datetime(&naive)
        .earliest()
        .map_or_else(|| naive.and_utc(), |t| t.with_timezone(&Utc))
}

async fn articles(ctx: &Ctx, filter: ArticleFilter, page: u32) -> Result<Page<Article>, WebError> {
    let query = ArticleQuery {
        kind: ArticleKind::Post,
        sticky_first: filter == ArticleFilter::All,
        filter,
        public_at: Some(Utc::now()),
        page,
        per_page: ctx.settings.posts_per_page,
    };
    let found = ctx.state.store.articles(&query).await?;
    if page > 1 && found.items.is_empty() {
        return Err(WebError::NotFound);
    }
    Ok(found)
}

async fn render(ctx: &Ctx, found: Page<Article>, page: u32, listing: Listing) -> Result<Response, WebError> {
    render_with(ctx, found, page, listing, |_| {}).await
}

async fn render_with(
    ctx: &Ctx,
    found: Page<Article>,
    page: u32,
    listing: Listing,
    decorate: impl FnOnce(&mut [ArticleSummary]),
) -> Result<Response, WebError> {
    let (state, settings) = (&ctx.state, &ctx.settings);
    let tz = settings.timezone;
    let ids: Vec<i64> = found.items.iter().map(|a| a.id).collect();
    let counts: HashMap<i64, u64> = state.store.approved_comment_counts(&ids).await?.into_iter().collect();
    let authors: HashMap<i64, _> = lookup::authors_of(state.store.as_ref(), &found.items)
        .await?
        .into_iter()
        .map(|(id, author)| (id, author_view(&author, &state.avatar_key[..])))
        .collect();
    let members = listing.members.clone();
    // Excerpts (Markdown and HTML to text) and the template are CPU work.
    let html = state
        .render(|| {
            let mut summaries: Vec<ArticleSummary> = found
                .items
                .iter()
                .map(|a| {
                    summary_view(
                        a,
                        authors[&a.author_id].clone(),
                        counts.get(&a.id).copied().unwrap_or(0),
                        tz,
                    )
                })
                .collect();
            decorate(&mut summaries);
            let pages = byline_core::thread::page_count(found.total, settings.posts_per_page);
            let is_search = listing.base.starts_with("/search");
            let page_url = |n: u32| {
                if is_search {
                    if n <= 1 {
                        listing.base.clone()
                    } else {
                        format!("{}&page={n}", listing.base)
                    }
                } else {
                    list_page_path(&listing.base, n)
                }
            };
            let mut feeds = feed_links(&ctx.base, "/", &settings.title);
            if let Some((path, title)) = &listing.feed {
                feeds.extend(feed_links(&ctx.base, path, title));
            }
            let view = ListPage {
                site: ctx.site(),
                meta: PageMeta {
                    title: listing.title,
                    description: listing.description.unwrap_or_else(|| settings.tagline.clone()),
                    canonical: ctx.abs(&page_url(page)),
                    noindex: is_search,
                    og_type: listing.og_type.into(),
                    feeds,
                    ..Default::default()
                },
                heading: listing.heading,
                articles: summaries,
                pagination: Pagination::new(page, pages, page_url),
            };
            state.renderer.render("list.html", &view)
        })
        .await?;
    let response = Html(html).into_response();
    Ok(match members {
        Some(tags) => tags.articles(&found.items).on(response),
        None => response,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts_read_with_separators() {
        assert_eq!(super::thousands(7), "7");
        assert_eq!(super::thousands(9847), "9,847");
        assert_eq!(super::thousands(1_234_567), "1,234,567");
    }
}
