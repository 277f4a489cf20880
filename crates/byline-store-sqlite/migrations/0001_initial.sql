-- byline's first schema. Times are UTC text in a fixed-width format
-- (YYYY-MM-DDTHH:MM:SS.ffffffZ) so that text order is time order.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE site_flags (
    name TEXT PRIMARY KEY
);

CREATE TABLE site_secret (
    id     INTEGER PRIMARY KEY CHECK (id = 1),
    secret BLOB NOT NULL
);

CREATE TABLE authors (
    id           INTEGER PRIMARY KEY,
    login        TEXT NOT NULL UNIQUE COLLATE NOCASE,
    nicename     TEXT NOT NULL UNIQUE,
    email        TEXT,
    display_name TEXT NOT NULL,
    tagline      TEXT NOT NULL DEFAULT '',
    bio          TEXT NOT NULL DEFAULT '',
    website      TEXT,
    created_at   TEXT NOT NULL,
    wp_id        INTEGER UNIQUE
);

CREATE TABLE articles (
    id             INTEGER PRIMARY KEY,
    kind           TEXT NOT NULL CHECK (kind IN ('post', 'page')),
    author_id      INTEGER NOT NULL REFERENCES authors (id),
    title          TEXT NOT NULL,
    slug           TEXT NOT NULL,
    body           TEXT NOT NULL,
    format         TEXT NOT NULL DEFAULT 'markdown' CHECK (format IN ('markdown', 'html')),
    excerpt        TEXT,
    status         TEXT NOT NULL CHECK (status IN ('draft', 'pending', 'published', 'private', 'trash')),
    comment_status TEXT NOT NULL CHECK (comment_status IN ('open', 'closed')),
    published_at   TEXT,
    created_at     TEXT NOT NULL,
    updated_at     TEXT,
    password       TEXT,
    sticky         INTEGER NOT NULL DEFAULT 0,
    wp_id          INTEGER UNIQUE,
    UNIQUE (kind, slug)
);
CREATE INDEX articles_listing ON articles (kind, status, published_at DESC, id DESC);
CREATE INDEX articles_by_author ON articles (author_id, published_at DESC, id DESC);

CREATE TABLE terms (
    id        INTEGER PRIMARY KEY,
    kind      TEXT NOT NULL CHECK (kind IN ('category', 'tag')),
    slug      TEXT NOT NULL,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    parent_id   INTEGER REFERENCES terms (id),
    wp_id       INTEGER UNIQUE,
    UNIQUE (kind, slug)
);

CREATE TABLE article_terms (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    term_id    INTEGER NOT NULL REFERENCES terms (id) ON DELETE CASCADE,
    PRIMARY KEY (article_id, term_id)
);
CREATE INDEX article_terms_by_term ON article_terms (term_id, article_id);

CREATE TABLE comments (
    id           INTEGER PRIMARY KEY,
    article_id   INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    parent_id    INTEGER REFERENCES comments (id),
    root_id      INTEGER NOT NULL,
    depth        INTEGER NOT NULL,
    author_name  TEXT NOT NULL,
    author_email TEXT NOT NULL,
    author_url   TEXT,
    author_ip    TEXT NOT NULL,
    user_agent   TEXT NOT NULL,
    body         TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'spam', 'trash')),
    created_at   TEXT NOT NULL,
    kind         TEXT NOT NULL DEFAULT 'comment' CHECK (kind IN ('comment', 'pingback', 'trackback')),
    author_id    INTEGER REFERENCES authors (id),
    wp_id        INTEGER UNIQUE
);
-- A top-level comment is the root of its own thread; it is inserted with
-- root_id 0 and takes its own id here, without another round trip.
CREATE TRIGGER comments_own_root AFTER INSERT ON comments WHEN NEW.root_id = 0
BEGIN
    UPDATE comments SET root_id = NEW.id WHERE id = NEW.id;
END;
CREATE INDEX comments_threads ON comments (article_id, depth, status, created_at, id);
CREATE INDEX comments_by_root ON comments (root_id, created_at, id);
CREATE INDEX comments_by_address ON comments (author_ip, created_at);
CREATE INDEX comments_by_commenter ON comments (author_email, author_name, status);
CREATE INDEX comments_by_status ON comments (status, created_at);

-- Earlier slugs of an article (WordPress's _wp_old_slug), so old links
-- redirect to the current address.
CREATE TABLE article_old_slugs (
    kind       TEXT NOT NULL,
    slug       TEXT NOT NULL,
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    PRIMARY KEY (kind, slug)
);

-- Media records. Imported files stay at their old URLs until the media
-- feature copies them.
CREATE TABLE attachments (
    id         INTEGER PRIMARY KEY,
    article_id INTEGER REFERENCES articles (id) ON DELETE SET NULL,
    title      TEXT NOT NULL,
    url        TEXT NOT NULL,
    mime_type  TEXT NOT NULL DEFAULT '',
    alt        TEXT NOT NULL DEFAULT '',
    caption    TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    wp_id      INTEGER UNIQUE
);
