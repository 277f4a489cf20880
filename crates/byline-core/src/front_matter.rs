//! Markdown files with YAML front matter, as Jekyll, Hugo and Zola users
//! write them. Every key and value is checked: a typo must not publish an
//! article or silently drop a field, so anything unknown is refused with
//! what is accepted.

use serde_yaml_ng::Value;

use crate::article::{ArticleStatus, CommentsOpen};

/// The front matter keys byline reads, with their other spellings, as the
/// messages name them.
pub const ACCEPTED_KEYS: &str = "title, author, date, slug, categories (or category), tags, \
     status, draft, excerpt (or description, summary), comments";

/// The values `status:` accepts.
pub const STATUSES: [(&str, ArticleStatus); 4] = [
    ("draft", ArticleStatus::Draft),
    ("pending", ArticleStatus::Pending),
    ("published", ArticleStatus::Published),
    ("private", ArticleStatus::Private),
];

/// A parsed file: the front matter's values (dates still as written, since
/// they need the site's zone; authors still as logins, since they need the
/// store), and the body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ArticleFile {
    /// `title`
    pub title: Option<String>,
    /// `author`: a login.
    pub author: Option<String>,
    /// `date`, as written.
    pub date: Option<String>,
    /// `slug`
    pub slug: Option<String>,
    /// `categories`: a list or a single name.
    pub categories: Vec<String>,
    /// `tags`: a list or a single name.
    pub tags: Vec<String>,
    /// `status`, or Hugo's `draft: true|false`.
    pub status: Option<ArticleStatus>,
    /// `excerpt`
    pub excerpt: Option<String>,
    /// `comments`: `open` or `closed` (also `true`/`false`).
    pub comments: Option<CommentsOpen>,
    /// Markdown after the front matter.
    pub body: String,
}

/// Why a file could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrontMatterError {
    /// No closing `---`.
    #[error("the front matter that starts on line 1 is never closed by a line with ---")]
    Unclosed,
    /// YAML syntax error.
    #[error("front matter is not valid YAML: {0}")]
    Yaml(String),
    /// The front matter is a list or a scalar.
    #[error("front matter must be a set of `key: value` lines")]
    NotAMapping,
    /// A key byline does not read.
    #[error("front matter key `{0}` is not one byline reads; it reads {ACCEPTED_KEYS}")]
    UnknownKey(String),
    /// One key given twice, under two spellings.
    #[error("front matter gives `{0}` twice (as `{1}` and `{2}`); keep one")]
    Repeated(&'static str, String, String),
    /// A key has a value of the wrong shape or an unknown value.
    #[error("front matter key `{key}` {problem}")]
    BadValue {
        /// The key.
        key: String,
        /// What is wrong, with what is accepted.
        problem: String,
    },
}

/// Splits and reads a file. A file without front matter is all body.
pub fn parse(text: &str) -> Result<ArticleFile, FrontMatterError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let Some(rest) = text.strip_prefix("---\n").or_else(|| text.strip_prefix("---\r\n")) else {
        return Ok(ArticleFile {
            body: text.to_owned(),
            ..Default::default()
        });
    };
    let (yaml, body) = split_closing(rest).ok_or(FrontMatterError::Unclosed)?;
    let value: Value = if yaml.trim().is_empty() {
        Value::Mapping(Default::default())
    } else {
        serde_yaml_ng::from_str(yaml).map_err(|e| FrontMatterError::Yaml(e.to_string()))?
    };
    let Value::Mapping(map) = value else {
        return Err(FrontMatterError::NotAMapping);
    };
    let mut file = ArticleFile {
        body: body.to_owned(),
        ..Default::default()
    };
    // The spelling each key was given under, to refuse it given twice.
    let mut seen: Vec<(&'static str, String)> = Vec::new();
    let mut draft: Option<ArticleStatus> = None;
    for (k, v) in map {
        let key = scalar(&k).unwrap_or_default();
        let canonical = canonical(&key).ok_or_else(|| FrontMatterError::UnknownKey(key.clone()))?;
        if let Some((_, first)) = seen.iter().find(|(c, _)| *c == canonical) {
            return Err(FrontMatterError::Repeated(canonical, first.clone(), key));
        }
        seen.push((canonical, key.clone()));
        let bad = |problem: String| FrontMatterError::BadValue {
            key: key.clone(),
            problem,
        };
        let text = || scalar(&v).ok_or_else(|| bad("must be a single value".into()));
        match canonical {
            "title" => file.title = Some(text()?),
            "author" => file.author = Some(text()?),
            "date" => file.date = Some(text()?),
            "slug" => file.slug = Some(text()?),
            "status" => file.status = status(&text()?).map_err(bad)?,
            "draft" => {
                draft = match v {
                    Value::Bool(true) => Some(ArticleStatus::Draft),
                    Value::Bool(false) => Some(ArticleStatus::Published),
                    _ => return Err(bad(format!("must be true or false, not {}", shown(&v)))),
                }
            }
            "excerpt" => file.excerpt = Some(text()?),
            "comments" => file.comments = comments(&text()?).map_err(bad)?,
            "categories" => file.categories = list(&v).map_err(bad)?,
            _ => file.tags = list(&v).map_err(bad)?,
        }
    }
    match (file.status, draft) {
        (Some(s), Some(d)) if s != d => {
            return Err(FrontMatterError::BadValue {
                key: "draft".into(),
                problem: format!("says {} but `status` says {}; keep one", d.as_str(), s.as_str()),
            });
        }
        (None, Some(d)) => file.status = Some(d),
        _ => {}
    }
    Ok(file)
}

/// The key `key` is a spelling of, if byline reads it.
fn canonical(key: &str) -> Option<&'static str> {
    Some(match key {
        "title" => "title",
        "author" => "author",
        "date" => "date",
        "slug" => "slug",
        "status" => "status",
        // Hugo's spelling.
        "draft" => "draft",
        "excerpt" | "description" | "summary" => "excerpt",
        "comments" => "comments",
        "categories" | "category" => "categories",
        "tags" => "tags",
        _ => return None,
    })
}

fn status(value: &str) -> Result<Option<ArticleStatus>, String> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    STATUSES
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(value))
        .map(|(_, s)| Some(*s))
        .ok_or_else(|| {
            let names: Vec<&str> = STATUSES.iter().map(|(n, _)| *n).collect();
            format!(
                "must be one of {} (a published article dated in the future is scheduled), not {value:?}",
                names.join(", ")
            )
        })
}

fn comments(value: &str) -> Result<Option<CommentsOpen>, String> {
    match value.trim() {
        "" => Ok(None),
        "open" | "true" => Ok(Some(CommentsOpen::Open)),
        "closed" | "false" => Ok(Some(CommentsOpen::Closed)),
        other => Err(format!("must be open or closed (or true or false), not {other:?}")),
    }
}

fn split_closing(rest: &str) -> Option<(&str, &str)> {
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" || line.trim_end() == "..." {
            return Some((&rest[..offset], &rest[offset + line.len()..]));
        }
        offset += line.len();
    }
    None
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Null => Some(String::new()),
        _ => None,
    }
}

/// A value as the file wrote it, for messages.
fn shown(v: &Value) -> String {
    match v {
        Value::String(s) => format!("{s:?}"),
        other => scalar(other).map_or_else(|| "a list or mapping".into(), |s| format!("{s:?}")),
    }
}

fn list(v: &Value) -> Result<Vec<String>, String> {
    let bad = || "must be a name or a list of names".to_owned();
    let items = match v {
        Value::Sequence(items) => items
            .iter()
            .map(|i| scalar(i).ok_or_else(bad))
            .collect::<Result<Vec<_>, _>>()?,
        Value::String(s) => s.split(',').map(str::to_owned).collect(),
        Value::Null => Vec::new(),
        other => vec![scalar(other).ok_or_else(bad)?],
    };
    Ok(items
        .into_iter()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_jekyll_style_files() {
        let f = parse("---\ntitle: \"Budget: what it means\"\nauthor: jane\ndate: 2024-01-26 10:00\ncategories: [Politics, Economy]\ntags: budget\nstatus: draft\ncomments: closed\n---\n\nBody *here*.\n").unwrap();
        assert_eq!(f.title.as_deref(), Some("Budget: what it means"));
        assert_eq!(f.date.as_deref(), Some("2024-01-26 10:00"));
        assert_eq!(f.categories, vec!["Politics", "Economy"]);
        assert_eq!(f.tags, vec!["budget"]);
        assert_eq!(f.status, Some(ArticleStatus::Draft));
        assert_eq!(f.comments, Some(CommentsOpen::Closed));
        assert_eq!(f.body, "\nBody *here*.\n");
        let hugo = parse("---\ntitle: x\ndraft: false\nsummary: s\n---\n").unwrap();
        assert_eq!(hugo.status, Some(ArticleStatus::Published));
        assert_eq!(hugo.excerpt.as_deref(), Some("s"));
    }

    #[test]
    fn bad_front_matter_says_why() {
        assert_eq!(parse("---\ntitle: x\n"), Err(FrontMatterError::Unclosed));
        assert!(matches!(
            parse("---\ntitle: [unclosed\n---\n"),
            Err(FrontMatterError::Yaml(_))
        ));
        assert!(matches!(
            parse("---\ntitle: {a: 1}\n---\n"),
            Err(FrontMatterError::BadValue { .. })
        ));
        assert_eq!(parse("no front matter").unwrap().body, "no front matter");
    }

    #[test]
    fn unknown_keys_and_values_are_refused_with_what_is_accepted() {
        let message = |text: &str| parse(text).unwrap_err().to_string();
        assert_eq!(
            message("---\nlayout: post\n---\n"),
            format!("front matter key `layout` is not one byline reads; it reads {ACCEPTED_KEYS}")
        );
        assert_eq!(
            message("---\ndraft: maybe\n---\n"),
            "front matter key `draft` must be true or false, not \"maybe\""
        );
        assert_eq!(
            message("---\nstatus: future\n---\n"),
            "front matter key `status` must be one of draft, pending, published, private \
             (a published article dated in the future is scheduled), not \"future\""
        );
        assert!(message("---\nstatus: publish\n---\n").contains("not \"publish\""));
        assert!(message("---\ncomments: maybe\n---\n").contains("must be open or closed"));
        assert!(message("---\ndraft: true\nstatus: published\n---\n").contains("keep one"));
        assert_eq!(
            message("---\nexcerpt: a\nsummary: b\n---\n"),
            "front matter gives `excerpt` twice (as `excerpt` and `summary`); keep one"
        );
        assert_eq!(
            parse("---\ndraft: true\nstatus: Draft\n---\n").unwrap().status,
            Some(ArticleStatus::Draft)
        );
    }
}
