//! WordPress post content to HTML.
//!
//! WordPress stores `post_content` in one of two shapes and only turns it
//! into HTML when a page is rendered. Block-editor content is HTML framed by
//! `<!-- wp:… -->` comments; classic content is text whose paragraphs exist
//! only after `wpautop()` has run. Both may hold shortcodes (`[caption]`,
//! `[gallery]`, …) that WordPress expands on every request. Byline stores
//! HTML, so [`convert`] does that rendering work once, at import time, and
//! mirrors WordPress closely enough that the post looks as it did:
//!
//! 1. Block content loses its delimiter comments and is *not* run through
//!    `wpautop` (WordPress skips it for posts with blocks), except the inside
//!    of a `core/shortcode` block, which WordPress does autop.
//! 2. Classic content goes through a port of `wpautop()` followed by
//!    `shortcode_unautop()`, page by page (`<!--nextpage-->`).
//! 3. The core shortcodes byline can represent (`caption`, `gallery`,
//!    `embed`, `audio`, `video`) are expanded, escaped ones (`[[x]]`)
//!    unescaped, and any other shortcode is left as text and reported.
//! 4. The `<!--more-->` and `<!--nextpage-->` markers are dropped.
//!
//! The HTML is not sanitised here; the caller runs the site's sanitiser.

use std::collections::HashMap;

/// What an attachment id in a `[gallery ids="…"]` shortcode refers to.
///
/// The caller knows the imported attachments; the converter only sees ids,
/// so it asks through the lookup passed to [`convert`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Attachment {
    /// URL of the image file, used as the `src` of the gallery image.
    pub url: String,
    /// Alternative text of the image (WordPress's `_wp_attachment_image_alt`).
    pub alt: String,
    /// Caption of the image (the attachment's excerpt); empty for none.
    pub caption: String,
}

/// The result of a conversion.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Converted {
    /// HTML (not yet sanitised: the caller runs it through the site's HTML sanitiser).
    pub html: String,
    /// Names of shortcodes that were left as text because they are unknown,
    /// deduplicated, in order of first appearance (e.g. "contact-form-7").
    pub unknown_shortcodes: Vec<String>,
    /// Whether the content contained a `[gallery]` whose ids could not all be
    /// resolved by the lookup (the caller may convert again later when it
    /// knows more attachments).
    pub unresolved_gallery: bool,
}

/// Converts WordPress post content to HTML.
///
/// `attachment` resolves the ids of `[gallery]` shortcodes; ids it does not
/// know are left out of the gallery and flagged in
/// [`Converted::unresolved_gallery`].
pub fn convert(content: &str, attachment: &dyn Fn(i64) -> Option<Attachment>) -> Converted {
    let text = content.replace("\r\n", "\n").replace('\r', "\n");
    let mut converter = Converter {
        attachment,
        unknown_shortcodes: Vec::new(),
        unresolved_gallery: false,
    };
    // WordPress's has_blocks() is this very test.
    let html = if text.contains("<!-- wp:") {
        converter.block_content(&text)
    } else {
        converter.classic_content(&text)
    };
    Converted {
        html: html.trim().to_owned(),
        unknown_shortcodes: converter.unknown_shortcodes,
        unresolved_gallery: converter.unresolved_gallery,
    }
}

/// State of one conversion: the attachment lookup and what was noticed.
struct Converter<'a> {
    attachment: &'a dyn Fn(i64) -> Option<Attachment>,
    unknown_shortcodes: Vec<String>,
    unresolved_gallery: bool,
}

impl Converter<'_> {
    /// Classic content: WordPress splits pages first and renders each one
    /// through `the_content` (embeds, wpautop, shortcode_unautop, shortcodes).
    fn classic_content(&mut self, text: &str) -> String {
        let mut pages = Vec::new();
        for page in split_pages(text) {
            let page = run_embeds(&page, false);
            let page = wpautop(&page);
            let page = shortcode_unautop(&page);
            let page = self.do_shortcode(&page);
            let page = remove_more_markers(&page);
            let page = page.trim();
            if !page.is_empty() {
                pages.push(page.to_owned());
            }
        }
        pages.join("\n")
    }

    /// Block content: no wpautop, delimiters removed, shortcodes expanded.
    fn block_content(&mut self, text: &str) -> String {
        let text = run_embeds(text, true);
        let text = autop_shortcode_blocks(&text);
        let text = strip_block_comments(&text);
        let text = shortcode_unautop(&text);
        let text = self.do_shortcode(&text);
        remove_more_markers(&text)
    }

    /// WordPress's `do_shortcode()`, with every shortcode-looking tag
    /// considered: known ones are expanded, others reported and kept.
    fn do_shortcode(&mut self, text: &str) -> String {
        if !text.contains('[') {
            return text.to_owned();
        }
        let b = text.as_bytes();
        let mut closings = ClosingTags::default();
        let mut out = String::with_capacity(text.len());
        let mut copied = 0;
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                b'<' => i = markup_end(b, i).unwrap_or(i + 1),
                b'[' => {
                    let Some(sc) = parse_shortcode(text, i, &mut closings) else {
                        i += 1;
                        continue;
                    };
                    if sc.escaped_open && sc.escaped_close {
                        out.push_str(&text[copied..i]);
                        out.push_str(&text[i + 1..sc.end - 1]);
                    } else if let Some(html) = self.expand(&sc) {
                        out.push_str(&text[copied..i]);
                        if sc.escaped_open {
                            out.push('[');
                        }
                        out.push_str(&html);
                        if sc.escaped_close {
                            out.push(']');
                        }
                    } else {
                        // Unknown: keep the opening tag as text and go on
                        // inside it, where known shortcodes may still be.
                        self.note_unknown(sc.name);
                        i = sc.open_end;
                        continue;
                    }
                    i = sc.end;
                    copied = i;
                }
                _ => i += 1,
            }
        }
        out.push_str(&text[copied..]);
        out
    }

    fn note_unknown(&mut self, name: &str) {
        if !self.unknown_shortcodes.iter().any(|known| known == name) {
            self.unknown_shortcodes.push(name.to_owned());
        }
    }

    /// The HTML of a shortcode byline knows, or `None` to keep it as text.
    fn expand(&mut self, sc: &Shortcode<'_>) -> Option<String> {
        match sc.name {
            "caption" | "wp_caption" => Some(self.caption(sc)),
            "gallery" => Some(self.gallery(&parse_atts(sc.attrs))),
            "embed" => Some(embed_link(sc)),
            "audio" | "video" => media_link(sc.name, &parse_atts(sc.attrs)),
            _ => None,
        }
    }

    /// `img_caption_shortcode()` with the theme's HTML5 caption support.
    fn caption(&mut self, sc: &Shortcode<'_>) -> String {
        let atts = parse_atts(sc.attrs);
        let content = sc.content.unwrap_or("");
        let (image, caption) = match atts.get("caption") {
            Some(caption) => (content, caption.to_owned()),
            None => match split_caption_image(content) {
                Some((image, rest)) => (image, php_trim(rest).to_owned()),
                None => (content, String::new()),
            },
        };
        let image = self.do_shortcode(image);
        let width = atts.get("width").map_or(0, php_intval);
        if width < 1 || php_empty(&caption) {
            return image;
        }
        let class = format!(
            "wp-caption {} {}",
            atts.get("align").unwrap_or("alignnone"),
            atts.get("class").unwrap_or("")
        );
        let caption = self.do_shortcode(&caption);
        format!(
            "<figure class=\"{}\">{image}<figcaption>{caption}</figcaption></figure>",
            escape_html(php_trim(&class))
        )
    }

    /// `gallery_shortcode()` for the `ids`/`include` form, HTML5 markup.
    fn gallery(&mut self, atts: &Atts) -> String {
        let list = atts
            .get("ids")
            .filter(|v| !php_empty(v))
            .or_else(|| atts.get("include").filter(|v| !php_empty(v)));
        let ids = list.map(parse_id_list).unwrap_or_default();
        if ids.is_empty() {
            // WordPress would show the images attached to the post, which
            // only the caller can know.
            self.unresolved_gallery = true;
            return String::new();
        }
        let columns = atts.get("columns").map_or(3, php_intval);
        let link_file = atts.get("link") == Some("file");
        let mut items = String::new();
        for id in ids {
            let Some(attachment) = (self.attachment)(id) else {
                self.unresolved_gallery = true;
                continue;
            };
            let url = escape_html(&attachment.url);
            let img = format!(
                "<img src=\"{url}\" alt=\"{}\" loading=\"lazy\">",
                escape_html(&attachment.alt)
            );
            items.push_str("<figure class=\"gallery-item\">");
            if link_file {
                items.push_str(&format!("<a href=\"{url}\">{img}</a>"));
            } else {
                items.push_str(&img);
            }
            let caption = attachment.caption.trim();
            if !caption.is_empty() {
                items.push_str(&format!("<figcaption>{}</figcaption>", escape_html(caption)));
            }
            items.push_str("</figure>");
        }
        if items.is_empty() {
            return String::new();
        }
        format!("<figure class=\"gallery gallery-columns-{columns}\">{items}</figure>")
    }
}

// ---------------------------------------------------------------------------
// Shortcodes
// ---------------------------------------------------------------------------

/// One shortcode occurrence, as matched by WordPress's `get_shortcode_regex()`.
struct Shortcode<'a> {
    name: &'a str,
    /// The text between the name and the closing `]` (or `/]`).
    attrs: &'a str,
    /// What is between `[name …]` and `[/name]`, for the enclosing form.
    content: Option<&'a str>,
    /// `[[name`: the first half of an escape.
    escaped_open: bool,
    /// `…]]`: the second half of an escape.
    escaped_close: bool,
    /// Just after the `]` of the opening tag.
    open_end: usize,
    /// Just after the closing tag (or the opening one), before an escaping `]`.
    close_end: usize,
    /// Just after the whole match, escaping `]` included.
    end: usize,
}

/// Matches a shortcode at `start` (which must be a `[`).
///
/// Names follow WordPress's rules for registered names: a letter, then
/// letters, digits, `_` or `-`, followed by `]`, whitespace or `/`. So `[1]`
/// and `[ note ]` are not shortcodes.
fn parse_shortcode<'a>(text: &'a str, start: usize, closings: &mut ClosingTags) -> Option<Shortcode<'a>> {
    let b = text.as_bytes();
    if b.get(start) != Some(&b'[') {
        return None;
    }
    let mut i = start + 1;
    let escaped_open = b.get(i) == Some(&b'[');
    if escaped_open {
        i += 1;
    }
    let name_start = i;
    let rest = text.get(name_start..)?;
    let mut chars = rest.char_indices();
    let (_, first) = chars.next()?;
    if !first.is_alphabetic() {
        return None;
    }
    let (name_len, follow) = chars.find(|&(_, c)| !(c.is_alphanumeric() || c == '_' || c == '-'))?;
    if !(follow == ']' || follow == '/' || follow.is_whitespace()) {
        return None;
    }
    let name_end = name_start + name_len;
    let name = &text[name_start..name_end];
    let close = find_byte(b, name_end, b']')?;
    let self_closing = close > name_end && b[close - 1] == b'/';
    let attrs = &text[name_end..if self_closing { close - 1 } else { close }];
    let open_end = close + 1;
    let mut close_end = open_end;
    let mut content = None;
    if !self_closing && let Some(pos) = closings.find(b, name, open_end) {
        content = Some(&text[open_end..pos]);
        close_end = pos + "[/]".len() + name.len();
    }
    let escaped_close = b.get(close_end) == Some(&b']');
    let end = if escaped_close { close_end + 1 } else { close_end };
    Some(Shortcode {
        name,
        attrs,
        content,
        escaped_open,
        escaped_close,
        open_end,
        close_end,
        end,
    })
}

/// Finds closing tags (`[/name]`) in one text, remembering earlier searches:
/// a shortcode without one would otherwise search to the end of the text
/// each time.
#[derive(Default)]
struct ClosingTags {
    /// Per name: where the last search started and what it found.
    searched: HashMap<String, (usize, Option<usize>)>,
}

impl ClosingTags {
    /// The first `[/name]` at or after `from`.
    fn find(&mut self, b: &[u8], name: &str, from: usize) -> Option<usize> {
        if let Some(&(start, found)) = self.searched.get(name)
            && start <= from
            && found.is_none_or(|pos| pos >= from)
        {
            return found;
        }
        let found = find_bytes(b, from, format!("[/{name}]").as_bytes());
        self.searched.insert(name.to_owned(), (from, found));
        found
    }
}

/// Whether `expand` turns this shortcode into HTML (so that
/// `shortcode_unautop` should unwrap it, as WordPress does for registered
/// shortcodes).
fn is_expandable(sc: &Shortcode<'_>) -> bool {
    match sc.name {
        "caption" | "wp_caption" | "gallery" | "embed" => true,
        "audio" | "video" => media_src(sc.name, &parse_atts(sc.attrs)).is_some(),
        _ => false,
    }
}

/// Where an HTML tag, comment or CDATA section starting at `i` ends, so
/// that shortcodes are not looked for inside markup; `None` when the `<`
/// does not start markup.
fn markup_end(b: &[u8], i: usize) -> Option<usize> {
    let rest = &b[i..];
    if rest.starts_with(b"<!--") {
        return Some(find_bytes(b, i + 4, b"-->").map_or(b.len(), |p| p + 3));
    }
    if rest.starts_with(b"<![CDATA[") {
        return Some(find_bytes(b, i + 9, b"]]>").map_or(b.len(), |p| p + 3));
    }
    let next = *rest.get(1)?;
    let tagish = next.is_ascii_alphabetic()
        || next == b'!'
        || next == b'?'
        || (next == b'/' && rest.get(2).is_some_and(u8::is_ascii_alphabetic));
    if !tagish {
        return None;
    }
    find_byte(b, i + 1, b'>').map(|p| p + 1)
}

/// `shortcode_unautop()`: removes the `<p>` that wpautop put around a
/// shortcode standing alone in its paragraph. Only shortcodes that become
/// HTML are unwrapped; unknown ones stay text in their paragraph, as they
/// would on a WordPress site without the plugin.
fn shortcode_unautop(text: &str) -> String {
    if !text.contains("<p>") || !text.contains('[') {
        return text.to_owned();
    }
    let mut closings = ClosingTags::default();
    replace_all(text, |b, i| {
        if !b[i..].starts_with(b"<p>") {
            return None;
        }
        let open = skip_unautop_spaces(b, i + 3);
        let sc = parse_shortcode(text, open, &mut closings)?;
        if sc.escaped_open || !is_expandable(&sc) {
            return None;
        }
        // With its content and closing tag if it has one, else bare.
        let ends = [sc.content.map(|_| sc.close_end), Some(sc.open_end)];
        ends.into_iter().flatten().find_map(|end| {
            let after = skip_unautop_spaces(b, end);
            b[after..]
                .starts_with(b"</p>")
                .then(|| (after + 4, text[open..end].to_owned()))
        })
    })
}

/// Skips what `wp_spaces_regexp()` calls spaces: `[\r\n\t ]`, NBSP, `&nbsp;`.
fn skip_unautop_spaces(b: &[u8], mut i: usize) -> usize {
    loop {
        let rest = &b[i..];
        if matches!(rest.first(), Some(b'\r' | b'\n' | b'\t' | b' ')) {
            i += 1;
        } else if rest.starts_with(b"\xC2\xA0") {
            i += 2;
        } else if rest.starts_with(b"&nbsp;") {
            i += 6;
        } else {
            return i;
        }
    }
}

/// WordPress runs `[embed]` before wpautop and before blocks are rendered
/// (`WP_Embed::run_shortcode`); byline cannot embed, so the URL becomes a
/// link. In classic content wpautop then gives a standalone link its `<p>`;
/// in block content, where wpautop does not run, the `<p>` is added here.
fn run_embeds(text: &str, wrap_standalone: bool) -> String {
    if !text.contains("[embed") {
        return text.to_owned();
    }
    let b = text.as_bytes();
    let mut closings = ClosingTags::default();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'<' => i = markup_end(b, i).unwrap_or(i + 1),
            b'[' => match parse_shortcode(text, i, &mut closings) {
                Some(sc) if sc.name == "embed" => {
                    if sc.escaped_open && sc.escaped_close {
                        // Left for do_shortcode to unescape.
                        i = sc.end;
                        continue;
                    }
                    let mut html = embed_link(&sc);
                    if wrap_standalone && !html.is_empty() && on_own_line(b, i, sc.end) {
                        html = format!("<p>{html}</p>");
                    }
                    out.push_str(&text[copied..i]);
                    if sc.escaped_open {
                        out.push('[');
                    }
                    out.push_str(&html);
                    if sc.escaped_close {
                        out.push(']');
                    }
                    i = sc.end;
                    copied = i;
                }
                _ => i += 1,
            },
            _ => i += 1,
        }
    }
    out.push_str(&text[copied..]);
    out
}

/// Whether only spaces and tabs share the line with `b[start..end]`.
fn on_own_line(b: &[u8], start: usize, end: usize) -> bool {
    let before = b[..start].iter().rev().take_while(|&&c| c != b'\n');
    let after = b[end..].iter().take_while(|&&c| c != b'\n');
    before.chain(after).all(|&c| c == b' ' || c == b'\t')
}

/// `[embed]URL[/embed]` (or `[embed src="URL"]`) as a plain link.
fn embed_link(sc: &Shortcode<'_>) -> String {
    let atts = parse_atts(sc.attrs);
    let url = sc
        .content
        .map(php_trim)
        .filter(|url| !url.is_empty())
        .or_else(|| atts.get("src").map(php_trim))
        .unwrap_or("");
    // WP_Embed::shortcode decodes the `&amp;` the editor puts in URLs.
    let url = url.replace("&amp;", "&");
    if url.is_empty() {
        return String::new();
    }
    let url = escape_html(&url);
    format!("<a href=\"{url}\">{url}</a>")
}

/// The file an `[audio]` or `[video]` shortcode plays: `src`, else the first
/// of the per-format attributes WordPress accepts.
fn media_src<'a>(name: &str, atts: &'a Atts) -> Option<&'a str> {
    let keys: &[&str] = if name == "audio" {
        &["src", "mp3", "ogg", "flac", "m4a", "wav"]
    } else {
        &["src", "mp4", "m4v", "webm", "ogv", "flv"]
    };
    keys.iter()
        .find_map(|key| atts.get(key).map(php_trim).filter(|src| !src.is_empty()))
}

/// `[audio]`/`[video]` as a link to the media file (WordPress's fallback
/// markup inside its player); `None` when there is no file to link to.
fn media_link(name: &str, atts: &Atts) -> Option<String> {
    let src = escape_html(&media_src(name, atts)?.replace("&amp;", "&"));
    Some(format!("<a href=\"{src}\">{src}</a>"))
}

/// The image part (possibly wrapped in a link) and the caption text of a
/// new-style `[caption]`: `((?:<a [^>]+>\s*)?<img [^>]+>(?:\s*</a>)?)(.*)`,
/// case-insensitive, as in `img_caption_shortcode()`.
fn split_caption_image(content: &str) -> Option<(&str, &str)> {
    let b = content.as_bytes();
    let img_end = |at: usize| -> Option<usize> {
        if !starts_with_ci(&b[at..], b"<img ") {
            return None;
        }
        let gt = find_byte(b, at + 5, b'>')?;
        (gt > at + 5).then_some(gt + 1)
    };
    let mut from = 0;
    while let Some(p) = find_byte(b, from, b'<') {
        // `(?:<a [^>]+>\s*)?` is tried first, then the bare `<img`.
        let linked = || {
            if !starts_with_ci(&b[p..], b"<a ") {
                return None;
            }
            let gt = find_byte(b, p + 3, b'>').filter(|&gt| gt > p + 3)?;
            img_end(skip_ws(b, gt + 1))
        };
        if let Some(end) = linked().or_else(|| img_end(p)) {
            // `(?:\s*</a>)?`
            let k = skip_ws(b, end);
            let end = if starts_with_ci(&b[k..], b"</a>") { k + 4 } else { end };
            return Some((&content[p..end], &content[end..]));
        }
        from = p + 1;
    }
    None
}

/// Shortcode attributes: named ones (lower-cased names) and positional ones.
#[derive(Debug, Default)]
struct Atts {
    pairs: Vec<(Option<String>, String)>,
}

impl Atts {
    /// The value of a named attribute; the last one wins, as in PHP.
    fn get(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .rev()
            .find(|(name, _)| name.as_deref() == Some(key))
            .map(|(_, value)| value.as_str())
    }
}

/// `shortcode_parse_atts()`: `name="value"`, `name='value'`, `name=value`,
/// `"value"`, `'value'` and bare values, with `stripcslashes` applied.
fn parse_atts(text: &str) -> Atts {
    let text = text.replace(['\u{a0}', '\u{200b}'], " ");
    let b = text.as_bytes();
    let mut pairs = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if is_ws(b[i]) {
            i += 1;
            continue;
        }
        if let Some((name, value, end)) = named_attr(&text, i) {
            pairs.push((Some(name.to_ascii_lowercase()), stripcslashes(value)));
            i = end;
            continue;
        }
        if matches!(b[i], b'"' | b'\'')
            && let Some(q) = find_byte(b, i + 1, b[i])
            && b.get(q + 1).is_none_or(|&c| is_ws(c))
        {
            if q > i + 1 {
                pairs.push((None, stripcslashes(&text[i + 1..q])));
            }
            i = q + 1;
            continue;
        }
        let end = b[i..].iter().position(|&c| is_ws(c)).map_or(b.len(), |p| i + p);
        pairs.push((None, stripcslashes(&text[i..end])));
        i = end;
    }
    // "Reject any unclosed HTML elements."
    for (_, value) in &mut pairs {
        if value.contains('<') && !tags_closed(value) {
            value.clear();
        }
    }
    Atts { pairs }
}

/// The `name = value` alternatives of the attribute regex, at `i`.
fn named_attr(text: &str, i: usize) -> Option<(&str, &str, usize)> {
    let b = text.as_bytes();
    let name_end = i + b[i..].iter().take_while(|&&c| is_word(c)).count();
    if name_end == i {
        return None;
    }
    let eq = skip_ws(b, name_end);
    if b.get(eq) != Some(&b'=') {
        return None;
    }
    let v = skip_ws(b, eq + 1);
    let ends_well = |at: usize| b.get(at).is_none_or(|&c| is_ws(c));
    match b.get(v) {
        Some(&q @ (b'"' | b'\'')) => {
            let close = find_byte(b, v + 1, q)?;
            ends_well(close + 1).then(|| (&text[i..name_end], &text[v + 1..close], close + 1))
        }
        Some(_) => {
            let end = v + b[v..]
                .iter()
                .take_while(|&&c| !is_ws(c) && c != b'"' && c != b'\'')
                .count();
            (end > v && ends_well(end)).then(|| (&text[i..name_end], &text[v..end], end))
        }
        None => None,
    }
}

/// `^[^<]*+(?:<[^>]*+>[^<]*+)*+$`: every `<` is closed by a later `>`.
fn tags_closed(value: &str) -> bool {
    let b = value.as_bytes();
    let mut i = 0;
    while let Some(lt) = find_byte(b, i, b'<') {
        match find_byte(b, lt + 1, b'>') {
            Some(gt) => i = gt + 1,
            None => return false,
        }
    }
    true
}

/// PHP's `stripcslashes()`.
fn stripcslashes(s: &str) -> String {
    if !s.contains('\\') {
        return s.to_owned();
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'\\' || i + 1 >= b.len() {
            out.push(b[i]);
            i += 1;
            continue;
        }
        i += 1;
        let simple = match b[i] {
            b'n' => Some(b'\n'),
            b't' => Some(b'\t'),
            b'r' => Some(b'\r'),
            b'a' => Some(0x07),
            b'v' => Some(0x0B),
            b'b' => Some(0x08),
            b'f' => Some(0x0C),
            _ => None,
        };
        if let Some(c) = simple {
            out.push(c);
            i += 1;
        } else if b[i] == b'x' && b.get(i + 1).is_some_and(u8::is_ascii_hexdigit) {
            let digits = b[i + 1..].iter().take(2).take_while(|c| c.is_ascii_hexdigit()).count();
            let value = b[i + 1..i + 1 + digits]
                .iter()
                .fold(0u8, |acc, &c| acc.wrapping_mul(16).wrapping_add(hex_value(c)));
            out.push(value);
            i += 1 + digits;
        } else {
            let digits = b[i..].iter().take(3).take_while(|c| (b'0'..=b'7').contains(c)).count();
            if digits > 0 {
                let value = b[i..i + digits]
                    .iter()
                    .fold(0u8, |acc, &c| acc.wrapping_mul(8).wrapping_add(c - b'0'));
                out.push(value);
                i += digits;
            } else {
                out.push(b[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex_value(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        b'A'..=b'F' => c - b'A' + 10,
        _ => 0,
    }
}

/// `wp_parse_id_list()`: ids separated by commas or whitespace, `absint`ed,
/// deduplicated; zeros (which no post has) are dropped.
fn parse_id_list(list: &str) -> Vec<i64> {
    let mut ids = Vec::new();
    for token in list.split(|c: char| c == ',' || c.is_ascii_whitespace()) {
        let id = php_intval(token).saturating_abs();
        if id != 0 && !ids.contains(&id) {
            ids.push(id);
        }
    }
    ids
}

// ---------------------------------------------------------------------------
// Blocks and markers
// ---------------------------------------------------------------------------

/// A block delimiter comment: `<!-- wp:name {…} -->`, `<!-- /wp:name -->`
/// or `<!-- wp:name {…} /-->`.
struct Delimiter<'a> {
    end: usize,
    name: &'a str,
    closer: bool,
    void: bool,
}

/// Matches a block delimiter at `start` (which must be `<!--`), following
/// the block parser's grammar, leniently about the spaces.
fn parse_delimiter(text: &str, start: usize) -> Option<Delimiter<'_>> {
    let b = text.as_bytes();
    if !b[start..].starts_with(b"<!--") {
        return None;
    }
    let mut i = skip_ws(b, start + 4);
    if i == start + 4 {
        return None;
    }
    let closer = b.get(i) == Some(&b'/');
    if closer {
        i += 1;
    }
    if !b[i..].starts_with(b"wp:") {
        return None;
    }
    let name_start = i + 3;
    i = block_name_part(b, name_start)?;
    if b.get(i) == Some(&b'/') && b.get(i + 1).is_some_and(u8::is_ascii_lowercase) {
        i = block_name_part(b, i + 1)?;
    }
    let name = &text[name_start..i];
    let close = find_bytes(b, i, b"-->")?;
    let middle = &text[i..close];
    if !(middle.is_empty() || middle == "/" || middle.starts_with(|c: char| c.is_ascii_whitespace())) {
        return None;
    }
    let middle = middle.trim();
    let void = middle.ends_with('/');
    let attrs = middle.trim_end_matches('/').trim_end();
    if !(attrs.is_empty() || (attrs.starts_with('{') && attrs.ends_with('}'))) {
        return None;
    }
    Some(Delimiter {
        end: close + 3,
        name,
        closer,
        void,
    })
}

/// `[a-z][a-z0-9_-]*` at `i`; where it ends.
fn block_name_part(b: &[u8], i: usize) -> Option<usize> {
    if !b.get(i)?.is_ascii_lowercase() {
        return None;
    }
    let len = b[i..]
        .iter()
        .take_while(|&&c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'_' || c == b'-')
        .count();
    Some(i + len)
}

fn is_shortcode_block(name: &str) -> bool {
    name == "shortcode" || name == "core/shortcode"
}

/// The `core/shortcode` block renders its content through wpautop.
fn autop_shortcode_blocks(text: &str) -> String {
    if !text.contains("wp:shortcode") && !text.contains("wp:core/shortcode") {
        return text.to_owned();
    }
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut i = 0;
    while let Some(p) = find_bytes(b, i, b"<!--") {
        let Some(open) = parse_delimiter(text, p) else {
            i = p + 4;
            continue;
        };
        i = open.end;
        if open.closer || open.void || !is_shortcode_block(open.name) {
            continue;
        }
        let mut j = open.end;
        while let Some(q) = find_bytes(b, j, b"<!--") {
            match parse_delimiter(text, q) {
                Some(close) if close.closer && is_shortcode_block(close.name) => {
                    out.push_str(&text[copied..open.end]);
                    out.push_str(&wpautop(&text[open.end..q]));
                    copied = q;
                    i = q;
                    break;
                }
                Some(other) => j = other.end,
                None => j = q + 4,
            }
        }
    }
    out.push_str(&text[copied..]);
    out
}

/// The end of a `<!--more…-->`, `<!--noteaser-->` or `<!--nextpage-->`
/// marker starting at `i`.
fn marker_end(b: &[u8], i: usize) -> Option<usize> {
    let rest = &b[i..];
    if rest.starts_with(b"<!--more") {
        return find_bytes(b, i + 8, b"-->").map(|p| p + 3);
    }
    [&b"<!--noteaser-->"[..], b"<!--nextpage-->"]
        .into_iter()
        .find(|marker| rest.starts_with(marker))
        .map(|marker| i + marker.len())
}

/// Removes block delimiters and more/nextpage markers from block content.
/// A line left empty by the removal goes too, and so does a blank line it
/// would leave doubled, so that the HTML keeps the blocks' own layout.
fn strip_block_comments(text: &str) -> String {
    let b = text.as_bytes();
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while let Some(p) = find_bytes(b, i, b"<!--") {
        if let Some(delimiter) = parse_delimiter(text, p) {
            ranges.push((p, delimiter.end));
            i = delimiter.end;
        } else if let Some(end) = marker_end(b, p) {
            ranges.push((p, end));
            i = end;
        } else {
            i = find_bytes(b, p + 4, b"-->").map_or(b.len(), |e| e + 3);
        }
    }
    if ranges.is_empty() {
        return text.to_owned();
    }

    let mut out = String::with_capacity(text.len());
    let mut first_range = 0;
    let mut line_start = 0;
    let mut last_blank = true;
    let mut dropped = false;
    loop {
        let line_end = find_byte(b, line_start, b'\n').unwrap_or(b.len());
        while first_range < ranges.len() && ranges[first_range].1 <= line_start {
            first_range += 1;
        }
        let mut kept = String::new();
        let mut removed = false;
        let mut pos = line_start;
        for &(start, end) in ranges[first_range..].iter().take_while(|(start, _)| *start < line_end) {
            removed = true;
            if start > pos {
                kept.push_str(&text[pos..start]);
            }
            pos = pos.max(end);
        }
        if pos < line_end {
            kept.push_str(&text[pos..line_end]);
        }
        let blank = kept.trim().is_empty();
        if removed && blank {
            dropped = true;
        } else if !(blank && last_blank && dropped) {
            out.push_str(&kept);
            if line_end < b.len() {
                out.push('\n');
            }
            last_blank = blank;
            dropped = false;
        }
        if line_end >= b.len() {
            break;
        }
        line_start = line_end + 1;
    }
    out
}

/// Removes `<!--more-->` (with its optional text), `<!--noteaser-->` and
/// `<!--nextpage-->`, with the paragraph wpautop may have made for them.
fn remove_more_markers(text: &str) -> String {
    if !text.contains("<!--") {
        return text.to_owned();
    }
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut i = 0;
    while let Some(p) = find_bytes(b, i, b"<!--") {
        let Some(end) = marker_end(b, p) else {
            i = p + 4;
            continue;
        };
        out.push_str(&text[copied..p]);
        let mut next = end;
        if out.ends_with("<p>") {
            if b[end..].starts_with(b"</p>") {
                out.truncate(out.len() - 3);
                next = end + 4;
                if b.get(next) == Some(&b'\n') {
                    next += 1;
                }
            } else if b[end..].starts_with(b"<br />\n") {
                next = end + 7;
            }
        }
        copied = next;
        i = next;
    }
    out.push_str(&text[copied..]);
    out
}

/// Splits classic content into pages the way `setup_postdata()` does.
fn split_pages(text: &str) -> Vec<String> {
    const NEXTPAGE: &str = "<!--nextpage-->";
    if !text.contains(NEXTPAGE) {
        return vec![text.to_owned()];
    }
    let text = text
        .replace("\n<!--nextpage-->\n", NEXTPAGE)
        .replace("\n<!--nextpage-->", NEXTPAGE)
        .replace("<!--nextpage-->\n", NEXTPAGE);
    let text = text.strip_prefix(NEXTPAGE).unwrap_or(&text);
    text.split(NEXTPAGE).map(str::to_owned).collect()
}

// ---------------------------------------------------------------------------
// wpautop
// ---------------------------------------------------------------------------

/// The block-level elements of wpautop's `$allblocks` (current WordPress,
/// where `math` is no longer one: it is kept inline, its newlines untouched).
const BLOCKS: [&str; 46] = [
    "table",
    "thead",
    "tfoot",
    "caption",
    "col",
    "colgroup",
    "tbody",
    "tr",
    "td",
    "th",
    "div",
    "dl",
    "dd",
    "dt",
    "ul",
    "ol",
    "li",
    "pre",
    "form",
    "map",
    "area",
    "blockquote",
    "address",
    "style",
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "fieldset",
    "legend",
    "section",
    "article",
    "aside",
    "hgroup",
    "header",
    "footer",
    "nav",
    "figure",
    "figcaption",
    "details",
    "menu",
    "summary",
];

/// The tags before which wpautop drops a `<br />`.
const BR_BEFORE: [&str; 11] = ["p", "li", "div", "dl", "dd", "dt", "th", "pre", "td", "ul", "ol"];

/// A port of WordPress's `wpautop()` (with `$br = true`), step by step; the
/// comments quote the original's.
fn wpautop(input: &str) -> String {
    if php_trim(input).is_empty() {
        return String::new();
    }
    // "Just to make things a little easier, pad the end."
    let mut text = format!("{input}\n");

    // "Pre tags shouldn't be touched by autop."
    let mut pre_tags: Vec<String> = Vec::new();
    if text.contains("<pre") {
        let mut rebuilt = String::with_capacity(text.len());
        let parts: Vec<&str> = text.split("</pre>").collect();
        if let Some((last, parts)) = parts.split_last() {
            for part in parts {
                match part.find("<pre") {
                    // "Malformed HTML?"
                    None => rebuilt.push_str(part),
                    Some(start) => {
                        rebuilt.push_str(&part[..start]);
                        rebuilt.push_str(&format!("{PRE_PLACEHOLDER}{}></pre>", pre_tags.len()));
                        pre_tags.push(format!("{}</pre>", &part[start..]));
                    }
                }
            }
            rebuilt.push_str(last);
        }
        text = rebuilt;
    }

    // "Change multiple <br>'s into two line breaks, which will turn into paragraphs."
    let t = &text;
    text = replace_all(t, |b, i| {
        let first = br_tag_end(b, i)?;
        let second = br_tag_end(b, skip_ws(b, first))?;
        Some((second, "\n\n".to_owned()))
    });

    // "Add a double line break above block-level opening tags."
    text = replace_all(&text, |b, i| {
        let follows = |c: Option<&u8>| c.is_some_and(|&c| is_ws(c) || c == b'/' || c == b'>');
        let opening = b[i] == b'<'
            && BLOCKS
                .iter()
                .any(|name| b[i + 1..].starts_with(name.as_bytes()) && follows(b.get(i + 1 + name.len())));
        opening.then(|| (i + 1, "\n\n<".to_owned()))
    });

    // "Add a double line break below block-level closing tags."
    let t = &text;
    text = replace_all(t, |b, i| {
        if !b[i..].starts_with(b"</") {
            return None;
        }
        let name = BLOCKS
            .iter()
            .find(|name| b[i + 2..].starts_with(name.as_bytes()) && b.get(i + 2 + name.len()) == Some(&b'>'))?;
        let end = i + 3 + name.len();
        Some((end, format!("{}\n\n", &t[i..end])))
    });

    // "Add a double line break after hr tags, which are self closing."
    let t = &text;
    text = replace_all(t, |b, i| {
        if !b[i..].starts_with(b"<hr") {
            return None;
        }
        let mut j = skip_ws(b, i + 3);
        if b.get(j) == Some(&b'/') {
            j += 1;
        }
        (b.get(j) == Some(&b'>')).then(|| (j + 1, format!("{}\n\n", &t[i..=j])))
    });

    // "Standardize newline characters" was done by the caller.
    // "Find newlines in all elements and add placeholders."
    text = replace_newlines_in_tags(&text);

    // "Collapse line breaks before and after <option> elements so they don't get autop'd."
    if text.contains("<option") {
        text = replace_all(&text, |b, i| {
            let j = skip_ws(b, i);
            b[j..].starts_with(b"<option").then(|| (j + 7, "<option".to_owned()))
        });
        text = replace_all(&text, |b, i| {
            b[i..]
                .starts_with(b"</option>")
                .then(|| (skip_ws(b, i + 9), "</option>".to_owned()))
        });
    }

    // "Collapse line breaks inside <object> elements, before <param> and <embed> elements."
    if text.contains("</object>") {
        let t = &text;
        text = replace_all(t, |b, i| {
            if !b[i..].starts_with(b"<object") {
                return None;
            }
            let gt = find_byte(b, i + 7, b'>')?;
            Some((skip_ws(b, gt + 1), t[i..=gt].to_owned()))
        });
        text = replace_all(&text, |b, i| {
            let j = skip_ws(b, i);
            b[j..]
                .starts_with(b"</object>")
                .then(|| (j + 9, "</object>".to_owned()))
        });
        let t = &text;
        text = replace_all(t, |b, i| {
            let j = skip_ws(b, i);
            if b.get(j) != Some(&b'<') {
                return None;
            }
            let k = if b.get(j + 1) == Some(&b'/') { j + 2 } else { j + 1 };
            if !(b[k..].starts_with(b"param") || b[k..].starts_with(b"embed")) {
                return None;
            }
            let gt = find_byte(b, k, b'>')?;
            Some((skip_ws(b, gt + 1), t[j..=gt].to_owned()))
        });
    }

    // "Collapse line breaks inside <audio> and <video> elements, before and
    // after <source> and <track> elements."
    if text.contains("<source") || text.contains("<track") {
        let t = &text;
        text = replace_all(t, |b, i| {
            if !matches!(b[i], b'<' | b'[') || !(b[i + 1..].starts_with(b"audio") || b[i + 1..].starts_with(b"video")) {
                return None;
            }
            let close = i + 6 + b[i + 6..].iter().position(|&c| c == b'>' || c == b']')?;
            Some((skip_ws(b, close + 1), t[i..=close].to_owned()))
        });
        let t = &text;
        text = replace_all(t, |b, i| {
            let j = skip_ws(b, i);
            let tag = b.get(j..j + 8)?;
            let matched = matches!(tag[0], b'<' | b'[')
                && tag[1] == b'/'
                && (tag[2..7] == *b"audio" || tag[2..7] == *b"video")
                && matches!(tag[7], b'>' | b']');
            matched.then(|| (j + 8, t[j..j + 8].to_owned()))
        });
        let t = &text;
        text = replace_all(t, |b, i| {
            let j = skip_ws(b, i);
            if !(b[j..].starts_with(b"<source") || b[j..].starts_with(b"<track")) {
                return None;
            }
            let gt = find_byte(b, j, b'>')?;
            Some((skip_ws(b, gt + 1), t[j..=gt].to_owned()))
        });
    }

    // "Collapse line breaks before and after <figcaption> elements."
    if text.contains("<figcaption") {
        let t = &text;
        text = replace_all(t, |b, i| {
            let j = skip_ws(b, i);
            if !b[j..].starts_with(b"<figcaption") {
                return None;
            }
            let gt = find_byte(b, j, b'>')?;
            Some((gt + 1, t[j..=gt].to_owned()))
        });
        text = replace_all(&text, |b, i| {
            b[i..]
                .starts_with(b"</figcaption>")
                .then(|| (skip_ws(b, i + 13), "</figcaption>".to_owned()))
        });
    }

    // "Split up the contents into an array of strings, separated by double
    // line breaks", then "rebuild the content as a string, wrapping every
    // bit with a <p>".
    let mut rebuilt = String::with_capacity(text.len() + 64);
    for paragraph in split_paragraphs(&text) {
        rebuilt.push_str("<p>");
        rebuilt.push_str(paragraph.trim_matches('\n'));
        rebuilt.push_str("</p>\n");
    }
    text = rebuilt;

    // "Under certain strange conditions it could create a P of entirely whitespace."
    text = replace_all(&text, |b, i| {
        if !b[i..].starts_with(b"<p>") {
            return None;
        }
        let j = skip_ws(b, i + 3);
        b[j..].starts_with(b"</p>").then(|| (j + 4, String::new()))
    });

    // "Add a closing <p> inside <div>, <address>, or <form> tag if missing."
    let t = &text;
    text = replace_all(t, |b, i| {
        if !b[i..].starts_with(b"<p>") {
            return None;
        }
        let lt = find_byte(b, i + 3, b'<')?;
        if lt == i + 3 {
            return None;
        }
        let tag = ["div", "address", "form"].into_iter().find(|tag| {
            b[lt..].starts_with(b"</")
                && b[lt + 2..].starts_with(tag.as_bytes())
                && b.get(lt + 2 + tag.len()) == Some(&b'>')
        })?;
        Some((lt + 3 + tag.len(), format!("<p>{}</p></{tag}>", &t[i + 3..lt])))
    });

    // "If an opening or closing block element tag is wrapped in a <p>, unwrap it."
    let t = &text;
    text = replace_all(t, |b, i| {
        if !b[i..].starts_with(b"<p>") {
            return None;
        }
        let tag = skip_ws(b, i + 3);
        let tag_end = block_tag_end(b, tag, &BLOCKS)?;
        let close = skip_ws(b, tag_end);
        b[close..]
            .starts_with(b"</p>")
            .then(|| (close + 4, t[tag..tag_end].to_owned()))
    });

    // "In some cases <li> may get wrapped in <p>, fix them."
    let t = &text;
    text = replace_all(t, |b, i| {
        if !b[i..].starts_with(b"<p><li") {
            return None;
        }
        let close = find_bytes(b, i + 7, b"</p>")?;
        (!b[i + 6..close].contains(&b'\n')).then(|| (close + 4, t[i + 3..close].to_owned()))
    });

    // "If a <blockquote> is wrapped with a <p>, move it inside the <blockquote>."
    let t = &text;
    text = replace_all(t, |b, i| {
        if !starts_with_ci(&b[i..], b"<p><blockquote") {
            return None;
        }
        let gt = find_byte(b, i + 14, b'>')?;
        Some((gt + 1, format!("<blockquote{}><p>", &t[i + 14..gt])))
    });
    text = text.replace("</blockquote></p>", "</p></blockquote>");

    // "If an opening or closing block element tag is preceded by an opening <p> tag, remove it."
    let t = &text;
    text = replace_all(t, |b, i| {
        if !b[i..].starts_with(b"<p>") {
            return None;
        }
        let tag = skip_ws(b, i + 3);
        let tag_end = block_tag_end(b, tag, &BLOCKS)?;
        Some((tag_end, t[tag..tag_end].to_owned()))
    });

    // "If an opening or closing block element tag is followed by a closing <p> tag, remove it."
    let t = &text;
    text = replace_all(t, |b, i| {
        let tag_end = block_tag_end(b, i, &BLOCKS)?;
        let close = skip_ws(b, tag_end);
        b[close..]
            .starts_with(b"</p>")
            .then(|| (close + 4, t[i..tag_end].to_owned()))
    });

    // "Replace newlines that shouldn't be touched with a placeholder."
    let t = &text;
    text = replace_all(t, |b, i| {
        if b[i] != b'<' {
            return None;
        }
        let name = ["script", "style", "svg", "math"]
            .into_iter()
            .find(|name| b[i + 1..].starts_with(name.as_bytes()))?;
        let closing = format!("</{name}>");
        let end = find_bytes(b, i + 1 + name.len(), closing.as_bytes())? + closing.len();
        Some((end, t[i..end].replace('\n', "<WPPreserveNewline />")))
    });

    // "Normalize <br>"
    text = text.replace("<br>", "<br />").replace("<br/>", "<br />");

    // "Replace any new line characters that aren't preceded by a <br /> with a <br />."
    text = replace_all(&text, |b, i| {
        if !is_ws(b[i]) {
            return None;
        }
        // `(?<!<br />)\s*\n`: where the look-behind fails, the match may
        // still start one character later.
        let start = if b[..i].ends_with(b"<br />") { i + 1 } else { i };
        let run_end = skip_ws(b, start);
        let last_newline = start + b.get(start..run_end)?.iter().rposition(|&c| c == b'\n')?;
        let mut replacement = String::new();
        if start > i {
            replacement.push(char::from(b[i]));
        }
        replacement.push_str("<br />\n");
        Some((last_newline + 1, replacement))
    });

    // "Replace newline placeholders with newlines."
    text = text.replace("<WPPreserveNewline />", "\n");

    // "If a <br /> tag is after an opening or closing block tag, remove it."
    let t = &text;
    text = replace_all(t, |b, i| {
        let tag_end = block_tag_end(b, i, &BLOCKS)?;
        let br = skip_ws(b, tag_end);
        b[br..]
            .starts_with(b"<br />")
            .then(|| (br + 6, t[i..tag_end].to_owned()))
    });

    // "If a <br /> tag is before a subset of opening or closing block tags, remove it."
    let t = &text;
    text = replace_all(t, |b, i| {
        if !b[i..].starts_with(b"<br />") {
            return None;
        }
        let tag = skip_ws(b, i + 6);
        let tag_end = block_tag_end(b, tag, &BR_BEFORE)?;
        Some((tag_end, t[i + 6..tag_end].to_owned()))
    });

    // `\n</p>$`, where `$` also matches before a final newline.
    if text.ends_with("\n</p>\n") {
        let cut = text.len() - "\n</p>\n".len();
        text.replace_range(cut.., "</p>\n");
    } else if text.ends_with("\n</p>") {
        let cut = text.len() - "\n</p>".len();
        text.replace_range(cut.., "</p>");
    }

    // "Replace placeholder <pre> tags with their original content."
    if !pre_tags.is_empty() {
        text = restore_pre_tags(&text, &pre_tags);
    }

    // "Restore newlines in all elements."
    if text.contains("<!-- wpnl -->") {
        text = text.replace(" <!-- wpnl --> ", "\n").replace("<!-- wpnl -->", "\n");
    }

    text
}

/// How wpautop marks a `<pre>` it set aside: `<pre wp-pre-tag-N></pre>`.
const PRE_PLACEHOLDER: &str = "<pre wp-pre-tag-";

/// Puts the set-aside `<pre>` elements back, in one pass over the text
/// (one `replace` per element made a page of many code blocks quadratic).
fn restore_pre_tags(text: &str, originals: &[String]) -> String {
    let mut out = String::with_capacity(text.len() + originals.iter().map(String::len).sum::<usize>());
    let mut rest = text;
    while let Some(at) = rest.find(PRE_PLACEHOLDER) {
        out.push_str(&rest[..at]);
        let after = &rest[at + PRE_PLACEHOLDER.len()..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        let original = after[..digits]
            .parse::<usize>()
            .ok()
            .and_then(|n| originals.get(n))
            .filter(|_| after[digits..].starts_with("></pre>"));
        match original {
            Some(original) => {
                out.push_str(original);
                rest = &after[digits + "></pre>".len()..];
            }
            None => {
                out.push_str(PRE_PLACEHOLDER);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// `<br\s*/?>` at `i`; where it ends.
fn br_tag_end(b: &[u8], i: usize) -> Option<usize> {
    if !b[i..].starts_with(b"<br") {
        return None;
    }
    let mut j = skip_ws(b, i + 3);
    if b.get(j) == Some(&b'/') {
        j += 1;
    }
    (b.get(j) == Some(&b'>')).then_some(j + 1)
}

/// `</?(?:names)[^>]*>` at `i` (names match as prefixes, as in the regex);
/// where it ends.
fn block_tag_end(b: &[u8], i: usize, names: &[&str]) -> Option<usize> {
    if b.get(i) != Some(&b'<') {
        return None;
    }
    let name = if b.get(i + 1) == Some(&b'/') { i + 2 } else { i + 1 };
    if !names.iter().any(|n| b[name..].starts_with(n.as_bytes())) {
        return None;
    }
    find_byte(b, name, b'>').map(|gt| gt + 1)
}

/// `wp_replace_in_html_tags( $text, array( "\n" => ' <!-- wpnl --> ' ) )`,
/// with elements found as `wp_html_split()` finds them.
fn replace_newlines_in_tags(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while let Some(lt) = find_byte(b, i, b'<') {
        out.push_str(&text[i..lt]);
        let end = html_element_end(b, lt);
        out.push_str(&text[lt..end].replace('\n', " <!-- wpnl --> "));
        i = end;
    }
    out.push_str(&text[i..]);
    out
}

/// The end of the element `wp_html_split()` finds at `lt`: a comment up to
/// `-->`, a CDATA section up to `]]>`, otherwise up to the next `>` (each to
/// the end of the text when unterminated).
fn html_element_end(b: &[u8], lt: usize) -> usize {
    let rest = &b[lt..];
    if rest.starts_with(b"<!--") {
        find_bytes(b, lt + 2, b"-->").map_or(b.len(), |p| p + 3)
    } else if rest.starts_with(b"<![CDATA[") {
        find_bytes(b, lt + 9, b"]]>").map_or(b.len(), |p| p + 3)
    } else {
        find_byte(b, lt + 1, b'>').map_or(b.len(), |p| p + 1)
    }
}

/// `preg_split( '/\n\s*\n/', $text, -1, PREG_SPLIT_NO_EMPTY )`.
fn split_paragraphs(text: &str) -> Vec<&str> {
    let b = text.as_bytes();
    let mut pieces = Vec::new();
    let mut piece_start = 0;
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\n' {
            let run_end = skip_ws(b, i);
            let last_newline = i + b[i..run_end].iter().rposition(|&c| c == b'\n').unwrap_or(0);
            if last_newline > i {
                pieces.push(&text[piece_start..i]);
                piece_start = last_newline + 1;
                i = last_newline + 1;
                continue;
            }
        }
        i += 1;
    }
    pieces.push(&text[piece_start..]);
    pieces.retain(|piece| !piece.is_empty());
    pieces
}

// ---------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------

/// Scans `text` left to right like `preg_replace`: at each position the
/// matcher may return where its match ends and what replaces it; otherwise
/// the byte is kept. Matchers only match at ASCII bytes, so the output stays
/// valid UTF-8.
fn replace_all(text: &str, mut matcher: impl FnMut(&[u8], usize) -> Option<(usize, String)>) -> String {
    let b = text.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match matcher(b, i) {
            Some((end, replacement)) if end > i => {
                out.extend_from_slice(replacement.as_bytes());
                i = end;
            }
            _ => {
                out.push(b[i]);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned())
}

/// PCRE's `\s`.
fn is_ws(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0B | 0x0C)
}

/// PCRE's `[\w-]` outside UTF mode.
fn is_word(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'-'
}

fn skip_ws(b: &[u8], i: usize) -> usize {
    i + b
        .get(i..)
        .map_or(0, |rest| rest.iter().take_while(|&&c| is_ws(c)).count())
}

fn find_byte(b: &[u8], from: usize, needle: u8) -> Option<usize> {
    b.get(from..)?.iter().position(|&c| c == needle).map(|p| p + from)
}

fn find_bytes(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    b.get(from..)?
        .windows(needle.len())
        .position(|window| window == needle)
        .map(|p| p + from)
}

fn starts_with_ci(haystack: &[u8], prefix: &[u8]) -> bool {
    haystack.len() >= prefix.len() && haystack[..prefix.len()].eq_ignore_ascii_case(prefix)
}

/// PHP's `trim()` with its default characters.
fn php_trim(s: &str) -> &str {
    s.trim_matches(|c| matches!(c, ' ' | '\t' | '\n' | '\r' | '\0' | '\x0B'))
}

/// PHP's `empty()` for a string.
fn php_empty(s: &str) -> bool {
    s.is_empty() || s == "0"
}

/// PHP's `(int)` cast of a string: leading whitespace, sign, digits.
fn php_intval(s: &str) -> i64 {
    let s = s.trim_start_matches([' ', '\t', '\n', '\r', '\x0B', '\x0C']);
    let (negative, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let value = digits.bytes().take_while(u8::is_ascii_digit).fold(0i64, |acc, d| {
        acc.saturating_mul(10).saturating_add(i64::from(d - b'0'))
    });
    if negative { -value } else { value }
}

/// Escapes text for an HTML attribute value or text node.
fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup(id: i64) -> Option<Attachment> {
        let attachment = |url: &str, alt: &str, caption: &str| Attachment {
            url: url.to_owned(),
            alt: alt.to_owned(),
            caption: caption.to_owned(),
        };
        match id {
            10 => Some(attachment("https://example.com/a.jpg", "First", "A caption")),
            16 => Some(attachment("https://example.com/b.jpg?x=1&y=2", "Say \"cheese\"", "")),
            22 => Some(attachment("https://example.com/c.jpg", "", "<b>&</b>")),
            _ => None,
        }
    }

    fn no_attachments(_: i64) -> Option<Attachment> {
        None
    }

    fn html(content: &str) -> String {
        convert(content, &lookup).html
    }

    const FIXTURE: &str = r#"<!-- wp:paragraph -->
<p>That matters because nobody outside the department has seen the data.</p>
<!-- /wp:paragraph -->

<!-- wp:more -->
<!--more-->
<!-- /wp:more -->

<!-- wp:image {"id":4,"sizeSlug":"large","linkDestination":"none"} -->
<figure class="wp-block-image size-large"><img src="http://127.0.0.1:8081/wp-content/uploads/2023/01/small-photo-001-1024x576.jpg" alt="Street scene in North Harrow" class="wp-image-4"/><figcaption class="wp-element-caption">A street in North Harrow.</figcaption></figure>
<!-- /wp:image -->

<!-- wp:quote -->
<blockquote class="wp-block-quote"><!-- wp:paragraph -->
<p>If the plan is sound, publish the data.</p>
<!-- /wp:paragraph --><cite>Dmitri Okafor</cite></blockquote>
<!-- /wp:quote -->

<!-- wp:shortcode -->
[gallery ids="10,16,22" columns="3" size="medium"]
<!-- /wp:shortcode -->"#;

    // ----- block content -----

    #[test]
    fn block_fixture_loses_comments_and_keeps_blocks() {
        let converted = convert(FIXTURE, &lookup);
        let expected = concat!(
            "<p>That matters because nobody outside the department has seen the data.</p>\n",
            "\n",
            "<figure class=\"wp-block-image size-large\"><img src=\"http://127.0.0.1:8081/wp-content/uploads/",
            "2023/01/small-photo-001-1024x576.jpg\" alt=\"Street scene in North Harrow\" class=\"wp-image-4\"/>",
            "<figcaption class=\"wp-element-caption\">A street in North Harrow.</figcaption></figure>\n",
            "\n",
            "<blockquote class=\"wp-block-quote\">\n",
            "<p>If the plan is sound, publish the data.</p>\n",
            "<cite>Dmitri Okafor</cite></blockquote>\n",
            "\n",
            "<figure class=\"gallery gallery-columns-3\">",
            "<figure class=\"gallery-item\"><img src=\"https://example.com/a.jpg\" alt=\"First\" loading=\"lazy\">",
            "<figcaption>A caption</figcaption></figure>",
            "<figure class=\"gallery-item\"><img src=\"https://example.com/b.jpg?x=1&amp;y=2\" ",
            "alt=\"Say &quot;cheese&quot;\" loading=\"lazy\"></figure>",
            "<figure class=\"gallery-item\"><img src=\"https://example.com/c.jpg\" alt=\"\" loading=\"lazy\">",
            "<figcaption>&lt;b&gt;&amp;&lt;/b&gt;</figcaption></figure>",
            "</figure>",
        );
        assert_eq!(converted.html, expected);
        assert!(!converted.html.contains("<!--"));
        assert!(converted.unknown_shortcodes.is_empty());
        assert!(!converted.unresolved_gallery);
    }

    #[test]
    fn block_content_is_not_autopd() {
        let content = "<!-- wp:html -->\nline one\nline two\n\nline three\n<!-- /wp:html -->";
        assert_eq!(html(content), "line one\nline two\n\nline three");
    }

    #[test]
    fn block_delimiters_of_every_form_are_removed() {
        let content = concat!(
            "<!-- wp:group {\"layout\":{\"type\":\"constrained\"}} -->\n",
            "<div class=\"wp-block-group\"><!-- wp:separator /-->\n",
            "<!-- wp:spacer {\"height\":\"20px\"} /-->\n",
            "<!-- wp:my-plugin/widget {\"a\":1} -->\n<p>Plugin block</p>\n<!-- /wp:my-plugin/widget --></div>\n",
            "<!-- /wp:group -->\n\n",
            "<!-- a normal comment -->",
        );
        assert_eq!(
            html(content),
            "<div class=\"wp-block-group\">\n<p>Plugin block</p>\n</div>\n\n<!-- a normal comment -->"
        );
    }

    #[test]
    fn block_pre_keeps_its_blank_lines() {
        let content = "<!-- wp:code -->\n<pre class=\"wp-block-code\"><code>a\n\n\n\nb</code></pre>\n<!-- /wp:code -->";
        assert_eq!(
            html(content),
            "<pre class=\"wp-block-code\"><code>a\n\n\n\nb</code></pre>"
        );
    }

    #[test]
    fn shortcode_block_with_gallery() {
        let content = "<!-- wp:shortcode -->\n[gallery ids=\"22\"]\n<!-- /wp:shortcode -->";
        assert_eq!(
            html(content),
            concat!(
                "<figure class=\"gallery gallery-columns-3\"><figure class=\"gallery-item\">",
                "<img src=\"https://example.com/c.jpg\" alt=\"\" loading=\"lazy\">",
                "<figcaption>&lt;b&gt;&amp;&lt;/b&gt;</figcaption></figure></figure>"
            )
        );
    }

    #[test]
    fn shortcode_block_with_unknown_shortcode_is_a_paragraph() {
        let content = "<!-- wp:shortcode -->\n[contact-form-7 id=\"5\" title=\"Contact\"]\n<!-- /wp:shortcode -->";
        let converted = convert(content, &lookup);
        assert_eq!(converted.html, "<p>[contact-form-7 id=\"5\" title=\"Contact\"]</p>");
        assert_eq!(converted.unknown_shortcodes, ["contact-form-7"]);
    }

    #[test]
    fn block_more_and_nextpage_are_removed() {
        let content = concat!(
            "<!-- wp:paragraph -->\n<p>One</p>\n<!-- /wp:paragraph -->\n\n",
            "<!-- wp:more {\"noTeaser\":true} -->\n<!--more Read on-->\n<!--noteaser-->\n<!-- /wp:more -->\n\n",
            "<!-- wp:nextpage -->\n<!--nextpage-->\n<!-- /wp:nextpage -->\n\n",
            "<!-- wp:paragraph -->\n<p>Two</p>\n<!-- /wp:paragraph -->",
        );
        assert_eq!(html(content), "<p>One</p>\n\n<p>Two</p>");
    }

    // ----- classic content: wpautop -----

    #[test]
    fn classic_paragraphs_and_line_breaks() {
        let content = "First line\nsecond line\n\nSecond paragraph.\n\n\n\nThird.";
        assert_eq!(
            html(content),
            "<p>First line<br />\nsecond line</p>\n<p>Second paragraph.</p>\n<p>Third.</p>"
        );
    }

    #[test]
    fn lists_and_headings_are_not_wrapped() {
        let content = "<h2>Title</h2>\nIntro text.\n<ul>\n<li>One</li>\n<li>Two</li>\n</ul>\nAfter.";
        assert_eq!(
            html(content),
            "<h2>Title</h2>\n<p>Intro text.</p>\n<ul>\n<li>One</li>\n<li>Two</li>\n</ul>\n<p>After.</p>"
        );
    }

    #[test]
    fn pre_is_preserved_exactly() {
        let code = "fn main() {\n\n    let a = 1;\n\n\n    <b>x</b>\n}\n";
        let content = format!("Look at this code\n\n<pre class=\"rust\">{code}</pre>\n\nCool, huh?");
        assert_eq!(
            html(&content),
            format!("<p>Look at this code</p>\n<pre class=\"rust\">{code}</pre>\n<p>Cool, huh?</p>")
        );
    }

    #[test]
    fn no_empty_paragraphs() {
        let content = "\n\n   \n\nText\n\n \t \n\n<div>\n\n</div>\n\n";
        let out = html(content);
        assert_eq!(out, "<p>Text</p>\n<div>\n</div>");
        assert!(!out.contains("<p></p>"));
        assert_eq!(html(" \n\t\n "), "");
    }

    #[test]
    fn crlf_input_is_normalised() {
        assert_eq!(
            html("One\r\ntwo\r\n\r\nThree\rfour"),
            "<p>One<br />\ntwo</p>\n<p>Three<br />\nfour</p>"
        );
    }

    #[test]
    fn newlines_inside_tags_are_not_breaks() {
        assert_eq!(
            html("A <a\nhref=\"x\">link</a> here\nand there"),
            "<p>A <a\nhref=\"x\">link</a> here<br />\nand there</p>"
        );
    }

    /// Cases from WordPress's own `wpautop` unit tests
    /// (tests/phpunit/tests/formatting/Functions_WpAutop_Test.php).
    #[test]
    fn wordpress_wpautop_tests() {
        let cases: &[(&str, &str)] = &[
            (
                "Look at this code\n\n<pre>Line1<br />Line2<br>Line3<br/>Line4\nActual Line 2\nActual Line 3</pre>\n\nCool, huh?",
                "<p>Look at this code</p>\n<pre>Line1<br />Line2<br>Line3<br/>Line4\nActual Line 2\nActual Line 3</pre>\n<p>Cool, huh?</p>",
            ),
            (
                "Username: <input type=\"text\" id=\"username\" name=\"username\" /><br />Password: <input type=\"password\" id=\"password1\" name=\"password1\" />",
                "<p>Username: <input type=\"text\" id=\"username\" name=\"username\" /><br />Password: <input type=\"password\" id=\"password1\" name=\"password1\" /></p>",
            ),
            (
                "<math><mrow><mi>a</mi></mrow></math>",
                "<p><math><mrow><mi>a</mi></mrow></math></p>",
            ),
            (
                "Country: <select id=\"state\" name=\"state\"><option value=\"1\">Alabama</option><option value=\"2\">Alaska</option></select>",
                "<p>Country: <select id=\"state\" name=\"state\"><option value=\"1\">Alabama</option><option value=\"2\">Alaska</option></select></p>",
            ),
            (
                "<math display=\"block\">\n\t<mtable>\n\t\t<mtr>\n\t\t\t<mtd><mi>a</mi></mtd>\n\t\t</mtr>\n\t</mtable>\n</math>",
                "<p><math display=\"block\">\n\t<mtable>\n\t\t<mtr>\n\t\t\t<mtd><mi>a</mi></mtd>\n\t\t</mtr>\n\t</mtable>\n</math></p>",
            ),
            ("<blockquote>foo</blockquote>", "<blockquote><p>foo</p></blockquote>"),
            (
                "\nline 1<br>\nline 2<br/>\nline 3<br />\nline 4\nline 5\n",
                "<p>line 1<br />\nline 2<br />\nline 3<br />\nline 4<br />\nline 5</p>",
            ),
            (
                "\nline 1<br>\n<br/>\nline 2<br/>\n<br />\n",
                "<p>line 1</p>\n<p>line 2</p>",
            ),
            ("a<div>b</div>", "<p>a</p>\n<div>b</div>"),
            (
                "<figure><img src=\"example.jpg\" /><figcaption>Caption</figcaption></figure>",
                "<figure><img src=\"example.jpg\" /><figcaption>Caption</figcaption></figure>",
            ),
            (
                "<figure>\n<img src=\"example.jpg\" />\n<figcaption>Caption</figcaption>\n</figure>",
                "<figure>\n<img src=\"example.jpg\" /><figcaption>Caption</figcaption></figure>",
            ),
            ("paragraph1<hr>paragraph2", "<p>paragraph1</p>\n<hr>\n<p>paragraph2</p>"),
            (
                "<script type=\"text/javascript\">\n\t\t\t\tvar dummy = 1;\n\t\t\t</script>",
                "<p><script type=\"text/javascript\">\n\t\t\t\tvar dummy = 1;\n\t\t\t</script></p>",
            ),
            (
                "<svg xmlns=\"http://www.w3.org/2000/svg\">\n\t<circle cx=\"50\" cy=\"50\" r=\"30\" fill=\"blue\"/>\n</svg>",
                "<p><svg xmlns=\"http://www.w3.org/2000/svg\">\n\t<circle cx=\"50\" cy=\"50\" r=\"30\" fill=\"blue\"/>\n</svg></p>",
            ),
            (
                "Paragraph one.\n\n<video class=\"v\" controls=\"controls\">\n\t<source type=\"video/mp4\" src=\"x.mp4\" />\n\t<!-- WebM -->\n\t<source type=\"video/webm\" src=\"x.webm\" />\n\t<track kind=\"subtitles\" src=\"s.srt\" />\n\t<a href=\"x.mp4\">x.mp4</a>\n</video>\n\nParagraph two.",
                "<p>Paragraph one.</p>\n<p><video class=\"v\" controls=\"controls\"><source type=\"video/mp4\" src=\"x.mp4\" /><!-- WebM --><source type=\"video/webm\" src=\"x.webm\" /><track kind=\"subtitles\" src=\"s.srt\" /><a href=\"x.mp4\">x.mp4</a></video></p>\n<p>Paragraph two.</p>",
            ),
            (
                "\nParagraph one.\n\n<object width=\"400\">\n\t<param name=\"src\" value=\"x.swf\" />\n\t<param name=\"a\" value=\"true\" />\n\n\t<embed width=\"400\" src=\"x.swf\" />\n</object>\n\nParagraph two.",
                "<p>Paragraph one.</p>\n<p><object width=\"400\"><param name=\"src\" value=\"x.swf\" /><param name=\"a\" value=\"true\" /><embed width=\"400\" src=\"x.swf\" /></object></p>\n<p>Paragraph two.</p>",
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(wpautop(input).trim(), *expected, "input: {input:?}");
        }

        let sanity: &[(&str, &str)] = &[
            ("Hello <a\nhref='world'>", "<p>Hello <a\nhref='world'></p>\n"),
            (
                "Hello <!-- a\nhref='world' -->",
                "<p>Hello <!-- a\nhref='world' --></p>\n",
            ),
            (
                "Hello <!-- <object>\n<param>\n<param>\n<embed>\n</embed>\n</object>\n -->",
                "<p>Hello <!-- <object>\n<param>\n<param>\n<embed>\n</embed>\n</object>\n --></p>\n",
            ),
            (
                "Hello <![CDATA[ a\nhttps://youtu.be/jgz0uSaOZbE\n ]]>",
                "<p>Hello <![CDATA[ a\nhttps://youtu.be/jgz0uSaOZbE\n ]]></p>\n",
            ),
            (
                "Hello <![CDATA[ <!-- a\nhttps://youtu.be/jgz0uSaOZbE\n a\n9 --> a\n9 ]]>",
                "<p>Hello <![CDATA[ <!-- a\nhttps://youtu.be/jgz0uSaOZbE\n a\n9 --> a\n9 ]]></p>\n",
            ),
        ];
        for (input, expected) in sanity {
            assert_eq!(wpautop(input), *expected, "input: {input:?}");
        }
    }

    #[test]
    fn wordpress_first_post() {
        let input = "\nWelcome to WordPress!  This post contains important information.\n\nFirst things first:\n<ul>\n<li><a href=\"%1$s\" title=\"Subscribe\">Subscribe</a></li>\n</ul>\nAs a subscriber, you will receive an email.\nWhen a new version is released, <a href=\"%2$s\">log in</a> and follow the instructions.\nUpgrading is a couple of clicks!\n\nThen you can start:\n<ul>\n<li>Edit at <a href=\"%3$s\">Users &#8250; Profile</a></li>\n<li>Start at <a href=\"%4$s\">Posts</a></li>\n</ul>\nTo keep this post, <a href=\"%11$s\">click</a>.\n\nThank you.\n";
        let expected = "<p>Welcome to WordPress!  This post contains important information.</p>\n<p>First things first:</p>\n<ul>\n<li><a href=\"%1$s\" title=\"Subscribe\">Subscribe</a></li>\n</ul>\n<p>As a subscriber, you will receive an email.<br />\nWhen a new version is released, <a href=\"%2$s\">log in</a> and follow the instructions.<br />\nUpgrading is a couple of clicks!</p>\n<p>Then you can start:</p>\n<ul>\n<li>Edit at <a href=\"%3$s\">Users &#8250; Profile</a></li>\n<li>Start at <a href=\"%4$s\">Posts</a></li>\n</ul>\n<p>To keep this post, <a href=\"%11$s\">click</a>.</p>\n<p>Thank you.</p>\n";
        assert_eq!(wpautop(input), expected);
    }

    #[test]
    fn wordpress_block_elements_are_blocks() {
        let blocks = BLOCKS
            .iter()
            .filter(|b| !matches!(**b, "blockquote" | "hr" | "figcaption"));
        let content: Vec<String> = blocks.clone().map(|b| format!("<{b}>foo</{b}>")).collect();
        assert_eq!(wpautop(&content.join("\n\n")).trim(), content.join("\n"));
        assert_eq!(wpautop(&content.concat()).trim(), content.join("\n"));
        let empty: Vec<String> = blocks.clone().map(|b| format!("<{b}/>")).collect();
        assert_eq!(wpautop(&empty.concat()).trim(), empty.join("\n"));
        let with_attrs: Vec<String> = blocks.map(|b| format!("<{b} attr='value'>foo</{b}>")).collect();
        assert_eq!(wpautop(&with_attrs.concat()).trim(), with_attrs.join("\n"));
    }

    #[test]
    fn wordpress_inline_elements_are_inline() {
        let inlines = [
            "a", "em", "strong", "small", "s", "cite", "q", "code", "sup", "span", "del", "select",
        ];
        let content: Vec<String> = inlines.iter().map(|i| format!("<{i}>foo</{i}>")).collect();
        let expected: Vec<String> = content.iter().map(|c| format!("<p>{c}</p>")).collect();
        assert_eq!(wpautop(&content.join("\n\n")).trim(), expected.join("\n"));
    }

    // ----- shortcodes -----

    #[test]
    fn caption_without_link() {
        let content = "[caption id=\"attachment_10\" align=\"alignright\" width=\"300\"]<img src=\"x.jpg\" alt=\"\" width=\"300\" height=\"200\" /> Caption text[/caption]\n\nNext.";
        assert_eq!(
            html(content),
            "<figure class=\"wp-caption alignright\"><img src=\"x.jpg\" alt=\"\" width=\"300\" height=\"200\" /><figcaption>Caption text</figcaption></figure>\n<p>Next.</p>"
        );
    }

    #[test]
    fn caption_with_link() {
        let content = "Before.\n\n[caption id=\"attachment_10\" align=\"aligncenter\" width=\"300\" class=\"wide\"]<a href=\"big.jpg\"><img class=\"size-medium\" src=\"x.jpg\" alt=\"A\" /></a> A <em>nice</em> view[/caption]";
        assert_eq!(
            html(content),
            "<p>Before.</p>\n<figure class=\"wp-caption aligncenter wide\"><a href=\"big.jpg\"><img class=\"size-medium\" src=\"x.jpg\" alt=\"A\" /></a><figcaption>A <em>nice</em> view</figcaption></figure>"
        );
    }

    #[test]
    fn caption_old_style_attribute_and_in_blocks() {
        let content = "<!-- wp:shortcode -->\n[caption align='alignleft' width=200 caption='Old <em>style</em>']<img src=\"y.jpg\" />[/caption]\n<!-- /wp:shortcode -->";
        assert_eq!(
            html(content),
            "<figure class=\"wp-caption alignleft\"><img src=\"y.jpg\" /><figcaption>Old <em>style</em></figcaption></figure>"
        );
    }

    #[test]
    fn caption_without_width_or_text_is_just_the_image() {
        assert_eq!(
            html("[caption align=\"alignright\"]<img src=\"x.jpg\" /> Text[/caption]"),
            "<img src=\"x.jpg\" />"
        );
        assert_eq!(
            html("[caption width=\"300\"]<img src=\"x.jpg\" />[/caption]"),
            "<img src=\"x.jpg\" />"
        );
    }

    #[test]
    fn gallery_with_resolved_ids() {
        let converted = convert(
            "Pictures:\n\n[gallery ids=\"10, 16\" columns=\"2\" link=\"none\"]\n\nThe end.",
            &lookup,
        );
        assert_eq!(
            converted.html,
            concat!(
                "<p>Pictures:</p>\n",
                "<figure class=\"gallery gallery-columns-2\">",
                "<figure class=\"gallery-item\"><img src=\"https://example.com/a.jpg\" alt=\"First\" loading=\"lazy\">",
                "<figcaption>A caption</figcaption></figure>",
                "<figure class=\"gallery-item\"><img src=\"https://example.com/b.jpg?x=1&amp;y=2\" ",
                "alt=\"Say &quot;cheese&quot;\" loading=\"lazy\"></figure>",
                "</figure>\n",
                "<p>The end.</p>",
            )
        );
        assert!(!converted.unresolved_gallery);
    }

    #[test]
    fn gallery_with_unresolved_ids() {
        let converted = convert("[gallery ids=\"99,10\"]", &lookup);
        assert_eq!(
            converted.html,
            "<figure class=\"gallery gallery-columns-3\"><figure class=\"gallery-item\"><img src=\"https://example.com/a.jpg\" alt=\"First\" loading=\"lazy\"><figcaption>A caption</figcaption></figure></figure>"
        );
        assert!(converted.unresolved_gallery);

        let converted = convert("<p>Before</p>\n[gallery ids=\"10,16\"]", &no_attachments);
        assert_eq!(converted.html, "<p>Before</p>");
        assert!(converted.unresolved_gallery);
    }

    #[test]
    fn gallery_without_ids() {
        let converted = convert("Intro\n\n[gallery columns=\"4\"]\n\nOutro", &lookup);
        assert_eq!(converted.html, "<p>Intro</p>\n\n<p>Outro</p>");
        assert!(converted.unresolved_gallery);
        assert!(converted.unknown_shortcodes.is_empty());
    }

    #[test]
    fn gallery_linked_to_files() {
        assert_eq!(
            html("[gallery ids=\"22\" link=\"file\"]"),
            "<figure class=\"gallery gallery-columns-3\"><figure class=\"gallery-item\"><a href=\"https://example.com/c.jpg\"><img src=\"https://example.com/c.jpg\" alt=\"\" loading=\"lazy\"></a><figcaption>&lt;b&gt;&amp;&lt;/b&gt;</figcaption></figure></figure>"
        );
    }

    #[test]
    fn unknown_shortcode_is_kept_and_reported_once() {
        let content = "[contact-form-7 id=\"5\" title=\"Contact\"]\n\nText [contact-form-7 id=\"6\"] and [su_box title='x']inside [gallery ids=\"10\"][/su_box].";
        let converted = convert(content, &lookup);
        assert_eq!(
            converted.html,
            concat!(
                "<p>[contact-form-7 id=\"5\" title=\"Contact\"]</p>\n",
                "<p>Text [contact-form-7 id=\"6\"] and [su_box title='x']inside ",
                "<figure class=\"gallery gallery-columns-3\"><figure class=\"gallery-item\">",
                "<img src=\"https://example.com/a.jpg\" alt=\"First\" loading=\"lazy\"><figcaption>A caption</figcaption>",
                "</figure></figure>[/su_box].</p>",
            )
        );
        assert_eq!(converted.unknown_shortcodes, ["contact-form-7", "su_box"]);
    }

    #[test]
    fn escaped_shortcodes_become_literal_text() {
        let converted = convert(
            "Type [[gallery ids=\"10\"]] or [[foo]] or [[caption]x[/caption]].",
            &lookup,
        );
        assert_eq!(
            converted.html,
            "<p>Type [gallery ids=\"10\"] or [foo] or [caption]x[/caption].</p>"
        );
        assert!(converted.unknown_shortcodes.is_empty());
        assert!(!converted.unresolved_gallery);
    }

    #[test]
    fn plain_brackets_are_not_shortcodes() {
        let converted = convert("A claim [1], a note [ note ], a list [a, b]? [2020] [-x] [].", &lookup);
        assert_eq!(
            converted.html,
            "<p>A claim [1], a note [ note ], a list [a, b]? [2020] [-x] [].</p>"
        );
        assert!(converted.unknown_shortcodes.is_empty());
        // `[citation needed]` has the shape of a shortcode called "citation".
        assert_eq!(
            convert("Fact [citation needed].", &lookup).unknown_shortcodes,
            ["citation"]
        );
    }

    #[test]
    fn brackets_in_markup_are_ignored() {
        let converted = convert(
            "<!--[if IE]><p>Old</p><![endif]-->\n<a title=\"[x]\" href=\"#\">y</a>",
            &lookup,
        );
        assert!(converted.unknown_shortcodes.is_empty(), "{converted:?}");
    }

    #[test]
    fn embed_becomes_a_link() {
        assert_eq!(
            html("Watch:\n\n[embed]https://www.youtube.com/watch?v=abc&amp;t=1[/embed]\n\nNice."),
            "<p>Watch:</p>\n<p><a href=\"https://www.youtube.com/watch?v=abc&amp;t=1\">https://www.youtube.com/watch?v=abc&amp;t=1</a></p>\n<p>Nice.</p>"
        );
        assert_eq!(
            html("<!-- wp:shortcode -->\n[embed]https://example.com/\"x\"[/embed]\n<!-- /wp:shortcode -->"),
            "<p><a href=\"https://example.com/&quot;x&quot;\">https://example.com/&quot;x&quot;</a></p>"
        );
        assert_eq!(
            html("<!-- wp:freeform -->\n[embed]https://example.com/[/embed]\n<!-- /wp:freeform -->"),
            "<p><a href=\"https://example.com/\">https://example.com/</a></p>"
        );
    }

    #[test]
    fn audio_and_video_become_links() {
        assert_eq!(
            html("[audio src=\"https://example.com/a.mp3?x=1&y=<2>\"]"),
            "<a href=\"https://example.com/a.mp3?x=1&amp;y=&lt;2&gt;\">https://example.com/a.mp3?x=1&amp;y=&lt;2&gt;</a>"
        );
        assert_eq!(
            html("Clip: [video width=\"640\" mp4=\"https://example.com/v.mp4\"][/video]"),
            "<p>Clip: <a href=\"https://example.com/v.mp4\">https://example.com/v.mp4</a></p>"
        );
        let converted = convert("[audio]", &lookup);
        assert_eq!(converted.html, "<p>[audio]</p>");
        assert_eq!(converted.unknown_shortcodes, ["audio"]);
    }

    #[test]
    fn shortcode_attribute_syntax() {
        let atts =
            parse_atts(r#" ids="1,2" Columns='3' size=medium "quoted" 'single' bare x="a\tb" y = "spaced" z='it\'s'"#);
        assert_eq!(atts.get("ids"), Some("1,2"));
        assert_eq!(atts.get("columns"), Some("3"));
        assert_eq!(atts.get("size"), Some("medium"));
        assert_eq!(atts.get("x"), Some("a\tb"));
        // As in WordPress, a backslash does not escape the quote.
        assert_eq!(atts.get("z"), None);
        assert_eq!(atts.get("y"), Some("spaced"));
        let positional: Vec<&str> = atts
            .pairs
            .iter()
            .filter(|(k, _)| k.is_none())
            .map(|(_, v)| v.as_str())
            .collect();
        assert_eq!(positional, ["quoted", "single", "bare", "z='it's'"]);
        assert_eq!(parse_atts("a=\"<b>ok</b>\" c=\"<unclosed\"").get("c"), Some(""));
        assert_eq!(parse_atts("a=\"<b>ok</b>\"").get("a"), Some("<b>ok</b>"));
        assert_eq!(stripcslashes(r"a\nb\x41\101\\\q"), "a\nbAA\\q");
    }

    #[test]
    fn self_closing_and_enclosing_forms() {
        assert_eq!(html("[gallery ids=\"22\" /]").matches("gallery-item").count(), 1);
        assert_eq!(html("[gallery ids=\"22\"/]").matches("gallery-item").count(), 1);
        assert_eq!(
            html("[gallery ids=\"22\"][/gallery]").matches("gallery-item").count(),
            1
        );
    }

    // ----- markers -----

    #[test]
    fn more_and_nextpage_are_removed_from_classic_content() {
        assert_eq!(
            html("Teaser.\n\n<!--more-->\n\nRest.\n<!--nextpage-->\nPage two.\n\n<!--nextpage-->Page three."),
            "<p>Teaser.</p>\n<p>Rest.</p>\n<p>Page two.</p>\n<p>Page three.</p>"
        );
        assert_eq!(
            html("Teaser.<!--more Read the rest-->\nRest."),
            "<p>Teaser.<br />\nRest.</p>"
        );
        assert_eq!(html("Teaser.\n\n<!--more-->\nRest."), "<p>Teaser.</p>\n<p>Rest.</p>");
        assert_eq!(html("<!--nextpage-->Only page."), "<p>Only page.</p>");
    }

    #[test]
    fn other_comments_are_kept() {
        assert_eq!(html("Text <!-- note --> more"), "<p>Text <!-- note --> more</p>");
    }

    #[test]
    fn non_ascii_text_survives() {
        let converted = convert("Ça va? [ünïcode x] — 日本語\n\n[gallery ids=\"10\"]", &lookup);
        assert!(
            converted
                .html
                .starts_with("<p>Ça va? [ünïcode x] — 日本語</p>\n<figure")
        );
        assert_eq!(converted.unknown_shortcodes, ["ünïcode"]);
    }
}
