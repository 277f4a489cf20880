//! The table of open connections: how many there are, which are idle, and
//! closing the longest-idle one to make room for a new visitor (as nginx
//! does with its reusable connections).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::{Notify, watch};
use tokio::time::Instant;

/// What one connection is doing.
#[derive(Debug, Clone, Copy)]
pub(super) struct Phase {
    /// Requests being answered: from their head's arrival until their
    /// response is written (or abandoned).
    pub in_flight: usize,
    /// Since when none has been (the connection's opening at first).
    pub idle_since: Instant,
    /// Told to close now: it was idle when room was needed.
    pub close: bool,
}

impl Phase {
    /// Since when it has been idle, if it may be closed to make room.
    fn closable(&self) -> Option<Instant> {
        (self.in_flight == 0 && !self.close).then_some(self.idle_since)
    }
}

/// Every open connection.
#[derive(Default)]
pub(super) struct Connections {
    open: Mutex<HashMap<u64, Arc<watch::Sender<Phase>>>>,
    next_id: AtomicU64,
    /// A connection closed or went idle: there may be room now.
    changed: Notify,
}

impl Connections {
    /// Adds a connection; it leaves the table when the registration drops.
    pub fn register(self: &Arc<Self>) -> Registration {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let phase = Arc::new(watch::Sender::new(Phase {
            in_flight: 0,
            idle_since: Instant::now(),
            close: false,
        }));
        self.table().insert(id, phase.clone());
        Registration {
            id,
            phase,
            connections: self.clone(),
        }
    }

    /// How many are open.
    pub fn count(&self) -> usize {
        self.table().len()
    }

    /// Whether one could be closed to make room.
    pub fn has_idle(&self) -> bool {
        self.table().values().any(|p| p.borrow().closable().is_some())
    }

    /// Tells the connection idle the longest to close. False when none is
    /// idle (or the chosen one took a request meanwhile).
    pub fn close_idlest(&self) -> bool {
        let idlest = self
            .table()
            .values()
            .filter_map(|p| Some((p.borrow().closable()?, p.clone())))
            .min_by_key(|(since, _)| *since)
            .map(|(_, p)| p);
        idlest.is_some_and(|p| {
            p.send_if_modified(|phase| {
                let idle = phase.closable().is_some();
                phase.close |= idle;
                idle
            })
        })
    }

    /// Waits until a connection closes or goes idle.
    pub async fn changed(&self) {
        self.changed.notified().await;
    }

    fn table(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Arc<watch::Sender<Phase>>>> {
        // The table stays consistent whatever panicked while holding it.
        self.open.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// One connection's place in the table.
pub(super) struct Registration {
    id: u64,
    phase: Arc<watch::Sender<Phase>>,
    connections: Arc<Connections>,
}

impl Registration {
    /// Follows the connection's phase.
    pub fn watch(&self) -> watch::Receiver<Phase> {
        self.phase.subscribe()
    }

    /// Marks a request as being answered until the guard drops.
    pub fn busy(&self) -> Busy {
        self.phase.send_modify(|p| p.in_flight += 1);
        Busy {
            phase: self.phase.clone(),
            connections: self.connections.clone(),
        }
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        self.connections.table().remove(&self.id);
        self.connections.changed.notify_one();
    }
}

/// A request being answered; dropped once its response is written.
pub(super) struct Busy {
    phase: Arc<watch::Sender<Phase>>,
    connections: Arc<Connections>,
}

impl Drop for Busy {
    fn drop(&mut self) {
        let mut idle = false;
        self.phase.send_modify(|p| {
            p.in_flight -= 1;
            if p.in_flight == 0 {
                p.idle_since = Instant::now();
                idle = true;
            }
        });
        if idle {
            self.connections.changed.notify_one();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_longest_idle_connection_makes_room() {
        let connections = Arc::new(Connections::default());
        let first = connections.register();
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        let second = connections.register();
        let _busy = first.busy();
        assert_eq!(connections.count(), 2);
        assert!(connections.close_idlest());
        assert!(second.watch().borrow().close, "the idle one closes");
        assert!(!first.watch().borrow().close, "a busy one never does");
        assert!(!connections.close_idlest(), "nothing else is idle");
        drop(second);
        assert_eq!(connections.count(), 1);
    }
}
