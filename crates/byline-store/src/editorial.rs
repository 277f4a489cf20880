//! The newsroom's records around an article: saved revisions, dated
//! corrections and updates, and the admin's article list.

use byline_core::{ArticleKind, ArticleStatus};
use chrono::{DateTime, Utc};

use crate::ArticleFilter;

/// A saved version of an article's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    /// Store id.
    pub id: i64,
    /// The article.
    pub article_id: i64,
    /// Who saved it, when known (saves from the CLI or an import are not attributed).
    pub saved_by: Option<i64>,
    /// Headline then.
    pub title: String,
    /// Body then.
    pub body: String,
    /// Excerpt then.
    pub excerpt: Option<String>,
    /// When.
    pub saved_at: DateTime<Utc>,
}

/// Whether a note corrects an error or adds news.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NoteKind {
    /// "Correction: an earlier version said…"
    Correction,
    /// "Update: since publication…"
    Update,
}

impl NoteKind {
    /// Stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            NoteKind::Correction => "correction",
            NoteKind::Update => "update",
        }
    }

    /// Reads the stored form.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "correction" => Some(NoteKind::Correction),
            "update" => Some(NoteKind::Update),
            _ => None,
        }
    }

    /// Shown form.
    pub fn label(self) -> &'static str {
        match self {
            NoteKind::Correction => "Correction",
            NoteKind::Update => "Update",
        }
    }
}

/// A dated correction or update shown under an article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleNote {
    /// Store id.
    pub id: i64,
    /// The article.
    pub article_id: i64,
    /// Correction or update.
    pub kind: NoteKind,
    /// Text (Markdown).
    pub body: String,
    /// When it was added.
    pub created_at: DateTime<Utc>,
}

/// A page of the admin's article list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminArticleQuery {
    /// Posts or pages.
    pub kind: ArticleKind,
    /// One status, or every status but the trash.
    pub status: Option<ArticleStatus>,
    /// By author or term (`Published` ranges are not used here).
    pub filter: ArticleFilter,
    /// Words in the title.
    pub search: Option<String>,
    /// For writers who may not edit others' work: their own articles, and
    /// others' only when published.
    pub visible_to: Option<i64>,
    /// 1-based page.
    pub page: u32,
    /// Page size.
    pub per_page: u32,
}
