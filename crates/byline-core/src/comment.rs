//! Reader comments as stored. The public view of a comment is built
//! elsewhere from a type that has no email field at all.

use std::fmt;

use chrono::{DateTime, Utc};

/// A comment's id; also its `#comment-ID` anchor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct CommentId(pub i64);

impl fmt::Display for CommentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Moderation state, with WordPress's meanings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CommentStatus {
    /// Held for a moderator; visible only to its author.
    Pending,
    /// Public.
    Approved,
    /// Judged spam; never public.
    Spam,
    /// Deleted softly; never public.
    Trash,
}

impl CommentStatus {
    /// Every status, in the order the CLI lists them.
    pub const ALL: [Self; 4] = [Self::Pending, Self::Approved, Self::Spam, Self::Trash];

    /// Storage and CLI name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Spam => "spam",
            Self::Trash => "trash",
        }
    }

    /// Inverse of [`Self::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|st| st.as_str() == s)
    }
}

/// What kind of response a comment is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum CommentKind {
    /// A reader's comment.
    #[default]
    Comment,
    /// An automatic notice that another site linked here (imported).
    Pingback,
    /// A manual notice of a link (imported).
    Trackback,
}

impl CommentKind {
    /// Storage name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Comment => "comment",
            Self::Pingback => "pingback",
            Self::Trackback => "trackback",
        }
    }

    /// Inverse of [`Self::as_str`]; WordPress's empty type is a comment.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "" | "comment" => Some(Self::Comment),
            "pingback" => Some(Self::Pingback),
            "trackback" => Some(Self::Trackback),
            _ => None,
        }
    }
}

/// A stored comment, as moderators see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    /// Store-assigned id.
    pub id: CommentId,
    /// The article discussed.
    pub article_id: i64,
    /// The comment replied to, if any.
    pub parent_id: Option<CommentId>,
    /// The top-level comment of this thread (itself when top-level); lets a
    /// page of threads be loaded without walking the tree.
    pub root_id: CommentId,
    /// 1 for a top-level comment, parent's depth + 1 for a reply.
    pub depth: u32,
    /// Commenter's name as shown.
    pub author_name: String,
    /// Commenter's email: private, for moderation and notifications only.
    pub author_email: String,
    /// Commenter's website, linked from their name.
    pub author_url: Option<String>,
    /// Client address, for moderation and flood control.
    pub author_ip: String,
    /// Client's User-Agent, for moderation.
    pub user_agent: String,
    /// Markdown text.
    pub body: String,
    /// Moderation state.
    pub status: CommentStatus,
    /// When it was received.
    pub created_at: DateTime<Utc>,
    /// Comment, pingback or trackback.
    pub kind: CommentKind,
    /// The author account of a commenter who was logged in (imported).
    pub author_id: Option<i64>,
    /// The WordPress comment id this comment was imported from.
    pub wp_id: Option<i64>,
    /// A keyed hash of the random token in the posting browser's signed
    /// cookie. The avatar is drawn from it, so no avatar tells whether a
    /// guessed email is someone's; and only the same browser counts as a
    /// known commenter. `None` for imported and older comments.
    pub commenter: Option<String>,
}

impl Comment {
    /// What the comment's avatar is drawn from: the browser's key when
    /// there is one, else (imported comments) the email.
    pub fn avatar_identity(&self) -> String {
        match &self.commenter {
            Some(key) => format!("commenter:{key}"),
            None => self.author_email.clone(),
        }
    }
}
