//! One guarded guess at a secret (a sign-in, a current password, an
//! article's password), the same way everywhere: refused while
//! [`byline_core::throttle::refused_until`] says so, counted against the
//! target before the secret is checked (so guesses sent in parallel cannot
//! all slip in before the first failure is written), and counted against
//! the address when it fails.

use byline_core::throttle::{locked_until, refused_until};
use byline_store::{Store, StoreError};
use chrono::{DateTime, Utc};

/// Whether a guess may be checked.
pub enum Admission {
    /// Check it, then report the outcome to the attempt.
    Check(Attempt),
    /// Refused until then.
    Locked(DateTime<Utc>),
    /// Another guess at the same target is being checked right now.
    Busy,
}

/// A guess being checked.
pub struct Attempt {
    target: String,
    address: String,
    target_lock: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
}

/// Asks whether a guess at `target` (a throttle key such as
/// `throttle::account_key`) from `address` (an address key) may be checked.
pub async fn admit(
    store: &dyn Store,
    target: String,
    address: String,
    now: DateTime<Utc>,
) -> Result<Admission, StoreError> {
    let before = store.login_failures(&target, now).await?;
    let by_address = store.login_failures(&address, now).await?;
    if let Some(until) = refused_until(&before, &by_address, now) {
        return Ok(Admission::Locked(until));
    }
    let counted = store.add_login_failure(&target, now, &|n| locked_until(n, now)).await?;
    if counted.count > before.count + 1 {
        return Ok(Admission::Busy);
    }
    Ok(Admission::Check(Attempt {
        target,
        address,
        target_lock: counted.locked_until,
        now,
    }))
}

impl Attempt {
    /// The guess was wrong: the address counts it too. Returns until when
    /// this address is now refused, if it is.
    pub async fn failed(self, store: &dyn Store) -> Result<Option<DateTime<Utc>>, StoreError> {
        let now = self.now;
        let by_address = store
            .add_login_failure(&self.address, now, &|n| locked_until(n, now))
            .await?;
        Ok(self.target_lock.max(by_address.locked_until).filter(|u| *u > now))
    }

    /// The guess was right: the target's failures are forgotten (only the
    /// target's: the address keeps what it did against others).
    pub async fn succeeded(self, store: &dyn Store) -> Result<(), StoreError> {
        store.clear_login_failures(&self.target).await
    }
}
