//! Every public GET page goes through [`page`], which reads the path with
//! `byline_core::permalink` and hands it to the list, article or feed handler.

use axum::extract::Query;
use axum::extract::rejection::QueryRejection;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::SignedCookieJar;
use byline_core::permalink::{self, Route};
use byline_core::{ArticleKind, TermKind};
use chrono::NaiveDate;
use serde::Deserialize;

use super::article::{self, FormState, Viewer};
use super::{feeds, lists};
use crate::context::Ctx;
use crate::error::WebError;

/// The query parameters [`PageQuery`] reads (the page cache keys pages on
/// these alone).
pub const PAGE_PARAMETERS: &[&str] = &["replytocom", "s", "q", "page", "p", "page_id"];

/// Query parameters public pages understand.
#[derive(Debug, Deserialize, Default)]
pub struct PageQuery {
    /// WordPress's no-JavaScript reply link: `?replytocom=ID#respond`.
    replytocom: Option<String>,
    /// WordPress's search parameter: `/?s=words`.
    s: Option<String>,
    /// byline's search parameter: `/search?q=words`.
    q: Option<String>,
    /// Page of search results.
    page: Option<String>,
    /// WordPress's default permalink: `/?p=ID`.
    p: Option<String>,
    /// WordPress's default page link: `/?page_id=ID`.
    page_id: Option<String>,
}

/// Dispatches a public page.
pub async fn page(
    ctx: Ctx,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    query: Result<Query<PageQuery>, QueryRejection>,
    jar: SignedCookieJar,
) -> Result<Response, WebError> {
    if method != Method::GET && method != Method::HEAD {
        return Ok((StatusCode::METHOD_NOT_ALLOWED, [(header::ALLOW, "GET, HEAD")]).into_response());
    }
    // A garbled query string is ignored, not an error.
    let query = query.map(|Query(q)| q).unwrap_or_default();
    let path = uri.path();
    if path == "/search" || (path == "/" && query.s.is_some()) {
        let words = query.q.as_deref().or(query.s.as_deref()).unwrap_or("");
        let page = query
            .page
            .as_deref()
            .and_then(|p| p.parse().ok())
            .filter(|p| *p >= 1)
            .unwrap_or(1);
        return lists::search(&ctx, words, page).await;
    }
    if let Some(file) = path
        .strip_prefix('/')
        .filter(|f| f.starts_with("sitemap-") && f.ends_with(".xml"))
    {
        return super::discovery::child(ctx, headers, file).await;
    }
    if path == "/"
        && let Some(id) = query
            .p
            .as_deref()
            .or(query.page_id.as_deref())
            .and_then(|id| id.trim().parse::<i64>().ok())
    {
        // Old `/?p=ID` links: the WordPress id of an imported article, or byline's own.
        let article = ctx.state.store.article_by_wp_id(id).await?;
        let article = article
            .filter(|a| a.is_public_at(chrono::Utc::now()))
            .ok_or(WebError::NotFound)?;
        return Ok(moved_permanently(&crate::present::article_path(
            &article,
            ctx.settings.timezone,
        )));
    }
    let Some(route) = permalink::parse(path) else {
        return redirect_to_slashed(&uri).ok_or(WebError::NotFound);
    };
    match route {
        Route::Article {
            date,
            slug,
            comment_page,
        } => show(&ctx, ArticleKind::Post, &slug, Some(date), comment_page, &jar, &query).await,
        Route::Page { slug } => show(&ctx, ArticleKind::Page, &slug, None, 1, &jar, &query).await,
        Route::MonthSlug { slug } => {
            let moved = moved_article(&ctx, ArticleKind::Post, &slug.to_ascii_lowercase()).await?;
            let article = match moved {
                Some(article) => article,
                None => public_article(&ctx, ArticleKind::Post, &slug.to_ascii_lowercase())
                    .await?
                    .ok_or(WebError::NotFound)?,
            };
            Ok(moved_permanently(&crate::present::article_path(
                &article,
                ctx.settings.timezone,
            )))
        }
        Route::Home { page } => lists::home(&ctx, page).await,
        Route::Date { year, month, day, page } => lists::by_date(&ctx, year, month, day, page).await,
        Route::Author { nicename, page } => lists::by_author(&ctx, &nicename, page).await,
        Route::Category { slug, page } => lists::by_term(&ctx, TermKind::Category, &slug, page).await,
        Route::Tag { slug, page } => lists::by_term(&ctx, TermKind::Tag, &slug, page).await,
        Route::Feed { source, format } => feeds::serve(&ctx, source, format, &headers).await,
    }
}

/// An article or page, if public, as this visitor sees it. A post asked
/// for under the wrong date is redirected to its canonical address.
async fn show(
    ctx: &Ctx,
    kind: ArticleKind,
    slug: &str,
    date: Option<NaiveDate>,
    comment_page: u32,
    jar: &SignedCookieJar,
    query: &PageQuery,
) -> Result<Response, WebError> {
    // Browsers may send percent-escapes in upper case; WordPress stores them in lower case.
    let slug = &slug.to_ascii_lowercase();
    let Some(article) = public_article(ctx, kind, slug).await? else {
        let moved = moved_article(ctx, kind, slug).await?.ok_or(WebError::NotFound)?;
        return Ok(moved_permanently(&crate::present::article_path(
            &moved,
            ctx.settings.timezone,
        )));
    };
    if let Some(date) = date {
        let canonical = crate::present::article_path(&article, ctx.settings.timezone);
        if canonical != permalink::post_path_for_date(date, slug) {
            // The date in the URL is wrong (or the time zone changed): send readers to the right one.
            return Ok(moved_permanently(&permalink::comment_page_path(
                &canonical,
                comment_page,
            )));
        }
    }
    if query.replytocom.as_deref().is_some_and(|r| r.parse::<i64>().is_err()) {
        let path = permalink::comment_page_path(
            &crate::present::article_path(&article, ctx.settings.timezone),
            comment_page,
        );
        return Ok((StatusCode::FOUND, [(header::LOCATION, format!("{path}#respond"))]).into_response());
    }
    let form = FormState::fresh(jar, query.replytocom.as_deref());
    article::render(
        ctx,
        &article,
        comment_page,
        &Viewer::from_jar(jar),
        form,
        StatusCode::OK,
    )
    .await
}

pub(super) async fn public_article(
    ctx: &Ctx,
    kind: ArticleKind,
    slug: &str,
) -> Result<Option<byline_core::Article>, WebError> {
    let article = ctx.state.store.article_by_slug(kind, slug).await?;
    Ok(article.filter(|a| a.is_public_at(chrono::Utc::now())))
}

/// Where an address that no longer names an article now points: an old
/// slug of the same kind, or, for `/slug/`, a post (WordPress's "post name"
/// permalinks) or a post's old slug.
async fn moved_article(ctx: &Ctx, kind: ArticleKind, slug: &str) -> Result<Option<byline_core::Article>, WebError> {
    let store = &ctx.state.store;
    let now = chrono::Utc::now();
    let mut candidates = vec![store.article_by_old_slug(kind, slug).await?];
    if kind == ArticleKind::Page {
        candidates.push(store.article_by_slug(ArticleKind::Post, slug).await?);
        candidates.push(store.article_by_old_slug(ArticleKind::Post, slug).await?);
    }
    Ok(candidates.into_iter().flatten().find(|a| a.is_public_at(now)))
}

/// `/2024/01/26/slug` → `/2024/01/26/slug/`, as WordPress does; paths that
/// look like files (`/favicon.ico`) are left alone.
fn redirect_to_slashed(uri: &Uri) -> Option<Response> {
    let path = uri.path();
    let last = path.rsplit('/').next().unwrap_or("");
    if path.ends_with('/') || last.contains('.') {
        return None;
    }
    let slashed = format!("{path}/");
    permalink::parse(&slashed)?;
    let target = match uri.query() {
        Some(q) => format!("{slashed}?{q}"),
        None => slashed,
    };
    Some(moved_permanently(&target))
}

/// A 301, as WordPress answers for moved content (axum's permanent redirect is a 308).
pub fn moved_permanently(target: &str) -> Response {
    (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, target.to_owned())]).into_response()
}
