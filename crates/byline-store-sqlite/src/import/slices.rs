//! The import's write transactions: short ones, with room between them.
//!
//! SQLite has one writer at a time. An import that held the write lock for
//! its whole run made every comment, admin save and CLI command wait, then
//! fail with "database is locked". Here each transaction lasts about
//! [`SLICE`], then the lock is left free for [`PAUSE`], longer than the
//! longest sleep of SQLite's busy handler (100 ms), so a writer waiting in
//! another process or connection always gets its turn within a few hundred
//! milliseconds.

use std::time::{Duration, Instant};

use byline_store::StoreResult;
use sqlx::{Sqlite, SqliteConnection, SqlitePool, Transaction};

use crate::backend;
use crate::time::encode;

/// How long one import transaction holds the write lock.
pub const SLICE: Duration = Duration::from_millis(750);
/// How long the lock is left free between two of them.
pub const PAUSE: Duration = Duration::from_millis(110);

/// Page cache of the import's connection, in KiB.
const IMPORT_CACHE_KIB: i64 = 64 * 1024;

/// The current transaction of a run, opened on demand.
pub struct Slices {
    writer: SqlitePool,
    tx: Option<Transaction<'static, Sqlite>>,
    started: Instant,
    /// Whether others may be waiting (a private copy needs no pauses).
    shared: bool,
    /// The run whose heartbeat each transaction renews.
    pub run: i64,
}

impl Slices {
    /// Transactions on `writer` for run `run`.
    pub fn new(writer: SqlitePool, run: i64, shared: bool) -> Self {
        Self {
            writer,
            tx: None,
            started: Instant::now(),
            shared,
            run,
        }
    }

    /// The open transaction, beginning one (and renewing the run's
    /// heartbeat) if none is open.
    pub async fn conn(&mut self) -> StoreResult<&mut SqliteConnection> {
        if self.tx.is_none() {
            let mut tx = self.writer.begin_with("BEGIN IMMEDIATE").await.map_err(backend)?;
            // A bulk load touches far more of the indexes than the default cache holds.
            sqlx::query(&format!("PRAGMA cache_size = -{IMPORT_CACHE_KIB}"))
                .execute(&mut *tx)
                .await
                .map_err(backend)?;
            sqlx::query("UPDATE import_runs SET heartbeat = ? WHERE id = ?")
                .bind(encode(chrono::Utc::now()))
                .bind(self.run)
                .execute(&mut *tx)
                .await
                .map_err(backend)?;
            self.tx = Some(tx);
            self.started = Instant::now();
        }
        Ok(self.tx.as_mut().expect("a transaction was just opened"))
    }

    /// Ends the transaction once it has run its time, and lets others write.
    pub async fn step(&mut self) -> StoreResult<()> {
        if self.tx.is_some() && self.started.elapsed() >= SLICE {
            self.finish().await?;
            if self.shared {
                tokio::time::sleep(PAUSE).await;
            }
        }
        Ok(())
    }

    /// Commits what is open.
    pub async fn finish(&mut self) -> StoreResult<()> {
        if let Some(tx) = self.tx.take() {
            tx.commit().await.map_err(backend)?;
        }
        Ok(())
    }
}
