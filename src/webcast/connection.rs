//! The sans-IO live connection: the decoder, the session (room, cursor,
//! internalExt, enter-room, acks) and its timers, driven by whoever owns the
//! socket. In the style of quinn-proto and rustls: bytes and times go in
//! (`handle_*`), bytes to send, events and the next deadline come out
//! (`poll_*`). Time is a plain `u64` of milliseconds on any monotonic scale
//! chosen by the driver; nothing here reads a clock, sleeps or touches a
//! socket, so every rule below is tested with made-up times.
//!
//! One `Connection` lives as long as one stream (across reconnects), so the
//! decoder's duplicate filter and gift streaks survive a dropped socket. Each
//! socket is one [`Connection::open`] … [`Connection::close`] span:
//!
//! - on open: `im_enter_room` (the sign call used `client_enter=true`, so the
//!   client enters the room itself; protocol.md §5.6) with an **empty**
//!   cursor, as TikTok-Live-Connector 2.5.0 and TikTokLive 7.0.1 send it (the
//!   resume cursor travels in the socket URL and to the sign server instead);
//!   tested by `tests/live.rs` (`enter_room_cursor`) against the fake;
//! - then a heartbeat every `ping-interval` of the handshake's
//!   `Handshake-Options` header, bounded to [`PING_MIN_MS`]–[`PING_MAX_MS`]
//!   (protocol.md, late-2026 update; TikTokLive 7.0.1 reads that header),
//!   else the configured default (10 s, protocol.md §5.7); started only after
//!   entering, as the Node client does;
//! - an ack for every `msg` frame whose fetch result sets `need_ack`, echoing
//!   the frame's `log_id` and the result's `internal_ext` (protocol.md §5.5);
//! - the socket is dead when nothing arrived for the idle timeout, counted
//!   only while the driver is reading (see [`Connection::pause`]).

use std::collections::VecDeque;

use super::decoder::{Decoder, FetchInfo, FrameInfo, Output};
use super::error::FrameError;
use super::frame::{encode_ack, encode_enter_room, encode_heartbeat};

/// Default heartbeat period when the server names none (protocol.md §5.7:
/// 10 s in the Node client).
pub const HEARTBEAT_MS: u64 = 10_000;

/// Bounds for a server-chosen `ping-interval` (the late-2026 update table).
pub const PING_MIN_MS: u64 = 3_000;
pub const PING_MAX_MS: u64 = 30_000;

/// `ping-interval` from a `Handshake-Options` header value such as
/// `ping-interval=3; other=x` (seconds, may be fractional, cookie syntax as
/// TikTokLive 7.0.1 reads it), in milliseconds. `None` when absent or not a
/// positive number.
pub fn ping_interval_ms(options: &str) -> Option<u64> {
    options.split(';').find_map(|kv| {
        let (k, v) = kv.split_once('=')?;
        if !k.trim().eq_ignore_ascii_case("ping-interval") {
            return None;
        }
        let secs: f64 = v.trim().parse().ok()?;
        (secs.is_finite() && secs > 0.0).then(|| (secs * 1000.0).round() as u64)
    })
}

/// Where the connection is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// No socket (before the first open, or between [`Connection::close`]
    /// and the next open).
    Closed,
    /// A socket is open and alive.
    Open,
    /// The open socket went silent for the idle timeout: the driver should
    /// drop it (and report `disconnected`, cause idle timeout).
    Dead,
}

/// Timers of one open socket.
#[derive(Debug, Clone)]
struct Timers {
    heartbeat_ms: u64,
    next_hb: u64,
    last_rx: u64,
    /// The driver stopped reading at this time (its consumer is behind).
    paused_since: Option<u64>,
    hb_seq: i64,
}

/// One stream's live connection (see the module docs).
pub struct Connection {
    decoder: Decoder,
    room_id: i64,
    cursor: String,
    internal_ext: String,
    default_heartbeat_ms: u64,
    idle_ms: u64,
    state: State,
    timers: Option<Timers>,
    transmits: VecDeque<Vec<u8>>,
    events: VecDeque<Output>,
    scratch: Vec<Output>,
    heartbeats_sent: u64,
}

impl Connection {
    /// A connection decoding with `decoder`. `heartbeat_ms` is the period
    /// used when the handshake names none; `idle_ms` the silence after which
    /// an open socket is dead (both at least 1 ms).
    pub fn new(decoder: Decoder, heartbeat_ms: u64, idle_ms: u64) -> Connection {
        Connection {
            decoder,
            room_id: 0,
            cursor: String::new(),
            internal_ext: String::new(),
            default_heartbeat_ms: heartbeat_ms.max(1),
            idle_ms: idle_ms.max(1),
            state: State::Closed,
            timers: None,
            transmits: VecDeque::new(),
            events: VecDeque::new(),
            scratch: Vec::new(),
            heartbeats_sent: 0,
        }
    }

    /// The numeric room the next socket enters (and its heartbeats name).
    pub fn set_room(&mut self, room_id: i64) {
        self.room_id = room_id;
    }

    /// Resume from `cursor` (e.g. one saved by a previous owner of the stream).
    pub fn set_cursor(&mut self, cursor: &str) {
        cursor.clone_into(&mut self.cursor);
    }

    /// The sign server's fetch result (protobuf bytes) arrived: its history
    /// messages become events, its cursor and internalExt the session's.
    ///
    /// # Errors
    /// [`FrameError::FetchResult`] when the bytes do not decode; the session is
    /// unchanged then.
    pub fn handle_fetch(&mut self, bytes: &[u8]) -> Result<FetchInfo, FrameError> {
        let info = self.decoder.decode_fetch(bytes, &mut self.scratch);
        self.events.extend(self.scratch.drain(..));
        let info = info?;
        self.note_fetch(&info);
        Ok(info)
    }

    /// A socket opened at `now`, its handshake answered with the
    /// `Handshake-Options` header value `options` (if any). Queues
    /// `im_enter_room` (empty cursor) and arms the heartbeat and idle timers.
    /// `enter_unique_id` is a random positive 63-bit number from the caller.
    /// Returns the heartbeat period chosen, in ms.
    pub fn open(&mut self, now: u64, options: Option<&str>, enter_unique_id: i64) -> u64 {
        let heartbeat_ms = options
            .and_then(ping_interval_ms)
            .map_or(self.default_heartbeat_ms, |p| {
                p.clamp(PING_MIN_MS, PING_MAX_MS)
            });
        self.transmits.clear();
        self.transmits
            .push_back(encode_enter_room(self.room_id, "", enter_unique_id));
        self.timers = Some(Timers {
            heartbeat_ms,
            next_hb: now + heartbeat_ms,
            last_rx: now,
            paused_since: None,
            hb_seq: 0,
        });
        self.state = State::Open;
        heartbeat_ms
    }

    /// A WebSocket binary message arrived at `now`: decode it (its events
    /// wait in [`Connection::poll_event`]), note its cursor and internalExt,
    /// and queue an ack if it asks for one. Any message, even one that does
    /// not decode, is a sign of life.
    ///
    /// # Errors
    /// The frame's [`FrameError`]; the connection goes on (the caller warns).
    pub fn handle_frame(&mut self, bytes: &[u8], now: u64) -> Result<FrameInfo, FrameError> {
        self.handle_activity(now);
        // Decoded and applied message by message (`Decoder::decode_push`).
        let info = self.decoder.decode_frame(bytes, &mut self.scratch);
        self.events.extend(self.scratch.drain(..));
        let info = info?;
        if let Some(fetch) = &info.fetch {
            self.note_fetch(fetch);
            if fetch.need_ack && self.state == State::Open {
                self.transmits
                    .push_back(encode_ack(info.log_id, &fetch.internal_ext));
            }
        }
        Ok(info)
    }

    /// Any other sign of life at `now` (a ping, a pong, a text message).
    pub fn handle_activity(&mut self, now: u64) {
        if let Some(t) = &mut self.timers {
            t.last_rx = t.last_rx.max(now);
        }
    }

    /// Time is `now`: queue a heartbeat when one is due, or declare the socket
    /// dead when it has been silent for the idle timeout. Beats missed while
    /// the driver was late are skipped, not sent in a burst.
    pub fn handle_timeout(&mut self, now: u64) {
        let Some(t) = &mut self.timers else { return };
        if t.paused_since.is_none() && now >= t.last_rx + self.idle_ms {
            self.state = State::Dead;
            self.timers = None;
            self.transmits.clear();
            return;
        }
        if now >= t.next_hb {
            t.hb_seq += 1;
            self.heartbeats_sent += 1;
            let mut next = t.next_hb + t.heartbeat_ms;
            while next <= now {
                next += t.heartbeat_ms;
            }
            t.next_hb = next;
            self.transmits
                .push_back(encode_heartbeat(self.room_id, t.hb_seq));
        }
    }

    /// The driver stopped reading the socket at `now` because its consumer
    /// is behind. Silence proves nothing while it does not read, so the idle
    /// timer stops; heartbeats go on.
    pub fn pause(&mut self, now: u64) {
        if let Some(t) = &mut self.timers {
            t.paused_since.get_or_insert(now);
        }
    }

    /// The driver reads again at `now`: the idle timer restarts from here.
    pub fn resume(&mut self, now: u64) {
        if let Some(t) = &mut self.timers
            && t.paused_since.take().is_some()
        {
            t.last_rx = t.last_rx.max(now);
        }
    }

    /// The socket ended (closed, reset, dead, or dropped by the driver):
    /// timers stop and unsent frames are dropped. The decoder, room and
    /// cursor stay for the next [`Connection::open`].
    pub fn close(&mut self) {
        self.state = State::Closed;
        self.timers = None;
        self.transmits.clear();
    }

    /// The next frame to write to the socket, in order: enter-room first,
    /// then acks and heartbeats as they were queued.
    pub fn poll_transmit(&mut self) -> Option<Vec<u8>> {
        self.transmits.pop_front()
    }

    /// The next decoded output (event, warning or schema drift), in order.
    pub fn poll_event(&mut self) -> Option<Output> {
        self.events.pop_front()
    }

    /// When [`Connection::handle_timeout`] must be called next (ms on the
    /// driver's scale); `None` while no socket is open.
    pub fn poll_timeout(&self) -> Option<u64> {
        let t = self.timers.as_ref()?;
        Some(match t.paused_since {
            Some(_) => t.next_hb,
            None => t.next_hb.min(t.last_rx + self.idle_ms),
        })
    }

    pub fn state(&self) -> State {
        self.state
    }

    /// The stream is over (or given up): queue the events still held (open
    /// gift streaks) for [`Connection::poll_event`].
    pub fn finish(&mut self) {
        self.decoder.flush(&mut self.scratch);
        self.events.extend(self.scratch.drain(..));
    }

    /// The control action that ended the stream (3 or 4), once one was seen.
    pub fn stream_end(&self) -> Option<i32> {
        self.decoder.stream_end()
    }

    /// The latest cursor (where a reconnect resumes).
    pub fn cursor(&self) -> &str {
        &self.cursor
    }

    /// The latest internalExt.
    pub fn internal_ext(&self) -> &str {
        &self.internal_ext
    }

    /// Heartbeats queued over the connection's life.
    pub fn heartbeats_sent(&self) -> u64 {
        self.heartbeats_sent
    }

    pub fn decoder(&self) -> &Decoder {
        &self.decoder
    }

    fn note_fetch(&mut self, fetch: &FetchInfo) {
        if !fetch.cursor.is_empty() {
            fetch.cursor.as_str().clone_into(&mut self.cursor);
        }
        if !fetch.internal_ext.is_empty() {
            fetch
                .internal_ext
                .as_str()
                .clone_into(&mut self.internal_ext);
        }
    }
}

#[cfg(test)]
mod tests {
    use prost::Message;

    use super::super::DecoderOptions;
    use super::super::proto::{FetchResult, HeartBeat, ImEnterRoom, PushFrame};
    use super::*;

    fn conn(heartbeat_ms: u64, idle_ms: u64) -> Connection {
        let mut c = Connection::new(
            Decoder::new(DecoderOptions::default()),
            heartbeat_ms,
            idle_ms,
        );
        c.set_room(42);
        c
    }

    /// A `msg` push frame carrying a fetch result with `cursor`.
    fn msg_frame(log_id: u64, cursor: &str, need_ack: bool) -> Vec<u8> {
        let fetch = FetchResult {
            cursor: cursor.into(),
            internal_ext: format!("ext-{cursor}"),
            need_ack,
            ..Default::default()
        };
        PushFrame {
            log_id,
            payload_type: "msg".into(),
            payload: fetch.encode_to_vec().into(),
            ..Default::default()
        }
        .encode_to_vec()
    }

    fn sent(c: &mut Connection) -> Vec<PushFrame> {
        std::iter::from_fn(|| c.poll_transmit())
            .map(|b| PushFrame::decode(&b[..]).unwrap())
            .collect()
    }

    #[test]
    fn enters_the_room_first_with_an_empty_cursor() {
        let mut c = conn(10_000, 40_000);
        c.set_cursor("resume-here");
        assert_eq!(c.poll_timeout(), None);
        assert_eq!(c.state(), State::Closed);
        c.open(1_000, None, 5);
        assert_eq!(c.state(), State::Open);
        let frames = sent(&mut c);
        assert_eq!(frames.len(), 1);
        assert_eq!(frames[0].payload_type, "im_enter_room");
        let enter = ImEnterRoom::decode(&frames[0].payload[..]).unwrap();
        assert_eq!(
            (enter.room_id, enter.cursor.as_str(), enter.enter_unique_id),
            (42, "", 5)
        );
        // The session keeps its cursor for the URL and the sign call.
        assert_eq!(c.cursor(), "resume-here");
    }

    #[test]
    fn beats_every_ping_interval_bounded_else_the_default() {
        let mut c = conn(10_000, 60_000);
        assert_eq!(c.open(0, Some("ping-interval=3; x=y"), 5), 3_000);
        sent(&mut c);
        assert_eq!(c.poll_timeout(), Some(3_000));
        c.handle_timeout(2_999);
        assert!(c.poll_transmit().is_none());
        for (i, t) in [3_000u64, 6_000, 9_000].into_iter().enumerate() {
            c.handle_activity(t);
            c.handle_timeout(t);
            let f = sent(&mut c);
            assert_eq!(f.len(), 1, "one heartbeat at {t}");
            assert_eq!(f[0].payload_type, "hb");
            let hb = HeartBeat::decode(&f[0].payload[..]).unwrap();
            assert_eq!((hb.room_id, hb.send_packet_seq_id), (42, i as i64 + 1));
        }
        // Late by two periods: one beat, then back on the rhythm.
        c.handle_activity(15_500);
        c.handle_timeout(15_500);
        assert_eq!(sent(&mut c).len(), 1);
        assert_eq!(c.poll_timeout(), Some(18_000));
        assert_eq!(c.heartbeats_sent(), 4);
        // Bounds, and the default when the header has none.
        assert_eq!(c.open(0, Some("ping-interval=0.5"), 5), 3_000);
        assert_eq!(c.open(0, Some("ping-interval=600"), 5), 30_000);
        assert_eq!(c.open(0, Some("other=1"), 5), 10_000);
        assert_eq!(c.open(0, None, 5), 10_000);
        assert_eq!(ping_interval_ms("Ping-Interval = 2.5"), Some(2_500));
        assert_eq!(ping_interval_ms("ping-interval=-1"), None);
    }

    #[test]
    fn acks_frames_that_ask_and_tracks_cursor_and_internal_ext() {
        let mut c = conn(10_000, 40_000);
        c.open(0, None, 5);
        sent(&mut c);
        c.handle_frame(&msg_frame(76, "c1", false), 100).unwrap();
        assert!(c.poll_transmit().is_none());
        let info = c.handle_frame(&msg_frame(77, "c2", true), 200).unwrap();
        assert_eq!(info.log_id, 77);
        let ack = sent(&mut c);
        assert_eq!(
            (
                ack[0].log_id,
                ack[0].payload_type.as_str(),
                &ack[0].payload[..]
            ),
            (77, "ack", &b"ext-c2"[..])
        );
        assert_eq!((c.cursor(), c.internal_ext()), ("c2", "ext-c2"));
        // A frame that does not decode is still life, and an error.
        assert!(c.handle_frame(b"\xff\xff", 39_000).is_err());
        c.handle_timeout(40_000);
        assert_eq!(c.state(), State::Open);
    }

    #[test]
    fn silence_for_the_idle_timeout_is_death() {
        let mut c = conn(10_000, 25_000);
        c.open(0, None, 5);
        sent(&mut c);
        c.handle_timeout(10_000);
        c.handle_timeout(20_000);
        assert_eq!(sent(&mut c).len(), 2, "heartbeats are not life");
        assert_eq!(c.poll_timeout(), Some(25_000));
        c.handle_timeout(25_000);
        assert_eq!(c.state(), State::Dead);
        assert_eq!(c.poll_timeout(), None);
        assert!(c.poll_transmit().is_none());
        // A reopen starts afresh; a frame in time keeps it alive.
        c.open(30_000, None, 6);
        c.handle_frame(&msg_frame(1, "c", false), 50_000).unwrap();
        c.handle_timeout(55_000);
        assert_eq!(c.state(), State::Open);
        c.close();
        assert_eq!((c.state(), c.poll_timeout()), (State::Closed, None));
    }

    #[test]
    fn a_paused_reader_is_not_idle_but_still_beats() {
        let mut c = conn(10_000, 25_000);
        c.open(0, None, 5);
        sent(&mut c);
        c.pause(5_000);
        assert_eq!(c.poll_timeout(), Some(10_000));
        for t in [10_000, 20_000, 30_000, 40_000] {
            c.handle_timeout(t);
        }
        assert_eq!(c.state(), State::Open);
        assert_eq!(sent(&mut c).len(), 4);
        c.resume(41_000);
        assert_eq!(c.poll_timeout(), Some(50_000));
        c.handle_timeout(66_000);
        assert_eq!(c.state(), State::Dead);
    }

    #[test]
    fn history_from_the_sign_server_sets_the_session() {
        let mut c = conn(10_000, 40_000);
        let fetch = FetchResult {
            cursor: "h1".into(),
            internal_ext: "x1".into(),
            push_server: "wss://webcast-ws.tiktok.com/ws".into(),
            ..Default::default()
        };
        let info = c.handle_fetch(&fetch.encode_to_vec()).unwrap();
        assert_eq!(info.push_server, "wss://webcast-ws.tiktok.com/ws");
        assert_eq!((c.cursor(), c.internal_ext()), ("h1", "x1"));
        assert!(c.handle_fetch(b"\xff").is_err());
        assert_eq!(c.cursor(), "h1");
        assert!(c.poll_event().is_none());
        assert_eq!(c.stream_end(), None);
    }
}
