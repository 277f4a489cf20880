//! Which comments are held for a moderator.

use crate::comment::CommentStatus;

/// The site's moderation policy (setting `comment_moderation`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ModerationMode {
    /// Every comment waits for a moderator.
    All,
    /// WordPress's default: held unless the same name and email already
    /// have an approved comment.
    #[default]
    FirstTime,
    /// Every valid comment is published at once.
    None,
}

impl ModerationMode {
    /// Setting values, in the order they are offered.
    pub const NAMES: [&'static str; 3] = ["all", "first_time", "none"];

    /// Setting value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::All => "all",
            Self::FirstTime => "first_time",
            Self::None => "none",
        }
    }

    /// Inverse of [`Self::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "all" => Some(Self::All),
            "first_time" => Some(Self::FirstTime),
            "none" => Some(Self::None),
            _ => None,
        }
    }

    /// The status a new valid comment gets. `known_commenter` says whether
    /// the same name and email have an approved comment already.
    pub fn initial_status(self, known_commenter: bool) -> CommentStatus {
        match self {
            Self::All => CommentStatus::Pending,
            Self::FirstTime if known_commenter => CommentStatus::Approved,
            Self::FirstTime => CommentStatus::Pending,
            Self::None => CommentStatus::Approved,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_time_commenters_wait_and_known_ones_do_not() {
        use CommentStatus::*;
        assert_eq!(ModerationMode::FirstTime.initial_status(false), Pending);
        assert_eq!(ModerationMode::FirstTime.initial_status(true), Approved);
        assert_eq!(ModerationMode::All.initial_status(true), Pending);
        assert_eq!(ModerationMode::None.initial_status(false), Approved);
    }
}
