//! First run: a site without an administrator prints a one-time link on
//! the server's console (see [`issue_link`]); opening it creates the first
//! administrator, as WordPress's installer and Ghost's setup do.

use axum::Form;
use axum::extract::Query;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use byline_core::author::{AuthorProfile, Login};
use byline_core::comment_form::is_valid_email;
use byline_store::{Store, StoreError, StoreResult};
use serde::{Deserialize, Serialize};

use super::login::{expected_presession_csrf, presession, start_session};
use super::page::{Chrome, message, render};
use super::session::{self, check_form, new_token, token_hash};
use crate::context::Ctx;
use crate::error::WebError;
use crate::password;

/// Makes a new setup token when the site has no administrator; returns it
/// for the console. Each start replaces the previous link.
pub async fn issue_link(store: &dyn Store) -> StoreResult<Option<String>> {
    if store.has_administrator().await? {
        return Ok(None);
    }
    let token = new_token();
    store.set_setup_token(&token_hash(&token)).await?;
    Ok(Some(token))
}

/// `?token=`.
#[derive(Debug, Deserialize, Default)]
pub struct TokenQuery {
    token: Option<String>,
}

/// The setup form's fields.
#[derive(Debug, Deserialize, Default)]
pub struct SetupForm {
    token: Option<String>,
    csrf: Option<String>,
    login: Option<String>,
    name: Option<String>,
    email: Option<String>,
    password: Option<String>,
    password_confirm: Option<String>,
}

#[derive(Serialize)]
struct Field {
    name: &'static str,
    label: &'static str,
    kind: &'static str,
    autocomplete: &'static str,
    value: String,
    hint: Option<&'static str>,
    error: Option<String>,
}

#[derive(Serialize)]
struct SetupPage {
    token: String,
    fields: Vec<Field>,
}

/// Why the link cannot be used, or `None` when it can.
async fn unusable(ctx: &Ctx, token: &str) -> Result<Option<Response>, WebError> {
    let store = &ctx.state.store;
    let chrome = Chrome::anonymous(&ctx.state, "Setup", String::new()).await?;
    if store.has_administrator().await? {
        return message(
            &ctx.state,
            StatusCode::GONE,
            &chrome,
            "byline is already set up",
            "This setup link has been used. Sign in with your account instead.",
            Some(("/admin/login", "Sign in")),
        )
        .map(Some);
    }
    if token.is_empty() || !store.setup_token_valid(&token_hash(token)).await? {
        return message(
            &ctx.state,
            StatusCode::NOT_FOUND,
            &chrome,
            "This setup link is not valid",
            "Use the link byline printed when it started; starting byline again prints a new one.",
            None,
        )
        .map(Some);
    }
    Ok(None)
}

async fn page(
    ctx: &Ctx,
    jar: CookieJar,
    status: StatusCode,
    form: SetupForm,
    errors: [Option<String>; 4],
) -> Result<Response, WebError> {
    let (jar, csrf) = presession(&ctx.state, jar, session::secure(&ctx.state, &ctx.base));
    let chrome = Chrome::anonymous(&ctx.state, "Setup", csrf).await?;
    let [login_error, email_error, password_error, confirm_error] = errors;
    let fields = vec![
        Field {
            name: "login",
            label: "Login",
            kind: "text",
            autocomplete: "username",
            value: form.login.unwrap_or_default(),
            hint: Some("Letters, digits and _ . - @"),
            error: login_error,
        },
        Field {
            name: "name",
            label: "Name shown on your articles",
            kind: "text",
            autocomplete: "name",
            value: form.name.unwrap_or_default(),
            hint: None,
            error: None,
        },
        Field {
            name: "email",
            label: "Email (never published)",
            kind: "email",
            autocomplete: "email",
            value: form.email.unwrap_or_default(),
            hint: None,
            error: email_error,
        },
        Field {
            name: "password",
            label: "Password",
            kind: "password",
            autocomplete: "new-password",
            value: String::new(),
            hint: Some("At least 10 characters"),
            error: password_error,
        },
        Field {
            name: "password_confirm",
            label: "Password again",
            kind: "password",
            autocomplete: "new-password",
            value: String::new(),
            hint: None,
            error: confirm_error,
        },
    ];
    let data = SetupPage {
        token: form.token.unwrap_or_default(),
        fields,
    };
    Ok((jar, render(&ctx.state, status, "admin/setup.html", &chrome, &data)?).into_response())
}

/// The setup form.
pub async fn form(ctx: Ctx, jar: CookieJar, Query(q): Query<TokenQuery>) -> Result<Response, WebError> {
    let token = q.token.unwrap_or_default();
    if let Some(refusal) = unusable(&ctx, &token).await? {
        return Ok(refusal);
    }
    let form = SetupForm {
        token: Some(token),
        ..Default::default()
    };
    page(&ctx, jar, StatusCode::OK, form, Default::default()).await
}

/// Creates the first administrator and signs them in.
pub async fn submit(
    ctx: Ctx,
    headers: HeaderMap,
    jar: CookieJar,
    Form(form): Form<SetupForm>,
) -> Result<Response, WebError> {
    let expected = expected_presession_csrf(&ctx.state, &jar);
    check_form(&headers, &ctx.base, form.csrf.as_deref().unwrap_or(""), &expected)?;
    let token = form.token.clone().unwrap_or_default();
    if let Some(refusal) = unusable(&ctx, &token).await? {
        return Ok(refusal);
    }
    let login = Login::parse(form.login.as_deref().unwrap_or(""));
    let email = form.email.as_deref().map(str::trim).filter(|e| !e.is_empty());
    let pw = form.password.clone().unwrap_or_default();
    let errors = [
        login.as_ref().err().map(|e| format!("The login is not usable: {e}.")),
        email
            .filter(|e| !is_valid_email(e))
            .map(|_| "That email address does not look right.".to_owned()),
        password::validate(&pw)
            .err()
            .map(|e| format!("Choose a longer password: {e}.")),
        (form.password_confirm.as_deref() != Some(pw.as_str())).then(|| "The two passwords differ.".to_owned()),
    ];
    let Ok(login) = login else {
        return page(&ctx, jar, StatusCode::UNPROCESSABLE_ENTITY, form, errors).await;
    };
    if errors.iter().any(Option::is_some) {
        return page(&ctx, jar, StatusCode::UNPROCESSABLE_ENTITY, form, errors).await;
    }
    let name = form
        .name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .unwrap_or(login.as_str())
        .to_owned();
    let profile = AuthorProfile {
        display_name: name,
        ..Default::default()
    };
    let hash = password::hash_bounded(pw).await;
    let user = match ctx
        .state
        .store
        .create_first_administrator(&token_hash(&token), &login, email, &profile, &hash)
        .await
    {
        Ok(user) => user,
        Err(StoreError::Conflict(_)) => {
            return unusable(&ctx, &token)
                .await?
                .ok_or_else(|| WebError::Internal("setup conflict without a reason".into()));
        }
        Err(e) => return Err(e.into()),
    };
    tracing::info!(user = user.id(), "first administrator created");
    if ctx.settings.site_url.is_empty() {
        // The address the operator set the site up at becomes its address:
        // from now on no request's Host header decides the site's links.
        ctx.state.store.set_setting("site_url", &ctx.base).await?;
        tracing::info!(site_url = %ctx.base, "site address set from the setup");
    }
    let jar = start_session(&ctx, jar, user.id()).await?;
    Ok((jar, Redirect::to("/admin/?notice=welcome")).into_response())
}
