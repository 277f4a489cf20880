//! Times as stored: fixed-width UTC text, so text order is time order.

use chrono::{DateTime, NaiveDateTime, Utc};

const FORMAT: &str = "%Y-%m-%dT%H:%M:%S%.6fZ";

/// Stored form of a time.
pub fn encode(at: DateTime<Utc>) -> String {
    at.format(FORMAT).to_string()
}

/// Reads a stored time.
pub fn decode(s: &str) -> Result<DateTime<Utc>, sqlx::Error> {
    NaiveDateTime::parse_from_str(s, FORMAT)
        .map(|n| n.and_utc())
        .map_err(|e| sqlx::Error::Decode(format!("bad stored time {s:?}: {e}").into()))
}

/// Reads an optional stored time.
pub fn decode_opt(s: Option<&str>) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
    s.map(decode).transpose()
}
