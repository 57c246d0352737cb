//! One stream's decoding at the edge: the pure decoder plus what it must not
//! do itself — stamping each event with an id and a timestamp, printing
//! warnings, and the control events (`connected`, `disconnected`, `error`).
//! Every source (live, replay, demo) goes through this, so they all produce
//! identical events from identical bytes.

use serde::Serialize;

use crate::event_id;
use crate::term;
use crate::webcast::time::format_iso_millis;
use crate::webcast::{
    Decoder, DecoderOptions, Envelope, Event, EventKind, FetchInfo, FrameError, FrameInfo, KindSet,
    Output,
};

pub struct Pipeline {
    decoder: Decoder,
    wanted: KindSet,
    streamer: String,
    room_id: String,
    scratch: Vec<Output>,
    indexer: event_id::Indexer,
}

/// A fresh random event id (see [`event_id`] for message events' ids).
pub fn new_id() -> String {
    event_id::random()
}

/// Milliseconds since the epoch, now.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

impl Pipeline {
    pub fn new(opts: DecoderOptions, streamer: &str) -> Pipeline {
        Pipeline {
            decoder: Decoder::new(opts),
            wanted: opts.wanted,
            streamer: streamer.to_string(),
            room_id: String::new(),
            scratch: Vec::new(),
            indexer: event_id::Indexer::default(),
        }
    }

    /// The room the following frames come from: part of every message
    /// event's deterministic id (see [`event_id`]).
    pub fn set_room(&mut self, room_id: &str) {
        if self.room_id != room_id {
            self.room_id = room_id.to_string();
        }
    }

    pub fn streamer(&self) -> &str {
        &self.streamer
    }

    pub fn decoder(&self) -> &Decoder {
        &self.decoder
    }

    /// A WebSocket binary message received at `t_ms`.
    pub fn frame(
        &mut self,
        bytes: &[u8],
        t_ms: i64,
        batch: &mut Vec<Envelope>,
    ) -> Result<FrameInfo, FrameError> {
        let mut outputs = std::mem::take(&mut self.scratch);
        let result = self.decoder.decode_frame(bytes, &mut outputs);
        if let Err(e) = &result {
            term::warn(format_args!(
                "{}: skipped a frame ({} bytes): {e}",
                self.label(),
                bytes.len()
            ));
        }
        self.stamp(&mut outputs, t_ms, batch);
        self.scratch = outputs;
        result
    }

    /// A bare fetch result (the sign server's first response) received at `t_ms`.
    pub fn fetch(
        &mut self,
        bytes: &[u8],
        t_ms: i64,
        batch: &mut Vec<Envelope>,
    ) -> Result<FetchInfo, FrameError> {
        let mut outputs = std::mem::take(&mut self.scratch);
        let result = self.decoder.decode_fetch(bytes, &mut outputs);
        if let Err(e) = &result {
            term::warn(format_args!(
                "{}: skipped a fetch result ({} bytes): {e}",
                self.label(),
                bytes.len()
            ));
        }
        self.stamp(&mut outputs, t_ms, batch);
        self.scratch = outputs;
        result
    }

    /// A control event (`connected`, `disconnected`, `error`), if wanted.
    pub fn control(
        &mut self,
        kind: EventKind,
        data: &impl Serialize,
        t_ms: i64,
        batch: &mut Vec<Envelope>,
    ) {
        if self.wanted.contains(kind) {
            batch.push(Envelope::new(
                Event::new(kind, data),
                &self.streamer,
                format_iso_millis(t_ms),
                new_id(),
            ));
        }
    }

    /// The stream is over: emit what is still held (unfinished gift streaks).
    pub fn finish(&mut self, t_ms: i64, batch: &mut Vec<Envelope>) {
        let mut outputs = std::mem::take(&mut self.scratch);
        self.decoder.flush(&mut outputs);
        self.stamp(&mut outputs, t_ms, batch);
        self.scratch = outputs;
    }

    /// The control action that ended the stream, if one was seen.
    pub fn stream_end(&self) -> Option<i32> {
        self.decoder.stream_end()
    }

    fn label(&self) -> &str {
        if self.streamer.is_empty() {
            "stream"
        } else {
            &self.streamer
        }
    }

    fn stamp(&mut self, outputs: &mut Vec<Output>, t_ms: i64, batch: &mut Vec<Envelope>) {
        if outputs.is_empty() {
            return;
        }
        let timestamp = format_iso_millis(t_ms);
        self.indexer.reset();
        for out in outputs.drain(..) {
            match out {
                Output::Event(ev) => {
                    let id = match ev.msg_id {
                        Some(msg_id) => {
                            let index = self.indexer.next(msg_id, ev.kind);
                            event_id::for_message(&self.room_id, msg_id, ev.kind, index)
                        }
                        None => new_id(),
                    };
                    batch.push(Envelope::new(ev, &self.streamer, timestamp.clone(), id));
                }
                Output::Warning(w) => term::warn(format_args!("{}: {w}", self.label())),
            }
        }
    }
}
