//! What the terminal allows (decided once) and the output format it implies.

use std::io::IsTerminal;

use crate::cli::{ColorChoice, Format, GlobalArgs};

use super::env_var;

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

/// The output format: explicit, else pretty on a terminal and NDJSON otherwise.
pub fn resolve_format(explicit: Option<Format>, term: &Terminal) -> Format {
    explicit.unwrap_or(if term.stdout_tty {
        Format::Pretty
    } else {
        Format::Ndjson
    })
}
