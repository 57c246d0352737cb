//! The event model: what the decoder produces ([`Event`]) and the public
//! envelope every output uses ([`Envelope`]: NDJSON lines, stored events,
//! webhook bodies).
//!
//! Envelope: `{type, streamer, data, timestamp, id}` plus `history: true` on
//! backlog messages. `type`, `data`, `timestamp` and `id` are the spec's; the
//! rest are additions. `timestamp` is ISO-8601 UTC with milliseconds and `id` a
//! UUID; both are chosen by the caller, since the core has no clock and no
//! randomness.

use std::cell::RefCell;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;

use super::json::{self, WriteJson, write_str};
use super::kind::EventKind;

/// One event as the decoder produces it, before it gets an id and a timestamp.
#[derive(Debug, Clone)]
pub struct Event {
    pub kind: EventKind,
    /// The `data` object, already serialised.
    pub data: Json,
    /// The TikTok message id (`common.msgId`), for de-duplication.
    pub msg_id: Option<i64>,
    /// The message came from the backlog of the first fetch result.
    pub history: bool,
}

impl Event {
    /// The fields of this event's envelope line, borrowed: the event as
    /// `streamer`'s, stamped with `timestamp` and `id` (what a writer that
    /// builds no [`Envelope`] writes from).
    pub fn parts<'a>(
        &'a self,
        streamer: &'a str,
        timestamp: &'a str,
        id: &'a str,
    ) -> EnvelopeParts<'a> {
        EnvelopeParts {
            kind: self.kind,
            streamer,
            data: self.data.get(),
            timestamp,
            id,
            history: self.history,
        }
    }

    /// Build an event from any serialisable data.
    pub fn new(kind: EventKind, data: &impl Serialize) -> Event {
        Event::from_json(kind, to_raw(data))
    }

    /// Build an event from its data's JSON text (see [`Json::write_with`]).
    pub fn from_json(kind: EventKind, data: Json) -> Event {
        Event {
            kind,
            data,
            msg_id: None,
            history: false,
        }
    }

    /// Build an event from data that our JSON writer writes without serde
    /// ([`WriteJson`]: the same text [`Event::new`] gives it).
    pub fn from_data(kind: EventKind, data: &impl WriteJson) -> Event {
        Event {
            kind,
            data: write_raw(|out| data.write_json(out)),
            msg_id: None,
            history: false,
        }
    }
}

/// JSON text, valid by construction: written by [`to_raw`] (our own writer,
/// [`super::json`]) or read from JSON. [`Json::get`] gives the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Json(String);

impl Json {
    /// The JSON text.
    pub fn get(&self) -> &str {
        &self.0
    }

    /// Done with this text: keep its buffer for the next event that
    /// [`to_raw`] writes on this thread, so that a writer which copies each
    /// event out at once (the NDJSON of a full-speed replay) allocates,
    /// copies and frees nothing per event. A thread keeps at most
    /// [`SPARE_BUFFERS`] buffers of at most [`SPARE_CAPACITY`] bytes;
    /// others are freed.
    pub fn recycle(self) {
        if self.0.capacity() > SPARE_CAPACITY {
            return;
        }
        SPARE.with(|spare| {
            if let Ok(mut spare) = spare.try_borrow_mut()
                && spare.len() < SPARE_BUFFERS
            {
                spare.push(self.0);
            }
        });
    }

    /// [`Json::recycle`] for each of `texts`, in order, with one look-up
    /// of this thread's spares for them all (a writer gives back the data of
    /// dozens of lines at once).
    pub fn recycle_all(texts: impl IntoIterator<Item = Json>) {
        SPARE.with(|spare| {
            let Ok(mut spare) = spare.try_borrow_mut() else {
                return;
            };
            for text in texts {
                if text.0.capacity() <= SPARE_CAPACITY && spare.len() < SPARE_BUFFERS {
                    spare.push(text.0);
                }
            }
        });
    }
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Json, D::Error> {
        <Box<RawValue>>::deserialize(d).map(|raw| Json(<Box<str>>::from(raw).into()))
    }
}

/// Through serde (any format) the text goes in as a `RawValue`, which checks
/// it again. The NDJSON writers do not come here: see [`Envelope::write_json`].
impl Serialize for Json {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        RawValue::from_string(self.0.to_string())
            .map_err(serde::ser::Error::custom)?
            .serialize(s)
    }
}

/// At most this many buffers wait on a thread for [`to_raw`] (see
/// [`Json::recycle`]): a frame gives a handful of events, a batch 64.
pub const SPARE_BUFFERS: usize = 64;

/// Buffers larger than this (bytes) are freed rather than kept: an event's
/// JSON is 0.2–3 KB; a rare huge one does not pin its memory.
pub const SPARE_CAPACITY: usize = 16 * 1024;

thread_local! {
    /// Where [`to_raw`] writes when no spare buffer is at hand, so each
    /// event's JSON is allocated once, at its final size, instead of growing
    /// from 8 bytes.
    static SCRATCH: RefCell<String> = const { RefCell::new(String::new()) };

    /// Buffers given back by [`Json::recycle`] on this thread.
    static SPARE: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// Serialise to JSON text. Our data types cannot fail to serialise (string
/// keys, finite numbers); should one ever fail, the event carries the error
/// text instead of being lost. Written straight into a recycled buffer when
/// this thread has one (see [`Json::recycle`]), else through a scratch
/// buffer into one allocation of the exact size.
pub fn to_raw(data: &(impl Serialize + ?Sized)) -> Json {
    write_raw(|out| json::write_value(out, data))
}

/// The text `write` appends to an empty buffer (see [`Json::write_with`]);
/// on error, the error's text.
fn write_raw(write: impl FnOnce(&mut String) -> Result<(), json::JsonError>) -> Json {
    Json::write_with(write).unwrap_or_else(|e| Json(error_text(&e)))
}

impl Json {
    /// The JSON text that `write` appends to an empty buffer, in the buffer
    /// [`to_raw`] would use (a recycled one, else the scratch buffer, then
    /// one allocation of the exact size). `write` must write one JSON value:
    /// it is one of our own writers, as where a mapping writes an event's
    /// data itself (a `roomUpdate`, whose leaderboard is written straight
    /// from a memo). Its error is returned, the buffer kept for reuse.
    pub fn write_with<E>(write: impl FnOnce(&mut String) -> Result<(), E>) -> Result<Json, E> {
        let spare = SPARE.with(|spare| spare.try_borrow_mut().ok().and_then(|mut s| s.pop()));
        if let Some(mut out) = spare {
            out.clear();
            return match write(&mut out) {
                Ok(()) => Ok(Json(out)),
                Err(e) => {
                    Json(out).recycle();
                    Err(e)
                }
            };
        }
        SCRATCH.with(|scratch| {
            let Ok(mut out) = scratch.try_borrow_mut() else {
                // Re-entered (a Serialize impl that builds an event): no scratch.
                let mut out = String::new();
                return write(&mut out).map(|()| Json(out));
            };
            out.clear();
            write(&mut out).map(|()| Json(out.as_str().into()))
        })
    }
}

fn error_text(e: &json::JsonError) -> String {
    let mut out = String::from("{\"serializeError\":");
    write_str(&mut out, &e.to_string());
    out.push('}');
    out
}

/// The public envelope.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Envelope {
    #[serde(rename = "type", with = "kind_name")]
    pub kind: EventKind,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub streamer: String,
    pub data: Json,
    pub timestamp: String,
    pub id: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub history: bool,
}

impl Envelope {
    pub fn new(event: Event, streamer: &str, timestamp: String, id: String) -> Envelope {
        Envelope {
            kind: event.kind,
            streamer: streamer.to_string(),
            data: event.data,
            timestamp,
            id,
            history: event.history,
        }
    }

    /// One NDJSON line, without the newline.
    pub fn to_json(&self) -> String {
        let mut out = String::with_capacity(self.data.get().len() + 160);
        self.write_json(&mut out);
        out
    }

    /// Append the envelope's JSON (what serde would write for it, fields in
    /// the same order) to `out`, without a newline. Written by hand: the
    /// data is copied as it is, with no second check of its text.
    pub fn write_json(&self, out: &mut String) {
        self.parts().write_json(out);
    }

    /// The envelope's JSON up to its data: `{"type":…,"streamer":…,"data":`.
    /// Head, [`Json::get`] of the data and [`Envelope::json_tail`] make
    /// [`Envelope::write_json`], for writers that copy the data only once.
    pub fn json_head(&self, out: &mut String) {
        self.parts().json_head(out);
    }

    /// The envelope's JSON after its data: `,"timestamp":…,"id":…}`.
    pub fn json_tail(&self, out: &mut String) {
        self.parts().json_tail(out);
    }

    /// The envelope's fields, borrowed.
    pub fn parts(&self) -> EnvelopeParts<'_> {
        EnvelopeParts {
            kind: self.kind,
            streamer: &self.streamer,
            data: self.data.get(),
            timestamp: &self.timestamp,
            id: &self.id,
            history: self.history,
        }
    }
}

/// An envelope's fields, borrowed from wherever they are: what a writer that
/// builds no [`Envelope`] (the NDJSON written as events are stamped) needs to
/// write exactly the same JSON. `data` is JSON text ([`Json::get`]).
#[derive(Debug, Clone, Copy)]
pub struct EnvelopeParts<'a> {
    pub kind: EventKind,
    pub streamer: &'a str,
    pub data: &'a str,
    pub timestamp: &'a str,
    pub id: &'a str,
    pub history: bool,
}

impl EnvelopeParts<'_> {
    /// Append the envelope's JSON to `out`, without a newline (see
    /// [`Envelope::write_json`]).
    pub fn write_json(&self, out: &mut String) {
        // The line's size, its escapes aside: one reservation for all of it.
        out.reserve(
            self.data.len() + self.streamer.len() + self.timestamp.len() + self.id.len() + 96,
        );
        self.json_head(out);
        out.push_str(self.data);
        self.json_tail(out);
    }

    /// `{"type":…,"streamer":…,"data":` (see [`Envelope::json_head`]).
    pub fn json_head(&self, out: &mut String) {
        // Type names are ASCII letters (`kind.rs`): nothing to escape.
        out.push_str("{\"type\":\"");
        out.push_str(self.kind.name());
        out.push('"');
        if !self.streamer.is_empty() {
            out.push_str(",\"streamer\":");
            write_str(out, self.streamer);
        }
        out.push_str(",\"data\":");
    }

    /// `,"timestamp":…,"id":…}` (see [`Envelope::json_tail`]).
    pub fn json_tail(&self, out: &mut String) {
        json_tail_stamp(self.timestamp, out);
        self.json_tail_rest(out);
    }

    /// The end of [`EnvelopeParts::json_tail`] after its
    /// [`json_tail_stamp`]: `…"id"}` (the id's value onwards).
    pub fn json_tail_rest(&self, out: &mut String) {
        write_str(out, self.id);
        if self.history {
            out.push_str(",\"history\":true");
        }
        out.push('}');
    }
}

/// The start of [`EnvelopeParts::json_tail`], the same for every event of
/// one moment: `,"timestamp":"…","id":`.
pub fn json_tail_stamp(timestamp: &str, out: &mut String) {
    out.push_str(",\"timestamp\":");
    write_str(out, timestamp);
    out.push_str(",\"id\":");
}

mod kind_name {
    use serde::{Deserialize, Deserializer, Serializer};

    use super::EventKind;

    pub fn serialize<S: Serializer>(kind: &EventKind, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(kind.name())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<EventKind, D::Error> {
        let name = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        name.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A recycled buffer is written over, never appended to; buffers past
    /// the size cap and past the count cap are not kept.
    #[test]
    fn recycled_buffers_hold_only_the_new_text() {
        let long = to_raw(&serde_json::json!({"text": "x".repeat(3000)}));
        let ptr = long.get().as_ptr();
        long.recycle();
        let short = to_raw(&serde_json::json!({"a": 1}));
        assert_eq!(short.get(), r#"{"a":1}"#);
        assert_eq!(short.get().as_ptr(), ptr, "the recycled buffer is used");
        short.recycle();
        let again = to_raw(&serde_json::json!({"b": [true, null]}));
        assert_eq!(again.get(), r#"{"b":[true,null]}"#);

        let huge = to_raw(&serde_json::json!({"text": "y".repeat(SPARE_CAPACITY)}));
        huge.recycle();
        assert_eq!(SPARE.with(|s| s.borrow().len()), 0, "too big to keep");
        for _ in 0..SPARE_BUFFERS + 10 {
            Json(String::from("{}")).recycle();
        }
        assert_eq!(SPARE.with(|s| s.borrow().len()), SPARE_BUFFERS);
        SPARE.with(|s| s.borrow_mut().clear());
        again.recycle();
    }

    /// `json_head` writes type names without escaping them.
    #[test]
    fn type_names_need_no_escapes() {
        for kind in EventKind::ALL {
            assert!(
                kind.name().bytes().all(|b| b.is_ascii_alphanumeric()),
                "{kind:?}"
            );
        }
    }

    #[test]
    fn envelope_round_trips() {
        let ev = Event::new(EventKind::Chat, &serde_json::json!({"message": "hi"}));
        let env = Envelope::new(
            ev,
            "alice",
            "2024-01-01T00:00:00.000Z".into(),
            "0b8e0b9e-2f45-4f8a-9d53-7e0c0f1d2a3b".into(),
        );
        let line = env.to_json();
        assert_eq!(
            line,
            r#"{"type":"chat","streamer":"alice","data":{"message":"hi"},"timestamp":"2024-01-01T00:00:00.000Z","id":"0b8e0b9e-2f45-4f8a-9d53-7e0c0f1d2a3b"}"#
        );
        let back: Envelope = serde_json::from_str(&line).unwrap();
        assert_eq!(back.kind, EventKind::Chat);
        assert_eq!(back.data.get(), r#"{"message":"hi"}"#);
        assert!(serde_json::from_str::<Envelope>(&line.replace("chat", "chatt")).is_err());
    }
}
