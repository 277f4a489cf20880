//! What every admin page shares: the bar with the user's name and menu,
//! the notice line, and rendering with `no-store` caching.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use byline_core::role::{Action, Role};
use serde::Serialize;

use super::session::Admin;
use crate::AppState;
use crate::error::WebError;

/// The signed-in user as the menu shows them.
#[derive(Debug, Serialize)]
pub struct Me {
    name: String,
    role_label: &'static str,
    is_admin: bool,
    can_moderate: bool,
}

/// The parts of every admin page.
#[derive(Debug, Serialize)]
pub struct Chrome {
    site_title: String,
    title: String,
    section: &'static str,
    me: Option<Me>,
    csrf: String,
    pending_count: u64,
    notice: Option<String>,
    error: Option<String>,
}

impl Chrome {
    /// A page for a signed-in user, in menu `section`.
    pub async fn signed_in(
        state: &AppState,
        admin: &Admin,
        section: &'static str,
        title: &str,
    ) -> Result<Self, WebError> {
        let role = admin.user.role;
        let can_moderate = role >= Role::Author;
        let pending_count = if can_moderate {
            state.store.comment_counts(own_articles_only(admin)).await?.pending
        } else {
            0
        };
        Ok(Self {
            site_title: state.cache.settings(state.store.as_ref()).await?.title.clone(),
            title: title.into(),
            section,
            me: Some(Me {
                name: admin.user.author.profile.display_name.clone(),
                role_label: role.label(),
                is_admin: role == Role::Administrator,
                can_moderate,
            }),
            csrf: admin.csrf.clone(),
            pending_count,
            notice: None,
            error: None,
        })
    }

    /// A page for someone not signed in (sign-in, setup).
    pub async fn anonymous(state: &AppState, title: &str, csrf: String) -> Result<Self, WebError> {
        Ok(Self {
            site_title: state.cache.settings(state.store.as_ref()).await?.title.clone(),
            title: title.into(),
            section: "",
            me: None,
            csrf,
            pending_count: 0,
            notice: None,
            error: None,
        })
    }

    /// Adds a confirmation line.
    pub fn notice(mut self, notice: Option<String>) -> Self {
        self.notice = notice;
        self
    }

    /// Adds an error line.
    pub fn error(mut self, error: impl Into<String>) -> Self {
        self.error = Some(error.into());
        self
    }
}

/// Whose articles' comments an admin user moderates: `None` for all
/// (editors and administrators), their own id for authors.
pub fn own_articles_only(admin: &Admin) -> Option<i64> {
    (!admin.may(Action::ModerateComment { own_article: false })).then(|| admin.user.id())
}

#[derive(Serialize)]
struct Page<'a, T: Serialize> {
    #[serde(flatten)]
    chrome: &'a Chrome,
    #[serde(flatten)]
    data: &'a T,
}

/// Renders admin template `name`; admin pages are never cached anywhere.
pub fn render(
    state: &AppState,
    status: StatusCode,
    name: &str,
    chrome: &Chrome,
    data: &impl Serialize,
) -> Result<Response, WebError> {
    let html = state.renderer.render(name, &Page { chrome, data })?;
    let mut response = (status, Html(html)).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// A simple message page.
pub fn message(
    state: &AppState,
    status: StatusCode,
    chrome: &Chrome,
    heading: &str,
    message: &str,
    link: Option<(&str, &str)>,
) -> Result<Response, WebError> {
    #[derive(Serialize)]
    struct Link<'a> {
        url: &'a str,
        label: &'a str,
    }
    #[derive(Serialize)]
    struct Data<'a> {
        heading: &'a str,
        message: &'a str,
        link: Option<Link<'a>>,
    }
    let link = link.map(|(url, label)| Link { url, label });
    render(
        state,
        status,
        "admin/message.html",
        chrome,
        &Data { heading, message, link },
    )
}
