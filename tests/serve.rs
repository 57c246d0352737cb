//! `tiklive serve` as a process, on 127.0.0.1 port 0: the demo polled with
//! `after=` cursors, restarts, webhooks registered through the API, the SSE
//! tail, API keys from `.env`, usage errors, and a live stream from the fake
//! TikTok.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::AsyncBufReadExt;
use tokio::process::Child;

use crate::support::fake_tiktok::{FakeTikTok, SignReply, WsScript, demo_frames, stream_end_frame};
use crate::support::{Receiver, SECRET, eventually, lazy, ndjson, output_ok, tiklive};

/// A running `tiklive serve` (also used by the overlay tests).
pub(crate) struct Server {
    child: Child,
    base: String,
    stderr: Arc<Mutex<String>>,
    http: reqwest::Client,
    pub(crate) key: Option<String>,
}

impl Server {
    /// `tiklive serve ARGS… --listen 127.0.0.1:0 --db DB` in `dir`; returns
    /// once it printed the address it listens on.
    pub(crate) async fn start(
        dir: &Path,
        db: &Path,
        args: &[&str],
        env: &[(&str, &str)],
    ) -> Server {
        Server::start_at("127.0.0.1:0", dir, db, args, env).await
    }

    /// The same on `listen` (a restart on the port of an earlier run).
    pub(crate) async fn start_at(
        listen: &str,
        dir: &Path,
        db: &Path,
        args: &[&str],
        env: &[(&str, &str)],
    ) -> Server {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut cmd = tiklive(dir);
        cmd.arg("serve")
            .args(args)
            .args(["--listen", listen, "--db", db.to_str().unwrap()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().unwrap();
        let stderr = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = tokio::sync::oneshot::channel();
        let mut lines = tokio::io::BufReader::new(child.stderr.take().unwrap()).lines();
        let log = Arc::clone(&stderr);
        tokio::spawn(async move {
            let mut tx = Some(tx);
            while let Ok(Some(line)) = lines.next_line().await {
                if let Some(url) = line.strip_prefix("tiklive: listening on ")
                    && let Some(tx) = tx.take()
                {
                    let _ = tx.send(url.to_string());
                }
                let mut log = log.lock().unwrap();
                log.push_str(&line);
                log.push('\n');
            }
        });
        let base = match tokio::time::timeout(Duration::from_secs(30), rx).await {
            Ok(Ok(url)) => url,
            _ => panic!(
                "serve did not start listening; stderr:\n{}",
                stderr.lock().unwrap()
            ),
        };
        assert!(base.starts_with("http://127.0.0.1:"), "{base}");
        Server {
            child,
            base,
            stderr,
            http: reqwest::Client::builder().no_proxy().build().unwrap(),
            key: None,
        }
    }

    pub(crate) fn base(&self) -> &str {
        &self.base
    }

    pub(crate) fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(key) = &self.key {
            req = req.bearer_auth(key);
        }
        req
    }

    pub(crate) async fn get(&self, path: &str) -> (u16, Value) {
        let resp = self
            .request(reqwest::Method::GET, path)
            .send()
            .await
            .unwrap();
        let status = resp.status().as_u16();
        let body = resp.bytes().await.unwrap();
        let value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        (status, value)
    }

    pub(crate) async fn ok(&self, path: &str) -> Value {
        let (status, v) = self.get(path).await;
        assert_eq!(status, 200, "GET {path}: {v}\nstderr:\n{}", self.stderr());
        v
    }

    pub(crate) async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        let resp = self
            .request(reqwest::Method::POST, path)
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = resp.status().as_u16();
        (status, resp.json().await.unwrap_or(Value::Null))
    }

    /// Every event after `cursor`, following `next` until a page is empty.
    async fn drain(&self, cursor: &mut i64, limit: usize, into: &mut Vec<Value>) {
        loop {
            let page = self
                .ok(&format!("/api/events?after={cursor}&limit={limit}"))
                .await;
            let events = page["events"].as_array().unwrap();
            assert_eq!(page["missed"], 0);
            if events.is_empty() {
                return;
            }
            into.extend(events.iter().cloned());
            *cursor = page["next"].as_i64().unwrap();
        }
    }

    /// `serve --demo --speed max` on `dir`'s store.
    pub(crate) async fn demo(dir: &Path) -> Server {
        Server::start(dir, &db(dir), &["--demo", "--speed", "max"], &[]).await
    }

    /// Poll until the source has ended, collecting every event once.
    pub(crate) async fn poll_until_source_ends(&self, limit: usize) -> Vec<Value> {
        let mut cursor = 0;
        let mut got = Vec::new();
        let why = lazy(|| format!("the source to end; stderr:\n{}", self.stderr()));
        eventually(why, Duration::from_secs(30), async || {
            let running = self.ok("/api/status").await["sourceRunning"] == true;
            self.drain(&mut cursor, limit, &mut got).await;
            // Ended before that drain began: nothing more will come.
            !running
        })
        .await;
        got
    }

    fn signal(&self, sig: &str) {
        let pid = self.child.id().unwrap().to_string();
        let ok = std::process::Command::new("kill")
            .args([sig, &pid])
            .status()
            .unwrap()
            .success();
        assert!(ok);
    }

    /// Send `sig` and wait for the exit code.
    pub(crate) async fn stop(mut self, sig: &str) -> (i32, String) {
        self.signal(sig);
        let status = tokio::time::timeout(Duration::from_secs(30), self.child.wait())
            .await
            .expect("serve stopped in time")
            .unwrap();
        // Let the stderr reader take the last lines.
        for _ in 0..100 {
            if self.stderr().contains("serve: ") {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        (status.code().unwrap_or(-1), self.stderr())
    }
}

/// What `watch --demo --speed max` prints: the reference for the demo.
async fn demo_reference(dir: &Path) -> Vec<Value> {
    let demo = ["watch", "--demo", "--speed", "max"];
    ndjson(&output_ok(tiklive(dir).args(demo)).await.stdout)
}

fn by_type(events: &[Value]) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for e in events {
        *m.entry(e["type"].as_str().unwrap().to_string())
            .or_default() += 1;
    }
    m
}

fn ids(events: &[Value]) -> Vec<String> {
    events
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_string())
        .collect()
}

fn db(dir: &Path) -> PathBuf {
    dir.join("serve.db")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_is_served_exactly_once_by_cursor_and_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let reference = demo_reference(dir.path()).await;
    let server = Server::demo(dir.path()).await;
    // Small pages, polled while the demo is still being stored.
    let got = server.poll_until_source_ends(7).await;
    assert_eq!(got.len(), reference.len(), "stderr:\n{}", server.stderr());
    let unique: HashSet<String> = ids(&got).into_iter().collect();
    assert_eq!(unique.len(), got.len(), "no event twice");
    assert_eq!(
        by_type(&got),
        by_type(&reference),
        "the same events as watch"
    );
    let seqs: Vec<i64> = got.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
    assert_eq!(seqs, (1..=got.len() as i64).collect::<Vec<_>>());
    for e in &got {
        for k in ["type", "data", "timestamp", "id"] {
            assert!(e.get(k).is_some(), "{k} in {e}");
        }
        assert_eq!(e["streamer"], "tiklive_demo");
    }

    let status = server.ok("/api/status").await;
    assert_eq!(status["source"], "demo");
    assert_eq!(status["streamers"][0]["streamer"], "tiklive_demo");
    assert_eq!(status["streamers"][0]["state"], "ended");
    assert_eq!(status["streamers"][0]["roomId"], "7312000000000000001");
    assert_eq!(status["events"]["total"], got.len());
    assert_eq!(status["buffer"]["size"], got.len());
    let counted: BTreeMap<String, usize> =
        serde_json::from_value(status["events"]["byType"].clone()).unwrap();
    assert_eq!(counted, by_type(&reference));
    let (code, hook) = server
        .post(
            "/api/webhooks",
            json!({"url": "http://127.0.0.1:9/kept", "name": "kept", "secret": SECRET}),
        )
        .await;
    assert_eq!(code, 201, "{hook}");
    assert_eq!(server.ok("/healthz").await["status"], "ok");
    let overlay = server.ok("/api/overlay/state").await;
    assert!(
        overlay["counters"]["diamonds"].as_u64().unwrap() > 0,
        "{overlay}"
    );

    let (code, stderr) = server.stop("-INT").await;
    assert_eq!(code, 130, "Ctrl-C exits 130:\n{stderr}");
    assert!(stderr.contains("stopping"), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "{} events stored this run (0 already there)",
            got.len()
        )),
        "{stderr}"
    );

    // Restart on the same store: the events and the webhook are still there.
    // The demo's message events have the same ids again (UUIDv5 of their
    // msgId): every one is a copy, refused by the store, so only the new
    // run's control events (random ids) follow the first run's events.
    let server = Server::demo(dir.path()).await;
    let again = server.poll_until_source_ends(1000).await;
    assert_eq!(
        ids(&again[..got.len()]),
        ids(&got),
        "the first run's events, first"
    );
    let new_types: Vec<&str> = again[got.len()..]
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        new_types,
        ["connected", "disconnected"],
        "stderr:\n{}",
        server.stderr()
    );
    let copies = got.len() - 2;
    let status = server.ok("/api/status").await;
    assert_eq!(status["events"]["copies"], copies);
    assert_eq!(status["events"]["total"], 2);
    assert_eq!(status["buffer"]["size"], got.len() + 2);
    let overlay_again = server.ok("/api/overlay/state").await;
    for part in ["counters", "leaderboard"] {
        assert_eq!(
            overlay_again[part], overlay[part],
            "the overlay counts each event once"
        );
    }
    let hooks = server.ok("/api/webhooks").await;
    assert_eq!(hooks[0]["name"], "kept");
    assert_eq!(hooks[0]["secret"], "set");
    assert!(!hooks.to_string().contains(&SECRET[6..]), "{hooks}");
    let (code, stderr) = server.stop("-TERM").await;
    assert_eq!(code, 130, "SIGTERM stops the same way:\n{stderr}");
    assert!(
        stderr.contains(&format!(
            "2 events stored this run ({copies} already there)"
        )),
        "{stderr}"
    );
}

/// A capture of the demo served twice into one store (and after the demo
/// itself): each message event is stored, tallied and forwarded once; the
/// later runs count theirs as copies.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_capture_served_twice_into_one_store_keeps_each_event_once() {
    let dir = tempfile::tempdir().unwrap();
    let capture = dir.path().join("demo.capture");
    let record = ["watch", "--demo", "--speed", "max", "--record"];
    output_ok(tiklive(dir.path()).args(record).arg(&capture)).await;
    let replay = ["--replay", capture.to_str().unwrap(), "--speed", "max"];
    let mut first: Option<(Vec<Value>, Value)> = None;
    for run in 0..2 {
        let server = Server::start(dir.path(), &db(dir.path()), &replay, &[]).await;
        let events = server.poll_until_source_ends(1000).await;
        let messages: Vec<Value> = events
            .into_iter()
            .filter(|e| !["connected", "disconnected"].contains(&e["type"].as_str().unwrap()))
            .collect();
        let unique: HashSet<String> = ids(&messages).into_iter().collect();
        assert_eq!(unique.len(), messages.len(), "run {run}: no event twice");
        let overlay = server.ok("/api/overlay/state").await;
        let status = server.ok("/api/status").await;
        let (_, stderr) = server.stop("-INT").await;
        let Some((messages_before, overlay_before)) = &first else {
            assert_eq!(status["events"]["copies"], 0);
            first = Some((messages, overlay));
            continue;
        };
        assert_eq!(
            ids(&messages),
            ids(messages_before),
            "the same events, once"
        );
        let copies = messages.len();
        assert_eq!(status["events"]["copies"], copies, "{status}");
        assert_eq!(status["events"]["total"], 2, "only the new control events");
        for part in ["counters", "leaderboard"] {
            assert_eq!(overlay[part], overlay_before[part], "overlay {part}");
        }
        assert!(
            stderr.contains(&format!("({copies} already there)")),
            "{stderr}"
        );
    }
}

/// The SSE messages of a stream, as (id, data).
pub(crate) async fn sse_messages(
    resp: &mut reqwest::Response,
    buf: &mut String,
    n: usize,
) -> Vec<(i64, Value)> {
    let mut out = Vec::new();
    loop {
        while let Some(end) = buf.find("\n\n") {
            let block: String = buf.drain(..end + 2).collect();
            let id = block
                .lines()
                .find_map(|l| l.strip_prefix("id:"))
                .map(|v| v.trim().parse::<i64>().unwrap());
            let data = block
                .lines()
                .find_map(|l| l.strip_prefix("data:"))
                .map(|v| serde_json::from_str::<Value>(v.trim()).unwrap());
            if let (Some(id), Some(data)) = (id, data) {
                out.push((id, data));
                if out.len() == n {
                    return out;
                }
            }
        }
        let chunk = tokio::time::timeout(Duration::from_secs(30), resp.chunk())
            .await
            .expect("an SSE message in time")
            .unwrap()
            .expect("the stream goes on");
        buf.push_str(std::str::from_utf8(&chunk).unwrap());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhooks_added_through_the_api_get_the_served_events_and_sse_tails_them() {
    let dir = tempfile::tempdir().unwrap();
    let all = tokio::task::spawn_blocking(|| Receiver::start(200))
        .await
        .unwrap();
    let chats = tokio::task::spawn_blocking(|| Receiver::start(200))
        .await
        .unwrap();
    // The demo at 40x: about five seconds of events arriving.
    let server = Server::start(
        dir.path(),
        &db(dir.path()),
        &["--demo", "--speed", "40"],
        &[],
    )
    .await;
    let mut stream = server
        .request(reqwest::Method::GET, "/api/events/stream")
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), 200);
    for body in [
        json!({"url": all.url, "secret": SECRET}),
        json!({"url": chats.url, "types": ["chat"], "name": "chats"}),
    ] {
        let (code, v) = server.post("/api/webhooks", body).await;
        assert_eq!(code, 201, "{v}");
    }
    // The tail: events as they are stored, ids ascending by one.
    let mut buf = String::new();
    let first = sse_messages(&mut stream, &mut buf, 5).await;
    for w in first.windows(2) {
        assert_eq!(w[1].0, w[0].0 + 1);
    }
    assert!(first.iter().all(|(id, d)| d["seq"] == *id));
    drop(stream);
    // Resume after the third: the fourth comes next.
    let mut resumed = server
        .request(reqwest::Method::GET, "/api/events/stream")
        .header("Last-Event-ID", first[2].0.to_string())
        .send()
        .await
        .unwrap();
    let next = sse_messages(&mut resumed, &mut String::new(), 2).await;
    assert_eq!(next[0].0, first[3].0);
    assert_eq!(next[0].1["id"], first[3].1["id"]);
    drop(resumed);

    let stored = server.poll_until_source_ends(1000).await;
    // Every event stored from the first delivered one on reaches the
    // webhook, in order (deliveries drain after the source ends).
    let settled = |r: &Receiver, want: &dyn Fn(&Value) -> bool| -> bool {
        let hits = r.hits();
        let Some(first) = hits.first() else {
            return false;
        };
        let start = stored
            .iter()
            .position(|e| e["id"] == first.json()["event"]["id"])
            .unwrap();
        let expected: Vec<String> = ids(&stored[start..]
            .iter()
            .filter(|e| want(e))
            .cloned()
            .collect::<Vec<_>>());
        let got: Vec<String> = hits.iter().map(|h| h.event_id()).collect();
        got == expected
    };
    let why = lazy(|| format!("every delivery; stderr:\n{}", server.stderr()));
    eventually(why, Duration::from_secs(20), async || {
        settled(&all, &|_| true) && settled(&chats, &|e| e["type"] == "chat")
    })
    .await;
    assert!(settled(&all, &|_| true), "stderr:\n{}", server.stderr());
    assert!(settled(&chats, &|e| e["type"] == "chat"));
    assert!(all.count() > chats.count() && chats.count() > 0);
    for h in all.hits() {
        h.assert_signed_with(SECRET);
    }
    assert!(
        chats
            .hits()
            .iter()
            .all(|h| h.header("webhook-signature").is_none())
    );
    let hooks = server.ok("/api/webhooks").await;
    assert_eq!(hooks[1]["name"], "chats");
    assert_eq!(hooks[1]["delivered"], chats.count());
    let (code, _) = server.stop("-INT").await;
    assert_eq!(code, 130);
    tokio::task::spawn_blocking(move || drop((all, chats)))
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_api_key_from_dotenv_guards_the_api() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".env"), "API_KEY=dotenv-key-123\n").unwrap();
    let mut server = Server::start(
        dir.path(),
        &db(dir.path()),
        &["--demo", "--speed", "max"],
        &[],
    )
    .await;
    assert_eq!(server.get("/healthz").await.0, 200);
    let (code, body) = server.get("/api/status").await;
    assert_eq!(code, 401);
    assert_eq!(body["error"]["code"], "unauthorized");
    server.key = Some("dotenv-key-123".into());
    assert_eq!(server.get("/api/status").await.0, 200);
    let resp = server
        .http
        .get(format!("{}/api/events?limit=1", server.base))
        .header("X-API-Key", "dotenv-key-123")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let (code, stderr) = server.stop("-INT").await;
    assert_eq!(code, 130);
    assert!(!stderr.contains("dotenv-key-123"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn usage_errors_exit_2_with_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &'static [&'static str]| {
        let mut cmd = tiklive(dir.path());
        cmd.arg("serve").args(args);
        async move { cmd.output().await.unwrap() }
    };
    for (args, code, needle) in [
        (
            &["--demo", "--listen", "0.0.0.0:0"][..],
            2,
            "without an API key",
        ),
        (&["--demo", "--listen", "0.0.0.0:0"][..], 2, "set API_KEY"),
        (&["--demo", "--listen", "8080"][..], 2, "invalid --listen"),
        (
            &["--demo", "--buffer", "0"][..],
            2,
            "--buffer must be at least 1",
        ),
        (&[][..], 2, "nothing to serve"),
        (&["--demo", "--type", "gfit"][..], 2, "gift"),
    ] {
        let out = run(args).await;
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "{args:?}: {stderr}");
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
    }
    // A port already taken: a runtime error naming the address.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let out = tiklive(dir.path())
        .args(["serve", "--demo", "--listen", &addr])
        .args(["--db", db(dir.path()).to_str().unwrap()])
        .output()
        .await
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("cannot listen on {addr}")),
        "{stderr}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_live_stream_is_served_with_its_connection_state() {
    const ROOM: &str = "7300000000000000001";
    let fake = FakeTikTok::start().await;
    let mut frames = demo_frames()[..10].to_vec();
    frames.push(stream_end_frame(11));
    fake.live("alice", ROOM)
        .sign(SignReply::Ok { messages: vec![] })
        .ws(WsScript::frames(frames));
    let dir = tempfile::tempdir().unwrap();
    let fake_env = fake.env();
    let mut env: Vec<(&str, &str)> = fake_env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    env.extend([
        ("TIKLIVE_SIGN_INTERVAL_MS", "0"),
        ("TIKTOK_USERNAME", "alice"),
    ]);
    // The USER comes from TIKTOK_USERNAME; --type keeps only chats, yet the
    // connection state is still tracked.
    let server = Server::start(dir.path(), &db(dir.path()), &["--type", "chat"], &env).await;
    let events = server.poll_until_source_ends(100).await;
    assert!(!events.is_empty());
    assert!(
        events
            .iter()
            .all(|e| e["type"] == "chat" && e["streamer"] == "alice")
    );
    let status = server.ok("/api/status").await;
    assert_eq!(status["source"], "live");
    let alice = &status["streamers"][0];
    assert_eq!(alice["streamer"], "alice");
    assert_eq!(alice["state"], "ended", "{status}");
    assert_eq!(alice["roomId"], ROOM);
    assert_eq!(alice["reconnects"], 0);
    assert_eq!(status["events"]["byType"], json!({"chat": events.len()}));
    // The sign budget: one call of the default 10 per minute, nothing waiting.
    let budget = &status["signBudget"];
    assert_eq!(
        (budget["limit"].clone(), budget["used"].clone()),
        (json!(10), json!(1))
    );
    assert_eq!(budget["waitMs"], 0);
    assert!(budget.get("waitingFor").is_none(), "{budget}");
    let (code, _) = server.stop("-INT").await;
    assert_eq!(code, 130);
}
