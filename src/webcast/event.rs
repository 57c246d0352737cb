//! The event model: what the decoder produces ([`Event`]) and the public
//! envelope every output uses ([`Envelope`]: NDJSON lines, stored events,
//! webhook bodies).
//!
//! Envelope: `{type, streamer, data, timestamp, id}` plus `history: true` on
//! backlog messages. `type`, `data`, `timestamp` and `id` are the spec's; the
//! rest are additions. `timestamp` is ISO-8601 UTC with milliseconds and `id` a
//! UUID; both are chosen by the caller, since the core has no clock and no
//! randomness.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::kind::EventKind;

/// One event as the decoder produces it, before it gets an id and a timestamp.
#[derive(Debug, Clone)]
pub struct Event {
    pub kind: EventKind,
    /// The `data` object, already serialised.
    pub data: Box<RawValue>,
    /// The TikTok message id (`common.msgId`), for de-duplication.
    pub msg_id: Option<i64>,
    /// The message came from the backlog of the first fetch result.
    pub history: bool,
}

impl Event {
    /// Build an event from any serialisable data.
    pub fn new(kind: EventKind, data: &impl Serialize) -> Event {
        Event {
            kind,
            data: to_raw(data),
            msg_id: None,
            history: false,
        }
    }
}

/// Serialise to a raw JSON value. Our data types cannot fail to serialise
/// (string keys, finite numbers); should one ever fail, the event carries the
/// error text instead of being lost.
pub fn to_raw(data: &impl Serialize) -> Box<RawValue> {
    match serde_json::value::to_raw_value(data) {
        Ok(raw) => raw,
        Err(e) => {
            serde_json::value::to_raw_value(&serde_json::json!({ "serializeError": e.to_string() }))
                .expect("a plain JSON object serialises")
        }
    }
}

/// The public envelope.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Envelope {
    #[serde(rename = "type", with = "kind_name")]
    pub kind: EventKind,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub streamer: String,
    pub data: Box<RawValue>,
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
        serde_json::to_string(self).expect("an envelope always serialises")
    }
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
