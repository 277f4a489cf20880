//! The open-file limit. Every connection holds a descriptor, so a cap on
//! connections above the limit means accepts fail (EMFILE) before the cap
//! is reached, and new visitors hang instead of being made room for. The
//! soft limit is often 1,024 while the hard one is far higher: it is raised
//! to the hard one at start (as Go's runtime does), and the cap is kept
//! below it.

/// Descriptors kept for everything but connections: the database, its WAL
/// and shared memory for each pooled connection, the listener, the log.
const RESERVED: u64 = 64;

/// Raises the soft limit towards the hard one; returns the limit now in
/// force (`None`: unlimited or unknown).
#[cfg(unix)]
pub fn raise_limit() -> Option<u64> {
    use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
    let before = getrlimit(Resource::Nofile);
    let current = before.current?;
    // An unlimited hard limit is refused as a soft one on Linux and macOS;
    // 10,240 is macOS's OPEN_MAX.
    let wanted = [before.maximum.unwrap_or(1 << 20), 10_240];
    for soft in wanted.into_iter().filter(|w| *w > current) {
        let raised = Rlimit {
            current: Some(soft),
            maximum: before.maximum,
        };
        if setrlimit(Resource::Nofile, raised).is_ok() {
            tracing::info!(from = current, to = soft, "raised the open-file limit");
            break;
        }
    }
    getrlimit(Resource::Nofile).current
}

/// No limit to raise here.
#[cfg(not(unix))]
pub fn raise_limit() -> Option<u64> {
    None
}

/// The connection cap that fits under `limit`, with [`RESERVED`] kept for
/// the rest of the server.
pub fn fit(max_connections: usize, limit: Option<u64>) -> usize {
    let Some(limit) = limit else {
        return max_connections;
    };
    let room = usize::try_from(limit.saturating_sub(RESERVED).max(limit / 2)).unwrap_or(usize::MAX);
    max_connections.min(room.max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cap_stays_below_the_limit() {
        assert_eq!(fit(4096, None), 4096);
        assert_eq!(fit(4096, Some(1_048_576)), 4096);
        assert_eq!(fit(4096, Some(1024)), 960);
        assert_eq!(fit(100, Some(1024)), 100);
        assert_eq!(fit(4096, Some(100)), 50, "a tiny limit keeps half for connections");
        assert_eq!(fit(4096, Some(0)), 1);
    }
}
