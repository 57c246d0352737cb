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

/// The read buffer's size: a capture line is a few KB.
const READ_BUFFER: usize = 256 * 1024;

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
        Self::open_with(path, READ_BUFFER)
    }

    /// [`ReplayReader::open`] with a read buffer of `capacity` bytes.
    fn open_with(path: &Path, capacity: usize) -> Result<ReplayReader> {
        let file =
            File::open(path).map_err(|e| crate::error::bad_path("open the capture", path, &e))?;
        let mut r = ReplayReader {
            reader: BufReader::with_capacity(capacity, file),
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
            Line::Record(mut rec) => {
                rec.line = r.lineno;
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
            let n = read_line(&mut self.reader, &mut self.line)
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
        loop {
            match self.next_line_in_buffer()? {
                InBuffer::Line(line) => return Ok(Some(line)),
                InBuffer::Skipped => {}
                InBuffer::No => return self.next_line_copied(),
            }
        }
    }

    /// The next line when all of it is in the reader's buffer (nearly every
    /// line: they are a few KB, the buffer [`READ_BUFFER`]), parsed where
    /// it is: copying each line out first, as [`read_line`] does, copied the
    /// whole capture once more. A blank or bad line is skipped (with its
    /// warning).
    fn next_line_in_buffer(&mut self) -> Result<InBuffer> {
        let buf = loop {
            match self.reader.fill_buf() {
                Ok(buf) => break buf,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => {
                    return Err(e).with_context(|| format!("cannot read capture {}", self.label));
                }
            }
        };
        let Some(end) = memchr::memchr(b'\n', buf) else {
            return Ok(InBuffer::No);
        };
        let line = &buf[..=end];
        self.lineno += 1;
        let parsed = (!line.trim_ascii().is_empty()).then(|| parse_line_bytes(line));
        self.reader.consume(end + 1);
        match parsed {
            None => Ok(InBuffer::Skipped),
            Some(Ok(line)) => Ok(InBuffer::Line(line)),
            Some(Err(e)) => {
                term::warn(format_args!(
                    "{}: line {}: skipped: {e}",
                    self.label, self.lineno
                ));
                Ok(InBuffer::Skipped)
            }
        }
    }

    /// The next line, copied out of the reader (see [`read_line`]): one that
    /// runs past the end of the buffer, or a last line without a newline.
    fn next_line_copied(&mut self) -> Result<Option<Line>> {
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

/// What [`ReplayReader::next_line_in_buffer`] found.
enum InBuffer {
    Line(Line),
    /// A blank or bad line, skipped.
    Skipped,
    /// The next line is not all in the buffer (or there is none).
    No,
}

/// Append the next line of `reader` to `line`, its `\n` included (none at
/// the end of the input): what `BufRead::read_until(b'\n', line)` does,
/// with the `memchr` crate's search (AVX2 where the CPU has it) instead of
/// std's word-at-a-time one, which was 3% of a replay's instructions on
/// lines of ~4 KB. Returns the number of bytes read, 0 at the end.
pub fn read_line(reader: &mut impl BufRead, line: &mut Vec<u8>) -> std::io::Result<usize> {
    let mut read = 0;
    loop {
        let buf = match reader.fill_buf() {
            Ok(buf) => buf,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let (taken, done) = match memchr::memchr(b'\n', buf) {
            Some(i) => (i + 1, true),
            None => (buf.len(), buf.is_empty()),
        };
        line.extend_from_slice(&buf[..taken]);
        reader.consume(taken);
        read += taken;
        if done {
            return Ok(read);
        }
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
                Ok(Some(Line::Record(mut rec))) => {
                    rec.line = self.lineno;
                    return Some(Ok(rec));
                }
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

#[cfg(test)]
mod tests {
    use std::io::BufRead;

    use super::{ReplayReader, read_line};
    use crate::webcast::capture::{RecordKind, format_header, format_record};

    /// The same records whatever the buffer's size, whether lines are read
    /// where they are or copied: lines longer than the buffer, blank and bad
    /// lines between them, a last line without a newline.
    #[test]
    fn records_do_not_depend_on_the_buffer() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.cap");
        let mut text = format_header("alice", "1") + "\n";
        for i in 0..40i64 {
            let data = vec![i as u8; (i as usize * 37) % 500];
            text += &format_record(1_700_000_000_000 + i, RecordKind::Frame, &data);
            text += match i % 5 {
                0 => "\n\n",
                1 => "\n{\"t\": 1}\n",
                2 => "\n  \n",
                _ => "\n",
            };
        }
        text += &format_record(1, RecordKind::Fetch, b"last");
        std::fs::write(&path, &text).unwrap();
        let read = |capacity| -> Vec<_> {
            ReplayReader::open_with(&path, capacity)
                .unwrap()
                .map(Result::unwrap)
                .collect()
        };
        let all = read(super::READ_BUFFER);
        assert_eq!(all.len(), 41);
        assert_eq!(&all[40].data[..], b"last");
        for capacity in [8, 100, 333, 1000, 4096] {
            assert_eq!(read(capacity), all, "capacity {capacity}");
        }
    }

    /// The same lines as `read_until`, whatever the buffer's size: lines
    /// longer than it, empty lines, a last line without a newline.
    #[test]
    fn read_line_reads_what_read_until_reads() {
        let text = b"first line\n\n\nsecond, longer than the buffer\nx\nno newline at the end";
        for capacity in [1, 2, 3, 7, 64] {
            let mut ours = std::io::BufReader::with_capacity(capacity, &text[..]);
            let mut std = std::io::BufReader::with_capacity(capacity, &text[..]);
            loop {
                let (mut a, mut b) = (Vec::new(), Vec::new());
                let n = read_line(&mut ours, &mut a).unwrap();
                assert_eq!(n, std.read_until(b'\n', &mut b).unwrap());
                assert_eq!(a, b, "capacity {capacity}");
                if n == 0 {
                    break;
                }
            }
        }
    }
}
