//! The change feed. `PRAGMA data_version` on a private connection tells, in
//! about a microsecond and without touching the tables, whether any other
//! connection (this process's pool or another process) has committed since
//! the last poll; only then are the changed tags read (see `0003_changes.sql`).
//! rusqlite rather than sqlx here: the check runs before every cached
//! response, and sqlx's worker-thread round trip costs a hundred times more.

use std::path::Path;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use byline_store::changes::{ChangeFeed, Changes};
use byline_store::{StoreError, StoreResult};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags, OptionalExtension};

use crate::time::{decode, encode};

/// Polls the `site_changes` table of one database.
pub struct SqliteChangeFeed {
    inner: Mutex<Inner>,
}

struct Inner {
    conn: Connection,
    /// `PRAGMA data_version` at the last poll.
    data_version: i64,
    /// `site_change_counter.seq` at the last poll.
    seq: i64,
    /// When the next scheduled article becomes public.
    next_due: Option<DateTime<Utc>>,
}

fn backend(e: rusqlite::Error) -> StoreError {
    StoreError::Backend(format!("change feed: {e}"))
}

impl SqliteChangeFeed {
    /// Opens a read-only connection to the database at `path` and starts
    /// from its current state.
    pub fn open(path: &Path, now: DateTime<Utc>) -> StoreResult<Self> {
        let conn =
            Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
                .map_err(backend)?;
        conn.busy_timeout(Duration::from_secs(10)).map_err(backend)?;
        let data_version = data_version(&conn)?;
        let seq = counter(&conn)?;
        let next_due = next_due(&conn, now)?;
        Ok(Self {
            inner: Mutex::new(Inner {
                conn,
                data_version,
                seq,
                next_due,
            }),
        })
    }
}

impl ChangeFeed for SqliteChangeFeed {
    fn poll(&self, now: DateTime<Utc>) -> StoreResult<Changes> {
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        let version = data_version(&inner.conn)?;
        let due = inner.next_due.is_some_and(|due| due <= now);
        if version == inner.data_version && !due {
            return Ok(Changes::Nothing);
        }
        inner.data_version = version;
        // One read transaction, so the counter and the tags agree.
        let conn = &inner.conn;
        conn.execute_batch("BEGIN").map_err(backend)?;
        let read = (|| {
            let seq = counter(conn)?;
            let mut stmt = conn
                .prepare_cached("SELECT tag FROM site_changes WHERE seq > ?1")
                .map_err(backend)?;
            let tags = stmt
                .query_map([inner.seq], |row| row.get::<_, String>(0))
                .map_err(backend)?
                .collect::<Result<Vec<_>, _>>()
                .map_err(backend)?;
            Ok::<_, StoreError>((seq, tags, next_due(conn, now)?))
        })();
        conn.execute_batch("COMMIT").map_err(backend)?;
        let (seq, tags, next) = read?;
        // A counter that went back means the database was replaced.
        let lost_track = seq < inner.seq;
        inner.seq = seq;
        inner.next_due = next;
        Ok(if due || lost_track {
            Changes::Everything
        } else if tags.is_empty() {
            Changes::Nothing
        } else {
            Changes::Tags(tags)
        })
    }
}

fn data_version(conn: &Connection) -> StoreResult<i64> {
    conn.prepare_cached("PRAGMA data_version")
        .and_then(|mut s| s.query_row([], |row| row.get(0)))
        .map_err(backend)
}

fn counter(conn: &Connection) -> StoreResult<i64> {
    conn.prepare_cached("SELECT seq FROM site_change_counter WHERE id = 1")
        .and_then(|mut s| s.query_row([], |row| row.get(0)))
        .map_err(backend)
}

/// The publication time of the next article that is published but dated
/// in the future: it becomes public then without any write.
fn next_due(conn: &Connection, now: DateTime<Utc>) -> StoreResult<Option<DateTime<Utc>>> {
    let due: Option<String> = conn
        .prepare_cached("SELECT min(published_at) FROM articles WHERE status = 'published' AND published_at > ?1")
        .and_then(|mut s| s.query_row([encode(now)], |row| row.get(0)).optional())
        .map_err(backend)?
        .flatten();
    due.as_deref()
        .map(decode)
        .transpose()
        .map_err(|e| StoreError::Backend(e.to_string()))
}
