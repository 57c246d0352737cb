//! The control events every source emits around the stream's own events —
//! `connected`, `disconnected` and `error` — as typed values, built here and
//! read back here (`/api/status` reads them by type, not by message text).
//!
//! Their `data` keeps the spec's fields (`username`/`roomId`, `code`/`reason`,
//! `error`) and adds `cause` to `disconnected` and `fatal` to `error`.

use serde::{Deserialize, Serialize};

use super::event::{Envelope, Event};
use super::kind::EventKind;

/// Why a connection (or an offline source) ended: `disconnected.data.cause`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum EndCause {
    /// TikTok ended the stream (control action 3 or 4).
    StreamEnded,
    /// A replay, demo or stdin ran out.
    EndOfInput,
    /// Ctrl-C (or the process was asked to stop).
    Interrupted,
    /// The server sent a close frame.
    Closed,
    /// The socket went away without a close frame (1006).
    Reset,
    /// Nothing arrived for the idle timeout.
    IdleTimeout,
    /// Sending or receiving failed.
    Failed,
}

impl EndCause {
    /// The stream is over: no reconnect follows.
    pub fn is_final(self) -> bool {
        matches!(self, EndCause::StreamEnded | EndCause::EndOfInput)
    }

    /// The `reason` text for causes that have a fixed one.
    pub fn default_reason(self) -> &'static str {
        match self {
            EndCause::StreamEnded => "stream ended",
            EndCause::EndOfInput => "end of input",
            EndCause::Interrupted => "interrupted",
            EndCause::Closed => "closed",
            EndCause::Reset => "connection reset",
            EndCause::IdleTimeout => "idle timeout",
            EndCause::Failed => "failed",
        }
    }

    /// The cause of a `disconnected` written before `cause` existed (e.g.
    /// NDJSON of an older version piped into `forward -`), from its reason.
    pub fn from_reason(reason: &str) -> EndCause {
        match reason {
            "stream ended" => EndCause::StreamEnded,
            "end of input" => EndCause::EndOfInput,
            "interrupted" => EndCause::Interrupted,
            _ => EndCause::Failed,
        }
    }
}

/// One control event.
#[derive(Debug, Clone, PartialEq)]
pub enum Control {
    /// The socket is open (or an offline source started).
    Connected { username: String, room_id: String },
    /// A connection that was open ended. Every `Connected` is followed by
    /// exactly one of these.
    Disconnected {
        code: u16,
        reason: String,
        cause: EndCause,
    },
    /// A failure; `fatal` when the source gives up because of it.
    Error { error: String, fatal: bool },
}

#[derive(Serialize, Deserialize)]
struct ConnectedData {
    #[serde(default)]
    username: String,
    #[serde(rename = "roomId", default, deserialize_with = "string_or_number")]
    room_id: String,
}

#[derive(Serialize, Deserialize)]
struct DisconnectedData {
    #[serde(default)]
    code: u16,
    #[serde(default)]
    reason: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    cause: Option<EndCause>,
}

#[derive(Serialize, Deserialize)]
struct ErrorData {
    #[serde(default)]
    error: String,
    #[serde(default)]
    fatal: bool,
}

fn string_or_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::String(s) => s,
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    })
}

impl Control {
    /// `disconnected` with the cause's own reason text.
    pub fn ended(code: u16, cause: EndCause) -> Control {
        Control::Disconnected {
            code,
            reason: cause.default_reason().to_string(),
            cause,
        }
    }

    pub fn kind(&self) -> EventKind {
        match self {
            Control::Connected { .. } => EventKind::Connected,
            Control::Disconnected { .. } => EventKind::Disconnected,
            Control::Error { .. } => EventKind::Error,
        }
    }

    /// The event, with its `data` object.
    pub fn to_event(&self) -> Event {
        match self {
            Control::Connected { username, room_id } => Event::new(
                self.kind(),
                &ConnectedData {
                    username: username.clone(),
                    room_id: room_id.clone(),
                },
            ),
            Control::Disconnected {
                code,
                reason,
                cause,
            } => Event::new(
                self.kind(),
                &DisconnectedData {
                    code: *code,
                    reason: reason.clone(),
                    cause: Some(*cause),
                },
            ),
            Control::Error { error, fatal } => Event::new(
                self.kind(),
                &ErrorData {
                    error: error.clone(),
                    fatal: *fatal,
                },
            ),
        }
    }

    /// Read a control event back from an envelope; `None` for other kinds
    /// or a `data` that is not an object.
    pub fn from_envelope(env: &Envelope) -> Option<Control> {
        let data = env.data.get();
        match env.kind {
            EventKind::Connected => {
                let d: ConnectedData = serde_json::from_str(data).ok()?;
                Some(Control::Connected {
                    username: d.username,
                    room_id: d.room_id,
                })
            }
            EventKind::Disconnected => {
                let d: DisconnectedData = serde_json::from_str(data).ok()?;
                let cause = d.cause.unwrap_or_else(|| EndCause::from_reason(&d.reason));
                Some(Control::Disconnected {
                    code: d.code,
                    reason: d.reason,
                    cause,
                })
            }
            EventKind::Error => {
                let d: ErrorData = serde_json::from_str(data).ok()?;
                Some(Control::Error {
                    error: d.error,
                    fatal: d.fatal,
                })
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(c: Control) -> (String, Control) {
        let env = Envelope::new(c.to_event(), "a", "t".into(), "id".into());
        let json = env.data.get().to_string();
        (json, Control::from_envelope(&env).unwrap())
    }

    #[test]
    fn control_events_round_trip_with_the_spec_fields() {
        let c = Control::Connected {
            username: "alice".into(),
            room_id: "7".into(),
        };
        assert_eq!(
            round_trip(c.clone()),
            (r#"{"username":"alice","roomId":"7"}"#.into(), c)
        );
        let c = Control::Disconnected {
            code: 1006,
            reason: "reset by peer".into(),
            cause: EndCause::Reset,
        };
        assert_eq!(
            round_trip(c.clone()),
            (
                r#"{"code":1006,"reason":"reset by peer","cause":"reset"}"#.into(),
                c
            )
        );
        let c = Control::Error {
            error: "x".into(),
            fatal: true,
        };
        assert_eq!(
            round_trip(c.clone()),
            (r#"{"error":"x","fatal":true}"#.into(), c)
        );
    }

    #[test]
    fn an_older_disconnected_gets_its_cause_from_the_reason() {
        let env = Envelope::new(
            Event::new(
                EventKind::Disconnected,
                &serde_json::json!({"code": 1000, "reason": "stream ended"}),
            ),
            "a",
            "t".into(),
            "id".into(),
        );
        assert_eq!(
            Control::from_envelope(&env),
            Some(Control::ended(1000, EndCause::StreamEnded))
        );
        assert!(EndCause::StreamEnded.is_final() && !EndCause::Reset.is_final());
    }
}
