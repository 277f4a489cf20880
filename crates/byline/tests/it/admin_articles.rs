//! Writing in the admin over HTTP: the editor and its preview, who may
//! publish what, revisions, corrections, scheduling, and the trash.

use reqwest::StatusCode;

use crate::admin::{Browser, add_user, signed_in};
use crate::support::{Site, attrs, location, texts};

/// Saves the editor form at `form_page` to `action` with `fields`.
async fn save(b: &Browser<'_>, form_page: &str, action: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    let mut all = vec![("save", "1"), ("comments", "1")];
    all.extend_from_slice(fields);
    b.post(form_page, action, &all).await
}

fn id_from(location: &str) -> i64 {
    location
        .trim_start_matches("/admin/articles/")
        .split('/')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn an_author_writes_previews_and_publishes() {
    let site = Site::start().await;
    add_user(&site, "jane", "author");
    let jane = signed_in(&site, "jane").await;
    let editor = jane.page("/admin/articles/new").await;
    assert_eq!(texts(&editor, "h1"), ["New article"]);

    // The preview is the public renderer's output.
    let csrf = jane.csrf("/admin/articles/new").await;
    let res = jane
        .post_raw(
            "/admin/preview",
            &[("csrf", &csrf), ("body", "Hello **world** <script>x</script>")],
            Some(&site.base),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("<strong>world</strong>") && !html.contains("<script"),
        "{html}"
    );
    let res = jane.post_raw("/admin/preview", &[("body", "x")], None).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "the preview needs the token too");

    // A bad slug keeps everything typed.
    let res = save(
        &jane,
        "/admin/articles/new",
        "/admin/articles",
        &[
            ("title", "Rates rise again"),
            ("slug", "no spaces allowed!"),
            ("body", "The bank moved."),
            ("status", "published"),
            ("categories", "Economy, Banks"),
            ("tags", "rates"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert_eq!(attrs(&html, "#title", "value"), ["Rates rise again"]);
    assert_eq!(texts(&html, "#body"), ["The bank moved."]);
    assert_eq!(attrs(&html, "#slug", "aria-invalid"), ["true"]);

    let res = save(
        &jane,
        "/admin/articles/new",
        "/admin/articles",
        &[
            ("title", "Rates rise again"),
            ("body", "The bank **moved**."),
            ("status", "published"),
            ("categories", "Economy, Banks"),
            ("tags", "rates"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let edit = location(&res);
    assert!(edit.ends_with("/edit?notice=published"), "{edit}");
    let html = jane.page(&edit).await;
    let public = attrs(&html, "a#view-article", "href")[0].clone();
    let page = site.page(&public).await;
    assert_eq!(texts(&page, "h1.headline"), ["Rates rise again"]);
    assert!(page.contains("<strong>moved</strong>"));
    assert_eq!(texts(&page, ".kicker a"), ["Banks", "Economy"]);

    // The list filters by status and finds by title.
    let list = jane.page("/admin/articles?status=published&q=rates").await;
    assert_eq!(texts(&list, "td .row-title"), ["Rates rise again"]);
    assert!(
        jane.page("/admin/articles?status=draft")
            .await
            .contains("Nothing here yet")
    );

    // Another article with the same slug is refused at the slug field.
    let res = save(
        &jane,
        "/admin/articles/new",
        "/admin/articles",
        &[
            ("title", "Other"),
            ("slug", "rates-rise-again"),
            ("body", "x"),
            ("status", "draft"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(texts(&res.text().await.unwrap(), "#slug-error")[0].contains("Choose another address"));
}

#[tokio::test]
async fn roles_decide_who_publishes_and_edits_what() {
    let site = Site::start().await;
    add_user(&site, "contrib", "contributor");
    add_user(&site, "jane", "author");
    add_user(&site, "ed", "editor");
    let contributor = signed_in(&site, "contrib").await;
    let form = contributor.page("/admin/articles/new").await;
    assert_eq!(
        attrs(&form, "#status option", "value"),
        ["draft", "pending"],
        "no publishing choices"
    );
    assert!(attrs(&form, "#author", "name").is_empty(), "no author choice");

    // A forged "published" is refused, nothing is stored.
    let res = save(
        &contributor,
        "/admin/articles/new",
        "/admin/articles",
        &[("title", "Scoop"), ("body", "x"), ("status", "published")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(site.cli(&["post", "list"]).ok().lines().count() <= 1, "nothing saved");
    let res = save(
        &contributor,
        "/admin/articles/new",
        "/admin/articles",
        &[("title", "Scoop"), ("body", "x"), ("status", "pending")],
    )
    .await;
    assert_eq!(location(&res).split('?').nth(1), Some("notice=submitted"));
    let scoop = id_from(&location(&res));

    // The author cannot touch it; the editor publishes it under another byline.
    let jane = signed_in(&site, "jane").await;
    assert_eq!(
        jane.get(&format!("/admin/articles/{scoop}/edit")).await.status(),
        StatusCode::FORBIDDEN
    );
    let csrf = jane.csrf("/admin/articles/new").await;
    let res = jane
        .post_raw(
            &format!("/admin/articles/{scoop}"),
            &[("csrf", &csrf), ("title", "Hijacked"), ("status", "published")],
            Some(&site.base),
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = jane
        .post_raw(
            &format!("/admin/articles/{scoop}/trash"),
            &[("csrf", &csrf)],
            Some(&site.base),
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    let ed = signed_in(&site, "ed").await;
    let page = format!("/admin/articles/{scoop}/edit");
    let html = ed.page(&page).await;
    let jane_id = attrs(&html, "#author option", "value")
        .into_iter()
        .zip(texts(&html, "#author option"))
        .find(|(_, name)| name == "jane name")
        .unwrap()
        .0;
    let res = save(
        &ed,
        &page,
        &format!("/admin/articles/{scoop}"),
        &[
            ("title", "Scoop"),
            ("body", "Checked."),
            ("status", "published"),
            ("author", &jane_id),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let posts: serde_json::Value = serde_json::from_str(&site.cli(&["post", "list", "--json"]).ok()).unwrap();
    assert_eq!(posts[0]["status"], "published");
    assert_eq!(
        posts[0]["author_id"].to_string(),
        jane_id,
        "published under Jane's byline"
    );

    // Published now: the contributor can no longer edit it.
    assert_eq!(contributor.get(&page).await.status(), StatusCode::FORBIDDEN);
    // The author can, since it is under her byline now.
    assert_eq!(jane.get(&page).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn revisions_corrections_trash_and_scheduling() {
    let site = Site::start().await;
    add_user(&site, "ed", "editor");
    let ed = signed_in(&site, "ed").await;
    let res = save(
        &ed,
        "/admin/articles/new",
        "/admin/articles",
        &[
            ("title", "First headline"),
            ("body", "Version one."),
            ("status", "published"),
        ],
    )
    .await;
    let id = id_from(&location(&res));
    let page = format!("/admin/articles/{id}/edit");
    let action = format!("/admin/articles/{id}");
    save(
        &ed,
        &page,
        &action,
        &[
            ("title", "Second headline"),
            ("body", "Version two."),
            ("status", "published"),
        ],
    )
    .await;
    save(
        &ed,
        &page,
        &action,
        &[
            ("title", "Second headline"),
            ("body", "Version two."),
            ("status", "published"),
        ],
    )
    .await;
    let revisions = ed.page(&format!("/admin/articles/{id}/revisions")).await;
    let items = texts(&revisions, ".revision-list li");
    assert_eq!(
        items.len(),
        2,
        "a save that changes nothing keeps no revision: {items:?}"
    );
    assert!(
        items[0].contains("by ed name") && items[0].contains("(current)"),
        "{items:?}"
    );
    let oldest = attrs(&revisions, ".revision-list li a", "href")[1].clone();
    let shown = ed.page(&oldest).await;
    assert!(shown.contains("Version one."));
    let rev = oldest.rsplit('=').next().unwrap().to_owned();
    let res = ed
        .post(&oldest, &format!("/admin/articles/{id}/revisions/{rev}/restore"), &[])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let public = attrs(&ed.page(&page).await, "a#view-article", "href")[0].clone();
    assert_eq!(texts(&site.page(&public).await, "h1.headline"), ["First headline"]);
    assert_eq!(
        texts(
            &ed.page(&format!("/admin/articles/{id}/revisions")).await,
            ".revision-list li"
        )
        .len(),
        3
    );

    // A correction shows under the article with its date, and the article says it was updated.
    let res = ed
        .post(
            &page,
            &format!("/admin/articles/{id}/notes"),
            &[
                ("kind", "correction"),
                ("body", "An earlier version misstated the rate."),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let article = site.page(&public).await;
    let note = texts(&article, ".article-notes .note-correction");
    assert!(
        note[0].starts_with("Correction,") && note[0].contains("misstated the rate"),
        "{note:?}"
    );
    assert_eq!(texts(&article, ".updated").len(), 1, "the updated date shows");

    // Trash takes it off the site; restore brings it back as it was.
    ed.post(&page, &format!("/admin/articles/{id}/trash"), &[]).await;
    assert_eq!(site.get(&public).await.status(), StatusCode::NOT_FOUND);
    assert!(ed.page("/admin/articles?status=trash").await.contains("First headline"));
    ed.post(&page, &format!("/admin/articles/{id}/restore"), &[]).await;
    assert_eq!(site.get(&public).await.status(), StatusCode::OK);

    // Scheduled: not public until its time, then public with no request needed in between.
    let soon = chrono::Utc::now() + chrono::Duration::seconds(61);
    let when = soon.format("%Y-%m-%dT%H:%M").to_string();
    let res = save(
        &ed,
        "/admin/articles/new",
        "/admin/articles",
        &[
            ("title", "Embargoed"),
            ("body", "Later."),
            ("status", "scheduled"),
            ("published_at", &when),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{:?}", res.text().await);
    let past = (chrono::Utc::now() - chrono::Duration::hours(1))
        .format("%Y-%m-%dT%H:%M")
        .to_string();
    let res = save(
        &ed,
        "/admin/articles/new",
        "/admin/articles",
        &[
            ("title", "Too late"),
            ("body", "x"),
            ("status", "scheduled"),
            ("published_at", &past),
        ],
    )
    .await;
    assert_eq!(
        res.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "scheduling needs a future date"
    );
    assert!(!site.page("/").await.contains("Embargoed"));
    assert!(ed.page("/admin/articles").await.contains("Scheduled"));

    // To the second: due in three seconds, and nobody asks in between.
    let due = chrono::Utc::now() + chrono::Duration::seconds(3);
    let when = due.format("%Y-%m-%dT%H:%M:%S").to_string();
    warm_home(&site).await;
    let res = save(
        &ed,
        "/admin/articles/new",
        "/admin/articles",
        &[
            ("title", "On the hour"),
            ("body", "Now."),
            ("status", "scheduled"),
            ("published_at", &when),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(
        !site.page("/").await.contains("On the hour"),
        "not before its time, even from the cache"
    );
    tokio::time::sleep(std::time::Duration::from_millis(3500)).await;
    assert!(site.page("/").await.contains("On the hour"), "public at its time");
    assert!(site.page("/feed/").await.contains("On the hour"));
    let list = ed.page("/admin/articles?q=hour").await;
    assert_eq!(texts(&list, ".status-pill"), ["Published"]);
}

/// Puts the home page in the page cache.
async fn warm_home(site: &Site) {
    site.page("/").await;
    site.page("/").await;
}

#[tokio::test]
async fn a_contributor_cannot_bring_back_what_an_editor_took_down() {
    let site = Site::start().await;
    add_user(&site, "contrib", "contributor");
    add_user(&site, "ed", "editor");
    let contributor = signed_in(&site, "contrib").await;
    let res = save(
        &contributor,
        "/admin/articles/new",
        "/admin/articles",
        &[("title", "Tip"), ("body", "UNREVIEWED TEXT"), ("status", "draft")],
    )
    .await;
    let id = id_from(&location(&res));
    let page = format!("/admin/articles/{id}/edit");
    save(
        &contributor,
        &page,
        &format!("/admin/articles/{id}"),
        &[("title", "Tip"), ("body", "Checked text."), ("status", "pending")],
    )
    .await;

    // The editor publishes it, then takes it down.
    let ed = signed_in(&site, "ed").await;
    save(
        &ed,
        &page,
        &format!("/admin/articles/{id}"),
        &[("title", "Tip"), ("body", "Checked text."), ("status", "published")],
    )
    .await;
    ed.post(&page, &format!("/admin/articles/{id}/trash"), &[]).await;

    // The contributor can neither restore it, nor an old revision of it, nor delete it.
    assert_eq!(contributor.get(&page).await.status(), StatusCode::FORBIDDEN);
    let csrf = contributor.csrf("/admin/articles/new").await;
    for action in ["restore", "delete"] {
        let res = contributor
            .post_raw(
                &format!("/admin/articles/{id}/{action}"),
                &[("csrf", &csrf)],
                Some(&site.base),
            )
            .await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{action}");
    }
    let revisions = ed.page(&format!("/admin/articles/{id}/revisions")).await;
    let first = attrs(&revisions, ".revision-list li a", "href")
        .last()
        .unwrap()
        .rsplit('=')
        .next()
        .unwrap()
        .to_owned();
    let res = contributor
        .post_raw(
            &format!("/admin/articles/{id}/revisions/{first}/restore"),
            &[("csrf", &csrf)],
            Some(&site.base),
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(
        ed.page("/admin/articles?status=trash").await.contains("Tip"),
        "still in the trash"
    );
    assert!(!site.page("/").await.contains("UNREVIEWED"));
}

#[tokio::test]
async fn writers_do_not_see_others_unpublished_work() {
    let site = Site::start().await;
    add_user(&site, "contrib", "contributor");
    add_user(&site, "ed", "editor");
    let ed = signed_in(&site, "ed").await;
    save(
        &ed,
        "/admin/articles/new",
        "/admin/articles",
        &[("title", "Secret plans"), ("body", "x"), ("status", "draft")],
    )
    .await;
    save(
        &ed,
        "/admin/articles/new",
        "/admin/articles",
        &[("title", "Public piece"), ("body", "x"), ("status", "published")],
    )
    .await;
    let contributor = signed_in(&site, "contrib").await;
    save(
        &contributor,
        "/admin/articles/new",
        "/admin/articles",
        &[("title", "My draft"), ("body", "x"), ("status", "draft")],
    )
    .await;
    let list = contributor.page("/admin/articles").await;
    let titles = texts(&list, "td strong");
    assert!(
        titles.contains(&"Public piece".to_owned()) && titles.contains(&"My draft".to_owned()),
        "{titles:?}"
    );
    assert!(!list.contains("Secret plans"), "{titles:?}");
    assert!(
        ed.page("/admin/articles").await.contains("Secret plans"),
        "editors see everything"
    );
}
