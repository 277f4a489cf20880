//! `/admin/settings`: the site's title, tagline, time zone and list size,
//! and how discussions are moderated. Administrators only. The checks are
//! `SettingKey::validate`'s, the same as `byline settings set`; a refused
//! form comes back with what was typed and a message at each bad field.

use std::collections::HashMap;

use axum::extract::{Query, RawForm};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use byline_core::moderation::ModerationMode;
use byline_core::role::Action;
use byline_core::settings::timezone_groups;
use byline_core::{SettingKey, Settings};
use serde::Serialize;

use super::dashboard::{NoticeQuery, notice_text};
use super::fields::Field;
use super::page::{Chrome, render};
use super::session::Admin;
use crate::context::Ctx;
use crate::error::WebError;

/// The settings on the page, by section.
const GENERAL: [SettingKey; 4] = [
    SettingKey::Title,
    SettingKey::Tagline,
    SettingKey::Timezone,
    SettingKey::PostsPerPage,
];
const DISCUSSION: [SettingKey; 7] = [
    SettingKey::CommentModeration,
    SettingKey::CloseCommentsDays,
    SettingKey::ThreadCommentsDepth,
    SettingKey::CommentsPerPage,
    SettingKey::CommentMaxLinks,
    SettingKey::CommentModerationWords,
    SettingKey::CommentSpamWords,
];

const WORDS_HINT: &str = "One word, phrase, email or address per line. A line matches anywhere in the comment, \
     the name, email, website, address and browser, ignoring case, even inside words: “press” matches “WordPress”.";

/// The control for `key`, showing `value`.
fn control(key: SettingKey, value: &str) -> Field {
    let name = key.name();
    let field = match key {
        SettingKey::Title => Field::new(name, "text", "Site title").maxlength(200),
        SettingKey::Tagline => Field::new(name, "text", "Tagline")
            .hint("A few words under the title, such as “Independent journalism and commentary”.")
            .maxlength(300),
        SettingKey::Timezone => {
            let mut groups: Vec<(String, Vec<(String, String)>)> = timezone_groups()
                .into_iter()
                .map(|(region, zones)| {
                    let zones = zones.into_iter().map(|(zone, label)| (zone.to_owned(), label));
                    (region.to_owned(), zones.collect())
                })
                .collect();
            if !groups.iter().any(|(_, zones)| zones.iter().any(|(zone, _)| zone == value)) {
                // A zone set from the command line under an old name (such as
                // US/Eastern) stays selected rather than silently changing.
                groups.push(("Other".into(), vec![(value.to_owned(), value.to_owned())]));
            }
            Field::new(name, "select", "Time zone")
                .hint("Dates on the site and in article addresses are in this zone.")
                .groups(groups)
        }
        SettingKey::PostsPerPage => Field::new(name, "number", "Articles per page")
            .hint("On the home page and the archives; 1 to 100.")
            .maxlength(3),
        SettingKey::CommentModeration => Field::new(name, "radio", "Before a comment appears").choices([
            (ModerationMode::All.as_str(), "A moderator approves every comment"),
            (
                ModerationMode::FirstTime.as_str(),
                "A moderator approves a commenter’s first comment; later ones with the same name and email appear at once",
            ),
            (ModerationMode::None.as_str(), "Comments appear at once"),
        ]),
        SettingKey::CloseCommentsDays => Field::new(name, "number", "Close comments on articles after (days)")
            .hint("Counted from publication; 0 keeps discussions open. Pages are not closed.")
            .maxlength(5),
        SettingKey::ThreadCommentsDepth => Field::new(name, "number", "Reply levels")
            .hint("How deep replies may nest: 1 allows no replies, at most 10.")
            .maxlength(2),
        SettingKey::CommentsPerPage => Field::new(name, "number", "Threads per discussion page")
            .hint("Longer discussions are split into pages; 1 to 1000.")
            .maxlength(4),
        SettingKey::CommentMaxLinks => Field::new(name, "number", "Links allowed in a comment")
            .hint("A comment with more links waits for a moderator (spam usually carries many); 0 holds any comment with a link.")
        .maxlength(3),
        SettingKey::CommentModerationWords => {
            Field::new(name, "textarea", "Hold a comment for moderation when it contains")
                .hint(WORDS_HINT)
                .rows(6)
        }
        SettingKey::CommentSpamWords => Field::new(name, "textarea", "Send a comment to spam when it contains")
            .hint(format!("{WORDS_HINT} These win over every other rule."))
            .rows(6),
        _ => Field::new(name, "text", name),
    };
    field.value(value)
}

/// The message at a field whose value `SettingKey::validate` refused.
fn message(key: SettingKey) -> String {
    match key {
        SettingKey::Timezone => "Choose a time zone from the list.".into(),
        SettingKey::CommentModeration => "Choose one of the options.".into(),
        _ => format!("Enter {}.", key.expected()),
    }
}

/// A problem listed above the form, linked to its field.
#[derive(Serialize)]
struct Problem {
    id: &'static str,
    label: String,
    message: String,
}

#[derive(Serialize)]
struct SettingsPage {
    general: Vec<Field>,
    discussion: Vec<Field>,
    problems: Vec<Problem>,
}

/// Renders the page with `values` (stored or typed) and their messages.
async fn page(
    ctx: &Ctx,
    admin: &Admin,
    status: StatusCode,
    values: &HashMap<SettingKey, (String, Option<String>)>,
    notice: Option<String>,
) -> Result<Response, WebError> {
    let mut problems = Vec::new();
    let mut fields = |keys: &[SettingKey]| -> Vec<Field> {
        keys.iter()
            .map(|&key| {
                let (value, error) = values.get(&key).cloned().unwrap_or_default();
                let field = control(key, &value);
                if let Some(message) = &error {
                    problems.push(Problem {
                        id: key.name(),
                        label: field.label().to_owned(),
                        message: message.clone(),
                    });
                }
                field.error(error)
            })
            .collect()
    };
    let data = SettingsPage {
        general: fields(&GENERAL),
        discussion: fields(&DISCUSSION),
        problems,
    };
    let chrome = Chrome::signed_in(&ctx.state, admin, "settings", "Settings")
        .await?
        .notice(notice);
    render(&ctx.state, status, "admin/settings.html", &chrome, &data)
}

fn stored_values(settings: &Settings) -> HashMap<SettingKey, (String, Option<String>)> {
    GENERAL
        .iter()
        .chain(&DISCUSSION)
        .map(|&key| (key, (settings.get(key), None)))
        .collect()
}

/// `GET /admin/settings`.
pub async fn show(ctx: Ctx, admin: Admin, Query(q): Query<NoticeQuery>) -> Result<Response, WebError> {
    admin.require(Action::ManageSettings)?;
    let values = stored_values(&ctx.settings);
    page(&ctx, &admin, StatusCode::OK, &values, notice_text(q.notice())).await
}

/// `POST /admin/settings`: checks every field, then saves the ones that
/// changed; nothing is saved while any field is refused.
pub async fn save(ctx: Ctx, admin: Admin, headers: HeaderMap, RawForm(body): RawForm) -> Result<Response, WebError> {
    let form: HashMap<String, String> = form_urlencoded::parse(&body).into_owned().collect();
    admin.check_form(&headers, &ctx.base, form.get("csrf").map_or("", String::as_str))?;
    admin.require(Action::ManageSettings)?;

    let current = &ctx.settings;
    let mut values = HashMap::new();
    let mut changes = Vec::new();
    for &key in GENERAL.iter().chain(&DISCUSSION) {
        // A field the form did not send keeps its value.
        let typed = form.get(key.name()).cloned().unwrap_or_else(|| current.get(key));
        match key.validate(&typed) {
            Ok(stored) => {
                if stored != current.get(key) {
                    changes.push((key, stored));
                }
                values.insert(key, (typed, None));
            }
            Err(_) => {
                values.insert(key, (typed, Some(message(key))));
            }
        }
    }
    if values.values().any(|(_, error)| error.is_some()) {
        return page(&ctx, &admin, StatusCode::UNPROCESSABLE_ENTITY, &values, None).await;
    }
    for (key, value) in &changes {
        ctx.state.store.set_setting(key.name(), value).await?;
    }
    tracing::info!(
        user = admin.user.id(),
        changed = ?changes.iter().map(|(k, _)| k.name()).collect::<Vec<_>>(),
        "settings saved"
    );
    Ok(Redirect::to("/admin/settings?notice=saved").into_response())
}
