//! Imports a WordPress export into the store, in one transaction: a run
//! that stops on bad input leaves the site as it was. WordPress ids are
//! remembered, so running the same file again changes nothing.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context, bail};
use byline_core::author::Login;
use byline_core::{
    ArticleKind, ArticleStatus, BodyFormat, CommentKind, CommentStatus, CommentsOpen, NewArticle, Slug, TermKind,
};
use byline_store::Store;
use byline_store::import::{
    Import, ImportArticle, ImportAttachment, ImportAuthor, ImportComment, ImportMode, ImportTerm, ImportedParent,
    Outcome, Slot,
};
use byline_wxr::content::{self, Attachment};
use byline_wxr::reader::{self, Record, WxrComment, WxrItem};
use chrono::{DateTime, NaiveDateTime, Utc};

/// Counts of what an import created, found already there, or skipped.
#[derive(Debug, Default)]
pub struct Report {
    /// Per kind of record: (created, already there).
    pub counts: std::collections::BTreeMap<&'static str, (u64, u64)>,
    /// Comments created, by status.
    pub comments_by_status: std::collections::BTreeMap<&'static str, u64>,
    /// Shortcodes left as text because they are unknown.
    pub unknown_shortcodes: BTreeSet<String>,
    /// Things worth telling the operator.
    pub notes: Vec<String>,
    /// Items of other post types, by type.
    pub skipped: std::collections::BTreeMap<String, u64>,
    /// Offsets between local and GMT post dates, in minutes.
    pub offsets: BTreeSet<i64>,
    /// Addresses of the imported attachment records.
    pub attachment_urls: Vec<String>,
}

impl Report {
    fn count(&mut self, what: &'static str, outcome: Outcome) {
        let entry = self.counts.entry(what).or_default();
        match outcome {
            Outcome::Created(_) => entry.0 += 1,
            Outcome::Existing(_) => entry.1 += 1,
        }
    }
}

/// The state of one run: WordPress ids and slugs to store ids.
struct Run<'a> {
    tx: Box<dyn Import>,
    report: &'a mut Report,
    authors_by_login: HashMap<String, i64>,
    authors_by_wp_id: HashMap<i64, i64>,
    terms: HashMap<(TermKind, String), i64>,
    articles: HashMap<i64, i64>,
    attachments: HashMap<i64, Attachment>,
    late_galleries: Vec<(i64, String)>,
}

/// Reads `path` and imports it, in short transactions while the site keeps
/// working. A run that stops (bad input, a failing disk, Ctrl-C) is undone:
/// the site is as it was. With `dry_run`, the run happens on a private copy
/// of the site and is thrown away, so the report is exact.
pub async fn run(
    store: &dyn Store,
    path: &Path,
    dry_run: bool,
    stop: &AtomicBool,
    on_progress: &mut dyn FnMut(u64, u64),
) -> anyhow::Result<Report> {
    let (records, progress) = reader::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mode = if dry_run { ImportMode::DryRun } else { ImportMode::Apply };
    let mut report = Report::default();
    let tx = store.begin_import(mode).await?;
    let mut run = Run {
        tx,
        report: &mut report,
        authors_by_login: HashMap::new(),
        authors_by_wp_id: HashMap::new(),
        terms: HashMap::new(),
        articles: HashMap::new(),
        attachments: HashMap::new(),
        late_galleries: Vec::new(),
    };
    let outcome = run.all(path, records, &progress, stop, on_progress).await;
    let tx = run.tx;
    match outcome {
        Ok(()) if !dry_run => tx.commit().await?,
        Ok(()) => tx.abort().await?,
        Err(e) => {
            if let Err(undo) = tx.abort().await {
                return Err(e.context(format!(
                    "the run could not be undone yet ({undo}); the next import undoes it"
                )));
            }
            return Err(e.context("Nothing was imported: the site is as it was before this run."));
        }
    }
    Ok(report)
}

/// WordPress's `Y-m-d H:i:s`; `None` for its zero date.
fn wp_time(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if s.is_empty() || s.starts_with("0000") {
        return None;
    }
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S")
        .ok()
        .map(|t| t.and_utc())
}

fn slug_or(slug: &str, fallback: &str) -> Option<Slug> {
    Slug::parse(&slug.trim().to_lowercase())
        .ok()
        .or_else(|| Slug::from_title(fallback).ok())
}

impl Run<'_> {
    /// Every record of the file, then what waited for the end.
    async fn all(
        &mut self,
        path: &Path,
        records: impl Iterator<Item = Result<Record, reader::WxrError>>,
        progress: &reader::Progress,
        stop: &AtomicBool,
        on_progress: &mut dyn FnMut(u64, u64),
    ) -> anyhow::Result<()> {
        let mut items = 0u64;
        for record in records {
            if stop.load(Ordering::Relaxed) {
                bail!("the import was interrupted");
            }
            let record = record.map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
            match record {
                Record::Site(_) => {}
                Record::Author(a) => self.author(&a).await?,
                Record::Term(t) => self.term(&t).await?,
                Record::Item(item) => {
                    self.item(&item)
                        .await
                        .with_context(|| format!("item {} ({:?})", item.id, item.title))?;
                    items += 1;
                    on_progress(items, progress.bytes());
                }
            }
        }
        self.finish().await
    }

    async fn author(&mut self, a: &reader::WxrAuthor) -> anyhow::Result<()> {
        let login = Login::parse(&a.login)
            .or_else(|_| Login::parse(&a.login.replace(' ', "-")))
            .with_context(|| format!("author {:?} has a login byline cannot use", a.login))?;
        let display_name = if a.display_name.trim().is_empty() {
            a.login.clone()
        } else {
            a.display_name.clone()
        };
        let email = Some(a.email.trim().to_owned()).filter(|e| !e.is_empty());
        let outcome = self
            .tx
            .author(&ImportAuthor {
                wp_id: a.id,
                login: login.clone(),
                email,
                display_name,
            })
            .await?;
        self.report.count("authors", outcome);
        self.authors_by_login.insert(a.login.clone(), outcome.id());
        self.authors_by_wp_id.insert(a.id, outcome.id());
        Ok(())
    }

    async fn term(&mut self, t: &reader::WxrTerm) -> anyhow::Result<()> {
        let kind = match t.taxonomy.as_str() {
            "category" => TermKind::Category,
            "post_tag" => TermKind::Tag,
            _ => return Ok(()), // Menus and custom taxonomies have no place in byline yet.
        };
        let Some(slug) = slug_or(&t.slug, &t.name) else {
            self.report
                .notes
                .push(format!("skipped {} {:?}: no usable slug", kind.as_str(), t.name));
            return Ok(());
        };
        if self.terms.contains_key(&(kind, slug.to_string())) {
            return Ok(()); // wp:term repeats wp:category and wp:tag.
        }
        let parent_id = self
            .terms
            .get(&(TermKind::Category, t.parent.clone()))
            .copied()
            .filter(|_| !t.parent.is_empty());
        let term = ImportTerm {
            wp_id: Some(t.id),
            kind,
            slug: slug.clone(),
            name: t.name.clone(),
            description: t.description.clone(),
            parent_id,
        };
        let outcome = self.tx.term(&term).await?;
        self.report.count(
            if kind == TermKind::Category {
                "categories"
            } else {
                "tags"
            },
            outcome,
        );
        self.terms.insert((kind, slug.to_string()), outcome.id());
        Ok(())
    }

    /// The store id of an item's category or tag, creating it when the
    /// header did not declare it.
    async fn item_term(&mut self, kind: TermKind, slug: &str, name: &str) -> anyhow::Result<Option<i64>> {
        let Some(slug) = slug_or(slug, name) else {
            return Ok(None);
        };
        if let Some(id) = self.terms.get(&(kind, slug.to_string())) {
            return Ok(Some(*id));
        }
        let term = ImportTerm {
            wp_id: None,
            kind,
            slug: slug.clone(),
            name: name.to_owned(),
            description: String::new(),
            parent_id: None,
        };
        let outcome = self.tx.term(&term).await?;
        self.terms.insert((kind, slug.to_string()), outcome.id());
        Ok(Some(outcome.id()))
    }

    async fn item(&mut self, item: &WxrItem) -> anyhow::Result<()> {
        match item.post_type.as_str() {
            "post" | "page" => self.article(item).await,
            "attachment" => self.attachment(item).await,
            other => {
                *self.report.skipped.entry(other.to_owned()).or_default() += 1;
                Ok(())
            }
        }
    }

    async fn attachment(&mut self, item: &WxrItem) -> anyhow::Result<()> {
        let meta = |key: &str| {
            item.meta
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        let url = item.attachment_url.trim().to_owned();
        let record = ImportAttachment {
            wp_id: item.id,
            article_id: self.articles.get(&item.parent).copied(),
            title: item.title.clone(),
            mime_type: mime_of(&url).to_owned(),
            alt: meta("_wp_attachment_image_alt"),
            caption: item.excerpt.clone(),
            created_at: wp_time(&item.date_gmt).unwrap_or_else(Utc::now),
            url: url.clone(),
        };
        let outcome = self.tx.attachment(&record).await?;
        self.report.count("attachments", outcome);
        self.report.attachment_urls.push(record.url.clone());
        self.attachments.insert(
            item.id,
            Attachment {
                url,
                alt: record.alt,
                caption: record.caption,
            },
        );
        Ok(())
    }

    async fn article(&mut self, item: &WxrItem) -> anyhow::Result<()> {
        let kind = if item.post_type == "page" {
            ArticleKind::Page
        } else {
            ArticleKind::Post
        };
        let Some(status) = ArticleStatus::parse(item.status.trim()) else {
            *self
                .report
                .skipped
                .entry(format!("{} with status {:?}", item.post_type, item.status))
                .or_default() += 1;
            return Ok(());
        };
        let author_id = match self.authors_by_login.get(&item.creator) {
            Some(id) => *id,
            None => bail!("its author {:?} is not among the export's authors", item.creator),
        };
        let published_at = wp_time(&item.date_gmt);
        if let (Some(local), Some(gmt)) = (wp_time(&item.date), published_at) {
            self.report.offsets.insert((local - gmt).num_minutes());
        }
        let converted = {
            let attachments = &self.attachments;
            content::convert(&item.content, &|id| attachments.get(&id).cloned())
        };
        self.report
            .unknown_shortcodes
            .extend(converted.unknown_shortcodes.iter().cloned());
        let mut term_ids = Vec::new();
        for t in &item.terms {
            let kind = match t.domain.as_str() {
                "category" => TermKind::Category,
                "post_tag" => TermKind::Tag,
                _ => continue,
            };
            if let Some(id) = self.item_term(kind, &t.nicename, &t.name).await? {
                term_ids.push(id);
            }
        }
        let modified = wp_time(&item.modified_gmt);
        let article = NewArticle {
            kind,
            author_id,
            title: item.title.clone(),
            slug: Slug::parse(&item.slug.trim().to_lowercase()).ok(),
            body: converted.html,
            format: BodyFormat::Html,
            excerpt: Some(item.excerpt.trim().to_owned()).filter(|e| !e.is_empty()),
            status,
            comments: if item.comment_status == "closed" {
                CommentsOpen::Closed
            } else {
                CommentsOpen::Open
            },
            published_at,
            password: Some(item.password.clone()).filter(|p| !p.is_empty()),
            sticky: item.sticky,
            ..Default::default()
        };
        let old_slugs = item
            .meta
            .iter()
            .filter(|(k, _)| k == "_wp_old_slug")
            .filter_map(|(_, v)| Slug::parse(&v.trim().to_lowercase()).ok())
            .collect();
        let import = ImportArticle {
            wp_id: item.id,
            created_at: published_at.or(modified).unwrap_or_else(Utc::now),
            updated_at: modified.filter(|m| published_at.is_some_and(|p| *m > p + chrono::Duration::minutes(1))),
            article,
            term_ids,
            old_slugs,
        };
        let outcome = self.tx.article(&import).await?;
        self.report
            .count(if kind == ArticleKind::Page { "pages" } else { "posts" }, outcome);
        self.articles.insert(item.id, outcome.id());
        if converted.unresolved_gallery && matches!(outcome, Outcome::Created(_)) {
            self.late_galleries.push((outcome.id(), item.content.clone()));
        }
        self.comments(outcome.id(), &item.comments).await
    }

    /// Imports an article's comments in bulk, parents first. A reply whose
    /// parent is not in the export becomes a top-level comment, and the
    /// report says so.
    async fn comments(&mut self, article_id: i64, comments: &[WxrComment]) -> anyhow::Result<()> {
        let wp_ids: Vec<i64> = comments.iter().map(|c| c.id).collect();
        let slots: HashMap<i64, Slot> = wp_ids
            .iter()
            .copied()
            .zip(self.tx.comment_slots(&wp_ids).await?)
            .collect();
        let in_export: BTreeSet<i64> = wp_ids.iter().copied().collect();
        let mut placed: HashMap<i64, ImportedParent> = HashMap::new();
        let mut rows = Vec::with_capacity(comments.len());
        let mut waiting: Vec<&WxrComment> = comments.iter().collect();
        while !waiting.is_empty() {
            let before = waiting.len();
            let mut still = Vec::new();
            for c in waiting {
                let parent = match c.parent {
                    0 => None,
                    p if placed.contains_key(&p) => Some(placed[&p]),
                    p if in_export.contains(&p) => {
                        still.push(c);
                        continue;
                    }
                    p => {
                        self.report.notes.push(format!(
                            "comment {} replies to comment {p}, which is not in the export: imported as a top-level comment",
                            c.id
                        ));
                        None
                    }
                };
                let place = self.place(article_id, parent, c, slots[&c.id], &mut rows);
                placed.insert(c.id, place);
            }
            if still.len() == before {
                // A loop of parents: break it by importing them at the top level.
                for c in &still {
                    self.report.notes.push(format!(
                        "comment {}'s reply chain loops: imported as a top-level comment",
                        c.id
                    ));
                    let place = self.place(article_id, None, c, slots[&c.id], &mut rows);
                    placed.insert(c.id, place);
                }
                still.clear();
            }
            waiting = still;
        }
        self.tx.insert_comments(&rows).await?;
        Ok(())
    }

    /// Gives a comment its place: where it was imported before, or a new
    /// row under its parent (added to `rows`).
    fn place(
        &mut self,
        article_id: i64,
        parent: Option<ImportedParent>,
        c: &WxrComment,
        slot: Slot,
        rows: &mut Vec<ImportComment>,
    ) -> ImportedParent {
        let id = match slot {
            Slot::Existing(place) => {
                self.report.count("comments", Outcome::Existing(place.id));
                return place;
            }
            Slot::Free(id) => id,
        };
        let (status, label) = match c.approved.trim() {
            "1" | "approve" => (CommentStatus::Approved, "approved"),
            "0" | "hold" => (CommentStatus::Pending, "pending"),
            "spam" => (CommentStatus::Spam, "spam"),
            "trash" | "post-trashed" => (CommentStatus::Trash, "trash"),
            other => {
                self.report.notes.push(format!(
                    "comment {} has unknown status {other:?}: held for moderation",
                    c.id
                ));
                (CommentStatus::Pending, "pending")
            }
        };
        let place = ImportedParent {
            id,
            root_id: parent.map_or(id, |p| p.root_id),
            depth: parent.map_or(1, |p| p.depth + 1),
        };
        let url = c.author_url.trim();
        rows.push(ImportComment {
            id,
            wp_id: c.id,
            article_id,
            parent_id: parent.map(|p| p.id),
            root_id: place.root_id,
            depth: place.depth,
            author_name: byline_core::html::decode_entities(&c.author),
            author_email: c.author_email.trim().to_owned(),
            author_url: (url.starts_with("http://") || url.starts_with("https://")).then(|| url.to_owned()),
            author_ip: c.author_ip.clone(),
            user_agent: c.agent.clone(),
            body: byline_wxr::comment_text::to_markdown(&c.content),
            status,
            kind: CommentKind::parse(c.kind.trim()).unwrap_or_default(),
            author_id: self.authors_by_wp_id.get(&c.user_id).copied(),
            created_at: wp_time(&c.date_gmt)
                .or_else(|| wp_time(&c.date))
                .unwrap_or_else(Utc::now),
        });
        self.report.count("comments", Outcome::Created(id));
        *self.report.comments_by_status.entry(label).or_default() += 1;
        place
    }

    /// Galleries that named attachments exported after their post.
    async fn finish(&mut self) -> anyhow::Result<()> {
        for (id, raw) in std::mem::take(&mut self.late_galleries) {
            let attachments = &self.attachments;
            let converted = content::convert(&raw, &|a| attachments.get(&a).cloned());
            if converted.unresolved_gallery {
                self.report.notes.push(format!(
                    "article {id}: a gallery names images that are not in the export"
                ));
            }
            self.tx.set_body(id, &converted.html).await?;
        }
        Ok(())
    }
}

fn mime_of(url: &str) -> &'static str {
    let ext = url.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "svg" => "image/svg+xml",
        "pdf" => "application/pdf",
        "mp3" => "audio/mpeg",
        "mp4" => "video/mp4",
        _ => "application/octet-stream",
    }
}
