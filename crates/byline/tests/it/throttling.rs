//! Guessing a secret: article passwords are throttled as sign-ins are, a
//! locked account still lets its owner in, and the operator can lift a
//! lock from the command line.

use reqwest::StatusCode;

use crate::admin::{Browser, PASSWORD, add_user};
use crate::support::{Site, cookies, location, texts};

/// Reproduces: article passwords could be guessed with no throttling.
#[tokio::test]
async fn article_password_guesses_are_throttled_like_sign_ins() {
    let site = Site::start().await;
    let path = site.protected_article("ledger-12");
    let guesser = site.fresh_ip();
    let guess = |password: &'static str, ip: String| {
        let site = &site;
        let path = path.clone();
        async move {
            site.post_password(&[("post_password", password), ("redirect_to", &path)], &ip, &[])
                .await
        }
    };
    for n in 1..5 {
        let res = guess("guess-1234", guesser.clone()).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "guess {n}");
        assert!(cookies(&res).is_empty(), "a wrong password is not remembered");
        assert!(res.text().await.unwrap().contains("not the password of this article"));
    }
    let res = guess("guess-1234", guesser.clone()).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS, "the fifth guess locks");
    let wait: u64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=30).contains(&wait), "Retry-After: {wait}");
    let html = res.text().await.unwrap();
    assert!(
        texts(&html, ".error p")
            .iter()
            .any(|t| t.starts_with("Too many wrong passwords for this article. Try again in")),
        "{html}"
    );
    let res = guess("ledger-12", guesser.clone()).await;
    assert_eq!(
        res.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "a locked address is refused even the right password"
    );
    assert!(cookies(&res).is_empty());

    // A reader elsewhere gets in, and their browser keeps the article open.
    let res = guess("ledger-12", site.fresh_ip()).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), path);
    let page = site.get_with_cookies(&path, &cookies(&res)).await.text().await.unwrap();
    assert!(page.contains("The hidden ledger text."));

    // Wrong article passwords do not lock the address out of signing in.
    add_user(&site, "jane2", "author");
    let res = Browser::at(&site, &guesser).sign_in("jane2", PASSWORD).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    // Once the lock ends, the right password works from the guessing address too.
    tokio::time::sleep(std::time::Duration::from_secs(wait + 1)).await;
    let res = guess("ledger-12", guesser.clone()).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "the lock has ended");
    assert!(!cookies(&res).is_empty());
}

/// Locks `login`'s account with five wrong passwords from five addresses,
/// and returns those browsers.
async fn lock<'a>(site: &'a Site, login: &str) -> Vec<Browser<'a>> {
    let guessers: Vec<Browser> = (0..5).map(|_| Browser::new(site)).collect();
    for b in &guessers {
        b.sign_in(login, "a wrong guess at it").await;
    }
    guessers
}

/// Reproduces: anyone could keep any account locked out of web sign-in: the
/// account lock refused even the right password from anywhere.
#[tokio::test]
async fn a_locked_account_still_lets_its_owner_in() {
    let site = Site::start().await;
    add_user(&site, "jane", "editor");
    let guessers = lock(&site, "jane").await;
    let res = Browser::at(&site, guessers[1].ip()).sign_in("jane", PASSWORD).await;
    assert_eq!(
        res.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "an address that guessed is refused while the account is locked"
    );
    let res = guessers[2].sign_in("jane", "another wrong guess").await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS, "and is not even checked");

    let res = Browser::new(&site).sign_in("jane", PASSWORD).await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "the owner, from an address with no failures, signs in"
    );

    // The address lock is kept: five failures from one address refuse it everything.
    add_user(&site, "omar", "author");
    let b = Browser::new(&site);
    for n in 0..5 {
        b.sign_in(&format!("someone{n}"), "nope nope nope").await;
    }
    assert_eq!(
        b.sign_in("omar", PASSWORD).await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
}

/// Reproduces: `byline user reset-password` did not lift an account's lock,
/// and there was no way to unlock it.
#[tokio::test]
async fn the_operator_unlocks_an_account_from_the_command_line() {
    let site = Site::start().await;
    add_user(&site, "jane", "editor");
    let guessers = lock(&site, "jane").await;
    let again = Browser::at(&site, guessers[0].ip());
    assert_eq!(
        again.sign_in("jane", PASSWORD).await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    let out = site.cli(&["user", "unlock", "jane"]).ok();
    assert!(
        out.contains("Unlocked jane: 5 recent failed sign-in(s) forgotten."),
        "{out}"
    );
    assert_eq!(
        again.sign_in("jane", PASSWORD).await.status(),
        StatusCode::SEE_OTHER,
        "the address that had one failure gets in once the account is unlocked"
    );

    let guessers = lock(&site, "jane").await;
    let again = Browser::at(&site, guessers[0].ip());
    assert_eq!(
        again.sign_in("jane", PASSWORD).await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    let out = site
        .cli_with_input(&["user", "reset-password", "jane"], "a brand new password\n")
        .ok();
    assert!(out.contains("the account is unlocked"), "{out}");
    assert_eq!(
        again.sign_in("jane", "a brand new password").await.status(),
        StatusCode::SEE_OTHER,
        "a reset lifts the lock"
    );

    let err = site.cli(&["user", "unlock", "nobody"]).fails();
    assert!(
        err.contains("no user with login \"nobody\"") && err.contains("byline user list"),
        "{err}"
    );
}
