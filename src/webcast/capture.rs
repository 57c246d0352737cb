//! The capture format: NDJSON so that `jq` can read it.
//!
//! ```text
//! {"tiklive_capture":1,"streamer":"alice","roomId":"7267595214226705184"}
//! {"t":"2023-08-15T17:31:29.751Z","kind":"fetch","data":"<base64 fetch result>"}
//! {"t":"2023-08-15T17:31:30.012Z","kind":"frame","data":"<base64 WebSocket binary message>"}
//! ```
//!
//! `fetch` holds the first fetch result the sign server returned (a bare fetch
//! result, not in a push frame); `frame` one binary WebSocket message exactly as
//! received. This module only formats and parses lines; reading files is the
//! caller's job.

use std::borrow::Cow;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use serde::{Deserialize, Serialize};

use super::time::{format_iso_millis, parse_iso_millis};

pub const CAPTURE_VERSION: u64 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaptureHeader {
    pub tiklive_capture: u64,
    #[serde(default)]
    pub streamer: String,
    #[serde(rename = "roomId", default)]
    pub room_id: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RecordKind {
    Frame,
    Fetch,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// Receive time, ms since the epoch.
    pub t_ms: i64,
    pub kind: RecordKind,
    pub data: Vec<u8>,
}

#[derive(Deserialize, Serialize)]
struct RawRecord<'a> {
    #[serde(borrow)]
    t: Cow<'a, str>,
    kind: RecordKind,
    /// Borrowed from the line when it has no escapes (always, for base64), so
    /// the biggest field of a capture is not copied before it is decoded.
    #[serde(borrow)]
    data: Cow<'a, str>,
}

/// One line of a capture.
#[derive(Debug, Clone, PartialEq)]
pub enum Line {
    Header(CaptureHeader),
    Record(Record),
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CaptureError {
    #[error("not JSON: {0}")]
    Json(String),
    #[error("unsupported capture version {0} (this tiklive reads version {CAPTURE_VERSION})")]
    Version(u64),
    #[error("bad timestamp '{0}'")]
    Time(String),
    #[error("bad base64 in data: {0}")]
    Base64(String),
}

pub fn format_header(streamer: &str, room_id: &str) -> String {
    serde_json::to_string(&CaptureHeader {
        tiklive_capture: CAPTURE_VERSION,
        streamer: streamer.into(),
        room_id: room_id.into(),
    })
    .expect("header serialises")
}

pub fn format_record(t_ms: i64, kind: RecordKind, data: &[u8]) -> String {
    serde_json::to_string(&RawRecord {
        t: format_iso_millis(t_ms).into(),
        kind,
        data: B64.encode(data).into(),
    })
    .expect("record serialises")
}

pub fn parse_line(line: &str) -> Result<Line, CaptureError> {
    parse_line_bytes(line.as_bytes())
}

/// [`parse_line`] on raw bytes: a damaged line need not be UTF-8 (serde_json
/// checks the text as it parses, so the reader need not check it first).
pub fn parse_line_bytes(line: &[u8]) -> Result<Line, CaptureError> {
    let line = line.trim_ascii();
    let contains = |needle: &[u8]| line.windows(needle.len()).any(|w| w == needle);
    // Records (every line but the first) start with `{"t":`; only other lines
    // are searched for the header key.
    if line.starts_with(b"{\"tiklive_capture\"")
        || !line.starts_with(b"{\"t\"")
            && contains(b"\"tiklive_capture\"")
            && !contains(b"\"kind\"")
    {
        let h: CaptureHeader =
            serde_json::from_slice(line).map_err(|e| CaptureError::Json(e.to_string()))?;
        if h.tiklive_capture != CAPTURE_VERSION {
            return Err(CaptureError::Version(h.tiklive_capture));
        }
        return Ok(Line::Header(h));
    }
    let raw: RawRecord =
        serde_json::from_slice(line).map_err(|e| CaptureError::Json(e.to_string()))?;
    let t_ms = parse_iso_millis(&raw.t).ok_or_else(|| CaptureError::Time(raw.t.to_string()))?;
    // base64-simd (SIMD where the CPU has it) decodes a capture's biggest
    // field about three times as fast as the `base64` crate here.
    let data = base64_simd::STANDARD
        .decode_to_vec(raw.data.as_bytes())
        .map_err(|e| CaptureError::Base64(e.to_string()))?;
    Ok(Line::Record(Record {
        t_ms,
        kind: raw.kind,
        data,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_round_trip() {
        let h = format_header("alice", "123");
        assert_eq!(
            h,
            r#"{"tiklive_capture":1,"streamer":"alice","roomId":"123"}"#
        );
        assert_eq!(
            parse_line(&h).unwrap(),
            Line::Header(CaptureHeader {
                tiklive_capture: 1,
                streamer: "alice".into(),
                room_id: "123".into()
            })
        );
        let r = format_record(1692120689751, RecordKind::Frame, b"\x08\x01");
        assert_eq!(
            r,
            r#"{"t":"2023-08-15T17:31:29.751Z","kind":"frame","data":"CAE="}"#
        );
        assert_eq!(
            parse_line(&r).unwrap(),
            Line::Record(Record {
                t_ms: 1692120689751,
                kind: RecordKind::Frame,
                data: vec![8, 1]
            })
        );
    }

    #[test]
    fn bad_lines_say_why() {
        assert!(matches!(
            parse_line(r#"{"t":"2023-08-15T17:31"#),
            Err(CaptureError::Json(_))
        ));
        assert!(matches!(
            parse_line(r#"{"t":"noon","kind":"frame","data":""}"#),
            Err(CaptureError::Time(_))
        ));
        assert!(matches!(
            parse_line(r#"{"t":"2023-08-15T17:31:29.751Z","kind":"frame","data":"!!"}"#),
            Err(CaptureError::Base64(_))
        ));
        assert_eq!(
            parse_line(r#"{"tiklive_capture":2}"#),
            Err(CaptureError::Version(2))
        );
        // Not UTF-8: a JSON error, not a panic.
        assert!(matches!(
            parse_line_bytes(b"{\"t\":\"\xff\xfe\",\"kind\":\"frame\",\"data\":\"\"}"),
            Err(CaptureError::Json(_))
        ));
        // Escaped base64 (another writer's `\/`) still reads.
        let escaped = r#"{"t":"2023-08-15T17:31:29.751Z","kind":"frame","data":"ab\/+"}"#;
        assert!(matches!(parse_line(escaped), Ok(Line::Record(r)) if r.data == [0x69, 0xbf, 0xfe]));
        // A header whose keys come in another order.
        assert!(matches!(
            parse_line(r#"{"streamer":"a","tiklive_capture":1}"#),
            Ok(Line::Header(_))
        ));
    }
}
