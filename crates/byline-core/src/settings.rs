//! Site settings: the keys an operator may set, their defaults and their
//! validation. Stored as text pairs; typed here.

use chrono_tz::Tz;

use crate::moderation::ModerationMode;

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
    pub const ALL: [Self; 12] = [
        Self::Title,
        Self::Tagline,
        Self::Timezone,
        Self::PostsPerPage,
        Self::CommentModeration,
        Self::ThreadCommentsDepth,
        Self::CommentsPerPage,
        Self::CommentFloodSeconds,
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
            site_url: get(SettingKey::SiteUrl).to_owned(),
            feed_items: num(SettingKey::FeedItems),
            feed_full_text: get(SettingKey::FeedFullText) == "true",
            discourage_search: get(SettingKey::DiscourageSearch) == "true",
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
}
