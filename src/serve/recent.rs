//! The newest stored events, kept in memory already rendered, so the common
//! reads (the latest page, polling with a recent cursor, SSE tails that keep
//! up) never touch SQLite.
//!
//! It is a cache of the store's tail with one invariant: it holds *every*
//! stored event with `seq` from its first entry up to its last, in order.
//! The ingest loop appends a batch right after its commit (so nothing is
//! here that is not committed), it holds at most `min(--buffer, RECENT)`
//! events (so nothing here has been trimmed from the store), and a query it
//! cannot answer from that range (an older cursor, a filtered "newest" page
//! with too few matches here) returns `None` and goes to the store.

use std::collections::VecDeque;
use std::sync::RwLock;

use crate::store::{EventQuery, StoredEvent};
use crate::webcast::EventKind;

use super::routes::{PageText, push_with_seq};

/// Events kept in memory at most.
pub const RECENT: usize = 10_000;

/// One event, rendered for the API: the envelope with `seq` first.
#[derive(Debug, Clone)]
pub struct Cached {
    pub seq: i64,
    pub kind: EventKind,
    pub streamer: String,
    /// `{"seq":N,…envelope…}`.
    pub text: Box<str>,
}

impl Cached {
    pub fn new(seq: i64, kind: EventKind, streamer: &str, envelope_json: &str) -> Cached {
        let mut text = String::with_capacity(envelope_json.len() + 16);
        push_with_seq(&mut text, seq, envelope_json);
        Cached {
            seq,
            kind,
            streamer: streamer.to_string(),
            text: text.into_boxed_str(),
        }
    }

    pub(super) fn matches(&self, q: &EventQuery) -> bool {
        q.types.is_none_or(|t| t.contains(self.kind))
            && q.streamer.as_deref().is_none_or(|s| s == self.streamer)
    }
}

struct Ring {
    events: VecDeque<Cached>,
    /// Every stored event is here (nothing older exists in the store).
    complete: bool,
}

pub struct Recent {
    ring: RwLock<Ring>,
    capacity: usize,
}

impl Recent {
    /// An empty cache for a store whose newest `capacity` events are
    /// `newest` (oldest first); `complete` when that is all of them.
    pub fn new(capacity: usize, newest: Vec<StoredEvent>, complete: bool) -> Recent {
        let events = newest
            .into_iter()
            .filter_map(|e| {
                let kind = e.kind.parse().ok()?;
                Some(Cached::new(e.seq, kind, &e.streamer, &e.json))
            })
            .collect();
        Recent {
            ring: RwLock::new(Ring { events, complete }),
            capacity: capacity.max(1),
        }
    }

    /// Append committed events (ascending `seq`). Rendered before the write
    /// lock is taken, so readers wait only for the appends.
    pub fn push(&self, batch: Vec<Cached>) {
        let mut ring = self.ring.write().unwrap_or_else(|e| e.into_inner());
        for c in batch {
            if ring.events.back().is_some_and(|last| last.seq >= c.seq) {
                // Out of order cannot happen with one ingest loop; if it
                // did, start over rather than break the invariant.
                ring.events.clear();
                ring.complete = false;
            }
            ring.events.push_back(c);
        }
        while ring.events.len() > self.capacity {
            ring.events.pop_front();
            ring.complete = false;
        }
    }

    /// Select a page as [`crate::store::events::page`] would and hand each
    /// event to `each`, oldest first, under the read lock. Returns `next`,
    /// or `None` when this range cannot answer (ask the store).
    pub fn select(
        &self,
        cursor: Option<i64>,
        limit: usize,
        query: &EventQuery,
        mut each: impl FnMut(&Cached),
    ) -> Option<i64> {
        let ring = self.ring.read().unwrap_or_else(|e| e.into_inner());
        let events = &ring.events;
        let (first, last) = (events.front()?.seq, events.back()?.seq);
        match cursor {
            Some(c) => {
                if c < first - 1 {
                    return None;
                }
                let start = events.partition_point(|e| e.seq <= c);
                let mut n = 0;
                let mut last_sent = None;
                for e in events.range(start..) {
                    if n == limit {
                        break;
                    }
                    if e.matches(query) {
                        each(e);
                        n += 1;
                        last_sent = Some(e.seq);
                    }
                }
                Some(match last_sent {
                    Some(seq) if n == limit => seq,
                    _ => last,
                })
            }
            None => {
                let mut picked: Vec<usize> = Vec::with_capacity(limit.min(events.len()));
                for (i, e) in events.iter().enumerate().rev() {
                    if picked.len() == limit {
                        break;
                    }
                    if e.matches(query) {
                        picked.push(i);
                    }
                }
                if picked.len() < limit && !ring.complete {
                    return None;
                }
                for &i in picked.iter().rev() {
                    each(&events[i]);
                }
                Some(match picked.first() {
                    Some(&i) if picked.len() == limit => events[i].seq,
                    _ => last,
                })
            }
        }
    }

    /// The page body (`{"events":[…],"next":N,"missed":0}`), if this range
    /// can answer.
    pub fn render(&self, cursor: Option<i64>, limit: usize, query: &EventQuery) -> Option<String> {
        let mut text = PageText::new(limit);
        let next = self.select(cursor, limit, query, |e| text.push_rendered(&e.text))?;
        Some(text.finish(next, 0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Store, events};
    use crate::webcast::{Envelope, Event, KindSet};

    fn env(i: usize) -> Envelope {
        let kind = [EventKind::Chat, EventKind::Gift, EventKind::Like][i % 3];
        Envelope::new(
            Event::new(kind, &serde_json::json!({ "n": i })),
            if i.is_multiple_of(2) { "alice" } else { "bob" },
            "2024-01-01T00:00:00.000Z".into(),
            format!("id-{i}"),
        )
    }

    fn queries() -> Vec<EventQuery> {
        let gifts: KindSet = [EventKind::Gift].into_iter().collect();
        let mixed: KindSet = [EventKind::Gift, EventKind::Like].into_iter().collect();
        vec![
            EventQuery::default(),
            EventQuery {
                types: Some(gifts),
                streamer: None,
            },
            EventQuery {
                types: Some(mixed),
                streamer: Some("bob".into()),
            },
            EventQuery {
                types: None,
                streamer: Some("nobody".into()),
            },
        ]
    }

    /// Whatever the cache answers, the store answers the same.
    #[tokio::test]
    async fn the_cache_answers_exactly_as_the_store_or_not_at_all() {
        let store = Store::open_in_memory().unwrap();
        let cap = 60u64;
        let recent = Recent::new(25, Vec::new(), true);
        let mut answered = 0;
        for round in 0..12 {
            let batch: Vec<Envelope> = (round * 9..round * 9 + 9).map(env).collect();
            let rows: Vec<events::NewEvent> = batch.iter().map(events::NewEvent::from).collect();
            let ins = store.insert_events_capped(rows.clone(), cap).await.unwrap();
            recent.push(
                ins.seqs
                    .iter()
                    .zip(&rows)
                    .filter_map(|(seq, r)| Some(Cached::new((*seq)?, r.kind, &r.streamer, &r.json)))
                    .collect(),
            );
            let head = ins.last_seq();
            let cursors = [
                None,
                Some(0),
                Some(head - 30),
                Some(head - 10),
                Some(head),
                Some(head + 5),
            ];
            for q in queries() {
                for cursor in cursors {
                    for limit in [1, 4, 100] {
                        let Some(body) = recent.render(cursor, limit, &q) else {
                            continue;
                        };
                        answered += 1;
                        let page = store.events_page(cursor, limit, q.clone()).await.unwrap();
                        assert_eq!(
                            body,
                            super::super::routes::render_page(&page),
                            "round {round} cursor {cursor:?} limit {limit} {q:?}"
                        );
                    }
                }
            }
        }
        assert!(answered > 300, "the cache answered {answered} queries");
    }
}
