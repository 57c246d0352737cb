//! Publishing events to JetStream with acks, de-duplication and backpressure.
//!
//! Each event goes to `<prefix>.ev.<streamer>.<type>` (see [`super::subject`])
//! with the NDJSON envelope line as payload and `Nats-Msg-Id: <event id>`, so
//! the stream stores a message id once within its duplicate window. Up to
//! `window` publishes are in flight; the oldest ack is awaited before more
//! are sent, so a slow or absent engine slows the producer down (the bounded
//! batch channel then fills and the decoder waits) instead of buffering
//! without limit. When an ack fails or times out (a node died, the stream's
//! leader moves: a timeout, "no responders" or "no stream found for given
//! subject" are all transient), every publish in flight whose ack has not
//! arrived is sent again at once, with the same message id, until the stream
//! confirms it: nothing is dropped, and a re-sent copy that did land is
//! absorbed by the duplicate window. Acks that did arrive are kept, so the
//! stored and duplicate counts stay right. (Awaiting them one at a time
//! instead would let each lost ack wait out its own [`ACK_TIMEOUT`]: minutes
//! for a full window.) While the engine does not answer, one line on stderr
//! says what we are waiting for, and one more when every re-sent publish is
//! confirmed; `tests/nats.rs` kills a cluster node mid-publish to check it.

use std::collections::VecDeque;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::time::{Duration, Instant};

use anyhow::Result;
use async_nats::jetstream::context::{Context, PublishError};
use async_nats::jetstream::message::PublishMessage;
use async_nats::jetstream::publish::PublishAck;
use bytes::Bytes;
use futures_util::FutureExt;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::namespace::Namespace;
use super::outage::OutageLog;
use super::subject::event_subject;
use crate::term;
use crate::webcast::Envelope;

/// Publishes in flight at most, by default.
pub const DEFAULT_WINDOW: usize = 1024;

/// How long one ack may take before the publish is sent again.
pub const ACK_TIMEOUT: Duration = Duration::from_secs(3);

/// The pause before a failed publish is sent again.
const RETRY_PAUSE: Duration = Duration::from_millis(250);

/// What a publisher did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct PublishStats {
    /// Events the stream stored.
    pub stored: u64,
    /// Events the stream already had (same `Nats-Msg-Id` within the window).
    pub duplicates: u64,
    /// Publishes sent again after a failed or missing ack.
    pub retries: u64,
    /// The last stream sequence acknowledged.
    pub last_seq: u64,
}

type AckFuture = Pin<Box<dyn Future<Output = Result<PublishAck, PublishError>> + Send>>;

struct InFlight {
    subject: String,
    id: String,
    payload: Bytes,
    ack: Ack,
    /// Sent again during the current outage: the outage ends when the last
    /// of these is confirmed.
    resent: bool,
}

/// Where one publish's ack stands.
enum Ack {
    /// Awaited (its timeout starts when first polled).
    Pending(AckFuture),
    /// The last attempt failed or was given up: send it again.
    Lost,
    /// Arrived while an older publish was still unconfirmed.
    Arrived(PublishAck),
}

/// One event ready to publish: subject (in `ns`), message id and payload.
pub fn message_of(ns: &Namespace, env: &Envelope) -> (String, String, Bytes) {
    (
        event_subject(ns, &env.streamer, env.kind.name()),
        env.id.clone(),
        Bytes::from(env.to_json()),
    )
}

/// A JetStream publisher for events, with a bounded window of unacknowledged
/// publishes. `engine` names the servers in messages (`127.0.0.1:4222`).
pub struct Publisher {
    js: Context,
    ns: Namespace,
    engine: String,
    window: usize,
    in_flight: VecDeque<InFlight>,
    stats: PublishStats,
    outage: Option<Instant>,
    quiet: bool,
    /// The process-wide outage account and this publisher's stream in it
    /// (a worker's streams); `None`: this publisher reports on its own.
    shared: Option<(OutageLog, String)>,
}

impl Publisher {
    pub fn new(
        js: Context,
        ns: Namespace,
        engine: String,
        window: usize,
        quiet: bool,
    ) -> Publisher {
        Publisher {
            js,
            ns,
            engine,
            window: window.max(1),
            in_flight: VecDeque::new(),
            stats: PublishStats::default(),
            outage: None,
            quiet,
            shared: None,
        }
    }

    /// Report outages to `log` as `stream` instead of printing a line of
    /// its own (one account for many streams, see [`OutageLog`]).
    #[must_use]
    pub fn reporting_to(mut self, log: OutageLog, stream: &str) -> Publisher {
        self.shared = Some((log, stream.to_string()));
        self
    }

    /// What was confirmed so far.
    pub fn stats(&self) -> PublishStats {
        self.stats
    }

    /// Send one event, first waiting for acks while the window is full.
    pub async fn send(&mut self, env: &Envelope) {
        while self.in_flight.len() >= self.window {
            self.settle_one().await;
        }
        let (subject, id, payload) = message_of(&self.ns, env);
        let ack = Self::start(&self.js, &subject, &id, payload.clone()).await;
        self.in_flight.push_back(InFlight {
            subject,
            id,
            payload,
            ack: Ack::Pending(ack),
            resent: false,
        });
    }

    /// Wait until every event sent so far is confirmed by the stream.
    pub async fn flush(&mut self) {
        while !self.in_flight.is_empty() {
            self.settle_one().await;
        }
    }

    /// Confirm the oldest publish, re-sending what was lost until the stream
    /// has it. Cancel-safe: a publish stays queued until it is confirmed.
    async fn settle_one(&mut self) {
        loop {
            let Some(front) = self.in_flight.front_mut() else {
                return;
            };
            let result = match &mut front.ack {
                Ack::Arrived(_) => None,
                Ack::Lost => {
                    self.resend_lost().await;
                    continue;
                }
                Ack::Pending(ack) => Some(ack.await),
            };
            match result {
                Some(Err(e)) => {
                    front.ack = Ack::Lost;
                    self.waiting(&e.to_string());
                    self.give_up_pending();
                    tokio::time::sleep(RETRY_PAUSE).await;
                }
                Some(Ok(ack)) => return self.confirmed(ack),
                None => {
                    let Some(InFlight {
                        ack: Ack::Arrived(ack),
                        ..
                    }) = self.in_flight.pop_front()
                    else {
                        unreachable!("the front's ack arrived")
                    };
                    self.count(ack);
                    return;
                }
            }
        }
    }

    /// The front's ack arrived: count it, and end an outage once nothing
    /// re-sent during it is still unconfirmed.
    fn confirmed(&mut self, ack: PublishAck) {
        self.in_flight.pop_front();
        self.count(ack);
        if self.outage.is_some() && !self.in_flight.iter().any(|f| f.resent) {
            self.recovered();
        }
    }

    fn count(&mut self, ack: PublishAck) {
        if ack.duplicate {
            self.stats.duplicates += 1;
        } else {
            self.stats.stored += 1;
        }
        self.stats.last_seq = self.stats.last_seq.max(ack.sequence);
    }

    /// After a failed ack: keep the acks that already arrived (polled once,
    /// without waiting) and count every other publish in flight as lost.
    fn give_up_pending(&mut self) {
        for f in &mut self.in_flight {
            if let Ack::Pending(fut) = &mut f.ack {
                f.ack = match fut.now_or_never() {
                    Some(Ok(ack)) => Ack::Arrived(ack),
                    Some(Err(_)) | None => Ack::Lost,
                };
            }
        }
    }

    /// Send every lost publish again at once, with its message id.
    async fn resend_lost(&mut self) {
        for i in 0..self.in_flight.len() {
            let f = &self.in_flight[i];
            if !matches!(f.ack, Ack::Lost) {
                continue;
            }
            let (subject, id, payload) = (f.subject.clone(), f.id.clone(), f.payload.clone());
            let ack = Self::start(&self.js, &subject, &id, payload).await;
            self.stats.retries += 1;
            let f = &mut self.in_flight[i];
            f.ack = Ack::Pending(ack);
            f.resent = true;
        }
    }

    /// Start one publish; a failure to even send becomes a failed ack, so
    /// the caller's retry loop handles both alike.
    async fn start(js: &Context, subject: &str, id: &str, payload: Bytes) -> AckFuture {
        let msg = PublishMessage::build().payload(payload).message_id(id);
        match js.send_publish(subject.to_string(), msg).await {
            Ok(fut) => Box::pin(fut.into_future()),
            Err(e) => Box::pin(std::future::ready(Err(e))),
        }
    }

    fn waiting(&mut self, why: &str) {
        if self.outage.is_none() {
            self.outage = Some(Instant::now());
            if let Some((log, stream)) = &self.shared {
                log.waiting(stream, why);
            } else if !self.quiet {
                term::note(format_args!(
                    "waiting for NATS at {} to acknowledge {} event(s) ({why}); retrying, nothing is dropped",
                    self.engine,
                    self.in_flight.len()
                ));
            }
        }
    }

    fn recovered(&mut self) {
        let Some(since) = self.outage.take() else {
            return;
        };
        for f in &mut self.in_flight {
            f.resent = false;
        }
        if let Some((log, stream)) = &self.shared {
            log.recovered(stream);
        } else if !self.quiet {
            term::note(format_args!(
                "NATS at {} acknowledges again after {:.1}s",
                self.engine,
                since.elapsed().as_secs_f64()
            ));
        }
    }
}

/// A publisher dropped while waiting (its stream stopped) leaves the shared
/// outage account, so the outage can still be summed up.
impl Drop for Publisher {
    fn drop(&mut self) {
        if self.outage.is_some()
            && let Some((log, stream)) = &self.shared
        {
            log.recovered(stream);
        }
    }
}

/// How long `watch --sink` waits, after Ctrl-C, for the acks of what is
/// buffered.
pub const STOP_WAIT: Duration = Duration::from_secs(10);

/// What [`publish_all`] did: the stream's confirmations, and the events it
/// gave up on when stopped (sent but unconfirmed, or never sent: they may
/// or may not be in the stream).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Published {
    pub stats: PublishStats,
    pub unconfirmed: u64,
}

/// Publish every batch from `rx` until the channel closes, then wait for the
/// last acks. The producer closes the channel on Ctrl-C (`stop`), so buffered
/// events are still published, for [`STOP_WAIT`] at most (one line says so)
/// or until `force` (a second Ctrl-C) is cancelled.
pub async fn publish_all(
    mut publisher: Publisher,
    mut rx: mpsc::Receiver<Vec<Envelope>>,
    stop: &CancellationToken,
    force: &CancellationToken,
) -> Published {
    let quiet = publisher.quiet;
    let work = async {
        loop {
            let batch = if publisher.in_flight.is_empty() {
                rx.recv().await
            } else {
                // Nothing new to send: confirm what is in flight meanwhile.
                tokio::select! {
                    biased;
                    batch = rx.recv() => batch,
                    () = publisher.settle_one() => continue,
                }
            };
            let Some(batch) = batch else { break };
            for env in &batch {
                publisher.send(env).await;
            }
        }
        publisher.flush().await;
    };
    let deadline = async {
        stop.cancelled().await;
        // Most runs finish at once: say nothing unless acks are slow.
        let pause = Duration::from_millis(500);
        tokio::time::sleep(pause).await;
        if !quiet {
            term::note(format_args!(
                "waiting up to {}s for NATS to confirm the buffered events; press Ctrl-C again to stop now",
                STOP_WAIT.as_secs()
            ));
        }
        tokio::time::sleep(STOP_WAIT - pause).await;
    };
    let finished = tokio::select! {
        () = work => true,
        () = deadline => false,
        () = force.cancelled() => false,
    };
    let mut unconfirmed = 0;
    if !finished {
        unconfirmed = publisher.in_flight.len() as u64;
        rx.close();
        while let Ok(batch) = rx.try_recv() {
            unconfirmed += batch.len() as u64;
        }
    }
    Published {
        stats: publisher.stats(),
        unconfirmed,
    }
}
