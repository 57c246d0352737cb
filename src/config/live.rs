//! How to reach TikTok: URLs, sign server, session, proxy, User-Agent, time
//! zone, sign budget and the `TIKLIVE_*_MS` tuning knobs.

use std::time::Duration;

use anyhow::{Result, bail};

use crate::cli::{LiveArgs, ReachArgs};
use crate::error::Failure;
use crate::live::proxy::Proxy;
use crate::secret::Secret;

use super::env_var;

/// How to reach TikTok, resolved.
#[derive(Debug, Clone)]
pub struct LiveConfig {
    pub tiktok_url: String,
    pub webcast_url: String,
    pub sign_url: String,
    pub sign_api_key: Option<Secret>,
    pub session_id: Option<Secret>,
    pub target_idc: Option<String>,
    pub send_session_to_signer: bool,
    /// `--proxy`, else `HTTPS_PROXY`/`https_proxy`, else `ALL_PROXY`/`all_proxy`:
    /// parsed here once, used by the HTTP client and the socket.
    pub proxy: Option<Proxy>,
    pub room_id: Option<String>,
    pub max_retries: Option<u32>,
    /// Reconnect attempts allowed before a stream first connects, when
    /// `--max-retries` is not given (`TIKLIVE_START_RETRIES`, default 8;
    /// `None` = no limit, from `0`, and always for a worker).
    pub start_retries: Option<u32>,
    pub wait: bool,
    pub idle_timeout: Duration,
    /// The one browser User-Agent: sign server, HTTP calls, WebSocket header
    /// and `browser_version` (`--user-agent`, `TIKLIVE_USER_AGENT`).
    pub user_agent: String,
    /// The IANA city zone sent as `tz_name`: the system's, else
    /// [`DEFAULT_TZ_NAME`].
    pub tz_name: String,
    /// Sign calls allowed per [`LiveConfig::sign_window`] for the whole
    /// process (`--sign-budget`, `TIKLIVE_SIGN_BUDGET`); 0 = no limit.
    pub sign_budget: u32,
    /// Tuning knobs, from the environment (documented in the README):
    /// `TIKLIVE_HEARTBEAT_MS` (heartbeat when the server names no
    /// `ping-interval`), `TIKLIVE_WAIT_POLL_MS`, `TIKLIVE_STAGGER_MS`,
    /// `TIKLIVE_SIGN_INTERVAL_MS` (least spacing of two sign calls),
    /// `TIKLIVE_SIGN_WINDOW_MS` (the budget's window, 60000),
    /// `TIKLIVE_BACKOFF_BASE_MS` (the first reconnect's wait),
    /// `TIKLIVE_REJECT_RETRY_MS` (the wait before re-signing after a
    /// rejected first handshake), `TIKLIVE_POOL_RETRY_MS` (a worker's first
    /// wait before starting a failed streamer again; it doubles, with jitter,
    /// up to five minutes).
    pub heartbeat: Duration,
    pub wait_poll: Duration,
    pub stagger: Duration,
    pub sign_interval: Duration,
    pub sign_window: Duration,
    pub backoff_base: Duration,
    pub reject_retry: Duration,
    pub pool_retry: Duration,
}

/// A `TIKLIVE_*_MS` tuning variable, or its default from the settings table.
fn env_ms(name: &str) -> Result<Duration> {
    match env_var(name) {
        None => Ok(Duration::from_millis(crate::settings::default_ms(name))),
        Some(v) => v.parse::<u64>().map(Duration::from_millis).map_err(|_| {
            Failure::usage(format!(
                "{name} must be a number of milliseconds, not '{v}'"
            ))
            .into()
        }),
    }
}

/// Check every environment-only number setting of a live stream (the
/// `TIKLIVE_*_MS` durations and `TIKLIVE_START_RETRIES`), as [`LiveConfig`]
/// reads them, so `tiklive config` refuses what `watch` would.
///
/// # Errors
/// The first bad value, as a usage error naming the variable.
pub fn check_env_numbers() -> Result<()> {
    for name in [
        "TIKLIVE_HEARTBEAT_MS",
        "TIKLIVE_WAIT_POLL_MS",
        "TIKLIVE_STAGGER_MS",
        "TIKLIVE_SIGN_INTERVAL_MS",
        "TIKLIVE_SIGN_WINDOW_MS",
        "TIKLIVE_BACKOFF_BASE_MS",
        "TIKLIVE_REJECT_RETRY_MS",
        "TIKLIVE_POOL_RETRY_MS",
    ] {
        env_ms(name)?;
    }
    env_count("TIKLIVE_START_RETRIES").map(drop)
}

/// A count from the environment, else its default in the settings table.
fn env_count(name: &str) -> Result<Option<u32>> {
    let setting = crate::settings::setting(name);
    let v = env_var(name).unwrap_or_else(|| setting.default.to_string());
    v.trim().parse::<u32>().map(Some).map_err(|_| {
        Failure::usage(format!(
            "{name} must be a whole number (0 or more), not '{v}'"
        ))
        .into()
    })
}

pub const DEFAULT_TIKTOK_URL: &str = "https://www.tiktok.com";
pub const DEFAULT_WEBCAST_URL: &str = "https://webcast.tiktok.com";
/// The sign server both public libraries use since 2026-06 (protocol.md,
/// Late-2026 update).
pub const DEFAULT_SIGN_URL: &str = "https://api.eulerstream.com";
/// A current desktop browser (late 2026: Chrome 147 on macOS, the generation
/// of TikTokLive 7.0.1's device presets).
pub const DEFAULT_USER_AGENT: &str = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) \
AppleWebKit/537.36 (KHTML, like Gecko) Chrome/147.0.0.0 Safari/537.36";
/// `--idle-timeout`'s default, in seconds.
pub const DEFAULT_IDLE_TIMEOUT_SECS: u64 = 40;
/// `--sign-budget`'s default: sign calls per minute for the process.
pub const DEFAULT_SIGN_BUDGET: u32 = 10;
/// `tz_name` when the system has no IANA city zone (e.g. it runs in UTC).
pub const DEFAULT_TZ_NAME: &str = "America/New_York";

/// The system's IANA zone when it is a city zone (`Area/City`), else
/// [`DEFAULT_TZ_NAME`]. `Etc/UTC`, `UTC` and the like are not city zones.
pub fn system_tz_name() -> String {
    let zone = env_var("TZ")
        .map(|t| t.trim_start_matches(':').to_string())
        .or_else(|| iana_time_zone::get_timezone().ok());
    zone.filter(|z| is_city_zone(z))
        .unwrap_or_else(|| DEFAULT_TZ_NAME.to_string())
}

fn is_city_zone(z: &str) -> bool {
    let Some((area, city)) = z.split_once('/') else {
        return false;
    };
    !area.is_empty()
        && !city.is_empty()
        && area != "Etc"
        && z.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '_' | '-' | '+'))
}

impl LiveConfig {
    /// The configuration of `watch`, `forward`, `serve` and `worker`.
    pub fn resolve(args: &LiveArgs) -> Result<LiveConfig> {
        let mut cfg = LiveConfig::reach(&args.reach)?;
        cfg.room_id.clone_from(&args.room_id);
        cfg.max_retries = args.max_retries;
        cfg.wait = args.wait;
        cfg.idle_timeout = Duration::from_secs(args.idle_timeout.max(1));
        cfg.sign_budget = args.sign_budget;
        Ok(cfg)
    }

    /// The configuration of a room lookup alone (`info`): how to reach TikTok
    /// and the sign server; the connection settings keep their defaults.
    pub fn reach(args: &ReachArgs) -> Result<LiveConfig> {
        let url = |name: &str, value: Option<String>, default: &str| -> Result<String> {
            let v = value.unwrap_or_else(|| default.to_string());
            let v = v.trim_end_matches('/').to_string();
            if !(v.starts_with("http://") || v.starts_with("https://")) {
                bail!(Failure::usage(format!(
                    "{name} '{v}' is not an http(s) URL"
                )));
            }
            Ok(v)
        };
        let proxy = args
            .proxy
            .clone()
            .or_else(|| env_var("HTTPS_PROXY"))
            .or_else(|| env_var("https_proxy"))
            .or_else(|| env_var("ALL_PROXY"))
            .or_else(|| env_var("all_proxy"))
            .map(|p| parse_proxy(&p))
            .transpose()?;
        Ok(LiveConfig {
            tiktok_url: url(
                "TIKLIVE_TIKTOK_URL",
                env_var("TIKLIVE_TIKTOK_URL"),
                DEFAULT_TIKTOK_URL,
            )?,
            webcast_url: url(
                "TIKLIVE_WEBCAST_URL",
                env_var("TIKLIVE_WEBCAST_URL"),
                DEFAULT_WEBCAST_URL,
            )?,
            sign_url: url("--sign-url", args.sign_url.clone(), DEFAULT_SIGN_URL)?,
            sign_api_key: args
                .sign_api_key
                .clone()
                .filter(|k| !k.is_empty())
                .map(Secret::new),
            session_id: env_var("TIKTOK_SESSION_ID").map(Secret::new),
            target_idc: env_var("TIKTOK_TARGET_IDC"),
            send_session_to_signer: args.send_session_to_signer,
            proxy,
            room_id: None,
            max_retries: None,
            start_retries: env_count("TIKLIVE_START_RETRIES")?.filter(|n| *n > 0),
            wait: false,
            idle_timeout: Duration::from_secs(DEFAULT_IDLE_TIMEOUT_SECS),
            user_agent: match args.user_agent.as_deref().map(str::trim) {
                Some(ua) if !ua.is_empty() => {
                    if ua.chars().any(char::is_control) {
                        bail!(Failure::usage(
                            "--user-agent must be one line of printable text"
                        ));
                    }
                    ua.to_string()
                }
                _ => DEFAULT_USER_AGENT.to_string(),
            },
            tz_name: system_tz_name(),
            sign_budget: DEFAULT_SIGN_BUDGET,
            heartbeat: env_ms("TIKLIVE_HEARTBEAT_MS")?,
            wait_poll: env_ms("TIKLIVE_WAIT_POLL_MS")?,
            stagger: env_ms("TIKLIVE_STAGGER_MS")?,
            sign_interval: env_ms("TIKLIVE_SIGN_INTERVAL_MS")?,
            sign_window: env_ms("TIKLIVE_SIGN_WINDOW_MS")?.max(Duration::from_millis(1)),
            backoff_base: env_ms("TIKLIVE_BACKOFF_BASE_MS")?,
            reject_retry: env_ms("TIKLIVE_REJECT_RETRY_MS")?,
            pool_retry: env_ms("TIKLIVE_POOL_RETRY_MS")?.max(Duration::from_millis(1)),
        })
    }
}

/// A proxy must be `http://`, `https://`, `socks5://` or `socks5h://` with a
/// host; anything else is a usage error, never silently ignored.
pub fn parse_proxy(p: &str) -> Result<Proxy> {
    Proxy::parse(p).map_err(|e| Failure::usage(e.to_string()).into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proxies_are_validated() {
        for ok in [
            "http://127.0.0.1:8080",
            "socks5://user:pw@10.0.0.1:1080",
            "https://proxy.example",
        ] {
            assert!(parse_proxy(ok).is_ok(), "{ok}");
        }
        for bad in [
            "127.0.0.1:8080",
            "ftp://x:1",
            "http://",
            "http://host:notaport",
            "socks5://:1080",
        ] {
            assert!(parse_proxy(bad).is_err(), "{bad}");
        }
    }
}
