//! The overlays and the dashboard in a real browser: headless Chromium
//! (Debian's `chromium` over `chromedriver`, driven by fantoccini) against
//! `tiklive serve --replay` of the demo, split in two captures and given
//! hostile nicknames and comments. What a page shows is compared with the
//! NDJSON `watch --replay` prints for the same captures.

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use prost::Message;
use serde_json::Value;
use tiklive::webcast::capture::{RecordKind, format_header, format_record};
use tiklive::webcast::frame::{decode_frame, encode_msg_frame};
use tiklive::webcast::proto::{
    ChatMessage, FetchResult, GiftMessage, LikeMessage, MemberMessage, SocialMessage, User,
};

use crate::serve::Server;
use crate::support::browser::Browser;
use crate::support::{ndjson, output_ok, tiklive};

const KEY: &str = "overlay-test-key";
const IMG_NICK: &str = "<img src=x onerror=\"window.__pwned='nickname'\">";
const SCRIPT_NICK: &str = "<script>window.__pwned='script'</script>";
const HOSTILE_COMMENT: &str = "<b>bold?</b><img src=x onerror=\"window.__pwned='comment'\"><!--";
/// The per-event like count, capped as TikTok does.
const LIKE_CAP: i64 = 3;
/// Where the demo is split: part 1 is everything before this offset.
const SPLIT_MS: i64 = 100_000;

fn hostile_user(u: &mut User) {
    match u.display_id.as_str() {
        "lena.k" => u.nickname = IMG_NICK.into(),
        "dan_the_builder" => u.nickname = SCRIPT_NICK.into(),
        _ => {}
    }
}

/// A message of the demo with the hostile names (and comments of ravi.codes).
fn rewrite(method: &str, payload: &[u8]) -> Vec<u8> {
    macro_rules! users {
        ($ty:ty) => {{
            let mut m = <$ty>::decode(payload).unwrap();
            if let Some(u) = m.user.as_mut() {
                hostile_user(u);
            }
            m.encode_to_vec()
        }};
    }
    match method {
        "WebcastChatMessage" => {
            let mut m = ChatMessage::decode(payload).unwrap();
            if let Some(u) = m.user.as_mut() {
                if u.display_id == "ravi.codes" {
                    m.content = HOSTILE_COMMENT.into();
                }
                hostile_user(u);
            }
            m.encode_to_vec()
        }
        "WebcastGiftMessage" => users!(GiftMessage),
        "WebcastLikeMessage" => {
            // TikTok caps the per-event count; the running total is right.
            let mut m = LikeMessage::decode(payload).unwrap();
            m.count = m.count.min(LIKE_CAP);
            if let Some(u) = m.user.as_mut() {
                hostile_user(u);
            }
            m.encode_to_vec()
        }
        "WebcastMemberMessage" => users!(MemberMessage),
        "WebcastSocialMessage" => users!(SocialMessage),
        _ => payload.to_vec(),
    }
}

/// The demo as two captures (before and after [`SPLIT_MS`]), with hostile
/// text, built with the crate's own encoder.
fn write_captures(dir: &Path) -> [std::path::PathBuf; 2] {
    let header = format_header(
        tiklive::demo::DEMO_STREAMER,
        &tiklive::demo::DEMO_ROOM_ID.to_string(),
    );
    let mut parts = [header.clone() + "\n", header + "\n"];
    for item in tiklive::demo::demo_stream() {
        let (payload, frame) = match item.kind {
            RecordKind::Frame => {
                let f = decode_frame(&item.bytes).unwrap();
                (f.payload.to_vec(), Some(f))
            }
            _ => (item.bytes.clone(), None),
        };
        let mut result = FetchResult::decode(&payload[..]).unwrap();
        for m in &mut result.messages {
            m.payload = rewrite(&m.method, &m.payload).into();
        }
        let bytes = match frame {
            Some(f) => encode_msg_frame(f.seq_id, f.log_id, &result.encode_to_vec(), true),
            None => result.encode_to_vec(),
        };
        let t = tiklive::demo::DEMO_EPOCH_MS + item.offset_ms;
        let part = usize::from(item.offset_ms >= SPLIT_MS);
        parts[part].push_str(&format_record(t, item.kind, &bytes));
        parts[part].push('\n');
    }
    let paths = [dir.join("part1.capture"), dir.join("part2.capture")];
    for (p, text) in paths.iter().zip(&parts) {
        std::fs::write(p, text).unwrap();
    }
    paths
}

/// What `watch --replay FILE --speed max` prints.
async fn replay_ndjson(dir: &Path, capture: &Path) -> Vec<Value> {
    let replay = [
        "watch",
        "--replay",
        capture.to_str().unwrap(),
        "--speed",
        "max",
    ];
    ndjson(&output_ok(tiklive(dir).args(replay)).await.stdout)
}

fn of_type<'a>(events: &'a [Value], kind: &'a str) -> impl Iterator<Item = &'a Value> + 'a {
    events.iter().filter(move |e| e["type"] == kind)
}

fn finished_gifts(events: &[Value]) -> Vec<&Value> {
    of_type(events, "gift")
        .filter(|g| g["data"]["streakable"] != true || g["data"]["repeatEnd"] == true)
        .collect()
}

/// The counters, summed from NDJSON the way the README defines them.
fn expected_counters(events: &[Value]) -> HashMap<&'static str, u64> {
    let last = |kind, field| {
        of_type(events, kind)
            .last()
            .map_or(0, |e| e["data"][field].as_u64().unwrap())
    };
    let count = |kind| of_type(events, kind).count() as u64;
    let gifts = finished_gifts(events);
    HashMap::from([
        ("likes", last("like", "totalLikeCount")),
        ("viewers", last("roomUpdate", "viewerCount")),
        ("follows", count("follow")),
        ("shares", count("share")),
        ("subscribers", count("subNotify") + count("superFan")),
        (
            "diamonds",
            gifts
                .iter()
                .map(|g| g["data"]["totalDiamonds"].as_u64().unwrap())
                .sum(),
        ),
        (
            "gifts",
            gifts
                .iter()
                .map(|g| g["data"]["repeatCount"].as_u64().unwrap())
                .sum(),
        ),
    ])
}

/// The top gifters by diamonds (ties: who reached the total first).
fn expected_top(events: &[Value], n: usize) -> Vec<(String, u64)> {
    let mut totals: Vec<(String, u64, usize)> = Vec::new();
    for (i, g) in finished_gifts(events).into_iter().enumerate() {
        let who = g["data"]["uniqueId"].as_str().unwrap().to_string();
        let d = g["data"]["totalDiamonds"].as_u64().unwrap();
        match totals.iter_mut().find(|t| t.0 == who) {
            Some(t) => {
                t.1 += d;
                t.2 = i;
            }
            None => totals.push((who, d, i)),
        }
    }
    totals.sort_by(|a, b| b.1.cmp(&a.1).then(a.2.cmp(&b.2)));
    totals.into_iter().take(n).map(|(w, d, _)| (w, d)).collect()
}

/// The overlay URL `serve` printed for `page` (with its token).
fn printed_url(server: &Server, page: &str) -> String {
    let prefix = format!("tiklive: overlay {page}: ");
    let stderr = server.stderr();
    let line = stderr
        .lines()
        .find_map(|l| l.strip_prefix(&prefix))
        .unwrap_or_else(|| panic!("no URL for {page} in:\n{stderr}"));
    assert!(
        line.starts_with(&format!("{}/overlay/{page}?token=", server.base())),
        "{line}"
    );
    line.to_string()
}

/// The share of fully transparent pixels in a PNG.
fn transparent_share(png_bytes: &[u8]) -> f64 {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    decoder.set_transformations(png::Transformations::EXPAND);
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!(
        info.color_type,
        png::ColorType::Rgba,
        "the screenshot has alpha"
    );
    let pixels = &buf[..info.buffer_size()];
    let clear = pixels.chunks(4).filter(|p| p[3] == 0).count();
    clear as f64 / (pixels.len() / 4) as f64
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn overlays_render_the_replay_safely_and_survive_a_refresh_and_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let [part1, part2] = write_captures(dir.path());
    let first = replay_ndjson(dir.path(), &part1).await;
    let second = replay_ndjson(dir.path(), &part2).await;
    let both: Vec<Value> = first.iter().chain(&second).cloned().collect();
    assert!(
        finished_gifts(&second).len() >= 3,
        "part 2 has gifts to alert"
    );
    let db = dir.path().join("serve.db");
    let env = [("API_KEY", KEY)];
    let replay = |p: &Path| {
        [
            "--replay".to_string(),
            p.display().to_string(),
            "--speed".into(),
            "max".into(),
        ]
    };
    let args1 = replay(&part1);
    let args1: Vec<&str> = args1.iter().map(String::as_str).collect();
    let mut server = Server::start(dir.path(), &db, &args1, &env).await;
    server.key = Some(KEY.into());
    server.poll_until_source_ends(1000).await;
    let chat_url = printed_url(&server, "chat");
    let token = chat_url.split("?token=").nth(1).unwrap().to_string();
    // The restarted server listens on the same address.
    let base = server.base().to_string();
    let url = |page: &str, query: &str| format!("{base}/overlay/{page}?{query}&token={token}");

    // Without the token: 401; the token does not open the webhooks.
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let status = |u: String| {
        let http = http.clone();
        async move { http.get(u).send().await.unwrap().status().as_u16() }
    };
    assert_eq!(status(format!("{}/overlay/chat", server.base())).await, 401);
    assert_eq!(status(chat_url.clone()).await, 200);
    assert_eq!(
        status(format!("{}/api/webhooks?token={token}", server.base())).await,
        403
    );

    let browser = Browser::start(800, 600).await;

    // Chat: every message of part 1 as text, the hostile ones inert.
    browser.goto(&url("chat", "max=200")).await;
    let chats: Vec<&Value> = first
        .iter()
        .filter(|e| e["type"] == "chat" || e["type"] == "emote")
        .collect();
    let lines = browser
        .wait_for(
            "the chat lines",
            "return Array.from(document.querySelectorAll('.tl-chat-line')).map(l => [l.querySelector('.tl-name').textContent, l.querySelector('.tl-message').textContent, l.querySelectorAll('img.tl-emote').length]);",
            |v| v.as_array().is_some_and(|a| a.len() == chats.len()),
        )
        .await;
    for (line, ev) in lines.as_array().unwrap().iter().zip(&chats) {
        let d = &ev["data"];
        assert_eq!(line[0], d["nickname"], "{line}");
        let emotes = d["emotes"].as_array().map_or(0, Vec::len);
        if ev["type"] == "chat" {
            assert_eq!(line[1], d["message"], "{line}");
            assert_eq!(line[2], emotes, "{line}");
        } else {
            assert_eq!(line[2], 1, "an emote is a picture: {line}");
        }
    }
    let shown: Vec<&str> = lines
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l[0].as_str().unwrap())
        .collect();
    assert!(
        shown.contains(&IMG_NICK) && shown.contains(&SCRIPT_NICK),
        "{shown:?}"
    );
    let texts: Vec<&str> = lines
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l[1].as_str().unwrap())
        .collect();
    assert!(texts.contains(&HOSTILE_COMMENT), "{texts:?}");
    let inert = browser
        .js("return [window.__pwned === undefined, document.scripts.length, document.querySelectorAll('img:not(.tl-emote), b').length];")
        .await;
    assert_eq!(
        inert,
        serde_json::json!([true, 2, 0]),
        "hostile text ran or became markup"
    );

    // Chat is mostly transparent.
    browser.goto(&url("chat", "max=5")).await;
    browser
        .wait_for(
            "five lines",
            "return document.querySelectorAll('.tl-chat-line').length;",
            |v| v == 5,
        )
        .await;
    tokio::time::sleep(Duration::from_millis(400)).await; // the slide-in animation
    let shot = browser.transparent_screenshot().await;
    std::fs::write(dir.path().join("chat.png"), &shot).unwrap();
    let clear = transparent_share(&shot);
    assert!((0.6..0.99).contains(&clear), "transparent share {clear}");

    // Counters equal the sums from the NDJSON, and survive a refresh.
    let want = expected_counters(&first);
    for (metric, value) in &want {
        browser
            .goto(&url("counter", &format!("metric={metric}")))
            .await;
        browser
            .wait_for(
                metric,
                "const c = document.querySelector('.tl-counter'); return c && c.dataset.value;",
                |v| v.as_str() == Some(&value.to_string()),
            )
            .await;
    }
    assert!(want["likes"] > 0 && want["diamonds"] > 29_999, "{want:?}");
    let like_sum: u64 = of_type(&first, "like")
        .map(|e| e["data"]["likeCount"].as_u64().unwrap())
        .sum();
    browser
        .goto(&url("counter", "metric=likes&format=full"))
        .await;
    let value_of = "const c = document.querySelector('.tl-counter'); return c && c.dataset.value;";
    let likes = want["likes"].to_string();
    browser
        .wait_for("likes", value_of, |v| v.as_str() == Some(&likes))
        .await;
    browser.client.refresh().await.unwrap();
    browser
        .wait_for("likes after a refresh", value_of, |v| {
            v.as_str() == Some(&likes)
        })
        .await;
    let shown = browser
        .js("return document.querySelector('.tl-counter-value').textContent;")
        .await;
    assert_eq!(shown.as_str().unwrap().replace(',', ""), likes);
    assert!(
        like_sum < want["likes"],
        "the capped counts sum to less ({like_sum})"
    );

    // Goal and leaderboard.
    browser
        .goto(&url(
            "goal",
            "metric=diamonds&target=60000&label=Lion%20fund",
        ))
        .await;
    let pct = (want["diamonds"] as f64 / 600.0).min(100.0);
    browser
        .wait_for(
            "the goal bar",
            "const g = document.querySelector('.tl-goal'); return g && g.dataset.percent;",
            |v| {
                v.as_str()
                    .and_then(|s| s.parse::<f64>().ok())
                    .is_some_and(|p| (p - pct).abs() < 0.011)
            },
        )
        .await;
    browser.goto(&url("leaderboard", "by=diamonds&top=5")).await;
    let top: Vec<Value> = expected_top(&first, 5)
        .into_iter()
        .map(|(w, d)| serde_json::json!([w, d.to_string()]))
        .collect();
    browser
        .wait_for(
            "the leaderboard",
            "return Array.from(document.querySelectorAll('.tl-board-row')).map(r => [r.dataset.user, r.dataset.diamonds]);",
            |v| v.as_array() == Some(&top),
        )
        .await;

    // A serve restart: the alerts page and a counter reconnect and go on.
    browser
        .goto(&url(
            "alerts",
            "types=gift&duration=0.5&pause=0.05&sound=pop",
        ))
        .await;
    browser
        .wait_for("the alerts stream", "return window.__tiklive.open;", |v| {
            v == true
        })
        .await;
    let alerts_window = browser.client.window().await.unwrap();
    let tab = browser.client.new_window(true).await.unwrap();
    browser.client.switch_to_window(tab.handle).await.unwrap();
    browser.goto(&url("counter", "metric=diamonds")).await;
    let diamonds1 = want["diamonds"].to_string();
    browser
        .wait_for("diamonds", value_of, |v| v.as_str() == Some(&diamonds1))
        .await;

    let listen = server.base().trim_start_matches("http://").to_string();
    let (code, _) = server.stop("-TERM").await;
    assert_eq!(code, 130);
    let args2 = replay(&part2);
    let args2: Vec<&str> = args2.iter().map(String::as_str).collect();
    let mut server = Server::start_at(&listen, dir.path(), &db, &args2, &env).await;
    server.key = Some(KEY.into());
    server.poll_until_source_ends(1000).await;
    let total = expected_counters(&both);
    let diamonds2 = total["diamonds"].to_string();
    browser
        .wait_for("diamonds after the restart", value_of, |v| {
            v.as_str() == Some(&diamonds2)
        })
        .await;
    let state = browser
        .js("return [window.__tiklive.opens, window.__tiklive.state.counters];")
        .await;
    assert!(state[0].as_u64().unwrap() >= 2, "reconnected: {state}");
    for (metric, value) in &total {
        assert_eq!(state[1][metric], *value, "{metric} after the restart");
    }

    // One gift alert per finished streak of part 2 (none of part 1), in order.
    browser
        .client
        .switch_to_window(alerts_window)
        .await
        .unwrap();
    let gifts = finished_gifts(&second);
    browser
        .wait_for(
            "the gift alerts",
            "return window.__tiklive.alerts.map(a => a.text);",
            |v| v.as_array().is_some_and(|a| a.len() >= gifts.len()),
        )
        .await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    let alerts = browser
        .js("return window.__tiklive.alerts.map(a => a.text);")
        .await;
    assert_eq!(alerts.as_array().unwrap().len(), gifts.len(), "{alerts}");
    for (a, g) in alerts.as_array().unwrap().iter().zip(&gifts) {
        let d = &g["data"];
        let text = a.as_str().unwrap();
        assert!(text.starts_with(d["nickname"].as_str().unwrap()), "{text}");
        assert!(
            text.contains(&format!(
                "sent {} \u{d7}{}",
                d["giftName"].as_str().unwrap(),
                d["repeatCount"]
            )) && text.contains(&format!("{} \u{1f48e}", d["totalDiamonds"])),
            "{text} for {d}"
        );
    }
    let played = browser
        .js("return window.__tiklive.played.map(p => p.sound);")
        .await;
    assert_eq!(
        played.as_array().unwrap().len(),
        gifts.len(),
        "one sound per alert"
    );

    // The dashboard: the key as a Basic password; a test event reaches the
    // alerts page without being stored.
    let (code, _) = server
        .post(
            "/api/webhooks",
            serde_json::json!({"url": "http://127.0.0.1:9/hook", "name": "dead-end"}),
        )
        .await;
    assert_eq!(code, 201);
    let authed = server
        .base()
        .replace("http://", &format!("http://operator:{KEY}@"));
    browser.goto(&format!("{authed}/dashboard")).await;
    browser
        .wait_for(
            "the stream row",
            "return Array.from(document.querySelectorAll('#db-streams tbody tr')).map(r => r.textContent);",
            |v| v.as_array().is_some_and(|a| a.iter().any(|r| r.as_str().unwrap_or("").contains("tiklive_demo"))),
        )
        .await;
    browser
        .wait_for(
            "the webhook row",
            "return Array.from(document.querySelectorAll('#db-webhooks tbody tr')).map(r => r.textContent);",
            |v| v.as_array().is_some_and(|a| a.iter().any(|r| r.as_str().unwrap_or("").contains("dead-end"))),
        )
        .await;
    let stored_before = server.ok("/api/status").await["buffer"]["lastSeq"].clone();
    browser.js("document.querySelector('#db-test select').value = 'follow'; document.querySelector('#db-test button').click(); return 1;").await;
    browser
        .wait_for(
            "the test event in the feed",
            "return Array.from(document.querySelectorAll('.db-test-event')).map(e => e.dataset.type);",
            |v| v.as_array().is_some_and(|a| a.contains(&Value::from("follow"))),
        )
        .await;
    assert_eq!(
        server.ok("/api/status").await["buffer"]["lastSeq"],
        stored_before,
        "not stored"
    );
    let counters = browser.js("return Array.from(document.querySelectorAll('.db-counter')).map(c => c.dataset.metric);").await;
    assert_eq!(counters.as_array().unwrap().len(), 7, "{counters}");

    // fade: a message fades out after that many seconds, then goes.
    browser.goto(&url("chat", "fade=1")).await;
    browser
        .wait_for("the chat stream", "return window.__tiklive.open;", |v| {
            v == true
        })
        .await;
    assert_eq!(
        browser
            .js("return document.querySelectorAll('.tl-chat-line').length;")
            .await,
        0,
        "no history with fade"
    );
    let (code, _) = server
        .post("/api/test-events", serde_json::json!({"type": "chat"}))
        .await;
    assert_eq!(code, 202);
    let lines = "return document.querySelectorAll('.tl-chat-line').length;";
    browser
        .wait_for("the test message", lines, |v| v == 1)
        .await;
    browser
        .wait_for("the message to go", lines, |v| v == 0)
        .await;

    browser.quit().await;
    let _ = server.stop("-TERM").await;
}

/// The README's screenshots, from a demo run: `scripts/screenshots` runs
/// this (ignored in the normal suite) with `TIKLIVE_SCREENSHOTS=doc/overlays`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "writes the README screenshots; run by scripts/screenshots"]
async fn screenshots_for_the_readme() {
    let out = std::path::PathBuf::from(
        std::env::var_os("TIKLIVE_SCREENSHOTS").expect("TIKLIVE_SCREENSHOTS names the folder"),
    );
    std::fs::create_dir_all(&out).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("serve.db");
    let server = Server::start(dir.path(), &db, &["--demo", "--speed", "max"], &[]).await;
    server.poll_until_source_ends(1000).await;
    let base = server.base().to_string();
    let browser = Browser::start(800, 600).await;
    let pages: [(&str, &str, u32, u32, &str); 5] = [
        ("chat", "max=8", 520, 400, ".tl-chat-line"),
        (
            "counter",
            "metric=likes",
            240,
            130,
            ".tl-counter[data-value]",
        ),
        (
            "goal",
            "metric=diamonds&target=50000&label=Lion%20fund",
            420,
            100,
            ".tl-goal[data-value]",
        ),
        ("leaderboard", "top=5", 360, 260, ".tl-board-row"),
        ("alerts", "duration=60", 520, 200, ".tl-alert"),
    ];
    for (page, query, w, h, ready) in pages {
        // The window's frame takes about 145 px of its height, even headless.
        browser.client.set_window_size(w, h + 145).await.unwrap();
        browser
            .goto(&format!("{base}/overlay/{page}?{query}"))
            .await;
        if page == "alerts" {
            browser
                .wait_for("the stream", "return window.__tiklive.open;", |v| v == true)
                .await;
            let http = reqwest::Client::builder().no_proxy().build().unwrap();
            let sent = http
                .post(format!("{base}/api/test-events"))
                .json(&serde_json::json!({"type": "gift"}))
                .send()
                .await
                .unwrap();
            assert_eq!(sent.status().as_u16(), 202);
        }
        let script = format!("return document.querySelectorAll('{ready}').length;");
        browser
            .wait_for(page, &script, |v| v.as_u64() > Some(0))
            .await;
        tokio::time::sleep(Duration::from_millis(700)).await; // animations
        let shot = browser.transparent_screenshot().await;
        std::fs::write(out.join(format!("{page}.png")), shot).unwrap();
    }
    browser.client.set_window_size(1100, 1245).await.unwrap();
    browser.goto(&format!("{base}/dashboard")).await;
    browser
        .wait_for("the dashboard", "return window.__tiklive.open;", |v| {
            v == true
        })
        .await;
    for kind in ["follow", "chat", "gift"] {
        browser
            .js(&format!("document.querySelector('#db-test select').value = '{kind}'; document.querySelector('#db-test button').click(); return 1;"))
            .await;
    }
    browser
        .wait_for(
            "the feed",
            "return document.querySelectorAll('.db-event').length;",
            |v| v.as_u64() >= Some(3),
        )
        .await;
    tokio::time::sleep(Duration::from_millis(2500)).await; // the chart and preview
    std::fs::write(
        out.join("dashboard.png"),
        browser.client.screenshot().await.unwrap(),
    )
    .unwrap();
    browser.quit().await;
    let _ = server.stop("-TERM").await;
}
