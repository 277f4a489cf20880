//! Importing a WordPress export into a site that is in use: the site keeps
//! taking comments and edits, other commands start, and a run that fails
//! or is killed leaves the site as it was. Each test is headed by what it
//! reproduces.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::StatusCode;

use crate::support::{Site, bin, form};

/// A generated export big enough that importing it takes several seconds.
fn big_export(site: &Site, posts: u32, comments: u32) -> std::path::PathBuf {
    let file = site.data().join("big.wxr");
    site.cli(&[
        "dev",
        "gen-wxr",
        "--posts",
        &posts.to_string(),
        "--comments",
        &comments.to_string(),
        "-o",
        file.to_str().unwrap(),
    ])
    .ok();
    file
}

/// Starts `byline import wordpress FILE` in the background.
fn start_import(site: &Site, file: &std::path::Path, extra: &[&str]) -> Child {
    Command::new(bin())
        .arg("--data")
        .arg(site.data())
        .args(["import", "wordpress"])
        .arg(file)
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the import")
}

fn still_running(child: &mut Child) -> bool {
    child.try_wait().expect("poll the import").is_none()
}

/// How many posts `post list` shows.
fn post_count(site: &Site) -> usize {
    let out = site.cli(&["post", "list", "--json"]).ok();
    serde_json::from_str::<serde_json::Value>(&out)
        .unwrap()
        .as_array()
        .unwrap()
        .len()
}

/// Reproduces: an import held the write lock for its whole run, so a
/// comment posted meanwhile got a 500 "database is locked" (its text
/// lost), `settings set` failed, `serve` could not start and even
/// `comment list` failed.
#[tokio::test]
async fn the_site_keeps_working_while_an_import_runs() {
    let site = Site::start().await;
    site.add_author("jane", "Jane Doe");
    let (id, _) = site.publish("jane", "Live discussion", "2024-05-01 08:00");
    let file = big_export(&site, 500, 15_000);
    let mut import = start_import(&site, &file, &[]);

    let mut comments = 0;
    let mut slowest = Duration::ZERO;
    let mut other_commands = false;
    let deadline = Instant::now() + Duration::from_secs(240);
    while still_running(&mut import) && Instant::now() < deadline {
        let started = Instant::now();
        let res = site
            .post_comment(&form(
                &id.to_string(),
                &format!("Comment {comments} during the import."),
                &format!("Reader {comments}"),
                &format!("reader{comments}@example.com"),
            ))
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "comment {comments} was taken");
        slowest = slowest.max(started.elapsed());
        comments += 1;
        if !other_commands && comments >= 1 {
            // A write from the CLI, a read-only command, and another server.
            site.cli(&["settings", "set", "tagline", "Writable during imports"])
                .ok();
            site.cli(&["comment", "list"]).ok();
            let second = crate::support::launch_server(site.data(), &["--no-sample"], false);
            let res = reqwest::get(format!("{}/healthz", second.base)).await.unwrap();
            assert_eq!(res.status(), StatusCode::OK, "a second server starts");
            let mut child = second.child;
            let _ = child.kill();
            let _ = child.wait();
            other_commands = true;
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    let out = import.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "the import finished: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(other_commands, "the import ran long enough to check the other commands");
    assert!(
        comments >= 3,
        "the import ran long enough to post comments ({comments})"
    );
    // A generous bound for a debug build on a shared machine; the import
    // leaves the lock free several times a second.
    assert!(slowest < Duration::from_secs(3), "the slowest comment took {slowest:?}");
    assert_eq!(
        site.comments_json(None).len() - 15_000,
        comments,
        "every comment was kept, once"
    );
    assert_eq!(post_count(&site), 501);
    assert!(site.page("/").await.contains("Writable during imports"));
}

/// Reproduces: `--dry-run` took the write lock for its whole run too.
#[tokio::test]
async fn a_dry_run_takes_no_lock_and_changes_nothing() {
    let site = Site::start().await;
    let file = big_export(&site, 200, 6_000);
    let before = post_count(&site);
    let mut dry = start_import(&site, &file, &["--dry-run"]);
    let mut writes = 0;
    while still_running(&mut dry) {
        let started = Instant::now();
        site.cli(&["settings", "set", "tagline", &format!("Edit {writes}")])
            .ok();
        assert!(started.elapsed() < Duration::from_secs(3), "{:?}", started.elapsed());
        writes += 1;
    }
    let out = dry.wait_with_output().unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(report.contains("Dry run") && report.contains("200"), "{report}");
    assert!(writes >= 1);
    assert_eq!(post_count(&site), before, "nothing was imported");
    let leftovers: Vec<_> = std::fs::read_dir(site.data())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with(".import-dry-run"))
        .collect();
    assert!(leftovers.is_empty(), "the private copy is removed");
}

/// Reproduces: a failed import had to leave the site as it was, which the
/// one-transaction import did by holding the lock; in short transactions
/// it must be undone. The second half of this file cannot be read.
#[tokio::test]
async fn an_import_that_fails_halfway_is_undone() {
    let site = Site::start().await;
    site.add_author("jane", "Jane Doe");
    site.publish("jane", "Already here", "2024-05-01 08:00");
    let file = big_export(&site, 150, 3_000);
    let text = std::fs::read_to_string(&file).unwrap();
    let cut = text.rfind("<item>").unwrap();
    let broken = site.data().join("broken.wxr");
    std::fs::write(&broken, format!("{}<item><title>Broken</ti", &text[..cut])).unwrap();
    let before_posts = post_count(&site);
    let before_comments = site.comments_json(None).len();
    let out = site.cli(&["import", "wordpress", broken.to_str().unwrap()]).fails();
    assert!(out.contains("Nothing was imported"), "{out}");
    assert_eq!(post_count(&site), before_posts);
    assert_eq!(site.comments_json(None).len(), before_comments);
    let authors = site.cli(&["author", "list", "--json"]).ok();
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&authors)
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        1,
        "the export's authors went too"
    );
}

/// Reproduces: a killed import must not leave half its content online,
/// and the next run undoes what it had written.
#[tokio::test]
async fn a_killed_import_shows_nothing_and_the_next_run_undoes_it() {
    let site = Site::start().await;
    let file = big_export(&site, 300, 9_000);
    let mut import = start_import(&site, &file, &[]);
    // Wait until it has written something, then kill it.
    let deadline = Instant::now() + Duration::from_secs(120);
    while post_count(&site) < 20 && Instant::now() < deadline && still_running(&mut import) {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(still_running(&mut import), "the import was still running when killed");
    import.kill().unwrap();
    import.wait().unwrap();
    let home = site.page("/").await;
    assert!(!home.contains("story-"), "nothing of the killed run is public");
    let feed = site.page("/feed/").await;
    assert!(!feed.contains("story-"));

    // The next run starts once the dead run's heartbeat is old, undoes it, and imports.
    let again = Instant::now();
    let out = loop {
        let out = site.cli(&["import", "wordpress", file.to_str().unwrap()]);
        if out.status.success() || again.elapsed() > Duration::from_secs(90) {
            break out.ok();
        }
        assert!(out.stderr.contains("another import is running"), "{}", out.stderr);
        tokio::time::sleep(Duration::from_secs(2)).await;
    };
    assert!(out.contains("Imported"), "{out}");
    assert_eq!(post_count(&site), 300, "each post once");
    assert_eq!(site.comments_json(None).len(), 9_000, "each comment once");
}
