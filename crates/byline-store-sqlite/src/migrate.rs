//! Schema migrations, applied in order on open. `PRAGMA user_version`
//! records the schema version. A current schema is seen with a read, so
//! opening a site takes no lock (a long import must not stop `serve` or a
//! read-only command from starting); a migration holds SQLite's write lock,
//! so a CLI command and a starting server cannot migrate at the same time.

use sqlx::{Connection, SqliteConnection};

/// Every migration, in order; the position is the version it brings the schema to.
const MIGRATIONS: &[(&str, &str)] = &[
    ("0001_initial", include_str!("../migrations/0001_initial.sql")),
    ("0002_search", include_str!("../migrations/0002_search.sql")),
    ("0003_changes", include_str!("../migrations/0003_changes.sql")),
    ("0004_admin", include_str!("../migrations/0004_admin.sql")),
    ("0005_big_sites", include_str!("../migrations/0005_big_sites.sql")),
    (
        "0006_client_network",
        include_str!("../migrations/0006_client_network.sql"),
    ),
    ("0007_commenter", include_str!("../migrations/0007_commenter.sql")),
];

/// Brings the schema up to date.
pub async fn run(conn: &mut SqliteConnection) -> Result<(), sqlx::Error> {
    let current: i64 = sqlx::query_scalar("PRAGMA user_version").fetch_one(&mut *conn).await?;
    if usize::try_from(current).is_ok_and(|v| v == MIGRATIONS.len()) {
        return Ok(());
    }
    let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
    let current: i64 = sqlx::query_scalar("PRAGMA user_version").fetch_one(&mut *tx).await?;
    let current = usize::try_from(current).unwrap_or(0);
    if current > MIGRATIONS.len() {
        return Err(sqlx::Error::Protocol(format!(
            "the database has schema version {current}, newer than this byline knows ({}); upgrade byline",
            MIGRATIONS.len()
        )));
    }
    for (version, (name, sql)) in MIGRATIONS.iter().enumerate().skip(current) {
        tracing::info!(migration = name, "applying schema migration");
        sqlx::raw_sql(sql).execute(&mut *tx).await?;
        sqlx::raw_sql(&format!("PRAGMA user_version = {}", version + 1))
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await
}
