//! Which comments are held for a moderator: the site's moderation mode,
//! and WordPress's content rules (too many links, moderation words, spam
//! words).

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use crate::comment::CommentStatus;

/// The site's moderation policy (setting `comment_moderation`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ModerationMode {
    /// Every comment waits for a moderator.
    All,
    /// WordPress's default: held unless the same name and email already
    /// have an approved comment.
    #[default]
    FirstTime,
    /// Every valid comment is published at once.
    None,
}

impl ModerationMode {
    /// Setting values, in the order they are offered.
    pub const NAMES: [&'static str; 3] = ["all", "first_time", "none"];

    /// Setting value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::All => "all",
            Self::FirstTime => "first_time",
            Self::None => "none",
        }
    }

    /// Inverse of [`Self::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "all" => Some(Self::All),
            "first_time" => Some(Self::FirstTime),
            "none" => Some(Self::None),
            _ => None,
        }
    }

    /// The status a new valid comment gets. `known_commenter` says whether
    /// the same name and email have an approved comment already.
    pub fn initial_status(self, known_commenter: bool) -> CommentStatus {
        match self {
            Self::All => CommentStatus::Pending,
            Self::FirstTime if known_commenter => CommentStatus::Approved,
            Self::FirstTime => CommentStatus::Pending,
            Self::None => CommentStatus::Approved,
        }
    }
}

/// What the content rules make of a comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Screen {
    /// Nothing suspicious: the moderation mode decides.
    #[default]
    Clean,
    /// Held for a moderator whatever the mode (too many links, or a
    /// moderation word).
    Hold,
    /// Straight to spam (a spam word).
    Spam,
}

/// The parts of a comment the word lists are matched against: the same
/// ones WordPress checks.
#[derive(Debug, Clone, Copy, Default)]
pub struct CommentText<'a> {
    /// The comment itself (Markdown).
    pub body: &'a str,
    /// The commenter's name.
    pub name: &'a str,
    /// The commenter's email.
    pub email: &'a str,
    /// The commenter's website.
    pub url: &'a str,
    /// The client address.
    pub ip: &'a str,
    /// The browser's user agent.
    pub user_agent: &'a str,
}

/// The site's rules about what a comment says (settings
/// `comment_max_links`, `comment_moderation_words`, `comment_spam_words`).
#[derive(Debug, Clone, Copy)]
pub struct ContentRules<'a> {
    /// A comment with more links than this is held.
    pub max_links: u32,
    /// Any of these (ignoring case, anywhere, even inside a word) holds it.
    pub moderation_words: &'a [String],
    /// Any of these sends it to spam; they win over everything else.
    pub spam_words: &'a [String],
}

impl ContentRules<'_> {
    /// Rules that let everything through (for seeding and tests).
    pub const NONE: ContentRules<'static> = ContentRules {
        max_links: u32::MAX,
        moderation_words: &[],
        spam_words: &[],
    };

    /// Screens a comment. As in WordPress, words match anywhere in the
    /// text, name, email, website, address or user agent, ignoring case
    /// (so "press" matches "WordPress"), and a spam word beats everything.
    pub fn screen(&self, comment: &CommentText<'_>) -> Screen {
        let no_words = self.spam_words.is_empty() && self.moderation_words.is_empty();
        let fields = if no_words {
            Default::default()
        } else {
            [
                comment.body,
                comment.name,
                comment.email,
                comment.url,
                comment.ip,
                comment.user_agent,
            ]
            .map(str::to_lowercase)
        };
        let any_of = |words: &[String]| {
            words.iter().any(|w| {
                let w = w.trim().to_lowercase();
                !w.is_empty() && fields.iter().any(|f| f.contains(&w))
            })
        };
        if any_of(self.spam_words) {
            Screen::Spam
        } else if count_links(comment.body) > self.max_links || any_of(self.moderation_words) {
            Screen::Hold
        } else {
            Screen::Clean
        }
    }
}

/// How many links a comment's Markdown carries: Markdown links and
/// autolinks, `<a href>` tags (comments show them as text, but they are
/// still a spammer's links) and bare web addresses outside links.
pub fn count_links(markdown: &str) -> u32 {
    let mut count = 0u32;
    let mut inside_link = 0u32;
    for event in Parser::new_ext(markdown, Options::ENABLE_STRIKETHROUGH) {
        match event {
            Event::Start(Tag::Link { .. }) => {
                count += 1;
                inside_link += 1;
            }
            Event::End(TagEnd::Link) => inside_link = inside_link.saturating_sub(1),
            Event::Text(text) | Event::Code(text) if inside_link == 0 => count += web_addresses(&text),
            Event::Html(html) | Event::InlineHtml(html) => count += html_links(&html),
            _ => {}
        }
    }
    count
}

/// Anchors with an `href`, plus addresses in the text between tags.
fn html_links(html: &str) -> u32 {
    let mut count = 0;
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        count += web_addresses(&rest[..start]);
        let tag = &rest[start..];
        let end = tag.find('>').map_or(tag.len(), |e| e + 1);
        let lower = tag[..end].to_ascii_lowercase();
        let is_anchor = lower
            .strip_prefix("<a")
            .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_whitespace()));
        if is_anchor && lower.contains("href") {
            count += 1;
        }
        rest = &tag[end..];
    }
    count + web_addresses(rest)
}

/// `http://…`, `https://…` and `www.…` addresses in plain text.
fn web_addresses(text: &str) -> u32 {
    let lower = text.to_ascii_lowercase();
    let schemes = lower.matches("http://").count() + lower.matches("https://").count();
    let bare_www = lower
        .match_indices("www.")
        .filter(|(i, _)| !lower[..*i].ends_with("://"))
        .count();
    u32::try_from(schemes + bare_www).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_counted_however_they_are_written() {
        assert_eq!(count_links("No links here, just www and http talk."), 0);
        assert_eq!(count_links("See https://a.example and http://b.example/x"), 2);
        assert_eq!(count_links("Visit www.c.example today"), 1);
        assert_eq!(count_links("[my site](https://a.example) and <https://b.example>"), 2);
        assert_eq!(
            count_links("[https://a.example](https://a.example)"),
            1,
            "one link, its address as text"
        );
        assert_eq!(
            count_links("<a href=\"https://a.example\">cheap</a> <A HREF='x'>y</A>"),
            2
        );
        assert_eq!(
            count_links("<p>Block https://a.example</p>\n\nand `https://b.example`"),
            2
        );
        assert_eq!(count_links("HTTPS://SHOUT.EXAMPLE"), 1);
    }

    fn words(list: &[&str]) -> Vec<String> {
        list.iter().map(|w| (*w).to_owned()).collect()
    }

    #[test]
    fn more_links_than_allowed_hold_a_comment() {
        let rules = ContentRules {
            max_links: 2,
            ..ContentRules::NONE
        };
        let two = CommentText {
            body: "https://a.example https://b.example",
            ..Default::default()
        };
        let three = CommentText {
            body: "https://a.example https://b.example www.c.example",
            ..Default::default()
        };
        assert_eq!(rules.screen(&two), Screen::Clean);
        assert_eq!(rules.screen(&three), Screen::Hold);
        let none = ContentRules { max_links: 0, ..rules };
        assert_eq!(
            none.screen(&CommentText {
                body: "one https://a.example",
                ..Default::default()
            }),
            Screen::Hold,
            "0 allows no links at all"
        );
    }

    #[test]
    fn words_match_anywhere_ignoring_case_and_spam_wins() {
        let hold = words(&["casino", "  ", "203.0.113."]);
        let spam = words(&["Viagra", "bad@spam.example"]);
        let rules = ContentRules {
            max_links: 2,
            moderation_words: &hold,
            spam_words: &spam,
        };
        let text = |body, name, email, url, ip| CommentText {
            body,
            name,
            email,
            url,
            ip,
            user_agent: "Mozilla/5.0",
        };
        assert_eq!(
            rules.screen(&text("A fair point.", "Ann", "ann@example.com", "", "198.51.100.1")),
            Screen::Clean
        );
        assert_eq!(
            rules.screen(&text("Visit our CASINOS", "Ann", "a@b.example", "", "")),
            Screen::Hold
        );
        assert_eq!(
            rules.screen(&text("Hi", "Casino King", "a@b.example", "", "")),
            Screen::Hold,
            "in the name"
        );
        assert_eq!(
            rules.screen(&text("Hi", "Ann", "a@b.example", "https://casino.example", "")),
            Screen::Hold,
            "in the website"
        );
        assert_eq!(
            rules.screen(&text("Hi", "Ann", "a@b.example", "", "203.0.113.9")),
            Screen::Hold,
            "an address prefix"
        );
        assert_eq!(
            rules.screen(&text("cheap viagra", "Ann", "a@b.example", "", "")),
            Screen::Spam
        );
        assert_eq!(
            rules.screen(&text("Hi", "Ann", "BAD@spam.example", "", "")),
            Screen::Spam,
            "in the email"
        );
        assert_eq!(
            rules.screen(&text("viagra casino", "Ann", "a@b.example", "", "")),
            Screen::Spam,
            "spam beats hold"
        );
        let ua = words(&["mozilla"]);
        let by_agent = ContentRules {
            moderation_words: &ua,
            ..rules
        };
        assert_eq!(
            by_agent.screen(&text("Hi", "Ann", "a@b.example", "", "")),
            Screen::Hold,
            "the user agent too"
        );
        assert_eq!(
            ContentRules::NONE.screen(&text("viagra https://a https://b https://c", "", "", "", "")),
            Screen::Clean
        );
    }

    #[test]
    fn first_time_commenters_wait_and_known_ones_do_not() {
        use CommentStatus::*;
        assert_eq!(ModerationMode::FirstTime.initial_status(false), Pending);
        assert_eq!(ModerationMode::FirstTime.initial_status(true), Approved);
        assert_eq!(ModerationMode::All.initial_status(true), Pending);
        assert_eq!(ModerationMode::None.initial_status(false), Approved);
    }
}
