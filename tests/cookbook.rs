//! Every recipe of the README's cookbook, run as written (bash, with the built
//! `tiklive` first on PATH) over the demo stream, and its output checked.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::support::{self, Dir, Receiver, SECRET, command, demo_events, isolate};

/// (title, script) of each recipe under "## Cookbook".
fn recipes() -> Vec<(String, String)> {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = readme.find("\n## Cookbook").expect("a Cookbook section");
    let rest = &readme[start + 1..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |i| i + 3);
    let section = &rest[..end];
    let mut out = Vec::new();
    for part in section.split("\n### ").skip(1) {
        let title = part.lines().next().unwrap().trim().to_string();
        let body = part
            .split("```sh\n")
            .nth(1)
            .and_then(|b| b.split("\n```").next());
        let script = body.unwrap_or_else(|| panic!("recipe '{title}' has no sh block"));
        out.push((title, script.to_string()));
    }
    out
}

struct Ran {
    stdout: String,
    stderr: String,
    ok: bool,
}

fn run(script: &str, dir: &Path, env: &[(&str, String)]) -> Ran {
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_tiklive")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut cmd = Command::new("bash");
    isolate(&mut cmd, dir);
    cmd.args(["-euo", "pipefail", "-c", script])
        .env("PATH", path);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    Ran {
        stdout: String::from_utf8_lossy(&out.stdout).to_string(),
        stderr: String::from_utf8_lossy(&out.stderr).to_string(),
        ok: out.status.success(),
    }
}

/// How many demo events of `kind` there are (every default kind for "").
fn demo_count(kind: &str) -> usize {
    let extra: &[&str] = if kind.is_empty() {
        &[]
    } else {
        &["--type", kind]
    };
    demo_events(&Dir::new(), extra).len()
}

#[test]
fn every_cookbook_recipe_works_as_written() {
    let recipes = recipes();
    assert!(recipes.len() >= 9, "{} recipes", recipes.len());
    let mut checked = BTreeMap::new();
    for (title, script) in &recipes {
        let dir = tempfile::tempdir().unwrap();
        let receiver = Receiver::start(200);
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut env = vec![
            ("HOOK", receiver.url.clone()),
            ("SECRET", SECRET.to_string()),
            ("PORT", port.to_string()),
        ];
        if title == "Verify a webhook signature" {
            // A real delivery to check: one event forwarded to the receiver.
            let mut cmd = command(dir.path());
            cmd.args([
                "forward",
                "--demo",
                "--speed",
                "max",
                "--type",
                "liveIntro",
                "--to",
                &receiver.url,
                "-q",
            ])
            .args(["--db", dir.path().join("f.db").to_str().unwrap()])
            .env("WEBHOOK_SECRET", SECRET);
            support::run(&mut cmd).ok();
            let hit = receiver.hits().into_iter().next().expect("one delivery");
            std::fs::write(dir.path().join("body.json"), &hit.body).unwrap();
            for (var, header) in [
                ("WEBHOOK_ID", "webhook-id"),
                ("WEBHOOK_TIMESTAMP", "webhook-timestamp"),
                ("WEBHOOK_SIGNATURE", "webhook-signature"),
            ] {
                env.push((var, hit.header(header).unwrap().to_string()));
            }
            // The independent verifier agrees, so "valid" below means the
            // recipe computes the same thing.
            hit.assert_signed_with(SECRET);
        }
        let ran = run(script, dir.path(), &env);
        assert!(ran.ok, "recipe '{title}' failed: {}", ran.stderr);
        let out = ran.stdout.trim();
        match title.as_str() {
            "Top gifters by diamonds" => {
                let v: Value = serde_json::from_str(out).unwrap();
                let top = v.as_array().unwrap();
                assert_eq!(top.len(), 3);
                assert_eq!(
                    top[0],
                    serde_json::json!({"user": "zoe_z", "diamonds": 29999})
                );
                let d: Vec<i64> = top
                    .iter()
                    .map(|t| t["diamonds"].as_i64().unwrap())
                    .collect();
                assert!(d.windows(2).all(|w| w[0] >= w[1]));
            }
            "A chat log in a file" => {
                assert_eq!(out.parse::<usize>().unwrap(), demo_count("chat"));
                let log = std::fs::read_to_string(dir.path().join("chat.log")).unwrap();
                assert!(
                    log.lines().all(|l| l.contains("Z ") && l.contains(": ")),
                    "{log}"
                );
            }
            "Alert on follow" => {
                let lines: Vec<&str> = out.lines().collect();
                assert_eq!(lines.len(), 3);
                assert!(
                    lines
                        .iter()
                        .all(|l| l.starts_with("🔔 ") && l.ends_with(" followed"))
                );
            }
            "Forward only big gifts" => {
                let hits = receiver.hits();
                let gifts: Vec<String> = hits
                    .iter()
                    .map(|h| {
                        h.json()["event"]["data"]["giftName"]
                            .as_str()
                            .unwrap()
                            .to_string()
                    })
                    .collect();
                assert_eq!(gifts, ["Lion", "Corgi"]);
            }
            "Verify a webhook signature" => assert_eq!(out, "valid"),
            "Record now, replay later" => {
                assert_eq!(out.parse::<usize>().unwrap(), demo_count("chat"))
            }
            "Viewers over time" => {
                let lines: Vec<&str> = out.lines().collect();
                assert_eq!(lines.len(), 3);
                for l in lines {
                    let (ts, n) = l.split_once('\t').unwrap();
                    // The stream's own time (the demo's), not the wall clock.
                    assert!(ts.starts_with("2024-05-01T") && ts.ends_with('Z'), "{ts}");
                    assert!(n.parse::<u64>().unwrap() > 0);
                }
            }
            "Count events by type" => {
                let v: Value = serde_json::from_str(out).unwrap();
                assert_eq!(v["chat"].as_u64().unwrap() as usize, demo_count("chat"));
                assert_eq!(v["connected"], 1);
                assert!(v["gift"].as_u64().unwrap() > 0);
            }
            "Poll the REST API without gaps or repeats" => {
                let total = demo_count("");
                assert_eq!(out.parse::<usize>().unwrap(), total);
                let seen = std::fs::read_to_string(dir.path().join("seen.txt")).unwrap();
                let seqs: Vec<u64> = seen
                    .lines()
                    .map(|l| l.split(' ').next().unwrap().parse().unwrap())
                    .collect();
                assert_eq!(
                    seqs,
                    (1..=total as u64).collect::<Vec<_>>(),
                    "every event once, in order"
                );
            }
            "Only what moderators say" => {
                assert!(!out.is_empty());
                for l in out.lines() {
                    let v: Value = serde_json::from_str(l).unwrap();
                    assert_eq!(v["who"], "dan_the_builder");
                }
            }
            other => panic!("recipe '{other}' has no check in tests/cookbook.rs"),
        }
        checked.insert(title.clone(), ());
    }
    assert_eq!(checked.len(), recipes.len());
}
