//! `POST /wp-comments-post.php` (and `/comments`): the "Leave a Reply"
//! form, with WordPress's field names. Success is a 303 to the new
//! comment; every refusal renders the article again with the visitor's
//! text in the form and the reason next to the field.

use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_extra::extract::SignedCookieJar;
use byline_core::comment_form::{CommentDraft, MAX_COMMENT};
use byline_core::moderation::CommentText;
use byline_core::permalink::comment_page_path;
use byline_core::submission::{CommentPolicy, CommentRejection, accepts_comments, decide};
use byline_core::thread::{ReplyError, page_for};
use byline_core::{Article, CommentId, CommentStatus};
use byline_render::view::{CommentRefusedPage, PageMeta, RefusedDiscussion, ReplyTarget};
use byline_store::{NewComment, SubmitError};
use chrono::Utc;
use serde::Deserialize;

use super::article::{FormState, Viewer};
use crate::client::Client;
use crate::context::Ctx;
use crate::error::WebError;
use crate::present::article_path;
use crate::visitor;

/// The form's fields. All optional, so a missing field becomes a message
/// at that field rather than a bare rejection.
#[derive(Debug, Deserialize)]
pub struct CommentForm {
    comment: Option<String>,
    author: Option<String>,
    email: Option<String>,
    url: Option<String>,
    #[serde(rename = "comment_post_ID")]
    article_id: Option<String>,
    comment_parent: Option<String>,
    #[serde(rename = "wp-comment-cookies-consent")]
    consent: Option<String>,
}

/// The small page a refused comment gets: the form with what the visitor
/// typed and why it was refused, and a link back to the article. No article
/// text and no discussion are rendered, so answering a flood is cheap.
async fn refused(ctx: &Ctx, article: &Article, form: FormState, status: StatusCode) -> Result<Response, WebError> {
    let (state, settings) = (&ctx.state, &ctx.settings);
    let path = article_path(article, settings.timezone);
    let (page, reply_to) = match form.reply_to {
        Some(parent) => {
            let target = state
                .store
                .comment(parent)
                .await?
                .filter(|c| c.article_id == article.id);
            let page = match &target {
                Some(c) => state.store.comment_page_of(c.id, settings.comments_per_page).await?,
                None => 1,
            };
            let target = target.map(|c| ReplyTarget {
                id: c.id.0,
                author_name: c.author_name,
            });
            (page, target)
        }
        None => (1, None),
    };
    let page_url = comment_page_path(&path, page);
    let view = CommentRefusedPage {
        site: ctx.site(),
        meta: PageMeta {
            title: format!("Your comment on {}", article.title),
            canonical: ctx.abs(&path),
            noindex: true,
            ..Default::default()
        },
        article_title: article.title.clone(),
        article_url: page_url.clone(),
        discussion: RefusedDiscussion {
            form: form.view(article.id, reply_to, &page_url),
        },
    };
    let html = state.renderer.render("comment_refused.html", &view)?;
    let mut response = (status, Html(html)).into_response();
    // It shows what the visitor typed (their email too): theirs only.
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    Ok(response)
}

/// Handles a submitted comment.
pub async fn post_comment(
    ctx: Ctx,
    client: Client,
    headers: HeaderMap,
    jar: SignedCookieJar,
    form: Result<Form<CommentForm>, FormRejection>,
) -> Result<Response, WebError> {
    let Form(form) = form.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            WebError::TooLarge(format!(
                "Your comment is longer than this site accepts (at most {MAX_COMMENT} characters), so it \
                 could not be read. Your browser's Back button brings your text back: shorten it and send it again."
            ))
        } else {
            WebError::BadRequest(format!("The comment form could not be read: {e}"))
        }
    })?;
    let article_id: i64 = form
        .article_id
        .as_deref()
        .and_then(|s| s.trim().parse().ok())
        .ok_or_else(|| {
            WebError::BadRequest("The form did not say which article the comment is for (comment_post_ID).".into())
        })?;
    let parent = match form.comment_parent.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(p) => Some(
            p.parse::<i64>()
                .map_err(|_| WebError::BadRequest(format!("comment_parent must be a comment id, not {p:?}.")))?,
        ),
    };
    let draft = CommentDraft {
        comment: form.comment.unwrap_or_default(),
        author: form.author.unwrap_or_default(),
        email: form.email.unwrap_or_default(),
        url: form.url.unwrap_or_default(),
        parent: parent.filter(|p| *p > 0),
        remember: form.consent.is_some(),
    };

    let now = Utc::now();
    let state = &ctx.state;
    let article = state
        .cache
        .article(state.store.as_ref(), article_id)
        .await?
        .filter(|a| a.is_public_at(now))
        .ok_or_else(|| WebError::Gone {
            message: "The article you commented on is no longer published, so your comment was not posted.".into(),
            kept_text: Some(draft.comment.clone()).filter(|c| !c.trim().is_empty()),
        })?;
    let settings = &ctx.settings;
    // Closed by hand, or by age (`close_comments_days`).
    if !accepts_comments(&article, settings.close_comments_days, now) {
        return Err(WebError::Forbidden {
            message: format!(
                "Comments are closed on “{}”, so your comment was not posted.",
                article.title
            ),
            kept_text: Some(draft.comment).filter(|c| !c.trim().is_empty()),
        });
    }
    let viewer = Viewer::from_jar(&jar);
    if !viewer.may_read(state, &article) {
        return Err(WebError::Forbidden {
            message: "This article is protected by a password; give it on the article's page first.".into(),
            kept_text: Some(draft.comment).filter(|c| !c.trim().is_empty()),
        });
    }
    let refuse = |status: StatusCode, form: FormState| refused(&ctx, &article, form, status);

    let valid = match draft.validate() {
        Ok(valid) => valid,
        Err(errors) => {
            let reply_to = draft.parent.map(CommentId);
            return refuse(
                StatusCode::UNPROCESSABLE_ENTITY,
                FormState {
                    draft,
                    errors,
                    notice: None,
                    reply_to,
                },
            )
            .await;
        }
    };
    let user_agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let secure = ctx.is_https();
    let (jar, commenter) = visitor::commenter_key(jar, &state.avatar_key[..], secure);
    let new = NewComment {
        commenter: Some(commenter),
        article_id,
        parent_id: valid.parent.map(CommentId),
        author_name: valid.name,
        author_email: valid.email,
        author_url: valid.url,
        author_ip: client.ip.to_string(),
        user_agent: user_agent.chars().take(255).collect(),
        body: valid.body,
        created_at: now,
    };
    let screen = settings.content_rules().screen(&CommentText {
        body: &new.body,
        name: &new.author_name,
        email: &new.author_email,
        url: new.author_url.as_deref().unwrap_or(""),
        ip: &new.author_ip,
        user_agent: &new.user_agent,
    });
    let policy = CommentPolicy {
        moderation: settings.comment_moderation,
        max_depth: settings.thread_comments_depth,
        flood_seconds: settings.comment_flood_seconds,
        screen,
    };
    let parent_id = new.parent_id;
    let submitted = match state
        .store
        .submit_comment(&new, &move |facts| decide(facts, &policy, parent_id))
        .await
    {
        Ok(submitted) => submitted,
        Err(SubmitError::Rejected(rejection)) => {
            let status = match rejection {
                CommentRejection::Duplicate => StatusCode::CONFLICT,
                CommentRejection::TooFast { .. } => StatusCode::TOO_MANY_REQUESTS,
                CommentRejection::Reply(ReplyError::ParentUnavailable | ReplyError::TooDeep { .. }) => {
                    StatusCode::UNPROCESSABLE_ENTITY
                }
            };
            let reply_to = draft.parent.map(CommentId);
            let form = FormState {
                draft,
                errors: Default::default(),
                notice: Some(rejection.to_string()),
                reply_to,
            };
            let mut response = refuse(status, form).await?;
            if let CommentRejection::TooFast { wait_seconds } = rejection {
                response.headers_mut().insert(header::RETRY_AFTER, wait_seconds.into());
            }
            return Ok(response);
        }
        Err(SubmitError::Store(e)) => {
            // The disk is full, or the database locked for too long: the
            // visitor keeps their text and is told to try again.
            state.health.failed(&e.to_string());
            let reply_to = draft.parent.map(CommentId);
            let form = FormState {
                draft,
                errors: Default::default(),
                notice: Some(
                    "The site could not save your comment just now. Nothing you typed is lost: \
                     please send it again in a moment."
                        .into(),
                ),
                reply_to,
            };
            let mut response = refuse(StatusCode::SERVICE_UNAVAILABLE, form).await?;
            response.headers_mut().insert(header::RETRY_AFTER, 30.into());
            return Ok(response);
        }
    };
    state.health.succeeded();
    let comment = submitted.comment;
    tracing::info!(
        comment_id = comment.id.0,
        article_id,
        status = comment.status.as_str(),
        "comment received"
    );

    let mut jar = visitor::remember(jar, &draft, draft.remember, secure);
    if comment.status == CommentStatus::Pending {
        jar = visitor::add_pending(jar, comment.id, secure);
    }
    let page = page_for(submitted.threads_before, settings.comments_per_page);
    let target = format!(
        "{}#comment-{}",
        comment_page_path(&article_path(&article, settings.timezone), page),
        comment.id
    );
    Ok((jar, Redirect::to(&target)).into_response())
}
