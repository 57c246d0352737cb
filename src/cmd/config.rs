//! `tiklive config`: the resolved settings and where each came from, secrets
//! redacted. A table on a terminal, JSON when piped.

use std::fmt::Write;

use anyhow::{Context, Result};

use crate::config::{Dotenv, Terminal, describe_settings};
use crate::error::Code;
use crate::term;

pub fn run(matches: &clap::ArgMatches, dotenv: &Dotenv, term: &Terminal) -> Result<Code> {
    let settings = describe_settings(matches, dotenv);
    let mut out = String::new();
    if term.stdout_tty {
        let width = settings.iter().map(|s| s.name.len()).max().unwrap_or(0);
        if let Some(p) = &dotenv.path {
            writeln!(out, "# .env: {}", p.display())?;
        }
        for s in &settings {
            let value = if s.value.is_empty() { "-" } else { &s.value };
            writeln!(out, "{:<width$}  {value}  ({})", s.name, s.source)?;
        }
    } else {
        let map: serde_json::Map<String, serde_json::Value> = settings
            .iter()
            .map(|s| {
                (
                    s.name.to_string(),
                    serde_json::json!({"value": s.value, "source": s.source}),
                )
            })
            .collect();
        writeln!(out, "{}", serde_json::Value::Object(map))?;
    }
    term::print_stdout(&out).context("cannot write to stdout")?;
    // After the table, so it still shows where the bad value came from.
    crate::config::check_env_numbers()?;
    Ok(Code::Ok)
}
