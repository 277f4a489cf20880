-- What changed on the public site, so a page cache (in this process or in
-- the server while the CLI writes) can drop exactly the pages that show
-- it. One row per tag holds the sequence number of the tag's latest change,
-- so the table stays as small as the site. The tags (see
-- byline_store::changes::tag):
--   site        the settings: every page
--   a:ID        article ID's content, terms or status: every page showing it
--               (the m: tags below mark changes to which articles a list holds,
--               or their order; an edit that keeps both is only a:ID)
--   c:ID        article ID's approved comments
--   u:ID        author ID's public profile
--   t:ID        term ID's name, slug or description
--   m:posts     which posts are public, or their order (home, dates, feeds)
--   m:pages     which pages are public
--   sitemap     any published article's address or update time
--   m:u:ID      which articles author ID's archive lists
--   m:t:ID      which articles term ID's archive lists
--   m:comments  which comments are approved (the site's comment feed)

-- The duplicate-comment check asks by email and by name; without this
-- index the by-name half read every comment of the article.
CREATE INDEX comments_by_name ON comments (author_name, article_id);

CREATE TABLE site_changes (
    tag TEXT PRIMARY KEY,
    seq INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX site_changes_by_seq ON site_changes (seq);

CREATE TABLE site_change_counter (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL
);
INSERT INTO site_change_counter (id, seq) VALUES (1, 0);

-- Every trigger below records its tags by inserting them into this view:
-- each tag takes the next sequence number.
CREATE VIEW record_change (tag) AS SELECT tag FROM site_changes WHERE false;
CREATE TRIGGER record_change_insert INSTEAD OF INSERT ON record_change
BEGIN
    UPDATE site_change_counter SET seq = seq + 1;
    INSERT INTO site_changes (tag, seq) SELECT NEW.tag, seq FROM site_change_counter WHERE true
        ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq;
END;

-- Settings: everything.
CREATE TRIGGER changes_settings_insert AFTER INSERT ON settings
BEGIN
    INSERT INTO record_change (tag) VALUES ('site');
END;
CREATE TRIGGER changes_settings_update AFTER UPDATE ON settings
BEGIN
    INSERT INTO record_change (tag) VALUES ('site');
END;
CREATE TRIGGER changes_settings_delete AFTER DELETE ON settings
BEGIN
    INSERT INTO record_change (tag) VALUES ('site');
END;

-- Articles: the article itself, and the lists it joins or leaves when it
-- is (or was) published.
CREATE TRIGGER changes_articles_insert AFTER INSERT ON articles
BEGIN
    INSERT INTO record_change (tag)
        SELECT 'a:' || NEW.id
        UNION SELECT 'm:' || NEW.kind || 's' WHERE NEW.status = 'published'
        UNION SELECT 'sitemap' WHERE NEW.status = 'published'
        UNION SELECT 'm:u:' || NEW.author_id WHERE NEW.status = 'published';
END;
-- An edit that leaves a published article's place in every list alone
-- (its text, title, slug) changes only the pages showing it, and the
-- sitemaps. `moved`: it is (or was) published and its status, date, kind,
-- author, pinning or password changed.
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
        UNION SELECT 'm:t:' || term_id FROM article_terms, moved WHERE article_id = NEW.id;
END;
CREATE TRIGGER changes_articles_delete AFTER DELETE ON articles
BEGIN
    INSERT INTO record_change (tag)
        SELECT 'a:' || OLD.id
        UNION SELECT 'm:' || OLD.kind || 's' WHERE OLD.status = 'published'
        UNION SELECT 'sitemap' WHERE OLD.status = 'published'
        UNION SELECT 'm:u:' || OLD.author_id WHERE OLD.status = 'published';
END;

-- An article's categories and tags; only a published article's count for
-- the archives (when the article itself is being deleted, its row may be
-- gone already, and the removal counts).
CREATE TRIGGER changes_article_terms_insert AFTER INSERT ON article_terms
BEGIN
    INSERT INTO record_change (tag)
        SELECT 'a:' || NEW.article_id
        UNION SELECT 'm:t:' || NEW.term_id
            WHERE (SELECT status FROM articles WHERE id = NEW.article_id) = 'published';
END;
CREATE TRIGGER changes_article_terms_delete AFTER DELETE ON article_terms
BEGIN
    INSERT INTO record_change (tag)
        SELECT 'a:' || OLD.article_id
        UNION SELECT 'm:t:' || OLD.term_id
            WHERE coalesce((SELECT status FROM articles WHERE id = OLD.article_id), 'published') = 'published';
END;

-- Terms and authors: pages that show their names.
CREATE TRIGGER changes_terms_update AFTER UPDATE ON terms
BEGIN
    INSERT INTO record_change (tag)
        SELECT 't:' || OLD.id UNION SELECT 't:' || NEW.id UNION SELECT 'm:t:' || NEW.id;
END;
CREATE TRIGGER changes_terms_delete AFTER DELETE ON terms
BEGIN
    INSERT INTO record_change (tag) SELECT 't:' || OLD.id UNION SELECT 'm:t:' || OLD.id;
END;
CREATE TRIGGER changes_authors_update AFTER UPDATE ON authors
BEGIN
    INSERT INTO record_change (tag) VALUES ('u:' || NEW.id);
END;

-- Comments: only a comment that is (or was) approved is public; a held
-- one shows only to its author, whose pages bypass any shared cache.
CREATE TRIGGER changes_comments_insert AFTER INSERT ON comments WHEN NEW.status = 'approved'
BEGIN
    INSERT INTO record_change (tag) SELECT 'c:' || NEW.article_id UNION SELECT 'm:comments';
END;
CREATE TRIGGER changes_comments_update AFTER UPDATE ON comments
    WHEN 'approved' IN (OLD.status, NEW.status)
BEGIN
    INSERT INTO record_change (tag)
        SELECT 'c:' || NEW.article_id UNION SELECT 'c:' || OLD.article_id UNION SELECT 'm:comments';
END;
CREATE TRIGGER changes_comments_delete AFTER DELETE ON comments WHEN OLD.status = 'approved'
BEGIN
    INSERT INTO record_change (tag) SELECT 'c:' || OLD.article_id UNION SELECT 'm:comments';
END;
