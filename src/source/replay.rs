//! Reading a capture file: streamed line by line (never loaded whole), so a
//! capture of any size replays in constant memory. A bad line is a counted
//! warning naming its line number; a truncated last line (a recording that was
//! cut off) is skipped with a warning.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::error::Failure;
use crate::term;
use crate::webcast::capture::{CaptureError, CaptureHeader, Line, Record, parse_line_bytes};

pub struct ReplayReader {
    reader: BufReader<File>,
    /// Raw bytes: a damaged line need not be UTF-8, and must not stop the replay.
    line: Vec<u8>,
    lineno: u64,
    label: String,
    pub header: Option<CaptureHeader>,
    pending: Option<Record>,
}

impl ReplayReader {
    /// Open a capture and read its header line (if it has one).
    pub fn open(path: &Path) -> Result<ReplayReader> {
        let file =
            File::open(path).map_err(|e| crate::error::bad_path("open the capture", path, &e))?;
        let mut r = ReplayReader {
            reader: BufReader::with_capacity(256 * 1024, file),
            line: Vec::new(),
            lineno: 0,
            label: path.display().to_string(),
            header: None,
            pending: None,
        };
        if path.is_dir() {
            let e = std::io::Error::from(std::io::ErrorKind::IsADirectory);
            return Err(crate::error::bad_path("open the capture", path, &e).into());
        }
        match r.first_line()? {
            Line::Header(h) => r.header = Some(h),
            Line::Record(rec) => {
                term::warn(format_args!(
                    "{}: no capture header line; replaying anyway",
                    r.label
                ));
                r.pending = Some(rec);
            }
        }
        Ok(r)
    }

    /// Read the next line that is not blank into `self.line`; false at the
    /// end of the file.
    fn read_nonblank(&mut self) -> Result<bool> {
        loop {
            self.line.clear();
            let n = self
                .reader
                .read_until(b'\n', &mut self.line)
                .with_context(|| format!("cannot read capture {}", self.label))?;
            if n == 0 {
                return Ok(false);
            }
            self.lineno += 1;
            if !self.line.trim_ascii().is_empty() {
                return Ok(true);
            }
        }
    }

    /// The first line, which must be a capture line: a file that is not a
    /// capture at all (a log, JSON of another kind, an empty file) is a
    /// usage error, not one skipped-line warning per line.
    fn first_line(&mut self) -> Result<Line> {
        let hint = "record one with `watch USER --record FILE`";
        if !self.read_nonblank()? {
            bail!(Failure::usage(format!(
                "{} is empty: not a tiklive capture ({hint})",
                self.label
            )));
        }
        parse_line_bytes(&self.line).map_err(|e| {
            // tiklive's own event output is the likeliest JSON of another kind.
            let events = matches!(e, CaptureError::NotCapture)
                && serde_json::from_slice::<serde_json::Value>(&self.line)
                    .is_ok_and(|v| v.get("type").is_some() && v.get("data").is_some());
            let hint = if events {
                "it looks like event NDJSON (the output of `watch`), which `forward -` reads; a capture is recorded with `watch USER --record FILE`"
            } else {
                hint
            };
            Failure::usage(format!(
                "{} is not a tiklive capture (line {}: {e}; {hint})",
                self.label, self.lineno
            ))
            .into()
        })
    }

    fn next_line(&mut self) -> Result<Option<Line>> {
        while self.read_nonblank()? {
            let complete = self.line.ends_with(b"\n");
            match parse_line_bytes(&self.line) {
                Ok(line) => return Ok(Some(line)),
                Err(e) if !complete => {
                    term::warn(format_args!(
                        "{}: line {}: skipped a truncated last line ({e})",
                        self.label, self.lineno
                    ));
                    return Ok(None);
                }
                Err(e) => term::warn(format_args!(
                    "{}: line {}: skipped: {e}",
                    self.label, self.lineno
                )),
            }
        }
        Ok(None)
    }
}

impl Iterator for ReplayReader {
    type Item = Result<Record>;

    fn next(&mut self) -> Option<Result<Record>> {
        if let Some(rec) = self.pending.take() {
            return Some(Ok(rec));
        }
        loop {
            match self.next_line() {
                Ok(Some(Line::Record(rec))) => return Some(Ok(rec)),
                Ok(Some(Line::Header(_))) => {
                    term::warn(format_args!(
                        "{}: line {}: skipped a second header",
                        self.label, self.lineno
                    ));
                }
                Ok(None) => return None,
                Err(e) => return Some(Err(e)),
            }
        }
    }
}
