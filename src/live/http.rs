//! The HTTP side of a live connection: one client (timeouts, proxy, the same
//! User-Agent everywhere), the layered room lookup and the sign server call.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::Value;
use tracing::debug;

use super::cookies::CookieJar;
use super::error::LiveError;
use crate::config::LiveConfig;

pub const HTTP_TIMEOUT: Duration = Duration::from_secs(10);
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Idle HTTP connections kept per host. A stream calls HTTP only when it
/// (re)connects, so with many streams most pooled connections would sit idle
/// for the pool's 90 s, each holding its buffers (about 25 KiB: heaptrack, 50
/// streams); a few suffice for reconnects close together.
const IDLE_PER_HOST: usize = 4;

/// Build the one HTTP client of a live run. It presents `cfg.user_agent`,
/// the browser the sign server signs for and the socket shows (protocol.md
/// §9: a mismatch is a plausible rejection cause).
pub fn build_client(cfg: &LiveConfig) -> Result<reqwest::Client, LiveError> {
    let mut b = reqwest::Client::builder()
        .user_agent(cfg.user_agent.as_str())
        .timeout(HTTP_TIMEOUT)
        .connect_timeout(CONNECT_TIMEOUT)
        .pool_max_idle_per_host(IDLE_PER_HOST)
        .redirect(reqwest::redirect::Policy::limited(5));
    if let Some(p) = &cfg.proxy {
        b = b.proxy(p.for_http()?);
    } else {
        b = b.no_proxy();
    }
    b.build()
        .map_err(|e| LiveError::Network(format!("cannot build the HTTP client: {e}")))
}

fn net(what: &str, e: reqwest::Error) -> LiveError {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else {
        "failed"
    };
    LiveError::io(format!("{what} {kind}"), e)
}

/// Whether `e` is a failure to resolve the host name: hyper-util's connect
/// error says `dns error` (the resolver's own text is its source; both the
/// system resolver and one set with `ClientBuilder::dns_resolver` end so).
fn is_dns_failure(e: &reqwest::Error) -> bool {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(c) = cause {
        if c.to_string() == "dns error" {
            return true;
        }
        cause = c.source();
    }
    false
}

/// A failed sign server call: [`LiveError::SignUnresolvable`] when its host
/// does not resolve, else as [`net`].
fn sign_net(url: &reqwest::Url, e: reqwest::Error) -> LiveError {
    if e.is_connect() && is_dns_failure(&e) {
        return LiveError::SignUnresolvable {
            host: url.host_str().unwrap_or_default().to_string(),
            detail: super::error::root_text(&e),
        };
    }
    net("calling the sign server", e)
}

/// What the lookup found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Room {
    /// Empty when the source knows the user is offline but names no room.
    pub room_id: String,
    /// 2 live, 3 paused, 4 offline (None when the source did not say).
    pub status: Option<i64>,
    /// Which source answered: `live page`, `api-live` or `sign provider`.
    pub source: &'static str,
    /// The room title, when the source gives it.
    pub title: Option<String>,
    /// Current viewers, when the source gives them.
    pub viewers: Option<i64>,
    /// When the LIVE started (Unix seconds), when the source gives it.
    pub start_time: Option<i64>,
}

impl Room {
    pub fn is_offline(&self) -> bool {
        self.status == Some(4) || self.room_id.is_empty()
    }
}

/// One layer's verdict.
enum Layer {
    Found(Room),
    NotFound(String),
    Blocked,
    Failed(String),
}

/// Find the room: the live page's SIGI_STATE, then the api-live JSON, then the
/// sign provider's `anchors/{user}/room_id`. A live answer ends the search. An
/// offline answer is provisional: the live page is often stale ("offline
/// while streaming" reports), so the next source is asked, and the user is
/// offline only when no source says live. Then: not found, blocked, or the
/// collected reasons. No sign call is made.
pub async fn resolve_room(
    http: &reqwest::Client,
    cfg: &LiveConfig,
    user: &str,
) -> Result<Room, LiveError> {
    let mut details = Vec::new();
    let mut not_found = false;
    let mut blocked = false;
    let mut offline: Option<Room> = None;
    for step in 0..3 {
        let (name, verdict) = match step {
            0 => ("live page", page_layer(http, cfg, user).await),
            1 => ("api-live", api_layer(http, cfg, user).await),
            _ => ("sign provider", provider_layer(http, cfg, user).await),
        };
        debug!(user, layer = name, "room lookup step done");
        match verdict {
            Layer::Found(room) if room.is_offline() => {
                debug!(user, source = name, "offline (provisional)");
                offline.get_or_insert(room);
            }
            Layer::Found(room) => return Ok(room),
            Layer::NotFound(why) => {
                not_found = true;
                details.push(format!("{name}: {why}"));
            }
            Layer::Blocked => {
                blocked = true;
                details.push(format!("{name}: no SIGI_STATE (captcha or block page)"));
            }
            Layer::Failed(why) => details.push(format!("{name}: {why}")),
        }
    }
    if let Some(room) = offline {
        return Ok(room);
    }
    if not_found {
        return Err(LiveError::UserNotFound(user.to_string()));
    }
    if blocked {
        return Err(LiveError::Blocked {
            user: user.to_string(),
        });
    }
    Err(LiveError::RoomLookup {
        user: user.to_string(),
        details: details.join("; "),
    })
}

/// Build a [`Room`] from a source's room id and status.
fn verdict(source: &'static str, room_id: Option<String>, status: Option<i64>) -> Option<Room> {
    match room_id {
        Some(id) if id != "0" => Some(Room {
            room_id: id,
            status,
            source,
            ..Room::default()
        }),
        _ if status == Some(4) => Some(Room {
            status,
            source,
            ..Room::default()
        }),
        _ => None,
    }
}

/// Title, viewers and start time from a `liveRoom` object (live page and
/// api-live share its shape; field names from TikTokLiveJava's
/// `LiveUserDataMapper`).
fn live_room_details(room: &mut Room, live_room: Option<&Value>) {
    let Some(lr) = live_room else { return };
    room.title = lr
        .get("title")
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty())
        .map(str::to_string);
    room.viewers = int_of(lr.pointer("/liveRoomStats/userCount"));
    room.start_time = int_of(lr.get("startTime")).filter(|t| *t > 0);
}

async fn page_layer(http: &reqwest::Client, cfg: &LiveConfig, user: &str) -> Layer {
    let url = format!("{}/@{}/live", cfg.tiktok_url, user);
    let resp = match http.get(&url).header("Accept", "text/html").send().await {
        Ok(r) => r,
        Err(e) => return Layer::Failed(net("fetching the live page", e).to_string()),
    };
    if resp.status() == StatusCode::NOT_FOUND {
        return Layer::NotFound("the live page does not exist".into());
    }
    if !resp.status().is_success() {
        return Layer::Failed(format!("HTTP {}", resp.status().as_u16()));
    }
    let html = match resp.text().await {
        Ok(t) => t,
        Err(e) => return Layer::Failed(net("reading the live page", e).to_string()),
    };
    let Some(json) = extract_sigi_state(&html) else {
        return Layer::Blocked;
    };
    let Ok(state) = serde_json::from_str::<Value>(json) else {
        return Layer::Blocked;
    };
    let Some(info) = state.pointer("/LiveRoom/liveRoomUserInfo") else {
        return Layer::NotFound(
            "the page has no LiveRoom (never went live, or no such user)".into(),
        );
    };
    let room_id =
        str_of(info.pointer("/user/roomId")).or_else(|| str_of(info.pointer("/liveRoom/roomId")));
    let status =
        int_of(info.pointer("/liveRoom/status")).or_else(|| int_of(info.pointer("/user/status")));
    match verdict("live page", room_id, status) {
        Some(mut room) => {
            live_room_details(&mut room, info.get("liveRoom"));
            Layer::Found(room)
        }
        None => Layer::Failed("no roomId on the page".into()),
    }
}

/// The JSON text inside `<script id="SIGI_STATE" …>…</script>`.
pub fn extract_sigi_state(html: &str) -> Option<&str> {
    let start = html.find("id=\"SIGI_STATE\"")?;
    let open_end = start + html[start..].find('>')? + 1;
    let close = open_end + html[open_end..].find("</script>")?;
    Some(html[open_end..close].trim())
}

fn str_of(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn int_of(v: Option<&Value>) -> Option<i64> {
    match v? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

async fn api_layer(http: &reqwest::Client, cfg: &LiveConfig, user: &str) -> Layer {
    let url = format!(
        "{}/api-live/user/room/?aid=1988&app_name=tiktok_web&device_platform=web_pc&app_language=en\
         &browser_language=en-US&user_is_login=false&uniqueId={}&sourceType=54",
        cfg.tiktok_url, user
    );
    let resp = match http
        .get(&url)
        .header("Accept", "application/json")
        .send()
        .await
    {
        Ok(r) => r,
        Err(e) => return Layer::Failed(net("calling api-live", e).to_string()),
    };
    if !resp.status().is_success() {
        return Layer::Failed(format!("HTTP {}", resp.status().as_u16()));
    }
    let body: Value = match resp.json().await {
        Ok(v) => v,
        Err(_) => return Layer::Failed("the answer is not JSON".into()),
    };
    let code = int_of(body.get("statusCode")).unwrap_or(0);
    let message = body.get("message").and_then(Value::as_str).unwrap_or("");
    if code != 0 {
        if message.contains("user_not_found") {
            return Layer::NotFound("user_not_found".into());
        }
        return Layer::Failed(format!("statusCode {code} {message}").trim().to_string());
    }
    let room_id = str_of(body.pointer("/data/user/roomId"));
    let status = int_of(body.pointer("/data/liveRoom/status"))
        .or_else(|| int_of(body.pointer("/data/user/status")));
    match verdict("api-live", room_id, status) {
        Some(mut room) => {
            live_room_details(&mut room, body.pointer("/data/liveRoom"));
            Layer::Found(room)
        }
        None => Layer::Failed("no roomId in the answer".into()),
    }
}

/// `GET {sign}/webcast/anchors/{user}/room_id` → `{ok, code, message, room_id,
/// is_live, room_status}` (Euler SDKs, 2026-10). `ok: false` or a `code`
/// other than 0/200 is a failure with the server's message; `room_status`
/// (2/3/4) or else `is_live` gives the status.
async fn provider_layer(http: &reqwest::Client, cfg: &LiveConfig, user: &str) -> Layer {
    let url = format!("{}/webcast/anchors/{}/room_id", cfg.sign_url, user);
    let mut req = http.get(&url).header("Accept", "application/json");
    if let Some(key) = &cfg.sign_api_key {
        req = req.header("x-api-key", key.expose());
    }
    let resp = match req.send().await {
        Ok(r) => r,
        Err(e) => return Layer::Failed(net("asking the sign provider", e).to_string()),
    };
    let status = resp.status();
    if matches!(status.as_u16(), 401..=403) {
        return Layer::Failed(format!(
            "HTTP {} (needs an API key with that permission)",
            status.as_u16()
        ));
    }
    if !status.is_success() {
        return Layer::Failed(format!("HTTP {}", status.as_u16()));
    }
    let body: Value = match resp.json().await {
        Ok(v) => v,
        Err(_) => return Layer::Failed("the answer is not JSON".into()),
    };
    provider_verdict(&body)
}

fn provider_verdict(body: &Value) -> Layer {
    let message = body
        .get("message")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let code = int_of(body.get("code"));
    let ok = body.get("ok").and_then(Value::as_bool);
    if ok == Some(false) || code.is_some_and(|c| c != 0 && c != 200) {
        let why = format!(
            "code {}{}",
            code.map_or("?".to_string(), |c| c.to_string()),
            if message.is_empty() {
                String::new()
            } else {
                format!(" {message}")
            }
        );
        return Layer::Failed(why);
    }
    let live = body.get("is_live").and_then(Value::as_bool);
    let status = int_of(body.get("room_status"))
        .filter(|s| *s > 0)
        .or(live.map(|l| if l { 2 } else { 4 }));
    match verdict("sign provider", str_of(body.get("room_id")), status) {
        Some(room) => Layer::Found(room),
        None => Layer::Failed(if message.is_empty() {
            "no room_id in the answer".into()
        } else {
            message
        }),
    }
}

/// What room info (unsigned) says about a room.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoomInfo {
    pub status: Option<i64>,
    pub title: Option<String>,
    pub viewers: Option<i64>,
    pub start_time: Option<i64>,
    pub age_restricted: bool,
}

/// `GET {webcast}/webcast/room/info/?room_id=…` (unsigned). Age restriction
/// is `status_code` 4003110 (TikTokLiveJava), `data.age_restricted.restricted`,
/// or `data` carrying `prompts` or at most one key (TikTokLive's test).
/// `None` when the call fails: the caller then decides without it.
pub async fn room_info(
    http: &reqwest::Client,
    cfg: &LiveConfig,
    room_id: &str,
    jar: &CookieJar,
) -> Option<RoomInfo> {
    let url = format!(
        "{}/webcast/room/info/?aid=1988&app_name=tiktok_web&room_id={}",
        cfg.webcast_url, room_id
    );
    let mut req = http.get(&url);
    let cookie = jar.header();
    if !cookie.is_empty() {
        req = req.header("Cookie", cookie);
    }
    let body = req.send().await.ok()?.json::<Value>().await.ok()?;
    Some(parse_room_info(&body))
}

fn parse_room_info(body: &Value) -> RoomInfo {
    let code = int_of(body.get("status_code")).unwrap_or(0);
    let data = body.get("data");
    let keys = data.and_then(Value::as_object).map_or(0, |o| o.len());
    let restricted = code == 4003110
        || body
            .pointer("/data/age_restricted/restricted")
            .and_then(Value::as_bool)
            == Some(true)
        || data.is_some_and(|d| d.get("prompts").is_some())
        || (code == 0 && data.is_some() && keys <= 1);
    RoomInfo {
        status: int_of(body.pointer("/data/status")),
        title: body
            .pointer("/data/title")
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
            .map(str::to_string),
        viewers: int_of(body.pointer("/data/user_count")),
        start_time: int_of(body.pointer("/data/create_time")).filter(|t| *t > 0),
        age_restricted: restricted,
    }
}

/// Room info before a sign call: catches age-restricted and ended rooms
/// before we spend sign quota. A failed call is not fatal; the sign call
/// decides.
pub async fn check_room_info(
    http: &reqwest::Client,
    cfg: &LiveConfig,
    user: &str,
    room_id: &str,
    jar: &CookieJar,
) -> Result<(), LiveError> {
    let Some(info) = room_info(http, cfg, room_id, jar).await else {
        return Ok(());
    };
    if info.age_restricted && cfg.session_id.is_none() {
        return Err(LiveError::AgeRestricted(user.to_string()));
    }
    if info.status == Some(4) {
        return Err(LiveError::Offline(user.to_string()));
    }
    Ok(())
}

/// What the sign server's connect call gave us.
#[derive(Debug, Clone)]
pub struct Signed {
    /// The raw protobuf fetch result.
    pub fetch: Vec<u8>,
    /// The `x-set-tt-cookie` value (never empty: a sign answer without
    /// cookies is [`LiveError::SignNoCookies`]).
    pub set_cookie: String,
    /// `x-room-id`, when the server reports the room it used.
    pub room_id: Option<String>,
}

/// The client id we give the sign server (`client` query parameter).
pub const SIGN_CLIENT: &str = "ttlive-rust";

/// Which connect route the sign server speaks. The newest one first; an
/// older or self-hosted server that answers it with 404 is asked on the old
/// route for the rest of the run (protocol.md, Late-2026 update).
#[derive(Debug, Default)]
pub struct SignRoute {
    legacy: std::sync::atomic::AtomicBool,
}

impl SignRoute {
    /// True once the server has answered the new route with 404.
    pub fn is_legacy(&self) -> bool {
        self.legacy.load(std::sync::atomic::Ordering::Relaxed)
    }

    fn url(&self, cfg: &LiveConfig, room_id: &str) -> Result<reqwest::Url, LiveError> {
        let raw = if self.is_legacy() {
            format!("{}/webcast/fetch", cfg.sign_url)
        } else {
            format!("{}/webcast/rooms/{room_id}/connect", cfg.sign_url)
        };
        let mut url = reqwest::Url::parse(&raw)
            .map_err(|e| LiveError::Network(format!("bad sign server URL: {e}")))?;
        if self.is_legacy() {
            url.query_pairs_mut().append_pair("room_id", room_id);
        }
        Ok(url)
    }
}

/// Sign a connection to `room_id`: `GET {sign}/webcast/rooms/{room_id}/connect`
/// (EulerApiSdk 0.5.0, TikTok-Live-Connector 2.5.0), falling back once to
/// `GET {sign}/webcast/fetch?room_id=…` on a 404. Query: `client`,
/// `user_agent` (the UA we then use on the socket), `client_enter=true`, and
/// `cursor` when resuming. The 200 body is the first fetch result
/// (protobuf); its `x-set-tt-cookie` header carries the TikTok cookies the
/// socket needs, and an answer without them is an error (both libraries say
/// "no cookies received"). Tested against the fake sign server in
/// `tests/live.rs`.
pub async fn sign_connect(
    http: &reqwest::Client,
    cfg: &LiveConfig,
    route: &SignRoute,
    room_id: &str,
    cursor: Option<&str>,
) -> Result<Signed, LiveError> {
    loop {
        let mut url = route.url(cfg, room_id)?;
        {
            let mut q = url.query_pairs_mut();
            q.append_pair("client", SIGN_CLIENT);
            q.append_pair("user_agent", &cfg.user_agent);
            q.append_pair("client_enter", "true");
            if let Some(c) = cursor.filter(|c| !c.is_empty()) {
                q.append_pair("cursor", c);
            }
        }
        let mut req = http
            .get(url.clone())
            .header("Accept", "application/protobuf,application/json");
        if let Some(key) = &cfg.sign_api_key {
            req = req.header("x-api-key", key.expose());
        }
        // Session cookies reach the sign server only when the user opted in.
        if cfg.send_session_to_signer
            && let Some(sid) = &cfg.session_id
        {
            let idc = cfg.target_idc.as_deref().unwrap_or("useast1a");
            req = req.header(
                "x-cookie-header",
                format!("sessionid={}; tt-target-idc={idc}", sid.expose()),
            );
        }
        let resp = req.send().await.map_err(|e| sign_net(&url, e))?;
        let status = resp.status();
        if status == StatusCode::NOT_FOUND && !route.is_legacy() {
            debug!("the sign server has no /webcast/rooms/{{id}}/connect; using /webcast/fetch");
            route
                .legacy
                .store(true, std::sync::atomic::Ordering::Relaxed);
            continue;
        }
        return read_sign_answer(resp).await;
    }
}

async fn read_sign_answer(resp: reqwest::Response) -> Result<Signed, LiveError> {
    let status = resp.status();
    let headers = resp.headers().clone();
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    let body = resp
        .bytes()
        .await
        .map_err(|e| net("reading the sign server's answer", e))?;
    let text = || {
        let t = String::from_utf8_lossy(&body);
        let msg = serde_json::from_str::<Value>(&t)
            .ok()
            .and_then(|v| v.get("message").and_then(Value::as_str).map(str::to_string))
            .unwrap_or_else(|| t.chars().take(200).collect());
        msg.replace('\n', " ")
    };
    match status.as_u16() {
        200 => {}
        429 => {
            let retry_after = retry_after(
                header("retry-after").as_deref(),
                header("x-ratelimit-reset")
                    .or_else(|| header("ratelimit-reset"))
                    .as_deref(),
            );
            return Err(LiveError::SignRateLimited {
                retry_after,
                message: text(),
            });
        }
        401 => return Err(LiveError::SignUnauthorized),
        402 => return Err(LiveError::SignPaymentRequired(text())),
        403 => return Err(LiveError::SignForbidden(text())),
        code => {
            return Err(LiveError::SignStatus {
                status: code,
                body: text(),
            });
        }
    }
    if body.is_empty() {
        return Err(LiveError::SignEmpty);
    }
    let Some(set_cookie) = header("x-set-tt-cookie") else {
        return Err(LiveError::SignNoCookies {
            handshake_msg: header("handshake-msg"),
            request_id: header("x-request-id").or_else(|| header("x-log-id")),
        });
    };
    Ok(Signed {
        fetch: body.to_vec(),
        set_cookie,
        room_id: header("x-room-id"),
    })
}

/// When to retry after a 429: `retry-after` (seconds), else the reset
/// header (`x-ratelimit-reset`, epoch seconds, as TikTok-Live-Connector reads
/// it; or `RateLimit-Reset`, as TikTokLive reads it). A reset value below
/// 10^9 is taken as seconds from now (the IETF draft's meaning), above it as
/// epoch seconds.
pub fn retry_after(retry_after: Option<&str>, reset: Option<&str>) -> Option<Duration> {
    if let Some(secs) = retry_after.and_then(|s| s.trim().parse::<f64>().ok()) {
        return Some(Duration::from_secs_f64(secs.max(0.0)));
    }
    let reset: u64 = reset?.trim().parse().ok()?;
    if reset < 1_000_000_000 {
        return Some(Duration::from_secs(reset));
    }
    let now = u64::try_from(crate::clock::unix_now()).ok()?;
    Some(Duration::from_secs(reset.saturating_sub(now)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_sigi_state() {
        let html = r#"<html><script id="SIGI_STATE" type="application/json">{"LiveRoom":{}}</script></html>"#;
        assert_eq!(extract_sigi_state(html), Some(r#"{"LiveRoom":{}}"#));
        assert_eq!(extract_sigi_state("<html>Please wait...</html>"), None);
    }

    #[test]
    fn room_info_spots_age_restriction() {
        let r = |v: serde_json::Value| parse_room_info(&v).age_restricted;
        assert!(r(serde_json::json!({"status_code": 4003110})));
        assert!(r(
            serde_json::json!({"status_code": 0, "data": {"prompts": "18+"}})
        ));
        assert!(r(serde_json::json!({"status_code": 0, "data": {"x": 1}})));
        assert!(!r(
            serde_json::json!({"status_code": 0, "data": {"status": 2, "title": "t"}})
        ));
    }

    #[test]
    fn provider_answers_honour_ok_code_and_status() {
        let v = |j: serde_json::Value| match provider_verdict(&j) {
            Layer::Found(r) => format!("{} {:?}", r.room_id, r.status),
            Layer::Failed(w) => format!("failed {w}"),
            _ => "other".into(),
        };
        assert_eq!(
            v(
                serde_json::json!({"ok": true, "code": 200, "room_id": "7", "is_live": true, "room_status": 2})
            ),
            "7 Some(2)"
        );
        assert_eq!(
            v(serde_json::json!({"ok": true, "code": 200, "room_id": "7", "is_live": false})),
            "7 Some(4)"
        );
        assert_eq!(
            v(serde_json::json!({"ok": false, "code": 500, "message": "upstream", "room_id": "7"})),
            "failed code 500 upstream"
        );
    }

    /// A resolver that knows no name: a DNS failure without any lookup.
    struct NoSuchHost;

    impl reqwest::dns::Resolve for NoSuchHost {
        fn resolve(&self, _: reqwest::dns::Name) -> reqwest::dns::Resolving {
            Box::pin(async {
                Err(
                    std::io::Error::other("failed to lookup address information: no such host")
                        .into(),
                )
            })
        }
    }

    #[tokio::test]
    async fn a_sign_host_that_does_not_resolve_is_named_and_final_before_a_connect() {
        use crate::error::Code;
        use crate::live::error::Class;
        let args = crate::cli::ReachArgs {
            sign_url: Some("http://sign.example.invalid:8080".into()),
            ..Default::default()
        };
        let cfg = LiveConfig::reach(&args).unwrap();
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .dns_resolver(std::sync::Arc::new(NoSuchHost))
            .no_proxy()
            .build()
            .unwrap();
        let err = sign_connect(&client, &cfg, &SignRoute::default(), "7", None)
            .await
            .unwrap_err();
        assert!(
            matches!(&err, LiveError::SignUnresolvable { host, .. } if host == "sign.example.invalid"),
            "{err:?}"
        );
        assert_eq!(
            err.to_string(),
            "the sign server's host 'sign.example.invalid' does not resolve (failed to lookup address information: no such host); check --sign-url / SIGN_API_URL, or the network"
        );
        assert_eq!(err.class_when(false), Class::Fatal(Code::Usage));
        assert_eq!(err.code_when(false), Code::Usage);
        // Once the stream has run, a DNS failure is a network blip: retried.
        assert_eq!(err.class_when(true), Class::Retry(None));
        assert_eq!(err.code_when(true), Code::RetriesExhausted);
    }

    #[test]
    fn retry_after_prefers_seconds() {
        assert_eq!(
            retry_after(Some("30"), Some("1")),
            Some(Duration::from_secs(30))
        );
        assert_eq!(retry_after(None, Some("1")), Some(Duration::from_secs(1)));
        assert_eq!(retry_after(None, Some("1000000001")), Some(Duration::ZERO));
        assert_eq!(retry_after(None, None), None);
    }
}
