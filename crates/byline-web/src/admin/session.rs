//! Signing in: the session cookie, the [`Admin`] extractor every admin
//! page starts from, and CSRF protection for every form that changes
//! something.
//!
//! The session cookie holds a random token; the store keeps only its
//! SHA-256. A form's CSRF token is an HMAC of the session (or, before
//! signing in, of a pre-session cookie), so it needs no storage and is
//! worthless in another browser. Forms are also refused when their
//! `Origin` (or `Referer`) is another site.

use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use byline_core::keys;
use byline_core::role::{Action, allows};
use byline_store::accounts::User;
use chrono::{Duration, Utc};

use crate::AppState;
use crate::error::WebError;

/// The session cookie.
pub const SESSION_COOKIE: &str = "byline_session";
/// Binds the sign-in and setup forms to the browser that loaded them.
pub const PRESESSION_COOKIE: &str = "byline_presession";
/// How long a sign-in lasts (WordPress's "remember me").
pub const SESSION_DAYS: i64 = 14;

/// A fresh random token (256 bits, hex).
pub fn new_token() -> String {
    keys::hex(&rand::random::<[u8; 32]>())
}

/// What the store keeps of a token.
pub fn token_hash(token: &str) -> Vec<u8> {
    keys::sha256(token.as_bytes()).to_vec()
}

/// The CSRF token of forms shown to the holder of `seed` (a token hash).
pub fn csrf_token(state: &AppState, seed: &[u8]) -> String {
    keys::hex(&keys::derive(&state.csrf_key[..], &format!("csrf:{}", keys::hex(seed)))[..16])
}

/// A cookie only the admin reads: HttpOnly, SameSite=Lax, Secure over HTTPS.
pub fn cookie(name: &'static str, value: String, secure: bool, max_age: Option<Duration>) -> Cookie<'static> {
    let mut c = Cookie::build((name, value))
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .build();
    if let Some(age) = max_age {
        c.set_max_age(cookie::time::Duration::seconds(age.num_seconds()));
    }
    c
}

/// Whether cookies must be `Secure`: the site is served over HTTPS, or the
/// operator said so.
pub fn secure(state: &AppState, base: &str) -> bool {
    state.config.secure_cookies || base.starts_with("https://")
}

/// A signed-in user.
pub struct Admin {
    /// Who.
    pub user: User,
    /// The CSRF token their forms carry.
    pub csrf: String,
    /// Their session, by hash.
    pub session: Vec<u8>,
}

impl Admin {
    /// Whether the user may do `action`.
    pub fn may(&self, action: Action) -> bool {
        allows(self.user.role, action)
    }

    /// Refuses with 403 unless the user may do `action`.
    pub fn require(&self, action: Action) -> Result<(), WebError> {
        if self.may(action) {
            Ok(())
        } else {
            Err(forbidden("Your role does not allow that."))
        }
    }

    /// Checks a submitted form: its CSRF token and where it came from.
    pub fn check_form(&self, headers: &HeaderMap, base: &str, csrf: &str) -> Result<(), WebError> {
        check_form(headers, base, csrf, &self.csrf)
    }
}

/// A 403 with a message.
pub fn forbidden(message: &str) -> WebError {
    WebError::Forbidden {
        message: message.into(),
        kept_text: None,
    }
}

/// Refuses a form whose CSRF token is not `expected`, or that another site submitted.
pub fn check_form(headers: &HeaderMap, base: &str, csrf: &str, expected: &str) -> Result<(), WebError> {
    let same_site = |value: &str| value == base || value.starts_with(&format!("{base}/"));
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    let referer = headers.get(header::REFERER).and_then(|v| v.to_str().ok());
    let foreign = match (origin, referer) {
        (Some(o), _) if o != "null" => !same_site(o),
        (_, Some(r)) => !same_site(r),
        _ => false,
    };
    if foreign {
        return Err(forbidden("This form was sent from another site, so it was refused."));
    }
    if csrf.is_empty() || !constant_time_eq(csrf.as_bytes(), expected.as_bytes()) {
        return Err(forbidden(
            "The form has expired or did not come from this site. Go back, reload the page and try again.",
        ));
    }
    Ok(())
}

/// Compares secrets in a time that does not depend on where they differ.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The signed-in user of a request, if any.
async fn signed_in(parts: &Parts, state: &AppState) -> Result<Option<Admin>, Response> {
    let jar = CookieJar::from_headers(&parts.headers);
    let Some(session) = jar.get(SESSION_COOKIE).map(|c| token_hash(c.value())) else {
        return Ok(None);
    };
    let user = state
        .store
        .session_user(&session, Utc::now())
        .await
        .map_err(|e| WebError::from(e).into_response())?;
    Ok(user.map(|user| Admin {
        csrf: csrf_token(state, &session),
        user,
        session,
    }))
}

impl FromRequestParts<AppState> for Admin {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if let Some(admin) = signed_in(parts, state).await? {
            return Ok(admin);
        }
        if parts.method == Method::GET || parts.method == Method::HEAD {
            let next = parts.uri.path_and_query().map_or("/admin/", |p| p.as_str());
            let next = crate::present::query_value(next);
            Err(Redirect::to(&format!("/admin/login?next={next}")).into_response())
        } else {
            Err(forbidden("You are not signed in (or your session ended). Sign in and try again.").into_response())
        }
    }
}

impl OptionalFromRequestParts<AppState> for Admin {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Option<Self>, Self::Rejection> {
        signed_in(parts, state).await
    }
}
