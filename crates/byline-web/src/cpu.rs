//! Rendering off the async workers.
//!
//! Turning Markdown into sanitised HTML and filling templates is CPU work;
//! run on an async worker, a long render stalls every request queued
//! behind it (`/healthz` included). Renders here take one of a few slots
//! (as many as there are cores) and run with `block_in_place`, so the
//! worker's other requests move to another thread while it renders, and a
//! flood of renders waits for a slot instead of crowding out cached pages.

use std::sync::Arc;

use tokio::sync::Semaphore;

/// The render slots, shared by all requests.
#[derive(Clone)]
pub struct RenderSlots(Arc<Semaphore>);

impl RenderSlots {
    /// One slot per core (at least two).
    pub fn new() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Self(Arc::new(Semaphore::new(cores.max(2))))
    }

    /// Runs `work` in a slot, off the async worker.
    pub async fn run<T>(&self, work: impl FnOnce() -> T) -> T {
        // The semaphore is never closed, so a permit always comes.
        let _slot = self.0.acquire().await.ok();
        match tokio::runtime::Handle::try_current().map(|h| h.runtime_flavor()) {
            Ok(tokio::runtime::RuntimeFlavor::MultiThread) => tokio::task::block_in_place(work),
            // A single-threaded runtime (a unit test) cannot hand its worker over.
            _ => work(),
        }
    }
}

impl Default for RenderSlots {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;
    use std::time::{Duration, Instant};

    use super::*;

    /// Reproduces: renders ran on the async workers, so one slow render
    /// stalled unrelated requests (`/healthz` included).
    #[test]
    fn a_slow_render_does_not_stall_the_other_requests_of_its_worker() {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .build()
            .unwrap();
        let start = Instant::now();
        let probed = Arc::new(Mutex::new(None));
        let seen = probed.clone();
        runtime.block_on(async move {
            tokio::spawn(async move {
                // Queued on this worker, behind the render.
                let probe = tokio::spawn(async move {
                    *seen.lock().unwrap() = Some(start.elapsed());
                });
                RenderSlots::new()
                    .run(|| std::thread::sleep(Duration::from_millis(1500)))
                    .await;
                probe.await.unwrap();
            })
            .await
            .unwrap();
        });
        let probed = probed.lock().unwrap().expect("the probe ran");
        assert!(probed < Duration::from_millis(1000), "{probed:?}");
    }
}
