//! `byline export wordpress [-o FILE]`.

use std::io::BufWriter;
use std::path::{Path, PathBuf};

use anyhow::Context;

use super::open_store;
use crate::wordpress::export;

/// Export subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Write the whole site as a WordPress export (WXR 1.2) that WordPress's
    /// importer reads. It includes commenters' and authors' email
    /// addresses: keep it private.
    Wordpress {
        /// Where to write (standard output when absent).
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
}

pub async fn run(data: &Path, cmd: Command) -> anyhow::Result<()> {
    let Command::Wordpress { output } = cmd;
    let store = open_store(data).await?;
    let written = match &output {
        Some(path) => {
            // Written beside the target and renamed, so a failed export never leaves half a file.
            let partial = path.with_extension("partial");
            let file = private_file(&partial).with_context(|| format!("cannot create {}", partial.display()))?;
            let written = export::write(store.as_ref(), &mut BufWriter::new(file)).await?;
            std::fs::rename(&partial, path).with_context(|| format!("cannot write {}", path.display()))?;
            written
        }
        None => export::write(store.as_ref(), &mut BufWriter::new(std::io::stdout().lock())).await?,
    };
    eprintln!(
        "Exported {} article(s), {} comment(s), {} author(s), {} categories and tags, {} attachment record(s){}.",
        written.articles,
        written.comments,
        written.authors,
        written.terms,
        written.attachments,
        output.map(|p| format!(" to {}", p.display())).unwrap_or_default()
    );
    Ok(())
}

/// A new file only its owner may read: an export holds every commenter's email.
fn private_file(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}
