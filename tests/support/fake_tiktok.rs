//! A fake TikTok on 127.0.0.1 for tests and benchmarks: the tiktok.com pages
//! and APIs, the sign server, and the webcast WebSocket, speaking the protocol
//! as shared/reference/protocol.md describes. Everything it is asked and sent
//! is recorded so tests can check it.
//!
//! Shared by `tests/` and `examples/fake_tiktok.rs` (benchmarks).
#![allow(dead_code, clippy::result_large_err)]

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures_util::{SinkExt, StreamExt};
use prost::Message;
use tiklive::webcast::frame::encode_msg_frame;
use tiklive::webcast::proto::{BaseMessage, ControlMessage, FetchResult, PushFrame};
use tokio::net::TcpListener;
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tokio_tungstenite::tungstenite::handshake::server::{
    ErrorResponse, Request, Response as WsResponse,
};

/// How a user's pages answer.
#[derive(Clone, Debug)]
pub enum UserPage {
    Live {
        room_id: String,
    },
    Offline,
    /// A captcha page without SIGI_STATE (and api-live failing too).
    Captcha,
    NotFound,
    /// Live but age-restricted (room info says 4003110).
    AgeRestricted {
        room_id: String,
    },
    /// Offline for the first `n` lookups, then live.
    OfflineThenLive {
        n: usize,
        room_id: String,
    },
    /// Live, but the live page is stale and says offline; api-live and the
    /// sign provider say live ("offline while streaming" reports).
    StaleOffline {
        room_id: String,
    },
}

/// One sign-server answer.
#[derive(Clone, Debug)]
pub enum SignReply {
    /// A fetch result with `messages` (method, payload) and the socket URL.
    Ok {
        messages: Vec<(String, Vec<u8>)>,
    },
    /// Like `Ok`, but the push server is `ws://{host}:{ws port}/…`: a host
    /// that is not TikTok's (the sign server's fallback server).
    OkVia {
        host: String,
    },
    /// A 200 fetch result without `x-set-tt-cookie`, with these headers.
    NoCookies {
        headers: Vec<(String, String)>,
    },
    Status {
        status: u16,
        headers: Vec<(String, String)>,
        body: String,
    },
    Empty,
}

/// What one WebSocket connection does.
#[derive(Clone, Debug)]
pub enum WsScript {
    /// Send these frames (raw binary messages), pausing `gap` between them,
    /// then do `after`.
    Frames {
        frames: Vec<Vec<u8>>,
        gap: Duration,
        after: WsAfter,
    },
    /// Answer the upgrade with HTTP `status` (200 or 400) and this
    /// `handshake-msg`.
    Reject { status: u16, message: String },
    /// Like `Frames`, but start after the frame whose cursor is the `cursor`
    /// of the socket URL (how TikTok resumes a reconnecting client).
    Resume {
        frames: Vec<Vec<u8>>,
        after: WsAfter,
    },
}

impl WsScript {
    /// `frames` all at once, then the socket stays open.
    pub fn frames(frames: Vec<Vec<u8>>) -> WsScript {
        WsScript::Frames {
            frames,
            gap: Duration::ZERO,
            after: WsAfter::Hang,
        }
    }

    /// These frames, then `after` instead of staying open.
    pub fn then(self, after: WsAfter) -> WsScript {
        match self {
            WsScript::Frames { frames, gap, .. } => WsScript::Frames { frames, gap, after },
            other => other,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum WsAfter {
    /// Drop the TCP connection without a close frame.
    Drop,
    /// Send a close frame.
    Close,
    /// Keep the socket open, say nothing.
    Hang,
}

/// A frame the client sent.
#[derive(Clone, Debug)]
pub struct ClientFrame {
    pub conn: usize,
    pub payload_type: String,
    pub log_id: u64,
    pub payload: Vec<u8>,
}

#[derive(Default)]
pub struct Recorded {
    pub page_lookups: usize,
    /// The path of every sign call (both routes, 404s included).
    pub sign_paths: Vec<String>,
    /// When each answered sign call (not a 404) arrived.
    pub sign_times: Vec<std::time::Instant>,
    /// Calls to the sign provider's room-id route.
    pub anchor_lookups: usize,
    /// The query of every answered sign call; `room_id` is filled in from
    /// the path on the new route.
    pub sign_queries: Vec<HashMap<String, String>>,
    pub sign_headers: Vec<HashMap<String, String>>,
    pub ws_queries: Vec<String>,
    pub ws_headers: Vec<HashMap<String, String>>,
    pub client_frames: Vec<ClientFrame>,
    /// When each client frame arrived.
    pub client_frame_times: Vec<std::time::Instant>,
    /// Close frames received from the client.
    pub closes: usize,
}

#[derive(Default)]
struct Config {
    users: HashMap<String, UserPage>,
    sign: VecDeque<SignReply>,
    ws: VecDeque<WsScript>,
    /// An older sign server: `/webcast/rooms/{id}/connect` answers 404.
    legacy_sign: bool,
    /// The `Handshake-Options` header of accepted upgrades.
    handshake_options: Option<String>,
    /// With no script queued: an endless chat per room, one frame per gap.
    endless: Option<Duration>,
}

#[derive(Clone)]
pub struct FakeTikTok {
    pub http_addr: SocketAddr,
    pub ws_addr: SocketAddr,
    cfg: Arc<Mutex<Config>>,
    pub rec: Arc<Mutex<Recorded>>,
}

impl FakeTikTok {
    /// Start both listeners on 127.0.0.1 (port 0) in the current runtime.
    pub async fn start() -> FakeTikTok {
        let http = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let ws = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let fake = FakeTikTok {
            http_addr: http.local_addr().unwrap(),
            ws_addr: ws.local_addr().unwrap(),
            cfg: Arc::default(),
            rec: Arc::default(),
        };
        let app = Router::new()
            .route("/{page}/live", get(live_page))
            .route("/api-live/user/room/", get(api_live))
            .route("/webcast/fetch", get(sign_fetch))
            .route("/webcast/rooms/{room}/connect", get(sign_connect))
            .route("/webcast/anchors/{user}/room_id", get(provider_room))
            .route("/webcast/room/info/", get(room_info))
            .with_state(fake.clone());
        tokio::spawn(async move {
            let _ = axum::serve(http, app).await;
        });
        let me = fake.clone();
        tokio::spawn(async move {
            let mut conn = 0;
            while let Ok((tcp, _)) = ws.accept().await {
                conn += 1;
                let me = me.clone();
                tokio::spawn(async move { me.serve_ws(tcp, conn).await });
            }
        });
        fake
    }

    /// The base URL for TIKLIVE_TIKTOK_URL, TIKLIVE_WEBCAST_URL and SIGN_API_URL.
    /// The variables that point tiklive's TikTok pages, webcast API and
    /// sign server at this fake.
    pub fn env(&self) -> [(&'static str, String); 3] {
        let url = self.url();
        [
            ("TIKLIVE_TIKTOK_URL", url.clone()),
            ("TIKLIVE_WEBCAST_URL", url.clone()),
            ("SIGN_API_URL", url),
        ]
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.http_addr)
    }

    /// `name` is live in room `room_id` (the usual [`FakeTikTok::user`]).
    pub fn live(&self, name: &str, room_id: &str) -> &Self {
        self.user(
            name,
            UserPage::Live {
                room_id: room_id.into(),
            },
        )
    }

    pub fn user(&self, name: &str, page: UserPage) -> &Self {
        self.cfg
            .lock()
            .unwrap()
            .users
            .insert(name.to_string(), page);
        self
    }

    pub fn sign(&self, reply: SignReply) -> &Self {
        self.cfg.lock().unwrap().sign.push_back(reply);
        self
    }

    pub fn ws(&self, script: WsScript) -> &Self {
        self.cfg.lock().unwrap().ws.push_back(script);
        self
    }

    /// Act as an older sign server without the new connect route.
    pub fn legacy_sign(&self) -> &Self {
        self.cfg.lock().unwrap().legacy_sign = true;
        self
    }

    /// Send this `Handshake-Options` header on accepted upgrades.
    pub fn handshake_options(&self, value: &str) -> &Self {
        self.cfg.lock().unwrap().handshake_options = Some(value.to_string());
        self
    }

    /// When no script is queued, every connection gets an endless stream for
    /// its room: one chat message per `gap`, message `n` (from 1) with
    /// `msgId` = room id × 1,000,000 + n, content `m<n>` and cursor
    /// `gen-<n>`; a socket URL with cursor `gen-<n>` resumes at `n + 1`, as
    /// TikTok resumes a reconnecting client.
    pub fn endless(&self, gap: Duration) -> &Self {
        self.cfg.lock().unwrap().endless = Some(gap);
        self
    }

    pub fn recorded<R>(&self, f: impl FnOnce(&Recorded) -> R) -> R {
        f(&self.rec.lock().unwrap())
    }

    fn push_server(&self) -> String {
        self.push_server_at(&self.ws_addr.ip().to_string())
    }

    fn push_server_at(&self, host: &str) -> String {
        format!(
            "ws://{host}:{}/webcast/im/ws_proxy/ws_reuse_supplement/",
            self.ws_addr.port()
        )
    }

    async fn serve_ws(&self, tcp: tokio::net::TcpStream, conn: usize) {
        let (queued, endless) = {
            let mut cfg = self.cfg.lock().unwrap();
            (cfg.ws.pop_front(), cfg.endless)
        };
        if let (None, Some(gap)) = (&queued, endless) {
            return self.serve_endless(tcp, gap).await;
        }
        let script = queued.unwrap_or(WsScript::Frames {
            frames: vec![],
            gap: Duration::ZERO,
            after: WsAfter::Hang,
        });
        if let WsScript::Reject { status, message } = &script {
            // Read the upgrade request, then answer 200 instead of 101, as
            // TikTok does when it refuses a client.
            use tokio::io::{AsyncReadExt, AsyncWriteExt};
            let mut tcp = tcp;
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") {
                if tcp.read(&mut byte).await.unwrap_or(0) == 0 {
                    return;
                }
                head.push(byte[0]);
            }
            let text = String::from_utf8_lossy(&head).to_string();
            let uri = text.split_whitespace().nth(1).unwrap_or("").to_string();
            self.rec.lock().unwrap().ws_queries.push(uri);
            let reason = if *status == 400 { "Bad Request" } else { "OK" };
            let resp = format!(
                "HTTP/1.1 {status} {reason}\r\nhandshake-status: 415\r\nhandshake-msg: {message}\r\ncontent-length: 0\r\n\r\n"
            );
            let _ = tcp.write_all(resp.as_bytes()).await;
            let _ = tcp.shutdown().await;
            return;
        }
        let rec = self.rec.clone();
        let options = self.cfg.lock().unwrap().handshake_options.clone();
        let callback = move |req: &Request,
                             mut resp: WsResponse|
              -> Result<WsResponse, ErrorResponse> {
            if let Some(o) = &options {
                resp.headers_mut()
                    .insert("handshake-options", o.parse().unwrap());
            }
            let mut r = rec.lock().unwrap();
            r.ws_queries.push(req.uri().to_string());
            r.ws_headers.push(
                req.headers()
                    .iter()
                    .map(|(k, v)| (k.as_str().to_string(), v.to_str().unwrap_or("").to_string()))
                    .collect(),
            );
            Ok(resp)
        };
        let Ok(ws) = tokio_tungstenite::accept_hdr_async(tcp, callback).await else {
            return;
        };
        let (frames, gap, after) = match script {
            WsScript::Frames { frames, gap, after } => (frames, gap, after),
            WsScript::Resume { frames, after } => {
                let query = self.recorded(|r| r.ws_queries.last().cloned().unwrap_or_default());
                let cursor = query
                    .split(['?', '&'])
                    .find_map(|kv| kv.strip_prefix("cursor="))
                    .map(|c| c.replace("%2F", "/"))
                    .unwrap_or_default();
                let start = frames
                    .iter()
                    .position(|f| frame_cursor(f) == cursor)
                    .map_or(0, |i| i + 1);
                (frames[start..].to_vec(), Duration::ZERO, after)
            }
            WsScript::Reject { .. } => return,
        };
        let (mut sink, mut stream) = ws.split();
        let rec = self.rec.clone();
        let reader = tokio::spawn(async move {
            while let Some(msg) = stream.next().await {
                let Ok(msg) = msg else { break };
                if let WsMessage::Close(_) = msg {
                    rec.lock().unwrap().closes += 1;
                }
                if let WsMessage::Binary(b) = msg
                    && let Ok(f) = PushFrame::decode(&b[..])
                {
                    let mut r = rec.lock().unwrap();
                    r.client_frame_times.push(std::time::Instant::now());
                    r.client_frames.push(ClientFrame {
                        conn,
                        payload_type: f.payload_type,
                        log_id: f.log_id,
                        payload: f.payload.to_vec(),
                    });
                }
            }
        });
        // Wait for im_enter_room before pushing, as TikTok does.
        for _ in 0..200 {
            let entered = self.recorded(|r| {
                r.client_frames
                    .iter()
                    .any(|f| f.conn == conn && f.payload_type == "im_enter_room")
            });
            if entered {
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        for frame in frames {
            if sink.send(WsMessage::Binary(frame.into())).await.is_err() {
                return;
            }
            if !gap.is_zero() {
                tokio::time::sleep(gap).await;
            }
        }
        match after {
            WsAfter::Drop => {
                reader.abort();
                drop(sink);
            }
            WsAfter::Close => {
                let _ = sink.send(WsMessage::Close(None)).await;
                let _ = reader.await;
            }
            WsAfter::Hang => {
                let _ = reader.await;
            }
        }
    }
}

impl FakeTikTok {
    async fn serve_endless(&self, tcp: tokio::net::TcpStream, gap: Duration) {
        let uri = Arc::new(Mutex::new(String::new()));
        let (seen, rec) = (uri.clone(), self.rec.clone());
        let callback =
            move |req: &Request, resp: WsResponse| -> Result<WsResponse, ErrorResponse> {
                *seen.lock().unwrap() = req.uri().to_string();
                rec.lock().unwrap().ws_queries.push(req.uri().to_string());
                Ok(resp)
            };
        let Ok(ws) = tokio_tungstenite::accept_hdr_async(tcp, callback).await else {
            return;
        };
        let uri = uri.lock().unwrap().clone();
        let param = |name: &str| {
            uri.split(['?', '&'])
                .find_map(|kv| kv.strip_prefix(name).and_then(|v| v.strip_prefix('=')))
                .unwrap_or("")
                .to_string()
        };
        let room: i64 = param("room_id").parse().unwrap_or(0);
        let mut n: i64 = param("cursor")
            .strip_prefix("gen-")
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        let (mut sink, mut stream) = ws.split();
        let reader = tokio::spawn(async move { while let Some(Ok(_)) = stream.next().await {} });
        loop {
            n += 1;
            if sink
                .send(WsMessage::Binary(endless_frame(room, n).into()))
                .await
                .is_err()
            {
                break;
            }
            tokio::time::sleep(gap).await;
            if reader.is_finished() {
                break;
            }
        }
        reader.abort();
    }
}

/// Frame `n` of room `room`'s endless chat (see [`FakeTikTok::endless`]).
/// Its `createTime` is the wall clock when the frame is made (ms), as
/// TikTok's is the send time: `bench/nats.sh` measures end-to-end latency
/// from it.
pub fn endless_frame(room: i64, n: i64) -> Vec<u8> {
    use tiklive::webcast::proto::{ChatMessage, Common, User};
    let msg_id = room * 1_000_000 + n;
    let chat = ChatMessage {
        common: Some(Common {
            method: "WebcastChatMessage".into(),
            msg_id,
            room_id: room,
            create_time: tiklive::clock::now_ms(),
            ..Default::default()
        }),
        user: Some(User {
            id: 1000 + n % 7,
            nickname: format!("viewer{}", n % 7),
            display_id: format!("viewer{}", n % 7),
            ..Default::default()
        }),
        content: format!("m{n}"),
        ..Default::default()
    };
    let result = FetchResult {
        messages: vec![BaseMessage {
            method: "WebcastChatMessage".into(),
            payload: chat.encode_to_vec().into(),
            msg_id,
            ..Default::default()
        }],
        cursor: format!("gen-{n}"),
        internal_ext: format!("gen_ext_{n}"),
        need_ack: false,
        ..Default::default()
    };
    encode_msg_frame(n, 7_000_000_000 + n as u64, &result.encode_to_vec(), false)
}

fn sigi(json: &str) -> String {
    format!(
        "<!DOCTYPE html><html><head><title>LIVE</title></head><body>\
         <script id=\"SIGI_STATE\" type=\"application/json\">{json}</script></body></html>"
    )
}

/// Whether `page` is live at lookup number `lookups` of the live page.
fn is_live(page: &UserPage, lookups: usize) -> Option<String> {
    match page {
        UserPage::Live { room_id }
        | UserPage::AgeRestricted { room_id }
        | UserPage::StaleOffline { room_id } => Some(room_id.clone()),
        UserPage::OfflineThenLive { n, room_id } if lookups > *n => Some(room_id.clone()),
        _ => None,
    }
}

async fn live_page(State(fake): State<FakeTikTok>, Path(page): Path<String>) -> Response {
    let user = page.trim_start_matches('@').to_string();
    let lookups = {
        let mut r = fake.rec.lock().unwrap();
        r.page_lookups += 1;
        r.page_lookups
    };
    let cfg = fake.cfg.lock().unwrap().users.get(&user).cloned();
    let page = |room: &str, status: i64| {
        sigi(&format!(
            r#"{{"LiveRoom":{{"liveRoomUserInfo":{{"user":{{"roomId":"{room}","uniqueId":"{user}","status":{status}}},"liveRoom":{{"roomId":"{room}","status":{status},"title":"{user} live","startTime":1714586400,"liveRoomStats":{{"userCount":42}}}}}}}}}}"#
        ))
    };
    match cfg {
        Some(UserPage::Captcha) => {
            "<html><body>Please wait... verifying you are human</body></html>".into_response()
        }
        Some(UserPage::NotFound) | None => sigi(r#"{"AppContext":{}}"#).into_response(),
        Some(UserPage::StaleOffline { room_id }) => page(&room_id, 4).into_response(),
        Some(p) => match is_live(&p, lookups) {
            Some(room) => page(&room, 2).into_response(),
            None => page("", 4).into_response(),
        },
    }
}

async fn api_live(
    State(fake): State<FakeTikTok>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let user = q.get("uniqueId").cloned().unwrap_or_default();
    let cfg = fake.cfg.lock().unwrap().users.get(&user).cloned();
    let lookups = fake.rec.lock().unwrap().page_lookups;
    match cfg {
        Some(UserPage::Captcha) => (StatusCode::FORBIDDEN, "blocked").into_response(),
        Some(UserPage::NotFound) | None => {
            axum::Json(serde_json::json!({"statusCode": 19881007, "message": "user_not_found"}))
                .into_response()
        }
        Some(p) => {
            let (room, status) = match is_live(&p, lookups) {
                Some(room) => (room, 2),
                None => (String::new(), 4),
            };
            axum::Json(serde_json::json!({
                "statusCode": 0,
                "data": {
                    "user": {"uniqueId": user, "roomId": room, "status": status},
                    "liveRoom": {
                        "title": format!("{user} live"),
                        "startTime": 1714586400,
                        "status": status,
                        "liveRoomStats": {"userCount": 42}
                    }
                }
            }))
            .into_response()
        }
    }
}

async fn provider_room(State(fake): State<FakeTikTok>, Path(user): Path<String>) -> Response {
    let lookups = {
        let mut r = fake.rec.lock().unwrap();
        r.anchor_lookups += 1;
        r.page_lookups
    };
    let cfg = fake.cfg.lock().unwrap().users.get(&user).cloned();
    match cfg {
        Some(UserPage::Captcha) => (StatusCode::UNAUTHORIZED, "needs a key").into_response(),
        Some(UserPage::NotFound) | None => axum::Json(serde_json::json!({
            "ok": false, "code": 404, "message": "user not found"
        }))
        .into_response(),
        Some(p) => {
            let room = is_live(&p, lookups);
            axum::Json(serde_json::json!({
                "ok": true,
                "code": 200,
                "room_id": room.clone().unwrap_or_default(),
                "is_live": room.is_some(),
                "room_status": if room.is_some() { 2 } else { 4 },
            }))
            .into_response()
        }
    }
}

async fn room_info(
    State(fake): State<FakeTikTok>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let room = q.get("room_id").cloned().unwrap_or_default();
    let restricted = fake
        .cfg
        .lock()
        .unwrap()
        .users
        .values()
        .any(|p| matches!(p, UserPage::AgeRestricted { room_id } if *room_id == room));
    if restricted {
        return axum::Json(serde_json::json!({"status_code": 4003110, "data": {"prompts": "18+"}}))
            .into_response();
    }
    axum::Json(serde_json::json!({"status_code": 0, "data": {
        "status": 2, "title": "live", "user_count": 42, "owner": {"id_str": "1"}
    }}))
    .into_response()
}

fn record_sign(fake: &FakeTikTok, path: String, headers: &HeaderMap, q: HashMap<String, String>) {
    let mut r = fake.rec.lock().unwrap();
    r.sign_paths.push(path);
    r.sign_times.push(std::time::Instant::now());
    r.sign_queries.push(q);
    r.sign_headers.push(
        headers
            .iter()
            .map(|(k, v)| (k.as_str().to_string(), v.to_str().unwrap_or("").to_string()))
            .collect(),
    );
}

/// The sign server's connect route (`/webcast/rooms/{room}/connect`).
async fn sign_connect(
    State(fake): State<FakeTikTok>,
    Path(room): Path<String>,
    headers: HeaderMap,
    Query(mut q): Query<HashMap<String, String>>,
) -> Response {
    let path = format!("/webcast/rooms/{room}/connect");
    if fake.cfg.lock().unwrap().legacy_sign {
        fake.rec.lock().unwrap().sign_paths.push(path);
        return (StatusCode::NOT_FOUND, "no such route").into_response();
    }
    q.insert("room_id".into(), room);
    record_sign(&fake, path, &headers, q.clone());
    sign_answer(&fake, &q)
}

/// The older route (`/webcast/fetch?room_id=…`).
async fn sign_fetch(
    State(fake): State<FakeTikTok>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    record_sign(&fake, "/webcast/fetch".into(), &headers, q.clone());
    sign_answer(&fake, &q)
}

fn sign_answer(fake: &FakeTikTok, q: &HashMap<String, String>) -> Response {
    let reply = fake
        .cfg
        .lock()
        .unwrap()
        .sign
        .pop_front()
        .unwrap_or(SignReply::Ok { messages: vec![] });
    let ok = |messages: Vec<(String, Vec<u8>)>, push: String, cookies: bool| {
        // A resuming client passes its cursor; the result continues from it.
        let n = fake.rec.lock().unwrap().sign_queries.len();
        let cursor = q
            .get("cursor")
            .cloned()
            .unwrap_or_else(|| format!("sign_cursor_{n}"));
        let result = fetch_result(messages, &cursor, &push);
        let mut resp = result.encode_to_vec().into_response();
        let h = resp.headers_mut();
        h.insert(
            "content-type",
            HeaderValue::from_static("application/x-protobuf"),
        );
        if cookies {
            h.insert(
                "x-set-tt-cookie",
                HeaderValue::from_static(
                    "ttwid=1%7Cfake; Path=/; Domain=tiktok.com; HttpOnly, msToken=fake_token; Path=/",
                ),
            );
        }
        resp
    };
    let with_headers = |mut resp: Response, headers: Vec<(String, String)>| {
        for (k, v) in headers {
            resp.headers_mut().insert(
                axum::http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                HeaderValue::from_str(&v).unwrap(),
            );
        }
        resp
    };
    match reply {
        SignReply::Ok { messages } => ok(messages, fake.push_server(), true),
        SignReply::OkVia { host } => ok(vec![], fake.push_server_at(&host), true),
        SignReply::NoCookies { headers } => {
            with_headers(ok(vec![], fake.push_server(), false), headers)
        }
        SignReply::Status {
            status,
            headers,
            body,
        } => with_headers(
            (StatusCode::from_u16(status).unwrap(), body).into_response(),
            headers,
        ),
        SignReply::Empty => (StatusCode::OK, Vec::<u8>::new()).into_response(),
    }
}

/// A fetch result as the sign server returns it.
pub fn fetch_result(
    messages: Vec<(String, Vec<u8>)>,
    cursor: &str,
    push_server: &str,
) -> FetchResult {
    FetchResult {
        messages: messages
            .into_iter()
            .map(|(method, payload)| BaseMessage {
                method,
                payload: payload.into(),
                ..Default::default()
            })
            .collect(),
        cursor: cursor.into(),
        fetch_interval: 1000,
        now: 1_714_586_400_000,
        internal_ext: format!("ext_{cursor}"),
        need_ack: false,
        push_server: push_server.into(),
        route_params: [("imprp".to_string(), "fake_imprp".to_string())]
            .into_iter()
            .collect(),
        heartbeat_duration: 10,
        ..Default::default()
    }
}

/// The cursor of a push frame's fetch result.
pub fn frame_cursor(frame: &[u8]) -> String {
    let f = tiklive::webcast::frame::decode_frame(frame).unwrap();
    FetchResult::decode(&f.payload[..]).unwrap().cursor
}

/// A push frame carrying a control message that ends the stream.
pub fn stream_end_frame(seq: i64) -> Vec<u8> {
    let end = ControlMessage {
        common: Some(tiklive::webcast::proto::Common {
            method: "WebcastControlMessage".into(),
            msg_id: 9_000_000_000 + seq,
            ..Default::default()
        }),
        action: 3,
        ..Default::default()
    };
    let result = FetchResult {
        messages: vec![BaseMessage {
            method: "WebcastControlMessage".into(),
            payload: end.encode_to_vec().into(),
            msg_id: 9_000_000_000 + seq,
            ..Default::default()
        }],
        cursor: format!("end_{seq}"),
        internal_ext: format!("end_ext_{seq}"),
        need_ack: true,
        ..Default::default()
    };
    encode_msg_frame(
        seq,
        8_000_000_000 + seq as u64,
        &result.encode_to_vec(),
        true,
    )
}

/// The demo's push frames (real frames from our encoder), without the demo's
/// own stream end.
pub fn demo_frames() -> Vec<Vec<u8>> {
    tiklive::demo::demo_stream()
        .into_iter()
        .filter(|i| i.kind == tiklive::webcast::capture::RecordKind::Frame)
        .map(|i| i.bytes)
        .collect()
}
