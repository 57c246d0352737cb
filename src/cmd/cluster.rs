//! `tiklive cluster status --nats URL [--json]`: the worker pool at a glance.

use anyhow::{Context as _, Result};
use serde_json::{Value, json};

use super::streamers::{Open, open};
use crate::cli::ClusterCommand;
use crate::clock::now_ms;
use crate::config::Terminal;
use crate::error::Code;
use crate::nats::budget::{KEY, status_of};
use crate::nats::kv::{
    Lease, SignState, StreamerEntry, WorkerInfo, decode, decoded, ttl_or_default,
};
use crate::nats::namespace::Namespace;
use crate::nats::subject::event_filter;
use crate::nats::worker::pool_user;
use crate::term;
use crate::webcast::time::parse_iso_millis;

pub async fn run(command: ClusterCommand, _term: Terminal) -> Result<Code> {
    let ClusterCommand::Status {
        json: as_json,
        nats_stream,
        conn,
    } = command;
    let ns = Namespace::new(&conn.prefix.nats_prefix)?;
    let nats_stream = ns.stream(nats_stream.as_deref())?;
    let (client, b) = open(&conn, "tiklive cluster", Open::Existing).await?;
    let js = async_nats::jetstream::new(client);
    let events = js.get_stream(&nats_stream).await.ok();
    let now = now_ms();
    // No pool on this server yet: an empty status (nothing is created).
    let (workers, leases, streamers, sign) = match &b {
        Some(b) => (
            decoded::<WorkerInfo>(&b.workers).await?,
            decoded::<Lease>(&b.leases).await?,
            decoded::<StreamerEntry>(&b.streamers).await?,
            match b.sign.get(KEY).await {
                Ok(Some(v)) => decode(&v).unwrap_or_default(),
                _ => SignState::default(),
            },
        ),
        None => Default::default(),
    };
    // Each handle once, normalised (an old `Alice` beside `alice` is one
    // streamer, as the workers see it).
    let streamers: std::collections::BTreeSet<String> =
        streamers.iter().map(|s| pool_user(&s.user)).collect();
    let sign = with_configured_rule(sign, &workers);
    let mut streams = Vec::new();
    for user in &streamers {
        let lease = leases.iter().find(|l| pool_user(&l.user) == *user);
        // Lag: how old the newest event of this streamer in the stream is.
        let mut lag_ms = Value::Null;
        if let Some(stream) = &events
            && let Ok(m) = stream
                .get_last_raw_message_by_subject(&event_filter(&ns, Some(user), None))
                .await
            && let Some(ts) = serde_json::from_slice::<Value>(&m.payload)
                .ok()
                .and_then(|v| v["timestamp"].as_str().and_then(parse_iso_millis))
        {
            lag_ms = json!((now - ts).max(0));
        }
        let mut row = streamer_row(user, lease, now);
        row["lagMs"] = lag_ms;
        streams.push(row);
    }
    let elapsed_h = ((now - sign.since_ms).max(1) as f64) / 3_600_000.0;
    let report = json!({
        "workers": workers.iter().map(|w| json!({
            "id": w.id,
            "host": w.host,
            "pid": w.pid,
            "capacity": w.capacity,
            "streamers": w.owned,
            "heartbeatAgeMs": (now - w.heartbeat_ms).max(0),
            "stale": now - w.heartbeat_ms >= ttl_or_default(w.lease_ttl_ms),
            "published": w.published,
            "rssBytes": w.rss_bytes,
        })).collect::<Vec<_>>(),
        "streamers": streams,
        "unowned": streams.iter().filter(|s| s["owner"].is_null()).count(),
        "stale": streams.iter().filter(|s| s["stale"] == true).count(),
        "signBudget": {
            "status": status_of(&sign, now),
            "spacingMs": sign.spacing_ms,
            "calls": sign.calls,
            "callsPerHour": if sign.since_ms > 0 { (sign.calls as f64 / elapsed_h).round() } else { 0.0 },
            "perStreamerPerHour": if sign.since_ms > 0 && !streamers.is_empty() {
                (sign.calls as f64 / elapsed_h / streamers.len() as f64 * 10.0).round() / 10.0
            } else { 0.0 },
        },
    });
    let text = if as_json {
        format!("{report}\n")
    } else if b.is_none() {
        let of = if ns == Namespace::default() {
            String::new()
        } else {
            format!(" with prefix {}", ns.prefix())
        };
        format!(
            "no worker pool{of} at NATS {} yet: 'tiklive streamers add USER' and 'tiklive worker' start one\n",
            crate::nats::NatsTarget::resolve(&conn.url, &conn.auth)?.display()
        )
    } else {
        render(&report)
    };
    term::print_stdout(&text).context("cannot write to stdout")?;
    Ok(Code::Ok)
}

/// The budget's state with its rule: the KV key holds the rule only once a
/// call was reserved; until then it comes from the workers' heartbeats (the
/// first that states one).
fn with_configured_rule(mut sign: SignState, workers: &[WorkerInfo]) -> SignState {
    if sign.since_ms == 0
        && let Some(rule) = workers.iter().find_map(|w| w.sign_rule)
    {
        sign.limit = rule.limit;
        sign.window_ms = rule.window_ms;
        sign.spacing_ms = rule.spacing_ms;
    }
    sign
}

/// One streamer of the status: its owner, the lease's age and TTL, and
/// whether the lease is `stale` (not renewed for its TTL, as this machine's
/// clock sees the owner's last renewal): its worker is most likely gone and
/// another will take the streamer over. `lagMs` is filled in by the caller.
fn streamer_row(user: &str, lease: Option<&Lease>, now: i64) -> Value {
    json!({
        "user": user,
        "owner": lease.map(|l| l.worker.clone()),
        "leaseAgeMs": lease.map(|l| l.age_ms(now)),
        "leaseTtlMs": lease.map(|l| ttl_or_default(l.ttl_ms)),
        "stale": lease.is_some_and(|l| l.is_stale(now)),
        "ownedForMs": lease.map(|l| (now - l.since_ms).max(0)),
        "lagMs": Value::Null,
    })
}

fn render(r: &Value) -> String {
    let mut out = String::new();
    let workers = r["workers"].as_array().cloned().unwrap_or_default();
    out.push_str(&format!("{} worker(s)\n", workers.len()));
    for w in &workers {
        out.push_str(&format!(
            "  {}  {} stream(s)  heartbeat {:.1}s ago{}  {} published{}\n",
            w["id"].as_str().unwrap_or(""),
            w["streamers"].as_array().map_or(0, Vec::len),
            w["heartbeatAgeMs"].as_i64().unwrap_or(0) as f64 / 1000.0,
            if w["stale"] == true { " (stale)" } else { "" },
            w["published"],
            w["rssBytes"]
                .as_u64()
                .map(|b| format!("  {:.1} MiB", b as f64 / 1048576.0))
                .unwrap_or_default(),
        ));
    }
    let streams = r["streamers"].as_array().cloned().unwrap_or_default();
    out.push_str(&format!(
        "{} streamer(s), {} unowned, {} stale\n",
        streams.len(),
        r["unowned"],
        r["stale"]
    ));
    for s in &streams {
        let secs = |v: &Value| {
            v.as_i64()
                .map(|ms| format!("{:.1}s", ms as f64 / 1000.0))
                .unwrap_or_else(|| "-".into())
        };
        let stale = if s["stale"] == true {
            format!("  stale (TTL {})", secs(&s["leaseTtlMs"]))
        } else {
            String::new()
        };
        out.push_str(&format!(
            "  @{:<24} owner {:<28} lease {:>6}  lag {:>7}{stale}\n",
            s["user"].as_str().unwrap_or(""),
            s["owner"].as_str().unwrap_or("-"),
            secs(&s["leaseAgeMs"]),
            secs(&s["lagMs"]),
        ));
    }
    let sb = &r["signBudget"];
    let st = &sb["status"];
    let window = st["windowSecs"].as_f64().unwrap_or(0.0);
    let rule = if window <= 0.0 {
        "not known yet (no worker has reported it)".to_string()
    } else if st["limit"] == 0 {
        format!("no limit, calls {} ms apart", sb["spacingMs"])
    } else {
        format!(
            "{} of {} calls used in the last {window}s, {} ms apart",
            st["used"], st["limit"], sb["spacingMs"]
        )
    };
    out.push_str(&format!(
        "sign budget: {rule}; {} granted ({}/h, {}/h per streamer){}\n",
        sb["calls"],
        sb["callsPerHour"],
        sb["perStreamerPerHour"],
        st["waitingFor"]
            .as_str()
            .map(|w| format!("; next call waits {} ms for {w}", st["waitMs"]))
            .unwrap_or_default(),
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lease(renewed_ms: i64, ttl_ms: i64) -> Lease {
        Lease {
            worker: "w1".into(),
            user: "alice".into(),
            renewed_ms,
            since_ms: 0,
            ttl_ms,
        }
    }

    #[test]
    fn a_lease_older_than_its_ttl_is_stale_and_still_shown() {
        let now = 100_000;
        let fresh = streamer_row("alice", Some(&lease(now - 3_000, 10_000)), now);
        assert_eq!(fresh["stale"], false);
        assert_eq!(fresh["owner"], "w1");
        let old = streamer_row("alice", Some(&lease(now - 12_000, 10_000)), now);
        assert_eq!(old["stale"], true);
        assert_eq!(old["owner"], "w1", "the owner is shown, marked stale");
        assert_eq!(old["leaseAgeMs"], 12_000);
        assert_eq!(old["leaseTtlMs"], 10_000);
        // A lease that does not say its TTL: the default 10 s.
        let legacy = streamer_row("alice", Some(&lease(now - 4_000, 0)), now);
        assert_eq!(legacy["leaseTtlMs"], 10_000);
        assert_eq!(legacy["stale"], false);
        let short = streamer_row("alice", Some(&lease(now - 2_500, 2_000)), now);
        assert_eq!(short["stale"], true);
        let unowned = streamer_row("bob", None, now);
        assert_eq!(unowned["stale"], false);
        assert!(unowned["owner"].is_null());

        let report = json!({
            "workers": [],
            "streamers": [old, unowned],
            "unowned": 1,
            "stale": 1,
            "signBudget": {"status": {}},
        });
        let text = render(&report);
        assert!(text.contains("2 streamer(s), 1 unowned, 1 stale"), "{text}");
        let line = text.lines().find(|l| l.contains("@alice")).unwrap();
        assert!(line.contains("owner w1"), "{line}");
        assert!(line.contains("lease  12.0s"), "{line}");
        assert!(line.ends_with("stale (TTL 10.0s)"), "{line}");
    }

    #[test]
    fn the_sign_budget_shows_the_workers_rule_before_any_call() {
        use crate::nats::budget::{Rule, status_of};
        let worker = WorkerInfo {
            id: "a".into(),
            host: "h".into(),
            pid: 1,
            capacity: None,
            owned: vec![],
            started_ms: 0,
            heartbeat_ms: 0,
            published: 0,
            rss_bytes: None,
            lease_ttl_ms: 10_000,
            sign_rule: Some(Rule::new(
                10,
                std::time::Duration::from_secs(60),
                std::time::Duration::from_secs(1),
            )),
        };
        let line = |sign: &SignState| {
            let report = json!({
                "workers": [],
                "streamers": [],
                "signBudget": {
                    "status": status_of(sign, 1_000),
                    "spacingMs": sign.spacing_ms,
                    "calls": sign.calls,
                    "callsPerHour": 0.0,
                    "perStreamerPerHour": 0.0,
                },
            });
            let text = render(&report);
            text.lines().last().unwrap().to_string()
        };
        // No call yet: the KV key is empty, the heartbeat has the rule.
        let sign = with_configured_rule(SignState::default(), std::slice::from_ref(&worker));
        assert_eq!(
            line(&sign),
            "sign budget: 0 of 10 calls used in the last 60s, 1000 ms apart; 0 granted (0.0/h, 0.0/h per streamer)"
        );
        // A reserved call: the key's own rule stands.
        let used = SignState {
            since_ms: 500,
            calls: 1,
            grants: vec![500],
            limit: 20,
            window_ms: 60_000,
            spacing_ms: 0,
            ..Default::default()
        };
        assert_eq!(with_configured_rule(used.clone(), &[worker]).limit, 20);
        assert!(
            line(&used).starts_with("sign budget: 1 of 20 calls used"),
            "{}",
            line(&used)
        );
        // No worker has said, and no call: say so instead of "0 of 0".
        assert_eq!(
            line(&with_configured_rule(SignState::default(), &[])),
            "sign budget: not known yet (no worker has reported it); 0 granted (0.0/h, 0.0/h per streamer)"
        );
        let unlimited = SignState {
            window_ms: 60_000,
            spacing_ms: 1000,
            ..Default::default()
        };
        assert!(line(&unlimited).starts_with("sign budget: no limit, calls 1000 ms apart;"));
    }
}
