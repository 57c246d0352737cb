//! Every setting in one table: its environment variable, its flag, its
//! default, whether it is a secret, and what it does.
//!
//! The table is the source of truth for `tiklive config` (what it lists, what
//! it redacts), `--help` and the man page (each flag's help, `[env: …]` and
//! `[default: …]`, filled in by [`document`]), the man page's ENVIRONMENT
//! section ([`environment_help`]), the README's settings section (generated
//! by [`readme_table`]; a test keeps the committed copy fresh), the tuning
//! defaults ([`default_ms`]) and the tests' list of variables to clear. The
//! clap definitions in `cli.rs` name the same variables for parsing; unit
//! tests check that every `env = …` and clap default there matches its row.

use crate::config::{DEFAULT_SIGN_URL, DEFAULT_TIKTOK_URL, DEFAULT_WEBCAST_URL};

/// One setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Setting {
    /// The environment variable (also read from `.env`).
    pub env: &'static str,
    /// The command-line flag that overrides it, if any (`--sign-url`).
    pub flag: Option<&'static str>,
    /// The default value as text; empty when there is none.
    pub default: &'static str,
    /// How the README shows the default when the value itself is long or
    /// computed; empty: [`Setting::default`].
    pub shown_default: &'static str,
    /// Redacted by `tiklive config`; clap hides its value in `--help`.
    pub secret: bool,
    /// What it does (one line, for the README and `tiklive config`).
    pub description: &'static str,
}

const fn row(env: &'static str, flag: Option<&'static str>, default: &'static str) -> Setting {
    Setting {
        env,
        flag,
        default,
        shown_default: "",
        secret: false,
        description: "",
    }
}

const fn about(mut s: Setting, description: &'static str) -> Setting {
    s.description = description;
    s
}

const fn secret(mut s: Setting) -> Setting {
    s.secret = true;
    s
}

const fn shown(mut s: Setting, shown_default: &'static str) -> Setting {
    s.shown_default = shown_default;
    s
}

/// Every setting, in the order `tiklive config` and the README list them.
pub const SETTINGS: &[Setting] = &[
    about(
        row("TIKTOK_USERNAME", None, ""),
        "the USER when none is given",
    ),
    about(
        row("SIGN_API_URL", Some("--sign-url"), DEFAULT_SIGN_URL),
        "the sign server's base URL",
    ),
    shown(
        secret(about(
            row("SIGN_API_KEY", Some("--sign-api-key"), ""),
            "the sign server's API key (sent as `x-api-key`)",
        )),
        "none (anonymous limits)",
    ),
    about(
        row("TIKLIVE_TIKTOK_URL", None, DEFAULT_TIKTOK_URL),
        "where the live page and `api-live` are fetched",
    ),
    about(
        row("TIKLIVE_WEBCAST_URL", None, DEFAULT_WEBCAST_URL),
        "where `webcast/room/info` is fetched",
    ),
    secret(about(
        row("TIKTOK_SESSION_ID", None, ""),
        "a logged-in session (18+ rooms)",
    )),
    about(
        row("TIKTOK_TARGET_IDC", None, ""),
        "the data centre of that session",
    ),
    about(
        row("HTTPS_PROXY", Some("--proxy"), ""),
        "proxy for HTTP and the WebSocket: `http://`, `https://` or `socks5://` (also `https_proxy`)",
    ),
    about(
        row("ALL_PROXY", Some("--proxy"), ""),
        "proxy when `HTTPS_PROXY` is unset (also `all_proxy`)",
    ),
    shown(
        about(
            row(
                "TIKLIVE_USER_AGENT",
                Some("--user-agent"),
                crate::config::DEFAULT_USER_AGENT,
            ),
            "the browser shown to the sign server, TikTok and the WebSocket",
        ),
        "Chrome 147 on macOS",
    ),
    about(
        row("TIKLIVE_SIGN_BUDGET", Some("--sign-budget"), "10"),
        "sign calls per minute for the whole process, shared by all streams (0 = no limit)",
    ),
    about(
        row("TIKLIVE_HEARTBEAT_MS", None, "10000"),
        "tuning: heartbeat when the server names no `ping-interval`",
    ),
    about(
        row("TIKLIVE_WAIT_POLL_MS", None, "60000"),
        "tuning: `--wait` poll",
    ),
    about(
        row("TIKLIVE_STAGGER_MS", None, "2000"),
        "tuning: start stagger between streams",
    ),
    about(
        row("TIKLIVE_SIGN_INTERVAL_MS", None, "1000"),
        "tuning: least spacing of sign calls",
    ),
    about(
        row("TIKLIVE_SIGN_WINDOW_MS", None, "60000"),
        "tuning: the sign budget's window",
    ),
    about(
        row("TIKLIVE_BACKOFF_BASE_MS", None, "2000"),
        "tuning: first reconnect wait",
    ),
    about(
        row("TIKLIVE_START_RETRIES", None, "8"),
        "reconnect attempts before a stream first connects, when `--max-retries` is not given (0 = no limit); exit 5 when used up",
    ),
    about(
        row("TIKLIVE_REJECT_RETRY_MS", None, "5000"),
        "tuning: wait before re-signing after a rejected first handshake",
    ),
    about(
        row("TIKLIVE_POOL_RETRY_MS", None, "5000"),
        "tuning: a worker's first wait before trying a failed streamer again (doubles up to 5 min)",
    ),
    about(
        row("WEBHOOK_URL", Some("--to"), ""),
        "where `forward` delivers (`--to` is repeatable; default: the registered webhooks)",
    ),
    secret(about(
        row("WEBHOOK_SECRET", Some("--secret"), ""),
        "signing secret for `--to`/`WEBHOOK_URL` targets (`whsec_…` is base64-decoded)",
    )),
    shown(
        about(
            row("TIKLIVE_DB", Some("--db"), ""),
            "the store (webhooks, outbox, `serve`'s events)",
        ),
        "`tiklive/tiklive.db` in the data directory",
    ),
    about(
        row("TIKLIVE_LISTEN", Some("--listen"), "127.0.0.1:8080"),
        "the address `serve` listens on",
    ),
    secret(about(
        row("API_KEY", Some("--api-key"), ""),
        "`serve`'s API key for `/api/*` (`Authorization: Bearer KEY` or `X-API-Key: KEY`)",
    )),
    about(
        row(
            "OVERLAY_TOKEN_GENERATION",
            Some("--overlay-token-generation"),
            "1",
        ),
        "the generation of `serve`'s read-only overlay token (derived from the API key); change it to rotate the token",
    ),
    about(
        row("NATS_URL", Some("--nats"), ""),
        "the NATS servers (`nats://[USER:PASS@]HOST:PORT[,…]`)",
    ),
    about(
        row("NATS_CREDS", Some("--nats-creds"), ""),
        "a NATS credentials file (JWT and NKey seed)",
    ),
    secret(about(
        row("NATS_TOKEN", Some("--nats-token"), ""),
        "a NATS authentication token",
    )),
    about(
        row(
            "TIKLIVE_NATS_PREFIX",
            Some("--nats-prefix"),
            crate::nats::namespace::DEFAULT_PREFIX,
        ),
        "the subject prefix of this deployment's events (`PREFIX.ev.<streamer>.<type>`), stream (`PREFIX_EVENTS`), KV buckets and consumers: one per deployment sharing a NATS account (lower-case letters, digits, `-`; tokens split by `.`, none of them `ev`)",
    ),
    about(row("NO_COLOR", None, ""), "any value turns colour off"),
];

/// Variables that are not settings but change what tiklive does (the
/// terminal, the time zone, logging, the lower-case proxy spellings). The
/// tests clear these along with every [`SETTINGS`] variable.
pub const AMBIENT: &[&str] = &[
    "TERM",
    "TZ",
    "RUST_LOG",
    "https_proxy",
    "http_proxy",
    "HTTP_PROXY",
    "all_proxy",
    "TIKLIVE_TEST_TTY",
    "CLICOLOR",
    "CLICOLOR_FORCE",
    "COLUMNS",
];

/// The row of `env`.
///
/// # Panics
/// `env` has no row: a programming error that the unit tests catch.
pub fn setting(env: &str) -> &'static Setting {
    SETTINGS
        .iter()
        .find(|s| s.env == env)
        .unwrap_or_else(|| panic!("{env} is not in the settings table"))
}

/// The default of a `TIKLIVE_*_MS` tuning variable, in milliseconds.
///
/// # Panics
/// `env` has no row or its default is not a number (caught by unit tests).
pub fn default_ms(env: &str) -> u64 {
    setting(env)
        .default
        .parse()
        .unwrap_or_else(|_| panic!("{env}'s default is not milliseconds"))
}

/// The rows of `--flag` (`--proxy` has two).
pub fn rows_of_flag(flag: &str) -> impl Iterator<Item = &'static Setting> {
    SETTINGS.iter().filter(move |s| s.flag == Some(flag))
}

impl Setting {
    /// The default as people read it: [`Setting::shown_default`], else
    /// [`Setting::default`]; empty when there is none.
    pub fn default_for_humans(&self) -> &'static str {
        if self.shown_default.is_empty() {
            self.default
        } else {
            self.shown_default
        }
    }
}

/// A description as plain text starting with a capital (for `--help`).
fn sentence(text: &str) -> String {
    let text = text.replace('`', "");
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |c| {
        c.to_uppercase().chain(chars).collect::<String>()
    })
}

/// `cmd` (and every subcommand) with each flag of the table documented from
/// its row: help = the description, then `[env: …]` and `[default: …]`.
/// clap's own `[env: X=value]` and default are hidden, so no value from the
/// environment ever shows in `--help`, the man page or the completions.
///
/// A flag is a setting's when clap reads the row's variable for it, or when
/// clap reads that variable nowhere (`--proxy`, `--to`: `config` reads it).
/// So `webhooks add --secret` (a webhook's own secret, no variable) keeps its
/// help while `forward --secret` (`WEBHOOK_SECRET`) takes the row's.
pub fn document(cmd: clap::Command) -> clap::Command {
    let mut clap_envs = Vec::new();
    collect_envs(&cmd, &mut clap_envs);
    document_with(cmd, &clap_envs)
}

fn collect_envs(cmd: &clap::Command, out: &mut Vec<String>) {
    for arg in cmd.get_arguments() {
        if let Some(env) = arg.get_env() {
            out.push(env.to_string_lossy().into_owned());
        }
    }
    for sub in cmd.get_subcommands() {
        collect_envs(sub, out);
    }
}

fn document_with(cmd: clap::Command, clap_envs: &[String]) -> clap::Command {
    cmd.mut_args(|arg| document_arg(arg, clap_envs))
        .mut_subcommands(|sub| document_with(sub, clap_envs))
}

fn document_arg(arg: clap::Arg, clap_envs: &[String]) -> clap::Arg {
    let Some(flag) = arg.get_long().map(|l| format!("--{l}")) else {
        return arg;
    };
    let arg_env = arg.get_env().map(|e| e.to_string_lossy().into_owned());
    let rows: Vec<&Setting> = rows_of_flag(&flag)
        .filter(|row| match &arg_env {
            Some(env) => env == row.env,
            None => !clap_envs.iter().any(|e| e == row.env),
        })
        .collect();
    let Some(row) = rows.first() else {
        return arg;
    };
    let envs: Vec<&str> = rows.iter().map(|s| s.env).collect();
    let mut help = format!("{} [env: {}]", sentence(row.description), envs.join(", "));
    if !row.default_for_humans().is_empty() {
        help.push_str(&format!(
            " [default: {}]",
            row.default_for_humans().replace('`', "")
        ));
    }
    arg.help(help)
        .long_help(None::<&str>)
        .hide_env(true)
        .hide_default_value(true)
}

/// The man page's ENVIRONMENT section: one line per variable, with its
/// default, then how `.env` is read.
pub fn environment_help() -> String {
    let width = SETTINGS.iter().map(|s| s.env.len()).max().unwrap_or(0);
    let mut out = String::new();
    for s in SETTINGS {
        let secret = if s.secret { " (secret)" } else { "" };
        let default = match s.default_for_humans() {
            "" => String::new(),
            d => format!(" [default: {}]", d.replace('`', "")),
        };
        out.push_str(&format!(
            "{:<width$}  {}{secret}{default}\n",
            s.env,
            s.description.replace('`', "")
        ));
    }
    out.push_str(&format!(
        "{:<width$}  read from the current directory; never overrides a set variable",
        ".env"
    ));
    out
}

/// The README's settings table (markdown), generated from [`SETTINGS`].
pub fn readme_table() -> String {
    let mut out = String::from("| variable | flag | meaning | default |\n|---|---|---|---|\n");
    for s in SETTINGS {
        let flag = s.flag.map(|f| format!("`{f}`")).unwrap_or_default();
        let default = match (s.shown_default, s.default) {
            ("", "") => String::new(),
            ("", d) => format!("`{d}`"),
            (shown, _) => shown.to_string(),
        };
        debug_assert_eq!(s.default_for_humans().is_empty(), default.is_empty());
        let secret = if s.secret { " (secret)" } else { "" };
        out.push_str(&format!(
            "| `{}` | {flag} | {}{secret} | {default} |\n",
            s.env, s.description
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use clap::CommandFactory;

    use super::*;

    /// Every `env = …` in the CLI, with its flag, across all subcommands.
    fn clap_envs(cmd: &clap::Command, out: &mut BTreeMap<String, String>) {
        for arg in cmd.get_arguments() {
            if let (Some(env), Some(long)) = (arg.get_env(), arg.get_long()) {
                out.insert(env.to_string_lossy().into_owned(), format!("--{long}"));
            }
        }
        for sub in cmd.get_subcommands() {
            clap_envs(sub, out);
        }
    }

    #[test]
    fn every_cli_env_is_in_the_table_with_its_flag() {
        let mut envs = BTreeMap::new();
        clap_envs(&crate::cli::Cli::command(), &mut envs);
        assert!(envs.len() >= 8, "{envs:?}");
        for (env, flag) in envs {
            assert_eq!(setting(&env).flag, Some(flag.as_str()), "{env}");
        }
    }

    /// Every clap default of a table flag, across all subcommands.
    fn clap_defaults(cmd: &clap::Command, out: &mut Vec<(String, String)>) {
        for arg in cmd.get_arguments() {
            if let (Some(long), [default]) = (arg.get_long(), arg.get_default_values()) {
                out.push((format!("--{long}"), default.to_string_lossy().into_owned()));
            }
        }
        for sub in cmd.get_subcommands() {
            clap_defaults(sub, out);
        }
    }

    #[test]
    fn clap_defaults_of_table_flags_are_the_table_defaults() {
        let mut defaults = Vec::new();
        clap_defaults(&crate::cli::Cli::command(), &mut defaults);
        let mut checked = 0;
        for (flag, default) in defaults {
            if let Some(row) = rows_of_flag(&flag).next() {
                assert_eq!(row.default, default, "{flag}");
                checked += 1;
            }
        }
        assert!(checked >= 3, "{checked}");
    }

    #[test]
    fn help_shows_each_flag_from_its_row_and_no_environment_value() {
        let mut cli = crate::cli::command();
        let serve = cli.find_subcommand_mut("serve").unwrap();
        let help = |id: &str| {
            let arg = serve.get_arguments().find(|a| a.get_id() == id).unwrap();
            assert!(
                arg.is_hide_env_set() && arg.is_hide_default_value_set(),
                "{id}"
            );
            arg.get_help().unwrap().to_string()
        };
        assert_eq!(
            help("listen"),
            "The address serve listens on [env: TIKLIVE_LISTEN] [default: 127.0.0.1:8080]"
        );
        assert_eq!(
            help("sign_url"),
            "The sign server's base URL [env: SIGN_API_URL] [default: https://api.eulerstream.com]"
        );
        assert!(help("proxy").ends_with("[env: HTTPS_PROXY, ALL_PROXY]"));
        // A webhook's own secret is not WEBHOOK_SECRET.
        let mut cli = crate::cli::command();
        let add = cli
            .find_subcommand_mut("webhooks")
            .and_then(|w| w.find_subcommand_mut("add"))
            .unwrap();
        let secret = add
            .get_arguments()
            .find(|a| a.get_id() == "secret")
            .unwrap();
        assert!(
            !secret
                .get_help()
                .unwrap()
                .to_string()
                .contains("WEBHOOK_SECRET")
        );
        let rendered = serve.render_help().to_string();
        for shown in rendered.split("[env: ").skip(1) {
            let env = shown.split(']').next().unwrap();
            assert!(!env.contains('='), "an environment value in: {rendered}");
        }
    }

    #[test]
    fn names_are_unique_and_described_and_tuning_defaults_are_numbers() {
        let mut seen = std::collections::HashSet::new();
        for s in SETTINGS {
            assert!(seen.insert(s.env), "{} twice", s.env);
            assert!(!s.description.is_empty(), "{} undescribed", s.env);
            if s.env.ends_with("_MS") {
                default_ms(s.env);
            }
        }
    }
}
