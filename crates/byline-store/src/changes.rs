//! How a page cache learns what changed: every write to public content
//! records tags (see [`tag`]), and a [`ChangeFeed`] reports the tags written
//! since its last poll, whichever process wrote them (the server itself, or
//! the CLI while the server runs).

use chrono::{DateTime, Utc};

use crate::StoreResult;

/// What changed since the previous poll.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Changes {
    /// Nothing public changed.
    Nothing,
    /// These tags changed; pages showing none of them are still current.
    Tags(Vec<String>),
    /// Assume everything changed (a scheduled article came due, or the
    /// feed lost track).
    Everything,
}

/// A cheap, synchronous check for changes, made before every cached
/// response: it must cost microseconds when nothing changed.
pub trait ChangeFeed: Send + Sync {
    /// The tags changed since the last call. `now` lets a feed report the
    /// moment a scheduled article becomes public, which no write marks.
    fn poll(&self, now: DateTime<Utc>) -> StoreResult<Changes>;
}

/// The tag vocabulary shared by the stores (which record tags when content
/// changes) and the page cache (which files each page under the tags of
/// what it shows).
pub mod tag {
    /// Site settings: every page shows some.
    pub const SITE: &str = "site";
    /// Which posts are public, and their order: the home page, date
    /// archives, site feeds and sitemaps.
    pub const POSTS: &str = "m:posts";
    /// Which pages are public: the sitemap of pages.
    pub const PAGES: &str = "m:pages";
    /// Any published article's address or update time: the sitemaps.
    pub const SITEMAP: &str = "sitemap";
    /// Which comments are approved, site-wide: the site's comment feed.
    pub const COMMENTS: &str = "m:comments";

    /// An article's content, terms and status.
    pub fn article(id: i64) -> String {
        format!("a:{id}")
    }
    /// An article's approved comments (and so its comment count).
    pub fn comments(article_id: i64) -> String {
        format!("c:{article_id}")
    }
    /// An author's public profile.
    pub fn author(id: i64) -> String {
        format!("u:{id}")
    }
    /// A category's or tag's name, slug and description.
    pub fn term(id: i64) -> String {
        format!("t:{id}")
    }
    /// Which articles an author's archive lists.
    pub fn author_archive(id: i64) -> String {
        format!("m:u:{id}")
    }
    /// Which articles a category's or tag's archive lists.
    pub fn term_archive(id: i64) -> String {
        format!("m:t:{id}")
    }
}
