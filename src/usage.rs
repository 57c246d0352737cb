//! A command line clap rejects, told as our errors are: one line
//! `tiklive: error: …` (exit 2) and at most one hint line, instead of clap's
//! multi-line block with a usage synopsis.
//!
//! The message is clap's own first line (its "a similar … exists" tip kept on
//! the same line); a missing required flag that may come from the environment
//! names both (`--nats URL or NATS_URL is needed`); a missing subcommand lists
//! the subcommands. The hint is the valid values when clap knows them, else
//! where to read more (`see 'tiklive watch --help'`). `--help` and `--version`
//! are not errors and never come here.

use std::ffi::OsString;

use clap::error::{ContextKind, ContextValue, ErrorKind};

/// What to print for a rejected command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageError {
    /// One line, without the `tiklive: error: ` prefix.
    pub message: String,
    /// One line, printed after the message as `tiklive: HINT`.
    pub hint: String,
}

/// Turn clap's error for `args` (as given to `run`, program name first) of
/// the command line `cmd` into one message and one hint.
pub fn explain(err: &clap::Error, cmd: &clap::Command, args: &[OsString]) -> UsageError {
    let (path, sub) = subcommand_of(cmd, args);
    let rendered = err.render().to_string();
    let mut lines = rendered.lines();
    let first = lines.next().unwrap_or_default();
    let first = first.strip_prefix("error: ").unwrap_or(first).trim();
    let tip = lines
        .filter_map(|l| l.trim().strip_prefix("tip: "))
        .find(|t| t.contains("similar"));

    let mut message = match err.kind() {
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand | ErrorKind::MissingSubcommand => {
            let names: Vec<&str> = sub
                .get_subcommands()
                .filter(|s| !s.is_hide_set() && s.get_name() != "help")
                .map(|s| s.get_name())
                .collect();
            format!("a command is needed: {}", names.join(", "))
        }
        ErrorKind::MissingRequiredArgument => match err.get(ContextKind::InvalidArg) {
            Some(ContextValue::Strings(missing)) if !missing.is_empty() => {
                let needed: Vec<String> = missing
                    .iter()
                    .map(|m| format!("{} is needed", how_to_give(sub, m)))
                    .collect();
                needed.join("; ")
            }
            _ => first.to_string(),
        },
        _ => first.to_string(),
    };
    if is_type_value(err) {
        // Too many names for one line: the closest ones, and where the rest are.
        if let Some(unknown) = unknown_event_type(err) {
            message = format!("{first}: {unknown}");
        }
        let hint = format!(
            "see all {} event types with '{path} --type help'",
            crate::webcast::EventKind::ALL.len()
        );
        return UsageError { message, hint };
    }
    if let Some(var) = from_environment(err, sub, args) {
        message.push_str(&format!(" (from {var})"));
    }
    if let Some(tip) = tip {
        message.push_str("; ");
        message.push_str(tip);
    }
    let hint = match err.get(ContextKind::ValidValue) {
        Some(ContextValue::Strings(values)) if !values.is_empty() => {
            format!("possible values: {}", values.join(", "))
        }
        _ => format!("see '{path} --help'"),
    };
    UsageError { message, hint }
}

/// The variable a bad value came from: the flag's `env` when the flag is
/// not on the command line (`TIKLIVE_SIGN_BUDGET=x` names the variable, not
/// only `--sign-budget`, which the user never typed).
fn from_environment(err: &clap::Error, cmd: &clap::Command, args: &[OsString]) -> Option<String> {
    if !matches!(
        err.kind(),
        ErrorKind::InvalidValue | ErrorKind::ValueValidation
    ) {
        return None;
    }
    let Some(ContextValue::String(shown)) = err.get(ContextKind::InvalidArg) else {
        return None;
    };
    let long = shown.strip_prefix("--")?.split([' ', '=']).next()?;
    let flag = format!("--{long}");
    let typed = args.iter().filter_map(|a| a.to_str()).any(|a| {
        a == flag
            || a.strip_prefix(flag.as_str())
                .is_some_and(|rest| rest.starts_with('='))
    });
    if typed {
        return None;
    }
    let env = cmd
        .get_arguments()
        .find(|a| a.get_long() == Some(long))?
        .get_env()?;
    std::env::var_os(env).map(|_| env.to_string_lossy().into_owned())
}

/// A `--type` value that is no event type: why, with the names it may have
/// meant ([`crate::webcast::UnknownKind`]).
fn unknown_event_type(err: &clap::Error) -> Option<crate::webcast::UnknownKind> {
    match err.get(ContextKind::InvalidValue) {
        Some(ContextValue::String(value)) if !value.trim().is_empty() => {
            value.parse::<crate::webcast::EventKind>().err()
        }
        _ => None,
    }
}

/// Whether clap refused a `--type` value (a bad one, or none given).
fn is_type_value(err: &clap::Error) -> bool {
    err.kind() == ErrorKind::InvalidValue
        && matches!(
            err.get(ContextKind::InvalidArg),
            Some(ContextValue::String(arg)) if arg.starts_with("--type")
        )
}

/// The deepest subcommand named in `args` (flags and values skipped), as the
/// words a user types (`tiklive webhooks list`) and its definition.
fn subcommand_of<'a>(cmd: &'a clap::Command, args: &[OsString]) -> (String, &'a clap::Command) {
    let mut path = vec![cmd.get_name().to_string()];
    let mut sub = cmd;
    for arg in args.iter().skip(1) {
        let Some(arg) = arg.to_str() else { continue };
        if arg == "--" {
            break;
        }
        if let Some(next) = sub.find_subcommand(arg) {
            path.push(next.get_name().to_string());
            sub = next;
        }
    }
    (path.join(" "), sub)
}

/// How to give a missing argument clap names as `--nats <URL>` or
/// `<USER>...`: `--nats URL or NATS_URL` when it may come from the
/// environment, `USER` for a positional one.
fn how_to_give(cmd: &clap::Command, shown: &str) -> String {
    let plain = shown.replace(['<', '>'], "").replace("...", "");
    let long = shown
        .strip_prefix("--")
        .map(|rest| rest.split([' ', '=']).next().unwrap_or(rest));
    let env = long.and_then(|long| {
        cmd.get_arguments()
            .find(|a| a.get_long() == Some(long))
            .and_then(|a| a.get_env())
    });
    if let Some(env) = env {
        return format!("{plain} or {}", env.to_string_lossy());
    }
    // A positional with a fixed set of values (`completions SHELL`): name
    // them, or `SHELL is needed` reads like the environment variable.
    let values: Vec<String> = cmd
        .get_positionals()
        .find(|a| {
            a.get_value_names()
                .is_some_and(|names| names.iter().any(|n| n.as_str() == plain))
        })
        .map(|a| {
            a.get_possible_values()
                .iter()
                .filter(|v| !v.is_hide_set())
                .map(|v| v.get_name().to_string())
                .collect()
        })
        .unwrap_or_default();
    if values.is_empty() {
        plain
    } else {
        format!("{plain} (one of {})", values.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_choice_names_its_values() {
        assert_eq!(
            explain_args(&["completions"]).message,
            "SHELL (one of bash, zsh, fish, powershell, elvish) is needed"
        );
    }

    fn explain_args(args: &[&str]) -> UsageError {
        let cmd = crate::cli::command();
        let args: Vec<OsString> = std::iter::once("tiklive")
            .chain(args.iter().copied())
            .map(OsString::from)
            .collect();
        let err = cmd.clone().try_get_matches_from(&args).unwrap_err();
        explain(&err, &cmd, &args)
    }

    #[test]
    fn an_unknown_flag_keeps_the_similar_one() {
        let e = explain_args(&["watch", "--typ", "gift"]);
        assert_eq!(
            e.message,
            "unexpected argument '--typ' found; a similar argument exists: '--type'"
        );
        assert_eq!(e.hint, "see 'tiklive watch --help'");
        // The "use '-- --bogus'" tip is no help for a flag typo: dropped.
        let e = explain_args(&["--color", "never", "webhooks", "list", "--bogus"]);
        assert_eq!(e.message, "unexpected argument '--bogus' found");
        assert_eq!(e.hint, "see 'tiklive webhooks list --help'");
    }

    #[test]
    fn a_missing_flag_names_its_variable() {
        for args in [
            &["streamers", "list"][..],
            &["cluster", "status"],
            &["worker"],
            &["streamers", "add", "alice"],
        ] {
            let e = explain_args(args);
            assert_eq!(e.message, "--nats URL or NATS_URL is needed", "{args:?}");
        }
        let e = explain_args(&["streamers", "remove"]);
        assert_eq!(
            e.message,
            "--nats URL or NATS_URL is needed; USER is needed"
        );
        assert_eq!(e.hint, "see 'tiklive streamers remove --help'");
    }

    #[test]
    fn a_missing_subcommand_lists_them() {
        let e = explain_args(&["webhooks"]);
        assert_eq!(e.message, "a command is needed: add, list, remove, test");
        assert_eq!(e.hint, "see 'tiklive webhooks --help'");
        let e = explain_args(&[]);
        assert!(
            e.message
                .starts_with("a command is needed: watch, forward, "),
            "{e:?}"
        );
        assert_eq!(e.hint, "see 'tiklive --help'");
    }

    #[test]
    fn an_unknown_type_suggests_the_closest_and_says_where_the_rest_are() {
        let e = explain_args(&["watch", "--demo", "--type", "chat,gfit"]);
        assert_eq!(
            e.message,
            "invalid value 'gfit' for '--type <TYPE>': unknown event type 'gfit' (did you mean 'gift'?)"
        );
        let n = crate::webcast::EventKind::ALL.len();
        assert_eq!(
            e.hint,
            format!("see all {n} event types with 'tiklive watch --type help'")
        );
        // No value at all: the same pointer, not every name.
        let e = explain_args(&["watch", "--demo", "--type"]);
        assert_eq!(
            e.message,
            "a value is required for '--type <TYPE>' but none was supplied"
        );
        assert_eq!(
            e.hint,
            format!("see all {n} event types with 'tiklive watch --type help'")
        );
        let e = explain_args(&["webhooks", "add", "http://x/", "-t", "battle"]);
        assert!(
            e.message.ends_with(
                "unknown event type 'battle' (did you mean 'linkMicBattle', 'linkMicBattleTask' or 'linkMicBattleItemCard'?)"
            ),
            "{e:?}"
        );
        assert_eq!(
            e.hint,
            format!("see all {n} event types with 'tiklive webhooks add --type help'")
        );
    }

    #[test]
    fn a_bad_value_lists_the_valid_ones() {
        let e = explain_args(&["watch", "--color", "sometimes"]);
        assert_eq!(e.message, "invalid value 'sometimes' for '--color <WHEN>'");
        assert_eq!(e.hint, "possible values: auto, always, never");
        let e = explain_args(&["watch", "--limit", "x"]);
        assert_eq!(
            e.message,
            "invalid value 'x' for '--limit <N>': expected a whole number of events, 1 or more"
        );
        assert_eq!(e.hint, "see 'tiklive watch --help'");
        // A negative number is the value, refused by its own check.
        let e = explain_args(&["watch", "--demo", "--limit", "-1"]);
        assert_eq!(
            e.message,
            "invalid value '-1' for '--limit <N>': expected a whole number of events, 1 or more"
        );
        // Zero is refused the same way by every command with --limit.
        for cmd in ["watch", "forward", "serve"] {
            let e = explain_args(&[cmd, "--demo", "--limit", "0"]);
            assert_eq!(
                e.message,
                "invalid value '0' for '--limit <N>': must be 1 or more (leave --limit out for no limit)"
            );
            assert_eq!(e.hint, format!("see 'tiklive {cmd} --help'"));
        }
    }
}
