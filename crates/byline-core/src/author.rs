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

/// Longest display name (WordPress's `display_name` column).
pub const MAX_DISPLAY_NAME: usize = 250;
/// Longest tagline.
pub const MAX_TAGLINE: usize = 200;
/// Longest bio.
pub const MAX_BIO: usize = 5_000;

/// An author profile form as typed, with the private email, checked the
/// same way wherever it comes from.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ProfileDraft {
    /// Name shown in the byline.
    pub display_name: String,
    /// Line under the name.
    pub tagline: String,
    /// Bio box text.
    pub bio: String,
    /// Own site.
    pub website: String,
    /// Private contact address.
    pub email: String,
}

/// A message per profile field; `None` where the field is fine.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ProfileErrors {
    /// About `display_name`.
    pub display_name: Option<String>,
    /// About `tagline`.
    pub tagline: Option<String>,
    /// About `bio`.
    pub bio: Option<String>,
    /// About `website`.
    pub website: Option<String>,
    /// About `email`.
    pub email: Option<String>,
}

impl ProfileDraft {
    /// The draft of a stored author, for an edit form.
    pub fn of(author: &Author) -> Self {
        Self {
            display_name: author.profile.display_name.clone(),
            tagline: author.profile.tagline.clone(),
            bio: author.profile.bio.clone(),
            website: author.profile.website.clone().unwrap_or_default(),
            email: author.email.clone().unwrap_or_default(),
        }
    }

    /// Checks every field at once; returns the profile and the email
    /// (`None` when empty).
    pub fn validate(&self) -> Result<(AuthorProfile, Option<String>), ProfileErrors> {
        let too_long = |what: &str, max: usize| Some(format!("{what} can be at most {max} characters."));
        let one_line = |s: &str| s.chars().any(char::is_control);
        let name = self.display_name.trim();
        let tagline = self.tagline.trim();
        let bio = self.bio.trim();
        let email = self.email.trim();
        let website = crate::comment_form::normalise_url(self.website.trim());
        let errors = ProfileErrors {
            display_name: if name.is_empty() {
                Some("Enter the name to show on articles.".into())
            } else if name.chars().count() > MAX_DISPLAY_NAME {
                too_long("A name", MAX_DISPLAY_NAME)
            } else if one_line(name) {
                Some("A name must be on one line.".into())
            } else {
                None
            },
            tagline: if tagline.chars().count() > MAX_TAGLINE {
                too_long("A tagline", MAX_TAGLINE)
            } else if one_line(tagline) {
                Some("A tagline must be on one line.".into())
            } else {
                None
            },
            bio: (bio.chars().count() > MAX_BIO).then(|| format!("A bio can be at most {MAX_BIO} characters.")),
            website: website.as_ref().err().map(|_| {
                format!(
                    "Enter a web address starting with http:// or https:// (at most {} characters), or leave it empty.",
                    crate::comment_form::MAX_URL
                )
            }),
            email: (!email.is_empty()
                && (email.len() > crate::comment_form::MAX_EMAIL || !crate::comment_form::is_valid_email(email)))
            .then(|| "Enter an email address such as name@example.com, or leave it empty.".to_owned()),
        };
        if errors != ProfileErrors::default() {
            return Err(errors);
        }
        let profile = AuthorProfile {
            display_name: name.to_owned(),
            tagline: tagline.to_owned(),
            bio: bio.replace("\r\n", "\n"),
            website: website.ok().flatten(),
        };
        Ok((profile, Some(email.to_owned()).filter(|e| !e.is_empty())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_are_checked_field_by_field() {
        let draft = ProfileDraft {
            display_name: "  Jane Doe ".into(),
            tagline: "journalist".into(),
            bio: "Line one\r\nLine two".into(),
            website: "jane.example".into(),
            email: "".into(),
        };
        let (profile, email) = draft.validate().unwrap();
        assert_eq!(profile.display_name, "Jane Doe");
        assert_eq!(profile.bio, "Line one\nLine two");
        assert_eq!(profile.website.as_deref(), Some("https://jane.example"));
        assert_eq!(email, None);

        let bad = ProfileDraft {
            display_name: " ".into(),
            tagline: "x".repeat(MAX_TAGLINE + 1),
            bio: "fine".into(),
            website: "javascript:alert(1)".into(),
            email: "not an email".into(),
        };
        let errors = bad.validate().unwrap_err();
        assert!(errors.display_name.is_some() && errors.tagline.is_some());
        assert!(errors.website.is_some() && errors.email.is_some());
        assert_eq!(errors.bio, None);
    }

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
