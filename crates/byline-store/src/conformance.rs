//! The contract every backend must meet, as executable checks. A backend's
//! tests call [`run_all`] with a fresh, empty store.

use byline_core::author::{AuthorProfile, Login};
use byline_core::moderation::ModerationMode;
use byline_core::submission::{CommentPolicy, decide};
use byline_core::{ArticleKind, ArticleStatus, CommentId, CommentStatus, CommentsOpen, NewArticle, Slug, TermKind};
use chrono::{DateTime, Duration, Utc};

use byline_core::role::Role;

use crate::changes::{ChangeFeed, Changes, tag};
use crate::{ArticleFilter, ArticleQuery, NewComment, Store, StoreError, SubmitError};

/// Runs every check against `store`, which must start empty.
pub async fn run_all(store: &dyn Store) {
    settings_and_secret(store).await;
    let author = authors(store).await;
    let article = articles(store, author).await;
    search_and_stamps(store, author).await;
    comments(store, article).await;
    thread_positions(store, author).await;
    change_feed(store, author).await;
    accounts(store).await;
    flood_by_network(store, author).await;
}

async fn accounts(store: &dyn Store) {
    let profile = AuthorProfile {
        display_name: "Ed Itor".into(),
        ..Default::default()
    };
    assert!(!store.has_administrator().await.unwrap());
    let token = b"setup-token-hash".as_slice();
    store.set_setup_token(token).await.unwrap();
    assert!(store.setup_token_valid(token).await.unwrap());
    assert!(!store.setup_token_valid(b"other").await.unwrap());
    let admin_login = Login::parse("root-admin").unwrap();
    let admin = store
        .create_first_administrator(token, &admin_login, None, &profile, "hash-a")
        .await
        .unwrap();
    assert_eq!(admin.role, Role::Administrator);
    assert!(store.has_administrator().await.unwrap());
    assert!(!store.setup_token_valid(token).await.unwrap(), "the link is used up");
    let again = store
        .create_first_administrator(token, &Login::parse("second").unwrap(), None, &profile, "h")
        .await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");

    // An existing author (Jane, from `authors`) gets an account; a new login gets an author too.
    let jane = store
        .create_user(
            &Login::parse("jane.doe").unwrap(),
            None,
            &profile,
            Role::Author,
            "hash-j",
        )
        .await
        .unwrap();
    assert_eq!(
        jane.author.profile.display_name, "Jane Doe",
        "the existing profile is kept"
    );
    let dup = store
        .create_user(&Login::parse("Jane.Doe").unwrap(), None, &profile, Role::Editor, "x")
        .await;
    assert!(matches!(dup, Err(StoreError::Conflict(_))), "{dup:?}");
    let (found, hash) = store.user_for_sign_in("JANE.DOE").await.unwrap().unwrap();
    assert_eq!((found.id(), hash.as_str()), (jane.id(), "hash-j"));
    assert!(store.user_for_sign_in("nobody").await.unwrap().is_none());
    store.set_role(jane.id(), Role::Editor).await.unwrap();
    assert_eq!(store.user(jane.id()).await.unwrap().unwrap().role, Role::Editor);
    assert_eq!(store.users().await.unwrap().len(), 2);

    // Whole seconds: stores may keep only microseconds.
    let now = DateTime::from_timestamp(Utc::now().timestamp(), 0).unwrap();
    store
        .create_session(b"session-1", jane.id(), now + Duration::hours(1))
        .await
        .unwrap();
    assert_eq!(
        store.session_user(b"session-1", now).await.unwrap().map(|u| u.id()),
        Some(jane.id())
    );
    assert!(
        store
            .session_user(b"session-1", now + Duration::hours(2))
            .await
            .unwrap()
            .is_none(),
        "expired"
    );
    store.set_password(jane.id(), "hash-j2").await.unwrap();
    assert!(
        store.session_user(b"session-1", now).await.unwrap().is_none(),
        "a new password signs out every session"
    );
    store
        .create_session(b"session-2", jane.id(), now + Duration::hours(1))
        .await
        .unwrap();
    store.delete_session(b"session-2").await.unwrap();
    assert!(store.session_user(b"session-2", now).await.unwrap().is_none());

    let lock = |n: u32| (n >= 2).then(|| now + Duration::minutes(i64::from(n)));
    assert_eq!(store.login_failures("login:x", now).await.unwrap().count, 0);
    store.add_login_failure("login:x", now, &lock).await.unwrap();
    let second = store.add_login_failure("login:x", now, &lock).await.unwrap();
    assert_eq!(
        (second.count, second.locked_until),
        (2, Some(now + Duration::minutes(2)))
    );
    assert_eq!(store.login_failures("login:x", now).await.unwrap(), second);
    assert_eq!(
        store
            .login_failures("login:x", now + Duration::days(2))
            .await
            .unwrap()
            .count,
        0,
        "old failures are forgotten"
    );
    store.clear_login_failures("login:x").await.unwrap();
    assert_eq!(store.login_failures("login:x", now).await.unwrap().count, 0);
}

/// Sorted tags of a poll, or `None` for [`Changes::Nothing`].
fn polled(feed: &dyn ChangeFeed, now: DateTime<Utc>) -> Option<Vec<String>> {
    match feed.poll(now).unwrap() {
        Changes::Nothing => None,
        Changes::Tags(mut tags) => {
            tags.sort();
            Some(tags)
        }
        Changes::Everything => Some(vec!["everything".into()]),
    }
}

async fn change_feed(store: &dyn Store, author: i64) {
    let now = Utc::now();
    let feed = store.change_feed().await.unwrap();
    let feed = &*feed;
    assert_eq!(polled(feed, now), None, "a new feed starts from now");

    let draft = store
        .create_article(&new_article(author, "Feed draft", None), now)
        .await
        .unwrap();
    let tags = polled(feed, now).expect("a new draft is a change");
    assert!(tags.contains(&tag::article(draft.id)), "{tags:?}");
    assert!(
        !tags
            .iter()
            .any(|t| t == tag::POSTS || t == &tag::author_archive(author)),
        "a draft joins no list: {tags:?}"
    );
    assert_eq!(polled(feed, now), None, "each change is reported once");
    let mut edit = new_article(author, "Feed draft, retitled", None);
    edit.slug = Some(draft.slug.clone());
    store.update_article(draft.id, &edit, now).await.unwrap();
    assert_eq!(polled(feed, now), Some(vec![tag::article(draft.id)]));

    let published = store.publish_article(draft.id, now).await.unwrap();
    let tags = polled(feed, now).unwrap();
    let category = published.categories[0].id;
    for expected in [
        tag::article(draft.id),
        tag::POSTS.to_owned(),
        tag::author_archive(author),
        tag::term_archive(category),
    ] {
        assert!(tags.contains(&expected), "publishing reports {expected}: {tags:?}");
    }
    let mut edit = new_article(author, "Feed article, retitled", Some("2020-01-01T00:00:00Z"));
    edit.slug = Some(published.slug.clone());
    edit.published_at = published.published_at;
    store.update_article(draft.id, &edit, now).await.unwrap();
    assert_eq!(
        polled(feed, now),
        Some(vec![tag::article(draft.id), tag::SITEMAP.to_owned()]),
        "a retitled article keeps its place in every list"
    );

    let policy = CommentPolicy {
        moderation: ModerationMode::FirstTime,
        max_depth: 3,
        flood_seconds: 0,
        screen: byline_core::moderation::Screen::Clean,
    };
    let rules = move |f: &_| decide(f, &policy, None);
    let mut held = comment(draft.id, "Feeder", "A held comment", None, 0);
    held.created_at = now;
    let held = store.submit_comment(&held, &rules).await.unwrap().comment;
    assert_eq!(held.status, CommentStatus::Pending);
    assert_eq!(polled(feed, now), None, "a held comment changes no public page");
    store
        .set_comment_status(held.id, CommentStatus::Approved)
        .await
        .unwrap();
    assert_eq!(
        polled(feed, now),
        Some(vec![tag::comments(draft.id), tag::COMMENTS.to_owned()]),
        "approving shows the comment"
    );

    let jane = store.author(author).await.unwrap().unwrap();
    store
        .update_author(author, jane.email.as_deref(), &jane.profile)
        .await
        .unwrap();
    assert_eq!(polled(feed, now), Some(vec![tag::author(author)]));

    store.set_setting("title", "Changed").await.unwrap();
    assert_eq!(polled(feed, now), Some(vec![tag::SITE.to_owned()]));

    let mut scheduled = new_article(author, "Feed scheduled", None);
    scheduled.status = ArticleStatus::Published;
    scheduled.published_at = Some(now + Duration::hours(1));
    store.create_article(&scheduled, now).await.unwrap();
    let next = store
        .next_publication_after(now)
        .await
        .unwrap()
        .expect("a scheduled article");
    assert!(
        (next - (now + Duration::hours(1))).num_milliseconds().abs() < 1,
        "{next}"
    );
    assert!(polled(feed, now).is_some());
    assert_eq!(polled(feed, now + Duration::minutes(59)), None);
    assert_eq!(
        polled(feed, now + Duration::minutes(61)),
        Some(vec!["everything".into()]),
        "a scheduled article coming due changes lists though nothing was written"
    );
}

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).expect("valid test time").to_utc()
}

async fn settings_and_secret(store: &dyn Store) {
    assert_eq!(
        store.settings().await.unwrap().posts_per_page,
        10,
        "defaults before anything is set"
    );
    store.set_setting("posts_per_page", "3").await.unwrap();
    store.set_setting("posts_per_page", "4").await.unwrap();
    assert_eq!(store.settings().await.unwrap().posts_per_page, 4, "the last value wins");
    let secret = store.site_secret().await.unwrap();
    assert!(secret.len() >= 32);
    assert_eq!(secret, store.site_secret().await.unwrap(), "the secret is stable");
    assert!(!store.flag("sample").await.unwrap());
    store.set_flag("sample").await.unwrap();
    store.set_flag("sample").await.unwrap();
    assert!(store.flag("sample").await.unwrap());
}

async fn authors(store: &dyn Store) -> i64 {
    let login = Login::parse("Jane.Doe").unwrap();
    let profile = AuthorProfile {
        display_name: "Jane Doe".into(),
        tagline: "journalist".into(),
        bio: "Jane writes.".into(),
        website: None,
    };
    let jane = store
        .create_author(&login, Some("jane@example.com"), &profile)
        .await
        .unwrap();
    assert_eq!(jane.nicename, "jane-doe");
    let dup = store
        .create_author(&Login::parse("jane.doe").unwrap(), None, &profile)
        .await;
    assert!(
        matches!(dup, Err(StoreError::Conflict(_))),
        "logins are unique regardless of case: {dup:?}"
    );
    let edited = AuthorProfile {
        tagline: "journalist and political commentator".into(),
        ..profile
    };
    store.update_author(jane.id, None, &edited).await.unwrap();
    let found = store.author_by_nicename("jane-doe").await.unwrap().unwrap();
    assert_eq!(found.profile.tagline, "journalist and political commentator");
    assert_eq!(found.email, None);
    assert_eq!(store.author_by_login("Jane.Doe").await.unwrap().unwrap().id, jane.id);
    assert!(store.author(9999).await.unwrap().is_none());
    assert_eq!(store.authors().await.unwrap().len(), 1);
    jane.id
}

fn new_article(author_id: i64, title: &str, published: Option<&str>) -> NewArticle {
    NewArticle {
        kind: ArticleKind::Post,
        author_id,
        title: title.into(),
        slug: None,
        body: "Body text.".into(),
        excerpt: None,
        status: if published.is_some() {
            ArticleStatus::Published
        } else {
            ArticleStatus::Draft
        },
        comments: CommentsOpen::Open,
        published_at: published.map(at),
        categories: vec!["World News".into()],
        tags: vec!["Elections".into(), "budget".into()],
        ..Default::default()
    }
}

async fn articles(store: &dyn Store, author: i64) -> i64 {
    let now = at("2024-06-01T12:00:00Z");
    let first = store
        .create_article(&new_article(author, "Same Title", Some("2024-01-02T10:00:00Z")), now)
        .await
        .unwrap();
    assert_eq!(first.slug.as_str(), "same-title");
    assert_eq!(first.categories.len(), 1);
    assert_eq!(first.categories[0].slug.as_str(), "world-news");
    assert_eq!(
        first.tags.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
        ["budget", "Elections"]
    );
    let second = store
        .create_article(&new_article(author, "Same Title", Some("2024-02-02T10:00:00Z")), now)
        .await
        .unwrap();
    assert_eq!(second.slug.as_str(), "same-title-2", "derived slugs get a suffix");
    let mut explicit = new_article(author, "Other", None);
    explicit.slug = Some(Slug::parse("same-title").unwrap());
    assert!(
        matches!(store.create_article(&explicit, now).await, Err(StoreError::Conflict(_))),
        "explicit slugs are not renamed"
    );

    let draft = store
        .create_article(&new_article(author, "Draft", None), now)
        .await
        .unwrap();
    assert_eq!(draft.published_at, None);
    let future = store
        .create_article(&new_article(author, "Scheduled", Some("2030-01-01T00:00:00Z")), now)
        .await
        .unwrap();

    let public = |filter| ArticleQuery {
        kind: ArticleKind::Post,
        filter,
        public_at: Some(now),
        page: 1,
        per_page: 10,
        sticky_first: false,
    };
    let listed = store.articles(&public(ArticleFilter::All)).await.unwrap();
    assert_eq!(listed.total, 2, "drafts and scheduled posts are not public");
    assert_eq!(listed.items[0].id, second.id, "newest first");
    let everything = store
        .articles(&ArticleQuery {
            public_at: None,
            ..public(ArticleFilter::All)
        })
        .await
        .unwrap();
    assert_eq!(everything.total, 4);
    let paged = store
        .articles(&ArticleQuery {
            per_page: 1,
            page: 2,
            ..public(ArticleFilter::All)
        })
        .await
        .unwrap();
    assert_eq!((paged.total, paged.items[0].id), (2, first.id));
    let tag = store.term_by_slug(TermKind::Tag, "elections").await.unwrap().unwrap();
    assert_eq!(
        store
            .articles(&public(ArticleFilter::Term(tag.id)))
            .await
            .unwrap()
            .total,
        2
    );
    assert_eq!(
        store
            .articles(&public(ArticleFilter::Author(author)))
            .await
            .unwrap()
            .total,
        2
    );
    let january = ArticleFilter::Published {
        from: at("2024-01-01T00:00:00Z"),
        to: at("2024-02-01T00:00:00Z"),
    };
    assert_eq!(store.articles(&public(january)).await.unwrap().items[0].id, first.id);

    // Publishing a draft dates it; editing a published article keeps the date.
    let published = store.publish_article(draft.id, now).await.unwrap();
    assert_eq!(
        (published.status, published.published_at),
        (ArticleStatus::Published, Some(now))
    );
    let later = now + Duration::hours(1);
    let mut edit = new_article(author, "Draft, revised", Some("2020-01-01T00:00:00Z"));
    edit.tags = vec![];
    let edited = store.update_article(draft.id, &edit, later).await.unwrap();
    assert_eq!(edited.published_at, Some(now));
    assert_eq!(edited.updated_at, Some(later));
    assert_eq!(edited.title, "Draft, revised");
    assert!(edited.tags.is_empty());
    assert_eq!(edited.slug.as_str(), "draft-revised");

    let (deleted, _) = store.delete_article(future.id).await.unwrap();
    assert_eq!(deleted.id, future.id);
    assert!(store.article(future.id).await.unwrap().is_none());
    assert!(matches!(
        store.delete_article(future.id).await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(
        store
            .article_by_slug(ArticleKind::Post, "same-title")
            .await
            .unwrap()
            .unwrap()
            .id,
        first.id
    );
    first.id
}

async fn search_and_stamps(store: &dyn Store, author: i64) {
    use byline_core::search::terms;
    let now = at("2024-06-01T12:00:00Z");
    let mut body_match = new_article(author, "Port news", Some("2024-03-01T10:00:00Z"));
    body_match.body = "The **dredging** contracts were signed in secret.".into();
    let body_match = store.create_article(&body_match, now).await.unwrap();
    let mut title_match = new_article(author, "Inside the dredging contract", Some("2024-02-01T10:00:00Z"));
    title_match.body = "A story about the harbour.".into();
    let title_match = store.create_article(&title_match, now).await.unwrap();
    let mut accents = new_article(author, "Café culture in Zürich", Some("2024-02-05T10:00:00Z"));
    accents.body = "Coffee.".into();
    let accents = store.create_article(&accents, now).await.unwrap();
    let mut hidden = new_article(author, "Dredging draft", None);
    hidden.body = "dredging".into();
    let hidden = store.create_article(&hidden, now).await.unwrap();

    let found = store.search(&terms("DREDGING contract"), now, 1, 10).await.unwrap();
    let ids: Vec<i64> = found.items.iter().map(|h| h.article.id).collect();
    assert_eq!(
        ids,
        [title_match.id, body_match.id],
        "title matches first, stemmed, drafts left out"
    );
    assert_eq!(found.total, 2);
    let snippet = &found.items[1].snippet;
    assert!(
        snippet.contains("\u{2}dredging\u{3}"),
        "matches are marked: {snippet:?}"
    );
    assert!(!snippet.contains("**"), "the index holds plain text: {snippet:?}");
    let accented = store.search(&terms("cafe zurich"), now, 1, 10).await.unwrap();
    assert_eq!(
        accented.items.iter().map(|h| h.article.id).collect::<Vec<_>>(),
        [accents.id]
    );
    assert_eq!(
        store
            .search(&terms("\"unbalanced (OR"), now, 1, 10)
            .await
            .unwrap()
            .total,
        0
    );
    assert_eq!(store.search(&[], now, 1, 10).await.unwrap().total, 0);

    // Edits reach the index; deletions leave it.
    let mut edit = new_article(author, "Port news", Some("2024-03-01T10:00:00Z"));
    edit.body = "Now about ferries.".into();
    store.update_article(body_match.id, &edit, now).await.unwrap();
    assert_eq!(store.search(&terms("ferries"), now, 1, 10).await.unwrap().total, 1);
    assert_eq!(store.search(&terms("dredging"), now, 1, 10).await.unwrap().total, 1);
    store.delete_article(accents.id).await.unwrap();
    assert_eq!(store.search(&terms("zurich"), now, 1, 10).await.unwrap().total, 0);
    let mut scheduled = new_article(author, "Future dredging", Some("2030-01-01T00:00:00Z"));
    scheduled.body = "dredging".into();
    store.create_article(&scheduled, now).await.unwrap();
    assert_eq!(
        store.search(&terms("dredging"), now, 1, 10).await.unwrap().total,
        1,
        "scheduled articles wait"
    );
    store.publish_article(hidden.id, now).await.unwrap();
    let found = store.search(&terms("dredging"), now, 1, 10).await.unwrap();
    assert_eq!(found.total, 2, "a published draft becomes searchable");
    assert_eq!(found.items.len(), 2);

    let stamps = store.article_stamps(ArticleKind::Post, now, 1, 2).await.unwrap();
    assert_eq!(stamps.items.len(), 2);
    assert!(stamps.total >= 4, "every public post: {}", stamps.total);
    assert!(
        stamps.items[0].published_at >= stamps.items[1].published_at,
        "newest first"
    );
}

/// Checks every comment's page and every page's thread against the
/// definition: a thread's place is the number of approved threads that
/// start before it, in (time, id) order. One thread a page.
async fn check_positions(store: &dyn Store, article: i64, step: &str) {
    let mut all: Vec<_> = store
        .comments(None, 10_000)
        .await
        .unwrap()
        .into_iter()
        .filter(|c| c.article_id == article)
        .collect();
    all.sort_by_key(|c| (c.created_at, c.id));
    let roots: Vec<_> = all.iter().filter(|c| c.depth == 1).collect();
    let approved_roots: Vec<_> = roots.iter().filter(|c| c.status == CommentStatus::Approved).collect();
    for c in &all {
        let root = roots
            .iter()
            .find(|r| r.id == c.root_id)
            .expect("every comment has a root");
        let before = approved_roots
            .iter()
            .filter(|r| (r.created_at, r.id) < (root.created_at, root.id))
            .count();
        assert_eq!(
            store.comment_page_of(c.id, 1).await.unwrap(),
            u32::try_from(before).unwrap() + 1,
            "{step}: the page of comment {} ({:?})",
            c.id,
            c.body
        );
    }
    for (i, root) in approved_roots.iter().enumerate() {
        let page = store
            .comment_page(article, u32::try_from(i).unwrap() + 1, 1, &[])
            .await
            .unwrap();
        assert_eq!(page.threads, approved_roots.len() as u64, "{step}: threads");
        assert_eq!(
            page.comments.first().map(|c| c.id),
            Some(root.id),
            "{step}: page {}",
            i + 1
        );
    }
    let approved = all.iter().filter(|c| c.status == CommentStatus::Approved).count() as u64;
    let counted = store.approved_comment_counts(&[article]).await.unwrap();
    assert_eq!(
        counted.first().map_or(0, |(_, n)| *n),
        approved,
        "{step}: the approved count"
    );
}

/// Thread positions stay exact whatever order threads arrive, are
/// approved, spammed, restored or deleted in.
async fn thread_positions(store: &dyn Store, author: i64) {
    let now = at("2024-06-01T12:00:00Z");
    let article = store
        .create_article(
            &new_article(author, "Busy discussion", Some("2024-05-01T10:00:00Z")),
            now,
        )
        .await
        .unwrap()
        .id;
    let held = CommentPolicy {
        moderation: ModerationMode::All,
        max_depth: 5,
        flood_seconds: 0,
        screen: byline_core::moderation::Screen::Clean,
    };
    let submit = |c: NewComment| async move {
        let parent = c.parent_id;
        let rules = move |f: &_| decide(f, &held, parent);
        store.submit_comment(&c, &rules).await.unwrap().comment
    };
    let approve = |id: CommentId| async move {
        store.set_comment_status(id, CommentStatus::Approved).await.unwrap();
    };
    let mut roots = Vec::new();
    for i in 0..6 {
        roots.push(
            submit(comment(
                article,
                &format!("Root{i}"),
                &format!("Thread {i}"),
                None,
                1000 + i * 10,
            ))
            .await,
        );
    }
    check_positions(store, article, "all held").await;
    for i in [3, 1, 5] {
        approve(roots[i].id).await;
    }
    check_positions(store, article, "approved out of order").await;
    let reply = submit(comment(article, "Rita", "A reply", Some(roots[1].id), 2000)).await;
    approve(reply.id).await;
    let deeper = submit(comment(article, "Rex", "Deeper", Some(reply.id), 2010)).await;
    approve(deeper.id).await;
    check_positions(store, article, "replies").await;
    // An older thread arriving late (an import, or a clock set back).
    let late = submit(comment(article, "Late", "From the past", None, 5)).await;
    approve(late.id).await;
    check_positions(store, article, "an older thread approved").await;
    store
        .set_comment_status(roots[1].id, CommentStatus::Spam)
        .await
        .unwrap();
    check_positions(store, article, "a thread marked spam").await;
    approve(roots[1].id).await;
    store
        .set_comment_status(roots[3].id, CommentStatus::Trash)
        .await
        .unwrap();
    store.restore_comment(roots[3].id).await.unwrap();
    check_positions(store, article, "trashed and restored").await;
    store
        .add_staff_reply(&crate::StaffReply {
            parent_id: roots[5].id,
            author_id: author,
            author_name: "Staff".into(),
            author_email: "staff@example.com".into(),
            author_url: None,
            author_ip: "192.0.2.9".into(),
            body: "Thanks".into(),
            created_at: at("2024-06-01T13:00:00Z"),
        })
        .await
        .unwrap();
    check_positions(store, article, "a staff reply").await;
    // Deleting a thread lifts its replies into threads of their own.
    store.delete_comment(roots[1].id).await.unwrap();
    check_positions(store, article, "a thread deleted").await;
    let visible = store.comment_page(article, 1, 100, &[roots[0].id]).await.unwrap();
    assert!(
        visible.comments.iter().any(|c| c.id == roots[0].id),
        "a held thread shows to whom it is given"
    );
    let (_, gone) = store.delete_article(article).await.unwrap();
    assert!(gone > 0);
    assert!(store.approved_comment_counts(&[article]).await.unwrap().is_empty());
}

fn comment(article_id: i64, name: &str, body: &str, parent: Option<CommentId>, seconds: i64) -> NewComment {
    NewComment {
        article_id,
        parent_id: parent,
        author_name: name.into(),
        author_email: format!("{}@example.com", name.to_lowercase()),
        author_url: None,
        author_ip: format!("192.0.2.{}", seconds % 250),
        user_agent: "test".into(),
        body: body.into(),
        created_at: at("2024-06-01T12:00:00Z") + Duration::seconds(seconds),
        // Each commenter writes from a browser of their own.
        commenter: Some(format!("browser-of-{}", name.to_lowercase())),
    }
}

async fn comments(store: &dyn Store, article: i64) {
    let policy = CommentPolicy {
        moderation: ModerationMode::FirstTime,
        max_depth: 3,
        flood_seconds: 15,
        screen: byline_core::moderation::Screen::Clean,
    };
    let rules = move |f: &_| decide(f, &policy, None);
    let submit = |c: NewComment| async move {
        let parent = c.parent_id;
        let rules = move |f: &_| decide(f, &policy, parent);
        store.submit_comment(&c, &rules).await.map(|s| s.comment)
    };

    let first = store
        .submit_comment(&comment(article, "Ann", "Hello", None, 0), &rules)
        .await
        .unwrap()
        .comment;
    assert_eq!(
        (first.status, first.depth, first.root_id),
        (CommentStatus::Pending, 1, first.id),
        "a first-time commenter is held"
    );
    let dup = store
        .submit_comment(&comment(article, "Ann", "Hello", None, 100), &rules)
        .await;
    assert!(
        matches!(dup, Err(SubmitError::Rejected(_))),
        "duplicates are refused: {dup:?}"
    );

    // A reply needs an approved parent.
    let early = submit(comment(article, "Bob", "Reply", Some(first.id), 200)).await;
    assert!(matches!(early, Err(SubmitError::Rejected(_))), "{early:?}");
    store
        .set_comment_status(first.id, CommentStatus::Approved)
        .await
        .unwrap();
    let again = store
        .submit_comment(&comment(article, "Ann", "Back again", None, 300), &rules)
        .await
        .unwrap();
    assert_eq!(again.threads_before, 1, "one approved thread starts before it");
    let again = again.comment;
    assert_eq!(
        again.status,
        CommentStatus::Approved,
        "a known commenter goes straight through"
    );
    // Someone else typing Ann's name and email, from another browser, is not Ann.
    let mut impostor = comment(article, "Ann", "Pretending", None, 310);
    impostor.commenter = Some("another-browser".into());
    impostor.author_ip = "198.51.100.77".into();
    let impostor = store.submit_comment(&impostor, &rules).await.unwrap().comment;
    assert_eq!(
        impostor.status,
        CommentStatus::Pending,
        "known means the same browser too"
    );
    assert_eq!(impostor.commenter.as_deref(), Some("another-browser"));
    store.delete_comment(impostor.id).await.unwrap();

    let mut flood = comment(article, "Cat", "Quick", None, 305);
    flood.author_ip = again.author_ip.clone();
    assert!(
        matches!(
            store.submit_comment(&flood, &rules).await,
            Err(SubmitError::Rejected(_))
        ),
        "floods are refused"
    );

    let reply = submit(comment(article, "Ann", "Level 2", Some(first.id), 400))
        .await
        .unwrap();
    assert_eq!(
        (reply.depth, reply.root_id, reply.parent_id),
        (2, first.id, Some(first.id))
    );
    let deep = submit(comment(article, "Ann", "Level 3", Some(reply.id), 500))
        .await
        .unwrap();
    assert_eq!(deep.depth, 3);
    let too_deep = submit(comment(article, "Ann", "Level 4", Some(deep.id), 600)).await;
    assert!(
        matches!(too_deep, Err(SubmitError::Rejected(_))),
        "depth is enforced: {too_deep:?}"
    );

    // Pages hold whole threads; a held comment shows only to whom it is given.
    let held = store
        .submit_comment(&comment(article, "Dan", "Held", None, 700), &rules)
        .await
        .unwrap()
        .comment;
    assert_eq!(held.status, CommentStatus::Pending);
    let page = store.comment_page(article, 1, 1, &[]).await.unwrap();
    assert_eq!((page.threads, page.approved), (2, 4));
    assert_eq!(
        page.comments.iter().map(|c| c.id).collect::<Vec<_>>(),
        [first.id, reply.id, deep.id]
    );
    let page2 = store.comment_page(article, 2, 1, &[]).await.unwrap();
    assert_eq!(page2.comments.iter().map(|c| c.id).collect::<Vec<_>>(), [again.id]);
    let own = store.comment_page(article, 3, 1, &[held.id]).await.unwrap();
    assert_eq!((own.threads, own.comments[0].id), (3, held.id));
    assert!(
        store
            .comment_page(article, 3, 1, &[])
            .await
            .unwrap()
            .comments
            .is_empty()
    );
    assert_eq!(store.comment_page_of(deep.id, 1).await.unwrap(), 1);
    assert_eq!(store.comment_page_of(again.id, 1).await.unwrap(), 2);
    assert_eq!(
        store.approved_comment_counts(&[article]).await.unwrap(),
        vec![(article, 4)]
    );

    // Moderation lists and status changes.
    let pending = store.comments(Some(CommentStatus::Pending), 50).await.unwrap();
    assert_eq!(pending.iter().map(|c| c.id).collect::<Vec<_>>(), [held.id]);
    store.set_comment_status(held.id, CommentStatus::Spam).await.unwrap();
    assert_eq!(store.comments(Some(CommentStatus::Spam), 50).await.unwrap().len(), 1);
    assert!(matches!(
        store.set_comment_status(CommentId(99_999), CommentStatus::Trash).await,
        Err(StoreError::NotFound(_))
    ));

    // Deleting a top-level comment lifts its replies into a thread of their own.
    store.delete_comment(first.id).await.unwrap();
    let lifted = store.comment(reply.id).await.unwrap().unwrap();
    assert_eq!((lifted.parent_id, lifted.root_id, lifted.depth), (None, reply.id, 1));
    let child = store.comment(deep.id).await.unwrap().unwrap();
    assert_eq!(
        (child.parent_id, child.root_id, child.depth),
        (Some(reply.id), reply.id, 2)
    );
    assert_eq!(store.comment_page(article, 1, 10, &[]).await.unwrap().threads, 2);

    let (_, gone) = store.delete_article(article).await.unwrap();
    assert_eq!(gone, 4, "an article takes its comments with it");
}

/// The flood check counts a client by its network
/// (`byline_core::client_net`), whatever the address it came from.
async fn flood_by_network(store: &dyn Store, author: i64) {
    let article = store
        .create_article(
            &new_article(author, "Flood", Some("2024-01-03T10:00:00Z")),
            at("2024-06-01T12:00:00Z"),
        )
        .await
        .unwrap()
        .id;
    let policy = CommentPolicy {
        moderation: ModerationMode::All,
        max_depth: 3,
        flood_seconds: 15,
        screen: byline_core::moderation::Screen::Clean,
    };
    let rules = move |f: &_| decide(f, &policy, None);
    let pairs = [
        ("2001:db8:7:8::1", "2001:db8:7:8:ffff::2", "one IPv6 /64"),
        ("198.51.100.9", "::ffff:198.51.100.9", "an IPv4 address, mapped or not"),
    ];
    for (n, (first_ip, second_ip, what)) in (0..).zip(pairs) {
        let mut first = comment(article, "Eve", &format!("First {n}"), None, 1000 + n * 100);
        first.author_ip = first_ip.into();
        let stored = store.submit_comment(&first, &rules).await.unwrap().comment;
        assert_eq!(stored.author_ip, first_ip, "the full address is kept");
        let mut second = comment(article, "Eve", &format!("Second {n}"), None, 1005 + n * 100);
        second.author_ip = second_ip.into();
        assert!(
            matches!(
                store.submit_comment(&second, &rules).await,
                Err(SubmitError::Rejected(_))
            ),
            "{what} shares the flood limit"
        );
    }
    let mut neighbour = comment(article, "Eve", "Next network", None, 1006);
    neighbour.author_ip = "2001:db8:7:9::1".into();
    store.submit_comment(&neighbour, &rules).await.unwrap();
    store.delete_article(article).await.unwrap();
}
