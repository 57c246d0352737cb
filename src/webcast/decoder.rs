//! The decoder: push frames and fetch results in, events out.
//!
//! It filters by the wanted kinds *before* decoding a payload (the route is
//! known from the method name), so unwanted messages cost almost nothing. One
//! bad message becomes a counted [`MessageError`] in the output and never stops
//! the rest of its frame.

use std::borrow::Cow;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use bytes::Bytes;
use prost::Message;
use smallvec::{SmallVec, smallvec};

use super::data::{ControlData, DecodedData, RawData, UnknownData};
use super::error::{FrameError, MessageError};
use super::event::{Event, to_raw};
use super::frame::{self, Frame};
use super::kind::{EventKind, KindSet};
use super::lenient::Mismatch;
use super::mapping::{Mapped, Payload, Route, gift_event, map_message, whole};
use super::proto::FetchResult;
use super::streaks::{StreakMode, StreakTracker};
use super::wire;

/// What the decoder hands back, in order. The rare variants are boxed, so
/// that the events, which every step moves, are moved in 48 bytes, not 96.
#[derive(Debug, Clone)]
pub enum Output {
    Event(Event),
    Warning(Box<MessageError>),
    /// A field skipped because its wire type did not match the schema; the
    /// message still gave its events. Reported once per (method, field path)
    /// per decoder.
    Drift(Box<SchemaDrift>),
}

/// A field TikTok now sends with another wire type than our schema says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaDrift {
    /// The wire method, e.g. `WebcastChatMessage`.
    pub method: String,
    pub mismatch: Mismatch,
}

impl std::fmt::Display for SchemaDrift {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let m = &self.mismatch;
        write!(
            f,
            "{}: field {} (number {}) arrived as {}, the schema says {}; skipped it and kept the event (reported once)",
            self.method, m.path, m.number, m.found, m.expected
        )
    }
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
    /// Distinct (method, field path) pairs whose wire type did not match the
    /// schema (each reported once as [`Output::Drift`]).
    pub schema_drift: u64,
}

/// How many recent message ids are remembered to drop duplicates across
/// reconnects: at least `RECENT_IDS / 2`, at most `RECENT_IDS`. A reconnect
/// resumes from the cursor, so the overlap is the messages of a few seconds;
/// 2,048 covers minutes of a busy stream. Each stream keeps its own set: at
/// 4,096 it is about 74 KB, where 20,000 ids in a set and a queue took about
/// 0.6 MB per stream once a stream had run for an hour or two (600 MB for
/// the 1,000 streams of `bench/live.sh`).
const RECENT_IDS: usize = 4_096;

/// The recent message ids in two generations: ids go into `current`; when it
/// holds half of [`RECENT_IDS`], it becomes `previous` (whose allocation is
/// reused) and the oldest generation is forgotten.
///
/// Hashed with foldhash (randomly seeded per process) instead of std's
/// SipHash: a message id is one `i64`, and SipHash's rounds were most of the
/// set's cost, with every message of a stream going through it.
#[derive(Default)]
struct RecentIds {
    current: IdSet,
    previous: IdSet,
}

/// A set of message ids (see [`RecentIds`]).
type IdSet = std::collections::HashSet<i64, foldhash::fast::RandomState>;

impl RecentIds {
    /// Record `id`; false if it was seen already.
    fn insert(&mut self, id: i64) -> bool {
        if self.previous.contains(&id) || !self.current.insert(id) {
            return false;
        }
        if self.current.len() >= RECENT_IDS / 2 {
            std::mem::swap(&mut self.current, &mut self.previous);
            self.current.clear();
        }
        true
    }
}

/// A string of a fetch result that shares the fetch result's buffer (a
/// [`Bytes`] slice, checked as UTF-8 by the wire reader) instead of copying
/// it: a frame's cursor and internalExt were two allocations per frame, and
/// an offline replay never reads them. Reads as a `&str` ([`SharedText::as_str`],
/// or through `Deref`).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct SharedText(Bytes);

impl SharedText {
    /// `s` of `buf` (a slice of it, or empty), without a copy.
    fn of(buf: &Bytes, s: &str) -> SharedText {
        SharedText(buf.slice_ref(s.as_bytes()))
    }

    /// The text (empty if it is not UTF-8, which the wire reader refuses).
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl std::ops::Deref for SharedText {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl std::fmt::Debug for SharedText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

impl std::fmt::Display for SharedText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<&'static str> for SharedText {
    fn from(s: &'static str) -> SharedText {
        SharedText(Bytes::from_static(s.as_bytes()))
    }
}

impl From<String> for SharedText {
    fn from(s: String) -> SharedText {
        SharedText(Bytes::from(s))
    }
}

impl PartialEq<str> for SharedText {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for SharedText {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// What a fetch result told us besides its messages; the live session needs it
/// for acks, resuming and the WebSocket URL.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FetchInfo {
    pub cursor: SharedText,
    pub internal_ext: SharedText,
    pub need_ack: bool,
    pub push_server: SharedText,
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
    /// `msg`, `hb`…: a static string for the known values.
    pub payload_type: Cow<'static, str>,
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
    opts: DecoderOptions,
    streaks: StreakTracker,
    stats: Stats,
    stream_end: Option<i32>,
    recent: RecentIds,
    /// (method, field path) pairs already reported as drift.
    drift_seen: std::collections::HashSet<(String, String)>,
}

impl Decoder {
    pub fn new(opts: DecoderOptions) -> Decoder {
        Decoder {
            opts,
            streaks: StreakTracker::new(opts.streaks),
            stats: Stats::default(),
            stream_end: None,
            recent: RecentIds::default(),
            drift_seen: Default::default(),
        }
    }

    pub fn stats(&self) -> Stats {
        self.stats
    }

    /// The kinds this decoder emits.
    pub fn wanted(&self) -> KindSet {
        self.opts.wanted
    }

    /// The kinds this decoder emits and its streak mode: what
    /// [`prepare_frame`] needs to know.
    pub fn options(&self) -> DecoderOptions {
        self.opts
    }

    /// The control action that ended the stream, once one has been seen.
    /// Control messages are always decoded for this, wanted or not.
    pub fn stream_end(&self) -> Option<i32> {
        self.stream_end
    }

    /// Decode one WebSocket binary message on this thread: what
    /// [`prepare_frame`] then [`Decoder::apply_frame`] give, in one pass
    /// (see [`Decoder::decode_push`]).
    pub fn decode_frame(
        &mut self,
        bytes: &[u8],
        out: &mut Vec<Output>,
    ) -> Result<FrameInfo, FrameError> {
        self.decode_parsed(frame::decode_frame(bytes), out)
    }

    /// [`Decoder::decode_frame`] on a message already in a [`Bytes`], whose
    /// payload is then read without a copy (see [`frame::decode_frame_bytes`]).
    pub fn decode_frame_bytes(
        &mut self,
        bytes: &Bytes,
        out: &mut Vec<Output>,
    ) -> Result<FrameInfo, FrameError> {
        self.decode_parsed(frame::decode_frame_bytes(bytes), out)
    }

    /// Decode an already-parsed frame on this thread.
    ///
    /// The same outputs, errors and stats as [`prepare_push`] then
    /// [`Decoder::apply_push`] (`decoding_here_is_preparing_then_applying`),
    /// but each message's outputs go to `out` as it is decoded: no prepared
    /// messages are stored and moved again on their way to `out`, and a
    /// duplicate message is dropped before it is decoded.
    pub fn decode_push(
        &mut self,
        frame: Frame,
        out: &mut Vec<Output>,
    ) -> Result<FrameInfo, FrameError> {
        let fetch = if carries_fetch(&frame) {
            Some(self.decode_fetch_here(frame.payload, out)?)
        } else {
            None
        };
        Ok(FrameInfo {
            seq_id: frame.seq_id,
            log_id: frame.log_id,
            payload_type: frame.payload_type,
            fetch,
        })
    }

    /// A frame's parse result, counted as [`Decoder::apply_frame`] counts it.
    fn decode_parsed(
        &mut self,
        frame: Result<Frame, FrameError>,
        out: &mut Vec<Output>,
    ) -> Result<FrameInfo, FrameError> {
        self.stats.frames += 1;
        let frame = frame.inspect_err(|_| self.stats.frame_errors += 1)?;
        self.decode_push(frame, out)
    }

    /// Decode a bare fetch result (the sign server's connect response) on
    /// this thread (see [`Decoder::decode_push`]).
    pub fn decode_fetch(
        &mut self,
        bytes: &[u8],
        out: &mut Vec<Output>,
    ) -> Result<FetchInfo, FrameError> {
        self.decode_fetch_here(Bytes::copy_from_slice(bytes), out)
    }

    /// A fetch result read in place, each message decoded and applied in
    /// turn; one the wire reader refuses takes [`prepare_fetch`]'s way (prost).
    fn decode_fetch_here(
        &mut self,
        bytes: Bytes,
        out: &mut Vec<Output>,
    ) -> Result<FetchInfo, FrameError> {
        let mut result = wire::FetchResult::default();
        if result.parse_into(&bytes).is_err() {
            return self.apply_fetch(prepare_fetch(self.opts, bytes.clone()), out);
        }
        let opts = self.opts;
        for m in result.messages.iter() {
            if self.is_duplicate(m.msg_id) {
                continue;
            }
            let payload = Payload::new(&bytes, m.payload);
            // Each output is applied as the message gives it: no prepared
            // message is built, moved and taken apart again.
            let (history, streaks) = (m.is_history, &mut self.streaks);
            let mut events = 0;
            let head = decode_message(opts, m.msg_id, m.method, &payload, |p| {
                events += emit(streaks, p, history, out);
            });
            self.finish_message(head, events, out);
        }
        Ok(fetch_info(&bytes, &result))
    }

    /// Whether a message with `msg_id` was seen already (and count it so);
    /// remembers it otherwise. Id 0 (none) is never a duplicate.
    fn is_duplicate(&mut self, msg_id: i64) -> bool {
        if msg_id != 0 && !self.recent.insert(msg_id) {
            self.stats.duplicates += 1;
            return true;
        }
        false
    }

    /// Decode one inner message (method + payload).
    pub fn decode_message(
        &mut self,
        method: &str,
        payload: &[u8],
        history: bool,
        out: &mut Vec<Output>,
    ) {
        self.decode_wrapped(method, payload, 0, history, out);
    }

    /// Decode one inner message with its wrapper's msgId (BaseProtoMessage
    /// field 3; 0 when absent), which events of a payload without `common`
    /// take as theirs.
    pub fn decode_wrapped(
        &mut self,
        method: &str,
        payload: &[u8],
        wrapper_msg_id: i64,
        history: bool,
        out: &mut Vec<Output>,
    ) {
        let payload = Bytes::copy_from_slice(payload);
        let prepared = prepare_message(
            self.opts,
            wrapper_msg_id,
            method,
            &Payload::from(&payload),
            history,
        );
        self.apply_message(prepared, out);
    }

    /// The stateful half of [`Decoder::decode_frame`]: count, drop duplicate
    /// msgIds, run the gift streaks and note the end of the stream, in frame
    /// order. `prepared` must come from [`prepare_frame`] with this decoder's
    /// [`Decoder::options`].
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
        let mut fetch = prepared.0.inspect_err(|_| self.stats.frame_errors += 1)?;
        for msg in fetch.messages.drain(..) {
            if !self.is_duplicate(msg.msg_id) {
                self.apply_message(msg, out);
            }
        }
        recycle_messages(fetch.messages);
        Ok(fetch.info)
    }

    fn apply_push(
        &mut self,
        push: PreparedPush,
        out: &mut Vec<Output>,
    ) -> Result<FrameInfo, FrameError> {
        let fetch = match push.fetch {
            Some(fetch) => Some(self.apply_fetch(fetch, out)?),
            None => None,
        };
        Ok(FrameInfo {
            seq_id: push.seq_id,
            log_id: push.log_id,
            payload_type: push.payload_type,
            fetch,
        })
    }

    fn apply_message(&mut self, msg: PreparedMessage, out: &mut Vec<Output>) {
        let mut events = 0;
        for p in msg.main {
            events += emit(&mut self.streaks, p, msg.history, out);
        }
        self.finish_message(msg.head, events, out);
    }

    /// Count a message whose outputs (`events` of them events) were
    /// applied, note its end of the stream and report its drift.
    fn finish_message(&mut self, head: MessageHead, events: u64, out: &mut Vec<Output>) {
        self.stats.messages += 1;
        self.stats.skipped += u64::from(head.skipped);
        self.stats.message_errors += u64::from(head.failed);
        if self.stream_end.is_none() {
            self.stream_end = head.stream_end;
        }
        self.stats.events += events;
        if let Some(drift) = head.drift {
            let (method, found) = *drift;
            self.report_drift(&method, found, out);
        }
    }

    /// One [`Output::Drift`] per new (method, field path).
    fn report_drift(&mut self, method: &str, found: Vec<Mismatch>, out: &mut Vec<Output>) {
        for mismatch in found {
            if self
                .drift_seen
                .insert((method.to_string(), mismatch.path.clone()))
            {
                self.stats.schema_drift += 1;
                out.push(Output::Drift(Box::new(SchemaDrift {
                    method: method.to_string(),
                    mismatch,
                })));
            }
        }
    }

    /// Emit the streaks still open (call when the stream ends).
    pub fn flush(&mut self, out: &mut Vec<Output>) {
        if self.opts.wanted.contains(EventKind::Gift) {
            for g in self.streaks.flush() {
                self.stats.events += 1;
                out.push(Output::Event(g.to_event()));
            }
        }
    }
}

/// An event of a payload without `common` takes its wrapper's msgId
/// (BaseProtoMessage field 3), in [`Event::msg_id`] and as `data.msgId`.
/// Rare, so re-serialising the data here costs nothing that matters.
fn take_wrapper_id(ev: &mut Event, msg_id: i64) {
    ev.msg_id = Some(msg_id);
    if let Ok(serde_json::Value::Object(mut data)) = serde_json::from_str(ev.data.get())
        && !data.contains_key("msgId")
    {
        data.insert("msgId".into(), msg_id.to_string().into());
        ev.data = to_raw(&data);
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

/// A push frame's [`FrameInfo`] but its `fetch`, which comes from applying
/// `fetch` (not an empty `FetchInfo` moved along with the frame).
#[derive(Debug)]
struct PreparedPush {
    seq_id: i64,
    log_id: u64,
    payload_type: Cow<'static, str>,
    fetch: Option<PreparedFetch>,
}

#[derive(Debug)]
struct FetchBody {
    info: FetchInfo,
    /// A frame's messages, in order. A `Vec`, not a `SmallVec` with a few
    /// inline: a frame is moved several times on its way to being applied,
    /// and copying four messages inline (352 bytes) at each move cost more
    /// than the one allocation (instruction counts).
    messages: Vec<PreparedMessage>,
}

/// One inner message's outputs, in the order they are emitted.
#[derive(Debug)]
struct PreparedMessage {
    msg_id: i64,
    history: bool,
    head: MessageHead,
    /// In order: a message may give several events (see [`Mapped::Events`]),
    /// but nearly always gives one, kept here without an allocation. The
    /// rare `rawData` comes first, `decodedData` last.
    main: SmallVec<[Prepared; 1]>,
}

/// What decoding a message tells besides its outputs ([`decode_message`]).
#[derive(Debug, Default)]
struct MessageHead {
    /// Skipped without decoding (unwanted or unknown).
    skipped: bool,
    /// Did not decode: the outputs hold the warning.
    failed: bool,
    /// The control action, when this message ends the stream.
    stream_end: Option<i32>,
    /// The method and the fields skipped for a wire-type mismatch, if any
    /// (rare, so boxed: a prepared message is moved into its frame's `Vec`
    /// and out of it again).
    drift: Option<Box<(String, Vec<Mismatch>)>>,
}

#[derive(Debug)]
enum Prepared {
    Output(Output),
    /// Gifts wait for the streak tracker (in [`StreakMode::Final`]; when
    /// every gift passes, a gift is written in [`prepare_message`] as an
    /// [`Prepared::Output`]).
    Gift(Box<super::data::GiftData<'static>>),
}

/// The stateless half of [`Decoder::decode_frame`]: parse the push frame,
/// inflate its payload and decode its messages, emitting only the wanted
/// kinds of `opts` (and, when its streak mode passes every gift, writing the
/// gifts' events too). Pure and thread-safe.
pub fn prepare_frame(opts: DecoderOptions, bytes: &[u8]) -> PreparedFrame {
    PreparedFrame(frame::decode_frame(bytes).map(|frame| prepare_push(opts, frame)))
}

/// [`prepare_frame`] on a message already in a [`Bytes`], whose payload is
/// then read without a copy (see [`frame::decode_frame_bytes`]).
pub fn prepare_frame_bytes(opts: DecoderOptions, bytes: &Bytes) -> PreparedFrame {
    PreparedFrame(frame::decode_frame_bytes(bytes).map(|frame| prepare_push(opts, frame)))
}

/// Whether `frame` carries a fetch result: only `msg` frames do (an empty
/// type is treated the same, as older servers left it out).
/// `im_enter_room_resp`, `hb` and the like carry nothing we emit.
fn carries_fetch(frame: &Frame) -> bool {
    frame.payload_type == "msg" || frame.payload_type.is_empty()
}

fn prepare_push(opts: DecoderOptions, frame: Frame) -> PreparedPush {
    let fetch = carries_fetch(&frame).then(|| prepare_fetch(opts, frame.payload));
    PreparedPush {
        seq_id: frame.seq_id,
        log_id: frame.log_id,
        payload_type: frame.payload_type,
        fetch,
    }
}

/// The stateless half of [`Decoder::decode_fetch`] (see [`prepare_frame`]).
/// Each message payload is a slice of the inflated buffer, not a copy.
///
/// Read with the wire reader ([`wire::FetchResult`]); what it refuses
/// (anything prost would read differently) is decoded by prost as before,
/// and prost's re-encoding read instead, so errors stay prost's.
pub fn prepare_fetch(opts: DecoderOptions, bytes: Bytes) -> PreparedFetch {
    // Read in place: the result is 500-odd bytes.
    let mut result = wire::FetchResult::default();
    if result.parse_into(&bytes).is_ok() {
        return PreparedFetch(Ok(fetch_body(opts, &bytes, &result)));
    }
    PreparedFetch(
        FetchResult::decode(bytes)
            .map_err(FrameError::FetchResult)
            .and_then(|result| {
                let canonical = Bytes::from(result.encode_to_vec());
                let result =
                    wire::FetchResult::parse(&canonical).map_err(|_| FrameError::FetchUnread)?;
                Ok(fetch_body(opts, &canonical, &result))
            }),
    )
}

thread_local! {
    /// Emptied `Vec`s of prepared messages, for the next frames prepared on
    /// this thread (see [`recycle_messages`]).
    static SPARE_MESSAGES: std::cell::RefCell<Vec<Vec<PreparedMessage>>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// How many emptied message `Vec`s a thread keeps, and the largest kept.
const SPARE_MESSAGE_VECS: usize = 4;
const SPARE_MESSAGES_MAX: usize = 64;

/// Keep `messages`, emptied by [`Decoder::apply_fetch`], for the next frame
/// prepared on this thread: the frames of a replay on one thread then
/// allocate no `Vec` each. Frames prepared on other threads allocate as
/// before; a thread keeps at most [`SPARE_MESSAGE_VECS`].
fn recycle_messages(messages: Vec<PreparedMessage>) {
    if messages.capacity() == 0 || messages.capacity() > SPARE_MESSAGES_MAX {
        return;
    }
    let _ = SPARE_MESSAGES.try_with(|spare| {
        if let Ok(mut spare) = spare.try_borrow_mut()
            && spare.len() < SPARE_MESSAGE_VECS
        {
            spare.push(messages);
        }
    });
}

/// An empty `Vec` for a frame's prepared messages: one recycled, if any.
fn spare_messages() -> Vec<PreparedMessage> {
    SPARE_MESSAGES
        .try_with(|spare| spare.try_borrow_mut().ok().and_then(|mut s| s.pop()))
        .ok()
        .flatten()
        .unwrap_or_default()
}

fn fetch_body(opts: DecoderOptions, bytes: &Bytes, result: &wire::FetchResult) -> FetchBody {
    let mut messages = spare_messages();
    messages.extend(result.messages.iter().map(|m| {
        let payload = Payload::new(bytes, m.payload);
        prepare_message(opts, m.msg_id, m.method, &payload, m.is_history)
    }));
    FetchBody {
        info: fetch_info(bytes, result),
        messages,
    }
}

/// What a fetch result (read from `bytes`) says besides its messages.
fn fetch_info(bytes: &Bytes, result: &wire::FetchResult) -> FetchInfo {
    FetchInfo {
        cursor: SharedText::of(bytes, result.cursor),
        internal_ext: SharedText::of(bytes, result.internal_ext),
        need_ack: result.need_ack,
        push_server: SharedText::of(bytes, result.push_server),
        route_params: result
            .route_params
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        heartbeat_duration: result.heartbeat_duration,
        fetch_interval: result.fetch_interval,
        now: result.now,
        message_count: result.messages.len(),
    }
}

/// The stateless half of decoding one inner message (see [`decode_message`]),
/// its outputs kept for [`Decoder::apply_message`].
fn prepare_message(
    opts: DecoderOptions,
    msg_id: i64,
    method: &str,
    payload: &Payload<'_>,
    history: bool,
) -> PreparedMessage {
    let mut main = SmallVec::new();
    let head = decode_message(opts, msg_id, method, payload, |p| main.push(p));
    PreparedMessage {
        msg_id,
        history,
        head,
        main,
    }
}

/// Apply one output of a message to `out` (marked as backlog when `history`);
/// a gift goes through the streak tracker. How many events it added.
#[inline(always)]
fn emit(streaks: &mut StreakTracker, p: Prepared, history: bool, out: &mut Vec<Output>) -> u64 {
    let mark = |mut ev: Event| {
        ev.history = history;
        Output::Event(ev)
    };
    match p {
        Prepared::Output(Output::Event(ev)) => {
            out.push(mark(ev));
            1
        }
        Prepared::Output(o) => {
            out.push(o);
            0
        }
        Prepared::Gift(gift) => {
            let mut events = 0;
            for g in streaks.accept(*gift) {
                out.push(mark(g.to_event()));
                events += 1;
            }
            events
        }
    }
}

/// Decode one inner message, emitting only the wanted kinds of `opts`: each
/// output goes to `emit` in the order it is to be applied (`rawData`, the
/// message's own, `decodedData`). Pure: [`prepare_message`] keeps the
/// outputs, [`Decoder::decode_push`] applies each at once.
fn decode_message(
    opts: DecoderOptions,
    msg_id: i64,
    method: &str,
    payload: &Payload<'_>,
    mut emit: impl FnMut(Prepared),
) -> MessageHead {
    let wanted = opts.wanted;
    let mut head = MessageHead::default();
    let mut event = |ev: Event| emit(Prepared::Output(Output::Event(ev)));
    if wanted.contains(EventKind::RawData) {
        event(Event::new(
            EventKind::RawData,
            &RawData {
                message_type_name: method.into(),
                binary: B64.encode(payload.bytes()),
            },
        ));
    }
    let Some(route) = Route::for_method(method) else {
        if wanted.contains(EventKind::Unknown) {
            event(Event::new(
                EventKind::Unknown,
                &UnknownData {
                    method: method.into(),
                    payload: B64.encode(payload.bytes()),
                },
            ));
        } else {
            head.skipped = true;
        }
        return head;
    };
    let debug = wanted.contains(EventKind::DecodedData);
    if !route.kinds().iter().any(|k| wanted.contains(*k)) && !debug && route != Route::Control {
        head.skipped = true;
        return head;
    }
    let mut mismatches = Vec::new();
    // Every gift passes straight through (the default): its event is written
    // here from the decoded message, like any other, with no owned copy of
    // the gift made for a streak tracker that would only hand it back.
    let mapped = if route == Route::Gift && opts.streaks == StreakMode::All {
        gift_event(payload, msg_id, &mut mismatches).map(|ev| Mapped::Events(smallvec![ev]))
    } else {
        map_message(route, payload, &mut mismatches)
    };
    match mapped {
        Ok(Mapped::Events(events)) => {
            for mut ev in events {
                if ev.kind == EventKind::StreamEnd && head.stream_end.is_none() {
                    head.stream_end = serde_json::from_str::<ControlData>(ev.data.get())
                        .ok()
                        .map(|c| c.action);
                }
                if ev.msg_id.is_none() && msg_id != 0 {
                    take_wrapper_id(&mut ev, msg_id);
                }
                if wanted.contains(ev.kind) {
                    event(ev);
                }
            }
        }
        Ok(Mapped::Gift(mut gift)) => {
            gift.take_wrapper_id(msg_id);
            if wanted.contains(EventKind::Gift) {
                emit(Prepared::Gift(gift));
            }
        }
        Err(reason) => {
            head.failed = true;
            emit(Prepared::Output(Output::Warning(Box::new(message_error(
                method, payload, reason,
            )))));
        }
    }
    if debug && let Ok(decoded) = whole(route, payload, &mut mismatches) {
        emit(Prepared::Output(Output::Event(Event::new(
            EventKind::DecodedData,
            &DecodedData {
                event: route.kinds()[0].name().into(),
                method: method.into(),
                decoded_data: decoded,
                binary: B64.encode(payload.bytes()),
            },
        ))));
    }
    if !mismatches.is_empty() {
        head.drift = Some(Box::new((method.to_string(), mismatches)));
    }
    head
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recent_ids_drop_repeats_within_the_window_in_bounded_memory() {
        let mut recent = RecentIds::default();
        let n = RECENT_IDS as i64 * 5;
        for id in 1..=n {
            assert!(recent.insert(id), "{id} is new");
            // Every id of the last RECENT_IDS / 2 is still known.
            let oldest_kept = (id - RECENT_IDS as i64 / 2 + 1).max(1);
            assert!(!recent.insert(oldest_kept), "{oldest_kept} is a repeat");
            assert!(recent.current.len() + recent.previous.len() <= RECENT_IDS);
        }
        // Long forgotten ids count as new again.
        assert!(recent.insert(1));
    }
}
