//! Corrupt input: truncated frames, random bytes, bad gzip, a gzip bomb, empty
//! frames, bad capture lines. Each must give a clear error or a counted
//! warning, never a panic. The property tests at the end feed arbitrary and
//! mutated bytes to every decoding entry point.

use std::io::Write;

use bytes::Bytes;
use proptest::prelude::*;
use prost::Message;
use tiklive::webcast::capture::{CaptureError, Line, parse_line};
use tiklive::webcast::frame::{self, MAX_INFLATED, decode_frame, deflate_gzip, encode_msg_frame};
use tiklive::webcast::mapping::Route;
use tiklive::webcast::proto::{BaseMessage, FetchResult, LikeMessage, PushFrame, PushHeader};
use tiklive::webcast::{
    Decoder, DecoderOptions, EventKind, FrameError, KindSet, Output, StreakMode,
};

use crate::support::decode::{
    all_kinds, collector_payloads, critical_strike, everything, fixture, options,
};

/// A gzip'ed push frame carrying a fetch result with these (method, payload)s.
fn push_frame(messages: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let fetch = FetchResult {
        messages: messages
            .iter()
            .map(|(method, payload)| BaseMessage {
                method: method.to_string(),
                payload: Bytes::from(payload.clone()),
                ..Default::default()
            })
            .collect(),
        cursor: "c".into(),
        ..Default::default()
    };
    encode_msg_frame(1, 2, &fetch.encode_to_vec(), true)
}

fn a_like(count: i64) -> Vec<u8> {
    LikeMessage {
        count,
        total: 100,
        ..Default::default()
    }
    .encode_to_vec()
}

fn frame_with_payload(header_gzip: bool, payload: Vec<u8>) -> Vec<u8> {
    PushFrame {
        headers: if header_gzip {
            vec![PushHeader {
                key: "compress_type".into(),
                value: "gzip".into(),
            }]
        } else {
            vec![]
        },
        payload_type: "msg".into(),
        payload: Bytes::from(payload),
        ..Default::default()
    }
    .encode_to_vec()
}

/// Decode a frame with a fresh decoder: the result, the outputs, the stats.
fn decode(bytes: &[u8]) -> (Result<(), FrameError>, Vec<Output>, tiklive::webcast::Stats) {
    let mut decoder = Decoder::new(everything());
    let mut out = Vec::new();
    let r = decoder.decode_frame(bytes, &mut out).map(|_| ());
    (r, out, decoder.stats())
}

#[test]
fn every_truncation_of_a_frame_is_an_error_or_a_shorter_frame() {
    for full in [
        fixture("WebcastPushFrame.REPAIRED.bin"),
        push_frame(&[
            ("WebcastLikeMessage", a_like(3)),
            ("WebcastLikeMessage", a_like(4)),
        ]),
    ] {
        let (r, out, _) = decode(&full);
        assert!(r.is_ok());
        let full_events = out.len();
        let mut errors = 0;
        for len in 0..full.len() {
            let (r, out, stats) = decode(&full[..len]);
            match r {
                Err(e) => {
                    errors += 1;
                    assert_eq!(stats.frame_errors, 1, "counted ({e})");
                    assert!(out.is_empty());
                    assert!(!e.to_string().is_empty());
                }
                // Cut exactly between two fields: a valid, shorter frame.
                Ok(()) => assert!(out.len() < full_events, "prefix {len}"),
            }
        }
        // The payload is the last field, so almost every cut is an error.
        assert!(errors > full.len() * 9 / 10, "{errors} of {}", full.len());
        assert_eq!(decode(&[]).0, Err(FrameError::Empty));
    }
}

#[test]
fn a_bad_message_loses_only_itself() {
    let good = a_like(7);
    let truncated = a_like(8)[..3].to_vec();
    let bytes = push_frame(&[
        ("WebcastLikeMessage", good.clone()),
        ("WebcastLikeMessage", truncated),
        ("WebcastChatMessage", vec![0xff; 12]),
        ("WebcastLikeMessage", good),
    ]);
    let (r, out, stats) = decode(&bytes);
    assert!(r.is_ok());
    let kinds: Vec<&str> = out
        .iter()
        .map(|o| match o {
            Output::Event(e) => e.kind.name(),
            Output::Warning(_) => "warning",
            Output::Drift(_) => "drift",
        })
        .collect();
    assert_eq!(kinds, ["like", "warning", "warning", "like"]);
    assert_eq!(stats.message_errors, 2);
    assert_eq!(stats.events, 2);
    let Output::Warning(w) = &out[1] else {
        unreachable!()
    };
    // The warning says what and carries evidence.
    assert_eq!(w.method, "WebcastLikeMessage");
    assert_eq!(w.payload_len, 3);
    assert!(!w.preview.is_empty());
    let text = w.to_string();
    assert!(
        text.starts_with("could not decode WebcastLikeMessage (3 bytes): "),
        "{text}"
    );
}

#[test]
fn random_bytes_are_errors_not_panics() {
    // A fixed xorshift stream: the same bytes every run.
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut decoder = Decoder::new(DecoderOptions {
        wanted: all_kinds(),
        streaks: StreakMode::Final,
    });
    let mut errors = 0;
    for round in 0..2000 {
        let len = (next() % 600) as usize;
        let bytes: Vec<u8> = (0..len).map(|_| next() as u8).collect();
        let mut out = Vec::new();
        if decoder.decode_frame(&bytes, &mut out).is_err() {
            errors += 1;
        }
        let _ = decoder.decode_fetch(&bytes, &mut out);
        let route = Route::ALL[round % Route::ALL.len()];
        decoder.decode_message(route.method(), &bytes, false, &mut out);
    }
    let stats = decoder.stats();
    assert_eq!(stats.frames, 2000);
    assert!(errors > 1500, "random bytes are rarely a frame ({errors})");
    assert!(stats.frame_errors >= errors);
}

#[test]
fn bad_gzip_is_a_clear_error() {
    let body = FetchResult {
        messages: vec![BaseMessage {
            method: "WebcastLikeMessage".into(),
            payload: Bytes::from(a_like(1)),
            ..Default::default()
        }],
        ..Default::default()
    }
    .encode_to_vec();
    let gz = deflate_gzip(&body);

    // The header says gzip but the payload is plain protobuf.
    let r = decode_frame(&frame_with_payload(true, body.clone()));
    assert!(matches!(&r, Err(FrameError::Gzip(_))), "{r:?}");
    assert!(
        r.unwrap_err()
            .to_string()
            .starts_with("frame payload is not valid gzip")
    );

    // A broken gzip header: an unknown compression method (byte 2), reserved
    // flag bits (byte 3).
    for (offset, byte) in [(2, 0x07), (3, 0xe0)] {
        let mut bad = gz.clone();
        bad[offset] = byte;
        let r = decode_frame(&frame_with_payload(true, bad));
        assert!(matches!(r, Err(FrameError::Gzip(_))), "{offset}: {r:?}");
    }
    // Without the compress_type header the magic (1f 8b 08) alone decides: bad
    // flags behind it are still a gzip error ...
    let mut bad_flags = gz.clone();
    bad_flags[3] = 0xe0;
    let r = decode_frame(&frame_with_payload(false, bad_flags));
    assert!(matches!(r, Err(FrameError::Gzip(_))), "{r:?}");
    // ... while a payload that does not start with the magic is taken as is
    // (and then fails as a fetch result, a counted frame error).
    let mut not_magic = gz.clone();
    not_magic[2] = 0x07;
    let f = decode_frame(&frame_with_payload(false, not_magic.clone())).unwrap();
    assert!(!f.was_gzip);
    let (r, _, stats) = decode(&frame_with_payload(false, not_magic));
    assert!(matches!(r, Err(FrameError::FetchResult(_))), "{r:?}");
    assert_eq!(stats.frame_errors, 1);

    // A corrupt CRC in the trailer.
    let mut bad_crc = gz.clone();
    let n = bad_crc.len();
    bad_crc[n - 8] ^= 0xff;
    let r = decode_frame(&frame_with_payload(true, bad_crc));
    assert!(matches!(r, Err(FrameError::Gzip(_))), "{r:?}");

    // Cut short.
    let r = decode_frame(&frame_with_payload(true, gz[..gz.len() / 2].to_vec()));
    assert!(matches!(r, Err(FrameError::Gzip(_))), "{r:?}");

    // And the good one, with the header in any case.
    let mut ok = PushFrame::decode(&frame_with_payload(true, gz)[..]).unwrap();
    ok.headers[0].value = "GZIP".into();
    let f = decode_frame(&ok.encode_to_vec()).unwrap();
    assert!(f.was_gzip);
    assert_eq!(&f.payload[..], &body[..]);
}

#[test]
fn a_gzip_bomb_is_refused_and_counted() {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    // Write in pieces so the test does not hold the whole inflated size twice.
    let chunk = vec![0u8; 1 << 20];
    for _ in 0..(MAX_INFLATED >> 20) + 1 {
        enc.write_all(&chunk).unwrap();
    }
    let bomb = enc.finish().unwrap();
    assert!(bomb.len() < 64 * 1024, "{} bytes", bomb.len());
    let (r, out, stats) = decode(&frame_with_payload(true, bomb.clone()));
    assert_eq!(
        r,
        Err(FrameError::TooLarge {
            limit: MAX_INFLATED
        })
    );
    assert!(out.is_empty());
    assert_eq!((stats.frames, stats.frame_errors), (1, 1));
    assert!(
        FrameError::TooLarge {
            limit: MAX_INFLATED
        }
        .to_string()
        .contains("8388608-byte limit")
    );
    // Exactly at the limit is still fine.
    let at_limit = deflate_gzip(&vec![0u8; MAX_INFLATED]);
    assert_eq!(
        frame::inflate(&at_limit, MAX_INFLATED).map(|v| v.len()),
        Ok(MAX_INFLATED)
    );
    assert_eq!(
        frame::inflate(&bomb, MAX_INFLATED),
        Err(FrameError::TooLarge {
            limit: MAX_INFLATED
        })
    );
}

#[test]
fn empty_input_everywhere() {
    let mut decoder = Decoder::new(everything());
    let mut out = Vec::new();
    assert_eq!(decoder.decode_frame(&[], &mut out), Err(FrameError::Empty));
    assert_eq!(FrameError::Empty.to_string(), "empty frame");
    // An empty fetch result is a valid, empty protobuf message.
    let info = decoder.decode_fetch(&[], &mut out).unwrap();
    assert_eq!(info.message_count, 0);
    // A frame with an empty payload: nothing in it, no error.
    let info = decoder
        .decode_frame(&frame_with_payload(false, vec![]), &mut out)
        .unwrap();
    assert_eq!(info.fetch.unwrap().message_count, 0);
    // An empty message payload is a message with every field at its default.
    for route in Route::ALL {
        decoder.decode_message(route.method(), &[], false, &mut out);
    }
    assert!(out.iter().all(|o| matches!(o, Output::Event(_))), "{out:?}");
    assert_eq!(decoder.stats().frame_errors, 1);
    assert_eq!(decoder.stats().message_errors, 0);
}

#[test]
fn bad_capture_lines_say_why() {
    let good = tiklive::webcast::capture::format_record(
        1692120689751,
        tiklive::webcast::capture::RecordKind::Frame,
        b"\x08\x01",
    );
    assert!(matches!(parse_line(&good), Ok(Line::Record(_))));
    for (line, why) in [
        ("", "not JSON"),
        ("garbage", "not JSON"),
        (&good[..good.len() - 5], "not JSON"),
        (
            r#"{"t":"2023-08-15T17:31:29.751Z","kind":"frame"}"#,
            "not a capture record: missing field `data`",
        ),
        (
            r#"{"t":"2023-08-15T17:31:29.751Z","kind":"video","data":""}"#,
            "not a capture record: unknown variant `video`",
        ),
        // Valid JSON of another kind (an event, a config file).
        (
            r#"{"type":"chat","data":{}}"#,
            "JSON, but not a tiklive capture header (no `tiklive_capture` key) or record",
        ),
        ("[1,2]", "JSON, but not a tiklive capture header"),
        (
            r#"{"tiklive_capture":"one"}"#,
            "not a tiklive capture header: invalid type: string \"one\", expected u64",
        ),
        (
            r#"{"t":"half past","kind":"frame","data":""}"#,
            "bad timestamp",
        ),
        (
            r#"{"t":"2023-08-15T17:31:29.751Z","kind":"frame","data":"%%%"}"#,
            "bad base64",
        ),
        (
            r#"{"tiklive_capture":9,"streamer":"x"}"#,
            "unsupported capture version 9",
        ),
    ] {
        let err: CaptureError = parse_line(line).unwrap_err();
        assert!(err.to_string().starts_with(why), "{line:?}: {err}");
    }
}

/// A capture with a bad middle line, a line that is not even UTF-8, and a
/// truncated last line replays every good record.
#[test]
fn a_damaged_capture_replays_the_rest() {
    use tiklive::source::replay::ReplayReader;
    use tiklive::webcast::capture::{RecordKind, format_header, format_record};

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("damaged.capture");
    let mut file = std::fs::File::create(&path).unwrap();
    let rec = |t: i64| format_record(t, RecordKind::Frame, &push_frame(&[]));
    writeln!(file, "{}", format_header("alice", "1")).unwrap();
    writeln!(file, "{}", rec(1_000)).unwrap();
    writeln!(file, "{{\"t\":\"2023-08-15T17:31:29.751Z\",\"kind\":").unwrap();
    file.write_all(b"\xff\xfe not utf-8 \xc3\x28\n").unwrap();
    writeln!(file, "{}", rec(2_000)).unwrap();
    let last = rec(3_000);
    write!(file, "{}", &last[..last.len() / 2]).unwrap();
    drop(file);

    let reader = ReplayReader::open(&path).unwrap();
    assert_eq!(reader.header.as_ref().unwrap().streamer, "alice");
    let records: Vec<_> = reader.map(|r| r.unwrap()).collect();
    let times: Vec<i64> = records.iter().map(|r| r.t_ms).collect();
    assert_eq!(times, [1_000, 2_000]);
}

// ---------------------------------------------------------------------------
// Property tests: no input makes any entry point panic.
// ---------------------------------------------------------------------------

/// Every known method, plus an unknown one.
fn methods() -> Vec<String> {
    let mut m: Vec<String> = Route::ALL.iter().map(|r| r.method().to_string()).collect();
    m.push("WebcastSomethingNew".into());
    m
}

/// Real payloads to mutate: a few of each method (enough variety, still fast).
fn real_samples() -> &'static [(String, Vec<u8>)] {
    static SAMPLES: std::sync::OnceLock<Vec<(String, Vec<u8>)>> = std::sync::OnceLock::new();
    SAMPLES.get_or_init(|| {
        let mut per_method = std::collections::HashMap::<String, usize>::new();
        collector_payloads()
            .into_iter()
            .filter(|p| {
                let n = per_method.entry(p.method.clone()).or_default();
                *n += 1;
                *n <= 3
            })
            .map(|p| (p.method, p.bytes))
            .collect()
    })
}

/// Apply byte edits: (position, new byte) pairs, then cut to `keep` of the length.
fn mutate(payload: &[u8], edits: &[(usize, u8)], keep: f64) -> Vec<u8> {
    let mut out = payload.to_vec();
    if out.is_empty() {
        return out;
    }
    for (pos, byte) in edits {
        let i = pos % out.len();
        out[i] = *byte;
    }
    let len = ((out.len() as f64) * keep).ceil() as usize;
    out.truncate(len.min(out.len()));
    out
}

fn decoders() -> Vec<Decoder> {
    let mut only_gift = KindSet::empty();
    only_gift.insert(EventKind::Gift);
    vec![
        Decoder::new(everything()),
        Decoder::new(DecoderOptions {
            wanted: all_kinds(),
            streaks: StreakMode::Final,
        }),
        Decoder::new(options(only_gift)),
    ]
}

proptest! {

    #[test]
    fn arbitrary_bytes_never_panic_the_frame_layer(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let _ = decode_frame(&bytes);
        let _ = frame::inflate(&bytes, 1 << 16);
    }

    #[test]
    fn arbitrary_bytes_never_panic_the_decoder(bytes in prop::collection::vec(any::<u8>(), 0..1024)) {
        for mut decoder in decoders() {
            let mut out = Vec::new();
            let frame_ok = decoder.decode_frame(&bytes, &mut out).is_ok();
            let fetch_ok = decoder.decode_fetch(&bytes, &mut out).is_ok();
            for method in methods() {
                decoder.decode_message(&method, &bytes, false, &mut out);
                decoder.decode_message(&method, &bytes, true, &mut out);
            }
            decoder.flush(&mut out);
            let stats = decoder.stats();
            prop_assert_eq!(stats.frames, 1);
            prop_assert_eq!(stats.frame_errors, u64::from(!frame_ok) + u64::from(!fetch_ok));
            let warnings = out.iter().filter(|o| matches!(o, Output::Warning(_))).count();
            prop_assert_eq!(warnings as u64, stats.message_errors);
        }
    }

    /// Arbitrary bytes wrapped in a real gzip'ed frame, so they reach the
    /// message decoders behind the frame and fetch layers.
    #[test]
    fn arbitrary_messages_in_a_valid_frame_never_panic(
        method in prop::sample::select(methods()),
        payload in prop::collection::vec(any::<u8>(), 0..512),
    ) {
        let bytes = push_frame(&[(&method, payload.clone()), ("WebcastLikeMessage", a_like(1))]);
        for mut decoder in decoders() {
            let mut out = Vec::new();
            prop_assert!(decoder.decode_frame(&bytes, &mut out).is_ok());
        }
    }

    /// Real payloads with random byte edits and cuts: deep into the schema.
    #[test]
    fn mutated_real_payloads_never_panic(
        index in any::<prop::sample::Index>(),
        edits in prop::collection::vec((any::<usize>(), any::<u8>()), 0..8),
        keep in 0.0f64..=1.0,
    ) {
        let samples = real_samples();
        let (method, payload) = &samples[index.index(samples.len())];
        let bytes = mutate(payload, &edits, keep);
        for mut decoder in decoders() {
            let mut out = Vec::new();
            decoder.decode_message(method, &bytes, false, &mut out);
            // The same bytes under every other method's schema, too.
            let other = Route::ALL[index.index(Route::ALL.len())].method();
            decoder.decode_message(other, &bytes, false, &mut out);
            for o in &out {
                if let Output::Event(ev) = o {
                    prop_assert!(serde_json::from_str::<serde_json::Value>(ev.data.get()).is_ok());
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Schema drift: a field whose wire type changes is skipped, the event stays.
// ---------------------------------------------------------------------------

/// The wire types a field can be flipped to, with a valid value of each.
const WIRES: [u8; 4] = [0, 1, 2, 5];

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn get_varint(buf: &mut &[u8]) -> Option<u64> {
    let mut v = 0u64;
    for i in 0..10 {
        let (&b, rest) = buf.split_first()?;
        *buf = rest;
        v |= u64::from(b & 0x7f) << (7 * i);
        if b < 0x80 {
            return Some(v);
        }
    }
    None
}

/// The fields of one message: (number, wire type, value bytes without any
/// length prefix). None if `buf` is not a well-formed message.
fn fields(mut buf: &[u8]) -> Option<Vec<(u32, u8, &[u8])>> {
    let mut out = Vec::new();
    while !buf.is_empty() {
        let key = get_varint(&mut buf)?;
        let (number, wire) = (u32::try_from(key >> 3).ok()?, (key & 7) as u8);
        if number == 0 {
            return None;
        }
        let len = match wire {
            0 => {
                let start = buf;
                get_varint(&mut buf)?;
                out.push((number, wire, &start[..start.len() - buf.len()]));
                continue;
            }
            1 => 8,
            2 => usize::try_from(get_varint(&mut buf)?).ok()?,
            5 => 4,
            _ => return None,
        };
        out.push((number, wire, buf.get(..len)?));
        buf = &buf[len..];
    }
    Some(out)
}

fn encode_fields(fields: &[(u32, u8, Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::new();
    for (number, wire, value) in fields {
        put_varint(&mut out, (u64::from(*number) << 3) | u64::from(*wire));
        if *wire == 2 {
            put_varint(&mut out, value.len() as u64);
        }
        out.extend_from_slice(value);
    }
    out
}

/// A valid value of wire type `wire` that is not what the schema expects.
fn value_of(wire: u8) -> Vec<u8> {
    match wire {
        0 => vec![0x01],
        1 => vec![7; 8],
        2 => b"drift".to_vec(),
        _ => vec![7; 4],
    }
}

/// `payload` with the first field at `path` (field numbers from the top)
/// re-sent as wire type `wire` (added when the last field of the path is
/// absent, as a default value is); None when an enclosing message is absent or
/// the field already has that wire type.
fn flip(payload: &[u8], path: &[u32], wire: u8) -> Option<Vec<u8>> {
    let (first, rest) = path.split_first()?;
    let mut owned: Vec<(u32, u8, Vec<u8>)> = fields(payload)?
        .into_iter()
        .map(|(n, w, v)| (n, w, v.to_vec()))
        .collect();
    match owned.iter_mut().find(|(n, _, _)| n == first) {
        Some(target) if rest.is_empty() => {
            if target.1 == wire {
                return None;
            }
            *target = (*first, wire, value_of(wire));
        }
        Some(target) => target.2 = flip(&target.2, rest, wire)?,
        None if rest.is_empty() => owned.push((*first, wire, value_of(wire))),
        None => return None,
    }
    Some(encode_fields(&owned))
}

/// Remove the JSON pointer `ptr` from `v` (when present).
fn remove_pointer(v: &mut serde_json::Value, ptr: &str) {
    let (parent, key) = ptr.rsplit_once('/').unwrap();
    if let Some(serde_json::Value::Object(o)) = v.pointer_mut(parent) {
        o.remove(key);
    }
}

/// Decode one message with a fresh decoder: (events' data, drift reports,
/// message errors).
fn decode_drifted(method: &str, payload: &[u8]) -> (Vec<serde_json::Value>, usize, usize) {
    let mut decoder = Decoder::new(everything());
    let mut out = Vec::new();
    decoder.decode_message(method, payload, false, &mut out);
    let (mut events, mut drift, mut errors) = (Vec::new(), 0, 0);
    for o in out {
        match o {
            Output::Event(e) => events
                .push(serde_json::json!({"type": e.kind.name(), "data": crate::support::decode::data_of(&e)})),
            Output::Drift(_) => drift += 1,
            Output::Warning(_) => errors += 1,
        }
    }
    (events, drift, errors)
}

#[test]
fn a_nested_field_that_changes_wire_type_keeps_the_event() {
    // (method, field path, the schema's wire type there, the data keys that
    // field feeds).
    let cases: &[(&str, &[u32], u8, &[&str])] = &[
        ("WebcastChatMessage", &[2, 12], 0, &["/verified"]),
        (
            "WebcastChatMessage",
            &[2, 64, 3],
            0,
            &[
                "/isModerator",
                "/isSubscriber",
                "/gifterLevel",
                "/teamMemberLevel",
                "/isNewGifter",
            ],
        ),
        ("WebcastGiftMessage", &[7, 12], 0, &["/verified"]),
        ("WebcastGiftMessage", &[15, 1], 2, &["/giftImageUrl"]),
        ("WebcastLikeMessage", &[5, 12], 0, &["/verified"]),
        ("WebcastMemberMessage", &[2, 12], 0, &["/verified"]),
        ("WebcastSocialMessage", &[2, 12], 0, &["/verified"]),
        // A ranked viewer is read as a reference (lean `RefUser`): its
        // nickname is read, its `verified` flag is skipped unread.
        (
            "WebcastRoomUserSeqMessage",
            &[2, 2, 3],
            2,
            &["/topViewers/0/nickname"],
        ),
        (
            "WebcastRankUpdateMessage",
            &[1, 6],
            0,
            &["/rankData/common/isShowMsg"],
        ),
    ];
    let payloads = collector_payloads();
    for (method, path, schema_wire, fed) in cases {
        let mut tried = 0;
        for p in payloads.iter().filter(|p| p.method == *method) {
            tried += assert_flips_keep_the_event(method, &p.bytes, path, *schema_wire, fed);
            if tried >= 6 {
                break;
            }
        }
        assert!(
            tried >= 3,
            "{method}: the path {path:?} is in the real payloads"
        );
    }
}

/// Re-send the field at `path` of `payload` as each other wire type: the event
/// stays, one drift is reported when the wire type differs from the schema's,
/// and the data equals the unchanged payload's apart from the keys in `fed`
/// (JSON pointers the field feeds). Returns how many flips were tried.
fn assert_flips_keep_the_event(
    method: &str,
    payload: &[u8],
    path: &[u32],
    schema_wire: u8,
    fed: &[&str],
) -> usize {
    let (mut want, _, _) = decode_drifted(method, payload);
    let mut tried = 0;
    for wire in WIRES {
        let Some(drifted) = flip(payload, path, wire) else {
            continue;
        };
        tried += 1;
        let (mut got, drift, errors) = decode_drifted(method, &drifted);
        assert_eq!(
            errors, 0,
            "{method} {path:?} as wire {wire}: the event was lost"
        );
        let drifted_wire = usize::from(wire != schema_wire);
        assert_eq!(
            drift, drifted_wire,
            "{method} {path:?} as wire {wire}: drift reports"
        );
        assert_eq!(got.len(), want.len(), "{method} {path:?} as wire {wire}");
        for (g, w) in got.iter_mut().zip(want.iter_mut()) {
            for ptr in fed {
                remove_pointer(&mut g["data"], ptr);
                remove_pointer(&mut w["data"], ptr);
            }
        }
        assert_eq!(got, want, "{method} {path:?} as wire {wire}");
    }
    tried
}

/// The same for the nested v3 types of the messages carried whole: a gift
/// broadcast's room notice and its user, a battle item card's sender.
#[test]
fn a_nested_v3_field_that_changes_wire_type_keeps_the_event() {
    use tiklive::webcast::proto::v3;
    let user = v3::User {
        id: 7_100_000_000_000_000_001,
        nickname: "Alice".into(),
        display_id: "alice.k".into(),
        verified: true,
        ..Default::default()
    };
    let broadcast = v3::GiftBroadcastMessage {
        from_user_id: 7_100_000_000_000_000_001,
        notify: Some(v3::RoomNotifyMessage {
            content: "Alice sent a Universe".into(),
            notify_type: 4,
            user: Some(user),
            ..Default::default()
        }),
        ..Default::default()
    }
    .encode_to_vec();
    let card = v3::LinkMicBattleItemCard {
        battle_id: 7_300_000_000_000_000_067,
        use_critical_strike_card: Some(v3::UseCriticalStrikeCard {
            card_info: Some(critical_strike("Alice")),
            ..Default::default()
        }),
        ..Default::default()
    }
    .encode_to_vec();
    // (payload, field path, the schema's wire type there, the keys it feeds)
    let broadcast_cases: [(&[u32], u8, &str); 2] = [
        (&[4, 5, 12], 0, "/notify/user/verified"),
        (&[4, 3], 0, "/notify/notifyType"),
    ];
    for (path, wire, fed) in broadcast_cases {
        let method = "WebcastGiftBroadcastMessage";
        let tried = assert_flips_keep_the_event(method, &broadcast, path, wire, &[fed]);
        assert_eq!(tried, 3, "{method} {path:?}");
    }
    let fed = "/useCriticalStrikeCard/cardInfo/sendUser/user/nickName";
    let method = "WebcastLinkMicBattleItemCard";
    let tried = assert_flips_keep_the_event(method, &card, &[5, 1, 4, 1, 2], 2, &[fed]);
    assert_eq!(tried, 3, "{method}");
}

#[test]
fn drift_is_reported_once_per_method_and_field() {
    let p = collector_payloads()
        .into_iter()
        .find(|p| p.method == "WebcastLikeMessage")
        .unwrap();
    let drifted = flip(&p.bytes, &[5, 12], 2).unwrap();
    let mut decoder = Decoder::new(everything());
    let mut out = Vec::new();
    for _ in 0..5 {
        decoder.decode_message("WebcastLikeMessage", &drifted, false, &mut out);
    }
    let drift: Vec<String> = out
        .iter()
        .filter_map(|o| match o {
            Output::Drift(d) => Some(d.to_string()),
            _ => None,
        })
        .collect();
    assert_eq!(drift.len(), 1, "{drift:?}");
    assert!(drift[0].contains("WebcastLikeMessage: field user.verified (number 12) arrived as length-delimited, the schema says bool"), "{}", drift[0]);
    assert_eq!(decoder.stats().schema_drift, 1);
    assert_eq!(decoder.stats().message_errors, 0);
    assert_eq!(decoder.stats().events, 5);
}

/// Every field occurrence of `payload`, at any depth (a length-delimited
/// value that parses as a message is looked into): field-number paths.
fn field_paths(payload: &[u8], prefix: &mut Vec<u32>, out: &mut Vec<Vec<u32>>) {
    let Some(list) = fields(payload) else { return };
    let mut seen = std::collections::HashSet::new();
    for (number, wire, value) in list {
        if !seen.insert(number) || prefix.len() > 6 {
            continue;
        }
        prefix.push(number);
        out.push(prefix.clone());
        if wire == 2 && !value.is_empty() {
            field_paths(value, prefix, out);
        }
        prefix.pop();
    }
}

/// A real payload: method, bytes, and the field paths in it.
type WithPaths = (String, Vec<u8>, Vec<Vec<u32>>);

/// Every real payload with its field paths.
fn real_with_paths() -> &'static [WithPaths] {
    static ALL: std::sync::OnceLock<Vec<WithPaths>> = std::sync::OnceLock::new();
    ALL.get_or_init(|| {
        collector_payloads()
            .into_iter()
            .map(|p| {
                let mut paths = Vec::new();
                field_paths(&p.bytes, &mut Vec::new(), &mut paths);
                (p.method, p.bytes, paths)
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Flipping the wire type of any one field, at any depth, of any real
    /// payload never loses the event.
    #[test]
    fn flipping_any_field_of_a_real_payload_keeps_the_event(
        which in any::<prop::sample::Index>(),
        field in any::<prop::sample::Index>(),
        wire in prop::sample::select(WIRES.to_vec()),
    ) {
        let all = real_with_paths();
        let (method, payload, paths) = &all[which.index(all.len())];
        let path = &paths[field.index(paths.len())];
        if let Some(drifted) = flip(payload, path, wire) {
            let (want, _, _) = decode_drifted(method, payload);
            let (got, _, errors) = decode_drifted(method, &drifted);
            prop_assert_eq!(errors, 0, "{} {:?} as wire {}", method, path, wire);
            // The event stays (a flipped control action may drop the extra
            // streamEnd, a flipped display key may turn a follow into a
            // social, but the message still gives its event).
            prop_assert!(!got.is_empty() || want.is_empty(), "{} {:?} as wire {}", method, path, wire);
        }
    }
}
