//! `POST /wp-login.php?action=postpass`: the password form of a protected
//! article, with WordPress's address and field names so old forms work.
//!
//! The password is checked here, against the article the form came from
//! (its `redirect_to`, else the `Referer`), and guesses are throttled as
//! sign-ins are (`crate::attempts`), per article and per address. Only a
//! right password is remembered, so the article page never checks guesses.

use axum::Form;
use axum::extract::Query;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::SignedCookieJar;
use byline_core::permalink::{self, Route};
use byline_core::redirect::same_site_path;
use byline_core::throttle;
use byline_core::{Article, ArticleKind};
use chrono::Utc;
use serde::Deserialize;

use super::public::public_article;
use crate::admin::session::constant_time_eq;
use crate::attempts::{Admission, admit};
use crate::client::Client;
use crate::context::Ctx;
use crate::error::WebError;
use crate::visitor;

/// `?action=postpass`.
#[derive(Debug, Deserialize)]
pub struct Action {
    action: Option<String>,
}

/// The form.
#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    post_password: Option<String>,
    redirect_to: Option<String>,
}

/// Checks the password of the article the form came from; when right,
/// remembers it (as a keyed token in a signed cookie) and goes back to the
/// article, which then shows its text.
pub async fn submit(
    ctx: Ctx,
    client: Client,
    Query(action): Query<Action>,
    headers: HeaderMap,
    jar: SignedCookieJar,
    Form(form): Form<PasswordForm>,
) -> Result<Response, WebError> {
    if action.action.as_deref() != Some("postpass") {
        return Err(WebError::NotFound);
    }
    let referer = headers.get(header::REFERER).and_then(|r| r.to_str().ok());
    // The first of the two that stays on this site.
    let back = [form.redirect_to.as_deref(), referer]
        .into_iter()
        .flatten()
        .find_map(|to| same_site_path(to, &ctx.base));
    let article = match &back {
        Some(path) => article_at(&ctx, path).await?,
        None => None,
    };
    let (Some(back), Some(article)) = (back, article) else {
        return Err(WebError::BadRequest(
            "This form unlocks a protected article, but it did not come from one. \
             Open the article and give its password there."
                .into(),
        ));
    };
    let Some(expected) = article.password.as_deref().filter(|p| !p.is_empty()) else {
        // Nothing to unlock (any more).
        return Ok(Redirect::to(&back).into_response());
    };
    let now = Utc::now();
    let ip = client.network();
    let store = ctx.state.store.as_ref();
    let attempt = match admit(
        store,
        throttle::article_key(article.id),
        throttle::reader_address_key(ip),
        now,
    )
    .await?
    {
        Admission::Check(attempt) => attempt,
        Admission::Locked(until) => return Err(too_many(until, now)),
        Admission::Busy => {
            return Err(WebError::TooManyRequests {
                message: "Another password for this article is being checked. Try again in a moment.".into(),
                retry_after: 1,
            });
        }
    };
    let key = &ctx.state.password_key[..];
    let token = visitor::password_token(key, form.post_password.as_deref().unwrap_or_default());
    if !constant_time_eq(token.as_bytes(), visitor::password_token(key, expected).as_bytes()) {
        let locked = attempt.failed(store).await?;
        tracing::info!(article = article.id, "wrong article password");
        return Err(match locked {
            Some(until) => too_many(until, now),
            None => WebError::Forbidden {
                message: "That is not the password of this article. Go back and try again.".into(),
                kept_text: None,
            },
        });
    }
    attempt.succeeded(store).await?;
    let jar = visitor::add_password(jar, token, ctx.is_https());
    Ok((jar, Redirect::to(&back)).into_response())
}

/// The public article or page at a site path (with its query or anchor).
async fn article_at(ctx: &Ctx, path: &str) -> Result<Option<Article>, WebError> {
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let (kind, slug) = match permalink::parse(path) {
        Some(Route::Article { slug, .. }) => (ArticleKind::Post, slug),
        Some(Route::Page { slug }) => (ArticleKind::Page, slug),
        _ => return Ok(None),
    };
    public_article(ctx, kind, &slug.to_ascii_lowercase()).await
}

fn too_many(until: chrono::DateTime<Utc>, now: chrono::DateTime<Utc>) -> WebError {
    WebError::TooManyRequests {
        message: format!(
            "Too many wrong passwords for this article. Try again in {}.",
            throttle::wait(until, now)
        ),
        retry_after: throttle::retry_after(until, now),
    }
}
