//! The WordPress import, written in short transactions (see [`slices`])
//! while the site keeps working, and journalled (see [`journal`]) so that
//! a run that fails is undone. The published articles it adds stay drafts
//! until the run finishes, so readers never see half an import.
//!
//! A dry run works on a private copy of the database (`VACUUM INTO`, which
//! only reads the site), so it takes no lock on the site at all and its
//! report is exactly what the real run would do.

mod journal;
mod slices;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use async_trait::async_trait;
use byline_core::ArticleStatus;
use byline_store::StoreResult;
use byline_store::import::{
    Import, ImportArticle, ImportAttachment, ImportAuthor, ImportComment, ImportTerm, ImportedParent, Outcome, Slot,
};
use sqlx::{QueryBuilder, Sqlite, SqliteConnection, SqlitePool};

use self::slices::Slices;
use crate::articles::{self, Stamps};
use crate::backend;
use crate::time::encode;

/// An import in progress.
pub struct SqliteImport {
    slices: Slices,
    /// The highest comment id in use, for ids given out when a WordPress id is taken.
    high: i64,
    /// Ids given out in this run, so a later WordPress id does not reuse one.
    allocated: HashSet<i64>,
    /// Articles this run created: their comments go with them when it is undone.
    created_articles: HashSet<i64>,
    /// A dry run's private copy, removed when the import ends.
    _scratch: Option<Scratch>,
}

/// Where the dry run's copy lives (removed on drop).
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl SqliteImport {
    /// Starts a run against the site written through `writer`.
    pub async fn begin(writer: &SqlitePool) -> StoreResult<Self> {
        let run = journal::start(writer, chrono::Utc::now()).await?;
        Self::on(writer.clone(), run, true, None).await
    }

    /// Starts a dry run: a private copy of the site at `database` (read
    /// through `readers`), imported into and then thrown away.
    pub async fn begin_dry_run(readers: &SqlitePool, database: &Path) -> StoreResult<Self> {
        let dir = database.parent().unwrap_or(Path::new(".")).join(format!(
            ".import-dry-run-{}-{}",
            std::process::id(),
            rand::random::<u32>()
        ));
        crate::files::create_private_dir(&dir)?;
        let scratch = Scratch(dir);
        let copy = scratch.0.join(crate::DATABASE_FILE);
        sqlx::query("VACUUM INTO ?")
            .bind(copy.to_string_lossy().into_owned())
            .execute(readers)
            .await
            .map_err(backend)?;
        // The copy has the site's schema, so no migration runs on it.
        let writer = crate::writer_pool(crate::connect_options(&copy)?).await?;
        let run = journal::start(&writer, chrono::Utc::now()).await?;
        Self::on(writer, run, false, Some(scratch)).await
    }

    async fn on(writer: SqlitePool, run: i64, shared: bool, scratch: Option<Scratch>) -> StoreResult<Self> {
        let high: i64 = sqlx::query_scalar("SELECT COALESCE(max(id), 0) FROM comments")
            .fetch_one(&writer)
            .await
            .map_err(backend)?;
        Ok(Self {
            slices: Slices::new(writer, run, shared),
            high,
            allocated: HashSet::new(),
            created_articles: HashSet::new(),
            _scratch: scratch,
        })
    }
}

/// The id of the row of `table` with this WordPress id. `table` is one of
/// this module's fixed names.
async fn by_wp_id(conn: &mut SqliteConnection, table: &'static str, wp_id: i64) -> StoreResult<Option<i64>> {
    sqlx::query_scalar(&format!("SELECT id FROM {table} WHERE wp_id = ?"))
        .bind(wp_id)
        .fetch_optional(conn)
        .await
        .map_err(backend)
}

#[async_trait]
impl Import for SqliteImport {
    async fn author(&mut self, a: &ImportAuthor) -> StoreResult<Outcome> {
        let run = self.slices.run;
        let conn = self.slices.conn().await?;
        let outcome = add_author(conn, run, a).await?;
        self.slices.step().await?;
        Ok(outcome)
    }

    async fn term(&mut self, t: &ImportTerm) -> StoreResult<Outcome> {
        let run = self.slices.run;
        let conn = self.slices.conn().await?;
        let outcome = add_term(conn, run, t).await?;
        self.slices.step().await?;
        Ok(outcome)
    }

    async fn article(&mut self, a: &ImportArticle) -> StoreResult<Outcome> {
        let run = self.slices.run;
        let conn = self.slices.conn().await?;
        let outcome = add_article(conn, run, a).await?;
        if let Outcome::Created(id) = outcome {
            self.created_articles.insert(id);
        }
        self.slices.step().await?;
        Ok(outcome)
    }

    async fn comment_slots(&mut self, wp_ids: &[i64]) -> StoreResult<Vec<Slot>> {
        if wp_ids.is_empty() {
            return Ok(Vec::new());
        }
        let conn = self.slices.conn().await?;
        let mut existing: HashMap<i64, ImportedParent> = HashMap::new();
        let mut taken: HashSet<i64> = HashSet::new();
        // Two lists of ids a statement; SQLite takes 32,766 parameters.
        for chunk in wp_ids.chunks(10_000) {
            // In one statement: where these WordPress comments already are,
            // which of their ids are taken, and the highest id in use
            // (visitors may have commented since the last look: new ids go
            // above theirs).
            let mut b: QueryBuilder<Sqlite> =
                QueryBuilder::new("SELECT 'placed', wp_id, id, root_id, depth FROM comments WHERE wp_id IN (");
            let mut list = b.separated(", ");
            for id in chunk {
                list.push_bind(*id);
            }
            b.push(") UNION ALL SELECT 'taken', id, id, 0, 0 FROM comments WHERE id IN (");
            let mut list = b.separated(", ");
            for id in chunk {
                list.push_bind(*id);
            }
            b.push(") UNION ALL SELECT 'high', 0, COALESCE(max(id), 0), 0, 0 FROM comments");
            let rows: Vec<(String, i64, i64, i64, i64)> =
                b.build_query_as().fetch_all(&mut *conn).await.map_err(backend)?;
            for (what, wp, id, root_id, depth) in rows {
                match what.as_str() {
                    "placed" => {
                        existing.insert(
                            wp,
                            ImportedParent {
                                id,
                                root_id,
                                depth: u32::try_from(depth).unwrap_or(1),
                            },
                        );
                    }
                    "taken" => {
                        taken.insert(id);
                    }
                    _ => self.high = self.high.max(id),
                }
            }
        }
        let mut slots = Vec::with_capacity(wp_ids.len());
        for wp in wp_ids {
            slots.push(match existing.get(wp) {
                Some(place) => Slot::Existing(*place),
                None if *wp > 0 && !taken.contains(wp) && !self.allocated.contains(wp) => Slot::Free(*wp),
                None => {
                    // Above every id there is or was given out in this run.
                    self.high += 1;
                    self.allocated.insert(self.high);
                    Slot::Free(self.high)
                }
            });
        }
        Ok(slots)
    }

    async fn insert_comments(&mut self, comments: &[ImportComment]) -> StoreResult<()> {
        // Threads in the order of their time (each takes its place without
        // moving others), replies after the comments they answer.
        let mut ordered: Vec<&ImportComment> = comments.iter().collect();
        ordered.sort_by_key(|c| (c.depth, c.created_at, c.id));
        // In the transaction that gave out their ids (`comment_slots`), so no
        // visitor's comment can take one in between.
        let run = self.slices.run;
        let conn = self.slices.conn().await?;
        // 16 values a row; SQLite takes 32,766 per statement.
        for chunk in ordered.chunks(1_000) {
            let mut b: QueryBuilder<Sqlite> = QueryBuilder::new(
                "INSERT INTO comments (id, article_id, parent_id, root_id, depth, author_name, author_email, author_url, \
                 author_ip, user_agent, body, status, created_at, kind, author_id, wp_id) ",
            );
            b.push_values(chunk, |mut row, c| {
                row.push_bind(c.id)
                    .push_bind(c.article_id)
                    .push_bind(c.parent_id)
                    .push_bind(c.root_id)
                    .push_bind(i64::from(c.depth))
                    .push_bind(c.author_name.clone())
                    .push_bind(c.author_email.clone())
                    .push_bind(c.author_url.clone())
                    .push_bind(c.author_ip.clone())
                    .push_bind(c.user_agent.clone())
                    .push_bind(c.body.clone())
                    .push_bind(c.status.as_str())
                    .push_bind(encode(c.created_at))
                    .push_bind(c.kind.as_str())
                    .push_bind(c.author_id)
                    .push_bind(c.wp_id);
            });
            b.build().execute(&mut *conn).await.map_err(backend)?;
            for c in chunk.iter().filter(|c| !self.created_articles.contains(&c.article_id)) {
                journal::record(conn, run, "created", "comments", c.id, None).await?;
            }
        }
        self.high = comments.iter().map(|c| c.id).fold(self.high, i64::max);
        self.slices.step().await
    }

    async fn attachment(&mut self, a: &ImportAttachment) -> StoreResult<Outcome> {
        let run = self.slices.run;
        let conn = self.slices.conn().await?;
        if let Some(id) = by_wp_id(conn, "attachments", a.wp_id).await? {
            return Ok(Outcome::Existing(id));
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO attachments (article_id, title, url, mime_type, alt, caption, created_at, wp_id) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(a.article_id)
        .bind(&a.title)
        .bind(&a.url)
        .bind(&a.mime_type)
        .bind(&a.alt)
        .bind(&a.caption)
        .bind(encode(a.created_at))
        .bind(a.wp_id)
        .fetch_one(&mut *conn)
        .await
        .map_err(backend)?;
        journal::record(conn, run, "created", "attachments", id, None).await?;
        self.slices.step().await?;
        Ok(Outcome::Created(id))
    }

    async fn set_body(&mut self, article_id: i64, body: &str) -> StoreResult<()> {
        let conn = self.slices.conn().await?;
        let (title, format, status, password): (String, String, String, Option<String>) =
            sqlx::query_as("UPDATE articles SET body = ? WHERE id = ? RETURNING title, format, status, password")
                .bind(body)
                .bind(article_id)
                .fetch_one(&mut *conn)
                .await
                .map_err(backend)?;
        let format = byline_core::BodyFormat::parse(&format).unwrap_or_default();
        let status = ArticleStatus::parse(&status).unwrap_or_default();
        articles::index(conn, article_id, &title, body, format, status, password.as_deref()).await?;
        self.slices.step().await
    }

    async fn commit(mut self: Box<Self>) -> StoreResult<()> {
        self.slices.finish().await?;
        journal::publish(&mut self.slices).await
    }

    async fn abort(mut self: Box<Self>) -> StoreResult<()> {
        self.slices.finish().await?;
        if self._scratch.is_some() {
            // The copy goes as a whole.
            return Ok(());
        }
        journal::undo(&mut self.slices).await
    }
}

async fn add_author(conn: &mut SqliteConnection, run: i64, a: &ImportAuthor) -> StoreResult<Outcome> {
    if let Some(id) = by_wp_id(conn, "authors", a.wp_id).await? {
        return Ok(Outcome::Existing(id));
    }
    let same_login: Option<i64> = sqlx::query_scalar("SELECT id FROM authors WHERE login = ?")
        .bind(a.login.as_str())
        .fetch_optional(&mut *conn)
        .await
        .map_err(backend)?;
    if let Some(id) = same_login {
        let set = sqlx::query("UPDATE authors SET wp_id = ? WHERE id = ? AND wp_id IS NULL")
            .bind(a.wp_id)
            .bind(id)
            .execute(&mut *conn)
            .await
            .map_err(backend)?;
        if set.rows_affected() > 0 {
            journal::record(conn, run, "wp_id", "authors", id, None).await?;
        }
        return Ok(Outcome::Existing(id));
    }
    let base = a.login.nicename();
    let mut nicename = base.clone();
    let mut n = 2;
    while sqlx::query_scalar::<_, i64>("SELECT id FROM authors WHERE nicename = ?")
        .bind(&nicename)
        .fetch_optional(&mut *conn)
        .await
        .map_err(backend)?
        .is_some()
    {
        nicename = format!("{base}-{n}");
        n += 1;
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO authors (login, nicename, email, display_name, created_at, wp_id) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(a.login.as_str())
    .bind(&nicename)
    .bind(&a.email)
    .bind(&a.display_name)
    .bind(encode(chrono::Utc::now()))
    .bind(a.wp_id)
    .fetch_one(&mut *conn)
    .await
    .map_err(backend)?;
    journal::record(conn, run, "created", "authors", id, None).await?;
    Ok(Outcome::Created(id))
}

async fn add_term(conn: &mut SqliteConnection, run: i64, t: &ImportTerm) -> StoreResult<Outcome> {
    if let Some(wp_id) = t.wp_id
        && let Some(id) = by_wp_id(conn, "terms", wp_id).await?
    {
        return Ok(Outcome::Existing(id));
    }
    let same: Option<i64> = sqlx::query_scalar("SELECT id FROM terms WHERE kind = ? AND slug = ?")
        .bind(t.kind.as_str())
        .bind(t.slug.as_str())
        .fetch_optional(&mut *conn)
        .await
        .map_err(backend)?;
    if let Some(id) = same {
        let set = sqlx::query("UPDATE terms SET wp_id = ? WHERE id = ? AND wp_id IS NULL")
            .bind(t.wp_id)
            .bind(id)
            .execute(&mut *conn)
            .await
            .map_err(backend)?;
        if t.wp_id.is_some() && set.rows_affected() > 0 {
            journal::record(conn, run, "wp_id", "terms", id, None).await?;
        }
        return Ok(Outcome::Existing(id));
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO terms (kind, slug, name, description, parent_id, wp_id) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(t.kind.as_str())
    .bind(t.slug.as_str())
    .bind(&t.name)
    .bind(&t.description)
    .bind(t.parent_id)
    .bind(t.wp_id)
    .fetch_one(&mut *conn)
    .await
    .map_err(backend)?;
    journal::record(conn, run, "created", "terms", id, None).await?;
    Ok(Outcome::Created(id))
}

async fn add_article(conn: &mut SqliteConnection, run: i64, a: &ImportArticle) -> StoreResult<Outcome> {
    if let Some(id) = by_wp_id(conn, "articles", a.wp_id).await? {
        return Ok(Outcome::Existing(id));
    }
    let base = match &a.article.slug {
        Some(slug) => slug.clone(),
        None => byline_core::Slug::from_title(&a.article.title)
            .or_else(|_| byline_core::Slug::parse(&format!("post-{}", a.wp_id)))
            .map_err(|e| byline_store::StoreError::Backend(e.to_string()))?,
    };
    let slug = articles::unique_slug(conn, a.article.kind, &base).await?;
    let stamps = Stamps {
        created_at: a.created_at,
        updated_at: a.updated_at,
        wp_id: Some(a.wp_id),
    };
    // A published article waits as a draft (with its date) until the run ends.
    let publish = a.article.status == ArticleStatus::Published;
    let mut staged = a.article.clone();
    if publish {
        staged.published_at = Some(staged.published_at.unwrap_or(a.created_at));
        staged.status = ArticleStatus::Draft;
    }
    let id = articles::insert(conn, &staged, &slug, stamps).await?;
    // Remembered for undoing, and (when published) for publishing at the end.
    journal::record(conn, run, "created", "articles", id, publish.then_some("published")).await?;
    if !a.term_ids.is_empty() {
        let mut b: QueryBuilder<Sqlite> = QueryBuilder::new("INSERT INTO article_terms (article_id, term_id) ");
        b.push_values(&a.term_ids, |mut row, term| {
            row.push_bind(id).push_bind(*term);
        });
        b.push(" ON CONFLICT DO NOTHING");
        b.build().execute(&mut *conn).await.map_err(backend)?;
    }
    if !a.old_slugs.is_empty() {
        let mut b: QueryBuilder<Sqlite> = QueryBuilder::new("INSERT INTO article_old_slugs (kind, slug, article_id) ");
        b.push_values(&a.old_slugs, |mut row, old| {
            row.push_bind(a.article.kind.as_str())
                .push_bind(old.as_str().to_owned())
                .push_bind(id);
        });
        b.push(" ON CONFLICT DO NOTHING");
        b.build().execute(&mut *conn).await.map_err(backend)?;
    }
    Ok(Outcome::Created(id))
}
