//! Users, sessions, sign-in throttling and the first-run setup token.

use byline_core::author::{AuthorProfile, Login};
use byline_core::role::Role;
use byline_core::throttle::FORGET_AFTER;
use byline_store::accounts::{Failures, User};
use byline_store::{StoreError, StoreResult};
use chrono::{DateTime, Utc};
use sqlx::{SqliteConnection, SqlitePool};

use crate::rows::{AUTHOR_COLUMNS, UserRow};
use crate::time::{decode_opt, encode};
use crate::{authors, backend};

fn select_users(condition: &str) -> String {
    format!(
        "SELECT a.*, u.role, u.password_hash FROM (SELECT {AUTHOR_COLUMNS} FROM authors) a \
         JOIN users u ON u.author_id = a.id {condition}"
    )
}

async fn user_where(
    pool: &SqlitePool,
    condition: &str,
    value: impl for<'e> sqlx::Encode<'e, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite> + Send + 'static,
) -> StoreResult<Option<UserRow>> {
    let sql = select_users(condition);
    sqlx::query_as(&sql)
        .bind(value)
        .fetch_optional(pool)
        .await
        .map_err(backend)
}

fn to_user(row: UserRow) -> StoreResult<User> {
    User::try_from(row).map_err(backend)
}

/// Gives `login` an account inside the caller's transaction: its author
/// if one exists, a new author otherwise. Returns the user id.
async fn insert_user(
    conn: &mut SqliteConnection,
    login: &Login,
    email: Option<&str>,
    profile: &AuthorProfile,
    role: Role,
    password_hash: &str,
) -> StoreResult<i64> {
    let existing: Option<i64> = sqlx::query_scalar("SELECT id FROM authors WHERE login = ?")
        .bind(login.as_str())
        .fetch_optional(&mut *conn)
        .await
        .map_err(backend)?;
    let id = match existing {
        Some(id) => id,
        None => authors::create(&mut *conn, login, email, profile).await?.id,
    };
    sqlx::query("INSERT INTO users (author_id, role, password_hash, created_at) VALUES (?, ?, ?, ?)")
        .bind(id)
        .bind(role.as_str())
        .bind(password_hash)
        .bind(encode(Utc::now()))
        .execute(&mut *conn)
        .await
        .map_err(|e| match backend(e) {
            StoreError::Conflict(_) => StoreError::Conflict(format!("{} already has an account", login.as_str())),
            other => other,
        })?;
    Ok(id)
}

pub async fn create_user(
    readers: &SqlitePool,
    writer: &SqlitePool,
    login: &Login,
    email: Option<&str>,
    profile: &AuthorProfile,
    role: Role,
    password_hash: &str,
) -> StoreResult<User> {
    let mut tx = writer.begin_with("BEGIN IMMEDIATE").await.map_err(backend)?;
    let id = insert_user(&mut tx, login, email, profile, role, password_hash).await?;
    tx.commit().await.map_err(backend)?;
    by_id(readers, id)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("user {id}")))
}

pub async fn create_first_administrator(
    readers: &SqlitePool,
    writer: &SqlitePool,
    token_hash: &[u8],
    login: &Login,
    email: Option<&str>,
    profile: &AuthorProfile,
    password_hash: &str,
) -> StoreResult<User> {
    let mut tx = writer.begin_with("BEGIN IMMEDIATE").await.map_err(backend)?;
    let token: Option<i64> = sqlx::query_scalar("SELECT 1 FROM setup_token WHERE token_hash = ?")
        .bind(token_hash)
        .fetch_optional(&mut *tx)
        .await
        .map_err(backend)?;
    let admin: Option<i64> = sqlx::query_scalar("SELECT 1 FROM users WHERE role = 'administrator' LIMIT 1")
        .fetch_optional(&mut *tx)
        .await
        .map_err(backend)?;
    if token.is_none() || admin.is_some() {
        return Err(StoreError::Conflict(
            "this setup link has been used already; sign in instead".into(),
        ));
    }
    let id = insert_user(&mut tx, login, email, profile, Role::Administrator, password_hash).await?;
    sqlx::query("DELETE FROM setup_token")
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
    tx.commit().await.map_err(backend)?;
    by_id(readers, id)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("user {id}")))
}

pub async fn by_id(pool: &SqlitePool, id: i64) -> StoreResult<Option<User>> {
    user_where(pool, "WHERE a.id = ?", id).await?.map(to_user).transpose()
}

pub async fn for_sign_in(pool: &SqlitePool, login: &str) -> StoreResult<Option<(User, String)>> {
    let Some(row) = user_where(pool, "WHERE a.login = ?", login.trim().to_owned()).await? else {
        return Ok(None);
    };
    let hash = row.password_hash.clone();
    Ok(Some((to_user(row)?, hash)))
}

pub async fn all(pool: &SqlitePool) -> StoreResult<Vec<User>> {
    let rows: Vec<UserRow> = sqlx::query_as(&select_users("ORDER BY a.display_name COLLATE NOCASE, a.id"))
        .fetch_all(pool)
        .await
        .map_err(backend)?;
    rows.into_iter().map(to_user).collect()
}

pub async fn set_password(writer: &SqlitePool, id: i64, password_hash: &str) -> StoreResult<()> {
    let mut tx = writer.begin_with("BEGIN IMMEDIATE").await.map_err(backend)?;
    let changed = sqlx::query("UPDATE users SET password_hash = ? WHERE author_id = ?")
        .bind(password_hash)
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(backend)?
        .rows_affected();
    if changed == 0 {
        return Err(StoreError::NotFound(format!("user {id}")));
    }
    // A new password signs out every browser that knew the old one.
    sqlx::query("DELETE FROM sessions WHERE user_id = ?")
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
    tx.commit().await.map_err(backend)
}

pub async fn set_role(writer: &SqlitePool, id: i64, role: Role) -> StoreResult<()> {
    let changed = sqlx::query("UPDATE users SET role = ? WHERE author_id = ?")
        .bind(role.as_str())
        .bind(id)
        .execute(writer)
        .await
        .map_err(backend)?
        .rows_affected();
    if changed == 0 {
        return Err(StoreError::NotFound(format!("user {id}")));
    }
    Ok(())
}

pub async fn has_administrator(pool: &SqlitePool) -> StoreResult<bool> {
    let found: Option<i64> = sqlx::query_scalar("SELECT 1 FROM users WHERE role = 'administrator' LIMIT 1")
        .fetch_optional(pool)
        .await
        .map_err(backend)?;
    Ok(found.is_some())
}

pub async fn create_session(
    writer: &SqlitePool,
    token_hash: &[u8],
    user_id: i64,
    expires_at: DateTime<Utc>,
) -> StoreResult<()> {
    let now = encode(Utc::now());
    sqlx::query("DELETE FROM sessions WHERE expires_at <= ?")
        .bind(&now)
        .execute(writer)
        .await
        .map_err(backend)?;
    sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)")
        .bind(token_hash)
        .bind(user_id)
        .bind(&now)
        .bind(encode(expires_at))
        .execute(writer)
        .await
        .map_err(backend)?;
    Ok(())
}

pub async fn session_user(pool: &SqlitePool, token_hash: &[u8], now: DateTime<Utc>) -> StoreResult<Option<User>> {
    let sql = select_users("JOIN sessions s ON s.user_id = u.author_id WHERE s.token_hash = ? AND s.expires_at > ?");
    let row: Option<UserRow> = sqlx::query_as(&sql)
        .bind(token_hash)
        .bind(encode(now))
        .fetch_optional(pool)
        .await
        .map_err(backend)?;
    row.map(to_user).transpose()
}

pub async fn delete_session(writer: &SqlitePool, token_hash: &[u8]) -> StoreResult<()> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = ?")
        .bind(token_hash)
        .execute(writer)
        .await
        .map_err(backend)?;
    Ok(())
}

async fn read_failures(conn: &mut SqliteConnection, key: &str, now: DateTime<Utc>) -> StoreResult<Failures> {
    let row: Option<(i64, String, Option<String>)> =
        sqlx::query_as("SELECT failures, last_at, locked_until FROM login_failures WHERE key = ?")
            .bind(key)
            .fetch_optional(&mut *conn)
            .await
            .map_err(backend)?;
    let Some((count, last, locked)) = row else {
        return Ok(Failures {
            count: 0,
            locked_until: None,
        });
    };
    let last = decode_opt(Some(&last)).map_err(backend)?;
    if last.is_some_and(|l| now - l > FORGET_AFTER) {
        return Ok(Failures {
            count: 0,
            locked_until: None,
        });
    }
    Ok(Failures {
        count: u32::try_from(count).unwrap_or(u32::MAX),
        locked_until: decode_opt(locked.as_deref()).map_err(backend)?,
    })
}

pub async fn login_failures(pool: &SqlitePool, key: &str, now: DateTime<Utc>) -> StoreResult<Failures> {
    let mut conn = pool.acquire().await.map_err(backend)?;
    read_failures(&mut conn, key, now).await
}

pub async fn add_login_failure(
    writer: &SqlitePool,
    key: &str,
    now: DateTime<Utc>,
    lock: &(dyn Fn(u32) -> Option<DateTime<Utc>> + Send + Sync),
) -> StoreResult<Failures> {
    let mut tx = writer.begin_with("BEGIN IMMEDIATE").await.map_err(backend)?;
    // Records older than the forgetting time count for nothing: drop them.
    sqlx::query("DELETE FROM login_failures WHERE last_at < ?")
        .bind(encode(now - FORGET_AFTER))
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
    let count = read_failures(&mut tx, key, now).await?.count.saturating_add(1);
    let locked_until = lock(count);
    sqlx::query(
        "INSERT INTO login_failures (key, failures, last_at, locked_until) VALUES (?, ?, ?, ?) \
         ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, last_at = excluded.last_at, \
         locked_until = excluded.locked_until",
    )
    .bind(key)
    .bind(i64::from(count))
    .bind(encode(now))
    .bind(locked_until.map(encode))
    .execute(&mut *tx)
    .await
    .map_err(backend)?;
    tx.commit().await.map_err(backend)?;
    Ok(Failures { count, locked_until })
}

pub async fn clear_login_failures(writer: &SqlitePool, key: &str) -> StoreResult<()> {
    sqlx::query("DELETE FROM login_failures WHERE key = ?")
        .bind(key)
        .execute(writer)
        .await
        .map_err(backend)?;
    Ok(())
}

pub async fn set_setup_token(writer: &SqlitePool, token_hash: &[u8]) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO setup_token (id, token_hash, created_at) VALUES (1, ?, ?) \
         ON CONFLICT (id) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at",
    )
    .bind(token_hash)
    .bind(encode(Utc::now()))
    .execute(writer)
    .await
    .map_err(backend)?;
    Ok(())
}

pub async fn setup_token_valid(pool: &SqlitePool, token_hash: &[u8]) -> StoreResult<bool> {
    let found: Option<i64> = sqlx::query_scalar("SELECT 1 FROM setup_token WHERE token_hash = ?")
        .bind(token_hash)
        .fetch_optional(pool)
        .await
        .map_err(backend)?;
    Ok(found.is_some())
}
