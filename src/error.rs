//! Exit codes and the one place an error becomes a message and a code.
//!
//! Errors travel as `anyhow::Error`. A [`Failure`] anywhere in the chain sets
//! the exit code; anything else is a runtime failure (1). A broken pipe on
//! stdout is not an error at all: the reader went away, we exit 0 quietly.

use std::fmt;
use std::process::ExitCode;

/// The documented exit codes (`tiklive --help`, the man page, the README).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    Ok = 0,
    Runtime = 1,
    Usage = 2,
    /// Room not found, user offline, or the stream ended.
    NotFound = 3,
    /// Sign server or authorisation rejected the request.
    Rejected = 4,
    /// Reconnect attempts exhausted.
    RetriesExhausted = 5,
    Interrupted = 130,
}

impl Code {
    /// Every code, in order.
    pub const ALL: [Code; 7] = [
        Code::Ok,
        Code::Runtime,
        Code::Usage,
        Code::NotFound,
        Code::Rejected,
        Code::RetriesExhausted,
        Code::Interrupted,
    ];

    pub fn exit_code(self) -> ExitCode {
        ExitCode::from(self as u8)
    }

    /// What the code means: the one wording of `--help`, the man page and
    /// the README (markdown backticks are dropped for the first two).
    pub fn meaning(self) -> &'static str {
        match self {
            Code::Ok => {
                "success; also when the reader of our output goes away (broken pipe, `| head`)"
            }
            Code::Runtime => "runtime failure (also a room lookup that no source answered)",
            Code::Usage => {
                "usage or configuration error (also a bad path, webhook id or sign server host)"
            }
            Code::NotFound => "room not found, user offline, or the stream ended before it started",
            Code::Rejected => "sign server or authorisation rejected the request",
            Code::RetriesExhausted => "reconnect attempts exhausted",
            Code::Interrupted => "interrupted (Ctrl-C or SIGTERM)",
        }
    }
}

/// `Exit codes:` and one line per code, for `--help` and the man page.
pub fn exit_codes_help() -> String {
    let mut out = String::from("Exit codes:");
    for code in Code::ALL {
        let n = code as u8;
        out.push_str(&format!("\n  {n:<4} {}", code.meaning().replace('`', "")));
    }
    out
}

/// The README's exit code table (markdown).
pub fn exit_codes_readme_table() -> String {
    let mut out = String::from("| code | meaning |\n|---|---|\n");
    for code in Code::ALL {
        let meaning = code.meaning().replace('|', "\\|");
        out.push_str(&format!("| {} | {meaning} |\n", code as u8));
    }
    out
}

/// An error with a chosen exit code. The message is one line, lower-case,
/// and says what to try next where we know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub code: Code,
    pub message: String,
}

impl Failure {
    pub fn new(code: Code, message: impl Into<String>) -> Failure {
        Failure {
            code,
            message: message.into(),
        }
    }

    pub fn usage(message: impl Into<String>) -> Failure {
        Failure::new(Code::Usage, message)
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Failure {}

/// A path given on the command line (`--replay`, `--record`, `--db`, …)
/// that cannot be opened or created as asked: a usage error (exit 2), one
/// line, `cannot {doing} {path}: {why}` where `why` is plain words (the
/// directory that is missing, "it is a directory", "permission denied"), not
/// an OS error number.
pub fn bad_path(doing: &str, path: &std::path::Path, e: &std::io::Error) -> Failure {
    use std::io::ErrorKind;
    let why = if path.is_dir() {
        "it is a directory".to_string()
    } else {
        match e.kind() {
            ErrorKind::NotFound => match path.parent().filter(|p| !p.as_os_str().is_empty()) {
                Some(dir) if !dir.is_dir() => {
                    format!("the directory {} does not exist", dir.display())
                }
                _ => "no such file".to_string(),
            },
            ErrorKind::PermissionDenied => "permission denied".to_string(),
            ErrorKind::IsADirectory => "it is a directory".to_string(),
            _ => {
                let text = e.to_string();
                match text.find(" (os error") {
                    Some(i) => text[..i].to_string(),
                    None => text,
                }
            }
        }
    };
    Failure::usage(format!("cannot {doing} {}: {why}", path.display()))
}

/// Whether the error is (caused by) a broken pipe.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// The exit code for an error: the first [`Failure`] in its chain, else 1.
pub fn code_of(err: &anyhow::Error) -> Code {
    if is_broken_pipe(err) {
        return Code::Ok;
    }
    err.chain()
        .find_map(|e| e.downcast_ref::<Failure>())
        .map(|f| f.code)
        .unwrap_or(Code::Runtime)
}

/// The one-line message: the chain joined with ": ", without repeating a
/// cause whose text the outer message already contains.
pub fn message_of(err: &anyhow::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if parts.last().is_some_and(|p| p.contains(&text)) {
            continue;
        }
        parts.push(text);
    }
    parts.join(": ").replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use anyhow::Context;

    use super::*;

    #[test]
    fn bad_paths_say_what_is_wrong_in_words() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope/cap.ndjson");
        let e = std::fs::File::create(&missing).unwrap_err();
        let f = bad_path("create the capture", &missing, &e);
        assert_eq!(f.code, Code::Usage);
        assert_eq!(
            f.message,
            format!(
                "cannot create the capture {}: the directory {} does not exist",
                missing.display(),
                dir.path().join("nope").display()
            )
        );
        let e = std::fs::File::open(dir.path().join("x")).unwrap_err();
        assert!(
            bad_path("open the capture", &dir.path().join("x"), &e)
                .message
                .ends_with(": no such file")
        );
        let e = std::fs::File::create(dir.path()).unwrap_err();
        assert!(
            bad_path("create the capture", dir.path(), &e)
                .message
                .ends_with(": it is a directory")
        );
    }

    #[test]
    fn failures_choose_the_code() {
        let err = anyhow::Error::new(Failure::new(Code::NotFound, "user 'x' is offline"))
            .context("cannot watch x");
        assert_eq!(code_of(&err), Code::NotFound);
        assert_eq!(message_of(&err), "cannot watch x: user 'x' is offline");
        let plain = anyhow::anyhow!("boom");
        assert_eq!(code_of(&plain), Code::Runtime);
    }

    #[test]
    fn broken_pipe_is_success() {
        let err: anyhow::Result<()> =
            Err(std::io::Error::from(std::io::ErrorKind::BrokenPipe)).context("writing stdout");
        assert_eq!(code_of(&err.unwrap_err()), Code::Ok);
    }
}
