//! The admin under `/admin/`: sign-in, the first-run setup, the dashboard
//! and the moderation queue. Server-rendered and usable without
//! JavaScript; `admin.js` adds keyboard moderation and the editor's
//! preview. Every handler checks the user's role with
//! `byline_core::role::allows`, and every form that changes something
//! carries a CSRF token (see [`session`]).

mod articles;
mod comments;
mod dashboard;
mod fields;
mod login;
mod page;
mod profile;
pub mod session;
mod settings;
pub mod setup;
mod users;

use axum::Router;
use axum::response::Redirect;
use axum::routing::{get, post};

use crate::AppState;

/// The admin's routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin", get(|| async { Redirect::permanent("/admin/") }))
        .route("/admin/", get(dashboard::show))
        .route("/admin/login", get(login::form).post(login::submit))
        .route("/admin/logout", post(login::logout))
        .route("/admin/setup", get(setup::form).post(setup::submit))
        .route("/admin/articles", get(articles::list).post(articles::create))
        .route("/admin/articles/new", get(articles::new))
        .route("/admin/articles/{id}", post(articles::update))
        .route("/admin/articles/{id}/edit", get(articles::edit))
        .route("/admin/articles/{id}/revisions", get(articles::revisions))
        .route(
            "/admin/articles/{id}/revisions/{rev}/restore",
            post(articles::restore_revision),
        )
        .route("/admin/articles/{id}/notes", post(articles::add_note))
        .route("/admin/articles/{id}/notes/{note}/delete", post(articles::delete_note))
        .route("/admin/articles/{id}/{action}", post(articles::lifecycle))
        .route("/admin/preview", post(articles::preview))
        .route("/admin/comments", get(comments::queue))
        .route("/admin/comments/action", post(comments::act))
        .route(
            "/admin/comments/{id}/reply",
            get(comments::reply_form).post(comments::reply),
        )
        .route(
            "/admin/comments/{id}/edit",
            get(comments::edit_form).post(comments::edit),
        )
        .route("/admin/settings", get(settings::show).post(settings::save))
        .route("/admin/users", get(users::list).post(users::add))
        .route("/admin/users/{id}/role", post(users::set_role))
        .route("/admin/profile", get(profile::show_own).post(profile::save_own))
        .route("/admin/profile/password", post(profile::change_password))
        .route("/admin/authors", get(profile::authors))
        .route("/admin/authors/{id}", get(profile::show).post(profile::save_other))
        .layer(axum::extract::DefaultBodyLimit::max(BODY_LIMIT))
}

/// Largest admin request body: the editor with an article at its longest
/// (`MAX_BODY_BYTES`; each byte at most three once percent-encoded) and its
/// other fields, so any article the editor accepts fits. Larger bodies get
/// the themed 413 page.
const BODY_LIMIT: usize = byline_core::article::MAX_BODY_BYTES * 3 + 256 * 1024;
