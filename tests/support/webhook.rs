//! A local webhook receiver on 127.0.0.1, and an independent Standard
//! Webhooks verifier (HMAC-SHA256 built here from SHA-256, not with the hmac
//! crate).

#![allow(dead_code)]

use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use sha2::{Digest, Sha256};

pub const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// One request as the receiver saw it.
#[derive(Debug, Clone)]
pub struct Hit {
    pub headers: HeaderMap,
    pub body: Bytes,
    /// What the receiver answered (0: it hung).
    pub status: u16,
}

impl Hit {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|v| v.to_str().unwrap())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap()
    }

    pub fn event_id(&self) -> String {
        self.json()["event"]["id"].as_str().unwrap().to_string()
    }

    pub fn event_type(&self) -> String {
        self.json()["event"]["type"].as_str().unwrap().to_string()
    }

    /// Check the Standard Webhooks signature with the independent verifier.
    #[track_caller]
    pub fn assert_signed_with(&self, secret: &str) {
        let id = self.header("webhook-id").expect("webhook-id");
        let ts = self.header("webhook-timestamp").expect("webhook-timestamp");
        let sig = self.header("webhook-signature").expect("webhook-signature");
        let expected = standard_webhooks_signature(secret, id, ts, &self.body);
        assert_eq!(sig, expected, "signature of {id}");
    }
}

/// What the receiver answers. 0 = never answer (hang).
pub struct Receiver {
    pub url: String,
    pub addr: std::net::SocketAddr,
    hits: Arc<Mutex<Vec<Hit>>>,
    status: Arc<AtomicU16>,
    _rt: tokio::runtime::Runtime,
}

impl Receiver {
    /// A receiver on 127.0.0.1 answering `status` (0 = hang) to every request.
    pub fn start(status: u16) -> Receiver {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let hits: Arc<Mutex<Vec<Hit>>> = Arc::default();
        let status = Arc::new(AtomicU16::new(status));
        let (seen, answer) = (Arc::clone(&hits), Arc::clone(&status));
        let app = axum::Router::new().fallback(move |headers: HeaderMap, body: Bytes| {
            let (seen, answer) = (Arc::clone(&seen), Arc::clone(&answer));
            async move {
                let code = answer.load(Ordering::SeqCst);
                seen.lock().unwrap().push(Hit {
                    headers,
                    body,
                    status: code,
                });
                if code == 0 {
                    std::future::pending::<()>().await;
                }
                (StatusCode::from_u16(code).unwrap(), "receiver says no").into_response()
            }
        });
        let listener = rt
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let addr = listener.local_addr().unwrap();
        rt.spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Receiver {
            url: format!("http://{addr}/hook"),
            addr,
            hits,
            status,
            _rt: rt,
        }
    }

    pub fn set_status(&self, status: u16) {
        self.status.store(status, Ordering::SeqCst);
    }

    pub fn hits(&self) -> Vec<Hit> {
        self.hits.lock().unwrap().clone()
    }

    /// The event ids of the deliveries answered 200, in arrival order.
    pub fn delivered(&self) -> Vec<String> {
        self.hits()
            .iter()
            .filter(|h| h.status == 200)
            .map(|h| h.event_id())
            .collect()
    }

    pub fn count(&self) -> usize {
        self.hits.lock().unwrap().len()
    }

    pub fn clear(&self) {
        self.hits.lock().unwrap().clear();
    }
}

/// HMAC-SHA256 from its definition (RFC 2104), on SHA-256 alone.
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> Vec<u8> {
    let mut block = [0u8; 64];
    if key.len() > 64 {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let ipad: Vec<u8> = block.iter().map(|b| b ^ 0x36).collect();
    let opad: Vec<u8> = block.iter().map(|b| b ^ 0x5c).collect();
    let mut inner = Sha256::new();
    inner.update(&ipad);
    inner.update(message);
    let inner = inner.finalize();
    let mut outer = Sha256::new();
    outer.update(&opad);
    outer.update(inner);
    outer.finalize().to_vec()
}

/// `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">` with the secret's key
/// (`whsec_` = base64 key, otherwise the UTF-8 bytes).
pub fn standard_webhooks_signature(secret: &str, id: &str, ts: &str, body: &[u8]) -> String {
    let key = match secret.strip_prefix("whsec_") {
        Some(b64) => B64.decode(b64).unwrap(),
        None => secret.as_bytes().to_vec(),
    };
    let mut signed = format!("{id}.{ts}.").into_bytes();
    signed.extend_from_slice(body);
    format!("v1,{}", B64.encode(hmac_sha256(&key, &signed)))
}

#[test]
fn the_independent_verifier_matches_the_reference_vector() {
    assert_eq!(
        standard_webhooks_signature(
            SECRET,
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            "1614265330",
            br#"{"test": 2432232314}"#
        ),
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    );
}
