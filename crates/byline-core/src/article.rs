//! Articles (posts and pages) and the terms that group them.

use chrono::{DateTime, Utc};

use crate::slug::Slug;

/// Largest article body a writer may save, in bytes: far above any real
/// article (a 10,000-word feature is about 70 KB), low enough that a page
/// renders in milliseconds and fits the page cache.
pub const MAX_BODY_BYTES: usize = 2 << 20;

/// Posts appear in the home page and archives; pages stand alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ArticleKind {
    /// A dated article.
    #[default]
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

/// Publication state, with WordPress's meanings. A published article
/// dated in the future is scheduled (WordPress's `future`): it stays
/// invisible until its date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ArticleStatus {
    /// Work in progress; never public.
    #[default]
    Draft,
    /// Submitted for review; never public.
    Pending,
    /// Public from `published_at` on.
    Published,
    /// Visible to the site's own people only; never public.
    Private,
    /// Deleted softly; never public.
    Trash,
}

impl ArticleStatus {
    /// Storage, front matter and CLI name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Pending => "pending",
            Self::Published => "published",
            Self::Private => "private",
            Self::Trash => "trash",
        }
    }

    /// Inverse of [`Self::as_str`]; accepts WordPress's `publish` and
    /// `future` too.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "draft" => Some(Self::Draft),
            "pending" => Some(Self::Pending),
            "published" | "publish" | "future" => Some(Self::Published),
            "private" => Some(Self::Private),
            "trash" => Some(Self::Trash),
            _ => None,
        }
    }
}

/// How an article's body is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum BodyFormat {
    /// Markdown (written in byline).
    #[default]
    Markdown,
    /// HTML (imported from WordPress), sanitised when rendered.
    Html,
}

impl BodyFormat {
    /// Storage name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Markdown => "markdown",
            Self::Html => "html",
        }
    }

    /// Inverse of [`Self::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "markdown" => Some(Self::Markdown),
            "html" => Some(Self::Html),
            _ => None,
        }
    }
}

/// Whether readers may comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum CommentsOpen {
    /// The "Leave a Reply" form is shown and accepts posts.
    #[default]
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
    /// Source of the body.
    pub body: String,
    /// Markdown or HTML.
    pub format: BodyFormat,
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
    /// Readers must give this password to see the body and discussion.
    pub password: Option<String>,
    /// Pinned to the top of the home page.
    pub sticky: bool,
    /// The WordPress post id this article was imported from.
    pub wp_id: Option<i64>,
}

impl Article {
    /// Whether a reader may see it at `now`.
    pub fn is_public_at(&self, now: DateTime<Utc>) -> bool {
        self.status == ArticleStatus::Published && self.published_at.is_some_and(|p| p <= now)
    }

    /// Published with a date still to come: WordPress's "scheduled".
    pub fn is_scheduled_at(&self, now: DateTime<Utc>) -> bool {
        self.status == ArticleStatus::Published && self.published_at.is_some_and(|p| p > now)
    }

    /// The article's content as a save would replace it (for edits that
    /// change a few fields).
    pub fn to_new(&self) -> NewArticle {
        NewArticle {
            kind: self.kind,
            author_id: self.author_id,
            title: self.title.clone(),
            slug: Some(self.slug.clone()),
            body: self.body.clone(),
            format: self.format,
            excerpt: self.excerpt.clone(),
            status: self.status,
            comments: self.comments,
            published_at: self.published_at,
            categories: self.categories.iter().map(|t| t.name.clone()).collect(),
            tags: self.tags.iter().map(|t| t.name.clone()).collect(),
            password: self.password.clone(),
            sticky: self.sticky,
        }
    }
}

/// What it takes to create or replace an article's content.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NewArticle {
    /// Post or page.
    pub kind: ArticleKind,
    /// Byline author.
    pub author_id: i64,
    /// Headline.
    pub title: String,
    /// Chosen slug; derived from the title (and made unique) when absent.
    pub slug: Option<Slug>,
    /// Body source.
    pub body: String,
    /// Markdown or HTML.
    pub format: BodyFormat,
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
    /// Password readers must give, if any.
    pub password: Option<String>,
    /// Pinned to the top of the home page.
    pub sticky: bool,
}
