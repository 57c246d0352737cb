//! Shared test helpers: running the binary with a clean environment, and the
//! fake servers.

pub mod browser;
pub mod fake_tiktok;
pub mod nats;
pub mod real_data;
mod webhook;

pub use webhook::*;

use std::path::Path;

/// Variables a developer's shell might set that would change what we test.
const SCRUB: &[&str] = &[
    "NO_COLOR",
    "TERM",
    "TIKTOK_USERNAME",
    "TIKTOK_SESSION_ID",
    "TIKTOK_TARGET_IDC",
    "SIGN_API_URL",
    "SIGN_API_KEY",
    "API_KEY",
    "WEBHOOK_URL",
    "WEBHOOK_SECRET",
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
    "ALL_PROXY",
    "all_proxy",
    "RUST_LOG",
    "NATS_URL",
    "NATS_CREDS",
    "NATS_TOKEN",
];

/// TikTok and the sign server point at a closed loopback port unless a test
/// points them at a fake: a test that forgets cannot reach the internet.
pub const NO_INTERNET: [(&str, &str); 3] = [
    ("TIKLIVE_TIKTOK_URL", "http://127.0.0.1:9"),
    ("TIKLIVE_WEBCAST_URL", "http://127.0.0.1:9"),
    ("SIGN_API_URL", "http://127.0.0.1:9"),
];

/// `tiklive` with a scrubbed environment, run in `dir` (so no `.env` leaks in).
pub fn tiklive(dir: &Path) -> tokio::process::Command {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_tiklive"));
    cmd.current_dir(dir);
    for (k, _) in std::env::vars_os() {
        let k = k.to_string_lossy().to_string();
        if SCRUB.contains(&k.as_str()) || k.starts_with("TIKLIVE_") {
            cmd.env_remove(&k);
        }
    }
    cmd.env("HOME", dir).env("XDG_DATA_HOME", dir.join("data"));
    cmd.envs(NO_INTERNET);
    cmd.kill_on_drop(true);
    cmd
}

/// Parse NDJSON output into values.
pub fn ndjson(stdout: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}
