//! Writing: the article list, the editor (with a live preview through the
//! public renderer), trash and restore, revisions, and dated corrections
//! and updates on published articles.
//!
//! "Scheduled" is an article published with a date still to come: it
//! becomes public at that moment on every page, feed and sitemap with no
//! job to run (the page cache drops what it shows at that moment; see
//! `byline_store::changes`), so it can neither be missed nor happen twice.

use std::collections::HashMap;

use axum::Form;
use axum::extract::{Path, Query};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use byline_core::markdown::{render_body, render_comment};
use byline_core::role::Action;
use byline_core::{Article, ArticleKind, ArticleStatus, BodyFormat, CommentsOpen, NewArticle, Slug};
use byline_render::view::{Value, safe};
use byline_store::editorial::{AdminArticleQuery, NoteKind};
use byline_store::{ArticleFilter, StoreError};
use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::dashboard::notice_text;
use super::page::{Chrome, render};
use super::session::{Admin, forbidden};
use crate::context::Ctx;
use crate::error::WebError;
use crate::present::article_path;

const PER_PAGE: u32 = 20;

/// What the status menu offers; "scheduled" is stored as published with a future date.
const STATUSES: [(&str, &str); 5] = [
    ("draft", "Draft"),
    ("pending", "Pending review"),
    ("published", "Published"),
    ("scheduled", "Scheduled"),
    ("private", "Private"),
];

fn kind_of(s: Option<&str>) -> ArticleKind {
    if s == Some("page") {
        ArticleKind::Page
    } else {
        ArticleKind::Post
    }
}

/// The status as the admin shows it; the trash is the one status the menu
/// does not offer.
fn status_label(a: &Article, now: DateTime<Utc>) -> (&'static str, &'static str) {
    let code = if a.is_scheduled_at(now) {
        "scheduled"
    } else {
        a.status.as_str()
    };
    let label = STATUSES
        .iter()
        .find(|(c, _)| *c == code)
        .map_or("Trash", |(_, label)| *label);
    (code, label)
}

/// Past review: published, private, or in the trash after having been
/// published (restoring it would put it back online).
fn is_published(a: &Article) -> bool {
    match a.status {
        ArticleStatus::Published | ArticleStatus::Private => true,
        ArticleStatus::Trash => a.published_at.is_some(),
        ArticleStatus::Draft | ArticleStatus::Pending => false,
    }
}

fn local(at: DateTime<Utc>, tz: Tz, format: &str) -> String {
    at.with_timezone(&tz).format(format).to_string()
}

/// Pages are for editors and administrators, as in WordPress, where
/// authors and contributors have no `edit_pages`.
fn require_kind(admin: &Admin, kind: ArticleKind) -> Result<(), WebError> {
    match kind {
        ArticleKind::Page => admin.require(Action::WritePages),
        ArticleKind::Post => Ok(()),
    }
}

/// The article `id` if this user may edit it.
async fn editable(ctx: &Ctx, admin: &Admin, id: i64) -> Result<Article, WebError> {
    let article = ctx.state.store.article(id).await?.ok_or(WebError::NotFound)?;
    let own = article.author_id == admin.user.id();
    admin.require(Action::EditArticle {
        own,
        published: is_published(&article),
    })?;
    require_kind(admin, article.kind)?;
    Ok(article)
}

// ---------------------------------------------------------------- the list

/// `?status=&author=&category=&q=&page=&kind=&notice=`.
#[derive(Debug, Deserialize, Default)]
pub struct ListParams {
    kind: Option<String>,
    status: Option<String>,
    author: Option<i64>,
    category: Option<i64>,
    q: Option<String>,
    page: Option<u32>,
    notice: Option<String>,
}

#[derive(Serialize)]
struct Choice {
    value: String,
    label: String,
    selected: bool,
}

#[derive(Serialize)]
struct ListRow {
    id: i64,
    title: String,
    edit_url: String,
    view_url: Option<String>,
    author: String,
    categories: String,
    status: &'static str,
    status_label: &'static str,
    date: String,
    can_edit: bool,
}

#[derive(Serialize)]
struct ListPage {
    kind: &'static str,
    can_write_pages: bool,
    heading: &'static str,
    new_url: String,
    statuses: Vec<Choice>,
    authors: Vec<Choice>,
    categories: Vec<Choice>,
    query: String,
    rows: Vec<ListRow>,
    total: u64,
    page: u32,
    pages: u32,
    prev_url: Option<String>,
    next_url: Option<String>,
}

/// `/admin/articles`.
pub async fn list(ctx: Ctx, admin: Admin, Query(p): Query<ListParams>) -> Result<Response, WebError> {
    let store = &ctx.state.store;
    let kind = kind_of(p.kind.as_deref());
    require_kind(&admin, kind)?;
    let status = p.status.as_deref().and_then(ArticleStatus::parse);
    let query =
        p.q.clone()
            .unwrap_or_default()
            .trim()
            .chars()
            .take(200)
            .collect::<String>();
    let page = p.page.unwrap_or(1).max(1);
    let filter = match (p.author, p.category) {
        (Some(a), _) => ArticleFilter::Author(a),
        (None, Some(c)) => ArticleFilter::Term(c),
        _ => ArticleFilter::All,
    };
    let found = store
        .admin_articles(&AdminArticleQuery {
            kind,
            status,
            filter,
            search: Some(query.clone()).filter(|q| !q.is_empty()),
            // Others' drafts, private and trashed articles are theirs and their editors'.
            visible_to: (!admin.may(Action::EditArticle {
                own: false,
                published: false,
            }))
            .then(|| admin.user.id()),
            page,
            per_page: PER_PAGE,
        })
        .await?;
    let authors = store.authors().await?;
    let names: HashMap<i64, String> = authors.iter().map(|a| (a.id, a.profile.display_name.clone())).collect();
    let tz = ctx.settings.timezone;
    let now = Utc::now();
    let rows = found
        .items
        .iter()
        .map(|a| {
            let (status, status_label) = status_label(a, now);
            ListRow {
                id: a.id,
                title: if a.title.trim().is_empty() {
                    "(no title)".into()
                } else {
                    a.title.clone()
                },
                edit_url: format!("/admin/articles/{}/edit", a.id),
                view_url: a.is_public_at(now).then(|| article_path(a, tz)),
                author: names.get(&a.author_id).cloned().unwrap_or_default(),
                categories: a
                    .categories
                    .iter()
                    .map(|c| c.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                status,
                status_label,
                date: local(a.published_at.unwrap_or(a.created_at), tz, "%Y-%m-%d %H:%M"),
                can_edit: admin.may(Action::EditArticle {
                    own: a.author_id == admin.user.id(),
                    published: is_published(a),
                }),
            }
        })
        .collect();
    let terms = store.terms().await?;
    let base = |page: u32| {
        let mut url = format!("/admin/articles?kind={}", kind.as_str());
        for (k, v) in [
            ("status", p.status.clone()),
            ("author", p.author.map(|a| a.to_string())),
            ("category", p.category.map(|c| c.to_string())),
            ("q", Some(query.clone()).filter(|q| !q.is_empty())),
        ] {
            if let Some(v) = v {
                url.push_str(&format!("&{k}={}", crate::present::query_value(&v)));
            }
        }
        if page > 1 {
            url.push_str(&format!("&page={page}"));
        }
        url
    };
    let pages = byline_core::thread::page_count(found.total, PER_PAGE);
    let (heading, title) = match kind {
        ArticleKind::Post => ("Articles", "Articles"),
        ArticleKind::Page => ("Pages", "Pages"),
    };
    let chrome = Chrome::signed_in(&ctx.state, &admin, "articles", title)
        .await?
        .notice(notice_text(p.notice.as_deref()));
    let data = ListPage {
        kind: kind.as_str(),
        can_write_pages: admin.may(Action::WritePages),
        heading,
        new_url: format!("/admin/articles/new?kind={}", kind.as_str()),
        statuses: [
            ("draft", "Drafts"),
            ("pending", "Pending review"),
            ("published", "Published"),
            ("private", "Private"),
            ("trash", "Trash"),
        ]
        .iter()
        .map(|(v, l)| Choice {
            value: (*v).into(),
            label: (*l).into(),
            selected: p.status.as_deref() == Some(*v),
        })
        .collect(),
        authors: authors
            .iter()
            .map(|a| Choice {
                value: a.id.to_string(),
                label: a.profile.display_name.clone(),
                selected: p.author == Some(a.id),
            })
            .collect(),
        categories: terms
            .iter()
            .filter(|t| t.term.kind == byline_core::TermKind::Category)
            .map(|t| Choice {
                value: t.term.id.to_string(),
                label: t.term.name.clone(),
                selected: p.category == Some(t.term.id),
            })
            .collect(),
        query: query.clone(),
        rows,
        total: found.total,
        page,
        pages,
        prev_url: (page > 1).then(|| base(page - 1)),
        next_url: (page < pages).then(|| base(page + 1)),
    };
    render(&ctx.state, StatusCode::OK, "admin/article_list.html", &chrome, &data)
}

// ---------------------------------------------------------------- the editor

/// The editor's fields, as typed.
#[derive(Debug, Deserialize, Serialize, Default, Clone)]
pub struct ArticleForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    slug: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    format: String,
    #[serde(default)]
    excerpt: String,
    #[serde(default)]
    categories: String,
    #[serde(default)]
    tags: String,
    #[serde(default)]
    author: Option<i64>,
    #[serde(default)]
    status: String,
    #[serde(default)]
    published_at: String,
    #[serde(default)]
    comments: Option<String>,
}

impl ArticleForm {
    fn of(a: &Article, tz: Tz, now: DateTime<Utc>) -> Self {
        Self {
            csrf: String::new(),
            kind: a.kind.as_str().into(),
            title: a.title.clone(),
            slug: a.slug.as_str().into(),
            body: a.body.clone(),
            format: a.format.as_str().into(),
            excerpt: a.excerpt.clone().unwrap_or_default(),
            categories: a
                .categories
                .iter()
                .map(|t| t.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            tags: a.tags.iter().map(|t| t.name.as_str()).collect::<Vec<_>>().join(", "),
            author: Some(a.author_id),
            status: status_label(a, now).0.into(),
            published_at: a
                .published_at
                .map(|p| local(p, tz, "%Y-%m-%dT%H:%M"))
                .unwrap_or_default(),
            comments: (a.comments == CommentsOpen::Open).then(|| "1".into()),
        }
    }
}

/// Messages at the editor's fields.
#[derive(Debug, Serialize, Default)]
struct FormErrors {
    title: Option<String>,
    slug: Option<String>,
    body: Option<String>,
    status: Option<String>,
    published_at: Option<String>,
}

impl FormErrors {
    fn any(&self) -> bool {
        self.title.is_some()
            || self.slug.is_some()
            || self.body.is_some()
            || self.status.is_some()
            || self.published_at.is_some()
    }
}

#[derive(Serialize)]
struct NoteRow {
    id: i64,
    kind: &'static str,
    label: &'static str,
    date: String,
    body_html: Value,
}

#[derive(Serialize)]
struct EditorPage {
    id: Option<i64>,
    heading: String,
    action: String,
    form: ArticleForm,
    errors: FormErrors,
    statuses: Vec<Choice>,
    authors: Vec<Choice>,
    can_choose_author: bool,
    preview_html: Value,
    view_url: Option<String>,
    status_label: Option<&'static str>,
    revisions: usize,
    notes: Vec<NoteRow>,
    can_add_notes: bool,
    trashed: bool,
    can_delete: bool,
    timezone: String,
}

async fn editor(
    ctx: &Ctx,
    admin: &Admin,
    article: Option<&Article>,
    form: ArticleForm,
    errors: FormErrors,
    notice: Option<String>,
) -> Result<Response, WebError> {
    let store = &ctx.state.store;
    let tz = ctx.settings.timezone;
    let now = Utc::now();
    let can_publish = admin.may(Action::PublishArticle {
        own: article.is_none_or(|a| a.author_id == admin.user.id()),
    });
    let statuses = STATUSES
        .iter()
        .filter(|(v, _)| can_publish || matches!(*v, "draft" | "pending"))
        .map(|(v, l)| Choice {
            value: (*v).into(),
            label: (*l).into(),
            selected: form.status == *v,
        })
        .collect();
    let can_choose_author = admin.may(Action::AssignAuthor);
    let authors = if can_choose_author {
        store
            .authors()
            .await?
            .iter()
            .map(|a| Choice {
                value: a.id.to_string(),
                label: a.profile.display_name.clone(),
                selected: form.author.unwrap_or(admin.user.id()) == a.id,
            })
            .collect()
    } else {
        Vec::new()
    };
    let (notes, revisions) = match article {
        Some(a) => (store.article_notes(a.id).await?, store.revisions(a.id).await?.len()),
        None => (Vec::new(), 0),
    };
    let format = BodyFormat::parse(&form.format).unwrap_or_default();
    let has_errors = errors.any();
    let title = match article {
        Some(a) if a.kind == ArticleKind::Page => "Edit page",
        Some(_) => "Edit article",
        None if form.kind == "page" => "New page",
        None => "New article",
    };
    let chrome = Chrome::signed_in(&ctx.state, admin, "articles", title)
        .await?
        .notice(notice);
    let chrome = if has_errors {
        chrome.error("Nothing was saved: see the messages below.")
    } else {
        chrome
    };
    let preview_html = ctx.state.render(|| safe(render_body(&form.body, format))).await;
    let data = EditorPage {
        id: article.map(|a| a.id),
        heading: title.into(),
        action: article.map_or_else(|| "/admin/articles".to_owned(), |a| format!("/admin/articles/{}", a.id)),
        preview_html,
        errors,
        statuses,
        authors,
        can_choose_author,
        view_url: article.filter(|a| a.is_public_at(now)).map(|a| article_path(a, tz)),
        status_label: article.map(|a| status_label(a, now).1),
        revisions,
        notes: notes
            .iter()
            .map(|n| NoteRow {
                id: n.id,
                kind: n.kind.as_str(),
                label: n.kind.label(),
                date: local(n.created_at, tz, "%B %-d, %Y %H:%M"),
                body_html: safe(render_comment(&n.body)),
            })
            .collect(),
        can_add_notes: article.is_some_and(|a| a.is_public_at(now)),
        trashed: article.is_some_and(|a| a.status == ArticleStatus::Trash),
        can_delete: article.is_some_and(|a| {
            admin.may(Action::DeleteArticle {
                own: a.author_id == admin.user.id(),
                published: is_published(a),
            })
        }),
        timezone: tz.name().into(),
        form,
    };
    let status = if has_errors {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    render(&ctx.state, status, "admin/article_edit.html", &chrome, &data)
}

/// `?kind=page`.
#[derive(Debug, Deserialize, Default)]
pub struct NewParams {
    kind: Option<String>,
}

/// `GET /admin/articles/new`.
pub async fn new(ctx: Ctx, admin: Admin, Query(p): Query<NewParams>) -> Result<Response, WebError> {
    admin.require(Action::CreateArticle)?;
    require_kind(&admin, kind_of(p.kind.as_deref()))?;
    let form = ArticleForm {
        kind: kind_of(p.kind.as_deref()).as_str().into(),
        status: "draft".into(),
        comments: Some("1".into()),
        format: BodyFormat::Markdown.as_str().into(),
        ..Default::default()
    };
    editor(&ctx, &admin, None, form, FormErrors::default(), None).await
}

/// `GET /admin/articles/{id}/edit`.
pub async fn edit(
    ctx: Ctx,
    admin: Admin,
    Path(id): Path<i64>,
    Query(q): Query<super::dashboard::NoticeQuery>,
) -> Result<Response, WebError> {
    let article = editable(&ctx, &admin, id).await?;
    let form = ArticleForm::of(&article, ctx.settings.timezone, Utc::now());
    editor(
        &ctx,
        &admin,
        Some(&article),
        form,
        FormErrors::default(),
        notice_text(q.notice()),
    )
    .await
}

fn names(list: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        if !out.iter().any(|o| o.eq_ignore_ascii_case(name)) {
            out.push(name.chars().take(200).collect());
        }
    }
    out
}

/// Checks the form against the user's role; the article to save, or messages.
fn checked(
    ctx: &Ctx,
    admin: &Admin,
    existing: Option<&Article>,
    form: &ArticleForm,
    now: DateTime<Utc>,
) -> Result<NewArticle, FormErrors> {
    let tz = ctx.settings.timezone;
    let mut errors = FormErrors::default();
    let title = byline_core::text::without_strays(&form.title);
    let title = title.trim();
    if title.is_empty() {
        errors.title = Some("Give the article a headline.".into());
    }
    let format = BodyFormat::parse(&form.format).unwrap_or_default();
    errors.body = byline_core::article::check_body(&form.body, format).err();
    let slug = match form.slug.trim() {
        "" => None,
        s => match Slug::parse(&s.to_lowercase()) {
            Ok(slug) => Some(slug),
            Err(e) => {
                errors.slug = Some(format!(
                    "This address is not usable: {e}. Use letters, digits and hyphens."
                ));
                None
            }
        },
    };
    let published_at = match form.published_at.trim() {
        "" => None,
        s => match NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M")
            .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S"))
            .ok()
            .and_then(|n| tz.from_local_datetime(&n).earliest())
        {
            Some(t) => Some(t.with_timezone(&Utc)),
            None => {
                errors.published_at = Some(format!("Give a date and time like 2026-12-01T09:00 ({}).", tz.name()));
                None
            }
        },
    };
    let own = existing.is_none_or(|a| a.author_id == admin.user.id());
    let wants_public = matches!(form.status.as_str(), "published" | "scheduled" | "private");
    let status = match form.status.as_str() {
        "pending" => ArticleStatus::Pending,
        "published" | "scheduled" => ArticleStatus::Published,
        "private" => ArticleStatus::Private,
        _ => ArticleStatus::Draft,
    };
    if wants_public && !admin.may(Action::PublishArticle { own }) {
        errors.status =
            Some("Your role can submit an article for review, not publish it. Choose “Pending review”.".into());
    }
    if form.status == "scheduled" && published_at.is_none_or(|p| p <= now) {
        errors.published_at = Some("To schedule, choose a date and time in the future.".into());
    }
    let author_id = match form.author {
        Some(a) if admin.may(Action::AssignAuthor) => a,
        _ => existing.map_or(admin.user.id(), |a| a.author_id),
    };
    if errors.any() {
        return Err(errors);
    }
    Ok(NewArticle {
        kind: existing.map_or_else(|| kind_of(Some(&form.kind)), |a| a.kind),
        author_id,
        title: title.to_owned(),
        slug: slug.or_else(|| existing.map(|a| a.slug.clone())),
        body: form.body.clone(),
        format,
        excerpt: Some(form.excerpt.trim().to_owned()).filter(|e| !e.is_empty()),
        status,
        comments: if form.comments.is_some() {
            CommentsOpen::Open
        } else {
            CommentsOpen::Closed
        },
        // Publishing now keeps the date an earlier publication had.
        published_at: published_at.or_else(|| existing.and_then(|a| a.published_at)),
        categories: names(&form.categories),
        tags: names(&form.tags),
        password: existing.and_then(|a| a.password.clone()),
        sticky: existing.is_some_and(|a| a.sticky),
    })
}

fn saved_notice(a: &Article, now: DateTime<Utc>) -> &'static str {
    match status_label(a, now).0 {
        "published" => "published",
        "scheduled" => "scheduled",
        "pending" => "submitted",
        _ => "saved",
    }
}

async fn save(
    ctx: Ctx,
    admin: Admin,
    headers: HeaderMap,
    existing: Option<Article>,
    form: ArticleForm,
) -> Result<Response, WebError> {
    admin.check_form(&headers, &ctx.base, &form.csrf)?;
    let now = Utc::now();
    let new = match checked(&ctx, &admin, existing.as_ref(), &form, now) {
        Ok(new) => new,
        Err(errors) => return editor(&ctx, &admin, existing.as_ref(), form, errors, None).await,
    };
    let store = &ctx.state.store;
    let saved = match &existing {
        Some(a) => store.update_article(a.id, &new, now).await,
        None => store.create_article(&new, now).await,
    };
    let article = match saved {
        Ok(a) => a,
        Err(StoreError::Conflict(message)) => {
            let errors = FormErrors {
                slug: Some(format!("{message}. Choose another address.")),
                ..Default::default()
            };
            return editor(&ctx, &admin, existing.as_ref(), form, errors, None).await;
        }
        Err(e) => {
            // A full disk or a lock held too long: the writer keeps the text.
            ctx.state.health.failed(&e.to_string());
            let errors = FormErrors {
                body: Some(
                    "The site could not save this just now. Your text is kept here: save again in a moment.".into(),
                ),
                ..Default::default()
            };
            return editor(&ctx, &admin, existing.as_ref(), form, errors, None).await;
        }
    };
    ctx.state.health.succeeded();
    store.attribute_revision(article.id, admin.user.id()).await?;
    tracing::info!(
        user = admin.user.id(),
        article = article.id,
        status = article.status.as_str(),
        "article saved"
    );
    let url = format!(
        "/admin/articles/{}/edit?notice={}",
        article.id,
        saved_notice(&article, now)
    );
    Ok(Redirect::to(&url).into_response())
}

/// `POST /admin/articles`: a new article.
pub async fn create(
    ctx: Ctx,
    admin: Admin,
    headers: HeaderMap,
    Form(form): Form<ArticleForm>,
) -> Result<Response, WebError> {
    admin.require(Action::CreateArticle)?;
    require_kind(&admin, kind_of(Some(&form.kind)))?;
    save(ctx, admin, headers, None, form).await
}

/// `POST /admin/articles/{id}`: saves an edit.
pub async fn update(
    ctx: Ctx,
    admin: Admin,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(form): Form<ArticleForm>,
) -> Result<Response, WebError> {
    let article = editable(&ctx, &admin, id).await?;
    save(ctx, admin, headers, Some(article), form).await
}

/// A form with only its CSRF token.
#[derive(Debug, Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

/// `POST /admin/articles/{id}/{trash|restore|delete}`.
pub async fn lifecycle(
    ctx: Ctx,
    admin: Admin,
    headers: HeaderMap,
    Path((id, action)): Path<(i64, String)>,
    Form(form): Form<CsrfOnly>,
) -> Result<Response, WebError> {
    admin.check_form(&headers, &ctx.base, &form.csrf)?;
    let article = ctx.state.store.article(id).await?.ok_or(WebError::NotFound)?;
    admin.require(Action::DeleteArticle {
        own: article.author_id == admin.user.id(),
        published: is_published(&article),
    })?;
    require_kind(&admin, article.kind)?;
    let store = &ctx.state.store;
    let kind = article.kind.as_str();
    let to = match action.as_str() {
        "trash" => {
            store.trash_article(id).await?;
            format!("/admin/articles?kind={kind}&notice=trashed")
        }
        "restore" => {
            store.restore_article(id).await?;
            format!("/admin/articles/{id}/edit?notice=restored")
        }
        "delete" if article.status == ArticleStatus::Trash => {
            store.delete_article(id).await?;
            format!("/admin/articles?kind={kind}&status=trash&notice=deleted_article")
        }
        "delete" => return Err(forbidden("Move the article to the trash before deleting it for good.")),
        _ => return Err(WebError::NotFound),
    };
    tracing::info!(user = admin.user.id(), article = id, action, "article lifecycle");
    Ok(Redirect::to(&to).into_response())
}

// ---------------------------------------------------------------- preview

/// The preview request.
#[derive(Debug, Deserialize)]
pub struct PreviewForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    format: String,
}

/// `POST /admin/preview`: the body as the public site will render it.
pub async fn preview(
    ctx: Ctx,
    admin: Admin,
    headers: HeaderMap,
    Form(f): Form<PreviewForm>,
) -> Result<Response, WebError> {
    admin.check_form(&headers, &ctx.base, &f.csrf)?;
    let format = BodyFormat::parse(&f.format).unwrap_or_default();
    let html = ctx.state.render(|| render_body(&f.body, format).into_string()).await;
    let mut response = ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

// ---------------------------------------------------------------- revisions

#[derive(Serialize)]
struct RevisionRow {
    id: i64,
    title: String,
    date: String,
    by: Option<String>,
    current: bool,
}

#[derive(Serialize)]
struct RevisionsPage {
    article_id: i64,
    article_title: String,
    revisions: Vec<RevisionRow>,
    shown: Option<ShownRevision>,
}

#[derive(Serialize)]
struct ShownRevision {
    id: i64,
    title: String,
    date: String,
    body_html: Value,
    current: bool,
}

/// `?show=REVISION`.
#[derive(Debug, Deserialize, Default)]
pub struct RevisionParams {
    show: Option<i64>,
}

/// `GET /admin/articles/{id}/revisions`: the list, and one revision shown.
pub async fn revisions(
    ctx: Ctx,
    admin: Admin,
    Path(id): Path<i64>,
    Query(p): Query<RevisionParams>,
) -> Result<Response, WebError> {
    let article = editable(&ctx, &admin, id).await?;
    let store = &ctx.state.store;
    let tz = ctx.settings.timezone;
    let list = store.revisions(id).await?;
    let names: HashMap<i64, String> = store
        .authors()
        .await?
        .into_iter()
        .map(|a| (a.id, a.profile.display_name))
        .collect();
    let latest = list.first().map(|r| r.id);
    let shown = p
        .show
        .and_then(|s| list.iter().find(|r| r.id == s))
        .map(|r| ShownRevision {
            id: r.id,
            title: r.title.clone(),
            date: local(r.saved_at, tz, "%B %-d, %Y %H:%M:%S"),
            body_html: safe(render_body(&r.body, article.format)),
            current: Some(r.id) == latest,
        });
    let data = RevisionsPage {
        article_id: id,
        article_title: article.title.clone(),
        revisions: list
            .iter()
            .map(|r| RevisionRow {
                id: r.id,
                title: r.title.clone(),
                date: local(r.saved_at, tz, "%B %-d, %Y %H:%M:%S"),
                by: r.saved_by.and_then(|b| names.get(&b).cloned()),
                current: Some(r.id) == latest,
            })
            .collect(),
        shown,
    };
    let chrome = Chrome::signed_in(&ctx.state, &admin, "articles", "Revisions").await?;
    render(&ctx.state, StatusCode::OK, "admin/revisions.html", &chrome, &data)
}

/// `POST /admin/articles/{id}/revisions/{rev}/restore`.
pub async fn restore_revision(
    ctx: Ctx,
    admin: Admin,
    headers: HeaderMap,
    Path((id, rev)): Path<(i64, i64)>,
    Form(form): Form<CsrfOnly>,
) -> Result<Response, WebError> {
    admin.check_form(&headers, &ctx.base, &form.csrf)?;
    editable(&ctx, &admin, id).await?;
    let revision = ctx
        .state
        .store
        .revision(rev)
        .await?
        .filter(|r| r.article_id == id)
        .ok_or(WebError::NotFound)?;
    ctx.state.store.restore_revision(revision.id, Utc::now()).await?;
    ctx.state.store.attribute_revision(id, admin.user.id()).await?;
    Ok(Redirect::to(&format!("/admin/articles/{id}/edit?notice=revision")).into_response())
}

// ---------------------------------------------------------------- notes

/// A new correction or update.
#[derive(Debug, Deserialize)]
pub struct NoteForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    body: String,
}

/// `POST /admin/articles/{id}/notes`.
pub async fn add_note(
    ctx: Ctx,
    admin: Admin,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<NoteForm>,
) -> Result<Response, WebError> {
    admin.check_form(&headers, &ctx.base, &f.csrf)?;
    let article = editable(&ctx, &admin, id).await?;
    let now = Utc::now();
    if !article.is_public_at(now) {
        return Err(forbidden(
            "Corrections and updates go on published articles; edit the text of a draft instead.",
        ));
    }
    let kind = NoteKind::parse(&f.kind).ok_or_else(|| WebError::BadRequest("Choose correction or update.".into()))?;
    if f.body.trim().is_empty() {
        let form = ArticleForm::of(&article, ctx.settings.timezone, now);
        return editor(
            &ctx,
            &admin,
            Some(&article),
            form,
            FormErrors::default(),
            Some("Write the correction or update first.".into()),
        )
        .await;
    }
    ctx.state.store.add_article_note(id, kind, f.body.trim(), now).await?;
    Ok(Redirect::to(&format!("/admin/articles/{id}/edit?notice=note")).into_response())
}

/// `POST /admin/articles/{id}/notes/{note}/delete`.
pub async fn delete_note(
    ctx: Ctx,
    admin: Admin,
    headers: HeaderMap,
    Path((id, note)): Path<(i64, i64)>,
    Form(form): Form<CsrfOnly>,
) -> Result<Response, WebError> {
    admin.check_form(&headers, &ctx.base, &form.csrf)?;
    editable(&ctx, &admin, id).await?;
    if !ctx.state.store.article_notes(id).await?.iter().any(|n| n.id == note) {
        return Err(WebError::NotFound);
    }
    ctx.state.store.delete_article_note(note).await?;
    Ok(Redirect::to(&format!("/admin/articles/{id}/edit?notice=saved")).into_response())
}
