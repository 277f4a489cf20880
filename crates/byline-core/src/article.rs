//! Articles (posts and pages) and the terms that group them.

use chrono::{DateTime, Utc};

use crate::slug::Slug;

/// Posts appear in the home page and archives; pages stand alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ArticleKind {
    /// A dated article.
    Post,
    /// An undated page such as "About".
    Page,
}

impl ArticleKind {
    /// Storage and CLI name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Post => "post",
            Self::Page => "page",
        }
    }

    /// Inverse of [`Self::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "post" => Some(Self::Post),
            "page" => Some(Self::Page),
            _ => None,
        }
    }
}

/// Publication state. A published article dated in the future is
/// scheduled: it stays invisible until its date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ArticleStatus {
    /// Work in progress; never public.
    Draft,
    /// Public from `published_at` on.
    Published,
}

impl ArticleStatus {
    /// Storage, front matter and CLI name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Published => "published",
        }
    }

    /// Inverse of [`Self::as_str`]; accepts WordPress's `publish` too.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "draft" => Some(Self::Draft),
            "published" | "publish" => Some(Self::Published),
            _ => None,
        }
    }
}

/// Whether readers may comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CommentsOpen {
    /// The "Leave a Reply" form is shown and accepts posts.
    Open,
    /// "Comments are closed."; posts are refused with 403.
    Closed,
}

impl CommentsOpen {
    /// Storage and front matter name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Closed => "closed",
        }
    }

    /// Inverse of [`Self::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "open" => Some(Self::Open),
            "closed" => Some(Self::Closed),
            _ => None,
        }
    }
}

/// Categories are hierarchical sections; tags are free keywords.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TermKind {
    /// A section such as "Politics".
    Category,
    /// A keyword such as "elections".
    Tag,
}

impl TermKind {
    /// Storage name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Category => "category",
            Self::Tag => "tag",
        }
    }

    /// Inverse of [`Self::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "category" => Some(Self::Category),
            "tag" => Some(Self::Tag),
            _ => None,
        }
    }
}

/// A category or tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// Store-assigned id.
    pub id: i64,
    /// Category or tag.
    pub kind: TermKind,
    /// URL segment.
    pub slug: Slug,
    /// Display name.
    pub name: String,
}

/// A stored article with its terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article {
    /// Store-assigned id.
    pub id: i64,
    /// Post or page.
    pub kind: ArticleKind,
    /// The author whose byline it carries.
    pub author_id: i64,
    /// Headline.
    pub title: String,
    /// URL segment.
    pub slug: Slug,
    /// Markdown source of the body.
    pub body: String,
    /// Hand-written summary for lists and feeds; derived from the body when absent.
    pub excerpt: Option<String>,
    /// Draft or published.
    pub status: ArticleStatus,
    /// Whether the discussion accepts new comments.
    pub comments: CommentsOpen,
    /// Publication date; also the date in the article's URL.
    pub published_at: Option<DateTime<Utc>>,
    /// When the article was first stored.
    pub created_at: DateTime<Utc>,
    /// Last update of a published article's content, shown in the byline.
    pub updated_at: Option<DateTime<Utc>>,
    /// Categories, in name order.
    pub categories: Vec<Term>,
    /// Tags, in name order.
    pub tags: Vec<Term>,
}

impl Article {
    /// Whether a reader may see it at `now`.
    pub fn is_public_at(&self, now: DateTime<Utc>) -> bool {
        self.status == ArticleStatus::Published && self.published_at.is_some_and(|p| p <= now)
    }
}

/// What it takes to create or replace an article's content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewArticle {
    /// Post or page.
    pub kind: ArticleKind,
    /// Byline author.
    pub author_id: i64,
    /// Headline.
    pub title: String,
    /// Chosen slug; derived from the title (and made unique) when absent.
    pub slug: Option<Slug>,
    /// Markdown body.
    pub body: String,
    /// Optional summary.
    pub excerpt: Option<String>,
    /// Draft or published.
    pub status: ArticleStatus,
    /// Discussion open or closed.
    pub comments: CommentsOpen,
    /// Publication date; "now" at publication when absent.
    pub published_at: Option<DateTime<Utc>>,
    /// Category names; created on first use.
    pub categories: Vec<String>,
    /// Tag names; created on first use.
    pub tags: Vec<String>,
}
