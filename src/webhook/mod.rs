//! Webhook delivery: the request format, signing, and the engine that drains
//! the store's outbox to every target, retrying until each delivery succeeds
//! or is given up.
//!
//! The body is exactly `{"event": <envelope>, "webhook": {"id","url","name"}}`
//! (`application/json`, User-Agent `tiklive/<version>`), signed the Standard
//! Webhooks way ([`signature`]).
//!
//! The engine:
//! - [`Engine::enqueue`] writes one outbox row per (event, interested target)
//!   in one transaction. Once committed, each row is also offered to its
//!   target's worker through a small bounded channel (`try_send`, never
//!   waiting): the fast path, with no read of the outbox. When a worker's
//!   channel is full (a slow or dead receiver), the row is not offered, the
//!   worker is flagged, and it reads the outbox instead until it has caught
//!   up. So a slow receiver costs disk, never memory, and never blocks the
//!   producer or the other targets.
//! - One worker task per target sends its rows in `seq` order, one at a
//!   time: each webhook receives its events in order, and targets proceed
//!   independently. It starts by reading the outbox (pages of
//!   [`EngineConfig::page`]), so rows left by an earlier (killed) run go
//!   first. Rows offered in memory that it already sent from the outbox
//!   (`seq` at or below its cursor) are skipped.
//! - A retryable failure waits ([`retry::RetryPolicy`]) and tries the same row
//!   again with the same `webhook-id`; a final failure or a delivery older
//!   than `give_up_after` is moved to `give_ups` with the reason.
//! - Outcomes are written to the store without waiting (the writer batches
//!   them); [`Engine::wait`] flushes them before it returns.

pub mod listing;
pub mod retry;
pub mod signature;

use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use futures_util::FutureExt;
use futures_util::future::BoxFuture;
use serde::Serialize;
use tokio::sync::{mpsc, watch};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::clock::{now_ms, unix_now};
use crate::store::lane_lock::LaneLock;
use crate::store::{NewDelivery, Pending, Store, Webhook};
use crate::webcast::{Envelope, EventKind};
use crate::{random, term};

use self::retry::{Outcome, RetryPolicy, classify, parse_retry_after};
use self::signature::{SigningKey, message_id};

/// How much of a failed response's body is kept in the reason.
const SNIPPET_CHARS: usize = 200;
/// Give-up warnings printed on stderr before they are only counted.
const MAX_GIVE_UP_WARNINGS: u64 = 20;

/// Where deliveries go: a webhook row and its signing key (if any).
#[derive(Debug)]
pub struct Target {
    pub webhook: Webhook,
    pub key: Option<SigningKey>,
    /// `,"webhook":{…}}`: the fixed end of every body for this target.
    suffix: String,
}

#[derive(Serialize)]
struct WebhookRef<'a> {
    id: String,
    url: &'a str,
    name: Option<&'a str>,
}

impl Target {
    pub fn new(webhook: Webhook, key: Option<SigningKey>) -> Target {
        let r = WebhookRef {
            id: webhook.id.to_string(),
            url: &webhook.url,
            name: webhook.name.as_deref(),
        };
        let suffix = format!(
            ",\"webhook\":{}}}",
            serde_json::to_string(&r).expect("a webhook reference serialises")
        );
        Target {
            webhook,
            key,
            suffix,
        }
    }

    /// The request body for an event (its envelope as JSON text).
    pub fn body(&self, event_json: &str) -> String {
        let mut body = String::with_capacity(10 + event_json.len() + self.suffix.len());
        body.push_str("{\"event\":");
        body.push_str(event_json);
        body.push_str(&self.suffix);
        body
    }

    /// `webhook 3 (https://example.com/hook)`, for messages.
    pub fn label(&self) -> String {
        format!("webhook {} ({})", self.webhook.id, self.webhook.url)
    }
}

/// The target of a registered webhook: signed with its own secret, else with
/// `fallback` (`--secret` / `WEBHOOK_SECRET`), else unsigned. Shared by
/// `forward` and `serve`.
///
/// # Errors
/// The stored secret is not usable (a `whsec_` secret that is not base64).
pub fn registered_target(webhook: Webhook, fallback: Option<&SigningKey>) -> Result<Target> {
    let key = match &webhook.secret {
        Some(s) => Some(
            SigningKey::from_secret(s.expose())
                .with_context(|| format!("the secret of webhook {} is not usable", webhook.id))?,
        ),
        None => fallback.cloned(),
    };
    Ok(Target::new(webhook, key))
}

/// An event on its way out: what the outbox needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingEvent {
    pub id: String,
    pub kind: EventKind,
    /// The envelope as JSON text.
    pub json: String,
}

impl From<&Envelope> for OutgoingEvent {
    fn from(env: &Envelope) -> OutgoingEvent {
        OutgoingEvent {
            id: env.id.clone(),
            kind: env.kind,
            json: env.to_json(),
        }
    }
}

/// One HTTP request, fully built (for sending or for `--dry-run`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub url: String,
    /// Lower-case names, in the order sent.
    pub headers: Vec<(&'static str, String)>,
    pub body: String,
}

/// Build the signed request of an event for a target at `timestamp` (unix s).
pub fn build_request(target: &Target, msg_id: &str, event_json: &str, timestamp: i64) -> Request {
    let body = target.body(event_json);
    let mut headers = vec![
        ("content-type", "application/json".to_string()),
        ("user-agent", crate::version::user_agent()),
        ("webhook-id", msg_id.to_string()),
        ("webhook-timestamp", timestamp.to_string()),
    ];
    if let Some(key) = &target.key {
        headers.push((
            "webhook-signature",
            key.sign(msg_id, timestamp, body.as_bytes()),
        ));
    }
    Request {
        url: target.webhook.url.clone(),
        headers,
        body,
    }
}

/// The request as text, the signature redacted (`--dry-run`):
/// `POST URL`, the headers, a blank line, the body, a blank line.
pub fn render_redacted(req: &Request) -> String {
    let mut out = format!("POST {}\n", req.url);
    for (name, value) in &req.headers {
        let value = if *name == "webhook-signature" {
            "v1,(redacted)"
        } else {
            value
        };
        out.push_str(name);
        out.push_str(": ");
        out.push_str(value);
        out.push('\n');
    }
    out.push('\n');
    out.push_str(&req.body);
    out.push_str("\n\n");
    out
}

/// The one HTTP client of a process: every request has a connect timeout and
/// a total `timeout`; the User-Agent is `tiklive/<version>`; redirects are not
/// followed; proxy variables are not read (config.rs is the only env reader).
///
/// # Errors
/// The TLS backend could not be set up.
pub fn http_client(timeout: Duration) -> Result<reqwest::Client> {
    reqwest::Client::builder()
        .user_agent(crate::version::user_agent())
        .connect_timeout(timeout.min(Duration::from_secs(10)))
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .tcp_nodelay(true)
        .build()
        .context("cannot set up the HTTP client")
}

/// Send one request and classify the answer; also returns how long it took.
pub async fn send(client: &reqwest::Client, req: Request) -> (Outcome, Duration) {
    let start = Instant::now();
    let mut builder = client.post(&req.url);
    for (name, value) in &req.headers {
        if *name != "user-agent" {
            builder = builder.header(*name, value);
        }
    }
    let outcome = match builder.body(req.body).send().await {
        Err(e) => transport_outcome(&e),
        Ok(resp) => {
            let status = resp.status();
            let retry_after = resp
                .headers()
                .get(reqwest::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| parse_retry_after(v, now_ms()));
            let snippet = drain_body(resp).await;
            let mut reason = format!(
                "HTTP {} {}",
                status.as_u16(),
                status.canonical_reason().unwrap_or("")
            )
            .trim_end()
            .to_string();
            if !status.is_success() && !snippet.is_empty() {
                reason.push_str(": ");
                reason.push_str(&snippet);
            }
            classify(status.as_u16(), retry_after, reason)
        }
    };
    (outcome, start.elapsed())
}

/// Read (and mostly discard) the body so the connection can be reused;
/// returns its start as one line.
async fn drain_body(mut resp: reqwest::Response) -> String {
    let mut head = Vec::new();
    let mut total = 0usize;
    while let Ok(Some(chunk)) = resp.chunk().await {
        total += chunk.len();
        if head.len() < SNIPPET_CHARS * 4 {
            let take = (SNIPPET_CHARS * 4 - head.len()).min(chunk.len());
            head.extend_from_slice(&chunk[..take]);
        }
        if total > 1 << 20 {
            break;
        }
    }
    let text = String::from_utf8_lossy(&head);
    let line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    line.chars().take(SNIPPET_CHARS).collect()
}

fn transport_outcome(e: &reqwest::Error) -> Outcome {
    let reason = if e.is_timeout() {
        "timed out".to_string()
    } else {
        let mut parts: Vec<String> = Vec::new();
        let mut cur: Option<&dyn std::error::Error> = Some(e);
        while let Some(err) = cur {
            let text = err.to_string();
            if !parts.iter().any(|p| p.contains(&text)) {
                parts.push(text);
            }
            cur = err.source();
        }
        parts.join(": ")
    };
    if e.is_builder() {
        Outcome::Fail {
            status: None,
            reason,
        }
    } else {
        Outcome::Retry {
            status: None,
            reason,
            retry_after: None,
        }
    }
}

/// How the engine waits between attempts (tests inject a recording one).
pub type SleepFn = Arc<dyn Fn(Duration) -> BoxFuture<'static, ()> + Send + Sync>;

/// `tokio::time::sleep`.
pub fn tokio_sleep() -> SleepFn {
    Arc::new(|d| Box::pin(tokio::time::sleep(d)))
}

/// Engine settings.
#[derive(Clone)]
pub struct EngineConfig {
    pub client: reqwest::Client,
    pub retry: RetryPolicy,
    pub sleep: SleepFn,
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
            sleep: tokio_sleep(),
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
}

/// A copy of [`Counters`] at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Totals {
    pub delivered: u64,
    pub failed: u64,
    pub in_flight: u64,
    pub retried: u64,
    pub queued: u64,
}

impl Counters {
    pub fn totals(&self) -> Totals {
        Totals {
            delivered: self.delivered.load(Ordering::Relaxed),
            failed: self.failed.load(Ordering::Relaxed),
            in_flight: self.in_flight.load(Ordering::Relaxed),
            retried: self.retried.load(Ordering::Relaxed),
            queued: self.queued.load(Ordering::Relaxed),
        }
    }
}

/// The newest outbox `seq` enqueued, and whether the input has ended.
#[derive(Debug, Clone, Copy, Default)]
struct Head {
    seq: i64,
    closed: bool,
}

struct Shared {
    store: Store,
    cfg: EngineConfig,
    counters: Arc<Counters>,
    give_up_warnings: AtomicU64,
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
    /// Returns how many deliveries were queued.
    ///
    /// # Errors
    /// The store could not be written; nothing of the batch was queued.
    pub async fn enqueue(&self, events: &[OutgoingEvent]) -> Result<usize> {
        let lanes = self.lanes();
        let mut rows = Vec::new();
        for ev in events {
            for t in lanes
                .iter()
                .map(|l| &l.target)
                .filter(|t| t.webhook.wants(ev.kind))
            {
                rows.push(NewDelivery {
                    webhook_id: t.webhook.id,
                    msg_id: message_id(&ev.id, t.webhook.id),
                    event_id: ev.id.clone(),
                    event_type: ev.kind.name().to_string(),
                    event: ev.json.clone(),
                });
            }
        }
        if rows.is_empty() {
            return Ok(0);
        }
        let n = rows.len();
        let _serial = self.enqueue_lock.lock().await;
        let queued = self.shared.store.enqueue(rows).await?;
        self.shared
            .counters
            .queued
            .fetch_add(n as u64, Ordering::Relaxed);
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
        Ok(n)
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

/// How one delivery ended.
enum Done {
    Finished,
    Cancelled,
}

/// What a worker is fed with.
struct Feed {
    hints: mpsc::Receiver<Pending>,
    lost: Arc<AtomicBool>,
    head: watch::Receiver<Head>,
}

async fn worker(
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
                        _ = (shared.cfg.sleep)(Duration::from_secs(1)) => continue,
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
            _ = (shared.cfg.sleep)(Duration::from_secs(1)) => {}
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
                    _ = (shared.cfg.sleep)(delay) => {}
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

/// `1.5s`, `3m 20s`, `2h 5m`.
pub fn human_duration(d: Duration) -> String {
    let s = d.as_secs();
    if s < 60 {
        format!("{:.1}s", d.as_secs_f64())
    } else if s < 3600 {
        format!("{}m {}s", s / 60, s % 60)
    } else {
        format!("{}h {}m", s / 3600, (s % 3600) / 60)
    }
}

#[cfg(test)]
mod engine_tests;

#[cfg(test)]
mod tests {
    use super::*;

    fn webhook(id: i64, name: Option<&str>) -> Webhook {
        Webhook {
            id,
            url: "http://127.0.0.1:9/hook".into(),
            name: name.map(str::to_string),
            secret: None,
            types: None,
            ephemeral: false,
            created_at: 0,
            delivered: 0,
            failed: 0,
            last_status: None,
            last_error: None,
            last_attempt_at: None,
        }
    }

    #[test]
    fn the_body_is_event_then_webhook() {
        let t = Target::new(webhook(3, Some("over\"lay")), None);
        assert_eq!(
            t.body(r#"{"type":"chat"}"#),
            r#"{"event":{"type":"chat"},"webhook":{"id":"3","url":"http://127.0.0.1:9/hook","name":"over\"lay"}}"#
        );
        let unnamed = Target::new(webhook(4, None), None);
        assert!(unnamed.body("{}").ends_with(r#""name":null}}"#));
    }

    #[test]
    fn requests_are_signed_only_with_a_key_and_dry_runs_redact() {
        let unsigned = Target::new(webhook(1, None), None);
        let req = build_request(&unsigned, "msg_x", "{}", 1_700_000_000);
        assert!(req.headers.iter().all(|(n, _)| *n != "webhook-signature"));
        let key = SigningKey::from_secret("s3cret").unwrap();
        let signed = Target::new(webhook(1, None), Some(key.clone()));
        let req = build_request(&signed, "msg_x", "{}", 1_700_000_000);
        let sig = &req
            .headers
            .iter()
            .find(|(n, _)| *n == "webhook-signature")
            .unwrap()
            .1;
        assert!(key.verify("msg_x", 1_700_000_000, req.body.as_bytes(), sig));
        let text = render_redacted(&req);
        assert!(text.starts_with("POST http://127.0.0.1:9/hook\ncontent-type: application/json\n"));
        assert!(text.contains("webhook-signature: v1,(redacted)\n"));
        assert!(!text.contains(sig.as_str()));
        assert!(text.contains("webhook-id: msg_x\nwebhook-timestamp: 1700000000\n"));
    }

    #[test]
    fn durations_read_well() {
        assert_eq!(human_duration(Duration::from_millis(1500)), "1.5s");
        assert_eq!(human_duration(Duration::from_secs(200)), "3m 20s");
        assert_eq!(human_duration(Duration::from_secs(7500)), "2h 5m");
    }
}
