//! OBS overlays and the operator dashboard, served by `tiklive serve`.
//!
//! - Pages: `/overlay/{chat,alerts,counter,goal,leaderboard}` and
//!   `/dashboard`, plain HTML around the embedded scripts in [`assets`]
//!   (`/assets/*`: ES2020, no build step, no CDN, Chromium 127+).
//! - `GET /api/overlay/state`: the [`tally`] snapshot (counters and
//!   leaderboard), so a refreshed page continues where it was.
//! - `GET /api/overlay/token`: the read-only overlay token (for the
//!   dashboard's URL builder).
//! - `POST /api/test-events`: a sample event sent to the live SSE tails only
//!   (`"test": true`; not stored, not forwarded, not counted).
//!
//! Auth ([`access`]): with an API key set, the overlay pages, the events
//! (page and SSE stream) and the state accept the read-only `?token=`
//! ([`overlay_token`]); the
//! dashboard takes the key (Bearer, `X-API-Key`, or HTTP Basic with the key
//! as the password); every other `/api/*` route refuses the token (403).
//! Every page and asset goes out with a strict Content-Security-Policy.

pub mod assets;
pub mod settings;
pub mod tally;

use std::sync::Arc;

use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use serde::Deserialize;
use sha2::Sha256;

use crate::clock::now_ms;
use crate::ids::new_id;
use crate::secret::Secret;
use crate::webcast::EventKind;
use crate::webcast::time::format_iso_millis;

use super::AppState;
use super::error::ApiError;
use super::routes::json_text;

/// The overlay pages, by the name in `/overlay/{name}`.
pub const PAGES: [&str; 5] = ["chat", "alerts", "counter", "goal", "leaderboard"];

/// The Content-Security-Policy of every page and asset: scripts, styles,
/// sounds and connections only from this server; images also from `https:`
/// (avatars, emotes, gift pictures) and `data:`; framed only by this
/// server's own dashboard (its live preview).
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     img-src 'self' https: data:; media-src 'self'; connect-src 'self'; frame-src 'self'; \
     frame-ancestors 'self'; base-uri 'none'; form-action 'none'";

/// The read-only overlay token for `api_key`: base64url (no padding) of
/// HMAC-SHA256 keyed by the API key over `tiklive overlay token {generation}`.
/// Bumping `generation` (`--overlay-token-generation`) or changing the key
/// rotates it; the old token stops working at the next start.
pub fn overlay_token(api_key: &Secret, generation: u32) -> String {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(api_key.expose().as_bytes())
        .expect("HMAC takes any key");
    mac.update(format!("tiklive overlay token {generation}").as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
}

/// The lines `serve` prints at start: each overlay's URL (with its
/// `?token=` when an API key is set) and the dashboard's.
pub fn urls(base: &str, token: Option<&Secret>) -> Vec<String> {
    let mut lines: Vec<String> = PAGES
        .iter()
        .map(|p| {
            // The goal bar needs a target: print one that works when pasted.
            let example = (*p == "goal").then_some("metric=likes&target=1000");
            let params: Vec<String> = example
                .map(str::to_string)
                .into_iter()
                .chain(token.map(|t| format!("token={}", t.expose())))
                .collect();
            let query = if params.is_empty() {
                String::new()
            } else {
                format!("?{}", params.join("&"))
            };
            format!("overlay {p}: {base}/overlay/{p}{query}")
        })
        .collect();
    let how = if token.is_some() {
        " (user name: anything, password: the API key)"
    } else {
        ""
    };
    lines.push(format!("dashboard: {base}/dashboard{how}"));
    lines
}

/// Who may use a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// `/healthz`, `/assets/*` (no data in them), and unknown paths (404).
    Public,
    /// The overlay pages, `/api/events` and its stream, `/api/overlay/state`
    /// (all read-only; GET only): the API key or the overlay token.
    Overlay,
    /// `/dashboard`: the API key; a browser is asked for it (Basic).
    Dashboard,
    /// Every other `/api/*`: the API key only.
    Api,
}

/// Which [`Access`] a request path needs.
pub fn access(path: &str) -> Access {
    if path.starts_with("/overlay/")
        || path == "/api/events"
        || path == "/api/events/stream"
        || path == "/api/overlay/state"
    {
        Access::Overlay
    } else if path == "/dashboard" {
        Access::Dashboard
    } else if path == "/api" || path.starts_with("/api/") {
        Access::Api
    } else {
        Access::Public
    }
}

/// The `token` parameter of a query string, if any.
pub fn query_token(query: Option<&str>) -> Option<&str> {
    query?
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == "token")
        .map(|(_, v)| v)
}

/// The security headers every page and asset gets.
pub fn secure(mut r: Response) -> Response {
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    r
}

/// An HTML page: the shared stylesheet and library, then the page's script.
fn page_html(title: &str, page: &str, css: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width\">\
         <title>tiklive {title}</title>\
         <link rel=\"stylesheet\" href=\"/assets/{css}\"></head>\
         <body class=\"tl-page tl-page-{page}\"><main id=\"root\" aria-live=\"polite\"></main>\
         <script src=\"/assets/tiklive.js\"></script>\
         <script src=\"/assets/{page}.js\"></script></body></html>\n"
    )
}

fn html(body: String, headers: &HeaderMap) -> Response {
    assets::respond(
        "text/html; charset=utf-8",
        axum::body::Bytes::from(body),
        headers,
    )
}

/// `GET /overlay/{page}`: 404 for an unknown page, 400 for a setting the
/// page does not take or a bad value ([`settings::check`]).
pub(super) async fn overlay_page(
    Path(page): Path<String>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
    headers: HeaderMap,
) -> Response {
    if !PAGES.contains(&page.as_str()) {
        return secure(
            ApiError::not_found(format!(
                "there is no overlay '{page}'; the overlays are {}",
                PAGES.join(", ")
            ))
            .into_response(),
        );
    }
    let checked = query
        .map_err(|e| e.body_text())
        .and_then(|Query(pairs)| settings::check(&page, &pairs));
    if let Err(why) = checked {
        return secure(ApiError::bad_request(why).into_response());
    }
    html(page_html(&page, &page, "tiklive.css"), &headers)
}

/// `GET /dashboard`.
pub(super) async fn dashboard(headers: HeaderMap) -> Response {
    html(
        page_html("dashboard", "dashboard", "dashboard.css"),
        &headers,
    )
}

/// `GET /assets/{file}`.
pub(super) async fn asset(Path(file): Path<String>, headers: HeaderMap) -> Response {
    match assets::find(&file) {
        Some(a) => assets::respond(
            a.content_type,
            axum::body::Bytes::from_static(a.bytes),
            &headers,
        ),
        None => secure(ApiError::not_found(format!("there is no asset '{file}'")).into_response()),
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct StateQuery {
    #[serde(default)]
    streamer: Option<String>,
    #[serde(default)]
    top: Option<usize>,
    /// The overlay token (checked by the auth layer).
    #[serde(default)]
    #[allow(dead_code)]
    token: Option<String>,
}

/// `GET /api/overlay/state?streamer=&top=`.
pub(super) async fn state(
    State(app): State<AppState>,
    query: Result<Query<StateQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(q) = query.map_err(|e| ApiError::bad_request(e.body_text()))?;
    let top = q.top.unwrap_or(10);
    if !(1..=tally::TOP_KEPT).contains(&top) {
        return Err(ApiError::bad_request(format!(
            "top must be a whole number from 1 to {}",
            tally::TOP_KEPT
        )));
    }
    let streamer = q
        .streamer
        .as_deref()
        .map(|s| s.trim().trim_start_matches('@'))
        .filter(|s| !s.is_empty());
    let snap = app.tally.snapshot(streamer, top);
    let mut body = serde_json::to_value(&snap).expect("the snapshot serialises");
    body["lastSeq"] = (*app.head.borrow()).into();
    Ok(json_text(StatusCode::OK, body.to_string()))
}

/// `GET /api/overlay/token`.
pub(super) async fn token(State(app): State<AppState>) -> Response {
    let body = serde_json::json!({ "token": app.overlay_token.as_ref().map(Secret::expose) });
    json_text(StatusCode::OK, body.to_string())
}

/// A test event for the SSE tails.
#[derive(Debug, Clone)]
pub struct TestEvent {
    pub kind: EventKind,
    pub streamer: String,
    /// The envelope, with `"test":true`.
    pub json: Arc<str>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct TestRequest {
    #[serde(default, rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    streamer: Option<String>,
}

/// The kinds `POST /api/test-events` makes samples of.
pub const TEST_KINDS: [EventKind; 6] = [
    EventKind::Chat,
    EventKind::Gift,
    EventKind::Follow,
    EventKind::Share,
    EventKind::SuperFan,
    EventKind::Like,
];

fn sample(kind: EventKind) -> serde_json::Value {
    let user = serde_json::json!({
        "userId": "1", "uniqueId": "tiklive_tester", "username": "tiklive_tester",
        "nickname": "Test viewer", "profilePictureUrl": "",
        "isModerator": false, "isSubscriber": true, "gifterLevel": 5,
    });
    let mut data = user;
    let extra = match kind {
        EventKind::Chat => serde_json::json!({"message": "This is a test message", "emotes": []}),
        EventKind::Gift => serde_json::json!({
            "giftName": "Rose", "giftId": 5655, "repeatCount": 5, "repeatEnd": true,
            "streakable": true, "diamondCount": 1, "totalDiamonds": 5, "giftImageUrl": ""}),
        EventKind::Like => serde_json::json!({"likeCount": 5, "totalLikeCount": 5}),
        EventKind::SuperFan => serde_json::json!({"message": "Test viewer became a Super Fan"}),
        _ => serde_json::json!({"label": "a test event"}),
    };
    if let (Some(d), Some(e)) = (data.as_object_mut(), extra.as_object()) {
        d.extend(e.clone());
    }
    data
}

/// `POST /api/test-events` (`{"type":"gift","streamer":"alice"}`, both
/// optional): 202 with the event sent.
pub(super) async fn test_event(
    State(app): State<AppState>,
    body: Result<axum::body::Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let body = body.map_err(|e| ApiError::from_rejection(e.status(), e.body_text()))?;
    let req: TestRequest = if body.iter().all(u8::is_ascii_whitespace) {
        TestRequest::default()
    } else {
        serde_json::from_slice(&body)
            .map_err(|e| ApiError::bad_request(format!("invalid body: {e}")))?
    };
    let kind = match req.kind.as_deref() {
        None => EventKind::Gift,
        Some(name) => name
            .parse::<EventKind>()
            .ok()
            .filter(|k| TEST_KINDS.contains(k))
            .ok_or_else(|| {
                let names: Vec<&str> = TEST_KINDS.iter().map(|k| k.name()).collect();
                ApiError::bad_request(format!(
                    "type must be one of {}, not '{name}'",
                    names.join(", ")
                ))
            })?,
    };
    let streamer = req
        .streamer
        .map(|s| s.trim().trim_start_matches('@').to_string())
        .filter(|s| !s.is_empty())
        .or_else(|| {
            app.status
                .snapshot()
                .streamers
                .first()
                .map(|s| s.streamer.clone())
        })
        .unwrap_or_else(|| "test".to_string());
    let envelope = serde_json::json!({
        "type": kind.name(),
        "streamer": streamer,
        "data": sample(kind),
        "timestamp": format_iso_millis(now_ms()),
        "id": new_id(),
        "test": true,
    });
    let json: Arc<str> = envelope.to_string().into();
    // No receiver (no page open) is fine: nothing is kept.
    let _ = app.test_events.send(TestEvent {
        kind,
        streamer,
        json: Arc::clone(&json),
    });
    Ok(json_text(StatusCode::ACCEPTED, json.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_map_to_who_may_use_them() {
        assert_eq!(access("/overlay/chat"), Access::Overlay);
        assert_eq!(access("/api/events/stream"), Access::Overlay);
        assert_eq!(access("/api/overlay/state"), Access::Overlay);
        assert_eq!(access("/api/overlay/token"), Access::Api);
        assert_eq!(access("/api/webhooks"), Access::Api);
        assert_eq!(access("/api/events"), Access::Overlay);
        assert_eq!(access("/api/status"), Access::Api);
        assert_eq!(access("/dashboard"), Access::Dashboard);
        assert_eq!(access("/assets/tiklive.js"), Access::Public);
        assert_eq!(access("/healthz"), Access::Public);
    }

    #[test]
    fn the_token_is_derived_from_the_key_and_rotates_with_the_generation() {
        let key = Secret::new("k");
        let t1 = overlay_token(&key, 1);
        assert_eq!(t1, overlay_token(&key, 1));
        assert_ne!(t1, overlay_token(&key, 2));
        assert_ne!(t1, overlay_token(&Secret::new("other"), 1));
        assert_eq!(t1.len(), 43);
        assert_eq!(query_token(Some("a=1&token=xyz")), Some("xyz"));
        assert_eq!(query_token(Some("tokenx=1")), None);
        assert_eq!(query_token(None), None);
    }
}
