//! Batch lookups shared by lists and feeds: each author or article is
//! fetched once per request, however many items mention it.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use byline_core::author::Author;
use byline_core::{Article, Comment};
use byline_store::Store;

use crate::error::WebError;

/// The authors of `articles`, by id. An article whose author is missing is
/// a broken store, reported as an internal error.
pub async fn authors_of(store: &dyn Store, articles: &[Article]) -> Result<HashMap<i64, Author>, WebError> {
    let mut authors = HashMap::new();
    for article in articles {
        if let Entry::Vacant(slot) = authors.entry(article.author_id) {
            let author = store
                .author(article.author_id)
                .await?
                .ok_or_else(|| WebError::Internal(format!("article {} has no author", article.id)))?;
            slot.insert(author);
        }
    }
    Ok(authors)
}

/// The articles `comments` belong to, by id (`None` where one is gone).
pub async fn articles_of(store: &dyn Store, comments: &[Comment]) -> Result<HashMap<i64, Option<Article>>, WebError> {
    let mut articles = HashMap::new();
    for comment in comments {
        if let Entry::Vacant(slot) = articles.entry(comment.article_id) {
            slot.insert(store.article(comment.article_id).await?);
        }
    }
    Ok(articles)
}
