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
use crate::support::{ndjson, tiklive};

const ROOM: &str = "7300000000000000001";

fn chat_fixture() -> (String, Vec<u8>) {
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/MessageWebcastChatMessage.pb"
    ))
    .unwrap();
    ("WebcastChatMessage".to_string(), bytes)
}

async fn run(
    fake: &FakeTikTok,
    dir: &std::path::Path,
    args: &[&str],
    extra_env: &[(&str, &str)],
) -> Output {
    let mut cmd = tiklive(dir);
    cmd.args(args)
        .env("TIKLIVE_TIKTOK_URL", fake.url())
        .env("TIKLIVE_WEBCAST_URL", fake.url())
        .env("SIGN_API_URL", fake.url())
        .env("TIKLIVE_SIGN_INTERVAL_MS", "0")
        .env("TIKLIVE_BACKOFF_BASE_MS", "10")
        .env("TIKLIVE_STAGGER_MS", "10");
    for (k, v) in extra_env {
        cmd.env(k, v);
    }
    tokio::time::timeout(Duration::from_secs(60), cmd.output())
        .await
        .expect("tiklive finished in time")
        .unwrap()
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
    fake.user(
        "alice",
        UserPage::Live {
            room_id: ROOM.into(),
        },
    )
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
        dir.path(),
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
        // Sign call: room, client_enter, our User-Agent.
        assert_eq!(r.sign_queries.len(), 1);
        let q = &r.sign_queries[0];
        assert_eq!(q["room_id"], ROOM);
        assert_eq!(q["client_enter"], "true");
        let ua = &r.ws_headers[0]["user-agent"];
        assert_eq!(&q["user_agent"], ua, "the same User-Agent everywhere");
        // Socket URL and cookies.
        let url = &r.ws_queries[0];
        for part in [
            &format!("room_id={ROOM}")[..],
            "cursor=sign_cursor_1",
            "internal_ext=ext_sign_cursor_1",
            "imprp=fake_imprp",
            "compress=gzip",
        ] {
            assert!(url.contains(part), "{part} not in {url}");
        }
        let cookie = &r.ws_headers[0]["cookie"];
        assert!(
            cookie.contains("ttwid=1%7Cfake") && cookie.contains("tt-target-idc="),
            "{cookie}"
        );
        // im_enter_room first, with the room id.
        let first = &r.client_frames[0];
        assert_eq!(first.payload_type, "im_enter_room");
        assert_eq!(
            ImEnterRoom::decode(&first.payload[..])
                .unwrap()
                .room_id
                .to_string(),
            ROOM
        );
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
    fake.user(
        "alice",
        UserPage::Live {
            room_id: ROOM.into(),
        },
    )
    .sign(SignReply::Ok { messages: vec![] })
    .sign(SignReply::Ok { messages: vec![] })
    .ws(WsScript::Frames {
        frames: first.clone(),
        gap: Duration::from_millis(5),
        after: WsAfter::Drop,
    })
    .ws(WsScript::Frames {
        frames: std::mem::take(&mut resent),
        gap: Duration::ZERO,
        after: WsAfter::Drop,
    })
    .ws(WsScript::Resume {
        frames: second,
        after: WsAfter::Hang,
    });
    fake.sign(SignReply::Ok { messages: vec![] });
    let dir = tempfile::tempdir().unwrap();
    let out = run(&fake, dir.path(), &["watch", "alice", "-q"], &[]).await;
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let events = ndjson(&out.stdout);
    let ids: Vec<String> = events
        .iter()
        .filter(|e| {
            !matches!(
                e["type"].as_str(),
                Some("connected" | "disconnected" | "error")
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
    fake.recorded(|r| {
        assert_eq!(r.sign_queries.len(), 3, "re-signed for every connection");
        let cursors: Vec<String> = first.iter().map(|f| cursor_of(f)).collect();
        for q in &r.sign_queries[1..] {
            assert!(
                cursors.contains(&q["cursor"]),
                "resumed from a cursor it saw: {}",
                q["cursor"]
            );
        }
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_silent_socket_counts_as_dead_and_reconnects() {
    let fake = FakeTikTok::start().await;
    fake.user(
        "alice",
        UserPage::Live {
            room_id: ROOM.into(),
        },
    )
    .sign(SignReply::Ok { messages: vec![] })
    .sign(SignReply::Ok { messages: vec![] })
    .ws(WsScript::Frames {
        frames: vec![],
        gap: Duration::ZERO,
        after: WsAfter::Hang,
    })
    .ws(WsScript::Frames {
        frames: vec![stream_end_frame(7)],
        gap: Duration::ZERO,
        after: WsAfter::Hang,
    });
    let dir = tempfile::tempdir().unwrap();
    let out = run(
        &fake,
        dir.path(),
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
    .ws(WsScript::Frames {
        frames: vec![stream_end_frame(3)],
        gap: Duration::ZERO,
        after: WsAfter::Hang,
    });
    let dir = tempfile::tempdir().unwrap();
    let out = run(
        &fake,
        dir.path(),
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
                f.user(
                    "alice",
                    UserPage::Live {
                        room_id: ROOM.into(),
                    },
                )
                .sign(SignReply::Status {
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
                f.user(
                    "alice",
                    UserPage::Live {
                        room_id: ROOM.into(),
                    },
                )
                .sign(SignReply::Status {
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
                f.user(
                    "alice",
                    UserPage::Live {
                        room_id: ROOM.into(),
                    },
                )
                .sign(SignReply::Empty);
            },
            args: &["watch", "alice"],
            env: &[],
            code: 4,
            says: "empty body",
        },
        Case {
            name: "HTTP 200 instead of 101",
            setup: |f| {
                f.user(
                    "alice",
                    UserPage::Live {
                        room_id: ROOM.into(),
                    },
                )
                .sign(SignReply::Ok { messages: vec![] })
                .ws(WsScript::Reject {
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
        let out = run(&fake, dir.path(), case.args, case.env).await;
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
    fake.user(
        "alice",
        UserPage::Live {
            room_id: ROOM.into(),
        },
    )
    .user("bob", UserPage::NotFound)
    .sign(SignReply::Ok { messages: vec![] })
    .ws(WsScript::Frames {
        frames,
        gap: Duration::from_millis(5),
        after: WsAfter::Hang,
    });
    let dir = tempfile::tempdir().unwrap();
    let out = run(&fake, dir.path(), &["watch", "bob", "alice"], &[]).await;
    assert_eq!(out.status.code(), Some(3), "stderr: {}", stderr(&out));
    assert!(stderr(&out).contains("@bob"), "{}", stderr(&out));
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
    fake.user(
        "alice",
        UserPage::Live {
            room_id: ROOM.into(),
        },
    )
    .sign(SignReply::Ok {
        messages: vec![chat_fixture()],
    })
    .ws(WsScript::Frames {
        frames,
        gap: Duration::ZERO,
        after: WsAfter::Hang,
    });
    let dir = tempfile::tempdir().unwrap();
    let live = run(
        &fake,
        dir.path(),
        &["watch", "alice", "--record", "alice.capture"],
        &[],
    )
    .await;
    assert_eq!(live.status.code(), Some(0), "stderr: {}", stderr(&live));
    let replay = run(
        &fake,
        dir.path(),
        &["watch", "--replay", "alice.capture"],
        &[],
    )
    .await;
    assert_eq!(replay.status.code(), Some(0), "stderr: {}", stderr(&replay));
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

/// A minimal HTTP proxy: CONNECT tunnels, and plain absolute-form requests
/// passed through. Counts both.
async fn start_proxy() -> (String, Arc<AtomicUsize>, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let connects = Arc::new(AtomicUsize::new(0));
    let plain = Arc::new(AtomicUsize::new(0));
    let (c, p) = (connects.clone(), plain.clone());
    tokio::spawn(async move {
        while let Ok((mut client, _)) = listener.accept().await {
            let (c, p) = (c.clone(), p.clone());
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
                    c.fetch_add(1, Ordering::SeqCst);
                    let _ = client
                        .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
                        .await;
                } else {
                    p.fetch_add(1, Ordering::SeqCst);
                    let _ = upstream.write_all(&head).await;
                }
                let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
            });
        }
    });
    (format!("http://{addr}"), connects, plain)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_proxy_carries_http_and_the_websocket() {
    let fake = FakeTikTok::start().await;
    fake.user(
        "alice",
        UserPage::Live {
            room_id: ROOM.into(),
        },
    )
    .sign(SignReply::Ok { messages: vec![] })
    .ws(WsScript::Frames {
        frames: vec![stream_end_frame(3)],
        gap: Duration::ZERO,
        after: WsAfter::Hang,
    });
    let (proxy, connects, plain) = start_proxy().await;
    let dir = tempfile::tempdir().unwrap();
    let out = run(
        &fake,
        dir.path(),
        &["watch", "alice", "--proxy", &proxy],
        &[],
    )
    .await;
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    assert!(
        plain.load(Ordering::SeqCst) >= 1,
        "lookup and sign went through the proxy"
    );
    assert_eq!(
        connects.load(Ordering::SeqCst),
        1,
        "the WebSocket went through the proxy"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_closes_the_socket_flushes_and_exits_130() {
    use tokio::io::AsyncBufReadExt;
    let fake = FakeTikTok::start().await;
    fake.user(
        "alice",
        UserPage::Live {
            room_id: ROOM.into(),
        },
    )
    .sign(SignReply::Ok {
        messages: vec![chat_fixture()],
    })
    .ws(WsScript::Frames {
        frames: demo_frames()[..5].to_vec(),
        gap: Duration::ZERO,
        after: WsAfter::Hang,
    });
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = tiklive(dir.path());
    cmd.args(["watch", "alice"])
        .env("TIKLIVE_TIKTOK_URL", fake.url())
        .env("TIKLIVE_WEBCAST_URL", fake.url())
        .env("SIGN_API_URL", fake.url())
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
    for _ in 0..100 {
        if fake.recorded(|r| r.closes) == 1 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("no close frame reached the server");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forward_user_delivers_a_live_stream_to_a_webhook() {
    let fake = FakeTikTok::start().await;
    let mut frames = demo_frames()[..10].to_vec();
    frames.push(stream_end_frame(11));
    fake.user(
        "alice",
        UserPage::Live {
            room_id: ROOM.into(),
        },
    )
    .sign(SignReply::Ok { messages: vec![] })
    .ws(WsScript::Frames {
        frames: frames.clone(),
        gap: Duration::ZERO,
        after: WsAfter::Hang,
    });
    let receiver = tokio::task::spawn_blocking(|| crate::support::Receiver::start(200))
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let out = run(
        &fake,
        dir.path(),
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
