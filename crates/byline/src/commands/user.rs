//! `byline user`: admin accounts from the command line. Passwords are read
//! from standard input (or asked for on a terminal, without echo), never
//! from arguments, which other users of the machine can see.

use std::io::{BufRead, IsTerminal};
use std::path::Path;

use anyhow::{Context, bail};
use byline_core::author::{AuthorProfile, Login};
use byline_core::role::Role;
use byline_core::throttle;
use byline_store::Store;
use byline_store::accounts::User;
use byline_web::password;
use chrono::Utc;

use super::author::{checked_email, required_name};
use super::open_store;
use crate::output::table;

/// User subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Give a login an admin account (its author, if one exists, or a new
    /// author). The password comes from standard input.
    Add {
        /// Account name (letters, digits, _ . - @).
        #[arg(long)]
        login: String,
        /// administrator, editor, author or contributor.
        #[arg(long)]
        role: String,
        /// Name shown in the byline (for a new author; defaults to the login).
        #[arg(long)]
        name: Option<String>,
        /// Private contact address (for a new author).
        #[arg(long)]
        email: Option<String>,
    },
    /// Set a new password (from standard input), sign out every session and
    /// lift the account's sign-in lock.
    ResetPassword {
        /// The user's login.
        login: String,
    },
    /// Lift the account's sign-in lock: forget its failed sign-ins. (An
    /// address that failed five times stays locked until its lock ends.)
    Unlock {
        /// The user's login.
        login: String,
    },
    /// List users and their roles.
    List,
}

/// A new password: asked twice on a terminal, else the first line of stdin.
fn read_password() -> anyhow::Result<String> {
    let password = if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("New password: ")?;
        let again = rpassword::prompt_password("Again: ")?;
        if first != again {
            bail!("the two passwords differ");
        }
        first
    } else {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("cannot read the password from standard input")?;
        line.trim_end_matches(['\r', '\n']).to_owned()
    };
    password::validate(&password).map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(password)
}

/// The user with `login`, or an error naming it.
async fn existing_user(store: &dyn Store, login: &str) -> anyhow::Result<User> {
    let (user, _) = store
        .user_for_sign_in(login)
        .await?
        .with_context(|| format!("no user with login {login:?}; see `byline user list`"))?;
    Ok(user)
}

pub async fn run(data: &Path, cmd: Command) -> anyhow::Result<()> {
    let store = open_store(data).await?;
    match cmd {
        Command::Add {
            login,
            role,
            name,
            email,
        } => {
            let login = Login::parse(&login)?;
            let role = Role::parse(&role)
                .with_context(|| format!("unknown role {role:?}; use administrator, editor, author or contributor"))?;
            let profile = AuthorProfile {
                display_name: required_name(name.as_deref().unwrap_or(login.as_str()))?,
                ..Default::default()
            };
            let email = checked_email(email)?;
            let hash = password::hash(&read_password()?);
            let user = store
                .create_user(&login, email.as_deref(), &profile, role, &hash)
                .await?;
            println!(
                "Added {} {} ({}); sign in at /admin/login",
                user.role.label().to_lowercase(),
                user.author.profile.display_name,
                user.author.login
            );
        }
        Command::ResetPassword { login } => {
            let user = existing_user(store.as_ref(), &login).await?;
            let hash = password::hash(&read_password()?);
            store.set_password(user.id(), &hash).await?;
            store
                .clear_login_failures(&throttle::account_key(user.author.login.as_str()))
                .await?;
            println!(
                "New password set for {}; every session was signed out and the account is unlocked.",
                user.author.login
            );
        }
        Command::Unlock { login } => {
            let user = existing_user(store.as_ref(), &login).await?;
            let key = throttle::account_key(user.author.login.as_str());
            let failures = store.login_failures(&key, Utc::now()).await?;
            store.clear_login_failures(&key).await?;
            println!(
                "Unlocked {}: {} recent failed sign-in(s) forgotten.",
                user.author.login, failures.count
            );
        }
        Command::List => {
            let rows: Vec<Vec<String>> = store
                .users()
                .await?
                .iter()
                .map(|u| {
                    vec![
                        u.id().to_string(),
                        u.author.login.to_string(),
                        u.author.profile.display_name.clone(),
                        u.role.label().to_owned(),
                    ]
                })
                .collect();
            table(&["ID", "LOGIN", "NAME", "ROLE"], &rows);
        }
    }
    Ok(())
}
