//! `byline author`.

use std::path::Path;

use anyhow::{Context, bail};
use byline_core::author::{AuthorProfile, Login};
use byline_core::comment_form::{is_valid_email, normalise_url};
use byline_core::permalink::author_path;

use super::open_store;
use crate::output::table;

/// Author subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Add an author.
    Add {
        /// Account name (letters, digits, _ . - @); the author page is /author/LOGIN/.
        #[arg(long)]
        login: String,
        /// Name shown in the byline.
        #[arg(long)]
        name: String,
        /// Line under the name, e.g. "journalist and political commentator".
        #[arg(long, default_value = "")]
        tagline: String,
        /// Short biography for the bio box.
        #[arg(long, default_value = "")]
        bio: String,
        /// Private contact address (never shown publicly).
        #[arg(long)]
        email: Option<String>,
        /// The author's own web site.
        #[arg(long)]
        website: Option<String>,
    },
    /// List authors.
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Change an author's profile; only the options given change.
    Edit {
        /// The author's login.
        login: String,
        /// Name shown in the byline.
        #[arg(long)]
        name: Option<String>,
        /// Line under the name.
        #[arg(long)]
        tagline: Option<String>,
        /// Short biography.
        #[arg(long)]
        bio: Option<String>,
        /// Private contact address ("" removes it).
        #[arg(long)]
        email: Option<String>,
        /// The author's web site ("" removes it).
        #[arg(long)]
        website: Option<String>,
    },
}

pub async fn run(data: &Path, cmd: Command) -> anyhow::Result<()> {
    let store = open_store(data).await?;
    match cmd {
        Command::Add {
            login,
            name,
            tagline,
            bio,
            email,
            website,
        } => {
            let login = Login::parse(&login)?;
            let profile = AuthorProfile {
                display_name: required_name(&name)?,
                tagline: tagline.trim().to_owned(),
                bio: bio.trim().to_owned(),
                website: checked_website(website)?,
            };
            let email = checked_email(email)?;
            let author = store.create_author(&login, email.as_deref(), &profile).await?;
            println!(
                "Added author {} ({}): {}",
                author.profile.display_name,
                author.login,
                author_path(&author.nicename)
            );
        }
        Command::List { json } => {
            let authors = store.authors().await?;
            if json {
                let list: Vec<_> = authors
                    .iter()
                    .map(|a| {
                        serde_json::json!({
                            "id": a.id, "login": a.login.as_str(), "name": a.profile.display_name,
                            "tagline": a.profile.tagline, "bio": a.profile.bio, "website": a.profile.website,
                            "url": author_path(&a.nicename),
                        })
                    })
                    .collect();
                println!("{}", serde_json::to_string_pretty(&list)?);
            } else {
                let rows: Vec<Vec<String>> = authors
                    .iter()
                    .map(|a| {
                        vec![
                            a.id.to_string(),
                            a.login.to_string(),
                            a.profile.display_name.clone(),
                            a.profile.tagline.clone(),
                        ]
                    })
                    .collect();
                table(&["ID", "LOGIN", "NAME", "TAGLINE"], &rows);
            }
        }
        Command::Edit {
            login,
            name,
            tagline,
            bio,
            email,
            website,
        } => {
            let author = store
                .author_by_login(&login)
                .await?
                .with_context(|| format!("no author with login {login:?}"))?;
            let mut profile = author.profile.clone();
            if let Some(name) = name {
                profile.display_name = required_name(&name)?;
            }
            if let Some(tagline) = tagline {
                profile.tagline = tagline.trim().to_owned();
            }
            if let Some(bio) = bio {
                profile.bio = bio.trim().to_owned();
            }
            if website.is_some() {
                profile.website = checked_website(website)?;
            }
            let email = if email.is_some() {
                checked_email(email)?
            } else {
                author.email.clone()
            };
            let updated = store.update_author(author.id, email.as_deref(), &profile).await?;
            println!("Updated author {} ({})", updated.profile.display_name, updated.login);
        }
    }
    Ok(())
}

pub fn required_name(name: &str) -> anyhow::Result<String> {
    let name = name.trim();
    if name.is_empty() {
        bail!("the author's name cannot be empty");
    }
    Ok(name.to_owned())
}

pub fn checked_email(email: Option<String>) -> anyhow::Result<Option<String>> {
    match email.map(|e| e.trim().to_owned()).filter(|e| !e.is_empty()) {
        Some(e) if !is_valid_email(&e) => bail!("{e:?} is not a valid email address"),
        other => Ok(other),
    }
}

fn checked_website(website: Option<String>) -> anyhow::Result<Option<String>> {
    normalise_url(website.as_deref().unwrap_or("").trim()).map_err(anyhow::Error::msg)
}
