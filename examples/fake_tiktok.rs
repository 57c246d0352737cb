//! A fake TikTok on 127.0.0.1 for the live benchmarks (`bench/live.sh`): the
//! same fake the tests use, serving `--users N` live users (user1…userN) whose
//! sockets push `--repeat R` copies of the demo stream's frames as fast as they
//! can (or one every `--gap-ms MS`, for a realistic rate), then end the stream
//! (or hang with `--hang`, for memory measurements).
//! With `--endless-ms GAP` every user's room instead sends one chat message
//! per GAP ms forever, resuming by cursor (`bench/nats.sh`, worker memory).
//!
//! Prints `url=http://127.0.0.1:PORT` on stdout once it listens, and on stderr
//! the settings that point tiklive at it.
//!
//! ```sh
//! cargo run --release --example fake_tiktok -- --users 2 --gap-ms 200
//! # then, in another shell, with the printed URL:
//! TIKLIVE_TIKTOK_URL=URL TIKLIVE_WEBCAST_URL=URL SIGN_API_URL=URL tiklive watch user1
//! ```
#![allow(clippy::print_stdout, clippy::print_stderr)] // a developer tool: it reports on stdout/stderr

#[path = "../tests/support/fake_tiktok.rs"]
mod fake_tiktok;

use std::time::Duration;

use fake_tiktok::{
    FakeTikTok, SignReply, UserPage, WsAfter, WsScript, demo_frames, stream_end_frame,
};
use prost::Message;
use tiklive::webcast::frame::{decode_frame, encode_msg_frame};
use tiklive::webcast::proto::FetchResult;

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Protobuf fields of `msg` as (field number, wire type, raw value bytes
/// including any length prefix), or `None` if it does not parse.
fn fields(mut msg: &[u8]) -> Option<Vec<(u64, u64, &[u8])>> {
    use prost::encoding::decode_varint;
    let mut out = Vec::new();
    while !msg.is_empty() {
        let key = decode_varint(&mut msg).ok()?;
        let start = msg;
        match key & 7 {
            0 => {
                decode_varint(&mut msg).ok()?;
            }
            1 => msg = msg.get(8..)?,
            2 => {
                let len = decode_varint(&mut msg).ok()? as usize;
                msg = msg.get(len..)?;
            }
            5 => msg = msg.get(4..)?,
            _ => return None,
        }
        out.push((key >> 3, key & 7, &start[..start.len() - msg.len()]));
    }
    Some(out)
}

/// `payload` with `common.msgId` (field 1, then field 2) raised by `by`, so
/// each copy of a message gets its own event id; unchanged if there is none.
fn shift_common_msg_id(payload: &[u8], by: u64) -> Vec<u8> {
    use prost::encoding::{decode_varint, encode_varint};
    let rewrite = |msg: &[u8], tag: u64, f: &dyn Fn(&[u8]) -> Vec<u8>| -> Option<Vec<u8>> {
        let mut out = Vec::with_capacity(msg.len() + 8);
        for (n, wire, mut raw) in fields(msg)? {
            encode_varint((n << 3) | wire, &mut out);
            if n == tag {
                if wire == 2 {
                    decode_varint(&mut raw).ok()?;
                }
                let new = f(raw);
                if wire == 2 {
                    encode_varint(new.len() as u64, &mut out);
                }
                out.extend_from_slice(&new);
            } else {
                out.extend_from_slice(raw);
            }
        }
        Some(out)
    };
    let bump = |mut raw: &[u8]| -> Vec<u8> {
        let v = decode_varint(&mut raw).unwrap_or(0);
        let mut out = Vec::new();
        encode_varint(v + by, &mut out);
        out
    };
    let common = |raw: &[u8]| rewrite(raw, 2, &bump).unwrap_or_else(|| raw.to_vec());
    rewrite(payload, 1, &common).unwrap_or_else(|| payload.to_vec())
}

/// The demo frames, `repeat` times, with fresh message ids each time (the
/// wrapper's and `common.msgId`) so the client's de-duplication and the
/// stores downstream keep them all.
fn frames(repeat: usize) -> Vec<Vec<u8>> {
    let base = demo_frames();
    let base = &base[..base.len() - 1]; // without the demo's own stream end
    let mut out = Vec::with_capacity(base.len() * repeat);
    for r in 0..repeat {
        for (i, f) in base.iter().enumerate() {
            let frame = decode_frame(f).unwrap();
            let mut result = FetchResult::decode(&frame.payload[..]).unwrap();
            let by = (r as u64) * 1_000_000_000;
            for m in &mut result.messages {
                m.msg_id += by as i64;
                if by > 0 {
                    m.payload = shift_common_msg_id(&m.payload, by).into();
                }
            }
            let seq = (r * base.len() + i) as i64;
            out.push(encode_msg_frame(
                seq,
                frame.log_id,
                &result.encode_to_vec(),
                true,
            ));
        }
    }
    out
}

/// `--help`.
const USAGE: &str =
    "usage: fake_tiktok [--users N] [--repeat R] [--gap-ms MS] [--hang] [--endless-ms GAP]
A fake TikTok (pages, sign server, WebSocket) on 127.0.0.1 with live users user1..userN.
Each socket pushes R copies of the demo stream (one frame every MS ms, else as fast as it can),
then ends the stream (--hang: keeps it open); --endless-ms GAP: one chat every GAP ms, forever.
The N streams are played once each (restart the fake for another run).
Prints url=http://127.0.0.1:PORT on stdout; stop it with Ctrl-C.";

/// Say on stderr how to point tiklive at the fake.
fn announce(url: &str, users: usize) {
    println!("url={url}");
    eprintln!(
        "fake TikTok at {url} with live users user1..user{users}; point tiklive at it with\n  \
         TIKLIVE_TIKTOK_URL={url} TIKLIVE_WEBCAST_URL={url} SIGN_API_URL={url} tiklive watch user1"
    );
}

#[tokio::main(flavor = "multi_thread", worker_threads = 1)]
async fn main() {
    if std::env::args().any(|a| a == "--help" || a == "-h") {
        println!("{USAGE}");
        return;
    }
    let users = arg("--users", 1);
    let repeat = arg("--repeat", 1);
    let hang = std::env::args().any(|a| a == "--hang");
    let gap = Duration::from_millis(arg("--gap-ms", 0) as u64);
    let fake = FakeTikTok::start().await;
    let endless = arg("--endless-ms", 0);
    if endless > 0 {
        fake.endless(Duration::from_millis(endless as u64));
        for u in 1..=users {
            fake.user(
                &format!("user{u}"),
                UserPage::Live {
                    room_id: format!("{}", 9000 + u),
                },
            );
        }
        announce(&fake.url(), users);
        tokio::signal::ctrl_c().await.ok();
        return;
    }
    let mut script = frames(repeat);
    if !hang {
        script.push(stream_end_frame(i64::MAX / 2));
    }
    for u in 1..=users {
        fake.user(
            &format!("user{u}"),
            UserPage::Live {
                room_id: format!("{}", 7_300_000_000_000_000_000u64 + u as u64),
            },
        );
        fake.sign(SignReply::Ok { messages: vec![] });
        fake.ws(WsScript::Frames {
            frames: script.clone(),
            gap,
            after: if hang { WsAfter::Hang } else { WsAfter::Close },
        });
    }
    announce(&fake.url(), users);
    tokio::signal::ctrl_c().await.ok();
}
