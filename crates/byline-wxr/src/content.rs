//! WordPress post content to HTML (being written).
