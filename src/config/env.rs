//! The environment and `.env`: the only code that reads variables.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::error::Failure;

/// Which variables came from `.env` (for `tiklive config`).
#[derive(Debug, Clone, Default)]
pub struct Dotenv {
    pub path: Option<PathBuf>,
    pub keys: BTreeSet<String>,
}

/// Load `dir/.env` without overriding variables already set. A missing file is
/// fine; a malformed one is a usage error naming the file.
pub fn load_dotenv(dir: &Path) -> Result<Dotenv> {
    let path = dir.join(".env");
    if !path.is_file() {
        return Ok(Dotenv::default());
    }
    let mut keys = BTreeSet::new();
    let iter = dotenvy::from_path_iter(&path)
        .map_err(|e| Failure::usage(format!("cannot read {}: {e}", path.display())))?;
    for item in iter {
        let (key, _) = item.map_err(|e| Failure::usage(bad_dotenv_line(&path, &e)))?;
        if std::env::var_os(&key).is_none() {
            keys.insert(key);
        }
    }
    dotenvy::from_path(&path)
        .map_err(|e| Failure::usage(format!("cannot load {}: {e}", path.display())))?;
    Ok(Dotenv {
        path: Some(path),
        keys,
    })
}

/// One line for a `.env` that dotenvy cannot parse: the file, the line
/// number and text when dotenvy names the line, and the expected shape.
fn bad_dotenv_line(path: &Path, e: &dotenvy::Error) -> String {
    match e {
        dotenvy::Error::LineParse(line, _) => {
            let number = std::fs::read_to_string(path)
                .ok()
                .and_then(|text| text.lines().position(|l| l.trim() == line.trim()))
                .map(|i| format!(" line {}", i + 1))
                .unwrap_or_default();
            format!(
                "{}{number}: '{}' is not NAME=VALUE",
                path.display(),
                line.trim()
            )
        }
        other => format!("bad line in {}: {other}", path.display()),
    }
}

/// One warning per `TIKLIVE_*` variable set (in the environment or `.env`)
/// that is no setting: a misspelt name would otherwise be ignored without a
/// word. Each names the closest setting when one is close (`strsim`).
pub fn unknown_variable_warnings() -> Vec<String> {
    let keys = std::env::vars_os().filter_map(|(k, _)| k.into_string().ok());
    unknown_variables(keys)
}

fn unknown_variables(keys: impl Iterator<Item = String>) -> Vec<String> {
    use crate::settings::{AMBIENT, SETTINGS};
    let known = |k: &str| SETTINGS.iter().any(|s| s.env == k) || AMBIENT.contains(&k);
    let mut out: Vec<String> = keys
        .filter(|k| k.starts_with("TIKLIVE_") && !known(k))
        .map(|k| {
            let closest = SETTINGS
                .iter()
                .map(|s| (strsim::levenshtein(&k, s.env), s.env))
                .filter(|(d, _)| *d <= 3)
                .min_by_key(|(d, _)| *d)
                .map(|(_, name)| format!("; did you mean {name}?"))
                .unwrap_or_default();
            format!("{k} is not a tiklive setting{closest} ('tiklive config' lists them)")
        })
        .collect();
    out.sort();
    out
}

/// A setting from the environment (after `.env` was loaded), empty = unset.
pub fn env_var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_tiklive_variables_are_named_with_the_closest_setting() {
        let keys = [
            "TIKLIVE_BACKOF_BASE_MS",
            "TIKLIVE_SIGN_BUDGET",
            "TIKLIVE_TEST_TTY",
            "TIKLIVE_WHATEVER_ELSE_ENTIRELY",
            "HOME",
        ]
        .map(String::from);
        assert_eq!(
            unknown_variables(keys.into_iter()),
            [
                "TIKLIVE_BACKOF_BASE_MS is not a tiklive setting; did you mean TIKLIVE_BACKOFF_BASE_MS? ('tiklive config' lists them)",
                "TIKLIVE_WHATEVER_ELSE_ENTIRELY is not a tiklive setting ('tiklive config' lists them)",
            ]
        );
    }
}
