//! Authors: the people whose byline an article carries.

use std::fmt;

use chrono::{DateTime, Utc};

/// A login: how the CLI and the admin name an author account.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct Login(String);

/// Why a login was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoginError {
    /// Empty or whitespace only.
    #[error("a login cannot be empty")]
    Empty,
    /// Longer than WordPress's `user_login` column.
    #[error("a login can be at most 60 characters")]
    TooLong,
    /// Characters WordPress's `sanitize_user(strict)` would drop.
    #[error("a login may contain only letters, digits and _ . - @ (got {0:?})")]
    Invalid(String),
}

impl Login {
    /// Checks a login with WordPress's strict rules, so imported logins and
    /// new ones follow the same shape.
    pub fn parse(s: &str) -> Result<Self, LoginError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(LoginError::Empty);
        }
        if s.chars().count() > 60 {
            return Err(LoginError::TooLong);
        }
        if s.chars().all(|c| c.is_ascii_alphanumeric() || "_.-@".contains(c)) {
            Ok(Self(s.to_owned()))
        } else {
            Err(LoginError::Invalid(s.to_owned()))
        }
    }

    /// The login as typed.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The URL form of a login (`/author/NICENAME/`), derived the way
    /// WordPress sanitises a login into `user_nicename`, so author URLs of an
    /// imported site keep working.
    pub fn nicename(&self) -> String {
        let mut out = String::with_capacity(self.0.len());
        for c in self.0.chars() {
            match c {
                'a'..='z' | '0'..='9' | '_' | '-' => out.push(c),
                'A'..='Z' => out.push(c.to_ascii_lowercase()),
                '.' | ' ' => out.push('-'),
                _ => {}
            }
        }
        let mut collapsed = String::with_capacity(out.len());
        for c in out.chars() {
            if !(c == '-' && collapsed.ends_with('-')) {
                collapsed.push(c);
            }
        }
        collapsed.trim_matches('-').chars().take(50).collect()
    }
}

impl fmt::Display for Login {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a reader sees about an author: byline, tagline and bio box.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuthorProfile {
    /// Name shown in the byline.
    pub display_name: String,
    /// Short line under the name, e.g. "journalist and political commentator".
    pub tagline: String,
    /// One or two sentences for the bio box.
    pub bio: String,
    /// The author's own site, linked from the author page.
    pub website: Option<String>,
}

/// A stored author.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Author {
    /// Store-assigned id.
    pub id: i64,
    /// Account name.
    pub login: Login,
    /// URL segment of the author page.
    pub nicename: String,
    /// Private contact address; never rendered publicly.
    pub email: Option<String>,
    /// Public profile.
    pub profile: AuthorProfile,
    /// When the author was added.
    pub created_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nicenames_follow_wordpress() {
        let cases = [
            ("jane", "jane"),
            ("Jane.Doe", "jane-doe"),
            ("jane_doe", "jane_doe"),
            ("jane@example.com", "janeexample-com"),
        ];
        for (login, nice) in cases {
            assert_eq!(Login::parse(login).unwrap().nicename(), nice);
        }
    }

    #[test]
    fn logins_are_checked() {
        assert_eq!(Login::parse("  "), Err(LoginError::Empty));
        assert!(matches!(Login::parse("a b"), Err(LoginError::Invalid(_))));
        assert!(matches!(Login::parse(&"x".repeat(61)), Err(LoginError::TooLong)));
    }
}
