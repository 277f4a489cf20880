//! Sign-in throttling: after a few failures an account (or a client
//! address) is locked for a delay that doubles with each further failure.
//! While locked, even the right password is refused.

use chrono::{DateTime, Duration, Utc};

/// Failures allowed before the first lock.
pub const FREE_FAILURES: u32 = 5;
/// The first lock.
const FIRST_LOCK_SECONDS: i64 = 30;
/// The longest lock.
const MAX_LOCK_SECONDS: i64 = 60 * 60;
/// Failures older than this are forgotten.
pub const FORGET_AFTER: Duration = Duration::hours(24);

/// Until when a key with `failures` failures (the latest at `now`) is locked.
pub fn locked_until(failures: u32, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let over = failures.checked_sub(FREE_FAILURES)?;
    let seconds = FIRST_LOCK_SECONDS
        .saturating_mul(1_i64 << over.min(20))
        .min(MAX_LOCK_SECONDS);
    Some(now + Duration::seconds(seconds))
}

/// "Try again in 2 minutes."
pub fn wait_message(until: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let seconds = (until - now).num_seconds().max(1);
    let wait = if seconds < 90 {
        format!("{seconds} seconds")
    } else {
        format!("{} minutes", (seconds + 59) / 60)
    };
    format!("Too many failed sign-ins. Try again in {wait}.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lock_grows_and_is_capped() {
        let now = Utc::now();
        assert_eq!(locked_until(4, now), None);
        assert_eq!(locked_until(5, now), Some(now + Duration::seconds(30)));
        assert_eq!(locked_until(6, now), Some(now + Duration::seconds(60)));
        assert_eq!(locked_until(7, now), Some(now + Duration::seconds(120)));
        assert_eq!(locked_until(40, now), Some(now + Duration::hours(1)));
        assert_eq!(
            wait_message(now + Duration::seconds(120), now),
            "Too many failed sign-ins. Try again in 2 minutes."
        );
    }
}
