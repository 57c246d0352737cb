//! Where events come from (USER…, `--replay`, `--demo`, stdin), at what
//! speed, and which of them are wanted.

use std::path::PathBuf;

use anyhow::{Result, bail};

use crate::cli::{FilterArgs, GiftStreaks, InputArgs, SourceArgs};
use crate::error::Failure;
use crate::webcast::{DecoderOptions, EventKind, KindSet, StreakMode};

use super::env_var;

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

/// [`resolve_source`] for a command's [`InputArgs`], refusing options that
/// the chosen source would ignore: `--room-id`, `--wait` and `--max-retries`
/// apply to live streams only, and `--gift-streaks final` cannot regroup
/// events read back from stdin (their streaks were already decided).
pub fn resolve_input(
    users: &[String],
    input: &InputArgs,
    allow_stdin: bool,
    command: &str,
) -> Result<Source> {
    let source = resolve_source(users, &input.source, allow_stdin, command)?;
    let live = &input.live;
    let live_only = [
        ("--room-id", live.room_id.is_some()),
        ("--wait", live.wait),
        ("--max-retries", live.max_retries.is_some()),
    ];
    if !matches!(source, Source::Live(_))
        && let Some((flag, _)) = live_only.iter().find(|(_, given)| *given)
    {
        bail!(Failure::usage(format!(
            "{flag} applies to live streams (USER), not to --demo, --replay or stdin"
        )));
    }
    if matches!(source, Source::Stdin) && input.filter.gift_streaks == GiftStreaks::Final {
        bail!(Failure::usage(
            "--gift-streaks final cannot regroup events read from stdin: give it to the command that decodes them"
        ));
    }
    Ok(source)
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
}
