//! The one way to run the `tiklive` binary in a test: in a temporary
//! directory (so no developer's `.env` is read), with every variable of the
//! settings table scrubbed, and TikTok pointed at a closed port. Also what a
//! finished run gave ([`Run`]) and its NDJSON ([`ndjson`]).

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

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

/// Make `cmd` (tiklive, or a shell that runs it) run in `dir` with the
/// scrubbed environment: `HOME` and the data directory inside `dir`, no
/// internet, stdin empty.
pub fn isolate(cmd: &mut Command, dir: &Path) {
    cmd.current_dir(dir);
    for k in env_to_clear() {
        cmd.env_remove(k);
    }
    cmd.env("HOME", dir).env("XDG_DATA_HOME", dir.join("data"));
    cmd.envs(NO_INTERNET);
    cmd.stdin(Stdio::null());
}

/// `tiklive`, isolated in `dir` (see [`isolate`]).
pub fn command(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tiklive"));
    isolate(&mut cmd, dir);
    cmd
}

/// [`command`] for async tests; the process is killed when dropped.
pub fn tiklive(dir: &Path) -> tokio::process::Command {
    let mut cmd = tokio::process::Command::from(command(dir));
    cmd.kill_on_drop(true);
    cmd
}

/// Run an async `cmd` to its end and assert that it succeeded (its stderr
/// in the failure message).
pub async fn output_ok(cmd: &mut tokio::process::Command) -> std::process::Output {
    let out = cmd.output().await.expect("tiklive starts");
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Assert that a spawned tiklive has not exited; if it has, fail with its
/// status and (when piped) its stderr: a process that died at start-up must
/// not pass for one that is working.
pub async fn assert_running(child: &mut tokio::process::Child, what: &str) {
    let Some(status) = child.try_wait().expect("tiklive's status") else {
        return;
    };
    let mut err = String::new();
    if let Some(mut stderr) = child.stderr.take() {
        let _ = tokio::io::AsyncReadExt::read_to_string(&mut stderr, &mut err).await;
    }
    panic!("{what} exited ({status}): {err}");
}

/// [`command`] in a fresh temporary directory; keep the [`Dir`] alive.
pub fn temp_command() -> (Command, Dir) {
    let dir = Dir::new();
    (dir.cmd(&[]), dir)
}

/// A temp dir to run the binary in, with `--db` inside it.
pub struct Dir {
    pub dir: tempfile::TempDir,
}

impl Dir {
    pub fn new() -> Dir {
        Dir {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn db(&self) -> PathBuf {
        self.dir.path().join("tiklive.db")
    }

    /// `tiklive ARGS…`, isolated in this dir.
    #[must_use]
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = command(self.path());
        cmd.args(args);
        cmd
    }

    /// `tiklive ARGS… --db <tmp>/tiklive.db`, run to the end.
    #[track_caller]
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_stdin(args, None)
    }

    /// `tiklive forward --demo --speed max ARGS… --db <tmp>/tiklive.db`.
    #[track_caller]
    pub fn forward_demo(&self, args: &[&str]) -> Run {
        let mut all = vec!["forward", "--demo", "--speed", "max"];
        all.extend_from_slice(args);
        self.run(&all)
    }

    #[track_caller]
    pub fn run_stdin(&self, args: &[&str], stdin: Option<&[u8]>) -> Run {
        let db = self.db();
        let mut all: Vec<&str> = args.to_vec();
        all.extend(["--db", db.to_str().unwrap()]);
        let mut cmd = self.cmd(&all);
        Run::from(spawn_with_stdin(&mut cmd, stdin))
    }
}

/// Run `cmd` to the end with `stdin` (if any) written to it, capturing both
/// output streams.
pub fn spawn_with_stdin(cmd: &mut Command, stdin: Option<&[u8]>) -> Output {
    use std::io::Write;
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    if stdin.is_some() {
        cmd.stdin(Stdio::piped());
    }
    let mut child = cmd.spawn().unwrap();
    if let Some(input) = stdin {
        let mut pipe = child.stdin.take().unwrap();
        pipe.write_all(input).unwrap();
    }
    child.wait_with_output().unwrap()
}

/// Run `cmd` to the end (no stdin) and capture what it printed.
pub fn run(cmd: &mut Command) -> Run {
    Run::from(spawn_with_stdin(cmd, None))
}

/// A finished run: exit code (-1: killed by a signal) and both streams as
/// text (each must be UTF-8).
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Run {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8(o.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(o.stderr).expect("stderr is UTF-8"),
        }
    }
}

impl Run {
    #[track_caller]
    pub fn ok(self) -> Run {
        assert_eq!(self.code, 0, "{self:#?}");
        self
    }

    #[track_caller]
    pub fn code(self, code: i32) -> Run {
        assert_eq!(self.code, code, "{self:#?}");
        self
    }

    /// Neither stream mentions the secret (nor its base64 part).
    #[track_caller]
    pub fn never_shows(self, secret: &str) -> Run {
        let part = secret.strip_prefix("whsec_").unwrap_or(secret);
        for text in [&self.stdout, &self.stderr] {
            assert!(!text.contains(part), "the secret leaked: {self:#?}");
        }
        self
    }
}

/// Parse NDJSON output (bytes or text), one JSON value per line.
#[track_caller]
pub fn ndjson(stdout: impl AsRef<[u8]>) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(stdout.as_ref())
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

/// The events `watch --demo --speed max [ARGS]` prints, as JSON values.
pub fn demo_events(dir: &Dir, extra: &[&str]) -> Vec<serde_json::Value> {
    let mut args = vec!["watch", "--demo", "--speed", "max"];
    args.extend_from_slice(extra);
    ndjson(run(&mut dir.cmd(&args)).ok().stdout)
}
