//! `tiklive completions SHELL` and `tiklive man`: generated from the clap
//! definitions, never written by hand. The committed copies in `completions/`
//! and `doc/tiklive.1` are checked for freshness by the test suite.

use std::io::Write;

use crate::cli::{Shell, command};
use anyhow::{Context, Result};

/// The file a shell's script is committed as, under `completions/`.
pub fn completion_file(shell: Shell) -> &'static str {
    match shell {
        Shell::Bash => "tiklive.bash",
        Shell::Zsh => "_tiklive",
        Shell::Fish => "tiklive.fish",
        Shell::PowerShell => "_tiklive.ps1",
        Shell::Elvish => "tiklive.elv",
    }
}

/// The completion script for `shell`.
pub fn completion(shell: Shell) -> Vec<u8> {
    use clap_complete::Shell as S;
    let target = match shell {
        Shell::Bash => S::Bash,
        Shell::Zsh => S::Zsh,
        Shell::Fish => S::Fish,
        Shell::PowerShell => S::PowerShell,
        Shell::Elvish => S::Elvish,
    };
    let mut out = Vec::new();
    clap_complete::generate(target, &mut command(), "tiklive", &mut out);
    out
}

/// The man page (roff), with an EXIT STATUS and an ENVIRONMENT section.
pub fn man_page() -> Result<Vec<u8>> {
    // The plain version: the page must not change with every commit.
    let cmd = command().long_version(crate::version::VERSION);
    let man = clap_mangen::Man::new(cmd.clone());
    let mut out = Vec::new();
    man.render(&mut out)?;
    // Each subcommand's options, so the page documents every flag.
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        writeln!(out, ".SH \"TIKLIVE {}\"", sub.get_name().to_uppercase())?;
        if let Some(about) = sub.get_about() {
            writeln!(out, "{}", roff_escape(&about.to_string()))?;
        }
        for arg in sub.get_arguments().filter(|a| !a.is_hide_set()) {
            let names = match (arg.get_short(), arg.get_long()) {
                (Some(s), Some(l)) => format!("\\-{s}, \\-\\-{l}"),
                (None, Some(l)) => format!("\\-\\-{l}"),
                (Some(s), None) => format!("\\-{s}"),
                (None, None) => arg.get_id().as_str().to_uppercase(),
            };
            writeln!(out, ".TP\n\\fB{names}\\fR")?;
            let mut help = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
            if let Some(env) = arg.get_env().filter(|_| !arg.is_hide_env_set()) {
                help.push_str(&format!(" [env: {}]", env.to_string_lossy()));
            }
            if let [default] = arg.get_default_values()
                && !arg.is_hide_default_value_set()
            {
                help.push_str(&format!(" [default: {}]", default.to_string_lossy()));
            }
            writeln!(out, "{}", roff_escape(&help))?;
        }
        if let Some(after) = sub.get_after_help() {
            writeln!(out, ".PP\n.nf\n{}\n.fi", roff_escape(&after.to_string()))?;
        }
    }
    writeln!(
        out,
        ".SH \"EXIT STATUS\"\n.nf\n{}\n.fi",
        roff_escape(crate::error::exit_codes_help().trim_start_matches("Exit codes:\n"))
    )?;
    writeln!(
        out,
        ".SH ENVIRONMENT\n.nf\n{}\n.fi",
        roff_escape(&crate::settings::environment_help())
    )?;
    Ok(out)
}

fn roff_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('-', "\\-")
        .lines()
        .map(|l| {
            if l.starts_with('.') || l.starts_with('\'') {
                format!("\\&{l}")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn print_completion(shell: Shell) -> Result<()> {
    write_stdout(&completion(shell))
}

pub fn print_man() -> Result<()> {
    write_stdout(&man_page()?)
}

fn write_stdout(bytes: &[u8]) -> Result<()> {
    crate::term::write_stdout(bytes).context("cannot write to stdout")
}
