//! Validation of the "Leave a Reply" form, shared by every way a comment
//! can arrive. Field names and limits are WordPress's so themes, scripts
//! and muscle memory carry over.

use crate::text::without_strays;

/// Longest name WordPress accepts.
pub const MAX_NAME: usize = 245;
/// Longest email WordPress accepts.
pub const MAX_EMAIL: usize = 100;
/// Longest website WordPress accepts.
pub const MAX_URL: usize = 200;
/// Longest comment WordPress accepts.
pub const MAX_COMMENT: usize = 65_525;

/// The form as the visitor typed it. Kept verbatim so a rejected form can
/// be shown again without losing a character.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct CommentDraft {
    /// `comment`
    pub comment: String,
    /// `author`
    pub author: String,
    /// `email`
    pub email: String,
    /// `url`
    pub url: String,
    /// `comment_parent`; 0 or absent means top level.
    pub parent: Option<i64>,
    /// "Save my name, email, and website in this browser".
    pub remember: bool,
}

/// A form that passed every field check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidComment {
    /// Trimmed Markdown text.
    pub body: String,
    /// Trimmed name.
    pub name: String,
    /// Trimmed address with the domain lowercased.
    pub email: String,
    /// Normalised http(s) URL.
    pub url: Option<String>,
    /// Parent comment id.
    pub parent: Option<i64>,
}

/// A message per field; `None` where the field is fine.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct FieldErrors {
    /// About `comment`.
    pub comment: Option<String>,
    /// About `author`.
    pub author: Option<String>,
    /// About `email`.
    pub email: Option<String>,
    /// About `url`.
    pub url: Option<String>,
}

impl FieldErrors {
    /// Whether any field has a message.
    pub fn is_empty(&self) -> bool {
        self.comment.is_none() && self.author.is_none() && self.email.is_none() && self.url.is_none()
    }

    /// The messages in form order, for a summary above the form and for CLI output.
    pub fn messages(&self) -> Vec<&str> {
        [&self.comment, &self.author, &self.email, &self.url]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect()
    }
}

impl CommentDraft {
    /// Checks every field at once so the visitor sees all problems together.
    pub fn validate(&self) -> Result<ValidComment, FieldErrors> {
        let mut errors = FieldErrors::default();
        // A stray control character is invisible: dropping it is kinder
        // than refusing the comment (a name of nothing else is then empty).
        let (body, name) = (without_strays(&self.comment), without_strays(&self.author));
        let (body, name) = (body.trim(), name.trim());
        let email = self.email.trim();
        let url = self.url.trim();

        if body.is_empty() {
            errors.comment = Some("Please type your comment.".into());
        } else if body.chars().count() > MAX_COMMENT {
            errors.comment = Some(format!(
                "Your comment is too long: at most {MAX_COMMENT} characters, yours has {}.",
                body.chars().count()
            ));
        } else if crate::markdown::comment_exceeds_depth(body, crate::markdown::MAX_COMMENT_DEPTH) {
            errors.comment = Some(format!(
                "Your comment nests quotes or lists more than {} levels deep; please flatten them.",
                crate::markdown::MAX_COMMENT_DEPTH
            ));
        }

        if name.is_empty() {
            errors.author = Some("Please enter your name.".into());
        } else if name.chars().count() > MAX_NAME {
            errors.author = Some(format!("Your name is too long: at most {MAX_NAME} characters."));
        }

        if email.is_empty() {
            errors.email = Some("Please enter your email address. It will not be published.".into());
        } else if email.chars().count() > MAX_EMAIL {
            errors.email = Some(format!(
                "Your email address is too long: at most {MAX_EMAIL} characters."
            ));
        } else if !is_valid_email(email) {
            errors.email = Some("Please enter a valid email address, like name@example.com.".into());
        }

        let url = match normalise_url(url) {
            Ok(url) => url,
            Err(message) => {
                errors.url = Some(message);
                None
            }
        };

        if errors.is_empty() {
            Ok(ValidComment {
                body: body.to_owned(),
                name: name.to_owned(),
                email: lowercase_domain(email),
                url,
                parent: self.parent.filter(|&p| p > 0),
            })
        } else {
            Err(errors)
        }
    }
}

/// Syntax check in the spirit of WordPress's `is_email`: one `@`, a sane
/// local part, and a dotted domain of letters, digits and hyphens.
pub fn is_valid_email(email: &str) -> bool {
    let Some((local, domain)) = email.rsplit_once('@') else {
        return false;
    };
    if local.is_empty() || local.len() > 64 || local.starts_with('.') || local.ends_with('.') {
        return false;
    }
    let local_ok = local
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c));
    if !local_ok || local.contains("..") {
        return false;
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 {
        return false;
    }
    let labels_ok = labels.iter().all(|l| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    });
    let tld = labels[labels.len() - 1];
    labels_ok && tld.len() >= 2 && !tld.chars().all(|c| c.is_ascii_digit())
}

fn lowercase_domain(email: &str) -> String {
    match email.rsplit_once('@') {
        Some((local, domain)) => format!("{local}@{}", domain.to_ascii_lowercase()),
        None => email.to_owned(),
    }
}

/// Accepts an empty website, an http(s) URL, or a bare host (which gets
/// `https://`, as WordPress adds a scheme); refuses every other scheme so a
/// commenter's or author's link can never be `javascript:`.
pub fn normalise_url(url: &str) -> Result<Option<String>, String> {
    if url.is_empty() {
        return Ok(None);
    }
    if url.chars().count() > MAX_URL {
        return Err(format!(
            "Your website address is too long: at most {MAX_URL} characters."
        ));
    }
    let invalid = || "Please enter a website address starting with http:// or https://, or leave it empty.".to_string();
    if url
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '<' || c == '>')
    {
        return Err(invalid());
    }
    let lower = url.to_ascii_lowercase();
    let (full, rest) = if let Some(rest) = lower.strip_prefix("https://") {
        (url.to_owned(), rest)
    } else if let Some(rest) = lower.strip_prefix("http://") {
        (url.to_owned(), rest)
    } else if url.contains("://") || url.contains(':') && !url.contains('.') {
        return Err(invalid());
    } else if url.split(['/', '?', '#']).next().is_some_and(|h| h.contains('.')) && !url.contains(':') {
        (format!("https://{url}"), lower.as_str())
    } else {
        return Err(invalid());
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let host = host.split(':').next().unwrap_or("");
    let host_ok = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.' || !c.is_ascii());
    if host_ok { Ok(Some(full)) } else { Err(invalid()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(comment: &str, author: &str, email: &str, url: &str) -> CommentDraft {
        CommentDraft {
            comment: comment.into(),
            author: author.into(),
            email: email.into(),
            url: url.into(),
            parent: None,
            remember: false,
        }
    }

    #[test]
    fn a_complete_form_is_valid() {
        let v = draft(" Hi ", " Ann ", "ann@Example.COM", "").validate().unwrap();
        assert_eq!(v.body, "Hi");
        assert_eq!(v.name, "Ann");
        assert_eq!(v.email, "ann@example.com");
        assert_eq!(v.url, None);
    }

    #[test]
    fn every_missing_field_is_reported_at_once() {
        let e = draft(" ", "", "", "").validate().unwrap_err();
        assert!(e.comment.is_some() && e.author.is_some() && e.email.is_some());
        assert!(e.url.is_none());
        assert_eq!(e.messages().len(), 3);
    }

    #[test]
    fn emails_are_checked() {
        for ok in ["a@b.co", "first.last+tag@sub.example.org", "x_y@ex-ample.com"] {
            assert!(is_valid_email(ok), "{ok}");
        }
        for bad in [
            "plain",
            "a@b",
            "@b.com",
            "a@.com",
            "a@b..com",
            "a b@c.com",
            "a@b.c",
            "a..b@c.com",
            "a@-b.com",
        ] {
            assert!(!is_valid_email(bad), "{bad}");
        }
    }

    #[test]
    fn websites_must_be_http() {
        let url = |u: &str| draft("x", "y", "a@b.co", u).validate().map(|v| v.url);
        assert_eq!(url("https://ann.example/"), Ok(Some("https://ann.example/".into())));
        assert_eq!(url("HTTP://ann.example"), Ok(Some("HTTP://ann.example".into())));
        assert_eq!(url("ann.example"), Ok(Some("https://ann.example".into())));
        for bad in [
            "javascript:alert(1)",
            "ftp://x.example",
            "data:text/html,x",
            "http://",
            "http://a b",
            "notaurl",
        ] {
            assert!(url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn deeply_nested_quotes_are_refused_at_the_field() {
        let deep = draft(&">".repeat(65_000), "Ann", "a@b.co", "");
        assert!(deep.validate().unwrap_err().comment.unwrap().contains("16 levels"));
        let fine = draft("> > quoting a quote\n\n- a\n  - b", "Ann", "a@b.co", "");
        assert!(fine.validate().is_ok());
    }

    #[test]
    fn wordpress_limits_apply_in_characters() {
        let ok = draft(&"é".repeat(MAX_COMMENT), &"n".repeat(MAX_NAME), "a@b.co", "");
        assert!(ok.validate().is_ok());
        let long = draft(
            &"x".repeat(MAX_COMMENT + 1),
            &"n".repeat(MAX_NAME + 1),
            &format!("{}@b.co", "a".repeat(100)),
            &format!("https://{}.com", "a".repeat(200)),
        );
        let e = long.validate().unwrap_err();
        assert!(e.comment.unwrap().contains("too long"));
        assert!(e.author.unwrap().contains("too long"));
        assert!(e.email.unwrap().contains("too long"));
        assert!(e.url.unwrap().contains("too long"));
    }

    #[test]
    fn control_characters_are_dropped_from_the_text_and_the_name() {
        let v = draft("Hi\u{1}\u{0} there\nline\u{7f}", "An\u{1b}n", "a@b.co", "")
            .validate()
            .unwrap();
        assert_eq!((v.body.as_str(), v.name.as_str()), ("Hi there\nline", "Ann"));
        let e = draft("\u{2}\u{3}", "\u{1}", "a@b.co", "").validate().unwrap_err();
        assert_eq!(e.comment.as_deref(), Some("Please type your comment."));
        assert_eq!(e.author.as_deref(), Some("Please enter your name."));
    }

    #[test]
    fn parent_zero_means_top_level() {
        let mut d = draft("x", "y", "a@b.co", "");
        d.parent = Some(0);
        assert_eq!(d.validate().unwrap().parent, None);
    }
}
