//! `forward --from nats://…`: deliver the events stream to webhooks.
//!
//! One durable pull consumer per target (`tiklive-fwd-<16 hex of
//! SHA-256(url)>`, explicit acks, filter `tiklive.ev.>`): every forwarder of
//! that target pulls from the same consumer, so each message goes to one of
//! them, and a forwarder that dies leaves its unacknowledged message to be
//! redelivered to another after `ack_wait`. A message is acknowledged (double
//! ack, confirmed by the server) only after its delivery succeeded or was given
//! up; give-ups are recorded in the KV bucket `TIKLIVE_GIVEUPS` (key
//! `<consumer>.<event id>`, value: target, reason, attempts, the event) and
//! warned about. While a delivery is retried, the message's ack deadline is
//! pushed back (`+WPI`) so no other forwarder takes it meanwhile. The
//! `webhook-id` depends only on the event id and the target URL
//! ([`stream_message_id`]), so it is the same from every forwarder of that
//! target, on any machine: a receiver can drop the one duplicate that a
//! forwarder killed between a 2xx and its ack can cause.

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
use super::subject::EVENT_PREFIX;
use crate::clock::{now_ms, unix_now};
use crate::term;
use crate::webcast::{Envelope, KindSet};
use crate::webhook::retry::{Outcome, RetryPolicy};
use crate::webhook::signature::stream_message_id;
use crate::webhook::{Target, build_request, send};

/// The bucket of give-ups.
pub const GIVEUPS: &str = "TIKLIVE_GIVEUPS";

/// The wait before pulling again after a fetch failed.
const FETCH_PAUSE: Duration = Duration::from_secs(1);

/// What `forward --from` needs.
pub struct FromStream {
    pub nats: NatsTarget,
    pub stream: String,
    pub targets: Vec<Target>,
    pub wanted: KindSet,
    pub ack_wait: Duration,
    pub client: reqwest::Client,
    pub quiet: bool,
}

/// Totals over every target.
#[derive(Debug, Default)]
pub struct Totals {
    pub delivered: u64,
    pub given_up: u64,
    pub skipped: u64,
}

#[derive(Default)]
struct Counts {
    delivered: AtomicU64,
    given_up: AtomicU64,
    skipped: AtomicU64,
}

/// The durable consumer name of a target URL.
pub fn consumer_name(url: &str) -> String {
    let d = Sha256::digest(url.as_bytes());
    let hex: String = d[..8].iter().map(|b| format!("{b:02x}")).collect();
    format!("tiklive-fwd-{hex}")
}

/// Deliver until `cancel`.
pub async fn run(cfg: FromStream, cancel: CancellationToken) -> Result<Totals> {
    let client = cfg.nats.connect("tiklive forward").await?;
    let js = jetstream::new(client);
    let stream = loop {
        match js.get_stream(&cfg.stream).await {
            Ok(s) => break s,
            Err(e) => {
                if !cfg.quiet {
                    term::note(format_args!(
                        "waiting for stream {} at {} ({e}); retrying",
                        cfg.stream,
                        cfg.nats.display()
                    ));
                }
                tokio::select! {
                    _ = cancel.cancelled() => return Ok(Totals::default()),
                    _ = tokio::time::sleep(Duration::from_secs(2)) => {}
                }
            }
        }
    };
    let giveups = super::kv::open_bucket(&js, GIVEUPS, 1).await?;
    let counts = Arc::new(Counts::default());
    let mut tasks = Vec::new();
    for target in cfg.targets {
        let name = consumer_name(&target.webhook.url);
        let consumer: consumer::PullConsumer = stream
            .get_or_create_consumer(
                &name,
                consumer::pull::Config {
                    durable_name: Some(name.clone()),
                    ack_policy: consumer::AckPolicy::Explicit,
                    ack_wait: cfg.ack_wait,
                    filter_subject: format!("{EVENT_PREFIX}.>"),
                    max_ack_pending: 1024,
                    ..Default::default()
                },
            )
            .await
            .with_context(|| format!("cannot open the consumer {name}"))?;
        if !cfg.quiet {
            term::note(format_args!(
                "forwarding stream {} to {} (consumer {name})",
                cfg.stream, target.webhook.url
            ));
        }
        tasks.push(tokio::spawn(lane(Lane {
            consumer,
            name,
            target,
            wanted: cfg.wanted,
            ack_wait: cfg.ack_wait,
            client: cfg.client.clone(),
            giveups: giveups.clone(),
            counts: counts.clone(),
            cancel: cancel.clone(),
        })));
    }
    for t in tasks {
        if let Ok(Err(e)) = t.await {
            term::warn(format_args!("{e:#}"));
        }
    }
    Ok(Totals {
        delivered: counts.delivered.load(Ordering::Relaxed),
        given_up: counts.given_up.load(Ordering::Relaxed),
        skipped: counts.skipped.load(Ordering::Relaxed),
    })
}

struct Lane {
    consumer: consumer::PullConsumer,
    name: String,
    target: Target,
    wanted: KindSet,
    ack_wait: Duration,
    client: reqwest::Client,
    giveups: async_nats::jetstream::kv::Store,
    counts: Arc<Counts>,
    cancel: CancellationToken,
}

/// One target: pull a message, deliver it, ack it; one at a time, so at most
/// one message per forwarder is in flight.
async fn lane(l: Lane) -> Result<()> {
    let policy = RetryPolicy::default();
    'outer: loop {
        let batch = tokio::select! {
            _ = l.cancel.cancelled() => return Ok(()),
            b = l.consumer.fetch().max_messages(1).expires(Duration::from_secs(1)).messages() => b,
        };
        let mut batch = match batch {
            Ok(b) => b,
            Err(e) => {
                term::warn(format_args!("{}: cannot fetch ({e}); retrying", l.name));
                if paused(&l.cancel, FETCH_PAUSE).await {
                    continue;
                }
                break;
            }
        };
        loop {
            // A fetch ends by itself (the server's 404/408 status, or
            // async-nats's own timer `expires` + 5 s later), but Ctrl-C must
            // not wait for that. A message the server sent meanwhile stays
            // unacknowledged and comes back to another forwarder after the
            // ack wait: nothing is lost.
            let next = tokio::select! {
                _ = l.cancel.cancelled() => break 'outer,
                next = batch.next() => next,
            };
            let msg = match next {
                None => break,
                Some(Ok(msg)) => msg,
                Some(Err(e)) => {
                    // A status that ends the fetch (a 409 such as "Exceeded
                    // MaxWaiting", or the consumer deleted): pull again.
                    term::warn(format_args!("{}: fetch ended: {e}; retrying", l.name));
                    if paused(&l.cancel, FETCH_PAUSE).await {
                        break;
                    }
                    break 'outer;
                }
            };
            let env: Option<Envelope> = serde_json::from_slice(&msg.payload).ok();
            let Some(env) = env.filter(|e| l.wanted.contains(e.kind)) else {
                l.counts.skipped.fetch_add(1, Ordering::Relaxed);
                let _ = msg.double_ack().await;
                continue;
            };
            let json = String::from_utf8_lossy(&msg.payload).into_owned();
            let id = stream_message_id(&env.id, &l.target.webhook.url);
            let started = Instant::now();
            let mut last_progress = Instant::now();
            let mut attempt = 0u32;
            let failure = loop {
                let req = build_request(&l.target, &id, &json, unix_now());
                let (outcome, _) = send(&l.client, req).await;
                attempt += 1;
                let (reason, wait) = match outcome {
                    Outcome::Delivered(_) => break None,
                    Outcome::Fail { reason, .. } => break Some(reason),
                    Outcome::Retry {
                        reason,
                        retry_after,
                        ..
                    } => (
                        reason,
                        policy.delay(attempt, retry_after, crate::random::unit()),
                    ),
                };
                if started.elapsed() + wait > policy.give_up_after {
                    break Some(reason);
                }
                // Keep the message ours while we wait.
                let until = Instant::now() + wait;
                while Instant::now() < until {
                    if last_progress.elapsed() >= l.ack_wait / 3 {
                        let _ = msg.ack_with(AckKind::Progress).await;
                        last_progress = Instant::now();
                    }
                    let step = (l.ack_wait / 3).min(until - Instant::now());
                    tokio::select! {
                        // Stop without an ack: another forwarder will deliver it.
                        _ = l.cancel.cancelled() => break 'outer,
                        _ = tokio::time::sleep(step) => {}
                    }
                }
            };
            match failure {
                None => {
                    l.counts.delivered.fetch_add(1, Ordering::Relaxed);
                }
                Some(reason) => {
                    l.counts.given_up.fetch_add(1, Ordering::Relaxed);
                    term::warn(format_args!(
                        "{}: gave up on event {} after {attempt} attempt(s): {reason}",
                        crate::redact::url(&l.target.webhook.url),
                        env.id
                    ));
                    let record = json!({
                        "target": crate::redact::url(&l.target.webhook.url),
                        "reason": reason,
                        "attempts": attempt,
                        "at": now_ms(),
                        "event": serde_json::from_str::<serde_json::Value>(&json).unwrap_or_default(),
                    });
                    let key = format!("{}.{}", l.name, env.id);
                    if let Err(e) = l.giveups.put(&key, encode(&record)).await {
                        term::warn(format_args!("cannot record the give-up of {}: {e}", env.id));
                    }
                }
            }
            // Confirmed by the server before the next message: a forwarder
            // killed after this point cannot cause a redelivery.
            let mut tries = 0;
            while let Err(e) = msg.double_ack().await {
                tries += 1;
                if tries >= 5 {
                    term::warn(format_args!("{}: cannot ack ({e})", l.name));
                    break;
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    }
    Ok(())
}

/// Sleep `pause`; `false` when `cancel` came first.
async fn paused(cancel: &CancellationToken, pause: Duration) -> bool {
    tokio::select! {
        _ = cancel.cancelled() => false,
        _ = tokio::time::sleep(pause) => true,
    }
}
