//! The HTTP side of a live connection: one client (timeouts, proxy, the same
//! User-Agent everywhere), the layered room lookup and the sign server call.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::Value;
use tracing::debug;

use super::cookies::CookieJar;
use super::error::LiveError;
use crate::config::LiveConfig;

/// The browser we present, everywhere: to the sign server (which fetches with
/// it), on the WebSocket, and in `browser_version` (protocol.md §9: a mismatch
/// is a plausible rejection cause).
pub const USER_AGENT: &str = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 \
(KHTML, like Gecko) Chrome/128.0.0.0 Safari/537.36 Edg/128.0.0.0";

pub const HTTP_TIMEOUT: Duration = Duration::from_secs(10);
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Build the one HTTP client of a live run.
pub fn build_client(cfg: &LiveConfig) -> Result<reqwest::Client, LiveError> {
    let mut b = reqwest::Client::builder()
        .user_agent(USER_AGENT)
        .timeout(HTTP_TIMEOUT)
        .connect_timeout(CONNECT_TIMEOUT)
        .redirect(reqwest::redirect::Policy::limited(5));
    if let Some(p) = &cfg.proxy {
        let proxy = reqwest::Proxy::all(p)
            .map_err(|e| LiveError::Network(format!("invalid proxy '{p}': {e}")))?;
        b = b.proxy(proxy);
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
    LiveError::Network(format!("{what} {kind}: {}", root_cause(&e)))
}

fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

/// What the lookup found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Room {
    pub room_id: String,
    /// 2 live, 3 paused, 4 offline (None when the source did not say).
    pub status: Option<i64>,
    pub source: &'static str,
}

impl Room {
    pub fn is_offline(&self) -> bool {
        self.status == Some(4)
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
/// sign provider. Offline (status 4) is a verdict, not a failure.
pub async fn resolve_room(
    http: &reqwest::Client,
    cfg: &LiveConfig,
    user: &str,
) -> Result<Room, LiveError> {
    let mut details = Vec::new();
    let mut not_found = false;
    let mut blocked = false;
    for step in 0..3 {
        let (name, verdict) = match step {
            0 => ("live page", page_layer(http, cfg, user).await),
            1 => ("api-live", api_layer(http, cfg, user).await),
            _ => ("sign provider", provider_layer(http, cfg, user).await),
        };
        debug!(user, layer = name, "room lookup step done");
        match verdict {
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
    match room_id {
        Some(id) if id != "0" => Layer::Found(Room {
            room_id: id,
            status,
            source: "live page",
        }),
        _ if status == Some(4) => Layer::Found(Room {
            room_id: String::new(),
            status,
            source: "live page",
        }),
        _ => Layer::Failed("no roomId on the page".into()),
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
    match room_id {
        Some(id) if id != "0" => Layer::Found(Room {
            room_id: id,
            status,
            source: "api-live",
        }),
        _ if status == Some(4) => Layer::Found(Room {
            room_id: String::new(),
            status,
            source: "api-live",
        }),
        _ => Layer::Failed("no roomId in the answer".into()),
    }
}

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
    let room_id = str_of(body.get("room_id"));
    let live = body.get("is_live").and_then(Value::as_bool);
    match room_id {
        Some(id) if id != "0" => Layer::Found(Room {
            room_id: id,
            status: live.map(|l| if l { 2 } else { 4 }),
            source: "sign provider",
        }),
        _ if live == Some(false) => Layer::Found(Room {
            room_id: String::new(),
            status: Some(4),
            source: "sign provider",
        }),
        _ => Layer::Failed(
            body.get("message")
                .and_then(Value::as_str)
                .unwrap_or("no room_id in the answer")
                .to_string(),
        ),
    }
}

/// Room info (unsigned): catches age-restricted and ended rooms before we
/// spend a sign call. A failure here is not fatal; the sign call decides.
pub async fn check_room_info(
    http: &reqwest::Client,
    cfg: &LiveConfig,
    user: &str,
    room_id: &str,
    jar: &CookieJar,
) -> Result<(), LiveError> {
    let url = format!(
        "{}/webcast/room/info/?aid=1988&app_name=tiktok_web&room_id={}",
        cfg.webcast_url, room_id
    );
    let Ok(resp) = http.get(&url).header("Cookie", jar.header()).send().await else {
        return Ok(());
    };
    let Ok(body) = resp.json::<Value>().await else {
        return Ok(());
    };
    let code = int_of(body.get("status_code")).unwrap_or(0);
    let restricted = body
        .pointer("/data/age_restricted/restricted")
        .and_then(Value::as_bool)
        == Some(true);
    if (code == 4003110 || restricted) && cfg.session_id.is_none() {
        return Err(LiveError::AgeRestricted(user.to_string()));
    }
    if int_of(body.pointer("/data/status")) == Some(4) {
        return Err(LiveError::Offline(user.to_string()));
    }
    Ok(())
}

/// What the sign server's connect call gave us.
#[derive(Debug, Clone)]
pub struct Signed {
    /// The raw protobuf fetch result.
    pub fetch: Vec<u8>,
    /// The `x-set-tt-cookie` value, if any.
    pub set_cookie: Option<String>,
    /// `x-room-id`, when the server reports the room it used.
    pub room_id: Option<String>,
}

/// `GET {sign}/webcast/fetch`: the first fetch result, signed by the server.
pub async fn sign_fetch(
    http: &reqwest::Client,
    cfg: &LiveConfig,
    room_id: &str,
    cursor: Option<&str>,
) -> Result<Signed, LiveError> {
    let mut query: Vec<(&str, String)> = vec![
        ("client", "ttlive-rust".into()),
        ("room_id", room_id.into()),
        ("user_agent", USER_AGENT.into()),
        ("client_enter", "true".into()),
    ];
    if let Some(c) = cursor.filter(|c| !c.is_empty()) {
        query.push(("cursor", c.into()));
    }
    let mut url = reqwest::Url::parse(&format!("{}/webcast/fetch", cfg.sign_url))
        .map_err(|e| LiveError::Network(format!("bad sign server URL: {e}")))?;
    url.query_pairs_mut()
        .extend_pairs(query.iter().map(|(k, v)| (*k, v.as_str())));
    let mut req = http
        .get(url)
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
    let resp = req
        .send()
        .await
        .map_err(|e| net("calling the sign server", e))?;
    let status = resp.status();
    let headers = resp.headers().clone();
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
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
                header("x-ratelimit-reset").as_deref(),
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
    Ok(Signed {
        fetch: body.to_vec(),
        set_cookie: header("x-set-tt-cookie"),
        room_id: header("x-room-id"),
    })
}

/// When to retry after a 429: `retry-after` (seconds) or `x-ratelimit-reset`
/// (epoch seconds).
pub fn retry_after(retry_after: Option<&str>, reset_epoch: Option<&str>) -> Option<Duration> {
    if let Some(secs) = retry_after.and_then(|s| s.trim().parse::<f64>().ok()) {
        return Some(Duration::from_secs_f64(secs.max(0.0)));
    }
    let reset: u64 = reset_epoch?.trim().parse().ok()?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_secs();
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
    fn retry_after_prefers_seconds() {
        assert_eq!(
            retry_after(Some("30"), Some("1")),
            Some(Duration::from_secs(30))
        );
        assert_eq!(retry_after(None, Some("1")), Some(Duration::ZERO));
        assert_eq!(retry_after(None, None), None);
    }
}
