//! `tiklive serve`: the REST API over the embedded store, with live ingest
//! and webhook forwarding.
//!
//! - [`start`] builds the shared state: the store, the delivery engine (the
//!   one `forward` uses) with a target per registered webhook, the status
//!   tracker, the [`Ingest`] that feeds them, and a background task that
//!   refreshes the webhook totals and picks up webhooks added or removed by
//!   `tiklive webhooks` while the server runs.
//! - [`router`] is a pure constructor (tested with `oneshot`): the routes,
//!   API-key auth on `/api/*`, a per-request timeout, a body limit, a
//!   catch-panic layer, JSON errors everywhere ([`ApiError`]).
//! - [`serve`] accepts connections until the token is cancelled, then stops
//!   accepting, lets in-flight requests finish (SSE tails end at once) and
//!   returns.
//!
//! The cursor of `/api/events` and the SSE `id` is the store's `seq`: an
//! integer that grows by one per stored event and is never reused. Every
//! event in a response carries it as `seq`; the envelope's `id` stays its
//! UUID.

pub mod error;
pub mod from_stream;
pub mod ingest;
pub mod openapi;
pub mod overlay;
pub mod recent;
pub mod routes;
pub mod sse;
pub mod state;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Result;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderMap, Method, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodFilter, on};
use hmac::{Hmac, KeyInit, Mac};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use sha2::Sha256;
use tokio::net::TcpListener;
use tokio::sync::{Notify, watch};
use tokio_util::sync::CancellationToken;

use crate::secret::Secret;
use crate::store::Store;
use crate::webcast::KindSet;
use crate::webhook::signature::SigningKey;
use crate::webhook::{Engine, EngineConfig, registered_target};
use crate::{store, term};

pub use self::error::ApiError;
pub use self::ingest::Ingest;
pub use self::state::Status;

/// The largest request body accepted (`POST /api/webhooks`).
pub const BODY_LIMIT: usize = 16 * 1024;
/// A request must be answered within this (SSE: until its stream starts).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// A client must send its request headers within this.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// How long shutdown waits for in-flight requests.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);
/// How often the webhook totals and the webhook list are refreshed.
const REFRESH: Duration = Duration::from_secs(1);

/// What serve is started with.
pub struct Options {
    /// Required on `/api/*` when set.
    pub api_key: Option<Secret>,
    /// `--buffer`: events kept at most.
    pub buffer: u64,
    /// `--type`: what is stored and forwarded.
    pub wanted: KindSet,
    /// Signs deliveries to webhooks without their own secret (`WEBHOOK_SECRET`).
    pub fallback_secret: Option<SigningKey>,
    /// `live`, `demo` or `replay`, for the status.
    pub source: &'static str,
    /// Live USERs, listed in the status before they connect.
    pub streamers: Vec<String>,
    pub request_timeout: Duration,
    /// `--overlay-token-generation`: bump it to rotate the overlay token.
    pub overlay_generation: u32,
}

impl Options {
    pub fn new(source: &'static str) -> Options {
        Options {
            api_key: None,
            buffer: 100_000,
            wanted: KindSet::default_set(),
            fallback_secret: None,
            source,
            streamers: Vec::new(),
            request_timeout: REQUEST_TIMEOUT,
            overlay_generation: 1,
        }
    }
}

/// The API key, kept as an HMAC tag under a per-process random key, so a
/// presented key is checked by comparing two tags of equal length in
/// constant time (`Mac::verify_slice`): neither the key's length nor the
/// position of the first wrong byte shows in the timing.
pub struct ApiKey {
    mac_key: [u8; 32],
    tag: Vec<u8>,
}

impl ApiKey {
    pub fn new(key: &Secret) -> ApiKey {
        let mac_key = crate::random::secret_key::<32>();
        let tag = Self::mac(&mac_key, key.expose().as_bytes())
            .finalize()
            .into_bytes()
            .to_vec();
        ApiKey { mac_key, tag }
    }

    fn mac(key: &[u8], data: &[u8]) -> Hmac<Sha256> {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("HMAC takes any key");
        mac.update(data);
        mac
    }

    pub fn matches(&self, presented: &str) -> bool {
        Self::mac(&self.mac_key, presented.as_bytes())
            .verify_slice(&self.tag)
            .is_ok()
    }

    /// Whether the request carries the key (`Authorization: Bearer KEY`,
    /// `X-API-Key: KEY`, or `Authorization: Basic` with the key as the
    /// password and any user name, which is how a browser sends it).
    pub fn allows(&self, headers: &HeaderMap) -> bool {
        let authorization: Vec<String> = headers
            .get_all(header::AUTHORIZATION)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(|v| {
                let (scheme, rest) = v.trim().split_once(' ')?;
                if scheme.eq_ignore_ascii_case("bearer") {
                    Some(rest.trim().to_string())
                } else if scheme.eq_ignore_ascii_case("basic") {
                    basic_password(rest.trim())
                } else {
                    None
                }
            })
            .collect();
        let bearer = authorization.iter().map(String::as_str);
        let header_key = headers
            .get_all("x-api-key")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .map(str::trim);
        bearer.chain(header_key).any(|k| self.matches(k))
    }
}

/// The password of an `Authorization: Basic` value (`user:password` in
/// base64).
fn basic_password(encoded: &str) -> Option<String> {
    use base64::Engine as _;
    let raw = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .ok()?;
    let text = String::from_utf8(raw).ok()?;
    text.split_once(':').map(|(_, p)| p.to_string())
}

/// Shared by every handler.
pub struct Shared {
    pub store: Store,
    /// The newest events, rendered (answers most reads without SQLite).
    pub recent: Arc<recent::Recent>,
    pub status: Arc<Status>,
    pub engine: Arc<Engine>,
    /// Serialises changes to the webhook list (API and refresher).
    pub registry: tokio::sync::Mutex<()>,
    /// Wakes the refresher (after a webhook was added or removed).
    pub refresh: Notify,
    pub fallback_secret: Option<SigningKey>,
    /// The newest stored `seq`.
    pub head: watch::Receiver<i64>,
    /// Cancelled at shutdown: ends the SSE tails.
    pub shutdown: CancellationToken,
    pub api_key: Option<ApiKey>,
    /// The read-only overlay token (with an API key only).
    pub overlay_token: Option<Secret>,
    /// The token, kept for constant-time checks.
    pub overlay_check: Option<ApiKey>,
    /// Session counters and top gifters for the overlays.
    pub tally: Arc<overlay::tally::Tally>,
    /// Test events, to the SSE tails only.
    pub test_events: tokio::sync::broadcast::Sender<overlay::TestEvent>,
    pub request_timeout: Duration,
    pub openapi: axum::body::Bytes,
}

/// The router's state.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// What [`start`] returns.
pub struct Running {
    pub state: AppState,
    pub ingest: Ingest,
    pub engine: Arc<Engine>,
    /// The refresher task; ends when `shutdown` is cancelled.
    pub refresher: tokio::task::JoinHandle<()>,
}

/// Set everything up over `store`: trim the buffer to `--buffer`, start the
/// delivery engine with the registered webhooks (their pending deliveries
/// from an earlier run go first), and the refresher. `shutdown` ends the SSE
/// tails and the refresher; the engine stops only with `engine_cancel`.
///
/// # Errors
/// The store could not be read, or a stored webhook secret is unusable.
pub async fn start(
    store: Store,
    engine_cfg: EngineConfig,
    opts: Options,
    shutdown: CancellationToken,
    engine_cancel: CancellationToken,
) -> Result<Running> {
    let cap = opts.buffer;
    let dropped = store.trim_events(cap).await?;
    if dropped > 0 {
        term::note(format_args!(
            "dropped the {dropped} oldest stored events to fit --buffer {cap}"
        ));
    }
    let buffered = store.count_events().await?;
    let last_seq = store.last_event_seq().await?;
    let kept = (cap as usize).min(recent::RECENT);
    let newest = store
        .newest_events(kept, store::EventQuery::default())
        .await?;
    let recent = Arc::new(recent::Recent::new(kept, newest, buffered as usize <= kept));
    let status = Arc::new(Status::new(opts.source, cap, buffered, last_seq));
    let tally = Arc::new(overlay::tally::Tally::new());
    rebuild_tally(&store, &tally).await?;
    status.register(&opts.streamers);
    let mut targets = Vec::new();
    for webhook in store.webhooks().await? {
        if !webhook.ephemeral {
            targets.push(registered_target(webhook, opts.fallback_secret.as_ref())?);
        }
    }
    let engine = Arc::new(Engine::start(
        store.clone(),
        targets,
        engine_cfg,
        engine_cancel,
    ));
    let (head_tx, head_rx) = watch::channel(last_seq);
    let overlay_token = opts
        .api_key
        .as_ref()
        .map(|k| Secret::new(overlay::overlay_token(k, opts.overlay_generation)));
    let state = AppState(Arc::new(Shared {
        store: store.clone(),
        recent: Arc::clone(&recent),
        status: Arc::clone(&status),
        engine: Arc::clone(&engine),
        registry: tokio::sync::Mutex::new(()),
        refresh: Notify::new(),
        fallback_secret: opts.fallback_secret,
        head: head_rx,
        shutdown: shutdown.clone(),
        api_key: opts.api_key.as_ref().map(ApiKey::new),
        overlay_check: overlay_token.as_ref().map(ApiKey::new),
        overlay_token,
        tally: Arc::clone(&tally),
        test_events: tokio::sync::broadcast::channel(TEST_EVENTS).0,
        request_timeout: opts.request_timeout,
        openapi: serde_json::to_vec(&openapi::document())
            .expect("the OpenAPI document serialises")
            .into(),
    }));
    refresh_webhooks(&state).await;
    let refresher = tokio::spawn(refresher(state.clone()));
    let ingest = Ingest {
        recent,
        engine: Arc::clone(&engine),
        status,
        tally,
        head: head_tx,
        wanted: opts.wanted,
        cap,
    };
    Ok(Running {
        state,
        ingest,
        engine,
        refresher,
    })
}

/// Stored events read at a time when the tally is rebuilt.
const REBUILD_PAGE: usize = 2000;
/// Test events waiting for a slow SSE tail (older ones are skipped).
const TEST_EVENTS: usize = 16;

/// Rebuild the overlay tally from the stored events, oldest first.
async fn rebuild_tally(store: &Store, tally: &overlay::tally::Tally) -> Result<()> {
    let query = store::EventQuery {
        types: Some(overlay::tally::tallied_kinds()),
        streamer: None,
    };
    let mut cursor = Some(0);
    loop {
        let page = store
            .events_page(cursor, REBUILD_PAGE, query.clone())
            .await?;
        for (_, json) in &page.events {
            tally.observe_json(json);
        }
        if page.events.len() < REBUILD_PAGE {
            return Ok(());
        }
        cursor = Some(page.next);
    }
}

async fn refresher(state: AppState) {
    loop {
        tokio::select! {
            biased;
            _ = state.shutdown.cancelled() => return,
            _ = state.refresh.notified() => {}
            _ = tokio::time::sleep(REFRESH) => {}
        }
        refresh_webhooks(&state).await;
    }
}

/// Recompute the webhook totals, and follow the registry: a webhook added by
/// `tiklive webhooks add` while serve runs gets a delivery worker, a removed
/// one loses it.
async fn refresh_webhooks(state: &AppState) {
    let _registry = state.registry.lock().await;
    let stats = match state.store.webhook_stats(0).await {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!("cannot refresh the webhook totals: {e:#}");
            return;
        }
    };
    let mut totals = state::WebhookTotals::default();
    let registered: Vec<&store::WebhookStats> =
        stats.iter().filter(|s| !s.webhook.ephemeral).collect();
    for s in &registered {
        totals.count += 1;
        totals.delivered += s.webhook.delivered;
        totals.failed += s.webhook.failed;
        totals.pending += s.pending;
    }
    state.status.set_webhooks(totals);
    let running = state.engine.webhook_ids();
    for id in &running {
        if !registered.iter().any(|s| s.webhook.id == *id) {
            state.engine.remove_target(*id);
        }
    }
    for s in registered {
        if !running.contains(&s.webhook.id) {
            match registered_target(s.webhook.clone(), state.fallback_secret.as_ref()) {
                Ok(t) => {
                    state.engine.add_target(t);
                }
                Err(e) => term::warn(format_args!("{e:#}; not delivering to it")),
            }
        }
    }
}

/// Every route: (method, path in OpenAPI syntax). The router is built from
/// this list's handlers in [`router`]; a test checks the OpenAPI document
/// lists exactly these.
pub fn served_routes() -> Vec<(Method, &'static str)> {
    routes().into_iter().map(|(m, p, _)| (m, p)).collect()
}

type Handler = axum::routing::MethodRouter<AppState>;

/// One route: its method, its path (OpenAPI syntax) and its handler.
type Route = (Method, &'static str, Handler);

/// A [`Route`] for `handler` answering `method` on `path`.
fn route<H, T>(method: Method, path: &'static str, handler: H) -> Route
where
    H: axum::handler::Handler<T, AppState>,
    T: 'static,
{
    let filter = MethodFilter::try_from(method.clone()).expect("a standard HTTP method");
    (method, path, on(filter, handler))
}

fn routes() -> Vec<Route> {
    vec![
        route(Method::GET, "/healthz", routes::healthz),
        route(Method::GET, "/api/status", routes::status),
        route(Method::GET, "/api/events", routes::events),
        route(Method::GET, "/api/events/stream", sse::stream),
        route(Method::GET, "/api/webhooks", routes::list_webhooks),
        route(Method::POST, "/api/webhooks", routes::create_webhook),
        route(Method::GET, "/api/webhooks/{id}", routes::get_webhook),
        route(Method::DELETE, "/api/webhooks/{id}", routes::delete_webhook),
        route(Method::GET, "/api/openapi.json", routes::openapi),
        route(Method::GET, "/api/overlay/state", overlay::state),
        route(Method::GET, "/api/overlay/token", overlay::token),
        route(Method::POST, "/api/test-events", overlay::test_event),
    ]
}

/// The pages and their assets (HTML, scripts, sounds; not in the OpenAPI
/// document).
fn page_routes() -> Vec<Route> {
    vec![
        route(Method::GET, "/overlay/{page}", overlay::overlay_page),
        route(Method::GET, "/dashboard", overlay::dashboard),
        route(Method::GET, "/assets/{file}", overlay::asset),
    ]
}

/// The API, ready to serve.
pub fn router(state: AppState) -> Router {
    let mut app = Router::new();
    for (_, path, handler) in routes().into_iter().chain(page_routes()) {
        app = app.route(path, handler);
    }
    layered(app, state)
}

/// The layers every route gets (outermost first): catch panics, time out,
/// check the API key on `/api/*`; plus the body limit and JSON 404/405s.
/// Split from [`router`] so tests can wrap routes of their own.
pub fn layered(routes: Router<AppState>, state: AppState) -> Router {
    routes
        .fallback(routes::not_found)
        .method_not_allowed_fallback(routes::method_not_allowed)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(middleware::from_fn_with_state(state.clone(), require_key))
        .layer(middleware::from_fn_with_state(state.clone(), time_out))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(on_panic))
        .with_state(state)
}

/// The auth layer: see [`overlay::access`] for who may use what.
async fn require_key(State(app): State<AppState>, req: Request, next: Next) -> Response {
    use overlay::Access;
    let Some(key) = &app.api_key else {
        return next.run(req).await;
    };
    let access = overlay::access(req.uri().path());
    if access == Access::Public || key.allows(req.headers()) {
        return next.run(req).await;
    }
    let token_ok = overlay::query_token(req.uri().query())
        .zip(app.overlay_check.as_ref())
        .is_some_and(|(t, check)| check.matches(t));
    match access {
        Access::Overlay if token_ok && req.method() == Method::GET => next.run(req).await,
        Access::Dashboard => {
            let mut r = ApiError::unauthorized().into_response();
            r.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Basic realm=\"tiklive\", charset=\"UTF-8\""),
            );
            overlay::secure(r)
        }
        Access::Api if token_ok => ApiError::forbidden(
            "the overlay token is read-only: it opens the overlays, /api/events, its stream and \
             /api/overlay/state; this needs the API key",
        )
        .into_response(),
        _ => ApiError::unauthorized().into_response(),
    }
}

async fn time_out(State(app): State<AppState>, req: Request, next: Next) -> Response {
    match tokio::time::timeout(app.request_timeout, next.run(req)).await {
        Ok(response) => response,
        Err(_) => ApiError::timeout().into_response(),
    }
}

fn on_panic(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let what = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)");
    ApiError::internal(format_args!("a request handler panicked: {what}")).into_response()
}

/// Serve `app` on `listener` until `shutdown` is cancelled; then stop
/// accepting, let in-flight requests finish (for up to [`SHUTDOWN_GRACE`])
/// and return. HTTP/1.1 with keep-alive; a client that does not send its
/// headers within [`HEADER_TIMEOUT`] is disconnected.
pub async fn serve(listener: TcpListener, app: Router, shutdown: CancellationToken) {
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT)
        .keep_alive(true);
    loop {
        let accepted = tokio::select! {
            biased;
            _ = shutdown.cancelled() => break,
            a = listener.accept() => a,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(e) => {
                // Out of file descriptors and the like: wait, then go on.
                tracing::warn!("accepting a connection failed: {e}");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let service = TowerToHyperService::new(app.clone());
        let conn = http.serve_connection(TokioIo::new(stream), service);
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!("connection: {e}");
            }
        });
    }
    drop(listener);
    if tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown())
        .await
        .is_err()
    {
        term::warn(format_args!(
            "requests still running after {}s were cut off",
            SHUTDOWN_GRACE.as_secs()
        ));
    }
}

/// `http://ADDR`, as printed at start.
pub fn base_url(addr: SocketAddr) -> String {
    format!("http://{addr}")
}

#[cfg(test)]
mod tests;
