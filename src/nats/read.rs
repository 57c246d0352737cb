//! Reading the events stream back by stream sequence, for `serve --from`.
//!
//! The cursor is the JetStream stream sequence: it grows by one per stored
//! message and is never reused, like the store's `seq`. Nothing is kept on
//! the server between requests:
//!
//! - a page ([`Reader::page`]) is read from a snapshot of the stream's last
//!   sequence by one ephemeral pull consumer per wanted subject (no acks, in
//!   memory, one replica, deleted afterwards), each starting at the cursor + 1
//!   and filtered by `<prefix>.ev.<streamer>.<type>` (see [`super::subject`]);
//!   NATS 2.9 filters a consumer by one subject only, so several types are
//!   read side by side and merged by sequence ([`Selection`]);
//! - a page without a cursor (the newest `limit` events) first estimates its
//!   start by asking the server how many messages a consumer starting at a
//!   sequence would see (`num_pending`), doubling the window back from the end
//!   and then bisecting (a few consumers, one request each); then it reads from
//!   that start to the snapshot's end and keeps the newest `limit`, widening
//!   the window when it read too few ([`newest_events`]). `num_pending` is
//!   only a hint: once, under load on nats-server 2.9.10, a newest page
//!   trusted to it came back one event short (its start one too late);
//! - a tail ([`Reader::tail`]) is an ordered pull consumer on one subject for
//!   every wanted type, filtered here (async-nats recreates it after a gap or
//!   a lost heartbeat).
//!
//! Every request to the server is bounded by a timeout; an engine that is
//! down or a missing stream is an error ([`Unavailable`]) for the caller to
//! report. Tested against a real `nats-server` 2.9 in `tests/nats.rs`
//! (`serve_from_*`); the window search by the unit tests below.

use std::future::Future;
use std::time::Duration;

use async_nats::jetstream::{self, consumer, stream};
use bytes::Bytes;
use futures_util::{Stream, StreamExt, TryStreamExt};

use super::namespace::Namespace;
use super::subject::{event_filter, parse_event_subject};
use crate::store::EventQuery;
use crate::webcast::{EventKind, KindSet};

/// An idle ephemeral consumer is removed by the server after this (when a
/// delete did not get through).
const INACTIVE: Duration = Duration::from_secs(10);

/// How often an SSE tail checks that the connection to NATS is up.
pub const CONNECTION_POLL: Duration = Duration::from_millis(250);

/// The engine did not answer, refused, or the stream is missing: one line,
/// with the server list and the stream name.
#[derive(Debug, thiserror::Error)]
#[error("NATS JetStream at {engine}, stream {stream}: {what}")]
pub struct Unavailable {
    pub engine: String,
    pub stream: String,
    pub what: String,
    /// The stream answered but holds another deployment's subjects: a
    /// setting to fix (`--nats-prefix`, `--nats-stream`), not an outage that
    /// ends by itself.
    pub wrong_stream: bool,
}

/// Which messages a request wants: subject filters for the server and the
/// exact check for what they let through.
#[derive(Debug, Clone)]
pub struct Selection {
    ns: Namespace,
    query: EventQuery,
    /// One subject per wanted type (or one wildcard): what is read.
    subjects: Vec<String>,
    /// One filter for every wanted type: what a tail reads.
    broad: String,
}

impl Selection {
    /// The events of deployment `ns` that `query` wants. `query.types`:
    /// `None` for every type; an empty set selects nothing.
    pub fn new(ns: &Namespace, query: &EventQuery) -> Selection {
        let streamer = query.streamer.as_deref();
        let subjects: Vec<String> = match query.types {
            None => vec![event_filter(ns, streamer, None)],
            Some(set) => set
                .iter()
                .map(|k| event_filter(ns, streamer, Some(k.name())))
                .collect(),
        };
        let broad = match subjects.as_slice() {
            [one] => one.clone(),
            _ => event_filter(ns, streamer, None),
        };
        Selection {
            ns: ns.clone(),
            query: query.clone(),
            subjects,
            broad,
        }
    }

    /// Selects nothing (an empty type set).
    pub fn is_empty(&self) -> bool {
        self.subjects.is_empty()
    }

    /// Whether a message on `subject` is wanted.
    pub fn matches(&self, subject: &str) -> bool {
        let Some((streamer, kind)) = parse_event_subject(&self.ns, subject) else {
            return false;
        };
        let kind_ok = match self.query.types {
            None => true,
            Some(set) => kind.parse::<EventKind>().is_ok_and(|k| set.contains(k)),
        };
        kind_ok && self.query.streamer.as_deref().is_none_or(|s| s == streamer)
    }
}

/// `wanted ∩ requested`: what a request reads when the server is limited to
/// `wanted` (`--type`; `None`: everything).
pub fn narrow(wanted: Option<KindSet>, requested: Option<KindSet>) -> Option<KindSet> {
    match (wanted, requested) {
        (None, r) => r,
        (Some(w), None) => Some(w),
        (Some(w), Some(r)) => Some(r.iter().filter(|k| w.contains(*k)).collect()),
    }
}

/// One page of the stream.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Page {
    /// `(stream sequence, payload)`, oldest first. The payload is the NDJSON
    /// envelope line as published.
    pub events: Vec<(u64, Bytes)>,
    /// The cursor for the next page: the last message read when the page was
    /// full, else the stream's last sequence (so an idle client catches up).
    pub next: u64,
    /// Messages after the cursor that the stream no longer holds (its limits
    /// dropped them), of any type.
    pub missed: u64,
}

/// Reads one stream; cheap to clone.
#[derive(Clone)]
pub struct Reader {
    js: jetstream::Context,
    ns: Namespace,
    stream: String,
    engine: String,
    timeout: Duration,
}

impl Reader {
    /// `js` should carry a request timeout; `ns` is the deployment whose
    /// events `stream` holds; `engine` names the servers in errors;
    /// `timeout` bounds each step here.
    pub fn new(
        js: jetstream::Context,
        ns: Namespace,
        stream: &str,
        engine: &str,
        timeout: Duration,
    ) -> Reader {
        Reader {
            js,
            ns,
            stream: stream.to_string(),
            engine: engine.to_string(),
            timeout,
        }
    }

    pub fn stream_name(&self) -> &str {
        &self.stream
    }

    /// The deployment whose events are read.
    pub fn namespace(&self) -> &Namespace {
        &self.ns
    }

    fn fail(&self, what: impl std::fmt::Display) -> Unavailable {
        Unavailable {
            engine: self.engine.clone(),
            stream: self.stream.clone(),
            what: what.to_string(),
            wrong_stream: false,
        }
    }

    /// Run one step within the timeout.
    async fn step<T, E: std::fmt::Display>(
        &self,
        doing: &str,
        fut: impl Future<Output = Result<T, E>>,
    ) -> Result<T, Unavailable> {
        match tokio::time::timeout(self.timeout, fut).await {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(e)) => Err(self.fail(format_args!("{doing}: {e}"))),
            Err(_) => Err(self.fail(format_args!(
                "{doing}: no answer within {} ms",
                self.timeout.as_millis()
            ))),
        }
    }

    /// The stream and its state now (messages, first and last sequence).
    /// A stream that holds other subjects than this deployment's is
    /// unavailable too ([`super::stream::check_subjects`]).
    pub async fn info(&self) -> Result<(stream::Stream, stream::State), Unavailable> {
        let s = self
            .step("cannot read the stream", self.js.get_stream(&self.stream))
            .await?;
        let subjects = &s.cached_info().config.subjects;
        super::stream::check_subjects(&self.stream, subjects, &self.ns.events_filter()).map_err(
            |e| Unavailable {
                wrong_stream: true,
                ..self.fail(e)
            },
        )?;
        let state = s.cached_info().state.clone();
        Ok((s, state))
    }

    async fn ephemeral(
        &self,
        s: &stream::Stream,
        start: u64,
        filter: &str,
    ) -> Result<consumer::PullConsumer, Unavailable> {
        let cfg = consumer::pull::Config {
            deliver_policy: consumer::DeliverPolicy::ByStartSequence {
                start_sequence: start.max(1),
            },
            ack_policy: consumer::AckPolicy::None,
            filter_subject: filter.to_string(),
            inactive_threshold: INACTIVE,
            memory_storage: true,
            num_replicas: 1,
            ..Default::default()
        };
        self.step("cannot open a reader", s.create_consumer(cfg))
            .await
    }

    /// Delete a consumer we made; the server drops it anyway when idle.
    async fn discard(&self, s: &stream::Stream, c: &consumer::PullConsumer) {
        let name = c.cached_info().name.clone();
        let _ = tokio::time::timeout(self.timeout, s.delete_consumer(&name)).await;
    }

    /// How many messages on `subjects` have a sequence ≥ `start`.
    async fn pending_from(
        &self,
        s: &stream::Stream,
        start: u64,
        subjects: &[String],
    ) -> Result<u64, Unavailable> {
        let mut total = 0;
        for subject in subjects {
            let c = self.ephemeral(s, start, subject).await?;
            total += c.cached_info().num_pending;
            self.discard(s, &c).await;
        }
        Ok(total)
    }

    /// The events after `after` (`None`: the newest `limit`), at most
    /// `limit`, oldest first. See [`Page`] for `next` and `missed`.
    pub async fn page(
        &self,
        after: Option<u64>,
        limit: usize,
        sel: &Selection,
    ) -> Result<Page, Unavailable> {
        let (s, state) = self.info().await?;
        let (first, last) = (state.first_sequence, state.last_sequence);
        let missed = match after {
            Some(c) if c < last => first.saturating_sub(c + 1),
            _ => 0,
        };
        let limit = limit.max(1);
        let mut page = Page {
            events: Vec::new(),
            next: last,
            missed,
        };
        let start = match after {
            Some(c) => c + 1,
            None if sel.is_empty() || state.messages == 0 => return Ok(page),
            None => {
                let estimate = newest_start(first, last, limit as u64, |at| {
                    let s = &s;
                    async move { self.pending_from(s, at, &sel.subjects).await }
                })
                .await?;
                page.events = newest_events(first, last, limit, estimate, |from| {
                    let s = &s;
                    async move { self.newest_from(s, from, last, limit, sel).await }
                })
                .await?;
                if page.events.len() == limit {
                    page.next = page.events[limit - 1].0;
                }
                return Ok(page);
            }
        };
        if sel.is_empty() || start > last {
            return Ok(page);
        }
        // The first `limit` of each subject, merged: every wanted message
        // before the page's last one is in them. Messages stored after the
        // snapshot above wait for the next page, so none is skipped.
        for subject in &sel.subjects {
            let c = self.ephemeral(&s, start, subject).await?;
            let fetched = self.fetch(&c, limit, last, sel, &mut page.events).await;
            self.discard(&s, &c).await;
            fetched?;
        }
        page.events.sort_by_key(|e| e.0);
        page.events.dedup_by_key(|e| e.0);
        page.events.truncate(limit);
        if page.events.len() == limit {
            page.next = page.events[limit - 1].0;
        }
        Ok(page)
    }

    /// The newest `limit` wanted messages from `from` to `last`, oldest
    /// first, and how many wanted messages that range holds.
    async fn newest_from(
        &self,
        s: &stream::Stream,
        from: u64,
        last: u64,
        limit: usize,
        sel: &Selection,
    ) -> Result<(Vec<(u64, Bytes)>, u64), Unavailable> {
        let mut seen = 0;
        let mut newest = Vec::new();
        for subject in &sel.subjects {
            let c = self.ephemeral(s, from, subject).await?;
            let mut kept = std::collections::VecDeque::with_capacity(limit + 1);
            let read = async {
                loop {
                    let mut got = Vec::new();
                    let end = self.fetch(&c, limit.max(64), last, sel, &mut got).await?;
                    let Some(end) = end else {
                        return Ok(());
                    };
                    seen += got.len() as u64;
                    for e in got {
                        if kept.len() == limit {
                            kept.pop_front();
                        }
                        kept.push_back(e);
                    }
                    if end >= last {
                        return Ok(());
                    }
                }
            }
            .await;
            self.discard(s, &c).await;
            read?;
            newest.extend(kept);
        }
        newest.sort_by_key(|e| e.0);
        newest.dedup_by_key(|e| e.0);
        let extra = newest.len().saturating_sub(limit);
        newest.drain(..extra);
        Ok((newest, seen))
    }

    /// Fetch up to `limit` messages (`no_wait`: what the stream holds now)
    /// up to sequence `last`; keep those `sel` wants. Gives the sequence of
    /// the last message read up to `last` (`None`: none).
    async fn fetch(
        &self,
        c: &consumer::PullConsumer,
        limit: usize,
        last: u64,
        sel: &Selection,
        into: &mut Vec<(u64, Bytes)>,
    ) -> Result<Option<u64>, Unavailable> {
        let reading = async {
            let mut batch = c.fetch().max_messages(limit).messages().await?;
            let mut end = None;
            while let Some(msg) = batch.try_next().await? {
                let seq = msg.info()?.stream_sequence;
                if seq > last {
                    break;
                }
                end = Some(seq);
                if sel.matches(&msg.subject) {
                    into.push((seq, msg.payload.clone()));
                }
            }
            Ok::<_, async_nats::Error>(end)
        };
        self.step("cannot read messages", reading).await
    }

    /// The events after `cursor`, as they come, until the caller drops the
    /// stream. An error item ends it: the ordered consumer failed, or the
    /// connection to NATS was lost (checked every [`CONNECTION_POLL`]; the
    /// ordered consumer alone would wait for the server silently and resume
    /// on its own, while a client that reconnects with its cursor is the
    /// documented path and cannot stall).
    pub async fn tail(
        &self,
        cursor: u64,
        sel: Selection,
    ) -> Result<impl Stream<Item = Result<(u64, Bytes), Unavailable>> + use<>, Unavailable> {
        let s = self
            .step("cannot read the stream", self.js.get_stream(&self.stream))
            .await?;
        let cfg = consumer::pull::OrderedConfig {
            deliver_policy: consumer::DeliverPolicy::ByStartSequence {
                start_sequence: cursor + 1,
            },
            filter_subject: sel.broad.clone(),
            ..Default::default()
        };
        let c = self
            .step("cannot open a reader", s.create_consumer(cfg))
            .await?;
        let messages = self.step("cannot read messages", c.messages()).await?;
        let this = self.clone();
        let client = self.js.client();
        let lost = futures_util::stream::once(async move {
            while client.connection_state() == async_nats::connection::State::Connected {
                tokio::time::sleep(CONNECTION_POLL).await;
            }
            Err(this.fail("the tail stopped: the connection was lost"))
        });
        let this = self.clone();
        let messages = messages.filter_map(move |item| {
            let out = match item {
                Ok(msg) => match msg.info() {
                    Ok(info) if sel.matches(&msg.subject) => {
                        Some(Ok((info.stream_sequence, msg.payload.clone())))
                    }
                    Ok(_) => None,
                    Err(e) => Some(Err(
                        this.fail(format_args!("a message without metadata: {e}"))
                    )),
                },
                Err(e) => Some(Err(this.fail(format_args!("the tail stopped: {e}")))),
            };
            std::future::ready(out)
        });
        Ok(futures_util::stream::select(messages, lost))
    }
}

/// The start of the newest page: a sequence `s` in `first..=last` with
/// `pending(s) == limit` (`pending(s)`: matching messages at or after `s`,
/// which falls as `s` grows), so a page from `s` holds exactly the newest
/// `limit`; `first` when the whole stream holds fewer. Doubles the window
/// back from the end, then bisects.
pub async fn newest_start<E, F, Fut>(
    first: u64,
    last: u64,
    limit: u64,
    mut pending: F,
) -> Result<u64, E>
where
    F: FnMut(u64) -> Fut,
    Fut: Future<Output = Result<u64, E>>,
{
    if last < first {
        return Ok(first);
    }
    // `hi`: a start known to see fewer than `limit` (nothing after `last`).
    let mut hi = last + 1;
    let mut width = limit.max(1);
    let mut lo = loop {
        let s = (last + 1).saturating_sub(width).max(first);
        match pending(s).await? {
            n if n == limit => return Ok(s),
            n if n > limit => break s,
            _ => {}
        }
        if s == first {
            return Ok(first);
        }
        hi = s;
        width = width.saturating_mul(4);
    };
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        match pending(mid).await? {
            n if n == limit => return Ok(mid),
            n if n > limit => lo = mid,
            _ => hi = mid,
        }
    }
    Ok(lo)
}

/// The newest `limit` wanted messages up to `last`, oldest first.
/// `read(from)` gives the newest `limit` wanted messages in `from..=last` and
/// how many that range holds; `estimate` is where reading starts (from
/// [`newest_start`]). When the range held fewer than `limit` and the stream
/// has more before it, the window doubles back and is read again, so a low
/// count from the server cannot shorten the page; a high one only makes the
/// read longer.
pub async fn newest_events<T, E, R, Fut>(
    first: u64,
    last: u64,
    limit: usize,
    estimate: u64,
    mut read: R,
) -> Result<Vec<T>, E>
where
    R: FnMut(u64) -> Fut,
    Fut: Future<Output = Result<(Vec<T>, u64), E>>,
{
    let mut from = estimate.clamp(first, last.max(first));
    loop {
        let (events, seen) = read(from).await?;
        if seen >= limit as u64 || from <= first {
            return Ok(events);
        }
        let width = (last + 1 - from).max(limit as u64);
        from = from.saturating_sub(width).max(first);
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;

    /// `pending` over a stream whose matching sequences are `seqs`.
    async fn start_over(seqs: &[u64], first: u64, last: u64, limit: u64) -> (u64, u32) {
        let probes = Cell::new(0);
        let start = newest_start::<(), _, _>(first, last, limit, |s| {
            probes.set(probes.get() + 1);
            let n = seqs.iter().filter(|q| **q >= s).count() as u64;
            async move { Ok(n) }
        })
        .await
        .unwrap();
        (start, probes.get())
    }

    #[tokio::test]
    async fn the_newest_page_starts_at_its_first_event() {
        let dense: Vec<u64> = (1..=1000).collect();
        assert_eq!(start_over(&dense, 1, 1000, 100).await, (901, 1));
        assert_eq!(start_over(&dense, 1, 1000, 5000).await.0, 1);
        // Sparse: every 50th message matches; the 3 newest are 900, 950, 1000.
        let sparse: Vec<u64> = (1..=1000).filter(|s| s % 50 == 0).collect();
        let (start, probes) = start_over(&sparse, 1, 1000, 3).await;
        assert!((851..=900).contains(&start), "{start}");
        assert!(probes < 20, "{probes} probes");
        // A trimmed stream (first = 400) and an empty one.
        assert_eq!(start_over(&dense[399..], 400, 1000, 10_000).await.0, 400);
        assert_eq!(start_over(&[], 8, 7, 10).await.0, 8);
    }

    #[tokio::test]
    async fn a_miscounted_start_still_gives_the_newest_page() {
        // Every 3rd message matches; the newest 5 are 988..=1000 step 3.
        let seqs: Vec<u64> = (1..=1000).filter(|s| s % 3 == 1).collect();
        let want: Vec<u64> = seqs[seqs.len() - 5..].to_vec();
        let read = |from: u64| {
            let in_range: Vec<u64> = seqs.iter().copied().filter(|s| *s >= from).collect();
            let seen = in_range.len() as u64;
            let newest = in_range[in_range.len().saturating_sub(5)..].to_vec();
            async move { Ok::<_, ()>((newest, seen)) }
        };
        // Starts too late (the server counted too many), too early, far too
        // late, and at the very end.
        for estimate in [991, 900, 1000, 2000, 1] {
            let got = newest_events(1, 1000, 5, estimate, read).await.unwrap();
            assert_eq!(got, want, "from {estimate}");
        }
        // A stream with fewer than `limit` wanted: all of them.
        let few = |from: u64| {
            let v: Vec<u64> = [10, 20].into_iter().filter(|s| *s >= from).collect();
            let n = v.len() as u64;
            async move { Ok::<_, ()>((v, n)) }
        };
        assert_eq!(
            newest_events(5, 30, 5, 25, few).await.unwrap(),
            vec![10, 20]
        );
    }

    #[test]
    fn selections_filter_by_subject() {
        let chat_gift: KindSet = [EventKind::Chat, EventKind::Gift].into_iter().collect();
        let q = EventQuery {
            types: Some(chat_gift),
            streamer: Some("a.b".into()),
        };
        let sel = Selection::new(&Namespace::default(), &q);
        assert_eq!(sel.broad, "tiklive.ev.a_2Eb.*");
        assert_eq!(sel.subjects.len(), 2);
        assert!(sel.matches("tiklive.ev.a_2Eb.chat"));
        assert!(sel.matches("tiklive.ev.a_2Eb.gift"));
        assert!(!sel.matches("tiklive.ev.a_2Eb.like"));
        assert!(!sel.matches("tiklive.ev.a_5Fb.chat"));
        assert!(!sel.matches("other.subject"));
        let all = Selection::new(&Namespace::default(), &EventQuery::default());
        assert_eq!(all.broad, "tiklive.ev.*.*");
        assert!(all.matches("tiklive.ev.x.like"));
        let staging = Namespace::new("staging").unwrap();
        let theirs = Selection::new(&staging, &EventQuery::default());
        assert_eq!(theirs.broad, "staging.ev.*.*");
        assert!(theirs.matches("staging.ev.x.like"));
        assert!(!theirs.matches("tiklive.ev.x.like"));
        assert!(!all.matches("staging.ev.x.like"));
        let none = Selection::new(
            &Namespace::default(),
            &EventQuery {
                types: Some(KindSet::empty()),
                streamer: None,
            },
        );
        assert!(none.is_empty());
        let gifts: KindSet = [EventKind::Gift].into_iter().collect();
        assert_eq!(narrow(Some(gifts), Some(chat_gift)), Some(gifts));
        assert_eq!(narrow(None, Some(gifts)), Some(gifts));
        assert_eq!(narrow(Some(gifts), None), Some(gifts));
    }
}
