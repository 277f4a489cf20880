//! `byline import wordpress FILE`.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use indicatif::{ProgressBar, ProgressStyle};

use super::open_store;
use crate::wordpress::import::{self, Report};

/// Import subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Import a WordPress export (WXR, plain or .gz): authors, categories,
    /// tags, posts, pages, comments and attachment records.
    Wordpress {
        /// The export file (Tools → Export → All content in WordPress).
        file: PathBuf,
        /// Report what would be imported, and change nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

pub async fn run(data: &Path, cmd: Command) -> anyhow::Result<()> {
    let Command::Wordpress { file, dry_run } = cmd;
    let store = open_store(data).await?;
    let size = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
    let bar = if std::io::stderr().is_terminal() {
        let bar = ProgressBar::new(size);
        bar.set_style(
            ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:30} {bytes}/{total_bytes} · {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar
    } else {
        ProgressBar::hidden()
    };
    let started = std::time::Instant::now();
    // Ctrl-C (or SIGTERM) stops the run at the next item, and it is undone.
    let stop = Arc::new(AtomicBool::new(false));
    let stopper = stop.clone();
    tokio::spawn(async move {
        crate::signals::stopped().await;
        eprintln!("Stopping: undoing the import…");
        stopper.store(true, Ordering::Relaxed);
    });
    let result = import::run(store.as_ref(), &file, dry_run, &stop, &mut |items, bytes| {
        bar.set_position(bytes);
        bar.set_message(format!("{items} items"));
    })
    .await;
    bar.finish_and_clear();
    let report = result?;
    print_report(&report, dry_run, started.elapsed());
    Ok(())
}

fn print_report(report: &Report, dry_run: bool, took: std::time::Duration) {
    if dry_run {
        println!("Dry run: nothing was changed. The import would do this:");
    } else {
        match super::dev::peak_rss_mib() {
            Some(mib) => println!("Imported in {:.1} s (peak memory {mib:.1} MiB):", took.as_secs_f64()),
            None => println!("Imported in {:.1} s:", took.as_secs_f64()),
        }
    }
    for (what, (created, existing)) in &report.counts {
        let again = if *existing > 0 {
            format!(" ({existing} already there, left as they were)")
        } else {
            String::new()
        };
        println!("  {what:<12} {created}{again}");
    }
    if !report.comments_by_status.is_empty() {
        let parts: Vec<String> = report
            .comments_by_status
            .iter()
            .map(|(s, n)| format!("{n} {s}"))
            .collect();
        println!("  comments by status: {}", parts.join(", "));
    }
    for (what, n) in &report.skipped {
        println!("  skipped: {n} {what}");
    }
    if !report.unknown_shortcodes.is_empty() {
        let names: Vec<&str> = report.unknown_shortcodes.iter().map(String::as_str).collect();
        println!("Unknown shortcodes, left as text: [{}]", names.join("], ["));
    }
    if report.counts.contains_key("authors") {
        println!(
            "WordPress exports carry no author bio or website: add them with \
             `byline author edit LOGIN --bio \"…\" --website https://…`."
        );
    }
    if !report.attachment_urls.is_empty() {
        println!(
            "{} attachment record(s) kept; their files still load from the old site's addresses:",
            report.attachment_urls.len()
        );
        for url in report.attachment_urls.iter().take(20) {
            println!("  {url}");
        }
        if report.attachment_urls.len() > 20 {
            println!("  … and {} more", report.attachment_urls.len() - 20);
        }
    }
    if report.offsets.iter().any(|m| *m != 0) {
        let offsets: Vec<String> = report
            .offsets
            .iter()
            .map(|m| {
                format!(
                    "{}{:02}:{:02}",
                    if *m < 0 { '-' } else { '+' },
                    m.abs() / 60,
                    m.abs() % 60
                )
            })
            .collect();
        println!(
            "WordPress dated posts at UTC {}: set the same time zone (`byline settings set timezone America/New_York`, \
             for example) so dated addresses match exactly; old addresses redirect either way.",
            offsets.join(" / ")
        );
    }
    for note in &report.notes {
        println!("note: {note}");
    }
}
