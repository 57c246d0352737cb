//! `tiklive webhooks add|list|remove|test`, and `forward` to registered webhooks.

use crate::support::{Dir, Receiver, SECRET, demo_events};

fn list_json(dir: &Dir) -> serde_json::Value {
    let run = dir.run(&["webhooks", "list"]).ok();
    serde_json::from_str(&run.stdout).unwrap()
}

#[test]
fn add_list_remove() {
    let dir = Dir::new();
    let run = dir
        .run(&[
            "webhooks",
            "add",
            "https://example.com/hook",
            "--name",
            "overlay",
            "--secret",
            SECRET,
            "--type",
            "gift,Chat",
        ])
        .ok()
        .never_shows(SECRET);
    assert_eq!(run.stdout, "1\n");
    let run = dir
        .run(&["webhooks", "add", "http://127.0.0.1:9/other"])
        .ok();
    assert_eq!(run.stdout, "2\n");

    let run = dir.run(&["webhooks", "list"]).ok().never_shows(SECRET);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 2);
    assert_eq!(v[0]["id"], "1");
    assert_eq!(v[0]["name"], "overlay");
    assert_eq!(v[0]["secret"], "set");
    assert_eq!(v[0]["types"], serde_json::json!(["chat", "gift"]));
    assert_eq!(v[0]["delivered"], 0);
    assert_eq!(v[1]["secret"], "unset");
    assert_eq!(v[1]["types"], serde_json::json!([]));

    // On a terminal: a table.
    let mut cmd = dir.cmd(&["webhooks", "list", "--db", dir.db().to_str().unwrap()]);
    cmd.env("TIKLIVE_TEST_TTY", "1");
    let table = crate::support::run(&mut cmd).ok().never_shows(SECRET);
    let lines: Vec<&str> = table.stdout.lines().collect();
    assert!(lines[0].starts_with("ID  NAME"), "{}", table.stdout);
    assert!(lines[1].contains("overlay") && lines[1].contains("chat,gift"));
    assert!(lines[2].contains("all") && lines[2].contains("unset"));

    let run = dir.run(&["webhooks", "remove", "1"]).ok();
    assert!(run.stderr.contains("removed webhook 1"), "{run:#?}");
    assert_eq!(list_json(&dir).as_array().unwrap().len(), 1);
    let run = dir.run(&["webhooks", "remove", "1"]).code(2);
    assert_eq!(
        run.stderr,
        "tiklive: error: there is no webhook 1; see 'tiklive webhooks list'\n"
    );
    let run = dir.run(&["webhooks", "remove", "one"]).code(2);
    assert!(run.stderr.contains("not a webhook id"), "{run:#?}");
}

#[test]
fn only_http_and_https_urls_are_accepted() {
    let dir = Dir::new();
    for bad in [
        "ftp://example.com/hook",
        "example.com/hook",
        "http://",
        "javascript:alert(1)",
    ] {
        let run = dir.run(&["webhooks", "add", bad]).code(2);
        assert!(run.stderr.contains("not a webhook URL"), "{bad}: {run:#?}");
    }
    let run = dir
        .run(&["webhooks", "add", "http://x/", "--type", "gfit"])
        .code(2);
    assert!(run.stderr.contains("gift"), "{run:#?}");
    let run = dir
        .run(&["webhooks", "add", "http://x/", "--secret", "whsec_***"])
        .code(2)
        .never_shows("***");
    assert!(run.stderr.contains("not base64"), "{run:#?}");
    assert!(!dir.db().exists(), "a rejected add leaves no store");
}

#[test]
fn test_sends_a_signed_ping_and_reports_status_and_latency() {
    let dir = Dir::new();
    let rx = Receiver::start(200);
    dir.run(&[
        "webhooks", "add", &rx.url, "--name", "n", "--secret", SECRET,
    ])
    .ok();
    let run = dir.run(&["webhooks", "test", "1"]).ok().never_shows(SECRET);
    assert!(
        run.stdout.starts_with("webhook 1: HTTP 200 in "),
        "{run:#?}"
    );
    assert!(run.stdout.contains(" ms (signed ping"), "{run:#?}");
    let hits = rx.hits();
    assert_eq!(hits.len(), 1);
    hits[0].assert_signed_with(SECRET);
    let body = hits[0].json();
    assert_eq!(body["event"]["type"], "ping");
    assert_eq!(
        body["webhook"],
        serde_json::json!({"id": "1", "url": rx.url, "name": "n"})
    );
    // A ping is not a delivery.
    assert_eq!(list_json(&dir)[0]["delivered"], 0);

    rx.set_status(500);
    let run = dir.run(&["webhooks", "test", "1"]).code(1);
    assert!(
        run.stderr
            .contains("did not accept the signed test ping: HTTP 500"),
        "{run:#?}"
    );
    let run = dir.run(&["webhooks", "test", "7"]).code(2);
    assert!(run.stderr.contains("there is no webhook 7"), "{run:#?}");
}

#[test]
fn test_uses_webhook_secret_when_the_webhook_has_none() {
    let dir = Dir::new();
    let rx = Receiver::start(204);
    dir.run(&["webhooks", "add", &rx.url]).ok();
    let mut cmd = dir.cmd(&["webhooks", "test", "1", "--db", dir.db().to_str().unwrap()]);
    cmd.env("WEBHOOK_SECRET", "env-secret-123");
    crate::support::run(&mut cmd)
        .ok()
        .never_shows("env-secret-123");
    rx.hits()[0].assert_signed_with("env-secret-123");
}

#[test]
fn forward_without_to_uses_the_registered_webhooks_and_their_filters() {
    let dir = Dir::new();
    let all = Receiver::start(200);
    let gifts = Receiver::start(200);
    dir.run(&["webhooks", "add", &all.url, "--secret", "one-secret"])
        .ok();
    dir.run(&["webhooks", "add", &gifts.url, "--type", "gift"])
        .ok();
    let expected = demo_events(&dir, &[]);
    let run = dir
        .forward_demo(&["--secret", "fallback-secret"])
        .ok()
        .never_shows("one-secret")
        .never_shows("fallback-secret");
    assert!(run.stderr.contains("2 targets"), "{run:#?}");
    assert_eq!(all.count(), expected.len());
    let n_gifts = expected.iter().filter(|e| e["type"] == "gift").count();
    assert_eq!(gifts.count(), n_gifts);
    all.hits()[0].assert_signed_with("one-secret");
    // A webhook without its own secret uses --secret / WEBHOOK_SECRET.
    gifts.hits()[0].assert_signed_with("fallback-secret");
    let v = list_json(&dir);
    assert_eq!(v[0]["delivered"], expected.len());
    assert_eq!(v[1]["delivered"], n_gifts);
}

/// `list`, `remove` and `test` read the store and never create one (nor its
/// directory): the default store not there yet means no webhooks; a --db
/// that does not exist is a one-line usage error.
#[test]
fn reading_commands_never_create_a_store() {
    let dir = Dir::new();
    let missing = dir.path().join("no/such/dir/x.db");
    let missing = missing.to_str().unwrap();
    for args in [
        &["webhooks", "list", "--db", missing][..],
        &["webhooks", "remove", "1", "--db", missing],
        &["webhooks", "test", "1", "--db", missing],
    ] {
        let run = crate::support::run(&mut dir.cmd(args)).code(2);
        assert_eq!(
            run.stderr,
            format!(
                "tiklive: error: there is no store at {missing}: check --db / TIKLIVE_DB \
                 ('tiklive webhooks add' creates it)\n"
            ),
            "{args:?}"
        );
    }
    // The same path from TIKLIVE_DB.
    let mut cmd = dir.cmd(&["webhooks", "list"]);
    let run = crate::support::run(cmd.env("TIKLIVE_DB", missing)).code(2);
    assert!(run.stderr.contains("there is no store at"), "{run:#?}");
    assert!(!dir.path().join("no").exists(), "no directory was made");

    // The default store (in the data directory) before any `add`.
    let run = crate::support::run(&mut dir.cmd(&["webhooks", "list"])).ok();
    assert_eq!(run.stdout.trim(), "[]");
    let run = crate::support::run(&mut dir.cmd(&["webhooks", "remove", "1"])).code(2);
    assert!(run.stderr.contains("there is no webhook 1"), "{run:#?}");
    let run = crate::support::run(&mut dir.cmd(&["webhooks", "test", "1"])).code(2);
    assert!(run.stderr.contains("there is no webhook 1"), "{run:#?}");
    assert!(!dir.path().join("data").exists(), "nothing was created");
    // `add` creates it; `list` then reads it.
    crate::support::run(&mut dir.cmd(&["webhooks", "add", "http://127.0.0.1:9/a"])).ok();
    assert!(dir.path().join("data/tiklive/tiklive.db").exists());
    let run = crate::support::run(&mut dir.cmd(&["webhooks", "list"])).ok();
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&run.stdout).unwrap()[0]["id"],
        "1"
    );
}

#[test]
fn a_corrupt_store_is_a_clear_error_naming_the_path() {
    let dir = Dir::new();
    std::fs::write(dir.db(), vec![b'#'; 4096]).unwrap();
    // A --db that is not a database names nothing usable: exit 2.
    let run = dir.run(&["webhooks", "list"]).code(2);
    assert!(run.stderr.contains("tiklive.db"), "{run:#?}");
    assert!(
        run.stderr.contains("corrupt or not a tiklive database"),
        "{run:#?}"
    );
    assert_eq!(run.stderr.lines().count(), 1, "one line: {run:#?}");
}

#[test]
fn a_password_in_a_webhook_url_is_never_shown() {
    let dir = Dir::new();
    let url = "http://bob:hunter2@127.0.0.1:9/hook";
    dir.run(&["webhooks", "add", url])
        .ok()
        .never_shows("hunter2");
    let list = dir.run(&["webhooks", "list"]).ok().never_shows("hunter2");
    assert!(
        list.stdout.contains("http://bob:***@127.0.0.1:9/hook"),
        "{list:#?}"
    );
    dir.run(&["config", "--to", url])
        .ok()
        .never_shows("hunter2");
    let dry = dir
        .forward_demo(&["--to", url, "--dry-run", "--limit", "2"])
        .ok()
        .never_shows("hunter2");
    assert!(
        dry.stdout.contains("POST http://bob:***@127.0.0.1:9/hook"),
        "{dry:#?}"
    );
}
