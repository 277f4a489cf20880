-- Full-text search over the titles and plain text of published articles:
-- stemmed (porter), case- and accent-insensitive. rowid is the article id;
-- the store keeps it in step with `articles` on every write.
CREATE VIRTUAL TABLE articles_fts USING fts5 (
    title,
    body,
    tokenize = 'porter unicode61 remove_diacritics 2'
);
INSERT INTO articles_fts (rowid, title, body) SELECT id, title, body FROM articles WHERE status = 'published';
