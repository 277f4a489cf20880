//! Settings, flags and the site secret.

use byline_core::Settings;
use byline_store::StoreResult;
use sqlx::SqlitePool;

use crate::backend;

pub async fn settings(pool: &SqlitePool) -> StoreResult<Settings> {
    let pairs: Vec<(String, String)> = sqlx::query_as("SELECT key, value FROM settings")
        .fetch_all(pool)
        .await
        .map_err(backend)?;
    Ok(Settings::from_pairs(pairs))
}

pub async fn set_setting(pool: &SqlitePool, key: &str, value: &str) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(key)
    .bind(value)
    .execute(pool)
    .await
    .map_err(backend)?;
    Ok(())
}

/// The site's secret, made on first use. Read first, so that starting a
/// site (or a CLI command) takes no write lock once it exists.
pub async fn secret(readers: &SqlitePool, writer: &SqlitePool) -> StoreResult<Vec<u8>> {
    let existing: Option<Vec<u8>> = sqlx::query_scalar("SELECT secret FROM site_secret WHERE id = 1")
        .fetch_optional(readers)
        .await
        .map_err(backend)?;
    if let Some(secret) = existing {
        return Ok(secret);
    }
    let fresh: [u8; 32] = rand::random();
    sqlx::query("INSERT INTO site_secret (id, secret) VALUES (1, ?) ON CONFLICT (id) DO NOTHING")
        .bind(&fresh[..])
        .execute(writer)
        .await
        .map_err(backend)?;
    sqlx::query_scalar("SELECT secret FROM site_secret WHERE id = 1")
        .fetch_one(writer)
        .await
        .map_err(backend)
}

pub async fn flag(pool: &SqlitePool, name: &str) -> StoreResult<bool> {
    let found: Option<i64> = sqlx::query_scalar("SELECT 1 FROM site_flags WHERE name = ?")
        .bind(name)
        .fetch_optional(pool)
        .await
        .map_err(backend)?;
    Ok(found.is_some())
}

pub async fn set_flag(pool: &SqlitePool, name: &str) -> StoreResult<()> {
    sqlx::query("INSERT INTO site_flags (name) VALUES (?) ON CONFLICT (name) DO NOTHING")
        .bind(name)
        .execute(pool)
        .await
        .map_err(backend)?;
    Ok(())
}
