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
        /// New value.
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
                .map(|k| vec![k.name().to_owned(), settings.get(*k), k.expected()])
                .collect();
            table(&["KEY", "VALUE", "ACCEPTS"], &rows);
        }
        Command::Set { key, value } => {
            let key = SettingKey::parse(&key)?;
            let value = key.validate(&value)?;
            store.set_setting(key.name(), &value).await?;
            println!("{} = {}", key.name(), value);
        }
    }
    Ok(())
}
