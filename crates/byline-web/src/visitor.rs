//! What a visitor's browser remembers: their own held comments (a signed
//! cookie, not an account) and, when they opt in, their name, email and
//! website for the next comment.

use axum_extra::extract::SignedCookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use byline_core::CommentId;
use byline_core::comment_form::CommentDraft;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

const PENDING: &str = "byline_pending";
const PASSWORDS: &str = "byline_postpass";
/// How many article passwords a browser remembers.
const MAX_PASSWORDS: usize = 10;
const COMMENTER: &str = "byline_commenter";
const BROWSER: &str = "byline_browser";
/// How many held comments a browser keeps track of.
const MAX_PENDING: usize = 20;
const PENDING_DAYS: i64 = 30;
const COMMENTER_DAYS: i64 = 365;

/// A cookie only this site's pages read, `Secure` when the site is served
/// over HTTPS so it never travels in clear text.
fn cookie(name: &'static str, value: String, days: i64, secure: bool) -> Cookie<'static> {
    Cookie::build((name, value))
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .max_age(time_days(days))
        .build()
}

fn time_days(days: i64) -> cookie::time::Duration {
    cookie::time::Duration::days(days)
}

/// Ids of the visitor's own held comments.
pub fn pending_ids(jar: &SignedCookieJar) -> Vec<CommentId> {
    jar.get(PENDING)
        .map(|c| {
            c.value()
                .split('.')
                .filter_map(|s| s.parse().ok())
                .map(CommentId)
                .collect()
        })
        .unwrap_or_default()
}

/// Remembers a newly held comment.
pub fn add_pending(jar: SignedCookieJar, id: CommentId, secure: bool) -> SignedCookieJar {
    let mut ids = pending_ids(&jar);
    ids.push(id);
    let skip = ids.len().saturating_sub(MAX_PENDING);
    let value = ids[skip..]
        .iter()
        .map(|i| i.0.to_string())
        .collect::<Vec<_>>()
        .join(".");
    jar.add(cookie(PENDING, value, PENDING_DAYS, secure))
}

/// A token for a password: a keyed hash, so the cookie never holds the
/// password and changing the password locks the article again.
pub fn password_token(key: &[u8], password: &str) -> String {
    byline_core::keys::hex(&byline_core::keys::derive(key, &format!("password:{password}"))[..12])
}

/// Tokens of the passwords this visitor has given.
pub fn password_tokens(jar: &SignedCookieJar) -> Vec<String> {
    jar.get(PASSWORDS)
        .map(|c| c.value().split('.').map(str::to_owned).collect())
        .unwrap_or_default()
}

/// Remembers that the visitor gave a password.
pub fn add_password(jar: SignedCookieJar, token: String, secure: bool) -> SignedCookieJar {
    let mut tokens = password_tokens(&jar);
    tokens.retain(|t| *t != token);
    tokens.push(token);
    let skip = tokens.len().saturating_sub(MAX_PASSWORDS);
    jar.add(cookie(PASSWORDS, tokens[skip..].join("."), PENDING_DAYS, secure))
}

/// The saved name, email and website, if the visitor opted in.
pub fn remembered(jar: &SignedCookieJar) -> Option<CommentDraft> {
    let raw = jar.get(COMMENTER)?;
    let mut fields = raw.value().split('&').map(|f| unescape(f).unwrap_or_default());
    Some(CommentDraft {
        author: fields.next()?,
        email: fields.next()?,
        url: fields.next().unwrap_or_default(),
        remember: true,
        ..Default::default()
    })
}

/// Saves or forgets the commenter's details, as the checkbox asked.
pub fn remember(jar: SignedCookieJar, draft: &CommentDraft, keep: bool, secure: bool) -> SignedCookieJar {
    if keep {
        let value = [&draft.author, &draft.email, &draft.url]
            .map(|f| escape(f.trim()))
            .join("&");
        jar.add(cookie(COMMENTER, value, COMMENTER_DAYS, secure))
    } else {
        jar.remove(Cookie::build(COMMENTER).path("/").build())
    }
}

/// The browser's key as a commenter (see `Comment::commenter`), from a
/// random token kept in a signed cookie, made on its first comment. Pages
/// never depend on it, so it does not make a page personal.
pub fn commenter_key(jar: SignedCookieJar, key: &[u8], secure: bool) -> (SignedCookieJar, String) {
    let token = match jar.get(BROWSER) {
        Some(c) if c.value().len() == 32 => c.value().to_owned(),
        _ => byline_core::keys::hex(&rand::random::<[u8; 16]>()),
    };
    let hashed = byline_core::keys::hex(&byline_core::keys::derive(key, &format!("commenter:{token}"))[..16]);
    (jar.add(cookie(BROWSER, token, COMMENTER_DAYS, secure)), hashed)
}

/// Whether the response depends on this visitor's cookies (and so must
/// not be cached for anyone else).
pub fn is_personal(jar: &SignedCookieJar) -> bool {
    jar.get(PENDING).is_some() || jar.get(COMMENTER).is_some() || jar.get(PASSWORDS).is_some()
}

/// Characters kept as they are in cookie values; everything else is
/// percent-encoded, so any input fits in a cookie.
const COOKIE_SAFE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'@');

fn escape(s: &str) -> String {
    utf8_percent_encode(s, COOKIE_SAFE).to_string()
}

fn unescape(s: &str) -> Option<String> {
    percent_decode_str(s).decode_utf8().ok().map(|s| s.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_round_trips() {
        for s in [
            "Ann O'Neil & co; \"quoted\"",
            "é ü 日本",
            "a@b.co",
            "https://x.example/?a=1&b=2",
        ] {
            assert_eq!(unescape(&escape(s)).as_deref(), Some(s));
            assert!(!escape(s).contains(['&', ';', ' ', '"', ',']));
        }
    }
}
