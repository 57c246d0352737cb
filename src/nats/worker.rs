//! `tiklive worker`: one member of a pool that shares the streamers of the
//! `TIKLIVE_STREAMERS` bucket, each watched by exactly one live worker.
//! (Bucket names are the default prefix's; see [`super::namespace`].)
//!
//! Every tick (a tenth of the lease TTL, 100 ms to 1 s) a worker:
//! 1. renews its heartbeat (`TIKLIVE_WORKERS`) and its leases
//!    (`TIKLIVE_LEASES`, compare-and-set on the revision) every TTL / 3;
//! 2. reads the streamers, workers and leases — from memory: KV watches keep
//!    them current ([`super::mirror`]), with a full read every 3 TTLs and
//!    whenever a watch broke — and judges a lease or a heartbeat stale when
//!    its revision has not changed for the TTL by its own clock (no key-expiry
//!    notifications: those need nats-server 2.11);
//! 3. computes the assignment by rendezvous hashing over the live workers
//!    with their capacities ([`super::rendezvous`]);
//! 4. claims free or stale leases assigned to it (create, or update on the
//!    observed revision: only one claimant wins), hands over streamers now
//!    assigned to another live worker, and drops removed ones.
//!
//! Each owned streamer runs the live client with the cluster sign budget,
//! resuming from the cursor saved in `TIKLIVE_CURSORS`; its events are
//! published with acks, and its cursor is saved (every `cursor_every`) only
//! once every event before it is acknowledged, so a new owner resumes with no
//! gap. The overlap since the last save comes again with the same
//! deterministic ids and JetStream drops it. A lease that cannot be renewed
//! for 80 % of the TTL stops its stream (another worker may own it by then).
//!
//! A worker never gives a streamer of the set up: an offline one is looked
//! up every `TIKLIVE_WAIT_POLL_MS` in silence, and a stream that fails (not
//! found, TikTok unreachable) is started again after an exponential backoff
//! with jitter ([`Backoff`]: `TIKLIVE_POOL_RETRY_MS`, 5 s, up to
//! [`RETRY_CAP`]). Its `error` event is published, never `fatal`, only when
//! the failure is news ([`Reported`]), with one line on stderr then; the
//! failure last reported is saved with the cursor, so the next owner does
//! not report it again, and so is what fails now, offline too, with since
//! when ([`SavedCursor::failing`], saved when it changes): what `cluster
//! status` shows as the streamer's state.
//!
//! What a round changes is said in one line per kind ([`Moves`]): `worker
//! a: watching 37 streamers: @ann, @bob, … and 32 more`, `took over`,
//! `handed over`, `stopped`; each stream, with the cursor it resumes from,
//! only at `-v`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::Result;
use async_nats::jetstream::{self, kv};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::budget::{ClusterBudget, Rule};
use super::kv::{
    Buckets, Lease, SavedCursor, StreamFailure, StreamerEntry, WorkerInfo, decode, encode,
};
use super::mirror::Mirror;
use super::outage::OutageLog;
use super::publish::Publisher;
use super::rendezvous::assign;
use super::subject::escape_token;
use crate::clock::now_ms;
use crate::config::LiveConfig;
use crate::live::backoff::Backoff;
use crate::live::budget::SharedGate;
use crate::live::error::{Health, LiveError, Reported};
use crate::live::{StreamHooks, spawn_hooked};
use crate::source::SourceRun;
use crate::term::{self, BATCH_CHANNEL};
use crate::webcast::DecoderOptions;

/// The longest wait before a failed streamer is tried again; the first is
/// `TIKLIVE_POOL_RETRY_MS` (5 s), doubling with jitter.
pub const RETRY_CAP: Duration = Duration::from_secs(300);

/// A stream that ran this long before it ended starts the backoff afresh.
const RAN_WELL: Duration = Duration::from_secs(60);

/// What one worker is and does.
#[derive(Clone)]
pub struct WorkerOptions {
    /// Unique in the pool (default: host-pid-random).
    pub id: String,
    /// Streams at most.
    pub capacity: Option<usize>,
    /// A lease not renewed for this long may be claimed by another worker.
    pub ttl: Duration,
    /// How often a stream's cursor is saved (when it moved).
    pub cursor_every: Duration,
    pub live: LiveConfig,
    pub opts: DecoderOptions,
    /// The NATS servers, for messages.
    pub engine: String,
    /// The deployment: the subjects events are published on.
    pub ns: super::namespace::Namespace,
    /// Publishes in flight per stream.
    pub window: usize,
    pub quiet: bool,
}

struct Owned {
    user: String,
    revision: u64,
    renewed: Instant,
    since_ms: i64,
    stop: CancellationToken,
    task: JoinHandle<()>,
}

#[derive(Clone, Copy)]
struct Seen {
    revision: u64,
    at: Instant,
}

/// Revisions seen per key, to judge staleness by our own clock.
#[derive(Default)]
struct Observed(HashMap<String, Seen>);

impl Observed {
    /// Note `revision` of `key`; how long it has been unchanged.
    fn observe(&mut self, key: &str, revision: u64, now: Instant) -> Duration {
        let seen = self
            .0
            .entry(key.to_string())
            .or_insert(Seen { revision, at: now });
        if seen.revision != revision {
            *seen = Seen { revision, at: now };
        }
        now - seen.at
    }
}

/// The streamers one round started, took over, handed over or stopped,
/// said in one line per kind: a pool that moves hundreds of streams at once
/// (a start, a handover, a dead worker) prints a few lines, not hundreds.
#[derive(Debug, Default)]
struct Moves {
    /// Free leases claimed.
    started: Vec<String>,
    /// Stale leases claimed, and the workers that held them.
    taken: Vec<String>,
    from: BTreeSet<String>,
    /// Given to another worker (or freed at SIGTERM).
    handed: Vec<String>,
    /// Removed from the set.
    stopped: Vec<String>,
}

/// Handles listed in a summary line before `and N more`.
const LISTED: usize = 5;

impl Moves {
    /// The summary lines of worker `id`, without the `tiklive: ` prefix.
    fn lines(&self, id: &str) -> Vec<String> {
        let from = self.from.iter().cloned().collect::<Vec<_>>().join(", ");
        let from = format!(" from {from} (not renewed for the lease TTL)");
        [
            ("watching", &self.started, ""),
            ("took over", &self.taken, from.as_str()),
            ("handed over", &self.handed, ""),
            ("stopped", &self.stopped, " (removed from the set)"),
        ]
        .into_iter()
        .filter(|(_, users, _)| !users.is_empty())
        .map(|(what, users, note)| format!("worker {id}: {what} {}", listing(users, note)))
        .collect()
    }
}

/// `3 streamers{note}: @a, @b, @c`; past [`LISTED`] handles, `… and N more`.
fn listing(users: &[String], note: &str) -> String {
    let n = users.len();
    let shown: Vec<String> = users.iter().take(LISTED).map(|u| format!("@{u}")).collect();
    let more = if n > LISTED {
        format!(" and {} more", n - LISTED)
    } else {
        String::new()
    };
    let s = if n == 1 { "" } else { "s" };
    format!("{n} streamer{s}{note}: {}{more}", shown.join(", "))
}

/// The buckets a tick reads, mirrored by KV watches.
struct Mirrors {
    streamers: Mirror,
    workers: Mirror,
    leases: Mirror,
}

struct Worker {
    js: jetstream::Context,
    b: Buckets,
    seen: Mirrors,
    o: WorkerOptions,
    budget: SharedGate,
    owned: BTreeMap<String, Owned>,
    leases_seen: Observed,
    workers_seen: Observed,
    free_since: HashMap<String, Instant>,
    published: Arc<AtomicU64>,
    started_ms: i64,
    heartbeat_at: Option<Instant>,
    /// One account of an engine outage for all streams.
    outages: OutageLog,
}

/// Run a worker until `cancel`, then hand every streamer over.
pub async fn run(
    js: jetstream::Context,
    buckets: Buckets,
    o: WorkerOptions,
    cancel: CancellationToken,
) -> Result<()> {
    let budget: SharedGate = Arc::new(ClusterBudget::new(
        buckets.sign.clone(),
        o.live.sign_budget,
        o.live.sign_window,
        o.live.sign_interval,
    ));
    // The watches keep the mirrors current; a full read every 3 TTLs is the
    // safety net.
    let resync = o.ttl * 3;
    let seen = Mirrors {
        streamers: Mirror::new(buckets.streamers.clone(), resync),
        workers: Mirror::new(buckets.workers.clone(), resync),
        leases: Mirror::new(buckets.leases.clone(), resync),
    };
    let mut w = Worker {
        js,
        b: buckets,
        seen,
        budget,
        owned: BTreeMap::new(),
        leases_seen: Observed::default(),
        workers_seen: Observed::default(),
        free_since: HashMap::new(),
        published: Arc::new(AtomicU64::new(0)),
        started_ms: now_ms(),
        heartbeat_at: None,
        outages: OutageLog::new(format!("worker {}", o.id), o.engine.clone(), o.quiet),
        o,
    };
    if !w.o.quiet {
        term::note(format_args!(
            "worker {} joined the pool at {} (lease TTL {:.1}s{})",
            w.o.id,
            w.o.engine,
            w.o.ttl.as_secs_f64(),
            w.o.capacity
                .map(|c| format!(", capacity {c}"))
                .unwrap_or_default()
        ));
    }
    let tick = (w.o.ttl / 10).clamp(Duration::from_millis(100), Duration::from_secs(1));
    let mut interval = tokio::time::interval(tick);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    // Rounds failed in a row: only the first is a warning (an outage
    // would otherwise repeat it every round), the recovery one note.
    let mut failing = 0u32;
    loop {
        tokio::select! {
            _ = cancel.cancelled() => break,
            _ = interval.tick() => {}
        }
        // A round may wait on NATS (an outage): a signal stops it too.
        let round = tokio::select! {
            _ = cancel.cancelled() => break,
            round = w.reconcile() => round,
        };
        match round {
            Ok(()) if failing > 0 => {
                if !w.o.quiet {
                    term::note(format_args!(
                        "worker {}: the pool's buckets answer again (after {failing} failed round(s))",
                        w.o.id
                    ));
                }
                failing = 0;
            }
            Ok(()) => {}
            Err(e) => {
                if failing == 0 {
                    term::warn(format_args!("worker {}: {e:#}; retrying", w.o.id));
                }
                failing += 1;
            }
        }
    }
    w.leave().await;
    Ok(())
}

impl Worker {
    async fn reconcile(&mut self) -> Result<()> {
        let now = Instant::now();
        let ttl = self.o.ttl;
        // Our heartbeat and our leases first: they must not lapse.
        if self.heartbeat_at.is_none_or(|t| now - t >= ttl / 3) {
            self.heartbeat().await?;
            self.heartbeat_at = Some(now);
        }
        self.renew(now).await;

        let streamers: BTreeMap<String, String> = self
            .seen
            .streamers
            .entries()
            .await?
            .into_iter()
            // Keyed by the normalised handle: an entry added before handles
            // were normalised (`Alice` beside `alice`) is the same streamer.
            .filter_map(|e| decode::<StreamerEntry>(&e.value))
            .map(|s| (key_of(&s.user), pool_user(&s.user)))
            .collect();
        let mut live_workers: BTreeMap<String, usize> = BTreeMap::new();
        for e in self.seen.workers.entries().await? {
            let age = self.workers_seen.observe(&e.key, e.revision, now);
            let Some(info) = decode::<WorkerInfo>(&e.value) else {
                continue;
            };
            if info.id == self.o.id || age < ttl {
                live_workers.insert(info.id, info.capacity.unwrap_or(usize::MAX));
            }
        }
        live_workers.insert(self.o.id.clone(), self.o.capacity.unwrap_or(usize::MAX));
        let mut leases: HashMap<String, (Lease, u64, Duration)> = HashMap::new();
        for e in self.seen.leases.entries().await? {
            let age = self.leases_seen.observe(&e.key, e.revision, now);
            if let Some(l) = decode::<Lease>(&e.value) {
                leases.insert(e.key, (l, e.revision, age));
            }
        }
        let plan = assign(streamers.keys().map(String::as_str), &live_workers);

        let mut moves = Moves::default();
        // Streamers removed from the set, or now assigned to another live worker.
        let mine: Vec<String> = self.owned.keys().cloned().collect();
        for key in mine {
            let gone = !streamers.contains_key(&key);
            let elsewhere = plan
                .get(&key)
                .is_some_and(|w| *w != self.o.id && live_workers.contains_key(w));
            if gone || elsewhere {
                self.release(&key, gone, &mut moves).await;
            }
        }
        // Free or stale leases we should take.
        let capacity = self.o.capacity.unwrap_or(usize::MAX);
        for (key, user) in &streamers {
            if self.owned.contains_key(key) || self.owned.len() >= capacity {
                continue;
            }
            let (free, stale) = match leases.get(key) {
                None => (true, None),
                Some((lease, rev, age)) if *age >= ttl => {
                    (true, Some((*rev, lease.worker.as_str())))
                }
                Some(_) => (false, None),
            };
            if !free {
                self.free_since.remove(key);
                continue;
            }
            let free_for = now - *self.free_since.entry(key.clone()).or_insert(now);
            let planned_here = plan.get(key).is_some_and(|w| *w == self.o.id);
            // A streamer nobody took for a TTL is anyone's (its planned
            // owner may be full or gone unnoticed).
            if planned_here || free_for >= ttl {
                self.claim(key, user, stale, &mut moves).await;
            }
        }
        self.say(&moves);
        // Leases of removed streamers that nobody renews any more.
        for (key, (_, rev, age)) in &leases {
            if !streamers.contains_key(key) && *age >= ttl && !self.owned.contains_key(key) {
                let _ = self.b.leases.delete_expect_revision(key, Some(*rev)).await;
            }
        }
        Ok(())
    }

    async fn heartbeat(&self) -> Result<()> {
        let info = WorkerInfo {
            id: self.o.id.clone(),
            host: hostname(),
            pid: std::process::id(),
            capacity: self.o.capacity,
            owned: self.owned.values().map(|o| o.user.clone()).collect(),
            started_ms: self.started_ms,
            heartbeat_ms: now_ms(),
            published: self.published.load(Ordering::Relaxed),
            rss_bytes: rss_bytes(),
            lease_ttl_ms: self.o.ttl.as_millis() as i64,
            sign_rule: Some(Rule::new(
                self.o.live.sign_budget,
                self.o.live.sign_window,
                self.o.live.sign_interval,
            )),
        };
        self.b
            .workers
            .put(&self.o.id, encode(&info))
            .await
            .map_err(|e| anyhow::anyhow!("cannot write the heartbeat: {e}"))?;
        Ok(())
    }

    fn lease(&self, user: &str, since_ms: i64) -> bytes::Bytes {
        encode(&Lease {
            worker: self.o.id.clone(),
            user: user.to_string(),
            renewed_ms: now_ms(),
            since_ms,
            ttl_ms: self.o.ttl.as_millis() as i64,
        })
    }

    /// Renew our leases every TTL / 3; stop streams whose lease we lost.
    async fn renew(&mut self, now: Instant) {
        let ttl = self.o.ttl;
        let keys: Vec<String> = self.owned.keys().cloned().collect();
        for key in keys {
            let (user, rev, renewed, since) = {
                let o = &self.owned[&key];
                (o.user.clone(), o.revision, o.renewed, o.since_ms)
            };
            if now - renewed < ttl / 3 {
                continue;
            }
            let value = self.lease(&user, since);
            match self.b.leases.update(&key, value, rev).await {
                Ok(new_rev) => {
                    if let Some(o) = self.owned.get_mut(&key) {
                        o.revision = new_rev;
                        o.renewed = now;
                    }
                }
                Err(e) => {
                    let lost = matches!(e.kind(), kv::UpdateErrorKind::WrongLastRevision);
                    if lost && let Some(rev) = self.still_ours(&key, since).await {
                        // Our last write went through but its answer was
                        // lost (a server restart): renew on the next tick.
                        if let Some(o) = self.owned.get_mut(&key) {
                            o.revision = rev;
                        }
                        continue;
                    }
                    // One short line: the server's text repeats itself
                    // ("wrong last revision: wrong last sequence: …").
                    let why = if lost {
                        format!("lost the lease of @{user} to another revision; re-claiming")
                    } else if now - renewed >= ttl.mul_f64(0.8) {
                        format!(
                            "cannot renew the lease of @{user} for {:.1}s ({}); stopping it",
                            (now - renewed).as_secs_f64(),
                            e.kind()
                        )
                    } else {
                        continue;
                    };
                    term::warn(format_args!("worker {}: {why}", self.o.id));
                    if let Some(o) = self.owned.remove(&key) {
                        o.stop.cancel();
                        let _ = o.task.await;
                    }
                }
            }
        }
    }

    /// The revision of lease `key` if it still names this worker and the
    /// claim made at `since_ms`: an update whose answer was lost (e.g. across
    /// a server restart) went through, and the lease is still ours.
    async fn still_ours(&self, key: &str, since_ms: i64) -> Option<u64> {
        let entry = self.b.leases.entry(key).await.ok()??;
        if entry.operation != kv::Operation::Put {
            return None;
        }
        let lease = decode::<Lease>(&entry.value)?;
        (lease.worker == self.o.id && lease.since_ms == since_ms).then_some(entry.revision)
    }

    /// The round's summary lines (see [`Moves`]).
    fn say(&self, moves: &Moves) {
        if self.o.quiet {
            return;
        }
        for line in moves.lines(&self.o.id) {
            term::note(format_args!("{line}"));
        }
    }

    /// Claim a lease (create, or update over a `stale` one: its revision and
    /// worker) and start watching.
    async fn claim(
        &mut self,
        key: &str,
        user: &str,
        stale: Option<(u64, &str)>,
        moves: &mut Moves,
    ) {
        let since = now_ms();
        let value = self.lease(user, since);
        let claimed = match stale {
            None => self.b.leases.create(key, value).await.ok(),
            Some((rev, _)) => self.b.leases.update(key, value, rev).await.ok(),
        };
        let Some(rev) = claimed else {
            return; // another worker was faster
        };
        self.free_since.remove(key);
        let record = match self.b.cursors.get(key).await {
            Ok(Some(v)) => decode::<SavedCursor>(&v),
            _ => None,
        };
        let saved = record
            .as_ref()
            .map(|c| c.cursor.clone())
            .filter(|c| !c.is_empty());
        let failing = record.as_ref().and_then(|c| c.failing.clone());
        let reported = record.and_then(|c| c.reported);
        match stale {
            Some((_, from)) => {
                moves.taken.push(user.to_string());
                moves.from.insert(from.to_string());
            }
            None => moves.started.push(user.to_string()),
        }
        tracing::debug!(
            worker = %self.o.id,
            cursor = saved.as_deref().unwrap_or("none"),
            taken_from = stale.map(|(_, w)| w),
            "watching @{user}"
        );
        let stop = CancellationToken::new();
        let task = tokio::spawn(watch_stream(StreamJob {
            user: user.to_string(),
            key: key.to_string(),
            cursor: saved,
            reported,
            failing,
            js: self.js.clone(),
            cursors: self.b.cursors.clone(),
            budget: self.budget.clone(),
            o: self.o.clone(),
            stop: stop.clone(),
            published: self.published.clone(),
            outages: self.outages.clone(),
        }));
        self.owned.insert(
            key.to_string(),
            Owned {
                user: user.to_string(),
                revision: rev,
                renewed: Instant::now(),
                since_ms: since,
                stop,
                task,
            },
        );
    }

    /// Stop watching (the stream saves its cursor), then free the lease.
    async fn release(&mut self, key: &str, removed: bool, moves: &mut Moves) {
        let Some(o) = self.owned.remove(key) else {
            return;
        };
        o.stop.cancel();
        let _ = o.task.await;
        // Best effort: while NATS is down the lease lapses on its own.
        if removed {
            let _ = tokio::time::timeout(STOP_GRACE, self.b.cursors.delete(key)).await;
        }
        let _ = tokio::time::timeout(
            STOP_GRACE,
            self.b.leases.delete_expect_revision(key, Some(o.revision)),
        )
        .await;
        tracing::debug!(worker = %self.o.id, removed, "released @{}", o.user);
        if removed {
            moves.stopped.push(o.user);
        } else {
            moves.handed.push(o.user);
        }
    }

    /// A graceful stop: hand every streamer over at once.
    async fn leave(&mut self) {
        let keys: Vec<String> = self.owned.keys().cloned().collect();
        for o in self.owned.values() {
            o.stop.cancel();
        }
        let mut moves = Moves::default();
        // Every stream got `stop` above, so their grace periods run at once.
        let releasing = async {
            for key in keys {
                self.release(&key, false, &mut moves).await;
            }
        };
        let _ = tokio::time::timeout(STOP_GRACE * 2, releasing).await;
        self.say(&moves);
        let _ = tokio::time::timeout(STOP_GRACE, self.b.workers.delete(&self.o.id)).await;
        if !self.o.quiet {
            term::note(format_args!("worker {} left the pool", self.o.id));
        }
    }
}

struct StreamJob {
    user: String,
    key: String,
    cursor: Option<String>,
    /// The failure the last owner reported (see [`SavedCursor::reported`]).
    reported: Option<String>,
    /// What the last owner saw failing (see [`SavedCursor::failing`]).
    failing: Option<StreamFailure>,
    js: jetstream::Context,
    cursors: kv::Store,
    budget: SharedGate,
    o: WorkerOptions,
    stop: CancellationToken,
    published: Arc<AtomicU64>,
    outages: OutageLog,
}

/// How long a stopped stream waits for the acks of what it buffered, and a
/// stopping worker for each lease and heartbeat it frees (best effort).
const STOP_GRACE: Duration = Duration::from_secs(2);

/// Watch one streamer until `stop`: publish its events, save its cursor.
async fn watch_stream(job: StreamJob) {
    let mut cursor = job.cursor.clone();
    let mut publisher = Publisher::new(
        job.js.clone(),
        job.o.ns.clone(),
        job.o.engine.clone(),
        job.o.window,
        job.o.quiet,
    )
    .reporting_to(job.outages.clone(), &job.user);
    let mut saved = cursor.clone().unwrap_or_default();
    // Failures reported as `error` events, across restarts and owners: only
    // news is.
    let mut saved_key = job.reported.clone();
    let reported = Arc::new(std::sync::Mutex::new(
        saved_key
            .clone()
            .map_or_else(Reported::default, Reported::already_reported),
    ));
    let key_now = || {
        let r = reported.lock().unwrap_or_else(|p| p.into_inner());
        r.key().map(str::to_string)
    };
    // What is failing, as saved: saved again when it changes.
    let mut saved_failing = job.failing.clone();
    let failing_now = |saved: Option<&StreamFailure>| {
        let r = reported.lock().unwrap_or_else(|p| p.into_inner());
        failing_of(r.health(), saved, &job.user, now_ms())
    };
    let retry = job.o.live.pool_retry;
    let mut backoff = Backoff::new(retry, RETRY_CAP.max(retry), RAN_WELL);
    loop {
        let started = Instant::now();
        let (tx, mut rx) = mpsc::channel(BATCH_CHANNEL);
        let (cursor_tx, cursor_rx) = watch::channel(cursor.clone().unwrap_or_default());
        let live = spawn_hooked(
            job.user.clone(),
            job.o.live.clone(),
            SourceRun {
                opts: job.o.opts,
                tx,
                cancel: job.stop.clone(),
                record: None,
            },
            StreamHooks {
                cursor: cursor.clone(),
                cursor_out: Some(cursor_tx),
                retried: Some(reported.clone()),
                retry_cap: Some(RETRY_CAP),
            },
            job.budget.clone(),
            true,
        );
        // Publish and save cursors until the live task ends. Once stopped,
        // what is buffered gets [`STOP_GRACE`] to be confirmed: while NATS
        // does not acknowledge, the stream ends without saving a cursor past
        // the last confirmed events (the next owner resumes from there, and
        // JetStream drops the copies).
        let publishing = async {
            let mut save = tokio::time::interval(job.o.cursor_every);
            save.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    batch = rx.recv() => {
                        let Some(batch) = batch else { break };
                        for env in &batch {
                            publisher.send(env).await;
                        }
                        job.published.fetch_add(batch.len() as u64, Ordering::Relaxed);
                    }
                    _ = save.tick() => {
                        // Everything handed over before this cursor is in the
                        // channel now: publish it, wait for the acks, then save.
                        let c = cursor_rx.borrow().clone();
                        for _ in 0..rx.len() {
                            let Some(batch) = rx.recv().await else { break };
                            for env in &batch {
                                publisher.send(env).await;
                            }
                            job.published.fetch_add(batch.len() as u64, Ordering::Relaxed);
                        }
                        publisher.flush().await;
                        let moved = !c.is_empty() && c != saved;
                        let failing = failing_now(saved_failing.as_ref());
                        if moved || failing != saved_failing {
                            if moved {
                                saved_key = key_now();
                                saved = c;
                            }
                            save_cursor(&job, &saved, saved_key.clone(), failing.clone()).await;
                            saved_failing = failing;
                        }
                    }
                }
            }
            // The live task ended and closed the channel: all is published,
            // its `error` event too, so the next owner may know it was.
            publisher.flush().await;
            let c = cursor_rx.borrow().clone();
            let key = key_now();
            let failing = failing_now(saved_failing.as_ref());
            if (!c.is_empty() && c != saved) || key != saved_key || failing != saved_failing {
                if !c.is_empty() {
                    saved = c.clone();
                }
                save_cursor(&job, &saved, key.clone(), failing.clone()).await;
                saved_key = key;
                saved_failing = failing;
            }
            if !c.is_empty() {
                cursor = Some(c);
            }
        };
        let done = tokio::select! {
            () = publishing => true,
            () = async {
                job.stop.cancelled().await;
                tokio::time::sleep(STOP_GRACE).await;
            } => false,
        };
        if !done {
            return;
        }
        let end = live.await;
        if job.stop.is_cancelled() {
            return;
        }
        backoff.connection_lasted(started.elapsed());
        let delay = backoff.next_delay(crate::random::unit());
        // One line when a streamer starts failing or fails differently, none
        // for each retry of the same failure. During an engine outage a
        // failed stream is counted in the outage's summary instead.
        if let Ok(Err(e)) = end {
            let (news, why) = {
                let r = reported.lock().unwrap_or_else(|p| p.into_inner());
                let why = r.last().map(|l| l.summary());
                (r.repeats() == 0, why)
            };
            let why = why.unwrap_or_else(|| crate::error::message_of(&e));
            if !news || job.outages.absorbs_restart(&job.user) || job.o.quiet {
                tracing::debug!(user = %job.user, delay_s = delay.as_secs_f64(), %why, "the same failure again");
            } else {
                term::note(format_args!(
                    "worker {}: @{}: {why}; trying again in {:.0}s, then less often (up to every {}m)",
                    job.o.id,
                    job.user,
                    delay.as_secs_f64().max(1.0),
                    RETRY_CAP.as_secs() / 60,
                ));
            }
        }
        tokio::select! {
            _ = job.stop.cancelled() => return,
            _ = tokio::time::sleep(delay) => {}
        }
    }
}

/// Save where the next owner resumes: `cursor` (empty: none yet), the
/// failure `reported` last, and what is `failing` now.
async fn save_cursor(
    job: &StreamJob,
    cursor: &str,
    reported: Option<String>,
    failing: Option<StreamFailure>,
) {
    let value = encode(&SavedCursor {
        cursor: cursor.to_string(),
        worker: job.o.id.clone(),
        saved_ms: now_ms(),
        reported,
        failing,
    });
    if let Err(e) = job.cursors.put(&job.key, value).await {
        term::warn(format_args!(
            "worker {}: cannot save the cursor of @{}: {e}",
            job.o.id, job.user
        ));
    }
}

/// What is failing for `user`'s stream, to save, from its `health` at `now`
/// (wall ms) and what is `saved`: a state the saved one already names keeps
/// its start (across owners too); one not known in this process yet
/// ([`Health::Unknown`]: a new owner that has not looked the streamer up)
/// leaves the saved one as it is; a connected stream has none.
fn failing_of(
    health: Health<'_>,
    saved: Option<&StreamFailure>,
    user: &str,
    now: i64,
) -> Option<StreamFailure> {
    let (state, error, since_ms) = match health {
        Health::Unknown => return saved.cloned(),
        Health::Connected => return None,
        Health::Offline { since_ms } => (
            "offline",
            LiveError::Offline(user.to_string()).lookup_message(),
            since_ms,
        ),
        Health::Failing { error, since_ms } => (error.state(), error.summary(), since_ms),
    };
    let since_ms = match saved {
        Some(s) if s.state == state => s.since_ms.min(since_ms),
        _ => since_ms.min(now),
    };
    Some(StreamFailure {
        state: state.to_string(),
        error,
        since_ms,
    })
}

/// A streamer as the pool knows it: TikTok handles are case-insensitive, so
/// `Alice`, `@alice` and `alice` are one streamer, `alice`.
pub fn pool_user(user: &str) -> String {
    user.trim_start_matches('@').to_lowercase()
}

/// The KV key of a streamer (in the streamers, leases and cursors buckets):
/// its [`pool_user`] form, escaped.
pub fn key_of(user: &str) -> String {
    escape_token(&pool_user(user))
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|_| "localhost".to_string())
}

/// A default worker id: host, pid and 4 random hex digits.
pub fn default_id() -> String {
    format!(
        "{}-{}-{:04x}",
        escape_token(&hostname()),
        std::process::id(),
        crate::random::u32_in(0..0x1_0000)
    )
}

/// Resident memory (Linux `/proc/self/statm`), in bytes.
pub fn rss_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_round_is_one_line_per_kind() {
        let users = |n: usize| (0..n).map(|i| format!("u{i}")).collect::<Vec<_>>();
        let moves = Moves {
            started: users(1),
            taken: users(37),
            from: ["b".to_string(), "c".to_string()].into(),
            handed: users(5),
            stopped: Vec::new(),
        };
        assert_eq!(
            moves.lines("a"),
            [
                "worker a: watching 1 streamer: @u0",
                "worker a: took over 37 streamers from b, c (not renewed for the lease TTL): @u0, @u1, @u2, @u3, @u4 and 32 more",
                "worker a: handed over 5 streamers: @u0, @u1, @u2, @u3, @u4",
            ]
        );
        assert!(Moves::default().lines("a").is_empty());
    }

    #[test]
    fn what_is_failing_keeps_its_start_and_is_cleared_by_a_connect() {
        let gone = LiveError::UserNotFound("ghost".into());
        let failing = |since_ms| Health::Failing {
            error: &gone,
            since_ms,
        };
        let first = failing_of(failing(5_000), None, "ghost", 6_000).unwrap();
        assert_eq!(first.state, "not-found");
        assert!(first.error.contains("not found"), "{}", first.error);
        assert_eq!(first.since_ms, 5_000);
        // A new owner that fails the same way keeps the start it was saved with.
        let again = failing_of(failing(90_000), Some(&first), "ghost", 90_000).unwrap();
        assert_eq!(again, first);
        // Not looked up yet here: the saved state stands.
        assert_eq!(
            failing_of(Health::Unknown, Some(&first), "ghost", 1),
            Some(first.clone())
        );
        assert_eq!(failing_of(Health::Unknown, None, "ghost", 1), None);
        // Offline is another state, from its own start.
        let offline = failing_of(
            Health::Offline { since_ms: 70_000 },
            Some(&first),
            "ghost",
            80_000,
        )
        .unwrap();
        assert_eq!(offline.state, "offline");
        assert_eq!(offline.since_ms, 70_000);
        assert_eq!(offline.error, "@ghost is not live right now");
        assert_eq!(
            failing_of(Health::Connected, Some(&offline), "ghost", 1),
            None
        );
    }

    #[test]
    fn handles_are_one_streamer_whatever_their_case() {
        for u in ["Alice", "@alice", "ALICE", "alice"] {
            assert_eq!(pool_user(u), "alice");
            assert_eq!(key_of(u), "alice");
        }
        assert_eq!(key_of("Bo.B"), key_of("bo.b"));
        assert_ne!(key_of("bo.b"), key_of("bo_b"));
    }
}
