//! The delivery engine: its settings, counters, and the set of lanes (one
//! worker per target) that [`Engine::enqueue`] feeds.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::sync::RwLock;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use anyhow::Result;
use futures_util::FutureExt;
use tokio::sync::{mpsc, watch};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use rusqlite::Connection;

use crate::store::outbox::queue;
use crate::store::{NewDelivery, Pending, Store};
use crate::term;

use super::lane::{Feed, worker};
use super::retry::RetryPolicy;
use super::signature::message_id;
use super::target::{OutgoingEvent, Target};

/// Engine settings.
#[derive(Clone)]
pub struct EngineConfig {
    pub client: reqwest::Client,
    pub retry: RetryPolicy,
    /// Outbox rows a worker reads at a time.
    pub page: usize,
    /// Rows a worker's in-memory channel holds before it falls back to
    /// reading the outbox.
    pub hint_capacity: usize,
}

impl EngineConfig {
    pub fn new(client: reqwest::Client) -> EngineConfig {
        EngineConfig {
            client,
            retry: RetryPolicy::default(),
            page: 256,
            hint_capacity: 1024,
        }
    }
}

/// Live figures, for the progress line and the summary.
#[derive(Debug, Default)]
pub struct Counters {
    pub delivered: AtomicU64,
    pub failed: AtomicU64,
    pub in_flight: AtomicU64,
    pub retried: AtomicU64,
    pub queued: AtomicU64,
    /// Deliveries not queued because the same event was already pending for
    /// the same webhook (or the webhook was removed meanwhile).
    pub skipped: AtomicU64,
}

/// A copy of [`Counters`] at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Totals {
    pub delivered: u64,
    pub failed: u64,
    pub in_flight: u64,
    pub retried: u64,
    pub queued: u64,
    pub skipped: u64,
}

impl Counters {
    pub fn totals(&self) -> Totals {
        Totals {
            delivered: self.delivered.load(Ordering::Relaxed),
            failed: self.failed.load(Ordering::Relaxed),
            in_flight: self.in_flight.load(Ordering::Relaxed),
            retried: self.retried.load(Ordering::Relaxed),
            queued: self.queued.load(Ordering::Relaxed),
            skipped: self.skipped.load(Ordering::Relaxed),
        }
    }
}

/// The newest outbox `seq` enqueued, and whether the input has ended.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Head {
    pub(super) seq: i64,
    pub(super) closed: bool,
}

/// What the engine and its workers share.
pub(super) struct Shared {
    pub(super) store: Store,
    pub(super) cfg: EngineConfig,
    pub(super) counters: Arc<Counters>,
    pub(super) give_up_warnings: AtomicU64,
}

/// One target's worker as the engine sees it.
struct Lane {
    target: Arc<Target>,
    /// The fast path: committed rows offered in `seq` order.
    hints: mpsc::Sender<Pending>,
    /// A row could not be offered: the worker must read the outbox.
    lost: Arc<AtomicBool>,
    /// Stops this worker alone (the target was removed).
    token: CancellationToken,
}

/// The delivery engine: one worker per target, fed through the outbox.
/// Targets can be added and removed while it runs (`serve`'s webhook API);
/// every method takes `&self`, so it can be shared behind an `Arc`.
pub struct Engine {
    shared: Arc<Shared>,
    lanes: RwLock<Vec<Arc<Lane>>>,
    head: watch::Sender<Head>,
    /// Every worker ever started; [`Engine::wait`] waits for them all.
    workers: TaskTracker,
    cancel: CancellationToken,
    /// Commit-then-offer must not interleave between two enqueues, or a
    /// worker could see a later row before an earlier one.
    enqueue_lock: tokio::sync::Mutex<()>,
}

impl Engine {
    /// Start a worker per target. Each first delivers what the outbox already
    /// holds for it (an earlier run's pending rows), then what is enqueued.
    /// `cancel` stops the workers (in-flight requests are abandoned; their
    /// rows stay pending).
    pub fn start(
        store: Store,
        targets: Vec<Target>,
        cfg: EngineConfig,
        cancel: CancellationToken,
    ) -> Engine {
        let shared = Arc::new(Shared {
            store,
            cfg,
            counters: Arc::new(Counters::default()),
            give_up_warnings: AtomicU64::new(0),
        });
        let (head, _) = watch::channel(Head::default());
        let engine = Engine {
            shared,
            lanes: RwLock::new(Vec::new()),
            head,
            workers: TaskTracker::new(),
            cancel,
            enqueue_lock: tokio::sync::Mutex::new(()),
        };
        for target in targets {
            engine.add_target(target);
        }
        engine
    }

    /// The live counters.
    pub fn counters(&self) -> Arc<Counters> {
        Arc::clone(&self.shared.counters)
    }

    /// The targets' webhook ids.
    pub fn webhook_ids(&self) -> Vec<i64> {
        self.lanes().iter().map(|l| l.target.webhook.id).collect()
    }

    fn lanes(&self) -> Vec<Arc<Lane>> {
        self.lanes.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Start delivering to another target: its worker first sends what the
    /// outbox already holds for it, then every event enqueued from now on.
    /// Returns false (and does nothing) if its webhook is already a target.
    pub fn add_target(&self, target: Target) -> bool {
        let mut lanes = self.lanes.write().unwrap_or_else(|e| e.into_inner());
        if lanes
            .iter()
            .any(|l| l.target.webhook.id == target.webhook.id)
        {
            return false;
        }
        let target = Arc::new(target);
        let (hints, rx) = mpsc::channel(self.shared.cfg.hint_capacity.max(1));
        let lost = Arc::new(AtomicBool::new(false));
        let token = self.cancel.child_token();
        let work = worker(
            Arc::clone(&self.shared),
            Arc::clone(&target),
            Feed {
                hints: rx,
                lost: Arc::clone(&lost),
                head: self.head.subscribe(),
            },
            token.clone(),
        );
        self.workers.spawn(async move {
            if let Err(panic) = AssertUnwindSafe(work).catch_unwind().await {
                let what = panic
                    .downcast_ref::<&str>()
                    .copied()
                    .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
                    .unwrap_or("a panic");
                term::warn(format_args!("a delivery worker failed: {what}"));
            }
        });
        lanes.push(Arc::new(Lane {
            target,
            hints,
            lost,
            token,
        }));
        true
    }

    /// Stop delivering to a webhook: no more events are queued for it and its
    /// worker stops (a request in flight is abandoned). Its outbox rows stay
    /// until the webhook itself is removed from the store. Returns whether it
    /// was a target.
    pub fn remove_target(&self, webhook_id: i64) -> bool {
        let mut lanes = self.lanes.write().unwrap_or_else(|e| e.into_inner());
        let before = lanes.len();
        lanes.retain(|l| {
            let keep = l.target.webhook.id != webhook_id;
            if !keep {
                l.token.cancel();
            }
            keep
        });
        lanes.len() != before
    }

    /// Queue events for every target that wants them (one transaction).
    /// Returns how many deliveries were queued: an event already pending
    /// for a target is not queued for it again (counted in
    /// [`Counters::skipped`]).
    ///
    /// # Errors
    /// The store could not be written; nothing of the batch was queued.
    pub async fn enqueue(&self, events: &[OutgoingEvent]) -> Result<usize> {
        let lanes = self.lanes();
        if !events
            .iter()
            .any(|ev| lanes.iter().any(|l| l.target.webhook.wants(ev.kind)))
        {
            return Ok(0);
        }
        let all = vec![true; events.len()];
        let ((), n) = self.enqueue_after(events, move |_| Ok(((), all))).await?;
        Ok(n)
    }

    /// Run `first` on the store's writer, then queue the events it keeps
    /// (`keep[i]` for `events[i]`) for every target that wants them, in the
    /// same transaction: `serve` stores a batch and queues its deliveries
    /// with one commit, so a crash between the two cannot leave a stored
    /// event that no webhook will get. Returns what `first` returned and how
    /// many deliveries were queued.
    ///
    /// # Errors
    /// What `first` returned, or the store could not be written; then
    /// nothing of the batch was stored or queued.
    pub async fn enqueue_after<T, F>(
        &self,
        events: &[OutgoingEvent],
        first: F,
    ) -> Result<(T, usize)>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<(T, Vec<bool>)> + Send + 'static,
    {
        let lanes = self.lanes();
        let plans: Vec<Vec<NewDelivery>> = events
            .iter()
            .map(|ev| {
                lanes
                    .iter()
                    .map(|l| &l.target)
                    .filter(|t| t.webhook.wants(ev.kind))
                    .map(|t| NewDelivery {
                        webhook_id: t.webhook.id,
                        msg_id: message_id(&ev.id, t.webhook.id),
                        event_id: ev.id.clone(),
                        event_type: ev.kind.name().to_string(),
                        event: ev.json.clone(),
                    })
                    .collect()
            })
            .collect();
        let _serial = self.enqueue_lock.lock().await;
        let (out, queued, skipped) = self
            .shared
            .store
            .write(move |c| {
                let (out, keep) = first(c)?;
                let rows: Vec<NewDelivery> = plans
                    .into_iter()
                    .zip(keep)
                    .filter(|(_, k)| *k)
                    .flat_map(|(p, _)| p)
                    .collect();
                if rows.is_empty() {
                    return Ok((out, Vec::new(), 0));
                }
                let (queued, skipped) = queue(c, rows, crate::clock::now_ms())?;
                Ok((out, queued, skipped))
            })
            .await?;
        let n = queued.len();
        let counters = &self.shared.counters;
        counters.queued.fetch_add(n as u64, Ordering::Relaxed);
        counters.skipped.fetch_add(skipped, Ordering::Relaxed);
        let last = queued.last().map(|p| p.seq);
        for row in queued {
            let Some(lane) = lanes.iter().find(|l| l.target.webhook.id == row.webhook_id) else {
                continue;
            };
            if lane.hints.try_send(row).is_err() {
                lane.lost.store(true, Ordering::SeqCst);
            }
        }
        if let Some(last) = last {
            self.head.send_modify(|h| h.seq = h.seq.max(last));
        }
        Ok((out, n))
    }

    /// No more events will come: workers stop once their queue is empty.
    pub fn close_input(&self) {
        self.head.send_modify(|h| h.closed = true);
    }

    /// Stop the workers now (pending rows stay in the outbox).
    pub fn cancel(&self) {
        self.cancel.cancel();
    }

    /// Wait for every worker to stop, then for their outcomes to be committed.
    /// Cancel-safe: a timed-out wait can be followed by `cancel` and another.
    ///
    /// # Errors
    /// The store could not commit the outcomes.
    pub async fn wait(&self) -> Result<()> {
        // Workers added meanwhile are waited for too: the tracker counts
        // every task until it ends, and its wait is cancel-safe.
        self.workers.close();
        self.workers.wait().await;
        self.shared.store.flush().await
    }
}
