//! Markdown to sanitised HTML: a generous policy for articles (writers are
//! trusted, but imports and pasted HTML are not) and a strict one for reader
//! comments, where raw HTML is shown as text and links are marked `ugc`.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};

use crate::article::BodyFormat;
use crate::html::{SanitizedHtml, nesting};

/// Renders an article body: CommonMark with tables, footnotes,
/// strikethrough and typographic quotes. A block quote whose last line starts
/// with a dash becomes a quotation with its attribution as a caption.
pub fn render_article(markdown: &str) -> SanitizedHtml {
    sanitize_article_html(&article_html(markdown))
}

/// An article's HTML before sanitising, nested at most [`nesting::MAX_DEPTH`] deep.
fn article_html(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_SMART_PUNCTUATION;
    let events: Vec<Event> = limit_nesting(Parser::new_ext(markdown, options)).collect();
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    push_with_attributions(&mut out, events);
    out
}

/// Deepest nesting a writer may save in an article body (rendering
/// unwraps anything deeper than [`nesting::MAX_DEPTH`], e.g. in an import).
pub const MAX_ARTICLE_DEPTH: usize = 64;

/// Deepest nesting of quotes and lists a reader may post in a comment.
pub const MAX_COMMENT_DEPTH: usize = 16;

/// Whether a body nests (quotes, lists, raw HTML elements) deeper than
/// `limit`, for refusing what readers' pages would not keep.
pub fn body_exceeds_depth(body: &str, format: BodyFormat, limit: usize) -> bool {
    match format {
        BodyFormat::Markdown => nesting::exceeds(&article_html(body), limit),
        BodyFormat::Html => nesting::exceeds(body, limit),
    }
}

/// Whether a comment's quotes and lists nest deeper than `limit`.
pub fn comment_exceeds_depth(markdown: &str, limit: usize) -> bool {
    nesting::exceeds(&comment_html(markdown), limit)
}

/// Markdown's events with the tags that would nest deeper than
/// [`nesting::MAX_DEPTH`] left out (their text stays), so a text of 65,000
/// `>` is not turned into as many block quotes: the HTML stays as small as
/// the text, and the sanitiser's cost linear.
fn limit_nesting<'a>(events: impl Iterator<Item = Event<'a>>) -> impl Iterator<Item = Event<'a>> {
    let mut kept: Vec<bool> = Vec::new();
    let mut depth = 0usize;
    events.filter(move |event| match event {
        Event::Start(_) => {
            let keep = depth < nesting::MAX_DEPTH;
            depth += usize::from(keep);
            kept.push(keep);
            keep
        }
        Event::End(_) => {
            let keep = kept.pop().unwrap_or(true);
            depth -= usize::from(keep);
            keep
        }
        _ => true,
    })
}

/// Sanitises HTML written elsewhere (a WordPress import) with the same
/// policy as Markdown articles, so both kinds of body are equally safe.
pub fn sanitize_article_html(html: &str) -> SanitizedHtml {
    SanitizedHtml::new(ARTICLE_POLICY.clean(&bounded(html)).to_string())
}

/// HTML nested no deeper than the sanitiser handles in linear time.
fn bounded(html: &str) -> std::borrow::Cow<'_, str> {
    nesting::limit_depth(html, nesting::MAX_DEPTH)
}

/// Renders a body in its format.
pub fn render_body(body: &str, format: BodyFormat) -> SanitizedHtml {
    match format {
        BodyFormat::Markdown => render_article(body),
        BodyFormat::Html => sanitize_article_html(body),
    }
}

/// The readable text of a body in its format (search index, excerpts).
pub fn body_text(body: &str, format: BodyFormat) -> String {
    match format {
        BodyFormat::Markdown => plain_text(body),
        BodyFormat::Html => html_text(body),
    }
}

/// The first `words` words of a body in its format; "…" marks a cut.
pub fn body_excerpt(body: &str, format: BodyFormat, words: usize) -> String {
    // The first words come from the start of the body: reading a prefix is
    // enough, so a list of long articles costs what a list of short ones
    // does. (Taken only when the prefix has words to spare, so a cut in a
    // tag or a word, or markup that hides text, cannot change the result.)
    let budget = words.saturating_mul(64).max(1024);
    if body.len() > budget {
        let mut end = budget;
        while !body.is_char_boundary(end) {
            end -= 1;
        }
        let text = body_text(&body[..end], format);
        if text.split_whitespace().count() > words + 8 {
            return cut_words(&text, words);
        }
    }
    cut_words(&body_text(body, format), words)
}

/// Text of an HTML fragment: tags dropped (as word breaks), entities decoded.
pub fn html_text(html: &str) -> String {
    static TEXT_ONLY: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
        let mut b = ammonia::Builder::empty();
        b.clean_content_tags(HashSet::from(["script", "style"]));
        b
    });
    // Block tags separate words; inline tags (links, emphasis) do not.
    let mut spaced = String::with_capacity(html.len() + 64);
    for (i, part) in html.split('<').enumerate() {
        if i > 0 {
            let name: String = part
                .trim_start_matches('/')
                .chars()
                .take_while(char::is_ascii_alphanumeric)
                .collect::<String>()
                .to_ascii_lowercase();
            let block = matches!(
                name.as_str(),
                "p" | "div"
                    | "br"
                    | "li"
                    | "ul"
                    | "ol"
                    | "h1"
                    | "h2"
                    | "h3"
                    | "h4"
                    | "h5"
                    | "h6"
                    | "blockquote"
                    | "figure"
                    | "figcaption"
                    | "tr"
                    | "td"
                    | "th"
                    | "table"
                    | "pre"
                    | "hr"
                    | "section"
                    | "article"
                    | "cite"
                    | "dd"
                    | "dt"
            );
            if block {
                spaced.push(' ');
            }
            spaced.push('<');
        }
        spaced.push_str(part);
    }
    let text = TEXT_ONLY.clean(&bounded(&spaced)).to_string();
    let decoded = crate::html::decode_entities(&text);
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn cut_words(text: &str, words: usize) -> String {
    let all: Vec<&str> = text.split_whitespace().collect();
    if all.len() > words {
        format!("{}…", all[..words].join(" "))
    } else {
        all.join(" ")
    }
}

/// Renders a reader's comment: paragraphs, emphasis, links, code, quotes
/// and lists. Raw HTML becomes visible text; headings become paragraphs;
/// images become their description.
pub fn render_comment(markdown: &str) -> SanitizedHtml {
    SanitizedHtml::new(COMMENT_POLICY.clean(&bounded(&comment_html(markdown))).to_string())
}

/// A comment's HTML before sanitising.
fn comment_html(markdown: &str) -> String {
    let options = Options::ENABLE_STRIKETHROUGH;
    let events = limit_nesting(Parser::new_ext(markdown, options)).filter_map(|event| match event {
        Event::Html(text) | Event::InlineHtml(text) => Some(Event::Text(text)),
        Event::Start(Tag::HtmlBlock) | Event::Start(Tag::Heading { .. }) => Some(Event::Start(Tag::Paragraph)),
        Event::End(TagEnd::HtmlBlock) | Event::End(TagEnd::Heading(_)) => Some(Event::End(TagEnd::Paragraph)),
        Event::Start(Tag::Image { .. }) | Event::End(TagEnd::Image) => None,
        Event::Rule => None,
        other => Some(other),
    });
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, events);
    out
}

/// Plain text of the first `words` words of a Markdown body, for excerpts
/// and page descriptions; "…" marks a cut.
pub fn plain_excerpt(markdown: &str, words: usize) -> String {
    cut_words(&plain_text(markdown), words)
}

/// The readable text of a Markdown body (for the search index and
/// excerpts), without markup or footnote definitions.
pub fn plain_text(markdown: &str) -> String {
    let mut text = String::with_capacity(markdown.len());
    for event in Parser::new_ext(markdown, Options::ENABLE_SMART_PUNCTUATION | Options::ENABLE_FOOTNOTES) {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::BlockQuote(_)) => text.push(' '),
            Event::Start(Tag::FootnoteDefinition(_)) => break,
            _ => {}
        }
    }
    text
}

fn is_attribution(text: &str) -> bool {
    let t = text.trim_start();
    t.starts_with('—') || t.starts_with('–') || t.starts_with('―') || t.starts_with("--")
}

/// Writes events as HTML, turning top-level block quotes that end in an
/// attribution line into `<figure class="quotation">`.
fn push_with_attributions<'a>(out: &mut String, events: Vec<Event<'a>>) {
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::BlockQuote(_)) = events[i] {
            let end = matching_end(&events, i);
            let inner = &events[i + 1..end];
            if let Some((quote, attribution)) = split_attribution(inner) {
                out.push_str("<figure class=\"quotation\"><blockquote>\n");
                html::push_html(out, quote.into_iter());
                out.push_str("</blockquote><figcaption>— ");
                html::push_html(out, attribution.into_iter());
                out.push_str("</figcaption></figure>\n");
            } else {
                html::push_html(out, events[i..=end].iter().cloned());
            }
            i = end + 1;
        } else {
            let start = i;
            while i < events.len() && !matches!(events[i], Event::Start(Tag::BlockQuote(_))) {
                i += 1;
            }
            html::push_html(out, events[start..i].iter().cloned());
        }
    }
}

fn matching_end(events: &[Event], start: usize) -> usize {
    let mut depth = 0usize;
    for (j, e) in events.iter().enumerate().skip(start) {
        match e {
            Event::Start(Tag::BlockQuote(_)) => depth += 1,
            Event::End(TagEnd::BlockQuote(_)) => {
                depth -= 1;
                if depth == 0 {
                    return j;
                }
            }
            _ => {}
        }
    }
    events.len() - 1
}

/// Splits a quote's inner events into the quotation and the inline events
/// of its attribution (without the leading dash), when the last paragraph
/// ends with a line starting with a dash.
fn split_attribution<'a>(inner: &[Event<'a>]) -> Option<(Vec<Event<'a>>, Vec<Event<'a>>)> {
    if !matches!(inner.last(), Some(Event::End(TagEnd::Paragraph))) {
        return None;
    }
    let para_start = inner.iter().rposition(|e| matches!(e, Event::Start(Tag::Paragraph)))?;
    let para = &inner[para_start + 1..inner.len() - 1];
    // The attribution starts the paragraph, or follows its last line break.
    let cut = para
        .iter()
        .enumerate()
        .rev()
        .find(|(k, e)| {
            matches!(e, Event::Text(t) if is_attribution(t))
                && (*k == 0 || matches!(para[k - 1], Event::SoftBreak | Event::HardBreak))
        })
        .map(|(k, _)| k)?;
    if cut == 0 && para_start == 0 {
        return None; // A quote that is nothing but a dashed line has no quotation.
    }
    let mut attribution: Vec<Event<'a>> = para[cut..].to_vec();
    // Smart punctuation may split the dash and the name into separate events.
    let mut strip_dash = true;
    while let Some(Event::Text(t)) = attribution.first_mut() {
        let mut stripped = t.trim_start();
        if strip_dash {
            stripped = stripped.trim_start_matches(['—', '–', '―', '-']).trim_start();
            strip_dash = false;
        }
        if stripped.is_empty() {
            attribution.remove(0);
        } else {
            *t = CowStr::from(stripped.to_owned());
            break;
        }
    }
    let mut quote: Vec<Event<'a>> = inner[..para_start].to_vec();
    if cut > 0 {
        quote.push(Event::Start(Tag::Paragraph));
        quote.extend(para[..cut - 1].iter().cloned());
        quote.push(Event::End(TagEnd::Paragraph));
    }
    Some((quote, attribution))
}

static ARTICLE_POLICY: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    b.add_tags([
        "figure",
        "figcaption",
        "section",
        "sup",
        "sub",
        "del",
        "mark",
        "cite",
        "abbr",
        "time",
    ])
    .add_tag_attributes("div", ["class", "id"])
    .add_tag_attributes("sup", ["class", "id"])
    .add_tag_attributes("figure", ["class"])
    .add_tag_attributes("p", ["class"])
    .add_tag_attributes("code", ["class"])
    .add_tag_attributes("img", ["loading", "title"])
    .add_tag_attributes("th", ["style"])
    .add_tag_attributes("td", ["style"])
    .add_tag_attributes("time", ["datetime"])
    .add_tag_attributes("abbr", ["title"])
    .filter_style_properties(HashSet::from(["text-align"]))
    .link_rel(None);
    for h in [
        HeadingLevel::H1,
        HeadingLevel::H2,
        HeadingLevel::H3,
        HeadingLevel::H4,
        HeadingLevel::H5,
        HeadingLevel::H6,
    ] {
        b.add_tag_attributes(heading_tag(h), ["id"]);
    }
    b
});

fn heading_tag(level: HeadingLevel) -> &'static str {
    match level {
        HeadingLevel::H1 => "h1",
        HeadingLevel::H2 => "h2",
        HeadingLevel::H3 => "h3",
        HeadingLevel::H4 => "h4",
        HeadingLevel::H5 => "h5",
        HeadingLevel::H6 => "h6",
    }
}

static COMMENT_POLICY: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::empty();
    b.tags(HashSet::from([
        "p",
        "br",
        "em",
        "strong",
        "del",
        "a",
        "code",
        "pre",
        "blockquote",
        "ul",
        "ol",
        "li",
    ]))
    .tag_attributes(HashMap::from([("a", HashSet::from(["href"]))]))
    .url_schemes(HashSet::from(["http", "https", "mailto"]))
    .url_relative(ammonia::UrlRelative::Deny)
    .link_rel(Some("nofollow ugc noopener"));
    b
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn articles_get_tables_and_footnotes() {
        let html = render_article("| a | b |\n|:-:|---|\n| 1 | 2 |\n\nText[^1].\n\n[^1]: A note.");
        let html = html.as_str();
        assert!(html.contains("<table>"), "{html}");
        assert!(
            html.contains("text-align: center") || html.contains("text-align:center"),
            "{html}"
        );
        assert!(html.contains("footnote-definition"), "{html}");
    }

    #[test]
    fn quotes_with_a_dash_line_get_an_attribution() {
        let html = render_article("> We shall fight on the beaches.\n>\n> — Winston Churchill, 1940");
        let html = html.as_str();
        assert!(html.contains("<figure class=\"quotation\">"), "{html}");
        assert!(
            html.contains("<figcaption>— Winston Churchill, 1940</figcaption>"),
            "{html}"
        );
        assert!(html.contains("<p>We shall fight on the beaches.</p>"), "{html}");

        let same_para = render_article("> Facts are sacred.\n> -- C. P. Scott");
        assert!(
            same_para.as_str().contains("<figcaption>— C. P. Scott</figcaption>"),
            "{}",
            same_para.as_str()
        );
        assert!(
            same_para.as_str().contains("<p>Facts are sacred.</p>"),
            "{}",
            same_para.as_str()
        );

        let plain = render_article("> Just a quote.");
        assert!(plain.as_str().contains("<blockquote>") && !plain.as_str().contains("figure"));
    }

    #[test]
    fn article_html_is_sanitised() {
        let html =
            render_article("<script>alert(1)</script><p onclick=\"x()\">hi</p><a href=\"javascript:alert(1)\">x</a>");
        let html = html.as_str();
        assert!(
            !html.contains("<script") && !html.contains("onclick") && !html.contains("javascript:"),
            "{html}"
        );
    }

    #[test]
    fn comments_show_raw_html_as_text() {
        let html = render_comment("<script>alert(1)</script>\n\nHello <b>there</b> <img src=x onerror=alert(1)>");
        let html = html.as_str();
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{html}");
        assert!(html.contains("&lt;b&gt;there&lt;/b&gt;"), "{html}");
        assert!(
            !html.contains("<img") && !html.contains("<b>") && !html.contains("<script"),
            "{html}"
        );
    }

    #[test]
    fn comment_links_are_nofollow_ugc() {
        let html = render_comment("See [my post](https://example.com/x) and [bad](javascript:alert(1)).");
        let html = html.as_str();
        assert!(html.contains("href=\"https://example.com/x\""), "{html}");
        assert!(html.contains("rel=\"nofollow ugc noopener\""), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
    }

    #[test]
    fn comments_keep_the_safe_subset() {
        let html = render_comment("# Big\n\n*em* **strong** `code`\n\n> quoted");
        let html = html.as_str();
        assert!(!html.contains("<h1>"), "{html}");
        assert!(html.contains("<p>Big</p>"), "{html}");
        assert!(
            html.contains("<em>em</em>")
                && html.contains("<strong>strong</strong>")
                && html.contains("<code>code</code>")
        );
        assert!(html.contains("<blockquote>"), "{html}");
    }

    #[test]
    fn imported_html_is_sanitised_and_has_text() {
        let html = "<p>One &amp; <b>two</b></p><p>three<script>alert(1)</script></p><figure class=\"wp-caption\"><img src=\"https://x.example/a.jpg\" alt=\"A\" onerror=\"x()\"><figcaption>Cap</figcaption></figure>";
        let safe = render_body(html, BodyFormat::Html);
        assert!(
            !safe.as_str().contains("script") && !safe.as_str().contains("onerror"),
            "{}",
            safe.as_str()
        );
        assert!(
            safe.as_str().contains("<figcaption>Cap</figcaption>"),
            "{}",
            safe.as_str()
        );
        assert_eq!(body_text(html, BodyFormat::Html), "One & two three Cap");
        assert_eq!(
            html_text("<p>See (<a href=\"x\">the document</a>).</p><p>Next</p>"),
            "See (the document). Next"
        );
        assert_eq!(body_excerpt(html, BodyFormat::Html, 2), "One &…");
    }

    #[test]
    fn excerpts_of_long_bodies_read_only_their_start_and_are_the_same() {
        let para = "<p>Some <b>bold</b> words &amp; a <a href=\"x\">link</a> in a sentence.</p>\n";
        let html = para.repeat(5_000);
        let md = "Some **bold** words & a [link](x) in a *sentence*.\n\n".repeat(5_000);
        for (body, format) in [(html.as_str(), BodyFormat::Html), (md.as_str(), BodyFormat::Markdown)] {
            let whole = cut_words(&body_text(body, format), 55);
            assert_eq!(body_excerpt(body, format, 55), whole);
        }
        // A start with hardly any text falls back to the whole body.
        let styled = format!("<style>{}</style><p>Finally words.</p>", "x".repeat(10_000));
        assert_eq!(body_excerpt(&styled, BodyFormat::Html, 55), "Finally words.");
    }

    #[test]
    fn excerpts_are_plain_and_cut() {
        assert_eq!(
            plain_excerpt("# Title\n\nSome *emphasis* here.", 55),
            "Title Some emphasis here."
        );
        assert_eq!(plain_excerpt("one two three four", 2), "one two…");
    }
}
