//! `tiklive watch USER` against the fake TikTok on 127.0.0.1: lookup, sign,
//! socket, acks, heartbeats, reconnects, errors and exit codes.

use std::collections::HashSet;
use std::process::Output;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use prost::Message;
use tiklive::webcast::frame::decode_frame;
use tiklive::webcast::proto::{FetchResult, HeartBeat, ImEnterRoom};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::support::fake_tiktok::{
    FakeTikTok, SignReply, UserPage, WsAfter, WsScript, demo_frames, stream_end_frame,
};
use crate::support::{eventually, ndjson, tiklive};

const ROOM: &str = "7300000000000000001";

fn chat_fixture() -> (String, Vec<u8>) {
    let bytes = crate::support::decode::fixture("MessageWebcastChatMessage.pb");
    ("WebcastChatMessage".to_string(), bytes)
}

async fn run(
    fake: &FakeTikTok,
    dir: impl AsRef<std::path::Path>,
    args: &[&str],
    extra_env: &[(&str, &str)],
) -> Output {
    let mut cmd = command(fake, dir.as_ref(), args, extra_env);
    tokio::time::timeout(Duration::from_secs(60), cmd.output())
        .await
        .expect("tiklive finished in time")
        .unwrap()
}

/// `tiklive ARGS` pointed at `fake`, with fast retries and no sign pacing.
fn command(
    fake: &FakeTikTok,
    dir: &std::path::Path,
    args: &[&str],
    extra_env: &[(&str, &str)],
) -> tokio::process::Command {
    let mut cmd = tiklive(dir);
    cmd.args(args)
        .envs(fake.env())
        .env("TIKLIVE_SIGN_INTERVAL_MS", "0")
        .env("TIKLIVE_SIGN_BUDGET", "0")
        .env("TIKLIVE_REJECT_RETRY_MS", "10")
        .env("TIKLIVE_BACKOFF_BASE_MS", "10")
        .env("TIKLIVE_STAGGER_MS", "10");
    for (k, v) in extra_env {
        cmd.env(k, v);
    }
    cmd
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

/// (log_id, internal_ext) of every push frame whose fetch result asks for an ack.
fn acks_expected(frames: &[Vec<u8>]) -> Vec<(u64, String)> {
    frames
        .iter()
        .filter_map(|f| {
            let frame = decode_frame(f).unwrap();
            let result = FetchResult::decode(&frame.payload[..]).unwrap();
            result
                .need_ack
                .then_some((frame.log_id, result.internal_ext))
        })
        .collect()
}

fn msg_ids(frames: &[Vec<u8>]) -> Vec<String> {
    frames
        .iter()
        .flat_map(|f| {
            let frame = decode_frame(f).unwrap();
            FetchResult::decode(&frame.payload[..]).unwrap().messages
        })
        .map(|m| m.msg_id.to_string())
        .collect()
}

/// Every `connected` is followed by exactly one `disconnected` before the
/// next `connected` (per streamer).
fn assert_connected_matched(events: &[serde_json::Value]) {
    let mut open: std::collections::HashMap<String, bool> = Default::default();
    for e in events {
        let who = e["streamer"].as_str().unwrap_or("").to_string();
        match e["type"].as_str() {
            Some("connected") => {
                assert!(
                    !open.get(&who).copied().unwrap_or(false),
                    "connected twice: {e}"
                );
                open.insert(who, true);
            }
            Some("disconnected") => {
                assert!(open.get(&who).copied().unwrap_or(false), "unmatched: {e}");
                open.insert(who, false);
            }
            _ => {}
        }
    }
    assert!(
        open.values().all(|o| !o),
        "a connected without disconnected"
    );
}

fn kinds(events: &[serde_json::Value]) -> Vec<String> {
    events
        .iter()
        .filter_map(|e| e["type"].as_str().map(str::to_string))
        .collect()
}

fn cursor_of(frame: &[u8]) -> String {
    FetchResult::decode(&decode_frame(frame).unwrap().payload[..])
        .unwrap()
        .cursor
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_session_acks_beats_and_ends_cleanly() {
    let fake = FakeTikTok::start().await;
    let mut frames: Vec<Vec<u8>> = demo_frames()[..20].to_vec();
    frames.push(stream_end_frame(500));
    fake.live("alice", ROOM)
        .sign(SignReply::Ok {
            messages: vec![chat_fixture()],
        })
        .ws(WsScript::Frames {
            frames: frames.clone(),
            gap: Duration::from_millis(15),
            after: WsAfter::Hang,
        });
    let dir = tempfile::tempdir().unwrap();
    let out = run(
        &fake,
        &dir,
        &["watch", "@alice"],
        &[("TIKLIVE_HEARTBEAT_MS", "60")],
    )
    .await;
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let events = ndjson(&out.stdout);
    assert_eq!(events[0]["type"], "connected");
    assert_eq!(events[0]["data"]["username"], "alice");
    assert_eq!(events[0]["data"]["roomId"], ROOM);
    // The sign result's own messages come first, before the socket's.
    assert_eq!(events[1]["type"], "chat");
    assert_eq!(events[1]["streamer"], "alice");
    let n = events.len();
    assert_eq!(events[n - 2]["type"], "streamEnd");
    assert_eq!(events[n - 1]["type"], "disconnected");
    // Every message of every frame arrived once.
    let got: HashSet<String> = events
        .iter()
        .filter_map(|e| e["data"]["msgId"].as_str().map(str::to_string))
        .collect();
    for id in msg_ids(&frames[..20]) {
        assert!(got.contains(&id), "message {id} missing");
    }

    fake.recorded(|r| {
        // Sign call: the new connect route, client_enter, our User-Agent.
        assert_eq!(r.sign_paths, [format!("/webcast/rooms/{ROOM}/connect")]);
        assert_eq!(r.anchor_lookups, 0, "the live page answered first");
        let q = &r.sign_queries[0];
        assert_eq!(q["room_id"], ROOM);
        assert_eq!(q["client_enter"], "true");
        assert_eq!(q["client"], "ttlive-rust");
        assert!(!q.contains_key("cursor"), "no cursor on a first connect");
        let ua = &r.ws_headers[0]["user-agent"];
        assert_eq!(&q["user_agent"], ua, "the same User-Agent everywhere");
        assert!(ua.contains("Chrome/147."), "a current browser: {ua}");
        // Socket URL and cookies.
        let url = &r.ws_queries[0];
        for part in [
            &format!("room_id={ROOM}")[..],
            "cursor=sign_cursor_1",
            "internal_ext=ext_sign_cursor_1",
            "imprp=fake_imprp",
            "compress=gzip",
            "tz_name=",
        ] {
            assert!(url.contains(part), "{part} not in {url}");
        }
        let version = ua.strip_prefix("Mozilla/").unwrap();
        let query: std::collections::HashMap<String, String> =
            reqwest::Url::parse(&format!("ws://x{url}"))
                .unwrap()
                .query_pairs()
                .into_owned()
                .collect();
        assert_eq!(query["browser_version"], version);
        assert!(query["tz_name"].contains('/'), "a city zone: {url}");
        // Anonymous: only the sign server's cookies on the socket.
        assert_eq!(
            r.ws_headers[0]["cookie"],
            "ttwid=1%7Cfake; msToken=fake_token"
        );
        // im_enter_room first, with the room id and an empty cursor.
        let first = &r.client_frames[0];
        assert_eq!(first.payload_type, "im_enter_room");
        let enter = ImEnterRoom::decode(&first.payload[..]).unwrap();
        assert_eq!(enter.room_id.to_string(), ROOM);
        assert_eq!(enter.cursor, "");
        // One ack per frame that asked, echoing logId and internalExt.
        let acks: Vec<(u64, String)> = r
            .client_frames
            .iter()
            .filter(|f| f.payload_type == "ack")
            .map(|f| (f.log_id, String::from_utf8(f.payload.clone()).unwrap()))
            .collect();
        assert_eq!(acks, acks_expected(&frames));
        // Heartbeats with the room and a growing sequence.
        let hbs: Vec<HeartBeat> = r
            .client_frames
            .iter()
            .filter(|f| f.payload_type == "hb")
            .map(|f| HeartBeat::decode(&f.payload[..]).unwrap())
            .collect();
        assert!(hbs.len() >= 2, "{} heartbeats", hbs.len());
        for (i, hb) in hbs.iter().enumerate() {
            assert_eq!(hb.room_id.to_string(), ROOM);
            assert_eq!(hb.send_packet_seq_id, i as i64 + 1);
        }
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_socket_reconnects_from_the_cursor_without_gaps_or_duplicates() {
    let fake = FakeTikTok::start().await;
    let frames = demo_frames();
    let first: Vec<Vec<u8>> = frames[..10].to_vec();
    // The second connection resumes after the client's cursor (frames lost in
    // the drop are sent again) and also repeats a few frames before it, as
    // TikTok does, to check de-duplication.
    let mut second: Vec<Vec<u8>> = frames[..20].to_vec();
    second.push(stream_end_frame(501));
    let mut resent: Vec<Vec<u8>> = frames[2..6].to_vec();
    fake.live("alice", ROOM)
        .sign(SignReply::Ok { messages: vec![] })
        .sign(SignReply::Ok { messages: vec![] })
        .ws(WsScript::Frames {
            frames: first.clone(),
            gap: Duration::from_millis(5),
            after: WsAfter::Drop,
        })
        .ws(WsScript::frames(std::mem::take(&mut resent)).then(WsAfter::Drop))
        .ws(WsScript::Resume {
            frames: second,
            after: WsAfter::Hang,
        });
    fake.sign(SignReply::Ok { messages: vec![] });
    let dir = tempfile::tempdir().unwrap();
    let out = run(&fake, &dir, &["watch", "alice", "-q"], &[]).await;
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let events = ndjson(&out.stdout);
    let ids: Vec<String> = events
        .iter()
        .filter(|e| {
            !matches!(
                e["type"].as_str(),
                // A stream-end control message also gives `streamEnd`
                // with the same msgId: count each message once.
                Some("connected" | "disconnected" | "error" | "streamEnd")
            )
        })
        .filter_map(|e| e["data"]["msgId"].as_str().map(str::to_string))
        .collect();
    let unique: HashSet<&String> = ids.iter().collect();
    assert_eq!(
        unique.len(),
        ids.len(),
        "no duplicates across the reconnect"
    );
    for id in msg_ids(&frames[..20]) {
        assert!(unique.contains(&id), "message {id} missing");
    }
    let kinds: Vec<&str> = events.iter().filter_map(|e| e["type"].as_str()).collect();
    assert_eq!(kinds.iter().filter(|k| **k == "connected").count(), 3);
    assert!(kinds.contains(&"error"), "the drop is reported");
    // A drop without a close frame is a `disconnected` with 1006, and every
    // `connected` has its `disconnected`.
    assert_connected_matched(&events);
    let resets = events
        .iter()
        .filter(|e| e["type"] == "disconnected" && e["data"]["code"] == 1006)
        .count();
    assert_eq!(resets, 2, "two resets");
    fake.recorded(|r| {
        assert_eq!(r.sign_queries.len(), 3, "re-signed for every connection");
        let cursors: Vec<String> = first.iter().map(|f| cursor_of(f)).collect();
        for (q, url) in r.sign_queries[1..].iter().zip(&r.ws_queries[1..]) {
            assert!(
                cursors.contains(&q["cursor"]),
                "resumed from a cursor it saw: {}",
                q["cursor"]
            );
            assert!(url.contains(&format!("cursor={}", q["cursor"])), "{url}");
        }
        // The cursor travels in the URL and to the signer, never in
        // im_enter_room.
        for f in r
            .client_frames
            .iter()
            .filter(|f| f.payload_type == "im_enter_room")
        {
            assert_eq!(ImEnterRoom::decode(&f.payload[..]).unwrap().cursor, "");
        }
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_silent_socket_counts_as_dead_and_reconnects() {
    let fake = FakeTikTok::start().await;
    fake.live("alice", ROOM)
        .sign(SignReply::Ok { messages: vec![] })
        .sign(SignReply::Ok { messages: vec![] })
        .ws(WsScript::frames(vec![]))
        .ws(WsScript::frames(vec![stream_end_frame(7)]));
    let dir = tempfile::tempdir().unwrap();
    let out = run(
        &fake,
        &dir,
        &["watch", "alice", "--idle-timeout", "1", "-q"],
        &[("TIKLIVE_HEARTBEAT_MS", "5000")],
    )
    .await;
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let events = ndjson(&out.stdout);
    assert!(events.iter().any(|e| {
        e["type"] == "disconnected"
            && e["data"]["reason"]
                .as_str()
                .unwrap_or("")
                .contains("no data")
    }));
    assert_eq!(events.last().unwrap()["type"], "disconnected");
    assert_eq!(fake.recorded(|r| r.sign_queries.len()), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wait_polls_the_lookup_without_signing_until_live() {
    let fake = FakeTikTok::start().await;
    fake.user(
        "alice",
        UserPage::OfflineThenLive {
            n: 2,
            room_id: ROOM.into(),
        },
    )
    .sign(SignReply::Ok { messages: vec![] })
    .ws(WsScript::frames(vec![stream_end_frame(3)]));
    let dir = tempfile::tempdir().unwrap();
    let out = run(
        &fake,
        &dir,
        &["watch", "alice", "--wait"],
        &[("TIKLIVE_WAIT_POLL_MS", "20")],
    )
    .await;
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    assert!(stderr(&out).contains("offline"), "{}", stderr(&out));
    fake.recorded(|r| {
        assert!(r.page_lookups >= 3);
        assert_eq!(r.sign_queries.len(), 1, "no sign calls while offline");
    });
}

struct Case {
    name: &'static str,
    setup: fn(&FakeTikTok),
    args: &'static [&'static str],
    env: &'static [(&'static str, &'static str)],
    code: i32,
    says: &'static str,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failures_have_their_own_message_and_exit_code() {
    let cases = [
        Case {
            name: "sign 429 with retry-after",
            setup: |f| {
                f.live("alice", ROOM).sign(SignReply::Status {
                    status: 429,
                    headers: vec![("retry-after".into(), "30".into())],
                    body: r#"{"message":"Too many connections started"}"#.into(),
                });
            },
            args: &["watch", "alice", "--max-retries", "0"],
            env: &[],
            code: 4,
            says: "rate limit (429), retry after 30s: Too many connections started",
        },
        Case {
            name: "sign 401",
            setup: |f| {
                f.live("alice", ROOM).sign(SignReply::Status {
                    status: 401,
                    headers: vec![],
                    body: "no".into(),
                });
            },
            args: &["watch", "alice"],
            env: &[],
            code: 4,
            says: "rejected the API key (401)",
        },
        Case {
            name: "empty sign body",
            setup: |f| {
                f.live("alice", ROOM).sign(SignReply::Empty);
            },
            args: &["watch", "alice"],
            env: &[],
            code: 4,
            says: "empty body",
        },
        Case {
            name: "HTTP 200 instead of 101",
            setup: |f| {
                f.live("alice", ROOM)
                    .sign(SignReply::Ok { messages: vec![] })
                    .ws(WsScript::Reject {
                        status: 200,
                        message: "DEVICE_BLOCKED".into(),
                    });
            },
            args: &["watch", "alice"],
            env: &[],
            code: 4,
            says: "handshake-msg: DEVICE_BLOCKED",
        },
        Case {
            name: "offline user",
            setup: |f| {
                f.user("alice", UserPage::Offline);
            },
            args: &["watch", "alice"],
            env: &[],
            code: 3,
            says: "@alice is not live right now; pass --wait",
        },
        Case {
            name: "unknown user",
            setup: |_| {},
            args: &["watch", "nobody_here"],
            env: &[],
            code: 3,
            says: "user @nobody_here was not found",
        },
        Case {
            name: "captcha page",
            setup: |f| {
                f.user("alice", UserPage::Captcha);
            },
            args: &["watch", "alice"],
            env: &[],
            code: 3,
            says: "captcha or block page",
        },
        Case {
            name: "age-restricted",
            setup: |f| {
                f.user(
                    "alice",
                    UserPage::AgeRestricted {
                        room_id: ROOM.into(),
                    },
                );
            },
            args: &["watch", "alice"],
            env: &[],
            code: 3,
            says: "age-restricted; set TIKTOK_SESSION_ID",
        },
        Case {
            name: "malformed --proxy",
            setup: |_| {},
            args: &["watch", "alice", "--proxy", "127.0.0.1:3128"],
            env: &[],
            code: 2,
            says: "invalid proxy '127.0.0.1:3128'",
        },
        Case {
            name: "malformed ALL_PROXY",
            setup: |_| {},
            args: &["watch", "alice"],
            env: &[("ALL_PROXY", "socks5://:1080")],
            code: 2,
            says: "invalid proxy",
        },
    ];
    for case in cases {
        let fake = FakeTikTok::start().await;
        eprintln!("case: {}", case.name);
        (case.setup)(&fake);
        let dir = tempfile::tempdir().unwrap();
        let out = run(&fake, &dir, case.args, case.env).await;
        let err = stderr(&out);
        assert_eq!(
            out.status.code(),
            Some(case.code),
            "{}: stderr {err}",
            case.name
        );
        assert!(err.contains(case.says), "{}: stderr {err}", case.name);
        assert_eq!(
            err.matches("tiklive: error:").count(),
            1,
            "{}: one error line: {err}",
            case.name
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_streams_run_side_by_side_and_one_failing_spares_the_other() {
    let fake = FakeTikTok::start().await;
    let mut frames = demo_frames()[..8].to_vec();
    frames.push(stream_end_frame(9));
    fake.live("alice", ROOM)
        .user("bob", UserPage::NotFound)
        .sign(SignReply::Ok { messages: vec![] })
        .ws(WsScript::Frames {
            frames,
            gap: Duration::from_millis(5),
            after: WsAfter::Hang,
        });
    let dir = tempfile::tempdir().unwrap();
    let out = run(&fake, &dir, &["watch", "bob", "alice"], &[]).await;
    assert_eq!(out.status.code(), Some(3), "stderr: {}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("@bob"), "{err}");
    // Bob's failure is told once (the warning); the error sums up.
    assert_eq!(err.matches("not found").count(), 1, "{err}");
    assert!(
        err.contains("tiklive: error: 1 of 2 streams failed"),
        "{err}"
    );
    let events = ndjson(&out.stdout);
    let alice: Vec<&str> = events
        .iter()
        .filter(|e| e["streamer"] == "alice")
        .filter_map(|e| e["type"].as_str())
        .collect();
    assert_eq!(alice.first(), Some(&"connected"));
    assert!(alice.contains(&"streamEnd"));
    assert!(
        events
            .iter()
            .any(|e| e["streamer"] == "bob" && e["type"] == "error")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recorded_session_replays_to_the_same_events() {
    let fake = FakeTikTok::start().await;
    let mut frames = demo_frames()[..30].to_vec();
    frames.push(stream_end_frame(31));
    fake.live("alice", ROOM)
        .sign(SignReply::Ok {
            messages: vec![chat_fixture()],
        })
        .ws(WsScript::frames(frames));
    let (live, replay) = record_then_replay(&fake).await;
    let strip = |mut v: serde_json::Value| {
        v.as_object_mut().unwrap().remove("id");
        if v["type"] == "disconnected" {
            v.as_object_mut().unwrap().remove("timestamp");
        }
        v
    };
    let a: Vec<_> = ndjson(&live.stdout).into_iter().map(strip).collect();
    let b: Vec<_> = ndjson(&replay.stdout).into_iter().map(strip).collect();
    assert!(a.len() > 30);
    assert_eq!(a.len(), b.len());
    for (i, (x, y)) in a.iter().zip(&b).enumerate() {
        assert_eq!(x, y, "event {i} differs");
    }
}

/// `watch alice --record` against `fake`, then `watch --replay` of that
/// capture: both outputs, each checked to have exited 0.
async fn record_then_replay(fake: &FakeTikTok) -> (std::process::Output, std::process::Output) {
    let dir = tempfile::tempdir().unwrap();
    let live = run(
        fake,
        &dir,
        &["watch", "alice", "--record", "alice.capture"],
        &[],
    )
    .await;
    assert_eq!(live.status.code(), Some(0), "stderr: {}", stderr(&live));
    let replay = run(fake, &dir, &["watch", "--replay", "alice.capture"], &[]).await;
    assert_eq!(replay.status.code(), Some(0), "stderr: {}", stderr(&replay));
    (live, replay)
}

/// The NDJSON lines of `streamer` in `stdout` but `connected` and
/// `disconnected`, as text: the streamer renamed `as_name` and the
/// timestamp's value left out (a live stream stamps receive times), every
/// other byte as printed.
fn lines_of(stdout: &[u8], streamer: &str, as_name: &str) -> Vec<String> {
    let head = format!(",\"streamer\":\"{streamer}\",\"data\":");
    let renamed = format!(",\"streamer\":\"{as_name}\",\"data\":");
    std::str::from_utf8(stdout)
        .unwrap()
        .lines()
        .filter(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["streamer"] == streamer && v["type"] != "connected" && v["type"] != "disconnected"
        })
        .map(|l| {
            let l = l.replacen(&head, &renamed, 1);
            let key = ",\"timestamp\":\"";
            let at = l.rfind(key).unwrap() + key.len();
            let end = at + l[at..].find('"').unwrap();
            format!("{}{}", &l[..at], &l[end..])
        })
        .collect()
}

/// Streams printing NDJSON write their own lines (no envelopes): what three
/// streams in one process print, each stream's lines in order, is byte for
/// byte what `--replay` prints of a recording of the same frames (ids
/// included: they come from the room and the message ids), timestamps and
/// `connected`/`disconnected` aside. `--limit` cuts the lines at the one that
/// reaches it, even inside a stream's burst of events.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn several_streams_print_what_the_replay_of_their_frames_prints() {
    const USERS: [&str; 3] = ["alice", "bob", "carol"];
    let fake = FakeTikTok::start().await;
    let mut frames = demo_frames()[..40].to_vec();
    frames.push(stream_end_frame(41));
    for user in USERS {
        fake.live(user, ROOM);
    }
    // One recording run, three streams at once, then one and three with
    // --limit: a sign answer and a socket each.
    for _ in 0..8 {
        fake.sign(SignReply::Ok {
            messages: vec![chat_fixture()],
        })
        .ws(WsScript::frames(frames.clone()));
    }
    let (recorded, replay) = record_then_replay(&fake).await;
    let dir = tempfile::tempdir().unwrap();
    let expected = lines_of(&replay.stdout, "alice", "alice");
    assert!(expected.len() > 40, "{} lines", expected.len());
    assert_eq!(lines_of(&recorded.stdout, "alice", "alice"), expected);

    let mut args = vec!["watch"];
    args.extend(USERS);
    let live = run(&fake, &dir, &args, &[]).await;
    assert_eq!(live.status.code(), Some(0), "{}", stderr(&live));
    for user in USERS {
        let lines = lines_of(&live.stdout, user, "alice");
        assert_eq!(lines.len(), expected.len(), "@{user}");
        for (i, (got, want)) in lines.iter().zip(&expected).enumerate() {
            assert_eq!(got, want, "@{user}: line {i}");
        }
    }
    let events = ndjson(&live.stdout);
    assert_connected_matched(&events);
    assert_eq!(events.len(), USERS.len() * (expected.len() + 2));

    // `connected`, then events: 30 lines end inside the first burst.
    let limited = run(&fake, &dir, &["watch", "alice", "--limit", "30"], &[]).await;
    assert_eq!(limited.status.code(), Some(0), "{}", stderr(&limited));
    let lines = lines_of(&limited.stdout, "alice", "alice");
    assert_eq!(lines[..], expected[..29]);
    assert_eq!(ndjson(&limited.stdout).len(), 30);
    // Three streams: 100 lines in all, each stream's a start of its own.
    args.extend(["--limit", "100"]);
    let limited = run(&fake, &dir, &args, &[]).await;
    assert_eq!(limited.status.code(), Some(0), "{}", stderr(&limited));
    assert_eq!(ndjson(&limited.stdout).len(), 100);
    for user in USERS {
        let lines = lines_of(&limited.stdout, user, "alice");
        assert_eq!(lines[..], expected[..lines.len()], "@{user}");
    }
}

/// A reader that goes away (`| head -1`) ends a live run quietly, exit 0.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_pipe_ends_a_live_run_with_exit_0() {
    use tokio::io::AsyncBufReadExt;
    let fake = FakeTikTok::start().await;
    fake.live("alice", "7201").endless(Duration::from_millis(1));
    let dir = tempfile::tempdir().unwrap();
    let mut child = command(&fake, dir.path(), &["watch", "alice"], &[])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let first = tokio::time::timeout(Duration::from_secs(20), lines.next_line())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert!(first.starts_with(r#"{"type":"connected""#), "{first}");
    drop(lines);
    let out = tokio::time::timeout(Duration::from_secs(20), child.wait_with_output())
        .await
        .expect("tiklive ends once stdout is gone")
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    assert_eq!(stderr(&out), "");
}

/// The user and password the authenticating test proxies want, and how they
/// appear (percent-encoded) in a proxy URL.
const PROXY_USER: &str = "u$er";
const PROXY_PASS: &str = "p@ss:w0rd";
const PROXY_CREDS_IN_URL: &str = "u%24er:p%40ss%3Aw0rd";

/// Requests a test proxy passed on: CONNECT tunnels and plain ones.
#[derive(Default)]
struct ProxyCounts {
    connects: AtomicUsize,
    plain: AtomicUsize,
    refused: AtomicUsize,
}

/// A minimal HTTP proxy: CONNECT tunnels, and plain absolute-form requests
/// passed through. With `auth`, both need `Proxy-Authorization: Basic` of
/// exactly [`PROXY_USER`]:[`PROXY_PASS`] (else 407).
async fn start_proxy(auth: bool) -> (String, Arc<ProxyCounts>) {
    use base64::Engine;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let counts = Arc::new(ProxyCounts::default());
    let want = format!(
        "basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{PROXY_USER}:{PROXY_PASS}"))
    )
    .to_ascii_lowercase();
    let c = counts.clone();
    tokio::spawn(async move {
        while let Ok((mut client, _)) = listener.accept().await {
            let c = c.clone();
            let want = want.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") {
                    if client.read(&mut byte).await.unwrap_or(0) == 0 {
                        return;
                    }
                    head.push(byte[0]);
                }
                let text = String::from_utf8_lossy(&head).to_string();
                let authorised = text.lines().any(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("proxy-authorization:")
                        .is_some_and(|v| v.trim() == want)
                });
                if auth && !authorised {
                    c.refused.fetch_add(1, Ordering::SeqCst);
                    let _ = client
                        .write_all(b"HTTP/1.1 407 Proxy Authentication Required\r\ncontent-length: 0\r\n\r\n")
                        .await;
                    return;
                }
                let mut parts = text.split_whitespace();
                let method = parts.next().unwrap_or("");
                let target = parts.next().unwrap_or("");
                let hostport = if method == "CONNECT" {
                    target.to_string()
                } else {
                    target
                        .trim_start_matches("http://")
                        .split('/')
                        .next()
                        .unwrap_or("")
                        .to_string()
                };
                let Ok(mut upstream) = tokio::net::TcpStream::connect(&hostport).await else {
                    return;
                };
                if method == "CONNECT" {
                    c.connects.fetch_add(1, Ordering::SeqCst);
                    let _ = client
                        .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
                        .await;
                } else {
                    c.plain.fetch_add(1, Ordering::SeqCst);
                    let _ = upstream.write_all(&head).await;
                }
                let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
            });
        }
    });
    (format!("http://{addr}"), counts)
}

/// A minimal SOCKS5 proxy (RFC 1928/1929) that wants exactly
/// [`PROXY_USER`]/[`PROXY_PASS`]; every tunnel counts as a CONNECT.
async fn start_socks5() -> (String, Arc<ProxyCounts>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let counts = Arc::new(ProxyCounts::default());
    let c = counts.clone();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = listener.accept().await {
            let c = c.clone();
            tokio::spawn(async move {
                let mut hello = [0u8; 2];
                s.read_exact(&mut hello).await.ok()?;
                let mut methods = vec![0u8; usize::from(hello[1])];
                s.read_exact(&mut methods).await.ok()?;
                if !methods.contains(&2) {
                    c.refused.fetch_add(1, Ordering::SeqCst);
                    s.write_all(&[5, 0xff]).await.ok()?;
                    return None;
                }
                s.write_all(&[5, 2]).await.ok()?;
                let mut v = [0u8; 2];
                s.read_exact(&mut v).await.ok()?;
                let mut user = vec![0u8; usize::from(v[1])];
                s.read_exact(&mut user).await.ok()?;
                let mut l = [0u8; 1];
                s.read_exact(&mut l).await.ok()?;
                let mut pass = vec![0u8; usize::from(l[0])];
                s.read_exact(&mut pass).await.ok()?;
                if user != PROXY_USER.as_bytes() || pass != PROXY_PASS.as_bytes() {
                    c.refused.fetch_add(1, Ordering::SeqCst);
                    s.write_all(&[1, 1]).await.ok()?;
                    return None;
                }
                s.write_all(&[1, 0]).await.ok()?;
                let mut req = [0u8; 4];
                s.read_exact(&mut req).await.ok()?;
                let host = match req[3] {
                    1 => {
                        let mut ip = [0u8; 4];
                        s.read_exact(&mut ip).await.ok()?;
                        std::net::Ipv4Addr::from(ip).to_string()
                    }
                    3 => {
                        s.read_exact(&mut l).await.ok()?;
                        let mut name = vec![0u8; usize::from(l[0])];
                        s.read_exact(&mut name).await.ok()?;
                        String::from_utf8(name).ok()?
                    }
                    _ => return None,
                };
                let mut port = [0u8; 2];
                s.read_exact(&mut port).await.ok()?;
                let port = u16::from_be_bytes(port);
                let mut upstream = tokio::net::TcpStream::connect((host.as_str(), port))
                    .await
                    .ok()?;
                c.connects.fetch_add(1, Ordering::SeqCst);
                s.write_all(&[5, 0, 0, 1, 127, 0, 0, 1, 0, 0]).await.ok()?;
                let _ = tokio::io::copy_bidirectional(&mut s, &mut upstream).await;
                Some(())
            });
        }
    });
    (format!("socks5://{addr}"), counts)
}

/// A fake with one live user whose stream ends at once.
async fn one_short_stream() -> FakeTikTok {
    let fake = FakeTikTok::start().await;
    fake.live("alice", ROOM);
    fake.sign(SignReply::Ok { messages: vec![] })
        .ws(WsScript::frames(vec![stream_end_frame(3)]));
    fake
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_proxy_carries_http_and_the_websocket() {
    let fake = one_short_stream().await;
    let (proxy, counts) = start_proxy(false).await;
    let dir = tempfile::tempdir().unwrap();
    let out = run(&fake, &dir, &["watch", "alice", "--proxy", &proxy], &[]).await;
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    assert!(
        counts.plain.load(Ordering::SeqCst) >= 1,
        "lookup and sign went through the proxy"
    );
    assert_eq!(
        counts.connects.load(Ordering::SeqCst),
        1,
        "the WebSocket went through the proxy"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn percent_encoded_proxy_credentials_work_for_http_and_the_websocket() {
    for socks in [false, true] {
        let fake = one_short_stream().await;
        let (url, counts) = if socks {
            start_socks5().await
        } else {
            start_proxy(true).await
        };
        let proxy = url.replacen("://", &format!("://{PROXY_CREDS_IN_URL}@"), 1);
        let dir = tempfile::tempdir().unwrap();
        let out = run(
            &fake,
            &dir,
            &["watch", "alice", "-q"],
            &[("ALL_PROXY", &proxy)],
        )
        .await;
        assert_eq!(out.status.code(), Some(0), "{proxy}: {}", stderr(&out));
        assert_eq!(counts.refused.load(Ordering::SeqCst), 0, "{proxy}");
        let tunnels = counts.connects.load(Ordering::SeqCst);
        if socks {
            // The HTTP calls (kept alive) and the socket are tunnels.
            assert!(tunnels >= 2, "{tunnels} tunnels");
        } else {
            assert_eq!(tunnels, 1, "the WebSocket");
            // HTTP calls (kept alive: one connection may carry several).
            assert!(counts.plain.load(Ordering::SeqCst) >= 1, "HTTP calls");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_proxy_is_named_redacted() {
    let fake = one_short_stream().await;
    let dead = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = dead.local_addr().unwrap();
    drop(dead);
    let proxy = format!("http://{PROXY_CREDS_IN_URL}@{addr}");
    let dir = tempfile::tempdir().unwrap();
    let out = run(&fake, &dir, &["watch", "alice", "--proxy", &proxy], &[]).await;
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!("the proxy http://u$er:***@{addr}")),
        "{err}"
    );
    assert!(
        !err.contains("w0rd") && !err.contains("could not find"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_closes_the_socket_flushes_and_exits_130() {
    use tokio::io::AsyncBufReadExt;
    let fake = FakeTikTok::start().await;
    fake.live("alice", ROOM)
        .sign(SignReply::Ok {
            messages: vec![chat_fixture()],
        })
        .ws(WsScript::frames(demo_frames()[..5].to_vec()));
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = tiklive(dir.path());
    cmd.args(["watch", "alice", "--record", "alice.capture"])
        .envs(fake.env())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let mut seen = Vec::new();
    // Wait until the socket's frames have been printed.
    while seen.len() < 6 {
        let line = tokio::time::timeout(Duration::from_secs(20), lines.next_line())
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        seen.push(line);
    }
    let pid = child.id().unwrap().to_string();
    let status = std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .unwrap();
    assert!(status.success());
    while let Ok(Some(line)) = tokio::time::timeout(Duration::from_secs(20), lines.next_line())
        .await
        .unwrap()
    {
        seen.push(line);
    }
    let status = tokio::time::timeout(Duration::from_secs(20), child.wait())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(status.code(), Some(130));
    let last: serde_json::Value = serde_json::from_str(seen.last().unwrap()).unwrap();
    assert_eq!(last["type"], "disconnected");
    assert_eq!(last["data"]["reason"], "interrupted");
    // The socket was closed with a close frame, not just dropped.
    let closed = async || fake.recorded(|r| r.closes) == 1;
    eventually("a close frame", Duration::from_secs(1), closed).await;
    // Every event of the frames received was printed, the streaks still
    // open at Ctrl-C too: what a replay of them prints.
    let replay = run(&fake, &dir, &["watch", "--replay", "alice.capture"], &[]).await;
    assert_eq!(replay.status.code(), Some(0), "{}", stderr(&replay));
    let mut printed = seen.join("\n");
    printed.push('\n');
    let expected = lines_of(&replay.stdout, "alice", "alice");
    assert!(expected.len() > 5, "{} lines", expected.len());
    assert_eq!(lines_of(printed.as_bytes(), "alice", "alice"), expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forward_user_delivers_a_live_stream_to_a_webhook() {
    let fake = FakeTikTok::start().await;
    let mut frames = demo_frames()[..10].to_vec();
    frames.push(stream_end_frame(11));
    fake.live("alice", ROOM)
        .sign(SignReply::Ok { messages: vec![] })
        .ws(WsScript::frames(frames.clone()));
    let receiver = tokio::task::spawn_blocking(|| crate::support::Receiver::start(200))
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let out = run(
        &fake,
        &dir,
        &[
            "forward",
            "alice",
            "--to",
            &receiver.url,
            "--db",
            db.to_str().unwrap(),
            "-q",
        ],
        &[("WEBHOOK_SECRET", crate::support::SECRET)],
    )
    .await;
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let hits = receiver.hits();
    let types: Vec<String> = hits.iter().map(|h| h.event_type()).collect();
    assert_eq!(types.first().map(String::as_str), Some("connected"));
    assert!(types.contains(&"streamEnd".to_string()));
    for h in &hits {
        h.assert_signed_with(crate::support::SECRET);
        assert_eq!(h.json()["event"]["streamer"], "alice");
    }
    let ids: HashSet<String> = hits
        .iter()
        .filter_map(|h| {
            h.json()["event"]["data"]["msgId"]
                .as_str()
                .map(str::to_string)
        })
        .collect();
    for id in msg_ids(&frames[..10]) {
        assert!(ids.contains(&id), "message {id} was not delivered");
    }
    tokio::task::spawn_blocking(move || drop(receiver))
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_older_sign_server_is_asked_on_the_old_route_for_the_rest_of_the_run() {
    let fake = FakeTikTok::start().await;
    fake.live("alice", ROOM);
    fake.legacy_sign()
        .sign(SignReply::Ok { messages: vec![] })
        .sign(SignReply::Ok { messages: vec![] })
        .ws(WsScript::frames(demo_frames()[..3].to_vec()).then(WsAfter::Drop))
        .ws(WsScript::frames(vec![stream_end_frame(9)]));
    let dir = tempfile::tempdir().unwrap();
    let out = run(&fake, &dir, &["watch", "alice", "-q"], &[]).await;
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    fake.recorded(|r| {
        // One 404 on the new route, then only the old one.
        assert_eq!(
            r.sign_paths,
            [
                format!("/webcast/rooms/{ROOM}/connect"),
                "/webcast/fetch".to_string(),
                "/webcast/fetch".to_string()
            ]
        );
        for q in &r.sign_queries {
            assert_eq!(q["room_id"], ROOM);
            assert_eq!(q["client_enter"], "true");
        }
        assert!(r.sign_queries[1].contains_key("cursor"), "resumed");
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sign_answer_without_cookies_never_opens_a_socket() {
    let no_cookies = || SignReply::NoCookies {
        headers: vec![
            ("handshake-msg".into(), "signer detected".into()),
            ("x-request-id".into(), "req-77".into()),
        ],
    };
    // Retried with backoff, then it works.
    let fake = FakeTikTok::start().await;
    fake.live("alice", ROOM);
    fake.sign(no_cookies())
        .sign(SignReply::Ok { messages: vec![] })
        .ws(WsScript::frames(vec![stream_end_frame(2)]));
    let dir = tempfile::tempdir().unwrap();
    let out = run(&fake, &dir, &["watch", "alice", "-q"], &[]).await;
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let events = ndjson(&out.stdout);
    let error = events.iter().find(|e| e["type"] == "error").unwrap();
    let text = error["data"]["error"].as_str().unwrap();
    for part in ["returned no cookies", "signer detected", "req-77"] {
        assert!(text.contains(part), "{part} missing: {text}");
    }
    assert_eq!(
        kinds(&events)[0],
        "error",
        "no connected before the cookies"
    );
    fake.recorded(|r| {
        assert_eq!(r.sign_queries.len(), 2);
        assert_eq!(r.ws_queries.len(), 1, "no socket without cookies");
    });
    // With no retries left it is a sign failure (exit 4).
    let fake = FakeTikTok::start().await;
    fake.live("alice", ROOM);
    fake.sign(no_cookies());
    let out = run(&fake, &dir, &["watch", "alice", "--max-retries", "0"], &[]).await;
    assert_eq!(out.status.code(), Some(4), "stderr: {}", stderr(&out));
    assert!(stderr(&out).contains("returned no cookies"));
    assert_eq!(fake.recorded(|r| r.ws_queries.len()), 0);
}

/// `error` events do not count toward --limit: a stream that never connects
/// still ends as a failure (exit 5), not as a run that reached its limit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn error_events_do_not_count_toward_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let fake = FakeTikTok::start().await;
    fake.live("alice", ROOM);
    let refused = "http://127.0.0.1:1";
    let args = [
        "watch",
        "alice",
        "--sign-url",
        refused,
        "--max-retries",
        "1",
        "--limit",
        "1",
    ];
    let out = run(&fake, &dir, &args, &[]).await;
    assert_eq!(
        out.status.code(),
        Some(5),
        "stderr: {}\nstdout: {}",
        stderr(&out),
        String::from_utf8_lossy(&out.stdout)
    );
    let events = ndjson(&out.stdout);
    assert!(
        events.len() >= 2,
        "the retry notice and the give-up: {events:?}"
    );
    assert!(events.iter().all(|e| e["type"] == "error"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_session_rides_the_socket_only_when_it_went_to_the_signer() {
    for authenticated in [false, true] {
        let fake = FakeTikTok::start().await;
        fake.live("alice", ROOM);
        fake.sign(SignReply::Ok { messages: vec![] })
            .ws(WsScript::frames(vec![stream_end_frame(2)]));
        let dir = tempfile::tempdir().unwrap();
        let mut args = vec!["watch", "alice", "-q"];
        if authenticated {
            args.push("--send-session-to-signer");
        }
        let out = run(
            &fake,
            &dir,
            &args,
            &[
                ("TIKTOK_SESSION_ID", "sid_secret_1"),
                ("TIKTOK_TARGET_IDC", "useast2a"),
            ],
        )
        .await;
        assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
        fake.recorded(|r| {
            let cookie = &r.ws_headers[0]["cookie"];
            let signer = r.sign_headers[0].get("x-cookie-header");
            if authenticated {
                for c in [
                    "sessionid=sid_secret_1",
                    "sessionid_ss=sid_secret_1",
                    "sid_tt=sid_secret_1",
                    "sid_guard=sid_secret_1",
                    "tt-target-idc=useast2a",
                    "ttwid=1%7Cfake",
                ] {
                    assert!(cookie.contains(c), "{c} missing: {cookie}");
                }
                assert_eq!(
                    signer.map(String::as_str),
                    Some("sessionid=sid_secret_1; tt-target-idc=useast2a")
                );
            } else {
                assert_eq!(cookie, "ttwid=1%7Cfake; msToken=fake_token");
                assert!(signer.is_none());
            }
        });
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rejected_first_handshakes_are_retried_a_few_times_then_exit_4() {
    // 400 + handshake-msg, three times: a rejection, not a network error.
    let fake = FakeTikTok::start().await;
    fake.live("alice", ROOM);
    for _ in 0..3 {
        fake.sign(SignReply::Ok { messages: vec![] })
            .ws(WsScript::Reject {
                status: 400,
                message: "illegal secret key".into(),
            });
    }
    let dir = tempfile::tempdir().unwrap();
    let out = run(&fake, &dir, &["watch", "alice"], &[]).await;
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(4), "stderr: {err}");
    assert!(
        err.contains("HTTP 400 instead of 101, handshake-msg: illegal secret key"),
        "{err}"
    );
    assert!(
        !err.contains("fallback"),
        "127.0.0.1 is the configured TikTok"
    );
    assert_eq!(
        fake.recorded(|r| r.sign_queries.len()),
        3,
        "fresh signatures"
    );

    // `illegal app_id` from a push server that is not TikTok's.
    let fake = FakeTikTok::start().await;
    fake.live("alice", ROOM);
    for _ in 0..3 {
        fake.sign(SignReply::OkVia {
            host: "localhost".into(),
        })
        .ws(WsScript::Reject {
            status: 200,
            message: "illegal app_id".into(),
        });
    }
    let out = run(&fake, &dir, &["watch", "alice"], &[]).await;
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(4), "stderr: {err}");
    assert!(err.contains("handshake-msg: illegal app_id"), "{err}");
    assert!(
        err.contains("the sign server handed out its fallback server (localhost)"),
        "{err}"
    );
    assert_eq!(err.matches("tiklive: error:").count(), 1, "{err}");
    let events = ndjson(&out.stdout);
    assert!(!kinds(&events).contains(&"connected".to_string()));
    fake.recorded(|r| {
        assert_eq!(r.sign_queries.len(), 3);
        assert_eq!(r.ws_queries.len(), 3);
    });
}

/// A fake where alice's first socket runs five demo frames and drops, and
/// the next `rejections` handshakes are refused with `illegal secret key`.
async fn running_then_rejected(rejections: usize) -> FakeTikTok {
    let fake = FakeTikTok::start().await;
    fake.live("alice", ROOM);
    fake.sign(SignReply::Ok { messages: vec![] })
        .ws(WsScript::frames(demo_frames()[..5].to_vec()).then(WsAfter::Drop));
    for _ in 0..rejections {
        fake.sign(SignReply::Ok { messages: vec![] })
            .ws(WsScript::Reject {
                status: 200,
                message: "illegal secret key".into(),
            });
    }
    fake
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rejection_on_reconnect_after_a_running_stream_is_a_drop_like_any_other() {
    // More rejections than a first connect would tolerate.
    let fake = running_then_rejected(4).await;
    fake.sign(SignReply::Ok { messages: vec![] })
        .ws(WsScript::frames(vec![stream_end_frame(40)]));
    let dir = tempfile::tempdir().unwrap();
    let out = run(&fake, &dir, &["watch", "alice", "-q"], &[]).await;
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let events = ndjson(&out.stdout);
    assert_connected_matched(&events);
    let k = kinds(&events);
    assert_eq!(k.iter().filter(|k| *k == "connected").count(), 2);
    assert!(k.contains(&"streamEnd".to_string()));
    let rejections = events
        .iter()
        .filter(|e| {
            e["type"] == "error"
                && e["data"]["error"]
                    .as_str()
                    .unwrap_or("")
                    .contains("illegal secret key")
        })
        .count();
    // Four rejections in a row are one failure: one `error` event (not
    // fatal), not one per retry; all four were retried.
    assert_eq!(rejections, 1);
    assert!(
        events
            .iter()
            .filter(|e| e["type"] == "error")
            .all(|e| e["data"]["fatal"] == false)
    );
    assert_eq!(fake.recorded(|r| r.sign_queries.len()), 6);

    // --max-retries bounds it.
    let fake = running_then_rejected(3).await;
    let out = run(&fake, &dir, &["watch", "alice", "--max-retries", "2"], &[]).await;
    assert_eq!(out.status.code(), Some(4), "stderr: {}", stderr(&out));
    assert!(stderr(&out).contains("gave up after 2 reconnect attempt(s)"));
    assert_connected_matched(&ndjson(&out.stdout));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stale_offline_live_page_is_overruled_by_the_json_api() {
    let fake = FakeTikTok::start().await;
    fake.user(
        "alice",
        UserPage::StaleOffline {
            room_id: ROOM.into(),
        },
    )
    .sign(SignReply::Ok { messages: vec![] })
    .ws(WsScript::frames(vec![stream_end_frame(2)]));
    let dir = tempfile::tempdir().unwrap();
    let out = run(&fake, &dir, &["watch", "alice", "-q"], &[]).await;
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    assert_eq!(ndjson(&out.stdout)[0]["data"]["roomId"], ROOM);
    fake.recorded(|r| {
        assert_eq!(r.page_lookups, 1);
        assert_eq!(r.sign_queries[0]["room_id"], ROOM);
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_heartbeat_follows_the_servers_ping_interval() {
    let fake = FakeTikTok::start().await;
    fake.live("alice", ROOM);
    let mut frames = demo_frames()[..2].to_vec();
    frames.push(stream_end_frame(3));
    fake.handshake_options("ping-interval=3")
        .sign(SignReply::Ok { messages: vec![] })
        .ws(WsScript::Frames {
            frames,
            gap: Duration::from_millis(3_400),
            after: WsAfter::Hang,
        });
    let dir = tempfile::tempdir().unwrap();
    // The default (when the server names none) would beat every 60 ms.
    let out = run(
        &fake,
        &dir,
        &["watch", "alice", "-q"],
        &[("TIKLIVE_HEARTBEAT_MS", "60")],
    )
    .await;
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    fake.recorded(|r| {
        let times: Vec<std::time::Instant> = r
            .client_frames
            .iter()
            .zip(&r.client_frame_times)
            .filter(|(f, _)| f.payload_type == "hb" || f.payload_type == "im_enter_room")
            .map(|(_, t)| *t)
            .collect();
        // Enter at 0 s, beats at 3 s and 6 s, the end at ~6.8 s.
        assert_eq!(times.len(), 3, "enter + 2 heartbeats");
        for w in times.windows(2) {
            let gap = w[1] - w[0];
            assert!(
                gap >= Duration::from_millis(2_900) && gap <= Duration::from_millis(3_600),
                "{gap:?}"
            );
        }
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn heartbeats_go_on_while_the_consumer_is_behind() {
    let fake = FakeTikTok::start().await;
    fake.live("alice", ROOM);
    // About 2 MB of NDJSON at once: far more than the stdout pipe (64 KiB)
    // and the event channel hold.
    let frames = (1..=5_000)
        .map(|n| crate::support::fake_tiktok::endless_frame(1, n))
        .collect();
    fake.handshake_options("ping-interval=3")
        .sign(SignReply::Ok { messages: vec![] })
        .ws(WsScript::Frames {
            frames,
            gap: Duration::ZERO,
            after: WsAfter::Hang,
        });
    let dir = tempfile::tempdir().unwrap();
    // Nobody reads stdout: the writer blocks, the channel fills, and the
    // socket driver holds a batch it cannot hand over.
    let mut child = command(&fake, dir.path(), &["watch", "alice", "-q"], &[])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Two beats are due 3 s and 6 s after the socket opens; allow for a slow
    // start.
    let beats = || {
        fake.recorded(|r| {
            r.client_frames
                .iter()
                .filter(|f| f.payload_type == "hb")
                .count()
        })
    };
    for _ in 0..200 {
        if beats() >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        beats() >= 2,
        "{} heartbeats in 20 s with ping-interval=3",
        beats()
    );
    // The consumer catches up: every event arrives, none was lost or dropped
    // as a dead socket.
    let mut stdout = child.stdout.take().unwrap();
    let mut out = Vec::new();
    let mut buf = vec![0u8; 1 << 16];
    let chats = |out: &[u8]| {
        String::from_utf8_lossy(out)
            .matches(r#""type":"chat""#)
            .count()
    };
    while chats(&out) < 5_000 {
        let n = tokio::time::timeout(Duration::from_secs(20), stdout.read(&mut buf))
            .await
            .expect("events keep coming")
            .unwrap();
        assert!(n > 0, "stdout ended early");
        out.extend_from_slice(&buf[..n]);
    }
    assert_eq!(fake.recorded(|r| r.ws_queries.len()), 1, "no reconnect");
    child.kill().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_drops_in_a_row_stay_within_the_sign_budget() {
    let fake = FakeTikTok::start().await;
    fake.live("alice", ROOM);
    for i in 0..10 {
        fake.sign(SignReply::Ok { messages: vec![] })
            .ws(WsScript::frames(demo_frames()[i..i + 1].to_vec()).then(WsAfter::Drop));
    }
    fake.sign(SignReply::Ok { messages: vec![] })
        .ws(WsScript::frames(vec![stream_end_frame(99)]));
    let dir = tempfile::tempdir().unwrap();
    // A budget of 4 calls per second stands in for 4 per minute.
    let out = run(
        &fake,
        &dir,
        &["watch", "alice", "-v"],
        &[
            ("TIKLIVE_SIGN_BUDGET", "4"),
            ("TIKLIVE_SIGN_WINDOW_MS", "1000"),
        ],
    )
    .await;
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "stderr: {err}");
    assert!(
        err.contains("waiting for the sign budget"),
        "-v shows it: {err}"
    );
    assert_connected_matched(&ndjson(&out.stdout));
    let times = fake.recorded(|r| r.sign_times.clone());
    assert_eq!(times.len(), 11);
    for (i, w) in times.windows(5).enumerate() {
        let span = w[4] - w[0];
        assert!(
            span >= Duration::from_millis(950),
            "calls {i}..{} within {span:?}",
            i + 4
        );
    }

    // The first reconnect waits at least the default 2 s.
    let fake = FakeTikTok::start().await;
    fake.live("alice", ROOM);
    fake.sign(SignReply::Ok { messages: vec![] })
        .sign(SignReply::Ok { messages: vec![] })
        .ws(WsScript::frames(demo_frames()[..1].to_vec()).then(WsAfter::Drop))
        .ws(WsScript::frames(vec![stream_end_frame(98)]));
    let out = run(
        &fake,
        &dir,
        &["watch", "alice", "-q"],
        &[("TIKLIVE_BACKOFF_BASE_MS", "2000")],
    )
    .await;
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let times = fake.recorded(|r| r.sign_times.clone());
    assert!(times[1] - times[0] >= Duration::from_secs(2));
}

#[tokio::test]
async fn info_takes_only_the_lookup_options() {
    let dir = tempfile::tempdir().unwrap();
    // Connection options would be ignored by a lookup: they are usage errors.
    for flag in [
        &["--room-id", "1"][..],
        &["--wait"],
        &["--max-retries", "1"],
    ] {
        let out = tiklive(dir.path())
            .args(["info", "alice"])
            .args(flag)
            .output()
            .await
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{flag:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(flag[0]), "{}", stderr(&out));
    }
    let help = tiklive(dir.path())
        .args(["info", "--help"])
        .output()
        .await
        .unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    for used in ["--proxy", "--sign-url", "--user-agent"] {
        assert!(help.contains(used), "{used} missing from info --help");
    }
    for unused in ["--room-id", "--wait", "--idle-timeout", "--sign-budget"] {
        assert!(!help.contains(unused), "{unused} in info --help");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn info_says_who_is_live_without_a_sign_call() {
    let fake = FakeTikTok::start().await;
    fake.live("alice", ROOM);
    fake.user("bob", UserPage::Offline)
        .user("carol", UserPage::Captcha)
        .user(
            "dave",
            UserPage::StaleOffline {
                room_id: "7300000000000000004".into(),
            },
        );
    let dir = tempfile::tempdir().unwrap();
    let out = run(&fake, &dir, &["info", "@alice"], &[]).await;
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let alice = &ndjson(&out.stdout)[0];
    assert_eq!(alice["username"], "alice");
    assert_eq!(alice["roomId"], ROOM);
    assert_eq!(alice["live"], true);
    assert_eq!(alice["status"], "live");
    assert_eq!(alice["title"], "alice live");
    assert_eq!(alice["viewerCount"], 42);
    assert_eq!(alice["startTime"], "2024-05-01T18:00:00.000Z");
    assert_eq!(alice["source"], "live page");

    let out = run(
        &fake,
        &dir,
        &["info", "alice", "bob", "nobody_here", "carol", "dave"],
        &[],
    )
    .await;
    assert_eq!(out.status.code(), Some(3), "stderr: {}", stderr(&out));
    let lines = ndjson(&out.stdout);
    let by: Vec<(String, bool, String)> = lines
        .iter()
        .map(|l| {
            (
                l["username"].as_str().unwrap().to_string(),
                l["live"].as_bool().unwrap(),
                l["status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        by,
        [
            ("alice".into(), true, "live".into()),
            ("bob".into(), false, "offline".into()),
            ("nobody_here".into(), false, "not_found".into()),
            ("carol".into(), false, "blocked".into()),
            ("dave".into(), true, "live".into()),
        ]
    );
    assert_eq!(lines[3]["roomId"], serde_json::Value::Null);
    let blocked = lines[3]["error"].as_str().unwrap();
    assert!(blocked.contains("captcha"), "{blocked}");
    // Advice names only what `info` accepts (it has no --room-id).
    assert!(
        blocked.ends_with("try again later or use --proxy"),
        "{blocked}"
    );
    assert_eq!(
        lines[4]["source"], "api-live",
        "the stale page was overruled"
    );
    fake.recorded(|r| {
        assert!(r.sign_paths.is_empty(), "no sign call: {:?}", r.sign_paths);
        assert!(r.ws_queries.is_empty());
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forward_takes_limit_like_watch() {
    let fake = FakeTikTok::start().await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let out = run(
        &fake,
        &dir,
        &[
            "forward",
            "--demo",
            "--speed",
            "max",
            "--type",
            "gift",
            "--limit",
            "3",
            "--to",
            "http://127.0.0.1:9/hook",
            "--dry-run",
            "--db",
            db.to_str().unwrap(),
        ],
        &[("WEBHOOK_SECRET", crate::support::SECRET)],
    )
    .await;
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        text.matches("POST http://127.0.0.1:9/hook").count(),
        3,
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unwritable_record_path_fails_at_start_without_a_sign_call() {
    let fake = one_short_stream().await;
    let dir = tempfile::tempdir().unwrap();
    let out = run(
        &fake,
        &dir,
        &["watch", "alice", "--record", "no/such/dir/a.capture"],
        &[],
    )
    .await;
    let err = stderr(&out);
    // A bad path on the command line: exit 2, before any network call.
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(
        err,
        "tiklive: error: cannot create the capture no/such/dir/a.capture: the directory no/such/dir does not exist\n"
    );
    assert!(fake.recorded(|r| r.sign_paths.is_empty() && r.page_lookups == 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sign_server_that_never_answers_is_given_up_before_any_connection() {
    // The room is found, but the sign server's port is closed: without
    // --max-retries the start is bounded by TIKLIVE_START_RETRIES.
    let fake = FakeTikTok::start().await;
    fake.live("alice", ROOM);
    let dir = tempfile::tempdir().unwrap();
    let out = run(
        &fake,
        &dir,
        &["watch", "alice"],
        &[
            ("SIGN_API_URL", "http://127.0.0.1:9"),
            ("TIKLIVE_START_RETRIES", "2"),
        ],
    )
    .await;
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(5), "stderr: {err}");
    let last = err.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("tiklive: error: @alice: gave up after 2 reconnect attempt(s) without ever connecting: calling the sign server could not connect")
            && last.contains("TIKLIVE_START_RETRIES"),
        "{err}"
    );
    let errors: Vec<_> = ndjson(&out.stdout)
        .into_iter()
        .filter(|e| e["type"] == "error")
        .collect();
    assert_eq!(errors.last().unwrap()["data"]["fatal"], true, "{errors:?}");
    // A bad count is a usage error naming the variable.
    let out = run(
        &fake,
        &dir,
        &["watch", "alice"],
        &[("TIKLIVE_START_RETRIES", "many")],
    )
    .await;
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "tiklive: error: TIKLIVE_START_RETRIES must be a whole number (0 or more), not 'many'\n"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sign_host_that_does_not_resolve_ends_the_run_at_once() {
    // A 64-letter label is not a DNS name: the system resolver (glibc)
    // refuses to build the query, so the lookup fails on this machine with no
    // packet sent (checked with strace: no traffic to the nameserver, unlike
    // an ordinary unknown name), and `.invalid` never resolves anyway.
    let host = format!("{}.invalid", "a".repeat(64));
    let dir = tempfile::tempdir().unwrap();
    let out = tokio::time::timeout(
        Duration::from_secs(30),
        tiklive(dir.path())
            .args(["watch", "alice", "--room-id", "1", "--sign-url"])
            .arg(format!("http://{host}"))
            .output(),
    )
    .await
    .expect("no retries: it ends at once")
    .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with(&format!(
            "tiklive: error: the sign server's host '{host}' does not resolve ("
        )) && err.ends_with("); check --sign-url / SIGN_API_URL, or the network\n"),
        "{err}"
    );
    let events = ndjson(&out.stdout);
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0]["type"], "error");
    assert_eq!(events[0]["data"]["fatal"], true);
}
