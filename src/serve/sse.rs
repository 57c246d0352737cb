//! `GET /api/events/stream`: the live tail as server-sent events.
//!
//! Each event is one SSE message: `id:` is its `seq` (the same cursor as
//! `/api/events`), `data:` the envelope with `seq` added, no `event:` name
//! (so `EventSource.onmessage` receives everything). Where it starts:
//! `Last-Event-ID` (what a browser sends when it reconnects), else `?after=`,
//! else "now" (only events stored from here on). The same `type` and
//! `streamer` filters as `/api/events` apply.
//!
//! The stream reads the store page by page after its cursor, and when it has
//! caught up waits for the ingest loop to announce a newer `seq`: a slow
//! client costs no memory, it just reads further behind (events dropped from
//! the buffer meanwhile are announced with a `: missed N events` comment). A
//! comment every 15 s keeps proxies from closing an idle stream. The stream
//! ends when the server shuts down, so graceful shutdown never waits on it.
//! The first message sets the browser's reconnect delay to one second
//! (`retry: 1000`), so pages pick up a restarted server quickly.
//!
//! Test events (`POST /api/test-events`) are sent to the tails whose filter
//! they pass, without an `id` (they are not stored, so they move no cursor).

use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use tokio::sync::{broadcast, watch};
use tokio_util::sync::CancellationToken;

use crate::store::{EventQuery, Store};

use super::AppState;
use super::error::ApiError;
use super::overlay::TestEvent;
use super::recent::{Cached, Recent};
use super::routes::{self, EventParams, Takes, push_with_seq};

/// Events read from the store at a time.
const PAGE: usize = 256;
/// How often an idle stream sends a keep-alive comment.
pub(super) const KEEP_ALIVE: Duration = Duration::from_secs(15);
/// The reconnect delay a browser is told to use.
pub(super) const RETRY: Duration = Duration::from_secs(1);

pub(super) async fn stream(
    State(app): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let p = EventParams::parse(query, Takes::Stream)?;
    let last_event_id = routes::last_event_id(&headers, "a seq")?;
    let head = app.head.clone();
    let cursor = last_event_id.or(p.after).unwrap_or_else(|| *head.borrow());
    let tail = Tail {
        store: app.store.clone(),
        recent: Arc::clone(&app.recent),
        query: p.query,
        cursor,
        head,
        stop: app.shutdown.clone(),
        ready: VecDeque::from([Event::default().retry(RETRY)]),
        tests: app.test_events.subscribe(),
        source_done: false,
    };
    let events = futures_util::stream::unfold(tail, |mut tail| async move {
        let item = tail.next().await?;
        Some((Ok(item), tail))
    });
    Ok(Sse::new(events).keep_alive(KeepAlive::new().interval(KEEP_ALIVE)))
}

struct Tail {
    store: Store,
    recent: Arc<Recent>,
    query: EventQuery,
    cursor: i64,
    head: watch::Receiver<i64>,
    stop: CancellationToken,
    ready: VecDeque<Event>,
    tests: broadcast::Receiver<TestEvent>,
    /// The head will not move again (its sender is gone).
    source_done: bool,
}

impl Tail {
    /// The next message, or `None` when the server is shutting down (or the
    /// store failed: the client reconnects with `Last-Event-ID`).
    async fn next(&mut self) -> Option<Event> {
        loop {
            if self.stop.is_cancelled() {
                return None;
            }
            if let Some(ev) = self.ready.pop_front() {
                return Some(ev);
            }
            while let Ok(t) = self.tests.try_recv() {
                self.take_test(&t);
            }
            if let Some(ev) = self.ready.pop_front() {
                return Some(ev);
            }
            // Mark the head seen before reading, so a commit after the read
            // wakes the wait below.
            self.head.borrow_and_update();
            let ready = &mut self.ready;
            if let Some(next) = self
                .recent
                .select(Some(self.cursor), PAGE, &self.query, |e| {
                    ready.push_back(Event::default().id(e.seq.to_string()).data(&*e.text));
                })
            {
                self.cursor = next;
                if self.ready.is_empty() {
                    self.wait().await?;
                }
                continue;
            }
            let page = match self
                .store
                .events_page(Some(self.cursor), PAGE, self.query.clone())
                .await
            {
                Ok(page) => page,
                Err(e) => {
                    crate::term::warn(format_args!(
                        "serve: an event stream stopped: {}",
                        crate::error::message_of(&e)
                    ));
                    return None;
                }
            };
            if page.missed > 0 {
                self.ready.push_back(Event::default().comment(format!(
                    "missed {} events (dropped from the buffer before they were read)",
                    page.missed
                )));
            }
            self.ready
                .extend(page.events.iter().map(|(seq, json)| message(*seq, json)));
            self.cursor = page.next;
            if self.ready.is_empty() {
                self.wait().await?;
            }
        }
    }

    /// Caught up: wait for a newer commit (every one after the head was
    /// marked seen changes it), or shutdown (`None`).
    async fn wait(&mut self) -> Option<()> {
        tokio::select! {
            biased;
            _ = self.stop.cancelled() => None,
            changed = self.head.changed(), if !self.source_done => {
                // The ingest loop is gone (the source ended): nothing new
                // will be stored, but the stream stays open (test events,
                // and no reconnect loop in the browser).
                self.source_done = changed.is_err();
                Some(())
            }
            test = self.tests.recv() => {
                if let Ok(t) = test {
                    self.take_test(&t);
                }
                Some(())
            }
        }
    }

    /// Queue a test event if it passes this stream's filter.
    fn take_test(&mut self, t: &TestEvent) {
        let probe = Cached {
            seq: 0,
            kind: t.kind,
            streamer: t.streamer.clone(),
            text: Box::from(""),
        };
        if probe.matches(&self.query) {
            self.ready.push_back(Event::default().data(&*t.json));
        }
    }
}

pub(super) fn message(seq: i64, json: &str) -> Event {
    let mut data = String::with_capacity(json.len() + 16);
    push_with_seq(&mut data, seq, json);
    Event::default().id(seq.to_string()).data(data)
}
