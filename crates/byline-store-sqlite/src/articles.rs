//! Articles and their terms.

use std::collections::HashMap;

use byline_core::markdown::body_text;
use byline_core::{Article, ArticleKind, ArticleStatus, BodyFormat, NewArticle, Slug, Term, TermKind};
use byline_store::editorial::AdminArticleQuery;
use byline_store::{
    ArticleFilter, ArticleQuery, ArticleStamp, AttachmentRecord, Page, SearchHit, StoreError, StoreResult, TermRecord,
};
use chrono::{DateTime, Utc};
use sqlx::{FromRow, QueryBuilder, Row, Sqlite, SqliteConnection, SqlitePool};

use crate::backend;
use crate::rows::{ARTICLE_COLUMNS, ArticleRow, ArticleTermRow, ArticleTermsRow, TermRow};
use crate::time::{decode, decode_opt, encode};

/// Binds the content columns shared by insert and update, in the order
/// both statements list them: kind, author, title, slug, body, excerpt,
/// format, excerpt, status, comment status, password, sticky. (A macro, because `query` and `query_scalar`
/// are different types with the same `bind`.)
macro_rules! bind_content {
    ($query:expr, $a:expr, $slug:expr) => {
        $query
            .bind($a.kind.as_str())
            .bind($a.author_id)
            .bind(&$a.title)
            .bind($slug.as_str())
            .bind(&$a.body)
            .bind($a.format.as_str())
            .bind(&$a.excerpt)
            .bind($a.status.as_str())
            .bind($a.comments.as_str())
            .bind($a.password.as_deref().filter(|p| !p.is_empty()))
            .bind($a.sticky)
    };
}

pub async fn create(pool: &SqlitePool, a: &NewArticle, now: DateTime<Utc>) -> StoreResult<Article> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(backend)?;
    let slug = free_slug(&mut tx, a, None).await?;
    let id = insert(
        &mut tx,
        a,
        &slug,
        Stamps {
            created_at: now,
            updated_at: None,
            wp_id: None,
        },
    )
    .await?;
    set_terms(&mut tx, id, a).await?;
    tx.commit().await.map_err(backend)?;
    require(by_id(pool, id).await?, id)
}

/// Times and origin of a new row.
pub(crate) struct Stamps {
    pub created_at: DateTime<Utc>,
    pub updated_at: Option<DateTime<Utc>>,
    pub wp_id: Option<i64>,
}

/// Inserts an article row under `slug` and indexes it; terms are the caller's.
pub(crate) async fn insert(
    conn: &mut SqliteConnection,
    a: &NewArticle,
    slug: &Slug,
    stamps: Stamps,
) -> StoreResult<i64> {
    let published_at = match a.status {
        ArticleStatus::Published => Some(a.published_at.unwrap_or(stamps.created_at)),
        _ => a.published_at,
    };
    let insert = sqlx::query_scalar(
        "INSERT INTO articles (kind, author_id, title, slug, body, format, excerpt, status, comment_status, password, \
         sticky, published_at, created_at, updated_at, wp_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) \
         RETURNING id",
    );
    let id: i64 = bind_content!(insert, a, slug)
        .bind(published_at.map(encode))
        .bind(encode(stamps.created_at))
        .bind(stamps.updated_at.map(encode))
        .bind(stamps.wp_id)
        .fetch_one(&mut *conn)
        .await
        .map_err(backend)?;
    // A new row has no entry in the index yet; only what is public gets one.
    if is_indexed(a.status, a.password.as_deref()) {
        index(conn, id, &a.title, &a.body, a.format, a.status, a.password.as_deref()).await?;
    }
    Ok(id)
}

/// Whether an article's text belongs in the search index: published, and
/// not behind a password (snippets would show it).
pub(crate) fn is_indexed(status: ArticleStatus, password: Option<&str>) -> bool {
    status == ArticleStatus::Published && password.is_none_or(str::is_empty)
}

/// `base`, or `base-2`, `base-3`… whichever no other article of the kind uses.
pub(crate) async fn unique_slug(conn: &mut SqliteConnection, kind: ArticleKind, base: &Slug) -> StoreResult<Slug> {
    let mut candidate = base.clone();
    let mut n = 2;
    while slug_owner(conn, kind, &candidate, None).await?.is_some() {
        candidate = base.with_suffix(n);
        n += 1;
    }
    Ok(candidate)
}

/// Keeps an article's entry in the search index in step with it: only
/// published articles are indexed, so counting and ranking never need to
/// look at the (large) article rows.
pub(crate) async fn index(
    conn: &mut SqliteConnection,
    id: i64,
    title: &str,
    body: &str,
    format: BodyFormat,
    status: ArticleStatus,
    password: Option<&str>,
) -> StoreResult<()> {
    sqlx::query("DELETE FROM articles_fts WHERE rowid = ?")
        .bind(id)
        .execute(&mut *conn)
        .await
        .map_err(backend)?;
    if is_indexed(status, password) {
        sqlx::query("INSERT INTO articles_fts (rowid, title, body) VALUES (?, ?, ?)")
            .bind(id)
            .bind(title)
            .bind(body_text(body, format))
            .execute(&mut *conn)
            .await
            .map_err(backend)?;
    }
    Ok(())
}

pub async fn update(pool: &SqlitePool, id: i64, a: &NewArticle, now: DateTime<Utc>) -> StoreResult<Article> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(backend)?;
    let current = require(fetch_one(&mut tx, id).await?, id)?;
    let slug = free_slug(&mut tx, a, Some(id)).await?;
    let was_published = current.status == ArticleStatus::Published;
    let (published_at, updated_at) = match (was_published, a.status) {
        // A published article keeps its date; the change is an update.
        (true, _) => (current.published_at, Some(now)),
        (false, ArticleStatus::Published) => (Some(a.published_at.unwrap_or(now)), None),
        (false, _) => (a.published_at, None),
    };
    let update = sqlx::query(
        "UPDATE articles SET kind = ?, author_id = ?, title = ?, slug = ?, body = ?, format = ?, excerpt = ?, status = ?, \
         comment_status = ?, password = ?, sticky = ?, published_at = ?, updated_at = ? WHERE id = ?",
    );
    bind_content!(update, a, slug)
        .bind(published_at.map(encode))
        .bind(updated_at.map(encode))
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
    // Terms the article keeps are left in place, so their archives are not
    // reported changed (see `0003_changes.sql`).
    let kept = set_terms(&mut tx, id, a).await?;
    let mut drop: QueryBuilder<Sqlite> = QueryBuilder::new("DELETE FROM article_terms WHERE article_id = ");
    drop.push_bind(id)
        .push(" AND term_id NOT IN (SELECT id FROM terms WHERE false");
    for (kind, slug) in kept {
        drop.push(" OR (kind = ")
            .push_bind(kind.as_str())
            .push(" AND slug = ")
            .push_bind(slug.as_str().to_owned())
            .push(")");
    }
    drop.push(")");
    drop.build().execute(&mut *tx).await.map_err(backend)?;
    index(
        &mut tx,
        id,
        &a.title,
        &a.body,
        a.format,
        a.status,
        a.password.as_deref(),
    )
    .await?;
    tx.commit().await.map_err(backend)?;
    require(by_id(pool, id).await?, id)
}

pub async fn publish(pool: &SqlitePool, id: i64, now: DateTime<Utc>) -> StoreResult<Article> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(backend)?;
    let current = require(fetch_one(&mut tx, id).await?, id)?;
    sqlx::query("UPDATE articles SET status = 'published', published_at = COALESCE(published_at, ?) WHERE id = ?")
        .bind(encode(now))
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
    index(
        &mut tx,
        id,
        &current.title,
        &current.body,
        current.format,
        ArticleStatus::Published,
        current.password.as_deref(),
    )
    .await?;
    tx.commit().await.map_err(backend)?;
    require(by_id(pool, id).await?, id)
}

pub async fn delete(pool: &SqlitePool, id: i64) -> StoreResult<(Article, u64)> {
    let article = require(by_id(pool, id).await?, id)?;
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(backend)?;
    let comments = sqlx::query("DELETE FROM comments WHERE article_id = ?")
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(backend)?
        .rows_affected();
    sqlx::query("DELETE FROM articles_fts WHERE rowid = ?")
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
    sqlx::query("DELETE FROM articles WHERE id = ?")
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
    tx.commit().await.map_err(backend)?;
    Ok((article, comments))
}

pub async fn by_id(pool: &SqlitePool, id: i64) -> StoreResult<Option<Article>> {
    let mut conn = pool.acquire().await.map_err(backend)?;
    fetch_one(&mut conn, id).await
}

async fn fetch_one(conn: &mut SqliteConnection, id: i64) -> StoreResult<Option<Article>> {
    one_with_terms(conn, |b| {
        b.push("id = ").push_bind(id);
    })
    .await
}

/// The article matching the condition `filter` pushes (on `articles`)
/// with its terms, in one round trip: one row per term.
async fn one_with_terms(
    conn: &mut SqliteConnection,
    filter: impl FnOnce(&mut QueryBuilder<'_, Sqlite>),
) -> StoreResult<Option<Article>> {
    let mut b: QueryBuilder<Sqlite> = QueryBuilder::new(format!(
        "SELECT a.*, t.id AS term_id, t.kind AS term_kind, t.slug AS term_slug, t.name AS term_name \
         FROM (SELECT {ARTICLE_COLUMNS} FROM articles WHERE "
    ));
    filter(&mut b);
    b.push(
        ") a LEFT JOIN article_terms at ON at.article_id = a.id LEFT JOIN terms t ON t.id = at.term_id \
         ORDER BY t.name COLLATE NOCASE",
    );
    let rows: Vec<ArticleTermsRow> = b.build_query_as().fetch_all(&mut *conn).await.map_err(backend)?;
    let mut rows = rows.into_iter();
    let Some(first) = rows.next() else { return Ok(None) };
    let (article, term) = first.split();
    let mut article = article.into_article().map_err(backend)?;
    for term in std::iter::once(term).chain(rows.map(|r| r.split().1)).flatten() {
        let term = term.into_term().map_err(backend)?;
        match term.kind {
            TermKind::Category => article.categories.push(term),
            TermKind::Tag => article.tags.push(term),
        }
    }
    Ok(Some(article))
}

pub async fn by_wp_id(pool: &SqlitePool, wp_id: i64) -> StoreResult<Option<Article>> {
    let id: Option<i64> = sqlx::query_scalar("SELECT id FROM articles WHERE wp_id = ?")
        .bind(wp_id)
        .fetch_optional(pool)
        .await
        .map_err(backend)?;
    by_id(pool, id.unwrap_or(wp_id)).await
}

pub async fn by_old_slug(pool: &SqlitePool, kind: ArticleKind, slug: &str) -> StoreResult<Option<Article>> {
    let id: Option<i64> = sqlx::query_scalar("SELECT article_id FROM article_old_slugs WHERE kind = ? AND slug = ?")
        .bind(kind.as_str())
        .bind(slug)
        .fetch_optional(pool)
        .await
        .map_err(backend)?;
    match id {
        Some(id) => by_id(pool, id).await,
        None => Ok(None),
    }
}

pub async fn terms(pool: &SqlitePool) -> StoreResult<Vec<TermRecord>> {
    let rows: Vec<(i64, String, String, String, String, Option<String>)> = sqlx::query_as(
        "SELECT t.id, t.kind, t.slug, t.name, t.description, p.slug FROM terms t LEFT JOIN terms p ON p.id = t.parent_id \
         ORDER BY t.parent_id IS NOT NULL, t.id",
    )
    .fetch_all(pool)
    .await
    .map_err(backend)?;
    rows.into_iter()
        .map(|(id, kind, slug, name, description, parent_slug)| {
            let term = TermRow { id, kind, slug, name }.try_into().map_err(backend)?;
            Ok(TermRecord {
                term,
                description,
                parent_slug,
            })
        })
        .collect()
}

pub async fn attachments(pool: &SqlitePool) -> StoreResult<Vec<AttachmentRecord>> {
    let rows: Vec<(i64, Option<i64>, String, String, String, String)> =
        sqlx::query_as("SELECT id, article_id, title, url, mime_type, created_at FROM attachments ORDER BY id")
            .fetch_all(pool)
            .await
            .map_err(backend)?;
    rows.into_iter()
        .map(|(id, article_id, title, url, mime_type, created)| {
            Ok(AttachmentRecord {
                id,
                article_id,
                title,
                url,
                mime_type,
                created_at: decode(&created).map_err(backend)?,
            })
        })
        .collect()
}

pub async fn by_slug(pool: &SqlitePool, kind: ArticleKind, slug: &str) -> StoreResult<Option<Article>> {
    let mut conn = pool.acquire().await.map_err(backend)?;
    one_with_terms(&mut conn, |b| {
        b.push("kind = ")
            .push_bind(kind.as_str())
            .push(" AND slug = ")
            .push_bind(slug.to_owned());
    })
    .await
}

pub async fn list(pool: &SqlitePool, q: &ArticleQuery) -> StoreResult<Page<Article>> {
    list_where(pool, q, &|_| {}).await
}

/// The admin's list: [`list`] with a status and title words.
pub async fn admin_list(pool: &SqlitePool, q: &AdminArticleQuery) -> StoreResult<Page<Article>> {
    let query = ArticleQuery {
        kind: q.kind,
        filter: q.filter.clone(),
        public_at: None,
        page: q.page,
        per_page: q.per_page,
        sticky_first: false,
    };
    list_where(pool, &query, &|b| {
        match q.status {
            Some(status) => b.push(" AND a.status = ").push_bind(status.as_str()),
            None => b.push(" AND a.status != 'trash'"),
        };
        crate::rows::push_contains(b, &["a.title"], q.search.as_deref());
        if let Some(user) = q.visible_to {
            b.push(" AND (a.author_id = ")
                .push_bind(user)
                .push(" OR a.status = 'published')");
        }
    })
    .await
}

async fn list_where(
    pool: &SqlitePool,
    q: &ArticleQuery,
    extra: &(dyn Fn(&mut QueryBuilder<'_, Sqlite>) + Sync),
) -> StoreResult<Page<Article>> {
    let mut conn = pool.acquire().await.map_err(backend)?;
    let filtered = |select: &str| {
        let mut b: QueryBuilder<Sqlite> = QueryBuilder::new(select);
        b.push(" FROM articles a WHERE a.kind = ").push_bind(q.kind.as_str());
        extra(&mut b);
        if let Some(now) = q.public_at {
            b.push(" AND a.status = 'published' AND a.published_at <= ")
                .push_bind(encode(now));
        }
        match &q.filter {
            ArticleFilter::All => {}
            ArticleFilter::Author(id) => {
                b.push(" AND a.author_id = ").push_bind(*id);
            }
            ArticleFilter::Term(id) => {
                b.push(" AND a.id IN (SELECT article_id FROM article_terms WHERE term_id = ")
                    .push_bind(*id)
                    .push(")");
            }
            ArticleFilter::Published { from, to } => {
                b.push(" AND a.published_at >= ").push_bind(encode(*from));
                b.push(" AND a.published_at < ").push_bind(encode(*to));
            }
        }
        b
    };
    let total: i64 = filtered("SELECT count(*)")
        .build_query_scalar()
        .fetch_one(&mut *conn)
        .await
        .map_err(backend)?;
    // The page's ids first, from the indexes alone; then only those rows
    // (their bodies are large: reading every candidate's row to sort them
    // made a home page cost as much as the site was big).
    let mut b = filtered("SELECT a.id");
    // Public lists walk the listing indexes in order; the CLI's list also has
    // undated drafts, which go last.
    let order = match (q.sticky_first, q.public_at.is_some()) {
        (true, _) => "a.sticky DESC, ",
        (false, true) => "",
        (false, false) => "a.published_at IS NULL, ",
    };
    b.push(format!(" ORDER BY {order}a.published_at DESC, a.id DESC LIMIT "))
        .push_bind(i64::from(q.per_page))
        .push(" OFFSET ")
        .push_bind(i64::from(q.page.saturating_sub(1)) * i64::from(q.per_page));
    let ids: Vec<i64> = b.build_query_scalar().fetch_all(&mut *conn).await.map_err(backend)?;
    let mut rows: Vec<ArticleRow> = Vec::new();
    if !ids.is_empty() {
        let mut b: QueryBuilder<Sqlite> =
            QueryBuilder::new(format!("SELECT {ARTICLE_COLUMNS} FROM articles WHERE id IN ("));
        let mut list = b.separated(", ");
        for id in &ids {
            list.push_bind(*id);
        }
        b.push(")");
        rows = b.build_query_as().fetch_all(&mut *conn).await.map_err(backend)?;
        let place: HashMap<i64, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
        rows.sort_by_key(|r| place.get(&r.id()).copied().unwrap_or(usize::MAX));
    }
    Ok(Page {
        items: with_terms(&mut conn, rows).await?,
        total: total as u64,
    })
}

/// At most this many of the newest matching articles are ranked by
/// relevance; a query made of very common words ranks its most recent
/// matches, as a news reader would want, in bounded time.
const RANKED_WINDOW: i64 = 1_000;

pub async fn search(
    pool: &SqlitePool,
    terms: &[String],
    now: DateTime<Utc>,
    page: u32,
    per_page: u32,
) -> StoreResult<Page<SearchHit>> {
    if terms.is_empty() {
        return Ok(Page {
            items: Vec::new(),
            total: 0,
        });
    }
    // Each term quoted: FTS5 sees words, never operators, whatever was typed.
    let all = terms
        .iter()
        .map(|t| format!("\"{}\"", t.replace('"', "")))
        .collect::<Vec<_>>()
        .join(" ");
    let in_title = format!("title : ({all})");
    let mut conn = pool.acquire().await.map_err(backend)?;
    // Only published articles are indexed; scheduled ones (a handful) are
    // left out here, so nothing below touches the article rows.
    let not_scheduled = "rowid NOT IN (SELECT id FROM articles WHERE status = 'published' AND published_at > ?)";
    let total: i64 = sqlx::query_scalar(&format!(
        "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ? AND {not_scheduled}"
    ))
    .bind(&all)
    .bind(encode(now))
    .fetch_one(&mut *conn)
    .await
    .map_err(backend)?;
    let window: i64 = if total > RANKED_WINDOW {
        sqlx::query_scalar(
            "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rowid DESC LIMIT 1 OFFSET ?",
        )
        .bind(&all)
        .bind(RANKED_WINDOW - 1)
        .fetch_optional(&mut *conn)
        .await
        .map_err(backend)?
        .unwrap_or(0)
    } else {
        0
    };
    // Rank on ids alone: title matches first, then bm25 with titles weighing most.
    let ranked: Vec<i64> = sqlx::query_scalar(&format!(
        "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? AND rowid >= ? AND {not_scheduled} \
         ORDER BY rowid IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? AND rowid >= ?) DESC, \
         bm25(articles_fts, 10.0, 1.0), rowid DESC LIMIT ? OFFSET ?"
    ))
    .bind(&all)
    .bind(window)
    .bind(encode(now))
    .bind(&in_title)
    .bind(window)
    .bind(i64::from(per_page))
    .bind(i64::from(page.saturating_sub(1)) * i64::from(per_page))
    .fetch_all(&mut *conn)
    .await
    .map_err(backend)?;
    if ranked.is_empty() {
        return Ok(Page {
            items: Vec::new(),
            total: total as u64,
        });
    }
    // Only the page of hits gets its row and snippet read.
    let columns: String = ARTICLE_COLUMNS
        .split(", ")
        .map(|c| format!("a.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut b: QueryBuilder<Sqlite> = QueryBuilder::new(format!(
        "SELECT {columns}, snippet(articles_fts, 1, char(2), char(3), '…', 32) AS snippet \
         FROM articles_fts f JOIN articles a ON a.id = f.rowid WHERE articles_fts MATCH "
    ));
    b.push_bind(&all).push(" AND f.rowid IN (");
    let mut ids = b.separated(", ");
    for id in &ranked {
        ids.push_bind(*id);
    }
    b.push(")");
    let rows = b.build().fetch_all(&mut *conn).await.map_err(backend)?;
    let mut found = Vec::with_capacity(rows.len());
    for row in &rows {
        let snippet = row.try_get::<String, _>("snippet").map_err(backend)?;
        found.push((ArticleRow::from_row(row).map_err(backend)?, snippet));
    }
    // Back into rank order.
    found.sort_by_key(|(row, _)| ranked.iter().position(|id| *id == row.id()));
    let (articles, snippets): (Vec<ArticleRow>, Vec<String>) = found.into_iter().unzip();
    let articles = with_terms(&mut conn, articles).await?;
    let items = articles
        .into_iter()
        .zip(snippets)
        .map(|(article, snippet)| SearchHit { article, snippet })
        .collect();
    Ok(Page {
        items,
        total: total as u64,
    })
}

pub async fn stamps(
    pool: &SqlitePool,
    kind: ArticleKind,
    now: DateTime<Utc>,
    page: u32,
    per_page: u32,
) -> StoreResult<Page<ArticleStamp>> {
    let public = "kind = ? AND status = 'published' AND published_at <= ?";
    let total: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM articles WHERE {public}"))
        .bind(kind.as_str())
        .bind(encode(now))
        .fetch_one(pool)
        .await
        .map_err(backend)?;
    let rows: Vec<(i64, String, String, Option<String>)> = sqlx::query_as(&format!(
        "SELECT id, slug, published_at, updated_at FROM articles WHERE {public} ORDER BY published_at DESC, id DESC LIMIT ? OFFSET ?"
    ))
    .bind(kind.as_str())
    .bind(encode(now))
    .bind(i64::from(per_page))
    .bind(i64::from(page.saturating_sub(1)) * i64::from(per_page))
    .fetch_all(pool)
    .await
    .map_err(backend)?;
    let items = rows
        .into_iter()
        .map(|(id, slug, published, updated)| {
            Ok(ArticleStamp {
                id,
                kind,
                slug,
                published_at: decode(&published)?,
                updated_at: decode_opt(updated.as_deref())?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(backend)?;
    Ok(Page {
        items,
        total: total as u64,
    })
}

pub async fn term_by_slug(pool: &SqlitePool, kind: TermKind, slug: &str) -> StoreResult<Option<Term>> {
    let row: Option<TermRow> = sqlx::query_as("SELECT id, kind, slug, name FROM terms WHERE kind = ? AND slug = ?")
        .bind(kind.as_str())
        .bind(slug)
        .fetch_optional(pool)
        .await
        .map_err(backend)?;
    row.map(Term::try_from).transpose().map_err(backend)
}

/// Converts rows and attaches their categories and tags in one query.
async fn with_terms(conn: &mut SqliteConnection, rows: Vec<ArticleRow>) -> StoreResult<Vec<Article>> {
    let mut articles: Vec<Article> = rows
        .into_iter()
        .map(ArticleRow::into_article)
        .collect::<Result<_, _>>()
        .map_err(backend)?;
    if articles.is_empty() {
        return Ok(articles);
    }
    let mut b: QueryBuilder<Sqlite> = QueryBuilder::new(
        "SELECT at.article_id, t.id, t.kind, t.slug, t.name FROM article_terms at JOIN terms t ON t.id = at.term_id WHERE at.article_id IN (",
    );
    let mut ids = b.separated(", ");
    for a in &articles {
        ids.push_bind(a.id);
    }
    b.push(") ORDER BY t.name COLLATE NOCASE");
    let terms: Vec<ArticleTermRow> = b.build_query_as().fetch_all(&mut *conn).await.map_err(backend)?;
    let index: HashMap<i64, usize> = articles.iter().enumerate().map(|(i, a)| (a.id, i)).collect();
    for row in terms {
        let article = &mut articles[index[&row.article_id]];
        let term = row.into_term().map_err(backend)?;
        match term.kind {
            TermKind::Category => article.categories.push(term),
            TermKind::Tag => article.tags.push(term),
        }
    }
    Ok(articles)
}

/// The slug to store: the requested one (a conflict if another article has
/// it), or one derived from the title with a numeric suffix when taken.
async fn free_slug(conn: &mut SqliteConnection, a: &NewArticle, own_id: Option<i64>) -> StoreResult<Slug> {
    if let Some(slug) = &a.slug {
        return match slug_owner(conn, a.kind, slug, own_id).await? {
            Some(other) => Err(StoreError::Conflict(format!(
                "the slug {slug:?} is already used by article {other}"
            ))),
            None => Ok(slug.clone()),
        };
    }
    let base = Slug::from_title(&a.title)
        .or_else(|_| Slug::parse("untitled"))
        .map_err(|e| StoreError::Backend(e.to_string()))?;
    match slug_owner(conn, a.kind, &base, own_id).await? {
        None => Ok(base),
        Some(_) => unique_slug(conn, a.kind, &base).await,
    }
}

/// The other article of the same kind using `slug`, if any.
async fn slug_owner(
    conn: &mut SqliteConnection,
    kind: ArticleKind,
    slug: &Slug,
    own_id: Option<i64>,
) -> StoreResult<Option<i64>> {
    let other: Option<i64> = sqlx::query_scalar("SELECT id FROM articles WHERE kind = ? AND slug = ?")
        .bind(kind.as_str())
        .bind(slug.as_str())
        .fetch_optional(conn)
        .await
        .map_err(backend)?;
    Ok(other.filter(|id| Some(*id) != own_id))
}

/// Adds the article's terms (creating new ones); returns them by kind and slug.
async fn set_terms(conn: &mut SqliteConnection, article_id: i64, a: &NewArticle) -> StoreResult<Vec<(TermKind, Slug)>> {
    let mut linked = Vec::new();
    let named = a
        .categories
        .iter()
        .map(|n| (TermKind::Category, n))
        .chain(a.tags.iter().map(|n| (TermKind::Tag, n)));
    for (kind, name) in named {
        let slug = Slug::from_title(name)
            .map_err(|e| StoreError::Conflict(format!("cannot use {} {name:?}: {e}", kind.as_str())))?;
        sqlx::query("INSERT INTO terms (kind, slug, name) VALUES (?, ?, ?) ON CONFLICT (kind, slug) DO NOTHING")
            .bind(kind.as_str())
            .bind(slug.as_str())
            .bind(name.trim())
            .execute(&mut *conn)
            .await
            .map_err(backend)?;
        sqlx::query(
            "INSERT INTO article_terms (article_id, term_id) SELECT ?, id FROM terms WHERE kind = ? AND slug = ? \
             ON CONFLICT DO NOTHING",
        )
        .bind(article_id)
        .bind(kind.as_str())
        .bind(slug.as_str())
        .execute(&mut *conn)
        .await
        .map_err(backend)?;
        linked.push((kind, slug));
    }
    Ok(linked)
}

fn not_found(id: i64) -> StoreError {
    StoreError::NotFound(format!("article {id}"))
}

fn require(article: Option<Article>, id: i64) -> StoreResult<Article> {
    article.ok_or_else(|| not_found(id))
}

/// Trash and restore: the status before the trash is kept in `trashed_from`.
pub async fn trash(pool: &SqlitePool, id: i64) -> StoreResult<Article> {
    sqlx::query("UPDATE articles SET trashed_from = status, status = 'trash' WHERE id = ? AND status != 'trash'")
        .bind(id)
        .execute(pool)
        .await
        .map_err(backend)?;
    reindexed(pool, id).await
}

/// The article after a status change, with the search index in step.
async fn reindexed(pool: &SqlitePool, id: i64) -> StoreResult<Article> {
    let article = require(by_id(pool, id).await?, id)?;
    let mut conn = pool.acquire().await.map_err(backend)?;
    index(
        &mut conn,
        id,
        &article.title,
        &article.body,
        article.format,
        article.status,
        article.password.as_deref(),
    )
    .await?;
    Ok(article)
}

pub async fn restore(pool: &SqlitePool, id: i64) -> StoreResult<Article> {
    sqlx::query(
        "UPDATE articles SET status = coalesce(trashed_from, 'draft'), trashed_from = NULL \
         WHERE id = ? AND status = 'trash'",
    )
    .bind(id)
    .execute(pool)
    .await
    .map_err(backend)?;
    reindexed(pool, id).await
}

pub async fn next_publication_after(pool: &SqlitePool, now: DateTime<Utc>) -> StoreResult<Option<DateTime<Utc>>> {
    let next: Option<String> =
        sqlx::query_scalar("SELECT min(published_at) FROM articles WHERE status = 'published' AND published_at > ?")
            .bind(encode(now))
            .fetch_one(pool)
            .await
            .map_err(backend)?;
    next.as_deref().map(decode).transpose().map_err(backend)
}
