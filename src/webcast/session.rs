//! The sans-IO WebSocket session: what to send and when, given what arrived
//! and the time (passed in, as milliseconds on any monotonic scale).
//!
//! - on open: `im_enter_room` (the sign call used `client_enter=true`, so the
//!   client must enter the room itself; protocol.md §5.6) with an empty
//!   cursor, as both public libraries send it (the resume cursor travels in
//!   the socket URL and to the sign server instead);
//! - then a heartbeat every [`HEARTBEAT_MS`] (started only after entering, as
//!   the Node client does; without heartbeats the server closes the socket);
//! - an ack for every frame whose fetch result sets `need_ack`, echoing the
//!   frame's `log_id` and the result's `internal_ext` (§5.5);
//! - the socket counts as dead when nothing (no frame, no heartbeat reply)
//!   arrived for the idle timeout.

use super::decoder::FrameInfo;
use super::frame::{encode_ack, encode_enter_room, encode_heartbeat};

/// Heartbeat period (protocol.md §5.7: 10 s in the Node client).
pub const HEARTBEAT_MS: u64 = 10_000;

#[derive(Debug, Clone)]
pub struct Session {
    room_id: i64,
    cursor: String,
    heartbeat_ms: u64,
    idle_ms: u64,
    hb_seq: i64,
    next_hb: Option<u64>,
    last_rx: u64,
    entered: bool,
}

impl Session {
    pub fn new(room_id: i64, cursor: &str, heartbeat_ms: u64, idle_ms: u64) -> Session {
        Session {
            room_id,
            cursor: cursor.to_string(),
            heartbeat_ms: heartbeat_ms.max(1),
            idle_ms: idle_ms.max(1),
            hb_seq: 0,
            next_hb: None,
            last_rx: 0,
            entered: false,
        }
    }

    /// The socket opened at `now`: the frame to send (enter the room).
    /// `enter_unique_id` is a random positive 63-bit number chosen by the caller.
    pub fn on_open(&mut self, now: u64, enter_unique_id: i64) -> Vec<u8> {
        self.entered = true;
        self.last_rx = now;
        self.next_hb = Some(now + self.heartbeat_ms);
        encode_enter_room(self.room_id, "", enter_unique_id)
    }

    /// A frame arrived at `now` and was decoded into `info`: the ack to send,
    /// if the fetch result asked for one.
    pub fn on_frame(&mut self, now: u64, info: &FrameInfo) -> Option<Vec<u8>> {
        self.last_rx = now;
        let fetch = info.fetch.as_ref()?;
        if !fetch.cursor.is_empty() {
            self.cursor.clone_from(&fetch.cursor);
        }
        fetch
            .need_ack
            .then(|| encode_ack(info.log_id, &fetch.internal_ext))
    }

    /// Any other sign of life (a frame that could not be decoded, a pong).
    pub fn on_activity(&mut self, now: u64) {
        self.last_rx = now;
    }

    /// When the driver must call [`Session::on_timeout`] next.
    pub fn next_deadline(&self) -> Option<u64> {
        let idle = self.last_rx + self.idle_ms;
        Some(self.next_hb.map_or(idle, |hb| hb.min(idle)))
    }

    /// Time passed: a heartbeat to send, or the verdict that the socket is dead.
    pub fn on_timeout(&mut self, now: u64) -> Timeout {
        if now >= self.last_rx + self.idle_ms {
            return Timeout::Dead;
        }
        match self.next_hb {
            Some(at) if now >= at => {
                self.hb_seq += 1;
                // Keep a steady rhythm; skip beats missed while suspended.
                let mut next = at + self.heartbeat_ms;
                while next <= now {
                    next += self.heartbeat_ms;
                }
                self.next_hb = Some(next);
                Timeout::Send(encode_heartbeat(self.room_id, self.hb_seq))
            }
            _ => Timeout::Nothing,
        }
    }

    /// The latest cursor (to resume from after a reconnect).
    pub fn cursor(&self) -> &str {
        &self.cursor
    }

    pub fn heartbeats_sent(&self) -> i64 {
        self.hb_seq
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Timeout {
    Nothing,
    Send(Vec<u8>),
    Dead,
}

#[cfg(test)]
mod tests {
    use prost::Message;

    use super::super::decoder::FetchInfo;
    use super::super::proto::{HeartBeat, PushFrame};
    use super::*;

    fn info(need_ack: bool) -> FrameInfo {
        FrameInfo {
            seq_id: 1,
            log_id: 77,
            payload_type: "msg".into(),
            fetch: Some(FetchInfo {
                cursor: "c2".into(),
                internal_ext: "ext".into(),
                need_ack,
                ..Default::default()
            }),
        }
    }

    #[test]
    fn enters_then_beats_every_period_with_a_growing_seq() {
        let mut s = Session::new(42, "c1", 10_000, 40_000);
        let enter = PushFrame::decode(&s.on_open(1_000, 5)[..]).unwrap();
        assert_eq!(enter.payload_type, "im_enter_room");
        assert_eq!(s.next_deadline(), Some(11_000));
        assert_eq!(s.on_timeout(10_999), Timeout::Nothing);
        for (i, t) in [11_000u64, 21_000, 31_000].into_iter().enumerate() {
            s.on_activity(t);
            let Timeout::Send(bytes) = s.on_timeout(t) else {
                panic!("no heartbeat at {t}")
            };
            let f = PushFrame::decode(&bytes[..]).unwrap();
            assert_eq!(f.payload_type, "hb");
            let hb = HeartBeat::decode(&f.payload[..]).unwrap();
            assert_eq!((hb.room_id, hb.send_packet_seq_id), (42, i as i64 + 1));
        }
        assert_eq!(s.heartbeats_sent(), 3);
    }

    #[test]
    fn acks_only_when_asked_and_tracks_the_cursor() {
        let mut s = Session::new(42, "c1", 10_000, 40_000);
        s.on_open(0, 5);
        assert!(s.on_frame(100, &info(false)).is_none());
        let ack = PushFrame::decode(&s.on_frame(200, &info(true)).unwrap()[..]).unwrap();
        assert_eq!(
            (ack.log_id, ack.payload_type.as_str(), &ack.payload[..]),
            (77, "ack", &b"ext"[..])
        );
        assert_eq!(s.cursor(), "c2");
    }

    #[test]
    fn silence_is_death() {
        let mut s = Session::new(42, "c1", 10_000, 25_000);
        s.on_open(0, 5);
        assert!(matches!(s.on_timeout(10_000), Timeout::Send(_)));
        assert!(matches!(s.on_timeout(20_000), Timeout::Send(_)));
        assert_eq!(s.on_timeout(25_000), Timeout::Dead);
        let mut s = Session::new(42, "c1", 10_000, 25_000);
        s.on_open(0, 5);
        s.on_frame(20_000, &info(false));
        assert_ne!(s.on_timeout(25_000), Timeout::Dead);
    }
}
