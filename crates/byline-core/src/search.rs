//! Turning what a reader typed into search terms. Anything is accepted:
//! quotes, operators and brackets are dropped, so no query can break the
//! search engine underneath.

/// Most terms a query keeps.
pub const MAX_TERMS: usize = 12;
/// Longest term kept, in characters.
pub const MAX_TERM_CHARS: usize = 64;

/// The words of a query, lowercased; empty when nothing searchable is left.
pub fn terms(query: &str) -> Vec<String> {
    query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.chars().take(MAX_TERM_CHARS).collect::<String>().to_lowercase())
        .take(MAX_TERMS)
        .collect()
}

/// Marker a store puts before a matched word in a snippet.
pub const MARK_START: char = '\u{2}';
/// Marker a store puts after a matched word in a snippet.
pub const MARK_END: char = '\u{3}';

/// Escapes a snippet for HTML and turns the store's markers into `<mark>`.
pub fn highlight(snippet: &str) -> crate::SanitizedHtml {
    let mut out = String::with_capacity(snippet.len() + 32);
    for c in snippet.chars() {
        match c {
            MARK_START => out.push_str("<mark>"),
            MARK_END => out.push_str("</mark>"),
            c => crate::html::push_escaped(&mut out, c),
        }
    }
    crate::SanitizedHtml::new(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_input_becomes_plain_terms() {
        assert_eq!(terms("Budget \"deficit\" OR (tax"), ["budget", "deficit", "or", "tax"]);
        assert_eq!(terms("Zürich café"), ["zürich", "café"]);
        assert!(terms("  \"()*:^-- ").is_empty());
        assert_eq!(terms(&"word ".repeat(100)).len(), MAX_TERMS);
        assert_eq!(terms(&"a".repeat(500))[0].len(), MAX_TERM_CHARS);
    }

    #[test]
    fn snippets_are_escaped_then_marked() {
        let html = highlight("a <b> \u{2}tax\u{3} & more");
        assert_eq!(html.as_str(), "a &lt;b&gt; <mark>tax</mark> &amp; more");
    }
}
