//! The page cache: rendered public responses (articles, lists, feeds,
//! sitemaps) kept in memory and served without touching the database.
//!
//! Handlers opt in by attaching [`CacheTags`] to a response: the tags of
//! everything the page shows. Before every response the cache polls the
//! store's change feed (microseconds) and drops the pages filed under any
//! changed tag, so a change acknowledged to anyone (the CLI, a comment
//! form, an editor) is never followed by the old page. Visitors whose pages
//! are personal (a held comment, saved details, an unlocked article) bypass
//! the cache.

mod encoding;
mod entry;
mod layer;

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use axum::http::HeaderValue;
use axum::response::Response;
use byline_core::{Article, Settings};
use byline_store::changes::{ChangeFeed, Changes, tag};
use byline_store::{Store, StoreResult};
use chrono::{DateTime, Utc};

pub use entry::Entry;
pub use layer::serve_cached;

/// Page-cache settings of the process.
#[derive(Debug, Clone)]
pub struct CacheConfig {
    /// Most bytes kept (bodies and compressed variants); 0 turns the cache off.
    pub max_bytes: usize,
    /// `Cache-Control` of cached pages, for browsers and a CDN in front.
    pub cache_control: String,
}

impl CacheConfig {
    /// Browsers revalidate every time (a `304` is cheap); a shared cache
    /// may keep a page ten seconds and serve it a minute longer while it
    /// fetches a fresh one.
    pub const DEFAULT_CACHE_CONTROL: &str = "public, max-age=0, s-maxage=10, stale-while-revalidate=60";
    /// 64 MiB: hundreds of the busiest pages with their compressed variants.
    pub const DEFAULT_MAX_BYTES: usize = 64 << 20;
}

impl Default for CacheConfig {
    fn default() -> Self {
        Self {
            max_bytes: Self::DEFAULT_MAX_BYTES,
            cache_control: Self::DEFAULT_CACHE_CONTROL.into(),
        }
    }
}

/// What a page shows, as change tags (see `byline_store::changes::tag`);
/// a response carrying these is cached until one of them changes (or
/// until the time given to [`until`](Self::until)).
#[derive(Debug, Clone)]
pub struct CacheTags(Vec<String>, Option<DateTime<Utc>>);

impl CacheTags {
    /// Every page shows the site's settings.
    pub fn site() -> Self {
        Self(vec![tag::SITE.to_owned()], None)
    }

    /// Adds a tag.
    pub fn with(mut self, tag: impl Into<String>) -> Self {
        self.0.push(tag.into());
        self
    }

    /// The page changes by itself at `at` (a discussion closing by age),
    /// so it is not served from the cache from then on.
    pub fn until(mut self, at: Option<DateTime<Utc>>) -> Self {
        self.1 = match (self.1, at) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self
    }

    /// Adds what showing these articles shows: each one, its comments (or
    /// their count), its author and its terms.
    pub fn articles<'a>(mut self, articles: impl IntoIterator<Item = &'a Article>) -> Self {
        for a in articles {
            self.0.push(tag::comments(a.id));
            self = self.article_content([a]);
        }
        self
    }

    /// Like [`articles`](Self::articles), for pages that show no comments.
    pub fn article_content<'a>(mut self, articles: impl IntoIterator<Item = &'a Article>) -> Self {
        for a in articles {
            self.0.push(tag::article(a.id));
            self.0.push(tag::author(a.author_id));
            self.0
                .extend(a.categories.iter().chain(&a.tags).map(|t| tag::term(t.id)));
        }
        self
    }

    /// Attaches the tags to `response`, making it cacheable.
    pub fn on(mut self, mut response: Response) -> Response {
        self.0.sort_unstable();
        self.0.dedup();
        response.extensions_mut().insert(self);
        response
    }
}

/// The cache itself, shared by all requests.
pub struct PageCache {
    feed: Box<dyn ChangeFeed>,
    cache_control: HeaderValue,
    max_bytes: usize,
    /// Serialises polling with applying what the poll found, so no request
    /// sees "nothing changed" while another is still dropping stale pages.
    sync: Mutex<()>,
    /// Bumped by every invalidation; a page rendered before a bump is not stored.
    generation: AtomicU64,
    /// The eviction clock.
    clock: AtomicU64,
    settings: RwLock<Option<Arc<Settings>>>,
    /// Articles by id, for the comment form's hot path.
    articles: RwLock<HashMap<i64, Arc<Article>>>,
    pages: RwLock<Pages>,
}

/// Articles kept by id; past this, the map starts again (it refills with
/// the busy ones at once).
const MAX_ARTICLES: usize = 1024;

#[derive(Default)]
struct Pages {
    entries: HashMap<Arc<str>, Arc<Entry>>,
    by_tag: HashMap<String, HashSet<Arc<str>>>,
    bytes: usize,
}

impl Pages {
    fn remove(&mut self, key: &str) {
        let Some(entry) = self.entries.remove(key) else { return };
        self.bytes = self.bytes.saturating_sub(entry.size());
        for t in &entry.tags {
            if let Some(keys) = self.by_tag.get_mut(t) {
                keys.remove(key);
                if keys.is_empty() {
                    self.by_tag.remove(t);
                }
            }
        }
    }

    fn clear(&mut self) {
        *self = Pages::default();
    }
}

impl PageCache {
    /// A cache fed by `feed`.
    pub fn new(feed: Box<dyn ChangeFeed>, config: &CacheConfig) -> Self {
        Self {
            feed,
            cache_control: HeaderValue::from_str(&config.cache_control)
                .unwrap_or_else(|_| HeaderValue::from_static(CacheConfig::DEFAULT_CACHE_CONTROL)),
            max_bytes: config.max_bytes,
            sync: Mutex::new(()),
            generation: AtomicU64::new(0),
            clock: AtomicU64::new(0),
            settings: RwLock::new(None),
            articles: RwLock::new(HashMap::new()),
            pages: RwLock::new(Pages::default()),
        }
    }

    /// The largest page kept (a quarter of the cap: no page may crowd out the rest).
    pub fn largest_entry(&self) -> usize {
        self.max_bytes / 4
    }

    /// Whether pages are kept at all.
    pub fn enabled(&self) -> bool {
        self.max_bytes > 0
    }

    /// Applies the changes committed since the last call; returns the
    /// generation a render starting now must still see to be stored.
    pub fn sync(&self) -> StoreResult<u64> {
        let _serial = self.sync.lock().unwrap_or_else(PoisonError::into_inner);
        let changes = self.feed.poll(chrono::Utc::now());
        if let Ok(Changes::Nothing) = changes {
            return Ok(self.generation.load(Ordering::Acquire));
        }
        let mut pages = self.pages.write().unwrap_or_else(PoisonError::into_inner);
        match &changes {
            Ok(Changes::Nothing) => {}
            Ok(Changes::Tags(tags)) if !tags.iter().any(|t| t == tag::SITE) => {
                let mut articles = self.articles.write().unwrap_or_else(PoisonError::into_inner);
                for t in tags {
                    if let Some(id) = t.strip_prefix("a:").and_then(|id| id.parse().ok()) {
                        articles.remove(&id);
                    }
                    let keys: Vec<Arc<str>> = pages
                        .by_tag
                        .get(t.as_str())
                        .map(|keys| keys.iter().cloned().collect())
                        .unwrap_or_default();
                    for key in keys {
                        pages.remove(&key);
                    }
                }
            }
            Ok(_) | Err(_) => {
                pages.clear();
                *self.settings.write().unwrap_or_else(PoisonError::into_inner) = None;
                self.articles.write().unwrap_or_else(PoisonError::into_inner).clear();
            }
        }
        let generation = self.generation.fetch_add(1, Ordering::AcqRel) + 1;
        drop(pages);
        changes.map(|_| generation)
    }

    /// The site's settings, read from the store only after they changed.
    pub async fn settings(&self, store: &dyn Store) -> StoreResult<Arc<Settings>> {
        if let Some(s) = self.settings.read().unwrap_or_else(PoisonError::into_inner).as_ref() {
            return Ok(s.clone());
        }
        let generation = self.generation.load(Ordering::Acquire);
        let settings = Arc::new(store.settings().await?);
        let mut slot = self.settings.write().unwrap_or_else(PoisonError::into_inner);
        if self.generation.load(Ordering::Acquire) == generation {
            *slot = Some(settings.clone());
        }
        Ok(settings)
    }

    /// Article `id` (any status: callers check visibility), read from the
    /// store only after it changed.
    pub async fn article(&self, store: &dyn Store, id: i64) -> StoreResult<Option<Arc<Article>>> {
        if let Some(a) = self.articles.read().unwrap_or_else(PoisonError::into_inner).get(&id) {
            return Ok(Some(a.clone()));
        }
        let generation = self.generation.load(Ordering::Acquire);
        let Some(article) = store.article(id).await?.map(Arc::new) else {
            return Ok(None);
        };
        let mut articles = self.articles.write().unwrap_or_else(PoisonError::into_inner);
        if self.generation.load(Ordering::Acquire) == generation {
            if articles.len() >= MAX_ARTICLES {
                articles.clear();
            }
            articles.insert(id, article.clone());
        }
        Ok(Some(article))
    }

    /// The cached response for `key`, unless it has expired.
    pub fn get(&self, key: &str) -> Option<Arc<Entry>> {
        let entry = self
            .pages
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .entries
            .get(key)
            .filter(|e| e.expires.is_none_or(|at| Utc::now() < at))
            .cloned()?;
        entry.touch(self.clock.fetch_add(1, Ordering::Relaxed));
        Some(entry)
    }

    /// Stores `entry` unless something changed since `generation`; returns
    /// whether it was stored.
    pub fn insert(&self, key: Arc<str>, entry: Arc<Entry>, generation: u64) -> bool {
        let mut pages = self.pages.write().unwrap_or_else(PoisonError::into_inner);
        if self.generation.load(Ordering::Acquire) != generation || entry.size() > self.largest_entry() {
            return false;
        }
        entry.touch(self.clock.fetch_add(1, Ordering::Relaxed));
        pages.remove(&key);
        for t in &entry.tags {
            pages.by_tag.entry(t.clone()).or_default().insert(key.clone());
        }
        pages.bytes += entry.size();
        pages.entries.insert(key, entry);
        self.evict(&mut pages);
        true
    }

    /// Counts the compressed variants `entry` gained, if it is still cached.
    pub fn grew(&self, key: &str, entry: &Arc<Entry>, added: usize) {
        let mut pages = self.pages.write().unwrap_or_else(PoisonError::into_inner);
        if pages.entries.get(key).is_some_and(|e| Arc::ptr_eq(e, entry)) {
            pages.bytes += added;
            self.evict(&mut pages);
        }
    }

    /// Drops the least recently used pages until a tenth of the cap is free.
    fn evict(&self, pages: &mut Pages) {
        if pages.bytes <= self.max_bytes {
            return;
        }
        let mut by_age: Vec<(u64, Arc<str>)> = pages
            .entries
            .iter()
            .map(|(k, e)| (e.last_used.load(Ordering::Relaxed), k.clone()))
            .collect();
        by_age.sort_unstable_by_key(|(t, _)| *t);
        let target = self.max_bytes - self.max_bytes / 10;
        for (_, key) in by_age {
            if pages.bytes <= target {
                break;
            }
            pages.remove(&key);
        }
    }

    /// Pages and bytes held (for logs and tests).
    pub fn usage(&self) -> (usize, usize) {
        let pages = self.pages.read().unwrap_or_else(PoisonError::into_inner);
        (pages.entries.len(), pages.bytes)
    }

    fn cache_control(&self) -> &HeaderValue {
        &self.cache_control
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use axum::body::Bytes;
    use axum::http::HeaderMap;

    use super::*;

    /// A feed that reports what the test queued.
    #[derive(Default)]
    struct Queued(Arc<Mutex<Vec<Changes>>>);

    impl ChangeFeed for Queued {
        fn poll(&self, _: chrono::DateTime<chrono::Utc>) -> StoreResult<Changes> {
            Ok(self.0.lock().unwrap().pop().unwrap_or(Changes::Nothing))
        }
    }

    fn cache(max_bytes: usize) -> (PageCache, Arc<Mutex<Vec<Changes>>>) {
        let queue = Arc::new(Mutex::new(Vec::new()));
        let config = CacheConfig {
            max_bytes,
            ..Default::default()
        };
        (PageCache::new(Box::new(Queued(queue.clone())), &config), queue)
    }

    fn page(size: usize, tags: &[&str]) -> Arc<Entry> {
        Arc::new(Entry::new(
            HeaderMap::new(),
            Bytes::from(vec![b'x'; size]),
            tags.iter().map(|t| (*t).to_owned()).collect(),
        ))
    }

    #[test]
    fn changes_drop_exactly_the_pages_filed_under_them() {
        let (cache, queue) = cache(1 << 20);
        let g = cache.sync().unwrap();
        assert!(cache.insert("a".into(), page(100, &["site", "a:1", "u:1"]), g));
        assert!(cache.insert("b".into(), page(100, &["site", "a:2", "u:1"]), g));
        assert!(cache.insert("home".into(), page(100, &["site", "m:posts", "a:1", "a:2"]), g));

        queue.lock().unwrap().push(Changes::Tags(vec!["a:1".into()]));
        let g = cache.sync().unwrap();
        assert!(cache.get("a").is_none() && cache.get("home").is_none());
        assert!(cache.get("b").is_some());

        queue.lock().unwrap().push(Changes::Tags(vec!["u:1".into()]));
        cache.sync().unwrap();
        assert!(cache.get("b").is_none());
        assert!(
            !cache.insert("b".into(), page(100, &["site"]), g),
            "a page rendered before a change is not stored"
        );

        let g = cache.sync().unwrap();
        assert!(cache.insert("a".into(), page(100, &["site", "a:1"]), g));
        queue.lock().unwrap().push(Changes::Tags(vec!["site".into()]));
        cache.sync().unwrap();
        assert_eq!(cache.usage(), (0, 0), "the settings change every page");
    }

    #[test]
    fn a_page_that_changes_by_itself_is_not_served_after_that_moment() {
        let (cache, _) = cache(1 << 20);
        let g = cache.sync().unwrap();
        let dated = |at: DateTime<Utc>| {
            let mut e = Entry::new(HeaderMap::new(), Bytes::from_static(b"page"), vec!["site".into()]);
            e.expires = Some(at);
            Arc::new(e)
        };
        assert!(cache.insert("later".into(), dated(Utc::now() + chrono::Duration::hours(1)), g));
        assert!(cache.insert("past".into(), dated(Utc::now() - chrono::Duration::seconds(1)), g));
        assert!(cache.get("later").is_some());
        assert!(cache.get("past").is_none(), "expired");
        let tags = CacheTags::site()
            .until(Some(Utc::now() + chrono::Duration::hours(2)))
            .until(None)
            .until(Some(Utc::now() + chrono::Duration::hours(1)));
        assert!(
            tags.1.is_some_and(|at| at < Utc::now() + chrono::Duration::minutes(61)),
            "the earliest wins"
        );
    }

    #[test]
    fn memory_stays_under_the_cap_by_dropping_the_least_recently_used() {
        let (cache, _) = cache(100_000);
        let g = cache.sync().unwrap();
        for n in 0..40 {
            let key: Arc<str> = format!("page-{n}").into();
            assert!(cache.insert(key, page(10_000, &["site"]), g));
            cache.get("page-0"); // kept hot
        }
        let (count, bytes) = cache.usage();
        assert!(bytes <= 100_000, "{bytes}");
        assert!(count < 40 && count > 3, "{count}");
        assert!(cache.get("page-0").is_some(), "the hot page stays");
        assert!(cache.get("page-1").is_none(), "a cold one went");
        assert!(
            !cache.insert("huge".into(), page(60_000, &["site"]), g),
            "no single page may fill the cache"
        );
    }
}
