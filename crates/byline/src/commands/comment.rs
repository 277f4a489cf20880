//! `byline comment`: moderation from the command line.

use std::path::Path;

use anyhow::Context;
use byline_core::{CommentId, CommentStatus};

use super::open_store;
use crate::output::{preview, table};

/// Comment subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// List comments, newest first.
    List {
        /// Only comments with this status.
        #[arg(long, value_parser = ["pending", "approved", "spam", "trash"])]
        status: Option<String>,
        /// Print JSON (a list of objects with an `id` field).
        #[arg(long)]
        json: bool,
        /// At most this many comments.
        #[arg(long, default_value_t = 200)]
        limit: u32,
    },
    /// Publish a comment.
    Approve {
        /// Comment id.
        id: i64,
    },
    /// Mark a comment as spam.
    Spam {
        /// Comment id.
        id: i64,
    },
    /// Move a comment to the trash.
    Trash {
        /// Comment id.
        id: i64,
    },
    /// Delete a comment for good; its replies move up a level.
    Delete {
        /// Comment id.
        id: i64,
    },
}

pub async fn run(data: &Path, cmd: Command) -> anyhow::Result<()> {
    let store = open_store(data).await?;
    let set = |id: i64, status: CommentStatus| {
        let store = store.clone();
        async move {
            let c = store
                .set_comment_status(CommentId(id), status)
                .await
                .with_context(|| format!("cannot change comment {id}"))?;
            println!("Comment {} by {} is now {}.", c.id, c.author_name, c.status.as_str());
            anyhow::Ok(())
        }
    };
    match cmd {
        Command::List { status, json, limit } => {
            let status = status.as_deref().and_then(CommentStatus::parse);
            let comments = store.comments(status, limit).await?;
            if json {
                // For moderators only: includes the private email and address.
                let list: Vec<_> = comments
                    .iter()
                    .map(|c| {
                        serde_json::json!({
                            "id": c.id.0, "article_id": c.article_id, "parent_id": c.parent_id.map(|p| p.0),
                            "status": c.status.as_str(), "author_name": c.author_name, "author_email": c.author_email,
                            "author_url": c.author_url, "author_ip": c.author_ip, "created_at": c.created_at,
                            "body": c.body,
                        })
                    })
                    .collect();
                println!("{}", serde_json::to_string_pretty(&list)?);
            } else {
                let rows: Vec<Vec<String>> = comments
                    .iter()
                    .map(|c| {
                        vec![
                            c.id.to_string(),
                            c.status.as_str().to_owned(),
                            c.created_at.format("%Y-%m-%d %H:%M").to_string(),
                            c.article_id.to_string(),
                            c.author_name.clone(),
                            c.author_email.clone(),
                            preview(&c.body, 60),
                        ]
                    })
                    .collect();
                table(
                    &["ID", "STATUS", "DATE (UTC)", "ARTICLE", "NAME", "EMAIL", "TEXT"],
                    &rows,
                );
            }
        }
        Command::Approve { id } => set(id, CommentStatus::Approved).await?,
        Command::Spam { id } => set(id, CommentStatus::Spam).await?,
        Command::Trash { id } => set(id, CommentStatus::Trash).await?,
        Command::Delete { id } => {
            let c = store
                .delete_comment(CommentId(id))
                .await
                .with_context(|| format!("cannot delete comment {id}"))?;
            println!("Deleted comment {} by {}.", c.id, c.author_name);
        }
    }
    Ok(())
}
