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

use crate::util::{all_kinds, collector_payloads, everything, fixture, options};

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
        decoder.decode_message(&route.method(), &bytes, false, &mut out);
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
        decoder.decode_message(&route.method(), &[], false, &mut out);
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
            "not JSON",
        ),
        (
            r#"{"t":"2023-08-15T17:31:29.751Z","kind":"video","data":""}"#,
            "not JSON",
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
    let mut m: Vec<String> = Route::ALL.iter().map(|r| r.method()).collect();
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
            decoder.decode_message(&other, &bytes, false, &mut out);
            for o in &out {
                if let Output::Event(ev) = o {
                    prop_assert!(serde_json::from_str::<serde_json::Value>(ev.data.get()).is_ok());
                }
            }
        }
    }
}
