//! Bounds how deeply HTML elements nest, in one linear pass.
//!
//! html5ever's tree builder (inside ammonia) checks element scopes by
//! walking the stack of open elements, so its cost grows with depth × size:
//! 10,000 nested `<div>`s (or a comment of 10,000 `>`s, which Markdown makes
//! into as many block quotes) took a third of a second to sanitise, 65,000 a
//! minute. Running html5ever's tokenizer alone is linear; this pass uses it
//! to drop the tags that would open an element deeper than the limit (their
//! text stays), so the tree builder only ever sees bounded depth.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;

use html5ever::LocalName;
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, CharacterTokens, EndTag, StartTag, Tag, TagToken, Token, TokenSink, TokenSinkResult, Tokenizer,
    TokenizerOpts,
};

/// Deepest nesting of elements kept when HTML is rendered. Real articles
/// stay far below it (a WordPress block layout nests about 15 deep);
/// browsers themselves stop nesting at 512.
pub const MAX_DEPTH: usize = 100;

/// `html` with every element that would nest deeper than `max_depth`
/// unwrapped (its start and end tags dropped, its content kept). Borrows
/// the input when nothing had to change, so ordinary documents pass
/// through untouched.
pub fn limit_depth(html: &str, max_depth: usize) -> Cow<'_, str> {
    // Fewer tags than the limit cannot nest past it.
    if html.bytes().filter(|b| *b == b'<').count() <= max_depth {
        return Cow::Borrowed(html);
    }
    let limiter = Limiter {
        max_depth,
        state: RefCell::new(State {
            out: String::with_capacity(html.len()),
            ..State::default()
        }),
    };
    let tokenizer = Tokenizer::new(limiter, TokenizerOpts::default());
    let queue = BufferQueue::default();
    queue.push_back(StrTendril::from_slice(html));
    let _ = tokenizer.feed(&queue);
    tokenizer.end();
    let state = tokenizer.sink.state.into_inner();
    if state.dropped_any {
        Cow::Owned(state.out)
    } else {
        Cow::Borrowed(html)
    }
}

/// Whether `html`'s elements nest deeper than `limit`, counted the way
/// [`limit_depth`] counts (for refusing such input with a clear message).
pub fn exceeds(html: &str, limit: usize) -> bool {
    html.bytes().filter(|b| *b == b'<').count() > limit && depth(html) > limit
}

/// How deeply `html`'s elements nest, counted the way [`limit_depth`] counts.
pub fn depth(html: &str) -> usize {
    if !html.contains('<') {
        return 0;
    }
    let limiter = Limiter {
        max_depth: usize::MAX,
        state: RefCell::new(State::default()),
    };
    let tokenizer = Tokenizer::new(limiter, TokenizerOpts::default());
    let queue = BufferQueue::default();
    queue.push_back(StrTendril::from_slice(html));
    let _ = tokenizer.feed(&queue);
    tokenizer.end();
    tokenizer.sink.state.into_inner().deepest
}

struct Limiter {
    max_depth: usize,
    state: RefCell<State>,
}

#[derive(Default)]
struct State {
    out: String,
    /// Names of the open elements, as the tree builder would see them
    /// (approximately: implied end tags of `p`, `li` and the like are
    /// followed, so old-style unclosed paragraphs do not count as nesting).
    open: Vec<LocalName>,
    /// How many of each name are open, so implied end tags are looked
    /// for only when one could be found.
    open_count: HashMap<LocalName, usize>,
    /// Start tags dropped and not yet matched by an end tag, by name.
    dropped: HashMap<LocalName, usize>,
    dropped_any: bool,
    deepest: usize,
}

/// Elements that never have content.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr", "param",
    "keygen", "basefont", "bgsound", "frame", "image",
];

/// Elements whose start tag closes an open `<p>` (HTML's "closes a p element").
const CLOSES_P: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "center",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "li",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "ul",
    "dd",
    "dt",
];

/// Elements an implied end tag search does not cross.
const SCOPE: &[&str] = &[
    "html", "table", "td", "th", "caption", "marquee", "object", "applet", "template", "button",
];

impl State {
    /// Closes the nearest open `name` (any of `names`) when it is found
    /// before any of `stop` or a scope boundary.
    fn close_implied(&mut self, names: &[&str], stop: &[&str]) {
        if !names
            .iter()
            .any(|n| self.open_count.get(&LocalName::from(*n)).is_some_and(|c| *c > 0))
        {
            return;
        }
        for i in (0..self.open.len()).rev() {
            let open = &*self.open[i];
            if names.contains(&open) {
                self.truncate(i);
                return;
            }
            if stop.contains(&open) || SCOPE.contains(&open) {
                return;
            }
        }
    }

    /// Closes the elements from `i` up.
    fn truncate(&mut self, i: usize) {
        for name in self.open.drain(i..) {
            if let Some(n) = self.open_count.get_mut(&name) {
                *n -= 1;
            }
        }
    }

    fn start(&mut self, tag: &Tag, max_depth: usize) -> bool {
        let name = &*tag.name;
        if CLOSES_P.contains(&name) {
            self.close_implied(&["p"], &[]);
        }
        match name {
            "li" => self.close_implied(&["li"], &["ul", "ol"]),
            "dt" | "dd" => self.close_implied(&["dt", "dd"], &["dl"]),
            "tr" => self.close_implied(&["tr"], &["tbody", "thead", "tfoot"]),
            "td" | "th" => self.close_implied(&["td", "th"], &["tr"]),
            "tbody" | "thead" | "tfoot" => self.close_implied(&["tbody", "thead", "tfoot"], &[]),
            "option" => self.close_implied(&["option"], &["select", "datalist", "optgroup"]),
            "a" => self.close_implied(&["a"], &[]),
            _ => {}
        }
        if VOID.contains(&name) {
            return true;
        }
        if self.open.len() >= max_depth {
            *self.dropped.entry(tag.name.clone()).or_default() += 1;
            self.dropped_any = true;
            return false;
        }
        *self.open_count.entry(tag.name.clone()).or_default() += 1;
        self.open.push(tag.name.clone());
        self.deepest = self.deepest.max(self.open.len());
        true
    }

    fn end(&mut self, tag: &Tag) -> bool {
        if let Some(n) = self.dropped.get_mut(&tag.name)
            && *n > 0
        {
            *n -= 1;
            return false;
        }
        if self.open_count.get(&tag.name).is_some_and(|n| *n > 0)
            && let Some(i) = self.open.iter().rposition(|o| *o == tag.name)
        {
            self.truncate(i);
        }
        true
    }

    fn write_tag(&mut self, tag: &Tag) {
        let out = &mut self.out;
        out.push('<');
        if tag.kind == EndTag {
            out.push('/');
        }
        out.push_str(&tag.name);
        if tag.kind == StartTag {
            for attr in &tag.attrs {
                out.push(' ');
                out.push_str(&attr.name.local);
                out.push_str("=\"");
                for c in attr.value.chars() {
                    match c {
                        '&' => out.push_str("&amp;"),
                        '"' => out.push_str("&quot;"),
                        c => out.push(c),
                    }
                }
                out.push('"');
            }
            if tag.self_closing {
                out.push_str(" /");
            }
        }
        out.push('>');
    }

    fn write_text(&mut self, text: &str) {
        for c in text.chars() {
            match c {
                '&' => self.out.push_str("&amp;"),
                '<' => self.out.push_str("&lt;"),
                '>' => self.out.push_str("&gt;"),
                c => self.out.push(c),
            }
        }
    }
}

impl TokenSink for Limiter {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut state = self.state.borrow_mut();
        match token {
            TagToken(tag) => {
                let kept = match tag.kind {
                    StartTag => state.start(&tag, self.max_depth),
                    EndTag => state.end(&tag),
                };
                if kept {
                    state.write_tag(&tag);
                    if tag.kind == StartTag && !tag.self_closing {
                        // What follows these is text to the end tag, as the tree builder
                        // would tell the tokenizer.
                        return match &*tag.name {
                            "script" => TokenSinkResult::RawData(RawKind::ScriptData),
                            "style" | "xmp" | "iframe" | "noembed" | "noframes" => {
                                TokenSinkResult::RawData(RawKind::Rawtext)
                            }
                            "textarea" | "title" => TokenSinkResult::RawData(RawKind::Rcdata),
                            "plaintext" => TokenSinkResult::Plaintext,
                            _ => TokenSinkResult::Continue,
                        };
                    }
                }
            }
            CharacterTokens(text) => state.write_text(&text),
            // Comments and doctypes are not content; the sanitiser drops them anyway.
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_documents_pass_through_untouched() {
        let html = "<p>One <b>two</b></p><ul><li>a<li>b</ul><p>x<p>y<p>z";
        assert!(matches!(limit_depth(html, 3), Cow::Borrowed(_)));
        let many_paragraphs = "<p>unclosed ".repeat(500);
        assert!(
            matches!(limit_depth(&many_paragraphs, 5), Cow::Borrowed(_)),
            "unclosed paragraphs do not nest"
        );
        let list = format!("<ul>{}</ul>", "<li>item ".repeat(500));
        assert!(matches!(limit_depth(&list, 5), Cow::Borrowed(_)), "nor do list items");
        assert_eq!(depth("<div><div><p>x</p></div></div>"), 3);
        assert_eq!(depth("plain text"), 0);
    }

    #[test]
    fn deep_nesting_is_unwrapped_below_the_limit_and_the_text_kept() {
        let html = format!("{}deep text{}", "<div class=\"x\">".repeat(1000), "</div>".repeat(1000));
        let limited = limit_depth(&html, 10);
        assert_eq!(depth(&limited), 10);
        assert_eq!(limited.matches("<div").count(), 10);
        assert_eq!(limited.matches("</div>").count(), 10);
        assert!(limited.contains("deep text"));
        let after = limit_depth("<div><div><div>a</div>b</div>c</div><p>d</p>", 1);
        assert_eq!(after, "<div>abc</div><p>d</p>");
    }

    #[test]
    fn text_and_attributes_stay_escaped() {
        let html = format!("<a href=\"x&amp;y&quot;\">&lt;script&gt;</a>{}", "<span>".repeat(200));
        let limited = limit_depth(&html, 5);
        assert!(limited.contains("href=\"x&amp;y&quot;\""), "{limited}");
        assert!(limited.contains("&lt;script&gt;"), "{limited}");
        let script = format!("<script>if (a<b) x()</script>{}", "<i>".repeat(200));
        let limited = limit_depth(&script, 5);
        assert!(limited.contains("<script>if (a&lt;b) x()</script>"), "{limited}");
    }
}
