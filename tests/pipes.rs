//! Pipe behaviour: stdout carries only data, and events reach a pipe as they
//! happen (not when a buffer fills or the process ends).

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::support::{Dir, run};

#[test]
fn events_reach_a_pipe_while_the_stream_is_still_running() {
    let dir = Dir::new();
    // The demo at real-time speed lasts three minutes; its first events must
    // arrive long before that, through a pipe (not a terminal).
    let mut child = dir
        .cmd(&["watch", "--demo"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let second = lines.next().unwrap().unwrap();
    let waited = start.elapsed();
    let _ = child.kill();
    let _ = child.wait();
    let a: serde_json::Value = serde_json::from_str(&first).unwrap();
    let b: serde_json::Value = serde_json::from_str(&second).unwrap();
    assert_eq!(a["type"], "connected");
    assert!(b["type"].is_string());
    // A liveness bound, far from the 180 s the stream lasts: the lines came
    // while it was running, so they were flushed as they were written.
    assert!(waited < Duration::from_secs(60), "waited {waited:?}");
}

#[test]
fn logs_and_progress_stay_off_stdout() {
    let dir = Dir::new();
    let out = run(&mut dir.cmd(&["-vv", "watch", "--demo", "--speed", "max", "--limit", "50"]));
    assert_eq!(out.code, 0);
    let stdout = out.stdout;
    assert_eq!(stdout.lines().count(), 50);
    for line in stdout.lines() {
        assert!(line.starts_with("{\"type\":"), "not data: {line}");
        assert!(!line.contains('\x1b'));
    }
}

/// Ctrl-C while a full-speed demo, which writes its own stdout, is held up
/// by a full pipe: the lines it has made are written, then `disconnected`
/// (interrupted), and it exits 130. The demo prints about 240 KB, more than
/// the pipe and tiklive's 64 KiB buffer hold together, so it is still
/// running when the signal comes.
#[test]
fn ctrl_c_at_full_speed_writes_what_was_made_and_exits_130() {
    for threads in ["1", "2"] {
        let dir = Dir::new();
        let mut child = dir
            .cmd(&["watch", "--demo", "--speed", "max", "--threads", threads])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut seen = vec![lines.next().unwrap().unwrap()];
        let status = std::process::Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        seen.extend(lines.map(Result::unwrap));
        assert_eq!(
            child.wait().unwrap().code(),
            Some(130),
            "--threads {threads}"
        );
        let events: Vec<serde_json::Value> = seen
            .iter()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(events[0]["type"], "connected");
        let last = events.last().unwrap();
        assert_eq!(last["type"], "disconnected", "--threads {threads}");
        assert_eq!(last["data"]["reason"], "interrupted");
    }
}
