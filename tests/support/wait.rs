//! The one polling wait: check a condition every 10 ms until it holds, within
//! a bound that is a liveness guard, never a timing assertion. One loop for
//! async tests ([`eventually`]) and its twin for threads ([`wait_until`]).

use std::fmt::Display;
use std::panic::Location;
use std::time::{Duration, Instant};

const EVERY: Duration = Duration::from_millis(10);

/// Wait until `check` holds, checking every 10 ms; panics naming `what` after
/// `within`. Returns how long it took.
#[track_caller]
pub fn eventually(
    what: impl Display,
    within: Duration,
    check: impl AsyncFnMut() -> bool,
) -> impl Future<Output = Duration> {
    poll_every(EVERY, what, within, check)
}

/// [`eventually`], checking every `every` (for a costly check).
#[track_caller]
pub fn poll_every(
    every: Duration,
    what: impl Display,
    within: Duration,
    mut check: impl AsyncFnMut() -> bool,
) -> impl Future<Output = Duration> {
    let caller = Location::caller();
    async move {
        let start = Instant::now();
        while !check().await {
            give_up_after(start, within, &what, caller);
            tokio::time::sleep(every).await;
        }
        start.elapsed()
    }
}

/// [`eventually`] for a thread without a runtime.
#[track_caller]
pub fn wait_until(
    what: impl Display,
    within: Duration,
    mut cond: impl FnMut() -> bool,
) -> Duration {
    let start = Instant::now();
    while !cond() {
        give_up_after(start, within, &what, Location::caller());
        std::thread::sleep(EVERY);
    }
    start.elapsed()
}

fn give_up_after(start: Instant, within: Duration, what: &dyn Display, caller: &Location) {
    assert!(
        start.elapsed() < within,
        "gave up after {within:?} waiting for: {what} ({caller})"
    );
}

/// A `what` for the waits that is worked out only if the wait gives up
/// (e.g. a server's stderr by then).
pub fn lazy<F: Fn() -> String>(f: F) -> Lazy<F> {
    Lazy(f)
}

pub struct Lazy<F>(F);

impl<F: Fn() -> String> Display for Lazy<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&(self.0)())
    }
}
