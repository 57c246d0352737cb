//! Resolved settings. The only module that reads the environment, `.env` and
//! whether a stream is a terminal; command code receives plain values.
//!
//! Precedence: flag > environment > `.env` in the current directory > default.
//! `.env` is loaded before the command line is parsed and never overrides a
//! variable that is already set, so clap's `env = …` sees the right value.

use std::collections::BTreeSet;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, bail};

use crate::cli::{
    ColorChoice, FilterArgs, Format, GiftStreaks, GlobalArgs, LiveArgs, ReachArgs, SourceArgs,
    StoreArgs,
};
use crate::error::Failure;
use crate::secret::Secret;
use crate::webcast::{DecoderOptions, EventKind, KindSet, StreakMode};

/// Which variables came from `.env` (for `tiklive config`).
#[derive(Debug, Clone, Default)]
pub struct Dotenv {
    pub path: Option<PathBuf>,
    pub keys: BTreeSet<String>,
}

/// Load `dir/.env` without overriding variables already set. A missing file is
/// fine; a malformed one is a usage error naming the file.
pub fn load_dotenv(dir: &Path) -> Result<Dotenv> {
    let path = dir.join(".env");
    if !path.is_file() {
        return Ok(Dotenv::default());
    }
    let mut keys = BTreeSet::new();
    let iter = dotenvy::from_path_iter(&path)
        .map_err(|e| Failure::usage(format!("cannot read {}: {e}", path.display())))?;
    for item in iter {
        let (key, _) =
            item.map_err(|e| Failure::usage(format!("bad line in {}: {e}", path.display())))?;
        if std::env::var_os(&key).is_none() {
            keys.insert(key);
        }
    }
    dotenvy::from_path(&path)
        .map_err(|e| Failure::usage(format!("cannot load {}: {e}", path.display())))?;
    Ok(Dotenv {
        path: Some(path),
        keys,
    })
}

/// A setting from the environment (after `.env` was loaded), empty = unset.
pub fn env_var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// What the terminal allows: decided once, here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Terminal {
    pub stdout_tty: bool,
    pub stderr_tty: bool,
    pub color_stdout: bool,
    pub color_stderr: bool,
    pub quiet: bool,
    pub verbose: u8,
}

impl Terminal {
    pub fn detect(global: &GlobalArgs) -> Terminal {
        let stdout_tty = crate::term::stdout_is_terminal() || env_var("TIKLIVE_TEST_TTY").is_some();
        let stderr_tty = std::io::stderr().is_terminal();
        let no_color = env_var("NO_COLOR").is_some();
        let dumb = env_var("TERM").is_some_and(|t| t == "dumb");
        let auto = |tty: bool| tty && !no_color && !dumb;
        let decide = |tty: bool| match global.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => auto(tty),
        };
        Terminal {
            stdout_tty,
            stderr_tty,
            color_stdout: decide(stdout_tty),
            color_stderr: decide(stderr_tty),
            quiet: global.quiet,
            verbose: global.verbose,
        }
    }

    /// Spinners and progress lines: only on a terminal, and not with -q.
    pub fn progress(&self) -> bool {
        self.stderr_tty && !self.quiet
    }
}

/// Playback speed: a factor, or as fast as possible.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Speed {
    Factor(f64),
    Max,
}

pub fn parse_speed(s: Option<&str>, default: Speed) -> Result<Speed> {
    let Some(s) = s else { return Ok(default) };
    if s.eq_ignore_ascii_case("max") {
        return Ok(Speed::Max);
    }
    match s.trim_end_matches(['x', 'X']).parse::<f64>() {
        Ok(f) if f.is_finite() && f > 0.0 => Ok(Speed::Factor(f)),
        _ => Err(Failure::usage(format!(
            "invalid --speed '{s}': give a positive factor such as 2 or 0.5, or max"
        ))
        .into()),
    }
}

/// Where events come from.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    Live(Vec<String>),
    /// A capture, its playback speed and how many threads decode it.
    Replay(PathBuf, Speed, usize),
    /// The built-in demo, its playback speed and how many threads decode it.
    Demo(Speed, usize),
    /// Event NDJSON on stdin (`forward -`).
    Stdin,
}

/// Resolve USER…/--replay/--demo. `allow_stdin` permits `-` (forward).
pub fn resolve_source(
    users: &[String],
    args: &SourceArgs,
    allow_stdin: bool,
    command: &str,
) -> Result<Source> {
    let chosen = usize::from(!users.is_empty())
        + usize::from(args.replay.is_some())
        + usize::from(args.demo);
    if chosen > 1 {
        bail!(Failure::usage(format!(
            "give one source: USER, --replay FILE or --demo (see 'tiklive {command} --help')"
        )));
    }
    let threads = args.threads.map(usize::from).unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    });
    if let Some(path) = &args.replay {
        return Ok(Source::Replay(
            path.clone(),
            parse_speed(args.speed.as_deref(), Speed::Max)?,
            threads,
        ));
    }
    if args.demo {
        return Ok(Source::Demo(
            parse_speed(args.speed.as_deref(), Speed::Factor(1.0))?,
            threads,
        ));
    }
    if args.speed.is_some() || args.threads.is_some() {
        bail!(Failure::usage(
            "--speed and --threads apply to --demo and --replay only"
        ));
    }
    if allow_stdin && users.len() == 1 && users[0] == "-" {
        return Ok(Source::Stdin);
    }
    let users: Vec<String> = if users.is_empty() {
        env_var("TIKTOK_USERNAME").into_iter().collect()
    } else {
        users.to_vec()
    };
    if users.is_empty() {
        let stdin = if allow_stdin {
            ", - for event NDJSON on stdin"
        } else {
            ""
        };
        bail!(Failure::usage(format!(
            "nothing to {command}: give a USER (or set TIKTOK_USERNAME), --replay FILE, or --demo{stdin}; \
             try 'tiklive {command} --demo'"
        )));
    }
    let users = users
        .iter()
        .map(|u| parse_user(u))
        .collect::<Result<Vec<_>>>()?;
    Ok(Source::Live(users))
}

/// Accept `@name`, `name` and profile URLs (`https://www.tiktok.com/@name/live`).
pub fn parse_user(input: &str) -> Result<String> {
    let mut s = input.trim();
    for prefix in ["https://", "http://"] {
        s = s.strip_prefix(prefix).unwrap_or(s);
    }
    for host in ["www.tiktok.com/", "m.tiktok.com/", "tiktok.com/"] {
        s = s.strip_prefix(host).unwrap_or(s);
    }
    let s = s.split(['?', '#']).next().unwrap_or("");
    let s = s.trim_end_matches('/');
    let s = s.strip_suffix("/live").unwrap_or(s);
    let s = s.trim_start_matches('@');
    let valid = !s.is_empty()
        && s.len() <= 64
        && s.chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '.');
    if !valid {
        bail!(Failure::usage(format!(
            "'{input}' is not a TikTok user: give @name, name or https://www.tiktok.com/@name"
        )));
    }
    Ok(s.to_string())
}

/// `--type` and `--gift-streaks` → decoder options. No `--type` = every spec
/// kind except the debug ones (`rawData`, `decodedData`) and `unknown`.
pub fn resolve_filter(args: &FilterArgs) -> Result<DecoderOptions> {
    let wanted = if args.types.is_empty() {
        KindSet::default_set()
    } else {
        KindSet::parse_list(args.types.iter().map(String::as_str)).map_err(|e| {
            let names: Vec<&str> = EventKind::ALL.iter().map(|k| k.name()).collect();
            Failure::usage(format!("{e}; valid types: {}", names.join(", ")))
        })?
    };
    Ok(DecoderOptions {
        wanted,
        streaks: match args.gift_streaks {
            GiftStreaks::All => StreakMode::All,
            GiftStreaks::Final => StreakMode::Final,
        },
    })
}

/// The output format: explicit, else pretty on a terminal and NDJSON otherwise.
pub fn resolve_format(explicit: Option<Format>, term: &Terminal) -> Format {
    explicit.unwrap_or(if term.stdout_tty {
        Format::Pretty
    } else {
        Format::Ndjson
    })
}

/// Parse `30s`, `5m`, `1h`, `250ms` or a bare number of seconds.
pub fn parse_duration(s: &str) -> Result<Duration> {
    let s = s.trim();
    let (num, unit) = s
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .map(|i| (&s[..i], &s[i..]))
        .unwrap_or((s, "s"));
    let value: f64 = num
        .parse()
        .map_err(|_| Failure::usage(format!("invalid duration '{s}': use e.g. 30s, 5m, 250ms")))?;
    let secs = match unit {
        "ms" => value / 1000.0,
        "s" | "" => value,
        "m" => value * 60.0,
        "h" => value * 3600.0,
        _ => bail!(Failure::usage(format!(
            "invalid duration '{s}': use e.g. 30s, 5m, 250ms"
        ))),
    };
    Ok(Duration::from_secs_f64(secs))
}

/// The store file: `--db`/`TIKLIVE_DB`, else the platform data directory.
pub fn resolve_db(args: &StoreArgs) -> Result<PathBuf> {
    if let Some(p) = &args.db {
        return Ok(p.clone());
    }
    let base = dirs::data_dir()
        .or_else(|| dirs::home_dir().map(|h| h.join(".local/share")))
        .context("cannot find a data directory for the store; pass --db PATH or set TIKLIVE_DB")?;
    Ok(base.join("tiklive").join("tiklive.db"))
}

/// A webhook URL: `http` or `https` with a host, nothing else.
pub fn validate_webhook_url(s: &str) -> Result<String> {
    let url = reqwest::Url::parse(s.trim()).map_err(|e| {
        Failure::usage(format!(
            "'{s}' is not a webhook URL ({e}): give http(s)://host[:port]/path"
        ))
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        bail!(Failure::usage(format!(
            "'{s}' is not a webhook URL: only http and https are accepted"
        )));
    }
    if url.host_str().is_none_or(str::is_empty) {
        bail!(Failure::usage(format!(
            "'{s}' is not a webhook URL: it has no host"
        )));
    }
    Ok(url.to_string())
}

/// `serve`'s listening address, API key and buffer size, resolved.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    pub listen: std::net::SocketAddr,
    /// Required on `/api/*` when set.
    pub api_key: Option<Secret>,
    /// Events kept in the store at most.
    pub buffer: u64,
    /// `--overlay-token-generation`.
    pub overlay_generation: u32,
}

/// Resolve `--listen`, `--api-key`/`API_KEY`, `--insecure-no-auth` and
/// `--buffer`. Listening beyond loopback without an API key is refused unless
/// `--insecure-no-auth` says it is meant.
pub fn resolve_serve(args: &crate::cli::ServeArgs) -> Result<ServeConfig> {
    let listen = parse_listen(&args.listen)?;
    let api_key = args
        .api_key
        .as_deref()
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .map(Secret::new);
    if !listen.ip().is_loopback() && api_key.is_none() && !args.insecure_no_auth {
        bail!(Failure::usage(format!(
            "refusing to serve on {listen} without an API key: anyone who can reach it could \
             read the events and add webhooks; set API_KEY (or pass --api-key KEY), listen on \
             127.0.0.1, or pass --insecure-no-auth if the network is trusted"
        )));
    }
    if args.buffer == 0 {
        bail!(Failure::usage(
            "--buffer must be at least 1 (the number of events kept for the API)"
        ));
    }
    Ok(ServeConfig {
        listen,
        api_key,
        buffer: args.buffer,
        overlay_generation: args.overlay_token_generation,
    })
}

/// `IP:PORT` (`[::1]:8080` for IPv6) or `localhost:PORT`.
pub fn parse_listen(s: &str) -> Result<std::net::SocketAddr> {
    let s = s.trim();
    if let Ok(addr) = s.parse() {
        return Ok(addr);
    }
    if let Some(port) = s.strip_prefix("localhost:")
        && let Ok(port) = port.parse::<u16>()
    {
        return Ok(std::net::SocketAddr::from(([127, 0, 0, 1], port)));
    }
    bail!(Failure::usage(format!(
        "invalid --listen '{s}': give IP:PORT, e.g. 127.0.0.1:8080 (this machine only) or 0.0.0.0:8080 (every interface)"
    )))
}

/// Where `forward` delivers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ForwardTargets {
    /// `--to URL…`, else `WEBHOOK_URL`: ad-hoc targets.
    Urls(Vec<String>),
    /// The registered webhooks (`tiklive webhooks add`).
    Registered,
}

/// `--to` (repeatable) > `WEBHOOK_URL` > the registered webhooks.
pub fn resolve_forward_targets(to: &[String]) -> Result<ForwardTargets> {
    let urls: Vec<String> = if to.is_empty() {
        env_var("WEBHOOK_URL").into_iter().collect()
    } else {
        to.to_vec()
    };
    if urls.is_empty() {
        return Ok(ForwardTargets::Registered);
    }
    let mut valid: Vec<String> = Vec::new();
    for u in &urls {
        let v = validate_webhook_url(u)?;
        if !valid.contains(&v) {
            valid.push(v);
        }
    }
    Ok(ForwardTargets::Urls(valid))
}

/// `WEBHOOK_SECRET`: the signing secret of webhooks without their own.
pub fn webhook_secret() -> Option<Secret> {
    env_var("WEBHOOK_SECRET").map(Secret::new)
}

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
    pub proxy: Option<String>,
    pub room_id: Option<String>,
    pub max_retries: Option<u32>,
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
    /// rejected first handshake).
    pub heartbeat: Duration,
    pub wait_poll: Duration,
    pub stagger: Duration,
    pub sign_interval: Duration,
    pub sign_window: Duration,
    pub backoff_base: Duration,
    pub reject_retry: Duration,
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
            .or_else(|| env_var("all_proxy"));
        if let Some(p) = &proxy {
            validate_proxy(p)?;
        }
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
        })
    }
}

/// A proxy must be `http://`, `https://`, `socks5://` or `socks5h://` with a
/// host; anything else is an error, never silently ignored. Parsed by the
/// same code the WebSocket uses ([`crate::live::proxy::Proxy::parse`]).
pub fn validate_proxy(p: &str) -> Result<()> {
    crate::live::proxy::Proxy::parse(p)
        .map(|_| ())
        .map_err(|e| Failure::usage(e.to_string()).into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn users_normalise() {
        for input in [
            "alice",
            "@alice",
            "https://www.tiktok.com/@alice",
            "https://www.tiktok.com/@alice/live",
            "tiktok.com/@alice/live?x=1",
        ] {
            assert_eq!(parse_user(input).unwrap(), "alice", "{input}");
        }
        assert_eq!(parse_user("@a.b_c").unwrap(), "a.b_c");
        assert!(parse_user("bad user").is_err());
        assert!(parse_user("@").is_err());
    }

    #[test]
    fn speeds_parse() {
        assert_eq!(parse_speed(Some("max"), Speed::Max).unwrap(), Speed::Max);
        assert_eq!(
            parse_speed(Some("2"), Speed::Max).unwrap(),
            Speed::Factor(2.0)
        );
        assert_eq!(
            parse_speed(Some("0.5x"), Speed::Max).unwrap(),
            Speed::Factor(0.5)
        );
        assert_eq!(
            parse_speed(None, Speed::Factor(1.0)).unwrap(),
            Speed::Factor(1.0)
        );
        assert!(parse_speed(Some("0"), Speed::Max).is_err());
        assert!(parse_speed(Some("fast"), Speed::Max).is_err());
    }

    #[test]
    fn durations_parse() {
        assert_eq!(parse_duration("30s").unwrap(), Duration::from_secs(30));
        assert_eq!(parse_duration("5m").unwrap(), Duration::from_secs(300));
        assert_eq!(parse_duration("250ms").unwrap(), Duration::from_millis(250));
        assert_eq!(parse_duration("2").unwrap(), Duration::from_secs(2));
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("3d").is_err());
    }

    #[test]
    fn webhook_urls_are_http_or_https_with_a_host() {
        assert_eq!(
            validate_webhook_url("https://example.com/hook").unwrap(),
            "https://example.com/hook"
        );
        assert_eq!(
            validate_webhook_url("http://127.0.0.1:9000").unwrap(),
            "http://127.0.0.1:9000/"
        );
        for bad in [
            "ftp://example.com/x",
            "example.com/hook",
            "http://",
            "file:///etc/passwd",
            "",
        ] {
            let err = validate_webhook_url(bad).unwrap_err();
            assert_eq!(
                crate::error::code_of(&err),
                crate::error::Code::Usage,
                "{bad}"
            );
        }
        assert_eq!(
            resolve_forward_targets(&["http://a/x".into(), "http://a/x".into()]).unwrap(),
            ForwardTargets::Urls(vec!["http://a/x".into()])
        );
    }

    #[test]
    fn listen_addresses_parse_and_non_loopback_needs_a_key() {
        use clap::Parser;
        assert_eq!(
            parse_listen("localhost:80").unwrap(),
            "127.0.0.1:80".parse().unwrap()
        );
        assert!(parse_listen("[::1]:8080").unwrap().ip().is_loopback());
        assert!(parse_listen("8080").is_err());
        let serve = |extra: &[&str]| {
            let mut argv = vec!["tiklive", "serve", "--demo"];
            argv.extend_from_slice(extra);
            let cli = crate::cli::Cli::try_parse_from(argv).unwrap();
            let crate::cli::Command::Serve(mut args) = cli.command else {
                panic!()
            };
            // Independent of the environment (clap reads API_KEY).
            if !extra.contains(&"--api-key") {
                args.api_key = None;
            }
            resolve_serve(&args)
        };
        assert!(
            serve(&["--listen", "127.0.0.1:0"])
                .unwrap()
                .api_key
                .is_none()
        );
        let err = serve(&["--listen", "0.0.0.0:8080"]).unwrap_err();
        assert_eq!(crate::error::code_of(&err), crate::error::Code::Usage);
        assert!(err.to_string().contains("set API_KEY"), "{err}");
        assert!(serve(&["--listen", "0.0.0.0:8080", "--api-key", "k"]).is_ok());
        assert!(serve(&["--listen", "0.0.0.0:8080", "--insecure-no-auth"]).is_ok());
        assert!(serve(&["--buffer", "0"]).is_err());
    }

    #[test]
    fn proxies_are_validated() {
        for ok in [
            "http://127.0.0.1:8080",
            "socks5://user:pw@10.0.0.1:1080",
            "https://proxy.example",
        ] {
            assert!(validate_proxy(ok).is_ok(), "{ok}");
        }
        for bad in [
            "127.0.0.1:8080",
            "ftp://x:1",
            "http://",
            "http://host:notaport",
            "socks5://:1080",
        ] {
            assert!(validate_proxy(bad).is_err(), "{bad}");
        }
    }
}

/// One resolved setting, for `tiklive config`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Setting {
    pub name: &'static str,
    /// The value, or `(redacted)` for secrets; empty when unset.
    pub value: String,
    /// `flag`, `environment`, `.env` or `default` (`unset` when nothing set it).
    pub source: &'static str,
}

/// Where a variable's value came from.
fn env_source(name: &str, dotenv: &Dotenv) -> &'static str {
    if dotenv.keys.contains(name) {
        ".env"
    } else {
        "environment"
    }
}

/// Every setting tiklive reads, resolved, with its source. `matches` are the
/// `config` subcommand's (for flags such as `--sign-url`).
pub fn describe_settings(matches: &clap::ArgMatches, dotenv: &Dotenv) -> Vec<Setting> {
    use clap::parser::ValueSource;
    let mut out = Vec::new();
    for row in crate::settings::SETTINGS {
        // The flag's clap id (`--sign-url` → `sign_url`), when this command
        // has it. `--proxy` stands for two variables and is listed apart.
        let id = row
            .flag
            .filter(|f| *f != "--proxy")
            .map(|f| f.trim_start_matches("--").replace('-', "_"));
        let flagged = id.as_deref().and_then(|id| {
            let value = matches.try_get_raw(id).ok().flatten()?.next()?;
            Some((
                value.to_string_lossy().to_string(),
                matches.value_source(id),
            ))
        });
        let (value, source) = match (flagged, env_var(row.env)) {
            (Some((v, Some(ValueSource::CommandLine))), _) => (v, "flag"),
            (Some((v, Some(ValueSource::EnvVariable))), _) | (None, Some(v)) => {
                (v, env_source(row.env, dotenv))
            }
            (Some((v, _)), _) => (v, "default"),
            (None, None) if row.env == "TIKLIVE_DB" => (
                resolve_db(&StoreArgs::default())
                    .map(|p| p.display().to_string())
                    .unwrap_or_default(),
                "default",
            ),
            (None, None) if !row.default.is_empty() => (row.default.to_string(), "default"),
            (None, None) => (String::new(), "unset"),
        };
        let value = if row.secret && !value.is_empty() {
            "(redacted)".to_string()
        } else if row.env.ends_with("PROXY") || row.env == "NATS_URL" {
            redact_userinfo(&value)
        } else {
            value
        };
        out.push(Setting {
            name: row.env,
            value,
            source,
        });
    }
    if let Some(p) = matches.try_get_one::<String>("proxy").ok().flatten() {
        out.push(Setting {
            name: "--proxy",
            value: redact_userinfo(p),
            source: "flag",
        });
    }
    out
}

/// `http://user:pw@host` → `http://(redacted)@host`.
fn redact_userinfo(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => format!("{}(redacted){}", &url[..s + 3], &url[at..]),
        _ => url.to_string(),
    }
}
