//! The embedded page assets (`/assets/{name}`): compiled into the binary, so
//! `serve` needs no files beside it and no CDN. Scripts are plain ES2020
//! that Chromium 127 (OBS's browser source) runs; a unit test keeps newer
//! syntax and APIs out. Sounds are short WAVs made by `scripts/sounds`.

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

/// One embedded file.
#[derive(Debug)]
pub struct Asset {
    pub name: &'static str,
    pub content_type: &'static str,
    pub bytes: &'static [u8],
}

const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";
const WAV: &str = "audio/wav";

macro_rules! asset {
    ($name:literal, $ty:expr) => {
        Asset {
            name: $name,
            content_type: $ty,
            bytes: include_bytes!(concat!("assets/", $name)),
        }
    };
}

/// Every asset.
pub static ASSETS: &[Asset] = &[
    asset!("tiklive.js", JS),
    asset!("tiklive.css", CSS),
    asset!("chat.js", JS),
    asset!("alerts.js", JS),
    asset!("counter.js", JS),
    asset!("goal.js", JS),
    asset!("leaderboard.js", JS),
    asset!("dashboard.js", JS),
    asset!("dashboard.css", CSS),
    asset!("chime.wav", WAV),
    asset!("pop.wav", WAV),
    asset!("fanfare.wav", WAV),
];

/// The sounds `alerts?sound=` takes (`none` for silence).
pub const SOUNDS: [&str; 3] = ["chime", "pop", "fanfare"];

/// The asset named `name`.
pub fn find(name: &str) -> Option<&'static Asset> {
    ASSETS.iter().find(|a| a.name == name)
}

/// A strong ETag of `bytes` (first 16 hex digits of its SHA-256; a few
/// microseconds for these sizes).
fn etag(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

/// A 200 with `bytes`, or a 304 when `If-None-Match` names its ETag; with
/// `Cache-Control: no-cache` (revalidate every time, so an upgraded binary
/// is picked up) and the security headers.
pub fn respond(content_type: &'static str, bytes: Bytes, headers: &HeaderMap) -> Response {
    let tag = etag(&bytes);
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == tag));
    let mut r = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut r = (StatusCode::OK, bytes).into_response();
        r.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        r
    };
    let h = r.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&tag) {
        h.insert(header::ETAG, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    super::secure(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Syntax and APIs Chromium 127 lacks, or that are newer than ES2020.
    const TOO_NEW: &[&str] = &[
        "Promise.try",
        "RegExp.escape",
        "Error.isError",
        "Object.groupBy",
        "Map.groupBy",
        "Array.fromAsync",
        "Promise.withResolvers",
        ".toSorted(",
        ".toReversed(",
        ".toSpliced(",
        ".findLast(",
        ".replaceAll(",
        ".at(",
        "??=",
        "||=",
        "&&=",
        "structuredClone",
        "Iterator.from",
        "import ",
        "export ",
        "static {",
        "innerHTML",
        "outerHTML",
        "insertAdjacentHTML",
        "document.write",
        "eval(",
        "new Function",
    ];

    #[test]
    fn scripts_stay_within_es2020_and_never_parse_html() {
        for a in ASSETS.iter().filter(|a| a.name.ends_with(".js")) {
            let text = std::str::from_utf8(a.bytes).unwrap();
            for bad in TOO_NEW {
                assert!(!text.contains(bad), "{} uses {bad}", a.name);
            }
            // Private class members (#x) are ES2022.
            assert!(!text.contains(" #"), "{} uses a private member", a.name);
        }
    }

    #[test]
    fn every_asset_has_a_stable_etag_and_sounds_exist() {
        for s in SOUNDS {
            let a = find(&format!("{s}.wav")).unwrap();
            assert_eq!(&a.bytes[..4], b"RIFF");
            assert!(a.bytes.len() < 40_000, "{s} is small");
        }
        let a = find("tiklive.js").unwrap();
        let r = respond(
            a.content_type,
            Bytes::from_static(a.bytes),
            &HeaderMap::new(),
        );
        let tag = r.headers()[header::ETAG].clone();
        let mut h = HeaderMap::new();
        h.insert(header::IF_NONE_MATCH, tag);
        let again = respond(a.content_type, Bytes::from_static(a.bytes), &h);
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
        assert!(
            again.headers()[header::CONTENT_SECURITY_POLICY]
                .to_str()
                .unwrap()
                .contains("script-src 'self'")
        );
    }
}
