//! The `tiklive` binary, run as a user would: filters, exit codes, the NDJSON
//! schema, pretty output and colour, pipes, `--limit`, record and replay.
//! Every run has a scrubbed environment and an empty working directory.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;

use serde_json::Value;
use tiklive::webcast::EventKind;

use crate::support::decode::{assert_spec_fields, is_iso_millis, is_uuid};
use crate::support::{Run, isolate, ndjson, run, temp_command};

/// `tiklive watch --demo --speed max` plus `args`, NDJSON (stdout is a pipe).
fn demo(args: &[&str]) -> Run {
    let (mut cmd, _dir) = temp_command();
    cmd.args(["watch", "--demo", "--speed", "max"]).args(args);
    run(&mut cmd)
}

#[track_caller]
fn assert_ok(r: &Run) {
    assert_eq!(r.code, 0, "stderr: {}", r.stderr);
    assert_eq!(r.stderr, "", "nothing on stderr");
}

fn types(lines: &[Value]) -> BTreeSet<String> {
    lines
        .iter()
        .map(|l| l["type"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn type_filter_keeps_only_those_types() {
    let r = demo(&["--type", "gift,CHAT", "-t", "follow"]);
    assert_ok(&r);
    let lines = ndjson(&r.stdout);
    assert_eq!(
        types(&lines),
        ["chat", "follow", "gift"].map(String::from).into()
    );
    // Control events are types like any other: not asked for, not shown.
    let r = demo(&["--type", "connected,streamEnd,disconnected"]);
    assert_ok(&r);
    let kinds: Vec<String> = ndjson(&r.stdout)
        .iter()
        .map(|l| l["type"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(kinds, ["connected", "streamEnd", "disconnected"]);
}

#[test]
fn an_unknown_type_is_a_usage_error_that_helps() {
    let r = demo(&["--type", "gift,gfit"]);
    assert_eq!(r.code, 2);
    assert_eq!(r.stdout, "");
    assert!(
        r.stderr
            .contains("invalid value 'gfit' for '--type <TYPE>'"),
        "{}",
        r.stderr
    );
    // The closest name is suggested, and the hint says where all are (not
    // all ~70 names on one line).
    let n = EventKind::ALL.len();
    assert_eq!(
        r.stderr,
        format!(
            "tiklive: error: invalid value 'gfit' for '--type <TYPE>': unknown event type 'gfit' (did you mean 'gift'?)\n\
             tiklive: see all {n} event types with 'tiklive watch --type help'\n"
        )
    );
    // Any case suggests the right spelling.
    let r = demo(&["--type", "ROOMUPDAT"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("(did you mean 'roomUpdate'?)"),
        "{}",
        r.stderr
    );
    // Nothing close: no guess, the same pointer.
    let r = demo(&["--type", "zzzzzz"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.ends_with(&format!(
            "unknown event type 'zzzzzz'\ntiklive: see all {n} event types with 'tiklive watch --type help'\n"
        )),
        "{}",
        r.stderr
    );
    // `--type help` lists every name, one per line, and exits 0.
    let r = demo(&["--type", "help"]);
    assert_ok(&r);
    let all: Vec<&str> = EventKind::ALL.iter().map(|k| k.name()).collect();
    assert_eq!(r.stdout.lines().collect::<Vec<_>>(), all);
    assert_eq!(r.stderr, "");
}

/// The demo's subscriptions and newer types: `--type subNotify` gives the
/// two subscriptions with their user fields and months, and the generic ones
/// carry their nested fields.
#[test]
fn the_demo_shows_subscriptions_and_newer_types() {
    let r = demo(&["--type", "subNotify"]);
    assert_ok(&r);
    let subs = ndjson(&r.stdout);
    let got: Vec<(&str, &str, u64)> = subs
        .iter()
        .map(|l| {
            let d = &l["data"];
            (
                d["uniqueId"].as_str().unwrap(),
                d["nickname"].as_str().unwrap(),
                d["subMonth"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(got, [("lena.k", "Lena K", 1), ("kwame_k", "Kwame", 6)]);
    assert!(subs.iter().all(|l| l["data"]["userId"].is_string()));

    let r = demo(&["--type", "system,toast,giftBroadcast,linkMicBattleItemCard"]);
    assert_ok(&r);
    let lines = ndjson(&r.stdout);
    assert_eq!(
        types(&lines),
        ["giftBroadcast", "linkMicBattleItemCard", "system", "toast"]
            .map(String::from)
            .into()
    );
    let of = |kind: &str| lines.iter().find(|l| l["type"] == kind).unwrap()["data"].clone();
    assert_eq!(of("toast")["scene"], "gift_panel");
    assert_eq!(
        of("giftBroadcast")["notify"]["user"]["displayId"],
        "sofia.paints"
    );
    let card = of("linkMicBattleItemCard");
    assert_eq!(
        card["useCriticalStrikeCard"]["cardInfo"]["sendUser"]["user"]["nickName"],
        "Oscar 🎮"
    );
}

/// The NDJSON schema, pinned: keys, their order, timestamp and id formats, and
/// every spec field of every type the demo emits.
#[test]
fn ndjson_lines_have_the_documented_shape() {
    let r = demo(&[]);
    assert_ok(&r);
    assert!(r.stdout.ends_with('\n'));
    let mut ids = BTreeSet::new();
    let mut per_type: BTreeMap<String, usize> = BTreeMap::new();
    let mut history = 0;
    for line in r.stdout.lines() {
        let v: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        let keys: Vec<&str> = line_keys(line);
        let expected: &[&str] = if v.get("history").is_some() {
            history += 1;
            assert_eq!(v["history"], true, "{line}");
            &["type", "streamer", "data", "timestamp", "id", "history"]
        } else {
            &["type", "streamer", "data", "timestamp", "id"]
        };
        assert_eq!(keys, expected, "{line}");
        let kind: EventKind = v["type"].as_str().unwrap().parse().unwrap();
        assert_eq!(v["streamer"], "tiklive_demo");
        assert!(v["data"].is_object(), "{line}");
        assert_spec_fields(kind, &v["data"]);
        let ts = v["timestamp"].as_str().unwrap();
        assert!(is_iso_millis(ts), "timestamp {ts}");
        let id = v["id"].as_str().unwrap();
        assert!(is_uuid(id), "id {id}");
        assert!(ids.insert(id.to_string()), "ids are unique");
        *per_type.entry(kind.name().to_string()).or_default() += 1;
    }
    // The demo's first fetch result carries three backlog chat messages.
    assert_eq!(history, 3);
    // The demo shows every one of the spec's 43 types but the debug and
    // error ones.
    let shown: BTreeSet<&str> = per_type.keys().map(String::as_str).collect();
    for kind in &EventKind::ALL[..43] {
        let expected = !kind.is_debug() && *kind != EventKind::Error;
        assert_eq!(
            shown.contains(kind.name()),
            expected,
            "{kind}: {per_type:?}"
        );
    }
}

/// The top-level keys of one JSON object line, in order (serde_json's map
/// sorts them, so read them off the text).
fn line_keys(line: &str) -> Vec<&str> {
    let mut keys = Vec::new();
    let mut depth = 0;
    let mut in_str = false;
    let mut escaped = false;
    let mut start = None;
    let bytes = line.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if in_str {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => {
                    in_str = false;
                    if depth == 1
                        && let Some(s) = start.take()
                        && bytes.get(i + 1) == Some(&b':')
                    {
                        keys.push(&line[s..i]);
                    }
                }
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => {
                in_str = true;
                start = Some(i + 1);
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' => depth -= 1,
            _ => {}
        }
    }
    keys
}

#[test]
fn pretty_output_with_and_without_colour() {
    let r = demo(&["--format", "pretty", "--color", "always", "--limit", "20"]);
    assert_ok(&r);
    assert_eq!(r.stdout.lines().count(), 20);
    assert!(r.stdout.contains("\x1b["), "colour asked for");
    assert!(
        r.stdout
            .contains("connected to @tiklive_demo (room 7312000000000000001)")
    );

    let r = demo(&["--format", "pretty", "--color", "never", "--limit", "20"]);
    assert_ok(&r);
    assert!(!r.stdout.contains('\x1b'));
    let first = r.stdout.lines().next().unwrap();
    // HH:MM:SS streamer type gist
    assert!(
        first.as_bytes()[2] == b':' && first.as_bytes()[5] == b':',
        "{first}"
    );
    assert!(
        first[8..].starts_with(" tiklive_demo connected    connected to @tiklive_demo"),
        "{first}"
    );
    assert!(
        r.stdout
            .lines()
            .any(|l| l.contains(" chat ") && l.contains(": ")),
        "{}",
        r.stdout
    );

    // Piped without --format: NDJSON, never colour.
    let r = demo(&["--color", "always", "--limit", "3"]);
    assert_ok(&r);
    assert_eq!(ndjson(&r.stdout).len(), 3);
    assert!(!r.stdout.contains('\x1b'));

    // A terminal (simulated) gets colour by default, unless NO_COLOR or
    // TERM=dumb says no; an explicit --color always wins over both.
    let tty = |env: &[(&str, &str)], args: &[&str]| {
        let (mut cmd, _dir) = temp_command();
        cmd.args(["watch", "--demo", "--speed", "max", "--limit", "5"])
            .args(args)
            .env("TIKLIVE_TEST_TTY", "1")
            .envs(env.iter().copied());
        run(&mut cmd)
    };
    let r = tty(&[], &[]);
    assert_ok(&r);
    assert!(
        r.stdout.contains('\x1b'),
        "pretty and coloured on a terminal"
    );
    assert!(!r.stdout.starts_with('{'));
    for env in [[("NO_COLOR", "1")], [("TERM", "dumb")]] {
        let r = tty(&env, &[]);
        assert_ok(&r);
        assert!(!r.stdout.contains('\x1b'), "{env:?}");
        assert!(!r.stdout.starts_with('{'), "still pretty: {env:?}");
        let r = tty(&env, &["--color", "always"]);
        assert!(r.stdout.contains('\x1b'), "{env:?} + --color always");
    }
    // NO_COLOR set but empty does not count (no-color.org).
    let r = tty(&[("NO_COLOR", "")], &[]);
    assert!(r.stdout.contains('\x1b'));
}

#[test]
fn head_closing_the_pipe_is_success() {
    let dir = tempfile::tempdir().unwrap();
    let err = dir.path().join("stderr.txt");
    // Bash, for PIPESTATUS: the exit status of tiklive itself, not of head.
    // At full speed the decoding writes stdout itself; paced, a stdout
    // thread writes what it is handed.
    let script = r#""$TIKLIVE" watch --demo --speed "$SPEED" --threads "$THREADS" 2>"$ERR" | head -n 1; echo "tiklive=${PIPESTATUS[0]} head=${PIPESTATUS[1]}""#;
    for (speed, threads) in [("max", "1"), ("max", "2"), ("1000", "1")] {
        let mut cmd = std::process::Command::new("bash");
        isolate(&mut cmd, dir.path());
        cmd.args(["-c", script])
            .env("TIKLIVE", env!("CARGO_BIN_EXE_tiklive"))
            .env("SPEED", speed)
            .env("THREADS", threads)
            .env("ERR", &err);
        let r = run(&mut cmd);
        let mut lines = r.stdout.lines();
        let first: Value = serde_json::from_str(lines.next().unwrap()).unwrap();
        assert_eq!(first["type"], "connected");
        assert_eq!(lines.next(), Some("tiklive=0 head=0"), "{}", r.stdout);
        assert_eq!(
            std::fs::read_to_string(&err).unwrap(),
            "",
            "tiklive's stderr, --speed {speed} --threads {threads}"
        );
    }
}

#[test]
fn limit_stops_after_n_events() {
    // At full speed the decoding writes stdout itself; paced, a stdout
    // thread writes what it is handed.
    for (speed, threads) in [("max", "1"), ("max", "2"), ("1000", "1")] {
        let watch = |args: &[&str]| {
            let (mut cmd, _dir) = temp_command();
            cmd.args(["watch", "--demo", "--speed", speed, "--threads", threads]);
            run(cmd.args(args))
        };
        let label = format!("--speed {speed} --threads {threads}");
        for n in [1, 5, 50] {
            let r = watch(&["--limit", &n.to_string()]);
            assert_ok(&r);
            assert_eq!(ndjson(&r.stdout).len(), n, "{label}");
        }
        let r = watch(&["-n", "2", "--type", "gift"]);
        assert_ok(&r);
        assert_eq!(ndjson(&r.stdout).len(), 2, "{label}");
        assert_eq!(types(&ndjson(&r.stdout)), ["gift".to_string()].into());
    }
}

/// Usage errors of every kind read like our other errors: one line
/// `tiklive: error: …` and one hint line, exit 2, nothing on stdout.
#[test]
fn usage_errors_are_one_line_and_a_hint() {
    for (args, error, hint) in [
        (
            &["watch", "--bogus"][..],
            "unexpected argument '--bogus' found",
            "see 'tiklive watch --help'",
        ),
        (
            &["watch", "--demo", "--typ", "gift"],
            "unexpected argument '--typ' found; a similar argument exists: '--type'",
            "see 'tiklive watch --help'",
        ),
        (
            &["forward", "--limit"],
            "a value is required for '--limit <N>' but none was supplied",
            "see 'tiklive forward --help'",
        ),
        (
            &["watch", "--demo", "--color", "sometimes"],
            "invalid value 'sometimes' for '--color <WHEN>'",
            "possible values: auto, always, never",
        ),
        (
            &["watch", "alice", "--room-id", "abc"],
            "invalid value 'abc' for '--room-id <ID>': expected a room id: digits only, e.g. 7312345678901234567",
            "see 'tiklive watch --help'",
        ),
        (
            &["webhooks"],
            "a command is needed: add, list, remove, test",
            "see 'tiklive webhooks --help'",
        ),
        (
            &["-q", "wach"],
            "unrecognized subcommand 'wach'; a similar subcommand exists: 'watch'",
            "see 'tiklive --help'",
        ),
        (
            &["streamers", "list"],
            "--nats URL or NATS_URL is needed",
            "see 'tiklive streamers list --help'",
        ),
        (
            &["cluster", "status", "--json"],
            "--nats URL or NATS_URL is needed",
            "see 'tiklive cluster status --help'",
        ),
        (
            &["worker"],
            "--nats URL or NATS_URL is needed",
            "see 'tiklive worker --help'",
        ),
        (
            &["streamers", "add", "alice"],
            "--nats URL or NATS_URL is needed",
            "see 'tiklive streamers add --help'",
        ),
    ] {
        let (mut cmd, _dir) = temp_command();
        let r = run(cmd.args(args));
        assert_eq!(r.code, 2, "{args:?}: {r:#?}");
        assert_eq!(r.stdout, "", "{args:?}");
        assert_eq!(
            r.stderr,
            format!("tiklive: error: {error}\ntiklive: {hint}\n"),
            "{args:?}"
        );
    }
    // A bare `tiklive` lists the commands the same way.
    let (mut cmd, _dir) = temp_command();
    let r = run(&mut cmd);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .starts_with("tiklive: error: a command is needed: watch, forward, serve, "),
        "{}",
        r.stderr
    );
    assert_eq!(r.stderr.lines().count(), 2, "{}", r.stderr);
    // Help and version are no errors: stdout, exit 0.
    for args in [
        &["--help"][..],
        &["watch", "--help"],
        &["--version"],
        &["help"],
    ] {
        let (mut cmd, _dir) = temp_command();
        let r = run(cmd.args(args));
        assert_eq!(r.code, 0, "{args:?}: {r:#?}");
        assert!(r.stdout.starts_with("tiklive ") || r.stdout.contains("Usage: tiklive"));
        assert_eq!(r.stderr, "", "{args:?}");
    }
}

/// Every (sub)command's path in the documented command line, as words.
fn command_paths(cmd: &clap::Command, path: Vec<String>, out: &mut Vec<Vec<String>>) {
    for sub in cmd.get_subcommands() {
        let mut p = path.clone();
        p.push(sub.get_name().to_string());
        command_paths(sub, p, out);
    }
    out.push(path);
}

/// The binary parses with a cheaper command than the documented one
/// (`cli::parser`); what it prints for help, versions and usage errors is
/// still the documented command's, byte for byte: each (sub)command's
/// `--help`, `-h`, `help …` and `--version`, and usage errors.
#[test]
fn help_versions_and_usage_errors_are_the_documented_commands() {
    // A pipe and no COLUMNS: clap wraps at 100 columns.
    let documented = || tiklive::cli::command().term_width(100);
    let mut paths = Vec::new();
    command_paths(&documented(), Vec::new(), &mut paths);
    assert!(paths.len() > 15, "{paths:?}");
    let mut lines: Vec<Vec<String>> = Vec::new();
    for path in &paths {
        for flag in ["--help", "-h", "--version", "-V"] {
            lines.push(path.iter().cloned().chain([flag.to_string()]).collect());
        }
        if path.last().is_none_or(|l| l != "help") {
            lines.push(
                ["help".to_string()]
                    .into_iter()
                    .chain(path.iter().cloned())
                    .collect(),
            );
        }
    }
    for line in &lines {
        let args: Vec<&str> = std::iter::once("tiklive")
            .chain(line.iter().map(String::as_str))
            .collect();
        let err = documented().try_get_matches_from(&args).unwrap_err();
        assert!(!err.use_stderr(), "{line:?}");
        let (mut cmd, _dir) = temp_command();
        let r = run(cmd.args(line));
        assert_eq!(r.code, 0, "{line:?}: {r:#?}");
        assert_eq!(r.stderr, "", "{line:?}");
        assert_eq!(r.stdout, err.render().to_string(), "{line:?}");
    }
    for line in [
        &["watch", "--bogus"][..],
        &["watch", "--demo", "--typ", "gift"],
        &["config", "--room-i", "5"],
        &["watch", "--demo", "--type", "gfit"],
        &["watch", "--demo", "--limit", "0"],
        &["-q", "wach"],
        &["streamers", "remove"],
        &["webhooks"],
        &[],
    ] {
        let args: Vec<std::ffi::OsString> = std::iter::once("tiklive")
            .chain(line.iter().copied())
            .map(Into::into)
            .collect();
        let cmd = documented();
        let err = cmd.clone().try_get_matches_from(&args).unwrap_err();
        let usage = tiklive::usage::explain(&err, &cmd, &args);
        let (mut bin, _dir) = temp_command();
        let r = run(bin.args(line));
        assert_eq!(r.code, 2, "{line:?}: {r:#?}");
        assert_eq!(r.stdout, "", "{line:?}");
        assert_eq!(
            r.stderr,
            format!(
                "tiklive: error: {}\ntiklive: {}\n",
                usage.message, usage.hint
            ),
            "{line:?}"
        );
    }
}

/// `--limit N` means "stop after N events" in every command that has it;
/// 0 is refused alike everywhere rather than meaning "no limit" in one and
/// "one event" in another.
#[test]
fn limit_zero_is_a_usage_error_everywhere() {
    for args in [
        &["watch", "--demo", "--limit", "0"][..],
        &[
            "forward",
            "--demo",
            "-n",
            "0",
            "--dry-run",
            "--to",
            "http://a/",
        ],
        &["serve", "--demo", "--limit", "0"],
    ] {
        let (mut cmd, _dir) = temp_command();
        let r = run(cmd.args(args));
        assert_eq!(r.code, 2, "{args:?}: {r:#?}");
        assert_eq!(r.stdout, "", "{args:?}");
        assert!(
            r.stderr.starts_with(
                "tiklive: error: invalid value '0' for '--limit <N>': must be 1 or more \
                 (leave --limit out for no limit)\n"
            ),
            "{args:?}: {}",
            r.stderr
        );
    }
}

#[test]
fn no_source_says_how_to_give_one() {
    let (mut cmd, _dir) = temp_command();
    let r = run(cmd.arg("watch"));
    assert_eq!(r.code, 2);
    assert_eq!(r.stdout, "");
    assert_eq!(
        r.stderr,
        "tiklive: error: nothing to watch: give a USER (or set TIKTOK_USERNAME), \
         --replay FILE, or --demo; try 'tiklive watch --demo'\n"
    );
    // Two sources at once is a usage error too.
    let (mut cmd, _dir) = temp_command();
    let r = run(cmd.args(["watch", "alice", "--demo"]));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("give one source"), "{}", r.stderr);
}

#[test]
fn a_lookup_that_no_source_answers_is_a_runtime_failure_not_not_found() {
    // TikTok and the sign server point at a closed port: no source answers.
    let (mut cmd, _dir) = temp_command();
    let r = run(cmd.args(["info", "alice"]));
    assert_eq!(r.code, 1, "{r:#?}");
    let line: Value = serde_json::from_str(r.stdout.trim()).unwrap();
    assert_eq!(line["status"], "error");
    assert!(
        line["error"]
            .as_str()
            .unwrap()
            .starts_with("could not find @alice's room id (live page: "),
        "{line}"
    );
    let (mut cmd, _dir) = temp_command();
    let r = run(cmd.args(["watch", "alice"]));
    assert_eq!(r.code, 1, "{r:#?}");
    assert_eq!(r.stderr.lines().count(), 1, "{r:#?}");
    assert!(
        r.stderr
            .starts_with("tiklive: error: could not find @alice's room id"),
        "{r:#?}"
    );
}

#[test]
fn a_bad_value_from_the_environment_names_the_variable() {
    let (mut cmd, _dir) = temp_command();
    let r = run(cmd
        .args(["watch", "alice"])
        .env("TIKLIVE_SIGN_BUDGET", "lots"));
    assert_eq!(r.code, 2, "{r:#?}");
    assert_eq!(
        r.stderr.lines().next().unwrap_or_default(),
        "tiklive: error: invalid value 'lots' for '--sign-budget <N>': invalid digit found in string (from TIKLIVE_SIGN_BUDGET)"
    );
    // Typed on the command line, the flag is what was wrong.
    let (mut cmd, _dir) = temp_command();
    let r = run(cmd
        .args(["watch", "alice", "--sign-budget", "lots"])
        .env("TIKLIVE_SIGN_BUDGET", "lots"));
    assert!(!r.stderr.contains("(from "), "{r:#?}");
}

#[test]
fn a_misspelt_tiklive_variable_is_a_warning_not_silence() {
    let (mut cmd, _dir) = temp_command();
    let r = run(cmd
        .args(["watch", "--demo", "--speed", "max", "--limit", "1"])
        .env("TIKLIVE_BACKOF_BASE_MS", "5"));
    assert_eq!(r.code, 0, "{r:#?}");
    assert_eq!(
        r.stderr,
        "tiklive: warning: TIKLIVE_BACKOF_BASE_MS is not a tiklive setting; did you mean TIKLIVE_BACKOFF_BASE_MS? ('tiklive config' lists them)\n"
    );
}

/// `cargo run` hands the program the variables the build script set for the
/// compiler (`cargo:rustc-env`): the README's first command runs that way, and
/// printed a warning about the git hash's variable until it was renamed.
#[test]
fn what_cargo_run_sets_is_not_taken_for_a_setting() {
    let build = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/build.rs")).unwrap();
    let names: Vec<&str> = build
        .split("cargo:rustc-env=")
        .skip(1)
        .filter_map(|rest| rest.split('=').next())
        .collect();
    assert!(
        !names.is_empty(),
        "build.rs sets the git hash for the compiler"
    );
    let (mut cmd, _dir) = temp_command();
    cmd.args(["watch", "--demo", "--speed", "max", "--limit", "1"]);
    for name in &names {
        cmd.env(name, "0123456789");
    }
    let r = run(&mut cmd);
    assert_eq!(r.code, 0, "{r:#?}");
    assert_eq!(r.stderr, "", "with {names:?} set");
}

#[test]
fn bad_paths_on_the_command_line_are_one_line_usage_errors() {
    // --replay and --record alike (and --record before any network call:
    // TikTok points at a closed port, and no lookup error shows).
    for (args, says) in [
        (
            &["watch", "--replay", "missing.capture"][..],
            "cannot open the capture missing.capture: no such file",
        ),
        (
            &["watch", "--replay", "."],
            "cannot open the capture .: it is a directory",
        ),
        (
            &["watch", "--demo", "--record", "no/dir/cap.ndjson"],
            "cannot create the capture no/dir/cap.ndjson: the directory no/dir does not exist",
        ),
        (
            &["watch", "alice", "--record", "no/dir/cap.ndjson"],
            "cannot create the capture no/dir/cap.ndjson: the directory no/dir does not exist",
        ),
        (
            &["watch", "alice", "--record", "."],
            "cannot create the capture .: it is a directory",
        ),
        (
            &["webhooks", "list", "--db", "."],
            "cannot open the store .: it is a directory",
        ),
    ] {
        let (mut cmd, _dir) = temp_command();
        let r = run(cmd.args(args));
        assert_eq!(r.code, 2, "{args:?}: {r:#?}");
        assert_eq!(r.stderr, format!("tiklive: error: {says}\n"), "{args:?}");
        assert_eq!(r.stdout, "", "{args:?}");
    }
}

/// Everything but `id`; replay takes `timestamp` from the capture's `t`, and
/// the demo records the same instant it stamps, so timestamps match too.
fn without_id(lines: &[Value]) -> Vec<Value> {
    lines
        .iter()
        .map(|l| {
            let mut l = l.clone();
            l.as_object_mut().unwrap().remove("id");
            l
        })
        .collect()
}

#[test]
fn record_then_replay_gives_the_same_events() {
    let (mut cmd, dir) = temp_command();
    let capture = dir.path().join("demo.capture");
    let live = run(cmd
        .args(["watch", "--demo", "--speed", "max", "--record"])
        .arg(&capture));
    assert_ok(&live);
    let live = ndjson(&live.stdout);

    let (mut cmd, _dir2) = temp_command();
    let replayed = run(cmd.args(["watch", "--replay"]).arg(&capture));
    assert_ok(&replayed);
    let replayed = ndjson(&replayed.stdout);
    assert_eq!(without_id(&live), without_id(&replayed));

    // Decoded on one thread or many: the same events in the same order.
    for threads in ["1", "3"] {
        let (mut cmd, _d) = temp_command();
        let r = run(cmd
            .args(["watch", "--threads", threads, "--replay"])
            .arg(&capture));
        assert_ok(&r);
        assert_eq!(
            without_id(&ndjson(&r.stdout)),
            without_id(&replayed),
            "--threads {threads}"
        );
    }
    let (mut cmd, _d) = temp_command();
    let r = run(cmd.args(["watch", "--threads", "2", "alice"]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("--threads apply to --demo and --replay only")
    );

    // The capture's header and records.
    let text = std::fs::read_to_string(&capture).unwrap();
    let mut lines = text.lines();
    let header: Value = serde_json::from_str(lines.next().unwrap()).unwrap();
    assert_eq!(
        header,
        serde_json::json!({"tiklive_capture": 1, "streamer": "tiklive_demo", "roomId": "7312000000000000001"})
    );
    let records: Vec<Value> = lines.map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(records[0]["kind"], "fetch");
    assert!(records[1..].iter().all(|r| r["kind"] == "frame"));
    let recorded_t: BTreeSet<&str> = records.iter().map(|r| r["t"].as_str().unwrap()).collect();
    // Every replayed timestamp is one of the recorded `t`s ...
    for l in &replayed {
        assert!(
            recorded_t.contains(l["timestamp"].as_str().unwrap()),
            "{}",
            l["timestamp"]
        );
    }
    // ... in order: connected and the backlog at the first `t`, the stream
    // end and disconnected at the last.
    assert_eq!(replayed[0]["timestamp"], records[0]["t"]);
    assert_eq!(
        replayed.last().unwrap()["timestamp"],
        records.last().unwrap()["t"]
    );
    let stamps: Vec<&str> = replayed
        .iter()
        .map(|l| l["timestamp"].as_str().unwrap())
        .collect();
    assert!(stamps.windows(2).all(|w| w[0] <= w[1]));

    // Replaying with a filter and final streaks works on the same file.
    let (mut cmd, _dir3) = temp_command();
    let r = run(cmd
        .args([
            "watch",
            "--type",
            "gift",
            "--gift-streaks",
            "final",
            "--replay",
        ])
        .arg(&capture));
    assert_ok(&r);
    let gifts = ndjson(&r.stdout);
    assert_eq!(gifts.len(), 8, "one per streak");
    let diamonds: i64 = gifts
        .iter()
        .map(|g| g["data"]["totalDiamonds"].as_i64().unwrap())
        .sum();
    assert_eq!(diamonds, 7 + 15 + 12 + 29_999 + 4 + 2 + 299 + 9);
}

#[test]
fn a_damaged_capture_replays_the_rest_with_warnings() {
    let (mut cmd, dir) = temp_command();
    let full = dir.path().join("full.capture");
    assert_ok(&run(cmd
        .args(["watch", "--demo", "--speed", "max", "--record"])
        .arg(&full)));
    let text = std::fs::read_to_string(&full).unwrap();
    // The header and the first 20 records: what the damaged file should give.
    let lines: Vec<&str> = text.lines().take(21).collect();
    let good = dir.path().join("good.capture");
    std::fs::write(&good, lines.join("\n") + "\n").unwrap();

    // The same, with a bad line after the third record, a record that is
    // not a push frame after the seventh (line 10) and a record cut in half
    // (a recording killed mid-write) at the end.
    let damaged = dir.path().join("damaged.capture");
    let mut f = std::fs::File::create(&damaged).unwrap();
    for (i, line) in lines.iter().enumerate() {
        writeln!(f, "{line}").unwrap();
        if i == 3 {
            writeln!(
                f,
                r#"{{"t":"2024-05-01T18:00:00.000Z","kind":"frame","data":"@@@"}}"#
            )
            .unwrap();
        }
        if i == 7 {
            // Three zero bytes: field number 0 is not protobuf.
            writeln!(
                f,
                r#"{{"t":"2024-05-01T18:00:01.000Z","kind":"frame","data":"AAAA"}}"#
            )
            .unwrap();
        }
    }
    let cut = text.lines().nth(21).unwrap();
    write!(f, "{}", &cut[..cut.len() / 2]).unwrap();
    drop(f);

    let (mut cmd, _dir2) = temp_command();
    let r = run(cmd.args(["watch", "--replay"]).arg(&damaged));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let path = damaged.display().to_string();
    let mut stderr: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(stderr.len(), 4, "{}", r.stderr);
    // The frame is skipped by the thread that applies it, which may print
    // after the reader's warnings of later lines: found wherever it is.
    let frame = stderr
        .iter()
        .position(|l| l.contains(": capture line 10: skipped a frame (3 bytes): "))
        .unwrap_or_else(|| panic!("no warning for the bad frame: {}", r.stderr));
    assert!(stderr.remove(frame).starts_with("tiklive: warning: "));
    assert_eq!(
        stderr[0],
        format!(
            "tiklive: warning: {path}: line 5: skipped: bad base64 in data: not standard base64 \
             (A-Z, a-z, 0-9, + and /, padded with =)"
        ),
    );
    assert!(
        stderr[1].starts_with(&format!(
            "tiklive: warning: {path}: line 24: skipped a truncated last line (not JSON"
        )),
        "{}",
        stderr[1]
    );
    assert_eq!(
        stderr[2],
        "tiklive: 3 warning(s): some lines, frames or messages could not be read and were skipped"
    );
    // Every good record was replayed: the same events as the undamaged part.
    let (mut cmd, _dir3) = temp_command();
    let expected = run(cmd.args(["watch", "--replay"]).arg(&good));
    assert_ok(&expected);
    let got = ndjson(&r.stdout);
    assert!(got.len() > 20, "{}", got.len());
    assert_eq!(without_id(&got), without_id(&ndjson(&expected.stdout)));
}

#[test]
fn a_file_that_is_not_a_capture_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("chat.log");
    std::fs::write(&log, "hello\nworld\n").unwrap();
    let empty = dir.path().join("empty.capture");
    std::fs::write(&empty, "").unwrap();
    let events = dir.path().join("events.ndjson");
    std::fs::write(&events, "{\"type\":\"chat\",\"data\":{}}\n").unwrap();
    for (path, says) in [
        (log.as_path(), "is not a tiklive capture (line 1: not JSON"),
        (
            events.as_path(),
            "is not a tiklive capture (line 1: JSON, but not a tiklive capture header (no `tiklive_capture` key) or record (no `t`, `kind`, `data`); it looks like event NDJSON (the output of `watch`), which `forward -` reads",
        ),
        (empty.as_path(), "is empty: not a tiklive capture"),
        (dir.path(), "it is a directory"),
    ] {
        let (mut cmd, _d) = temp_command();
        let r = run(cmd.args(["watch", "--replay"]).arg(path));
        assert_eq!(r.code, 2, "{r:#?}");
        assert_eq!(r.stdout, "", "{r:#?}");
        assert_eq!(r.stderr.lines().count(), 1, "{r:#?}");
        assert!(r.stderr.starts_with("tiklive: error: "), "{r:#?}");
        assert!(r.stderr.contains(says), "{r:#?}");
    }
}

#[test]
fn options_the_source_would_ignore_are_usage_errors() {
    for (args, says) in [
        (
            &["watch", "--demo", "--wait"][..],
            "--wait applies to live streams",
        ),
        (
            &["watch", "--demo", "--room-id", "5"][..],
            "--room-id applies",
        ),
        (
            &["serve", "--demo", "--max-retries", "1"][..],
            "--max-retries applies",
        ),
        (
            &[
                "forward",
                "-",
                "--gift-streaks",
                "final",
                "--dry-run",
                "--to",
                "http://a/",
            ][..],
            "cannot regroup events read from stdin",
        ),
        (
            &["serve", "--from", "nats://127.0.0.1:1", "--speed", "max"][..],
            "cannot be used with",
        ),
        (
            &[
                "forward",
                "--from",
                "nats://127.0.0.1:1",
                "--gift-streaks",
                "final",
                "--to",
                "http://a/",
            ][..],
            "cannot be used with",
        ),
        (
            &["watch", "--demo", "--nats-stream", "EVENTS"][..],
            "--nats-stream applies only with --sink URL",
        ),
        (
            &["watch", "--demo", "--nats-replicas", "3"][..],
            "--nats-replicas applies only with --sink URL",
        ),
    ] {
        let (mut cmd, _d) = temp_command();
        let r = run(cmd.args(args).stdin(std::process::Stdio::null()));
        assert_eq!(r.code, 2, "{args:?}: {r:#?}");
        assert!(r.stderr.contains(says), "{args:?}: {r:#?}");
    }
    // The same settings from the environment are shared with other
    // commands: not refused.
    let (mut cmd, _d) = temp_command();
    let r = run(cmd
        .args(["watch", "--demo", "--speed", "max", "--limit", "1"])
        .env("TIKLIVE_NATS_PREFIX", "shop"));
    assert_eq!(r.code, 0, "{r:#?}");
}
