//! Throttling of guesses at a secret: an account's password at sign-in, or
//! a protected article's password. Failures are counted under two keys, the
//! target (the account or the article) and the client address; after a few
//! failures a key is locked for a delay that doubles with each further
//! failure.
//!
//! An address's lock refuses everything from it, even the right password.
//! A target's lock refuses only addresses that have failed recently
//! themselves: anyone can lock a target by guessing at it, so that lock must
//! not keep its owner out, who comes from an address with no failures. The
//! price is that a guesser with many addresses gets one guess per fresh
//! address while the target is locked (each address then fails and is
//! refused for the day), instead of one guess per lock period.

use std::fmt::Display;

use chrono::{DateTime, Duration, Utc};

/// Failures allowed before the first lock.
pub const FREE_FAILURES: u32 = 5;
/// The first lock.
const FIRST_LOCK_SECONDS: i64 = 30;
/// The longest lock.
const MAX_LOCK_SECONDS: i64 = 60 * 60;
/// Failures older than this are forgotten.
pub const FORGET_AFTER: Duration = Duration::hours(24);

/// Failures recorded under one key (a target or an address).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Failures {
    /// Failures in a row (forgotten a day after the last).
    pub count: u32,
    /// Until when the key is locked.
    pub locked_until: Option<DateTime<Utc>>,
}

impl Failures {
    /// The end of a lock still in force at `now`.
    pub fn lock_at(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.locked_until.filter(|u| *u > now)
    }
}

/// The key of an account's sign-in failures.
pub fn account_key(login: &str) -> String {
    format!("login:{}", login.to_lowercase())
}

/// The key of a client address's sign-in failures.
pub fn address_key(address: impl Display) -> String {
    format!("ip:{address}")
}

/// The key of the wrong passwords given for a protected article.
pub fn article_key(article_id: i64) -> String {
    format!("article:{article_id}")
}

/// The key of a client address's wrong article passwords, apart from its
/// sign-ins, so a reader's typos never lock anyone out of the admin.
pub fn reader_address_key(address: impl Display) -> String {
    format!("reader-ip:{address}")
}

/// Until when an attempt on a target from an address is refused (see the
/// module's notes), if it is.
pub fn refused_until(target: &Failures, address: &Failures, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let target_lock = target.lock_at(now).filter(|_| address.count > 0);
    address.lock_at(now).max(target_lock)
}

/// Until when a key with `failures` failures (the latest at `now`) is locked.
pub fn locked_until(failures: u32, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let over = failures.checked_sub(FREE_FAILURES)?;
    let seconds = FIRST_LOCK_SECONDS
        .saturating_mul(1_i64 << over.min(20))
        .min(MAX_LOCK_SECONDS);
    Some(now + Duration::seconds(seconds))
}

/// Whole seconds until `until` (at least 1), for `Retry-After`.
pub fn retry_after(until: DateTime<Utc>, now: DateTime<Utc>) -> u64 {
    u64::try_from((until - now).num_seconds()).unwrap_or(0).max(1)
}

/// "2 minutes": the wait until `until`, as a reader says it.
pub fn wait(until: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let seconds = retry_after(until, now);
    if seconds < 90 {
        format!("{seconds} seconds")
    } else {
        format!("{} minutes", seconds.div_ceil(60))
    }
}

/// "Too many failed sign-ins. Try again in 2 minutes."
pub fn wait_message(until: DateTime<Utc>, now: DateTime<Utc>) -> String {
    format!("Too many failed sign-ins. Try again in {}.", wait(until, now))
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
        assert_eq!(retry_after(now - Duration::seconds(5), now), 1);
    }

    #[test]
    fn a_locked_target_refuses_only_addresses_that_failed() {
        let now = Utc::now();
        let locked = Failures {
            count: 9,
            locked_until: locked_until(9, now),
        };
        let clean = Failures::default();
        let failed_once = Failures {
            count: 1,
            locked_until: None,
        };
        assert_eq!(refused_until(&locked, &clean, now), None, "the owner gets in");
        assert_eq!(refused_until(&locked, &failed_once, now), locked.locked_until);
        assert_eq!(
            refused_until(&clean, &locked, now),
            locked.locked_until,
            "a locked address"
        );
        let expired = Failures {
            count: 9,
            locked_until: Some(now - Duration::seconds(1)),
        };
        assert_eq!(refused_until(&expired, &expired, now), None);
    }
}
