//! Where a redirect may send a browser: only to a path on this site.
//!
//! Targets come from input an attacker writes (`redirect_to`, `next`,
//! `return_to`, the `Referer` header), and browsers read a `Location`
//! leniently: they drop tabs and newlines, strip leading spaces and control
//! characters, take a backslash for a slash, and go to another site for
//! `//host`, `/\host` or `https:host`. So a target is first read the way a
//! browser reads it (the WHATWG URL parser, which is what browsers use), and
//! judged afterwards.

use url::Url;

/// The path, query and fragment that `target` leads to from a page of the
/// site at `base` (such as `https://news.example`), if it stays on that
/// site; `None` for anything that would leave it or cannot be read. The
/// result is percent-encoded, so it is always a valid `Location` header.
pub fn same_site_path(target: &str, base: &str) -> Option<String> {
    let base = Url::parse(&format!("{}/", base.trim_end_matches('/')))
        .ok()
        .filter(Url::has_host)?;
    let url = base.join(target).ok()?;
    // The scheme may differ (a `Referer` seen through a TLS proxy), the host may not.
    if !url.has_host() || url.host_str() != base.host_str() || url.port() != base.port() {
        return None;
    }
    let path = url.path();
    // Written out as a bare path, `//host/` would mean another site; refuse its
    // percent-encoded forms too, in case anything in front decodes them.
    let head = path.get(..4).unwrap_or(path).to_ascii_lowercase();
    if !path.starts_with('/') || path.starts_with("//") || head == "/%2f" || head == "/%5c" {
        return None;
    }
    let mut out = path.to_owned();
    if let Some(query) = url.query() {
        out.push('?');
        out.push_str(query);
    }
    if let Some(fragment) = url.fragment() {
        out.push('#');
        out.push_str(fragment);
    }
    Some(out)
}

/// [`same_site_path`], and only within `section` (such as `/admin`): the
/// section itself or anything below it.
pub fn same_site_path_within(target: &str, base: &str, section: &str) -> Option<String> {
    same_site_path(target, base).filter(|p| {
        p.strip_prefix(section)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(['/', '?', '#']))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "http://news.example:8080";

    #[test]
    fn paths_on_the_site_are_kept() {
        for (target, path) in [
            ("/2024/01/26/budget/", "/2024/01/26/budget/"),
            ("/a b/?q=é#c", "/a%20b/?q=%C3%A9#c"),
            ("http://news.example:8080/x/?y=1", "/x/?y=1"),
            ("https://news.example:8080/x/", "/x/"),
            ("  /x/", "/x/"),
            ("/x/\r\nSet-Cookie: a=b", "/x/Set-Cookie:%20a=b"),
            ("relative", "/relative"),
        ] {
            assert_eq!(same_site_path(target, BASE).as_deref(), Some(path), "{target:?}");
        }
    }

    #[test]
    fn anything_a_browser_would_take_off_site_is_refused() {
        for target in [
            "//evil.example/",
            "/\\evil.example/",
            "\\\\evil.example/",
            "/\t/evil.example/",
            "/\n/evil.example/",
            "\t//evil.example/",
            "\u{1}//evil.example/",
            " //evil.example/",
            "\\/evil.example/",
            "/.//evil.example/",
            "https:evil.example",
            "https:/evil.example",
            "https://evil.example/",
            "http://news.example:8080@evil.example/",
            "http://news.example/",
            "http://news.example:8080.evil.example/",
            "javascript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "/%2F/evil.example/",
            "/%5cevil.example/",
            "",
        ] {
            let got = same_site_path(target, BASE);
            assert!(
                target.is_empty() && got.as_deref() == Some("/") || got.is_none(),
                "{target:?} gave {got:?}"
            );
        }
    }

    #[test]
    fn sections_are_whole_segments() {
        assert_eq!(
            same_site_path_within("/admin/articles?kind=page", BASE, "/admin").as_deref(),
            Some("/admin/articles?kind=page")
        );
        assert_eq!(
            same_site_path_within("/admin", BASE, "/admin").as_deref(),
            Some("/admin")
        );
        assert_eq!(same_site_path_within("/administrivia", BASE, "/admin"), None);
        assert_eq!(same_site_path_within("/2024/", BASE, "/admin"), None);
        // A backslash inside the path is a slash, and the path stays on the site.
        assert_eq!(
            same_site_path_within("/admin/\\evil.example", BASE, "/admin").as_deref(),
            Some("/admin//evil.example")
        );
    }
}
