//! View models: exactly what a page shows. Built by the web layer from
//! domain types; none of them has a field for a commenter's email.

use byline_core::SanitizedHtml;
use byline_core::comment_form::{CommentDraft, FieldErrors};
pub use minijinja::Value;
use serde::Serialize;

/// Marks sanitised HTML as safe for output without escaping. The only way
/// markup enters a page.
pub fn safe(html: SanitizedHtml) -> Value {
    Value::from_safe_string(html.into_string())
}

/// JSON-LD for a `<script type="application/ld+json">` element: `<`, `>`
/// and `&` are escaped as JSON unicode escapes, so no value can close the
/// element.
pub fn json_ld(doc: &serde_json::Value) -> Value {
    let json = serde_json::to_string(doc).unwrap_or_default();
    Value::from_safe_string(
        json.replace('<', "\\u003c")
            .replace('>', "\\u003e")
            .replace('&', "\\u0026"),
    )
}

/// The site, for every page's header and footer.
#[derive(Debug, Clone, Serialize)]
pub struct SiteView {
    /// Site name.
    pub title: String,
    /// Line under the name.
    pub tagline: String,
    /// Absolute home page URL, with a trailing slash.
    pub url: String,
    /// The operator asked search engines not to index the site.
    pub noindex: bool,
}

/// Head metadata of a page.
#[derive(Debug, Clone, Serialize, Default)]
pub struct PageMeta {
    /// `<title>` text (the site name is appended by the theme).
    pub title: String,
    /// `<meta name="description">`.
    pub description: String,
    /// Absolute canonical URL.
    pub canonical: String,
    /// Ask search engines not to index (errors, search pages).
    pub noindex: bool,
    /// Open Graph type: `website`, `article` or `profile`.
    pub og_type: String,
    /// Share image, absolute.
    pub image: Option<String>,
    /// schema.org JSON-LD, already serialised and escaped for a script element.
    pub json_ld: Option<Value>,
    /// Feeds for `<link rel="alternate">` autodiscovery.
    pub feeds: Vec<FeedLink>,
    /// Article publication time (RFC 3339), for `article:published_time`.
    pub published: Option<String>,
    /// Article update time (RFC 3339), for `article:modified_time`.
    pub modified: Option<String>,
}

/// A feed announced in the page head.
#[derive(Debug, Clone, Serialize)]
pub struct FeedLink {
    /// Human title ("Jane Doe – RSS").
    pub title: String,
    /// Absolute URL.
    pub url: String,
    /// MIME type.
    pub mime: &'static str,
}

/// An author as shown in a byline, bio box or author page.
#[derive(Debug, Clone, Serialize)]
pub struct AuthorView {
    /// Display name.
    pub name: String,
    /// Short description under the name.
    pub tagline: String,
    /// Biography line.
    pub bio: String,
    /// Author page.
    pub url: String,
    /// The author's own site.
    pub website: Option<String>,
    /// Avatar image URL.
    pub avatar_url: String,
}

/// A category or tag link.
#[derive(Debug, Clone, Serialize)]
pub struct TermView {
    /// Display name.
    pub name: String,
    /// Archive page.
    pub url: String,
}

/// A publication time, readable and machine-readable.
#[derive(Debug, Clone, Serialize)]
pub struct DateView {
    /// "January 26, 2024".
    pub human: String,
    /// RFC 3339 for `<time datetime>`.
    pub iso: String,
}

/// An article in a list (home, archives).
#[derive(Debug, Clone, Serialize)]
pub struct ArticleSummary {
    /// Headline.
    pub title: String,
    /// Article page.
    pub url: String,
    /// Plain-text summary.
    pub excerpt: String,
    /// Search results: the matching passage with `<mark>`ed words.
    pub snippet_html: Option<Value>,
    /// Publication date.
    pub published: DateView,
    /// Byline author.
    pub author: AuthorView,
    /// Categories.
    pub categories: Vec<TermView>,
    /// Approved comments.
    pub comment_count: u64,
}

/// An article page's article.
#[derive(Debug, Clone, Serialize)]
pub struct ArticleView {
    /// Store id (the form's `comment_post_ID`).
    pub id: i64,
    /// Headline.
    pub title: String,
    /// Canonical path.
    pub url: String,
    /// Sanitised body.
    pub body_html: Value,
    /// Publication date (absent on undated pages).
    pub published: Option<DateView>,
    /// Last update, when there was one.
    pub updated: Option<DateView>,
    /// Byline author.
    pub author: AuthorView,
    /// Categories.
    pub categories: Vec<TermView>,
    /// Tags.
    pub tags: Vec<TermView>,
    /// Whether it is a page rather than a dated post.
    pub is_page: bool,
    /// Password-protected and not unlocked by this visitor: show the form.
    pub locked: bool,
    /// Dated corrections and updates, shown under the body.
    pub notes: Vec<NoteView>,
}

/// A correction or update under an article.
#[derive(Debug, Clone, Serialize)]
pub struct NoteView {
    /// `correction` or `update` (a CSS class).
    pub kind: &'static str,
    /// "Correction" or "Update".
    pub label: &'static str,
    /// When it was added.
    pub date: DateView,
    /// Sanitised text.
    pub body_html: Value,
}

/// A public comment. There is deliberately no email field.
#[derive(Debug, Clone, Serialize)]
pub struct CommentView {
    /// Id, also the `#comment-ID` anchor.
    pub id: i64,
    /// Commenter's name.
    pub author_name: String,
    /// Commenter's website (http or https only).
    pub author_url: Option<String>,
    /// Identicon URL (keyed hash, never the email).
    pub avatar_url: String,
    /// When it was posted.
    pub posted: DateView,
    /// Sanitised text.
    pub body_html: Value,
    /// Held for moderation (shown only to its author).
    pub pending: bool,
    /// `comment`, `pingback` or `trackback`.
    pub kind: &'static str,
    /// Written by the article's author (from the admin): marked as theirs.
    pub by_author: bool,
    /// Reply link target, when replies may nest under it.
    pub reply_url: Option<String>,
    /// Replies, oldest first.
    pub replies: Vec<CommentView>,
}

/// The discussion under an article.
#[derive(Debug, Clone, Serialize)]
pub struct DiscussionView {
    /// Approved comments in the whole discussion.
    pub approved: u64,
    /// Threads on this page.
    pub threads: Vec<CommentView>,
    /// Links between discussion pages, when there are several.
    pub pagination: Option<Pagination>,
    /// Whether new comments are accepted.
    pub open: bool,
    /// The form, when open.
    pub form: Option<CommentFormView>,
}

/// The "Leave a Reply" form with what the visitor typed and what was wrong.
#[derive(Debug, Clone, Serialize)]
pub struct CommentFormView {
    /// Where the form posts.
    pub action: String,
    /// The article's id.
    pub article_id: i64,
    /// The visitor's input, kept across a rejection.
    pub draft: CommentDraft,
    /// Per-field messages.
    pub errors: FieldErrors,
    /// A message about the whole submission (duplicate, too fast, …).
    pub notice: Option<String>,
    /// The comment being replied to.
    pub reply_to: Option<ReplyTarget>,
    /// Link that cancels a reply.
    pub cancel_reply_url: String,
}

/// The comment a form replies to.
#[derive(Debug, Clone, Serialize)]
pub struct ReplyTarget {
    /// Its id (`comment_parent`).
    pub id: i64,
    /// Its author's name, for "Reply to NAME".
    pub author_name: String,
}

/// Links between pages of a list or discussion.
#[derive(Debug, Clone, Serialize)]
pub struct Pagination {
    /// 1-based current page.
    pub current: u32,
    /// Number of pages.
    pub total: u32,
    /// Previous page, if any.
    pub prev_url: Option<String>,
    /// Next page, if any.
    pub next_url: Option<String>,
    /// Every page, for numbered links.
    pub pages: Vec<PageLink>,
}

/// One numbered page link.
#[derive(Debug, Clone, Serialize)]
pub struct PageLink {
    /// Page number.
    pub number: u32,
    /// Its URL.
    pub url: String,
    /// Whether it is the current page.
    pub current: bool,
}

impl Pagination {
    /// Links for page `current` of `total`, `url(n)` giving each page's
    /// address; `None` when everything fits on one page.
    pub fn new(current: u32, total: u32, url: impl Fn(u32) -> String) -> Option<Self> {
        if total <= 1 {
            return None;
        }
        Some(Self {
            current,
            total,
            prev_url: (current > 1).then(|| url(current - 1)),
            next_url: (current < total).then(|| url(current + 1)),
            pages: (1..=total)
                .map(|n| PageLink {
                    number: n,
                    url: url(n),
                    current: n == current,
                })
                .collect(),
        })
    }
}

/// A list page's heading: what is listed and, for authors, who they are.
#[derive(Debug, Clone, Serialize, Default)]
pub struct ListHeading {
    /// "Category: Politics", "Articles from January 2024", …
    pub title: String,
    /// Line under the heading.
    pub description: Option<String>,
    /// The author whose articles these are (author pages show a bio box).
    pub author: Option<AuthorView>,
    /// On search pages: the query, to show it back in the search box.
    pub query: Option<String>,
}

/// Context of `list.html`: home page and archives.
#[derive(Debug, Clone, Serialize)]
pub struct ListPage {
    /// The site.
    pub site: SiteView,
    /// Head metadata.
    pub meta: PageMeta,
    /// What is listed; `None` on the home page.
    pub heading: Option<ListHeading>,
    /// The articles on this page.
    pub articles: Vec<ArticleSummary>,
    /// Links to other pages.
    pub pagination: Option<Pagination>,
}

/// Context of `article.html`.
#[derive(Debug, Clone, Serialize)]
pub struct ArticlePage {
    /// The site.
    pub site: SiteView,
    /// Head metadata.
    pub meta: PageMeta,
    /// The article.
    pub article: ArticleView,
    /// Its discussion.
    pub discussion: DiscussionView,
}

/// Context of `error.html`.
#[derive(Debug, Clone, Serialize)]
pub struct ErrorPage {
    /// The site.
    pub site: SiteView,
    /// Head metadata.
    pub meta: PageMeta,
    /// HTTP status code.
    pub status: u16,
    /// Short title ("Page not found").
    pub heading: String,
    /// What happened and what to do.
    pub message: String,
    /// Text the visitor submitted that could not be accepted, returned so
    /// it is not lost.
    pub kept_text: Option<String>,
}

/// Context of `comment_refused.html`: a comment that was not accepted,
/// shown back in the form with the reasons. Deliberately small (no
/// article text, no discussion), so a refusal costs next to nothing even
/// when floods make it the common answer.
#[derive(Debug, Clone, Serialize)]
pub struct CommentRefusedPage {
    /// The site.
    pub site: SiteView,
    /// Head metadata (canonical: the article).
    pub meta: PageMeta,
    /// The article's headline.
    pub article_title: String,
    /// The article's address (the discussion page replied on).
    pub article_url: String,
    /// The form, under the name `comment_form.html` reads it by.
    pub discussion: RefusedDiscussion,
}

/// The form of a [`CommentRefusedPage`].
#[derive(Debug, Clone, Serialize)]
pub struct RefusedDiscussion {
    /// The form with the visitor's input and the messages.
    pub form: CommentFormView,
}
