//! `byline post`: articles from Markdown files with front matter.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use byline_core::article::MAX_BODY_BYTES;
use byline_core::front_matter::{self, ArticleFile};
use byline_core::time::parse_local;
use byline_core::{Article, ArticleKind, ArticleStatus, BodyFormat, CommentsOpen, NewArticle, Settings, Slug};
use byline_store::{ArticleFilter, ArticleQuery, Store};
use chrono::Utc;

use super::open_store;
use crate::output::table;

/// Post subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Create an article from a Markdown file with front matter.
    New {
        /// The file: `---` front matter (title, author, date, slug, categories,
        /// tags, status, excerpt, comments) `---`, then Markdown.
        file: PathBuf,
        /// Make it a page (e.g. "About") rather than a dated article.
        #[arg(long)]
        page: bool,
    },
    /// List articles, newest first, drafts included.
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// List pages instead of articles.
        #[arg(long)]
        pages: bool,
    },
    /// Publish a draft now (or at the date its front matter gave).
    Publish {
        /// Article id (see `byline post list`).
        id: i64,
    },
    /// Replace an article's content from a file. A published article keeps
    /// its date and shows the time of this update.
    Edit {
        /// Article id.
        id: i64,
        /// The new version of the file.
        file: PathBuf,
    },
    /// Delete an article and its comments for good.
    Delete {
        /// Article id.
        id: i64,
    },
}

pub async fn run(data: &Path, cmd: Command) -> anyhow::Result<()> {
    let store = open_store(data).await?;
    let settings = store.settings().await?;
    match cmd {
        Command::New { file, page } => {
            let kind = if page { ArticleKind::Page } else { ArticleKind::Post };
            let (_, new) = read_article(store.as_ref(), &settings, &file, kind, None).await?;
            let article = store.create_article(&new, Utc::now()).await?;
            report(&article, &settings, "Created");
        }
        Command::List { json, pages } => {
            let kind = if pages { ArticleKind::Page } else { ArticleKind::Post };
            list(store.as_ref(), &settings, kind, json).await?;
        }
        Command::Publish { id } => {
            let current = store
                .article(id)
                .await?
                .with_context(|| format!("no article with id {id}"))?;
            if current.status == ArticleStatus::Published {
                println!("Article {id} is already published.");
            } else {
                let article = store.publish_article(id, Utc::now()).await?;
                report(&article, &settings, "Published");
            }
        }
        Command::Edit { id, file } => {
            let current = store
                .article(id)
                .await?
                .with_context(|| format!("no article with id {id}"))?;
            let (parsed, mut new) =
                read_article(store.as_ref(), &settings, &file, current.kind, Some(&current)).await?;
            if parsed.slug.is_none() {
                // Keep the address readers already link to.
                new.slug = Some(current.slug.clone());
            }
            let article = store.update_article(id, &new, Utc::now()).await?;
            report(&article, &settings, "Updated");
        }
        Command::Delete { id } => {
            let (article, comments) = store.delete_article(id).await?;
            println!(
                "Deleted article {} “{}” and its {} comment(s).",
                article.id, article.title, comments
            );
        }
    }
    Ok(())
}

fn report(article: &Article, settings: &Settings, verb: &str) {
    let path = public_path(article, settings);
    let state = match article.status {
        ArticleStatus::Draft => {
            "draft; publish it with `byline post publish ID`".replace("ID", &article.id.to_string())
        }
        ArticleStatus::Published if article.is_public_at(Utc::now()) => "published".to_owned(),
        ArticleStatus::Published => "scheduled".to_owned(),
        other => other.as_str().to_owned(),
    };
    println!("{verb} article {} ({state}): {path}", article.id);
}

fn public_path(article: &Article, settings: &Settings) -> String {
    match (article.kind, article.published_at) {
        (ArticleKind::Post, Some(at)) => {
            byline_core::permalink::post_path(at, settings.timezone, article.slug.as_str())
        }
        (ArticleKind::Post, None) => "(no address until published)".to_owned(),
        (ArticleKind::Page, _) => byline_core::permalink::page_path(article.slug.as_str()),
    }
}

/// Room for front matter in a file, on top of the body's limit.
const MAX_FRONT_MATTER_BYTES: usize = 64 * 1024;

/// Reads a file (or a pipe, or a device) of at most the size an article can
/// have, without reading past it.
fn read_bounded(path: &Path) -> anyhow::Result<String> {
    use std::io::Read;
    let limit = MAX_BODY_BYTES + MAX_FRONT_MATTER_BYTES;
    let file = std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut bytes = Vec::new();
    file.take(limit as u64 + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("cannot read {}", path.display()))?;
    if bytes.len() > limit {
        bail!(
            "{} is too large: an article can have at most {} of text after {} of front matter",
            path.display(),
            mib(MAX_BODY_BYTES),
            kib(MAX_FRONT_MATTER_BYTES)
        );
    }
    String::from_utf8(bytes).map_err(|e| {
        anyhow::anyhow!(
            "{} is not UTF-8 text (byte {} is not): save it as UTF-8",
            path.display(),
            e.utf8_error().valid_up_to() + 1
        )
    })
}

fn mib(bytes: usize) -> String {
    format!("{} MiB", bytes / (1024 * 1024))
}

fn kib(bytes: usize) -> String {
    format!("{} KiB", bytes / 1024)
}

/// Reads a file into an article, checking every field with a message that
/// names the file and the key.
async fn read_article(
    store: &dyn Store,
    settings: &Settings,
    path: &Path,
    kind: ArticleKind,
    current: Option<&Article>,
) -> anyhow::Result<(ArticleFile, NewArticle)> {
    let text = read_bounded(path)?;
    let file = front_matter::parse(&text).with_context(|| format!("in {}", path.display()))?;
    let at = |msg: String| anyhow::anyhow!("{}: {msg}", path.display());
    // The same limits as the editor's: size and nesting.
    byline_core::article::check_body(&file.body, BodyFormat::Markdown).map_err(at)?;

    let title = match (&file.title, current) {
        (Some(t), _) if !t.trim().is_empty() => t.trim().to_owned(),
        (_, Some(c)) if file.title.is_none() => c.title.clone(),
        _ => return Err(at("front matter needs a `title`".into())),
    };
    let author_id = match (&file.author, current) {
        (Some(login), _) => {
            store
                .author_by_login(login.trim())
                .await?
                .ok_or_else(|| {
                    at(format!(
                        "no author with login {login:?}; add one with `byline author add`"
                    ))
                })?
                .id
        }
        (None, Some(c)) => c.author_id,
        (None, None) => {
            let authors = store.authors().await?;
            match authors.as_slice() {
                [only] => only.id,
                [] => {
                    return Err(at("there is no author yet; add one with `byline author add`".into()));
                }
                many => {
                    let logins: Vec<&str> = many.iter().map(|a| a.login.as_str()).collect();
                    return Err(at(format!(
                        "front matter needs `author:` (one of {})",
                        logins.join(", ")
                    )));
                }
            }
        }
    };
    let status = file
        .status
        .unwrap_or_else(|| current.map_or(ArticleStatus::Draft, |c| c.status));
    let comments = file
        .comments
        .unwrap_or_else(|| current.map_or(CommentsOpen::Open, |c| c.comments));
    let published_at = match file.date.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(d) => Some(parse_local(d, settings.timezone).map_err(|e| at(format!("front matter key `date`: {e}")))?),
    };
    let slug = match file.slug.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(s) => Some(Slug::parse(s).map_err(|e| at(format!("slug: {e}")))?),
    };
    if status == ArticleStatus::Published && file.body.trim().is_empty() {
        bail!("{}: the article has no text after the front matter", path.display());
    }
    let new = NewArticle {
        kind,
        author_id,
        title,
        slug,
        body: file.body.trim_start_matches(['\n', '\r']).to_owned(),
        excerpt: file.excerpt.clone().filter(|e| !e.trim().is_empty()),
        status,
        comments,
        published_at,
        categories: file.categories.clone(),
        tags: file.tags.clone(),
        ..Default::default()
    };
    Ok((file, new))
}

async fn list(store: &dyn Store, settings: &Settings, kind: ArticleKind, json: bool) -> anyhow::Result<()> {
    let mut all = Vec::new();
    for page in 1.. {
        let query = ArticleQuery {
            kind,
            filter: ArticleFilter::All,
            public_at: None,
            page,
            per_page: 500,
            sticky_first: false,
        };
        let found = store.articles(&query).await?;
        let done = found.items.len() < 500;
        all.extend(found.items);
        if done {
            break;
        }
    }
    let now = Utc::now();
    let status = |a: &Article| match a.status {
        ArticleStatus::Published if !a.is_public_at(now) => "scheduled",
        s => s.as_str(),
    };
    if json {
        let list: Vec<_> = all
            .iter()
            .map(|a| {
                serde_json::json!({
                    "id": a.id, "title": a.title, "slug": a.slug.as_str(), "status": status(a),
                    "author_id": a.author_id, "published_at": a.published_at, "updated_at": a.updated_at,
                    "path": public_path(a, settings),
                    "categories": a.categories.iter().map(|t| &t.name).collect::<Vec<_>>(),
                    "tags": a.tags.iter().map(|t| &t.name).collect::<Vec<_>>(),
                })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&list)?);
    } else {
        let rows: Vec<Vec<String>> = all
            .iter()
            .map(|a| {
                let date = a
                    .published_at
                    .map(|d| d.with_timezone(&settings.timezone).format("%Y-%m-%d %H:%M").to_string());
                vec![
                    a.id.to_string(),
                    status(a).to_owned(),
                    date.unwrap_or_else(|| "-".into()),
                    a.title.clone(),
                    public_path(a, settings),
                ]
            })
            .collect();
        table(&["ID", "STATUS", "DATE", "TITLE", "PATH"], &rows);
    }
    Ok(())
}
