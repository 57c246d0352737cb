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
use bytes::Bytes;
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
    /// The message's bytes, in a [`Bytes`] so that the decoder can slice the
    /// frame's payload out of it instead of copying it.
    pub data: Bytes,
    /// The capture line it was read from (1-based), for warnings; 0 when it
    /// did not come from a file (the demo) or the line is not known yet
    /// (the parsers here: the reader sets it).
    pub line: u64,
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
    /// Valid JSON, but neither a header nor a record: no `tiklive_capture`
    /// key and no `t`/`kind` (JSON of another kind, e.g. an event log).
    #[error(
        "JSON, but not a tiklive capture header (no `tiklive_capture` key) or record (no `t`, `kind`, `data`)"
    )]
    NotCapture,
    /// A header (it has `tiklive_capture`) of the wrong shape.
    #[error("not a tiklive capture header: {0}")]
    BadHeader(String),
    /// A record (it has `t` or `kind`) of the wrong shape.
    #[error("not a capture record: {0}")]
    BadRecord(String),
    #[error("unsupported capture version {0} (this tiklive reads version {CAPTURE_VERSION})")]
    Version(u64),
    #[error("bad timestamp '{0}'")]
    Time(String),
    /// `data` is not standard base64 (the SIMD decoder says no more).
    #[error("bad base64 in data: not standard base64 (A-Z, a-z, 0-9, + and /, padded with =)")]
    Base64,
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
        let h: CaptureHeader = serde_json::from_slice(line).map_err(|e| {
            if e.is_data() {
                CaptureError::BadHeader(serde_detail(&e))
            } else {
                CaptureError::Json(e.to_string())
            }
        })?;
        if h.tiklive_capture != CAPTURE_VERSION {
            return Err(CaptureError::Version(h.tiklive_capture));
        }
        return Ok(Line::Header(h));
    }
    if let Some(record) = plain_record(line) {
        return Ok(Line::Record(record));
    }
    let raw: RawRecord = serde_json::from_slice(line).map_err(|e| shape_error(line, &e))?;
    let t_ms = parse_iso_millis(&raw.t).ok_or_else(|| CaptureError::Time(raw.t.to_string()))?;
    // base64-simd (SIMD where the CPU has it) decodes a capture's biggest
    // field about three times as fast as the `base64` crate here.
    let data = base64_simd::STANDARD
        .decode_to_vec(raw.data.as_bytes())
        .map_err(|_| CaptureError::Base64)?;
    Ok(Line::Record(Record {
        t_ms,
        kind: raw.kind,
        data: data.into(),
        line: 0,
    }))
}

/// serde's message without its position (a capture line is one line).
fn serde_detail(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

/// Why `line` (not a header) is not a record: not JSON at all, JSON of
/// another kind, or a record of the wrong shape. Only on the error path.
fn shape_error(line: &[u8], e: &serde_json::Error) -> CaptureError {
    if !e.is_data() {
        return CaptureError::Json(e.to_string());
    }
    let is_record = serde_json::from_slice::<serde_json::Value>(line)
        .ok()
        .and_then(|v| {
            v.as_object()
                .map(|o| o.contains_key("t") || o.contains_key("kind"))
        })
        .unwrap_or(false);
    if is_record {
        CaptureError::BadRecord(serde_detail(e))
    } else {
        CaptureError::NotCapture
    }
}

/// The fast path of [`parse_line_bytes`]: a record exactly as
/// [`format_record`] writes it, `{"t":"…","kind":"frame","data":"…"}` with no
/// escapes and no spaces. The quotes are found with `memchr` (SIMD), where
/// serde_json checks the 4 KB of base64 of a typical frame byte by byte for
/// escapes. `None` for anything else, and for a record that fails to decode,
/// so that the general path reads it and reports the same errors as ever.
fn plain_record(line: &[u8]) -> Option<Record> {
    /// The string value that `rest` starts with, and what follows its
    /// closing quote; `None` when it holds an escape.
    fn string(rest: &[u8]) -> Option<(&[u8], &[u8])> {
        let end = memchr::memchr2(b'"', b'\\', rest)?;
        (rest[end] == b'"').then(|| (&rest[..end], &rest[end + 1..]))
    }
    let (t, rest) = string(line.strip_prefix(b"{\"t\":\"")?)?;
    let (kind, rest) = string(rest.strip_prefix(b",\"kind\":\"")?)?;
    let (data, rest) = string(rest.strip_prefix(b",\"data\":\"")?)?;
    if rest != b"}" {
        return None;
    }
    let kind = match kind {
        b"frame" => RecordKind::Frame,
        b"fetch" => RecordKind::Fetch,
        _ => return None,
    };
    Some(Record {
        t_ms: parse_iso_millis(std::str::from_utf8(t).ok()?)?,
        kind,
        data: base64_simd::STANDARD.decode_to_vec(data).ok()?.into(),
        line: 0,
    })
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
                data: vec![8, 1].into(),
                line: 0,
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
            Err(CaptureError::Base64)
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
        assert!(
            matches!(parse_line(escaped), Ok(Line::Record(r)) if r.data[..] == [0x69, 0xbf, 0xfe])
        );
        // A header whose keys come in another order.
        assert!(matches!(
            parse_line(r#"{"streamer":"a","tiklive_capture":1}"#),
            Ok(Line::Header(_))
        ));
    }

    #[test]
    fn the_fast_path_reads_what_the_general_path_reads() {
        let big: Vec<u8> = (0..4000u32).map(|i| (i * 7 % 256) as u8).collect();
        for (t_ms, kind, data) in [
            (0, RecordKind::Frame, &b""[..]),
            (1692120689751, RecordKind::Fetch, &b"\x00\xff\"\\"[..]),
            (1692120689751, RecordKind::Frame, &big[..]),
        ] {
            let want = Record {
                t_ms,
                kind,
                data: Bytes::copy_from_slice(data),
                line: 0,
            };
            let line = format_record(t_ms, kind, data);
            assert_eq!(plain_record(line.as_bytes()), Some(want.clone()));
            // Spaces, escapes or another key order: only the general path.
            for other in [
                line.replace(',', ", "),
                line.replacen('/', "\\/", 1),
                line.replace("\"kind\":\"frame\",", "")
                    .replace('}', ",\"kind\":\"frame\"}"),
            ] {
                if other == line {
                    continue;
                }
                assert_eq!(plain_record(other.as_bytes()), None, "{other}");
                if kind == RecordKind::Frame || !other.contains("\"kind\":\"frame\"") {
                    assert_eq!(
                        parse_line(&other),
                        Ok(Line::Record(want.clone())),
                        "{other}"
                    );
                }
            }
        }
    }
}
