//! Helper for `bench/replay.sh`.
//!
//! ```text
//! capture_bench generate FILE FRAMES     write a capture of FRAMES realistic frames
//! capture_bench corpus FILE FRAMES       the same frames, raw (length-prefixed)
//! capture_bench to-capture CORPUS FILE   a corpus converted to a capture
//! capture_bench floor FILE               time reading + inflating it, nothing more
//! ```
//!
//! `generate` cycles through the ~300 distinct frames built from the real
//! payloads (`benches/realistic.rs`), each with its own sequence number, its
//! own msgIds and a receive time 50 ms after the previous one, and prints what
//! it wrote.
//! `floor` does the part of a replay that no decoder can avoid (read each line,
//! parse it, base64-decode, decode the push frame, inflate) and prints how long
//! that took, and how long the inflating alone.
#![allow(clippy::print_stdout, clippy::print_stderr)] // a developer tool: it reports on stdout/stderr

use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use tiklive::webcast::capture::{Line, RecordKind, format_header, format_record, parse_line_bytes};
use tiklive::webcast::frame::{MAX_INFLATED, inflate};

#[path = "../benches/realistic.rs"]
mod realistic;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let count = |n: &str| n.parse::<usize>().map_err(|e| format!("FRAMES: {e}"));
    let result = match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["generate", file, frames] => count(frames).and_then(|n| generate(file, n)),
        ["corpus", file, frames] => count(frames).and_then(|n| corpus(file, n)),
        ["to-capture", corpus, file] => to_capture(corpus, file),
        ["floor", file] => floor(file),
        _ => Err(USAGE.into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("capture_bench: {e}");
            ExitCode::FAILURE
        }
    }
}

const USAGE: &str = "usage: capture_bench generate FILE FRAMES | corpus FILE FRAMES \
                     | to-capture CORPUS FILE | floor FILE";

/// `frames` realistic push frames, with their message count and inflated size.
///
/// Each pass over the payloads gets fresh msgIds (in the envelope and in the
/// message's `common`), or the decoder would drop every message after the
/// first pass as a duplicate, and the event ids would repeat.
fn realistic_frames(frames: usize) -> impl Iterator<Item = (Vec<u8>, usize, usize)> {
    let payloads = realistic::payloads();
    let mut cycle = realistic::frames_from(&payloads, 0);
    (0..frames).map(move |i| {
        if i > 0 && i % cycle.len() == 0 {
            // The messages' own msgIds too: the event ids derive from them.
            let pass = (i / cycle.len()) as i64;
            let first = pass * payloads.len() as i64;
            let fresh: Vec<(String, Vec<u8>)> = payloads
                .iter()
                .enumerate()
                .map(|(j, (m, p))| {
                    let id = 7_286_185_000_000_000_000 + first + j as i64;
                    (m.clone(), realistic::with_common_msg_id(p, id))
                })
                .collect();
            cycle = realistic::frames_from(&fresh, first);
        }
        let f = &cycle[i % cycle.len()];
        let bytes = realistic::push_frame(i as i64 + 1, &f.gzip);
        (bytes, f.messages, f.inflated_len)
    })
}

/// Writes a capture, one line at a time.
struct CaptureWriter {
    out: BufWriter<File>,
    path: String,
    records: i64,
}

impl CaptureWriter {
    fn create(path: &str) -> Result<CaptureWriter, String> {
        let file = File::create(path).map_err(|e| format!("{path}: {e}"))?;
        let mut w = CaptureWriter {
            out: BufWriter::with_capacity(1 << 20, file),
            path: path.to_string(),
            records: 0,
        };
        w.line(&format_header("bench", "7286148375421012782"))?;
        Ok(w)
    }

    fn line(&mut self, line: &str) -> Result<(), String> {
        self.out
            .write_all(line.as_bytes())
            .and_then(|_| self.out.write_all(b"\n"))
            .map_err(|e| format!("{}: {e}", self.path))
    }

    /// A frame, received 50 ms after the previous one.
    fn frame(&mut self, bytes: &[u8]) -> Result<(), String> {
        let t = 1_696_447_177_000i64 + 50 * self.records;
        self.records += 1;
        self.line(&format_record(t, RecordKind::Frame, bytes))
    }

    /// Flush; returns the file's size.
    fn finish(mut self) -> Result<u64, String> {
        self.out
            .flush()
            .map_err(|e| format!("{}: {e}", self.path))?;
        Ok(std::fs::metadata(&self.path).map(|m| m.len()).unwrap_or(0))
    }
}

fn generate(path: &str, frames: usize) -> Result<(), String> {
    let mut capture = CaptureWriter::create(path)?;
    let (mut messages, mut inflated) = (0, 0);
    for (bytes, n, len) in realistic_frames(frames) {
        capture.frame(&bytes)?;
        messages += n;
        inflated += len;
    }
    let size = capture.finish()?;
    println!("frames={frames} messages={messages} inflated_bytes={inflated} capture_bytes={size}");
    Ok(())
}

/// The same frames as `generate`, as raw WebSocket messages: each a 4-byte
/// little-endian length and the bytes (what `bench/vs-node.mjs` reads).
fn corpus(path: &str, frames: usize) -> Result<(), String> {
    let file = File::create(path).map_err(|e| format!("{path}: {e}"))?;
    let mut out = BufWriter::with_capacity(1 << 20, file);
    let mut messages = 0;
    for (bytes, n, _) in realistic_frames(frames) {
        out.write_all(&(bytes.len() as u32).to_le_bytes())
            .and_then(|_| out.write_all(&bytes))
            .map_err(|e| format!("{path}: {e}"))?;
        messages += n;
    }
    out.flush().map_err(|e| format!("{path}: {e}"))?;
    println!("frames={frames} messages={messages}");
    Ok(())
}

/// Convert a corpus (see `corpus`) into a capture of the same frames.
fn to_capture(corpus: &str, path: &str) -> Result<(), String> {
    let data = std::fs::read(corpus).map_err(|e| format!("{corpus}: {e}"))?;
    let mut capture = CaptureWriter::create(path)?;
    let mut rest = &data[..];
    while let Some((len, tail)) = rest.split_first_chunk::<4>() {
        let len = u32::from_le_bytes(*len) as usize;
        let frame = tail
            .get(..len)
            .ok_or_else(|| format!("{corpus}: truncated frame"))?;
        capture.frame(frame)?;
        rest = &tail[len..];
    }
    let records = capture.records;
    let size = capture.finish()?;
    println!("records={records} capture_bytes={size}");
    Ok(())
}

fn floor(path: &str) -> Result<(), String> {
    let file = File::open(path).map_err(|e| format!("{path}: {e}"))?;
    let mut reader = BufReader::with_capacity(256 * 1024, file);
    let mut line = Vec::new();
    let mut frames = 0u64;
    let mut inflated = 0usize;
    let mut inflating = Duration::ZERO;
    let start = Instant::now();
    loop {
        line.clear();
        // Read and parse as the replay reader does.
        if tiklive::source::replay::read_line(&mut reader, &mut line).map_err(|e| e.to_string())?
            == 0
        {
            break;
        }
        let Ok(Line::Record(rec)) = parse_line_bytes(&line) else {
            continue;
        };
        // The push-frame envelope, then the payload inflated on its own clock.
        let frame = <tiklive::webcast::proto::PushFrame as prost::Message>::decode(&rec.data[..])
            .map_err(|e| e.to_string())?;
        let t = Instant::now();
        let payload = inflate(&frame.payload, MAX_INFLATED).map_err(|e| e.to_string())?;
        inflating += t.elapsed();
        inflated += payload.len();
        frames += 1;
    }
    let total = start.elapsed();
    println!(
        "frames={frames} inflated_bytes={inflated} read_parse_inflate_s={:.3} inflate_only_s={:.3}",
        total.as_secs_f64(),
        inflating.as_secs_f64()
    );
    Ok(())
}
