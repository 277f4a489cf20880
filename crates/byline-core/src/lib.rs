//! byline's domain: the types a publishing site is made of and the rules
//! between them (comment validation, moderation, threading, permalinks,
//! Markdown rendering). Nothing here does IO, so the HTML form, the CLI and
//! later the JSON APIs all share one set of rules.

pub mod article;
pub mod author;
pub mod client_net;
pub mod comment;
pub mod comment_form;
pub mod fingerprint;
pub mod front_matter;
pub mod html;
pub mod identicon;
pub mod keys;
pub mod markdown;
pub mod moderation;
pub mod permalink;
pub mod redirect;
pub mod role;
pub mod search;
pub mod settings;
pub mod slug;
pub mod submission;
pub mod text;
pub mod thread;
pub mod throttle;
pub mod time;

pub use article::{Article, ArticleKind, ArticleStatus, BodyFormat, CommentsOpen, NewArticle, Term, TermKind};
pub use author::{Author, AuthorProfile, Login};
pub use comment::{Comment, CommentId, CommentKind, CommentStatus};
pub use html::SanitizedHtml;
pub use settings::{SettingKey, Settings};
pub use slug::Slug;
