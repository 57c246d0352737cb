//! One target's worker: it reads the outbox, takes the fast path of rows
//! offered in memory, and delivers each row in `seq` order with retries.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::sync::{mpsc, watch};
use tokio_util::sync::CancellationToken;

use crate::clock::{now_ms, unix_now};
use crate::store::Pending;
use crate::store::lane_lock::LaneLock;
use crate::{random, term};

use super::engine::{Head, Shared};
use super::human_duration;
use super::request::{build_request, send};
use super::retry::Outcome;
use super::target::Target;

/// Give-up warnings printed on stderr before they are only counted.
const MAX_GIVE_UP_WARNINGS: u64 = 20;

/// How one delivery ended.
enum Done {
    Finished,
    Cancelled,
}

/// What a worker is fed with.
pub(super) struct Feed {
    pub(super) hints: mpsc::Receiver<Pending>,
    pub(super) lost: Arc<AtomicBool>,
    pub(super) head: watch::Receiver<Head>,
}

/// Deliver `target`'s rows until the input ends (or `cancel`).
pub(super) async fn worker(
    shared: Arc<Shared>,
    target: Arc<Target>,
    mut feed: Feed,
    cancel: CancellationToken,
) {
    let Some(_lane) = claim_lane(&shared, &target, &cancel).await else {
        return;
    };
    let mut cursor = 0i64;
    let mut failing = false;
    // Start from the outbox: an earlier run's rows, then catch up.
    let mut from_outbox = true;
    loop {
        if from_outbox {
            // Cleared before the read: a row that fails to be offered from now
            // on sets it again, and its commit precedes that, so either this
            // read sees the row or the flag sends us back here.
            feed.lost.store(false, Ordering::SeqCst);
            let page = match shared
                .store
                .pending_after(target.webhook.id, cursor, shared.cfg.page)
                .await
            {
                Ok(page) => page,
                Err(e) => {
                    term::warn(format_args!(
                        "{}: cannot read the outbox: {e:#}",
                        target.label()
                    ));
                    tokio::select! {
                        _ = cancel.cancelled() => return,
                        _ = tokio::time::sleep(Duration::from_secs(1)) => continue,
                    }
                }
            };
            if page.is_empty() {
                from_outbox = false;
                continue;
            }
            for row in page {
                cursor = row.seq;
                if let Done::Cancelled = deliver(&shared, &target, row, &mut failing, &cancel).await
                {
                    return;
                }
            }
            continue;
        }
        // The fast path. Note the head before looking, so that "closed" seen
        // here means every row was offered before.
        let seen = *feed.head.borrow_and_update();
        let next = match feed.hints.try_recv() {
            Ok(row) => Some(row),
            Err(mpsc::error::TryRecvError::Empty) => None,
            Err(mpsc::error::TryRecvError::Disconnected) => return,
        };
        if feed.lost.load(Ordering::SeqCst) {
            from_outbox = true;
            continue;
        }
        let row = match next {
            Some(row) => row,
            None if seen.closed => return,
            None => {
                tokio::select! {
                    biased;
                    _ = cancel.cancelled() => return,
                    row = feed.hints.recv() => match row {
                        Some(row) if !feed.lost.load(Ordering::SeqCst) => row,
                        Some(_) => {
                            from_outbox = true;
                            continue;
                        }
                        None => return,
                    },
                    changed = feed.head.changed() => {
                        if changed.is_err() {
                            return;
                        }
                        continue;
                    }
                }
            }
        };
        if row.seq <= cursor {
            continue; // already sent from the outbox
        }
        cursor = row.seq;
        if let Done::Cancelled = deliver(&shared, &target, row, &mut failing, &cancel).await {
            return;
        }
    }
}

/// Wait until this process may deliver to `target` from the store (no other
/// process holds its lane lock), checking every second; `None` if cancelled
/// first. A lock that cannot be taken at all is warned about once and
/// delivery goes ahead without it.
async fn claim_lane(
    shared: &Shared,
    target: &Target,
    cancel: &CancellationToken,
) -> Option<Option<LaneLock>> {
    let mut warned = false;
    loop {
        match shared.store.try_lock_lane(target.webhook.id) {
            Ok(Some(lock)) => return Some(Some(lock)),
            Ok(None) if !warned => {
                warned = true;
                term::warn(format_args!(
                    "{}: another tiklive process is delivering to this webhook from the same \
                     store; waiting for it to stop",
                    target.label()
                ));
            }
            Ok(None) => {}
            Err(e) => {
                term::warn(format_args!(
                    "{}: delivering without a lane lock: {e:#}",
                    target.label()
                ));
                return Some(None);
            }
        }
        tokio::select! {
            _ = cancel.cancelled() => return None,
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
        }
    }
}

/// Deliver one row: attempt, wait, attempt again, until delivered or given up.
async fn deliver(
    shared: &Shared,
    target: &Target,
    row: Pending,
    failing: &mut bool,
    cancel: &CancellationToken,
) -> Done {
    let counters = &shared.counters;
    let policy = shared.cfg.retry;
    let mut attempts = row.attempts;
    let mut last_error = String::new();
    let mut last_status = None;
    loop {
        if cancel.is_cancelled() {
            return Done::Cancelled;
        }
        let age = Duration::from_millis((now_ms() - row.created_at).max(0) as u64);
        if attempts > 0 && age > policy.give_up_after {
            let reason = format!(
                "gave up after {attempts} attempts over {}: {last_error}",
                human_duration(age)
            );
            give_up(shared, target, &row, attempts, last_status, reason).await;
            return Done::Finished;
        }
        attempts += 1;
        let req = build_request(target, &row.msg_id, &row.event, unix_now());
        counters.in_flight.fetch_add(1, Ordering::Relaxed);
        let sent = tokio::select! {
            biased;
            _ = cancel.cancelled() => None,
            sent = send(&shared.cfg.client, req) => Some(sent),
        };
        counters.in_flight.fetch_sub(1, Ordering::Relaxed);
        let Some((outcome, _elapsed)) = sent else {
            return Done::Cancelled;
        };
        match outcome {
            Outcome::Delivered(status) => {
                if *failing {
                    *failing = false;
                    term::note(format_args!("{}: delivering again", target.label()));
                }
                counters.delivered.fetch_add(1, Ordering::Relaxed);
                let (seq, id, now) = (row.seq, target.webhook.id, now_ms());
                shared
                    .store
                    .submit(move |c| crate::store::outbox::delivered(c, seq, id, status, now))
                    .await;
                return Done::Finished;
            }
            Outcome::Fail { status, reason } => {
                give_up(shared, target, &row, attempts, status, reason).await;
                return Done::Finished;
            }
            Outcome::Retry {
                status,
                reason,
                retry_after,
            } => {
                let delay = policy.delay(attempts, retry_after, random::unit());
                tracing::debug!(
                    webhook = target.webhook.id,
                    event = row.event_id,
                    attempts,
                    ?delay,
                    "{reason}; retrying"
                );
                if !*failing {
                    *failing = true;
                    term::warn(format_args!(
                        "{}: {reason}; retrying (deliveries stay queued in the outbox)",
                        target.label()
                    ));
                }
                counters.retried.fetch_add(1, Ordering::Relaxed);
                let (seq, id, now, err) = (row.seq, target.webhook.id, now_ms(), reason.clone());
                shared
                    .store
                    .submit(move |c| {
                        crate::store::outbox::attempted(c, seq, id, attempts, status, &err, now)
                    })
                    .await;
                last_error = reason;
                last_status = status;
                tokio::select! {
                    biased;
                    _ = cancel.cancelled() => return Done::Cancelled,
                    _ = tokio::time::sleep(delay) => {}
                }
            }
        }
    }
}

async fn give_up(
    shared: &Shared,
    target: &Target,
    row: &Pending,
    attempts: u32,
    status: Option<u16>,
    reason: String,
) {
    shared.counters.failed.fetch_add(1, Ordering::Relaxed);
    let n = shared.give_up_warnings.fetch_add(1, Ordering::Relaxed);
    if n < MAX_GIVE_UP_WARNINGS {
        term::warn(format_args!(
            "{}: gave up on event {} ({}): {reason}",
            target.label(),
            row.event_id,
            row.event_type
        ));
    } else if n == MAX_GIVE_UP_WARNINGS {
        term::warn("more deliveries were given up; see 'tiklive webhooks list'");
    }
    let (seq, id, now) = (row.seq, target.webhook.id, now_ms());
    shared
        .store
        .submit(move |c| crate::store::outbox::give_up(c, seq, id, attempts, status, &reason, now))
        .await;
}
