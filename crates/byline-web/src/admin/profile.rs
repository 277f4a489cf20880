//! `/admin/profile`: a user's own author profile (byline name, tagline,
//! bio, website, private email) and password; `/admin/authors` and
//! `/admin/authors/{id}`: editors and administrators edit other authors'
//! profiles. Only administrators see and change another author's private
//! email (as only they see commenters' emails).

use std::collections::HashMap;

use axum::Form;
use axum::extract::{Path, Query};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use byline_core::author::{Author, MAX_BIO, MAX_DISPLAY_NAME, MAX_TAGLINE, ProfileDraft, ProfileErrors};
use byline_core::comment_form::{MAX_EMAIL, MAX_URL};
use byline_core::permalink::author_path;
use byline_core::role::{Action, Role};
use byline_core::throttle;
use chrono::Utc;
use serde::{Deserialize, Serialize};

use super::dashboard::{NoticeQuery, notice_text};
use super::fields::Field;
use super::login::start_session;
use super::page::{Chrome, render};
use super::session::Admin;
use crate::attempts::{Admission, admit};
use crate::client::Client;
use crate::context::Ctx;
use crate::error::WebError;
use crate::password;

/// The profile form's fields.
#[derive(Debug, Deserialize, Default)]
pub struct ProfileForm {
    csrf: Option<String>,
    display_name: Option<String>,
    tagline: Option<String>,
    bio: Option<String>,
    website: Option<String>,
    email: Option<String>,
}

/// The password form's fields.
#[derive(Debug, Deserialize, Default)]
pub struct PasswordForm {
    csrf: Option<String>,
    current_password: Option<String>,
    new_password: Option<String>,
    new_password_confirm: Option<String>,
}

/// Messages of the password form.
#[derive(Debug, Default)]
struct PasswordErrors {
    current: Option<String>,
    new: Option<String>,
    confirm: Option<String>,
}

#[derive(Serialize)]
struct ProfilePage {
    heading: String,
    own: bool,
    action: String,
    login: String,
    public_url: String,
    profile: Vec<Field>,
    profile_failed: bool,
    password: Option<Vec<Field>>,
    password_failed: bool,
    can_edit_others: bool,
}

fn profile_fields(draft: &ProfileDraft, errors: ProfileErrors, with_email: bool) -> Vec<Field> {
    let mut fields = vec![
        Field::new("display_name", "text", "Name shown on articles")
            .value(&draft.display_name)
            .maxlength(MAX_DISPLAY_NAME)
            .autocomplete("name")
            .error(errors.display_name),
        Field::new("tagline", "text", "Tagline")
            .value(&draft.tagline)
            .hint("Shown under the name in the byline, such as “journalist and political commentator”.")
            .maxlength(MAX_TAGLINE)
            .error(errors.tagline),
        Field::new("bio", "textarea", "Biography")
            .value(&draft.bio)
            .hint("One or two sentences for the box under each article.")
            .maxlength(MAX_BIO)
            .rows(4)
            .error(errors.bio),
        Field::new("website", "url", "Website")
            .value(&draft.website)
            .hint("Linked from the author page.")
            .maxlength(MAX_URL)
            .autocomplete("url")
            .error(errors.website),
    ];
    if with_email {
        fields.push(
            Field::new("email", "email", "Email (never published)")
                .value(&draft.email)
                .maxlength(MAX_EMAIL)
                .autocomplete("email")
                .error(errors.email),
        );
    }
    fields
}

fn password_fields(errors: PasswordErrors) -> Vec<Field> {
    vec![
        Field::new("current_password", "password", "Current password")
            .maxlength(password::MAX_LENGTH)
            .autocomplete("current-password")
            .error(errors.current),
        Field::new("new_password", "password", "New password")
            .hint(format!("At least {} characters.", password::MIN_LENGTH))
            .maxlength(password::MAX_LENGTH)
            .autocomplete("new-password")
            .error(errors.new),
        Field::new("new_password_confirm", "password", "New password again")
            .maxlength(password::MAX_LENGTH)
            .autocomplete("new-password")
            .error(errors.confirm),
    ]
}

/// What a page about `author` shows, and how it was refused, if it was.
struct Shown {
    draft: Option<ProfileDraft>,
    profile_errors: ProfileErrors,
    password_errors: Option<PasswordErrors>,
    status: StatusCode,
    notice: Option<String>,
}

impl Shown {
    fn fresh(notice: Option<String>) -> Self {
        Self {
            draft: None,
            profile_errors: ProfileErrors::default(),
            password_errors: None,
            status: StatusCode::OK,
            notice,
        }
    }
}

async fn page(ctx: &Ctx, admin: &Admin, author: &Author, shown: Shown) -> Result<Response, WebError> {
    let own = author.id == admin.user.id();
    let with_email = own || admin.may(Action::ManageUsers);
    let profile_failed = shown.profile_errors != ProfileErrors::default();
    let password_failed = shown.password_errors.is_some();
    let draft = shown.draft.unwrap_or_else(|| ProfileDraft::of(author));
    let (heading, section, action) = if own {
        ("Your profile".to_owned(), "profile", "/admin/profile".to_owned())
    } else {
        (
            format!("Profile of {}", author.profile.display_name),
            if admin.may(Action::ManageUsers) {
                "users"
            } else {
                "profile"
            },
            format!("/admin/authors/{}", author.id),
        )
    };
    let data = ProfilePage {
        own,
        action,
        login: author.login.to_string(),
        public_url: author_path(&author.nicename),
        profile: profile_fields(&draft, shown.profile_errors, with_email),
        profile_failed,
        password: own.then(|| password_fields(shown.password_errors.unwrap_or_default())),
        password_failed,
        can_edit_others: admin.may(anyone_elses()),
        heading: heading.clone(),
    };
    let chrome = Chrome::signed_in(&ctx.state, admin, section, &heading)
        .await?
        .notice(shown.notice);
    render(&ctx.state, shown.status, "admin/profile.html", &chrome, &data)
}

/// The author `id`, if this user may edit their profile.
async fn editable(ctx: &Ctx, admin: &Admin, id: i64) -> Result<Author, WebError> {
    if id == admin.user.id() {
        admin.require(own_profile(admin))?;
        return Ok(admin.user.author.clone());
    }
    // Someone who may edit no other profile learns nothing about this one.
    admin.require(anyone_elses())?;
    let author = ctx.state.store.author(id).await?.ok_or(WebError::NotFound)?;
    let owner = ctx.state.store.user(id).await?.map(|u| u.role);
    admin.require(Action::EditProfile { own: false, owner })?;
    Ok(author)
}

fn own_profile(admin: &Admin) -> Action {
    Action::EditProfile {
        own: true,
        owner: Some(admin.user.role),
    }
}

/// Editing someone else's profile at all: an author without an account,
/// whom editors and administrators may edit.
fn anyone_elses() -> Action {
    Action::EditProfile {
        own: false,
        owner: None,
    }
}

/// `GET /admin/profile`.
pub async fn show_own(ctx: Ctx, admin: Admin, Query(q): Query<NoticeQuery>) -> Result<Response, WebError> {
    let author = editable(&ctx, &admin, admin.user.id()).await?;
    page(&ctx, &admin, &author, Shown::fresh(notice_text(q.notice()))).await
}

/// `GET /admin/authors/{id}`.
pub async fn show(
    ctx: Ctx,
    admin: Admin,
    Path(id): Path<i64>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, WebError> {
    if id == admin.user.id() {
        return Ok(Redirect::to("/admin/profile").into_response());
    }
    let author = editable(&ctx, &admin, id).await?;
    page(&ctx, &admin, &author, Shown::fresh(notice_text(q.notice()))).await
}

/// Saves the profile of author `id` from `form`.
async fn save(ctx: &Ctx, admin: &Admin, headers: &HeaderMap, id: i64, form: ProfileForm) -> Result<Response, WebError> {
    admin.check_form(headers, &ctx.base, form.csrf.as_deref().unwrap_or(""))?;
    let author = editable(ctx, admin, id).await?;
    let with_email = id == admin.user.id() || admin.may(Action::ManageUsers);
    let draft = ProfileDraft {
        display_name: form.display_name.unwrap_or_default(),
        tagline: form.tagline.unwrap_or_default(),
        bio: form.bio.unwrap_or_default(),
        website: form.website.unwrap_or_default(),
        // Someone who cannot see the email (or a form without it) keeps the one on record.
        email: match form.email {
            Some(email) if with_email => email,
            _ => author.email.clone().unwrap_or_default(),
        },
    };
    let (profile, email) = match draft.validate() {
        Ok(valid) => valid,
        Err(errors) => {
            let shown = Shown {
                draft: Some(draft),
                profile_errors: errors,
                status: StatusCode::UNPROCESSABLE_ENTITY,
                ..Shown::fresh(None)
            };
            return page(ctx, admin, &author, shown).await;
        }
    };
    ctx.state.store.update_author(id, email.as_deref(), &profile).await?;
    tracing::info!(by = admin.user.id(), author = id, "profile saved");
    let back = if id == admin.user.id() {
        "/admin/profile?notice=saved".to_owned()
    } else {
        format!("/admin/authors/{id}?notice=saved")
    };
    Ok(Redirect::to(&back).into_response())
}

/// `POST /admin/profile`.
pub async fn save_own(
    ctx: Ctx,
    admin: Admin,
    headers: HeaderMap,
    Form(form): Form<ProfileForm>,
) -> Result<Response, WebError> {
    let id = admin.user.id();
    save(&ctx, &admin, &headers, id, form).await
}

/// `POST /admin/authors/{id}`.
pub async fn save_other(
    ctx: Ctx,
    admin: Admin,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(form): Form<ProfileForm>,
) -> Result<Response, WebError> {
    save(&ctx, &admin, &headers, id, form).await
}

/// `POST /admin/profile/password`: the current password, then the new one
/// twice. Every other session ends; this browser gets a new one. Wrong
/// current passwords count as failed sign-ins, so a borrowed session
/// cannot be used to guess the password.
pub async fn change_password(
    ctx: Ctx,
    admin: Admin,
    client: Client,
    headers: HeaderMap,
    jar: CookieJar,
    Form(form): Form<PasswordForm>,
) -> Result<Response, WebError> {
    admin.check_form(&headers, &ctx.base, form.csrf.as_deref().unwrap_or(""))?;
    let me = admin.user.author.clone();
    admin.require(own_profile(&admin))?;
    let store = &ctx.state.store;
    let now = Utc::now();
    let refuse = |status: StatusCode, message: String| {
        let shown = Shown {
            password_errors: Some(PasswordErrors {
                current: Some(message),
                ..Default::default()
            }),
            status,
            ..Shown::fresh(None)
        };
        let (ctx, admin, me) = (&ctx, &admin, &me);
        async move { page(ctx, admin, me, shown).await }
    };
    let ip = client.network();
    let target = throttle::account_key(me.login.as_str());
    let attempt = match admit(store.as_ref(), target, throttle::address_key(ip), now).await? {
        Admission::Check(attempt) => attempt,
        Admission::Locked(until) => {
            return refuse(StatusCode::TOO_MANY_REQUESTS, throttle::wait_message(until, now)).await;
        }
        Admission::Busy => {
            let message = "Another sign-in to this account is under way. Try again in a moment.".to_owned();
            return refuse(StatusCode::TOO_MANY_REQUESTS, message).await;
        }
    };
    let current = form.current_password.unwrap_or_default();
    let new = form.new_password.unwrap_or_default();
    let stored = store
        .user_for_sign_in(me.login.as_str())
        .await?
        .map(|(_, hash)| hash)
        .unwrap_or_else(|| password::decoy().to_owned());
    if !password::verify_bounded(stored, current).await {
        let locked = attempt.failed(store.as_ref()).await?;
        tracing::info!(user = me.id, "wrong current password on a password change");
        return match locked {
            Some(until) => refuse(StatusCode::TOO_MANY_REQUESTS, throttle::wait_message(until, now)).await,
            None => {
                let message = "That is not your current password.".to_owned();
                refuse(StatusCode::UNPROCESSABLE_ENTITY, message).await
            }
        };
    }
    attempt.succeeded(store.as_ref()).await?;
    let errors = PasswordErrors {
        current: None,
        new: password::validate(&new)
            .err()
            .map(|e| format!("Choose a longer password: {e}.")),
        confirm: (form.new_password_confirm.as_deref() != Some(new.as_str()))
            .then(|| "The two new passwords differ.".to_owned()),
    };
    if errors.new.is_some() || errors.confirm.is_some() {
        let shown = Shown {
            password_errors: Some(errors),
            status: StatusCode::UNPROCESSABLE_ENTITY,
            ..Shown::fresh(None)
        };
        return page(&ctx, &admin, &me, shown).await;
    }
    let hash = password::hash_bounded(new).await;
    // Ends every session, this one too; this browser signs straight back in.
    store.set_password(me.id, &hash).await?;
    let jar = start_session(&ctx, jar, me.id).await?;
    tracing::info!(user = me.id, "password changed");
    Ok((jar, Redirect::to("/admin/profile?notice=password")).into_response())
}

#[derive(Serialize)]
struct AuthorRow {
    name: String,
    login: String,
    tagline: String,
    /// Absent when this user may not edit the profile.
    edit_url: Option<String>,
    public_url: String,
    is_me: bool,
}

#[derive(Serialize)]
struct AuthorsPage {
    rows: Vec<AuthorRow>,
}

/// `GET /admin/authors`: every author (with an account or not), for
/// editors and administrators to pick a profile to edit.
pub async fn authors(ctx: Ctx, admin: Admin) -> Result<Response, WebError> {
    admin.require(anyone_elses())?;
    let store = &ctx.state.store;
    let roles: HashMap<i64, Role> = store.users().await?.iter().map(|u| (u.id(), u.role)).collect();
    let rows = store
        .authors()
        .await?
        .into_iter()
        .map(|a| {
            let is_me = a.id == admin.user.id();
            let may_edit = admin.may(Action::EditProfile {
                own: is_me,
                owner: roles.get(&a.id).copied(),
            });
            AuthorRow {
                edit_url: may_edit.then(|| {
                    if is_me {
                        "/admin/profile".to_owned()
                    } else {
                        format!("/admin/authors/{}", a.id)
                    }
                }),
                public_url: author_path(&a.nicename),
                name: a.profile.display_name,
                login: a.login.to_string(),
                tagline: a.profile.tagline,
                is_me,
            }
        })
        .collect();
    let chrome = Chrome::signed_in(&ctx.state, &admin, "profile", "Authors").await?;
    render(
        &ctx.state,
        StatusCode::OK,
        "admin/authors.html",
        &chrome,
        &AuthorsPage { rows },
    )
}
