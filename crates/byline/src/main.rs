//! The `byline` binary: a thin command line over the library crates.
//! `byline serve` runs the site; the other commands write to the same data
//! directory, also while the server runs.

mod commands;
mod output;
mod sample;
mod signals;
mod wordpress;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Self-hosted publishing for independent journalists.
#[derive(Debug, Parser)]
#[command(name = "byline", version, about, propagate_version = true)]
struct Cli {
    /// Directory holding the site's database (created if missing).
    #[arg(long, global = true, env = "BYLINE_DATA", default_value = "./byline-data")]
    data: PathBuf,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Start the web site.
    Serve(commands::serve::Args),
    /// Add, list and edit authors.
    #[command(subcommand)]
    Author(commands::author::Command),
    /// Admin accounts: add users, reset passwords, unlock, list roles.
    #[command(subcommand)]
    User(commands::user::Command),
    /// Create, list, publish, edit and delete articles from Markdown files.
    #[command(subcommand)]
    Post(commands::post::Command),
    /// Show and change site settings.
    #[command(subcommand)]
    Settings(commands::settings::Command),
    /// Moderate comments.
    #[command(subcommand)]
    Comment(commands::comment::Command),
    /// Export the site for another platform.
    #[command(subcommand)]
    Export(commands::export::Command),
    /// Import another platform's export.
    #[command(subcommand)]
    Import(commands::import::Command),
    /// Development and benchmark tools (generated content, measurements).
    #[command(subcommand)]
    Dev(commands::dev::Command),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match cli.command {
            Command::Serve(args) => commands::serve::run(&cli.data, args).await,
            Command::Author(cmd) => commands::author::run(&cli.data, cmd).await,
            Command::User(cmd) => commands::user::run(&cli.data, cmd).await,
            Command::Post(cmd) => commands::post::run(&cli.data, cmd).await,
            Command::Settings(cmd) => commands::settings::run(&cli.data, cmd).await,
            Command::Comment(cmd) => commands::comment::run(&cli.data, cmd).await,
            Command::Dev(cmd) => commands::dev::run(&cli.data, cmd).await,
            Command::Import(cmd) => commands::import::run(&cli.data, cmd).await,
            Command::Export(cmd) => commands::export::run(&cli.data, cmd).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
