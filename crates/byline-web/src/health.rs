//! What `/healthz` knows beyond "the store answers": whether writes have
//! been failing (a full disk, a lock held too long), and whether the disk
//! is about to fill. A load balancer then stops sending visitors whose
//! comments would be refused.

use std::path::PathBuf;
use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};

/// A write failure is reported for this long after it happened, unless a
/// write succeeded since.
const REPORTED_FOR: Duration = Duration::seconds(60);

/// Below this much free space the site reports itself unhealthy.
pub const MIN_FREE_BYTES: u64 = 64 << 20;

/// Recent write failures, shared by all requests.
#[derive(Debug, Default)]
pub struct WriteHealth {
    last_failure: Mutex<Option<(DateTime<Utc>, String)>>,
    /// Where the data lives, for the free-space check.
    data_dir: Option<PathBuf>,
}

impl WriteHealth {
    /// Health of the site whose data lives in `data_dir`.
    pub fn new(data_dir: Option<PathBuf>) -> Self {
        Self {
            last_failure: Mutex::new(None),
            data_dir,
        }
    }

    /// Remembers that a write failed (`why` is logged, never shown to visitors).
    pub fn failed(&self, why: &str) {
        tracing::error!(error = %why, "a write failed");
        *self
            .last_failure
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some((Utc::now(), why.to_owned()));
    }

    /// Forgets earlier failures once a write went through.
    pub fn succeeded(&self) {
        let mut last = self
            .last_failure
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if last.is_some() {
            *last = None;
        }
    }

    /// Why the site cannot take writes now, if it cannot.
    pub fn problem(&self, now: DateTime<Utc>) -> Option<String> {
        if let Some((at, why)) = self
            .last_failure
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .as_ref()
            && now - *at < REPORTED_FOR
        {
            return Some(format!("writes are failing (last at {}): {why}", at.to_rfc3339()));
        }
        let free = self.data_dir.as_deref().and_then(free_bytes)?;
        (free < MIN_FREE_BYTES).then(|| format!("the data directory's disk has only {} KiB free", free >> 10))
    }
}

/// Free bytes on the file system holding `dir`.
#[cfg(unix)]
fn free_bytes(dir: &std::path::Path) -> Option<u64> {
    let stats = rustix::fs::statvfs(dir).ok()?;
    Some(stats.f_bavail.saturating_mul(stats.f_frsize))
}

#[cfg(not(unix))]
fn free_bytes(_: &std::path::Path) -> Option<u64> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_is_reported_until_a_write_succeeds_or_a_minute_passes() {
        let health = WriteHealth::new(None);
        let now = Utc::now();
        assert_eq!(health.problem(now), None);
        health.failed("disk I/O error");
        assert!(health.problem(now).unwrap().contains("disk I/O error"));
        assert_eq!(health.problem(now + Duration::seconds(61)), None);
        health.succeeded();
        assert_eq!(health.problem(now), None);
    }
}
