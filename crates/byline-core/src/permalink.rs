//! The public URL scheme, WordPress's "day and name" structure: parsing a
//! request path into a [`Route`] and building the canonical path of every
//! public thing. One place, so links and routing cannot disagree.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use chrono_tz::Tz;

/// What a public path asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// `/` and `/page/N/`.
    Home {
        /// 1-based list page.
        page: u32,
    },
    /// `/YYYY/MM/DD/slug/` and `/YYYY/MM/DD/slug/comment-page-N/`.
    Article {
        /// Publication date in the site's zone.
        date: NaiveDate,
        /// Article slug.
        slug: String,
        /// 1-based page of the discussion.
        comment_page: u32,
    },
    /// `/slug/`: a page such as "About".
    Page {
        /// Page slug.
        slug: String,
    },
    /// `/YYYY/`, `/YYYY/MM/`, `/YYYY/MM/DD/`, each with `/page/N/`.
    Date {
        /// Year.
        year: i32,
        /// Month, for month and day archives.
        month: Option<u32>,
        /// Day, for day archives.
        day: Option<u32>,
        /// 1-based list page.
        page: u32,
    },
    /// `/author/NICENAME/`.
    Author {
        /// URL form of the login.
        nicename: String,
        /// 1-based list page.
        page: u32,
    },
    /// `/category/slug/`, also `/category/parent/slug/`.
    Category {
        /// The category's own slug (the last segment).
        slug: String,
        /// 1-based list page.
        page: u32,
    },
    /// `/tag/slug/`.
    Tag {
        /// Tag slug.
        slug: String,
        /// 1-based list page.
        page: u32,
    },
    /// `/YYYY/MM/slug/`: WordPress's "month and name" structure, redirected.
    MonthSlug {
        /// The post's slug.
        slug: String,
    },
    /// `…/feed/`, `…/feed/atom/`, `…/feed/json/`.
    Feed {
        /// What the feed follows.
        source: FeedSource,
        /// Its format.
        format: FeedFormat,
    },
}

/// A feed's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedFormat {
    /// RSS 2.0 (`feed/`, also `feed/rss2/`).
    Rss,
    /// Atom 1.0 (`feed/atom/`).
    Atom,
    /// JSON Feed 1.1 (`feed/json/`).
    Json,
}

impl FeedFormat {
    /// The path segment after `feed/` (empty for RSS).
    pub fn suffix(self) -> &'static str {
        match self {
            Self::Rss => "",
            Self::Atom => "atom/",
            Self::Json => "json/",
        }
    }
}

/// What a feed follows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedSource {
    /// Every article (`/feed/`).
    Site,
    /// Every approved comment (`/comments/feed/`).
    Comments,
    /// One author's articles.
    Author(String),
    /// One category's articles.
    Category(String),
    /// One tag's articles.
    Tag(String),
    /// One article's comments (`/YYYY/MM/DD/slug/feed/`).
    ArticleComments {
        /// Date in the URL.
        date: NaiveDate,
        /// Article slug.
        slug: String,
    },
    /// A page's comments, or an old `/slug/feed/` address (`/slug/feed/`).
    SlugComments(String),
}

/// The path of a feed under `base` (`/`, `/author/x/`, an article's path…).
pub fn feed_path(base: &str, format: FeedFormat) -> String {
    format!("{base}feed/{}", format.suffix())
}

/// Parses a path that ends in `/`. Paths without the slash return `None`;
/// callers redirect them when the slashed form parses.
pub fn parse(path: &str) -> Option<Route> {
    let inner = path.strip_prefix('/')?;
    if inner.is_empty() {
        return Some(Route::Home { page: 1 });
    }
    let inner = inner.strip_suffix('/')?;
    let mut segs: Vec<&str> = inner.split('/').collect();
    if segs.iter().any(|s| s.is_empty() || !s.bytes().all(is_segment_byte)) {
        return None;
    }
    if let Some(format) = take_feed(&mut segs) {
        return feed_route(&segs, format);
    }
    let page = take_page(&mut segs)?;
    match segs.as_slice() {
        [] => Some(Route::Home { page }),
        ["author", nicename] => Some(Route::Author {
            nicename: (*nicename).into(),
            page,
        }),
        ["category", .., slug] => Some(Route::Category {
            slug: (*slug).into(),
            page,
        }),
        ["tag", slug] => Some(Route::Tag {
            slug: (*slug).into(),
            page,
        }),
        [y] if is_year(y) => Some(Route::Date {
            year: y.parse().ok()?,
            month: None,
            day: None,
            page,
        }),
        [y, m, slug]
            if is_year(y) && page == 1 && two_digits(m, 1, 12).is_some() && two_digits(slug, 1, 31).is_none() =>
        {
            Some(Route::MonthSlug { slug: (*slug).into() })
        }
        [y, m] if is_year(y) => {
            let month = two_digits(m, 1, 12)?;
            Some(Route::Date {
                year: y.parse().ok()?,
                month: Some(month),
                day: None,
                page,
            })
        }
        [y, m, d] if is_year(y) => {
            let date = date(y, m, d)?;
            Some(Route::Date {
                year: date.year(),
                month: Some(date.month()),
                day: Some(date.day()),
                page,
            })
        }
        [y, m, d, slug] if is_year(y) && page == 1 => Some(Route::Article {
            date: date(y, m, d)?,
            slug: (*slug).into(),
            comment_page: 1,
        }),
        [y, m, d, slug, cp] if is_year(y) && page == 1 => {
            let n: u32 = cp.strip_prefix("comment-page-")?.parse().ok().filter(|n| *n >= 1)?;
            Some(Route::Article {
                date: date(y, m, d)?,
                slug: (*slug).into(),
                comment_page: n,
            })
        }
        [slug] if page == 1 && *slug != "page" => Some(Route::Page { slug: (*slug).into() }),
        _ => None,
    }
}

/// Removes a trailing `feed`, `feed/rss2`, `feed/atom` or `feed/json`.
fn take_feed(segs: &mut Vec<&str>) -> Option<FeedFormat> {
    let n = segs.len();
    let (format, cut) = match segs.as_slice() {
        [.., "feed"] => (FeedFormat::Rss, 1),
        [.., "feed", "rss2" | "rss"] => (FeedFormat::Rss, 2),
        [.., "feed", "atom"] => (FeedFormat::Atom, 2),
        [.., "feed", "json"] => (FeedFormat::Json, 2),
        _ => return None,
    };
    segs.truncate(n - cut);
    Some(format)
}

fn feed_route(segs: &[&str], format: FeedFormat) -> Option<Route> {
    let source = match segs {
        [] => FeedSource::Site,
        ["comments"] => FeedSource::Comments,
        ["author", nicename] => FeedSource::Author((*nicename).into()),
        ["category", .., slug] => FeedSource::Category((*slug).into()),
        ["tag", slug] => FeedSource::Tag((*slug).into()),
        [y, m, d, slug] if is_year(y) => FeedSource::ArticleComments {
            date: date(y, m, d)?,
            slug: (*slug).into(),
        },
        [slug] => FeedSource::SlugComments((*slug).into()),
        _ => return None,
    };
    Some(Route::Feed { source, format })
}

fn is_segment_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.' || b == b'%'
}

/// Removes a trailing `page/N`; `None` when N is not a positive number.
fn take_page(segs: &mut Vec<&str>) -> Option<u32> {
    if segs.len() >= 2 && segs[segs.len() - 2] == "page" {
        let n: u32 = segs[segs.len() - 1].parse().ok().filter(|n| *n >= 1)?;
        segs.truncate(segs.len() - 2);
        Some(n)
    } else {
        Some(1)
    }
}

fn is_year(s: &str) -> bool {
    s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit())
}

fn two_digits(s: &str, min: u32, max: u32) -> Option<u32> {
    if s.len() != 2 {
        return None;
    }
    s.parse().ok().filter(|n| (min..=max).contains(n))
}

fn date(y: &str, m: &str, d: &str) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y.parse().ok()?, two_digits(m, 1, 12)?, two_digits(d, 1, 31)?)
}

/// `/YYYY/MM/DD/slug/`, dated in the site's zone as WordPress does.
pub fn post_path(published_at: DateTime<Utc>, tz: Tz, slug: &str) -> String {
    post_path_for_date(published_at.with_timezone(&tz).date_naive(), slug)
}

/// `/YYYY/MM/DD/slug/` for a date already in the site's zone.
pub fn post_path_for_date(date: NaiveDate, slug: &str) -> String {
    format!("/{:04}/{:02}/{:02}/{slug}/", date.year(), date.month(), date.day())
}

/// `/slug/` for a page.
pub fn page_path(slug: &str) -> String {
    format!("/{slug}/")
}

/// The discussion page `n` of an article (the article itself for page 1).
pub fn comment_page_path(article_path: &str, n: u32) -> String {
    if n <= 1 {
        article_path.to_owned()
    } else {
        format!("{article_path}comment-page-{n}/")
    }
}

/// List page `n` under a base path (`/`, `/author/x/`, …).
pub fn list_page_path(base: &str, n: u32) -> String {
    if n <= 1 {
        base.to_owned()
    } else {
        format!("{base}page/{n}/")
    }
}

/// `/author/NICENAME/`.
pub fn author_path(nicename: &str) -> String {
    format!("/author/{nicename}/")
}

/// `/category/slug/`.
pub fn category_path(slug: &str) -> String {
    format!("/category/{slug}/")
}

/// `/tag/slug/`.
pub fn tag_path(slug: &str) -> String {
    format!("/tag/{slug}/")
}

/// `/YYYY/`, `/YYYY/MM/` or `/YYYY/MM/DD/`.
pub fn date_path(year: i32, month: Option<u32>, day: Option<u32>) -> String {
    match (month, day) {
        (Some(m), Some(d)) => format!("/{year:04}/{m:02}/{d:02}/"),
        (Some(m), None) => format!("/{year:04}/{m:02}/"),
        _ => format!("/{year:04}/"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn public_paths_parse() {
        use Route::*;
        let cases = [
            ("/", Home { page: 1 }),
            ("/page/3/", Home { page: 3 }),
            (
                "/2024/01/26/hello-world/",
                Article {
                    date: d(2024, 1, 26),
                    slug: "hello-world".into(),
                    comment_page: 1,
                },
            ),
            (
                "/2024/01/26/hello-world/comment-page-2/",
                Article {
                    date: d(2024, 1, 26),
                    slug: "hello-world".into(),
                    comment_page: 2,
                },
            ),
            (
                "/2024/",
                Date {
                    year: 2024,
                    month: None,
                    day: None,
                    page: 1,
                },
            ),
            (
                "/2024/01/page/2/",
                Date {
                    year: 2024,
                    month: Some(1),
                    day: None,
                    page: 2,
                },
            ),
            (
                "/2024/01/26/",
                Date {
                    year: 2024,
                    month: Some(1),
                    day: Some(26),
                    page: 1,
                },
            ),
            (
                "/author/jane-doe/",
                Author {
                    nicename: "jane-doe".into(),
                    page: 1,
                },
            ),
            (
                "/author/jane-doe/page/2/",
                Author {
                    nicename: "jane-doe".into(),
                    page: 2,
                },
            ),
            (
                "/category/world/europe/",
                Category {
                    slug: "europe".into(),
                    page: 1,
                },
            ),
            (
                "/tag/elections/page/4/",
                Tag {
                    slug: "elections".into(),
                    page: 4,
                },
            ),
            ("/about/", Page { slug: "about".into() }),
            (
                "/2024/01/hello-world/",
                MonthSlug {
                    slug: "hello-world".into(),
                },
            ),
        ];
        for (path, route) in cases {
            assert_eq!(parse(path), Some(route), "{path}");
        }
    }

    #[test]
    fn malformed_paths_do_not_parse() {
        for path in [
            "/2024/13/",
            "/2024/02/30/x/",
            "/page/0/",
            "/page/x/",
            "/a//b/",
            "/x/y/z/",
            "/about",
            "/2024/1/",
            "/<script>/",
            "/a/b/c/d/e/f/",
        ] {
            assert_eq!(parse(path), None, "{path}");
        }
    }

    #[test]
    fn built_paths_parse_back() {
        let at = DateTime::parse_from_rfc3339("2024-01-26T23:30:00Z").unwrap().to_utc();
        assert_eq!(post_path(at, Tz::UTC, "x"), "/2024/01/26/x/");
        // Already the 27th in Sydney: the URL follows the site's zone.
        assert_eq!(post_path(at, Tz::Australia__Sydney, "x"), "/2024/01/27/x/");
        assert_eq!(comment_page_path("/2024/01/26/x/", 2), "/2024/01/26/x/comment-page-2/");
        assert_eq!(list_page_path("/tag/a/", 1), "/tag/a/");
        assert_eq!(list_page_path("/tag/a/", 2), "/tag/a/page/2/");
        assert_eq!(date_path(2024, Some(1), None), "/2024/01/");
        for p in [
            post_path(at, Tz::UTC, "x"),
            author_path("a"),
            category_path("c"),
            tag_path("t"),
            date_path(2024, Some(1), Some(2)),
        ] {
            assert!(parse(&p).is_some(), "{p}");
        }
    }
}
