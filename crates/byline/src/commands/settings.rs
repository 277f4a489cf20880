//! `byline settings`.

use std::path::Path;

use byline_core::SettingKey;

use super::open_store;
use crate::output::table;

/// Settings subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Show every setting with its current value.
    List,
    /// Change a setting.
    Set {
        /// Setting name (see `byline settings list`).
        key: String,
        /// New value. Word lists (comment_moderation_words,
        /// comment_spam_words) take one entry per line; `\n` also separates
        /// entries, and an empty value clears the list.
        value: String,
    },
}

pub async fn run(data: &Path, cmd: Command) -> anyhow::Result<()> {
    let store = open_store(data).await?;
    match cmd {
        Command::List => {
            let settings = store.settings().await?;
            let rows: Vec<Vec<String>> = SettingKey::ALL
                .iter()
                .map(|k| vec![k.name().to_owned(), shown(*k, settings.get(*k)), k.expected()])
                .collect();
            table(&["KEY", "VALUE", "ACCEPTS"], &rows);
        }
        Command::Set { key, value } => {
            let key = SettingKey::parse(&key)?;
            let value = if is_word_list(key) {
                value.replace("\\n", "\n")
            } else {
                value
            };
            let value = key.validate(&value)?;
            store.set_setting(key.name(), &value).await?;
            println!("{} = {}", key.name(), shown(key, value));
        }
    }
    Ok(())
}

fn is_word_list(key: SettingKey) -> bool {
    matches!(key, SettingKey::CommentModerationWords | SettingKey::CommentSpamWords)
}

/// A value on one line: word lists with `\n` between entries, as `set` takes them.
fn shown(key: SettingKey, value: String) -> String {
    if is_word_list(key) {
        value.replace('\n', "\\n")
    } else {
        value
    }
}
