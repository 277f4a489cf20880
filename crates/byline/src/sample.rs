//! The sample author, article and comment an empty site starts with, so
//! the first page a newcomer opens shows what byline does.

use byline_core::author::{AuthorProfile, Login};
use byline_core::moderation::ModerationMode;
use byline_core::submission::{CommentPolicy, decide};
use byline_core::{ArticleKind, ArticleStatus, CommentsOpen, NewArticle};
use byline_store::{ArticleFilter, ArticleQuery, NewComment, Store};
use chrono::Utc;

const OFFERED: &str = "sample_content_offered";

const BODY: &str = r#"This is byline's sample article. It shows how an article looks on your new site: the headline, the byline with the author's tagline, the body, the author's bio box and, below, the discussion with its "Leave a Reply" form.

## Writing

Articles are Markdown files. Write one with front matter like this, then run `byline post new my-article.md`:

```
---
title: What the budget means for renters
author: alex
categories: [Politics]
tags: [housing, budget]
status: published
---

Your text here.
```

Quotations get their attribution when the last line of the quote starts with a dash:

> Comment is free, but facts are sacred.
>
> — C. P. Scott, *The Manchester Guardian*, 1921

You can use lists, [links](https://commonmark.org/help/), tables and footnotes[^1]:

| Command | What it does |
|---|---|
| `byline post list` | lists your articles |
| `byline comment list --status pending` | shows comments waiting for you |
| `byline settings list` | shows the site settings |

## Discussion

Readers comment without an account. Their email address is never published. The first comment from someone new waits for your approval; after that, their comments appear at once. Approve held comments with `byline comment approve ID`.

When you are ready, delete this article with `byline post delete ID` and the sample author's details with `byline author edit alex`.

[^1]: Like this one.
"#;

/// Adds the sample content once, to a site that has no authors and no
/// articles; never again after that (deleting it does not bring it back).
pub async fn offer(store: &dyn Store) -> anyhow::Result<()> {
    if store.flag(OFFERED).await? {
        return Ok(());
    }
    let any_article = ArticleQuery {
        kind: ArticleKind::Post,
        filter: ArticleFilter::All,
        public_at: None,
        page: 1,
        per_page: 1,
        sticky_first: false,
    };
    if store.authors().await?.is_empty() && store.articles(&any_article).await?.total == 0 {
        add(store).await?;
        tracing::info!("added the sample author, article and comment");
    }
    store.set_flag(OFFERED).await?;
    Ok(())
}

async fn add(store: &dyn Store) -> anyhow::Result<()> {
    let profile = AuthorProfile {
        display_name: "Alex Morgan".into(),
        tagline: "journalist and political commentator".into(),
        bio: "Alex Morgan is a two-time award-winning journalist covering politics and public life. (A sample author: change these details with byline author edit alex.)".into(),
        website: None,
    };
    let author = store.create_author(&Login::parse("alex")?, None, &profile).await?;
    let now = Utc::now();
    let article = store
        .create_article(
            &NewArticle {
                kind: ArticleKind::Post,
                author_id: author.id,
                title: "Welcome to byline".into(),
                slug: None,
                body: BODY.into(),
                excerpt: Some("Your new site is running. This sample article shows what an article page looks like and how to write your own.".into()),
                status: ArticleStatus::Published,
                comments: CommentsOpen::Open,
                published_at: Some(now),
                categories: vec!["Announcements".into()],
                tags: vec!["welcome".into()],
                ..Default::default()
            },
            now,
        )
        .await?;
    let comment = NewComment {
            commenter: None,
        article_id: article.id,
        parent_id: None,
        author_name: "A byline reader".into(),
        author_email: "reader@example.invalid".into(),
        author_url: None,
        // Not a real client address, so no visitor's first comment trips the flood check.
        author_ip: String::new(),
        user_agent: String::new(),
        body: "Congratulations on the new site! This is a sample comment. Comments like this one appear under the article once approved; reply to it to see threading.".into(),
        created_at: now,
    };
    let policy = CommentPolicy {
        moderation: ModerationMode::None,
        max_depth: 5,
        flood_seconds: 0,
        screen: byline_core::moderation::Screen::Clean,
    };
    store
        .submit_comment(&comment, &move |facts| decide(facts, &policy, None))
        .await?;
    Ok(())
}
