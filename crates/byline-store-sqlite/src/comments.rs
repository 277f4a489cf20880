//! Comments: submission with its checks in one write transaction, pages of
//! threads, and moderation.

use std::collections::HashSet;

use byline_core::submission::{CommentFacts, ParentFacts};
use byline_core::{Comment, CommentId, CommentStatus};
use byline_store::{
    CommentCounts, CommentEdit, CommentPage, Decide, NewComment, Page, QueueQuery, StaffReply, StoreError, StoreResult,
    SubmitError, Submitted,
};
use chrono::{DateTime, Utc};
use sqlx::{QueryBuilder, Sqlite, SqliteConnection, SqlitePool};

use crate::backend;
use crate::rows::{COMMENT_COLUMNS, CommentRow, SubmittedRow};
use crate::time::{decode_opt, encode};

// The facts a submission is decided on, as SQL over the numbered
// parameters ?1 email, ?2 name, ?3 article, ?4 requested parent, ?5 text,
// ?6 client network (`byline_core::client_net`: what the flood check counts
// by; the insert binds the full address last), ?7 the commenter's browser
// key (see `Comment::commenter`). WordPress's duplicate rule:
// same article, same parent, same text, same name or email, not in the
// trash (asked once by email and once by name, so each half uses an index).
// The indexes are named: left to itself the planner may walk the whole
// discussion by article instead (a 20,000-thread discussion took 45
// comments a second that way).
const DUPLICATE: &str = "EXISTS (SELECT 1 FROM comments INDEXED BY comments_by_commenter WHERE author_email = ?1 \
     AND article_id = ?3 AND parent_id IS ?4 AND body = ?5 AND status != 'trash' \
     UNION ALL SELECT 1 FROM comments INDEXED BY comments_by_name WHERE author_name = ?2 AND article_id = ?3 \
     AND parent_id IS ?4 AND body = ?5 AND status != 'trash')";
const LAST_FROM_ADDRESS: &str = "(SELECT max(created_at) FROM comments WHERE author_net = ?6)";
/// A known commenter has an approved comment under the same name and email
/// posted from the same browser: typing someone's name and email is not
/// enough to pass as them.
const KNOWN_COMMENTER: &str = "EXISTS (SELECT 1 FROM comments WHERE author_email = ?1 AND author_name = ?2 \
     AND status = 'approved' AND commenter = ?7)";
const PARENT: &str =
    "(SELECT article_id || ' ' || status || ' ' || depth || ' ' || root_id FROM comments WHERE id = ?4)";

/// How many approved threads start before the comment just inserted (as
/// `comments` in a `RETURNING`): its root's position, or for a new thread
/// the position after the thread before it (what the `comments_thread_insert`
/// trigger of migration 0005 stores; `RETURNING` sees the row as inserted).
/// The discussion page of the comment (see `thread::page_for`).
const THREADS_BEFORE_NEW: &str = "CASE WHEN comments.root_id = 0 THEN coalesce(( \
     SELECT p.thread_pos + (p.status = 'approved') FROM comments p \
     WHERE p.article_id = comments.article_id AND p.depth = 1 \
       AND (p.created_at, p.id) < (comments.created_at, comments.id) \
     ORDER BY p.created_at DESC, p.id DESC LIMIT 1), 0) \
     ELSE (SELECT r.thread_pos FROM comments r WHERE r.id = comments.root_id) END";

/// Optimistic attempts before a submission takes the write lock for its
/// whole decision (a burst from one address keeps changing its facts).
const OPTIMISTIC_ATTEMPTS: usize = 3;

/// Reads the facts, decides, then inserts in one statement that only
/// succeeds if the facts are still the same. Usually the facts are read on
/// any connection and only the insert takes the write lock, so a busy
/// discussion queues on nothing longer; after a few lost races the whole
/// decision runs inside `BEGIN IMMEDIATE`, where it cannot lose.
pub async fn submit(
    readers: &SqlitePool,
    writer: &SqlitePool,
    c: &NewComment,
    decide: Decide<'_>,
) -> Result<Submitted, SubmitError> {
    for _ in 0..OPTIMISTIC_ATTEMPTS {
        if let Some(comment) = place(readers, writer, c, decide).await? {
            return Ok(comment);
        }
    }
    let mut tx = writer.begin_with("BEGIN IMMEDIATE").await.map_err(backend)?;
    let placed = {
        let conn: &mut SqliteConnection = &mut tx;
        place_on(conn, c, decide).await?
    };
    tx.commit().await.map_err(backend)?;
    placed.ok_or_else(|| StoreError::Backend("comment facts changed under the write lock".into()).into())
}

/// One attempt: facts from `readers`, the insert on `writer`. `None` when
/// the facts changed in between.
async fn place(
    readers: &SqlitePool,
    writer: &SqlitePool,
    c: &NewComment,
    decide: Decide<'_>,
) -> Result<Option<Submitted>, SubmitError> {
    let facts = read_facts(readers, c).await?;
    insert_if_unchanged(writer, c, &facts, decide).await
}

/// One attempt on a single connection (inside the caller's transaction).
async fn place_on(
    conn: &mut SqliteConnection,
    c: &NewComment,
    decide: Decide<'_>,
) -> Result<Option<Submitted>, SubmitError> {
    let facts = read_facts(&mut *conn, c).await?;
    insert_if_unchanged(&mut *conn, c, &facts, decide).await
}

/// What was read, in the form the insert compares against.
struct ReadFacts {
    facts: CommentFacts,
    last: Option<String>,
    parent: Option<String>,
}

async fn read_facts<'c>(on: impl sqlx::Executor<'c, Database = Sqlite>, c: &NewComment) -> StoreResult<ReadFacts> {
    let sql = format!("SELECT {DUPLICATE}, {LAST_FROM_ADDRESS}, {KNOWN_COMMENTER}, {PARENT}");
    let (duplicate, last, known, parent): (bool, Option<String>, bool, Option<String>) =
        bind_facts(sqlx::query_as(&sql), c)
            .fetch_one(on)
            .await
            .map_err(backend)?;
    Ok(ReadFacts {
        facts: CommentFacts {
            article_id: c.article_id,
            parent: c.parent_id.map(|_| parent.as_deref().and_then(parse_parent)),
            duplicate,
            last_from_address: decode_opt(last.as_deref()).map_err(backend)?,
            known_commenter: known,
            now: c.created_at,
        },
        last,
        parent,
    })
}

async fn insert_if_unchanged<'c>(
    on: impl sqlx::Executor<'c, Database = Sqlite>,
    c: &NewComment,
    read: &ReadFacts,
    decide: Decide<'_>,
) -> Result<Option<Submitted>, SubmitError> {
    let placement = decide(&read.facts)?;
    let sql = format!(
        "INSERT INTO comments (article_id, parent_id, root_id, depth, author_name, author_email, author_url, \
         author_net, user_agent, body, status, created_at, author_ip, commenter) \
         SELECT ?3, ?8, ?9, ?10, ?2, ?1, ?11, ?6, ?12, ?5, ?13, ?14, ?18, ?7 \
         WHERE NOT {DUPLICATE} AND {LAST_FROM_ADDRESS} IS ?15 AND {KNOWN_COMMENTER} = ?16 AND {PARENT} IS ?17 \
         RETURNING {COMMENT_COLUMNS}, {THREADS_BEFORE_NEW} AS threads_before"
    );
    // fetch_all steps the statement to its end: SQLite runs its WAL
    // auto-checkpoint only then, not when a statement is merely reset.
    let rows: Vec<SubmittedRow> = bind_facts(sqlx::query_as(&sql), c)
        .bind(placement.parent_id.map(|p| p.0))
        // A new thread's root is its own id, set by the `comments_thread_insert` trigger.
        .bind(placement.root_id.map_or(0, |r| r.0))
        .bind(i64::from(placement.depth))
        .bind(&c.author_url)
        .bind(&c.user_agent)
        .bind(placement.status.as_str())
        .bind(encode(c.created_at))
        .bind(&read.last)
        .bind(read.facts.known_commenter)
        .bind(&read.parent)
        .bind(&c.author_ip)
        .fetch_all(on)
        .await
        .map_err(backend)?;
    let Some(row) = rows.into_iter().next() else {
        return Ok(None);
    };
    let threads_before = u64::try_from(row.threads_before).unwrap_or(0);
    let mut comment = Comment::try_from(row.comment).map_err(backend)?;
    // RETURNING shows the row as inserted, before the trigger set the root.
    if placement.root_id.is_none() {
        comment.root_id = comment.id;
    }
    Ok(Some(Submitted {
        comment,
        threads_before,
    }))
}

/// Binds ?1 to ?7 (see [`DUPLICATE`]).
fn bind_facts<'q, O>(
    q: sqlx::query::QueryAs<'q, Sqlite, O, sqlx::sqlite::SqliteArguments<'q>>,
    c: &'q NewComment,
) -> sqlx::query::QueryAs<'q, Sqlite, O, sqlx::sqlite::SqliteArguments<'q>> {
    q.bind(&c.author_email)
        .bind(&c.author_name)
        .bind(c.article_id)
        .bind(c.parent_id.map(|p| p.0))
        .bind(&c.body)
        .bind(byline_core::client_net::network_key(&c.author_ip))
        .bind(&c.commenter)
}

/// Reads [`PARENT`]'s "article status depth root".
fn parse_parent(s: &str) -> Option<ParentFacts> {
    let mut parts = s.split(' ');
    Some(ParentFacts {
        article_id: parts.next()?.parse().ok()?,
        status: CommentStatus::parse(parts.next()?)?,
        depth: parts.next()?.parse().ok()?,
        root_id: CommentId(parts.next()?.parse().ok()?),
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
    let (approved, threads): (i64, i64) = sqlx::query_as(
        "SELECT coalesce(max(approved), 0), coalesce(max(threads), 0) FROM article_counts WHERE article_id = ?",
    )
    .bind(article_id)
    .fetch_one(&mut *conn)
    .await
    .map_err(backend)?;
    // The page's threads by position: the approved ones, and the visitor's
    // own held ones, each shown where it would stand if approved.
    let first = i64::from(page.saturating_sub(1)) * i64::from(per_page);
    let last = first + i64::from(per_page);
    let mut roots: Vec<(String, i64)> = sqlx::query_as(
        "SELECT created_at, id FROM comments INDEXED BY comments_by_position \
         WHERE article_id = ? AND status = 'approved' AND depth = 1 AND thread_pos >= ? AND thread_pos < ?",
    )
    .bind(article_id)
    .bind(first)
    .bind(last)
    .fetch_all(&mut *conn)
    .await
    .map_err(backend)?;
    let mut threads = threads;
    if !also_visible.is_empty() {
        let mut b: QueryBuilder<Sqlite> = QueryBuilder::new(
            "SELECT created_at, id, thread_pos FROM comments WHERE status = 'pending' AND depth = 1 AND article_id = ",
        );
        b.push_bind(article_id).push(" AND id IN (");
        let mut ids = b.separated(", ");
        for id in also_visible {
            ids.push_bind(id.0);
        }
        b.push(")");
        let held: Vec<(String, i64, i64)> = b.build_query_as().fetch_all(&mut *conn).await.map_err(backend)?;
        for (created_at, id, pos) in held {
            // A held thread after the last approved one still needs a page.
            threads = threads.max(pos + 1);
            if (first..last).contains(&pos) {
                roots.push((created_at, id));
            }
        }
    }
    roots.sort_unstable();

    let mut comments = Vec::new();
    if !roots.is_empty() {
        let mut b: QueryBuilder<Sqlite> = QueryBuilder::new(format!(
            "SELECT {COMMENT_COLUMNS} FROM comments INDEXED BY comments_by_root WHERE root_id IN ("
        ));
        let mut ids = b.separated(", ");
        for (_, id) in &roots {
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
        threads: u64::try_from(threads).unwrap_or(0),
        approved: u64::try_from(approved).unwrap_or(0),
    })
}

pub async fn page_of(pool: &SqlitePool, id: CommentId, per_page: u32) -> StoreResult<u32> {
    // The approved threads that start before this comment's thread.
    let before: Option<i64> =
        sqlx::query_scalar("SELECT r.thread_pos FROM comments me JOIN comments r ON r.id = me.root_id WHERE me.id = ?")
            .bind(id.0)
            .fetch_optional(pool)
            .await
            .map_err(backend)?;
    let before = before.ok_or_else(|| not_found(id))?;
    Ok(byline_core::thread::page_for(
        u64::try_from(before).unwrap_or(0),
        per_page,
    ))
}

pub async fn approved_counts(pool: &SqlitePool, article_ids: &[i64]) -> StoreResult<Vec<(i64, u64)>> {
    if article_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut b: QueryBuilder<Sqlite> =
        QueryBuilder::new("SELECT article_id, approved FROM article_counts WHERE approved > 0 AND article_id IN (");
    let mut ids = b.separated(", ");
    for id in article_ids {
        ids.push_bind(*id);
    }
    b.push(")");
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

/// The comment an `UPDATE … RETURNING` changed, or `NotFound`.
fn only_row(rows: Vec<CommentRow>, id: CommentId) -> StoreResult<Comment> {
    rows.into_iter()
        .next()
        .ok_or_else(|| not_found(id))?
        .try_into()
        .map_err(backend)
}

pub async fn set_status(pool: &SqlitePool, id: CommentId, status: CommentStatus) -> StoreResult<Comment> {
    // Moving to the trash remembers where the comment was, for a restore.
    let sql = format!(
        "UPDATE comments SET trashed_from = CASE WHEN ?1 = 'trash' AND status != 'trash' THEN status \
           WHEN ?1 = 'trash' THEN trashed_from END, status = ?1 WHERE id = ?2 RETURNING {COMMENT_COLUMNS}"
    );
    let rows: Vec<CommentRow> = sqlx::query_as(&sql)
        .bind(status.as_str())
        .bind(id.0)
        .fetch_all(pool)
        .await
        .map_err(backend)?;
    only_row(rows, id)
}

pub async fn restore(pool: &SqlitePool, id: CommentId) -> StoreResult<Comment> {
    let sql = format!(
        "UPDATE comments SET status = coalesce(trashed_from, 'pending'), trashed_from = NULL \
         WHERE id = ? AND status = 'trash' RETURNING {COMMENT_COLUMNS}"
    );
    let rows: Vec<CommentRow> = sqlx::query_as(&sql).bind(id.0).fetch_all(pool).await.map_err(backend)?;
    only_row(rows, id)
}

pub async fn update(pool: &SqlitePool, id: CommentId, edit: &CommentEdit) -> StoreResult<Comment> {
    let sql = format!(
        "UPDATE comments SET author_name = ?, author_email = ?, author_url = ?, body = ? WHERE id = ? \
         RETURNING {COMMENT_COLUMNS}"
    );
    let rows: Vec<CommentRow> = sqlx::query_as(&sql)
        .bind(&edit.author_name)
        .bind(&edit.author_email)
        .bind(&edit.author_url)
        .bind(&edit.body)
        .bind(id.0)
        .fetch_all(pool)
        .await
        .map_err(backend)?;
    only_row(rows, id)
}

pub async fn add_reply(pool: &SqlitePool, reply: &StaffReply) -> StoreResult<Comment> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(backend)?;
    let parent = fetch(&mut tx, reply.parent_id)
        .await?
        .ok_or_else(|| not_found(reply.parent_id))?;
    let sql = format!(
        "INSERT INTO comments (article_id, parent_id, root_id, depth, author_name, author_email, author_url, \
         author_ip, user_agent, body, status, created_at, author_id) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, '', ?, 'approved', ?, ?) RETURNING {COMMENT_COLUMNS}"
    );
    let rows: Vec<CommentRow> = sqlx::query_as(&sql)
        .bind(parent.article_id)
        .bind(parent.id.0)
        .bind(parent.root_id.0)
        .bind(i64::from(parent.depth + 1))
        .bind(&reply.author_name)
        .bind(&reply.author_email)
        .bind(&reply.author_url)
        .bind(&reply.author_ip)
        .bind(&reply.body)
        .bind(encode(reply.created_at))
        .bind(reply.author_id)
        .fetch_all(&mut *tx)
        .await
        .map_err(backend)?;
    tx.commit().await.map_err(backend)?;
    rows.into_iter()
        .next()
        .ok_or_else(|| StoreError::Backend("inserted reply vanished".into()))?
        .try_into()
        .map_err(backend)
}

/// `WHERE` for the moderation queue (status, search, article author).
fn push_queue_filter(b: &mut QueryBuilder<'_, Sqlite>, q: &QueueQuery) {
    b.push(" WHERE status = ").push_bind(q.status.as_str());
    if let Some(author) = q.article_author {
        b.push(" AND article_id IN (SELECT id FROM articles WHERE author_id = ")
            .push_bind(author)
            .push(")");
    }
    let columns: &[&str] = if q.search_emails {
        &["body", "author_name", "author_email"]
    } else {
        &["body", "author_name"]
    };
    crate::rows::push_contains(b, columns, q.search.as_deref());
}

pub async fn queue(pool: &SqlitePool, q: &QueueQuery) -> StoreResult<Page<Comment>> {
    let mut conn = pool.acquire().await.map_err(backend)?;
    let mut b: QueryBuilder<Sqlite> = QueryBuilder::new("SELECT count(*) FROM comments");
    push_queue_filter(&mut b, q);
    let total: i64 = b.build_query_scalar().fetch_one(&mut *conn).await.map_err(backend)?;
    let mut b: QueryBuilder<Sqlite> = QueryBuilder::new(format!("SELECT {COMMENT_COLUMNS} FROM comments"));
    push_queue_filter(&mut b, q);
    b.push(" ORDER BY created_at DESC, id DESC LIMIT ")
        .push_bind(i64::from(q.per_page))
        .push(" OFFSET ")
        .push_bind(i64::from(q.page.saturating_sub(1)) * i64::from(q.per_page));
    let rows: Vec<CommentRow> = b.build_query_as().fetch_all(&mut *conn).await.map_err(backend)?;
    Ok(Page {
        items: to_comments(rows)?,
        total: u64::try_from(total).unwrap_or(0),
    })
}

pub async fn counts(pool: &SqlitePool, article_author: Option<i64>) -> StoreResult<CommentCounts> {
    let mut b: QueryBuilder<Sqlite> = QueryBuilder::new("SELECT status, count(*) FROM comments");
    if let Some(author) = article_author {
        b.push(" WHERE article_id IN (SELECT id FROM articles WHERE author_id = ")
            .push_bind(author)
            .push(")");
    }
    b.push(" GROUP BY status");
    let rows: Vec<(String, i64)> = b.build_query_as().fetch_all(pool).await.map_err(backend)?;
    let mut counts = CommentCounts::default();
    for (status, n) in rows {
        let n = u64::try_from(n).unwrap_or(0);
        match CommentStatus::parse(&status) {
            Some(CommentStatus::Pending) => counts.pending = n,
            Some(CommentStatus::Approved) => counts.approved = n,
            Some(CommentStatus::Spam) => counts.spam = n,
            Some(CommentStatus::Trash) => counts.trash = n,
            None => {}
        }
    }
    Ok(counts)
}

pub async fn delete(pool: &SqlitePool, id: CommentId) -> StoreResult<Comment> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(backend)?;
    let gone = delete_on(&mut tx, id).await?;
    tx.commit().await.map_err(backend)?;
    Ok(gone)
}

/// Deletes comment `id` inside the caller's transaction.
pub(crate) async fn delete_on(tx: &mut SqliteConnection, id: CommentId) -> StoreResult<Comment> {
    let gone = fetch(&mut *tx, id).await?.ok_or_else(|| not_found(id))?;
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
