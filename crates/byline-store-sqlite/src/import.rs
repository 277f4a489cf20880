//! The bulk import, inside one `BEGIN IMMEDIATE` transaction.

use async_trait::async_trait;
use byline_store::StoreResult;
use byline_store::import::{
    Import, ImportArticle, ImportAttachment, ImportAuthor, ImportComment, ImportTerm, ImportedParent, Outcome, Placed,
};
use sqlx::{Sqlite, SqliteConnection, Transaction};

use crate::articles::{self, Stamps};
use crate::backend;
use crate::time::encode;

/// An import holding SQLite's write lock until it commits or is dropped.
pub struct SqliteImport {
    tx: Transaction<'static, Sqlite>,
    /// Secondary indexes of `comments`, dropped for the bulk insert and
    /// built again (in one pass each) before the commit.
    comment_indexes: Vec<String>,
}

/// Page cache for the import's connection, in KiB (SQLite's negative form).
const IMPORT_CACHE_KIB: i64 = 64 * 1024;

impl SqliteImport {
    /// Starts an import: takes the write lock and sets the bulk-load stage.
    /// Everything, index changes included, is undone if the import is dropped.
    pub async fn begin(pool: &sqlx::SqlitePool) -> StoreResult<Self> {
        let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(backend)?;
        let indexes: Vec<(String, String)> = sqlx::query_as(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'comments' AND sql IS NOT NULL",
        )
        .fetch_all(&mut *tx)
        .await
        .map_err(backend)?;
        for (name, _) in &indexes {
            sqlx::query(&format!("DROP INDEX \"{name}\"")).execute(&mut *tx).await.map_err(backend)?;
        }
        sqlx::query(&format!("PRAGMA cache_size = -{IMPORT_CACHE_KIB}")).execute(&mut *tx).await.map_err(backend)?;
        Ok(Self { tx, comment_indexes: indexes.into_iter().map(|(_, sql)| sql).collect() })
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

/// An imported comment's place in its thread, by WordPress id.
async fn comment_place(conn: &mut SqliteConnection, wp_id: i64) -> StoreResult<Option<ImportedParent>> {
    let row: Option<(i64, i64, i64)> = sqlx::query_as("SELECT id, root_id, depth FROM comments WHERE wp_id = ?")
        .bind(wp_id)
        .fetch_optional(conn)
        .await
        .map_err(backend)?;
    Ok(row.map(|(id, root_id, depth)| ImportedParent { id, root_id, depth: u32::try_from(depth).unwrap_or(1) }))
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

    async fn comment(&mut self, c: &ImportComment) -> StoreResult<Placed> {
        let conn = &mut *self.tx;
        let depth = c.parent.map_or(1, |p| p.depth + 1);
        // One statement per comment: the WordPress id is kept as byline's own
        // when it is free (so old `#comment-ID` links land on the same
        // comment), a top-level comment takes its own id as root (trigger),
        // and a comment imported before is left alone.
        let created: Option<(i64, i64)> = sqlx::query_as(
            "INSERT INTO comments (id, article_id, parent_id, root_id, depth, author_name, author_email, author_url, \
             author_ip, user_agent, body, status, created_at, kind, author_id, wp_id) \
             VALUES (CASE WHEN EXISTS (SELECT 1 FROM comments WHERE id = ?) THEN NULL ELSE ? END, \
             ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (wp_id) DO NOTHING RETURNING id, root_id",
        )
        .bind(c.wp_id)
        .bind(c.wp_id)
        .bind(c.article_id)
        .bind(c.parent.map(|p| p.id))
        .bind(c.parent.map_or(0, |p| p.root_id))
        .bind(i64::from(depth))
        .bind(&c.author_name)
        .bind(&c.author_email)
        .bind(&c.author_url)
        .bind(&c.author_ip)
        .bind(&c.user_agent)
        .bind(&c.body)
        .bind(c.status.as_str())
        .bind(encode(c.created_at))
        .bind(c.kind.as_str())
        .bind(c.author_id)
        .bind(c.wp_id)
        .fetch_optional(&mut *conn)
        .await
        .map_err(backend)?;
        match created {
            // RETURNING shows the row before the trigger: a new root is its own id.
            Some((id, root)) => Ok(Placed { outcome: Outcome::Created(id), root_id: if root == 0 { id } else { root }, depth }),
            None => {
                let existing = comment_place(conn, c.wp_id).await?.ok_or_else(|| {
                    byline_store::StoreError::Backend(format!("comment {} neither inserted nor found", c.wp_id))
                })?;
                Ok(Placed { outcome: Outcome::Existing(existing.id), root_id: existing.root_id, depth: existing.depth })
            }
        }
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

    async fn comment_by_wp_id(&mut self, wp_id: i64) -> StoreResult<Option<ImportedParent>> {
        comment_place(&mut self.tx, wp_id).await
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
        for sql in &self.comment_indexes {
            sqlx::query(sql).execute(&mut *self.tx).await.map_err(backend)?;
        }
        sqlx::query("PRAGMA cache_size = -2000").execute(&mut *self.tx).await.map_err(backend)?;
        self.tx.commit().await.map_err(backend)
    }
}
