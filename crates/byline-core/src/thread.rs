//! Comment threads: nesting a flat, oldest-first list into a tree, and the
//! rules for how deep a reply may go.

use crate::comment::CommentId;

/// One comment and its visible replies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThreadNode<T> {
    /// The comment (or its view model).
    pub item: T,
    /// Replies, oldest first.
    pub replies: Vec<ThreadNode<T>>,
}

/// Nests `items` (oldest first) under their parents. A reply whose parent
/// is not in the list (held, spam or on another page) is shown at the top
/// level rather than dropped.
pub fn nest<T>(
    items: Vec<T>,
    id: impl Fn(&T) -> CommentId,
    parent: impl Fn(&T) -> Option<CommentId>,
) -> Vec<ThreadNode<T>> {
    use std::collections::HashMap;
    let ids: std::collections::HashSet<CommentId> = items.iter().map(&id).collect();
    let mut children: HashMap<CommentId, Vec<T>> = HashMap::new();
    let mut roots = Vec::new();
    for item in items {
        match parent(&item).filter(|p| ids.contains(p)) {
            Some(p) => children.entry(p).or_default().push(item),
            None => roots.push(item),
        }
    }
    fn build<T>(item: T, id: &impl Fn(&T) -> CommentId, children: &mut HashMap<CommentId, Vec<T>>) -> ThreadNode<T> {
        let replies = children
            .remove(&id(&item))
            .unwrap_or_default()
            .into_iter()
            .map(|c| build(c, id, children))
            .collect();
        ThreadNode { item, replies }
    }
    roots.into_iter().map(|r| build(r, &id, &mut children)).collect()
}

/// Why a reply cannot be attached where the form asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReplyError {
    /// The parent does not exist, is not public, or belongs to another article.
    #[error("The comment you are replying to is not available on this article.")]
    ParentUnavailable,
    /// The parent is already at the deepest level the site allows.
    #[error("Replies cannot nest deeper than {max} levels here; please reply to an earlier comment in this thread.")]
    TooDeep {
        /// The site's `thread_comments_depth`.
        max: u32,
    },
}

/// The depth of a reply to a comment at `parent_depth`, checked against
/// the site's maximum (`thread_comments_depth`, where 1 means no replies).
pub fn reply_depth(parent_depth: u32, max_depth: u32) -> Result<u32, ReplyError> {
    if parent_depth >= max_depth {
        Err(ReplyError::TooDeep { max: max_depth })
    } else {
        Ok(parent_depth + 1)
    }
}

/// The discussion page of a thread that has `before` threads before it.
pub fn page_for(before: u64, per_page: u32) -> u32 {
    u32::try_from(before / u64::from(per_page.max(1))).unwrap_or(u32::MAX - 1) + 1
}

/// Number of pages needed for `count` top-level threads.
pub fn page_count(count: u64, per_page: u32) -> u32 {
    (count.div_ceil(u64::from(per_page.max(1)))).max(1) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_nest_under_parents_in_order() {
        let flat = vec![
            (1, None),
            (2, Some(1)),
            (3, None),
            (4, Some(2)),
            (5, Some(1)),
            (6, Some(99)),
        ];
        let tree = nest(flat, |c| CommentId(c.0), |c| c.1.map(CommentId));
        let shape: Vec<(i64, Vec<i64>)> = tree
            .iter()
            .map(|n| (n.item.0, n.replies.iter().map(|r| r.item.0).collect()))
            .collect();
        assert_eq!(shape, vec![(1, vec![2, 5]), (3, vec![]), (6, vec![])]);
        assert_eq!(tree[0].replies[0].replies[0].item.0, 4);
    }

    #[test]
    fn depth_is_limited() {
        assert_eq!(reply_depth(1, 5), Ok(2));
        assert_eq!(reply_depth(4, 5), Ok(5));
        assert_eq!(reply_depth(5, 5), Err(ReplyError::TooDeep { max: 5 }));
        assert_eq!(reply_depth(1, 1), Err(ReplyError::TooDeep { max: 1 }));
    }

    #[test]
    fn pages_round_up() {
        assert_eq!(page_count(0, 50), 1);
        assert_eq!(page_count(50, 50), 1);
        assert_eq!(page_count(51, 50), 2);
    }
}
