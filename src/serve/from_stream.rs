//! `serve --from nats://…`: the events API over a NATS JetStream stream
//! instead of the store.
//!
//! The cursor (`after`, `next`, each event's `seq`, the SSE `id` and
//! `Last-Event-ID`) is the stream sequence; pages and the SSE tail are read by
//! [`crate::nats::read::Reader`]. The routes, their parameters and bodies are
//! those of the store-backed server:
//!
//! | route | what |
//! |---|---|
//! | `GET /healthz` | `{"status":"ok"}` (no key needed) |
//! | `GET /api/status` | version, the servers and their connection, the stream's state |
//! | `GET /api/events` | `{"events":[{"seq":N,…envelope}],"next":N,"missed":N}` |
//! | `GET /api/events/stream` | SSE: `id:` the sequence, `data:` as above |
//!
//! Nothing is stored locally and there are no webhooks or overlays here
//! (`forward --from` delivers the stream). An engine that does not answer
//! within the timeout, or a missing stream, is a 503 `engine_unavailable`
//! naming the servers; an SSE tail whose engine goes away ends, and the
//! browser reconnects with `Last-Event-ID`.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::rejection::QueryRejection;
use axum::extract::{DefaultBodyLimit, Query, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::{self, Next};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures_util::{Stream, StreamExt};
use serde_json::json;
use tokio_util::sync::CancellationToken;

use super::error::ApiError;
use super::routes::{self, EventParams, PageText, Takes, json_text};
use super::{ApiKey, BODY_LIMIT, sse};
use crate::nats::read::{Reader, Selection, Unavailable, narrow};
use crate::webcast::KindSet;

/// Shared by the handlers.
pub struct Shared {
    pub reader: Reader,
    pub client: async_nats::Client,
    /// The servers, for the status (no credentials).
    pub engine: String,
    /// `--type`: only these are served (`None`: everything in the stream).
    pub wanted: Option<KindSet>,
    pub api_key: Option<ApiKey>,
    /// Cancelled at shutdown: ends the SSE tails.
    pub shutdown: CancellationToken,
    pub request_timeout: Duration,
}

#[derive(Clone)]
pub struct StreamApp(pub Arc<Shared>);

/// The router, with the same layers as the store-backed one: API key on
/// `/api/*`, a per-request timeout, a body limit, JSON 404s, caught panics.
pub fn router(app: StreamApp) -> Router {
    Router::new()
        .route("/healthz", get(routes::healthz))
        .route("/api/status", get(status))
        .route("/api/events", get(events))
        .route("/api/events/stream", get(tail))
        .fallback(routes::not_found)
        .method_not_allowed_fallback(routes::method_not_allowed)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(middleware::from_fn_with_state(app.clone(), require_key))
        .layer(middleware::from_fn_with_state(app.clone(), time_out))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            super::on_panic,
        ))
        .with_state(app)
}

async fn require_key(State(app): State<StreamApp>, req: Request, next: Next) -> Response {
    match &app.0.api_key {
        Some(key) if req.uri().path() != "/healthz" && !key.allows(req.headers()) => {
            ApiError::unauthorized().into_response()
        }
        _ => next.run(req).await,
    }
}

async fn time_out(State(app): State<StreamApp>, req: Request, next: Next) -> Response {
    match tokio::time::timeout(app.0.request_timeout, next.run(req)).await {
        Ok(response) => response,
        Err(_) => ApiError::timeout().into_response(),
    }
}

fn unavailable(e: Unavailable) -> ApiError {
    ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "engine_unavailable",
        e.to_string(),
    )
}

/// The request's selection within `--type`.
fn selection(app: &Shared, p: &EventParams) -> Selection {
    let mut query = p.query.clone();
    query.types = narrow(app.wanted, query.types);
    Selection::new(app.reader.namespace(), &query)
}

/// A stream sequence as a cursor of the API (which is signed).
fn cursor_of(seq: u64) -> i64 {
    i64::try_from(seq).unwrap_or(i64::MAX)
}

/// The envelope text of a payload, if it is one (UTF-8, a JSON object).
fn envelope_text(payload: &[u8]) -> Option<&str> {
    let text = std::str::from_utf8(payload).ok()?.trim();
    (text.starts_with('{') && text.ends_with('}')).then_some(text)
}

async fn status(State(app): State<StreamApp>) -> Response {
    let app = &app.0;
    let connection = format!("{:?}", app.client.connection_state()).to_lowercase();
    let mut body = json!({
        "version": crate::version::VERSION,
        "source": "nats",
        "nats": {"servers": app.engine, "connection": connection},
        "stream": null,
    });
    match app.reader.info().await {
        Ok((_, state)) => {
            body["stream"] = json!({
                "name": app.reader.stream_name(),
                "messages": state.messages,
                "bytes": state.bytes,
                "firstSeq": state.first_sequence,
                "lastSeq": state.last_sequence,
            });
        }
        // Still a 200 (the status is what was asked for), with the error in
        // the shape of every other endpoint's.
        Err(e) => body["error"] = json!({"code": "engine_unavailable", "message": e.to_string()}),
    }
    json_text(StatusCode::OK, body.to_string())
}

async fn events(
    State(app): State<StreamApp>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, ApiError> {
    let p = EventParams::parse(query, Takes::Page)?;
    let sel = selection(&app.0, &p);
    let after = p.after.map(|c| c as u64);
    let page = app
        .0
        .reader
        .page(after, p.limit, &sel)
        .await
        .map_err(unavailable)?;
    let mut text = PageText::new(page.events.len());
    let mut skipped = 0;
    for (seq, payload) in &page.events {
        match envelope_text(payload) {
            Some(json) => text.push(cursor_of(*seq), json),
            None => skipped += 1,
        }
    }
    if skipped > 0 {
        tracing::warn!("serve: skipped {skipped} stream messages that are not event envelopes");
    }
    Ok(json_text(
        StatusCode::OK,
        text.finish(cursor_of(page.next), page.missed),
    ))
}

async fn tail(
    State(app): State<StreamApp>,
    headers: HeaderMap,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let p = EventParams::parse(query, Takes::Stream)?;
    let last_event_id = routes::last_event_id(&headers, "a stream sequence")?;
    let reader = &app.0.reader;
    let cursor = match last_event_id.or(p.after) {
        Some(c) => c as u64,
        // "Now": only what is stored from here on.
        None => reader.info().await.map_err(unavailable)?.1.last_sequence,
    };
    let messages = reader
        .tail(cursor, selection(&app.0, &p))
        .await
        .map_err(unavailable)?;
    let stop = app.0.shutdown.clone();
    // An error ends the tail: the client reconnects with Last-Event-ID.
    let events = messages
        .take_until(async move { stop.cancelled().await })
        .take_while(|item| {
            if let Err(e) = item {
                tracing::warn!("serve: an event stream stopped: {e}");
            }
            std::future::ready(item.is_ok())
        })
        .filter_map(|item| {
            let message = item.ok().and_then(|(seq, payload)| {
                envelope_text(&payload).map(|json| Ok(sse::message(cursor_of(seq), json)))
            });
            std::future::ready(message)
        });
    let first =
        futures_util::stream::once(std::future::ready(Ok(Event::default().retry(sse::RETRY))));
    Ok(Sse::new(first.chain(events)).keep_alive(KeepAlive::new().interval(sse::KEEP_ALIVE)))
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::http::Request;
    use tower::ServiceExt;

    use super::*;
    use crate::secret::Secret;

    /// The router over a NATS address where nothing listens.
    async fn app_without_engine() -> Router {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let target =
            crate::nats::NatsTarget::parse(&format!("nats://127.0.0.1:{port}"), None, None)
                .unwrap();
        let client = target.connect("test").await.unwrap();
        let js = async_nats::jetstream::ContextBuilder::new()
            .timeout(Duration::from_millis(200))
            .build(client.clone());
        let engine = target.display();
        router(StreamApp(Arc::new(Shared {
            reader: Reader::new(
                js,
                crate::nats::namespace::Namespace::default(),
                "TIKLIVE_EVENTS",
                &engine,
                Duration::from_millis(200),
            ),
            client,
            engine,
            wanted: None,
            api_key: Some(ApiKey::new(&Secret::new("k".to_string()))),
            shutdown: CancellationToken::new(),
            request_timeout: Duration::from_secs(5),
        })))
    }

    async fn get(app: &Router, path: &str, key: Option<&str>) -> (StatusCode, serde_json::Value) {
        let mut req = Request::get(path);
        if let Some(k) = key {
            req = req.header("x-api-key", k);
        }
        let resp = app
            .clone()
            .oneshot(req.body(Body::empty()).unwrap())
            .await
            .unwrap();
        let status = resp.status();
        let body = axum::body::to_bytes(resp.into_body(), 1 << 20)
            .await
            .unwrap();
        (status, serde_json::from_slice(&body).unwrap_or_default())
    }

    #[tokio::test]
    async fn an_engine_that_is_down_is_a_503_and_the_key_is_checked_first() {
        let app = app_without_engine().await;
        assert_eq!(get(&app, "/healthz", None).await.0, StatusCode::OK);
        assert_eq!(
            get(&app, "/api/events", None).await.0,
            StatusCode::UNAUTHORIZED
        );
        let (status, body) = get(&app, "/api/events?after=0", Some("k")).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
        assert_eq!(body["error"]["code"], "engine_unavailable");
        let message = body["error"]["message"].as_str().unwrap();
        assert!(
            message.starts_with("NATS JetStream at 127.0.0.1:")
                && message.contains("TIKLIVE_EVENTS"),
            "{message}"
        );
        let (status, _) = get(&app, "/api/events/stream", Some("k")).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        let (status, body) = get(&app, "/api/status", Some("k")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["source"], "nats");
        assert!(
            body["stream"].is_null() && body["error"]["code"] == "engine_unavailable",
            "{body}"
        );
        let (status, body) = get(&app, "/api/events?limit=0", Some("k")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(get(&app, "/nope", Some("k")).await.0, StatusCode::NOT_FOUND);
    }
}
