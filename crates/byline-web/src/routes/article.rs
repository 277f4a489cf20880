//! The article page: article, byline, bio box, discussion and the
//! "Leave a Reply" form. Also renders the form again, with the visitor's
//! input and messages, when a submission is refused.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum_extra::extract::SignedCookieJar;
use byline_core::comment_form::{CommentDraft, FieldErrors};
use byline_core::permalink::comment_page_path;
use byline_core::submission::{accepts_comments, comments_close_at};
use byline_core::thread::{nest, page_count};
use byline_core::{Article, ArticleKind, Comment, CommentId, CommentStatus, Settings};
use byline_render::view::{ArticlePage, CommentFormView, DiscussionView, PageMeta, Pagination, ReplyTarget};

use crate::cache::CacheTags;
use crate::context::Ctx;
use crate::error::WebError;
use crate::present::{
    article_path, article_view, author_view, comment_views, excerpt, feed_links, first_image, news_article_json_ld,
};
use crate::visitor;

/// The state of the comment form on a rendered page.
#[derive(Debug, Clone, Default)]
pub struct FormState {
    /// What is in the fields.
    pub draft: CommentDraft,
    /// Messages at the fields.
    pub errors: FieldErrors,
    /// Message about the whole submission.
    pub notice: Option<String>,
    /// The comment being replied to.
    pub reply_to: Option<CommentId>,
}

impl FormState {
    /// The form as templates show it, on discussion page `page_url`.
    pub fn view(self, article_id: i64, reply_to: Option<ReplyTarget>, page_url: &str) -> CommentFormView {
        CommentFormView {
            // The fragment brings a refused form back into view.
            action: "/wp-comments-post.php#respond".into(),
            article_id,
            draft: self.draft,
            errors: self.errors,
            notice: self.notice,
            reply_to,
            cancel_reply_url: format!("{page_url}#respond"),
        }
    }

    /// An empty form (with the visitor's saved details, if any), replying
    /// to `?replytocom=` when given.
    pub fn fresh(jar: &SignedCookieJar, replytocom: Option<&str>) -> Self {
        Self {
            draft: visitor::remembered(jar).unwrap_or_default(),
            reply_to: replytocom.and_then(|r| r.parse().ok()).map(CommentId),
            ..Default::default()
        }
    }
}

/// Who is looking: their own held comments, the article passwords they
/// gave, and whether the page shows anything personal (and so must not be
/// cached for others).
pub struct Viewer {
    /// Ids of the visitor's held comments.
    pub pending: Vec<CommentId>,
    /// Tokens of the passwords they gave.
    pub passwords: Vec<String>,
    /// The response depends on the visitor's cookies.
    pub personal: bool,
}

impl Viewer {
    /// Reads the visitor's cookies.
    pub fn from_jar(jar: &SignedCookieJar) -> Self {
        Self {
            pending: visitor::pending_ids(jar),
            passwords: visitor::password_tokens(jar),
            personal: visitor::is_personal(jar),
        }
    }

    /// Whether the visitor may read `article` (it has no password, or they gave it).
    pub fn may_read(&self, state: &crate::AppState, article: &Article) -> bool {
        match article.password.as_deref() {
            None | Some("") => true,
            Some(p) => self
                .passwords
                .contains(&visitor::password_token(&state.password_key[..], p)),
        }
    }
}

/// Whether replies may nest under `c` (`open`: the article takes comments).
fn takes_replies(c: &Comment, open: bool, settings: &Settings) -> bool {
    open && c.status == CommentStatus::Approved && c.depth < settings.thread_comments_depth
}

/// Renders the article page with discussion page `comment_page`.
pub async fn render(
    ctx: &Ctx,
    article: &Article,
    comment_page: u32,
    viewer: &Viewer,
    form: FormState,
    status: StatusCode,
) -> Result<Response, WebError> {
    let (state, settings) = (&ctx.state, &ctx.settings);
    let tz = settings.timezone;
    let author = state
        .store
        .author(article.author_id)
        .await?
        .ok_or_else(|| WebError::Internal(format!("article {} has no author", article.id)))?;
    let author = author_view(&author, &state.avatar_key[..]);
    let url = article_path(article, tz);

    if !viewer.may_read(state, article) {
        return render_locked(ctx, article, author, status).await;
    }
    let discussion = state
        .store
        .comment_page(article.id, comment_page, settings.comments_per_page, &viewer.pending)
        .await?;
    let pages = page_count(discussion.threads, settings.comments_per_page);
    if comment_page > pages {
        return Err(WebError::NotFound);
    }
    let page_url = comment_page_path(&url, comment_page);
    let now = chrono::Utc::now();
    let open = accepts_comments(article, settings.close_comments_days, now);
    let reply_to = match form.reply_to.filter(|_| open) {
        Some(id) => state
            .store
            .comment(id)
            .await?
            .filter(|c| c.article_id == article.id && takes_replies(c, open, settings))
            .map(|c| ReplyTarget {
                id: c.id.0,
                author_name: c.author_name,
            }),
        None => None,
    };
    if form.reply_to.is_some() && reply_to.is_none() && status == StatusCode::OK {
        // `?replytocom=` naming nothing one can reply to here: the page
        // itself, at one address (junk values must not each become a page).
        return Ok((StatusCode::FOUND, [(header::LOCATION, format!("{page_url}#respond"))]).into_response());
    }
    let notes = state.store.article_notes(article.id).await?;

    // Everything from here is CPU work: Markdown, sanitising, the template.
    let html = state
        .render(|| {
            let reply_url = |c: &Comment| {
                takes_replies(c, open, settings).then(|| format!("{page_url}?replytocom={}#respond", c.id))
            };
            let threads = comment_views(
                nest(discussion.comments, |c| c.id, |c| c.parent_id),
                article.author_id,
                &state.avatar_key[..],
                tz,
                &reply_url,
            );
            let form = open.then(|| form.view(article.id, reply_to, &page_url));
            let mut view = article_view(article, author, tz);
            view.notes = crate::present::note_views(&notes, tz);
            let description = excerpt(article);
            let canonical = ctx.abs(&page_url);
            let image = first_image(view.body_html.as_str().unwrap_or_default(), &ctx.base);
            let is_post = article.kind == ArticleKind::Post;
            let mut feeds = feed_links(&ctx.base, "/", &settings.title);
            feeds.extend(feed_links(&ctx.base, &url, &format!("Comments on {}", article.title)));
            let meta = PageMeta {
                title: article.title.clone(),
                description: description.clone(),
                canonical: canonical.clone(),
                noindex: false,
                og_type: if is_post { "article" } else { "website" }.into(),
                json_ld: is_post.then(|| {
                    news_article_json_ld(
                        article,
                        &view.author,
                        &canonical,
                        &ctx.base,
                        &settings.title,
                        image.as_deref(),
                        &description,
                    )
                }),
                image,
                feeds,
                published: article.published_at.filter(|_| is_post).map(|t| t.to_rfc3339()),
                modified: article.updated_at.filter(|_| is_post).map(|t| t.to_rfc3339()),
            };
            let page = ArticlePage {
                site: ctx.site(),
                meta,
                article: view,
                discussion: DiscussionView {
                    approved: discussion.approved,
                    threads,
                    pagination: Pagination::new(comment_page, pages, |n| {
                        format!("{}#comments", comment_page_path(&url, n))
                    }),
                    open,
                    form,
                },
            };
            state.renderer.render("article.html", &page)
        })
        .await?;
    // The form disappears when the discussion closes by age: no write marks that moment.
    let closes = comments_close_at(article, settings.close_comments_days).filter(|_| open);
    let mut response = CacheTags::site()
        .articles([article])
        .until(closes)
        .on((status, Html(html)).into_response());
    if viewer.personal {
        // The page shows this visitor's held comments or saved details.
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    }
    Ok(response)
}

/// A password-protected article the visitor has not unlocked: headline,
/// byline and a password form; no body, excerpt or discussion.
async fn render_locked(
    ctx: &Ctx,
    article: &Article,
    author: byline_render::view::AuthorView,
    status: StatusCode,
) -> Result<Response, WebError> {
    let tz = ctx.settings.timezone;
    let url = article_path(article, tz);
    let mut view = article_view(article, author, tz);
    view.body_html = byline_render::view::Value::from(String::new());
    view.locked = true;
    let page = ArticlePage {
        site: ctx.site(),
        meta: PageMeta {
            title: format!("Protected: {}", article.title),
            canonical: ctx.abs(&url),
            noindex: true,
            og_type: "website".into(),
            feeds: feed_links(&ctx.base, "/", &ctx.settings.title),
            ..Default::default()
        },
        article: view,
        discussion: DiscussionView {
            approved: 0,
            threads: Vec::new(),
            pagination: None,
            open: false,
            form: None,
        },
    };
    let html = ctx.state.renderer.render("article.html", &page)?;
    let mut response = (status, Html(html)).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    Ok(response)
}
