//! The delivery engine against local receivers on 127.0.0.1: retries, give-ups,
//! `Retry-After`, ordering, outages, resumption and independence of targets.
//! Waits between attempts are checked on tokio's paused clock (the gaps
//! between hits, in virtual time); elsewhere the retry policy is made fast and
//! waits for progress are bounded liveness guards only.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use futures_util::future::BoxFuture;
use tokio_util::sync::CancellationToken;

use super::retry::RetryPolicy;
use super::signature::message_id;
use super::*;
use crate::store::{NewDelivery, NewWebhook, Store};
use crate::webcast::{Envelope, Event, EventKind};

/// One request as the receiver saw it.
#[derive(Debug, Clone)]
struct Hit {
    headers: HeaderMap,
    body: Bytes,
    /// When it arrived (virtual time under a paused clock).
    at: tokio::time::Instant,
}

impl Hit {
    fn header(&self, name: &str) -> &str {
        self.headers.get(name).unwrap().to_str().unwrap()
    }
    fn event_id(&self) -> String {
        let v: serde_json::Value = serde_json::from_slice(&self.body).unwrap();
        v["event"]["id"].as_str().unwrap().to_string()
    }
}

type Respond = Arc<dyn Fn(usize) -> BoxFuture<'static, Response> + Send + Sync>;

/// A receiver on 127.0.0.1 recording every request; `respond(n)` answers the
/// n-th (0-based).
struct Receiver {
    addr: SocketAddr,
    hits: Arc<Mutex<Vec<Hit>>>,
}

impl Receiver {
    async fn start(respond: Respond) -> Receiver {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        Receiver::serve(listener, respond)
    }

    fn serve(listener: tokio::net::TcpListener, respond: Respond) -> Receiver {
        let addr = listener.local_addr().unwrap();
        let hits: Arc<Mutex<Vec<Hit>>> = Arc::default();
        let seen = Arc::clone(&hits);
        let app = axum::Router::new().fallback(move |headers: HeaderMap, body: Bytes| {
            let seen = Arc::clone(&seen);
            let respond = Arc::clone(&respond);
            async move {
                let n = {
                    let mut hits = seen.lock().unwrap();
                    let at = tokio::time::Instant::now();
                    hits.push(Hit { headers, body, at });
                    hits.len() - 1
                };
                respond(n).await
            }
        });
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Receiver { addr, hits }
    }

    fn url(&self) -> String {
        format!("http://{}/hook", self.addr)
    }

    fn hits(&self) -> Vec<Hit> {
        self.hits.lock().unwrap().clone()
    }

    fn count(&self) -> usize {
        self.hits.lock().unwrap().len()
    }

    /// The waits between consecutive hits.
    fn gaps(&self) -> Vec<Duration> {
        let hits = self.hits();
        hits.windows(2).map(|w| w[1].at - w[0].at).collect()
    }
}

fn always(status: u16) -> Respond {
    Arc::new(move |_| {
        Box::pin(async move { StatusCode::from_u16(status).unwrap().into_response() })
    })
}

fn script(statuses: &'static [(u16, Option<&'static str>)]) -> Respond {
    Arc::new(move |n| {
        let (status, retry_after) = statuses.get(n).copied().unwrap_or((200, None));
        Box::pin(async move {
            let mut resp = (StatusCode::from_u16(status).unwrap(), "nope").into_response();
            if let Some(ra) = retry_after {
                resp.headers_mut()
                    .insert("retry-after", ra.parse().unwrap());
            }
            resp
        })
    })
}

/// Wait (bounded) until `cond` holds.
async fn eventually(what: &str, mut cond: impl FnMut() -> bool) {
    for _ in 0..4000 {
        if cond() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    panic!("gave up waiting for: {what}");
}

fn events(n: usize, kind: EventKind) -> Vec<OutgoingEvent> {
    (0..n)
        .map(|i| {
            let env = Envelope::new(
                Event::new(kind, &serde_json::json!({ "n": i })),
                "alice",
                "2024-01-01T00:00:00.000Z".into(),
                format!("event-{i:04}"),
            );
            OutgoingEvent::from(&env)
        })
        .collect()
}

fn ids(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("event-{i:04}")).collect()
}

struct Setup {
    store: Store,
    engine: Engine,
}

/// Waits of a millisecond or two between attempts.
fn quick() -> RetryPolicy {
    RetryPolicy {
        base: Duration::from_millis(1),
        cap: Duration::from_millis(4),
        ..RetryPolicy::default()
    }
}

async fn setup(urls: &[String], retry: RetryPolicy) -> Setup {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let store = Store::open_in_memory().unwrap();
    let mut targets = Vec::new();
    for url in urls {
        let wh = store.adhoc_webhook(url.clone()).await.unwrap();
        targets.push(Target::new(wh, None));
    }
    let mut cfg = EngineConfig::new(http_client(Duration::from_secs(30)).unwrap());
    cfg.retry = retry;
    // Small, so that most tests also take the fall-back to the outbox.
    cfg.hint_capacity = 8;
    cfg.page = 16;
    let engine = Engine::start(store.clone(), targets, cfg, CancellationToken::new());
    Setup { store, engine }
}

async fn finish(s: &mut Setup) {
    s.engine.close_input();
    tokio::time::timeout(Duration::from_secs(60), s.engine.wait())
        .await
        .expect("the engine finishes")
        .unwrap();
}

/// `want` up to the millisecond the timer wheel rounds a wait up to.
#[track_caller]
fn assert_waited(gap: Duration, want: std::ops::RangeInclusive<Duration>) {
    let slack = Duration::from_millis(2);
    assert!(
        gap >= *want.start() && gap <= *want.end() + slack,
        "waited {gap:?}, not {want:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn five_hundreds_are_retried_with_the_same_webhook_id_and_delivered_once() {
    let rx = Receiver::start(script(&[(500, None), (500, None)])).await;
    let policy = RetryPolicy::default();
    let s = setup(&[rx.url()], policy).await;
    s.engine.enqueue(&events(1, EventKind::Chat)).await.unwrap();
    // On the paused clock (no timeout here: an idle wait would fire it).
    s.engine.close_input();
    s.engine.wait().await.unwrap();
    let hits = rx.hits();
    assert_eq!(hits.len(), 3);
    let first = hits[0].header("webhook-id").to_string();
    assert!(hits.iter().all(|h| h.header("webhook-id") == first));
    assert!(hits.iter().all(|h| h.body == hits[0].body));
    // Two waits, each the jittered backoff of its attempt.
    let gaps = rx.gaps();
    assert_eq!(gaps.len(), 2);
    for (attempt, gap) in (1..).zip(gaps) {
        assert_waited(
            gap,
            policy.delay(attempt, None, 0.0)..=policy.delay(attempt, None, 1.0),
        );
    }
    let t = s.engine.counters().totals();
    assert_eq!((t.delivered, t.failed, t.retried), (1, 0, 2));
    let stats = s.store.webhook_stats(10).await.unwrap();
    assert_eq!(stats[0].webhook.delivered, 1);
    assert_eq!(stats[0].pending, 0);
}

#[tokio::test]
async fn a_400_is_final_and_the_give_up_is_recorded_with_its_reason() {
    let rx = Receiver::start(script(&[(400, None)])).await;
    let mut s = setup(&[rx.url()], quick()).await;
    s.engine.enqueue(&events(2, EventKind::Chat)).await.unwrap();
    finish(&mut s).await;
    // The first was given up without a retry (so no wait); the second (200)
    // went through.
    assert_eq!(rx.count(), 2);
    assert_eq!(s.engine.counters().totals().retried, 0);
    let stats = s.store.webhook_stats(10).await.unwrap();
    let w = &stats[0];
    assert_eq!(
        (w.webhook.delivered, w.webhook.failed, w.pending),
        (1, 1, 0)
    );
    assert_eq!(w.give_ups.len(), 1);
    assert_eq!(w.give_ups[0].reason, "HTTP 400 Bad Request: nope");
    assert_eq!(w.give_ups[0].event_id, "event-0000");
    assert_eq!(w.give_ups[0].attempts, 1);
}

#[tokio::test(start_paused = true)]
async fn retry_after_on_a_429_is_honoured() {
    let rx = Receiver::start(script(&[(429, Some("7")), (503, Some("2"))])).await;
    let s = setup(&[rx.url()], RetryPolicy::default()).await;
    s.engine.enqueue(&events(1, EventKind::Chat)).await.unwrap();
    s.engine.close_input();
    s.engine.wait().await.unwrap();
    assert_eq!(rx.count(), 3);
    let gaps = rx.gaps();
    let (seven, two) = (Duration::from_secs(7), Duration::from_secs(2));
    assert_waited(gaps[0], seven..=seven);
    assert_waited(gaps[1], two..=two);
}

#[tokio::test]
async fn a_receiver_that_is_down_for_a_while_gets_everything_in_order() {
    // Reserve a port, close it: connections are refused until we listen again.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/hook");
    let mut s = setup(std::slice::from_ref(&url), quick()).await;
    s.engine
        .enqueue(&events(30, EventKind::Chat))
        .await
        .unwrap();
    eventually("a few refused attempts", || {
        s.engine.counters().totals().retried >= 3
    })
    .await;
    s.engine
        .enqueue(&events(60, EventKind::Chat)[30..])
        .await
        .unwrap();
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .unwrap();
    let rx = Receiver::serve(listener, always(200));
    finish(&mut s).await;
    let got: Vec<String> = rx.hits().iter().map(Hit::event_id).collect();
    assert_eq!(got, ids(60));
    assert_eq!(s.engine.counters().totals().delivered, 60);
}

#[tokio::test]
async fn a_slow_receiver_does_not_delay_a_fast_one() {
    let gate = Arc::new(tokio::sync::Semaphore::new(0));
    let g = Arc::clone(&gate);
    let slow = Receiver::start(Arc::new(move |_| {
        let g = Arc::clone(&g);
        Box::pin(async move {
            let _permit = g.acquire().await.unwrap();
            StatusCode::OK.into_response()
        })
    }))
    .await;
    let fast = Receiver::start(always(204)).await;
    let mut s = setup(&[slow.url(), fast.url()], quick()).await;
    s.engine
        .enqueue(&events(100, EventKind::Chat))
        .await
        .unwrap();
    eventually("the fast receiver has everything", || fast.count() == 100).await;
    assert!(slow.count() <= 1, "the slow receiver got {}", slow.count());
    gate.add_permits(1000);
    finish(&mut s).await;
    let order = |r: &Receiver| r.hits().iter().map(Hit::event_id).collect::<Vec<_>>();
    assert_eq!(order(&fast), ids(100));
    assert_eq!(order(&slow), ids(100));
}

#[tokio::test]
async fn pending_rows_of_an_earlier_run_go_first_and_type_filters_apply() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let rx = Receiver::start(always(200)).await;
    let gifts = Receiver::start(always(200)).await;
    let store = Store::open_in_memory().unwrap();
    // An earlier run queued three events and was killed before sending them.
    let earlier = store.adhoc_webhook(rx.url()).await.unwrap();
    let old = events(3, EventKind::Chat);
    store
        .enqueue(
            old.iter()
                .map(|e| NewDelivery {
                    webhook_id: earlier.id,
                    msg_id: message_id(&e.id, earlier.id),
                    event_id: e.id.clone(),
                    event_type: e.kind.name().into(),
                    event: e.json.clone(),
                })
                .collect(),
        )
        .await
        .unwrap();
    let gift_id = store
        .add_webhook(NewWebhook {
            url: gifts.url(),
            types: vec![EventKind::Gift],
            ..NewWebhook::default()
        })
        .await
        .unwrap();
    // This run: the same ad-hoc target, plus a registered one filtering on gift.
    let targets = vec![
        Target::new(store.adhoc_webhook(rx.url()).await.unwrap(), None),
        Target::new(store.webhook(gift_id).await.unwrap().unwrap(), None),
    ];
    let cfg = EngineConfig::new(http_client(Duration::from_secs(30)).unwrap());
    let mut s = Setup {
        engine: Engine::start(store.clone(), targets, cfg, CancellationToken::new()),
        store: store.clone(),
    };
    let mut new: Vec<OutgoingEvent> = events(6, EventKind::Chat)[3..].to_vec();
    new.extend(events(8, EventKind::Gift)[6..].iter().cloned());
    s.engine.enqueue(&new).await.unwrap();
    finish(&mut s).await;
    let got: Vec<String> = rx.hits().iter().map(Hit::event_id).collect();
    assert_eq!(got, ids(8));
    let got: Vec<String> = gifts.hits().iter().map(Hit::event_id).collect();
    assert_eq!(got, ["event-0006", "event-0007"]);
    assert_eq!(
        store
            .pending_count(vec![earlier.id, gift_id])
            .await
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn cancelling_leaves_undelivered_rows_pending() {
    let rx = Receiver::start(always(503)).await;
    let s = setup(&[rx.url()], quick()).await;
    s.engine.enqueue(&events(5, EventKind::Chat)).await.unwrap();
    eventually("a first attempt", || rx.count() >= 1).await;
    s.engine.cancel();
    s.engine.wait().await.unwrap();
    let ids = s.engine.webhook_ids();
    assert_eq!(s.store.pending_count(ids).await.unwrap(), 5);
    let t = s.engine.counters().totals();
    assert_eq!((t.delivered, t.failed), (0, 0));
}

#[tokio::test]
async fn a_delivery_failing_past_give_up_after_is_given_up_with_the_last_error() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let rx = Receiver::start(always(503)).await;
    let store = Store::open_in_memory().unwrap();
    let wh = store.adhoc_webhook(rx.url()).await.unwrap();
    let mut cfg = EngineConfig::new(http_client(Duration::from_secs(30)).unwrap());
    cfg.retry = quick();
    cfg.retry.give_up_after = Duration::from_millis(1);
    let mut s = Setup {
        engine: Engine::start(
            store.clone(),
            vec![Target::new(wh, None)],
            cfg,
            CancellationToken::new(),
        ),
        store,
    };
    s.engine.enqueue(&events(1, EventKind::Chat)).await.unwrap();
    finish(&mut s).await;
    let stats = s.store.webhook_stats(10).await.unwrap();
    let g = &stats[0].give_ups[0];
    assert!(g.attempts >= 1);
    assert!(g.reason.starts_with("gave up after "), "{}", g.reason);
    assert!(
        g.reason.ends_with("HTTP 503 Service Unavailable"),
        "{}",
        g.reason
    );
    assert_eq!(stats[0].pending, 0);
}

#[tokio::test]
async fn bursts_larger_than_the_fast_path_arrive_once_each_in_order() {
    let rx = Receiver::start(always(200)).await;
    let mut s = setup(&[rx.url()], quick()).await;
    let all = events(500, EventKind::Chat);
    for chunk in all.chunks(37) {
        s.engine.enqueue(chunk).await.unwrap();
    }
    finish(&mut s).await;
    let got: Vec<String> = rx.hits().iter().map(Hit::event_id).collect();
    assert_eq!(got, ids(500));
    assert_eq!(s.engine.counters().totals().delivered, 500);
    assert_eq!(
        s.store.pending_count(s.engine.webhook_ids()).await.unwrap(),
        0
    );
}

#[tokio::test]
async fn targets_can_be_added_and_removed_while_the_engine_runs() {
    let a = Receiver::start(always(200)).await;
    let b = Receiver::start(always(200)).await;
    let mut s = setup(&[a.url()], quick()).await;
    let wb = s.store.adhoc_webhook(b.url()).await.unwrap();
    let all = events(6, EventKind::Chat);
    s.engine.enqueue(&all[..2]).await.unwrap();
    assert!(s.engine.add_target(Target::new(wb.clone(), None)));
    assert!(
        !s.engine.add_target(Target::new(wb.clone(), None)),
        "one worker per webhook"
    );
    s.engine.enqueue(&all[2..5]).await.unwrap();
    eventually("both receive", || a.count() == 5 && b.count() == 3).await;
    // Removed: no more rows are queued for it.
    let wa = s.engine.webhook_ids()[0];
    assert!(s.engine.remove_target(wa));
    assert!(!s.engine.remove_target(wa));
    s.engine.enqueue(&all[5..]).await.unwrap();
    finish(&mut s).await;
    assert_eq!((a.count(), b.count()), (5, 4));
    assert_eq!(s.store.pending_count(vec![wa]).await.unwrap(), 0);
}

#[tokio::test]
async fn a_timed_out_wait_can_be_followed_by_cancel_and_another_wait() {
    let hang: Respond = Arc::new(|_| Box::pin(std::future::pending::<Response>()));
    let rx = Receiver::start(hang).await;
    let s = setup(&[rx.url()], quick()).await;
    s.engine.enqueue(&events(2, EventKind::Chat)).await.unwrap();
    s.engine.close_input();
    eventually("the first request", || rx.count() == 1).await;
    assert!(
        tokio::time::timeout(Duration::from_millis(50), s.engine.wait())
            .await
            .is_err()
    );
    s.engine.cancel();
    tokio::time::timeout(Duration::from_secs(10), s.engine.wait())
        .await
        .expect("the workers stop once cancelled")
        .unwrap();
    let ids = s.engine.webhook_ids();
    assert_eq!(s.store.pending_count(ids).await.unwrap(), 2, "left queued");
}

/// `enqueue_after` stores and queues in one transaction: when the first
/// step fails after writing, neither its rows nor any delivery stay; when it
/// succeeds, only the events it keeps are queued.
#[tokio::test]
async fn a_store_step_and_its_deliveries_commit_together() {
    use crate::store::NewEvent;
    use crate::store::events::insert_capped;
    let rx = Receiver::start(script(&[])).await;
    let mut s = setup(&[rx.url()], quick()).await;
    let envs: Vec<Envelope> = (0..4)
        .map(|i| {
            Envelope::new(
                Event::new(EventKind::Chat, &serde_json::json!({ "n": i })),
                "alice",
                "2024-01-01T00:00:00.000Z".into(),
                format!("event-{i:04}"),
            )
        })
        .collect();
    let outgoing: Vec<OutgoingEvent> = envs.iter().map(OutgoingEvent::from).collect();
    let rows = |envs: &[Envelope]| envs.iter().map(NewEvent::from).collect::<Vec<_>>();

    let failing = rows(&envs);
    let err = s
        .engine
        .enqueue_after(&outgoing, move |c| -> anyhow::Result<((), Vec<bool>)> {
            insert_capped(c, &failing, 100)?;
            anyhow::bail!("the disk is full")
        })
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "the disk is full");
    assert_eq!(s.store.count_events().await.unwrap(), 0, "rolled back");
    let ids = s.engine.webhook_ids();
    assert_eq!(s.store.pending_count(ids).await.unwrap(), 0);

    // Events 1 and 3 are already stored: only 0 and 2 are queued.
    s.store
        .insert_events_capped(rows(&[envs[1].clone(), envs[3].clone()]), 100)
        .await
        .unwrap();
    let all = rows(&envs);
    let (seqs, queued) = s
        .engine
        .enqueue_after(&outgoing, move |c| {
            let ins = insert_capped(c, &all, 100)?;
            let keep = ins.seqs.iter().map(Option::is_some).collect();
            Ok((ins.seqs, keep))
        })
        .await
        .unwrap();
    assert_eq!(
        seqs.iter().map(Option::is_some).collect::<Vec<_>>(),
        [true, false, true, false]
    );
    assert_eq!(queued, 2);
    finish(&mut s).await;
    let mut got: Vec<String> = rx.hits().iter().map(Hit::event_id).collect();
    got.sort();
    assert_eq!(got, ["event-0000", "event-0002"]);
}
