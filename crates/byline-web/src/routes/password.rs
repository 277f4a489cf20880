//! `POST /wp-login.php?action=postpass`: the password form of a protected
//! article, with WordPress's address and field name so old forms work.

use axum::Form;
use axum::extract::Query;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::SignedCookieJar;
use serde::Deserialize;

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

/// Remembers the password (as a keyed token in a signed cookie) and goes
/// back to the article, which shows its text when the password is right.
pub async fn submit(
    ctx: Ctx,
    Query(action): Query<Action>,
    headers: HeaderMap,
    jar: SignedCookieJar,
    Form(form): Form<PasswordForm>,
) -> Result<Response, WebError> {
    if action.action.as_deref() != Some("postpass") {
        return Err(WebError::NotFound);
    }
    let password = form.post_password.unwrap_or_default();
    let back = form
        .redirect_to
        .or_else(|| {
            headers
                .get(header::REFERER)
                .and_then(|r| r.to_str().ok())
                .map(str::to_owned)
        })
        .and_then(|to| local_path(&to))
        .unwrap_or_else(|| "/".to_owned());
    let token = visitor::password_token(&ctx.state.password_key[..], &password);
    let jar = visitor::add_password(jar, token, ctx.is_https());
    Ok((jar, Redirect::to(&back)).into_response())
}

/// The path of a same-site address, never another site's.
fn local_path(to: &str) -> Option<String> {
    let path = match to.find("://") {
        Some(i) => &to[to[i + 3..].find('/').map(|j| i + 3 + j)?..],
        None => to,
    };
    (path.starts_with('/') && !path.starts_with("//")).then(|| path.to_owned())
}
