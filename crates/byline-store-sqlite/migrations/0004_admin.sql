-- The admin: accounts, sessions, sign-in throttling, the first-run setup
-- link, revisions, and corrections shown under articles.

-- Every user is an author: their public profile is the author row, their
-- login the author's login. The hash is argon2id in PHC string form.
CREATE TABLE users (
    author_id     INTEGER PRIMARY KEY REFERENCES authors (id) ON DELETE CASCADE,
    role          TEXT NOT NULL CHECK (role IN ('contributor', 'author', 'editor', 'administrator')),
    password_hash TEXT NOT NULL,
    created_at    TEXT NOT NULL
);

-- Signed-in browsers, by the SHA-256 of the session token (never the token).
CREATE TABLE sessions (
    token_hash BLOB PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (author_id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_by_user ON sessions (user_id);

-- Failed sign-ins, per account ('login:NAME') and per address ('ip:ADDR').
CREATE TABLE login_failures (
    key          TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL,
    last_at      TEXT NOT NULL,
    locked_until TEXT
) WITHOUT ROWID;

-- The one-time link that creates the first administrator (its SHA-256).
CREATE TABLE setup_token (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    token_hash BLOB NOT NULL,
    created_at TEXT NOT NULL
);

-- Every saved version of an article's text.
CREATE TABLE revisions (
    id         INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    saved_by   INTEGER REFERENCES authors (id) ON DELETE SET NULL,
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    excerpt    TEXT,
    saved_at   TEXT NOT NULL
);
CREATE INDEX revisions_by_article ON revisions (article_id, id);
-- Every save that changes the text keeps a revision, whoever saved it (the
-- admin, the CLI, an import); the admin then records who it was.
CREATE TRIGGER revisions_on_insert AFTER INSERT ON articles
BEGIN
    INSERT INTO revisions (article_id, title, body, excerpt, saved_at)
    VALUES (NEW.id, NEW.title, NEW.body, NEW.excerpt, strftime('%Y-%m-%dT%H:%M:%f', 'now') || '000Z');
END;
CREATE TRIGGER revisions_on_update AFTER UPDATE OF title, body, excerpt ON articles
    WHEN OLD.title IS NOT NEW.title OR OLD.body IS NOT NEW.body OR OLD.excerpt IS NOT NEW.excerpt
BEGIN
    INSERT INTO revisions (article_id, title, body, excerpt, saved_at)
    VALUES (NEW.id, NEW.title, NEW.body, NEW.excerpt, strftime('%Y-%m-%dT%H:%M:%f', 'now') || '000Z');
END;
INSERT INTO revisions (article_id, title, body, excerpt, saved_at)
    SELECT id, title, body, excerpt, coalesce(updated_at, published_at, created_at) FROM articles;

-- Dated corrections and updates under a published article.
CREATE TABLE article_notes (
    id         INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('correction', 'update')),
    body       TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX article_notes_by_article ON article_notes (article_id, created_at);
CREATE TRIGGER changes_article_notes_insert AFTER INSERT ON article_notes
BEGIN
    INSERT INTO record_change (tag) VALUES ('a:' || NEW.article_id);
END;
CREATE TRIGGER changes_article_notes_delete AFTER DELETE ON article_notes
BEGIN
    INSERT INTO record_change (tag) VALUES ('a:' || OLD.article_id);
END;

-- What a trashed article or comment was before, so restoring puts it back.
ALTER TABLE articles ADD COLUMN trashed_from TEXT;
ALTER TABLE comments ADD COLUMN trashed_from TEXT;
