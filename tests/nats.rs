//! NATS JetStream: `watch --sink`, against real `nats-server` processes on
//! loopback (see `support::nats`).

use std::collections::{BTreeSet, HashSet};
use std::path::Path;

use std::process::Output;

use crate::support::nats::{NatsServer, stream_messages, urls};
use crate::support::{assert_running, eventually, lazy, output_ok, tiklive};
use tiklive::webhook::signature::stream_message_id;

type Dir = tempfile::TempDir;

/// Run tiklive in `dir`; assert success.
async fn ok(dir: &Dir, args: &[&str]) -> Output {
    output_ok(tiklive(dir.path()).args(args)).await
}

const STREAM: &str = "TIKLIVE_EVENTS";

/// Record the demo once (a capture with message ids, like a real one).
async fn demo_capture(dir: &Dir) -> std::path::PathBuf {
    let capture = dir.path().join("demo.capture");
    ok(
        dir,
        &[
            "watch",
            "--demo",
            "--speed",
            "max",
            "--record",
            capture.to_str().unwrap(),
        ],
    )
    .await;
    capture
}

/// The events `watch --replay` prints, for comparison.
async fn replayed(dir: &Dir, capture: &Path, extra: &[&str]) -> Vec<serde_json::Value> {
    let mut args = vec!["watch", "--replay", capture.to_str().unwrap()];
    args.extend_from_slice(extra);
    crate::support::ndjson(&ok(dir, &args).await.stdout)
}

async fn sink(dir: &Dir, capture: &Path, url: &str, extra: &[&str]) -> Output {
    let mut args = vec![
        "watch",
        "--replay",
        capture.to_str().unwrap(),
        "--sink",
        url,
    ];
    args.extend_from_slice(extra);
    ok(dir, &args).await
}

/// A copy of `capture` with its records `gap_ms` apart (for a paced replay).
fn stretched(dir: &Dir, capture: &Path, gap_ms: i64) -> std::path::PathBuf {
    let text = std::fs::read_to_string(capture).unwrap();
    let mut lines = text.lines();
    let mut out = format!("{}\n", lines.next().unwrap());
    for (i, line) in lines.enumerate() {
        let mut rec: serde_json::Value = serde_json::from_str(line).unwrap();
        rec["t"] =
            tiklive::webcast::time::format_iso_millis(1_700_000_000_000 + i as i64 * gap_ms).into();
        out.push_str(&format!("{rec}\n"));
    }
    let path = dir.path().join("stretched.capture");
    std::fs::write(&path, out).unwrap();
    path
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sink_publishes_each_event_once_and_a_second_run_adds_nothing() {
    let server = NatsServer::start();
    let dir = tempfile::tempdir().unwrap();
    let capture = demo_capture(&dir).await;
    // Message events only: control events (connected, disconnected) get new
    // random ids on every run, as documented.
    let expected = replayed(&dir, &capture, &[]).await;
    let types: BTreeSet<String> = expected
        .iter()
        .map(|e| e["type"].as_str().unwrap().to_string())
        .filter(|t| t != "connected" && t != "disconnected")
        .collect();
    let types = types.into_iter().collect::<Vec<_>>().join(",");
    let expected: Vec<_> = expected
        .into_iter()
        .filter(|e| e["type"] != "connected" && e["type"] != "disconnected")
        .collect();
    assert!(expected.len() > 50, "the demo has events");

    let first = sink(&dir, &capture, &server.url(), &["--type", &types]).await;
    assert!(first.stdout.is_empty(), "events go to NATS, not stdout");
    let stored = stream_messages(&server.url(), STREAM).await;
    assert_eq!(stored.len(), expected.len());
    // The payload is the NDJSON line, the message id the event id, the subject
    // tiklive.ev.<streamer>.<type>; replays give the same ids.
    for (s, e) in stored.iter().zip(&expected) {
        assert_eq!(&s.event, e);
        assert_eq!(s.msg_id, e["id"].as_str().unwrap());
        assert_eq!(
            s.subject,
            format!(
                "tiklive.ev.{}.{}",
                tiklive::nats::subject::escape_token(e["streamer"].as_str().unwrap()),
                e["type"].as_str().unwrap()
            )
        );
    }
    let ids: HashSet<_> = stored.iter().map(|s| s.msg_id.clone()).collect();
    assert_eq!(ids.len(), stored.len(), "ids are unique");

    let second = sink(&dir, &capture, &server.url(), &["--type", &types]).await;
    let err = String::from_utf8_lossy(&second.stderr);
    assert!(
        err.contains(&format!(
            "published 0 event(s) to stream {STREAM} ({} already there)",
            expected.len()
        )),
        "{err}"
    );
    assert_eq!(
        stream_messages(&server.url(), STREAM).await.len(),
        expected.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sink_escapes_streamers_with_dots() {
    let server = NatsServer::start();
    let dir = tempfile::tempdir().unwrap();
    // A capture of the demo under a handle with a dot and an underscore.
    let capture = demo_capture(&dir).await;
    let text = std::fs::read_to_string(&capture).unwrap();
    let (header, rest) = text.split_once('\n').unwrap();
    let mut header: serde_json::Value = serde_json::from_str(header).unwrap();
    header["streamer"] = "the.real_one".into();
    let renamed = dir.path().join("dotted.capture");
    std::fs::write(&renamed, format!("{header}\n{rest}")).unwrap();

    sink(&dir, &renamed, &server.url(), &["--type", "chat"]).await;
    let stored = stream_messages(&server.url(), STREAM).await;
    assert!(!stored.is_empty());
    for s in &stored {
        assert_eq!(s.subject, "tiklive.ev.the_2Ereal_5Fone.chat");
        let (streamer, kind) =
            tiklive::nats::subject::parse_event_subject(&Default::default(), &s.subject).unwrap();
        assert_eq!(streamer, "the.real_one");
        assert_eq!(s.event["streamer"], "the.real_one");
        assert_eq!(kind, "chat");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sink_waits_for_an_engine_that_is_down() {
    // Nothing listens yet: tiklive says what it waits for, then publishes
    // everything once the server is up.
    let port = crate::support::nats::free_port();
    let dir = tempfile::tempdir().unwrap();
    let capture = demo_capture(&dir).await;
    let url = format!("nats://127.0.0.1:{port}");
    let mut child = tiklive(dir.path())
        .args([
            "watch",
            "--replay",
            capture.to_str().unwrap(),
            "--sink",
            &url,
            "--type",
            "chat",
        ])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    assert!(child.try_wait().unwrap().is_none(), "it waits");
    let server = NatsServer::start_on(port);
    let out = child.wait_with_output().await.unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("waiting for NATS at 127.0.0.1:{port}")),
        "{err}"
    );
    let chats = replayed(&dir, &capture, &["--type", "chat"]).await;
    assert_eq!(
        stream_messages(&server.url(), STREAM).await.len(),
        chats.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_r3_stream_waits_for_the_clusters_third_node() {
    // Two of three nodes are up: they elect a meta leader, but an R3 stream
    // cannot be placed ("no suitable peers for placement", 10005). That is
    // waited for (CI once saw it when tiklive started with a fresh cluster),
    // not taken as a refusal.
    let plan = crate::support::nats::ClusterPlan::new(3);
    let mut nodes = vec![plan.start(0), plan.start(1)];
    let dir = tempfile::tempdir().unwrap();
    let capture = demo_capture(&dir).await;
    {
        // Until the two have a meta leader, the answer is a timeout or a 503.
        let client = async_nats::connect(plan.url(0)).await.unwrap();
        let js = async_nats::jetstream::new(client);
        let placement = async || {
            let e = js
                .create_stream(async_nats::jetstream::stream::Config {
                    name: "PROBE".into(),
                    subjects: vec!["probe.>".into()],
                    num_replicas: 3,
                    ..Default::default()
                })
                .await
                .expect_err("an R3 stream on two nodes");
            e.to_string().contains("no suitable peers")
        };
        let within = std::time::Duration::from_secs(60);
        eventually("a meta leader on two nodes", within, placement).await;
    }
    let mut child = tiklive(dir.path())
        .args(["watch", "--replay", capture.to_str().unwrap()])
        .args(["--type", "chat", "--nats-replicas", "3", "--sink"])
        .arg(urls(&nodes))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    assert_running(&mut child, "tiklive waiting for a third node").await;
    nodes.push(plan.start(2));
    let out = tokio::time::timeout(std::time::Duration::from_secs(60), child.wait_with_output())
        .await
        .expect("publishing ends within a minute of the third node")
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("to open stream TIKLIVE_EVENTS")
            && err.contains("no suitable peers for placement")
            && err.contains("3 replicas want 3 nodes up"),
        "{err}"
    );
    let chats = replayed(&dir, &capture, &["--type", "chat"]).await;
    let stored = stream_messages(&nodes[2].url(), STREAM).await;
    assert_eq!(stored.len(), chats.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_node_cluster_loses_and_duplicates_nothing_when_a_node_dies() {
    let nodes = NatsServer::cluster(3);
    let dir = tempfile::tempdir().unwrap();
    let capture = stretched(&dir, &demo_capture(&dir).await, 25);
    let types = ["--type", "chat,like,gift,member"];
    let expected = replayed(&dir, &capture, &types).await;
    // Paced, so the kill lands while publishing.
    let mut args = vec!["--speed", "1"];
    args.extend(types);
    kill_a_node_while_publishing(&dir, nodes, &capture, &args, &expected).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_window_in_flight_is_sent_again_at_once_when_a_node_dies() {
    use tiklive::webcast::capture::{RecordKind, format_header, format_record};
    let nodes = NatsServer::cluster(3);
    let dir = tempfile::tempdir().unwrap();
    // 30,000 chats with distinct message ids, 3,000 a second for ten
    // seconds (paced, so the kill lands while publishing however busy the
    // machine): while the leader is re-elected, a full window of publishes
    // goes out without acks.
    let mut text = format_header("bulk", "1") + "\n";
    for n in 1..=30_000 {
        let frame = crate::support::fake_tiktok::endless_frame(1, n);
        text += &format_record(1_700_000_000_000 + n, RecordKind::Frame, &frame);
        text.push('\n');
    }
    let capture = dir.path().join("bulk.capture");
    std::fs::write(&capture, text).unwrap();
    let expected = replayed(&dir, &capture, &["--type", "chat"]).await;
    assert_eq!(expected.len(), 30_000);
    let args = ["--type", "chat", "--speed", "3"];
    let stderr = kill_a_node_while_publishing(&dir, nodes, &capture, &args, &expected).await;
    // The outage is said once, and its end once.
    let said = |what: &str| stderr.lines().filter(|l| l.contains(what)).count();
    assert!(said("waiting for NATS at") <= 1, "{stderr}");
    assert!(said("acknowledges again") <= 1, "{stderr}");
}

/// Publish `capture` with `watch --sink` (and `args`) to an R3 stream on
/// `nodes`, SIGKILL the stream's leader once the stream holds events, and check that
/// the stream ends up with exactly the `expected` events' ids, each once.
/// Returns tiklive's stderr.
async fn kill_a_node_while_publishing(
    dir: &Dir,
    mut nodes: Vec<NatsServer>,
    capture: &Path,
    args: &[&str],
    expected: &[serde_json::Value],
) -> String {
    let sink = urls(&nodes);
    let client = async_nats::connect(nodes[1].url()).await.unwrap();
    let js = async_nats::jetstream::new(client.clone());
    let within = std::time::Duration::from_secs(60);
    // The first publish is seen on a plain subscription, at once: no
    // JetStream request that a busy cluster may answer late.
    let mut published = client.subscribe("tiklive.ev.>").await.unwrap();
    let mut child = tiklive(dir.path())
        .args(["watch", "--replay", capture.to_str().unwrap()])
        .args(args)
        .args(["--sink", &sink, "--nats-replicas", "3"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Once events are being published (a cluster under load may take a
    // few seconds to elect its leader; an R3 stream is created with all three
    // nodes up), kill a node while publishing goes on.
    let first = tokio::time::timeout(within, futures_util::StreamExt::next(&mut published)).await;
    if !matches!(first, Ok(Some(_))) {
        assert_running(&mut child, "tiklive publishing").await;
        let _ = child.start_kill();
        let out = child.wait_with_output().await.unwrap();
        panic!(
            "nothing published within {within:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // The stream's leader: its publishes in flight lose their acks.
    let info = js
        .get_stream(STREAM)
        .await
        .unwrap()
        .get_info()
        .await
        .unwrap();
    let leader = info.cluster.and_then(|c| c.leader).unwrap_or_default();
    let dead = leader
        .strip_prefix("node")
        .and_then(|i| i.parse().ok())
        .unwrap_or(0);
    if child.try_wait().unwrap().is_some() {
        let out = child.wait_with_output().await.unwrap();
        panic!(
            "ended before a node was killed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    nodes[dead].kill();
    // Lost acks used to be awaited one after the other, each waiting out
    // its own timeout: many minutes for a full window. A generous bound.
    let out = tokio::time::timeout(within, child.wait_with_output())
        .await
        .expect("publishing ends within a minute of the kill")
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{stderr}");
    let alive = &nodes[(dead + 1) % nodes.len()];
    let stored = stream_messages(&alive.url(), STREAM).await;
    let ids: Vec<_> = stored.iter().map(|s| s.msg_id.clone()).collect();
    let unique: HashSet<_> = ids.iter().cloned().collect();
    assert_eq!(unique.len(), ids.len(), "nothing duplicated");
    let want: HashSet<_> = expected
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(unique.len(), want.len(), "nothing lost");
    assert_eq!(unique, want, "nothing lost");
    stderr
}

/// Wait until the events stream on the server at `url` holds events.
async fn first_events_stored(url: &str) {
    let client = async_nats::connect(url).await.unwrap();
    let js = async_nats::jetstream::new(client);
    eventually(
        "the first events in the stream",
        std::time::Duration::from_secs(60),
        async || match js.get_stream(STREAM).await {
            Ok(mut s) => s.info().await.is_ok_and(|i| i.state.messages > 0),
            Err(_) => false,
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sink_stops_after_a_bounded_wait_when_ctrl_c_comes_while_nats_is_down() {
    let mut server = NatsServer::start();
    let dir = tempfile::tempdir().unwrap();
    let capture = stretched(&dir, &demo_capture(&dir).await, 25);
    let child = tiklive(dir.path())
        .args([
            "watch",
            "--replay",
            capture.to_str().unwrap(),
            "--speed",
            "1",
        ])
        .args(["--sink", &server.url()])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    first_events_stored(&server.url()).await;
    server.kill();
    let pid = child.id().unwrap().to_string();
    std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .unwrap();
    // It waits for the acks a bounded time (10 s), not until NATS is back.
    let out = tokio::time::timeout(std::time::Duration::from_secs(40), child.wait_with_output())
        .await
        .expect("it stops on its own after Ctrl-C")
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    assert!(
        stderr.contains("waiting up to 10s for NATS to confirm"),
        "{stderr}"
    );
    assert!(stderr.contains("published "), "{stderr}");
    assert!(
        stderr.contains("stopped before NATS confirmed "),
        "{stderr}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_ctrl_c_stops_the_wait_for_nats_at_once() {
    use tokio::io::AsyncBufReadExt;
    let mut server = NatsServer::start();
    let dir = tempfile::tempdir().unwrap();
    let capture = stretched(&dir, &demo_capture(&dir).await, 25);
    let mut child = tiklive(dir.path())
        .args(["watch", "--replay", capture.to_str().unwrap()])
        .args(["--speed", "1", "--sink", &server.url()])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Each stderr line as it comes.
    let (tx, mut lines) = tokio::sync::mpsc::channel::<String>(64);
    let mut stderr = tokio::io::BufReader::new(child.stderr.take().unwrap()).lines();
    tokio::spawn(async move {
        while let Ok(Some(line)) = stderr.next_line().await {
            if tx.send(line).await.is_err() {
                break;
            }
        }
    });
    first_events_stored(&server.url()).await;
    server.kill();
    let pid = child.id().unwrap().to_string();
    let interrupt = || {
        std::process::Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .unwrap()
    };
    interrupt();
    let first = std::time::Instant::now();
    // Once it says it waits (up to 10 s) for the acks, a second Ctrl-C.
    let mut said = Vec::new();
    let waiting = tokio::time::timeout(std::time::Duration::from_secs(20), async {
        while let Some(line) = lines.recv().await {
            let found = line.contains("press Ctrl-C again to stop now");
            said.push(line);
            if found {
                return true;
            }
        }
        false
    })
    .await;
    assert!(matches!(waiting, Ok(true)), "{}", said.join("\n"));
    interrupt();
    let status = tokio::time::timeout(std::time::Duration::from_secs(20), child.wait())
        .await
        .expect("it stops after the second Ctrl-C")
        .unwrap();
    let stopped = first.elapsed();
    while let Ok(Some(line)) =
        tokio::time::timeout(std::time::Duration::from_secs(5), lines.recv()).await
    {
        said.push(line);
    }
    let said = said.join("\n");
    assert_eq!(status.code(), Some(130), "{said}");
    // Before the 10 s wait would have ended, saying what was not confirmed.
    assert!(
        stopped < std::time::Duration::from_secs(9),
        "{stopped:?}: {said}"
    );
    assert!(said.contains("stopped before NATS confirmed "), "{said}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_forwarders_share_a_target_and_one_may_die() {
    let server = NatsServer::start();
    let dir = tempfile::tempdir().unwrap();
    let capture = demo_capture(&dir).await;
    sink(&dir, &capture, &server.url(), &[]).await;
    let expected: HashSet<String> = stream_messages(&server.url(), STREAM)
        .await
        .iter()
        .map(|m| m.msg_id.clone())
        .collect();
    assert!(expected.len() > 50);
    // The receiver runs its own runtime: start and drop it off ours.
    let receiver = std::thread::spawn(|| crate::support::Receiver::start(200))
        .join()
        .unwrap();
    let hook = receiver.url.clone();
    // Each forwarder has its own directory, and so its own store, as on two
    // machines: the `webhook-id` must not depend on it.
    let other = tempfile::tempdir().unwrap();
    let mut a = forward_from(dir.path(), &server.url(), &hook);
    let mut b = forward_from(other.path(), &server.url(), &hook);
    // Mid-run, the receiver fails for a while: each forwarder holds one
    // message, retrying. Kill one of them then; its message goes to the other.
    let within = std::time::Duration::from_secs(30);
    eventually("deliveries start", within, async || receiver.count() >= 20).await;
    receiver.set_status(503);
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    // Both started (they open one store at once) and are still running.
    assert_running(&mut a, "forwarder a").await;
    assert_running(&mut b, "forwarder b").await;
    a.start_kill().unwrap(); // SIGKILL
    a.wait().await.unwrap();
    receiver.set_status(200);
    let ok = |r: &crate::support::Receiver| r.delivered();
    let why = lazy(|| format!("delivered {} of {}", ok(&receiver).len(), expected.len()));
    // Generous: the survivor may sit in its retry backoff, and the killed
    // forwarder's message comes back only after the ack wait.
    let all = std::time::Duration::from_secs(30);
    eventually(why, all, async || ok(&receiver).len() >= expected.len()).await;
    // Longer than the ack wait: no late redelivery either.
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    let pid = b.id().unwrap().to_string();
    std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    // It stops from inside its wait for the next message, as on Ctrl-C.
    let out = b.wait_with_output().await.unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{err}");
    assert!(err.contains("gave up 0"), "{err}");
    let delivered = ok(&receiver);
    let unique: HashSet<String> = delivered.iter().cloned().collect();
    for h in receiver.hits() {
        let want = stream_message_id(&h.event_id(), &hook);
        assert_eq!(
            h.header("webhook-id"),
            Some(want.as_str()),
            "same id from both"
        );
    }
    tokio::task::spawn_blocking(move || drop(receiver))
        .await
        .unwrap();
    assert_eq!(unique, expected, "every event delivered");
    assert_eq!(delivered.len(), expected.len(), "none twice");
}

/// `tiklive forward --from NATS --to HOOK --ack-wait 2s` run from `home`,
/// stderr piped.
fn forward_from(home: &Path, nats: &str, hook: &str) -> tokio::process::Child {
    tiklive(home)
        .args(["forward", "--from", nats, "--to", hook, "--ack-wait", "2s"])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap()
}

/// `(seq, event)` pairs of an API page or SSE run, for comparison with the
/// stream: the event without its `seq`.
fn without_seq(seq: i64, event: &serde_json::Value) -> (u64, serde_json::Value) {
    let mut e = event.clone();
    assert_eq!(e["seq"], seq, "seq is the cursor: {event}");
    e.as_object_mut().unwrap().remove("seq");
    (seq as u64, e)
}

/// Page through `/api/events?QUERY` from the oldest, following `next`.
async fn pages(
    server: &crate::serve::Server,
    query: &str,
    limit: usize,
) -> Vec<(u64, serde_json::Value)> {
    let mut cursor = 0;
    let mut got = Vec::new();
    loop {
        let page = server
            .ok(&format!("/api/events?after={cursor}&limit={limit}{query}"))
            .await;
        assert_eq!(page["missed"], 0);
        let events = page["events"].as_array().unwrap();
        assert!(events.len() <= limit);
        for e in events {
            got.push(without_seq(e["seq"].as_i64().unwrap(), e));
        }
        let next = page["next"].as_i64().unwrap();
        assert!(next >= cursor, "the cursor never goes back");
        if events.is_empty() {
            return got;
        }
        cursor = next;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_from_pages_the_stream_by_sequence_and_sse_resumes() {
    let nats = NatsServer::start();
    let dir = tempfile::tempdir().unwrap();
    let capture = demo_capture(&dir).await;
    sink(&dir, &capture, &nats.url(), &[]).await;
    let stored: Vec<(u64, serde_json::Value)> = stream_messages(&nats.url(), STREAM)
        .await
        .into_iter()
        .map(|m| (m.seq, m.event))
        .collect();
    assert!(stored.len() > 50, "the demo has events");
    let db = dir.path().join("unused.db");
    let server = crate::serve::Server::start(dir.path(), &db, &["--from", &nats.url()], &[]).await;

    // Every message once, in order, with the stream sequence as the cursor.
    assert_eq!(pages(&server, "", 7).await, stored);
    // Filters: a type, and a streamer with a type (exact subjects), and two
    // types (one broad subject, filtered by tiklive).
    let of = |types: &[&str]| -> Vec<(u64, serde_json::Value)> {
        stored
            .iter()
            .filter(|(_, e)| types.contains(&e["type"].as_str().unwrap()))
            .cloned()
            .collect()
    };
    let chats = of(&["chat"]);
    assert!(chats.len() > 3);
    assert_eq!(pages(&server, "&type=chat", 4).await, chats);
    let streamer = stored[0].1["streamer"].as_str().unwrap().to_string();
    assert_eq!(
        pages(&server, &format!("&type=chat&streamer={streamer}"), 50).await,
        chats
    );
    assert!(pages(&server, "&streamer=nobody", 50).await.is_empty());
    let two = pages(&server, "&type=chat,gift", 5).await;
    let seqs = |v: &[(u64, serde_json::Value)]| v.iter().map(|e| e.0).collect::<Vec<_>>();
    assert_eq!(seqs(&two), seqs(&of(&["chat", "gift"])));
    assert_eq!(two, of(&["chat", "gift"]));
    // No cursor: the newest `limit`.
    let newest = server.ok("/api/events?limit=5").await;
    let got: Vec<_> = newest["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| without_seq(e["seq"].as_i64().unwrap(), e))
        .collect();
    assert_eq!(got, stored[stored.len() - 5..]);
    let newest = server.ok("/api/events?type=chat&limit=3").await;
    let seqs: Vec<u64> = newest["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["seq"].as_u64().unwrap())
        .collect();
    let want: Vec<u64> = chats[chats.len() - 3..].iter().map(|c| c.0).collect();
    assert_eq!(seqs, want);

    // SSE from a cursor (Last-Event-ID): the rest of the stream, then what is
    // published while it is open.
    let from = stored.len() - 10;
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let mut resp = http
        .get(format!("{}/api/events/stream", server.base()))
        .header("Last-Event-ID", stored[from - 1].0.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let mut buf = String::new();
    let got: Vec<_> = crate::serve::sse_messages(&mut resp, &mut buf, 9)
        .await
        .iter()
        .map(|(id, e)| without_seq(*id, e))
        .collect();
    assert_eq!(got, stored[from..stored.len() - 1]);
    let client = async_nats::connect(nats.url()).await.unwrap();
    let js = async_nats::jetstream::new(client);
    let mut live = stored[0].1.clone();
    live["id"] = "live-1".into();
    js.publish("tiklive.ev.someone.chat", live.to_string().into())
        .await
        .unwrap()
        .await
        .unwrap();
    let got = crate::serve::sse_messages(&mut resp, &mut buf, 2).await;
    assert_eq!(got[0].0 as u64, stored.last().unwrap().0);
    assert_eq!(got[1].0 as u64, stored.last().unwrap().0 + 1);
    assert_eq!(got[1].1["id"], "live-1");
    drop(resp);

    // The engine goes away: an open tail ends (the browser reconnects with
    // Last-Event-ID), requests get a clear 503, and the server stays up.
    let mut resp = http
        .get(format!("{}/api/events/stream", server.base()))
        .header("Last-Event-ID", (stored.last().unwrap().0 + 1).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let mut nats = nats;
    nats.kill();
    let ended = async {
        while let Some(chunk) = resp.chunk().await.unwrap() {
            assert!(!chunk.starts_with(b"data:"), "nothing was published");
        }
    };
    tokio::time::timeout(std::time::Duration::from_secs(10), ended)
        .await
        .expect("the tail ends when the connection is lost");
    let (status, body) = server.get("/api/events?after=0").await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["error"]["code"], "engine_unavailable", "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("NATS JetStream at 127.0.0.1:"),
        "{body}"
    );
    assert_eq!(server.ok("/healthz").await["status"], "ok");
    // Back again: a reconnecting tail resumes from its cursor.
    nats.restart();
    let within = std::time::Duration::from_secs(20);
    eventually("the engine answers again", within, async || {
        server.get("/api/events?limit=1").await.0 == 200
    })
    .await;
    let mut resp = http
        .get(format!("{}/api/events/stream", server.base()))
        .header("Last-Event-ID", (stored.last().unwrap().0).to_string())
        .send()
        .await
        .unwrap();
    let got = crate::serve::sse_messages(&mut resp, &mut String::new(), 1).await;
    assert_eq!(got[0].1["id"], "live-1");
    drop(resp);
    let (code, stderr) = server.stop("-TERM").await;
    assert_eq!(code, 130, "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_from_warns_when_the_engine_is_not_reachable() {
    let port = crate::support::nats::free_port();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("unused.db");
    let url = format!("nats://127.0.0.1:{port}");
    let server = crate::serve::Server::start(dir.path(), &db, &["--from", &url], &[]).await;
    let within = std::time::Duration::from_secs(10);
    eventually("a warning", within, async || {
        server.stderr().contains("warning: NATS JetStream at")
    })
    .await;
    let err = server.stderr();
    assert!(err.contains(&format!("127.0.0.1:{port}")), "{err}");
    assert!(err.contains("requests get 503 engine_unavailable"), "{err}");
    let (status, _) = server.get("/api/events").await;
    assert_eq!(status, 503);
    let (code, stderr) = server.stop("-TERM").await;
    assert_eq!(code, 130, "{stderr}");
}

/// SIGTERM a spawned tiklive and wait for it, asserting that it stops
/// promptly; its exit code and stderr.
async fn stop_promptly(child: tokio::process::Child) -> (Option<i32>, String) {
    let pid = child.id().unwrap().to_string();
    std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    let out = tokio::time::timeout(std::time::Duration::from_secs(5), child.wait_with_output())
        .await
        .expect("it stops within seconds of SIGTERM")
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forward_from_says_what_it_waits_for_and_stops_promptly() {
    let mut server = NatsServer::start();
    let dir = tempfile::tempdir().unwrap();
    let capture = demo_capture(&dir).await;
    sink(&dir, &capture, &server.url(), &[]).await;
    let total = stream_messages(&server.url(), STREAM).await.len();
    let receiver = std::thread::spawn(|| crate::support::Receiver::start(500))
        .join()
        .unwrap();
    let child = forward_from(dir.path(), &server.url(), &receiver.url);
    // The target fails for longer than the slow-delivery mark (10 s).
    tokio::time::sleep(std::time::Duration::from_secs(11)).await;
    // Then the engine goes away for a while, and the target recovers.
    server.kill();
    receiver.set_status(200);
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    server.restart();
    let ok =
        |r: &crate::support::Receiver| -> HashSet<String> { r.delivered().into_iter().collect() };
    let why = lazy(|| format!("delivered {} of {total}", ok(&receiver).len()));
    let within = std::time::Duration::from_secs(30);
    eventually(why, within, async || ok(&receiver).len() >= total).await;
    // Down again: Ctrl-C does not wait for it.
    server.kill();
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    let (code, err) = stop_promptly(child).await;
    assert_eq!(code, Some(130), "{err}");
    let port = server.url().replace("nats://", "");
    for line in [
        "not delivered for 1".to_string(),
        "delivering again after ".into(),
        format!("forward: waiting for NATS at {port} to acknowledge"),
        format!("forward: NATS at {port} did not acknowledge for "),
        "1 target(s) waited; nothing was dropped".into(),
    ] {
        assert!(err.contains(&line), "{line:?} in:\n{err}");
    }
    // Once per outage, not once per retry.
    assert_eq!(err.matches("waiting for NATS").count(), 2, "{err}");
    assert_eq!(err.matches("not delivered for").count(), 1, "{err}");
    tokio::task::spawn_blocking(move || drop(receiver))
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forward_from_honours_limit_and_deliver_new() {
    let server = NatsServer::start();
    let dir = tempfile::tempdir().unwrap();
    let capture = demo_capture(&dir).await;
    sink(&dir, &capture, &server.url(), &[]).await;
    let receivers = std::thread::spawn(|| {
        (
            crate::support::Receiver::start(200),
            crate::support::Receiver::start(200),
        )
    })
    .join()
    .unwrap();
    let (old, new) = &receivers;
    // --limit: two events, over both targets, then exit 0.
    let out = ok(
        &dir,
        &[
            "forward",
            "--from",
            &server.url(),
            "--to",
            &old.url,
            "--to",
            &format!("{}?second", old.url),
            "--type",
            "chat",
            "-n",
            "2",
        ],
    )
    .await;
    assert_eq!(old.count(), 2, "{}", String::from_utf8_lossy(&out.stderr));
    assert!(old.hits().iter().all(|h| h.event_type() == "chat"));
    // --deliver new: a new target gets only what is published from now on.
    let child = tiklive(dir.path())
        .args(["forward", "--from", &server.url(), "--to", &new.url])
        .args(["--deliver", "new"])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    assert_eq!(new.count(), 0, "none of the history");
    let client = async_nats::connect(server.url()).await.unwrap();
    let js = async_nats::jetstream::new(client);
    let mut live = stream_messages(&server.url(), STREAM).await[0]
        .event
        .clone();
    live["id"] = "live-1".into();
    js.publish("tiklive.ev.someone.chat", live.to_string().into())
        .await
        .unwrap()
        .await
        .unwrap();
    let within = std::time::Duration::from_secs(20);
    eventually("the new event", within, async || new.count() >= 1).await;
    let (code, err) = stop_promptly(child).await;
    assert_eq!(code, Some(130), "{err}");
    assert_eq!(new.count(), 1, "{err}");
    assert_eq!(new.hits()[0].event_id(), "live-1");
    // --deliver without --from is a usage error.
    let out = tiklive(dir.path())
        .args(["forward", "--demo", "--deliver", "new", "--to", &old.url])
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    tokio::task::spawn_blocking(move || drop(receivers))
        .await
        .unwrap();
}

/// A registered webhook's own `--type` filter applies under `--from` as in
/// local forwarding, and `webhooks list` counts what `--from` delivered and
/// gave up (a webhook answering 400 to each gift).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forward_from_applies_each_webhooks_type_filter_and_counts_deliveries() {
    let server = NatsServer::start();
    let dir = tempfile::tempdir().unwrap();
    let capture = demo_capture(&dir).await;
    sink(&dir, &capture, &server.url(), &[]).await;
    let stored: Vec<String> = stream_messages(&server.url(), STREAM)
        .await
        .iter()
        .map(|m| m.event["type"].as_str().unwrap().to_string())
        .collect();
    let picked = |t: &String| t == "gift" || t == "chat";
    let n_picked = stored.iter().filter(|t| picked(t)).count();
    let n_gifts = stored.iter().filter(|t| *t == "gift").count();
    assert!(n_picked > n_gifts && n_picked < stored.len(), "{stored:?}");
    let receivers = std::thread::spawn(|| {
        (
            crate::support::Receiver::start(200),
            crate::support::Receiver::start(200),
            crate::support::Receiver::start(400),
        )
    })
    .join()
    .unwrap();
    let (filtered, all, rejecting) = &receivers;
    let db = dir.path().join("wh.db");
    let db = db.to_str().unwrap();
    let add = ["webhooks", "add", &filtered.url, "--type", "gift,chat"];
    ok(&dir, &[&add[..], &["--secret", "s3", "--db", db]].concat()).await;
    ok(&dir, &["webhooks", "add", &all.url, "--db", db]).await;
    let add = ["webhooks", "add", &rejecting.url, "--type", "gift"];
    ok(&dir, &[&add[..], &["--db", db]].concat()).await;
    // Every event the webhooks want, over all three: then it exits by itself.
    // The give-ups make it exit 1, as local forwarding does.
    let limit = (stored.len() + n_picked + n_gifts).to_string();
    let out = tiklive(dir.path())
        .args(["forward", "--from", &server.url(), "--db", db, "-n", &limit])
        .output()
        .await
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    let given_up = format!("tiklive: error: {n_gifts} deliveries were given up");
    assert!(err.contains(&given_up), "{err}");
    let types = |r: &crate::support::Receiver| -> Vec<String> {
        r.hits().iter().map(|h| h.event_type()).collect()
    };
    let got = types(filtered);
    assert_eq!(got.len(), n_picked, "{got:?}\n{err}");
    assert!(got.iter().all(picked), "only gift and chat: {got:?}");
    filtered.hits()[0].assert_signed_with("s3");
    assert_eq!(types(all), stored, "the unfiltered webhook gets everything");
    assert_eq!(
        types(rejecting),
        vec!["gift"; n_gifts],
        "a 400 is not retried"
    );
    // `webhooks list` shows what --from delivered.
    let list = ok(&dir, &["webhooks", "list", "--db", db]).await;
    let v: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    assert_eq!(v[0]["delivered"], n_picked, "{v}");
    assert_eq!(v[1]["delivered"], stored.len(), "{v}");
    assert_eq!((&v[0]["failed"], &v[1]["failed"]), (&0.into(), &0.into()));
    assert_eq!(
        (&v[2]["delivered"], &v[2]["failed"]),
        (&0.into(), &n_gifts.into())
    );
    assert_eq!(v[2]["lastStatus"], 400, "{v}");
    let gave_up = &v[2]["giveUps"][0];
    let id = gave_up["eventId"].as_str().unwrap();
    assert_eq!(gave_up["eventType"], "gift");
    let msg_id = stream_message_id(id, &rejecting.url);
    assert_eq!(gave_up["webhookMessageId"], msg_id.as_str(), "{v}");
    // With `--type` too: the types both filters take (the earlier webhooks'
    // consumers have nothing left, so only the new one delivers).
    filtered.clear();
    let n_chats = stored.iter().filter(|t| *t == "chat").count();
    let chats = n_chats.to_string();
    let typed = format!("{}?typed", filtered.url);
    ok(
        &dir,
        &["webhooks", "add", &typed, "--type", "gift,chat", "--db", db],
    )
    .await;
    let from = ["forward", "--from", &server.url(), "--db", db];
    ok(
        &dir,
        &[&from[..], &["--type", "chat,like", "-n", &chats]].concat(),
    )
    .await;
    assert_eq!(types(filtered), vec!["chat"; n_chats]);
    tokio::task::spawn_blocking(move || drop(receivers))
        .await
        .unwrap();
}

/// `forward --from --limit`: `error` events are delivered but do not count
/// (as in `watch`), and a delivery retried for `--drain-timeout` goes back
/// to the stream and its target stops, exit 1, even before the limit is
/// reached; the next run delivers it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forward_from_limit_skips_errors_and_hands_back_after_the_drain_timeout() {
    let server = NatsServer::start();
    let dir = tempfile::tempdir().unwrap();
    let capture = demo_capture(&dir).await;
    sink(&dir, &capture, &server.url(), &["--type", "chat"]).await;
    let receiver = std::thread::spawn(|| crate::support::Receiver::start(500))
        .join()
        .unwrap();
    let from = ["forward", "--from", &server.url(), "--to", &receiver.url];
    let started = std::time::Instant::now();
    let out = tiklive(dir.path())
        .args(from)
        .args(["-n", "3", "--drain-timeout", "2s"])
        .output()
        .await
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("1 delivery was still being retried after the 2s drain timeout"));
    assert!(
        started.elapsed() < std::time::Duration::from_secs(20),
        "{err}"
    );
    let tried = receiver.hits()[0].event_id();
    assert!(receiver.hits().iter().all(|h| h.event_id() == tried));

    // The target is back: the handed-back event is delivered. Then an
    // `error` event and a chat are published: `-n 2` ends after the chat,
    // with the error delivered on the way.
    receiver.set_status(200);
    receiver.clear();
    let first = stream_messages(&server.url(), STREAM).await;
    let publish = |kind: &str, id: &str| {
        let mut e = first[0].event.clone();
        e["type"] = kind.into();
        e["id"] = id.into();
        e
    };
    let client = async_nats::connect(server.url()).await.unwrap();
    let js = async_nats::jetstream::new(client);
    let all = first.len();
    let child = tiklive(dir.path())
        .args(from)
        .args(["-n", &(all + 1).to_string()])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let why = lazy(|| format!("the {all} stored events, got {}", receiver.count()));
    let within = std::time::Duration::from_secs(30);
    eventually(why, within, async || receiver.count() >= all).await;
    for (kind, id) in [("error", "late-error"), ("chat", "late-chat")] {
        let subject = format!("tiklive.ev.someone.{kind}");
        js.publish(subject, publish(kind, id).to_string().into())
            .await
            .unwrap()
            .await
            .unwrap();
    }
    let out = child.wait_with_output().await.unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let ids = receiver.delivered();
    let again = ids.iter().filter(|id| **id == tried).count();
    assert_eq!(again, 1, "the handed-back event, once: {ids:?}");
    assert_eq!(ids.len(), all + 2, "{ids:?}");
    assert_eq!(&ids[all..], ["late-error", "late-chat"]);
    tokio::task::spawn_blocking(move || drop(receiver))
        .await
        .unwrap();
}

/// Run tiklive in `dir`; assert it fails with `code` and one line on stderr
/// that contains every one of `says`.
async fn fails(dir: &Dir, args: &[&str], code: i32, says: &[&str]) {
    let out = tiklive(dir.path()).args(args).output().await.unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "{args:?}: {err}");
    assert!(err.starts_with("tiklive: error: "), "{err}");
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    for s in says {
        assert!(err.contains(s), "{s} in: {err}");
    }
}

/// Two deployments share one nats-server: the default prefix and
/// `staging` (set by flag and by `TIKLIVE_NATS_PREFIX`). Each has its own
/// stream, subjects, streamers bucket and forwarder consumer, and sees only
/// its own events. A stream that belongs to the other is a one-line
/// configuration error, not a server failure or an endless wait.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_prefixes_share_one_server_independently() {
    let server = NatsServer::start();
    let url = server.url();
    let dir = tempfile::tempdir().unwrap();
    let capture = demo_capture(&dir).await;
    // Staging watches another streamer: a copy of the capture under "bee".
    let text = std::fs::read_to_string(&capture).unwrap();
    let (header, rest) = text.split_once('\n').unwrap();
    let mut header: serde_json::Value = serde_json::from_str(header).unwrap();
    let prod_streamer = header["streamer"].as_str().unwrap().to_string();
    header["streamer"] = "bee".into();
    let bee = dir.path().join("bee.capture");
    std::fs::write(&bee, format!("{header}\n{rest}")).unwrap();

    sink(&dir, &capture, &url, &[]).await;
    let staging = ["--nats-prefix", "staging"];
    sink(&dir, &bee, &url, &staging).await;
    let prod = stream_messages(&url, STREAM).await;
    let stage = stream_messages(&url, "STAGING_EVENTS").await;
    assert!(prod.len() > 50 && stage.len() == prod.len());
    assert!(
        prod.iter().all(|m| m.subject.starts_with("tiklive.ev.")
            && m.event["streamer"] == prod_streamer.as_str())
    );
    assert!(
        stage
            .iter()
            .all(|m| m.subject.starts_with("staging.ev.bee.") && m.event["streamer"] == "bee")
    );

    // The worker pools: one streamers bucket each.
    let pool = |args: &[&str], prefix: Option<&str>| {
        let mut cmd = tiklive(dir.path());
        cmd.args(args).env("NATS_URL", &url);
        if let Some(p) = prefix {
            cmd.env("TIKLIVE_NATS_PREFIX", p);
        }
        cmd
    };
    output_ok(&mut pool(&["streamers", "add", "bee"], Some("staging"))).await;
    output_ok(&mut pool(&["streamers", "add", "ann"], None)).await;
    let list = |prefix| async move {
        let out = output_ok(&mut pool(&["streamers", "list"], prefix)).await;
        String::from_utf8(out.stdout).unwrap()
    };
    assert_eq!(list(Some("staging")).await, "bee\n");
    assert_eq!(list(None).await, "ann\n");

    // serve --from pages exactly its own stream.
    let db = dir.path().join("unused.db");
    let from_staging = ["--from", &url, "--nats-prefix", "staging"];
    let staged = crate::serve::Server::start(dir.path(), &db, &from_staging, &[]).await;
    let paged = pages(&staged, "", 100).await;
    let want: Vec<(u64, serde_json::Value)> =
        stage.iter().map(|m| (m.seq, m.event.clone())).collect();
    assert_eq!(paged, want);
    drop(staged);

    // forward --from: staging's forwarder delivers staging's events only,
    // through its own consumer.
    let receiver = std::thread::spawn(|| crate::support::Receiver::start(200))
        .join()
        .unwrap();
    let n = stage.len().to_string();
    let out = ok(
        &dir,
        &[
            "forward",
            "--from",
            &url,
            "--to",
            &receiver.url,
            "-n",
            &n,
            "--nats-prefix",
            "staging",
        ],
    )
    .await;
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("stream STAGING_EVENTS"), "{err}");
    assert!(err.contains("(consumer staging-fwd-"), "{err}");
    let got: HashSet<String> = receiver.delivered().into_iter().collect();
    let staged_ids: HashSet<String> = stage.iter().map(|m| m.msg_id.clone()).collect();
    assert_eq!(got, staged_ids);
    assert!(
        receiver
            .hits()
            .iter()
            .all(|h| h.json()["event"]["streamer"] == "bee")
    );
    tokio::task::spawn_blocking(move || drop(receiver))
        .await
        .unwrap();

    // A stream of the other deployment, or a new stream over subjects the
    // other already holds: one line that says what to do, exit 2.
    let cap = capture.to_str().unwrap();
    let taken = ["stream TIKLIVE_EVENTS holds subjects tiklive.ev.>, not staging.ev.>"];
    let sink_args = ["watch", "--replay", cap, "--sink", &url];
    fails(
        &dir,
        &[&sink_args[..], &staging, &["--nats-stream", STREAM]].concat(),
        2,
        &taken,
    )
    .await;
    let from = [
        "forward",
        "--from",
        &url,
        "--to",
        "http://127.0.0.1:9/",
        "--nats-stream",
        STREAM,
    ];
    fails(&dir, &[&from[..], &staging].concat(), 2, &taken).await;
    let overlap = [
        "cannot create stream OTHER for subjects tiklive.ev.>",
        "stream TIKLIVE_EVENTS already holds them",
    ];
    fails(
        &dir,
        &[&sink_args[..], &["--nats-stream", "OTHER"]].concat(),
        2,
        &overlap,
    )
    .await;
    fails(
        &dir,
        &[&sink_args[..], &["--nats-prefix", "Bad_One"]].concat(),
        2,
        &["invalid --nats-prefix 'Bad_One'"],
    )
    .await;
    // Nothing of either leaked into the other's stream.
    assert_eq!(stream_messages(&url, STREAM).await.len(), prod.len());
    assert_eq!(
        stream_messages(&url, "STAGING_EVENTS").await.len(),
        stage.len()
    );
}

/// A nats-server started without `-js`: every command that needs
/// JetStream says so in one line, exit 2, instead of waiting for a stream
/// or calling the server unreachable.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_without_jetstream_is_one_line_naming_the_flag() {
    let port = crate::support::nats::free_port();
    let mut server = std::process::Command::new(crate::support::nats::nats_server_bin())
        .args(["-a", "127.0.0.1", "-p", &port.to_string()])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    crate::support::wait_until(
        "nats-server to start",
        std::time::Duration::from_secs(10),
        || std::net::TcpStream::connect(("127.0.0.1", port)).is_ok(),
    );
    let url = format!("nats://127.0.0.1:{port}");
    let dir = tempfile::tempdir().unwrap();
    let says = ["runs without JetStream", "-js"];
    fails(&dir, &["watch", "--demo", "--sink", &url], 2, &says).await;
    let to = ["--to", "http://127.0.0.1:9/x"];
    fails(
        &dir,
        &[&["forward", "--from", &url][..], &to].concat(),
        2,
        &says,
    )
    .await;
    for args in [&["streamers", "add", "bob"][..], &["cluster", "status"]] {
        fails(&dir, &[args, &["--nats", &url]].concat(), 2, &says).await;
    }
    let _ = server.kill();
    let _ = server.wait();
}

/// Processes that start together create the same KV bucket at the same
/// moment: every one of them opens it (nats-server refuses all but one of
/// the creations; the others open what it made).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn buckets_created_at_the_same_moment_all_open() {
    let server = NatsServer::start();
    let mut opens = Vec::new();
    for _ in 0..8 {
        let url = server.url();
        opens.push(tokio::spawn(async move {
            let client = async_nats::connect(url).await.unwrap();
            let js = async_nats::jetstream::new(client);
            tiklive::nats::kv::open_bucket(&js, "TIKLIVE_RACE", 1)
                .await
                .map(|_| ())
                .map_err(|e| format!("{e:#}"))
        }));
    }
    for open in opens {
        assert_eq!(open.await.unwrap(), Ok(()));
    }
}
