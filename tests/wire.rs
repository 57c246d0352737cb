//! The wire reader of the high-volume messages (`src/webcast/wire.rs`) against
//! prost: on every real payload, on every truncation of some, on hand-made
//! edge cases and on mutated payloads.
//!
//! The property checked everywhere: when the wire reader reads a payload,
//! prost decodes it too, and the events mapped from it are the ones mapped
//! from prost's decoding of it (re-encoded: prost merges repeated
//! sub-messages, lets the last scalar win and drops unknown fields, so its
//! encoding is what prost saw). When the reader refuses, the mapping falls
//! back to prost and the lenient decoder, as before.

use bytes::Bytes;
use proptest::prelude::*;
use prost::Message;
use tiklive::webcast::lenient::Mismatch;
use tiklive::webcast::mapping::{Mapped, Payload, Route, map_message};
use tiklive::webcast::proto::lean;
use tiklive::webcast::proto::{BaseMessage, FetchResult};
use tiklive::webcast::wire;
use tiklive::webcast::{Decoder, Output};

use crate::support::decode::{collector_payloads, everything};

/// The six routes the wire reader serves.
const HOT: [Route; 6] = [
    Route::Chat,
    Route::Gift,
    Route::Like,
    Route::Member,
    Route::RoomUserSeq,
    Route::Social,
];

/// Whether the wire reader reads `bytes` as `route`'s message.
fn accepted(route: Route, bytes: &[u8]) -> bool {
    match route {
        Route::Chat => wire::ChatMessage::parse(bytes).is_ok(),
        Route::Gift => wire::GiftMessage::parse(bytes).is_ok(),
        Route::Like => wire::LikeMessage::parse(bytes).is_ok(),
        Route::Member => wire::MemberMessage::parse(bytes).is_ok(),
        Route::RoomUserSeq => wire::RoomUserSeqMessage::parse(bytes).is_ok(),
        Route::Social => wire::SocialMessage::parse(bytes).is_ok(),
        _ => unreachable!("not a high-volume route"),
    }
}

/// prost's (lean schema) decoding of `bytes`, re-encoded; None when prost
/// rejects it.
fn prost_canonical(route: Route, bytes: &[u8]) -> Option<Vec<u8>> {
    fn re<M: Message + Default>(bytes: &[u8]) -> Option<Vec<u8>> {
        M::decode(bytes).ok().map(|m| m.encode_to_vec())
    }
    match route {
        Route::Chat => re::<lean::ChatMessage>(bytes),
        Route::Gift => re::<lean::GiftMessage>(bytes),
        Route::Like => re::<lean::LikeMessage>(bytes),
        Route::Member => re::<lean::MemberMessage>(bytes),
        Route::RoomUserSeq => re::<lean::RoomUserSeqMessage>(bytes),
        Route::Social => re::<lean::SocialMessage>(bytes),
        _ => unreachable!("not a high-volume route"),
    }
}

/// The mapped events (kind, msgId, data) or error, and the skipped fields.
fn mapped(route: Route, bytes: &[u8]) -> (Result<Vec<String>, String>, Vec<Mismatch>) {
    let mut mm = Vec::new();
    let events = map_message(
        route,
        &Payload::from(&Bytes::copy_from_slice(bytes)),
        &mut mm,
    )
    .map(|m| match m {
        Mapped::Events(events) => events
            .iter()
            .map(|e| format!("{:?} {:?} {}", e.kind, e.msg_id, e.data.get()))
            .collect(),
        Mapped::Gift(gift) => vec![format!("{gift:?}")],
    });
    (events, mm)
}

/// The property (see the module doc). Returns whether the reader read it.
fn agrees_with_prost(route: Route, bytes: &[u8]) -> Result<bool, String> {
    if !accepted(route, bytes) {
        return Ok(false);
    }
    let Some(canonical) = prost_canonical(route, bytes) else {
        return Err(format!("{route:?}: read, but prost rejects {bytes:02x?}"));
    };
    if !accepted(route, &canonical) {
        return Err(format!("{route:?}: prost's re-encoding is refused"));
    }
    let (ours, theirs) = (mapped(route, bytes), mapped(route, &canonical));
    if ours != theirs {
        return Err(format!(
            "{route:?}: {ours:?} != {theirs:?} for {bytes:02x?}"
        ));
    }
    Ok(true)
}

fn hot_payloads() -> Vec<(Route, Vec<u8>)> {
    collector_payloads()
        .into_iter()
        .filter_map(|p| {
            let route = Route::for_method(&p.method)?;
            HOT.contains(&route).then_some((route, p.bytes))
        })
        .collect()
}

#[test]
fn every_real_payload_is_read_as_prost_reads_it() {
    let payloads = hot_payloads();
    for (route, bytes) in &payloads {
        assert_eq!(agrees_with_prost(*route, bytes), Ok(true));
    }
    assert_eq!(payloads.len(), 163 + 137 + 157 + 169 + 178 + 140);
}

#[test]
fn every_truncation_of_real_payloads_is_read_as_prost_reads_it_or_refused() {
    let payloads = hot_payloads();
    let mut read = 0;
    for route in HOT {
        // Two payloads of each type, cut at every byte.
        for (_, bytes) in payloads.iter().filter(|(r, _)| *r == route).take(2) {
            for len in 0..bytes.len() {
                read += usize::from(agrees_with_prost(route, &bytes[..len]).unwrap());
            }
        }
    }
    // A cut between two top-level fields leaves a readable message.
    assert!(read > 0);
}

/// A field key.
fn key(number: u32, wire: u8) -> Vec<u8> {
    varint(u64::from(number) << 3 | u64::from(wire))
}

fn varint(mut v: u64) -> Vec<u8> {
    let mut out = Vec::new();
    while v >= 0x80 {
        out.push(v as u8 | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
    out
}

fn len_field(number: u32, value: &[u8]) -> Vec<u8> {
    [key(number, 2), varint(value.len() as u64), value.to_vec()].concat()
}

fn like(extra: &[u8]) -> Vec<u8> {
    let user = lean::User {
        id: 7,
        nickname: Bytes::from_static(b"Ann"),
        display_id: Bytes::from_static(b"ann"),
        ..Default::default()
    };
    let mut bytes = lean::LikeMessage {
        common: Some(lean::Common {
            msg_id: 42,
            create_time: 1_700_000_000_000,
        }),
        count: 3,
        total: 10,
        user: Some(user),
    }
    .encode_to_vec();
    bytes.extend_from_slice(extra);
    bytes
}

#[test]
fn unknown_fields_of_every_wire_type_are_skipped() {
    let extras = [
        [key(99, 0), varint(u64::MAX)].concat(),
        [key(99, 1), vec![1; 8]].concat(),
        len_field(99, b"anything"),
        [key(99, 5), vec![1; 4]].concat(),
        // Field numbers up to the largest (2^29 - 1).
        [key((1 << 29) - 1, 0), varint(5)].concat(),
    ];
    for extra in extras {
        assert_eq!(agrees_with_prost(Route::Like, &like(&extra)), Ok(true));
    }
}

#[test]
fn scalars_and_text_take_the_last_value() {
    let bytes = like(&[key(2, 0), varint(9), key(2, 0), varint(11)].concat());
    assert_eq!(agrees_with_prost(Route::Like, &bytes), Ok(true));
    assert!(mapped(Route::Like, &bytes).0.unwrap()[0].contains(r#""likeCount":11"#));
    // A chat's content twice, and an int32 beyond 32 bits (prost truncates).
    let chat = [
        len_field(3, b"first"),
        len_field(3, b"second"),
        len_field(1, &[key(2, 0), varint(5)].concat()),
    ]
    .concat();
    assert_eq!(agrees_with_prost(Route::Chat, &chat), Ok(true));
    let events = mapped(Route::Chat, &chat).0.unwrap();
    assert!(events[0].contains("second") && !events[0].contains("first"));
    let gift = [key(5, 0), varint((1 << 40) + 3)].concat();
    assert_eq!(agrees_with_prost(Route::Gift, &gift), Ok(true));
}

/// What the reader refuses goes the old way: the same events and skipped
/// fields as prost and the lenient decoder give.
#[test]
fn what_prost_would_read_differently_is_refused_and_decoded_as_before() {
    let user = len_field(5, &len_field(3, b"Bob"));
    let cases: Vec<(&str, Vec<u8>)> = vec![
        // prost merges a sub-message that comes twice.
        ("user twice", like(&user)),
        (
            "common twice",
            like(&len_field(1, &[key(4, 0), varint(5)].concat())),
        ),
        // A known field with another wire type: the lenient decoder skips it.
        ("count as text", like(&len_field(2, b"12"))),
        ("count packed", like(&len_field(2, &varint(12)))),
        ("user as varint", like(&[key(5, 0), varint(1)].concat())),
        // Groups, even unknown ones.
        (
            "unknown group",
            like(&[key(99, 3), key(1, 0), varint(1), key(99, 4)].concat()),
        ),
    ];
    for (what, bytes) in cases {
        assert!(!accepted(Route::Like, &bytes), "{what}");
        let (events, _) = mapped(Route::Like, &bytes);
        assert!(events.is_ok(), "{what}: {events:?}");
    }
    let (events, mm) = mapped(Route::Like, &like(&len_field(2, b"12")));
    assert!(events.unwrap()[0].contains(r#""likeCount":3"#));
    assert_eq!(
        (mm[0].path.as_str(), mm[0].found),
        ("count", "length-delimited")
    );
    let (events, _) = mapped(Route::Like, &like(&user));
    assert!(events.unwrap()[0].contains(r#""nickname":"Bob""#));
}

#[test]
fn broken_framing_is_refused_where_prost_rejects_it() {
    let cases: Vec<Vec<u8>> = vec![
        // A 10-byte varint whose last byte is 2 or more.
        [key(2, 0), vec![0xff; 9], vec![0x02]].concat(),
        // Field number 0, wire types 6 and 7, keys beyond 32 bits (even one
        // whose field number would fit).
        [key(0, 0), varint(1)].concat(),
        [key(99, 6)].concat(),
        [key(99, 7)].concat(),
        [varint(1 << 35), varint(1)].concat(),
        [varint(1 << 32 | 8), varint(1)].concat(),
        // A stray end of group, a length past the end, a cut fixed64.
        key(99, 4),
        [key(99, 2), varint(5), vec![1; 4]].concat(),
        [key(99, 1), vec![1; 7]].concat(),
    ];
    for extra in cases {
        let bytes = like(&extra);
        assert!(!accepted(Route::Like, &bytes), "{extra:02x?}");
        assert!(
            prost_canonical(Route::Like, &bytes).is_none(),
            "{extra:02x?}"
        );
    }
    // The 10th byte may be 1.
    let ok = like(&[key(2, 0), vec![0xff; 9], vec![0x01]].concat());
    assert_eq!(agrees_with_prost(Route::Like, &ok), Ok(true));
}

#[test]
fn a_chat_emote_with_invalid_utf8_is_refused_as_prost_rejects_it() {
    let emote = |id: &[u8]| {
        len_field(
            13,
            &[key(1, 0), varint(2), len_field(2, &len_field(1, id))].concat(),
        )
    };
    let good = [len_field(3, b"hi"), emote(b"e1")].concat();
    assert_eq!(agrees_with_prost(Route::Chat, &good), Ok(true));
    assert!(mapped(Route::Chat, &good).0.unwrap()[0].contains(r#""emoteId":"e1""#));
    let bad = [len_field(3, b"hi"), emote(b"e\xff")].concat();
    assert!(!accepted(Route::Chat, &bad));
    assert!(prost_canonical(Route::Chat, &bad).is_none());
}

/// How a real payload is mutated.
#[derive(Debug, Clone)]
enum Mutation {
    Set(prop::sample::Index, u8),
    Insert(prop::sample::Index, u8),
    Remove(prop::sample::Index),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<prop::sample::Index>(), any::<u8>()).prop_map(|(i, b)| Mutation::Set(i, b)),
        (any::<prop::sample::Index>(), any::<u8>()).prop_map(|(i, b)| Mutation::Insert(i, b)),
        any::<prop::sample::Index>().prop_map(Mutation::Remove),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    /// Random byte changes to real payloads: read as prost reads them, or
    /// refused.
    #[test]
    fn mutated_real_payloads_are_read_as_prost_reads_them_or_refused(
        which in any::<prop::sample::Index>(),
        mutations in prop::collection::vec(mutation(), 1..4),
    ) {
        thread_local! {
            static PAYLOADS: Vec<(Route, Vec<u8>)> = hot_payloads();
        }
        let (route, mut bytes) = PAYLOADS.with(|p| p[which.index(p.len())].clone());
        for m in mutations {
            match m {
                Mutation::Set(i, b) if !bytes.is_empty() => {
                    let i = i.index(bytes.len());
                    bytes[i] = b;
                }
                Mutation::Insert(i, b) => {
                    let i = i.index(bytes.len() + 1);
                    bytes.insert(i, b);
                }
                Mutation::Remove(i) if !bytes.is_empty() => {
                    let i = i.index(bytes.len());
                    bytes.remove(i);
                }
                _ => {}
            }
        }
        let result = agrees_with_prost(route, &bytes);
        prop_assert!(result.is_ok(), "{:?}", result);
    }
}

/// Badges and text pieces beyond those the reader keeps as read are read
/// again from the payload, in order.
#[test]
fn long_badge_lists_and_texts_are_read_in_full() {
    // Badge i: scene 8 (gifter level), level i; the highest comes last.
    let badge = |i: u64| {
        len_field(
            64,
            &[
                key(3, 0),
                varint(8),
                len_field(12, &len_field(5, i.to_string().as_bytes())),
            ]
            .concat(),
        )
    };
    let piece = |i: u64| len_field(4, &len_field(11, format!("p{i}").as_bytes()));
    for n in [1, 3, 4, 5, 8, 9, 20] {
        let user = len_field(2, &(1..=n).flat_map(badge).collect::<Vec<u8>>());
        let pattern = (0..n)
            .map(|i| format!("{{{i}:string}}"))
            .collect::<Vec<_>>()
            .join(" ");
        let text = [len_field(1, b"key"), len_field(2, pattern.as_bytes())]
            .into_iter()
            .chain((0..n).map(piece))
            .collect::<Vec<_>>()
            .concat();
        let member = [len_field(1, &len_field(8, &text)), user].concat();
        assert_eq!(agrees_with_prost(Route::Member, &member), Ok(true));
        let event = &mapped(Route::Member, &member).0.unwrap()[0];
        assert!(event.contains(&format!(r#""gifterLevel":{n}"#)), "{event}");
        let label = (0..n).map(|i| format!("p{i}")).collect::<Vec<_>>();
        assert!(
            event.contains(&format!(r#""label":"{}""#, label.join(" "))),
            "{event}"
        );
    }
}

/// A fetch result's info and every output of its messages, decoded by a
/// fresh decoder (the `Debug` form: events, warnings, drift), or its error.
fn fetch_outputs(bytes: &[u8]) -> String {
    let mut decoder = Decoder::new(everything());
    let mut out: Vec<Output> = Vec::new();
    let info = decoder.decode_fetch(bytes, &mut out);
    format!("{info:?} {out:?} {:?}", decoder.stats())
}

/// The fetch-result reader (`wire::FetchResult`) against prost: read as
/// prost decodes it, every truncation and a few mutations too; what it
/// refuses goes to prost as before.
#[test]
fn fetch_results_are_read_as_prost_reads_them() {
    let payloads = hot_payloads();
    let message = |i: usize, method: &str| BaseMessage {
        method: method.into(),
        payload: Bytes::from(payloads[i % payloads.len()].1.clone()),
        msg_id: i as i64,
        msg_type: 1,
        offset: 2,
        is_history: i.is_multiple_of(2),
        sample_flag: 3,
    };
    let method = |i: usize| match payloads[i].0 {
        Route::Chat => "WebcastChatMessage",
        Route::Gift => "WebcastGiftMessage",
        Route::Like => "WebcastLikeMessage",
        Route::Member => "WebcastMemberMessage",
        Route::RoomUserSeq => "WebcastRoomUserSeqMessage",
        _ => "WebcastSocialMessage",
    };
    let fetch = |n: usize, params: &[(&str, &str)]| {
        FetchResult {
            messages: (0..n)
                .map(|i| message(i * 37, method(i * 37 % payloads.len())))
                .collect(),
            cursor: "c1".into(),
            fetch_interval: 1000,
            now: 1_700_000_000_000,
            internal_ext: "ext".into(),
            fetch_type: 1,
            route_params: params
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            heartbeat_duration: 10,
            need_ack: true,
            push_server: "wss://x".into(),
            is_first: true,
            history_comment_cursor: "h".into(),
            history_no_more: true,
        }
        .encode_to_vec()
    };
    // The same key twice in the route params: prost's map keeps the last.
    let twice = [
        fetch(2, &[]),
        len_field(7, &[len_field(1, b"k"), len_field(2, b"1")].concat()),
        len_field(7, &[len_field(1, b"k"), len_field(2, b"2")].concat()),
    ]
    .concat();
    for bytes in [
        fetch(0, &[]),
        fetch(12, &[]),
        fetch(3, &[("a", "1"), ("b", "2")]),
        twice,
    ] {
        assert!(wire::FetchResult::parse(&bytes).is_ok());
        let canonical = FetchResult::decode(&bytes[..]).unwrap().encode_to_vec();
        assert_eq!(fetch_outputs(&bytes), fetch_outputs(&canonical));
    }
    // Every truncation of a small one: read as prost reads it, or refused.
    let bytes = fetch(2, &[("a", "1")]);
    let mut read = 0;
    for len in 0..bytes.len() {
        let cut = &bytes[..len];
        if wire::FetchResult::parse(cut).is_ok() {
            read += 1;
            let canonical = FetchResult::decode(cut).unwrap().encode_to_vec();
            assert_eq!(
                fetch_outputs(cut),
                fetch_outputs(&canonical),
                "cut at {len}"
            );
        }
    }
    assert!(read > 0);
    // Invalid UTF-8 in an unread string field, an unknown group: prost
    // decides (an error for the first, the events for the second).
    let bad = [fetch(1, &[]), len_field(12, b"\xff")].concat();
    assert!(wire::FetchResult::parse(&bad).is_err());
    assert!(fetch_outputs(&bad).starts_with("Err(FetchResult("));
    let group = [fetch(1, &[]), key(99, 3), key(99, 4)].concat();
    assert!(wire::FetchResult::parse(&group).is_err());
    let canonical = FetchResult::decode(&group[..]).unwrap().encode_to_vec();
    assert_eq!(fetch_outputs(&group), fetch_outputs(&canonical));
}

/// A push frame as prost decodes it, opened by hand as the frame layer does
/// (the first `compress_type` header; gzip by header or magic), or `None`
/// where prost rejects it.
fn prost_frame(bytes: &[u8]) -> Option<(i64, u64, String, String, Vec<u8>, bool)> {
    use tiklive::webcast::frame::{MAX_INFLATED, inflate};
    use tiklive::webcast::proto::PushFrame;
    let f = PushFrame::decode(bytes).ok()?;
    let compress = f
        .headers
        .iter()
        .find(|h| h.key == "compress_type")
        .map_or("", |h| h.value.as_str());
    let gzip = compress.eq_ignore_ascii_case("gzip") || f.payload.starts_with(&[0x1f, 0x8b, 0x08]);
    let payload = if gzip {
        inflate(&f.payload, MAX_INFLATED).ok()?
    } else {
        f.payload.to_vec()
    };
    Some((
        f.seq_id,
        f.log_id,
        f.payload_type,
        f.payload_encoding,
        payload,
        gzip,
    ))
}

/// The push-frame reader (`wire::PushFrame`) against prost: what it reads
/// opens as prost's decoding opens, on whole frames, on every truncation and
/// on repeated fields and headers; what it refuses goes to prost as before.
#[test]
fn push_frames_are_read_as_prost_reads_them() {
    use tiklive::webcast::frame::{decode_frame, decode_frame_bytes};
    use tiklive::webcast::proto::{PushFrame, PushHeader};
    let header = |k: &str, v: &str| PushHeader {
        key: k.into(),
        value: v.into(),
    };
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut gz, b"inflated payload").unwrap();
    let gzipped = gz.finish().unwrap();
    let frame = |headers: Vec<PushHeader>, payload: &[u8], payload_type: &str| {
        PushFrame {
            seq_id: 9,
            log_id: u64::MAX - 3,
            service: 8888,
            method: 8,
            headers,
            payload_encoding: "pb".into(),
            payload_type: payload_type.into(),
            payload: Bytes::copy_from_slice(payload),
        }
        .encode_to_vec()
    };
    let check = |bytes: &[u8]| {
        let read = wire::PushFrame::default().parse_into(bytes).is_ok();
        for got in [
            decode_frame(bytes),
            decode_frame_bytes(&Bytes::copy_from_slice(bytes)),
        ] {
            match (prost_frame(bytes), got) {
                (Some(want), Ok(f)) => assert_eq!(
                    want,
                    (
                        f.seq_id,
                        f.log_id,
                        f.payload_type.into_owned(),
                        f.payload_encoding.into_owned(),
                        f.payload.to_vec(),
                        f.was_gzip
                    )
                ),
                (None, Err(_)) => {}
                // Only an unknown compression is our own error.
                (Some(_), Err(e)) => assert!(format!("{e:?}").contains("Compression"), "{e:?}"),
                (None, Ok(f)) => panic!("prost rejects what was read: {f:?}"),
            }
        }
        read
    };
    let frames = [
        frame(vec![header("compress_type", "gzip")], &gzipped, "msg"),
        frame(vec![], &gzipped, "msg"),
        frame(
            vec![header("im-now", "1"), header("compress_type", "none")],
            b"plain",
            "hb",
        ),
        // The first compress_type counts.
        frame(
            vec![
                header("compress_type", "none"),
                header("compress_type", "gzip"),
            ],
            b"plain",
            "odd type",
        ),
        frame(vec![header("compress_type", "br")], b"x", "msg"),
        // Scalars and text twice: the last wins; an unknown field is skipped.
        [
            frame(vec![header("compress_type", "gzip")], &gzipped, "msg"),
            len_field(7, b"ack"),
            len_field(8, b"again"),
            len_field(6, b"json"),
            key(1, 0),
            varint(77),
            len_field(99, b"?"),
        ]
        .concat(),
    ];
    for bytes in &frames {
        assert!(check(bytes), "read by the wire reader");
    }
    // Every truncation: read as prost reads it, or refused.
    for bytes in &frames {
        for len in 1..bytes.len() {
            check(&bytes[..len]);
        }
    }
    // Invalid UTF-8 in a header, a group: refused, prost decides.
    let bad = [frames[2].clone(), len_field(5, &len_field(1, b"\xff"))].concat();
    assert!(!check(&bad));
    let group = [frames[2].clone(), key(99, 3), key(99, 4)].concat();
    assert!(!check(&group));
}
