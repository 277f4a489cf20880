//! A streaming WXR reader: it yields the site header, each author, each
//! category or tag, and each item (with its comments and meta) as soon as
//! its closing tag is read, so memory stays flat whatever the file size.
//!
//! Memory stays bounded whatever the file holds, too: a damaged or hostile
//! export (a gigabyte of whitespace in one text node, tags nested without
//! end, an item with millions of comments) stops the reading with an error
//! at its line instead of being held whole. The bounds are far above what
//! WordPress writes: its post bodies reach a few MB.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

/// The longest text kept from one element (a post body, a comment, a meta
/// value), once its entities are decoded.
pub const MAX_TEXT_BYTES: usize = 16 * 1024 * 1024;
/// The most one record (an item with its comments, meta and terms, an
/// author, a term) may hold in memory, counted as its texts plus the size
/// of each comment, meta and term entry: room for a 16 MB post with tens
/// of thousands of comments.
pub const MAX_RECORD_BYTES: usize = 128 * 1024 * 1024;
/// The deepest nesting of elements; WordPress's goes six deep.
pub const MAX_DEPTH: usize = 64;
/// The longest element name (WordPress's are under 30 bytes).
const MAX_NAME_BYTES: usize = 1024;
/// The most bytes one XML event (a text run, a CDATA section, a tag, a
/// comment) may take from the file: a kept text and room for markup.
const MAX_EVENT_BYTES: usize = MAX_TEXT_BYTES + 64 * 1024;

/// One thing read from the export.
#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    /// The channel's own fields (before the first author or item).
    Site(WxrSite),
    /// A `wp:author`.
    Author(WxrAuthor),
    /// A `wp:category`, `wp:tag` or `wp:term` of those taxonomies.
    Term(WxrTerm),
    /// An `item`: post, page, attachment or other post type.
    Item(Box<WxrItem>),
}

/// The channel header.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WxrSite {
    /// Site title.
    pub title: String,
    /// Site address.
    pub link: String,
    /// Tagline.
    pub description: String,
    /// `wp:wxr_version`.
    pub wxr_version: String,
    /// `wp:base_site_url`.
    pub base_site_url: String,
}

/// A `wp:author`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WxrAuthor {
    /// `wp:author_id`.
    pub id: i64,
    /// `wp:author_login`.
    pub login: String,
    /// `wp:author_email`.
    pub email: String,
    /// `wp:author_display_name`.
    pub display_name: String,
    /// `wp:author_first_name`.
    pub first_name: String,
    /// `wp:author_last_name`.
    pub last_name: String,
}

/// A category or tag.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WxrTerm {
    /// `wp:term_id`.
    pub id: i64,
    /// `category` or `post_tag`.
    pub taxonomy: String,
    /// Slug.
    pub slug: String,
    /// Name.
    pub name: String,
    /// Parent's slug (categories).
    pub parent: String,
    /// Description.
    pub description: String,
}

/// An item's `<category>` reference.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WxrItemTerm {
    /// `category` or `post_tag` (the `domain` attribute).
    pub domain: String,
    /// The term's slug (the `nicename` attribute).
    pub nicename: String,
    /// Its name (the element's text).
    pub name: String,
}

/// A `wp:comment`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WxrComment {
    /// `wp:comment_id`.
    pub id: i64,
    /// `wp:comment_author`.
    pub author: String,
    /// `wp:comment_author_email`.
    pub author_email: String,
    /// `wp:comment_author_url`.
    pub author_url: String,
    /// `wp:comment_author_IP`.
    pub author_ip: String,
    /// `wp:comment_date_gmt`.
    pub date_gmt: String,
    /// `wp:comment_date` (local).
    pub date: String,
    /// `wp:comment_content`.
    pub content: String,
    /// `wp:comment_approved`: `1`, `0`, `spam`, `trash`, `post-trashed`.
    pub approved: String,
    /// `wp:comment_type`: empty, `comment`, `pingback`, `trackback`.
    pub kind: String,
    /// `wp:comment_parent` (0 for none).
    pub parent: i64,
    /// `wp:comment_user_id` (0 for none).
    pub user_id: i64,
    /// `wp:comment_agent`, when exported.
    pub agent: String,
}

/// An `item`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WxrItem {
    /// `title`.
    pub title: String,
    /// `link`.
    pub link: String,
    /// `dc:creator`: the author's login.
    pub creator: String,
    /// `content:encoded`.
    pub content: String,
    /// `excerpt:encoded`.
    pub excerpt: String,
    /// `wp:post_id`.
    pub id: i64,
    /// `wp:post_date` (local).
    pub date: String,
    /// `wp:post_date_gmt`.
    pub date_gmt: String,
    /// `wp:post_modified_gmt`.
    pub modified_gmt: String,
    /// `wp:comment_status`.
    pub comment_status: String,
    /// `wp:post_name`.
    pub slug: String,
    /// `wp:status`.
    pub status: String,
    /// `wp:post_parent`.
    pub parent: i64,
    /// `wp:post_type`.
    pub post_type: String,
    /// `wp:post_password`.
    pub password: String,
    /// `wp:is_sticky`.
    pub sticky: bool,
    /// `wp:attachment_url`.
    pub attachment_url: String,
    /// `<category>` references.
    pub terms: Vec<WxrItemTerm>,
    /// `wp:postmeta` pairs.
    pub meta: Vec<(String, String)>,
    /// `wp:comment`s.
    pub comments: Vec<WxrComment>,
}

/// Why the file could not be read, with the place (line and column,
/// 1-based) where reading stopped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}, column {column}: {message}")]
pub struct WxrError {
    /// 1-based line.
    pub line: u64,
    /// 1-based column (in bytes).
    pub column: u64,
    /// What is wrong.
    pub message: String,
}

/// Counts the bytes taken from the file (compressed bytes for `.gz`), for
/// progress reports.
#[derive(Debug, Clone, Default)]
pub struct Progress(Arc<AtomicU64>);

impl Progress {
    /// Bytes read so far.
    pub fn bytes(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

struct Counting<R> {
    inner: R,
    count: Progress,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.0.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// The source as the XML reader sees it: each event may take at most
/// [`MAX_EVENT_BYTES`], after which reading fails, so no text run or tag is
/// ever buffered whole, however long it is.
struct Bounded<R> {
    inner: R,
    /// Bytes taken by the event being read.
    taken: usize,
    /// The last failure was this cap, not the file.
    overrun: bool,
}

impl<R: BufRead> Read for Bounded<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = {
            let available = self.fill_buf()?;
            let n = available.len().min(out.len());
            out[..n].copy_from_slice(&available[..n]);
            n
        };
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Bounded<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        let room = MAX_EVENT_BYTES.saturating_sub(self.taken);
        if room == 0 {
            self.overrun = true;
            return Err(io::Error::other("an XML event is too long"));
        }
        let available = self.inner.fill_buf()?;
        Ok(&available[..available.len().min(room)])
    }

    fn consume(&mut self, n: usize) {
        self.taken += n;
        self.inner.consume(n);
    }
}

/// Opens a WXR file, plain or gzip-compressed (detected from its first bytes).
pub fn open(path: &Path) -> std::io::Result<(WxrReader<Box<dyn BufRead + Send>>, Progress)> {
    let progress = Progress::default();
    let counting = Counting {
        inner: File::open(path)?,
        count: progress.clone(),
    };
    let mut buffered = BufReader::with_capacity(256 * 1024, counting);
    let gz = buffered.fill_buf()?.starts_with(&[0x1f, 0x8b]);
    let source: Box<dyn BufRead + Send> = if gz {
        Box::new(BufReader::with_capacity(
            256 * 1024,
            flate2::bufread::MultiGzDecoder::new(buffered),
        ))
    } else {
        Box::new(buffered)
    };
    Ok((WxrReader::new(source, Some(path.to_owned())), progress))
}

/// The reading buffer's usual size.
const BUF_CAPACITY: usize = 64 * 1024;

/// The streaming reader. Iterate it for [`Record`]s; after an error it ends.
pub struct WxrReader<R: BufRead> {
    xml: Reader<Bounded<R>>,
    path: Option<PathBuf>,
    buf: Vec<u8>,
    stack: Vec<String>,
    text: String,
    /// Where the text being gathered started.
    text_at: u64,
    /// What the record being read holds so far (see [`MAX_RECORD_BYTES`]).
    kept: usize,
    site: Option<WxrSite>,
    author: WxrAuthor,
    term: WxrTerm,
    item: WxrItem,
    item_term: WxrItemTerm,
    comment: WxrComment,
    meta: (String, String),
    saw_rss: bool,
    done: bool,
}

impl<R: BufRead> WxrReader<R> {
    /// Reads from any buffered source; `path` lets errors be located by line.
    pub fn new(source: R, path: Option<PathBuf>) -> Self {
        let mut xml = Reader::from_reader(Bounded {
            inner: source,
            taken: 0,
            overrun: false,
        });
        xml.config_mut().trim_text(false);
        Self {
            xml,
            path,
            buf: Vec::with_capacity(BUF_CAPACITY),
            stack: Vec::new(),
            text: String::new(),
            text_at: 0,
            kept: 0,
            site: Some(WxrSite::default()),
            author: WxrAuthor::default(),
            term: WxrTerm::default(),
            item: WxrItem::default(),
            item_term: WxrItemTerm::default(),
            comment: WxrComment::default(),
            meta: Default::default(),
            saw_rss: false,
            done: false,
        }
    }

    fn error(&self, offset: u64, message: impl Into<String>) -> WxrError {
        let (line, column) = self.path.as_deref().map_or((0, offset + 1), |p| locate(p, offset));
        WxrError {
            line,
            column,
            message: message.into(),
        }
    }

    fn inside(&self, name: &str) -> bool {
        self.stack.iter().any(|s| s == name)
    }

    /// Counts `bytes` against the record being read.
    fn charge(&mut self, bytes: usize, at: u64) -> Result<(), WxrError> {
        self.kept = self.kept.saturating_add(bytes);
        if self.kept > MAX_RECORD_BYTES {
            return Err(self.error(
                at,
                format!(
                    "the item, author or term being read here holds more than {} MiB (its text, comments, meta and \
                     terms together), more than byline imports at once; is the file damaged?",
                    MAX_RECORD_BYTES >> 20
                ),
            ));
        }
        Ok(())
    }

    /// Adds decoded text to the element's text, within [`MAX_TEXT_BYTES`].
    fn push_text(&mut self, text: &str, at: u64) -> Result<(), WxrError> {
        if self.text.is_empty() {
            self.text_at = at;
        }
        if self.text.len() + text.len() > MAX_TEXT_BYTES {
            return Err(self.too_long(self.text_at));
        }
        self.text.push_str(text);
        Ok(())
    }

    fn too_long(&self, at: u64) -> WxrError {
        self.error(
            at,
            format!(
                "a text or tag starting here is longer than {} MiB, more than any field of a WordPress \
                 export holds; is the file damaged?",
                MAX_TEXT_BYTES >> 20
            ),
        )
    }

    fn start(&mut self, e: &BytesStart, at: u64) -> Result<Option<Record>, WxrError> {
        if e.name().as_ref().len() > MAX_NAME_BYTES {
            return Err(self.error(at, format!("an element name longer than {MAX_NAME_BYTES} bytes")));
        }
        if self.stack.len() >= MAX_DEPTH {
            return Err(self.error(
                at,
                format!(
                    "elements are nested more than {MAX_DEPTH} deep here (WordPress nests six); is the file damaged?"
                ),
            ));
        }
        let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
        self.text.clear();
        let mut out = None;
        match name.as_str() {
            "rss" => self.saw_rss = true,
            "wp:author" | "wp:category" | "wp:tag" | "wp:term" | "item" if !self.inside("item") => {
                // The header ends where the first author, term or item starts.
                out = self.site.take().map(Record::Site);
                self.kept = 0;
                match name.as_str() {
                    "wp:author" => self.author = WxrAuthor::default(),
                    "item" => self.item = WxrItem::default(),
                    "wp:category" => {
                        self.term = WxrTerm {
                            taxonomy: "category".into(),
                            ..Default::default()
                        }
                    }
                    "wp:tag" => {
                        self.term = WxrTerm {
                            taxonomy: "post_tag".into(),
                            ..Default::default()
                        }
                    }
                    _ => self.term = WxrTerm::default(),
                }
            }
            "category" if self.inside("item") => {
                self.item_term = WxrItemTerm::default();
                for attr in e.attributes().flatten() {
                    let value = attr.unescape_value().map(|v| v.into_owned()).unwrap_or_default();
                    self.charge(value.len(), at)?;
                    match attr.key.as_ref() {
                        b"domain" => self.item_term.domain = value,
                        b"nicename" => self.item_term.nicename = value,
                        _ => {}
                    }
                }
            }
            "wp:comment" => self.comment = WxrComment::default(),
            "wp:postmeta" | "wp:commentmeta" => self.meta = Default::default(),
            _ => {}
        }
        self.stack.push(name);
        Ok(out)
    }

    fn end(&mut self, at: u64) -> Result<Option<Record>, WxrError> {
        let name = self.stack.pop().unwrap_or_default();
        let text = std::mem::take(&mut self.text);
        let entry = match name.as_str() {
            "wp:comment" => size_of::<WxrComment>(),
            "wp:postmeta" | "wp:commentmeta" => size_of::<(String, String)>(),
            "category" => size_of::<WxrItemTerm>(),
            _ => 0,
        };
        self.charge(text.len() + entry, at)?;
        Ok(self.finish(&name, text))
    }

    /// Puts an element's text where it belongs; a finished record comes back.
    fn finish(&mut self, name: &str, text: String) -> Option<Record> {
        let parent = self.stack.last().map(String::as_str).unwrap_or("");
        let num = || text.trim().parse::<i64>().unwrap_or(0);
        match (parent, name) {
            ("channel", "title") => self.site.as_mut().map(|s| s.title = text).unwrap_or(()),
            ("channel", "link") => self.site.as_mut().map(|s| s.link = text).unwrap_or(()),
            ("channel", "description") => self.site.as_mut().map(|s| s.description = text).unwrap_or(()),
            ("channel", "wp:wxr_version") => self.site.as_mut().map(|s| s.wxr_version = text).unwrap_or(()),
            ("channel", "wp:base_site_url") => self.site.as_mut().map(|s| s.base_site_url = text).unwrap_or(()),
            ("channel", "wp:author") => return Some(Record::Author(std::mem::take(&mut self.author))),
            ("channel", "wp:category" | "wp:tag" | "wp:term") => {
                return Some(Record::Term(std::mem::take(&mut self.term)));
            }
            ("channel", "item") => return Some(Record::Item(Box::new(std::mem::take(&mut self.item)))),
            ("wp:author", field) => {
                let a = &mut self.author;
                match field {
                    "wp:author_id" => a.id = num(),
                    "wp:author_login" => a.login = text,
                    "wp:author_email" => a.email = text,
                    "wp:author_display_name" => a.display_name = text,
                    "wp:author_first_name" => a.first_name = text,
                    "wp:author_last_name" => a.last_name = text,
                    _ => {}
                }
            }
            ("wp:category" | "wp:tag" | "wp:term", field) => {
                let t = &mut self.term;
                match field {
                    "wp:term_id" => t.id = num(),
                    "wp:term_taxonomy" => t.taxonomy = text,
                    "wp:category_nicename" | "wp:tag_slug" | "wp:term_slug" => t.slug = text,
                    "wp:cat_name" | "wp:tag_name" | "wp:term_name" => t.name = text,
                    "wp:category_parent" | "wp:term_parent" => t.parent = text,
                    "wp:category_description" | "wp:tag_description" | "wp:term_description" => t.description = text,
                    _ => {}
                }
            }
            ("item", field) => {
                let i = &mut self.item;
                match field {
                    "title" => i.title = text,
                    "link" => i.link = text,
                    "dc:creator" => i.creator = text,
                    "content:encoded" => i.content = text,
                    "excerpt:encoded" => i.excerpt = text,
                    "wp:post_id" => i.id = num(),
                    "wp:post_date" => i.date = text,
                    "wp:post_date_gmt" => i.date_gmt = text,
                    "wp:post_modified_gmt" => i.modified_gmt = text,
                    "wp:comment_status" => i.comment_status = text,
                    "wp:post_name" => i.slug = text,
                    "wp:status" => i.status = text,
                    "wp:post_parent" => i.parent = num(),
                    "wp:post_type" => i.post_type = text,
                    "wp:post_password" => i.password = text,
                    "wp:is_sticky" => i.sticky = text.trim() == "1",
                    "wp:attachment_url" => i.attachment_url = text,
                    "category" => {
                        let mut t = std::mem::take(&mut self.item_term);
                        t.name = text;
                        i.terms.push(t);
                    }
                    "wp:postmeta" => i.meta.push(std::mem::take(&mut self.meta)),
                    "wp:comment" => i.comments.push(std::mem::take(&mut self.comment)),
                    _ => {}
                }
            }
            ("wp:postmeta", "wp:meta_key") => self.meta.0 = text,
            ("wp:postmeta", "wp:meta_value") => self.meta.1 = text,
            ("wp:comment", field) => {
                let c = &mut self.comment;
                match field {
                    "wp:comment_id" => c.id = num(),
                    "wp:comment_author" => c.author = text,
                    "wp:comment_author_email" => c.author_email = text,
                    "wp:comment_author_url" => c.author_url = text,
                    "wp:comment_author_IP" => c.author_ip = text,
                    "wp:comment_date" => c.date = text,
                    "wp:comment_date_gmt" => c.date_gmt = text,
                    "wp:comment_content" => c.content = text,
                    "wp:comment_approved" => c.approved = text,
                    "wp:comment_type" => c.kind = text,
                    "wp:comment_parent" => c.parent = num(),
                    "wp:comment_user_id" => c.user_id = num(),
                    "wp:comment_agent" => c.agent = text,
                    _ => {}
                }
            }
            _ => {}
        }
        None
    }

    fn next_record(&mut self) -> Result<Option<Record>, WxrError> {
        loop {
            // The buffer is lent to the event, so the event can be handled
            // without being copied.
            let mut buf = std::mem::take(&mut self.buf);
            buf.clear();
            self.xml.get_mut().taken = 0;
            let at = self.xml.buffer_position();
            let record = match self.xml.read_event_into(&mut buf) {
                Ok(event) => self.handle(event, at),
                Err(e) => Err(self.read_error(&e, at)),
            };
            // A huge event's buffer is not kept for the rest of the file.
            self.buf = if buf.capacity() > BUF_CAPACITY * 4 {
                Vec::with_capacity(BUF_CAPACITY)
            } else {
                buf
            };
            if let Some(record) = record? {
                return Ok(Some(record));
            }
            if self.done {
                return Ok(None);
            }
        }
    }

    fn read_error(&self, e: &quick_xml::Error, at: u64) -> WxrError {
        if self.xml.get_ref().overrun {
            return self.too_long(at);
        }
        let message = e.to_string();
        let at = self.xml.error_position();
        if message.contains("end of input") {
            self.error(
                at,
                format!("the file ends in the middle of a tag: it is truncated ({message})"),
            )
        } else {
            self.error(at, format!("invalid XML: {message}"))
        }
    }

    /// Takes in one event; a finished record comes back.
    fn handle(&mut self, event: Event<'_>, at: u64) -> Result<Option<Record>, WxrError> {
        Ok(match event {
            Event::Start(e) => self.start(&e, at)?,
            Event::Empty(e) => {
                let site = self.start(&e, at)?;
                site.or(self.end(at)?)
            }
            Event::End(_) => self.end(at)?,
            Event::Text(t) => {
                let text = t
                    .decode()
                    .map_err(|e| self.error(self.xml.buffer_position(), e.to_string()))?;
                self.push_text(&text, at)?;
                None
            }
            Event::CData(t) => {
                self.push_text(&String::from_utf8_lossy(&t), at)?;
                None
            }
            Event::GeneralRef(r) => {
                let name = r
                    .decode()
                    .map_err(|e| self.error(self.xml.buffer_position(), e.to_string()))?;
                let mut one = [0; 4];
                let text: &str = match (r.resolve_char_ref(), name.as_ref()) {
                    (Ok(Some(c)), _) => c.encode_utf8(&mut one),
                    (_, "lt") => "<",
                    (_, "gt") => ">",
                    (_, "amp") => "&",
                    (_, "apos") => "'",
                    (_, "quot") => "\"",
                    // An entity XML does not define: keep it as written.
                    (_, other) => return self.push_text(&format!("&{other};"), at).map(|()| None),
                };
                self.push_text(text, at)?;
                None
            }
            Event::Eof => {
                if !self.saw_rss {
                    return Err(self.error(
                        self.xml.buffer_position(),
                        "this is not a WordPress export (no <rss> element)",
                    ));
                }
                if let Some(open) = self.stack.last() {
                    let open = open.clone();
                    return Err(self.error(
                        self.xml.buffer_position(),
                        format!("the file ends inside <{open}>: it is truncated"),
                    ));
                }
                self.done = true;
                self.site.take().map(Record::Site)
            }
            _ => None,
        })
    }
}

impl<R: BufRead> Iterator for WxrReader<R> {
    type Item = Result<Record, WxrError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match self.next_record() {
            Ok(Some(record)) => Some(Ok(record)),
            Ok(None) => {
                self.done = true;
                None
            }
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }
}

/// Line and column (1-based) of a byte offset in the (decompressed) file;
/// only computed when something went wrong, by reading the file again.
fn locate(path: &Path, offset: u64) -> (u64, u64) {
    let Ok(file) = File::open(path) else {
        return (0, offset + 1);
    };
    let mut buffered = BufReader::new(file);
    let gz = buffered
        .fill_buf()
        .map(|b| b.starts_with(&[0x1f, 0x8b]))
        .unwrap_or(false);
    let source: Box<dyn Read> = if gz {
        Box::new(flate2::bufread::MultiGzDecoder::new(buffered))
    } else {
        Box::new(buffered)
    };
    let (mut line, mut column) = (1u64, 1u64);
    for byte in BufReader::new(source).bytes().take(offset as usize) {
        match byte {
            Ok(b'\n') => {
                line += 1;
                column = 1;
            }
            Ok(_) => column += 1,
            Err(_) => break,
        }
    }
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(xml: &str) -> Vec<Result<Record, WxrError>> {
        WxrReader::new(xml.as_bytes(), None).collect()
    }

    const SMALL: &str = r#"<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
  <title>Site &amp; Co</title>
  <link>http://example.org</link>
  <wp:wxr_version>1.2</wp:wxr_version>
  <wp:author><wp:author_id>2</wp:author_id><wp:author_login><![CDATA[jane]]></wp:author_login><wp:author_email><![CDATA[jane@example.org]]></wp:author_email><wp:author_display_name><![CDATA[Jane Doe]]></wp:author_display_name></wp:author>
  <wp:category><wp:term_id>5</wp:term_id><wp:category_nicename><![CDATA[news]]></wp:category_nicename><wp:category_parent><![CDATA[]]></wp:category_parent><wp:cat_name><![CDATA[News]]></wp:cat_name></wp:category>
  <item>
    <title><![CDATA[Hello]]></title>
    <dc:creator><![CDATA[jane]]></dc:creator>
    <content:encoded><![CDATA[<p>Body ]]]]><![CDATA[> text</p>]]></content:encoded>
    <wp:post_id>10</wp:post_id>
    <wp:status><![CDATA[publish]]></wp:status>
    <wp:post_type><![CDATA[post]]></wp:post_type>
    <wp:is_sticky>1</wp:is_sticky>
    <category domain="category" nicename="news"><![CDATA[News]]></category>
    <wp:postmeta><wp:meta_key><![CDATA[_wp_old_slug]]></wp:meta_key><wp:meta_value><![CDATA[hi]]></wp:meta_value></wp:postmeta>
    <wp:comment><wp:comment_id>3</wp:comment_id><wp:comment_author><![CDATA[Ann]]></wp:comment_author><wp:comment_content><![CDATA[Nice & <b>true</b>]]></wp:comment_content><wp:comment_approved><![CDATA[1]]></wp:comment_approved><wp:comment_parent>0</wp:comment_parent></wp:comment>
  </item>
</channel>
</rss>"#;

    #[test]
    fn reads_header_authors_terms_and_items() {
        let records: Vec<Record> = read(SMALL).into_iter().collect::<Result<_, _>>().unwrap();
        assert_eq!(records.len(), 4);
        let Record::Site(site) = &records[0] else {
            panic!("{records:?}")
        };
        assert_eq!(site.title, "Site & Co");
        let Record::Author(a) = &records[1] else { panic!() };
        assert_eq!(
            (a.id, a.login.as_str(), a.display_name.as_str()),
            (2, "jane", "Jane Doe")
        );
        let Record::Term(t) = &records[2] else { panic!() };
        assert_eq!(
            (t.taxonomy.as_str(), t.slug.as_str(), t.name.as_str()),
            ("category", "news", "News")
        );
        let Record::Item(item) = &records[3] else { panic!() };
        assert_eq!(item.content, "<p>Body ]]> text</p>", "split CDATA is joined");
        assert!(item.sticky);
        assert_eq!(item.terms[0].nicename, "news");
        assert_eq!(item.meta, vec![("_wp_old_slug".to_owned(), "hi".to_owned())]);
        assert_eq!(item.comments[0].content, "Nice & <b>true</b>");
    }

    fn first_error(source: impl Read) -> WxrError {
        WxrReader::new(BufReader::new(source), None)
            .find_map(Result::err)
            .expect("an error")
    }

    #[test]
    fn endless_text_stops_at_the_limit() {
        let spaces = "<rss><channel>".as_bytes().chain(io::repeat(b' '));
        let err = first_error(spaces);
        assert!(err.message.contains("longer than 16 MiB"), "{err}");
        assert_eq!(err.column, 15, "where the text starts");
        // Pieces that are each small add up too.
        let piece = format!("<![CDATA[{}]]>", "x".repeat(1 << 20));
        let many = "<rss><channel><title>"
            .as_bytes()
            .chain(io::Cursor::new(piece.repeat(17)));
        let err = first_error(many);
        assert!(err.message.contains("longer than 16 MiB"), "{err}");
        assert_eq!(err.column, 22);
    }

    #[test]
    fn endless_nesting_stops_at_the_limit() {
        let deep = "<rss><channel>"
            .as_bytes()
            .chain(io::Cursor::new("<a>".repeat(100_000)));
        let err = first_error(deep);
        assert!(err.message.contains("nested more than 64 deep"), "{err}");
        assert_eq!(err.column, 1 + 14 + 62 * 3, "at the 65th element");
    }

    #[test]
    fn truncated_and_invalid_files_say_where() {
        let cut = &SMALL[..SMALL.find("<wp:comment>").unwrap()];
        let err = read(cut).into_iter().find_map(Result::err).unwrap();
        assert!(err.message.contains("truncated"), "{err}");
        let bad = SMALL.replace("</wp:status>", "</wp:stat>");
        let err = read(&bad).into_iter().find_map(Result::err).unwrap();
        assert!(err.message.contains("invalid XML"), "{err}");
        let err = read("<html><body>not an export</body></html>")
            .into_iter()
            .find_map(Result::err)
            .unwrap();
        assert!(err.message.contains("not a WordPress export"), "{err}");
    }
}
