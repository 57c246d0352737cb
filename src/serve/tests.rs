//! The router with `oneshot` over an in-memory store: every endpoint and
//! every error path. Webhook deliveries and SSE go to / come from
//! 127.0.0.1 only.

use std::collections::{BTreeSet, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use axum::routing::get;
use futures_util::StreamExt;
use serde_json::{Value, json};
use tower::ServiceExt;

use super::*;
use crate::webcast::{Envelope, Event, EventKind};

const KEY: &str = "s3cret-key";

struct Harness {
    app: Router,
    running: Running,
    stop: CancellationToken,
    engine_cancel: CancellationToken,
}

impl Drop for Harness {
    fn drop(&mut self) {
        self.stop.cancel();
        self.engine_cancel.cancel();
    }
}

async fn harness(configure: impl FnOnce(&mut Options)) -> Harness {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let store = Store::open_in_memory().unwrap();
    let mut opts = Options::new("demo");
    configure(&mut opts);
    let stop = CancellationToken::new();
    let engine_cancel = CancellationToken::new();
    let client = crate::webhook::http_client(Duration::from_secs(5)).unwrap();
    let running = start(
        store,
        EngineConfig::new(client),
        opts,
        stop.clone(),
        engine_cancel.clone(),
    )
    .await
    .unwrap();
    Harness {
        app: router(running.state.clone()),
        running,
        stop,
        engine_cancel,
    }
}

fn envelope(kind: EventKind, streamer: &str, n: usize) -> Envelope {
    Envelope::new(
        Event::new(kind, &json!({ "n": n })),
        streamer,
        "2024-01-01T00:00:00.000Z".into(),
        crate::ids::new_id(),
    )
}

/// `n` events: chat, gift, like in turn, from alice then bob.
fn events(n: usize) -> Vec<Envelope> {
    (0..n)
        .map(|i| {
            let kind = [EventKind::Chat, EventKind::Gift, EventKind::Like][i % 3];
            envelope(kind, if i % 2 == 0 { "alice" } else { "bob" }, i)
        })
        .collect()
}

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.body))
    }

    /// An error answer: the status, JSON `{error:{code,message}}`; returns the message.
    #[track_caller]
    fn error(&self, status: StatusCode, code: &str) -> String {
        assert_eq!(self.status, status, "{:?}", self.body);
        assert_eq!(
            self.headers.get(header::CONTENT_TYPE).unwrap(),
            "application/json"
        );
        let v = self.json();
        assert_eq!(v["error"]["code"], code, "{v}");
        assert_eq!(v["error"].as_object().unwrap().len(), 2, "{v}");
        v["error"]["message"].as_str().unwrap().to_string()
    }
}

async fn send(app: &Router, req: Request<Body>) -> Answer {
    let response = app.clone().oneshot(req).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    Answer {
        status,
        headers,
        body,
    }
}

fn req(method: Method, uri: &str) -> axum::http::request::Builder {
    Request::builder().method(method).uri(uri)
}

async fn get_(app: &Router, uri: &str) -> Answer {
    send(app, req(Method::GET, uri).body(Body::empty()).unwrap()).await
}

async fn post_json(app: &Router, uri: &str, body: &str) -> Answer {
    send(
        app,
        req(Method::POST, uri)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .unwrap(),
    )
    .await
}

async fn delete(app: &Router, uri: &str) -> Answer {
    send(app, req(Method::DELETE, uri).body(Body::empty()).unwrap()).await
}

/// Whether every event of an `/api/events` page is of type `kind`.
fn all_of_type(page: &Value, kind: &str) -> bool {
    page["events"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["type"] == kind)
}

fn seqs(page: &Value) -> Vec<i64> {
    page["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["seq"].as_i64().unwrap())
        .collect()
}

// ---- auth --------------------------------------------------------------

#[tokio::test]
async fn with_an_api_key_every_api_request_needs_it_and_healthz_does_not() {
    let h = harness(|o| o.api_key = Some(Secret::new(KEY))).await;
    assert_eq!(get_(&h.app, "/healthz").await.status, StatusCode::OK);
    let missing = get_(&h.app, "/api/status").await;
    missing.error(StatusCode::UNAUTHORIZED, "unauthorized");
    assert!(
        missing
            .headers
            .get(header::WWW_AUTHENTICATE)
            .is_some_and(|v| v.to_str().unwrap().starts_with("Bearer"))
    );
    // Unknown /api paths are refused before routing: no route discovery.
    get_(&h.app, "/api/nope")
        .await
        .error(StatusCode::UNAUTHORIZED, "unauthorized");
    let with = |name: &'static str, value: String| {
        req(Method::GET, "/api/status")
            .header(name, value)
            .body(Body::empty())
            .unwrap()
    };
    for (name, value, ok) in [
        ("authorization", format!("Bearer {KEY}"), true),
        ("authorization", format!("bearer {KEY}"), true),
        ("x-api-key", KEY.to_string(), true),
        ("authorization", "Bearer wrong".to_string(), false),
        ("authorization", format!("Bearer {KEY}x"), false),
        ("authorization", format!("Basic {KEY}"), false),
        ("authorization", KEY.to_string(), false),
        ("x-api-key", KEY[..5].to_string(), false),
        ("x-api-key", String::new(), false),
    ] {
        let a = send(&h.app, with(name, value.clone())).await;
        if ok {
            assert_eq!(a.status, StatusCode::OK, "{name}: {value}");
        } else {
            a.error(StatusCode::UNAUTHORIZED, "unauthorized");
        }
    }
    assert!(!String::from_utf8_lossy(&missing.body).contains(KEY));
}

fn with(method: Method, uri: &str, name: header::HeaderName, value: &str) -> Request<Body> {
    req(method, uri)
        .header(name, value)
        .body(Body::empty())
        .unwrap()
}

fn basic(user: &str, password: &str) -> String {
    use base64::Engine as _;
    let pair = format!("{user}:{password}");
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(pair)
    )
}

#[tokio::test]
async fn the_overlay_token_opens_only_the_read_only_overlay_routes() {
    let h = harness(|o| o.api_key = Some(Secret::new(KEY))).await;
    let token = overlay::overlay_token(&Secret::new(KEY), 1);
    assert_eq!(
        h.running.state.overlay_token.as_ref().map(Secret::expose),
        Some(token.as_str())
    );
    for path in ["/overlay/chat", "/api/overlay/state", "/api/events?limit=1"] {
        let sep = if path.contains('?') { '&' } else { '?' };
        get_(&h.app, path)
            .await
            .error(StatusCode::UNAUTHORIZED, "unauthorized");
        let ok = get_(&h.app, &format!("{path}{sep}token={token}")).await;
        assert_eq!(ok.status, StatusCode::OK, "{path}");
        let wrong = get_(&h.app, &format!("{path}{sep}token={token}x")).await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED, "{path}");
    }
    let page = get_(&h.app, &format!("/overlay/alerts?token={token}")).await;
    let csp = page.headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap();
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe"),
        "{csp}"
    );
    assert_eq!(page.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert!(
        std::str::from_utf8(&page.body)
            .unwrap()
            .contains("/assets/alerts.js")
    );
    // Never the webhooks, the status or test events.
    for (method, path) in [
        (Method::GET, "/api/webhooks"),
        (Method::POST, "/api/webhooks"),
        (Method::GET, "/api/status"),
        (Method::GET, "/api/overlay/token"),
        (Method::POST, "/api/test-events"),
    ] {
        let r = send(
            &h.app,
            req(method.clone(), &format!("{path}?token={token}"))
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(r#"{"url":"http://127.0.0.1:9/x"}"#))
                .unwrap(),
        )
        .await;
        r.error(StatusCode::FORBIDDEN, "forbidden");
    }
    // The assets are public; an unknown page or asset is a 404.
    assert_eq!(
        get_(&h.app, "/assets/tiklive.js").await.status,
        StatusCode::OK
    );
    assert_eq!(
        get_(&h.app, "/assets/nope.js").await.status,
        StatusCode::NOT_FOUND
    );
    let nope = get_(&h.app, &format!("/overlay/nope?token={token}")).await;
    assert_eq!(nope.status, StatusCode::NOT_FOUND);
    // The key works everywhere the token does.
    let keyed = send(
        &h.app,
        with(
            Method::GET,
            "/overlay/chat",
            header::AUTHORIZATION,
            &format!("Bearer {KEY}"),
        ),
    )
    .await;
    assert_eq!(keyed.status, StatusCode::OK);
}

#[tokio::test]
async fn a_new_generation_rotates_the_token() {
    let h = harness(|o| {
        o.api_key = Some(Secret::new(KEY));
        o.overlay_generation = 2;
    })
    .await;
    let old = overlay::overlay_token(&Secret::new(KEY), 1);
    let new = overlay::overlay_token(&Secret::new(KEY), 2);
    let uri = |t: &str| format!("/api/overlay/state?token={t}");
    assert_eq!(
        get_(&h.app, &uri(&old)).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(get_(&h.app, &uri(&new)).await.status, StatusCode::OK);
}

#[tokio::test]
async fn the_dashboard_asks_a_browser_for_the_key() {
    let h = harness(|o| o.api_key = Some(Secret::new(KEY))).await;
    let token = overlay::overlay_token(&Secret::new(KEY), 1);
    let refused = get_(&h.app, "/dashboard").await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    let challenge = refused.headers[header::WWW_AUTHENTICATE].to_str().unwrap();
    assert!(challenge.starts_with("Basic realm="), "{challenge}");
    let with_token = get_(&h.app, &format!("/dashboard?token={token}")).await;
    assert_eq!(
        with_token.status,
        StatusCode::UNAUTHORIZED,
        "the token is not enough"
    );
    for (auth, status) in [
        (basic("anyone", KEY), StatusCode::OK),
        (basic("", KEY), StatusCode::OK),
        (basic(KEY, "wrong"), StatusCode::UNAUTHORIZED),
        (format!("Bearer {KEY}"), StatusCode::OK),
        ("Basic !!!".to_string(), StatusCode::UNAUTHORIZED),
    ] {
        let r = send(
            &h.app,
            with(Method::GET, "/dashboard", header::AUTHORIZATION, &auth),
        )
        .await;
        assert_eq!(r.status, status, "{auth}");
    }
    // A browser that has the key sends it along on the API calls too.
    let status = send(
        &h.app,
        with(
            Method::GET,
            "/api/status",
            header::AUTHORIZATION,
            &basic("me", KEY),
        ),
    )
    .await;
    assert_eq!(status.status, StatusCode::OK);
}

#[tokio::test]
async fn overlay_pages_refuse_settings_they_do_not_take_or_cannot_use() {
    let h = harness(|_| {}).await;
    for (uri, says) in [
        (
            "/overlay/goal?metric=likes",
            "/overlay/goal needs 'target' (a number above 0, at most 1000000000000000), e.g. ?target=1000",
        ),
        (
            "/overlay/goal?metric=like&target=10",
            "metric must be one of likes, viewers, follows, diamonds, shares, subscribers, gifts, not 'like'",
        ),
        (
            "/overlay/alerts?volume=loud",
            "volume must be a number from 0 to 1, not 'loud'",
        ),
    ] {
        let r = get_(&h.app, uri).await;
        assert!(r.headers.contains_key(header::CONTENT_SECURITY_POLICY));
        assert_eq!(
            r.error(StatusCode::BAD_REQUEST, "bad_request"),
            says,
            "{uri}"
        );
    }
    let typo = get_(&h.app, "/overlay/counter?metrc=likes")
        .await
        .error(StatusCode::BAD_REQUEST, "bad_request");
    assert!(typo.contains("no setting 'metrc'"), "{typo}");
    // The URLs serve prints work as printed.
    for line in overlay::urls("", None) {
        let Some((_, path)) = line.split_once(": ") else {
            continue;
        };
        assert_eq!(get_(&h.app, path).await.status, StatusCode::OK, "{line}");
    }
}

#[tokio::test]
async fn overlay_state_counts_what_was_ingested_and_test_events_reach_the_stream_only() {
    let h = harness(|_| {}).await;
    let gift = |end: bool, n: u64| {
        Envelope::new(
            Event::new(
                EventKind::Gift,
                &json!({"userId": "1", "uniqueId": "u", "nickname": "U", "streakable": true,
                        "repeatEnd": end, "repeatCount": n, "totalDiamonds": n}),
            ),
            "alice",
            "2024-01-01T00:00:00.000Z".into(),
            format!("gift-{n}"),
        )
    };
    h.running
        .ingest
        .push(vec![gift(false, 1), gift(false, 2), gift(true, 3)])
        .await
        .unwrap();
    let state = get_(&h.app, "/api/overlay/state?streamer=alice&top=1")
        .await
        .json();
    assert_eq!(state["counters"]["diamonds"], 3);
    assert_eq!(state["counters"]["gifts"], 3);
    assert_eq!(state["leaderboard"][0]["uniqueId"], "u");
    assert_eq!(state["lastSeq"], 3);
    get_(&h.app, "/api/overlay/state?top=0")
        .await
        .error(StatusCode::BAD_REQUEST, "bad_request");
    get_(&h.app, "/api/overlay/state?nope=1")
        .await
        .error(StatusCode::BAD_REQUEST, "bad_request");

    let response = h
        .app
        .clone()
        .oneshot(
            req(Method::GET, "/api/events/stream?type=follow")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let mut body = response.into_body().into_data_stream();
    // The stream is open (its first message sets the retry delay).
    let first = tokio::time::timeout(Duration::from_secs(10), body.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert!(std::str::from_utf8(&first).unwrap().contains("retry: 1000"));
    let sent = post_json(
        &h.app,
        "/api/test-events",
        r#"{"type":"follow","streamer":"bob"}"#,
    )
    .await;
    assert_eq!(sent.status, StatusCode::ACCEPTED);
    assert_eq!(sent.json()["test"], true);
    let mut text = String::new();
    while !text.contains("\n\n") {
        let chunk = tokio::time::timeout(Duration::from_secs(10), body.next())
            .await
            .expect("the test event in time")
            .unwrap()
            .unwrap();
        text.push_str(std::str::from_utf8(&chunk).unwrap());
    }
    assert!(
        text.starts_with("data: {") && !text.contains("id:"),
        "{text}"
    );
    assert!(
        text.contains(r#""test":true"#) && text.contains(r#""streamer":"bob""#),
        "{text}"
    );
    // Not stored, not counted.
    assert_eq!(
        get_(&h.app, "/api/status").await.json()["buffer"]["lastSeq"],
        3
    );
    assert_eq!(
        get_(&h.app, "/api/overlay/state").await.json()["counters"]["follows"],
        0
    );
    post_json(&h.app, "/api/test-events", r#"{"type":"roomUpdate"}"#)
        .await
        .error(StatusCode::BAD_REQUEST, "bad_request");
}

#[tokio::test]
async fn without_an_api_key_the_api_is_open() {
    let h = harness(|_| {}).await;
    assert_eq!(get_(&h.app, "/api/status").await.status, StatusCode::OK);
}

// ---- events --------------------------------------------------------------

#[tokio::test]
async fn following_next_pages_through_everything_once_in_order() {
    let h = harness(|_| {}).await;
    let all = events(250);
    for chunk in all.chunks(40) {
        h.running.ingest.push(chunk.to_vec()).await.unwrap();
    }
    let mut cursor = 0;
    let mut got: Vec<String> = Vec::new();
    let mut pages = 0;
    loop {
        let page = get_(&h.app, &format!("/api/events?after={cursor}&limit=100"))
            .await
            .json();
        let s = seqs(&page);
        if s.is_empty() {
            assert_eq!(page["next"], cursor, "an empty page keeps the cursor");
            break;
        }
        pages += 1;
        assert!(s.windows(2).all(|w| w[0] < w[1]), "oldest first");
        assert!(s[0] > cursor);
        got.extend(
            page["events"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["id"].as_str().unwrap().to_string()),
        );
        cursor = page["next"].as_i64().unwrap();
        assert_eq!(page["missed"], 0);
    }
    assert_eq!(pages, 3);
    let want: Vec<String> = all.iter().map(|e| e.id.clone()).collect();
    assert_eq!(got, want, "every event once, in order, ids are the UUIDs");
}

#[tokio::test]
async fn polling_while_events_arrive_never_repeats_or_skips() {
    let h = harness(|_| {}).await;
    let mut cursor = 0;
    let mut seen = Vec::new();
    let mut pushed = Vec::new();
    for round in 0..30 {
        let batch = events(round % 7 + 1);
        pushed.extend(batch.iter().map(|e| e.id.clone()));
        h.running.ingest.push(batch).await.unwrap();
        // Small pages, so a round often leaves events for the next one.
        let page = get_(&h.app, &format!("/api/events?after={cursor}&limit=3"))
            .await
            .json();
        for e in page["events"].as_array().unwrap() {
            seen.push(e["id"].as_str().unwrap().to_string());
        }
        cursor = page["next"].as_i64().unwrap();
    }
    loop {
        let page = get_(&h.app, &format!("/api/events?after={cursor}&limit=3"))
            .await
            .json();
        if seqs(&page).is_empty() {
            break;
        }
        for e in page["events"].as_array().unwrap() {
            seen.push(e["id"].as_str().unwrap().to_string());
        }
        cursor = page["next"].as_i64().unwrap();
    }
    assert_eq!(seen, pushed);
}

#[tokio::test]
async fn without_after_the_newest_limit_come_oldest_first_and_filters_apply() {
    let h = harness(|_| {}).await;
    let all = events(30);
    h.running.ingest.push(all.clone()).await.unwrap();
    let page = get_(&h.app, "/api/events?limit=5").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.headers.get(header::CONTENT_TYPE).unwrap(),
        "application/json"
    );
    let page = page.json();
    assert_eq!(seqs(&page), [26, 27, 28, 29, 30]);
    assert_eq!(page["next"], 30);
    let first = &page["events"][0];
    assert_eq!(first["id"], all[25].id.as_str());
    assert_eq!(first["type"], all[25].kind.name());
    assert_eq!(first["data"]["n"], 25);
    // Default limit 100: all 30.
    assert_eq!(seqs(&get_(&h.app, "/api/events").await.json()).len(), 30);
    // ?type= (comma list, repeatable, any case) and ?streamer= (@ optional).
    let gifts = get_(&h.app, "/api/events?type=GIFT&after=0").await.json();
    assert!(all_of_type(&gifts, "gift"), "{gifts}");
    assert_eq!(seqs(&gifts).len(), 10);
    let two = get_(&h.app, "/api/events?type=gift,chat&after=0")
        .await
        .json();
    assert_eq!(seqs(&two).len(), 20);
    let repeated = get_(&h.app, "/api/events?type=gift&type=chat&after=0")
        .await
        .json();
    assert_eq!(seqs(&repeated), seqs(&two));
    let bob_likes = get_(&h.app, "/api/events?type=like&streamer=%40bob&after=0")
        .await
        .json();
    assert!(
        bob_likes["events"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["type"] == "like" && e["streamer"] == "bob")
    );
    assert_eq!(seqs(&bob_likes).len(), 5);
    // A filtered page that is not full moves the cursor to the newest event.
    assert_eq!(bob_likes["next"], 30);
}

#[tokio::test]
async fn bad_event_queries_are_400s_naming_the_problem() {
    let h = harness(|_| {}).await;
    for (query, needle) in [
        (
            "limit=0",
            "limit must be a whole number from 1 to 1000, not '0'",
        ),
        ("limit=1001", "not '1001'"),
        ("limit=ten", "not 'ten'"),
        ("limit=-5", "not '-5'"),
        ("after=-1", "after must be a cursor"),
        ("after=abc", "not 'abc'"),
        (
            "type=gfit",
            "unknown event type 'gfit' (did you mean 'gift'?)",
        ),
        ("types=gift", "unknown query parameter 'types'"),
        ("limit=5&limit=6", "'limit' is given more than once"),
        ("after=1&after=2", "'after' is given more than once"),
    ] {
        let msg = get_(&h.app, &format!("/api/events?{query}"))
            .await
            .error(StatusCode::BAD_REQUEST, "bad_request");
        assert!(msg.contains(needle), "{query}: {msg}");
    }
}

#[tokio::test]
async fn a_trimmed_cursor_continues_from_the_oldest_kept_event() {
    let h = harness(|o| o.buffer = 50).await;
    for chunk in events(120).chunks(25) {
        h.running.ingest.push(chunk.to_vec()).await.unwrap();
    }
    let page = get_(&h.app, "/api/events?after=10&limit=1000").await.json();
    let s = seqs(&page);
    assert_eq!(s.len(), 50, "the buffer holds --buffer events");
    assert_eq!(s[0], 71);
    assert_eq!(page["missed"], 60, "11..=70 were dropped before being read");
    let status = get_(&h.app, "/api/status").await.json();
    assert_eq!(status["buffer"]["size"], 50);
    assert_eq!(status["buffer"]["capacity"], 50);
    assert_eq!(status["buffer"]["lastSeq"], 120);
}

// ---- status ------------------------------------------------------------

#[tokio::test]
async fn status_reports_connections_counts_buffer_and_version() {
    let h = harness(|o| {
        o.streamers = vec!["alice".into(), "carol".into()];
        o.wanted = [EventKind::Chat].into_iter().collect();
    })
    .await;
    let mut batch = vec![Envelope::new(
        Event::new(
            EventKind::Connected,
            &json!({"username": "alice", "roomId": "7300000000000000001"}),
        ),
        "alice",
        "2024-01-01T00:00:00.000Z".into(),
        "c".into(),
    )];
    batch.extend(events(6));
    h.running.ingest.push(batch).await.unwrap();
    let s = get_(&h.app, "/api/status").await.json();
    assert_eq!(s["version"], crate::version::VERSION);
    assert_eq!(s["source"], "demo");
    assert!(s["uptimeSeconds"].as_f64().unwrap() >= 0.0);
    assert!(s["startedAt"].as_str().unwrap().ends_with('Z'));
    let streamers = s["streamers"].as_array().unwrap();
    let alice = streamers.iter().find(|x| x["streamer"] == "alice").unwrap();
    assert_eq!(alice["state"], "connected");
    assert_eq!(alice["roomId"], "7300000000000000001");
    assert_eq!(alice["connectedSince"], "2024-01-01T00:00:00.000Z");
    assert_eq!(alice["reconnects"], 0);
    let carol = streamers.iter().find(|x| x["streamer"] == "carol").unwrap();
    assert_eq!(carol["state"], "offline", "listed before it connects");
    // Only --type kinds are stored and counted (2 chats of 6 events).
    assert_eq!(s["events"]["total"], 2);
    assert_eq!(s["events"]["byType"], json!({"chat": 2}));
    assert_eq!(s["buffer"]["size"], 2);
    assert_eq!(
        s["webhooks"],
        json!({"count": 0, "delivered": 0, "failed": 0, "pending": 0})
    );
    // The stored page holds only the chats; `connected` was tracked, not stored.
    let page = get_(&h.app, "/api/events?after=0").await.json();
    assert!(all_of_type(&page, "chat"), "{page}");
}

// ---- webhooks ------------------------------------------------------------

#[tokio::test]
async fn webhooks_are_created_listed_fetched_and_deleted() {
    let h = harness(|_| {}).await;
    let created = post_json(
        &h.app,
        "/api/webhooks",
        r#"{"url":"https://example.com/hook","name":"overlay","secret":"whsec_c2VjcmV0LXZhbHVl","types":["Gift","chat"]}"#,
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    assert!(!String::from_utf8_lossy(&created.body).contains("c2VjcmV0LXZhbHVl"));
    let w = created.json();
    assert_eq!(w["id"], "1");
    assert_eq!(w["url"], "https://example.com/hook");
    assert_eq!(w["name"], "overlay");
    assert_eq!(w["secret"], "set");
    assert_eq!(w["types"], json!(["chat", "gift"]));
    assert_eq!(w["kind"], "registered");
    assert_eq!(
        created.headers.get(header::LOCATION).unwrap(),
        "/api/webhooks/1"
    );
    let plain = post_json(&h.app, "/api/webhooks", r#"{"url":"http://127.0.0.1:9/x"}"#)
        .await
        .json();
    assert_eq!(plain["secret"], "unset");
    assert_eq!(plain["types"], json!([]));
    assert_eq!(plain["name"], Value::Null);

    let list = get_(&h.app, "/api/webhooks").await;
    assert!(!String::from_utf8_lossy(&list.body).contains("c2VjcmV0LXZhbHVl"));
    let list = list.json();
    assert_eq!(list.as_array().unwrap().len(), 2);
    assert_eq!(list[0]["secret"], "set");
    assert_eq!(
        get_(&h.app, "/api/webhooks/2").await.json()["url"],
        "http://127.0.0.1:9/x"
    );

    assert_eq!(
        delete(&h.app, "/api/webhooks/1").await.status,
        StatusCode::NO_CONTENT
    );
    delete(&h.app, "/api/webhooks/1")
        .await
        .error(StatusCode::NOT_FOUND, "not_found");
    for uri in ["/api/webhooks/999", "/api/webhooks/abc", "/api/webhooks/0"] {
        delete(&h.app, uri)
            .await
            .error(StatusCode::NOT_FOUND, "not_found");
        get_(&h.app, uri)
            .await
            .error(StatusCode::NOT_FOUND, "not_found");
    }
    assert_eq!(
        get_(&h.app, "/api/webhooks")
            .await
            .json()
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        h.running.engine.webhook_ids(),
        [2],
        "deliveries follow the registry"
    );
}

#[tokio::test]
async fn bad_webhook_requests_are_rejected_with_a_reason() {
    let h = harness(|_| {}).await;
    for (body, needle) in [
        ("{oops", "invalid JSON body: key must be a string"),
        ("", "invalid JSON body: EOF while parsing"),
        ("[]", "the body must be a JSON object"),
        (
            r#"{"url":"https://example.com/x","colour":"red"}"#,
            "unknown field `colour`",
        ),
        (r#"{"name":"x"}"#, "missing field `url`"),
        (
            r#"{"url":"ftp://example.com/x"}"#,
            "only http and https are accepted",
        ),
        (r#"{"url":"not a url"}"#, "is not a webhook URL"),
        (r#"{"url":"http://"}"#, "is not a webhook URL"),
        (
            r#"{"url":"https://example.com/x","types":["gfit"]}"#,
            "did you mean 'gift'",
        ),
        (
            r#"{"url":"https://example.com/x","types":"gift"}"#,
            "invalid type: string",
        ),
        (
            r#"{"url":"https://example.com/x","secret":"whsec_%%%"}"#,
            "not base64",
        ),
    ] {
        let msg = post_json(&h.app, "/api/webhooks", body)
            .await
            .error(StatusCode::BAD_REQUEST, "bad_request");
        assert!(msg.contains(needle), "{body}: {msg}");
        assert!(!msg.contains("%%%"), "the secret is not repeated: {msg}");
    }
    let long_name = format!(
        r#"{{"url":"https://example.com/x","name":"{}"}}"#,
        "n".repeat(201)
    );
    post_json(&h.app, "/api/webhooks", &long_name)
        .await
        .error(StatusCode::BAD_REQUEST, "bad_request");
    // Not declared as JSON: 415 (a cross-site form post cannot add webhooks).
    for ct in [
        None,
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
    ] {
        let mut b = req(Method::POST, "/api/webhooks");
        if let Some(ct) = ct {
            b = b.header(header::CONTENT_TYPE, ct);
        }
        send(
            &h.app,
            b.body(Body::from(r#"{"url":"https://example.com/x"}"#))
                .unwrap(),
        )
        .await
        .error(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type");
    }
    let ok = send(
        &h.app,
        req(Method::POST, "/api/webhooks")
            .header(header::CONTENT_TYPE, "application/json; charset=utf-8")
            .body(Body::from(r#"{"url":"https://example.com/x"}"#))
            .unwrap(),
    )
    .await;
    assert_eq!(ok.status, StatusCode::CREATED);
    // Oversized: 413.
    let big = format!(
        r#"{{"url":"https://example.com/x","name":"{}"}}"#,
        "x".repeat(BODY_LIMIT)
    );
    let msg = post_json(&h.app, "/api/webhooks", &big)
        .await
        .error(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");
    assert!(msg.contains(&BODY_LIMIT.to_string()), "{msg}");
    assert_eq!(
        get_(&h.app, "/api/webhooks")
            .await
            .json()
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

/// A receiver on 127.0.0.1 recording each body.
async fn receiver() -> (String, Arc<Mutex<Vec<Value>>>) {
    let hits: Arc<Mutex<Vec<Value>>> = Arc::default();
    let seen = Arc::clone(&hits);
    let app = axum::Router::new().fallback(move |body: Bytes| {
        let seen = Arc::clone(&seen);
        async move {
            seen.lock()
                .unwrap()
                .push(serde_json::from_slice(&body).unwrap());
            StatusCode::NO_CONTENT
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (format!("http://{addr}/hook"), hits)
}

async fn wait_for(what: &str, mut cond: impl FnMut() -> bool) {
    for _ in 0..1000 {
        if cond() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("gave up waiting for {what}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhooks_added_through_the_api_receive_served_events_by_type() {
    let h = harness(|_| {}).await;
    let (all_url, all_hits) = receiver().await;
    let (gift_url, gift_hits) = receiver().await;
    for body in [
        json!({"url": all_url}),
        json!({"url": gift_url, "types": ["gift"]}),
    ] {
        let a = post_json(&h.app, "/api/webhooks", &body.to_string()).await;
        assert_eq!(a.status, StatusCode::CREATED);
    }
    let batch = events(30);
    h.running.ingest.push(batch.clone()).await.unwrap();
    wait_for("deliveries", || {
        all_hits.lock().unwrap().len() == 30 && gift_hits.lock().unwrap().len() == 10
    })
    .await;
    let ids = |hits: &Arc<Mutex<Vec<Value>>>| -> Vec<String> {
        hits.lock()
            .unwrap()
            .iter()
            .map(|h| h["event"]["id"].as_str().unwrap().to_string())
            .collect()
    };
    let want: Vec<String> = batch.iter().map(|e| e.id.clone()).collect();
    assert_eq!(ids(&all_hits), want, "in order");
    let want_gifts: Vec<String> = batch
        .iter()
        .filter(|e| e.kind == EventKind::Gift)
        .map(|e| e.id.clone())
        .collect();
    assert_eq!(ids(&gift_hits), want_gifts);
    // The status totals follow (refreshed in the background).
    let mut delivered = 0;
    for _ in 0..300 {
        let s = get_(&h.app, "/api/status").await.json();
        delivered = s["webhooks"]["delivered"].as_u64().unwrap();
        if delivered == 40 {
            assert_eq!(s["webhooks"]["count"], 2);
            assert_eq!(s["webhooks"]["pending"], 0);
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(delivered, 40);
    // Deleted: no more deliveries.
    assert_eq!(
        delete(&h.app, "/api/webhooks/2").await.status,
        StatusCode::NO_CONTENT
    );
    h.running.ingest.push(events(3)).await.unwrap();
    wait_for("more deliveries", || all_hits.lock().unwrap().len() == 33).await;
    assert_eq!(gift_hits.lock().unwrap().len(), 10);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhooks_added_behind_the_servers_back_are_picked_up() {
    let h = harness(|_| {}).await;
    let (url, hits) = receiver().await;
    h.running
        .state
        .store
        .add_webhook(crate::store::NewWebhook::url(url))
        .await
        .unwrap();
    wait_for("the refresher", || {
        !h.running.engine.webhook_ids().is_empty()
    })
    .await;
    h.running.ingest.push(events(4)).await.unwrap();
    wait_for("deliveries", || hits.lock().unwrap().len() == 4).await;
}

// ---- SSE ---------------------------------------------------------------

/// Read SSE messages from a body until `n` data messages arrived.
async fn read_messages(
    body: &mut (impl futures_util::Stream<Item = Result<Bytes, axum::Error>> + Unpin),
    buf: &mut String,
    n: usize,
) -> Vec<(i64, Value)> {
    let mut out = Vec::new();
    while out.len() < n {
        while let Some(end) = buf.find("\n\n") {
            let block: String = buf.drain(..end + 2).collect();
            let mut id = None;
            let mut data = None;
            for line in block.lines() {
                if let Some(v) = line.strip_prefix("id:") {
                    id = Some(v.trim().parse::<i64>().unwrap());
                } else if let Some(v) = line.strip_prefix("data:") {
                    data = Some(serde_json::from_str::<Value>(v.trim()).unwrap());
                }
            }
            if let (Some(id), Some(data)) = (id, data) {
                out.push((id, data));
            }
        }
        if out.len() >= n {
            break;
        }
        let chunk = tokio::time::timeout(Duration::from_secs(10), body.next())
            .await
            .expect("an SSE message in time")
            .expect("the stream goes on")
            .unwrap();
        buf.push_str(std::str::from_utf8(&chunk).unwrap());
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sse_tail_sends_new_events_and_resumes_from_last_event_id() {
    let h = harness(|_| {}).await;
    let before = events(5);
    h.running.ingest.push(before).await.unwrap();
    let open = |last: Option<String>, query: &str| {
        let mut b = req(Method::GET, &format!("/api/events/stream{query}"));
        if let Some(id) = last {
            b = b.header("last-event-id", id);
        }
        b.body(Body::empty()).unwrap()
    };
    let response = h.app.clone().oneshot(open(None, "")).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers().get(header::CONTENT_TYPE).unwrap(),
        "text/event-stream"
    );
    let mut body = response.into_body().into_data_stream();
    let mut buf = String::new();
    // Events stored after the stream opened arrive as they are stored.
    let first = events(3);
    h.running.ingest.push(first.clone()).await.unwrap();
    let got = read_messages(&mut body, &mut buf, 3).await;
    assert_eq!(got.iter().map(|(id, _)| *id).collect::<Vec<_>>(), [6, 7, 8]);
    for ((id, data), ev) in got.iter().zip(&first) {
        assert_eq!(data["seq"], *id, "the SSE id is the event's seq");
        assert_eq!(data["id"], ev.id.as_str());
    }
    let second = events(2);
    h.running.ingest.push(second.clone()).await.unwrap();
    let got = read_messages(&mut body, &mut buf, 2).await;
    assert_eq!(got[1].1["id"], second[1].id.as_str());
    drop(body);

    // Disconnected after 7: reconnecting with Last-Event-ID resumes at 8.
    let third = events(2);
    h.running.ingest.push(third.clone()).await.unwrap();
    let response = h
        .app
        .clone()
        .oneshot(open(Some("7".into()), ""))
        .await
        .unwrap();
    let mut body = response.into_body().into_data_stream();
    let mut buf = String::new();
    let got = read_messages(&mut body, &mut buf, 5).await;
    assert_eq!(
        got.iter().map(|(id, _)| *id).collect::<Vec<_>>(),
        [8, 9, 10, 11, 12]
    );
    assert_eq!(got[4].1["id"], third[1].id.as_str());

    // Filters and ?after= apply as on /api/events.
    let response = h
        .app
        .clone()
        .oneshot(open(None, "?after=0&type=gift"))
        .await
        .unwrap();
    let mut body = response.into_body().into_data_stream();
    let got = read_messages(&mut body, &mut String::new(), 4).await;
    assert!(got.iter().all(|(_, d)| d["type"] == "gift"));

    // Bad input is a JSON 400 before any stream starts.
    send(&h.app, open(Some("x".into()), ""))
        .await
        .error(StatusCode::BAD_REQUEST, "bad_request");
    send(&h.app, open(None, "?limit=5"))
        .await
        .error(StatusCode::BAD_REQUEST, "bad_request");

    // Shutdown ends open streams.
    let response = h.app.clone().oneshot(open(None, "")).await.unwrap();
    let mut body = response.into_body().into_data_stream();
    h.stop.cancel();
    let end = tokio::time::timeout(Duration::from_secs(5), async {
        while let Some(chunk) = body.next().await {
            chunk.unwrap();
        }
    })
    .await;
    assert!(end.is_ok(), "the stream ended at shutdown");
}

// ---- the rest --------------------------------------------------------------

#[tokio::test]
async fn the_openapi_document_lists_exactly_the_served_routes() {
    let h = harness(|_| {}).await;
    let doc = get_(&h.app, "/api/openapi.json").await.json();
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(doc["info"]["version"], crate::version::VERSION);
    let mut documented = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            if method != "parameters" {
                documented.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    let served: BTreeSet<(String, String)> = served_routes()
        .into_iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    assert_eq!(documented, served);
    // Every documented route is really routed (not the 404/405 fallbacks).
    h.running.ingest.push(events(1)).await.unwrap();
    for (method, path) in &served {
        let fresh = post_json(&h.app, "/api/webhooks", r#"{"url":"http://127.0.0.1:9/x"}"#)
            .await
            .json();
        let uri = path.replace("{id}", fresh["id"].as_str().unwrap());
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        let mut b = req(method.clone(), &uri);
        if method == Method::POST {
            b = b.header(header::CONTENT_TYPE, "application/json");
        }
        let body = if uri == "/api/test-events" {
            r#"{"type":"follow"}"#
        } else if method == Method::POST {
            r#"{"url":"http://127.0.0.1:9/y"}"#
        } else {
            ""
        };
        let response = h
            .app
            .clone()
            .oneshot(b.body(Body::from(body)).unwrap())
            .await
            .unwrap();
        assert!(
            response.status().is_success(),
            "{method} {uri}: {}",
            response.status()
        );
    }
    // Every `$ref` points at a schema that exists.
    let text = doc.to_string();
    for part in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
        let name = &part[..part.find('"').unwrap()];
        assert!(doc["components"]["schemas"].get(name).is_some(), "{name}");
    }
}

#[tokio::test]
async fn unknown_paths_and_methods_are_json_errors() {
    let h = harness(|_| {}).await;
    get_(&h.app, "/nope")
        .await
        .error(StatusCode::NOT_FOUND, "not_found");
    get_(&h.app, "/api/nope")
        .await
        .error(StatusCode::NOT_FOUND, "not_found");
    let a = send(
        &h.app,
        req(Method::PUT, "/api/status").body(Body::empty()).unwrap(),
    )
    .await;
    a.error(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");
    let allow = a.headers.get(header::ALLOW).unwrap().to_str().unwrap();
    assert!(allow.contains("GET"), "{allow}");
    delete(&h.app, "/api/webhooks")
        .await
        .error(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");
}

#[tokio::test]
async fn a_panicking_handler_is_a_json_500() {
    let h = harness(|_| {}).await;
    let routes = Router::new().route(
        "/api/boom",
        get(|| async {
            if true {
                panic!("boom");
            }
            "unreachable"
        }),
    );
    let app = layered(routes, h.running.state.clone());
    let msg = get_(&app, "/api/boom")
        .await
        .error(StatusCode::INTERNAL_SERVER_ERROR, "internal");
    assert!(
        !msg.contains("boom"),
        "details stay in the server's log: {msg}"
    );
}

#[tokio::test]
async fn a_request_that_does_not_finish_in_time_is_a_408() {
    let h = harness(|o| o.request_timeout = Duration::from_millis(100)).await;
    let never = futures_util::stream::pending::<Result<Bytes, std::io::Error>>();
    let a = send(
        &h.app,
        req(Method::POST, "/api/webhooks")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from_stream(never))
            .unwrap(),
    )
    .await;
    a.error(StatusCode::REQUEST_TIMEOUT, "request_timeout");
}

#[tokio::test]
async fn events_and_webhooks_survive_a_restart() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("serve.db");
    let mut ids = HashSet::new();
    for round in 0..2 {
        let store = Store::open(&path).unwrap();
        let stop = CancellationToken::new();
        let engine_cancel = CancellationToken::new();
        let client = crate::webhook::http_client(Duration::from_secs(5)).unwrap();
        let running = start(
            store.clone(),
            EngineConfig::new(client),
            Options::new("demo"),
            stop.clone(),
            engine_cancel.clone(),
        )
        .await
        .unwrap();
        let app = router(running.state.clone());
        if round == 0 {
            let batch = events(12);
            ids.extend(batch.iter().map(|e| e.id.clone()));
            running.ingest.push(batch).await.unwrap();
            let a = post_json(
                &app,
                "/api/webhooks",
                r#"{"url":"http://127.0.0.1:9/x","name":"kept"}"#,
            )
            .await;
            assert_eq!(a.status, StatusCode::CREATED);
        } else {
            let page = get_(&app, "/api/events?after=0").await.json();
            let got: HashSet<String> = page["events"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["id"].as_str().unwrap().to_string())
                .collect();
            assert_eq!(got, ids);
            let hooks = get_(&app, "/api/webhooks").await.json();
            assert_eq!(hooks[0]["name"], "kept");
            assert_eq!(get_(&app, "/api/status").await.json()["buffer"]["size"], 12);
            // New events continue the sequence.
            running.ingest.push(events(1)).await.unwrap();
            assert_eq!(get_(&app, "/api/events?limit=1").await.json()["next"], 13);
        }
        stop.cancel();
        engine_cancel.cancel();
        running.engine.wait().await.unwrap();
        running.refresher.await.unwrap();
        store.flush().await.unwrap();
    }
}
