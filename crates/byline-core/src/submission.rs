//! The checks a new comment passes before it is stored: whether the
//! article still takes comments, its place in a thread, duplicates,
//! flooding, and whether it is held. The store gathers the facts inside the
//! write transaction and asks [`decide`], so the rules live here once and
//! no two concurrent posts can both slip through.

use chrono::{DateTime, Duration, Utc};

use crate::article::{Article, ArticleKind, CommentsOpen};
use crate::comment::{CommentId, CommentStatus};
use crate::moderation::{ModerationMode, Screen};
use crate::thread::{ReplyError, reply_depth};

/// Settings that shape the decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommentPolicy {
    /// Hold policy.
    pub moderation: ModerationMode,
    /// Deepest reply level.
    pub max_depth: u32,
    /// Seconds between two comments from one address; 0 disables.
    pub flood_seconds: u32,
    /// What the content rules made of this comment's text (see
    /// [`ContentRules::screen`](crate::moderation::ContentRules::screen));
    /// it decides before the moderation mode does.
    pub screen: Screen,
}

/// When an article's discussion closes because of its age
/// (`close_comments_days`; 0 never closes). As in WordPress, only posts
/// close this way, counted from their publication; pages stay open.
pub fn comments_close_at(article: &Article, close_after_days: u32) -> Option<DateTime<Utc>> {
    if close_after_days == 0 || article.kind != ArticleKind::Post {
        return None;
    }
    Some(article.published_at? + Duration::days(i64::from(close_after_days)))
}

/// Whether `article` takes new comments at `now`: its discussion is open
/// and it is not older than `close_after_days`.
pub fn accepts_comments(article: &Article, close_after_days: u32, now: DateTime<Utc>) -> bool {
    article.comments == CommentsOpen::Open && comments_close_at(article, close_after_days).is_none_or(|at| now < at)
}

/// The parent comment as the store found it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParentFacts {
    /// The parent's article.
    pub article_id: i64,
    /// The parent's status.
    pub status: CommentStatus,
    /// The parent's depth.
    pub depth: u32,
    /// The parent's thread root.
    pub root_id: CommentId,
}

/// What the store knows that bears on a new comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentFacts {
    /// The article being discussed.
    pub article_id: i64,
    /// The requested parent, when replying; `None` inside means it does not exist.
    pub parent: Option<Option<ParentFacts>>,
    /// Same article, same text, same name or email already stored.
    pub duplicate: bool,
    /// Newest comment from the same client address.
    pub last_from_address: Option<DateTime<Utc>>,
    /// The same name and email have an approved comment.
    pub known_commenter: bool,
    /// When the new comment arrives.
    pub now: DateTime<Utc>,
}

/// Where and how a comment is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placement {
    /// Initial status.
    pub status: CommentStatus,
    /// The parent, when replying.
    pub parent_id: Option<CommentId>,
    /// The thread's root; `None` for a new top-level comment (its own id).
    pub root_id: Option<CommentId>,
    /// Depth in the thread.
    pub depth: u32,
}

/// Why a valid form was still refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommentRejection {
    /// Posted twice.
    #[error("Duplicate comment detected; it looks as though you've already said that!")]
    Duplicate,
    /// Too soon after the previous comment from this address.
    #[error("You are posting comments too quickly. Please wait {wait_seconds} seconds and try again.")]
    TooFast {
        /// Seconds until a new comment is accepted.
        wait_seconds: u32,
    },
    /// The parent cannot take this reply.
    #[error(transparent)]
    Reply(#[from] ReplyError),
}

/// Applies the rules in the order a visitor would want to hear about them.
pub fn decide(
    facts: &CommentFacts,
    policy: &CommentPolicy,
    parent_id: Option<CommentId>,
) -> Result<Placement, CommentRejection> {
    let (root_id, depth) = match (parent_id, facts.parent) {
        (None, _) | (Some(_), None) => (None, 1),
        (Some(_), Some(None)) => return Err(ReplyError::ParentUnavailable.into()),
        (Some(_), Some(Some(parent))) => {
            if parent.article_id != facts.article_id || parent.status != CommentStatus::Approved {
                return Err(ReplyError::ParentUnavailable.into());
            }
            (Some(parent.root_id), reply_depth(parent.depth, policy.max_depth)?)
        }
    };
    if facts.duplicate {
        return Err(CommentRejection::Duplicate);
    }
    if policy.flood_seconds > 0
        && let Some(last) = facts.last_from_address
    {
        let elapsed = (facts.now - last).num_seconds().max(0);
        let limit = i64::from(policy.flood_seconds);
        if elapsed < limit {
            return Err(CommentRejection::TooFast {
                wait_seconds: (limit - elapsed) as u32,
            });
        }
    }
    let status = match policy.screen {
        Screen::Spam => CommentStatus::Spam,
        Screen::Hold => CommentStatus::Pending,
        Screen::Clean => policy.moderation.initial_status(facts.known_commenter),
    };
    Ok(Placement {
        status,
        parent_id: if root_id.is_some() { parent_id } else { None },
        root_id,
        depth,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> CommentFacts {
        CommentFacts {
            article_id: 1,
            parent: None,
            duplicate: false,
            last_from_address: None,
            known_commenter: false,
            now: DateTime::parse_from_rfc3339("2024-01-01T12:00:00Z").unwrap().to_utc(),
        }
    }

    const POLICY: CommentPolicy = CommentPolicy {
        moderation: ModerationMode::FirstTime,
        max_depth: 5,
        flood_seconds: 15,
        screen: Screen::Clean,
    };

    #[test]
    fn a_first_comment_is_held() {
        let p = decide(&facts(), &POLICY, None).unwrap();
        assert_eq!((p.status, p.depth, p.parent_id), (CommentStatus::Pending, 1, None));
    }

    #[test]
    fn replies_go_under_approved_parents_of_the_same_article() {
        let parent = ParentFacts {
            article_id: 1,
            status: CommentStatus::Approved,
            depth: 2,
            root_id: CommentId(7),
        };
        let mut f = facts();
        f.parent = Some(Some(parent));
        let p = decide(&f, &POLICY, Some(CommentId(9))).unwrap();
        assert_eq!(
            (p.depth, p.root_id, p.parent_id),
            (3, Some(CommentId(7)), Some(CommentId(9)))
        );

        for bad in [
            ParentFacts {
                article_id: 2,
                ..parent
            },
            ParentFacts {
                status: CommentStatus::Pending,
                ..parent
            },
            ParentFacts {
                status: CommentStatus::Spam,
                ..parent
            },
        ] {
            f.parent = Some(Some(bad));
            assert_eq!(
                decide(&f, &POLICY, Some(CommentId(9))),
                Err(ReplyError::ParentUnavailable.into())
            );
        }
        f.parent = Some(None);
        assert_eq!(
            decide(&f, &POLICY, Some(CommentId(9))),
            Err(ReplyError::ParentUnavailable.into())
        );
        f.parent = Some(Some(ParentFacts { depth: 5, ..parent }));
        assert_eq!(
            decide(&f, &POLICY, Some(CommentId(9))),
            Err(ReplyError::TooDeep { max: 5 }.into())
        );
    }

    #[test]
    fn duplicates_and_floods_are_refused() {
        let mut f = facts();
        f.duplicate = true;
        assert_eq!(decide(&f, &POLICY, None), Err(CommentRejection::Duplicate));
        let mut f = facts();
        f.last_from_address = Some(f.now - chrono::Duration::seconds(5));
        assert_eq!(
            decide(&f, &POLICY, None),
            Err(CommentRejection::TooFast { wait_seconds: 10 })
        );
        let off = CommentPolicy {
            flood_seconds: 0,
            ..POLICY
        };
        assert!(decide(&f, &off, None).is_ok());
        f.last_from_address = Some(f.now - chrono::Duration::seconds(15));
        assert!(decide(&f, &POLICY, None).is_ok());
    }

    #[test]
    fn the_content_screen_decides_before_the_mode() {
        let mut known = facts();
        known.known_commenter = true;
        let open = CommentPolicy {
            moderation: ModerationMode::None,
            ..POLICY
        };
        assert_eq!(decide(&known, &open, None).unwrap().status, CommentStatus::Approved);
        let held = CommentPolicy {
            screen: Screen::Hold,
            ..open
        };
        assert_eq!(decide(&known, &held, None).unwrap().status, CommentStatus::Pending);
        let spam = CommentPolicy {
            screen: Screen::Spam,
            ..open
        };
        assert_eq!(decide(&known, &spam, None).unwrap().status, CommentStatus::Spam);
        let mut dup = known.clone();
        dup.duplicate = true;
        assert_eq!(
            decide(&dup, &spam, None),
            Err(CommentRejection::Duplicate),
            "refusals come first, as in WordPress"
        );
    }

    fn article(kind: ArticleKind, published: &str) -> Article {
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().to_utc();
        Article {
            id: 1,
            kind,
            author_id: 1,
            title: "T".into(),
            slug: crate::Slug::parse("t").unwrap(),
            body: String::new(),
            format: Default::default(),
            excerpt: None,
            status: crate::ArticleStatus::Published,
            comments: CommentsOpen::Open,
            published_at: Some(at(published)),
            created_at: at(published),
            updated_at: None,
            categories: vec![],
            tags: vec![],
            password: None,
            sticky: false,
            wp_id: None,
        }
    }

    #[test]
    fn old_posts_close_after_the_set_number_of_days() {
        let now = facts().now; // 2024-01-01T12:00:00Z
        let post = article(ArticleKind::Post, "2023-12-01T12:00:00Z"); // 31 days old
        assert!(accepts_comments(&post, 0, now), "0 never closes");
        assert!(accepts_comments(&post, 32, now));
        assert!(!accepts_comments(&post, 31, now), "closed at exactly 31 days");
        assert!(!accepts_comments(&post, 30, now));
        assert_eq!(
            comments_close_at(&post, 30),
            Some(DateTime::parse_from_rfc3339("2023-12-31T12:00:00Z").unwrap().to_utc())
        );
        let page = article(ArticleKind::Page, "2000-01-01T00:00:00Z");
        assert!(accepts_comments(&page, 1, now), "pages stay open, as in WordPress");
        let closed = Article {
            comments: CommentsOpen::Closed,
            ..article(ArticleKind::Post, "2023-12-31T12:00:00Z")
        };
        assert!(!accepts_comments(&closed, 0, now));
    }
}
