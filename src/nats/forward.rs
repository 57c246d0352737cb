//! `forward --from nats://…`: deliver the events stream to webhooks.
//!
//! One durable pull consumer per target (`tiklive-fwd-<16 hex of
//! SHA-256(url)>`, explicit acks, filter `tiklive.ev.>`; other prefixes:
//! [`Namespace`]): every forwarder of
//! that target pulls from the same consumer, so each message goes to one of
//! them, and a forwarder that dies leaves its unacknowledged message to be
//! redelivered to another after `ack_wait`. A message is acknowledged (double
//! ack, confirmed by the server) only after its delivery succeeded or was given
//! up; give-ups are recorded in the KV bucket `TIKLIVE_GIVEUPS` (`<STEM>_GIVEUPS`; key
//! `<consumer>.<event id>`, value: target, reason, attempts, the event) and
//! warned about. While a delivery is retried, the message's ack deadline is
//! pushed back (`+WPI`) so no other forwarder takes it meanwhile. The
//! `webhook-id` depends only on the event id and the target URL
//! ([`stream_message_id`]), so it is the same from every forwarder of that
//! target, on any machine: a receiver can drop the one duplicate that a
//! forwarder killed between a 2xx and its ack can cause.
//!
//! Each target gets only the types it wants: those of `--type` (all by
//! default) that its registered webhook's own filter (`webhooks add --type`)
//! also takes, as in local forwarding. The filter is applied here, not as the
//! consumer's subject filter: a durable consumer outlives an edit of the
//! webhook's types, and nats-server 2.9 takes one filter subject only. An
//! event of another type is acknowledged at once (never redelivered) and
//! counted as skipped. Deliveries, retried attempts and give-ups are counted
//! in the store's webhook row (`webhooks list`: DELIVERED, FAILED, last
//! status and error) as in local forwarding, and each
//! give-up is kept in its `give_ups` as well: tested in `tests/nats.rs`
//! (`forward_from_applies_each_webhooks_type_filter_and_counts_deliveries`).
//!
//! A consumer created now starts where `--deliver` says (all: the stream's
//! first event; new: the next one); an existing consumer keeps its position.
//! `--limit N` ends the run after N events delivered or given up, over every
//! target (`error` events do not count, as in `watch`). Such a run is a
//! one-shot, so under `--limit` a delivery is retried for `--drain-timeout`
//! at most: one not done by then is handed back to the stream (nak) for the
//! next run, counted, and its target stops taking events. A lost connection to NATS is said once for every target
//! ([`OutageLog`]), and a delivery retried for [`SLOW_DELIVERY`] once, with
//! its recovery. Ctrl-C waits only for an HTTP request already sent and one
//! bounded ack: tested in `tests/nats.rs` (`forward_from_*`).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result};
use async_nats::jetstream::{self, AckKind, consumer};
use futures_util::StreamExt;
use serde_json::json;
use sha2::{Digest, Sha256};
use tokio_util::sync::CancellationToken;

use super::NatsTarget;
use super::kv::encode;
use super::namespace::Namespace;
use super::outage::OutageLog;
use crate::clock::{now_ms, unix_now};
use crate::store::Store;
use crate::store::outbox::{StreamGiveUp, count_attempt, count_delivered, record_give_up};
use crate::term;
use crate::webcast::{Envelope, KindSet};
use crate::webhook::retry::{Outcome, RetryPolicy};
use crate::webhook::signature::stream_message_id;
use crate::webhook::{Target, build_request, send};

/// The role of the bucket of give-ups (`TIKLIVE_GIVEUPS`, see [`Namespace::bucket`]).
pub const GIVEUPS: &str = "GIVEUPS";

/// The wait before pulling again after a fetch failed.
const FETCH_PAUSE: Duration = Duration::from_secs(1);

/// How often a lane looks at the connection while NATS is unreachable.
const OUTAGE_POLL: Duration = Duration::from_millis(250);

/// The bound on one NATS request of ours (stream lookup, ack, give-up
/// record), so that Ctrl-C never waits for the client's own 10 s timeout.
const NATS_CALL: Duration = Duration::from_secs(3);

/// A delivery retried this long is reported once (and its recovery too).
pub const SLOW_DELIVERY: Duration = Duration::from_secs(10);

/// What `forward --from` needs.
pub struct FromStream {
    pub nats: NatsTarget,
    /// The deployment: subjects, give-ups bucket, consumer names.
    pub ns: Namespace,
    pub stream: String,
    pub targets: Vec<Target>,
    /// `--type`; each target also applies its webhook's own filter.
    pub wanted: KindSet,
    /// Where each target's deliveries and give-ups are counted.
    pub store: Store,
    pub ack_wait: Duration,
    /// Where a consumer created now starts; an existing consumer keeps its
    /// position.
    pub deliver: consumer::DeliverPolicy,
    /// Stop after this many events delivered or given up, over every target
    /// (`--limit`); events of other types do not count.
    pub limit: Option<u64>,
    /// Under `--limit`: how long one delivery may be retried before it is
    /// handed back and its target stops (`--drain-timeout`).
    pub drain: Duration,
    pub client: reqwest::Client,
    pub quiet: bool,
}

/// Totals over every target.
#[derive(Debug, Default)]
pub struct Totals {
    pub delivered: u64,
    pub given_up: u64,
    pub skipped: u64,
    /// Retried for `--drain-timeout` under `--limit` without success:
    /// handed back to the stream.
    pub handed_back: u64,
}

#[derive(Default)]
struct Counts {
    delivered: AtomicU64,
    given_up: AtomicU64,
    skipped: AtomicU64,
    /// Events taken on (under `--limit`): at most `limit`.
    claimed: AtomicU64,
    /// Of those, delivered or given up.
    finished: AtomicU64,
    handed_back: AtomicU64,
}

/// `--limit` over every lane: a lane claims a counted event before
/// delivering it, and `full` is cancelled once every claimed event is
/// finished, which stops the lanes that wait for messages. Under a limit, a
/// delivery is retried for `drain` at most ([`Limit::hand_back_at`]).
struct Limit {
    max: Option<u64>,
    full: CancellationToken,
    drain: Duration,
}

impl Limit {
    /// `false`: the limit is reached; leave the message to the stream.
    fn claim(&self, counts: &Counts) -> bool {
        let Some(max) = self.max else { return true };
        counts
            .claimed
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| {
                (n < max).then_some(n + 1)
            })
            .is_ok()
    }

    /// When a delivery that started at `started` is handed back if it has
    /// not succeeded (`None`: no limit, retried per the retry policy).
    fn hand_back_at(&self, started: Instant) -> Option<Instant> {
        self.max.map(|_| started + self.drain)
    }

    /// Called after each claimed event is delivered, given up or handed back.
    fn finished(&self, counts: &Counts) {
        let Some(max) = self.max else { return };
        if counts.finished.fetch_add(1, Ordering::Relaxed) + 1 >= max {
            self.full.cancel();
        }
    }
}

/// The durable consumer name of a target URL: `tiklive-fwd-<16 hex>`
/// with the default prefix.
pub fn consumer_name(ns: &Namespace, url: &str) -> String {
    let d = Sha256::digest(url.as_bytes());
    let hex: String = d[..8].iter().map(|b| format!("{b:02x}")).collect();
    format!("{}-{hex}", ns.consumer_stem())
}

/// `fut`, unless `cancel` comes first (`None`).
async fn unless<T>(cancel: &CancellationToken, fut: impl Future<Output = T>) -> Option<T> {
    tokio::select! {
        _ = cancel.cancelled() => None,
        v = fut => Some(v),
    }
}

/// Deliver until `cancel`, or until `--limit` events are finished.
///
/// # Errors
/// The consumer or the give-ups bucket cannot be opened (NATS refused).
pub async fn run(cfg: FromStream, cancel: CancellationToken) -> Result<Totals> {
    let client = cfg.nats.connect("tiklive forward").await?;
    let js = jetstream::new(client.clone());
    let mut said = false;
    // A moment for the connection, so that a server without JetStream is
    // said at once rather than after a first "waiting".
    let _ = tokio::time::timeout(Duration::from_millis(500), super::wait_connected(&client)).await;
    let stream = loop {
        cfg.nats.require_jetstream(&client)?;
        let lookup = tokio::time::timeout(NATS_CALL, js.get_stream(&cfg.stream));
        let why = match unless(&cancel, lookup).await {
            None => return Ok(Totals::default()),
            Some(Ok(Ok(s))) => break s,
            Some(Ok(Err(e))) => e.to_string(),
            Some(Err(_)) => format!("no answer within {}s", NATS_CALL.as_secs()),
        };
        if !cfg.quiet && !said {
            term::note(format_args!(
                "waiting for stream {} at {} ({why}); retrying, nothing is dropped",
                cfg.stream,
                cfg.nats.display()
            ));
            said = true;
        }
        if !paused(&cancel, FETCH_PAUSE).await {
            return Ok(Totals::default());
        }
    };
    if said && !cfg.quiet {
        term::note(format_args!("stream {} found", cfg.stream));
    }
    let filter = cfg.ns.events_filter();
    super::stream::check_subjects(&cfg.stream, &stream.cached_info().config.subjects, &filter)?;
    let giveups = cfg.ns.bucket(GIVEUPS);
    let Some(giveups) = unless(&cancel, super::kv::open_bucket(&js, &giveups, 1)).await else {
        return Ok(Totals::default());
    };
    let giveups = giveups?;
    let counts = Arc::new(Counts::default());
    let limit = Arc::new(Limit {
        max: cfg.limit,
        full: cancel.child_token(),
        drain: cfg.drain,
    });
    let mut tasks = Vec::new();
    let mut names = Vec::new();
    for target in cfg.targets {
        let name = consumer_name(&cfg.ns, &target.webhook.url);
        let config = consumer::pull::Config {
            durable_name: Some(name.clone()),
            ack_policy: consumer::AckPolicy::Explicit,
            ack_wait: cfg.ack_wait,
            filter_subject: filter.clone(),
            max_ack_pending: 1024,
            deliver_policy: cfg.deliver,
            ..Default::default()
        };
        let Some(consumer) = unless(&cancel, stream.get_or_create_consumer(&name, config)).await
        else {
            break;
        };
        let consumer: consumer::PullConsumer =
            consumer.with_context(|| format!("cannot open the consumer {name}"))?;
        if !cfg.quiet {
            term::note(format_args!(
                "forwarding stream {} to {} (consumer {name})",
                cfg.stream, target.webhook.url
            ));
        }
        names.push(name.clone());
        tasks.push(tokio::spawn(lane(Lane {
            consumer,
            nats: client.clone(),
            name,
            target,
            wanted: cfg.wanted,
            store: cfg.store.clone(),
            ack_wait: cfg.ack_wait,
            client: cfg.client.clone(),
            giveups: giveups.clone(),
            counts: counts.clone(),
            limit: limit.clone(),
            quiet: cfg.quiet,
            cancel: cancel.clone(),
        })));
    }
    let outage = OutageLog::new("forward", cfg.nats.display(), cfg.quiet).counting("target");
    let watching = CancellationToken::new();
    let watcher = tokio::spawn(watch_connection(client, outage, names, watching.clone()));
    for t in tasks {
        if let Ok(Err(e)) = t.await {
            term::warn(format_args!("{e:#}"));
        }
    }
    watching.cancel();
    let _ = watcher.await;
    if let Err(e) = cfg.store.flush().await {
        term::warn(format_args!(
            "cannot count the deliveries in the store: {e:#}"
        ));
    }
    Ok(Totals {
        delivered: counts.delivered.load(Ordering::Relaxed),
        given_up: counts.given_up.load(Ordering::Relaxed),
        skipped: counts.skipped.load(Ordering::Relaxed),
        handed_back: counts.handed_back.load(Ordering::Relaxed),
    })
}

struct Lane {
    consumer: consumer::PullConsumer,
    nats: async_nats::Client,
    name: String,
    target: Target,
    wanted: KindSet,
    store: Store,
    ack_wait: Duration,
    client: reqwest::Client,
    giveups: async_nats::jetstream::kv::Store,
    counts: Arc<Counts>,
    limit: Arc<Limit>,
    quiet: bool,
    cancel: CancellationToken,
}

impl Lane {
    fn connected(&self) -> bool {
        self.nats.connection_state() == async_nats::connection::State::Connected
    }
}

/// One target: pull a message, deliver it, ack it; one at a time, so at most
/// one message per forwarder is in flight.
///
/// Ctrl-C stops it at once, except for an HTTP request already sent (it ends
/// within its timeout) and the ack after it (a few seconds at most): a
/// message taken but not acknowledged is handed back (nak), or else comes
/// back after the ack wait. While NATS is unreachable the lane waits
/// ([`watch_connection`] says so).
async fn lane(l: Lane) -> Result<()> {
    let l = &l;
    // Waiting for a message stops on Ctrl-C, or once `--limit` is reached.
    let idle = &l.limit.full;
    'outer: loop {
        if idle.is_cancelled() {
            break;
        }
        if !l.connected() {
            if !paused(idle, OUTAGE_POLL).await {
                break;
            }
            continue;
        }
        let fetch = l
            .consumer
            .fetch()
            .max_messages(1)
            .expires(Duration::from_secs(1))
            .messages();
        let Some(batch) = unless(idle, fetch).await else {
            break;
        };
        let mut batch = match batch {
            Ok(b) => b,
            Err(e) => {
                if l.connected() {
                    term::warn(format_args!("{}: cannot fetch ({e}); retrying", l.name));
                }
                if paused(idle, FETCH_PAUSE).await {
                    continue;
                }
                break;
            }
        };
        loop {
            // A fetch ends by itself (the server's 404/408 status, or
            // async-nats's own timer `expires` + 5 s later), but Ctrl-C must
            // not wait for that, nor must a lost connection (a server that
            // dies sends no status). A message the server sent meanwhile
            // stays unacknowledged and comes back to another forwarder after
            // the ack wait: nothing is lost.
            let next = tokio::select! {
                _ = idle.cancelled() => break 'outer,
                next = batch.next() => next,
                _ = tokio::time::sleep(OUTAGE_POLL) => {
                    if !l.connected() {
                        continue 'outer;
                    }
                    continue;
                }
            };
            let msg = match next {
                None => break,
                Some(Ok(msg)) => msg,
                Some(Err(e)) => {
                    // A status that ends the fetch (a 409 such as "Exceeded
                    // MaxWaiting", "Server Shutdown", or the consumer
                    // deleted): pull again.
                    if l.connected() {
                        term::warn(format_args!("{}: fetch ended: {e}; retrying", l.name));
                    }
                    if paused(idle, FETCH_PAUSE).await {
                        break;
                    }
                    break 'outer;
                }
            };
            let env: Option<Envelope> = serde_json::from_slice(&msg.payload).ok();
            let wanted = |e: &Envelope| l.wanted.contains(e.kind) && l.target.webhook.wants(e.kind);
            let Some(env) = env.filter(wanted) else {
                l.counts.skipped.fetch_add(1, Ordering::Relaxed);
                let _ = tokio::time::timeout(NATS_CALL, msg.double_ack()).await;
                continue;
            };
            let counted = term::counts_toward_limit(env.kind);
            if counted && !l.limit.claim(&l.counts) {
                // The limit is taken by other lanes: hand it back at once.
                nak(&msg).await;
                break 'outer;
            }
            match deliver(l, &msg, &env).await {
                Delivery::Cancelled => {
                    nak(&msg).await;
                    break 'outer;
                }
                Delivery::HandedBack => {
                    nak(&msg).await;
                    l.counts.handed_back.fetch_add(1, Ordering::Relaxed);
                    if counted {
                        l.limit.finished(&l.counts);
                    }
                    if !l.quiet {
                        term::note(format_args!(
                            "{}: event {} not delivered within the {}s drain timeout; handed back to the stream, this target stops",
                            crate::redact::url(&l.target.webhook.url),
                            env.id,
                            l.limit.drain.as_secs_f64()
                        ));
                    }
                    break 'outer;
                }
                Delivery::Done {
                    attempts,
                    status,
                    failure,
                } => {
                    match failure {
                        Some(reason) => {
                            give_up(l, &env, &msg.payload, attempts, status, &reason).await;
                        }
                        None => {
                            let (id, status) = (l.target.webhook.id, status.unwrap_or_default());
                            l.store
                                .submit(move |c| count_delivered(c, id, status, now_ms()))
                                .await;
                        }
                    }
                    // Confirmed by the server before the next message: a
                    // forwarder killed after this point cannot cause a
                    // redelivery.
                    ack(l, &msg, &env.id).await;
                    if counted {
                        l.limit.finished(&l.counts);
                    }
                }
            }
        }
    }
    Ok(())
}

enum Delivery {
    /// Ctrl-C during a retry wait: not delivered, not acknowledged.
    Cancelled,
    /// Under `--limit`, not delivered within `--drain-timeout`.
    HandedBack,
    /// Delivered (`failure` is `None`) or given up after `attempts`;
    /// `status`: the last HTTP status (`None`: no response).
    Done {
        attempts: u32,
        status: Option<u16>,
        failure: Option<String>,
    },
}

/// Deliver one event to the lane's target, retrying per [`RetryPolicy`]
/// and keeping the message ours (`+WPI`) meanwhile. Counts the outcome. A
/// delivery retried for [`SLOW_DELIVERY`] is said once, and so is its
/// recovery.
async fn deliver(l: &Lane, msg: &jetstream::Message, env: &Envelope) -> Delivery {
    let policy = RetryPolicy::default();
    let json = String::from_utf8_lossy(&msg.payload).into_owned();
    let url = crate::redact::url(&l.target.webhook.url);
    let id = stream_message_id(&env.id, &l.target.webhook.url);
    let started = Instant::now();
    let hand_back_at = l.limit.hand_back_at(started);
    let mut last_progress = Instant::now();
    let mut attempts = 0u32;
    let mut slow = false;
    let mut status: Option<u16>;
    let failure = loop {
        let req = build_request(&l.target, &id, &json, unix_now());
        let (outcome, _) = send(&l.client, req).await;
        attempts += 1;
        let (reason, wait) = match outcome {
            Outcome::Delivered(code) => {
                status = Some(code);
                break None;
            }
            Outcome::Fail { reason, status: s } => {
                status = s;
                break Some(reason);
            }
            Outcome::Retry {
                reason,
                retry_after,
                status: s,
            } => {
                status = s;
                let (id, error) = (l.target.webhook.id, reason.clone());
                l.store
                    .submit(move |c| count_attempt(c, id, s, &error, now_ms()))
                    .await;
                (
                    reason,
                    policy.delay(attempts, retry_after, crate::random::unit()),
                )
            }
        };
        if started.elapsed() + wait > policy.give_up_after {
            break Some(reason);
        }
        // Keep the message ours while we wait.
        let until = Instant::now() + wait;
        while Instant::now() < until {
            if !slow && started.elapsed() >= SLOW_DELIVERY {
                slow = true;
                if !l.quiet {
                    term::note(format_args!(
                        "{url}: event {} not delivered for {:.0}s ({reason}); retrying, this target's events wait",
                        env.id,
                        started.elapsed().as_secs_f64()
                    ));
                }
            }
            if last_progress.elapsed() >= l.ack_wait / 3 {
                let _ = tokio::time::timeout(NATS_CALL, msg.ack_with(AckKind::Progress)).await;
                last_progress = Instant::now();
            }
            let mut step = (l.ack_wait / 3).min(until - Instant::now());
            if !slow {
                step = step.min(
                    SLOW_DELIVERY
                        .saturating_sub(started.elapsed())
                        .max(Duration::from_millis(1)),
                );
            }
            if let Some(at) = hand_back_at {
                let left = at.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    return Delivery::HandedBack;
                }
                step = step.min(left);
            }
            // Stop without an ack: another forwarder will deliver it.
            if !paused(&l.cancel, step).await {
                return Delivery::Cancelled;
            }
        }
    };
    match &failure {
        None => {
            l.counts.delivered.fetch_add(1, Ordering::Relaxed);
            if slow {
                term::note(format_args!(
                    "{url}: delivering again after {:.1}s ({attempts} attempts); nothing was dropped",
                    started.elapsed().as_secs_f64()
                ));
            }
        }
        Some(_) => {
            l.counts.given_up.fetch_add(1, Ordering::Relaxed);
        }
    }
    Delivery::Done {
        attempts,
        status,
        failure,
    }
}

/// Warn about a give-up and record it in [`GIVEUPS`] and in the store
/// (the webhook's `failed` total and its `give_ups`).
async fn give_up(
    l: &Lane,
    env: &Envelope,
    payload: &[u8],
    attempts: u32,
    status: Option<u16>,
    reason: &str,
) {
    let url = crate::redact::url(&l.target.webhook.url);
    term::warn(format_args!(
        "{url}: gave up on event {} after {attempts} attempt(s): {reason}",
        env.id
    ));
    let record = json!({
        "target": url,
        "reason": reason,
        "attempts": attempts,
        "at": now_ms(),
        "event": serde_json::from_slice::<serde_json::Value>(payload).unwrap_or_default(),
    });
    let row = StreamGiveUp {
        webhook_id: l.target.webhook.id,
        msg_id: stream_message_id(&env.id, &l.target.webhook.url),
        event_id: env.id.clone(),
        event_type: env.kind.name().to_string(),
        event: String::from_utf8_lossy(payload).into_owned(),
        attempts,
        status,
        reason: reason.to_string(),
    };
    l.store
        .submit(move |c| record_give_up(c, &row, now_ms()))
        .await;
    let key = format!("{}.{}", l.name, env.id);
    let put = tokio::time::timeout(NATS_CALL, l.giveups.put(&key, encode(&record)));
    match put.await {
        Ok(Ok(_)) => {}
        Ok(Err(e)) => term::warn(format_args!("cannot record the give-up of {}: {e}", env.id)),
        Err(_) => term::warn(format_args!(
            "cannot record the give-up of {}: NATS did not answer",
            env.id
        )),
    }
}

/// Acknowledge a finished message, confirmed by the server: retried while
/// NATS is unreachable, for up to the ack wait (after that the message is
/// redelivered anyway), and only once more after Ctrl-C.
async fn ack(l: &Lane, msg: &jetstream::Message, event: &str) {
    let deadline = Instant::now() + l.ack_wait;
    loop {
        let why = match tokio::time::timeout(NATS_CALL, msg.double_ack()).await {
            Ok(Ok(())) => return,
            Ok(Err(e)) => e.to_string(),
            Err(_) => format!("no answer within {}s", NATS_CALL.as_secs()),
        };
        if l.cancel.is_cancelled() || Instant::now() >= deadline {
            term::warn(format_args!(
                "{}: cannot acknowledge event {event} ({why}); it will be delivered again",
                l.name
            ));
            return;
        }
        // After Ctrl-C: one last try at once.
        paused(&l.cancel, OUTAGE_POLL).await;
    }
}

/// Say once per outage that every target (`names`, its consumers) waits
/// for NATS, and how long it lasted once the connection is back (or when
/// the forwarder stops).
async fn watch_connection(
    client: async_nats::Client,
    outage: OutageLog,
    names: Vec<String>,
    stop: CancellationToken,
) {
    let mut down = false;
    loop {
        let up = client.connection_state() == async_nats::connection::State::Connected;
        if up == down {
            down = !up;
            for name in &names {
                if down {
                    outage.waiting(name, "disconnected");
                } else {
                    outage.recovered(name);
                }
            }
        }
        if !paused(&stop, OUTAGE_POLL).await {
            break;
        }
    }
    for name in &names {
        outage.recovered(name);
    }
}

/// Hand a message back for redelivery now (best effort: without it, it comes
/// back after the ack wait).
async fn nak(msg: &jetstream::Message) {
    // Confirmed by the server (a plain nak is only queued for sending, and a
    // process that exits at once may never send it: the message would then
    // wait out the ack wait before it is delivered again).
    let nak = msg.double_ack_with(AckKind::Nak(None));
    let _ = tokio::time::timeout(Duration::from_secs(1), nak).await;
}

/// Sleep `pause`; `false` when `cancel` came first.
async fn paused(cancel: &CancellationToken, pause: Duration) -> bool {
    tokio::select! {
        _ = cancel.cancelled() => false,
        _ = tokio::time::sleep(pause) => true,
    }
}
