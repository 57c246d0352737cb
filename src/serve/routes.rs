//! The handlers. Each returns JSON or an [`ApiError`]; none touches SQLite
//! on the async runtime (the store runs reads on the blocking pool and writes
//! on its writer thread).

use std::fmt::Write as _;

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::config;
use crate::secret::Secret;
use crate::store::{EventQuery, NewWebhook, Page, WebhookStats, events};
use crate::webcast::{EventKind, KindSet};
use crate::webhook::listing::json_row;
use crate::webhook::registered_target;
use crate::webhook::signature::SigningKey;

use super::AppState;
use super::error::ApiError;

/// `?limit=` when not given, and the most it may be.
pub const DEFAULT_LIMIT: usize = 100;
pub const MAX_LIMIT: usize = 1000;
/// Give-ups listed per webhook.
const GIVE_UPS: usize = 10;

/// A JSON response from text that is already JSON.
pub(super) fn json_text(status: StatusCode, body: impl Into<axum::body::Body>) -> Response {
    let mut r = (status, body.into()).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}

pub(super) async fn healthz() -> Response {
    json_text(StatusCode::OK, r#"{"status":"ok"}"#)
}

pub(super) async fn status(State(app): State<AppState>) -> Response {
    let body = serde_json::to_vec(&app.status.snapshot()).expect("the status serialises");
    json_text(StatusCode::OK, body)
}

pub(super) async fn openapi(State(app): State<AppState>) -> Response {
    json_text(StatusCode::OK, app.openapi.clone())
}

/// The query of `/api/events` and `/api/events/stream`, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct EventParams {
    pub query: EventQuery,
    pub limit: usize,
    pub after: Option<i64>,
}

/// Which parameters an endpoint takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Takes {
    /// `type`, `streamer`, `limit`, `after`.
    Page,
    /// `type`, `streamer`, `after`.
    Stream,
}

impl EventParams {
    /// Parse the raw pairs: unknown or repeated parameters and bad values are
    /// 400s naming the parameter (a typo such as `?types=` must not silently
    /// return everything). `type` may repeat and takes comma-separated names.
    pub(super) fn parse(
        query: Result<Query<Vec<(String, String)>>, QueryRejection>,
        takes: Takes,
    ) -> Result<EventParams, ApiError> {
        let Query(pairs) = query.map_err(|e| ApiError::bad_request(e.body_text()))?;
        let known: &[&str] = match takes {
            Takes::Page => &["type", "streamer", "limit", "after", "token"],
            // `token`: the overlay token, checked by the auth layer.
            Takes::Stream => &["type", "streamer", "after", "token"],
        };
        let mut types: Option<KindSet> = None;
        let mut streamer = None;
        let mut limit = None;
        let mut after = None;
        for (key, value) in pairs {
            if !known.contains(&key.as_str()) {
                return Err(ApiError::bad_request(format!(
                    "unknown query parameter '{key}'; this endpoint takes {}",
                    known.join(", ")
                )));
            }
            let twice = || ApiError::bad_request(format!("'{key}' is given more than once"));
            match key.as_str() {
                "type" => {
                    let set = KindSet::parse_list([value.as_str()])
                        .map_err(|e| ApiError::bad_request(format!("type: {e}")))?;
                    if !set.is_empty() {
                        let mut all = types.unwrap_or_default();
                        set.iter().for_each(|k| all.insert(k));
                        types = Some(all);
                    }
                }
                "streamer" => {
                    if streamer.is_some() {
                        return Err(twice());
                    }
                    let name = value.trim().trim_start_matches('@');
                    streamer = Some(name.to_string()).filter(|n| !n.is_empty());
                }
                "limit" => {
                    if limit.is_some() {
                        return Err(twice());
                    }
                    limit = Some(
                        value
                            .trim()
                            .parse::<usize>()
                            .ok()
                            .filter(|n| (1..=MAX_LIMIT).contains(n))
                            .ok_or_else(|| {
                                ApiError::bad_request(format!(
                                    "limit must be a whole number from 1 to {MAX_LIMIT}, not '{value}'"
                                ))
                            })?,
                    );
                }
                "after" => {
                    if after.is_some() {
                        return Err(twice());
                    }
                    after = Some(parse_cursor(&value).ok_or_else(|| {
                        ApiError::bad_request(format!(
                            "after must be a cursor (the 'next' of an earlier page, or an event's 'seq': a whole number, 0 for the oldest), not '{value}'"
                        ))
                    })?);
                }
                "token" => {}
                _ => unreachable!("checked against the known parameters"),
            }
        }
        Ok(EventParams {
            query: EventQuery { types, streamer },
            limit: limit.unwrap_or(DEFAULT_LIMIT),
            after,
        })
    }
}

/// A cursor: a `seq`, 0 for "before the oldest".
pub(super) fn parse_cursor(s: &str) -> Option<i64> {
    s.trim().parse::<i64>().ok().filter(|n| *n >= 0)
}

/// The SSE `Last-Event-ID` header as a cursor, if sent. Errors: 400 when it
/// is not a cursor; `what` says what the ids are ("a seq", "a stream
/// sequence").
pub(super) fn last_event_id(headers: &HeaderMap, what: &str) -> Result<Option<i64>, ApiError> {
    let Some(v) = headers.get("last-event-id") else {
        return Ok(None);
    };
    v.to_str()
        .ok()
        .and_then(parse_cursor)
        .map(Some)
        .ok_or_else(|| {
            ApiError::bad_request(format!(
                "Last-Event-ID must be the id of an earlier message ({what}: a whole number)"
            ))
        })
}

pub(super) async fn events(
    State(app): State<AppState>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, ApiError> {
    let p = EventParams::parse(query, Takes::Page)?;
    if let Some(body) = app.recent.render(p.after, p.limit, &p.query) {
        return Ok(json_text(StatusCode::OK, body));
    }
    // Older cursors and sparse filters: render straight from SQLite rows.
    let body = app
        .store
        .read(move |c| {
            let mut text = PageText::new(p.limit);
            let (next, missed) =
                events::page_each(c, p.after, p.limit, &p.query, &mut |seq, json| {
                    text.push(seq, json)
                })?;
            Ok(text.finish(next, missed))
        })
        .await?;
    Ok(json_text(StatusCode::OK, body))
}

/// `{"seq":N,` + the rest of the stored envelope: the cursor travels with
/// each event while `id` stays the envelope's UUID.
pub(super) fn push_with_seq(out: &mut String, seq: i64, envelope_json: &str) {
    let rest = envelope_json.strip_prefix('{').unwrap_or(envelope_json);
    let _ = write!(out, "{{\"seq\":{seq}");
    if rest != "}" {
        out.push(',');
    }
    out.push_str(rest);
}

/// Builds `{"events":[…],"next":N,"missed":N}` from stored JSON text
/// without parsing it again.
pub struct PageText {
    out: String,
    first: bool,
}

impl PageText {
    pub fn new(limit: usize) -> PageText {
        let mut out = String::with_capacity(limit.min(100) * 600 + 64);
        out.push_str("{\"events\":[");
        PageText { out, first: true }
    }

    /// An envelope's JSON; `seq` is added in front.
    pub fn push(&mut self, seq: i64, envelope_json: &str) {
        self.push_separator();
        push_with_seq(&mut self.out, seq, envelope_json);
    }

    /// Text that already has its `seq`.
    pub fn push_rendered(&mut self, text: &str) {
        self.push_separator();
        self.out.push_str(text);
    }

    fn push_separator(&mut self) {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
    }

    pub fn finish(mut self, next: i64, missed: u64) -> String {
        let _ = write!(self.out, "],\"next\":{next},\"missed\":{missed}}}");
        self.out
    }
}

/// A [`Page`] as the response body.
pub fn render_page(page: &Page) -> String {
    let mut text = PageText::new(page.events.len());
    for (seq, json) in &page.events {
        text.push(*seq, json);
    }
    text.finish(page.next, page.missed)
}

pub(super) async fn list_webhooks(State(app): State<AppState>) -> Result<Response, ApiError> {
    let stats = app.store.webhook_stats(GIVE_UPS).await?;
    let rows: Vec<_> = stats
        .iter()
        .filter(|s| crate::webhook::listing::listed(s))
        .map(json_row)
        .collect();
    let body = serde_json::to_vec(&rows).expect("webhooks serialise");
    Ok(json_text(StatusCode::OK, body))
}

/// A webhook id in a path; anything else names no webhook (404).
fn webhook_id(raw: &str) -> Result<i64, ApiError> {
    raw.parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| no_webhook(raw))
}

fn no_webhook(raw: impl std::fmt::Display) -> ApiError {
    ApiError::not_found(format!("there is no webhook '{raw}'"))
}

async fn one_webhook(app: &AppState, id: i64) -> Result<Option<WebhookStats>, ApiError> {
    Ok(app
        .store
        .webhook_stats(GIVE_UPS)
        .await?
        .into_iter()
        .find(|s| s.webhook.id == id))
}

pub(super) async fn get_webhook(
    State(app): State<AppState>,
    Path(raw): Path<String>,
) -> Result<Response, ApiError> {
    let id = webhook_id(&raw)?;
    let stats = one_webhook(&app, id).await?.ok_or_else(|| no_webhook(id))?;
    let body = serde_json::to_vec(&json_row(&stats)).expect("a webhook serialises");
    Ok(json_text(StatusCode::OK, body))
}

/// `POST /api/webhooks`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CreateWebhook {
    url: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    secret: Option<String>,
    #[serde(default)]
    types: Option<Vec<String>>,
}

/// Whether a `Content-Type` is JSON (`application/json`, `…+json`, any
/// parameters). Requiring it also keeps a web page from registering a
/// webhook through a plain cross-site form post (that would need a CORS
/// preflight, which this server never grants).
fn is_json(headers: &HeaderMap) -> bool {
    let Some(ct) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let essence = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

pub(super) async fn create_webhook(
    State(app): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let body = body.map_err(|e| ApiError::from_rejection(e.status(), e.body_text()))?;
    if !is_json(&headers) {
        return Err(ApiError::unsupported_media_type());
    }
    let value: serde_json::Value = serde_json::from_slice(&body)
        .map_err(|e| ApiError::bad_request(format!("invalid JSON body: {e}")))?;
    if !value.is_object() {
        return Err(ApiError::bad_request(
            r#"the body must be a JSON object such as {"url":"https://example.com/hook"}"#,
        ));
    }
    let req: CreateWebhook = serde_json::from_value(value)
        .map_err(|e| ApiError::bad_request(format!("invalid body: {e}")))?;
    let url = config::validate_webhook_url(&req.url)
        .map_err(|e| ApiError::bad_request(crate::error::message_of(&e)))?;
    let secret = req.secret.filter(|s| !s.is_empty()).map(Secret::new);
    if let Some(s) = &secret {
        SigningKey::from_secret(s.expose()).map_err(|e| ApiError::bad_request(e.message))?;
    }
    let types: Vec<EventKind> = KindSet::parse_list(req.types.iter().flatten().map(String::as_str))
        .map_err(|e| ApiError::bad_request(format!("types: {e}")))?
        .iter()
        .collect();
    let name = req
        .name
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty());
    if name.as_ref().is_some_and(|n| n.chars().count() > 200) {
        return Err(ApiError::bad_request("name is longer than 200 characters"));
    }
    let _registry = app.registry.lock().await;
    let id = app
        .store
        .add_webhook(NewWebhook {
            url,
            name,
            secret,
            types,
        })
        .await?;
    let stats = one_webhook(&app, id)
        .await?
        .ok_or_else(|| ApiError::internal(format!("webhook {id} vanished after it was added")))?;
    let target = registered_target(stats.webhook.clone(), app.fallback_secret.as_ref())?;
    app.engine.add_target(target);
    app.refresh.notify_one();
    let body = serde_json::to_vec(&json_row(&stats)).expect("a webhook serialises");
    let mut response = json_text(StatusCode::CREATED, body);
    if let Ok(location) = HeaderValue::from_str(&format!("/api/webhooks/{id}")) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

pub(super) async fn delete_webhook(
    State(app): State<AppState>,
    Path(raw): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id = webhook_id(&raw)?;
    let _registry = app.registry.lock().await;
    app.engine.remove_target(id);
    match app.store.remove_webhook(id).await? {
        Some(_) => {
            app.refresh.notify_one();
            Ok(StatusCode::NO_CONTENT)
        }
        None => Err(no_webhook(id)),
    }
}

pub(super) async fn not_found() -> ApiError {
    ApiError::not_found("no such endpoint; see /api/openapi.json")
}

pub(super) async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "this endpoint does not take that method; see /api/openapi.json",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_render_with_the_seq_first_and_the_envelope_untouched() {
        let page = Page {
            events: vec![(
                7,
                r#"{"type":"chat","data":{},"timestamp":"t","id":"u"}"#.into(),
            )],
            next: 7,
            missed: 0,
        };
        let text = render_page(&page);
        assert_eq!(
            text,
            r#"{"events":[{"seq":7,"type":"chat","data":{},"timestamp":"t","id":"u"}],"next":7,"missed":0}"#
        );
        let mut out = String::new();
        push_with_seq(&mut out, 1, "{}");
        assert_eq!(out, r#"{"seq":1}"#);
    }
}
