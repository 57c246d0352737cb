//! `tiklive forward` end to end, against receivers on 127.0.0.1.

use std::collections::HashSet;
use std::process::Stdio;
use std::time::Duration;

use crate::support::{Dir, Receiver, Run, SECRET, demo_events, run, spawn_with_stdin, wait_until};

fn types_of(events: &[serde_json::Value]) -> Vec<String> {
    events
        .iter()
        .map(|e| e["type"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn demo_events_arrive_signed_in_order_with_the_exact_signed_body() {
    let dir = Dir::new();
    let rx = Receiver::start(200);
    let expected = demo_events(&dir, &[]);
    let run = dir
        .forward_demo(&["--to", &rx.url, "--secret", SECRET])
        .ok()
        .never_shows(SECRET);
    let n = expected.len();
    assert!(
        run.stderr
            .contains(&format!("{n} delivered, 0 failed, 0 pending")),
        "{run:#?}"
    );
    let hits = rx.hits();
    assert_eq!(hits.len(), n);
    let got: Vec<String> = hits.iter().map(|h| h.event_type()).collect();
    assert_eq!(got, types_of(&expected), "events arrive in order");
    let mut ids = HashSet::new();
    for h in &hits {
        // The signature covers exactly the bytes received.
        h.assert_signed_with(SECRET);
        assert!(ids.insert(h.header("webhook-id").unwrap().to_string()));
        assert_eq!(h.header("content-type"), Some("application/json"));
        assert!(h.header("user-agent").unwrap().starts_with("tiklive/"));
        assert!(
            h.header("webhook-timestamp")
                .unwrap()
                .parse::<i64>()
                .unwrap()
                > 1_600_000_000
        );
        let body = h.json();
        let keys: Vec<&String> = body.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["event", "webhook"]);
        assert_eq!(body["webhook"]["url"], rx.url.as_str());
        assert_eq!(body["webhook"]["id"], "1");
        assert!(body["webhook"].as_object().unwrap().contains_key("name"));
        for k in ["type", "data", "timestamp", "id"] {
            assert!(body["event"].get(k).is_some(), "{k}");
        }
    }
}

#[test]
fn without_a_secret_no_signature_header_is_sent() {
    let dir = Dir::new();
    let rx = Receiver::start(204);
    dir.forward_demo(&["--type", "follow", "--to", &rx.url])
        .ok();
    let hits = rx.hits();
    assert!(!hits.is_empty());
    assert!(hits.iter().all(|h| h.header("webhook-signature").is_none()));
    assert!(hits.iter().all(|h| h.header("webhook-id").is_some()));
}

#[test]
fn stdin_from_watch_composes_and_bad_lines_are_warnings_with_line_numbers() {
    let dir = Dir::new();
    let rx = Receiver::start(200);
    let gifts = demo_events(&dir, &["--type", "gift"]);
    let mut input = String::new();
    for (i, g) in gifts.iter().enumerate() {
        input.push_str(&g.to_string());
        input.push('\n');
        if i == 1 {
            input.push_str("this is not json\n");
            input.push('\n');
            input.push_str(r#"{"type":"nope","data":{},"timestamp":"t","id":"x"}"#);
            input.push('\n');
        }
    }
    let run = Run::from(spawn_with_stdin(
        &mut dir.cmd(&[
            "forward",
            "-",
            "--to",
            &rx.url,
            "--db",
            dir.db().to_str().unwrap(),
        ]),
        Some(input.as_bytes()),
    ))
    .ok();
    assert!(run.stderr.contains("stdin line 3: not JSON"), "{run:#?}");
    assert!(
        run.stderr.contains("stdin line 5: not an event"),
        "{run:#?}"
    );
    assert!(
        !run.stderr.contains("line 4"),
        "blank lines are skipped quietly"
    );
    let got: Vec<String> = rx.hits().iter().map(|h| h.event_id()).collect();
    let want: Vec<String> = gifts
        .iter()
        .map(|g| g["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(got, want, "the same events, same ids, same order");
}

#[test]
fn stdin_respects_type() {
    let dir = Dir::new();
    let rx = Receiver::start(200);
    let all = demo_events(&dir, &[]);
    let input: String = all.iter().map(|e| format!("{e}\n")).collect();
    dir.run_stdin(
        &["forward", "-", "--to", &rx.url, "--type", "like"],
        Some(input.as_bytes()),
    )
    .ok();
    let likes = all.iter().filter(|e| e["type"] == "like").count();
    assert!(likes > 0);
    assert_eq!(rx.count(), likes);
    assert!(rx.hits().iter().all(|h| h.event_type() == "like"));
}

#[test]
fn dry_run_prints_redacted_requests_and_sends_nothing() {
    let dir = Dir::new();
    let rx = Receiver::start(200);
    let gifts = demo_events(&dir, &["--type", "gift"]);
    let run = dir
        .forward_demo(&[
            "--type",
            "gift",
            "--to",
            &rx.url,
            "--secret",
            SECRET,
            "--dry-run",
        ])
        .ok()
        .never_shows(SECRET);
    assert_eq!(rx.count(), 0);
    let blocks: Vec<&str> = run
        .stdout
        .split("\n\n")
        .filter(|b| !b.trim().is_empty())
        .collect();
    // Each request is a header block followed by its body block.
    assert_eq!(blocks.len(), 2 * gifts.len(), "{}", run.stdout);
    let head = blocks[0];
    assert!(head.starts_with(&format!("POST {}\n", rx.url)), "{head}");
    assert!(head.contains("content-type: application/json"));
    assert!(head.contains("user-agent: tiklive/"));
    assert!(head.contains("webhook-id: msg_"));
    assert!(head.contains("webhook-timestamp: "));
    assert!(head.contains("webhook-signature: v1,(redacted)"));
    let body: serde_json::Value = serde_json::from_str(blocks[1]).unwrap();
    assert_eq!(body["event"]["type"], "gift");
    assert_eq!(body["webhook"]["url"], rx.url.as_str());
    assert!(run.stderr.contains("nothing sent"), "{run:#?}");
    // Nothing queued, and no ad-hoc webhook row left behind: no store at all.
    assert!(
        !dir.db().exists(),
        "a dry run created {}",
        dir.db().display()
    );
}

#[test]
fn a_400_is_given_up_at_once_reported_and_listed() {
    let dir = Dir::new();
    let rx = Receiver::start(400);
    let follows = demo_events(&dir, &["--type", "follow"]).len();
    let run = dir
        .forward_demo(&["--type", "follow", "--to", &rx.url])
        .code(1);
    assert_eq!(rx.count(), follows, "no retries");
    assert!(
        run.stderr
            .contains(&format!("0 delivered, {follows} failed, 0 pending")),
        "{run:#?}"
    );
    assert!(
        run.stderr
            .contains("HTTP 400 Bad Request: receiver says no")
    );
    assert!(run.stderr.contains("tiklive: error: "), "{run:#?}");
    let list = dir.run(&["webhooks", "list"]).ok();
    let v: serde_json::Value = serde_json::from_str(&list.stdout).unwrap();
    assert_eq!(v[0]["kind"], "adhoc");
    assert_eq!(v[0]["failed"], follows);
    assert_eq!(
        v[0]["giveUps"][0]["reason"],
        "HTTP 400 Bad Request: receiver says no"
    );
}

#[test]
fn killed_with_pending_deliveries_the_next_run_sends_them() {
    let dir = Dir::new();
    let rx = Receiver::start(0); // accepts connections, never answers
    let total = demo_events(&dir, &[]).len();
    let db = dir.db();
    let args = [
        "forward",
        "--demo",
        "--speed",
        "max",
        "--to",
        &rx.url,
        "--secret",
        SECRET,
        "--db",
        db.to_str().unwrap(),
    ];
    let mut child = dir
        .cmd(&args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait until every event is in the outbox and the first delivery hangs.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let store = tiklive::store::Store::open(&db).unwrap();
    let pending = || {
        rt.block_on(store.pending_after(1, 0, 10_000))
            .unwrap_or_default()
    };
    wait_until("every event queued", Duration::from_secs(30), || {
        pending().len() == total && rx.count() >= 1
    });
    let queued: Vec<String> = pending().into_iter().map(|p| p.event_id).collect();
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();

    rx.set_status(200);
    rx.clear();
    let run = run(&mut dir.cmd(&args)).ok();
    assert!(
        run.stderr.contains(&format!("resuming {total} pending")),
        "{run:#?}"
    );
    assert!(
        run.stderr
            .contains(&format!("{} already queued", total - 2)),
        "{run:#?}"
    );
    // The pending ones first, in order; of this run's events only the two
    // control events (random ids) are new: the demo's message events are
    // the pending ones again, not queued twice.
    let hits = rx.hits();
    assert_eq!(hits.len(), total + 2, "the earlier events, then this run's");
    let got: Vec<String> = hits.iter().map(|h| h.event_id()).collect();
    assert_eq!(got[..total], queued[..], "the pending ones first, in order");
    let new: Vec<String> = hits[total..].iter().map(|h| h.event_type()).collect();
    assert_eq!(new, ["connected", "disconnected"]);
    for h in &hits {
        h.assert_signed_with(SECRET);
    }
    assert_eq!(rt.block_on(store.pending_count(vec![1])).unwrap(), 0);
}

#[test]
fn pending_deliveries_past_the_drain_timeout_exit_1_and_stay_queued() {
    let dir = Dir::new();
    let rx = Receiver::start(0);
    let run = dir
        .forward_demo(&[
            "--type",
            "follow",
            "--to",
            &rx.url,
            "--drain-timeout",
            "200ms",
        ])
        .code(1);
    assert!(
        run.stderr
            .contains("still pending after the 200ms drain timeout"),
        "{run:#?}"
    );
    let list = dir.run(&["webhooks", "list"]).ok();
    let v: serde_json::Value = serde_json::from_str(&list.stdout).unwrap();
    assert!(v[0]["pending"].as_u64().unwrap() > 0);
}

#[test]
fn webhook_url_and_secret_come_from_dotenv() {
    let dir = Dir::new();
    let rx = Receiver::start(200);
    std::fs::write(
        dir.path().join(".env"),
        format!(
            "WEBHOOK_URL={}\nWEBHOOK_SECRET=plain-secret-value\n",
            rx.url
        ),
    )
    .unwrap();
    dir.forward_demo(&["--type", "follow"])
        .ok()
        .never_shows("plain-secret-value");
    let hits = rx.hits();
    assert!(!hits.is_empty());
    for h in &hits {
        h.assert_signed_with("plain-secret-value");
    }
}

#[test]
fn usage_errors() {
    let dir = Dir::new();
    let run = dir
        .run(&["forward", "--demo", "--to", "ftp://example.com/x"])
        .code(2);
    assert!(run.stderr.contains("only http and https"), "{run:#?}");
    let run = dir.run(&["forward", "--demo", "--to", "not a url"]).code(2);
    assert!(run.stderr.contains("is not a webhook URL"), "{run:#?}");
    let run = dir.forward_demo(&[]).code(2);
    assert!(run.stderr.contains("nowhere to forward to"), "{run:#?}");
    // To a closed port, with one bad option.
    let closed = |option: &str, value: &str| {
        let to = "http://127.0.0.1:9/";
        dir.run(&["forward", "--demo", "--to", to, option, value])
            .code(2)
    };
    let run = closed("--drain-timeout", "soon");
    assert_eq!(
        run.stderr,
        "tiklive: error: invalid --drain-timeout 'soon': use e.g. 30s, 5m, 250ms\n"
    );
    // A negative duration is the value, refused by the same check.
    let run = closed("--drain-timeout", "-5s");
    assert_eq!(
        run.stderr,
        "tiklive: error: invalid --drain-timeout '-5s': use e.g. 30s, 5m, 250ms\n"
    );
    let run = closed("--secret", "whsec_%%%").never_shows("%%%");
    assert!(run.stderr.contains("not base64"), "{run:#?}");
}

#[test]
fn a_dead_webhook_is_one_short_warning_naming_it() {
    let dir = Dir::new();
    let run = dir
        .forward_demo(&[
            "--limit",
            "1",
            "--to",
            "http://127.0.0.1:9/hook",
            "--drain-timeout",
            "1s",
        ])
        .code(1);
    let warnings: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("tiklive: warning: "))
        .collect();
    assert_eq!(
        warnings,
        [
            "tiklive: warning: webhook 1 (http://127.0.0.1:9/hook): could not connect: Connection refused (os error 111); retrying (deliveries stay queued in the outbox)"
        ],
        "{run:#?}"
    );
}

#[test]
fn ctrl_c_stops_at_once_keeps_the_pending_deliveries_and_exits_130() {
    let dir = Dir::new();
    let rx = Receiver::start(0);
    let total = demo_events(&dir, &["--type", "chat"]).len();
    let db = dir.db();
    let child = dir
        .cmd(&[
            "forward",
            "--demo",
            "--speed",
            "max",
            "--type",
            "chat",
            "--to",
            &rx.url,
            "--db",
            db.to_str().unwrap(),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let store = tiklive::store::Store::open(&db).unwrap();
    wait_until("every event queued", Duration::from_secs(30), || {
        rt.block_on(store.pending_count(vec![1])).unwrap_or(0) == total as u64 && rx.count() >= 1
    });
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let run = Run::from(child.wait_with_output().unwrap()).code(130);
    assert!(
        run.stderr
            .contains(&format!("0 delivered, 0 failed, {total} pending")),
        "{run:#?}"
    );
    assert_eq!(
        rt.block_on(store.pending_count(vec![1])).unwrap(),
        total as u64
    );
    drop(store);

    // The same demo again into the same store, the receiver up now: the
    // pending rows go first and the new run's copies of them are not queued
    // again, so each event arrives once.
    rx.set_status(200);
    rx.clear();
    let run = dir.forward_demo(&["--type", "chat", "--to", &rx.url]).ok();
    assert!(
        run.stderr.contains(&format!(
            "{total} delivered, 0 failed, 0 pending, {total} already queued"
        )),
        "{run:#?}"
    );
    let delivered = rx.delivered();
    let unique: HashSet<&String> = delivered.iter().collect();
    assert_eq!((delivered.len(), unique.len()), (total, total));

    // A third run: the store remembers the deliveries, nothing goes again.
    rx.clear();
    let run = dir.forward_demo(&["--type", "chat", "--to", &rx.url]).ok();
    assert!(
        run.stderr.contains(&format!(
            "0 delivered, 0 failed, 0 pending, {total} already queued"
        )),
        "{run:#?}"
    );
    assert_eq!(rx.count(), 0);
}
