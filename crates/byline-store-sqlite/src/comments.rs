//! Comments: submission with its checks in one write transaction, pages of
//! threads, and moderation.

use std::collections::HashSet;

use byline_core::submission::{CommentFacts, ParentFacts};
use byline_core::{Comment, CommentId, CommentStatus};
use byline_store::{CommentPage, Decide, NewComment, StoreError, StoreResult, SubmitError};
use chrono::{DateTime, Utc};
use sqlx::{QueryBuilder, Sqlite, SqliteConnection, SqlitePool};

use crate::backend;
use crate::rows::{COMMENT_COLUMNS, CommentRow};
use crate::time::{decode_opt, encode};

pub async fn submit(pool: &SqlitePool, c: &NewComment, decide: Decide<'_>) -> Result<Comment, SubmitError> {
    // IMMEDIATE takes the write lock first, so the facts cannot change
    // between the checks and the insert (no double post slips through).
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(backend)?;
    let facts = gather_facts(&mut tx, c).await?;
    let placement = decide(&facts)?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO comments (article_id, parent_id, root_id, depth, author_name, author_email, author_url, \
                  author_ip, user_agent, body, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(c.article_id)
    .bind(placement.parent_id.map(|p| p.0))
    // A new thread's root is its own id, set by the `comments_own_root` trigger.
    .bind(placement.root_id.map_or(0, |r| r.0))
    .bind(i64::from(placement.depth))
    .bind(&c.author_name)
    .bind(&c.author_email)
    .bind(&c.author_url)
    .bind(&c.author_ip)
    .bind(&c.user_agent)
    .bind(&c.body)
    .bind(placement.status.as_str())
    .bind(encode(c.created_at))
    .fetch_one(&mut *tx)
    .await
    .map_err(backend)?;

    let comment = fetch(&mut tx, CommentId(id))
        .await?
        .ok_or_else(|| StoreError::Backend("inserted comment vanished".into()))?;
    tx.commit().await.map_err(backend)?;
    Ok(comment)
}

async fn gather_facts(conn: &mut SqliteConnection, c: &NewComment) -> StoreResult<CommentFacts> {
    let parent = match c.parent_id {
        None => None,
        Some(pid) => {
            let row: Option<(i64, String, i64, i64)> =
                sqlx::query_as("SELECT article_id, status, depth, root_id FROM comments WHERE id = ?")
                    .bind(pid.0)
                    .fetch_optional(&mut *conn)
                    .await
                    .map_err(backend)?;
            Some(row.and_then(|(article_id, status, depth, root_id)| {
                Some(ParentFacts {
                    article_id,
                    status: CommentStatus::parse(&status)?,
                    depth: u32::try_from(depth).ok()?,
                    root_id: CommentId(root_id),
                })
            }))
        }
    };
    // WordPress's duplicate rule: same article, same parent, same text,
    // same name or email, not in the trash.
    let duplicate: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM comments WHERE article_id = ? AND parent_id IS ? AND body = ? \
         AND (author_name = ? OR author_email = ?) AND status != 'trash' LIMIT 1",
    )
    .bind(c.article_id)
    .bind(c.parent_id.map(|p| p.0))
    .bind(&c.body)
    .bind(&c.author_name)
    .bind(&c.author_email)
    .fetch_optional(&mut *conn)
    .await
    .map_err(backend)?;
    let last: Option<String> = sqlx::query_scalar("SELECT max(created_at) FROM comments WHERE author_ip = ?")
        .bind(&c.author_ip)
        .fetch_one(&mut *conn)
        .await
        .map_err(backend)?;
    let known: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM comments WHERE author_email = ? AND author_name = ? AND status = 'approved' LIMIT 1",
    )
    .bind(&c.author_email)
    .bind(&c.author_name)
    .fetch_optional(&mut *conn)
    .await
    .map_err(backend)?;
    Ok(CommentFacts {
        article_id: c.article_id,
        parent,
        duplicate: duplicate.is_some(),
        last_from_address: decode_opt(last.as_deref()).map_err(backend)?,
        known_commenter: known.is_some(),
        now: c.created_at,
    })
}

/// `status = 'approved' OR id IN (also_visible)`, bound safely.
fn push_visible(b: &mut QueryBuilder<'_, Sqlite>, also_visible: &[CommentId]) {
    b.push("(status = 'approved'");
    if !also_visible.is_empty() {
        b.push(" OR (status = 'pending' AND id IN (");
        let mut ids = b.separated(", ");
        for id in also_visible {
            ids.push_bind(id.0);
        }
        b.push("))");
    }
    b.push(")");
}

pub async fn page(
    pool: &SqlitePool,
    article_id: i64,
    page: u32,
    per_page: u32,
    also_visible: &[CommentId],
) -> StoreResult<CommentPage> {
    let mut conn = pool.acquire().await.map_err(backend)?;
    let mut b: QueryBuilder<Sqlite> = QueryBuilder::new("SELECT count(*) FROM comments WHERE article_id = ");
    b.push_bind(article_id).push(" AND depth = 1 AND ");
    push_visible(&mut b, also_visible);
    let threads: i64 = b.build_query_scalar().fetch_one(&mut *conn).await.map_err(backend)?;
    let approved: i64 =
        sqlx::query_scalar("SELECT count(*) FROM comments WHERE article_id = ? AND status = 'approved'")
            .bind(article_id)
            .fetch_one(&mut *conn)
            .await
            .map_err(backend)?;

    let mut b: QueryBuilder<Sqlite> = QueryBuilder::new("SELECT id FROM comments WHERE article_id = ");
    b.push_bind(article_id).push(" AND depth = 1 AND ");
    push_visible(&mut b, also_visible);
    b.push(" ORDER BY created_at, id LIMIT ")
        .push_bind(i64::from(per_page))
        .push(" OFFSET ")
        .push_bind(i64::from(page.saturating_sub(1)) * i64::from(per_page));
    let roots: Vec<i64> = b.build_query_scalar().fetch_all(&mut *conn).await.map_err(backend)?;

    let mut comments = Vec::new();
    if !roots.is_empty() {
        let mut b: QueryBuilder<Sqlite> =
            QueryBuilder::new(format!("SELECT {COMMENT_COLUMNS} FROM comments WHERE root_id IN ("));
        let mut ids = b.separated(", ");
        for id in &roots {
            ids.push_bind(*id);
        }
        b.push(") AND ");
        push_visible(&mut b, also_visible);
        b.push(" ORDER BY created_at, id");
        let rows: Vec<CommentRow> = b.build_query_as().fetch_all(&mut *conn).await.map_err(backend)?;
        comments = to_comments(rows)?;
    }
    Ok(CommentPage {
        comments,
        threads: threads as u64,
        approved: approved as u64,
    })
}

pub async fn page_of(pool: &SqlitePool, id: CommentId, per_page: u32) -> StoreResult<u32> {
    let mut conn = pool.acquire().await.map_err(backend)?;
    let comment = fetch(&mut conn, id).await?.ok_or_else(|| not_found(id))?;
    let root = fetch(&mut conn, comment.root_id)
        .await?
        .ok_or_else(|| not_found(comment.root_id))?;
    let before: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM comments WHERE article_id = ? AND depth = 1 AND status = 'approved' \
         AND (created_at < ? OR (created_at = ? AND id < ?))",
    )
    .bind(root.article_id)
    .bind(encode(root.created_at))
    .bind(encode(root.created_at))
    .bind(root.id.0)
    .fetch_one(&mut *conn)
    .await
    .map_err(backend)?;
    Ok((before as u64 / u64::from(per_page.max(1))) as u32 + 1)
}

pub async fn approved_counts(pool: &SqlitePool, article_ids: &[i64]) -> StoreResult<Vec<(i64, u64)>> {
    if article_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut b: QueryBuilder<Sqlite> =
        QueryBuilder::new("SELECT article_id, count(*) FROM comments WHERE status = 'approved' AND article_id IN (");
    let mut ids = b.separated(", ");
    for id in article_ids {
        ids.push_bind(*id);
    }
    b.push(") GROUP BY article_id");
    let rows: Vec<(i64, i64)> = b.build_query_as().fetch_all(pool).await.map_err(backend)?;
    Ok(rows.into_iter().map(|(a, n)| (a, n as u64)).collect())
}

pub async fn recent(
    pool: &SqlitePool,
    article_id: Option<i64>,
    now: DateTime<Utc>,
    limit: u32,
) -> StoreResult<Vec<Comment>> {
    let columns: String = COMMENT_COLUMNS
        .split(", ")
        .map(|c| format!("c.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut b: QueryBuilder<Sqlite> = QueryBuilder::new(format!(
        "SELECT {columns} FROM comments c JOIN articles a ON a.id = c.article_id \
         WHERE c.status = 'approved' AND a.status = 'published' AND a.published_at <= "
    ));
    b.push_bind(encode(now));
    if let Some(id) = article_id {
        b.push(" AND c.article_id = ").push_bind(id);
    }
    b.push(" ORDER BY c.created_at DESC, c.id DESC LIMIT ")
        .push_bind(i64::from(limit));
    let rows: Vec<CommentRow> = b.build_query_as().fetch_all(pool).await.map_err(backend)?;
    to_comments(rows)
}

pub async fn of_article(pool: &SqlitePool, article_id: i64) -> StoreResult<Vec<Comment>> {
    let sql = format!("SELECT {COMMENT_COLUMNS} FROM comments WHERE article_id = ? ORDER BY created_at, id");
    let rows: Vec<CommentRow> = sqlx::query_as(&sql)
        .bind(article_id)
        .fetch_all(pool)
        .await
        .map_err(backend)?;
    to_comments(rows)
}

pub async fn by_id(pool: &SqlitePool, id: CommentId) -> StoreResult<Option<Comment>> {
    let mut conn = pool.acquire().await.map_err(backend)?;
    fetch(&mut conn, id).await
}

async fn fetch(conn: &mut SqliteConnection, id: CommentId) -> StoreResult<Option<Comment>> {
    let sql = format!("SELECT {COMMENT_COLUMNS} FROM comments WHERE id = ?");
    let row: Option<CommentRow> = sqlx::query_as(&sql)
        .bind(id.0)
        .fetch_optional(conn)
        .await
        .map_err(backend)?;
    row.map(Comment::try_from).transpose().map_err(backend)
}

pub async fn list(pool: &SqlitePool, status: Option<CommentStatus>, limit: u32) -> StoreResult<Vec<Comment>> {
    let mut b: QueryBuilder<Sqlite> = QueryBuilder::new(format!("SELECT {COMMENT_COLUMNS} FROM comments"));
    if let Some(status) = status {
        b.push(" WHERE status = ").push_bind(status.as_str());
    }
    b.push(" ORDER BY created_at DESC, id DESC LIMIT ")
        .push_bind(i64::from(limit));
    let rows: Vec<CommentRow> = b.build_query_as().fetch_all(pool).await.map_err(backend)?;
    to_comments(rows)
}

pub async fn set_status(pool: &SqlitePool, id: CommentId, status: CommentStatus) -> StoreResult<Comment> {
    let sql = format!("UPDATE comments SET status = ? WHERE id = ? RETURNING {COMMENT_COLUMNS}");
    let row: Option<CommentRow> = sqlx::query_as(&sql)
        .bind(status.as_str())
        .bind(id.0)
        .fetch_optional(pool)
        .await
        .map_err(backend)?;
    row.ok_or_else(|| not_found(id))?.try_into().map_err(backend)
}

pub async fn delete(pool: &SqlitePool, id: CommentId) -> StoreResult<Comment> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(backend)?;
    let gone = fetch(&mut tx, id).await?.ok_or_else(|| not_found(id))?;
    // Replies move up one level to the deleted comment's parent; when a
    // top-level comment goes, each direct reply starts its own thread.
    let sql = format!("SELECT {COMMENT_COLUMNS} FROM comments WHERE root_id = ? ORDER BY depth");
    let rows: Vec<CommentRow> = sqlx::query_as(&sql)
        .bind(gone.root_id.0)
        .fetch_all(&mut *tx)
        .await
        .map_err(backend)?;
    let thread: Vec<Comment> = to_comments(rows)?;
    let mut below: HashSet<CommentId> = HashSet::from([id]);
    let mut new_root: std::collections::HashMap<CommentId, CommentId> = Default::default();
    for c in &thread {
        let Some(parent) = c.parent_id.filter(|p| below.contains(p)) else {
            continue;
        };
        below.insert(c.id);
        let (parent_id, root_id) = if parent == id {
            let root = if gone.parent_id.is_none() { c.id } else { gone.root_id };
            new_root.insert(c.id, root);
            (gone.parent_id, root)
        } else {
            let root = new_root.get(&parent).copied().unwrap_or(gone.root_id);
            new_root.insert(c.id, root);
            (c.parent_id, root)
        };
        sqlx::query("UPDATE comments SET parent_id = ?, root_id = ?, depth = ? WHERE id = ?")
            .bind(parent_id.map(|p| p.0))
            .bind(root_id.0)
            .bind(i64::from(c.depth - 1))
            .bind(c.id.0)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
    }
    sqlx::query("DELETE FROM comments WHERE id = ?")
        .bind(id.0)
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
    tx.commit().await.map_err(backend)?;
    Ok(gone)
}

/// Rows into comments; a row that does not decode is a store error.
fn to_comments(rows: Vec<CommentRow>) -> StoreResult<Vec<Comment>> {
    rows.into_iter()
        .map(Comment::try_from)
        .collect::<Result<_, _>>()
        .map_err(backend)
}

fn not_found(id: CommentId) -> StoreError {
    StoreError::NotFound(format!("comment {id}"))
}
