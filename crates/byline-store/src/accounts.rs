//! Admin accounts: users (authors who can sign in), their sessions, and
//! the records that throttle sign-in attempts.

use byline_core::author::Author;
use byline_core::role::Role;

/// An author who can sign in to the admin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// Their author record: login, profile, private email.
    pub author: Author,
    /// What they may do.
    pub role: Role,
}

impl User {
    /// The user's id (their author id).
    pub fn id(&self) -> i64 {
        self.author.id
    }
}

/// Failed attempts recorded under one key (an account, an article or an
/// address); the throttling rules live with the type in core.
pub use byline_core::throttle::Failures;
