//! Markdown files with YAML front matter, as Jekyll, Hugo and Zola users
//! write them.

use serde_yaml_ng::Value;

/// The front matter keys byline reads.
pub const KEYS: [&str; 9] = [
    "title",
    "author",
    "date",
    "slug",
    "categories",
    "tags",
    "status",
    "excerpt",
    "comments",
];

/// A parsed file: the front matter's values, still as written (dates need
/// the site's zone, authors need the store), and the body.
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
    /// `status`: `draft` or `published`.
    pub status: Option<String>,
    /// `excerpt`
    pub excerpt: Option<String>,
    /// `comments`: `open` or `closed` (also `true`/`false`).
    pub comments: Option<String>,
    /// Keys byline does not know (e.g. `layout`), reported as warnings.
    pub ignored_keys: Vec<String>,
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
    /// A key has a value of the wrong shape.
    #[error("front matter key `{key}` {problem}")]
    BadValue {
        /// The key.
        key: String,
        /// What is wrong.
        problem: &'static str,
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
    for (k, v) in map {
        let key = scalar(&k).unwrap_or_default();
        let text = || {
            scalar(&v).ok_or(FrontMatterError::BadValue {
                key: key.clone(),
                problem: "must be a single value",
            })
        };
        match key.as_str() {
            "title" => file.title = Some(text()?),
            "author" => file.author = Some(text()?),
            "date" => file.date = Some(text()?),
            "slug" => file.slug = Some(text()?),
            "status" => file.status = Some(text()?),
            // Hugo's spelling.
            "draft" => file.status = Some(if text()? == "true" { "draft" } else { "published" }.to_owned()),
            "excerpt" | "description" | "summary" => file.excerpt = Some(text()?),
            "comments" => file.comments = Some(text()?),
            "categories" | "category" => file.categories = list(&key, &v)?,
            "tags" => file.tags = list(&key, &v)?,
            _ => file.ignored_keys.push(key),
        }
    }
    Ok(file)
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

fn list(key: &str, v: &Value) -> Result<Vec<String>, FrontMatterError> {
    let bad = || FrontMatterError::BadValue {
        key: key.to_owned(),
        problem: "must be a name or a list of names",
    };
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
        let f = parse("---\ntitle: \"Budget: what it means\"\nauthor: jane\ndate: 2024-01-26 10:00\ncategories: [Politics, Economy]\ntags: budget\nstatus: draft\ncomments: closed\nlayout: post\n---\n\nBody *here*.\n").unwrap();
        assert_eq!(f.title.as_deref(), Some("Budget: what it means"));
        assert_eq!(f.date.as_deref(), Some("2024-01-26 10:00"));
        assert_eq!(f.categories, vec!["Politics", "Economy"]);
        assert_eq!(f.tags, vec!["budget"]);
        assert_eq!(f.comments.as_deref(), Some("closed"));
        assert_eq!(f.ignored_keys, vec!["layout"]);
        assert_eq!(f.body, "\nBody *here*.\n");
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
}
