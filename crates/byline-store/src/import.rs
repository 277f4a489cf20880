//! Bulk import (WordPress) in one transaction: either everything in a run
//! lands or nothing does. Every record carries its WordPress id; a record
//! whose id was imported before is left alone, so a second run of the same
//! file changes nothing.

use async_trait::async_trait;
use byline_core::author::Login;
use byline_core::{CommentKind, CommentStatus, NewArticle, Slug, TermKind};
use chrono::{DateTime, Utc};

use crate::StoreResult;

/// What happened to one imported record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Created with this id.
    Created(i64),
    /// Already there (imported before, or an author with the same login); this id.
    Existing(i64),
}

impl Outcome {
    /// The store id either way.
    pub fn id(self) -> i64 {
        match self {
            Self::Created(id) | Self::Existing(id) => id,
        }
    }
}

/// An author from the export.
#[derive(Debug, Clone)]
pub struct ImportAuthor {
    /// WordPress user id.
    pub wp_id: i64,
    /// Login.
    pub login: Login,
    /// Private email.
    pub email: Option<String>,
    /// Display name.
    pub display_name: String,
}

/// A category or tag from the export.
#[derive(Debug, Clone)]
pub struct ImportTerm {
    /// WordPress term id (absent for a term only named by an item).
    pub wp_id: Option<i64>,
    /// Category or tag.
    pub kind: TermKind,
    /// Slug, as WordPress had it.
    pub slug: Slug,
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Store id of the parent category.
    pub parent_id: Option<i64>,
}

/// A post or page from the export.
#[derive(Debug, Clone)]
pub struct ImportArticle {
    /// WordPress post id.
    pub wp_id: i64,
    /// The content; `categories`/`tags` are ignored in favour of `term_ids`.
    pub article: NewArticle,
    /// Store ids of its categories and tags.
    pub term_ids: Vec<i64>,
    /// When it was written.
    pub created_at: DateTime<Utc>,
    /// Last modification, when after publication.
    pub updated_at: Option<DateTime<Utc>>,
    /// Earlier slugs that must redirect here.
    pub old_slugs: Vec<Slug>,
}

/// A comment from the export, placed: its id comes from
/// [`Import::comment_slots`], its thread position from its parent.
#[derive(Debug, Clone)]
pub struct ImportComment {
    /// Store id to insert it under.
    pub id: i64,
    /// WordPress comment id.
    pub wp_id: i64,
    /// Store id of its article.
    pub article_id: i64,
    /// Store id of its parent.
    pub parent_id: Option<i64>,
    /// Its thread's root (its own id when top-level).
    pub root_id: i64,
    /// 1 for top-level.
    pub depth: u32,
    /// Name.
    pub author_name: String,
    /// Email (private).
    pub author_email: String,
    /// Website.
    pub author_url: Option<String>,
    /// Client address.
    pub author_ip: String,
    /// User-Agent.
    pub user_agent: String,
    /// Text (HTML, as WordPress stored it).
    pub body: String,
    /// Status.
    pub status: CommentStatus,
    /// Comment, pingback or trackback.
    pub kind: CommentKind,
    /// Store id of the author account of a logged-in commenter.
    pub author_id: Option<i64>,
    /// When it was posted.
    pub created_at: DateTime<Utc>,
}

/// Where an imported reply goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportedParent {
    /// The parent's store id.
    pub id: i64,
    /// The parent's thread root.
    pub root_id: i64,
    /// The parent's depth.
    pub depth: u32,
}

/// Where a comment of the export goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// Imported before: leave it, reply under it.
    Existing(ImportedParent),
    /// Not there yet: insert it under this id (its WordPress id when free,
    /// so old `#comment-ID` links still land on it).
    Free(i64),
}

/// A media record from the export.
#[derive(Debug, Clone)]
pub struct ImportAttachment {
    /// WordPress post id.
    pub wp_id: i64,
    /// Store id of the article it belongs to.
    pub article_id: Option<i64>,
    /// Title.
    pub title: String,
    /// Where the file lives (the old site, until the media feature copies it).
    pub url: String,
    /// MIME type.
    pub mime_type: String,
    /// Alternative text.
    pub alt: String,
    /// Caption.
    pub caption: String,
    /// Upload time.
    pub created_at: DateTime<Utc>,
}

/// What an import run does to the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportMode {
    /// Imports, while the site keeps working.
    Apply,
    /// Does everything on a private copy and reports; the site is untouched
    /// and not locked.
    DryRun,
}

/// An import in progress, written in short transactions so the site stays
/// writable. End it with [`Import::commit`] or [`Import::abort`]; a run
/// that is dropped (or whose process dies) is undone by the next one.
#[async_trait]
pub trait Import: Send {
    /// Adds an author, or finds the one with the same WordPress id or login.
    async fn author(&mut self, author: &ImportAuthor) -> StoreResult<Outcome>;
    /// Adds a term, or finds the one with the same WordPress id or slug.
    async fn term(&mut self, term: &ImportTerm) -> StoreResult<Outcome>;
    /// Adds an article (its slug made unique if another article has it).
    async fn article(&mut self, article: &ImportArticle) -> StoreResult<Outcome>;
    /// Where each of these WordPress comments goes, in the same order.
    async fn comment_slots(&mut self, wp_ids: &[i64]) -> StoreResult<Vec<Slot>>;
    /// Inserts placed comments (one article's, parents before replies) in bulk.
    async fn insert_comments(&mut self, comments: &[ImportComment]) -> StoreResult<()>;
    /// Adds a media record.
    async fn attachment(&mut self, attachment: &ImportAttachment) -> StoreResult<Outcome>;
    /// Replaces an imported article's body (galleries resolved late).
    async fn set_body(&mut self, article_id: i64, body: &str) -> StoreResult<()>;
    /// Makes the whole import permanent and public.
    async fn commit(self: Box<Self>) -> StoreResult<()>;
    /// Undoes everything the run did: the site is as it was.
    async fn abort(self: Box<Self>) -> StoreResult<()>;
}
