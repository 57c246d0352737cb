//! Helper for `bench/replay.sh`.
//!
//! ```text
//! capture_bench generate FILE FRAMES   write a capture of FRAMES realistic frames
//! capture_bench floor FILE             time reading + inflating it, nothing more
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
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use tiklive::webcast::capture::{Line, RecordKind, format_header, format_record, parse_line_bytes};
use tiklive::webcast::frame::{MAX_INFLATED, inflate};

#[path = "../benches/realistic.rs"]
mod realistic;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["generate", file, frames] => match frames.parse() {
            Ok(n) => generate(file, n),
            Err(e) => Err(format!("FRAMES: {e}")),
        },
        ["floor", file] => floor(file),
        _ => Err("usage: capture_bench generate FILE FRAMES | capture_bench floor FILE".into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("capture_bench: {e}");
            ExitCode::FAILURE
        }
    }
}

fn generate(path: &str, frames: usize) -> Result<(), String> {
    let file = File::create(path).map_err(|e| format!("{path}: {e}"))?;
    let mut out = BufWriter::with_capacity(1 << 20, file);
    let t0 = 1_696_447_177_000i64;
    let mut messages = 0;
    let mut inflated = 0;
    let write = |out: &mut BufWriter<File>, line: &str| -> Result<(), String> {
        out.write_all(line.as_bytes())
            .and_then(|_| out.write_all(b"\n"))
            .map_err(|e| format!("{path}: {e}"))
    };
    write(&mut out, &format_header("bench", "7286148375421012782"))?;
    let payloads = realistic::payloads();
    let mut cycle = realistic::frames_from(&payloads, 0);
    for i in 0..frames {
        // Each pass over the payloads gets fresh msgIds, or the decoder would
        // drop every message after the first pass as a duplicate.
        if i > 0 && i % cycle.len() == 0 {
            let pass = (i / cycle.len()) as i64;
            cycle = realistic::frames_from(&payloads, pass * payloads.len() as i64);
        }
        let f = &cycle[i % cycle.len()];
        let bytes = realistic::push_frame(i as i64 + 1, &f.gzip);
        write(
            &mut out,
            &format_record(t0 + 50 * i as i64, RecordKind::Frame, &bytes),
        )?;
        messages += f.messages;
        inflated += f.inflated_len;
    }
    out.flush().map_err(|e| format!("{path}: {e}"))?;
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    println!(
        "frames={frames} messages={messages} distinct_frames={} inflated_bytes={inflated} capture_bytes={size}",
        cycle.len()
    );
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
        if reader
            .read_until(b'\n', &mut line)
            .map_err(|e| e.to_string())?
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
