//! `tiklive config`: every setting of the table, resolved, with its source.

use crate::cli::StoreArgs;

use super::{Dotenv, env_var, resolve_db};

/// One resolved setting, for `tiklive config`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Setting {
    pub name: &'static str,
    /// The value, or `(redacted)` for secrets; empty when unset.
    pub value: String,
    /// `flag`, `environment`, `.env` or `default` (`unset` when nothing set it).
    pub source: &'static str,
}

/// Where a variable's value came from.
fn env_source(name: &str, dotenv: &Dotenv) -> &'static str {
    if dotenv.keys.contains(name) {
        ".env"
    } else {
        "environment"
    }
}

/// Every setting tiklive reads, resolved, with its source. `matches` are the
/// `config` subcommand's (for flags such as `--sign-url`).
pub fn describe_settings(matches: &clap::ArgMatches, dotenv: &Dotenv) -> Vec<Setting> {
    use clap::parser::ValueSource;
    let mut out = Vec::new();
    for row in crate::settings::SETTINGS {
        // The flag's clap id (`--sign-url` → `sign_url`), when this command
        // has it. `--proxy` stands for two variables and is listed apart.
        let id = row
            .flag
            .filter(|f| *f != "--proxy")
            .map(|f| f.trim_start_matches("--").replace('-', "_"));
        let flagged = id.as_deref().and_then(|id| {
            let value = matches.try_get_raw(id).ok().flatten()?.next()?;
            Some((
                value.to_string_lossy().to_string(),
                matches.value_source(id),
            ))
        });
        let (value, source) = match (flagged, env_var(row.env)) {
            (Some((v, Some(ValueSource::CommandLine))), _) => (v, "flag"),
            (Some((v, Some(ValueSource::EnvVariable))), _) | (None, Some(v)) => {
                (v, env_source(row.env, dotenv))
            }
            (Some((v, _)), _) => (v, "default"),
            (None, None) if row.env == "TIKLIVE_DB" => (
                resolve_db(&StoreArgs::default())
                    .map(|p| p.display().to_string())
                    .unwrap_or_default(),
                "default",
            ),
            (None, None) if !row.default.is_empty() => (row.default.to_string(), "default"),
            (None, None) => (String::new(), "unset"),
        };
        let value = if row.secret && !value.is_empty() {
            "(redacted)".to_string()
        } else if row.env.ends_with("PROXY") || row.env.ends_with("_URL") {
            crate::redact::url(&value).into_owned()
        } else {
            value
        };
        out.push(Setting {
            name: row.env,
            value,
            source,
        });
    }
    if let Some(p) = matches.try_get_one::<String>("proxy").ok().flatten() {
        out.push(Setting {
            name: "--proxy",
            value: crate::redact::url(p).into_owned(),
            source: "flag",
        });
    }
    out
}
