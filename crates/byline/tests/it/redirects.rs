//! Redirect targets taken from input (`redirect_to`, `next`, `return_to`,
//! `Referer`) lead only to paths on this site, however a browser would
//! read them.

use reqwest::{Response, StatusCode};

use crate::admin::{Browser, PASSWORD, add_user, signed_in};
use crate::support::{Site, attrs, comment_id, form, location};

/// Targets a browser would follow to another site (each in a form field;
/// the ones a header can carry also in `Referer`).
const OFF_SITE: [&str; 17] = [
    "/\\evil.example/",
    "/\t/evil.example/",
    "//evil.example/",
    "\\\\evil.example/",
    "\\/evil.example/",
    "/\\/evil.example/",
    " //evil.example/",
    "\t//evil.example/",
    "/.//evil.example/",
    "/admin/..//evil.example/",
    "/%2F/evil.example/",
    "/%5Cevil.example/",
    "https:evil.example",
    "https:/evil.example/",
    "https://evil.example/",
    "http://evil.example/admin/",
    "javascript:alert(document.domain)",
];

/// Targets with characters no header can carry (the last ones once passed
/// the old string checks and made the handler panic).
const CONTROL: [&str; 4] = [
    "/\n/evil.example/",
    "\u{1}//evil.example/",
    "/x\r\nSet-Cookie: owned=1",
    "/admin/comments\r\nSet-Cookie: owned=1",
];

/// Whether a browser stays on this site when it follows `res`.
#[track_caller]
fn stays_on_site(res: &Response, what: &str) {
    let to = location(res);
    if to.is_empty() {
        return;
    }
    assert!(
        to.starts_with('/')
            && !to.starts_with("//")
            && !to.starts_with("/\\")
            && !to.to_ascii_lowercase().starts_with("/%2f")
            && !to.to_ascii_lowercase().starts_with("/%5c")
            && to.bytes().all(|b| b.is_ascii_graphic()),
        "{what}: redirected to {to:?}"
    );
    assert!(
        !res.headers()
            .get_all("set-cookie")
            .iter()
            .any(|c| c.to_str().unwrap_or("").starts_with("owned=")),
        "{what}: a header was injected"
    );
}

/// Reproduces: `POST /wp-login.php?action=postpass` with
/// `redirect_to=/\evil.example/` (or `/<TAB>/evil.example/`, or that value
/// in `Referer`) sent the browser to another site.
#[tokio::test]
async fn the_article_password_form_never_sends_the_browser_off_site() {
    let site = Site::start().await;
    let path = site.protected_article("ledger-12");
    let article = site.url(&path);
    for evil in OFF_SITE {
        // In the form, with the article as the referring page: back to the article.
        let res = site
            .post_password(
                &[("post_password", "ledger-12"), ("redirect_to", evil)],
                &site.fresh_ip(),
                &[("referer", &article)],
            )
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "redirect_to={evil:?}");
        assert_eq!(location(&res), path, "redirect_to={evil:?}");
        // In the form with no other clue: refused, nowhere to go.
        let res = site
            .post_password(
                &[("post_password", "ledger-12"), ("redirect_to", evil)],
                &site.fresh_ip(),
                &[],
            )
            .await;
        stays_on_site(&res, &format!("redirect_to={evil:?}"));
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "redirect_to={evil:?}");
        assert!(res.text().await.unwrap().contains("did not come from"));
    }
    for evil in CONTROL {
        // Once answered with a panic and a dropped connection.
        let res = site
            .post_password(
                &[("post_password", "ledger-12"), ("redirect_to", evil)],
                &site.fresh_ip(),
                &[("referer", &article)],
            )
            .await;
        stays_on_site(&res, &format!("redirect_to={evil:?}"));
        assert!(
            [StatusCode::SEE_OTHER, StatusCode::BAD_REQUEST].contains(&res.status()),
            "redirect_to={evil:?}: {}",
            res.status()
        );
    }
    for evil in OFF_SITE {
        let res = site
            .post_password(
                &[("post_password", "ledger-12")],
                &site.fresh_ip(),
                &[("referer", evil)],
            )
            .await;
        stays_on_site(&res, &format!("Referer: {evil:?}"));
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "Referer: {evil:?}");
    }
    // WordPress's own form sends no redirect_to: the Referer leads back.
    let res = site
        .post_password(
            &[("post_password", "ledger-12")],
            &site.fresh_ip(),
            &[("referer", &format!("{article}#respond"))],
        )
        .await;
    assert_eq!(location(&res), format!("{path}#respond"));
}

/// Reproduces: the sign-in page's `next=` was judged by string tests a
/// browser reads differently; every target is now read as a browser would.
#[tokio::test]
async fn signing_in_never_leads_off_site() {
    let site = Site::start().await;
    add_user(&site, "jane", "editor");
    let signed = signed_in(&site, "jane").await;
    for evil in OFF_SITE.iter().chain(&CONTROL) {
        let url = reqwest::Url::parse_with_params(&site.url("/admin/login"), [("next", evil)]).unwrap();
        let login = format!("/admin/login?{}", url.query().unwrap());
        let html = Browser::new(&site).page(&login).await;
        let next = attrs(&html, "input[name=next]", "value");
        let res = signed.get(&login).await;
        stays_on_site(&res, &format!("signed in, next={evil:?}"));
        if OFF_SITE.contains(evil) {
            assert_eq!(next, ["/admin/"], "next={evil:?}");
            assert_eq!(location(&res), "/admin/", "signed in, next={evil:?}");
        } else {
            assert!(next[0].starts_with("/admin/") && next[0].bytes().all(|b| b.is_ascii_graphic()));
        }
    }
    // Signing in checks the form's `next` too (a few: each costs a password hash).
    for evil in ["/\\evil.example/", "/\t/evil.example/", "/x\r\nSet-Cookie: owned=1"] {
        let res = Browser::new(&site)
            .post(
                "/admin/login",
                "/admin/login",
                &[("login", "jane"), ("password", PASSWORD), ("next", evil)],
            )
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        stays_on_site(&res, &format!("next={evil:?}"));
        assert_eq!(location(&res), "/admin/", "next={evil:?}");
    }
    let b = Browser::new(&site);
    let res = b
        .post(
            "/admin/login",
            "/admin/login",
            &[
                ("login", "jane"),
                ("password", PASSWORD),
                ("next", "/admin/articles?kind=post&status=draft"),
            ],
        )
        .await;
    assert_eq!(
        location(&res),
        "/admin/articles?kind=post&status=draft",
        "an admin page is kept"
    );
}

/// Reproduces: the moderation queue's `return_to` was judged by string
/// tests a browser reads differently; it now goes through the same check.
#[tokio::test]
async fn moderating_never_leads_off_site() {
    let site = Site::start().await;
    site.add_author("jane", "Jane Doe");
    let (id, _) = site.publish("jane", "Rates", "2024-05-01 08:00");
    add_user(&site, "ed", "editor");
    let ed = signed_in(&site, "ed").await;
    for (n, evil) in OFF_SITE.iter().chain(&CONTROL).enumerate() {
        let text = format!("Held comment number {n}.");
        let res = site
            .post_comment(&form(&id.to_string(), &text, "Ann", "ann@example.org"))
            .await;
        let comment = comment_id(&location(&res)).to_string();
        let one = format!("approve:{comment}");
        let res = ed
            .post(
                "/admin/comments",
                "/admin/comments/action",
                &[("one", &one), ("return_to", evil)],
            )
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        stays_on_site(&res, &format!("return_to={evil:?}"));
        assert_eq!(location(&res), "/admin/comments?notice=approve:1", "return_to={evil:?}");
    }
}
