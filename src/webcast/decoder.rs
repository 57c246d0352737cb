//! The decoder: push frames and fetch results in, events out.
//!
//! It filters by the wanted kinds *before* decoding a payload (the route is
//! known from the method name), so unwanted messages cost almost nothing. One
//! bad message becomes a counted [`MessageError`] in the output and never stops
//! the rest of its frame.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use bytes::Bytes;
use prost::Message;
use serde_json::json;

use super::error::{FrameError, MessageError};
use super::event::Event;
use super::frame::{self, Frame};
use super::kind::{EventKind, KindSet};
use super::mapping::{Mapped, Route, map_message, whole};
use super::proto::FetchResult;
use super::streaks::{StreakMode, StreakTracker};

/// What the decoder hands back, in order.
#[derive(Debug, Clone)]
pub enum Output {
    Event(Event),
    Warning(MessageError),
}

/// Running totals, for summaries and the status endpoint.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    pub frames: u64,
    pub frame_errors: u64,
    pub messages: u64,
    /// Messages skipped without decoding (unwanted kind or unknown method).
    pub skipped: u64,
    pub message_errors: u64,
    pub events: u64,
    /// Messages dropped because their msgId was seen already (TikTok resends
    /// recent messages after a reconnect).
    pub duplicates: u64,
}

/// The last [`RECENT_IDS`] message ids, to drop duplicates across reconnects
/// in bounded memory.
const RECENT_IDS: usize = 20_000;

#[derive(Default)]
struct RecentIds {
    set: std::collections::HashSet<i64>,
    order: std::collections::VecDeque<i64>,
}

impl RecentIds {
    /// Record `id`; false if it was seen already.
    fn insert(&mut self, id: i64) -> bool {
        if !self.set.insert(id) {
            return false;
        }
        self.order.push_back(id);
        if self.order.len() > RECENT_IDS
            && let Some(old) = self.order.pop_front()
        {
            self.set.remove(&old);
        }
        true
    }
}

/// What a fetch result told us besides its messages; the live session needs it
/// for acks, resuming and the WebSocket URL.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FetchInfo {
    pub cursor: String,
    pub internal_ext: String,
    pub need_ack: bool,
    pub push_server: String,
    pub route_params: Vec<(String, String)>,
    pub heartbeat_duration: i64,
    pub fetch_interval: i64,
    pub now: i64,
    pub message_count: usize,
}

/// What a push frame told us.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FrameInfo {
    pub seq_id: i64,
    pub log_id: u64,
    pub payload_type: String,
    /// Present for `msg` frames.
    pub fetch: Option<FetchInfo>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecoderOptions {
    /// The kinds to emit. `rawData`, `decodedData` and `unknown` only when named.
    pub wanted: KindSet,
    pub streaks: StreakMode,
}

impl Default for DecoderOptions {
    fn default() -> Self {
        DecoderOptions {
            wanted: KindSet::default_set(),
            streaks: StreakMode::All,
        }
    }
}

pub struct Decoder {
    wanted: KindSet,
    streaks: StreakTracker,
    stats: Stats,
    stream_end: Option<i32>,
    recent: RecentIds,
}

impl Decoder {
    pub fn new(opts: DecoderOptions) -> Decoder {
        Decoder {
            wanted: opts.wanted,
            streaks: StreakTracker::new(opts.streaks),
            stats: Stats::default(),
            stream_end: None,
            recent: RecentIds::default(),
        }
    }

    pub fn stats(&self) -> Stats {
        self.stats
    }

    /// The control action that ended the stream, once one has been seen.
    /// Control messages are always decoded for this, wanted or not.
    pub fn stream_end(&self) -> Option<i32> {
        self.stream_end
    }

    /// Decode one WebSocket binary message: [`prepare_frame`] then
    /// [`Decoder::apply_frame`].
    pub fn decode_frame(
        &mut self,
        bytes: &[u8],
        out: &mut Vec<Output>,
    ) -> Result<FrameInfo, FrameError> {
        let prepared = prepare_frame(self.wanted, bytes);
        self.apply_frame(prepared, out)
    }

    /// Decode an already-parsed frame.
    pub fn decode_push(
        &mut self,
        frame: Frame,
        out: &mut Vec<Output>,
    ) -> Result<FrameInfo, FrameError> {
        let prepared = prepare_push(self.wanted, frame);
        self.apply_push(prepared, out)
    }

    /// Decode a bare fetch result (the sign server's connect response).
    pub fn decode_fetch(
        &mut self,
        bytes: &[u8],
        out: &mut Vec<Output>,
    ) -> Result<FetchInfo, FrameError> {
        let prepared = prepare_fetch(self.wanted, Bytes::copy_from_slice(bytes));
        self.apply_fetch(prepared, out)
    }

    /// Decode one inner message (method + payload).
    pub fn decode_message(
        &mut self,
        method: &str,
        payload: &[u8],
        history: bool,
        out: &mut Vec<Output>,
    ) {
        let prepared = prepare_message(self.wanted, 0, method, payload, history);
        self.apply_message(prepared, out);
    }

    /// The stateful half of [`Decoder::decode_frame`]: count, drop duplicate
    /// msgIds, run the gift streaks and note the end of the stream, in frame
    /// order. `prepared` must come from [`prepare_frame`] with this decoder's
    /// wanted kinds.
    ///
    /// # Errors
    /// The frame's [`FrameError`], counted in [`Stats::frame_errors`].
    pub fn apply_frame(
        &mut self,
        prepared: PreparedFrame,
        out: &mut Vec<Output>,
    ) -> Result<FrameInfo, FrameError> {
        self.stats.frames += 1;
        let push = prepared.0.inspect_err(|_| self.stats.frame_errors += 1)?;
        self.apply_push(push, out)
    }

    /// The stateful half of [`Decoder::decode_fetch`] (see
    /// [`Decoder::apply_frame`]).
    ///
    /// # Errors
    /// [`FrameError::FetchResult`] when the fetch result did not decode.
    pub fn apply_fetch(
        &mut self,
        prepared: PreparedFetch,
        out: &mut Vec<Output>,
    ) -> Result<FetchInfo, FrameError> {
        let fetch = prepared.0.inspect_err(|_| self.stats.frame_errors += 1)?;
        for msg in fetch.messages {
            if msg.msg_id != 0 && !self.recent.insert(msg.msg_id) {
                self.stats.duplicates += 1;
                continue;
            }
            self.apply_message(msg, out);
        }
        Ok(fetch.info)
    }

    fn apply_push(
        &mut self,
        push: PreparedPush,
        out: &mut Vec<Output>,
    ) -> Result<FrameInfo, FrameError> {
        let mut info = push.info;
        if let Some(fetch) = push.fetch {
            info.fetch = Some(self.apply_fetch(fetch, out)?);
        }
        Ok(info)
    }

    fn apply_message(&mut self, msg: PreparedMessage, out: &mut Vec<Output>) {
        self.stats.messages += 1;
        self.stats.skipped += u64::from(msg.skipped);
        self.stats.message_errors += u64::from(msg.failed);
        if self.stream_end.is_none() {
            self.stream_end = msg.stream_end;
        }
        let start = out.len();
        out.extend(msg.raw.map(Output::Event));
        match msg.main {
            Some(Prepared::Output(o)) => out.push(o),
            Some(Prepared::Gift(gift)) => {
                for g in self.streaks.accept(*gift) {
                    out.push(Output::Event(g.into_event()));
                }
            }
            None => {}
        }
        out.extend(msg.decoded.map(Output::Event));
        self.mark(out, start, msg.history);
    }

    /// Emit the streaks still open (call when the stream ends).
    pub fn flush(&mut self, out: &mut Vec<Output>) {
        if self.wanted.contains(EventKind::Gift) {
            for g in self.streaks.flush() {
                self.stats.events += 1;
                out.push(Output::Event(g.into_event()));
            }
        }
    }

    fn mark(&mut self, out: &mut [Output], start: usize, history: bool) {
        for o in &mut out[start..] {
            if let Output::Event(ev) = o {
                self.stats.events += 1;
                ev.history = history;
            }
        }
    }
}

fn message_error(method: &str, payload: &[u8], reason: String) -> MessageError {
    MessageError {
        method: method.to_string(),
        reason,
        preview: B64.encode(&payload[..payload.len().min(48)]),
        payload_len: payload.len(),
    }
}

/// A push frame decoded as far as it can be without a [`Decoder`]'s state:
/// inflated, its fetch result and every wanted message decoded and built into
/// events. The costly part of decoding, and `Send`, so frames can be prepared
/// on many threads and applied in order ([`Decoder::apply_frame`]).
#[derive(Debug)]
pub struct PreparedFrame(Result<PreparedPush, FrameError>);

/// A bare fetch result prepared like a [`PreparedFrame`].
#[derive(Debug)]
pub struct PreparedFetch(Result<FetchBody, FrameError>);

#[derive(Debug)]
struct PreparedPush {
    /// Without its `fetch`, which comes from applying `self.fetch`.
    info: FrameInfo,
    fetch: Option<PreparedFetch>,
}

#[derive(Debug)]
struct FetchBody {
    info: FetchInfo,
    messages: Vec<PreparedMessage>,
}

/// One inner message's outputs, in the order they are emitted.
#[derive(Debug)]
struct PreparedMessage {
    msg_id: i64,
    history: bool,
    /// Skipped without decoding (unwanted or unknown).
    skipped: bool,
    /// Did not decode: `main` holds the warning.
    failed: bool,
    /// The control action, when this message ends the stream.
    stream_end: Option<i32>,
    raw: Option<Event>,
    main: Option<Prepared>,
    decoded: Option<Event>,
}

#[derive(Debug)]
enum Prepared {
    Output(Output),
    /// Gifts wait for the streak tracker.
    Gift(Box<super::mapping::GiftData>),
}

/// The stateless half of [`Decoder::decode_frame`]: parse the push frame,
/// inflate its payload and decode its messages, emitting only the `wanted`
/// kinds. Pure and thread-safe.
pub fn prepare_frame(wanted: KindSet, bytes: &[u8]) -> PreparedFrame {
    PreparedFrame(frame::decode_frame(bytes).map(|frame| prepare_push(wanted, frame)))
}

fn prepare_push(wanted: KindSet, frame: Frame) -> PreparedPush {
    // Only `msg` frames carry a fetch result (an empty type is treated the
    // same, as older servers left it out). `im_enter_room_resp`, `hb` and
    // the like carry nothing we emit.
    let fetch = (frame.payload_type == "msg" || frame.payload_type.is_empty())
        .then(|| prepare_fetch(wanted, frame.payload));
    PreparedPush {
        info: FrameInfo {
            seq_id: frame.seq_id,
            log_id: frame.log_id,
            payload_type: frame.payload_type,
            fetch: None,
        },
        fetch,
    }
}

/// The stateless half of [`Decoder::decode_fetch`] (see [`prepare_frame`]).
/// Decoding from `Bytes` makes each message payload a slice of the inflated
/// buffer instead of a copy.
pub fn prepare_fetch(wanted: KindSet, bytes: Bytes) -> PreparedFetch {
    PreparedFetch(
        FetchResult::decode(bytes)
            .map_err(FrameError::FetchResult)
            .map(|result| {
                let messages = result
                    .messages
                    .iter()
                    .map(|m| prepare_message(wanted, m.msg_id, &m.method, &m.payload, m.is_history))
                    .collect();
                let mut route_params: Vec<(String, String)> =
                    result.route_params.into_iter().collect();
                route_params.sort();
                FetchBody {
                    info: FetchInfo {
                        cursor: result.cursor,
                        internal_ext: result.internal_ext,
                        need_ack: result.need_ack,
                        push_server: result.push_server,
                        route_params,
                        heartbeat_duration: result.heartbeat_duration,
                        fetch_interval: result.fetch_interval,
                        now: result.now,
                        message_count: result.messages.len(),
                    },
                    messages,
                }
            }),
    )
}

fn prepare_message(
    wanted: KindSet,
    msg_id: i64,
    method: &str,
    payload: &[u8],
    history: bool,
) -> PreparedMessage {
    let mut msg = PreparedMessage {
        msg_id,
        history,
        skipped: false,
        failed: false,
        stream_end: None,
        raw: None,
        main: None,
        decoded: None,
    };
    if wanted.contains(EventKind::RawData) {
        msg.raw = Some(Event::new(
            EventKind::RawData,
            &json!({"messageTypeName": method, "binary": B64.encode(payload)}),
        ));
    }
    let Some(route) = Route::for_method(method) else {
        if wanted.contains(EventKind::Unknown) {
            msg.main = Some(Prepared::Output(Output::Event(Event::new(
                EventKind::Unknown,
                &json!({"method": method, "payload": B64.encode(payload)}),
            ))));
        } else {
            msg.skipped = true;
        }
        return msg;
    };
    let debug = wanted.contains(EventKind::DecodedData);
    if !route.kinds().iter().any(|k| wanted.contains(*k)) && !debug && route != Route::Control {
        msg.skipped = true;
        return msg;
    }
    match map_message(route, payload) {
        Ok(Mapped::Event(ev)) => {
            if ev.kind == EventKind::StreamEnd {
                msg.stream_end = serde_json::from_str::<serde_json::Value>(ev.data.get())
                    .ok()
                    .and_then(|v| v["action"].as_i64())
                    .map(|a| a as i32);
            }
            if wanted.contains(ev.kind) {
                msg.main = Some(Prepared::Output(Output::Event(ev)));
            }
        }
        Ok(Mapped::Gift(gift)) => {
            if wanted.contains(EventKind::Gift) {
                msg.main = Some(Prepared::Gift(gift));
            }
        }
        Err(reason) => {
            msg.failed = true;
            msg.main = Some(Prepared::Output(Output::Warning(message_error(
                method, payload, reason,
            ))));
        }
    }
    if debug && let Ok(decoded) = whole(route, payload) {
        msg.decoded = Some(Event::new(
            EventKind::DecodedData,
            &json!({
                "event": route.kinds()[0].name(),
                "method": method,
                "decodedData": decoded,
                "binary": B64.encode(payload),
            }),
        ));
    }
    msg
}
