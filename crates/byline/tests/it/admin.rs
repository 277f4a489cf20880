//! The admin over HTTP: the setup link, signing in, throttling, CSRF and
//! the role rules of the moderation queue, as a browser would meet them.

use std::cell::RefCell;
use std::collections::BTreeMap;

use reqwest::{Response, StatusCode};

use crate::support::{Site, attrs, comment_id, form, location, texts};

pub const PASSWORD: &str = "correct horse battery";

/// A browser: keeps its cookies, sends forms with their CSRF token.
pub struct Browser<'a> {
    site: &'a Site,
    jar: RefCell<BTreeMap<String, String>>,
    ip: String,
}

impl<'a> Browser<'a> {
    pub fn new(site: &'a Site) -> Self {
        Self::at(site, &site.fresh_ip())
    }

    /// A browser with no cookies on the machine at `ip`.
    pub fn at(site: &'a Site, ip: &str) -> Self {
        Self {
            site,
            jar: RefCell::new(BTreeMap::new()),
            ip: ip.to_owned(),
        }
    }

    /// The address its requests come from.
    pub fn ip(&self) -> &str {
        &self.ip
    }

    fn cookie_header(&self) -> String {
        self.jar
            .borrow()
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn absorb(&self, res: &Response) {
        for header in res.headers().get_all("set-cookie") {
            let cookie = header.to_str().unwrap();
            let (pair, attrs) = cookie.split_once(';').unwrap_or((cookie, ""));
            let (name, value) = pair.split_once('=').unwrap();
            if attrs.contains("Max-Age=0") || value.is_empty() {
                self.jar.borrow_mut().remove(name);
            } else {
                self.jar.borrow_mut().insert(name.to_owned(), value.to_owned());
            }
        }
    }

    pub async fn get(&self, path: &str) -> Response {
        let res = self
            .site
            .http()
            .get(self.site.url(path))
            .header("cookie", self.cookie_header())
            .header("x-forwarded-for", &self.ip)
            .send()
            .await
            .unwrap();
        self.absorb(&res);
        res
    }

    pub async fn page(&self, path: &str) -> String {
        let res = self.get(path).await;
        assert_eq!(res.status(), StatusCode::OK, "GET {path}");
        res.text().await.unwrap()
    }

    /// A form POST from this browser, ready to send (no token added).
    pub fn post_request(&self, path: &str, fields: &[(&str, &str)], origin: Option<&str>) -> reqwest::RequestBuilder {
        let mut req = self
            .site
            .http()
            .post(self.site.url(path))
            .header("cookie", self.cookie_header())
            .header("x-forwarded-for", &self.ip)
            .form(fields);
        if let Some(o) = origin {
            req = req.header("origin", o);
        }
        req
    }

    /// POSTs a form as-is (no token added).
    pub async fn post_raw(&self, path: &str, fields: &[(&str, &str)], origin: Option<&str>) -> Response {
        let res = self.post_request(path, fields, origin).send().await.unwrap();
        self.absorb(&res);
        res
    }

    /// The CSRF token of the form on `page`.
    pub async fn csrf(&self, page: &str) -> String {
        let html = self.page(page).await;
        attrs(&html, "input[name=csrf]", "value")
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("no CSRF token on {page}"))
    }

    /// POSTs a form with the token from `page`, from this site's origin.
    pub async fn post(&self, page: &str, path: &str, fields: &[(&str, &str)]) -> Response {
        let csrf = self.csrf(page).await;
        let mut all = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(path, &all, Some(&self.site.base)).await
    }

    pub async fn sign_in(&self, login: &str, password: &str) -> Response {
        self.post(
            "/admin/login",
            "/admin/login",
            &[("login", login), ("password", password)],
        )
        .await
    }
}

pub fn add_user(site: &Site, login: &str, role: &str) {
    site.cli_with_input(
        &[
            "user",
            "add",
            "--login",
            login,
            "--role",
            role,
            "--name",
            &format!("{login} name"),
        ],
        &format!("{PASSWORD}\n"),
    )
    .ok();
}

pub async fn signed_in<'a>(site: &'a Site, login: &str) -> Browser<'a> {
    let b = Browser::new(site);
    let res = b.sign_in(login, PASSWORD).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{login} signs in");
    b
}

#[tokio::test]
async fn the_setup_link_creates_the_first_administrator_once() {
    let site = Site::start().await;
    let link = site
        .setup_link()
        .expect("a site without an administrator prints a setup link");
    let path = link.trim_start_matches(&site.base).to_owned();
    let b = Browser::new(&site);
    let html = b.page(&path).await;
    assert_eq!(texts(&html, "h1"), ["Welcome to byline"]);
    let token = attrs(&html, "input[name=token]", "value")[0].clone();

    // A bad form keeps what was typed and says what is wrong.
    let res = b
        .post(
            &path,
            "/admin/setup",
            &[
                ("token", &token),
                ("login", "chief"),
                ("name", "Chief Editor"),
                ("password", "short"),
                ("password_confirm", "short"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert_eq!(attrs(&html, "input[name=login]", "value"), ["chief"]);
    assert!(
        texts(&html, ".field-error")[0].contains("10 characters"),
        "{:?}",
        texts(&html, ".field-error")
    );

    let res = b
        .post(
            &path,
            "/admin/setup",
            &[
                ("token", &token),
                ("login", "chief"),
                ("name", "Chief Editor"),
                ("email", "chief@newsroom.example"),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/admin/?notice=welcome");
    let dashboard = b.page("/admin/?notice=welcome").await;
    assert!(dashboard.contains("Chief Editor") && dashboard.contains("Administrator"));

    // Used up: the same link now says so, for anyone.
    let other = Browser::new(&site);
    assert_eq!(other.get(&path).await.status(), StatusCode::GONE);
    let res = other
        .post_raw(
            "/admin/setup",
            &[
                ("token", &token),
                ("login", "intruder"),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
            ],
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "no CSRF token");
    let list = site.cli(&["user", "list"]).ok();
    assert!(list.contains("chief") && !list.contains("intruder"), "{list}");
}

#[tokio::test]
async fn signing_in_and_out() {
    let site = Site::start().await;
    add_user(&site, "ed", "editor");
    let b = Browser::new(&site);
    let res = b.get("/admin/comments").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/admin/login?next=%2Fadmin%2Fcomments");

    let res = b.sign_in("ed", "wrong password!").await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let html = res.text().await.unwrap();
    assert_eq!(attrs(&html, "input[name=login]", "value"), ["ed"], "the login is kept");
    assert!(texts(&html, "[role=alert]")[0].contains("do not match"));

    let res = b.sign_in("ED", PASSWORD).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "logins are case-insensitive");
    let cookie = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("byline_session="))
        .unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(!cookie.contains("Secure"), "plain HTTP: {cookie}");
    let page = b.page("/admin/").await;
    assert!(page.contains("ed name"));
    assert_eq!(b.get("/admin/").await.headers()["cache-control"], "no-store");

    let res = b.post("/admin/", "/admin/logout", &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(b.get("/admin/").await.status(), StatusCode::SEE_OTHER, "signed out");

    // A new password signs out every session.
    let b = signed_in(&site, "ed").await;
    site.cli_with_input(&["user", "reset-password", "ed"], "another long password\n")
        .ok();
    assert_eq!(b.get("/admin/").await.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        Browser::new(&site).sign_in("ed", PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        Browser::new(&site)
            .sign_in("ed", "another long password")
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    // Passwords never come from the command line's arguments.
    let err = site
        .cli_with_input(&["user", "add", "--login", "x", "--role", "author"], "short\n")
        .fails();
    assert!(err.contains("10 characters"), "{err}");
}

#[tokio::test]
async fn guesses_sent_in_parallel_are_not_all_checked() {
    let site = Site::start().await;
    add_user(&site, "target", "editor");
    let browsers: Vec<Browser> = (0..24).map(|_| Browser::new(&site)).collect();
    let mut tokens = Vec::new();
    for b in &browsers {
        tokens.push(b.csrf("/admin/login").await);
    }
    let mut attempts = tokio::task::JoinSet::new();
    for (i, (b, csrf)) in browsers.iter().zip(&tokens).enumerate() {
        let request = b.post_request(
            "/admin/login",
            &[
                ("csrf", csrf.as_str()),
                ("login", "target"),
                ("password", "wrong guess here"),
            ],
            Some(&site.base),
        );
        attempts.spawn(async move { (i, request.send().await.unwrap().status()) });
    }
    let outcomes: Vec<(usize, StatusCode)> = attempts.join_all().await;
    let statuses: Vec<StatusCode> = outcomes.iter().map(|(_, s)| *s).collect();
    let checked = statuses.iter().filter(|s| **s == StatusCode::UNAUTHORIZED).count();
    assert!(checked <= 5, "at most five guesses are checked: {statuses:?}");
    assert!(
        statuses
            .iter()
            .all(|s| [StatusCode::UNAUTHORIZED, StatusCode::TOO_MANY_REQUESTS].contains(s))
    );
    let guesser = outcomes
        .iter()
        .find(|(_, s)| *s == StatusCode::UNAUTHORIZED)
        .map(|(i, _)| &browsers[*i])
        .expect("one guess was checked");
    assert_eq!(
        Browser::at(&site, guesser.ip())
            .sign_in("target", PASSWORD)
            .await
            .status(),
        StatusCode::TOO_MANY_REQUESTS,
        "the account is locked for an address that guessed"
    );
}

#[tokio::test]
async fn repeated_failures_lock_the_account_and_the_address() {
    let site = Site::start().await;
    add_user(&site, "jane", "author");
    // Five failures from five addresses lock the account.
    let guessers: Vec<Browser> = (0..5).map(|_| Browser::new(&site)).collect();
    for b in &guessers {
        let res = b.sign_in("jane", "not the password").await;
        assert!(matches!(
            res.status(),
            StatusCode::UNAUTHORIZED | StatusCode::TOO_MANY_REQUESTS
        ));
    }
    let res = Browser::at(&site, guessers[0].ip()).sign_in("jane", PASSWORD).await;
    assert_eq!(
        res.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "the right password does not get in while locked, from an address that guessed"
    );
    let html = res.text().await.unwrap();
    assert!(texts(&html, "[role=alert]")[0].contains("Try again in"), "{html}");

    // Five failures from one address lock that address, whatever the login.
    add_user(&site, "omar", "author");
    let b = Browser::new(&site);
    for n in 0..5 {
        b.sign_in(&format!("guess{n}"), "nope nope nope").await;
    }
    assert_eq!(
        b.sign_in("omar", PASSWORD).await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        Browser::new(&site).sign_in("omar", PASSWORD).await.status(),
        StatusCode::SEE_OTHER,
        "other addresses are not affected"
    );
}

/// A site with an article by `author` with a held comment, and one by `other`
/// with a held comment; returns their comment ids.
async fn two_discussions(site: &Site) -> (i64, i64) {
    site.add_author("other", "Other Writer");
    add_user(site, "author1", "author");
    let (mine, _) = site.publish("author1", "Mine", "2024-05-01 08:00");
    let (theirs, _) = site.publish("other", "Theirs", "2024-05-02 08:00");
    let c1 = comment_id(&location(
        &site
            .post_comment(&form(&mine.to_string(), "On mine", "Ann", "ann@example.com"))
            .await,
    ));
    let c2 = comment_id(&location(
        &site
            .post_comment(&form(&theirs.to_string(), "On theirs", "Bob", "bob@example.com"))
            .await,
    ));
    (c1, c2)
}

#[tokio::test]
async fn roles_decide_who_moderates_what() {
    let site = Site::start().await;
    let (mine, theirs) = two_discussions(&site).await;
    add_user(&site, "contrib", "contributor");
    add_user(&site, "ed", "editor");
    add_user(&site, "boss", "administrator");

    let contributor = signed_in(&site, "contrib").await;
    assert_eq!(contributor.get("/admin/comments").await.status(), StatusCode::FORBIDDEN);

    // An author sees and moderates only comments on their own articles.
    let author = signed_in(&site, "author1").await;
    let queue = author.page("/admin/comments").await;
    assert!(queue.contains("On mine") && !queue.contains("On theirs"));
    assert!(!queue.contains("ann@example.com"), "only administrators see emails");
    let edit = author.page(&format!("/admin/comments/{mine}/edit")).await;
    assert!(!edit.contains("ann@example.com"), "not in the edit form either");
    let probe = author.page("/admin/comments?status=pending&q=ann%40example").await;
    assert!(probe.contains("No comments match"), "nor can a search by email find it");
    let forged = author
        .post(
            "/admin/comments",
            "/admin/comments/action",
            &[("one", &format!("approve:{theirs}"))],
        )
        .await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN, "a forged id is refused");
    let res = author
        .post(
            "/admin/comments",
            "/admin/comments/action",
            &[("one", &format!("approve:{mine}"))],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let statuses = site.comments_json(None);
    let status_of = |id: i64| statuses.iter().find(|c| c["id"] == id).unwrap()["status"].clone();
    assert_eq!(
        (status_of(mine), status_of(theirs)),
        ("approved".into(), "pending".into())
    );

    // An editor moderates everything, but sees no emails.
    let editor = signed_in(&site, "ed").await;
    let queue = editor.page("/admin/comments").await;
    assert!(queue.contains("On theirs") && !queue.contains("bob@example.com"));
    let admin = signed_in(&site, "boss").await;
    assert!(admin.page("/admin/comments").await.contains("bob@example.com"));
}

#[tokio::test]
async fn forms_without_a_valid_token_or_from_another_site_are_refused() {
    let site = Site::start().await;
    let (_, theirs) = two_discussions(&site).await;
    add_user(&site, "ed", "editor");
    let editor = signed_in(&site, "ed").await;
    let one = format!("approve:{theirs}");
    let res = editor.post_raw("/admin/comments/action", &[("one", &one)], None).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "no token");
    let res = editor
        .post_raw(
            "/admin/comments/action",
            &[("csrf", "0123456789abcdef0123456789abcdef"), ("one", &one)],
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "a made-up token");
    let token = editor.csrf("/admin/comments").await;
    let res = editor
        .post_raw(
            "/admin/comments/action",
            &[("csrf", &token), ("one", &one)],
            Some("https://evil.example"),
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "another site's form");
    // Another user's token does not work in this session.
    add_user(&site, "ed2", "editor");
    let other = signed_in(&site, "ed2").await;
    let foreign_token = other.csrf("/admin/comments").await;
    let res = editor
        .post_raw(
            "/admin/comments/action",
            &[("csrf", &foreign_token), ("one", &one)],
            Some(&site.base),
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(site.comments_json(Some("pending")).len(), 2, "nothing changed");
}

#[tokio::test]
async fn the_queue_approves_replies_edits_trashes_and_restores() {
    let site = Site::start().await;
    let (mine, theirs) = two_discussions(&site).await;
    add_user(&site, "ed", "editor");
    let editor = signed_in(&site, "ed").await;
    let queue = editor.page("/admin/comments").await;
    assert_eq!(texts(&queue, ".tabs a[aria-current=page]"), ["Pending 2"]);

    // Bulk approve both.
    let csrf = editor.csrf("/admin/comments").await;
    let (m, t) = (mine.to_string(), theirs.to_string());
    let res = editor
        .post_raw(
            "/admin/comments/action",
            &[
                ("csrf", &csrf),
                ("bulk", "approve"),
                ("apply", "1"),
                ("ids", &m),
                ("ids", &t),
                ("return_to", "/admin/comments"),
            ],
            Some(&site.base),
        )
        .await;
    assert_eq!(location(&res), "/admin/comments?notice=approve:2");
    let queue = editor.page(&location(&res)).await;
    assert_eq!(texts(&queue, "[role=status]"), ["2 comments approved."]);
    assert_eq!(texts(&queue, ".tabs a")[1], "Approved 2");

    // Reply: published at once under the editor's name.
    let res = editor
        .post(
            &format!("/admin/comments/{theirs}/reply"),
            &format!("/admin/comments/{theirs}/reply"),
            &[("comment", "Thanks, fixed.")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let approved = site.comments_json(Some("approved"));
    let reply = approved
        .iter()
        .find(|c| c["body"] == "Thanks, fixed.")
        .expect("the reply is approved");
    assert_eq!(
        (reply["author_name"].as_str(), reply["parent_id"].as_i64()),
        (Some("ed name"), Some(theirs))
    );

    // Edit keeps the form on an error, then saves.
    let edit = format!("/admin/comments/{mine}/edit");
    let res = editor
        .post(
            &edit,
            &edit,
            &[("author", "Ann"), ("email", "ann@example.com"), ("comment", "")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = editor
        .post(
            &edit,
            &edit,
            &[
                ("author", "Ann B."),
                ("email", "ann@example.com"),
                ("comment", "On mine, corrected"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    // Trash and restore put it back where it was.
    let one = format!("trash:{mine}");
    editor
        .post("/admin/comments", "/admin/comments/action", &[("one", &one)])
        .await;
    assert_eq!(site.comments_json(Some("trash")).len(), 1);
    let one = format!("restore:{mine}");
    editor
        .post(
            "/admin/comments?status=trash",
            "/admin/comments/action",
            &[("one", &one)],
        )
        .await;
    let comment = site
        .comments_json(Some("approved"))
        .into_iter()
        .find(|c| c["id"] == mine)
        .expect("restored to approved");
    assert_eq!(comment["author_name"], "Ann B.");

    // Search by text, name or email.
    let found = editor.page("/admin/comments?status=approved&q=corrected").await;
    assert_eq!(attrs(&found, ".comment-row", "data-id"), [mine.to_string()]);
}

#[tokio::test]
async fn session_cookies_are_secure_over_https_or_when_configured() {
    for (extra, proto) in [
        (vec!["--no-sample", "--secure-cookies"], None),
        (vec!["--no-sample"], Some("https")),
    ] {
        let site = Site::start_with(&extra).await;
        add_user(&site, "ed", "editor");
        let b = Browser::new(&site);
        let csrf = b.csrf("/admin/login").await;
        let mut request = b.post_request(
            "/admin/login",
            &[("csrf", csrf.as_str()), ("login", "ed"), ("password", PASSWORD)],
            None,
        );
        if let Some(p) = proto {
            request = request.header("x-forwarded-proto", p);
        }
        let res = request.send().await.unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let cookie = res
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .find(|c| c.starts_with("byline_session="))
            .unwrap();
        assert!(cookie.contains("Secure"), "{extra:?} {proto:?}: {cookie}");
    }
}
