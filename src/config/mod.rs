//! Resolved settings. The only module that reads the environment, `.env` and
//! whether a stream is a terminal; command code receives plain values.
//!
//! Precedence: flag > environment > `.env` in the current directory > default.
//! `.env` is loaded before the command line is parsed and never overrides a
//! variable that is already set, so clap's `env = …` sees the right value.

mod describe;
mod env;
mod live;
mod serve;
mod source;
mod terminal;
mod webhook;

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result, bail};

use crate::cli::StoreArgs;
use crate::error::Failure;

pub use describe::{Setting, describe_settings};
pub use env::{Dotenv, env_var, load_dotenv, unknown_variable_warnings};
pub use live::{
    DEFAULT_IDLE_TIMEOUT_SECS, DEFAULT_SIGN_BUDGET, DEFAULT_SIGN_URL, DEFAULT_TIKTOK_URL,
    DEFAULT_TZ_NAME, DEFAULT_USER_AGENT, DEFAULT_WEBCAST_URL, LiveConfig, check_env_numbers,
    parse_proxy, system_tz_name,
};
pub use serve::{ServeConfig, parse_listen, resolve_serve};
pub use source::{
    Source, Speed, parse_speed, parse_user, resolve_filter, resolve_input, resolve_source,
};
pub use terminal::{Terminal, resolve_format};
pub use webhook::{ForwardTargets, resolve_forward_targets, validate_webhook_url, webhook_secret};

/// Parse `30s`, `5m`, `1h`, `250ms` or a bare number of seconds.
/// The value of a duration `flag` (`--lease-ttl`); the usage error names
/// the flag: `invalid --lease-ttl 'abc': use e.g. 30s, 5m, 250ms`.
pub fn duration_flag(flag: &str, value: &str) -> Result<Duration> {
    parse_duration(value).map_err(|_| {
        Failure::usage(format!(
            "invalid {flag} '{}': use e.g. 30s, 5m, 250ms",
            value.trim()
        ))
        .into()
    })
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse() {
        assert_eq!(parse_duration("30s").unwrap(), Duration::from_secs(30));
        assert_eq!(parse_duration("5m").unwrap(), Duration::from_secs(300));
        assert_eq!(parse_duration("250ms").unwrap(), Duration::from_millis(250));
        assert_eq!(parse_duration("2").unwrap(), Duration::from_secs(2));
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("3d").is_err());
    }
}
