//! Rows as SQLite returns them, and their conversion into domain types.

use byline_core::author::{Author, AuthorProfile, Login};
use byline_core::{
    Article, ArticleKind, ArticleStatus, BodyFormat, Comment, CommentId, CommentKind, CommentStatus, CommentsOpen,
    Slug, Term, TermKind,
};
use sqlx::FromRow;

use crate::time::{decode, decode_opt};

fn corrupt(what: &str, value: &str) -> sqlx::Error {
    sqlx::Error::Decode(format!("unexpected stored {what} {value:?}").into())
}

/// Columns of `authors`, in [`AUTHOR_COLUMNS`] order.
#[derive(FromRow)]
pub struct AuthorRow {
    id: i64,
    login: String,
    nicename: String,
    email: Option<String>,
    display_name: String,
    tagline: String,
    bio: String,
    website: Option<String>,
    created_at: String,
}

/// An author with their account: [`AUTHOR_COLUMNS`], `role`, `password_hash`.
#[derive(FromRow)]
pub struct UserRow {
    #[sqlx(flatten)]
    author: AuthorRow,
    role: String,
    pub password_hash: String,
}

impl TryFrom<UserRow> for byline_store::accounts::User {
    type Error = sqlx::Error;
    fn try_from(row: UserRow) -> Result<Self, Self::Error> {
        let role = byline_core::role::Role::parse(&row.role).ok_or_else(|| corrupt("role", &row.role))?;
        Ok(Self {
            author: row.author.try_into()?,
            role,
        })
    }
}

/// Column list matching [`AuthorRow`].
pub const AUTHOR_COLUMNS: &str = "id, login, nicename, email, display_name, tagline, bio, website, created_at";

impl TryFrom<AuthorRow> for Author {
    type Error = sqlx::Error;
    fn try_from(r: AuthorRow) -> Result<Self, Self::Error> {
        Ok(Author {
            id: r.id,
            login: Login::parse(&r.login).map_err(|_| corrupt("login", &r.login))?,
            nicename: r.nicename,
            email: r.email,
            profile: AuthorProfile {
                display_name: r.display_name,
                tagline: r.tagline,
                bio: r.bio,
                website: r.website,
            },
            created_at: decode(&r.created_at)?,
        })
    }
}

/// Columns of `articles`, in [`ARTICLE_COLUMNS`] order.
#[derive(FromRow)]
pub struct ArticleRow {
    id: i64,
    kind: String,
    author_id: i64,
    title: String,
    slug: String,
    body: String,
    format: String,
    excerpt: Option<String>,
    status: String,
    comment_status: String,
    published_at: Option<String>,
    created_at: String,
    updated_at: Option<String>,
    password: Option<String>,
    sticky: bool,
    wp_id: Option<i64>,
}

/// Column list matching [`ArticleRow`].
pub const ARTICLE_COLUMNS: &str = "id, kind, author_id, title, slug, body, format, excerpt, status, comment_status, \
     published_at, created_at, updated_at, password, sticky, wp_id";

impl ArticleRow {
    /// The row's article id.
    pub fn id(&self) -> i64 {
        self.id
    }

    /// The article without its terms (the caller adds them).
    pub fn into_article(self) -> Result<Article, sqlx::Error> {
        Ok(Article {
            id: self.id,
            kind: ArticleKind::parse(&self.kind).ok_or_else(|| corrupt("kind", &self.kind))?,
            author_id: self.author_id,
            title: self.title,
            slug: Slug::parse(&self.slug).map_err(|_| corrupt("slug", &self.slug))?,
            body: self.body,
            format: BodyFormat::parse(&self.format).ok_or_else(|| corrupt("format", &self.format))?,
            excerpt: self.excerpt,
            status: ArticleStatus::parse(&self.status).ok_or_else(|| corrupt("status", &self.status))?,
            comments: CommentsOpen::parse(&self.comment_status)
                .ok_or_else(|| corrupt("comment status", &self.comment_status))?,
            published_at: decode_opt(self.published_at.as_deref())?,
            created_at: decode(&self.created_at)?,
            updated_at: decode_opt(self.updated_at.as_deref())?,
            categories: Vec::new(),
            tags: Vec::new(),
            password: self.password.filter(|p| !p.is_empty()),
            sticky: self.sticky,
            wp_id: self.wp_id,
        })
    }
}

/// An article's term, as joined from `article_terms`.
#[derive(FromRow)]
pub struct ArticleTermRow {
    pub article_id: i64,
    id: i64,
    kind: String,
    slug: String,
    name: String,
}

impl ArticleTermRow {
    /// The term.
    pub fn into_term(self) -> Result<Term, sqlx::Error> {
        Ok(Term {
            id: self.id,
            kind: TermKind::parse(&self.kind).ok_or_else(|| corrupt("term kind", &self.kind))?,
            slug: Slug::parse(&self.slug).map_err(|_| corrupt("term slug", &self.slug))?,
            name: self.name,
        })
    }
}

/// An article joined with one of its terms (none when it has no terms).
#[derive(FromRow)]
pub struct ArticleTermsRow {
    #[sqlx(flatten)]
    article: ArticleRow,
    term_id: Option<i64>,
    term_kind: Option<String>,
    term_slug: Option<String>,
    term_name: Option<String>,
}

impl ArticleTermsRow {
    /// The article's columns and the term's, if any.
    pub fn split(self) -> (ArticleRow, Option<ArticleTermRow>) {
        let term = match (self.term_id, self.term_kind, self.term_slug, self.term_name) {
            (Some(id), Some(kind), Some(slug), Some(name)) => Some(ArticleTermRow {
                article_id: self.article.id,
                id,
                kind,
                slug,
                name,
            }),
            _ => None,
        };
        (self.article, term)
    }
}

/// A comment as an insert returned it, with its thread's position.
#[derive(FromRow)]
pub struct SubmittedRow {
    #[sqlx(flatten)]
    pub comment: CommentRow,
    pub threads_before: i64,
}

/// Columns of `terms` needed for a [`Term`].
#[derive(FromRow)]
pub struct TermRow {
    pub id: i64,
    pub kind: String,
    pub slug: String,
    pub name: String,
}

impl TryFrom<TermRow> for Term {
    type Error = sqlx::Error;
    fn try_from(r: TermRow) -> Result<Self, Self::Error> {
        ArticleTermRow {
            article_id: 0,
            id: r.id,
            kind: r.kind,
            slug: r.slug,
            name: r.name,
        }
        .into_term()
    }
}

/// Columns of `comments`, in [`COMMENT_COLUMNS`] order.
#[derive(FromRow)]
pub struct CommentRow {
    id: i64,
    article_id: i64,
    parent_id: Option<i64>,
    root_id: i64,
    depth: i64,
    author_name: String,
    author_email: String,
    author_url: Option<String>,
    author_ip: String,
    user_agent: String,
    body: String,
    status: String,
    created_at: String,
    kind: String,
    author_id: Option<i64>,
    wp_id: Option<i64>,
    commenter: Option<String>,
}

/// Column list matching [`CommentRow`].
pub const COMMENT_COLUMNS: &str = "id, article_id, parent_id, root_id, depth, author_name, author_email, author_url, \
     author_ip, user_agent, body, status, created_at, kind, author_id, wp_id, commenter";

impl TryFrom<CommentRow> for Comment {
    type Error = sqlx::Error;
    fn try_from(r: CommentRow) -> Result<Self, Self::Error> {
        Ok(Comment {
            id: CommentId(r.id),
            article_id: r.article_id,
            parent_id: r.parent_id.map(CommentId),
            root_id: CommentId(r.root_id),
            depth: u32::try_from(r.depth).map_err(|_| corrupt("depth", &r.depth.to_string()))?,
            author_name: r.author_name,
            author_email: r.author_email,
            author_url: r.author_url,
            author_ip: r.author_ip,
            user_agent: r.user_agent,
            body: r.body,
            status: CommentStatus::parse(&r.status).ok_or_else(|| corrupt("comment status", &r.status))?,
            created_at: decode(&r.created_at)?,
            kind: CommentKind::parse(&r.kind).ok_or_else(|| corrupt("comment kind", &r.kind))?,
            author_id: r.author_id,
            wp_id: r.wp_id,
            commenter: r.commenter,
        })
    }
}

/// Pushes `column LIKE %words%` (escaped, so `%` and `_` are literal) for
/// each of `columns`, joined by OR; nothing when `words` is blank.
pub fn push_contains(b: &mut sqlx::QueryBuilder<'_, sqlx::Sqlite>, columns: &[&str], words: Option<&str>) {
    let Some(words) = words.map(str::trim).filter(|w| !w.is_empty()) else {
        return;
    };
    let like = format!(
        "%{}%",
        words.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
    );
    b.push(" AND (");
    for (i, column) in columns.iter().enumerate() {
        if i > 0 {
            b.push(" OR ");
        }
        b.push(*column)
            .push(" LIKE ")
            .push_bind(like.clone())
            .push(" ESCAPE '\\'");
    }
    b.push(")");
}
