//! The moderation queue: tabs by status with live counts, search, actions
//! one at a time or in bulk, replies and edits. Authors see and moderate
//! only the comments on their own articles; only administrators see
//! commenters' email addresses.

use std::collections::HashMap;

use axum::extract::{Path, Query, RawForm};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use byline_core::comment_form::{is_valid_email, normalise_url};
use byline_core::markdown::{plain_excerpt, render_comment};
use byline_core::redirect::same_site_path_within;
use byline_core::role::Action;
use byline_core::text::without_strays;
use byline_core::{Article, Comment, CommentId, CommentStatus};
use byline_render::view::Value;
use byline_store::{CommentEdit, QueueQuery, StaffReply};
use chrono::Utc;
use serde::{Deserialize, Serialize};

use super::dashboard::notice_text;
use super::page::{Chrome, own_articles_only, render};
use super::session::{Admin, forbidden};
use crate::client::Client;
use crate::context::Ctx;
use crate::error::WebError;
use crate::lookup;
use crate::present::article_path;

const PER_PAGE: u32 = 20;

/// What the queue can do to a comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Act {
    Approve,
    Unapprove,
    Spam,
    Trash,
    Restore,
    Delete,
}

/// Each action's form value, button label and keyboard shortcut (see `admin.js`).
const ACTS: [(Act, &str, &str, &str); 6] = [
    (Act::Approve, "approve", "Approve", "a"),
    (Act::Unapprove, "unapprove", "Unapprove", "u"),
    (Act::Spam, "spam", "Spam", "s"),
    (Act::Trash, "trash", "Trash", "t"),
    (Act::Restore, "restore", "Restore", "z"),
    (Act::Delete, "delete", "Delete permanently", "D"),
];

impl Act {
    fn parse(s: &str) -> Option<Self> {
        ACTS.iter().find(|(_, code, _, _)| *code == s).map(|(act, ..)| *act)
    }

    fn code(self) -> &'static str {
        ACTS.iter()
            .find(|(act, ..)| *act == self)
            .map_or("", |(_, code, _, _)| code)
    }

    /// The buttons for these actions.
    fn buttons(acts: &[Act]) -> Vec<Named> {
        ACTS.iter()
            .filter(|(act, ..)| acts.contains(act))
            .map(|(_, value, label, key)| Named { value, label, key })
            .collect()
    }

    /// What makes sense for a comment in `status`.
    fn offered(status: CommentStatus) -> &'static [Act] {
        match status {
            CommentStatus::Pending => &[Act::Approve, Act::Spam, Act::Trash],
            CommentStatus::Approved => &[Act::Unapprove, Act::Spam, Act::Trash],
            CommentStatus::Spam => &[Act::Approve, Act::Trash, Act::Delete],
            CommentStatus::Trash => &[Act::Restore, Act::Delete],
        }
    }
}

/// `?status=&q=&page=&notice=`.
#[derive(Debug, Deserialize, Default)]
pub struct QueueParams {
    status: Option<String>,
    q: Option<String>,
    page: Option<u32>,
    notice: Option<String>,
}

#[derive(Serialize)]
struct Tab {
    label: &'static str,
    count: u64,
    url: String,
    current: bool,
}

#[derive(Serialize)]
struct Named {
    value: &'static str,
    label: &'static str,
    key: &'static str,
}

#[derive(Serialize)]
struct ReplyContext {
    author_name: String,
    excerpt: String,
}

#[derive(Serialize)]
struct Row {
    id: i64,
    status: &'static str,
    status_label: Option<&'static str>,
    author_name: String,
    author_email: Option<String>,
    author_url: Option<String>,
    author_ip: String,
    avatar_url: String,
    is_staff: bool,
    article_title: String,
    article_url: String,
    permalink: String,
    date: String,
    date_iso: String,
    body_html: Value,
    in_reply_to: Option<ReplyContext>,
    actions: Vec<Named>,
    can_reply: bool,
}

#[derive(Serialize)]
struct QueuePage {
    tabs: Vec<Tab>,
    status: &'static str,
    query: String,
    comments: Vec<Row>,
    bulk_actions: Vec<Named>,
    return_to: String,
    page: u32,
    pages: u32,
    prev_url: Option<String>,
    next_url: Option<String>,
    can_search_emails: bool,
}

fn status_of(s: Option<&str>) -> CommentStatus {
    s.and_then(CommentStatus::parse).unwrap_or(CommentStatus::Pending)
}

fn queue_url(status: CommentStatus, query: &str, page: u32) -> String {
    let mut url = format!("/admin/comments?status={}", status.as_str());
    if !query.is_empty() {
        url.push_str(&format!("&q={}", crate::present::query_value(query)));
    }
    if page > 1 {
        url.push_str(&format!("&page={page}"));
    }
    url
}

/// A comment as a row of the queue.
fn row(ctx: &Ctx, admin: &Admin, c: &Comment, article: Option<&Article>, parent: Option<&Comment>) -> Row {
    let tz = ctx.settings.timezone;
    let article_url = article.map(|a| article_path(a, tz)).unwrap_or_default();
    let local = c.created_at.with_timezone(&tz);
    Row {
        id: c.id.0,
        status: c.status.as_str(),
        status_label: match c.status {
            CommentStatus::Pending => Some("Pending"),
            CommentStatus::Spam => Some("Spam"),
            CommentStatus::Trash => Some("Trash"),
            CommentStatus::Approved => None,
        },
        author_name: c.author_name.clone(),
        author_email: admin
            .may(Action::SeeCommenterEmail)
            .then(|| c.author_email.clone())
            .filter(|e| !e.is_empty()),
        author_url: c.author_url.clone(),
        author_ip: c.author_ip.clone(),
        avatar_url: crate::present::avatar_url(&ctx.state.avatar_key[..], &c.avatar_identity()),
        is_staff: c.author_id.is_some() && c.author_id == article.map(|a| a.author_id),
        article_title: article.map_or_else(|| "(deleted article)".to_owned(), |a| a.title.clone()),
        permalink: format!("{article_url}#comment-{}", c.id),
        article_url,
        date: local.format("%B %-d, %Y at %-H:%M").to_string(),
        date_iso: c.created_at.to_rfc3339(),
        body_html: byline_render::view::safe(render_comment(&c.body)),
        in_reply_to: parent.map(|p| ReplyContext {
            author_name: p.author_name.clone(),
            excerpt: plain_excerpt(&p.body, 25),
        }),
        actions: Act::buttons(Act::offered(c.status)),
        can_reply: c.status == CommentStatus::Approved,
    }
}

/// `/admin/comments`.
pub async fn queue(ctx: Ctx, admin: Admin, Query(p): Query<QueueParams>) -> Result<Response, WebError> {
    admin.require(Action::ModerateComment { own_article: true })?;
    let store = &ctx.state.store;
    let status = status_of(p.status.as_deref());
    let query = p.q.unwrap_or_default().trim().chars().take(200).collect::<String>();
    let page = p.page.unwrap_or(1).max(1);
    let scope = own_articles_only(&admin);
    let counts = store.comment_counts(scope).await?;
    let found = store
        .moderation_queue(&QueueQuery {
            status,
            search: Some(query.clone()).filter(|q| !q.is_empty()),
            search_emails: admin.may(Action::SeeCommenterEmail),
            article_author: scope,
            page,
            per_page: PER_PAGE,
        })
        .await?;
    let articles = lookup::articles_of(store.as_ref(), &found.items).await?;
    let mut parents: HashMap<CommentId, Comment> = HashMap::new();
    for parent_id in found.items.iter().filter_map(|c| c.parent_id) {
        if let Some(parent) = store.comment(parent_id).await? {
            parents.insert(parent_id, parent);
        }
    }
    // Each row renders a comment's Markdown: CPU work, off the async workers.
    let rows = ctx
        .state
        .render(|| {
            found
                .items
                .iter()
                .map(|c| {
                    let article = articles.get(&c.article_id).and_then(Option::as_ref);
                    row(&ctx, &admin, c, article, c.parent_id.and_then(|p| parents.get(&p)))
                })
                .collect()
        })
        .await;
    let tabs = [
        ("Pending", CommentStatus::Pending, counts.pending),
        ("Approved", CommentStatus::Approved, counts.approved),
        ("Spam", CommentStatus::Spam, counts.spam),
        ("Trash", CommentStatus::Trash, counts.trash),
    ]
    .into_iter()
    .map(|(label, s, count)| Tab {
        label,
        count,
        url: queue_url(s, "", 1),
        current: s == status,
    })
    .collect();
    let pages = byline_core::thread::page_count(found.total, PER_PAGE);
    let chrome = Chrome::signed_in(&ctx.state, &admin, "comments", "Comments")
        .await?
        .notice(notice_text(p.notice.as_deref()));
    let data = QueuePage {
        tabs,
        status: status.as_str(),
        bulk_actions: Act::buttons(Act::offered(status)),
        return_to: queue_url(status, &query, page),
        query: query.clone(),
        comments: rows,
        page,
        pages,
        prev_url: (page > 1).then(|| queue_url(status, &query, page - 1)),
        next_url: (page < pages).then(|| queue_url(status, &query, page + 1)),
        can_search_emails: admin.may(Action::SeeCommenterEmail),
    };
    render(&ctx.state, StatusCode::OK, "admin/comments.html", &chrome, &data)
}

/// The comment `id` if this user may moderate it.
async fn moderatable(ctx: &Ctx, admin: &Admin, id: CommentId) -> Result<(Comment, Option<Article>), WebError> {
    let comment = ctx.state.store.comment(id).await?.ok_or(WebError::NotFound)?;
    let article = ctx.state.store.article(comment.article_id).await?;
    let own = article.as_ref().is_some_and(|a| a.author_id == admin.user.id());
    admin.require(Action::ModerateComment { own_article: own })?;
    Ok((comment, article))
}

/// Only queue addresses are returned to.
/// Only the queue's own pages on this site are gone back to.
fn safe_return(to: Option<&str>, base: &str) -> String {
    to.and_then(|t| same_site_path_within(t, base, "/admin/comments"))
        .unwrap_or_else(|| "/admin/comments".to_owned())
}

fn with_notice(url: &str, code: &str, n: usize) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}notice={code}:{n}")
}

/// `POST /admin/comments/action`: one comment (`one=act:id`) or the
/// selected ones (`bulk=act`, `ids=…`).
pub async fn act(ctx: Ctx, admin: Admin, headers: HeaderMap, RawForm(body): RawForm) -> Result<Response, WebError> {
    // `ids` repeats, which serde's form reader does not collect: read pairs.
    let pairs: Vec<(String, String)> = serde_urlencoded_pairs(&body);
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    admin.check_form(&headers, &ctx.base, get("csrf").unwrap_or(""))?;
    let (act, ids): (Act, Vec<i64>) = match get("one").and_then(|v| v.split_once(':')) {
        Some((a, id)) => (
            Act::parse(a).ok_or_else(|| WebError::BadRequest(format!("Unknown action {a:?}.")))?,
            vec![id.parse().map_err(|_| WebError::BadRequest("Bad comment id.".into()))?],
        ),
        None => {
            let a = get("bulk").unwrap_or("");
            let act = Act::parse(a).ok_or_else(|| WebError::BadRequest("Choose a bulk action first.".into()))?;
            let ids = pairs
                .iter()
                .filter(|(k, _)| k == "ids")
                .map(|(_, v)| v.parse().map_err(|_| WebError::BadRequest("Bad comment id.".into())))
                .collect::<Result<Vec<i64>, _>>()?;
            (act, ids)
        }
    };
    if ids.is_empty() {
        return Err(WebError::BadRequest("Select at least one comment.".into()));
    }
    // Check every comment before changing any, so a forged list changes nothing.
    for id in &ids {
        moderatable(&ctx, &admin, CommentId(*id)).await?;
    }
    let store = &ctx.state.store;
    for id in &ids {
        let id = CommentId(*id);
        match act {
            Act::Approve => drop(store.set_comment_status(id, CommentStatus::Approved).await?),
            Act::Unapprove => drop(store.set_comment_status(id, CommentStatus::Pending).await?),
            Act::Spam => drop(store.set_comment_status(id, CommentStatus::Spam).await?),
            Act::Trash => drop(store.set_comment_status(id, CommentStatus::Trash).await?),
            Act::Restore => drop(store.restore_comment(id).await?),
            Act::Delete => drop(store.delete_comment(id).await?),
        }
    }
    tracing::info!(
        user = admin.user.id(),
        action = act.code(),
        count = ids.len(),
        "comments moderated"
    );
    let back = safe_return(get("return_to"), &ctx.base);
    Ok(Redirect::to(&with_notice(&back, act.code(), ids.len())).into_response())
}

fn serde_urlencoded_pairs(body: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(body).into_owned().collect()
}

#[derive(Serialize, Default)]
struct EditForm {
    author: String,
    email: String,
    url: String,
    comment: String,
}

#[derive(Serialize)]
struct EditPage {
    heading: &'static str,
    action: String,
    editing: bool,
    reply_as: String,
    comment: Row,
    form: EditForm,
    form_error: Option<String>,
    /// Only administrators see and change commenters' emails.
    show_email: bool,
}

async fn edit_page(
    ctx: &Ctx,
    admin: &Admin,
    id: CommentId,
    editing: bool,
    form: Option<EditForm>,
    error: Option<String>,
) -> Result<Response, WebError> {
    let (comment, article) = moderatable(ctx, admin, id).await?;
    let form = form.unwrap_or_else(|| {
        if editing {
            EditForm {
                author: comment.author_name.clone(),
                email: if admin.may(Action::SeeCommenterEmail) {
                    comment.author_email.clone()
                } else {
                    String::new()
                },
                url: comment.author_url.clone().unwrap_or_default(),
                comment: comment.body.clone(),
            }
        } else {
            EditForm::default()
        }
    });
    let heading = if editing { "Edit comment" } else { "Reply to comment" };
    let chrome = Chrome::signed_in(&ctx.state, admin, "comments", heading).await?;
    let data = EditPage {
        heading,
        action: format!("/admin/comments/{id}/{}", if editing { "edit" } else { "reply" }),
        editing,
        reply_as: admin.user.author.profile.display_name.clone(),
        comment: row(ctx, admin, &comment, article.as_ref(), None),
        form,
        form_error: error.clone(),
        show_email: admin.may(Action::SeeCommenterEmail),
    };
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    render(&ctx.state, status, "admin/comment_edit.html", &chrome, &data)
}

/// The reply and edit forms' fields.
#[derive(Debug, Deserialize)]
pub struct CommentFields {
    csrf: Option<String>,
    author: Option<String>,
    email: Option<String>,
    url: Option<String>,
    comment: Option<String>,
}

/// `GET /admin/comments/{id}/reply`.
pub async fn reply_form(ctx: Ctx, admin: Admin, Path(id): Path<i64>) -> Result<Response, WebError> {
    edit_page(&ctx, &admin, CommentId(id), false, None, None).await
}

/// `POST /admin/comments/{id}/reply`: published at once, under the
/// replier's name and linked to their author record.
pub async fn reply(
    ctx: Ctx,
    admin: Admin,
    client: Client,
    headers: HeaderMap,
    Path(id): Path<i64>,
    axum::Form(f): axum::Form<CommentFields>,
) -> Result<Response, WebError> {
    admin.check_form(&headers, &ctx.base, f.csrf.as_deref().unwrap_or(""))?;
    let id = CommentId(id);
    let (parent, _) = moderatable(&ctx, &admin, id).await?;
    let text = without_strays(&f.comment.unwrap_or_default()).into_owned();
    if text.trim().is_empty() {
        let form = EditForm {
            comment: text,
            ..Default::default()
        };
        return edit_page(&ctx, &admin, id, false, Some(form), Some("Write a reply first.".into())).await;
    }
    if parent.status != CommentStatus::Approved {
        return Err(forbidden("Approve the comment before replying to it."));
    }
    let author = &admin.user.author;
    let reply = ctx
        .state
        .store
        .add_staff_reply(&StaffReply {
            parent_id: id,
            author_id: author.id,
            author_name: author.profile.display_name.clone(),
            author_email: author.email.clone().unwrap_or_default(),
            author_url: author.profile.website.clone(),
            author_ip: client.ip.to_string(),
            body: text,
            created_at: Utc::now(),
        })
        .await?;
    tracing::info!(user = admin.user.id(), comment = reply.id.0, "staff reply published");
    Ok(Redirect::to("/admin/comments?status=approved&notice=replied").into_response())
}

/// `GET /admin/comments/{id}/edit`.
pub async fn edit_form(ctx: Ctx, admin: Admin, Path(id): Path<i64>) -> Result<Response, WebError> {
    edit_page(&ctx, &admin, CommentId(id), true, None, None).await
}

/// `POST /admin/comments/{id}/edit`.
pub async fn edit(
    ctx: Ctx,
    admin: Admin,
    headers: HeaderMap,
    Path(id): Path<i64>,
    axum::Form(f): axum::Form<CommentFields>,
) -> Result<Response, WebError> {
    admin.check_form(&headers, &ctx.base, f.csrf.as_deref().unwrap_or(""))?;
    let id = CommentId(id);
    let (comment, _) = moderatable(&ctx, &admin, id).await?;
    // Control characters go, as from the public form.
    let text = |v: Option<String>| without_strays(&v.unwrap_or_default()).into_owned();
    let form = EditForm {
        author: text(f.author).trim().to_owned(),
        email: f.email.unwrap_or_default().trim().to_owned(),
        url: f.url.unwrap_or_default().trim().to_owned(),
        comment: text(f.comment),
    };
    let url = normalise_url(&form.url);
    let problem = if form.comment.trim().is_empty() {
        Some("A comment needs text.".to_owned())
    } else if form.author.is_empty() {
        Some("A comment needs a name.".to_owned())
    } else if !form.email.is_empty() && !is_valid_email(&form.email) {
        Some("That email address does not look right.".to_owned())
    } else {
        url.as_ref().err().cloned()
    };
    if let Some(problem) = problem {
        return edit_page(&ctx, &admin, id, true, Some(form), Some(problem)).await;
    }
    // Only administrators see emails; others keep the one on record.
    let email = if admin.may(Action::SeeCommenterEmail) {
        form.email.clone()
    } else {
        comment.author_email.clone()
    };
    ctx.state
        .store
        .update_comment(
            id,
            &CommentEdit {
                author_name: form.author.clone(),
                author_email: email,
                author_url: url.ok().flatten(),
                body: form.comment.clone(),
            },
        )
        .await?;
    let back = format!("/admin/comments?status={}&notice=edited", comment.status.as_str());
    Ok(Redirect::to(&back).into_response())
}
