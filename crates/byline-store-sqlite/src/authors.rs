//! Authors.

use byline_core::author::{Author, AuthorProfile, Login};
use byline_store::{StoreError, StoreResult};
use chrono::Utc;
use sqlx::SqlitePool;

use crate::backend;
use crate::rows::{AUTHOR_COLUMNS, AuthorRow};
use crate::time::encode;

pub async fn create<'c>(
    on: impl sqlx::Executor<'c, Database = sqlx::Sqlite>,
    login: &Login,
    email: Option<&str>,
    p: &AuthorProfile,
) -> StoreResult<Author> {
    let nicename = login.nicename();
    let sql = format!(
        "INSERT INTO authors (login, nicename, email, display_name, tagline, bio, website, created_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING {AUTHOR_COLUMNS}"
    );
    let row: AuthorRow = sqlx::query_as(&sql)
        .bind(login.as_str())
        .bind(&nicename)
        .bind(email)
        .bind(&p.display_name)
        .bind(&p.tagline)
        .bind(&p.bio)
        .bind(&p.website)
        .bind(encode(Utc::now()))
        .fetch_one(on)
        .await
        .map_err(|e| match backend(e) {
            StoreError::Conflict(_) => StoreError::Conflict(format!(
                "an author with login {login:?} (or URL name {nicename:?}) already exists"
            )),
            other => other,
        })?;
    row.try_into().map_err(backend)
}

pub async fn update(pool: &SqlitePool, id: i64, email: Option<&str>, p: &AuthorProfile) -> StoreResult<Author> {
    let sql = format!(
        "UPDATE authors SET email = ?, display_name = ?, tagline = ?, bio = ?, website = ? WHERE id = ? RETURNING {AUTHOR_COLUMNS}"
    );
    let row: Option<AuthorRow> = sqlx::query_as(&sql)
        .bind(email)
        .bind(&p.display_name)
        .bind(&p.tagline)
        .bind(&p.bio)
        .bind(&p.website)
        .bind(id)
        .fetch_optional(pool)
        .await
        .map_err(backend)?;
    row.ok_or_else(|| StoreError::NotFound(format!("author {id}")))?
        .try_into()
        .map_err(backend)
}

/// `column` is one of this module's fixed names, never user input.
pub async fn by_column(pool: &SqlitePool, column: &'static str, value: &str) -> StoreResult<Option<Author>> {
    let sql = format!("SELECT {AUTHOR_COLUMNS} FROM authors WHERE {column} = ?");
    let row: Option<AuthorRow> = sqlx::query_as(&sql)
        .bind(value)
        .fetch_optional(pool)
        .await
        .map_err(backend)?;
    row.map(Author::try_from).transpose().map_err(backend)
}

pub async fn all(pool: &SqlitePool) -> StoreResult<Vec<Author>> {
    let sql = format!("SELECT {AUTHOR_COLUMNS} FROM authors ORDER BY display_name COLLATE NOCASE, id");
    let rows: Vec<AuthorRow> = sqlx::query_as(&sql).fetch_all(pool).await.map_err(backend)?;
    rows.into_iter()
        .map(Author::try_from)
        .collect::<Result<_, _>>()
        .map_err(backend)
}
