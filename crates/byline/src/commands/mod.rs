//! One module per top-level command.

pub mod author;
pub mod comment;
pub mod dev;
pub mod export;
pub mod import;
pub mod post;
pub mod serve;
pub mod settings;
pub mod user;

use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use byline_store::Store;
use byline_store_sqlite::SqliteStore;

/// Opens the site in `data`, creating it on first use.
pub async fn open_store(data: &Path) -> anyhow::Result<Arc<dyn Store>> {
    let store = SqliteStore::open(data)
        .await
        .with_context(|| format!("cannot open the site in {}", data.display()))?;
    Ok(Arc::new(store))
}
