//! Who the client is (issue 10, finding 11): `X-Forwarded-For` believed only
//! from trusted proxies, and rate limits counting a client by its network.

use reqwest::StatusCode;

use crate::admin::{PASSWORD, add_user};
use crate::support::{Running, Site, attrs, cookies, form};

/// A site with one article, the flood check at its default (15 s).
async fn site_with_article(args: &[&str], behind_proxy: bool) -> (Site, String) {
    let mut all = vec!["--no-sample"];
    all.extend_from_slice(args);
    let site = if behind_proxy {
        Site::start_with(&all).await
    } else {
        Site::start_direct(&all).await
    };
    site.add_author("jane", "Jane Doe");
    let (id, _) = site.publish("jane", "Budget day", "2024-01-26 10:00");
    (site, id.to_string())
}

/// Posts a comment (text made unique by `n`) with `x-forwarded-for: forwarded`.
async fn post_from(site: &Site, article: &str, n: u32, forwarded: &str) -> StatusCode {
    let text = format!("Comment number {n}.");
    let name = format!("Reader {n}");
    let email = format!("reader{n}@example.com");
    site.post_comment_as(&form(article, &text, &name, &email), forwarded, None)
        .await
        .status()
}

/// The address moderators see on the newest comment.
fn newest_address(site: &Site) -> String {
    let comments = site.comments_json(None);
    let newest = comments.iter().max_by_key(|c| c["id"].as_i64()).expect("a comment");
    newest["author_ip"].as_str().unwrap().to_owned()
}

/// On a server reachable directly, forged `X-Forwarded-For` headers posted
/// 2,000 of 2,000 comments past the flood check. From a peer that is not a
/// trusted proxy the header is ignored: a second comment from the same real
/// address inside the flood window is refused whatever it claims.
#[tokio::test]
async fn forged_forwarded_for_from_an_untrusted_peer_is_ignored() {
    for args in [vec![], vec!["--trusted-proxy", "192.0.2.0/24"]] {
        let (site, article) = site_with_article(&args, false).await;
        assert_eq!(
            post_from(&site, &article, 1, "203.0.113.1").await,
            StatusCode::SEE_OTHER
        );
        assert_eq!(
            newest_address(&site),
            "127.0.0.1",
            "{args:?}: the real peer is recorded"
        );
        assert_eq!(
            post_from(&site, &article, 2, "203.0.113.2").await,
            StatusCode::TOO_MANY_REQUESTS,
            "{args:?}: a forged header does not pass the flood check"
        );
    }
}

/// The same report, behind a trusted proxy: the client is the right-most
/// hop that is not a trusted proxy, so a forged left part does not help.
#[tokio::test]
async fn the_right_most_untrusted_hop_is_the_client() {
    let (site, article) = site_with_article(&["--trusted-proxy", "10.0.0.0/8"], true).await;
    let first = post_from(&site, &article, 1, "198.51.100.1, 203.0.113.7, 10.0.0.2").await;
    assert_eq!(first, StatusCode::SEE_OTHER);
    assert_eq!(newest_address(&site), "203.0.113.7");
    assert_eq!(
        post_from(&site, &article, 2, "198.51.100.99, 203.0.113.7, 10.0.0.3").await,
        StatusCode::TOO_MANY_REQUESTS,
        "a different forged left part is the same client"
    );
    assert_eq!(
        post_from(&site, &article, 3, "203.0.113.8, 10.0.0.2").await,
        StatusCode::SEE_OTHER,
        "another client behind the same proxies is not affected"
    );
}

/// An IPv6 visitor can use any address of their /64: each comment from a
/// fresh one passed the flood check. Addresses in one /64 share the limit;
/// moderators still see the full address.
#[tokio::test]
async fn ipv6_addresses_in_one_64_share_the_flood_limit() {
    let (site, article) = site_with_article(&[], true).await;
    assert_eq!(
        post_from(&site, &article, 1, "2001:db8:1:2::1").await,
        StatusCode::SEE_OTHER
    );
    assert_eq!(newest_address(&site), "2001:db8:1:2::1");
    assert_eq!(
        post_from(&site, &article, 2, "2001:db8:1:2:ffff::9").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        post_from(&site, &article, 3, "2001:db8:1:3::1").await,
        StatusCode::SEE_OTHER
    );
}

/// `::ffff:192.0.2.5` is how a dual-stack socket reports the IPv4 client
/// 192.0.2.5, and it counted as another client. It is that IPv4 address.
#[tokio::test]
async fn an_ipv4_mapped_address_counts_as_its_ipv4_address() {
    let (site, article) = site_with_article(&[], true).await;
    assert_eq!(post_from(&site, &article, 1, "192.0.2.5").await, StatusCode::SEE_OTHER);
    assert_eq!(
        post_from(&site, &article, 2, "::ffff:192.0.2.5").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        post_from(&site, &article, 3, "::ffff:198.51.100.5").await,
        StatusCode::SEE_OTHER
    );
    assert_eq!(newest_address(&site), "198.51.100.5");
}

/// A sign-in from `forwarded`; its status.
async fn sign_in_from(site: &Site, forwarded: &str, login: &str, password: &str) -> StatusCode {
    let page = site.get_with("/admin/login", &[("x-forwarded-for", forwarded)]).await;
    let cookie = cookies(&page);
    let html = page.text().await.unwrap();
    let csrf = attrs(&html, "input[name=csrf]", "value").remove(0);
    site.http()
        .post(site.url("/admin/login"))
        .header("x-forwarded-for", forwarded)
        .header("cookie", cookie)
        .header("origin", &site.base)
        .form(&[("csrf", csrf.as_str()), ("login", login), ("password", password)])
        .send()
        .await
        .unwrap()
        .status()
}

/// The sign-in lock per address had the same holes as the flood check. It
/// counts a client the same way: an IPv6 /64, an IPv4-mapped address as
/// the IPv4 one.
#[tokio::test]
async fn the_sign_in_lock_counts_a_client_by_its_network() {
    let site = Site::start().await;
    add_user(&site, "omar", "author");
    let cases = [
        (
            ["2001:db8:9:9::1", "2001:db8:9:9::2"],
            "2001:db8:9:9::99",
            "2001:db8:9:a::1",
        ),
        (["192.0.2.77", "192.0.2.77"], "::ffff:192.0.2.77", "192.0.2.78"),
    ];
    for (failing, same, other) in cases {
        // Five failures against as many logins, so only the address is locked.
        for n in 0..5 {
            let from = failing[n % 2];
            let status = sign_in_from(&site, from, &format!("guess{n}"), "not the password").await;
            // The fifth locks the address and says so.
            let expected = if n < 4 {
                StatusCode::UNAUTHORIZED
            } else {
                StatusCode::TOO_MANY_REQUESTS
            };
            assert_eq!(status, expected, "failure {n} from {from}");
        }
        assert_eq!(
            sign_in_from(&site, same, "omar", PASSWORD).await,
            StatusCode::TOO_MANY_REQUESTS,
            "{same} is the locked client"
        );
        assert_eq!(
            sign_in_from(&site, other, "omar", PASSWORD).await,
            StatusCode::SEE_OTHER,
            "{other} is another client"
        );
    }
}

/// `X-Forwarded-Proto` decided the scheme of the site's links for anyone.
/// It is believed only from a trusted proxy.
#[tokio::test]
async fn forwarded_proto_is_believed_only_from_a_trusted_proxy() {
    for (behind_proxy, scheme) in [(false, "http://"), (true, "https://")] {
        let (site, _) = site_with_article(&["--page-cache-mib", "0"], behind_proxy).await;
        let res = site.get_with("/", &[("x-forwarded-proto", "https")]).await;
        let html = res.text().await.unwrap();
        let canonical = attrs(&html, "link[rel=canonical]", "href").remove(0);
        assert!(
            canonical.starts_with(scheme),
            "behind a proxy: {behind_proxy}: {canonical}"
        );
    }
}

/// `--trust-forwarded-for` trusted any client. It stays as a deprecated way
/// to trust a proxy on this machine, and says so.
#[tokio::test]
async fn trust_forwarded_for_is_a_deprecated_alias_for_loopback_proxies() {
    let site = Running::start(&["--trust-forwarded-for"]);
    assert!(
        site.server.logged("--trust-forwarded-for is deprecated"),
        "{:?}",
        site.server.log
    );
    let html = reqwest::Client::new()
        .get(format!("{}/", site.server.base))
        .header("x-forwarded-proto", "https")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let canonical = attrs(&html, "link[rel=canonical]", "href").remove(0);
    assert!(canonical.starts_with("https://"), "loopback is trusted: {canonical}");
}
