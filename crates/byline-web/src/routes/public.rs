//! Every public GET page goes through [`page`], which reads the path with
//! `byline_core::permalink` and hands it to the list or article handler.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::SignedCookieJar;
use byline_core::permalink::{self, Route};
use byline_core::{ArticleKind, Settings};
use chrono::NaiveDate;
use serde::Deserialize;

use super::article::{self, FormState};
use super::lists;
use crate::AppState;
use crate::error::WebError;
use crate::visitor;

/// Query parameters public pages understand.
#[derive(Debug, Deserialize, Default)]
pub struct PageQuery {
    /// WordPress's no-JavaScript reply link: `?replytocom=ID#respond`.
    replytocom: Option<String>,
}

/// Dispatches a public page.
pub async fn page(
    State(state): State<AppState>,
    method: Method,
    uri: Uri,
    query: Result<Query<PageQuery>, QueryRejection>,
    jar: SignedCookieJar,
) -> Result<Response, WebError> {
    if method != Method::GET && method != Method::HEAD {
        return Ok((StatusCode::METHOD_NOT_ALLOWED, [(header::ALLOW, "GET, HEAD")]).into_response());
    }
    let path = uri.path();
    let Some(route) = permalink::parse(path) else {
        return redirect_to_slashed(&uri).ok_or(WebError::NotFound);
    };
    let settings = state.store.settings().await?;
    let query = query.map(|Query(q)| q).unwrap_or_default(); // A garbled query string is ignored, not an error.
    match route {
        Route::Article {
            date,
            slug,
            comment_page,
        } => {
            show(
                &state,
                &settings,
                ArticleKind::Post,
                &slug,
                Some(date),
                comment_page,
                &jar,
                &query,
            )
            .await
        }
        Route::Page { slug } => show(&state, &settings, ArticleKind::Page, &slug, None, 1, &jar, &query).await,
        Route::Home { page } => lists::home(&state, &settings, page).await,
        Route::Date { year, month, day, page } => lists::by_date(&state, &settings, year, month, day, page).await,
        Route::Author { nicename, page } => lists::by_author(&state, &settings, &nicename, page).await,
        Route::Category { slug, page } => {
            lists::by_term(&state, &settings, byline_core::TermKind::Category, &slug, page).await
        }
        Route::Tag { slug, page } => lists::by_term(&state, &settings, byline_core::TermKind::Tag, &slug, page).await,
    }
}

/// An article or page, if public, as this visitor sees it. A post asked
/// for under the wrong date is redirected to its canonical address.
#[expect(clippy::too_many_arguments, reason = "the parts of the request the page depends on")]
async fn show(
    state: &AppState,
    settings: &Settings,
    kind: ArticleKind,
    slug: &str,
    date: Option<NaiveDate>,
    comment_page: u32,
    jar: &SignedCookieJar,
    query: &PageQuery,
) -> Result<Response, WebError> {
    let article = state.store.article_by_slug(kind, slug).await?;
    let article = article
        .filter(|a| a.is_public_at(chrono::Utc::now()))
        .ok_or(WebError::NotFound)?;
    if let Some(date) = date {
        let canonical = crate::present::article_path(&article, settings.timezone);
        if canonical != permalink::post_path_for_date(date, slug) {
            // The date in the URL is wrong (or the time zone changed): send readers to the right one.
            return Ok(moved_permanently(&permalink::comment_page_path(
                &canonical,
                comment_page,
            )));
        }
    }
    let form = FormState::fresh(jar, query.replytocom.as_deref());
    let pending = visitor::pending_ids(jar);
    let personal = visitor::is_personal(jar);
    article::render(
        state,
        settings,
        &article,
        comment_page,
        &pending,
        form,
        StatusCode::OK,
        personal,
    )
    .await
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
fn moved_permanently(target: &str) -> Response {
    (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, target.to_owned())]).into_response()
}
