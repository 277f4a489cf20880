//! WordPress exports (WXR 1.0–1.2): a streaming reader that yields one
//! author, term or item at a time, so a large site imports in bounded
//! memory; a writer for the way back; and the conversion of WordPress
//! post content (block comments, `wpautop` paragraphs, shortcodes) to HTML.

pub mod comment_text;
pub mod content;
pub mod reader;
