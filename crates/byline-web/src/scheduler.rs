//! Scheduled publication. An article published with a future date becomes
//! public at that moment on every page by itself (visibility is a function
//! of time); this task makes the moment happen on the server too, without
//! waiting for a request: at each due time it drops the cached pages that
//! change and records each publication, once.

use std::time::Duration;

use byline_core::ArticleKind;
use byline_store::{ArticleFilter, ArticleQuery};
use chrono::Utc;

use crate::AppState;

/// The longest sleep: a scheduled article added meanwhile (from the admin or
/// the CLI in another process) is noticed within this time.
const MAX_SLEEP: Duration = Duration::from_secs(30);

/// Runs until the process ends.
pub async fn run(state: AppState) {
    loop {
        let now = Utc::now();
        let next = match state.store.next_publication_after(now).await {
            Ok(next) => next,
            Err(e) => {
                tracing::warn!(error = %e, "scheduler cannot read the next publication");
                None
            }
        };
        let wait = next
            .and_then(|t| (t - now).to_std().ok())
            .map_or(MAX_SLEEP, |d| d.min(MAX_SLEEP));
        tokio::time::sleep(wait).await;
        let Some(due) = next.filter(|t| *t <= Utc::now()) else {
            continue;
        };
        // The change feed reports the due time: cached lists and feeds go now.
        if let Err(e) = state.cache.sync() {
            tracing::warn!(error = %e, "scheduler cannot refresh the page cache");
        }
        let now = Utc::now();
        for kind in [ArticleKind::Post, ArticleKind::Page] {
            let query = ArticleQuery {
                kind,
                filter: ArticleFilter::Published {
                    from: due,
                    to: now + chrono::Duration::milliseconds(1),
                },
                public_at: Some(now),
                page: 1,
                per_page: 100,
                sticky_first: false,
            };
            match state.store.articles(&query).await {
                Ok(page) => {
                    for a in page.items {
                        tracing::info!(article = a.id, title = %a.title, "scheduled article published");
                    }
                }
                Err(e) => tracing::warn!(error = %e, "scheduler cannot list what it published"),
            }
        }
    }
}
