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
