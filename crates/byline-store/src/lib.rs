//! The storage interface of byline. Every backend (SQLite today,
//! PostgreSQL later) implements [`Store`]; nothing above this crate sees SQL
//! or a database type. [`conformance`] holds the tests every backend runs.

pub mod accounts;
pub mod changes;
pub mod conformance;
pub mod editorial;
pub mod import;
mod query;

use async_trait::async_trait;
use byline_core::author::{Author, AuthorProfile, Login};
use byline_core::role::Role;
use byline_core::submission::{CommentFacts, CommentRejection, Placement};
use byline_core::{Article, ArticleKind, Comment, CommentId, CommentStatus, NewArticle, Settings, Term, TermKind};
use chrono::{DateTime, Utc};

pub use query::{
    ArticleFilter, ArticleQuery, ArticleStamp, CommentCounts, CommentEdit, CommentPage, NewComment, Page, QueueQuery,
    SearchHit, StaffReply, Submitted,
};

/// What can go wrong in a store, in terms a caller can act on.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The thing named does not exist.
    #[error("{0} not found")]
    NotFound(String),
    /// A uniqueness rule was broken, e.g. a login already taken.
    #[error("{0}")]
    Conflict(String),
    /// The backend failed; the message is for logs, not for visitors.
    #[error("storage error: {0}")]
    Backend(String),
}

/// Result of a store call.
pub type StoreResult<T> = Result<T, StoreError>;

/// Why a comment submission did not store a comment.
#[derive(Debug, thiserror::Error)]
pub enum SubmitError {
    /// A rule refused it; the visitor is told why.
    #[error(transparent)]
    Rejected(#[from] CommentRejection),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The rule a store applies inside its write transaction (normally
/// [`byline_core::submission::decide`] with the site's policy).
pub type Decide<'a> = &'a (dyn Fn(&CommentFacts) -> Result<Placement, CommentRejection> + Send + Sync);

/// Everything byline persists. Each write is committed before the call
/// returns, so an acknowledged article or comment survives a crash.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    // --- site ---

    /// The site's settings, defaults filled in.
    async fn settings(&self) -> StoreResult<Settings>;
    /// Stores one already validated setting.
    async fn set_setting(&self, key: &str, value: &str) -> StoreResult<()>;
    /// The site's secret for signing cookies and keying avatar hashes;
    /// created on first use and shared by every instance.
    async fn site_secret(&self) -> StoreResult<Vec<u8>>;
    /// Reads a one-off flag such as "sample content was offered".
    async fn flag(&self, name: &str) -> StoreResult<bool>;
    /// Sets a one-off flag.
    async fn set_flag(&self, name: &str) -> StoreResult<()>;
    /// A new feed of public changes, starting from now (for a page cache).
    async fn change_feed(&self) -> StoreResult<Box<dyn changes::ChangeFeed>>;

    // --- accounts ---

    /// Makes `login` a user with `role` and the password hash: an existing
    /// author without an account (an imported one, say) gets one; otherwise
    /// a new author is created with `profile`. `Conflict` if the login
    /// already has an account.
    async fn create_user(
        &self,
        login: &Login,
        email: Option<&str>,
        profile: &AuthorProfile,
        role: Role,
        password_hash: &str,
    ) -> StoreResult<accounts::User>;
    /// A user by id.
    async fn user(&self, id: i64) -> StoreResult<Option<accounts::User>>;
    /// A user and their password hash, by login (case-insensitive).
    async fn user_for_sign_in(&self, login: &str) -> StoreResult<Option<(accounts::User, String)>>;
    /// Every user, by display name.
    async fn users(&self) -> StoreResult<Vec<accounts::User>>;
    /// Replaces a user's password hash and signs out all their sessions.
    async fn set_password(&self, id: i64, password_hash: &str) -> StoreResult<()>;
    /// Changes a user's role.
    async fn set_role(&self, id: i64, role: Role) -> StoreResult<()>;
    /// Whether any administrator exists.
    async fn has_administrator(&self) -> StoreResult<bool>;
    /// Stores a new session by the hash of its token.
    async fn create_session(&self, token_hash: &[u8], user_id: i64, expires_at: DateTime<Utc>) -> StoreResult<()>;
    /// The user of an unexpired session.
    async fn session_user(&self, token_hash: &[u8], now: DateTime<Utc>) -> StoreResult<Option<accounts::User>>;
    /// Ends a session.
    async fn delete_session(&self, token_hash: &[u8]) -> StoreResult<()>;
    /// The failures recorded under `key`.
    async fn login_failures(&self, key: &str, now: DateTime<Utc>) -> StoreResult<accounts::Failures>;
    /// Records one more failure under `key`; `lock` says until when the new
    /// count locks the key. Returns the new record.
    async fn add_login_failure(
        &self,
        key: &str,
        now: DateTime<Utc>,
        lock: &(dyn Fn(u32) -> Option<DateTime<Utc>> + Send + Sync),
    ) -> StoreResult<accounts::Failures>;
    /// Forgets the failures under `key` (after a successful sign-in).
    async fn clear_login_failures(&self, key: &str) -> StoreResult<()>;
    /// Replaces the first-run setup token (its hash).
    async fn set_setup_token(&self, token_hash: &[u8]) -> StoreResult<()>;
    /// Whether `token_hash` is the current setup token.
    async fn setup_token_valid(&self, token_hash: &[u8]) -> StoreResult<bool>;
    /// Creates the first administrator with the setup token, which is used
    /// up: `Conflict` when the token is not (or no longer) valid or an
    /// administrator exists.
    async fn create_first_administrator(
        &self,
        token_hash: &[u8],
        login: &Login,
        email: Option<&str>,
        profile: &AuthorProfile,
        password_hash: &str,
    ) -> StoreResult<accounts::User>;

    // --- authors ---

    /// Adds an author; `Conflict` when the login or nicename is taken.
    async fn create_author(&self, login: &Login, email: Option<&str>, profile: &AuthorProfile) -> StoreResult<Author>;
    /// Replaces an author's public profile and private email.
    async fn update_author(&self, id: i64, email: Option<&str>, profile: &AuthorProfile) -> StoreResult<Author>;
    /// Looks an author up by id.
    async fn author(&self, id: i64) -> StoreResult<Option<Author>>;
    /// Looks an author up by login.
    async fn author_by_login(&self, login: &str) -> StoreResult<Option<Author>>;
    /// Looks an author up by the URL form of their login.
    async fn author_by_nicename(&self, nicename: &str) -> StoreResult<Option<Author>>;
    /// All authors, by display name.
    async fn authors(&self) -> StoreResult<Vec<Author>>;

    // --- articles ---

    /// Stores a new article; the slug is derived or made unique as needed.
    async fn create_article(&self, article: &NewArticle, now: DateTime<Utc>) -> StoreResult<Article>;
    /// Replaces an article's content. A published article keeps its
    /// publication date and records `now` as its update time.
    async fn update_article(&self, id: i64, article: &NewArticle, now: DateTime<Utc>) -> StoreResult<Article>;
    /// Makes a draft public, dated `now` unless it already has a date.
    async fn publish_article(&self, id: i64, now: DateTime<Utc>) -> StoreResult<Article>;
    /// Deletes an article and its comments; returns what was deleted and
    /// how many comments went with it.
    async fn delete_article(&self, id: i64) -> StoreResult<(Article, u64)>;
    /// The earliest publication date after `now` of a published article
    /// (the next scheduled one).
    async fn next_publication_after(&self, now: DateTime<Utc>) -> StoreResult<Option<DateTime<Utc>>>;
    /// The admin's list: any status, by author or term, by words in the title.
    async fn admin_articles(&self, query: &editorial::AdminArticleQuery) -> StoreResult<Page<Article>>;
    /// Moves an article to the trash, remembering its status.
    async fn trash_article(&self, id: i64) -> StoreResult<Article>;
    /// Takes an article out of the trash, back to the status it had.
    async fn restore_article(&self, id: i64) -> StoreResult<Article>;
    /// An article's revisions, newest first.
    async fn revisions(&self, article_id: i64) -> StoreResult<Vec<editorial::Revision>>;
    /// One revision.
    async fn revision(&self, id: i64) -> StoreResult<Option<editorial::Revision>>;
    /// Records who made an article's latest revision.
    async fn attribute_revision(&self, article_id: i64, user_id: i64) -> StoreResult<()>;
    /// Puts a revision's text back (which itself is kept as a new revision).
    async fn restore_revision(&self, revision_id: i64, now: DateTime<Utc>) -> StoreResult<Article>;
    /// An article's corrections and updates, oldest first.
    async fn article_notes(&self, article_id: i64) -> StoreResult<Vec<editorial::ArticleNote>>;
    /// Adds a correction or update; the article's "updated" date becomes `now`.
    async fn add_article_note(
        &self,
        article_id: i64,
        kind: editorial::NoteKind,
        body: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<editorial::ArticleNote>;
    /// Removes a note.
    async fn delete_article_note(&self, id: i64) -> StoreResult<()>;
    /// Looks an article up by id.
    async fn article(&self, id: i64) -> StoreResult<Option<Article>>;
    /// Looks an article up by kind and slug.
    async fn article_by_slug(&self, kind: ArticleKind, slug: &str) -> StoreResult<Option<Article>>;
    /// A page of articles, newest first, with the total for pagination.
    async fn articles(&self, query: &ArticleQuery) -> StoreResult<Page<Article>>;
    /// Published articles and pages matching every term (see
    /// `byline_core::search::terms`), title matches first, then by relevance.
    async fn search(
        &self,
        terms: &[String],
        now: DateTime<Utc>,
        page: u32,
        per_page: u32,
    ) -> StoreResult<Page<SearchHit>>;
    /// Public articles of a kind, newest first, without their bodies (sitemaps).
    async fn article_stamps(
        &self,
        kind: ArticleKind,
        now: DateTime<Utc>,
        page: u32,
        per_page: u32,
    ) -> StoreResult<Page<ArticleStamp>>;
    /// Looks a category or tag up by slug.
    async fn term_by_slug(&self, kind: TermKind, slug: &str) -> StoreResult<Option<Term>>;

    // --- comments ---

    /// Stores a comment if `decide` accepts the facts gathered about it,
    /// atomically with those facts.
    async fn submit_comment(&self, comment: &NewComment, decide: Decide<'_>) -> Result<Submitted, SubmitError>;
    /// One page of an article's discussion: approved top-level threads in
    /// order, their approved replies, plus the comments in `also_visible`
    /// (the visitor's own held comments).
    async fn comment_page(
        &self,
        article_id: i64,
        page: u32,
        per_page: u32,
        also_visible: &[CommentId],
    ) -> StoreResult<CommentPage>;
    /// Which discussion page shows a comment's thread.
    async fn comment_page_of(&self, id: CommentId, per_page: u32) -> StoreResult<u32>;
    /// Approved comments per article, for lists.
    async fn approved_comment_counts(&self, article_ids: &[i64]) -> StoreResult<Vec<(i64, u64)>>;
    /// The newest approved comments of one article or of the whole site
    /// (articles that are public at `now` only), for comment feeds.
    async fn recent_comments(
        &self,
        article_id: Option<i64>,
        now: DateTime<Utc>,
        limit: u32,
    ) -> StoreResult<Vec<Comment>>;
    /// Looks a comment up by id.
    async fn comment(&self, id: CommentId) -> StoreResult<Option<Comment>>;
    /// Comments for moderation, newest first, optionally of one status.
    async fn comments(&self, status: Option<CommentStatus>, limit: u32) -> StoreResult<Vec<Comment>>;
    /// A page of the moderation queue, newest first.
    async fn moderation_queue(&self, query: &QueueQuery) -> StoreResult<Page<Comment>>;
    /// Comments by status, optionally only on one author's articles.
    async fn comment_counts(&self, article_author: Option<i64>) -> StoreResult<CommentCounts>;
    /// Puts a trashed comment back where it was before the trash.
    async fn restore_comment(&self, id: CommentId) -> StoreResult<Comment>;
    /// Changes a comment's name, email, website and text.
    async fn update_comment(&self, id: CommentId, edit: &CommentEdit) -> StoreResult<Comment>;
    /// Adds a reply written in the admin, approved at once.
    async fn add_staff_reply(&self, reply: &StaffReply) -> StoreResult<Comment>;
    /// Changes a comment's status (moving to the trash remembers the old one).
    async fn set_comment_status(&self, id: CommentId, status: CommentStatus) -> StoreResult<Comment>;
    /// Deletes a comment for good; its replies move up to its parent, as in WordPress.
    async fn delete_comment(&self, id: CommentId) -> StoreResult<Comment>;

    // --- migration ---

    /// Starts a bulk import (see [`import::Import`]).
    async fn begin_import(&self, mode: import::ImportMode) -> StoreResult<Box<dyn import::Import>>;
    /// An article by the WordPress post id it was imported from (or, failing
    /// that, by its own id), for `/?p=ID` links.
    async fn article_by_wp_id(&self, id: i64) -> StoreResult<Option<Article>>;
    /// The article that once had `slug`.
    async fn article_by_old_slug(&self, kind: ArticleKind, slug: &str) -> StoreResult<Option<Article>>;
    /// Every comment of an article, any status, oldest first (export).
    async fn article_comments(&self, article_id: i64) -> StoreResult<Vec<Comment>>;
    /// Every category and tag with its description and parent slug (export).
    async fn terms(&self) -> StoreResult<Vec<TermRecord>>;
    /// Every media record (export).
    async fn attachments(&self) -> StoreResult<Vec<AttachmentRecord>>;
}

/// A category or tag with what an export needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermRecord {
    /// The term.
    pub term: Term,
    /// Description.
    pub description: String,
    /// Parent category's slug.
    pub parent_slug: Option<String>,
}

/// A media record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentRecord {
    /// Store id.
    pub id: i64,
    /// Article it belongs to.
    pub article_id: Option<i64>,
    /// Title.
    pub title: String,
    /// File URL.
    pub url: String,
    /// MIME type.
    pub mime_type: String,
    /// Upload time.
    pub created_at: DateTime<Utc>,
}
