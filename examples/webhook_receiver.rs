//! A tiny webhook receiver for `bench/forward.sh` and `bench/nats.sh`: answers
//! every POST with 204 at once, counts them, and — for events whose
//! `data.sentNs` holds the unix time in nanoseconds at which the bench wrote
//! them, or with `--create-time` whose `data.createTime` holds the unix time in
//! ms at which the fake TikTok pushed them — measures how long they took to
//! arrive. Prints one JSON line of figures after `--expect N` requests (or on
//! Ctrl-C) and exits.
//!
//! ```sh
//! cargo run --release --example webhook_receiver -- --port 9000 --expect 10000 [--create-time]
//! ```
#![allow(clippy::print_stdout, clippy::print_stderr)] // a developer tool: it reports on stdout/stderr
#![allow(clippy::disallowed_methods)] // a standalone program: the one-owner rule (clippy.toml) is for the tiklive crate

use std::sync::{Arc, Mutex};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::http::StatusCode;

#[derive(Default)]
struct Figures {
    count: u64,
    first: Option<Instant>,
    last: Option<Instant>,
    latencies_us: Vec<f64>,
}

fn now_ns() -> i128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos() as i128)
        .unwrap_or(0)
}

fn report(f: &Figures) -> String {
    let secs = match (f.first, f.last) {
        (Some(a), Some(b)) => (b - a).as_secs_f64(),
        _ => 0.0,
    };
    let mut l = f.latencies_us.clone();
    l.sort_by(f64::total_cmp);
    let pct = |p: f64| -> f64 {
        if l.is_empty() {
            return 0.0;
        }
        let i = ((p / 100.0) * (l.len() - 1) as f64).round() as usize;
        l[i] / 1000.0
    };
    format!(
        "{{\"requests\":{},\"seconds\":{:.3},\"per_second\":{:.0},\"latency_samples\":{},\"latency_ms\":{{\"p50\":{:.3},\"p90\":{:.3},\"p99\":{:.3},\"max\":{:.3}}}}}",
        f.count,
        secs,
        if secs > 0.0 {
            (f.count.saturating_sub(1)) as f64 / secs
        } else {
            0.0
        },
        l.len(),
        pct(50.0),
        pct(90.0),
        pct(99.0),
        pct(100.0)
    )
}

const USAGE: &str = "usage: webhook_receiver [--port N (9000)] [--expect N] [--create-time]
Answers every POST on 127.0.0.1 with 204 and prints one JSON line of figures (requests,
rate, latency) after --expect N requests or on Ctrl-C. Signatures are not checked.";

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let mut port = 9000u16;
    let mut expect = u64::MAX;
    let mut create_time = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--port" => port = args.next().and_then(|v| v.parse().ok()).expect("--port N"),
            "--expect" => {
                expect = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .expect("--expect N")
            }
            "--create-time" => create_time = true,
            "--help" | "-h" => {
                println!("{USAGE}");
                return;
            }
            other => {
                eprintln!("webhook_receiver: unknown argument {other}\n{USAGE}");
                std::process::exit(2);
            }
        }
    }
    let figures: Arc<Mutex<Figures>> = Arc::default();
    let (done_tx, mut done_rx) = tokio::sync::mpsc::channel::<()>(1);
    let fig = Arc::clone(&figures);
    let app = axum::Router::new().fallback(move |body: Bytes| {
        let fig = Arc::clone(&fig);
        let done = done_tx.clone();
        async move {
            let arrived = now_ns();
            let sent = serde_json::from_slice::<serde_json::Value>(&body)
                .ok()
                .and_then(|v| match create_time {
                    true => v["event"]["data"]["createTime"]
                        .as_i64()
                        .map(|ms| ms * 1_000_000),
                    false => v["event"]["data"]["sentNs"].as_i64(),
                });
            let finished = {
                let mut f = fig.lock().unwrap();
                let now = Instant::now();
                f.first.get_or_insert(now);
                f.last = Some(now);
                f.count += 1;
                if let Some(sent) = sent {
                    f.latencies_us
                        .push((arrived - sent as i128) as f64 / 1000.0);
                }
                f.count >= expect
            };
            if finished {
                let _ = done.try_send(());
            }
            StatusCode::NO_CONTENT
        }
    });
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .expect("bind 127.0.0.1");
    eprintln!("webhook_receiver: listening on 127.0.0.1:{port}; figures on Ctrl-C");
    let server = axum::serve(listener, app);
    tokio::select! {
        _ = server => {}
        _ = done_rx.recv() => {}
        _ = tokio::signal::ctrl_c() => {}
    }
    let text = report(&figures.lock().unwrap());
    use std::io::Write;
    let _ = writeln!(std::io::stdout(), "{text}");
}
