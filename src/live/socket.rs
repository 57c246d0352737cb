//! The WebSocket: URL, handshake, and the driver loop that moves bytes between
//! the socket and the sans-IO [`Connection`]. No protocol decisions here.

use std::time::{Duration, Instant};

use futures_util::{FutureExt, SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};
use tokio_util::sync::CancellationToken;
use tracing::{debug, trace};

use super::cookies::CookieJar;
use super::error::LiveError;
use super::proxy::{self, Proxy};
use crate::clock::now_ms;
use crate::pipeline::{Gather, Stamper};
use crate::record::Recorder;
use crate::term;
use crate::webcast::FetchInfo;
use crate::webcast::capture::RecordKind;
use crate::webcast::connection::{Connection, State};

pub type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

pub const WS_CONNECT_TIMEOUT: Duration = Duration::from_secs(20);

/// The browser identity the socket URL shows: the one User-Agent (its part
/// after `Mozilla/` is `browser_version`) and an IANA city zone.
#[derive(Debug, Clone, Copy)]
pub struct Identity<'a> {
    pub user_agent: &'a str,
    pub tz_name: &'a str,
}

/// The socket URL: `pushServer` as TikTok gives it, plus the standard query
/// (the Node client's, protocol.md §4), the room, the cursor and internal_ext
/// of the fetch result, and its route params.
pub fn build_url(
    fetch: &FetchInfo,
    room_id: &str,
    last_rtt: u32,
    id: Identity<'_>,
) -> Result<String, LiveError> {
    let mut url = reqwest::Url::parse(&fetch.push_server)
        .map_err(|e| LiveError::Network(format!("bad pushServer '{}': {e}", fetch.push_server)))?;
    if !matches!(url.scheme(), "ws" | "wss") {
        return Err(LiveError::Network(format!(
            "pushServer '{}' is not a ws:// or wss:// URL",
            fetch.push_server
        )));
    }
    let browser_version = id
        .user_agent
        .strip_prefix("Mozilla/")
        .unwrap_or(id.user_agent);
    {
        let mut q = url.query_pairs_mut();
        for (k, v) in [
            ("version_code", "180800"),
            ("aid", "1988"),
            ("app_language", "en"),
            ("app_name", "tiktok_web"),
            ("browser_platform", "MacIntel"),
            ("browser_language", "en-US"),
            ("browser_name", "Mozilla"),
            ("browser_version", browser_version),
            ("browser_online", "true"),
            ("cookie_enabled", "true"),
            ("device_platform", "web"),
            ("identity", "audience"),
            ("live_id", "12"),
            ("webcast_language", "en"),
            ("ws_direct", "0"),
            ("sup_ws_ds_opt", "1"),
            ("update_version_code", "2.0.0"),
            ("did_rule", "3"),
            ("screen_height", "1080"),
            ("screen_width", "1920"),
            ("heartbeat_duration", "0"),
            ("resp_content_type", "protobuf"),
            ("history_comment_count", "6"),
            ("client_enter", "1"),
        ] {
            q.append_pair(k, v);
            if k == "cookie_enabled" {
                q.append_pair("tz_name", id.tz_name);
            }
        }
        q.append_pair("last_rtt", &last_rtt.to_string());
        q.append_pair("compress", "gzip");
        q.append_pair("room_id", room_id);
        q.append_pair("internal_ext", &fetch.internal_ext);
        q.append_pair("cursor", &fetch.cursor);
        for (k, v) in &fetch.route_params {
            if !v.is_empty() {
                q.append_pair(k, v);
            }
        }
        // Production URLs carry version_code twice (protocol.md §4).
        q.append_pair("version_code", "270000");
    }
    Ok(url.to_string())
}

/// Whether `host` is TikTok's (or the configured stand-in for it): anything
/// else is a sign server's fallback push server.
pub fn is_tiktok_host(host: &str, own: &[&str]) -> bool {
    let host = host.to_ascii_lowercase();
    ["tiktok.com", "tiktokv.com", "tiktokv.us", "tiktokcdn.com"]
        .iter()
        .any(|d| host == *d || host.ends_with(&format!(".{d}")))
        || own.iter().any(|o| o.eq_ignore_ascii_case(&host))
}

/// An open socket and what its handshake said.
pub struct Opened {
    pub ws: Ws,
    /// The `Handshake-Options` response header, when present (its
    /// `ping-interval` sets the heartbeat: see [`Connection::open`]).
    pub handshake_options: Option<String>,
}

/// Open the socket (through the proxy if any) with `user_agent` and the
/// jar's cookies (none at all when the jar is empty). A 200 or 400 carrying
/// `handshake-msg` instead of 101 is a rejection whose message we report
/// verbatim; `fallback` names the push server's host when it is not TikTok's.
pub async fn open(
    url: &str,
    jar: &CookieJar,
    proxy: Option<&Proxy>,
    user_agent: &str,
    fallback: Option<&str>,
) -> Result<Opened, LiveError> {
    let parsed =
        reqwest::Url::parse(url).map_err(|e| LiveError::Network(format!("bad socket URL: {e}")))?;
    let host = parsed.host_str().unwrap_or_default().to_string();
    let port = parsed.port_or_known_default().unwrap_or(443);
    let mut request = url
        .into_client_request()
        .map_err(|e| LiveError::Network(format!("bad socket URL: {e}")))?;
    let headers = request.headers_mut();
    let put =
        |h: &mut tokio_tungstenite::tungstenite::http::HeaderMap, k: &'static str, v: &str| {
            if let Ok(v) = v.parse() {
                h.insert(k, v);
            }
        };
    put(headers, "User-Agent", user_agent);
    let cookie = jar.header();
    if !cookie.is_empty() {
        put(headers, "Cookie", &cookie);
    }
    put(headers, "Origin", "https://www.tiktok.com");
    put(headers, "Referer", "https://www.tiktok.com/");
    let connect = async {
        let tcp = proxy::connect(&host, port, proxy).await?;
        let _ = tcp.set_nodelay(true);
        tokio_tungstenite::client_async_tls_with_config(request, tcp, Some(ws_config()), None)
            .await
            .map_err(|e| handshake_error(e, fallback))
    };
    let (ws, resp) = tokio::time::timeout(WS_CONNECT_TIMEOUT, connect)
        .await
        .map_err(|_| {
            LiveError::Network(format!(
                "opening the WebSocket timed out after {}s",
                WS_CONNECT_TIMEOUT.as_secs()
            ))
        })??;
    let handshake_options = resp
        .headers()
        .get("handshake-options")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    Ok(Opened {
        ws,
        handshake_options,
    })
}

/// The WebSocket's buffers. tungstenite's default read buffer is 128 KiB per
/// socket and fills as frames arrive: with 1,000 streams that was most of the
/// process's memory. Push frames are a few KiB (3 KiB gzip'ed on the demo
/// corpus); a bigger frame still arrives whole, since the buffer grows to the
/// frame's length. Measured with `bench/live.sh` (sections 3 and 4).
///
/// Frames we send (acks, heartbeats) are gathered in a write buffer of up to
/// [`WS_WRITE_BUFFER`] and written when the driver flushes, once per burst of
/// received frames: with a write buffer of 0 every ack was its own `sendto`,
/// about a third of a live stream's CPU time (`bench/live.sh` section 2).
fn ws_config() -> tokio_tungstenite::tungstenite::protocol::WebSocketConfig {
    tokio_tungstenite::tungstenite::protocol::WebSocketConfig::default()
        .read_buffer_size(WS_READ_BUFFER)
        .write_buffer_size(WS_WRITE_BUFFER)
}

/// Bytes of outgoing frames gathered before they are written without a flush
/// (a burst's acks are a few dozen bytes each, so they rarely reach it).
const WS_WRITE_BUFFER: usize = 4 * 1024;

/// Bytes the WebSocket reads from the socket at a time.
const WS_READ_BUFFER: usize = 8 * 1024;

fn handshake_error(e: tokio_tungstenite::tungstenite::Error, fallback: Option<&str>) -> LiveError {
    use tokio_tungstenite::tungstenite::Error;
    match e {
        Error::Http(resp) => {
            let header = |n: &str| {
                resp.headers()
                    .get(n)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("")
                    .to_string()
            };
            let message = header("handshake-msg");
            let status = resp.status().as_u16();
            if status == 200 || (status == 400 && !message.is_empty()) {
                let message = if message.is_empty() {
                    let body: String = resp
                        .body()
                        .as_ref()
                        .map(|b| String::from_utf8_lossy(b).chars().take(120).collect())
                        .unwrap_or_default();
                    if body.trim().is_empty() {
                        "(none)".to_string()
                    } else {
                        body.replace(['\r', '\n'], " ")
                    }
                } else {
                    message
                };
                LiveError::HandshakeRejected {
                    status,
                    message,
                    fallback: fallback.map(str::to_string),
                }
            } else {
                LiveError::Network(
                    format!("the WebSocket upgrade failed with HTTP {status} {message}")
                        .trim()
                        .to_string(),
                )
            }
        }
        other => LiveError::io("the WebSocket failed", other),
    }
}

/// How a connection ended.
#[derive(Debug, Clone, PartialEq)]
pub enum DriveEnd {
    /// A control message ended the stream (action 3 or 4).
    StreamEnded(i32),
    Cancelled,
    /// Whoever reads our events went away.
    ConsumerGone,
    /// The server closed the socket.
    Closed {
        code: u16,
        reason: String,
    },
    /// Nothing arrived for the idle timeout.
    Dead,
    /// Receiving failed: the socket went away without a close frame.
    Reset(String),
    /// Sending failed.
    Failed(String),
}

/// Everything the driver writes to.
pub struct Outputs<'a, G: Gather> {
    pub stamper: &'a mut Stamper,
    /// Where the stamped events of a burst are gathered before they are
    /// handed to `tx` as one batch (empty between bursts).
    pub gather: &'a mut G,
    pub recorder: Option<&'a mut Recorder>,
    pub tx: &'a mpsc::Sender<G::Batch>,
    pub cancel: &'a CancellationToken,
    /// Told the session cursor after each batch is handed to `tx`.
    pub cursor_out: Option<&'a tokio::sync::watch::Sender<String>>,
}

/// Drive the socket `ws`, just opened with `conn` (whose enter-room frame is
/// queued), until it ends. `conn`'s times are milliseconds since `clock`.
/// The driver only moves bytes and time:
/// - it writes every frame `conn` wants sent before it waits for anything
///   else, so enter-room, acks and heartbeats never wait for the consumer;
/// - when the consumer is behind (the channel is full), it holds one batch,
///   stops reading the socket (`conn.pause`) and keeps the heartbeats going;
/// - it sleeps until `conn.poll_timeout()`.
///
/// Events already decoded are handed over before any end is returned, except
/// when the consumer has gone.
pub async fn drive<G: Gather>(
    ws: Ws,
    conn: &mut Connection,
    clock: Instant,
    mut out: Outputs<'_, G>,
) -> DriveEnd {
    let start = clock;
    let ms = move || start.elapsed().as_millis() as u64;
    let (mut sink, mut stream) = ws.split();
    // A batch the consumer has not taken yet; the socket is not read meanwhile.
    let mut pending: Option<G::Batch> = None;
    let end = loop {
        if let Err(e) = write_transmits(&mut sink, conn).await {
            break DriveEnd::Failed(e);
        }
        if conn.state() == State::Dead {
            break DriveEnd::Dead;
        }
        if let Some(action) = conn.stream_end() {
            if !hand_over(&out, conn, pending.take()).await {
                return DriveEnd::ConsumerGone;
            }
            let _ = sink
                .send(WsMessage::Close(Some(CloseFrame {
                    code: CloseCode::Normal,
                    reason: "stream ended".into(),
                })))
                .await;
            return DriveEnd::StreamEnded(action);
        }
        let deadline = conn.poll_timeout().unwrap_or(u64::MAX / 2);
        let wake = tokio::time::Instant::from_std(start + Duration::from_millis(deadline));
        tokio::select! {
            biased;
            _ = out.cancel.cancelled() => {
                let _ = sink.send(WsMessage::Close(Some(CloseFrame { code: CloseCode::Normal, reason: "bye".into() }))).await;
                break DriveEnd::Cancelled;
            }
            // The consumer went away (e.g. --limit reached): end now, not at
            // the next frame.
            _ = out.tx.closed() => {
                let _ = sink.send(WsMessage::Close(Some(CloseFrame { code: CloseCode::Normal, reason: "bye".into() }))).await;
                return DriveEnd::ConsumerGone;
            }
            permit = out.tx.reserve(), if pending.is_some() => {
                let Ok(permit) = permit else { return DriveEnd::ConsumerGone };
                if let Some(batch) = pending.take() {
                    permit.send(batch);
                }
                report_cursor(&out, conn);
                conn.resume(ms());
            }
            msg = stream.next(), if pending.is_none() => {
                // Handle this message and every one already waiting (up to a
                // burst): one flush and one channel hop per burst, not per frame.
                let mut next = Some(msg);
                let mut handled = 0;
                let mut ended = None;
                while let Some(msg) = next.take() {
                    ended = on_message(msg, conn, &mut out, ms());
                    handled += 1;
                    if ended.is_some() || out.gather.len() >= BURST || handled >= BURST || conn.stream_end().is_some() {
                        break;
                    }
                    next = stream.next().now_or_never();
                }
                if let Some(end) = ended {
                    // Events gathered earlier in this burst still go out.
                    pending = out.gather.take();
                    break end;
                }
                if let Some(batch) = out.gather.take() {
                    match out.tx.try_send(batch) {
                        Ok(()) => report_cursor(&out, conn),
                        Err(mpsc::error::TrySendError::Full(batch)) => {
                            pending = Some(batch);
                            conn.pause(ms());
                        }
                        Err(mpsc::error::TrySendError::Closed(_)) => return DriveEnd::ConsumerGone,
                    }
                }
            }
            _ = tokio::time::sleep_until(wake) => conn.handle_timeout(ms()),
        }
    };
    if !hand_over(&out, conn, pending).await {
        return DriveEnd::ConsumerGone;
    }
    end
}
/// Most messages handled (and events gathered) before they are passed on.
/// A burst goes on only while more messages are already waiting, so at a
/// live stream's usual rate a batch is one frame's events; when frames pile
/// up, each batch is one hand-over (and one wake-up of the consumer). 256
/// against 64: live / replay 0.85 and 0.97 against 0.71 and 0.83
/// (`SECTIONS=2 bench/live.sh`, interleaved, 1 December 2026).
const BURST: usize = 256;

/// Write (and flush) every frame `conn` has queued.
async fn write_transmits(
    sink: &mut futures_util::stream::SplitSink<Ws, WsMessage>,
    conn: &mut Connection,
) -> Result<(), String> {
    let mut fed = false;
    while let Some(bytes) = conn.poll_transmit() {
        sink.feed(WsMessage::Binary(bytes.into()))
            .await
            .map_err(|e| format!("sending to the WebSocket failed: {e}"))?;
        fed = true;
    }
    if fed {
        sink.flush()
            .await
            .map_err(|e| format!("sending to the WebSocket failed: {e}"))?;
    }
    Ok(())
}

/// Hand `batch` (if any) to the consumer, waiting for room; false when the
/// consumer has gone.
async fn hand_over<G: Gather>(
    out: &Outputs<'_, G>,
    conn: &Connection,
    batch: Option<G::Batch>,
) -> bool {
    match batch {
        Some(batch) => {
            if out.tx.send(batch).await.is_err() {
                return false;
            }
            report_cursor(out, conn);
            true
        }
        None => true,
    }
}

/// Tell `cursor_out` (if any) the session cursor, when it changed.
fn report_cursor<G: Gather>(out: &Outputs<'_, G>, conn: &Connection) {
    if let Some(c) = out.cursor_out {
        c.send_if_modified(|old| {
            let changed = old != conn.cursor();
            if changed {
                conn.cursor().clone_into(old);
            }
            changed
        });
    }
}

/// One message from the socket: record it, hand it to `conn`, stamp its
/// events into `out.gather`. `Some` ends the socket.
fn on_message<G: Gather>(
    msg: Option<Result<WsMessage, tokio_tungstenite::tungstenite::Error>>,
    conn: &mut Connection,
    out: &mut Outputs<'_, G>,
    now: u64,
) -> Option<DriveEnd> {
    let msg = match msg {
        None => return Some(DriveEnd::Reset("connection closed".into())),
        Some(Err(e)) => return Some(DriveEnd::Reset(format!("the WebSocket failed: {e}"))),
        Some(Ok(m)) => m,
    };
    match msg {
        WsMessage::Binary(bytes) => {
            let t = now_ms();
            if let Some(r) = out.recorder.as_deref_mut()
                && let Err(e) = r.write(t, RecordKind::Frame, &bytes)
            {
                term::warn(format_args!("{e:#}"));
            }
            match conn.handle_frame(&bytes, now) {
                Ok(info) => trace!(payload_type = %info.payload_type, "frame"),
                Err(e) => out.stamper.skipped("frame", bytes.len(), &e),
            }
            out.stamper
                .stamp(std::iter::from_fn(|| conn.poll_event()), t, out.gather);
        }
        WsMessage::Close(frame) => {
            let (code, reason) = frame
                .map(|f| (u16::from(f.code), f.reason.to_string()))
                .unwrap_or((1005, String::new()));
            debug!(code, reason = %reason, "server closed the socket");
            return Some(DriveEnd::Closed { code, reason });
        }
        // Pings are answered by tungstenite; any traffic is life.
        _ => conn.handle_activity(now),
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_url_carries_room_cursor_and_route_params() {
        let fetch = FetchInfo {
            push_server: "wss://webcast-ws.tiktok.com/webcast/im/ws_proxy/ws_reuse_supplement/"
                .into(),
            cursor: "c 1".into(),
            internal_ext: "ext&1".into(),
            route_params: vec![("imprp".into(), "x".into()), ("wrss".into(), "y".into())],
            ..Default::default()
        };
        let id = Identity {
            user_agent: "Mozilla/5.0 (X) Chrome/147.0.0.0",
            tz_name: "Europe/Berlin",
        };
        let url = build_url(&fetch, "123", 150, id).unwrap();
        assert!(url.starts_with("wss://webcast-ws.tiktok.com/webcast/im/ws_proxy/ws_reuse_supplement/?version_code=180800&aid=1988"));
        for part in [
            "room_id=123",
            "cursor=c+1",
            "internal_ext=ext%261",
            "imprp=x",
            "wrss=y",
            "compress=gzip",
            "last_rtt=150",
            "tz_name=Europe%2FBerlin",
            "browser_version=5.0+%28X%29+Chrome%2F147.0.0.0",
        ] {
            assert!(url.contains(part), "{part} missing in {url}");
        }
        assert!(url.ends_with("&version_code=270000"));
        let bad = FetchInfo {
            push_server: "https://x".into(),
            ..Default::default()
        };
        assert!(build_url(&bad, "1", 1, id).is_err());
    }

    #[test]
    fn knows_tiktok_hosts() {
        assert!(is_tiktok_host("webcast-ws.tiktok.com", &[]));
        assert!(!is_tiktok_host("ws-fallback.eulerstream.com", &[]));
        assert!(!is_tiktok_host("eviltiktok.com", &[]));
        assert!(is_tiktok_host("127.0.0.1", &["127.0.0.1"]));
    }
}
