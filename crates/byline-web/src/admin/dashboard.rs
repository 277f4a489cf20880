//! `/admin/`: where things stand.

use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::Response;
use byline_core::ArticleStatus;
use serde::{Deserialize, Serialize};

use super::page::{Chrome, own_articles_only, render};
use super::session::Admin;
use crate::context::Ctx;
use crate::error::WebError;

/// `?notice=` codes a redirect leaves for the next page.
#[derive(Debug, Deserialize, Default)]
pub struct NoticeQuery {
    notice: Option<String>,
}

impl NoticeQuery {
    /// The code, if any.
    pub fn notice(&self) -> Option<&str> {
        self.notice.as_deref()
    }
}

/// The confirmation a notice code stands for (codes, not text, so a link
/// cannot put words in the admin's mouth).
pub fn notice_text(code: Option<&str>) -> Option<String> {
    let (what, n) = code?.split_once(':').unwrap_or((code?, "1"));
    let n: u32 = n.parse().unwrap_or(1);
    let comments = if n == 1 {
        "1 comment".to_owned()
    } else {
        format!("{n} comments")
    };
    Some(match what {
        "welcome" => "Welcome! Your administrator account is ready.".to_owned(),
        "approve" => format!("{comments} approved."),
        "unapprove" => format!("{comments} sent back to moderation."),
        "spam" => format!("{comments} marked as spam."),
        "trash" => format!("{comments} moved to the trash."),
        "restore" => format!("{comments} restored."),
        "delete" => format!("{comments} deleted for good."),
        "replied" => "Your reply is published.".to_owned(),
        "edited" => "The comment is saved.".to_owned(),
        "saved" => "Saved.".to_owned(),
        "published" => "Published. It is on the site now.".to_owned(),
        "scheduled" => "Scheduled: it goes public at the date and time set.".to_owned(),
        "submitted" => "Submitted for review. An editor can publish it.".to_owned(),
        "trashed" => "Moved to the trash. You can restore it from the Trash list.".to_owned(),
        "restored" => "Restored from the trash.".to_owned(),
        "deleted_article" => "Deleted for good.".to_owned(),
        "revision" => "The revision is restored (and kept as a new revision).".to_owned(),
        "note" => "The note is published under the article, and its updated date changed.".to_owned(),
        "password" => "Your password is changed. Other browsers were signed out.".to_owned(),
        "user_added" => {
            "The user is added. Give them their login and password; they can change it on their profile.".to_owned()
        }
        "role_changed" => "The role is changed; it applies at once.".to_owned(),
        _ => return None,
    })
}

#[derive(Serialize)]
struct Tile {
    label: &'static str,
    count: u64,
    url: &'static str,
}

#[derive(Serialize)]
struct Dashboard {
    tiles: Vec<Tile>,
}

/// The dashboard.
pub async fn show(ctx: Ctx, admin: Admin, Query(q): Query<NoticeQuery>) -> Result<Response, WebError> {
    let chrome = Chrome::signed_in(&ctx.state, &admin, "dashboard", "Dashboard")
        .await?
        .notice(notice_text(q.notice.as_deref()));
    let counts = ctx.state.store.comment_counts(own_articles_only(&admin)).await?;
    let mut tiles = Vec::new();
    // Writers see their own work; editors see the newsroom's.
    let filter = if admin.may(byline_core::role::Action::EditArticle {
        own: false,
        published: false,
    }) {
        byline_store::ArticleFilter::All
    } else {
        byline_store::ArticleFilter::Author(admin.user.id())
    };
    for (label, status, url) in [
        ("drafts", ArticleStatus::Draft, "/admin/articles?status=draft"),
        (
            "pending review",
            ArticleStatus::Pending,
            "/admin/articles?status=pending",
        ),
        (
            "published",
            ArticleStatus::Published,
            "/admin/articles?status=published",
        ),
    ] {
        let found = ctx
            .state
            .store
            .admin_articles(&byline_store::editorial::AdminArticleQuery {
                kind: byline_core::ArticleKind::Post,
                status: Some(status),
                filter: filter.clone(),
                search: None,
                visible_to: None,
                page: 1,
                per_page: 1,
            })
            .await?;
        tiles.push(Tile {
            label,
            count: found.total,
            url,
        });
    }
    if admin.user.role >= byline_core::role::Role::Author {
        tiles.push(Tile {
            label: "comments awaiting moderation",
            count: counts.pending,
            url: "/admin/comments?status=pending",
        });
        tiles.push(Tile {
            label: "approved comments",
            count: counts.approved,
            url: "/admin/comments?status=approved",
        });
        tiles.push(Tile {
            label: "in spam",
            count: counts.spam,
            url: "/admin/comments?status=spam",
        });
    }
    render(
        &ctx.state,
        StatusCode::OK,
        "admin/dashboard.html",
        &chrome,
        &Dashboard { tiles },
    )
}
