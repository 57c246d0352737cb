//! One stream's decoding at the edge: the pure decoder plus what it must not
//! do itself — stamping each event with an id and a timestamp, printing
//! warnings, and the control events (`connected`, `disconnected`, `error`).
//! Every source (live, replay, demo) goes through this, so they all produce
//! identical events from identical bytes.

use bytes::Bytes;

use crate::ids::{self, new_id};
use crate::term;
use crate::webcast::Control;
use crate::webcast::time::format_iso_millis;
use crate::webcast::{
    Decoder, DecoderOptions, Envelope, Event, FetchInfo, FrameError, FrameInfo, KindSet, Output,
    PreparedFetch, PreparedFrame,
};

/// Where stamped events go: a batch of [`Envelope`]s for another task or
/// thread, or NDJSON written at once (`crate::term::StdoutNdjson`).
pub trait EventSink {
    /// One event of `streamer`'s stream with its `timestamp` (ISO-8601 UTC
    /// with milliseconds) and `id` (a UUID).
    fn event(&mut self, event: Event, streamer: &str, timestamp: &str, id: &str);
}

impl EventSink for Vec<Envelope> {
    fn event(&mut self, event: Event, streamer: &str, timestamp: &str, id: &str) {
        self.push(Envelope::new(
            event,
            streamer,
            timestamp.to_string(),
            id.to_string(),
        ));
    }
}

/// Where a live stream's task gathers its stamped events until it hands them
/// to the consumer's task in one batch (per burst of frames, or per control
/// event): a [`Vec`] of [`Envelope`]s ([`Envelopes`]), or NDJSON text
/// (`crate::term::NdjsonLines`). The gatherer lives as long as the stream;
/// each batch taken from it travels on a channel.
pub trait Gather: EventSink + Send + Sync + 'static {
    /// What is handed over: the events gathered since the last
    /// [`Gather::take`], in order.
    type Batch: Send + 'static;

    /// How many events are gathered (not yet taken).
    fn len(&self) -> usize;

    /// Whether no event is gathered.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The gathered events as one batch, `None` when there are none; the
    /// gatherer starts again empty.
    fn take(&mut self) -> Option<Self::Batch>;

    /// Put the events of `batch` (taken from this gatherer earlier) after
    /// the ones gathered now.
    fn append(&mut self, batch: Self::Batch);
}

/// The events of a stream gathered as [`Envelope`]s, for consumers that
/// read the events (NATS, webhooks, the web UI, pretty output). With
/// `recycled`, each batch's vector is one the consumer gave back (see
/// [`crate::term::recycle_channel`]).
#[derive(Default)]
pub struct Envelopes {
    batch: Vec<Envelope>,
    recycled: Option<std::sync::Arc<crate::term::Recycled>>,
}

impl Envelopes {
    /// Gather into vectors taken back from `recycled` when there is one.
    pub fn new(recycled: Option<std::sync::Arc<crate::term::Recycled>>) -> Envelopes {
        Envelopes {
            batch: Vec::new(),
            recycled,
        }
    }
}

impl EventSink for Envelopes {
    fn event(&mut self, event: Event, streamer: &str, timestamp: &str, id: &str) {
        if self.batch.capacity() == 0
            && let Some(r) = &self.recycled
        {
            self.batch = r.batch();
        }
        self.batch.event(event, streamer, timestamp, id);
    }
}

impl Gather for Envelopes {
    type Batch = Vec<Envelope>;

    fn len(&self) -> usize {
        self.batch.len()
    }

    fn take(&mut self) -> Option<Vec<Envelope>> {
        (!self.batch.is_empty()).then(|| std::mem::take(&mut self.batch))
    }

    fn append(&mut self, batch: Vec<Envelope>) {
        self.batch.extend(batch);
    }
}

pub struct Pipeline {
    decoder: Decoder,
    stamper: Stamper,
    scratch: Vec<Output>,
}

/// What a stream's events get at the edge, whoever decoded them (a
/// [`Pipeline`]'s decoder, or a live [`crate::webcast::Connection`]): an id and
/// a timestamp each, the streamer's name, and warnings printed with it.
pub struct Stamper {
    wanted: KindSet,
    streamer: String,
    room_id: String,
    /// The ids of `room_id`'s messages.
    ids: ids::MessageIds,
    indexer: ids::Indexer,
    /// The last timestamp formatted, and its instant in ms: the events of a
    /// frame, and often of several frames, share it.
    timestamp: (i64, String),
    /// The capture line of the record being applied (0: not from a file),
    /// named in a skipped frame's warning.
    line: u64,
}

impl Pipeline {
    pub fn new(opts: DecoderOptions, streamer: &str) -> Pipeline {
        Pipeline {
            decoder: Decoder::new(opts),
            stamper: Stamper::new(opts.wanted, streamer),
            scratch: Vec::new(),
        }
    }

    /// The room the following frames come from (see [`Stamper::set_room`]).
    pub fn set_room(&mut self, room_id: &str) {
        self.stamper.set_room(room_id);
    }

    pub fn streamer(&self) -> &str {
        self.stamper.streamer()
    }

    pub fn decoder(&self) -> &Decoder {
        &self.decoder
    }

    /// The kinds this pipeline emits and its streak mode: what
    /// [`crate::webcast::prepare_frame`] needs to know.
    pub fn options(&self) -> DecoderOptions {
        self.decoder.options()
    }

    /// A WebSocket binary message received at `t_ms`, decoded on this thread.
    pub fn frame(
        &mut self,
        bytes: &[u8],
        t_ms: i64,
        batch: &mut impl EventSink,
    ) -> Result<FrameInfo, FrameError> {
        self.apply("frame", bytes.len(), t_ms, batch, |d, out| {
            d.decode_frame(bytes, out)
        })
    }

    /// [`Pipeline::frame`] for a message in a [`Bytes`] (its payload is
    /// read without a copy).
    pub fn frame_bytes(
        &mut self,
        bytes: &Bytes,
        t_ms: i64,
        batch: &mut impl EventSink,
    ) -> Result<FrameInfo, FrameError> {
        self.apply("frame", bytes.len(), t_ms, batch, |d, out| {
            d.decode_frame_bytes(bytes, out)
        })
    }

    /// A frame of `len` bytes received at `t_ms` and already prepared (on any
    /// thread) by [`crate::webcast::prepare_frame`] with [`Pipeline::options`]. Frames must be
    /// applied in the order they were received.
    pub fn apply_frame(
        &mut self,
        prepared: PreparedFrame,
        len: usize,
        t_ms: i64,
        batch: &mut impl EventSink,
    ) -> Result<FrameInfo, FrameError> {
        self.apply("frame", len, t_ms, batch, |d, out| {
            d.apply_frame(prepared, out)
        })
    }

    /// A bare fetch result (the sign server's first response) received at `t_ms`.
    pub fn fetch(
        &mut self,
        bytes: &[u8],
        t_ms: i64,
        batch: &mut impl EventSink,
    ) -> Result<FetchInfo, FrameError> {
        self.apply("fetch result", bytes.len(), t_ms, batch, |d, out| {
            d.decode_fetch(bytes, out)
        })
    }

    /// A fetch result of `len` bytes prepared by [`crate::webcast::prepare_fetch`] (see
    /// [`Pipeline::apply_frame`]).
    pub fn apply_fetch(
        &mut self,
        prepared: PreparedFetch,
        len: usize,
        t_ms: i64,
        batch: &mut impl EventSink,
    ) -> Result<FetchInfo, FrameError> {
        self.apply("fetch result", len, t_ms, batch, |d, out| {
            d.apply_fetch(prepared, out)
        })
    }

    /// Run `apply` on the decoder, warn about its error (naming `what` and its
    /// `len` in bytes), and stamp what it produced.
    fn apply<T>(
        &mut self,
        what: &str,
        len: usize,
        t_ms: i64,
        batch: &mut impl EventSink,
        apply: impl FnOnce(&mut Decoder, &mut Vec<Output>) -> Result<T, FrameError>,
    ) -> Result<T, FrameError> {
        let result = apply(&mut self.decoder, &mut self.scratch);
        if let Err(e) = &result {
            self.stamper.skipped(what, len, e);
        }
        self.stamper.stamp(self.scratch.drain(..), t_ms, batch);
        result
    }

    /// A control event (see [`Stamper::control`]).
    pub fn control(&mut self, control: &Control, t_ms: i64, batch: &mut impl EventSink) {
        self.stamper.control(control, t_ms, batch);
    }

    /// The stream is over: emit what is still held (unfinished gift streaks).
    pub fn finish(&mut self, t_ms: i64, batch: &mut impl EventSink) {
        self.decoder.flush(&mut self.scratch);
        self.stamper.stamp(self.scratch.drain(..), t_ms, batch);
    }

    /// The capture line (1-based) of the record applied next, named if it is
    /// skipped; 0 for a record that did not come from a file.
    pub fn set_line(&mut self, line: u64) {
        self.stamper.line = line;
    }

    /// The control action that ended the stream, if one was seen.
    pub fn stream_end(&self) -> Option<i32> {
        self.decoder.stream_end()
    }
}

impl Stamper {
    /// Stamps `streamer`'s events, passing on only the `wanted` kinds of
    /// control events.
    pub fn new(wanted: KindSet, streamer: &str) -> Stamper {
        Stamper {
            wanted,
            streamer: streamer.to_string(),
            room_id: String::new(),
            ids: ids::MessageIds::new(""),
            indexer: ids::Indexer::default(),
            timestamp: (0, format_iso_millis(0)),
            line: 0,
        }
    }

    /// The room the following events come from: part of every message
    /// event's deterministic id (see [`ids`]).
    pub fn set_room(&mut self, room_id: &str) {
        if self.room_id != room_id {
            self.room_id = room_id.to_string();
            self.ids = ids::MessageIds::new(room_id);
        }
    }

    pub fn streamer(&self) -> &str {
        &self.streamer
    }

    /// Warn that a `what` of `len` bytes was skipped because of `e`, naming
    /// its capture line when it came from one (see [`Pipeline::set_line`]).
    pub fn skipped(&self, what: &str, len: usize, e: &FrameError) {
        let label = self.label();
        match self.line {
            0 => term::warn(format_args!("{label}: skipped a {what} ({len} bytes): {e}")),
            n => term::warn(format_args!(
                "{label}: capture line {n}: skipped a {what} ({len} bytes): {e}"
            )),
        }
    }

    /// A control event (`connected`, `disconnected`, `error`), if wanted.
    /// Every source builds them here, from the typed [`Control`].
    pub fn control(&mut self, control: &Control, t_ms: i64, batch: &mut impl EventSink) {
        if self.wanted.contains(control.kind()) {
            let id = new_id();
            self.timestamp(t_ms);
            batch.event(control.to_event(), &self.streamer, &self.timestamp.1, &id);
        }
    }

    /// Make `self.timestamp` the one of `t_ms` (formatted only when it is
    /// not the last one; within the same second only its milliseconds change,
    /// and only they are rewritten: frames come tens of milliseconds apart).
    fn timestamp(&mut self, t_ms: i64) {
        let (last, text) = &mut self.timestamp;
        if *last == t_ms {
            return;
        }
        // `YYYY-MM-DDTHH:MM:SS.mmmZ`: 24 bytes for the years 0 to 9999.
        if last.div_euclid(1000) == t_ms.div_euclid(1000) && text.len() == 24 {
            let ms = t_ms.rem_euclid(1000) as u32;
            text.truncate(20);
            for d in [ms / 100, ms / 10 % 10, ms % 10] {
                text.push(char::from(b'0' + d as u8));
            }
            text.push('Z');
        } else {
            *text = format_iso_millis(t_ms);
        }
        *last = t_ms;
    }

    fn label(&self) -> &str {
        if self.streamer.is_empty() {
            "stream"
        } else {
            &self.streamer
        }
    }

    /// One decoding step's outputs (a frame's, a fetch result's), received at
    /// `t_ms`: events get their id and timestamp and go to `batch`; warnings
    /// and schema drift are printed with the streamer's name.
    pub fn stamp(
        &mut self,
        outputs: impl IntoIterator<Item = Output>,
        t_ms: i64,
        batch: &mut impl EventSink,
    ) {
        let mut outputs = outputs.into_iter().peekable();
        if outputs.peek().is_none() {
            return;
        }
        self.timestamp(t_ms);
        self.indexer.reset();
        let mut text = [0u8; uuid::fmt::Hyphenated::LENGTH];
        for out in outputs {
            match out {
                Output::Event(ev) => {
                    let random;
                    let id: &str = match ev.msg_id {
                        Some(msg_id) => {
                            let index = self.indexer.next(msg_id, ev.kind);
                            self.ids
                                .uuid(msg_id, ev.kind, index)
                                .hyphenated()
                                .encode_lower(&mut text)
                        }
                        None => {
                            random = new_id();
                            &random
                        }
                    };
                    batch.event(ev, &self.streamer, &self.timestamp.1, id);
                }
                Output::Warning(w) => term::warn(format_args!("{}: {w}", self.label())),
                Output::Drift(d) => term::warn(format_args!("{}: {d}", self.label())),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The timestamps the stamper keeps are what `format_iso_millis` writes,
    /// whether only the milliseconds changed or more.
    #[test]
    fn timestamps_match_the_formatter() {
        let mut stamper = Stamper::new(KindSet::default_set(), "alice");
        let base = 1_700_000_000_000_i64;
        for t in [
            base,
            base + 7,
            base + 57,
            base + 999,
            base + 1000,
            base + 1000,
            base + 1456,
            base - 1,
            -1,
            -999,
            0,
            253_402_300_799_999,
            253_402_300_800_000,
            253_402_300_800_001,
        ] {
            stamper.timestamp(t);
            assert_eq!(stamper.timestamp.1, format_iso_millis(t), "{t}");
        }
    }
}
