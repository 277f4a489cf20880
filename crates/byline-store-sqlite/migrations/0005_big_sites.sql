-- Discussions of tens of thousands of threads, sites of hundreds of
-- thousands of comments: every per-request query is an index lookup, never
-- a count over a discussion.

-- thread_pos: how many approved threads of the article start before this
-- one (for top-level comments; 0 on replies). A thread's discussion page,
-- and a page's threads, are then lookups; the triggers below keep it exact
-- on every insert, status change, re-parenting and deletion. Threads are in
-- (created_at, id) order, so thread_pos never decreases along it.
ALTER TABLE comments ADD COLUMN thread_pos INTEGER NOT NULL DEFAULT 0;
UPDATE comments SET thread_pos = w.pos
FROM (
    SELECT id, coalesce(sum(status = 'approved') OVER (
        PARTITION BY article_id ORDER BY created_at, id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS pos
    FROM comments WHERE depth = 1
) AS w
WHERE w.id = comments.id;

-- Threads in order (the position of a new one), and a page of threads by
-- position for each status (so a flood of held or spam threads costs the
-- approved pages nothing).
DROP INDEX comments_threads;
CREATE INDEX comments_in_order ON comments (article_id, depth, created_at, id);
CREATE INDEX comments_by_position ON comments (article_id, status, thread_pos) WHERE depth = 1;
-- An article's newest approved comments (its comment feed).
CREATE INDEX comments_recent ON comments (article_id, status, created_at);

-- The home page: pinned articles first, then the newest, in index order.
CREATE INDEX articles_home ON articles (kind, status, sticky, published_at, id);

-- Scheduled articles (published, dated ahead), which searches and the
-- change feed look for.
CREATE INDEX articles_scheduled ON articles (status, published_at);

-- Approved comments and approved threads per article, for the counts every
-- list and discussion shows.
CREATE TABLE article_counts (
    article_id INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    approved   INTEGER NOT NULL DEFAULT 0,
    threads    INTEGER NOT NULL DEFAULT 0
);
INSERT INTO article_counts (article_id, approved, threads)
    SELECT article_id, count(*), sum(depth = 1) FROM comments WHERE status = 'approved' GROUP BY article_id;

-- A new thread takes the position after the thread before it; the threads
-- after it (only when it is not the newest) move one place if it counts.
-- It also becomes its own root (it is inserted with root_id 0).
DROP TRIGGER comments_own_root;
CREATE TRIGGER comments_thread_insert AFTER INSERT ON comments WHEN NEW.depth = 1
BEGIN
    UPDATE comments SET
        root_id = CASE WHEN NEW.root_id = 0 THEN NEW.id ELSE root_id END,
        thread_pos = coalesce((
            SELECT p.thread_pos + (p.status = 'approved') FROM comments p
            WHERE p.article_id = NEW.article_id AND p.depth = 1 AND (p.created_at, p.id) < (NEW.created_at, NEW.id)
            ORDER BY p.created_at DESC, p.id DESC LIMIT 1), 0)
    WHERE id = NEW.id;
    UPDATE comments SET thread_pos = thread_pos + 1
    WHERE NEW.status = 'approved' AND article_id = NEW.article_id AND depth = 1
        AND (created_at, id) > (NEW.created_at, NEW.id);
END;
CREATE TRIGGER comments_reply_insert AFTER INSERT ON comments WHEN NEW.depth > 1 AND NEW.root_id = 0
BEGIN
    UPDATE comments SET root_id = NEW.id WHERE id = NEW.id;
END;

-- A thread approved, or no longer approved: the later threads move.
CREATE TRIGGER comments_thread_status AFTER UPDATE OF status ON comments
    WHEN NEW.depth = 1 AND OLD.depth = 1 AND (OLD.status = 'approved') != (NEW.status = 'approved')
BEGIN
    UPDATE comments SET thread_pos = thread_pos + CASE WHEN NEW.status = 'approved' THEN 1 ELSE -1 END
    WHERE article_id = NEW.article_id AND depth = 1 AND (created_at, id) > (NEW.created_at, NEW.id);
END;

-- A reply that becomes a thread of its own (its parent was deleted).
CREATE TRIGGER comments_thread_promoted AFTER UPDATE OF depth ON comments
    WHEN NEW.depth = 1 AND OLD.depth > 1
BEGIN
    UPDATE comments SET thread_pos = coalesce((
            SELECT p.thread_pos + (p.status = 'approved') FROM comments p
            WHERE p.article_id = NEW.article_id AND p.depth = 1 AND (p.created_at, p.id) < (NEW.created_at, NEW.id)
            ORDER BY p.created_at DESC, p.id DESC LIMIT 1), 0)
    WHERE id = NEW.id;
    UPDATE comments SET thread_pos = thread_pos + 1
    WHERE NEW.status = 'approved' AND article_id = NEW.article_id AND depth = 1
        AND (created_at, id) > (NEW.created_at, NEW.id);
END;

-- A thread deleted: the later threads move up. Not when its article is
-- being deleted (the article row is gone by then): the whole discussion goes.
CREATE TRIGGER comments_thread_delete AFTER DELETE ON comments
    WHEN OLD.depth = 1 AND OLD.status = 'approved' AND EXISTS (SELECT 1 FROM articles WHERE id = OLD.article_id)
BEGIN
    UPDATE comments SET thread_pos = thread_pos - 1
    WHERE article_id = OLD.article_id AND depth = 1 AND (created_at, id) > (OLD.created_at, OLD.id);
END;

-- The counts.
CREATE TRIGGER comments_count_insert AFTER INSERT ON comments WHEN NEW.status = 'approved'
BEGIN
    INSERT INTO article_counts (article_id, approved, threads) VALUES (NEW.article_id, 1, NEW.depth = 1)
        ON CONFLICT (article_id) DO UPDATE SET approved = approved + 1, threads = threads + excluded.threads;
END;
CREATE TRIGGER comments_count_update AFTER UPDATE OF status, depth ON comments
    WHEN 'approved' IN (OLD.status, NEW.status)
BEGIN
    UPDATE article_counts
        SET approved = approved - (OLD.status = 'approved'), threads = threads - (OLD.status = 'approved' AND OLD.depth = 1)
        WHERE article_id = OLD.article_id;
    INSERT INTO article_counts (article_id, approved, threads)
        SELECT NEW.article_id, 1, NEW.depth = 1 WHERE NEW.status = 'approved'
        ON CONFLICT (article_id) DO UPDATE SET approved = approved + 1, threads = threads + excluded.threads;
END;
CREATE TRIGGER comments_count_delete AFTER DELETE ON comments
    WHEN OLD.status = 'approved' AND EXISTS (SELECT 1 FROM articles WHERE id = OLD.article_id)
BEGIN
    UPDATE article_counts SET approved = approved - 1, threads = threads - (OLD.depth = 1)
        WHERE article_id = OLD.article_id;
END;

-- A comment shows only under a published article (a draft's, such as an
-- article an import has not finished, shows nowhere). What pages show of it
-- changes with its content and status, not with its place in the order (the
-- triggers above move thread_pos of many rows at once) or its root (set
-- once, right after the insert).
DROP TRIGGER changes_comments_insert;
CREATE TRIGGER changes_comments_insert AFTER INSERT ON comments
    WHEN NEW.status = 'approved'
        AND EXISTS (SELECT 1 FROM articles WHERE id = NEW.article_id AND status = 'published')
BEGIN
    INSERT INTO record_change (tag) SELECT 'c:' || NEW.article_id UNION SELECT 'm:comments';
END;
DROP TRIGGER changes_comments_update;
CREATE TRIGGER changes_comments_update
    AFTER UPDATE OF article_id, parent_id, depth, author_name, author_url, body, status, kind, author_id, created_at
    ON comments
    WHEN 'approved' IN (OLD.status, NEW.status)
        AND EXISTS (SELECT 1 FROM articles WHERE id IN (OLD.article_id, NEW.article_id) AND status = 'published')
BEGIN
    INSERT INTO record_change (tag)
        SELECT 'c:' || NEW.article_id UNION SELECT 'c:' || OLD.article_id UNION SELECT 'm:comments';
END;
DROP TRIGGER changes_comments_delete;
CREATE TRIGGER changes_comments_delete AFTER DELETE ON comments
    WHEN OLD.status = 'approved'
        AND EXISTS (SELECT 1 FROM articles WHERE id = OLD.article_id AND status = 'published')
BEGIN
    INSERT INTO record_change (tag) SELECT 'c:' || OLD.article_id UNION SELECT 'm:comments';
END;
-- So an article that is published or unpublished also changes the site's
-- comment feed (which shows the comments of published articles only).
DROP TRIGGER changes_articles_update;
CREATE TRIGGER changes_articles_update AFTER UPDATE ON articles
BEGIN
    INSERT INTO record_change (tag)
        WITH moved AS (
            SELECT 1 WHERE 'published' IN (OLD.status, NEW.status)
                AND (OLD.status IS NOT NEW.status OR OLD.published_at IS NOT NEW.published_at
                     OR OLD.kind IS NOT NEW.kind OR OLD.author_id IS NOT NEW.author_id
                     OR OLD.sticky IS NOT NEW.sticky OR OLD.password IS NOT NEW.password)
        )
        SELECT 'a:' || NEW.id
        UNION SELECT 'a:' || OLD.id
        UNION SELECT 'sitemap' WHERE 'published' IN (OLD.status, NEW.status)
        UNION SELECT 'm:' || NEW.kind || 's' FROM moved
        UNION SELECT 'm:' || OLD.kind || 's' FROM moved
        UNION SELECT 'm:u:' || NEW.author_id FROM moved
        UNION SELECT 'm:u:' || OLD.author_id FROM moved
        UNION SELECT 'm:comments' FROM moved
        UNION SELECT 'm:t:' || term_id FROM article_terms, moved WHERE article_id = NEW.id;
END;

-- A WordPress import runs in short transactions, so the site stays
-- writable while it runs; everything it adds or changes is journalled so a
-- run that fails (or whose process dies) is undone, and the articles it
-- adds stay drafts until the run finishes.
CREATE TABLE import_runs (
    id         INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    -- Renewed by the running import; an old one means its process died.
    heartbeat  TEXT NOT NULL
);
CREATE TABLE import_journal (
    run_id  INTEGER NOT NULL REFERENCES import_runs (id) ON DELETE CASCADE,
    seq     INTEGER PRIMARY KEY,
    -- created: row `row_id` of `tbl` is the run's (an article with a
    -- `value` takes that status when the run ends); wp_id: the run set the
    -- row's wp_id.
    action  TEXT NOT NULL CHECK (action IN ('created', 'wp_id')),
    tbl     TEXT NOT NULL,
    row_id  INTEGER NOT NULL,
    value   TEXT
);
CREATE INDEX import_journal_by_run ON import_journal (run_id, action, tbl);
