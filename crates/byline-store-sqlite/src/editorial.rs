//! Revisions and corrections (see `0004_admin.sql`: a trigger keeps a
//! revision on every save that changes the text).

use byline_core::Article;
use byline_store::editorial::{ArticleNote, NoteKind, Revision};
use byline_store::{StoreError, StoreResult};
use chrono::{DateTime, Utc};
use sqlx::SqlitePool;

use crate::time::{decode, encode};
use crate::{articles, backend};

type RevisionRow = (i64, i64, Option<i64>, String, String, Option<String>, String);

fn revision(row: RevisionRow) -> StoreResult<Revision> {
    let (id, article_id, saved_by, title, body, excerpt, saved_at) = row;
    Ok(Revision {
        id,
        article_id,
        saved_by,
        title,
        body,
        excerpt,
        saved_at: decode(&saved_at).map_err(backend)?,
    })
}

const REVISION_COLUMNS: &str = "id, article_id, saved_by, title, body, excerpt, saved_at";

pub async fn list(pool: &SqlitePool, article_id: i64) -> StoreResult<Vec<Revision>> {
    let rows: Vec<RevisionRow> = sqlx::query_as(&format!(
        "SELECT {REVISION_COLUMNS} FROM revisions WHERE article_id = ? ORDER BY id DESC"
    ))
    .bind(article_id)
    .fetch_all(pool)
    .await
    .map_err(backend)?;
    rows.into_iter().map(revision).collect()
}

pub async fn one(pool: &SqlitePool, id: i64) -> StoreResult<Option<Revision>> {
    let row: Option<RevisionRow> = sqlx::query_as(&format!("SELECT {REVISION_COLUMNS} FROM revisions WHERE id = ?"))
        .bind(id)
        .fetch_optional(pool)
        .await
        .map_err(backend)?;
    row.map(revision).transpose()
}

pub async fn attribute(pool: &SqlitePool, article_id: i64, user_id: i64) -> StoreResult<()> {
    sqlx::query(
        "UPDATE revisions SET saved_by = ? WHERE id = (SELECT max(id) FROM revisions WHERE article_id = ?) \
         AND saved_by IS NULL",
    )
    .bind(user_id)
    .bind(article_id)
    .execute(pool)
    .await
    .map_err(backend)?;
    Ok(())
}

pub async fn restore(pool: &SqlitePool, revision_id: i64, now: DateTime<Utc>) -> StoreResult<Article> {
    let rev = one(pool, revision_id)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("revision {revision_id}")))?;
    let mut article = articles::by_id(pool, rev.article_id)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("article {}", rev.article_id)))?;
    article.title = rev.title;
    article.body = rev.body;
    article.excerpt = rev.excerpt;
    articles::update(pool, article.id, &article.to_new(), now).await
}

type NoteRow = (i64, i64, String, String, String);

fn note(row: NoteRow) -> StoreResult<ArticleNote> {
    let (id, article_id, kind, body, created_at) = row;
    Ok(ArticleNote {
        id,
        article_id,
        kind: NoteKind::parse(&kind).ok_or_else(|| StoreError::Backend(format!("bad note kind {kind:?}")))?,
        body,
        created_at: decode(&created_at).map_err(backend)?,
    })
}

pub async fn notes(pool: &SqlitePool, article_id: i64) -> StoreResult<Vec<ArticleNote>> {
    let rows: Vec<NoteRow> = sqlx::query_as(
        "SELECT id, article_id, kind, body, created_at FROM article_notes WHERE article_id = ? ORDER BY created_at, id",
    )
    .bind(article_id)
    .fetch_all(pool)
    .await
    .map_err(backend)?;
    rows.into_iter().map(note).collect()
}

pub async fn add_note(
    pool: &SqlitePool,
    article_id: i64,
    kind: NoteKind,
    body: &str,
    now: DateTime<Utc>,
) -> StoreResult<ArticleNote> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(backend)?;
    let rows: Vec<NoteRow> = sqlx::query_as(
        "INSERT INTO article_notes (article_id, kind, body, created_at) VALUES (?, ?, ?, ?) \
         RETURNING id, article_id, kind, body, created_at",
    )
    .bind(article_id)
    .bind(kind.as_str())
    .bind(body)
    .bind(encode(now))
    .fetch_all(&mut *tx)
    .await
    .map_err(backend)?;
    // The article shows it was updated, and when.
    sqlx::query("UPDATE articles SET updated_at = ? WHERE id = ?")
        .bind(encode(now))
        .bind(article_id)
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
    tx.commit().await.map_err(backend)?;
    note(
        rows.into_iter()
            .next()
            .ok_or_else(|| StoreError::Backend("inserted note vanished".into()))?,
    )
}

pub async fn delete_note(pool: &SqlitePool, id: i64) -> StoreResult<()> {
    sqlx::query("DELETE FROM article_notes WHERE id = ?")
        .bind(id)
        .execute(pool)
        .await
        .map_err(backend)?;
    Ok(())
}
