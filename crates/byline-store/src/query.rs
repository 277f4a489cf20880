//! Query and result shapes shared by every backend.

use byline_core::{ArticleKind, Comment, CommentId};
use chrono::{DateTime, Utc};

/// Which articles a list shows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum ArticleFilter {
    /// Every post.
    #[default]
    All,
    /// Posts by one author.
    Author(i64),
    /// Posts with one category or tag.
    Term(i64),
    /// Posts published in `[from, to)`.
    Published {
        /// Inclusive start.
        from: DateTime<Utc>,
        /// Exclusive end.
        to: DateTime<Utc>,
    },
}

/// A list request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleQuery {
    /// Posts or pages.
    pub kind: ArticleKind,
    /// Which ones.
    pub filter: ArticleFilter,
    /// Only those public at this time; `None` lists drafts too (CLI, admin).
    pub public_at: Option<DateTime<Utc>>,
    /// 1-based page.
    pub page: u32,
    /// Page size.
    pub per_page: u32,
    /// Sticky posts first (the home page).
    pub sticky_first: bool,
}

/// One page of a list and the size of the whole list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    /// The items on this page.
    pub items: Vec<T>,
    /// Items in the whole list.
    pub total: u64,
}

/// One page of a discussion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentPage {
    /// Comments on the page, oldest first (nest them with `byline_core::thread::nest`).
    pub comments: Vec<byline_core::Comment>,
    /// Approved top-level threads in the whole discussion.
    pub threads: u64,
    /// Approved comments in the whole discussion.
    pub approved: u64,
}

/// A comment the store accepted, and where its thread stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submitted {
    /// The stored comment.
    pub comment: Comment,
    /// Approved threads of the article that start before this comment's
    /// thread: its discussion page, without another query.
    pub threads_before: u64,
}

/// A comment as submitted, after form validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewComment {
    /// The article.
    pub article_id: i64,
    /// The comment replied to.
    pub parent_id: Option<CommentId>,
    /// Name.
    pub author_name: String,
    /// Email (private).
    pub author_email: String,
    /// Website.
    pub author_url: Option<String>,
    /// Client address.
    pub author_ip: String,
    /// Client User-Agent.
    pub user_agent: String,
    /// Markdown text.
    pub body: String,
    /// Arrival time.
    pub created_at: DateTime<Utc>,
    /// The posting browser's key (see `Comment::commenter`).
    pub commenter: Option<String>,
}

/// A search result: the article and a snippet of its text in which the
/// matched words are wrapped in `byline_core::search::MARK_START`/`MARK_END`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchHit {
    /// The matching article.
    pub article: byline_core::Article,
    /// Plain text around the matches, with markers.
    pub snippet: String,
}

/// Just enough of an article to list it in a sitemap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleStamp {
    /// Id.
    pub id: i64,
    /// Post or page.
    pub kind: ArticleKind,
    /// Slug.
    pub slug: String,
    /// Publication date.
    pub published_at: DateTime<Utc>,
    /// Last update.
    pub updated_at: Option<DateTime<Utc>>,
}

/// A page of the moderation queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueQuery {
    /// Which tab.
    pub status: byline_core::CommentStatus,
    /// Words to find in the text or name (and the email, see below).
    pub search: Option<String>,
    /// Whether the search looks in emails too (only for those who may see them).
    pub search_emails: bool,
    /// Only comments on this author's articles (an author's own queue).
    pub article_author: Option<i64>,
    /// 1-based page.
    pub page: u32,
    /// Comments per page.
    pub per_page: u32,
}

/// Comments by status, for the queue's tabs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct CommentCounts {
    /// Awaiting moderation.
    pub pending: u64,
    /// Public.
    pub approved: u64,
    /// Marked as spam.
    pub spam: u64,
    /// In the trash.
    pub trash: u64,
}

/// A moderator's changes to a comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentEdit {
    /// Name shown.
    pub author_name: String,
    /// Private email.
    pub author_email: String,
    /// Website.
    pub author_url: Option<String>,
    /// Text (Markdown).
    pub body: String,
}

/// A reply written in the admin: approved at once and linked to its
/// writer's author record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffReply {
    /// The comment replied to.
    pub parent_id: CommentId,
    /// The writer's author id.
    pub author_id: i64,
    /// Their display name.
    pub author_name: String,
    /// Their email (private).
    pub author_email: String,
    /// Their website.
    pub author_url: Option<String>,
    /// The moderator's address.
    pub author_ip: String,
    /// Text (Markdown).
    pub body: String,
    /// When.
    pub created_at: DateTime<Utc>,
}
