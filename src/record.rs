//! `--record FILE`: write everything received, as received, in the capture
//! format (see `webcast::capture`). Each record is flushed as it is written,
//! so a killed process leaves a capture that replays up to its last line.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::webcast::capture::{RecordKind, format_header, format_record};

pub struct Recorder {
    path: PathBuf,
    out: BufWriter<File>,
}

/// Whether a capture could be created at `path` without creating it: not a
/// directory, and its directory exists. Errors: [`crate::error::bad_path`]
/// (exit 2).
pub fn check_path(path: &Path) -> Result<()> {
    let missing_dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .is_some_and(|d| !d.is_dir());
    if path.is_dir() || missing_dir {
        let kind = if missing_dir {
            std::io::ErrorKind::NotFound
        } else {
            std::io::ErrorKind::IsADirectory
        };
        return Err(crate::error::bad_path("create the capture", path, &kind.into()).into());
    }
    Ok(())
}

impl Recorder {
    pub fn create(path: &Path, streamer: &str, room_id: &str) -> Result<Recorder> {
        let file = File::create(path)
            .map_err(|e| crate::error::bad_path("create the capture", path, &e))?;
        let mut rec = Recorder {
            path: path.to_path_buf(),
            out: BufWriter::new(file),
        };
        rec.line(&format_header(streamer, room_id))?;
        Ok(rec)
    }

    pub fn write(&mut self, t_ms: i64, kind: RecordKind, data: &[u8]) -> Result<()> {
        self.line(&format_record(t_ms, kind, data))
    }

    fn line(&mut self, line: &str) -> Result<()> {
        let path = &self.path;
        self.out
            .write_all(line.as_bytes())
            .and_then(|_| self.out.write_all(b"\n"))
            .and_then(|_| self.out.flush())
            .with_context(|| format!("cannot write capture file {}", path.display()))
    }
}
