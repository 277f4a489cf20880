//! What an import run added or changed (`import_journal`, migration 0005),
//! so the run can be published at its end or undone when it fails, even
//! after its process died.

use byline_core::{ArticleStatus, BodyFormat};
use byline_store::{StoreError, StoreResult};
use chrono::{DateTime, Utc};
use sqlx::{SqliteConnection, SqlitePool};

use super::slices::Slices;
use crate::time::{decode, encode};
use crate::{articles, backend, comments};

/// A run whose heartbeat is older than this was interrupted (its
/// transactions renew it several times a second).
const STALE_AFTER: chrono::Duration = chrono::Duration::seconds(30);

/// Rows handled per statement when publishing or undoing.
const BATCH: i64 = 200;

/// Records one journal entry in the run's open transaction.
pub async fn record(
    conn: &mut SqliteConnection,
    run: i64,
    action: &str,
    table: &str,
    row_id: i64,
    value: Option<&str>,
) -> StoreResult<()> {
    sqlx::query("INSERT INTO import_journal (run_id, action, tbl, row_id, value) VALUES (?, ?, ?, ?, ?)")
        .bind(run)
        .bind(action)
        .bind(table)
        .bind(row_id)
        .bind(value)
        .execute(conn)
        .await
        .map_err(backend)?;
    Ok(())
}

/// Registers a new run after undoing interrupted ones; refuses while
/// another run is alive.
pub async fn start(writer: &SqlitePool, now: DateTime<Utc>) -> StoreResult<i64> {
    let runs: Vec<(i64, String, String)> = sqlx::query_as("SELECT id, started_at, heartbeat FROM import_runs")
        .fetch_all(writer)
        .await
        .map_err(backend)?;
    for (id, started, heartbeat) in runs {
        let heartbeat = decode(&heartbeat).map_err(backend)?;
        if now - heartbeat < STALE_AFTER {
            return Err(StoreError::Conflict(format!(
                "another import is running (started {started}); wait for it to finish"
            )));
        }
        tracing::warn!(run = id, started = %started, "undoing an import that was interrupted");
        undo(&mut Slices::new(writer.clone(), id, true)).await?;
    }
    sqlx::query_scalar("INSERT INTO import_runs (started_at, heartbeat) VALUES (?, ?) RETURNING id")
        .bind(encode(now))
        .bind(encode(now))
        .fetch_one(writer)
        .await
        .map_err(backend)
}

/// The next batch of the run's entries for `action` on `table`, newest
/// first (so replies go before the comments they answer, and articles
/// before the authors and terms they use): (seq, row id, value).
async fn batch(
    slices: &mut Slices,
    action: &str,
    table: &str,
    newest_first: bool,
) -> StoreResult<Vec<(i64, i64, Option<String>)>> {
    let run = slices.run;
    let order = if newest_first { "DESC" } else { "ASC" };
    let sql = format!(
        "SELECT seq, row_id, value FROM import_journal WHERE run_id = ? AND action = ? AND tbl = ? \
         ORDER BY seq {order} LIMIT ?"
    );
    let query = sqlx::query_as(&sql).bind(run).bind(action).bind(table).bind(BATCH);
    let conn = slices.conn().await?;
    query.fetch_all(&mut *conn).await.map_err(backend)
}

async fn forget(conn: &mut SqliteConnection, seqs: &[(i64, i64, Option<String>)]) -> StoreResult<()> {
    let mut b: sqlx::QueryBuilder<sqlx::Sqlite> = sqlx::QueryBuilder::new("DELETE FROM import_journal WHERE seq IN (");
    let mut list = b.separated(", ");
    for (seq, _, _) in seqs {
        list.push_bind(*seq);
    }
    b.push(")");
    b.build().execute(conn).await.map_err(backend)?;
    Ok(())
}

/// Puts the run's staged articles online (those journalled as created
/// with the status to take), then forgets the run.
pub async fn publish(slices: &mut Slices) -> StoreResult<()> {
    let mut after = 0i64;
    loop {
        let run = slices.run;
        let conn = slices.conn().await?;
        let staged: Vec<(i64, i64, String)> = sqlx::query_as(
            "SELECT seq, row_id, value FROM import_journal \
             WHERE run_id = ? AND action = 'created' AND tbl = 'articles' AND value IS NOT NULL AND seq > ? \
             ORDER BY seq LIMIT ?",
        )
        .bind(run)
        .bind(after)
        .bind(BATCH)
        .fetch_all(&mut *conn)
        .await
        .map_err(backend)?;
        let Some((last, _, _)) = staged.last() else { break };
        after = *last;
        for (_, id, status) in &staged {
            let status = ArticleStatus::parse(status).unwrap_or_default();
            let row: Option<(String, String, String, Option<String>)> =
                sqlx::query_as("UPDATE articles SET status = ? WHERE id = ? RETURNING title, body, format, password")
                    .bind(status.as_str())
                    .bind(id)
                    .fetch_optional(&mut *conn)
                    .await
                    .map_err(backend)?;
            if let Some((title, body, format, password)) = row {
                let format = BodyFormat::parse(&format).unwrap_or_default();
                articles::index(conn, *id, &title, &body, format, status, password.as_deref()).await?;
            }
        }
        slices.step().await?;
    }
    forget_run(slices).await
}

/// Runs `statement` (one `?`: the row id) for each of the run's entries
/// for `action` on `table`, newest first, a batch a transaction slice.
async fn drain(slices: &mut Slices, action: &str, table: &str, statement: &str) -> StoreResult<()> {
    loop {
        let entries = batch(slices, action, table, true).await?;
        if entries.is_empty() {
            return Ok(());
        }
        let conn = slices.conn().await?;
        for (_, id, _) in &entries {
            sqlx::query(statement)
                .bind(id)
                .execute(&mut *conn)
                .await
                .map_err(backend)?;
        }
        forget(conn, &entries).await?;
        slices.step().await?;
    }
}

/// Removes what the run added and puts back what it changed, then forgets it.
pub async fn undo(slices: &mut Slices) -> StoreResult<()> {
    // Comments the run added to articles it did not create (the others go
    // with their articles), deleted as the site deletes one: a visitor may
    // have replied to it meanwhile, and the reply stays.
    loop {
        let entries = batch(slices, "created", "comments", true).await?;
        if entries.is_empty() {
            break;
        }
        let conn = slices.conn().await?;
        for (_, id, _) in &entries {
            match comments::delete_on(conn, byline_core::CommentId(*id)).await {
                Ok(_) | Err(StoreError::NotFound(_)) => {}
                Err(e) => return Err(e),
            }
        }
        forget(conn, &entries).await?;
        slices.step().await?;
    }
    // Then the other rows, each before what it depends on.
    for table in ["attachments", "articles", "terms", "authors"] {
        drain(slices, "created", table, &format!("DELETE FROM {table} WHERE id = ?")).await?;
    }
    for table in ["authors", "terms"] {
        drain(
            slices,
            "wp_id",
            table,
            &format!("UPDATE {table} SET wp_id = NULL WHERE id = ?"),
        )
        .await?;
    }
    forget_run(slices).await
}

async fn forget_run(slices: &mut Slices) -> StoreResult<()> {
    let run = slices.run;
    let conn = slices.conn().await?;
    sqlx::query("DELETE FROM import_journal WHERE run_id = ?")
        .bind(run)
        .execute(&mut *conn)
        .await
        .map_err(backend)?;
    sqlx::query("DELETE FROM import_runs WHERE id = ?")
        .bind(run)
        .execute(&mut *conn)
        .await
        .map_err(backend)?;
    slices.finish().await
}
