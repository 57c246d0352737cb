//! Shared test helpers: running the binary with a clean environment, and the
//! fake servers.

pub mod browser;
pub mod fake_tiktok;
pub mod nats;
pub mod real_data;
mod webhook;

pub use webhook::*;

use std::path::Path;

/// Whether a variable from a developer's shell would change what we test:
/// every variable of the settings table, the ambient ones it lists (terminal,
/// time zone, logging, proxy spellings), and anything `TIKLIVE_*`.
pub fn scrubbed(key: &str) -> bool {
    key.starts_with("TIKLIVE_")
        || tiklive::settings::SETTINGS.iter().any(|s| s.env == key)
        || tiklive::settings::AMBIENT.contains(&key)
}

/// The variables of this process's environment that [`scrubbed`] names.
pub fn env_to_clear() -> Vec<std::ffi::OsString> {
    std::env::vars_os()
        .map(|(k, _)| k)
        .filter(|k| k.to_str().is_some_and(scrubbed))
        .collect()
}

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
    for k in env_to_clear() {
        cmd.env_remove(k);
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
