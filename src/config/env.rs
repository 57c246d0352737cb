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

/// A setting from the environment (after `.env` was loaded), empty = unset.
pub fn env_var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}
