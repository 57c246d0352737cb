//! What `/api/status` reports, tracked as events flow through serve.
//!
//! The connection state of each streamer is derived from the control events
//! every source emits (`connected`, `disconnected`, `error`, `streamEnd`), so
//! the live module needs no hooks:
//!
//! | event | state afterwards |
//! |---|---|
//! | `connected` | `connected` (a second one counts a reconnect) |
//! | `disconnected`, cause `streamEnded` / `endOfInput` | `ended` |
//! | `disconnected`, cause `interrupted` | `offline` |
//! | `disconnected`, any other cause | `reconnecting` |
//! | `error` | `reconnecting` (its text becomes `lastError`) |
//! | `streamEnd` | `ended` |
//! | the source stopped ([`Status::source_ended`]) | `offline`, unless `ended` |
//!
//! A live streamer is listed as `offline` from the start, before its first
//! connection. Serve asks the source for these control events even when
//! `--type` leaves them out, and drops them after tracking.
//!
//! Everything here is in memory and cheap to read: the status endpoint never
//! touches SQLite. The webhook totals come from the store, refreshed in the
//! background ([`Status::set_webhooks`]).

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::Instant;

use serde::Serialize;

use crate::clock::now_ms;
use crate::webcast::time::format_iso_millis;
use crate::webcast::{Control, EndCause, Envelope, EventKind, KindSet};

/// A streamer's connection state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ConnState {
    Connected,
    Reconnecting,
    Offline,
    Ended,
}

/// One streamer in the status body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StreamerStatus {
    pub streamer: String,
    pub state: ConnState,
    pub room_id: Option<String>,
    /// When the current connection was made (ISO-8601), while connected.
    pub connected_since: Option<String>,
    pub reconnects: u32,
    pub last_error: Option<String>,
    pub last_error_at: Option<String>,
    pub last_event_at: Option<String>,
    /// Events stored for this streamer since serve started.
    pub events: u64,
}

impl StreamerStatus {
    fn new(streamer: &str) -> StreamerStatus {
        StreamerStatus {
            streamer: streamer.to_string(),
            state: ConnState::Offline,
            room_id: None,
            connected_since: None,
            reconnects: 0,
            last_error: None,
            last_error_at: None,
            last_event_at: None,
            events: 0,
        }
    }
}

/// Delivery totals over the registered webhooks (all time, from the store).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct WebhookTotals {
    pub count: u64,
    pub delivered: u64,
    pub failed: u64,
    pub pending: u64,
}

/// The `/api/status` body.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusBody {
    pub version: &'static str,
    pub started_at: String,
    pub uptime_seconds: f64,
    /// `live`, `demo` or `replay`.
    pub source: &'static str,
    /// Whether the source is still producing events.
    pub source_running: bool,
    pub streamers: Vec<StreamerStatus>,
    pub events: EventTotals,
    pub buffer: BufferStatus,
    pub webhooks: WebhookTotals,
    /// The live source's sign budget: calls used, and what the next sign
    /// call waits for (live sources only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sign_budget: Option<crate::live::budget::BudgetStatus>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EventTotals {
    /// Events stored since serve started.
    pub total: u64,
    /// The same by type (types not seen are left out).
    pub by_type: BTreeMap<&'static str, u64>,
    /// Events received since serve started that the store already held (the
    /// same `id`, e.g. a capture replayed into the store that recorded it):
    /// not stored, counted, tallied or forwarded again.
    pub copies: u64,
}

#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BufferStatus {
    /// Events in the store now.
    pub size: u64,
    /// `--buffer`: the most it keeps (the oldest are dropped first).
    pub capacity: u64,
    /// The newest event's `seq` (the cursor of `/api/events`).
    pub last_seq: i64,
}

struct Tracked {
    streamers: BTreeMap<String, StreamerStatus>,
    by_type: [u64; EventKind::ALL.len()],
    total: u64,
    source_running: bool,
}

/// The live status, shared by the ingest loop (writer) and the handlers.
pub struct Status {
    started: Instant,
    started_at: String,
    source: &'static str,
    capacity: u64,
    tracked: Mutex<Tracked>,
    buffer: AtomicU64,
    copies: AtomicU64,
    last_seq: AtomicI64,
    webhooks: Mutex<WebhookTotals>,
    sign_gate: std::sync::OnceLock<crate::live::budget::SharedGate>,
}

impl Status {
    /// `buffered` and `last_seq`: what the store holds at start.
    pub fn new(source: &'static str, capacity: u64, buffered: u64, last_seq: i64) -> Status {
        Status {
            started: Instant::now(),
            started_at: format_iso_millis(now_ms()),
            source,
            capacity,
            tracked: Mutex::new(Tracked {
                streamers: BTreeMap::new(),
                by_type: [0; EventKind::ALL.len()],
                total: 0,
                source_running: true,
            }),
            buffer: AtomicU64::new(buffered),
            copies: AtomicU64::new(0),
            last_seq: AtomicI64::new(last_seq),
            webhooks: Mutex::new(WebhookTotals::default()),
            sign_gate: std::sync::OnceLock::new(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Tracked> {
        self.tracked.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// List streamers before their first event (live USERs), as `offline`.
    pub fn register(&self, streamers: &[String]) {
        let mut t = self.lock();
        for s in streamers {
            t.streamers
                .entry(s.clone())
                .or_insert_with(|| StreamerStatus::new(s));
        }
    }

    /// Track a batch: control events move the connection state; events of
    /// the `stored` kinds are counted. The counting is done before the lock
    /// is taken, so `/api/status` readers wait only for the updates.
    pub fn observe<E: std::borrow::Borrow<Envelope>>(&self, batch: &[E], stored: KindSet) {
        let mut by_type = [0u64; EventKind::ALL.len()];
        // (streamer, events stored, index of its last event): few per batch.
        let mut per: Vec<(&str, u64, usize)> = Vec::new();
        let mut controls = false;
        for (i, env) in batch.iter().map(E::borrow).enumerate() {
            let counted = stored.contains(env.kind);
            if counted {
                by_type[env.kind as usize] += 1;
            }
            controls |= is_state_event(env.kind);
            match per.iter_mut().find(|p| p.0 == env.streamer) {
                Some(p) => {
                    p.1 += u64::from(counted);
                    p.2 = i;
                }
                None => per.push((&env.streamer, u64::from(counted), i)),
            }
        }
        let mut t = self.lock();
        for (slot, n) in t.by_type.iter_mut().zip(by_type) {
            *slot += n;
        }
        t.total += by_type.iter().sum::<u64>();
        for (streamer, n, last) in per {
            let s = streamer_entry(&mut t.streamers, streamer);
            s.events += n;
            s.last_event_at = Some(batch[last].borrow().timestamp.clone());
        }
        if controls {
            for env in batch
                .iter()
                .map(E::borrow)
                .filter(|e| is_state_event(e.kind))
            {
                transition(streamer_entry(&mut t.streamers, &env.streamer), env);
            }
        }
    }

    /// The source stopped: whoever has not ended is now offline.
    pub fn source_ended(&self) {
        let mut t = self.lock();
        t.source_running = false;
        for s in t.streamers.values_mut() {
            if s.state != ConnState::Ended {
                s.state = ConnState::Offline;
                s.connected_since = None;
            }
        }
    }

    /// A stored batch changed the buffer; `copies` of stored events were
    /// refused.
    pub fn stored(&self, inserted: u64, dropped: u64, copies: u64, last_seq: i64) {
        self.copies.fetch_add(copies, Ordering::Relaxed);
        self.buffer.fetch_add(inserted, Ordering::Relaxed);
        self.buffer.fetch_sub(
            dropped.min(self.buffer.load(Ordering::Relaxed)),
            Ordering::Relaxed,
        );
        self.last_seq.fetch_max(last_seq, Ordering::Relaxed);
    }

    pub fn set_webhooks(&self, totals: WebhookTotals) {
        *self.webhooks.lock().unwrap_or_else(|e| e.into_inner()) = totals;
    }

    /// Report this sign budget (the live source's) in the status.
    pub fn set_sign_gate(&self, gate: crate::live::budget::SharedGate) {
        let _ = self.sign_gate.set(gate);
    }

    /// The status body, now.
    pub fn snapshot(&self) -> StatusBody {
        let (streamers, by_type, total, source_running) = {
            let t = self.lock();
            let by_type: BTreeMap<&'static str, u64> = EventKind::ALL
                .iter()
                .zip(t.by_type.iter())
                .filter(|(_, n)| **n > 0)
                .map(|(k, n)| (k.name(), *n))
                .collect();
            (
                t.streamers.values().cloned().collect::<Vec<_>>(),
                by_type,
                t.total,
                t.source_running,
            )
        };
        StatusBody {
            version: crate::version::VERSION,
            started_at: self.started_at.clone(),
            uptime_seconds: (self.started.elapsed().as_millis() as f64) / 1000.0,
            source: self.source,
            source_running,
            streamers,
            events: EventTotals {
                total,
                by_type,
                copies: self.copies.load(Ordering::Relaxed),
            },
            buffer: BufferStatus {
                size: self.buffer.load(Ordering::Relaxed),
                capacity: self.capacity,
                last_seq: self.last_seq.load(Ordering::Relaxed),
            },
            webhooks: *self.webhooks.lock().unwrap_or_else(|e| e.into_inner()),
            sign_budget: self.sign_gate.get().map(|g| g.status()),
        }
    }
}

fn is_state_event(kind: EventKind) -> bool {
    matches!(
        kind,
        EventKind::Connected | EventKind::Disconnected | EventKind::Error | EventKind::StreamEnd
    )
}

fn streamer_entry<'a>(
    map: &'a mut BTreeMap<String, StreamerStatus>,
    streamer: &str,
) -> &'a mut StreamerStatus {
    if !map.contains_key(streamer) {
        map.insert(streamer.to_string(), StreamerStatus::new(streamer));
    }
    map.get_mut(streamer).expect("inserted above")
}

/// The connection state after one control event (the table at the top),
/// read by type ([`Control`]), never from message text.
fn transition(s: &mut StreamerStatus, env: &Envelope) {
    if env.kind == EventKind::StreamEnd {
        s.state = ConnState::Ended;
    }
    match Control::from_envelope(env) {
        Some(Control::Connected { room_id, .. }) => {
            if s.connected_since.is_some() || s.state == ConnState::Reconnecting {
                s.reconnects += 1;
            }
            s.state = ConnState::Connected;
            s.connected_since = Some(env.timestamp.clone());
            s.room_id = Some(room_id).filter(|r| !r.is_empty());
        }
        Some(Control::Disconnected { cause, .. }) => {
            s.state = match cause {
                c if c.is_final() => ConnState::Ended,
                EndCause::Interrupted => ConnState::Offline,
                _ => ConnState::Reconnecting,
            };
        }
        Some(Control::Error { error, .. }) => {
            s.last_error = Some(error);
            s.last_error_at = Some(env.timestamp.clone());
            if s.state != ConnState::Ended {
                s.state = ConnState::Reconnecting;
            }
        }
        None => {}
    }
    if s.state != ConnState::Connected {
        s.connected_since = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::webcast::Event;

    fn ev(kind: EventKind, data: serde_json::Value) -> Envelope {
        Envelope::new(
            Event::new(kind, &data),
            "alice",
            "2024-01-01T00:00:00.000Z".into(),
            "id".into(),
        )
    }

    fn state(s: &Status) -> StreamerStatus {
        s.snapshot().streamers[0].clone()
    }

    #[test]
    fn control_events_drive_the_connection_state() {
        let s = Status::new("live", 10, 0, 0);
        let all = KindSet::default_set();
        s.register(&["alice".to_string()]);
        assert_eq!(state(&s).state, ConnState::Offline);
        s.observe(
            &[ev(
                EventKind::Connected,
                serde_json::json!({"username": "alice", "roomId": "7"}),
            )],
            all,
        );
        let st = state(&s);
        assert_eq!(st.state, ConnState::Connected);
        assert_eq!(st.room_id.as_deref(), Some("7"));
        assert!(st.connected_since.is_some());
        assert_eq!(st.reconnects, 0);
        s.observe(
            &[
                ev(
                    EventKind::Disconnected,
                    serde_json::json!({"code": 1006, "reason": "no data for 40s"}),
                ),
                ev(
                    EventKind::Error,
                    serde_json::json!({"error": "the socket closed"}),
                ),
            ],
            all,
        );
        let st = state(&s);
        assert_eq!(st.state, ConnState::Reconnecting);
        assert_eq!(st.last_error.as_deref(), Some("the socket closed"));
        assert!(st.connected_since.is_none());
        s.observe(
            &[ev(EventKind::Connected, serde_json::json!({"roomId": "7"}))],
            all,
        );
        assert_eq!(state(&s).reconnects, 1);
        s.observe(
            &[ev(EventKind::StreamEnd, serde_json::json!({"action": 3}))],
            all,
        );
        assert_eq!(state(&s).state, ConnState::Ended);
        s.source_ended();
        assert_eq!(state(&s).state, ConnState::Ended, "ended stays ended");
    }

    #[test]
    fn counts_only_stored_kinds_and_tracks_the_buffer() {
        let s = Status::new("demo", 3, 0, 0);
        let gifts: KindSet = [EventKind::Gift].into_iter().collect();
        s.observe(
            &[
                ev(EventKind::Connected, serde_json::json!({})),
                ev(EventKind::Gift, serde_json::json!({})),
                ev(EventKind::Gift, serde_json::json!({})),
                ev(EventKind::Chat, serde_json::json!({})),
            ],
            gifts,
        );
        s.stored(2, 0, 0, 2);
        s.stored(3, 2, 1, 5);
        let body = s.snapshot();
        assert_eq!(body.events.total, 2);
        assert_eq!(body.events.by_type.get("gift"), Some(&2));
        assert_eq!(body.events.by_type.len(), 1);
        assert_eq!((body.buffer.size, body.buffer.last_seq), (3, 5));
        assert_eq!(body.events.copies, 1);
        assert_eq!(body.streamers[0].events, 2);
        s.observe(
            &[ev(
                EventKind::Disconnected,
                serde_json::json!({"reason": "interrupted"}),
            )],
            gifts,
        );
        assert_eq!(state(&s).state, ConnState::Offline);
    }
}
