//! The sign budget of a whole worker pool: one KV key (`TIKLIVE_SIGN`
//! `budget`) holds the next free sign slot, and each call claims a slot by
//! compare-and-set, so N workers together make no more sign calls than one
//! process would. Slots are wall-clock milliseconds: workers' clocks should
//! agree to well under the interval (NTP does). A 429 pushes the next slot
//! past the server's reset time for everyone.

use std::time::{Duration, Instant, SystemTime};

use async_nats::jetstream::kv;
use tokio_util::sync::CancellationToken;

use super::kv::{SignState, decode, encode};
use crate::live::{BoxFuture, SignGate};
use crate::pipeline::now_ms;

const KEY: &str = "budget";

/// The cluster-wide [`SignGate`].
pub struct ClusterBudget {
    store: kv::Store,
    interval: Duration,
}

impl ClusterBudget {
    pub fn new(store: kv::Store, interval: Duration) -> ClusterBudget {
        ClusterBudget { store, interval }
    }

    /// Claim the next slot; returns its wall-clock time (ms).
    async fn claim(&self, not_before_ms: i64, advance: bool) -> Option<i64> {
        let (state, revision) = match self.store.entry(KEY).await {
            Ok(Some(e)) if e.operation == kv::Operation::Put => (
                decode::<SignState>(&e.value).unwrap_or_default(),
                Some(e.revision),
            ),
            Ok(Some(e)) => (SignState::default(), Some(e.revision)),
            Ok(None) => (SignState::default(), None),
            Err(_) => return None,
        };
        let now = now_ms();
        let at = state.next_ms.max(now).max(not_before_ms);
        let step = if advance {
            self.interval.as_millis() as i64
        } else {
            0
        };
        let next = SignState {
            next_ms: at + step,
            calls: state.calls + u64::from(advance),
            since_ms: if state.since_ms == 0 {
                now
            } else {
                state.since_ms
            },
            interval_ms: self.interval.as_millis() as u64,
        };
        let ok = match revision {
            Some(rev) => self.store.update(KEY, encode(&next), rev).await.is_ok(),
            None => self.store.create(KEY, encode(&next)).await.is_ok(),
        };
        ok.then_some(at)
    }
}

fn wall_to_instant(ms: i64) -> Instant {
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0);
    Instant::now() + Duration::from_millis((ms - now).max(0) as u64)
}

impl SignGate for ClusterBudget {
    fn acquire<'a>(&'a self, cancel: &'a CancellationToken) -> BoxFuture<'a, bool> {
        Box::pin(async move {
            loop {
                if cancel.is_cancelled() {
                    return false;
                }
                match self.claim(0, true).await {
                    Some(at) => {
                        let wait = wall_to_instant(at).saturating_duration_since(Instant::now());
                        return tokio::select! {
                            _ = cancel.cancelled() => false,
                            _ = tokio::time::sleep(wait) => true,
                        };
                    }
                    // Another worker took the slot (or NATS is away): again.
                    None => {
                        tokio::select! {
                            _ = cancel.cancelled() => return false,
                            _ = tokio::time::sleep(Duration::from_millis(5 + fastrand::u64(0..20))) => {}
                        }
                    }
                }
            }
        })
    }

    fn hold_until(&self, until: Instant) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            let until_ms =
                now_ms() + until.saturating_duration_since(Instant::now()).as_millis() as i64;
            for _ in 0..20 {
                if self.claim(until_ms, false).await.is_some() {
                    return;
                }
            }
        })
    }
}
