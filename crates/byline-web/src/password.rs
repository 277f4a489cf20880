//! Account passwords: argon2id hashes in PHC string form, and the rules a
//! new password must meet.

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

/// Shortest password accepted.
pub const MIN_LENGTH: usize = 10;
/// Longest password accepted (hashing cost is bounded).
pub const MAX_LENGTH: usize = 1000;

/// Why a new password was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    /// Too short to resist guessing.
    #[error("a password needs at least {MIN_LENGTH} characters")]
    TooShort,
    /// Absurdly long.
    #[error("a password can be at most {MAX_LENGTH} characters")]
    TooLong,
}

/// Checks a new password.
pub fn validate(password: &str) -> Result<(), PasswordError> {
    let n = password.chars().count();
    if n < MIN_LENGTH {
        Err(PasswordError::TooShort)
    } else if n > MAX_LENGTH {
        Err(PasswordError::TooLong)
    } else {
        Ok(())
    }
}

/// The argon2id hash of `password` with a fresh salt.
pub fn hash(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        // Only a salt or parameter error could fail, and both are fixed here.
        .unwrap_or_default()
}

/// Whether `password` matches `stored` (a hash from [`hash`]).
pub fn verify(stored: &str, password: &str) -> bool {
    PasswordHash::new(stored)
        .map(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
        .unwrap_or(false)
}

/// Argon2 runs at once: each takes ~19 MiB and a core for tens of
/// milliseconds, so a flood of sign-ins queues here instead of exhausting
/// memory on blocking threads.
fn slots() -> &'static tokio::sync::Semaphore {
    static SLOTS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    SLOTS.get_or_init(|| {
        tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(2, std::num::NonZero::get))
    })
}

/// [`verify`] off the async threads, a bounded number at a time.
pub async fn verify_bounded(stored: String, password: String) -> bool {
    let Ok(_slot) = slots().acquire().await else {
        return false;
    };
    tokio::task::spawn_blocking(move || verify(&stored, &password))
        .await
        .unwrap_or(false)
}

/// [`hash`] off the async threads, a bounded number at a time.
pub async fn hash_bounded(password: String) -> String {
    let _slot = slots().acquire().await.ok();
    tokio::task::spawn_blocking(move || hash(&password))
        .await
        .unwrap_or_default()
}

/// A hash of nothing anyone can type, verified against when the login is
/// unknown so that unknown and known accounts take the same time.
pub fn decoy() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash("\u{0}decoy password nobody has\u{0}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_differ() {
        let a = hash("correct horse battery");
        assert!(a.starts_with("$argon2id$"));
        assert!(verify(&a, "correct horse battery"));
        assert!(!verify(&a, "correct horse batterY"));
        assert_ne!(a, hash("correct horse battery"), "salted");
        assert!(!verify("not a hash", "x"));
        assert_eq!(validate("short"), Err(PasswordError::TooShort));
        assert_eq!(validate("long enough now"), Ok(()));
    }
}
