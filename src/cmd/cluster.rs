//! `tiklive cluster status --nats URL [--json]`: the worker pool at a glance.

use anyhow::{Context as _, Result};
use serde_json::{Value, json};

use super::streamers::{Open, open};
use crate::cli::ClusterCommand;
use crate::clock::now_ms;
use crate::config::Terminal;
use crate::error::Code;
use crate::nats::budget::{KEY, RATE_MIN_SPAN_MS, recent_calls, status_of};
use crate::nats::kv::{
    Lease, SavedCursor, SignState, StreamerEntry, WorkerInfo, decode, decoded, entries,
    ttl_or_default,
};
use crate::nats::namespace::Namespace;
use crate::nats::subject::event_filter;
use crate::nats::worker::{key_of, pool_user};
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
    let (workers, leases, streamers, sign, cursors) = match &b {
        Some(b) => (
            decoded::<WorkerInfo>(&b.workers).await?,
            decoded::<Lease>(&b.leases).await?,
            decoded::<StreamerEntry>(&b.streamers).await?,
            match b.sign.get(KEY).await {
                Ok(Some(v)) => decode(&v).unwrap_or_default(),
                _ => SignState::default(),
            },
            // The cursor records, by key: what each stream's owner saw failing.
            entries(&b.cursors)
                .await?
                .into_iter()
                .filter_map(|e| Some((e.key.clone(), decode::<SavedCursor>(&e.value)?)))
                .collect::<std::collections::HashMap<_, _>>(),
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
        let mut row = streamer_row(user, lease, cursors.get(&key_of(user)), now);
        row["lagMs"] = lag_ms;
        streams.push(row);
    }
    let report = json!({
        "workers": workers.iter().map(|w| worker_row(w, &leases, now)).collect::<Vec<_>>(),
        "streamers": streams,
        "watched": streams.iter().filter(|s| !s["owner"].is_null() && s["stale"] == false).count(),
        "unowned": streams.iter().filter(|s| s["owner"].is_null()).count(),
        "stale": streams.iter().filter(|s| s["stale"] == true).count(),
        "states": states_of(&streams),
        "signBudget": sign_budget(&sign, streamers.len(), now),
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

/// One worker of the status, at `now` (wall ms): `stale` when its heartbeat
/// is older than its TTL (it is most likely gone); `leases`, how many
/// streamers it validly holds: leases in its name not stale yet (0 once a
/// gone worker's leases are stale too: their streamers are being taken
/// over). `streamers` is the list its last heartbeat gave.
fn worker_row(w: &WorkerInfo, leases: &[Lease], now: i64) -> Value {
    let held = leases
        .iter()
        .filter(|l| l.worker == w.id && !l.is_stale(now))
        .count();
    json!({
        "id": w.id,
        "host": w.host,
        "pid": w.pid,
        "capacity": w.capacity,
        "streamers": w.owned,
        "leases": held,
        "heartbeatAgeMs": (now - w.heartbeat_ms).max(0),
        "stale": now - w.heartbeat_ms >= ttl_or_default(w.lease_ttl_ms),
        "published": w.published,
        "rssBytes": w.rss_bytes,
    })
}

/// One streamer of the status: its owner, the lease's age and TTL, and
/// whether the lease is `stale` (not renewed for its TTL, as this machine's
/// clock sees the owner's last renewal): its worker is most likely gone and
/// another will take the streamer over. `lagMs` is filled in by the caller.
///
/// `state` is what its stream does, from the owner's cursor `record`:
/// - `live`: watched (a valid lease), connected, nothing failing;
/// - `starting`: watched, but nothing saved yet (not connected, not failed);
/// - what it fails with, while watched: `offline` (waited for), or a
///   failure its owner retries (`not-found`, `age-restricted`,
///   `sign-refused`, …: [`crate::live::error::LiveError::state`]);
/// - `unwatched`: no valid lease (none, or stale).
///
/// `lastErrorKind` is that failure's kind (`offline`, `not-found`, …: the
/// state it gives a watched streamer), `lastError` its message and
/// `lastErrorAgeMs` how long ago it began (ms; it has lasted since): kept
/// for an unwatched streamer as what was last known, `null` when nothing is
/// failing.
fn streamer_row(
    user: &str,
    lease: Option<&Lease>,
    record: Option<&SavedCursor>,
    now: i64,
) -> Value {
    let stale = lease.is_some_and(|l| l.is_stale(now));
    let failing = record.and_then(|r| r.failing.as_ref());
    let state = match (lease, failing) {
        (None, _) => "unwatched",
        (Some(_), _) if stale => "unwatched",
        (Some(_), Some(f)) => f.state.as_str(),
        (Some(_), None) if record.is_some_and(|r| !r.cursor.is_empty()) => "live",
        (Some(_), None) => "starting",
    };
    json!({
        "user": user,
        "owner": lease.map(|l| l.worker.clone()),
        "leaseAgeMs": lease.map(|l| l.age_ms(now)),
        "leaseTtlMs": lease.map(|l| ttl_or_default(l.ttl_ms)),
        "stale": stale,
        "ownedForMs": lease.map(|l| (now - l.since_ms).max(0)),
        "lagMs": Value::Null,
        "state": state,
        "lastErrorKind": failing.map(|f| f.state.clone()),
        "lastError": failing.map(|f| f.error.clone()),
        "lastErrorAgeMs": failing.map(|f| (now - f.since_ms).max(0)),
    })
}

/// How many streamers are in each `state` (an object, keys in order).
fn states_of(streams: &[Value]) -> Value {
    let mut counts = serde_json::Map::new();
    for s in streams {
        let state = s["state"].as_str().unwrap_or("unwatched").to_string();
        let n = counts.get(&state).and_then(Value::as_u64).unwrap_or(0);
        counts.insert(state, json!(n + 1));
    }
    Value::Object(counts)
}

/// The sign budget's part of the status at `now` (wall ms), for `streamers`
/// in the set. `calls` counts every call granted since the first
/// (`sinceMs`); the rates come from the calls counted over the last hour at
/// most (`recentCalls` over `recentSpanMs`: `null` before the first call
/// counted), and are `null` until that span is 10 minutes long.
fn sign_budget(sign: &SignState, streamers: usize, now: i64) -> Value {
    let recent = recent_calls(sign, now);
    let per_hour = recent.and_then(|r| r.per_hour());
    json!({
        "status": status_of(sign, now),
        "spacingMs": sign.spacing_ms,
        "calls": sign.calls,
        "sinceMs": (sign.since_ms > 0).then_some(sign.since_ms),
        "recentCalls": recent.map(|r| r.calls),
        "recentSpanMs": recent.map(|r| r.span_ms),
        "callsPerHour": per_hour.map(|h| (h * 10.0).round() / 10.0),
        "perStreamerPerHour": per_hour
            .filter(|_| streamers > 0)
            .map(|h| (h / streamers as f64 * 100.0).round() / 100.0),
    })
}

/// A duration for a line: `42s`, `5m07s`, `3h12m`.
fn age_text(ms: i64) -> String {
    let s = ms.max(0) / 1000;
    if s < 60 {
        format!("{s}s")
    } else if s < 3600 {
        format!("{}m{:02}s", s / 60, s % 60)
    } else {
        format!("{}h{:02}m", s / 3600, s % 3600 / 60)
    }
}

/// A streamer's state for its line: `live`, `offline for 42s`, `not found
/// for 5m07s: <message>`, `unwatched (last known: offline for 3h12m)`.
fn state_text(s: &Value) -> String {
    let state = s["state"].as_str().unwrap_or("-");
    let age = s["lastErrorAgeMs"].as_i64().map(age_text);
    let failure = match (s["lastErrorKind"].as_str(), s["lastError"].as_str(), age) {
        (Some("offline"), _, Some(age)) => Some(format!("offline for {age}")),
        (Some(kind), Some(e), Some(age)) => {
            Some(format!("{} for {age}: {e}", kind.replace('-', " ")))
        }
        _ => None,
    };
    match (state, failure) {
        ("unwatched", Some(f)) => format!("unwatched (last known: {f})"),
        (_, Some(f)) => f,
        (state, None) => state.to_string(),
    }
}

fn render(r: &Value) -> String {
    let mut out = String::new();
    let workers = r["workers"].as_array().cloned().unwrap_or_default();
    out.push_str(&format!("{} worker(s)\n", workers.len()));
    for w in &workers {
        let heartbeat = w["heartbeatAgeMs"].as_i64().unwrap_or(0) as f64 / 1000.0;
        // A gone worker: what it still validly holds, not what it had.
        let streams = if w["stale"] == true {
            format!(
                "stale: heartbeat {heartbeat:.1}s ago, {} valid lease(s) of the {} stream(s) it had",
                w["leases"],
                w["streamers"].as_array().map_or(0, Vec::len),
            )
        } else {
            format!("{} stream(s)  heartbeat {heartbeat:.1}s ago", w["leases"])
        };
        out.push_str(&format!(
            "  {}  {streams}  {} published{}\n",
            w["id"].as_str().unwrap_or(""),
            w["published"],
            w["rssBytes"]
                .as_u64()
                .map(|b| format!("  {:.1} MiB", b as f64 / 1048576.0))
                .unwrap_or_default(),
        ));
    }
    let streams = r["streamers"].as_array().cloned().unwrap_or_default();
    let states = r["states"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(state, n)| format!("{n} {}", state.replace('-', " ")))
                .collect::<Vec<_>>()
                .join(", ")
        })
        .filter(|s| !s.is_empty())
        .map(|s| format!("; {s}"))
        .unwrap_or_default();
    out.push_str(&format!(
        "{} streamer(s): {} watched, {} unowned, {} stale{states}\n",
        streams.len(),
        r["watched"],
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
            "  @{:<24} owner {:<28} lease {:>6}  lag {:>7}{stale}  {}\n",
            s["user"].as_str().unwrap_or(""),
            s["owner"].as_str().unwrap_or("-"),
            secs(&s["leaseAgeMs"]),
            secs(&s["lagMs"]),
            state_text(s),
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
    // Rates only over a span long enough to say (see `sign_budget`).
    let recent = match (sb["recentCalls"].as_u64(), sb["recentSpanMs"].as_i64()) {
        (Some(n), Some(span)) => format!(", {n} in the last {}", age_text(span)),
        _ => String::new(),
    };
    let rate = match sb["callsPerHour"].as_f64() {
        Some(h) => format!(
            " ({h}/h, {}/h per streamer)",
            sb["perStreamerPerHour"]
                .as_f64()
                .map_or_else(|| "-".to_string(), |p| p.to_string())
        ),
        None if !recent.is_empty() => format!(
            " (a rate per hour once {} min are counted)",
            RATE_MIN_SPAN_MS / 60_000
        ),
        None => String::new(),
    };
    out.push_str(&format!(
        "sign budget: {rule}; {} granted{recent}{rate}{}\n",
        sb["calls"],
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
        let fresh = streamer_row("alice", Some(&lease(now - 3_000, 10_000)), None, now);
        assert_eq!(fresh["stale"], false);
        assert_eq!(fresh["owner"], "w1");
        let old = streamer_row("alice", Some(&lease(now - 12_000, 10_000)), None, now);
        assert_eq!(old["stale"], true);
        assert_eq!(old["owner"], "w1", "the owner is shown, marked stale");
        assert_eq!(old["leaseAgeMs"], 12_000);
        assert_eq!(old["leaseTtlMs"], 10_000);
        // A lease that does not say its TTL: the default 10 s.
        let legacy = streamer_row("alice", Some(&lease(now - 4_000, 0)), None, now);
        assert_eq!(legacy["leaseTtlMs"], 10_000);
        assert_eq!(legacy["stale"], false);
        let short = streamer_row("alice", Some(&lease(now - 2_500, 2_000)), None, now);
        assert_eq!(short["stale"], true);
        let unowned = streamer_row("bob", None, None, now);
        assert_eq!(unowned["stale"], false);
        assert!(unowned["owner"].is_null());

        let streams = [old, unowned];
        let report = json!({
            "workers": [],
            "streamers": streams,
            "watched": 0,
            "unowned": 1,
            "stale": 1,
            "states": states_of(&streams),
            "signBudget": {"status": {}},
        });
        let text = render(&report);
        assert!(
            text.contains("2 streamer(s): 0 watched, 1 unowned, 1 stale; 2 unwatched"),
            "{text}"
        );
        let line = text.lines().find(|l| l.contains("@alice")).unwrap();
        assert!(line.contains("owner w1"), "{line}");
        assert!(line.contains("lease  12.0s"), "{line}");
        assert!(line.ends_with("stale (TTL 10.0s)  unwatched"), "{line}");
    }

    fn record(cursor: &str, failing: Option<(&str, i64)>) -> SavedCursor {
        SavedCursor {
            cursor: cursor.into(),
            worker: "w1".into(),
            saved_ms: 0,
            reported: None,
            failing: failing.map(|(state, since_ms)| crate::nats::kv::StreamFailure {
                state: state.into(),
                error: format!("{state}: what went wrong"),
                since_ms,
            }),
        }
    }

    #[test]
    fn a_streamer_shows_live_or_what_it_fails_with_and_since_when() {
        let now = 1_000_000;
        let held = lease(now - 1_000, 10_000);
        let row = |record: Option<&SavedCursor>| streamer_row("alice", Some(&held), record, now);
        let live = row(Some(&record("c1", None)));
        assert_eq!(live["state"], "live");
        assert!(live["lastError"].is_null() && live["lastErrorAgeMs"].is_null());
        assert_eq!(row(None)["state"], "starting");
        assert_eq!(row(Some(&record("", None)))["state"], "starting");
        let offline = row(Some(&record("c1", Some(("offline", now - 42_000)))));
        assert_eq!(offline["state"], "offline");
        assert_eq!(offline["lastErrorAgeMs"], 42_000);
        assert_eq!(offline["lastError"], "offline: what went wrong");
        let gone = row(Some(&record("", Some(("not-found", now - 307_000)))));
        assert_eq!(gone["state"], "not-found");
        // Its lease stale (the owner is gone): unwatched, with what was last known.
        let stale = lease(now - 20_000, 10_000);
        let orphan = streamer_row(
            "bob",
            Some(&stale),
            Some(&record(
                "",
                Some(("offline", now - 3 * 3_600_000 - 720_000)),
            )),
            now,
        );
        assert_eq!(orphan["state"], "unwatched");
        assert_eq!(orphan["lastError"], "offline: what went wrong");
        assert_eq!(orphan["lastErrorKind"], "offline");
        assert_eq!(gone["lastErrorKind"], "not-found");
        assert!(live["lastErrorKind"].is_null());
        let never = streamer_row("carol", None, None, now);
        assert_eq!(never["state"], "unwatched");

        assert_eq!(state_text(&live), "live");
        assert_eq!(state_text(&offline), "offline for 42s");
        assert_eq!(
            state_text(&gone),
            "not found for 5m07s: not-found: what went wrong"
        );
        assert_eq!(
            state_text(&orphan),
            "unwatched (last known: offline for 3h12m)"
        );
        let streams = [live, offline, gone, orphan, never];
        assert_eq!(
            states_of(&streams),
            json!({"live": 1, "offline": 1, "not-found": 1, "unwatched": 2})
        );
        let report = json!({
            "workers": [],
            "streamers": streams,
            "watched": 3, "unowned": 1, "stale": 1,
            "states": states_of(&streams),
            "signBudget": {"status": {}},
        });
        let text = render(&report);
        assert!(
            text.contains(
                "5 streamer(s): 3 watched, 1 unowned, 1 stale; 1 live, 1 not found, 1 offline, 2 unwatched"
            ),
            "{text}"
        );
    }

    #[test]
    fn a_gone_worker_counts_only_the_leases_it_still_validly_holds() {
        let now = 1_000_000;
        let worker = |id: &str, heartbeat_ms: i64| WorkerInfo {
            id: id.into(),
            host: "h".into(),
            pid: 1,
            capacity: None,
            owned: vec!["a".into(), "b".into(), "c".into()],
            started_ms: 0,
            heartbeat_ms,
            published: 7,
            rss_bytes: None,
            lease_ttl_ms: 10_000,
            sign_rule: None,
        };
        let held = |id: &str, user: &str, renewed_ms: i64| Lease {
            worker: id.into(),
            user: user.into(),
            renewed_ms,
            since_ms: 0,
            ttl_ms: 10_000,
        };
        // `dead` stopped 15 s ago: one lease renewed 8 s ago is still valid
        // for 2 s, two are stale; `b` took one over.
        let leases = [
            held("dead", "a", now - 8_000),
            held("dead", "b", now - 15_000),
            held("dead", "c", now - 15_000),
            held("live", "d", now - 1_000),
        ];
        let dead = worker_row(&worker("dead", now - 15_000), &leases, now);
        assert_eq!(dead["stale"], true);
        assert_eq!(dead["leases"], 1);
        let live = worker_row(&worker("live", now - 500), &leases, now);
        assert_eq!(live["stale"], false);
        assert_eq!(live["leases"], 1);
        let later = worker_row(&worker("dead", now - 15_000), &leases, now + 3_000);
        assert_eq!(later["leases"], 0, "none once they are stale too");
        let report = json!({
            "workers": [dead, live],
            "streamers": [],
            "signBudget": {"status": {}},
        });
        let text = render(&report);
        assert!(
            text.contains(
                "  dead  stale: heartbeat 15.0s ago, 1 valid lease(s) of the 3 stream(s) it had  7 published\n"
            ),
            "{text}"
        );
        assert!(
            text.contains("  live  1 stream(s)  heartbeat 0.5s ago  7 published\n"),
            "{text}"
        );
    }

    #[test]
    fn the_sign_rates_wait_for_ten_minutes_of_history() {
        use crate::nats::budget::{Rule, reserve};
        let rule = Rule {
            limit: 0,
            window_ms: 60_000,
            spacing_ms: 0,
        };
        let start = 600 * 60_000;
        let mut sign = SignState::default();
        for i in 0..12 {
            sign = reserve(&sign, rule, start + i * 500, "a").0;
        }
        let line = |now: i64| {
            let report = json!({
                "workers": [],
                "streamers": [],
                "signBudget": sign_budget(&sign, 6, now),
            });
            render(&report).lines().last().unwrap().to_string()
        };
        // 10 s into the pool: the count and its span, no hourly figure.
        let early = sign_budget(&sign, 6, start + 10_000);
        assert!(early["callsPerHour"].is_null(), "{early}");
        assert!(early["perStreamerPerHour"].is_null(), "{early}");
        assert_eq!(early["recentCalls"], 12);
        assert_eq!(early["recentSpanMs"], 10_000);
        assert!(
            line(start + 10_000).ends_with(
                "12 granted, 12 in the last 10s (a rate per hour once 10 min are counted)"
            ),
            "{}",
            line(start + 10_000)
        );
        // 20 minutes on: 12 over 20 minutes is 36 an hour, 6 per streamer.
        let later = sign_budget(&sign, 6, start + 20 * 60_000);
        assert_eq!(later["callsPerHour"], 36.0);
        assert_eq!(later["perStreamerPerHour"], 6.0);
        assert!(
            line(start + 20 * 60_000)
                .ends_with("12 granted, 12 in the last 20m00s (36/h, 6/h per streamer)"),
            "{}",
            line(start + 20 * 60_000)
        );
    }

    #[test]
    fn the_sign_budget_shows_the_workers_rule_before_any_call() {
        use crate::nats::budget::Rule;
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
                "signBudget": sign_budget(sign, 0, 1_000),
            });
            let text = render(&report);
            text.lines().last().unwrap().to_string()
        };
        // No call yet: the KV key is empty, the heartbeat has the rule.
        let sign = with_configured_rule(SignState::default(), std::slice::from_ref(&worker));
        assert_eq!(
            line(&sign),
            "sign budget: 0 of 10 calls used in the last 60s, 1000 ms apart; 0 granted"
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
            "sign budget: not known yet (no worker has reported it); 0 granted"
        );
        let unlimited = SignState {
            window_ms: 60_000,
            spacing_ms: 1000,
            ..Default::default()
        };
        assert!(line(&unlimited).starts_with("sign budget: no limit, calls 1000 ms apart;"));
    }
}
