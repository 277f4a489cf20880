//! Admin accounts: users (authors who can sign in), their sessions, and
//! the records that throttle sign-in attempts.

use byline_core::author::Author;
use byline_core::role::Role;
use chrono::{DateTime, Utc};

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

/// Failed sign-ins recorded under one key (an account or an address).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Failures {
    /// Failures in a row (forgotten a day after the last).
    pub count: u32,
    /// Until when sign-ins under this key are refused.
    pub locked_until: Option<DateTime<Utc>>,
}
