//! The settings, users and profile pages over HTTP: who may use them, what
//! a refused form keeps, the discussion rules they set working end to end
//! on the public site, password changes and the last administrator.

use reqwest::StatusCode;

use crate::admin::{Browser, PASSWORD, add_user, signed_in};
use crate::support::{Site, attrs, comment_id, form, location, texts};

/// The role column of `byline user list` for `login`.
fn role_of(site: &Site, login: &str) -> String {
    site.cli(&["user", "list"])
        .ok()
        .lines()
        .find(|l| l.split_whitespace().nth(1) == Some(login))
        .and_then(|l| l.split_whitespace().last())
        .unwrap_or_else(|| panic!("{login} is not a user"))
        .to_owned()
}

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

fn author_id(site: &Site, login: &str) -> i64 {
    author(site, login)["id"].as_i64().unwrap()
}

/// The text of the first element matching `css`, whitespace and all.
fn raw_text(html: &str, css: &str) -> String {
    let doc = scraper::Html::parse_document(html);
    let selector = scraper::Selector::parse(css).unwrap();
    doc.select(&selector)
        .next()
        .map(|e| e.text().collect())
        .unwrap_or_default()
}

/// The settings form as stored, with `changes` applied: what a browser
/// sends when someone edits a few fields and saves.
async fn settings_form(b: &Browser<'_>, changes: &[(&str, &str)]) -> Vec<(String, String)> {
    let html = b.page("/admin/settings").await;
    let mut fields: Vec<(String, String)> = Vec::new();
    for name in [
        "title",
        "tagline",
        "posts_per_page",
        "close_comments_days",
        "thread_comments_depth",
        "comments_per_page",
        "comment_max_links",
    ] {
        let value = attrs(&html, &format!("input[name={name}]"), "value")
            .pop()
            .unwrap_or_else(|| panic!("no {name} field"));
        fields.push((name.into(), value));
    }
    let zone = attrs(&html, "select[name=timezone] option[selected]", "value")
        .pop()
        .expect("a zone is selected");
    fields.push(("timezone".into(), zone));
    let mode = attrs(&html, "input[name=comment_moderation][checked]", "value")
        .pop()
        .expect("a mode is checked");
    fields.push(("comment_moderation".into(), mode));
    for name in ["comment_moderation_words", "comment_spam_words"] {
        let words = raw_text(&html, &format!("textarea[name={name}]"));
        fields.push((name.into(), words));
    }
    for (name, value) in changes {
        match fields.iter_mut().find(|(n, _)| n == name) {
            Some(field) => field.1 = (*value).to_owned(),
            None => panic!("no field {name}"),
        }
    }
    fields
}

async fn save_settings(b: &Browser<'_>, changes: &[(&str, &str)]) -> reqwest::Response {
    let fields = settings_form(b, changes).await;
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    b.post("/admin/settings", "/admin/settings", &pairs).await
}

#[tokio::test]
async fn only_administrators_manage_settings_and_users_and_editors_edit_other_profiles() {
    let site = Site::start().await;
    for (login, role) in [
        ("contrib", "contributor"),
        ("writer", "author"),
        ("ed", "editor"),
        ("boss", "administrator"),
    ] {
        add_user(&site, login, role);
    }
    site.add_author("jane", "Jane Doe");
    let jane = author_id(&site, "jane");
    let writer = author_id(&site, "writer");
    let before_settings = site.cli(&["settings", "list"]).ok();

    for (login, allowed_admin, allowed_profiles) in [
        ("contrib", false, false),
        ("writer", false, false),
        ("ed", false, true),
        ("boss", true, true),
    ] {
        let b = signed_in(&site, login).await;
        let expect = |allowed: bool, ok: StatusCode| if allowed { ok } else { StatusCode::FORBIDDEN };

        // Settings.
        assert_eq!(
            b.get("/admin/settings").await.status(),
            expect(allowed_admin, StatusCode::OK),
            "{login}: GET settings"
        );
        let res = b
            .post(
                "/admin/",
                "/admin/settings",
                &[("title", &format!("Title by {login}")), ("posts_per_page", "7")],
            )
            .await;
        assert_eq!(
            res.status(),
            expect(allowed_admin, StatusCode::SEE_OTHER),
            "{login}: POST settings"
        );

        // Users: the list, adding one, changing a role.
        assert_eq!(
            b.get("/admin/users").await.status(),
            expect(allowed_admin, StatusCode::OK),
            "{login}: GET users"
        );
        let new_login = format!("new-by-{login}");
        let res = b
            .post(
                "/admin/",
                "/admin/users",
                &[
                    ("login", new_login.as_str()),
                    ("name", "New Person"),
                    ("email", ""),
                    ("role", "administrator"),
                    ("password", "a long enough password"),
                ],
            )
            .await;
        assert_eq!(
            res.status(),
            expect(allowed_admin, StatusCode::SEE_OTHER),
            "{login}: add a user"
        );
        let listed = site.cli(&["user", "list"]).ok().contains(&new_login);
        assert_eq!(listed, allowed_admin, "{login}: the user exists only if allowed");
        let res = b
            .post("/admin/", &format!("/admin/users/{writer}/role"), &[("role", "editor")])
            .await;
        assert_eq!(
            res.status(),
            expect(allowed_admin, StatusCode::SEE_OTHER),
            "{login}: change a role"
        );
        let expected_role = if allowed_admin { "Editor" } else { "Author" };
        assert_eq!(role_of(&site, "writer"), expected_role, "{login}");

        // Another author's profile.
        let other = format!("/admin/authors/{jane}");
        assert_eq!(
            b.get(&other).await.status(),
            expect(allowed_profiles, StatusCode::OK),
            "{login}: GET another profile"
        );
        assert_eq!(
            b.get("/admin/authors").await.status(),
            expect(allowed_profiles, StatusCode::OK),
            "{login}: the authors list"
        );
        let tagline = format!("edited by {login}");
        let res = b
            .post(
                "/admin/",
                &other,
                &[
                    ("display_name", "Jane Doe"),
                    ("tagline", tagline.as_str()),
                    ("bio", "Jane Doe is a two-time award-winning journalist"),
                    ("website", ""),
                ],
            )
            .await;
        assert_eq!(
            res.status(),
            expect(allowed_profiles, StatusCode::SEE_OTHER),
            "{login}: POST another profile"
        );
        let saved = author(&site, "jane")["tagline"] == tagline;
        assert_eq!(saved, allowed_profiles, "{login}: the profile changed only if allowed");

        // Everyone has their own profile.
        assert_eq!(b.get("/admin/profile").await.status(), StatusCode::OK, "{login}");
        if !allowed_admin {
            assert_eq!(
                site.cli(&["settings", "list"]).ok(),
                before_settings,
                "{login}: refused settings change nothing"
            );
        }
        // Put the writer back for the next role.
        site.cli(&["settings", "set", "title", "byline"]).ok();
        site.cli(&["settings", "set", "posts_per_page", "10"]).ok();
        if allowed_admin {
            let boss = signed_in(&site, "boss").await;
            boss.post(
                "/admin/users",
                &format!("/admin/users/{writer}/role"),
                &[("role", "author")],
            )
            .await;
            assert_eq!(role_of(&site, "writer"), "Author");
        }
    }
    // The menu offers only what the role may open.
    let ed = signed_in(&site, "ed").await;
    let nav = texts(&ed.page("/admin/").await, ".admin-bar nav a");
    assert!(!nav.iter().any(|a| a == "Settings" || a == "Users"), "{nav:?}");
    let boss = signed_in(&site, "boss").await;
    let nav = texts(&boss.page("/admin/").await, ".admin-bar nav a");
    assert!(
        nav.iter().any(|a| a == "Settings") && nav.iter().any(|a| a == "Users"),
        "{nav:?}"
    );
}

#[tokio::test]
async fn forged_settings_forms_are_refused() {
    let site = Site::start().await;
    add_user(&site, "boss", "administrator");
    let boss = signed_in(&site, "boss").await;
    let fields = [("title", "Forged")];
    assert_eq!(
        boss.post_raw("/admin/settings", &fields, None).await.status(),
        StatusCode::FORBIDDEN,
        "no token"
    );
    let csrf = boss.csrf("/admin/settings").await;
    let res = boss
        .post_raw(
            "/admin/settings",
            &[("csrf", csrf.as_str()), ("title", "Forged")],
            Some("https://evil.example"),
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "another site's form");
    let res = boss
        .post_raw(
            "/admin/users",
            &[
                ("csrf", "0123456789abcdef0123456789abcdef"),
                ("login", "forged"),
                ("role", "administrator"),
                ("password", "a long enough password"),
            ],
            Some(&site.base),
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "a made-up token");
    assert!(!site.cli(&["settings", "list"]).ok().contains("Forged"));
    assert!(!site.cli(&["user", "list"]).ok().contains("forged"));
    // Not signed in: sent to sign in, or refused.
    let anonymous = Browser::new(&site);
    assert_eq!(anonymous.get("/admin/settings").await.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        anonymous.post_raw("/admin/settings", &fields, None).await.status(),
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn saved_settings_show_on_the_public_site_at_once() {
    let site = Site::start().await;
    add_user(&site, "boss", "administrator");
    site.add_author("jane", "Jane Doe");
    for day in 1..=3 {
        site.publish("jane", &format!("Story {day}"), &format!("2024-05-0{day} 23:30"));
    }
    // The home page is cached before the change.
    site.page("/").await;
    assert_eq!(site.get("/").await.headers()["x-cache"], "hit");

    let boss = signed_in(&site, "boss").await;
    let res = save_settings(
        &boss,
        &[
            ("title", "The Daily Dissent"),
            ("tagline", "Facts first"),
            ("posts_per_page", "2"),
            ("timezone", "Asia/Tokyo"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/admin/settings?notice=saved");
    let page = boss.page(&location(&res)).await;
    assert_eq!(texts(&page, "[role=status]"), ["Saved."]);
    assert_eq!(attrs(&page, "input[name=title]", "value"), ["The Daily Dissent"]);
    assert_eq!(
        attrs(&page, "select[name=timezone] option[selected]", "value"),
        ["Asia/Tokyo"]
    );

    let home = site.get("/").await;
    assert_eq!(home.headers()["x-cache"], "miss", "the change dropped the cached page");
    let home = home.text().await.unwrap();
    assert!(home.contains("The Daily Dissent") && home.contains("Facts first"));
    assert_eq!(
        texts(&home, "article.summary h2").len(),
        2,
        "two articles per page: {home}"
    );
    assert!(site.get("/page/2/").await.status() == StatusCode::OK);
    // 23:30 UTC on May 3rd is May 4th in Tokyo, and the address says so.
    assert!(home.contains("/2024/05/04/story-3/"), "{home}");
    let listed = site.cli(&["settings", "list"]).ok();
    assert!(listed.contains("The Daily Dissent") && listed.contains("Asia/Tokyo"));
}

#[tokio::test]
async fn a_refused_settings_form_keeps_what_was_typed() {
    let site = Site::start().await;
    add_user(&site, "boss", "administrator");
    let boss = signed_in(&site, "boss").await;
    let long_title = "T".repeat(201);
    let res = save_settings(
        &boss,
        &[
            ("title", long_title.as_str()),
            ("tagline", "A fine tagline"),
            ("posts_per_page", "ten"),
            ("comment_max_links", "-1"),
            ("comment_spam_words", "viagra\ncasino"),
            ("timezone", "Mars/Olympus"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert_eq!(attrs(&html, "input[name=posts_per_page]", "value"), ["ten"]);
    assert_eq!(attrs(&html, "input[name=title]", "value"), [long_title]);
    assert_eq!(attrs(&html, "input[name=tagline]", "value"), ["A fine tagline"]);
    assert_eq!(texts(&html, "textarea[name=comment_spam_words]"), ["viagra casino"]);
    assert!(html.contains("viagra\ncasino"), "the lines are kept as typed");
    // Each bad field says what it needs, and is tied to its message.
    for (name, needs) in [
        ("posts_per_page", "whole number from 1 to 100"),
        ("title", "up to 200 characters"),
        ("comment_max_links", "from 0 to 100"),
        ("timezone", "Choose a time zone"),
    ] {
        assert_eq!(
            texts(&html, &format!("#{name}-error"))
                .first()
                .map(|m| m.contains(needs)),
            Some(true),
            "{name}: {:?}",
            texts(&html, ".field-error")
        );
        let control = if name == "timezone" { "select" } else { "input" };
        assert_eq!(
            attrs(&html, &format!("{control}[name={name}]"), "aria-invalid"),
            ["true"],
            "{name}"
        );
        let described = attrs(&html, &format!("{control}[name={name}]"), "aria-describedby");
        assert!(described[0].contains(&format!("{name}-error")), "{name}: {described:?}");
    }
    assert!(attrs(&html, "input[name=tagline]", "aria-invalid").is_empty());
    assert_eq!(texts(&html, ".error-summary li").len(), 4);
    assert_eq!(attrs(&html, ".error-summary a", "href")[0], "#title");
    // Nothing was saved, not even the good fields.
    let listed = site.cli(&["settings", "list"]).ok();
    assert!(
        !listed.contains("A fine tagline") && !listed.contains("viagra"),
        "{listed}"
    );
}

#[tokio::test]
async fn the_discussion_rules_hold_spam_and_close() {
    let site = Site::start().await;
    add_user(&site, "boss", "administrator");
    site.add_author("jane", "Jane Doe");
    let (id, path) = site.publish("jane", "Fresh", "2024-05-01 08:00");
    let article = id.to_string();
    let boss = signed_in(&site, "boss").await;
    let res = save_settings(
        &boss,
        &[
            ("comment_moderation", "none"),
            ("comment_max_links", "2"),
            ("comment_moderation_words", "casino\n\n  cheap pills  "),
            ("comment_spam_words", "VIAGRA"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let settings = boss.page("/admin/settings").await;
    assert_eq!(
        raw_text(&settings, "textarea[name=comment_moderation_words]"),
        "casino\ncheap pills",
        "one entry per line, trimmed, blank lines dropped"
    );

    let status_of = |site: &Site, id: i64| {
        site.comments_json(None)
            .into_iter()
            .find(|c| c["id"] == id)
            .map(|c| c["status"].as_str().unwrap().to_owned())
            .unwrap()
    };
    let post = |text: &'static str, name: &'static str| {
        let (site, article) = (&site, article.clone());
        async move {
            let email = format!("{}@example.com", name.to_lowercase().replace(' ', "."));
            let res = site.post_comment(&form(&article, text, name, &email)).await;
            assert_eq!(res.status(), StatusCode::SEE_OTHER, "{text}");
            comment_id(&location(&res))
        }
    };
    let two = post("See https://a.example and https://b.example", "Ann").await;
    assert_eq!(status_of(&site, two), "approved", "two links are allowed");
    let three = post(
        "See https://a.example, [this](https://b.example) and www.c.example",
        "Bob",
    )
    .await;
    assert_eq!(status_of(&site, three), "pending", "three links are held");
    let word = post("Best CASINO bonuses in town", "Cat").await;
    assert_eq!(status_of(&site, word), "pending", "a moderation word holds");
    let phrase = post("Where can I buy cheap pills?", "Dan").await;
    assert_eq!(status_of(&site, phrase), "pending", "a phrase holds");
    let spam = post("Nice article", "Viagra Sales").await;
    assert_eq!(status_of(&site, spam), "spam", "a spam word in the name");
    let page = site.page(&path).await;
    assert!(page.contains("See https://a.example and https://b.example"));
    assert!(!page.contains("Nice article") && !page.contains("CASINO"));

    // Comments close on articles older than the number of days set.
    site.page(&path).await; // cached with its form
    assert_eq!(attrs(&site.page(&path).await, "form#commentform", "id").len(), 1);
    let res = save_settings(&boss, &[("close_comments_days", "30")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = site.page(&path).await;
    assert!(
        attrs(&page, "form#commentform", "id").is_empty(),
        "no form on an old article"
    );
    assert_eq!(texts(&page, ".comments-closed"), ["Comments are closed."]);
    assert!(!page.contains("replytocom"), "no reply links either");
    let res = site
        .post_comment(&form(&article, "Too late?", "Eve", "eve@example.com"))
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(res.text().await.unwrap().contains("Too late?"), "the text is kept");
    assert!(!site.comments_json(None).iter().any(|c| c["body"] == "Too late?"));

    // A newer article stays open; 0 opens the old one again.
    let recent = chrono::Utc::now() - chrono::Duration::days(2);
    let (new_id, new_path) = site.publish("jane", "Recent", &recent.format("%Y-%m-%d %H:%M").to_string());
    assert_eq!(attrs(&site.page(&new_path).await, "form#commentform", "id").len(), 1);
    let res = site
        .post_comment(&form(&new_id.to_string(), "Still open", "Fay", "fay@example.com"))
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    save_settings(&boss, &[("close_comments_days", "0")]).await;
    assert_eq!(attrs(&site.page(&path).await, "form#commentform", "id").len(), 1);
}

#[tokio::test]
async fn a_cached_article_loses_its_form_the_moment_it_becomes_too_old() {
    let site = Site::start().await;
    site.add_author("jane", "Jane Doe");
    site.cli(&["settings", "set", "close_comments_days", "1"]).ok();
    // A day old in three seconds.
    let published = chrono::Utc::now() - chrono::Duration::days(1) + chrono::Duration::seconds(3);
    let (id, path) = site.publish(
        "jane",
        "Closing soon",
        &published.format("%Y-%m-%d %H:%M:%S").to_string(),
    );
    site.page(&path).await;
    let res = site.get(&path).await;
    assert_eq!(res.headers()["x-cache"], "hit");
    assert_eq!(attrs(&res.text().await.unwrap(), "form#commentform", "id").len(), 1);
    tokio::time::sleep(std::time::Duration::from_millis(3500)).await;
    let page = site.page(&path).await;
    assert!(
        attrs(&page, "form#commentform", "id").is_empty(),
        "closed, even from the cache"
    );
    let res = site
        .post_comment(&form(&id.to_string(), "Just in time?", "Gus", "gus@example.com"))
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_command_line_sets_the_new_settings_too() {
    let site = Site::start().await;
    site.cli(&["settings", "set", "comment_spam_words", "viagra\\ncheap pills"])
        .ok();
    site.cli(&["settings", "set", "comment_max_links", "0"]).ok();
    let listed = site.cli(&["settings", "list"]).ok();
    assert!(listed.contains("viagra\\ncheap pills"), "{listed}");
    let err = site.cli(&["settings", "set", "close_comments_days", "never"]).fails();
    assert!(err.contains("0 (never close)"), "{err}");
    site.add_author("jane", "Jane Doe");
    let (id, _) = site.publish("jane", "Links", "2024-05-01 08:00");
    let res = site
        .post_comment(&form(&id.to_string(), "Cheap Pills here", "Hal", "hal@example.com"))
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(site.comments_json(Some("spam")).len(), 1);
}

#[tokio::test]
async fn administrators_add_users_who_can_then_sign_in() {
    let site = Site::start().await;
    add_user(&site, "boss", "administrator");
    let boss = signed_in(&site, "boss").await;
    let res = boss
        .post(
            "/admin/users",
            "/admin/users",
            &[
                ("login", "new writer"),
                ("name", "Nia Writer"),
                ("email", "not-an-email"),
                ("role", "author"),
                ("password", "short"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert_eq!(attrs(&html, "#add-user input[name=login]", "value"), ["new writer"]);
    assert_eq!(attrs(&html, "#add-user input[name=name]", "value"), ["Nia Writer"]);
    assert!(attrs(&html, "input[name=password]", "value").is_empty(), "never echoed");
    for name in ["login", "email", "password"] {
        assert_eq!(texts(&html, &format!("#{name}-error")).len(), 1, "{name}");
    }
    assert!(texts(&html, "#password-error")[0].contains("10 characters"));

    let res = boss
        .post(
            "/admin/users",
            "/admin/users",
            &[
                ("login", "nia"),
                ("name", "Nia Writer"),
                ("email", "nia@newsroom.example"),
                ("role", "editor"),
                ("password", "nia's long password"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(location(&res).starts_with("/admin/users?notice=user_added"));
    let list = boss.page("/admin/users").await;
    assert!(texts(&list, "td").iter().any(|t| t == "nia@newsroom.example"));
    assert_eq!(role_of(&site, "nia"), "Editor");
    let nia = Browser::new(&site);
    assert_eq!(
        nia.sign_in("nia", "nia's long password").await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(nia.get("/admin/comments").await.status(), StatusCode::OK, "an editor");

    // The same login again is refused at the field.
    let res = boss
        .post(
            "/admin/users",
            "/admin/users",
            &[
                ("login", "NIA"),
                ("role", "author"),
                ("password", "another long password"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert!(texts(&res.text().await.unwrap(), "#login-error")[0].contains("already has an account"));
}

#[tokio::test]
async fn the_last_administrator_cannot_be_demoted() {
    let site = Site::start().await;
    add_user(&site, "boss", "administrator");
    add_user(&site, "ed", "editor");
    let boss_id = author_id(&site, "boss");
    let boss = signed_in(&site, "boss").await;
    let role_url = format!("/admin/users/{boss_id}/role");
    let res = boss.post("/admin/users", &role_url, &[("role", "editor")]).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let html = res.text().await.unwrap();
    let message = texts(&html, &format!("#role-{boss_id}-error"));
    assert!(message[0].contains("only administrator"), "{message:?}");
    assert_eq!(
        attrs(&html, &format!("#role-{boss_id} option[selected]"), "value"),
        ["administrator"]
    );
    assert_eq!(role_of(&site, "boss"), "Administrator");

    // With a second administrator, the first may step down.
    let ed_id = author_id(&site, "ed");
    let res = boss
        .post(
            "/admin/users",
            &format!("/admin/users/{ed_id}/role"),
            &[("role", "administrator")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = boss.post("/admin/users", &role_url, &[("role", "editor")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/admin/?notice=role_changed");
    assert_eq!(role_of(&site, "boss"), "Editor");
    assert_eq!(
        boss.get("/admin/users").await.status(),
        StatusCode::FORBIDDEN,
        "at once"
    );
    // And now ed is the last one.
    let ed = signed_in(&site, "ed").await;
    let res = ed
        .post(
            "/admin/users",
            &format!("/admin/users/{ed_id}/role"),
            &[("role", "author")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert_eq!(role_of(&site, "ed"), "Administrator");
}

#[tokio::test]
async fn changing_your_password_signs_out_everywhere_else() {
    let site = Site::start().await;
    add_user(&site, "jane", "author");
    let here = signed_in(&site, "jane").await;
    let elsewhere = signed_in(&site, "jane").await;
    let change = |current: &'static str, new: &'static str, again: &'static str| {
        let here = &here;
        async move {
            here.post(
                "/admin/profile",
                "/admin/profile/password",
                &[
                    ("current_password", current),
                    ("new_password", new),
                    ("new_password_confirm", again),
                ],
            )
            .await
        }
    };
    let res = change("not my password", "a brand new password", "a brand new password").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(texts(&html, "#current_password-error")[0].contains("not your current password"));
    assert!(attrs(&html, "input[type=password]", "value").is_empty());
    let res = change(PASSWORD, "a brand new password", "a brand new passw0rd").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(texts(&res.text().await.unwrap(), "#new_password_confirm-error")[0].contains("differ"));
    let res = change(PASSWORD, "short", "short").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        elsewhere.get("/admin/").await.status(),
        StatusCode::OK,
        "nothing changed yet"
    );

    let res = change(PASSWORD, "a brand new password", "a brand new password").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/admin/profile?notice=password");
    let page = here.page("/admin/profile?notice=password").await;
    assert!(texts(&page, "[role=status]")[0].contains("password is changed"));
    assert_eq!(
        elsewhere.get("/admin/").await.status(),
        StatusCode::SEE_OTHER,
        "the other browser is signed out"
    );
    assert_eq!(
        Browser::new(&site).sign_in("jane", PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED,
        "the old password no longer works"
    );
    assert_eq!(
        Browser::new(&site)
            .sign_in("jane", "a brand new password")
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn wrong_current_passwords_count_as_failed_sign_ins() {
    let site = Site::start().await;
    add_user(&site, "jane", "author");
    let b = signed_in(&site, "jane").await;
    let mut last = StatusCode::OK;
    for _ in 0..5 {
        last = b
            .post(
                "/admin/profile",
                "/admin/profile/password",
                &[
                    ("current_password", "a guess at it"),
                    ("new_password", "a brand new password"),
                    ("new_password_confirm", "a brand new password"),
                ],
            )
            .await
            .status();
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        Browser::at(&site, b.ip()).sign_in("jane", PASSWORD).await.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "the account is locked for a while, for the address that guessed"
    );
}

#[tokio::test]
async fn authors_edit_their_own_profile_and_editors_others() {
    let site = Site::start().await;
    add_user(&site, "jane", "author");
    add_user(&site, "ed", "editor");
    add_user(&site, "boss", "administrator");
    let (_, path) = site.publish("jane", "Byline", "2024-05-01 08:00");
    let jane = signed_in(&site, "jane").await;
    let page = jane.page("/admin/profile").await;
    assert_eq!(attrs(&page, "input[name=display_name]", "value"), ["jane name"]);
    assert_eq!(attrs(&page, "input[name=email]", "value").len(), 1, "her own email");

    let res = jane
        .post(
            "/admin/profile",
            "/admin/profile",
            &[
                ("display_name", ""),
                ("tagline", "columnist"),
                ("bio", "Writes."),
                ("website", "javascript:alert(1)"),
                ("email", "jane@"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert_eq!(attrs(&html, "input[name=tagline]", "value"), ["columnist"]);
    assert_eq!(attrs(&html, "input[name=website]", "value"), ["javascript:alert(1)"]);
    for name in ["display_name", "website", "email"] {
        assert_eq!(
            attrs(&html, &format!("input[name={name}]"), "aria-invalid"),
            ["true"],
            "{name}"
        );
    }

    let res = jane
        .post(
            "/admin/profile",
            "/admin/profile",
            &[
                ("display_name", "Jane Doe"),
                ("tagline", "journalist and political commentator"),
                ("bio", "Jane Doe is a two-time award-winning journalist."),
                ("website", "jane.example"),
                ("email", "jane@newsroom.example"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/admin/profile?notice=saved");
    let article = site.page(&path).await;
    assert!(article.contains("Jane Doe") && article.contains("journalist and political commentator"));
    assert!(article.contains("two-time award-winning"));
    assert!(!article.contains("jane@newsroom.example"), "the email stays private");
    assert_eq!(author(&site, "jane")["website"], "https://jane.example");

    // An editor edits her public profile, but neither sees nor changes her email.
    let jane_id = author_id(&site, "jane");
    let ed = signed_in(&site, "ed").await;
    let other = format!("/admin/authors/{jane_id}");
    let page = ed.page(&other).await;
    assert!(attrs(&page, "input[name=email]", "value").is_empty());
    assert!(!page.contains("jane@newsroom.example"));
    assert!(
        attrs(&page, "input[name=current_password]", "name").is_empty(),
        "no password form"
    );
    let res = ed
        .post(
            &other,
            &other,
            &[
                ("display_name", "Jane Doe"),
                ("tagline", "senior political commentator"),
                ("bio", "Jane Doe is a two-time award-winning journalist."),
                ("website", "https://jane.example"),
                ("email", "ed-took-over@example.com"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(site.page(&path).await.contains("senior political commentator"));
    let boss = signed_in(&site, "boss").await;
    let page = boss.page(&other).await;
    assert_eq!(
        attrs(&page, "input[name=email]", "value"),
        ["jane@newsroom.example"],
        "the editor's email was ignored; administrators see it"
    );
    let listed = ed.page("/admin/authors").await;
    assert!(texts(&listed, "td a").iter().any(|t| t == "Jane Doe"));
    assert_eq!(
        ed.get(&format!("/admin/authors/{}", author_id(&site, "ed")))
            .await
            .status(),
        StatusCode::SEE_OTHER,
        "their own is /admin/profile"
    );
    assert_eq!(ed.get("/admin/authors/99999").await.status(), StatusCode::NOT_FOUND);
}
