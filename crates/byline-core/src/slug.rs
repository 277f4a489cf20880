//! URL slugs: the readable last segment of an article, category or tag URL.

use std::fmt;

/// A validated slug: lowercase ASCII letters, digits and single hyphens.
///
/// Kept as its own type so a value that went into a URL was checked once,
/// wherever it came from (a title, front matter, an import).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct Slug(String);

/// Why a proposed slug was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SlugError {
    /// Nothing usable was left after normalisation.
    #[error("a slug needs at least one letter or digit")]
    Empty,
    /// The slug would not fit in a URL segment comfortably.
    #[error("a slug can be at most {max} characters", max = Slug::MAX_LEN)]
    TooLong,
    /// The slug has characters outside `a-z`, `0-9`, `-`, `_` and `%xx`.
    #[error("a slug may contain only lowercase letters, digits, hyphens and underscores (got {0:?})")]
    Invalid(String),
}

impl Slug {
    /// WordPress allows 200 characters in `post_name`.
    pub const MAX_LEN: usize = 200;

    /// Checks a slug given verbatim (front matter, CLI).
    pub fn parse(s: &str) -> Result<Self, SlugError> {
        if s.is_empty() {
            return Err(SlugError::Empty);
        }
        if s.len() > Self::MAX_LEN {
            return Err(SlugError::TooLong);
        }
        // WordPress keeps non-ASCII letters percent-encoded (`%f0%9f%93%b0`)
        // and allows underscores; imported slugs must survive unchanged.
        let bytes = s.as_bytes();
        let mut i = 0;
        let mut ok = !s.starts_with('-') && !s.ends_with('-');
        while ok && i < bytes.len() {
            let b = bytes[i];
            if b == b'%' {
                let hex = |c: u8| c.is_ascii_digit() || (b'a'..=b'f').contains(&c);
                ok = bytes.get(i + 1).is_some_and(|c| hex(*c)) && bytes.get(i + 2).is_some_and(|c| hex(*c));
                i += 3;
            } else {
                ok = b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_';
                i += 1;
            }
        }
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(SlugError::Invalid(s.to_owned()))
        }
    }

    /// Derives a slug from free text such as a title: accents folded,
    /// punctuation dropped, words joined by hyphens.
    pub fn from_title(title: &str) -> Result<Self, SlugError> {
        let mut out = String::with_capacity(title.len());
        let mut pending_hyphen = false;
        for c in title.chars().flat_map(fold_accent) {
            if c.is_ascii_alphanumeric() {
                if pending_hyphen && !out.is_empty() {
                    out.push('-');
                }
                pending_hyphen = false;
                out.push(c.to_ascii_lowercase());
            } else if c == '\'' || c == '\u{2019}' {
                // "Don't" -> "dont", as WordPress does.
            } else {
                pending_hyphen = true;
            }
            if out.len() >= Self::MAX_LEN {
                break;
            }
        }
        let trimmed = out.trim_end_matches('-');
        Self::parse(&trimmed[..trimmed.len().min(Self::MAX_LEN)])
    }

    /// The slug as it appears in a URL.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A variant with a numeric suffix, for resolving collisions (`slug-2`).
    pub fn with_suffix(&self, n: u32) -> Self {
        let suffix = format!("-{n}");
        let base = &self.0[..self.0.len().min(Self::MAX_LEN - suffix.len())];
        Self(format!("{}{}", base.trim_end_matches('-'), suffix))
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Folds common Latin accented letters to ASCII so "Ça déménage" becomes
/// "ca-demenage" rather than losing letters.
fn fold_accent(c: char) -> impl Iterator<Item = char> {
    let s: &'static str = match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' | 'Ā' | 'Ă' | 'Ą' => "a",
        'æ' | 'Æ' => "ae",
        'ç' | 'ć' | 'č' | 'Ç' | 'Ć' | 'Č' => "c",
        'ď' | 'đ' | 'Ď' | 'Đ' | 'ð' | 'Ð' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => "e",
        'È' | 'É' | 'Ê' | 'Ë' | 'Ē' | 'Ė' | 'Ę' | 'Ě' => "e",
        'ğ' | 'Ğ' => "g",
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' | 'ı' | 'Ì' | 'Í' | 'Î' | 'Ï' | 'Ī' | 'Į' | 'İ' => "i",
        'ł' | 'Ł' => "l",
        'ñ' | 'ń' | 'ň' | 'Ñ' | 'Ń' | 'Ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => "o",
        'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' | 'Ō' | 'Ő' => "o",
        'œ' | 'Œ' => "oe",
        'ř' | 'Ř' => "r",
        'ś' | 'š' | 'ş' | 'Ś' | 'Š' | 'Ş' => "s",
        'ß' => "ss",
        'ť' | 'ţ' | 'Ť' | 'Ţ' => "t",
        'þ' | 'Þ' => "th",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' | 'ų' => "u",
        'Ù' | 'Ú' | 'Û' | 'Ü' | 'Ū' | 'Ů' | 'Ű' | 'Ų' => "u",
        'ý' | 'ÿ' | 'Ý' | 'Ÿ' => "y",
        'ź' | 'ż' | 'ž' | 'Ź' | 'Ż' | 'Ž' => "z",
        _ => "",
    };
    let single = if s.is_empty() { Some(c) } else { None };
    s.chars().chain(single)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_become_readable_slugs() {
        let cases = [
            ("Hello, World!", "hello-world"),
            ("Don't panic: the budget's fine", "dont-panic-the-budgets-fine"),
            ("Ça déménage à Zürich", "ca-demenage-a-zurich"),
            ("  --Spaces  and -- dashes--  ", "spaces-and-dashes"),
            ("2024: year in review", "2024-year-in-review"),
        ];
        for (title, slug) in cases {
            assert_eq!(Slug::from_title(title).unwrap().as_str(), slug, "{title}");
        }
    }

    #[test]
    fn a_title_without_letters_has_no_slug() {
        assert_eq!(Slug::from_title("!!! ???"), Err(SlugError::Empty));
        assert_eq!(Slug::from_title("日本語"), Err(SlugError::Empty));
    }

    #[test]
    fn explicit_slugs_are_checked() {
        assert!(Slug::parse("good-slug-2").is_ok());
        assert!(Slug::parse("tax-abatements-%f0%9f%93%b0").is_ok());
        assert!(Slug::parse("old__trashed").is_ok());
        assert!(Slug::parse("bad-%zz").is_err());
        assert!(Slug::parse("bad-%f").is_err());
        assert!(matches!(Slug::parse("Bad Slug"), Err(SlugError::Invalid(_))));
        assert!(matches!(Slug::parse("-lead"), Err(SlugError::Invalid(_))));
        assert!(matches!(Slug::parse(&"a".repeat(201)), Err(SlugError::TooLong)));
    }

    #[test]
    fn suffixes_resolve_collisions() {
        let s = Slug::parse("news").unwrap();
        assert_eq!(s.with_suffix(2).as_str(), "news-2");
    }
}
