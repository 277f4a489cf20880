//! Home page and archives: lists of article summaries, newest first.

use std::collections::HashMap;

use axum::response::{Html, IntoResponse, Response};
use byline_core::permalink::{self, list_page_path};
use byline_core::{ArticleKind, Settings, TermKind};
use byline_render::view::{ListHeading, ListPage, PageMeta, Pagination};
use byline_store::{ArticleFilter, ArticleQuery};
use chrono::{Months, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

use crate::AppState;
use crate::error::WebError;
use crate::present::{author_view, site_view, summary_view};

/// `/` and `/page/N/`.
pub async fn home(state: &AppState, settings: &Settings, page: u32) -> Result<Response, WebError> {
    let title = if page > 1 {
        format!("Page {page}")
    } else {
        String::new()
    };
    render_list(state, settings, ArticleFilter::All, page, "/", None, title).await
}

/// `/author/NICENAME/`: the author's profile over their articles.
pub async fn by_author(state: &AppState, settings: &Settings, nicename: &str, page: u32) -> Result<Response, WebError> {
    let author = state
        .store
        .author_by_nicename(nicename)
        .await?
        .ok_or(WebError::NotFound)?;
    let view = author_view(&author, &state.avatar_key[..]);
    let heading = ListHeading {
        title: view.name.clone(),
        description: None,
        author: Some(view),
    };
    let base = permalink::author_path(&author.nicename);
    let title = author.profile.display_name.clone();
    render_list(
        state,
        settings,
        ArticleFilter::Author(author.id),
        page,
        &base,
        Some(heading),
        title,
    )
    .await
}

/// `/category/slug/` and `/tag/slug/`.
pub async fn by_term(
    state: &AppState,
    settings: &Settings,
    kind: TermKind,
    slug: &str,
    page: u32,
) -> Result<Response, WebError> {
    let term = state.store.term_by_slug(kind, slug).await?.ok_or(WebError::NotFound)?;
    let (label, base) = match kind {
        TermKind::Category => ("Category", permalink::category_path(term.slug.as_str())),
        TermKind::Tag => ("Tag", permalink::tag_path(term.slug.as_str())),
    };
    let title = format!("{label}: {}", term.name);
    let heading = ListHeading {
        title: title.clone(),
        ..Default::default()
    };
    render_list(
        state,
        settings,
        ArticleFilter::Term(term.id),
        page,
        &base,
        Some(heading),
        title,
    )
    .await
}

/// `/YYYY/`, `/YYYY/MM/`, `/YYYY/MM/DD/`: articles dated in that period in
/// the site's zone.
pub async fn by_date(
    state: &AppState,
    settings: &Settings,
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
    let tz = settings.timezone;
    let filter = ArticleFilter::Published {
        from: local_midnight(start, tz),
        to: local_midnight(end, tz),
    };
    let title = format!("Articles from {label}");
    let heading = ListHeading {
        title: title.clone(),
        ..Default::default()
    };
    let base = permalink::date_path(year, month, day);
    render_list(state, settings, filter, page, &base, Some(heading), title).await
}

fn local_midnight(date: NaiveDate, tz: Tz) -> chrono::DateTime<Utc> {
    let naive = date.and_time(NaiveTime::MIN);
    tz.from_local_datetime(&naive)
        .earliest()
        .map_or_else(|| naive.and_utc(), |t| t.with_timezone(&Utc))
}

async fn render_list(
    state: &AppState,
    settings: &Settings,
    filter: ArticleFilter,
    page: u32,
    base: &str,
    heading: Option<ListHeading>,
    title: String,
) -> Result<Response, WebError> {
    let tz = settings.timezone;
    let query = ArticleQuery {
        kind: ArticleKind::Post,
        filter,
        public_at: Some(Utc::now()),
        page,
        per_page: settings.posts_per_page,
    };
    let found = state.store.articles(&query).await?;
    if page > 1 && found.items.is_empty() {
        return Err(WebError::NotFound);
    }
    let ids: Vec<i64> = found.items.iter().map(|a| a.id).collect();
    let counts: HashMap<i64, u64> = state.store.approved_comment_counts(&ids).await?.into_iter().collect();
    let mut authors = HashMap::new();
    for article in &found.items {
        if let std::collections::hash_map::Entry::Vacant(slot) = authors.entry(article.author_id) {
            let author = state
                .store
                .author(article.author_id)
                .await?
                .ok_or_else(|| WebError::Internal(format!("article {} has no author", article.id)))?;
            slot.insert(author_view(&author, &state.avatar_key[..]));
        }
    }
    let articles = found
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
    let pages = byline_core::thread::page_count(found.total, settings.posts_per_page);
    let description = heading
        .as_ref()
        .and_then(|h| h.author.as_ref().map(|a| a.bio.clone()))
        .unwrap_or_else(|| settings.tagline.clone());
    let view = ListPage {
        site: site_view(settings),
        meta: PageMeta {
            title,
            description,
            canonical: list_page_path(base, page),
            noindex: false,
        },
        heading,
        articles,
        pagination: Pagination::new(page, pages, |n| list_page_path(base, n)),
    };
    Ok(Html(state.renderer.render("list.html", &view)?).into_response())
}
