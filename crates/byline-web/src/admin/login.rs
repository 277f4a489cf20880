//! `/admin/login` and `/admin/logout`, with throttling per account and per
//! client address (`byline_core::throttle`): after a few failures both are
//! locked for a delay that grows. A locked address is refused even the
//! right password; a locked account only refuses addresses that failed.

use axum::Form;
use axum::extract::Query;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use byline_core::author::Login;
use byline_core::redirect::same_site_path_within;
use byline_core::throttle;
use chrono::{Duration, Utc};
use serde::{Deserialize, Serialize};

use super::page::{Chrome, render};
use super::session::{
    self, Admin, PRESESSION_COOKIE, SESSION_COOKIE, SESSION_DAYS, check_form, cookie, csrf_token, new_token, token_hash,
};
use crate::attempts::{Admission, admit};
use crate::client::Client;
use crate::context::Ctx;
use crate::error::WebError;
use crate::{AppState, password};

/// `?next=` on the sign-in page.
#[derive(Debug, Deserialize, Default)]
pub struct NextQuery {
    next: Option<String>,
}

/// Only admin addresses on this site are followed after signing in.
fn safe_next(next: Option<&str>, base: &str) -> String {
    next.and_then(|n| same_site_path_within(n, base, "/admin"))
        .unwrap_or_else(|| "/admin/".to_owned())
}

/// The browser's pre-session cookie (made if missing) and the CSRF token
/// of forms shown to it.
pub fn presession(state: &AppState, jar: CookieJar, secure: bool) -> (CookieJar, String) {
    match jar.get(PRESESSION_COOKIE).map(|c| c.value().to_owned()) {
        Some(token) => {
            let csrf = csrf_token(state, &token_hash(&token));
            (jar, csrf)
        }
        None => {
            let token = new_token();
            let csrf = csrf_token(state, &token_hash(&token));
            (jar.add(cookie(PRESESSION_COOKIE, token, secure, None)), csrf)
        }
    }
}

/// The CSRF token a form from this browser must carry before signing in.
pub fn expected_presession_csrf(state: &AppState, jar: &CookieJar) -> String {
    jar.get(PRESESSION_COOKIE)
        .map(|c| csrf_token(state, &token_hash(c.value())))
        .unwrap_or_default()
}

/// Signs `user_id` in: a new session and its cookie.
pub async fn start_session(ctx: &Ctx, jar: CookieJar, user_id: i64) -> Result<CookieJar, WebError> {
    let token = new_token();
    let expires = Utc::now() + Duration::days(SESSION_DAYS);
    ctx.state
        .store
        .create_session(&token_hash(&token), user_id, expires)
        .await?;
    let secure = session::secure(&ctx.state, &ctx.base);
    Ok(jar
        .remove(cookie(PRESESSION_COOKIE, String::new(), secure, None))
        .add(cookie(
            SESSION_COOKIE,
            token,
            secure,
            Some(Duration::days(SESSION_DAYS)),
        )))
}

#[derive(Serialize)]
struct LoginPage {
    login: String,
    next: String,
}

async fn page(
    ctx: &Ctx,
    jar: CookieJar,
    status: StatusCode,
    login: String,
    next: String,
    error: Option<String>,
) -> Result<Response, WebError> {
    let (jar, csrf) = presession(&ctx.state, jar, session::secure(&ctx.state, &ctx.base));
    let mut chrome = Chrome::anonymous(&ctx.state, "Sign in", csrf).await?;
    if let Some(e) = error {
        chrome = chrome.error(e);
    }
    let response = render(
        &ctx.state,
        status,
        "admin/login.html",
        &chrome,
        &LoginPage { login, next },
    )?;
    Ok((jar, response).into_response())
}

/// The sign-in form (or the dashboard, for someone signed in).
pub async fn form(
    ctx: Ctx,
    admin: Option<Admin>,
    jar: CookieJar,
    Query(q): Query<NextQuery>,
) -> Result<Response, WebError> {
    let next = safe_next(q.next.as_deref(), &ctx.base);
    if admin.is_some() {
        return Ok(Redirect::to(&next).into_response());
    }
    page(&ctx, jar, StatusCode::OK, String::new(), next, None).await
}

/// The sign-in form's fields.
#[derive(Debug, Deserialize)]
pub struct LoginForm {
    login: Option<String>,
    password: Option<String>,
    csrf: Option<String>,
    next: Option<String>,
}

/// Checks a sign-in.
pub async fn submit(
    ctx: Ctx,
    client: Client,
    headers: HeaderMap,
    jar: CookieJar,
    Form(form): Form<LoginForm>,
) -> Result<Response, WebError> {
    let expected = expected_presession_csrf(&ctx.state, &jar);
    check_form(&headers, &ctx.base, form.csrf.as_deref().unwrap_or(""), &expected)?;
    let store = &ctx.state.store;
    let login = form.login.unwrap_or_default().trim().to_owned();
    let next = safe_next(form.next.as_deref(), &ctx.base);
    let now = Utc::now();
    let mismatch = "That login and password do not match an account. Check both and try again.";
    // A login no account can have costs nothing and leaves nothing stored.
    if Login::parse(&login).is_err() {
        return page(&ctx, jar, StatusCode::UNAUTHORIZED, login, next, Some(mismatch.into())).await;
    }
    let attempt = match admit(
        store.as_ref(),
        throttle::account_key(&login),
        throttle::address_key(client.network()),
        now,
    )
    .await?
    {
        Admission::Check(attempt) => attempt,
        Admission::Locked(until) => {
            let message = throttle::wait_message(until, now);
            return page(&ctx, jar, StatusCode::TOO_MANY_REQUESTS, login, next, Some(message)).await;
        }
        Admission::Busy => {
            let message = "Another sign-in to this account is under way. Try again in a moment.".to_owned();
            return page(&ctx, jar, StatusCode::TOO_MANY_REQUESTS, login, next, Some(message)).await;
        }
    };
    let found = store.user_for_sign_in(&login).await?;
    // Unknown logins are checked against a decoy, so they take as long as known ones.
    let hash = found
        .as_ref()
        .map_or_else(|| password::decoy().to_owned(), |(_, h)| h.clone());
    let matches = password::verify_bounded(hash, form.password.unwrap_or_default()).await;
    let Some((user, _)) = found.filter(|_| matches) else {
        let locked = attempt.failed(store.as_ref()).await?;
        tracing::info!(ip = %client.ip, "failed sign-in");
        let (status, message) = match locked {
            Some(until) => (StatusCode::TOO_MANY_REQUESTS, throttle::wait_message(until, now)),
            None => (StatusCode::UNAUTHORIZED, mismatch.to_owned()),
        };
        return page(&ctx, jar, status, login, next, Some(message)).await;
    };
    attempt.succeeded(store.as_ref()).await?;
    tracing::info!(user = user.id(), "signed in");
    let jar = start_session(&ctx, jar, user.id()).await?;
    Ok((jar, Redirect::to(&next)).into_response())
}

/// The sign-out form's field.
#[derive(Debug, Deserialize)]
pub struct CsrfForm {
    csrf: Option<String>,
}

/// Signs out this browser.
pub async fn logout(
    ctx: Ctx,
    admin: Admin,
    headers: HeaderMap,
    jar: CookieJar,
    Form(form): Form<CsrfForm>,
) -> Result<Response, WebError> {
    admin.check_form(&headers, &ctx.base, form.csrf.as_deref().unwrap_or(""))?;
    ctx.state.store.delete_session(&admin.session).await?;
    let secure = session::secure(&ctx.state, &ctx.base);
    let jar = jar.remove(cookie(SESSION_COOKIE, String::new(), secure, None));
    Ok((jar, Redirect::to("/admin/login")).into_response())
}
