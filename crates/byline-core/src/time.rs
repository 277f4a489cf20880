//! Times are stored in UTC and shown in the site's zone.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

/// "January 26, 2024", as a reader expects to see a publication date.
pub fn human_date(at: DateTime<Utc>, tz: Tz) -> String {
    at.with_timezone(&tz).format("%B %-d, %Y").to_string()
}

/// "January 26, 2024 at 10:05", for comments.
pub fn human_datetime(at: DateTime<Utc>, tz: Tz) -> String {
    at.with_timezone(&tz).format("%B %-d, %Y at %H:%M").to_string()
}

/// RFC 3339 with the site's offset, for `<time datetime>`.
pub fn machine_datetime(at: DateTime<Utc>, tz: Tz) -> String {
    at.with_timezone(&tz)
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

/// Why a written date could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot read date {0:?}: use 2024-01-26, 2024-01-26 10:00 or 2024-01-26T10:00:00+01:00")]
pub struct DateError(pub String);

/// Reads a date as people write it in front matter: RFC 3339 with an
/// offset, or a local date and optional time in the site's zone.
pub fn parse_local(s: &str, tz: Tz) -> Result<DateTime<Utc>, DateError> {
    let s = s.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        return Ok(dt.to_utc());
    }
    if let Ok(dt) = DateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S %z") {
        return Ok(dt.to_utc());
    }
    let naive = [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
    .or_else(|| {
        NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .ok()
            .map(|d| d.and_time(NaiveTime::MIN))
    })
    .ok_or_else(|| DateError(s.to_owned()))?;
    tz.from_local_datetime(&naive)
        .earliest()
        .map(|dt| dt.to_utc())
        .ok_or_else(|| DateError(s.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_dates_use_the_site_zone() {
        let utc = parse_local("2024-07-01 12:00", Tz::Europe__London).unwrap();
        assert_eq!(utc.to_rfc3339(), "2024-07-01T11:00:00+00:00");
        let day = parse_local("2024-01-26", Tz::UTC).unwrap();
        assert_eq!(day.to_rfc3339(), "2024-01-26T00:00:00+00:00");
        let explicit = parse_local("2024-01-26T10:00:00+02:00", Tz::UTC).unwrap();
        assert_eq!(explicit.to_rfc3339(), "2024-01-26T08:00:00+00:00");
        assert!(parse_local("26/01/2024", Tz::UTC).is_err());
    }

    #[test]
    fn dates_read_naturally() {
        let at = parse_local("2024-01-26T23:30:00Z", Tz::UTC).unwrap();
        assert_eq!(human_date(at, Tz::UTC), "January 26, 2024");
        assert_eq!(human_datetime(at, Tz::Australia__Sydney), "January 27, 2024 at 10:30");
    }
}
