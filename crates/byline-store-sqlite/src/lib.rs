//! byline's embedded backend: one SQLite file in WAL mode, so readers never
//! wait for a writer and the CLI can work while the server runs. Every
//! write is committed before its call returns.

mod accounts;
mod articles;
mod authors;
mod changes;
mod comments;
mod editorial;
mod files;
mod import;
mod migrate;
mod rows;
mod site;
mod time;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use byline_core::author::{Author, AuthorProfile, Login};
use byline_core::role::Role;
use byline_core::{Article, ArticleKind, Comment, CommentId, CommentStatus, NewArticle, Settings, Term, TermKind};
use byline_store::accounts::{Failures, User};
use byline_store::changes::ChangeFeed;
use byline_store::editorial::{AdminArticleQuery, ArticleNote, NoteKind, Revision};
use byline_store::import::ImportMode;
use byline_store::{
    ArticleQuery, ArticleStamp, CommentCounts, CommentEdit, CommentPage, Decide, NewComment, Page, QueueQuery,
    SearchHit, StaffReply, Store, StoreError, StoreResult, SubmitError, Submitted,
};
use chrono::{DateTime, Utc};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};

/// The database file inside a data directory.
pub const DATABASE_FILE: &str = "byline.db";

/// A byline site stored in one SQLite database.
#[derive(Clone)]
pub struct SqliteStore {
    /// Readers: any number at once (WAL).
    pool: SqlitePool,
    /// The one connection this process writes with. SQLite allows one
    /// writer at a time; queueing writers here, in order and without
    /// polling, beats letting them collide on the lock and back off in
    /// SQLite's busy handler (which sleeps for milliseconds).
    writer: SqlitePool,
    /// The database file, for the change feed's own connection.
    path: std::path::PathBuf,
}

impl SqliteStore {
    /// Opens (creating if needed) the database in `data_dir` and applies
    /// pending migrations.
    pub async fn open(data_dir: &Path) -> StoreResult<Self> {
        files::create_private_dir(data_dir)?;
        let path = data_dir.join(DATABASE_FILE);
        // SQLite gives the WAL and shared-memory files the database's permissions.
        create_private_file(&path)?;
        let options = connect_options(&path)?;
        let writer = writer_pool(options.clone()).await?;
        let mut conn = writer.acquire().await.map_err(backend)?;
        migrate::run(&mut conn).await.map_err(backend)?;
        drop(conn);
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .min_connections(1)
            .test_before_acquire(false)
            .connect_with(options)
            .await
            .map_err(backend)?;
        Ok(Self { pool, writer, path })
    }
}

/// How every connection to the database at `path` is set up.
fn connect_options(path: &Path) -> StoreResult<SqliteConnectOptions> {
    Ok(SqliteConnectOptions::from_str("sqlite:")
        .map_err(backend)?
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        // In WAL mode NORMAL keeps every commit across a process crash;
        // only a power loss can take back the last transactions.
        .synchronous(SqliteSynchronous::Normal)
        .busy_timeout(Duration::from_secs(10))
        .foreign_keys(true)
        .pragma("temp_store", "memory")
        // Checkpoints keep the WAL short; this truncates it back after one
        // that had to let it grow (a long write), instead of leaving it at
        // its largest size for good.
        .pragma("journal_size_limit", (64 << 20).to_string()))
}

/// The one connection this process writes with.
async fn writer_pool(options: SqliteConnectOptions) -> StoreResult<SqlitePool> {
    SqlitePoolOptions::new()
        .max_connections(1)
        .min_connections(1)
        // A ping before each use is a round trip to the connection's
        // thread; an embedded database has no network to go stale.
        .test_before_acquire(false)
        .connect_with(options)
        .await
        .map_err(backend)
}

/// Creates the database file owner-only before SQLite opens it (or makes
/// an existing one so, with its WAL files).
fn create_private_file(path: &Path) -> StoreResult<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        if !path.exists() {
            std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(path)
                .map_err(|e| StoreError::Backend(format!("cannot create {}: {e}", path.display())))?;
        }
    }
    files::restrict_file(path)?;
    for suffix in ["-wal", "-shm"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        files::restrict_file(Path::new(&name))?;
    }
    Ok(())
}

/// Maps a driver error to a [`StoreError`], turning unique-constraint
/// failures into conflicts a caller can report.
pub(crate) fn backend(e: sqlx::Error) -> StoreError {
    if let sqlx::Error::Database(db) = &e
        && db.is_unique_violation()
    {
        return StoreError::Conflict(db.message().to_owned());
    }
    StoreError::Backend(e.to_string())
}

#[async_trait]
impl Store for SqliteStore {
    async fn settings(&self) -> StoreResult<Settings> {
        site::settings(&self.pool).await
    }
    async fn set_setting(&self, key: &str, value: &str) -> StoreResult<()> {
        site::set_setting(&self.writer, key, value).await
    }
    async fn site_secret(&self) -> StoreResult<Vec<u8>> {
        site::secret(&self.pool, &self.writer).await
    }
    async fn flag(&self, name: &str) -> StoreResult<bool> {
        site::flag(&self.pool, name).await
    }
    async fn set_flag(&self, name: &str) -> StoreResult<()> {
        site::set_flag(&self.writer, name).await
    }
    async fn change_feed(&self) -> StoreResult<Box<dyn ChangeFeed>> {
        Ok(Box::new(changes::SqliteChangeFeed::open(&self.path, Utc::now())?))
    }

    async fn create_user(
        &self,
        login: &Login,
        email: Option<&str>,
        profile: &AuthorProfile,
        role: Role,
        password_hash: &str,
    ) -> StoreResult<User> {
        accounts::create_user(&self.pool, &self.writer, login, email, profile, role, password_hash).await
    }
    async fn user(&self, id: i64) -> StoreResult<Option<User>> {
        accounts::by_id(&self.pool, id).await
    }
    async fn user_for_sign_in(&self, login: &str) -> StoreResult<Option<(User, String)>> {
        accounts::for_sign_in(&self.pool, login).await
    }
    async fn users(&self) -> StoreResult<Vec<User>> {
        accounts::all(&self.pool).await
    }
    async fn set_password(&self, id: i64, password_hash: &str) -> StoreResult<()> {
        accounts::set_password(&self.writer, id, password_hash).await
    }
    async fn set_role(&self, id: i64, role: Role) -> StoreResult<()> {
        accounts::set_role(&self.writer, id, role).await
    }
    async fn has_administrator(&self) -> StoreResult<bool> {
        accounts::has_administrator(&self.pool).await
    }
    async fn create_session(&self, token_hash: &[u8], user_id: i64, expires_at: DateTime<Utc>) -> StoreResult<()> {
        accounts::create_session(&self.writer, token_hash, user_id, expires_at).await
    }
    async fn session_user(&self, token_hash: &[u8], now: DateTime<Utc>) -> StoreResult<Option<User>> {
        accounts::session_user(&self.pool, token_hash, now).await
    }
    async fn delete_session(&self, token_hash: &[u8]) -> StoreResult<()> {
        accounts::delete_session(&self.writer, token_hash).await
    }
    async fn login_failures(&self, key: &str, now: DateTime<Utc>) -> StoreResult<Failures> {
        accounts::login_failures(&self.pool, key, now).await
    }
    async fn add_login_failure(
        &self,
        key: &str,
        now: DateTime<Utc>,
        lock: &(dyn Fn(u32) -> Option<DateTime<Utc>> + Send + Sync),
    ) -> StoreResult<Failures> {
        accounts::add_login_failure(&self.writer, key, now, lock).await
    }
    async fn clear_login_failures(&self, key: &str) -> StoreResult<()> {
        accounts::clear_login_failures(&self.writer, key).await
    }
    async fn set_setup_token(&self, token_hash: &[u8]) -> StoreResult<()> {
        accounts::set_setup_token(&self.writer, token_hash).await
    }
    async fn setup_token_valid(&self, token_hash: &[u8]) -> StoreResult<bool> {
        accounts::setup_token_valid(&self.pool, token_hash).await
    }
    async fn create_first_administrator(
        &self,
        token_hash: &[u8],
        login: &Login,
        email: Option<&str>,
        profile: &AuthorProfile,
        password_hash: &str,
    ) -> StoreResult<User> {
        accounts::create_first_administrator(
            &self.pool,
            &self.writer,
            token_hash,
            login,
            email,
            profile,
            password_hash,
        )
        .await
    }

    async fn create_author(&self, login: &Login, email: Option<&str>, profile: &AuthorProfile) -> StoreResult<Author> {
        authors::create(&self.writer, login, email, profile).await
    }
    async fn update_author(&self, id: i64, email: Option<&str>, profile: &AuthorProfile) -> StoreResult<Author> {
        authors::update(&self.writer, id, email, profile).await
    }
    async fn author(&self, id: i64) -> StoreResult<Option<Author>> {
        authors::by_column(&self.pool, "id", &id.to_string()).await
    }
    async fn author_by_login(&self, login: &str) -> StoreResult<Option<Author>> {
        authors::by_column(&self.pool, "login", login).await
    }
    async fn author_by_nicename(&self, nicename: &str) -> StoreResult<Option<Author>> {
        authors::by_column(&self.pool, "nicename", nicename).await
    }
    async fn authors(&self) -> StoreResult<Vec<Author>> {
        authors::all(&self.pool).await
    }

    async fn create_article(&self, article: &NewArticle, now: DateTime<Utc>) -> StoreResult<Article> {
        articles::create(&self.writer, article, now).await
    }
    async fn update_article(&self, id: i64, article: &NewArticle, now: DateTime<Utc>) -> StoreResult<Article> {
        articles::update(&self.writer, id, article, now).await
    }
    async fn publish_article(&self, id: i64, now: DateTime<Utc>) -> StoreResult<Article> {
        articles::publish(&self.writer, id, now).await
    }
    async fn delete_article(&self, id: i64) -> StoreResult<(Article, u64)> {
        articles::delete(&self.writer, id).await
    }
    async fn next_publication_after(&self, now: DateTime<Utc>) -> StoreResult<Option<DateTime<Utc>>> {
        articles::next_publication_after(&self.pool, now).await
    }
    async fn admin_articles(&self, query: &AdminArticleQuery) -> StoreResult<Page<Article>> {
        articles::admin_list(&self.pool, query).await
    }
    async fn trash_article(&self, id: i64) -> StoreResult<Article> {
        articles::trash(&self.writer, id).await
    }
    async fn restore_article(&self, id: i64) -> StoreResult<Article> {
        articles::restore(&self.writer, id).await
    }
    async fn revisions(&self, article_id: i64) -> StoreResult<Vec<Revision>> {
        editorial::list(&self.pool, article_id).await
    }
    async fn revision(&self, id: i64) -> StoreResult<Option<Revision>> {
        editorial::one(&self.pool, id).await
    }
    async fn attribute_revision(&self, article_id: i64, user_id: i64) -> StoreResult<()> {
        editorial::attribute(&self.writer, article_id, user_id).await
    }
    async fn restore_revision(&self, revision_id: i64, now: DateTime<Utc>) -> StoreResult<Article> {
        editorial::restore(&self.writer, revision_id, now).await
    }
    async fn article_notes(&self, article_id: i64) -> StoreResult<Vec<ArticleNote>> {
        editorial::notes(&self.pool, article_id).await
    }
    async fn add_article_note(
        &self,
        article_id: i64,
        kind: NoteKind,
        body: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<ArticleNote> {
        editorial::add_note(&self.writer, article_id, kind, body, now).await
    }
    async fn delete_article_note(&self, id: i64) -> StoreResult<()> {
        editorial::delete_note(&self.writer, id).await
    }
    async fn article(&self, id: i64) -> StoreResult<Option<Article>> {
        articles::by_id(&self.pool, id).await
    }
    async fn article_by_slug(&self, kind: ArticleKind, slug: &str) -> StoreResult<Option<Article>> {
        articles::by_slug(&self.pool, kind, slug).await
    }
    async fn articles(&self, query: &ArticleQuery) -> StoreResult<Page<Article>> {
        articles::list(&self.pool, query).await
    }
    async fn search(
        &self,
        terms: &[String],
        now: DateTime<Utc>,
        page: u32,
        per_page: u32,
    ) -> StoreResult<Page<SearchHit>> {
        articles::search(&self.pool, terms, now, page, per_page).await
    }
    async fn article_stamps(
        &self,
        kind: ArticleKind,
        now: DateTime<Utc>,
        page: u32,
        per_page: u32,
    ) -> StoreResult<Page<ArticleStamp>> {
        articles::stamps(&self.pool, kind, now, page, per_page).await
    }
    async fn term_by_slug(&self, kind: TermKind, slug: &str) -> StoreResult<Option<Term>> {
        articles::term_by_slug(&self.pool, kind, slug).await
    }

    async fn submit_comment(&self, comment: &NewComment, decide: Decide<'_>) -> Result<Submitted, SubmitError> {
        comments::submit(&self.pool, &self.writer, comment, decide).await
    }
    async fn comment_page(
        &self,
        article_id: i64,
        page: u32,
        per_page: u32,
        also_visible: &[CommentId],
    ) -> StoreResult<CommentPage> {
        comments::page(&self.pool, article_id, page, per_page, also_visible).await
    }
    async fn comment_page_of(&self, id: CommentId, per_page: u32) -> StoreResult<u32> {
        comments::page_of(&self.pool, id, per_page).await
    }
    async fn approved_comment_counts(&self, article_ids: &[i64]) -> StoreResult<Vec<(i64, u64)>> {
        comments::approved_counts(&self.pool, article_ids).await
    }
    async fn recent_comments(
        &self,
        article_id: Option<i64>,
        now: DateTime<Utc>,
        limit: u32,
    ) -> StoreResult<Vec<Comment>> {
        comments::recent(&self.pool, article_id, now, limit).await
    }
    async fn comment(&self, id: CommentId) -> StoreResult<Option<Comment>> {
        comments::by_id(&self.pool, id).await
    }
    async fn comments(&self, status: Option<CommentStatus>, limit: u32) -> StoreResult<Vec<Comment>> {
        comments::list(&self.pool, status, limit).await
    }
    async fn moderation_queue(&self, query: &QueueQuery) -> StoreResult<Page<Comment>> {
        comments::queue(&self.pool, query).await
    }
    async fn comment_counts(&self, article_author: Option<i64>) -> StoreResult<CommentCounts> {
        comments::counts(&self.pool, article_author).await
    }
    async fn restore_comment(&self, id: CommentId) -> StoreResult<Comment> {
        comments::restore(&self.writer, id).await
    }
    async fn update_comment(&self, id: CommentId, edit: &CommentEdit) -> StoreResult<Comment> {
        comments::update(&self.writer, id, edit).await
    }
    async fn add_staff_reply(&self, reply: &StaffReply) -> StoreResult<Comment> {
        comments::add_reply(&self.writer, reply).await
    }
    async fn set_comment_status(&self, id: CommentId, status: CommentStatus) -> StoreResult<Comment> {
        comments::set_status(&self.writer, id, status).await
    }
    async fn delete_comment(&self, id: CommentId) -> StoreResult<Comment> {
        comments::delete(&self.writer, id).await
    }

    async fn begin_import(&self, mode: ImportMode) -> StoreResult<Box<dyn byline_store::import::Import>> {
        Ok(Box::new(match mode {
            ImportMode::Apply => import::SqliteImport::begin(&self.writer).await?,
            ImportMode::DryRun => import::SqliteImport::begin_dry_run(&self.pool, &self.path).await?,
        }))
    }
    async fn article_by_wp_id(&self, id: i64) -> StoreResult<Option<Article>> {
        articles::by_wp_id(&self.pool, id).await
    }
    async fn article_by_old_slug(&self, kind: ArticleKind, slug: &str) -> StoreResult<Option<Article>> {
        articles::by_old_slug(&self.pool, kind, slug).await
    }
    async fn article_comments(&self, article_id: i64) -> StoreResult<Vec<Comment>> {
        comments::of_article(&self.pool, article_id).await
    }
    async fn terms(&self) -> StoreResult<Vec<byline_store::TermRecord>> {
        articles::terms(&self.pool).await
    }
    async fn attachments(&self) -> StoreResult<Vec<byline_store::AttachmentRecord>> {
        articles::attachments(&self.pool).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn conforms_to_the_store_contract() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path()).await.unwrap();
        byline_store::conformance::run_all(&store).await;
    }

    #[tokio::test]
    async fn reopening_keeps_data_and_schema() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path()).await.unwrap();
        store.set_setting("title", "Kept").await.unwrap();
        drop(store);
        let store = SqliteStore::open(dir.path()).await.unwrap();
        assert_eq!(store.settings().await.unwrap().title, "Kept");
    }
}
