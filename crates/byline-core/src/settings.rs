//! Site settings: the keys an operator may set, their defaults and their
//! validation. Stored as text pairs; typed here.

use chrono_tz::Tz;

use crate::moderation::{ContentRules, ModerationMode};

/// Longest discussion `close_comments_days` accepts (a hundred years).
pub const MAX_CLOSE_DAYS: u32 = 36_500;
/// Highest `comment_max_links`.
pub const MAX_LINKS_LIMIT: u32 = 100;
/// Longest entry of a word list.
pub const MAX_WORD_CHARS: usize = 200;
/// Most entries in a word list.
pub const MAX_WORDS: usize = 2_000;

/// Reads a word list as typed (one entry per line): entries trimmed, blank
/// lines and repeats (ignoring case) dropped. `None` when an entry is too
/// long or has control characters, or there are too many.
fn word_list(value: &str) -> Option<Vec<String>> {
    let mut words: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for line in value.lines() {
        let word = line.trim();
        if word.is_empty() || !seen.insert(word.to_lowercase()) {
            continue;
        }
        if word.chars().count() > MAX_WORD_CHARS || word.chars().any(char::is_control) {
            return None;
        }
        words.push(word.to_owned());
    }
    (words.len() <= MAX_WORDS).then_some(words)
}

/// A stored word list's entries.
fn lines(stored: &str) -> Vec<String> {
    stored.lines().filter(|l| !l.is_empty()).map(str::to_owned).collect()
}

/// The regions the time-zone menu offers, in order, as WordPress groups
/// them (legacy names such as `US/Eastern` are left out).
const TZ_REGIONS: [&str; 10] = [
    "Africa",
    "America",
    "Antarctica",
    "Arctic",
    "Asia",
    "Atlantic",
    "Australia",
    "Europe",
    "Indian",
    "Pacific",
];

/// A group of the time-zone menu: a region and its zones as `(name,
/// label)`, e.g. `("America/New_York", "New York")`.
pub type ZoneGroup = (&'static str, Vec<(&'static str, String)>);

/// The time zones an operator chooses from, grouped by region; `UTC` comes
/// first on its own (region `""`).
pub fn timezone_groups() -> Vec<ZoneGroup> {
    let mut groups: Vec<ZoneGroup> = vec![("", vec![("UTC", "UTC".to_owned())])];
    for region in TZ_REGIONS {
        let mut zones: Vec<(&'static str, String)> = chrono_tz::TZ_VARIANTS
            .iter()
            .map(|tz| tz.name())
            .filter_map(|name| {
                let place = name.strip_prefix(region)?.strip_prefix('/')?;
                Some((name, place.replace('_', " ").replace('/', " – ")))
            })
            .collect();
        zones.sort_by(|a, b| a.1.cmp(&b.1));
        groups.push((region, zones));
    }
    groups
}

/// A setting an operator can change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SettingKey {
    /// Site name in the header and title bar.
    Title,
    /// Line under the site name.
    Tagline,
    /// IANA zone dates are shown (and article URLs dated) in.
    Timezone,
    /// Articles per home or archive page.
    PostsPerPage,
    /// Which comments are held.
    CommentModeration,
    /// Deepest reply level.
    ThreadCommentsDepth,
    /// Top-level threads per comment page.
    CommentsPerPage,
    /// Minimum seconds between two comments from one address; 0 disables.
    CommentFloodSeconds,
    /// Articles older than this many days take no new comments; 0 never closes.
    CloseCommentsDays,
    /// A comment with more links than this is held for a moderator.
    CommentMaxLinks,
    /// Words or phrases that hold a comment for a moderator, one per line.
    CommentModerationWords,
    /// Words or phrases that send a comment to spam, one per line.
    CommentSpamWords,
    /// The site's public address, for absolute links in feeds, sitemaps and
    /// share cards; empty means "the address the request came to".
    SiteUrl,
    /// Items in each feed.
    FeedItems,
    /// Whole articles in feeds, or only excerpts.
    FeedFullText,
    /// Ask search engines not to index the site.
    DiscourageSearch,
}

/// Why a setting could not be changed. The message lists what is valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingError {
    /// Not a setting name.
    #[error("unknown setting {key:?}; valid settings: {}", SettingKey::ALL.map(SettingKey::name).join(", "))]
    UnknownKey {
        /// What was asked for.
        key: String,
    },
    /// Not a valid value for this key.
    #[error("invalid value {value:?} for {key}: expected {expected}")]
    InvalidValue {
        /// The setting.
        key: &'static str,
        /// What was given.
        value: String,
        /// What would have been accepted.
        expected: String,
    },
}

impl SettingKey {
    /// Every key, in listing order.
    pub const ALL: [Self; 16] = [
        Self::Title,
        Self::Tagline,
        Self::Timezone,
        Self::PostsPerPage,
        Self::CommentModeration,
        Self::ThreadCommentsDepth,
        Self::CommentsPerPage,
        Self::CommentFloodSeconds,
        Self::CloseCommentsDays,
        Self::CommentMaxLinks,
        Self::CommentModerationWords,
        Self::CommentSpamWords,
        Self::SiteUrl,
        Self::FeedItems,
        Self::FeedFullText,
        Self::DiscourageSearch,
    ];

    /// The key as typed on the command line and stored.
    pub fn name(self) -> &'static str {
        match self {
            Self::Title => "title",
            Self::Tagline => "tagline",
            Self::Timezone => "timezone",
            Self::PostsPerPage => "posts_per_page",
            Self::CommentModeration => "comment_moderation",
            Self::ThreadCommentsDepth => "thread_comments_depth",
            Self::CommentsPerPage => "comments_per_page",
            Self::CommentFloodSeconds => "comment_flood_seconds",
            Self::CloseCommentsDays => "close_comments_days",
            Self::CommentMaxLinks => "comment_max_links",
            Self::CommentModerationWords => "comment_moderation_words",
            Self::CommentSpamWords => "comment_spam_words",
            Self::SiteUrl => "site_url",
            Self::FeedItems => "feed_items",
            Self::FeedFullText => "feed_full_text",
            Self::DiscourageSearch => "discourage_search",
        }
    }

    /// Looks a key up by name.
    pub fn parse(name: &str) -> Result<Self, SettingError> {
        Self::ALL
            .into_iter()
            .find(|k| k.name() == name)
            .ok_or_else(|| SettingError::UnknownKey { key: name.to_owned() })
    }

    /// Value used until the operator sets one.
    pub fn default_value(self) -> &'static str {
        match self {
            Self::Title => "byline",
            Self::Tagline => "Independent journalism and commentary",
            Self::Timezone => "UTC",
            Self::PostsPerPage => "10",
            Self::CommentModeration => ModerationMode::FirstTime.as_str(),
            Self::ThreadCommentsDepth => "5",
            Self::CommentsPerPage => "50",
            Self::CommentFloodSeconds => "15",
            Self::CloseCommentsDays => "0",
            Self::CommentMaxLinks => "2",
            Self::CommentModerationWords | Self::CommentSpamWords => "",
            Self::SiteUrl => "",
            Self::FeedItems => "10",
            Self::FeedFullText => "true",
            Self::DiscourageSearch => "false",
        }
    }

    /// What a valid value looks like, for help and error messages.
    pub fn expected(self) -> String {
        match self {
            Self::Title => "any text up to 200 characters".into(),
            Self::Tagline => "any text up to 300 characters".into(),
            Self::Timezone => "an IANA time zone such as UTC, Europe/London or America/New_York".into(),
            Self::PostsPerPage => "a whole number from 1 to 100".into(),
            Self::CommentModeration => format!("one of {}", ModerationMode::NAMES.join(", ")),
            Self::ThreadCommentsDepth => "a whole number from 1 (no replies) to 10".into(),
            Self::CommentsPerPage => "a whole number from 1 to 1000".into(),
            Self::CommentFloodSeconds => "a whole number of seconds from 0 (off) to 3600".into(),
            Self::CloseCommentsDays => format!("a whole number of days from 0 (never close) to {MAX_CLOSE_DAYS}"),
            Self::CommentMaxLinks => format!("a whole number of links from 0 to {MAX_LINKS_LIMIT}"),
            Self::CommentModerationWords | Self::CommentSpamWords => format!(
                "words or phrases, one per line, each up to {MAX_WORD_CHARS} characters, at most {MAX_WORDS} lines"
            ),
            Self::SiteUrl => "an http(s) address such as https://example.com, or empty to use the request's".into(),
            Self::FeedItems => "a whole number from 1 to 100".into(),
            Self::FeedFullText | Self::DiscourageSearch => "true or false".into(),
        }
    }

    /// Checks a value and returns it in stored form.
    pub fn validate(self, value: &str) -> Result<String, SettingError> {
        let invalid = || SettingError::InvalidValue {
            key: self.name(),
            value: value.to_owned(),
            expected: self.expected(),
        };
        let number = |min: u32, max: u32| {
            value
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|n| (min..=max).contains(n))
                .map(|n| n.to_string())
                .ok_or_else(invalid)
        };
        match self {
            Self::Title | Self::Tagline => {
                let max = if self == Self::Title { 200 } else { 300 };
                let v = value.trim();
                if v.chars().count() > max || v.chars().any(char::is_control) {
                    Err(invalid())
                } else {
                    Ok(v.to_owned())
                }
            }
            Self::Timezone => value
                .trim()
                .parse::<Tz>()
                .map(|tz| tz.name().to_owned())
                .map_err(|_| invalid()),
            Self::PostsPerPage => number(1, 100),
            Self::CommentModeration => ModerationMode::parse(value.trim())
                .map(|m| m.as_str().to_owned())
                .ok_or_else(invalid),
            Self::ThreadCommentsDepth => number(1, 10),
            Self::CommentsPerPage => number(1, 1000),
            Self::CommentFloodSeconds => number(0, 3600),
            Self::CloseCommentsDays => number(0, MAX_CLOSE_DAYS),
            Self::CommentMaxLinks => number(0, MAX_LINKS_LIMIT),
            Self::CommentModerationWords | Self::CommentSpamWords => {
                word_list(value).map(|words| words.join("\n")).ok_or_else(invalid)
            }
            Self::SiteUrl => {
                let v = value.trim().trim_end_matches('/');
                let ok = v.is_empty()
                    || ((v.starts_with("https://") || v.starts_with("http://"))
                        && v.split("://").nth(1).is_some_and(|rest| !rest.is_empty())
                        && !v.chars().any(|c| c.is_whitespace() || c == '"' || c == '<' || c == '>'));
                if ok { Ok(v.to_owned()) } else { Err(invalid()) }
            }
            Self::FeedItems => number(1, 100),
            Self::FeedFullText | Self::DiscourageSearch => match value.trim() {
                "true" | "yes" | "on" | "1" => Ok("true".into()),
                "false" | "no" | "off" | "0" => Ok("false".into()),
                _ => Err(invalid()),
            },
        }
    }
}

/// The site's settings, typed. Unset keys hold their defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Site name.
    pub title: String,
    /// Line under the site name.
    pub tagline: String,
    /// Zone for displayed dates and dated URLs.
    pub timezone: Tz,
    /// Articles per list page.
    pub posts_per_page: u32,
    /// Comment hold policy.
    pub comment_moderation: ModerationMode,
    /// Deepest reply level (1 = no replies).
    pub thread_comments_depth: u32,
    /// Top-level threads per comment page.
    pub comments_per_page: u32,
    /// Flood interval in seconds; 0 disables the check.
    pub comment_flood_seconds: u32,
    /// Days after publication an article's discussion closes; 0: never.
    pub close_comments_days: u32,
    /// A comment with more links than this is held.
    pub comment_max_links: u32,
    /// Words or phrases that hold a comment (as stored: trimmed, no blanks).
    pub comment_moderation_words: Vec<String>,
    /// Words or phrases that send a comment to spam.
    pub comment_spam_words: Vec<String>,
    /// Public address without a trailing slash; empty: use the request's.
    pub site_url: String,
    /// Items per feed.
    pub feed_items: u32,
    /// Whole articles in feeds.
    pub feed_full_text: bool,
    /// Ask search engines not to index.
    pub discourage_search: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self::from_pairs(std::iter::empty::<(&str, &str)>())
    }
}

impl Settings {
    /// Builds settings from stored pairs. A stored value that no longer
    /// validates (or an unknown key) falls back to the default rather than
    /// taking the site down.
    pub fn from_pairs<K: AsRef<str>, V: AsRef<str>>(pairs: impl IntoIterator<Item = (K, V)>) -> Self {
        let mut values: Vec<String> = SettingKey::ALL.iter().map(|k| k.default_value().to_owned()).collect();
        for (k, v) in pairs {
            if let Ok(key) = SettingKey::parse(k.as_ref())
                && let Ok(v) = key.validate(v.as_ref())
            {
                let idx = SettingKey::ALL.iter().position(|x| *x == key).unwrap_or_default();
                values[idx] = v;
            }
        }
        let get = |k: SettingKey| values[SettingKey::ALL.iter().position(|x| *x == k).unwrap_or_default()].as_str();
        let num = |k: SettingKey| {
            get(k)
                .parse()
                .unwrap_or_else(|_| k.default_value().parse().unwrap_or(1))
        };
        Self {
            title: get(SettingKey::Title).to_owned(),
            tagline: get(SettingKey::Tagline).to_owned(),
            timezone: get(SettingKey::Timezone).parse().unwrap_or(Tz::UTC),
            posts_per_page: num(SettingKey::PostsPerPage),
            comment_moderation: ModerationMode::parse(get(SettingKey::CommentModeration)).unwrap_or_default(),
            thread_comments_depth: num(SettingKey::ThreadCommentsDepth),
            comments_per_page: num(SettingKey::CommentsPerPage),
            comment_flood_seconds: num(SettingKey::CommentFloodSeconds),
            close_comments_days: num(SettingKey::CloseCommentsDays),
            comment_max_links: num(SettingKey::CommentMaxLinks),
            comment_moderation_words: lines(get(SettingKey::CommentModerationWords)),
            comment_spam_words: lines(get(SettingKey::CommentSpamWords)),
            site_url: get(SettingKey::SiteUrl).to_owned(),
            feed_items: num(SettingKey::FeedItems),
            feed_full_text: get(SettingKey::FeedFullText) == "true",
            discourage_search: get(SettingKey::DiscourageSearch) == "true",
        }
    }

    /// The rules that hold or spam a comment for what it says.
    pub fn content_rules(&self) -> ContentRules<'_> {
        ContentRules {
            max_links: self.comment_max_links,
            moderation_words: &self.comment_moderation_words,
            spam_words: &self.comment_spam_words,
        }
    }

    /// The current value of a key, in stored form.
    pub fn get(&self, key: SettingKey) -> String {
        match key {
            SettingKey::Title => self.title.clone(),
            SettingKey::Tagline => self.tagline.clone(),
            SettingKey::Timezone => self.timezone.name().to_owned(),
            SettingKey::PostsPerPage => self.posts_per_page.to_string(),
            SettingKey::CommentModeration => self.comment_moderation.as_str().to_owned(),
            SettingKey::ThreadCommentsDepth => self.thread_comments_depth.to_string(),
            SettingKey::CommentsPerPage => self.comments_per_page.to_string(),
            SettingKey::CommentFloodSeconds => self.comment_flood_seconds.to_string(),
            SettingKey::CloseCommentsDays => self.close_comments_days.to_string(),
            SettingKey::CommentMaxLinks => self.comment_max_links.to_string(),
            SettingKey::CommentModerationWords => self.comment_moderation_words.join("\n"),
            SettingKey::CommentSpamWords => self.comment_spam_words.join("\n"),
            SettingKey::SiteUrl => self.site_url.clone(),
            SettingKey::FeedItems => self.feed_items.to_string(),
            SettingKey::FeedFullText => self.feed_full_text.to_string(),
            SettingKey::DiscourageSearch => self.discourage_search.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_wordpress() {
        let s = Settings::default();
        assert_eq!(s.comment_moderation, ModerationMode::FirstTime);
        assert_eq!(s.thread_comments_depth, 5);
        assert_eq!(s.comments_per_page, 50);
        assert_eq!(s.comment_flood_seconds, 15);
        assert_eq!(s.timezone, Tz::UTC);
    }

    #[test]
    fn stored_pairs_override_defaults() {
        let s = Settings::from_pairs([("timezone", "Europe/London"), ("posts_per_page", "3"), ("bogus", "x")]);
        assert_eq!(s.timezone, Tz::Europe__London);
        assert_eq!(s.posts_per_page, 3);
        assert_eq!(s.get(SettingKey::Timezone), "Europe/London");
    }

    #[test]
    fn bad_keys_and_values_name_the_valid_ones() {
        let e = SettingKey::parse("colour").unwrap_err().to_string();
        assert!(e.contains("comment_flood_seconds") && e.contains("timezone"), "{e}");
        let e = SettingKey::CommentModeration
            .validate("sometimes")
            .unwrap_err()
            .to_string();
        assert!(e.contains("all, first_time, none"), "{e}");
        assert!(SettingKey::Timezone.validate("Mars/Olympus").is_err());
        assert!(SettingKey::CommentFloodSeconds.validate("0").is_ok());
        assert!(SettingKey::PostsPerPage.validate("0").is_err());
        assert!(SettingKey::ThreadCommentsDepth.validate("11").is_err());
        assert_eq!(
            SettingKey::SiteUrl.validate("https://news.example/").unwrap(),
            "https://news.example"
        );
        assert!(SettingKey::SiteUrl.validate("news.example").is_err());
        assert_eq!(SettingKey::FeedFullText.validate("no").unwrap(), "false");
    }

    #[test]
    fn discussion_rules_default_like_wordpress() {
        let s = Settings::default();
        assert_eq!((s.close_comments_days, s.comment_max_links), (0, 2));
        assert!(s.comment_moderation_words.is_empty() && s.comment_spam_words.is_empty());
        assert_eq!(s.get(SettingKey::CommentSpamWords), "");
        assert!(SettingKey::CloseCommentsDays.validate("0").is_ok());
        assert!(SettingKey::CloseCommentsDays.validate("-1").is_err());
        assert!(SettingKey::CloseCommentsDays.validate("36501").is_err());
        assert!(SettingKey::CommentMaxLinks.validate("0").is_ok());
        assert!(SettingKey::CommentMaxLinks.validate("two").is_err());
    }

    #[test]
    fn word_lists_are_one_entry_per_line() {
        let stored = SettingKey::CommentSpamWords
            .validate("  casino \r\n\r\nCheap Pills\nCASINO\n203.0.113.5\n")
            .unwrap();
        assert_eq!(
            stored, "casino\nCheap Pills\n203.0.113.5",
            "trimmed, no blanks, no repeats"
        );
        let s = Settings::from_pairs([
            ("comment_spam_words", stored.as_str()),
            ("comment_moderation_words", ""),
        ]);
        assert_eq!(s.comment_spam_words, ["casino", "Cheap Pills", "203.0.113.5"]);
        assert_eq!(s.get(SettingKey::CommentSpamWords), stored);
        assert_eq!(s.content_rules().spam_words.len(), 3);
        let long = "x".repeat(MAX_WORD_CHARS + 1);
        let e = SettingKey::CommentModerationWords
            .validate(&long)
            .unwrap_err()
            .to_string();
        assert!(e.contains("one per line") && e.contains("200 characters"), "{e}");
        assert!(SettingKey::CommentModerationWords.validate("tab\there").is_err());
        let many: String = (0..=MAX_WORDS).map(|n| format!("w{n}\n")).collect();
        assert!(SettingKey::CommentModerationWords.validate(&many).is_err());
        assert_eq!(SettingKey::CommentModerationWords.validate(" \n ").unwrap(), "");
    }

    #[test]
    fn time_zones_are_offered_by_region() {
        let groups = timezone_groups();
        assert_eq!(groups[0], ("", vec![("UTC", "UTC".to_owned())]));
        let america = &groups.iter().find(|(r, _)| *r == "America").unwrap().1;
        assert!(america.contains(&("America/New_York", "New York".to_owned())));
        assert!(america.contains(&("America/Argentina/Buenos_Aires", "Argentina – Buenos Aires".to_owned())));
        let all: Vec<&str> = groups.iter().flat_map(|(_, z)| z.iter().map(|(n, _)| *n)).collect();
        assert!(
            all.contains(&"Europe/London") && !all.contains(&"US/Eastern"),
            "no legacy names"
        );
        assert!(all.iter().all(|n| n.parse::<Tz>().is_ok()));
    }
}
