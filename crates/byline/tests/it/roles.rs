//! WordPress's role rules where byline had been looser: whose profile an
//! editor may edit, and who may write pages. Forged requests are refused
//! with nothing changed, and the forms do not offer what a role cannot do.

use reqwest::StatusCode;

use crate::admin::{Browser, add_user, signed_in};
use crate::support::{Site, attrs, created_id, location};

/// An author's record from `byline author list --json`.
fn author(site: &Site, login: &str) -> serde_json::Value {
    let list: serde_json::Value = serde_json::from_str(&site.cli(&["author", "list", "--json"]).ok()).unwrap();
    list.as_array()
        .unwrap()
        .iter()
        .find(|a| a["login"] == login)
        .cloned()
        .unwrap_or_else(|| panic!("no author {login}"))
}

fn profile_url(site: &Site, login: &str) -> String {
    format!("/admin/authors/{}", author(site, login)["id"])
}

async fn save_profile(b: &Browser<'_>, url: &str, tagline: &str) -> reqwest::Response {
    // The token comes from the user's own profile page: a forged request
    // that has everything but the permission.
    b.post(
        "/admin/profile",
        url,
        &[
            ("display_name", "Renamed"),
            ("tagline", tagline),
            ("bio", "Rewritten."),
            ("website", ""),
        ],
    )
    .await
}

/// Reproduces: editors could rewrite the administrator's public profile.
/// As in WordPress, they may not edit administrators' or other editors'
/// profiles; byline lets them edit authors' and contributors'.
#[tokio::test]
async fn editors_edit_only_the_profiles_of_authors_and_contributors() {
    let site = Site::start().await;
    for (login, role) in [
        ("boss", "administrator"),
        ("ed", "editor"),
        ("eve", "editor"),
        ("jane", "author"),
        ("cora", "contributor"),
    ] {
        add_user(&site, login, role);
    }
    site.add_author("guest", "Guest Writer");
    let ed = signed_in(&site, "ed").await;
    for login in ["boss", "eve"] {
        let url = profile_url(&site, login);
        assert_eq!(ed.get(&url).await.status(), StatusCode::FORBIDDEN, "{login}");
        let res = save_profile(&ed, &url, "taken over").await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{login}");
        let record = author(&site, login);
        assert_eq!(record["name"], format!("{login} name"), "{login} is unchanged");
        assert_ne!(record["tagline"], "taken over");
    }
    for login in ["jane", "cora", "guest"] {
        let url = profile_url(&site, login);
        assert_eq!(ed.get(&url).await.status(), StatusCode::OK, "{login}");
        let res = save_profile(&ed, &url, "staff writer").await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{login}");
        assert_eq!(author(&site, login)["tagline"], "staff writer");
    }
    let listed = ed.page("/admin/authors").await;
    let links = attrs(&listed, "a", "href");
    for login in ["jane", "cora", "guest"] {
        assert!(links.contains(&profile_url(&site, login)), "{login} is offered");
    }
    for login in ["boss", "eve"] {
        assert!(!links.contains(&profile_url(&site, login)), "{login} is not offered");
    }
    assert!(links.contains(&"/admin/profile".to_owned()), "their own");

    let boss = signed_in(&site, "boss").await;
    let res = save_profile(&boss, &profile_url(&site, "eve"), "desk editor").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "administrators edit anyone");
    assert_eq!(author(&site, "eve")["tagline"], "desk editor");
}

fn pages(site: &Site) -> Vec<serde_json::Value> {
    serde_json::from_str::<serde_json::Value>(&site.cli(&["post", "list", "--pages", "--json"]).ok())
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

/// Reproduces: contributors could create pages, which WordPress does not
/// allow them. Nor does it allow authors: only editors and administrators
/// have `edit_pages`.
#[tokio::test]
async fn only_editors_and_administrators_write_pages() {
    let site = Site::start().await;
    add_user(&site, "cora", "contributor");
    add_user(&site, "jane", "author");
    add_user(&site, "ed", "editor");
    let file = site.write_file("---\ntitle: About\nauthor: jane\nstatus: published\n---\n\nAbout us.\n");
    let about = created_id(&site.cli(&["post", "new", "--page", file.to_str().unwrap()]).ok());
    let page_fields = [
        ("kind", "page"),
        ("title", "Masthead"),
        ("slug", ""),
        ("body", "Who we are."),
        ("status", "draft"),
        ("comments", "1"),
    ];
    for login in ["cora", "jane"] {
        let b = signed_in(&site, login).await;
        let list = b.page("/admin/articles").await;
        assert!(
            !attrs(&list, "a", "href").iter().any(|h| h.contains("kind=page")),
            "{login} is not offered pages"
        );
        assert_eq!(
            b.get("/admin/articles/new?kind=page").await.status(),
            StatusCode::FORBIDDEN
        );
        assert_eq!(b.get("/admin/articles?kind=page").await.status(), StatusCode::FORBIDDEN);
        let res = b.post("/admin/articles/new", "/admin/articles", &page_fields).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{login} cannot create a page");
        // Not even a page under their own name.
        let edit = format!("/admin/articles/{about}/edit");
        assert_eq!(b.get(&edit).await.status(), StatusCode::FORBIDDEN, "{login}");
        let res = b
            .post(
                "/admin/articles/new",
                &format!("/admin/articles/{about}"),
                &[("title", "Taken"), ("body", "x"), ("status", "draft")],
            )
            .await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{login}");
        let res = b
            .post("/admin/articles/new", &format!("/admin/articles/{about}/trash"), &[])
            .await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{login}");
        // Articles are still theirs to write.
        assert_eq!(b.get("/admin/articles/new").await.status(), StatusCode::OK);
    }
    let now = pages(&site);
    assert_eq!(now.len(), 1, "{now:?}");
    assert_eq!(
        (now[0]["title"].as_str(), now[0]["status"].as_str()),
        (Some("About"), Some("published"))
    );

    let ed = signed_in(&site, "ed").await;
    let list = ed.page("/admin/articles").await;
    assert!(attrs(&list, "a", "href").iter().any(|h| h.contains("kind=page")));
    let res = ed
        .post("/admin/articles/new?kind=page", "/admin/articles", &page_fields)
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(location(&res).starts_with("/admin/articles/"));
    assert_eq!(pages(&site).len(), 2, "the editor's page was made");
}
