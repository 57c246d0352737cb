//! Realistic push frames for the benchmarks, built from the real TikTok
//! payloads in `tests/data/` (chat, gift, like, member, roomUpdate and
//! social messages, 1-10 KB each with full user objects, badges and image
//! URLs), packed into fetch results of about 10 KB and gzip'ed into push
//! frames exactly as TikTok sends them.
//!
//! Shared by `benches/decode.rs` and `examples/capture_bench.rs` (`#[path]`).
#![allow(clippy::print_stdout, clippy::print_stderr)] // a developer tool: it reports on stdout/stderr
#![allow(dead_code)]

use bytes::Bytes;
use prost::Message;
use tiklive::webcast::frame::deflate_gzip;
use tiklive::webcast::proto::{BaseMessage, FetchResult, PushFrame, PushHeader};

/// The methods of the common, high-volume events.
pub const METHODS: [&str; 6] = [
    "WebcastChatMessage",
    "WebcastGiftMessage",
    "WebcastLikeMessage",
    "WebcastMemberMessage",
    "WebcastRoomUserSeqMessage",
    "WebcastSocialMessage",
];

/// Pack messages into a fetch result until it holds at least this many bytes
/// (the result is then 8-18 KB, about 11 KB on average).
pub const TARGET_INFLATED: usize = 8 * 1024;

/// One realistic frame.
pub struct RealFrame {
    /// The whole WebSocket binary message (a push frame).
    pub bytes: Vec<u8>,
    /// Its gzip'ed payload alone.
    pub gzip: Vec<u8>,
    /// The payload's inflated size.
    pub inflated_len: usize,
    /// How many messages it carries.
    pub messages: usize,
}

#[path = "../tests/support/real_data.rs"]
mod real_data;

/// Every distinct real payload of [`METHODS`], in a fixed shuffled order (so a
/// frame mixes types, as a live stream does).
pub fn payloads() -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = real_data::recorded_payloads()
        .into_iter()
        .filter(|p| METHODS.contains(&p.key.as_str()))
        .map(|p| (p.key, p.bytes))
        .collect();
    // Fisher-Yates with a fixed xorshift seed: the same order every run.
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    for i in (1..out.len()).rev() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        out.swap(i, (state % (i as u64 + 1)) as usize);
    }
    out
}

/// A push frame around an already-gzip'ed fetch result.
pub fn push_frame(seq_id: i64, gzip: &[u8]) -> Vec<u8> {
    PushFrame {
        seq_id,
        log_id: 5_092_463_814_493_970_448u64.wrapping_add(seq_id as u64),
        service: 8888,
        method: 8,
        headers: vec![PushHeader {
            key: "compress_type".into(),
            value: "gzip".into(),
        }],
        payload_encoding: "pb".into(),
        payload_type: "msg".into(),
        payload: Bytes::copy_from_slice(gzip),
    }
    .encode_to_vec()
}

/// All the real payloads, packed into realistic frames (about 300 of them).
pub fn frames() -> Vec<RealFrame> {
    frames_from(&payloads(), 0)
}

/// [`frames`] from `payloads` already read, with msgIds counted from
/// `first_id` on: a capture that cycles through the payloads gives each cycle
/// its own ids, as a live stream does (the decoder drops a msgId it has seen).
pub fn frames_from(payloads: &[(String, Vec<u8>)], first_id: i64) -> Vec<RealFrame> {
    let mut frames = Vec::new();
    let mut i = 0;
    let now = 1_696_447_177_000i64;
    while i < payloads.len() {
        let mut messages = Vec::new();
        let mut size = 0;
        while i < payloads.len() && size < TARGET_INFLATED {
            let (method, payload) = &payloads[i];
            size += payload.len();
            messages.push(BaseMessage {
                method: method.clone(),
                payload: Bytes::from(payload.clone()),
                msg_id: 7_286_185_000_000_000_000 + first_id + i as i64,
                ..Default::default()
            });
            i += 1;
        }
        let n = messages.len();
        let seq = frames.len() as i64 + 1;
        // The bookkeeping fields as in the real push frame.
        let fetch = FetchResult {
            messages,
            cursor: format!(
                "{}_{}_1_1_0_0",
                now + seq * 250,
                7_286_185_000_000_000_000i64 + seq
            ),
            fetch_interval: 4200,
            now: now + seq * 250,
            internal_ext: "-".into(),
            heartbeat_duration: 15,
            need_ack: true,
            ..Default::default()
        }
        .encode_to_vec();
        let gzip = deflate_gzip(&fetch);
        frames.push(RealFrame {
            bytes: push_frame(seq, &gzip),
            gzip,
            inflated_len: fetch.len(),
            messages: n,
        });
    }
    frames
}

/// `payload` (a webcast message) with `common.msgId` (field 1, then field 2)
/// set to `msg_id`, rewritten on the wire so every other field stays as
/// recorded. The event ids derive from it (`src/ids.rs`), so a capture that
/// cycles through the payloads gets distinct events on each pass.
pub fn with_common_msg_id(payload: &[u8], msg_id: i64) -> Vec<u8> {
    use prost::encoding::{WireType, encode_key, encode_varint};
    let mut out = Vec::with_capacity(payload.len() + 10);
    for (tag, wire, raw, value) in fields(payload) {
        if tag != 1 || wire != WireType::LengthDelimited {
            out.extend_from_slice(raw);
            continue;
        }
        let mut common = Vec::with_capacity(value.len() + 10);
        encode_key(2, WireType::Varint, &mut common);
        encode_varint(msg_id as u64, &mut common);
        for (t, _, r, _) in fields(value) {
            if t != 2 {
                common.extend_from_slice(r);
            }
        }
        encode_key(1, WireType::LengthDelimited, &mut out);
        encode_varint(common.len() as u64, &mut out);
        out.extend_from_slice(&common);
    }
    out
}

/// The fields of a protobuf message: (tag, wire type, the whole field's
/// bytes, its value's bytes).
fn fields(mut buf: &[u8]) -> Vec<(u32, prost::encoding::WireType, &[u8], &[u8])> {
    use prost::encoding::{WireType, decode_key, decode_varint};
    let mut out = Vec::new();
    while !buf.is_empty() {
        let start = buf;
        let (tag, wire) = decode_key(&mut buf).expect("a field key");
        let value_start = buf;
        let len = match wire {
            WireType::Varint => {
                decode_varint(&mut buf).expect("a varint");
                0
            }
            WireType::SixtyFourBit => 8,
            WireType::ThirtyTwoBit => 4,
            WireType::LengthDelimited => decode_varint(&mut buf).expect("a length") as usize,
            _ => panic!("groups are not used in webcast messages"),
        };
        let value = match wire {
            WireType::Varint => &value_start[..value_start.len() - buf.len()],
            _ => &buf[..len],
        };
        buf = &buf[len..];
        out.push((tag, wire, &start[..start.len() - buf.len()], value));
    }
    out
}
