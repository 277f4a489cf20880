//! The bulk import, inside one `BEGIN IMMEDIATE` transaction.

use async_trait::async_trait;
use byline_store::StoreResult;
use std::collections::{HashMap, HashSet};

use byline_store::import::{
    Import, ImportArticle, ImportAttachment, ImportAuthor, ImportComment, ImportTerm, ImportedParent, Outcome, Slot,
};
use sqlx::{QueryBuilder, Sqlite, SqliteConnection, Transaction};

use crate::articles::{self, Stamps};
use crate::backend;
use crate::time::encode;

/// An import holding SQLite's write lock until it commits or is dropped.
pub struct SqliteImport {
    tx: Transaction<'static, Sqlite>,
    /// Definitions of the secondary indexes of `comments` and of the change
    /// triggers, dropped for the bulk insert and created again before the commit.
    dropped: Vec<String>,
    /// The highest comment id in use, for ids given out when a WordPress id is taken.
    high: i64,
    /// Ids given out in this run, so a later WordPress id does not reuse one.
    allocated: HashSet<i64>,
}

/// Page cache for the import's connection, in KiB (SQLite's negative form).
const IMPORT_CACHE_KIB: i64 = 64 * 1024;

impl SqliteImport {
    /// Starts an import: takes the write lock and sets the bulk-load stage.
    /// Everything, index changes included, is undone if the import is dropped.
    pub async fn begin(pool: &sqlx::SqlitePool) -> StoreResult<Self> {
        let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(backend)?;
        // Comment indexes are rebuilt in one pass each at the end; the change
        // triggers would record every row, and the commit marks the whole
        // site changed instead.
        let dropped: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND \
             ((type = 'index' AND tbl_name = 'comments') OR (type = 'trigger' AND name LIKE 'changes\\_%' ESCAPE '\\'))",
        )
        .fetch_all(&mut *tx)
        .await
        .map_err(backend)?;
        for (kind, name, _) in &dropped {
            let kind = if kind == "index" { "INDEX" } else { "TRIGGER" };
            sqlx::query(&format!("DROP {kind} \"{name}\""))
                .execute(&mut *tx)
                .await
                .map_err(backend)?;
        }
        sqlx::query(&format!("PRAGMA cache_size = -{IMPORT_CACHE_KIB}"))
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        let high: i64 = sqlx::query_scalar("SELECT COALESCE(max(id), 0) FROM comments")
            .fetch_one(&mut *tx)
            .await
            .map_err(backend)?;
        Ok(Self {
            tx,
            dropped: dropped.into_iter().map(|(_, _, sql)| sql).collect(),
            high,
            allocated: HashSet::new(),
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
        let conn = &mut *self.tx;
        if let Some(id) = by_wp_id(conn, "authors", a.wp_id).await? {
            return Ok(Outcome::Existing(id));
        }
        let same_login: Option<i64> = sqlx::query_scalar("SELECT id FROM authors WHERE login = ?")
            .bind(a.login.as_str())
            .fetch_optional(&mut *conn)
            .await
            .map_err(backend)?;
        if let Some(id) = same_login {
            sqlx::query("UPDATE authors SET wp_id = ? WHERE id = ? AND wp_id IS NULL")
                .bind(a.wp_id)
                .bind(id)
                .execute(&mut *conn)
                .await
                .map_err(backend)?;
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
        Ok(Outcome::Created(id))
    }

    async fn term(&mut self, t: &ImportTerm) -> StoreResult<Outcome> {
        let conn = &mut *self.tx;
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
            sqlx::query("UPDATE terms SET wp_id = ? WHERE id = ? AND wp_id IS NULL")
                .bind(t.wp_id)
                .bind(id)
                .execute(&mut *conn)
                .await
                .map_err(backend)?;
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
        Ok(Outcome::Created(id))
    }

    async fn article(&mut self, a: &ImportArticle) -> StoreResult<Outcome> {
        let conn = &mut *self.tx;
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
        let id = articles::insert(conn, &a.article, &slug, stamps).await?;
        for term in &a.term_ids {
            sqlx::query("INSERT INTO article_terms (article_id, term_id) VALUES (?, ?) ON CONFLICT DO NOTHING")
                .bind(id)
                .bind(term)
                .execute(&mut *conn)
                .await
                .map_err(backend)?;
        }
        for old in &a.old_slugs {
            sqlx::query(
                "INSERT INTO article_old_slugs (kind, slug, article_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            )
            .bind(a.article.kind.as_str())
            .bind(old.as_str())
            .bind(id)
            .execute(&mut *conn)
            .await
            .map_err(backend)?;
        }
        Ok(Outcome::Created(id))
    }

    async fn comment_slots(&mut self, wp_ids: &[i64]) -> StoreResult<Vec<Slot>> {
        if wp_ids.is_empty() {
            return Ok(Vec::new());
        }
        let conn = &mut *self.tx;
        let mut b: QueryBuilder<Sqlite> =
            QueryBuilder::new("SELECT wp_id, id, root_id, depth FROM comments WHERE wp_id IN (");
        let mut list = b.separated(", ");
        for id in wp_ids {
            list.push_bind(*id);
        }
        b.push(")");
        let rows: Vec<(i64, i64, i64, i64)> = b.build_query_as().fetch_all(&mut *conn).await.map_err(backend)?;
        let existing: HashMap<i64, ImportedParent> = rows
            .into_iter()
            .map(|(wp, id, root_id, depth)| {
                (
                    wp,
                    ImportedParent {
                        id,
                        root_id,
                        depth: u32::try_from(depth).unwrap_or(1),
                    },
                )
            })
            .collect();
        let mut b: QueryBuilder<Sqlite> = QueryBuilder::new("SELECT id FROM comments WHERE id IN (");
        let mut list = b.separated(", ");
        for id in wp_ids {
            list.push_bind(*id);
        }
        b.push(")");
        let taken: HashSet<i64> = b
            .build_query_scalar()
            .fetch_all(&mut *conn)
            .await
            .map_err(backend)?
            .into_iter()
            .collect();
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
        // 16 values a row; SQLite takes 32,766 per statement.
        for chunk in comments.chunks(1_000) {
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
            b.build().execute(&mut *self.tx).await.map_err(backend)?;
        }
        self.high = comments.iter().map(|c| c.id).fold(self.high, i64::max);
        Ok(())
    }

    async fn attachment(&mut self, a: &ImportAttachment) -> StoreResult<Outcome> {
        let conn = &mut *self.tx;
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
        Ok(Outcome::Created(id))
    }

    async fn set_body(&mut self, article_id: i64, body: &str) -> StoreResult<()> {
        let conn = &mut *self.tx;
        let (title, format, status, password): (String, String, String, Option<String>) =
            sqlx::query_as("UPDATE articles SET body = ? WHERE id = ? RETURNING title, format, status, password")
                .bind(body)
                .bind(article_id)
                .fetch_one(&mut *conn)
                .await
                .map_err(backend)?;
        let format = byline_core::BodyFormat::parse(&format).unwrap_or_default();
        let status = byline_core::ArticleStatus::parse(&status).unwrap_or_default();
        articles::index(conn, article_id, &title, body, format, status, password.as_deref()).await
    }

    async fn commit(mut self: Box<Self>) -> StoreResult<()> {
        for sql in &self.dropped {
            sqlx::query(sql).execute(&mut *self.tx).await.map_err(backend)?;
        }
        // Anything may have changed: every cached page goes.
        sqlx::query("INSERT INTO record_change (tag) VALUES ('site')")
            .execute(&mut *self.tx)
            .await
            .map_err(backend)?;
        sqlx::query("PRAGMA cache_size = -2000")
            .execute(&mut *self.tx)
            .await
            .map_err(backend)?;
        self.tx.commit().await.map_err(backend)
    }
}
