//! `/admin/users`: who can sign in, and with which role (administrators
//! only). Adds users with a first password and changes roles; the last
//! administrator cannot be demoted, so someone can always manage the site.

use axum::Form;
use axum::extract::{Path, Query};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use byline_core::author::{AuthorProfile, Login, MAX_DISPLAY_NAME};
use byline_core::comment_form::{MAX_EMAIL, is_valid_email};
use byline_core::role::{Action, Role};
use byline_store::StoreError;
use serde::{Deserialize, Serialize};

use super::dashboard::{NoticeQuery, notice_text};
use super::fields::Field;
use super::page::{Chrome, render};
use super::session::Admin;
use crate::context::Ctx;
use crate::error::WebError;
use crate::password;

/// The role menu's choices, most powerful first.
fn role_choices() -> Vec<(&'static str, &'static str)> {
    Role::ALL.iter().rev().map(|r| (r.as_str(), r.label())).collect()
}

/// The add-user form's fields.
#[derive(Debug, Deserialize, Default)]
pub struct AddForm {
    csrf: Option<String>,
    login: Option<String>,
    name: Option<String>,
    email: Option<String>,
    role: Option<String>,
    password: Option<String>,
}

/// Messages of the add-user form.
#[derive(Debug, Default)]
struct AddErrors {
    login: Option<String>,
    name: Option<String>,
    email: Option<String>,
    role: Option<String>,
    password: Option<String>,
}

impl AddErrors {
    fn any(&self) -> bool {
        [&self.login, &self.name, &self.email, &self.role, &self.password]
            .iter()
            .any(|e| e.is_some())
    }
}

fn add_fields(form: &AddForm, errors: AddErrors) -> Vec<Field> {
    let typed = |v: &Option<String>| v.clone().unwrap_or_default();
    vec![
        Field::new("login", "text", "Login")
            .value(typed(&form.login))
            .hint("Used to sign in: letters, digits and _ . - @. An imported author with this login gets the account.")
            .maxlength(60)
            .autocomplete("off")
            .error(errors.login),
        Field::new("name", "text", "Name shown on articles")
            .value(typed(&form.name))
            .hint("The login when empty.")
            .maxlength(MAX_DISPLAY_NAME)
            .autocomplete("off")
            .error(errors.name),
        Field::new("email", "email", "Email (never published)")
            .value(typed(&form.email))
            .maxlength(MAX_EMAIL)
            .autocomplete("off")
            .error(errors.email),
        Field::new("role", "select", "Role")
            .value(form.role.clone().unwrap_or_else(|| Role::Author.as_str().to_owned()))
            .choices(role_choices())
            .hint("Contributors write drafts; authors publish their own articles; editors publish and moderate everything; administrators also manage users and settings.")
            .error(errors.role),
        Field::new("password", "password", "First password")
            .hint(format!(
                "At least {} characters. Give it to them privately; they can change it on their profile.",
                password::MIN_LENGTH
            ))
            .maxlength(password::MAX_LENGTH)
            .autocomplete("new-password")
            .error(errors.password),
    ]
}

#[derive(Serialize)]
struct Row {
    id: i64,
    name: String,
    login: String,
    email: Option<String>,
    role_label: &'static str,
    role_field: Field,
    is_me: bool,
    profile_url: String,
}

#[derive(Serialize)]
struct UsersPage {
    rows: Vec<Row>,
    add: Vec<Field>,
    add_failed: bool,
}

/// The page, with the add form as typed and a refused role change's message.
async fn page(
    ctx: &Ctx,
    admin: &Admin,
    status: StatusCode,
    add: Option<(&AddForm, AddErrors)>,
    role_error: Option<(i64, String)>,
    notice: Option<String>,
) -> Result<Response, WebError> {
    let users = ctx.state.store.users().await?;
    let rows = users
        .iter()
        .map(|u| {
            let id = u.id();
            let error = role_error.as_ref().filter(|(e, _)| *e == id).map(|(_, m)| m.clone());
            Row {
                id,
                name: u.author.profile.display_name.clone(),
                login: u.author.login.to_string(),
                email: u.author.email.clone(),
                role_label: u.role.label(),
                role_field: Field::new("role", "select", format!("Role of {}", u.author.profile.display_name))
                    .id(format!("role-{id}"))
                    .value(u.role.as_str())
                    .choices(role_choices())
                    .error(error),
                is_me: id == admin.user.id(),
                profile_url: if id == admin.user.id() {
                    "/admin/profile".to_owned()
                } else {
                    format!("/admin/authors/{id}")
                },
            }
        })
        .collect();
    let empty = AddForm::default();
    let (form, errors) = add.unwrap_or((&empty, AddErrors::default()));
    let add_failed = errors.any();
    let data = UsersPage {
        rows,
        add: add_fields(form, errors),
        add_failed,
    };
    let mut chrome = Chrome::signed_in(&ctx.state, admin, "users", "Users")
        .await?
        .notice(notice);
    if let Some((_, message)) = role_error {
        chrome = chrome.error(message);
    }
    render(&ctx.state, status, "admin/users.html", &chrome, &data)
}

/// `GET /admin/users`.
pub async fn list(ctx: Ctx, admin: Admin, Query(q): Query<NoticeQuery>) -> Result<Response, WebError> {
    admin.require(Action::ManageUsers)?;
    page(&ctx, &admin, StatusCode::OK, None, None, notice_text(q.notice())).await
}

/// `POST /admin/users`: a new user with a first password.
pub async fn add(ctx: Ctx, admin: Admin, headers: HeaderMap, Form(form): Form<AddForm>) -> Result<Response, WebError> {
    admin.check_form(&headers, &ctx.base, form.csrf.as_deref().unwrap_or(""))?;
    admin.require(Action::ManageUsers)?;
    let login = Login::parse(form.login.as_deref().unwrap_or(""));
    let name = form.name.as_deref().unwrap_or("").trim().to_owned();
    let email = form.email.as_deref().unwrap_or("").trim().to_owned();
    let role = Role::parse(form.role.as_deref().unwrap_or(""));
    let pw = form.password.clone().unwrap_or_default();
    let errors = AddErrors {
        login: login.as_ref().err().map(|e| format!("This login is not usable: {e}.")),
        name: (name.chars().count() > MAX_DISPLAY_NAME || name.chars().any(char::is_control))
            .then(|| format!("A name can be at most {MAX_DISPLAY_NAME} characters, on one line.")),
        email: (!email.is_empty() && (email.len() > MAX_EMAIL || !is_valid_email(&email)))
            .then(|| "Enter an email address such as name@example.com, or leave it empty.".to_owned()),
        role: role.is_none().then(|| "Choose a role.".to_owned()),
        password: password::validate(&pw)
            .err()
            .map(|e| format!("Choose a longer password: {e}.")),
    };
    let (Ok(login), Some(role), false) = (login, role, errors.any()) else {
        return page(
            &ctx,
            &admin,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some((&form, errors)),
            None,
            None,
        )
        .await;
    };
    let profile = AuthorProfile {
        display_name: if name.is_empty() { login.to_string() } else { name },
        ..Default::default()
    };
    let hash = password::hash_bounded(pw).await;
    let email = Some(email.as_str()).filter(|e| !e.is_empty());
    match ctx.state.store.create_user(&login, email, &profile, role, &hash).await {
        Ok(user) => {
            tracing::info!(by = admin.user.id(), user = user.id(), role = %role, "user added");
            let to = format!("/admin/users?notice=user_added#user-{}", user.id());
            Ok(Redirect::to(&to).into_response())
        }
        Err(StoreError::Conflict(_)) => {
            let errors = AddErrors {
                login: Some(
                    "This login already has an account. Choose another, or change that user’s role below.".into(),
                ),
                ..Default::default()
            };
            page(&ctx, &admin, StatusCode::CONFLICT, Some((&form, errors)), None, None).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The role-change form's fields.
#[derive(Debug, Deserialize)]
pub struct RoleForm {
    csrf: Option<String>,
    role: Option<String>,
}

/// `POST /admin/users/{id}/role`.
pub async fn set_role(
    ctx: Ctx,
    admin: Admin,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(form): Form<RoleForm>,
) -> Result<Response, WebError> {
    admin.check_form(&headers, &ctx.base, form.csrf.as_deref().unwrap_or(""))?;
    admin.require(Action::ManageUsers)?;
    let store = &ctx.state.store;
    let user = store.user(id).await?.ok_or(WebError::NotFound)?;
    let Some(role) = form.role.as_deref().and_then(Role::parse) else {
        return Err(WebError::BadRequest("Choose a role from the menu.".into()));
    };
    let last_admin = || {
        let who = if id == admin.user.id() {
            "You are".to_owned()
        } else {
            format!("{} is", user.author.profile.display_name)
        };
        format!(
            "{who} the only administrator, so the role stays Administrator: make another user an administrator first, so someone can still manage users and settings."
        )
    };
    if user.role == Role::Administrator && role != Role::Administrator {
        let admins = store
            .users()
            .await?
            .iter()
            .filter(|u| u.role == Role::Administrator)
            .count();
        if admins <= 1 {
            return page(&ctx, &admin, StatusCode::CONFLICT, None, Some((id, last_admin())), None).await;
        }
    }
    if role == user.role {
        return Ok(Redirect::to("/admin/users").into_response());
    }
    store.set_role(id, role).await?;
    // Two administrators demoting each other at once could both pass the
    // check above; whoever finds no administrator left puts theirs back.
    if !store.has_administrator().await? {
        store.set_role(id, Role::Administrator).await?;
        return page(&ctx, &admin, StatusCode::CONFLICT, None, Some((id, last_admin())), None).await;
    }
    tracing::info!(by = admin.user.id(), user = id, from = %user.role, to = %role, "role changed");
    if id == admin.user.id() && role != Role::Administrator {
        // They can no longer see this page.
        return Ok(Redirect::to("/admin/?notice=role_changed").into_response());
    }
    Ok(Redirect::to("/admin/users?notice=role_changed").into_response())
}
