//! WordPress comment text (HTML that kses allowed: links, emphasis,
//! quotes, code) to the Markdown byline stores comments in, so imported
//! comments render as they did, through the same safe comment renderer.

use byline_core::html::decode_entities as decode;

/// Converts a WordPress comment body to Markdown.
pub fn to_markdown(html: &str) -> String {
    let html = html.replace("\r\n", "\n");
    let mut out = String::with_capacity(html.len());
    let mut link_stack: Vec<String> = Vec::new();
    // Walks the text once: each tag is looked at where it stands.
    let mut rest = html.as_str();
    while let Some(lt) = rest.find('<') {
        out.push_str(&escape_markdown(&decode(&rest[..lt])));
        let Some(gt) = rest[lt..].find('>') else {
            out.push_str(&escape_markdown(&decode(&rest[lt..])));
            rest = "";
            break;
        };
        let tag = rest[lt + 1..lt + gt].trim();
        let closing = tag.starts_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_lowercase();
        match (name.as_str(), closing) {
            ("em" | "i", _) => out.push('*'),
            ("strong" | "b", _) => out.push_str("**"),
            ("code", _) => out.push('`'),
            ("br", _) => out.push_str("  \n"),
            ("p", false) => {}
            ("p", true) => out.push_str("\n\n"),
            ("blockquote", false) => out.push_str("\n\n> "),
            ("blockquote", true) => out.push_str("\n\n"),
            ("a", false) => {
                link_stack.push(attr(tag, "href").unwrap_or_default());
                out.push('[');
            }
            ("a", true) => {
                let href = link_stack.pop().unwrap_or_default();
                if href.is_empty() {
                    out.push(']')
                } else {
                    out.push_str(&format!("]({href})"))
                }
            }
            _ => {}
        }
        rest = &rest[lt + gt + 1..];
    }
    out.push_str(&escape_markdown(&decode(rest)));
    out.trim().to_owned()
}

/// Backslash-escapes what Markdown would otherwise read as markup, so
/// plain text stays plain.
fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '*' | '_' | '`' | '[' | ']' | '<' | '>' | '#') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let at = tag.find(&format!("{name}="))? + name.len() + 1;
    let rest = &tag[at..];
    let quote = rest.chars().next()?;
    let value = if quote == '"' || quote == '\'' {
        rest[1..].split(quote).next()?
    } else {
        rest.split_whitespace().next()?
    };
    let value = decode(value);
    let lower = value.to_ascii_lowercase();
    (lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("mailto:"))
        .then(|| value.replace(' ', "%20").replace(')', "%29"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allowed_markup_becomes_markdown() {
        assert_eq!(
            to_markdown("I <em>really</em> agree, see <a href=\"https://x.example/a\">this</a>."),
            "I *really* agree, see [this](https://x.example/a)."
        );
        assert_eq!(to_markdown("<strong>Bold</strong> &amp; plain"), "**Bold** & plain");
        assert_eq!(to_markdown("Line one\nLine <b>two</b>"), "Line one\nLine **two**");
    }

    #[test]
    fn text_that_looks_like_markup_stays_text() {
        assert_eq!(to_markdown("2 * 3 = 6 and a_b"), "2 \\* 3 = 6 and a\\_b");
        assert_eq!(to_markdown("&lt;script&gt;"), "\\<script\\>");
        assert_eq!(to_markdown("<a href=\"javascript:alert(1)\">x</a>"), "[x]");
    }
}
