//! Characters no page or feed should carry: control characters are
//! invisible, and most of them make an XML document (a feed, a sitemap, an
//! export) not well-formed, so one stray byte in a comment would break the
//! feed for every reader. Input drops them; writers drop what old rows and
//! imports still hold.

use std::borrow::Cow;

/// Whether `c` is a control character other than tab, line feed and
/// carriage return (C0, DEL and C1), or one of the two noncharacters XML
/// forbids (U+FFFE, U+FFFF).
pub fn is_stray(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{FFFE}' | '\u{FFFF}')
}

/// `s` without [stray](is_stray) characters; borrowed when it has none.
pub fn without_strays(s: &str) -> Cow<'_, str> {
    if s.chars().any(is_stray) {
        Cow::Owned(s.chars().filter(|c| !is_stray(*c)).collect())
    } else {
        Cow::Borrowed(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_go_and_line_breaks_stay() {
        assert_eq!(without_strays("a\u{0}b\u{1}c\u{1b}[0m\u{7f}\u{85}d\u{FFFF}"), "abc[0md");
        assert_eq!(without_strays("line\r\nnext\ttab"), "line\r\nnext\ttab");
        assert!(matches!(without_strays("plain é ✓"), Cow::Borrowed(_)));
    }
}
