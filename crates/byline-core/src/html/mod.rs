//! HTML that is safe to put in a page as is.

use std::fmt;

pub mod nesting;

/// HTML that went through one of byline's sanitisers. Only this crate can
/// make one, so a template that outputs it unescaped cannot be handed
/// unchecked text by mistake.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SanitizedHtml(String);

impl SanitizedHtml {
    pub(crate) fn new(html: String) -> Self {
        Self(html)
    }

    /// Plain text as HTML that shows exactly that text (markup in it is
    /// escaped, control characters dropped): for fields that readers
    /// render as HTML but that hold text, such as an RSS description.
    pub fn from_text(text: &str) -> Self {
        let mut out = String::with_capacity(text.len() + 16);
        for c in text.chars() {
            push_escaped(&mut out, c);
        }
        Self(out)
    }

    /// The markup.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The markup, owned.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for SanitizedHtml {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Appends `c` to HTML text: escaped when it is markup, dropped when it
/// is a control character.
pub(crate) fn push_escaped(out: &mut String, c: char) {
    match c {
        '&' => out.push_str("&amp;"),
        '<' => out.push_str("&lt;"),
        '>' => out.push_str("&gt;"),
        '"' => out.push_str("&quot;"),
        c if crate::text::is_stray(c) => {}
        c => out.push(c),
    }
}

/// Decodes HTML character references (`&amp;`, `&raquo;`, `&#8217;`…) in
/// text taken out of HTML, such as WordPress comment names and excerpts; an
/// unknown reference stays as written.
pub fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let tail = &rest[amp..];
        let decoded = tail.find(';').filter(|end| *end <= 10).and_then(|end| {
            let name = &tail[1..end];
            let c = match name {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" | "#039" => '\'',
                "nbsp" => ' ',
                "raquo" => '»',
                "laquo" => '«',
                "hellip" => '…',
                "mdash" => '—',
                "ndash" => '–',
                "rsquo" => '’',
                "lsquo" => '‘',
                "rdquo" => '”',
                "ldquo" => '“',
                _ => {
                    let code = if let Some(hex) = name.strip_prefix("#x").or_else(|| name.strip_prefix("#X")) {
                        u32::from_str_radix(hex, 16).ok()
                    } else {
                        name.strip_prefix('#').and_then(|d| d.parse().ok())
                    };
                    char::from_u32(code?)?
                }
            };
            Some((c, end + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &tail[len..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_becomes_html_that_shows_it() {
        assert_eq!(
            SanitizedHtml::from_text("<script>x</script> &lt; \"q\"\u{1}").as_str(),
            "&lt;script&gt;x&lt;/script&gt; &amp;lt; &quot;q&quot;"
        );
    }

    #[test]
    fn character_references_are_decoded() {
        assert_eq!(
            decode_entities("Courier &raquo; Weekly &#8217;links&#x21; &amp; more &bogus; & so"),
            "Courier » Weekly ’links! & more &bogus; & so"
        );
    }
}
