//! Decoding benchmarks over realistic frames (see `realistic.rs`):
//!
//! - `inflate_only`: gunzip each frame's payload, nothing else: the floor
//!   (libdeflate in one call, the path `inflate` takes for real frames).
//! - `inflate_streaming`: the same through zlib-rs, streaming (the fallback).
//! - `push_frame`: the push-frame layer (protobuf envelope + inflate).
//! - `events`: frame and messages decoded into events (no envelope, no output).
//! - `full`: what `watch` does per frame: decode the frame and every message,
//!   build each event, stamp it (timestamp, UUID) and write its NDJSON line.
//!
//! Throughput is in messages, so criterion prints messages per second.
//!
//! The `escape` group writes every string of those events' data as a JSON
//! string literal, with our writer (`tiklive_write_str`) and with serde_json
//! (`serde_json`), in bytes per second.
//!
//! ```sh
//! cargo bench --bench decode
//! BENCH_CPU_TIME=1 cargo bench --bench decode   # thread CPU time, not wall time
//! ```
//!
//! On a machine shared with other work, wall time also counts the time the
//! benchmark waited for a CPU; `BENCH_CPU_TIME=1` measures the thread's own
//! CPU time instead (from /proc, in 10 ms ticks, so each sample runs for a
//! few hundred milliseconds).
#![allow(clippy::print_stdout, clippy::print_stderr)] // a developer tool: it reports on stdout/stderr

use std::hint::black_box;
use std::time::Duration;

use criterion::measurement::{Measurement, ValueFormatter};
use criterion::{Criterion, SamplingMode, Throughput};
use tiklive::cli::Format;
use tiklive::format::{Styles, write_event};
use tiklive::pipeline::Pipeline;
use tiklive::webcast::frame::{MAX_INFLATED, decode_frame, inflate, inflate_streaming};
use tiklive::webcast::{Decoder, DecoderOptions, Output, json};

mod realistic;

fn decode<M: Measurement>(c: &mut Criterion<M>) {
    let frames = realistic::frames();
    let messages: usize = frames.iter().map(|f| f.messages).sum();
    let inflated: usize = frames.iter().map(|f| f.inflated_len).sum();
    let gzip: usize = frames.iter().map(|f| f.gzip.len()).sum();
    eprintln!(
        "{} frames, {messages} messages ({:.1} per frame), {:.1} KB inflated and {:.1} KB gzip'ed per frame",
        frames.len(),
        messages as f64 / frames.len() as f64,
        inflated as f64 / frames.len() as f64 / 1024.0,
        gzip as f64 / frames.len() as f64 / 1024.0,
    );

    let mut group = c.benchmark_group("frames");
    group
        .throughput(Throughput::Elements(messages as u64))
        // Equal samples of a few hundred ms each (see BENCH_CPU_TIME).
        .sampling_mode(SamplingMode::Flat)
        .sample_size(30)
        .measurement_time(Duration::from_secs(8));

    group.bench_function("inflate_only", |b| {
        b.iter(|| {
            for f in &frames {
                black_box(inflate(black_box(&f.gzip), MAX_INFLATED).unwrap());
            }
        })
    });

    // The general path alone (zlib-rs, streaming), which `inflate` falls back
    // to when a payload's size field cannot be used.
    group.bench_function("inflate_streaming", |b| {
        b.iter(|| {
            for f in &frames {
                black_box(inflate_streaming(black_box(&f.gzip), MAX_INFLATED).unwrap());
            }
        })
    });

    group.bench_function("push_frame", |b| {
        b.iter(|| {
            for f in &frames {
                black_box(decode_frame(black_box(&f.bytes)).unwrap());
            }
        })
    });

    // A fresh decoder and pipeline per pass: one kept across passes would drop
    // every message after the first pass as a duplicate msgId.
    let mut outputs = Vec::new();
    group.bench_function("events", |b| {
        b.iter(|| {
            let mut decoder = Decoder::new(DecoderOptions::default());
            for f in &frames {
                decoder
                    .decode_frame(black_box(&f.bytes), &mut outputs)
                    .unwrap();
                black_box(&outputs);
                outputs.clear();
            }
        })
    });

    let styles = Styles::new(false);
    let mut batch = Vec::new();
    let mut sink: Vec<u8> = Vec::with_capacity(1 << 20);
    group.bench_function("full", |b| {
        b.iter(|| {
            let mut pipeline = Pipeline::new(DecoderOptions::default(), "bench");
            for (i, f) in frames.iter().enumerate() {
                pipeline
                    .frame(
                        black_box(&f.bytes),
                        1_696_447_177_000 + i as i64,
                        &mut batch,
                    )
                    .unwrap();
                for env in batch.drain(..) {
                    write_event(&mut sink, &env, Format::Ndjson, &styles).unwrap();
                }
                black_box(&sink);
                sink.clear();
            }
        })
    });
    group.finish();
    escape(c, &frames);
}

/// Every string in the data of the corpus's events (names, URLs, comments).
fn corpus_strings(frames: &[realistic::RealFrame]) -> Vec<String> {
    fn walk(v: serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::String(s) => out.push(s),
            serde_json::Value::Array(items) => items.into_iter().for_each(|v| walk(v, out)),
            serde_json::Value::Object(map) => map.into_iter().for_each(|(k, v)| {
                out.push(k);
                walk(v, out);
            }),
            _ => {}
        }
    }
    let mut decoder = Decoder::new(DecoderOptions::default());
    let mut outputs = Vec::new();
    let mut strings = Vec::new();
    for f in frames {
        decoder.decode_frame(&f.bytes, &mut outputs).unwrap();
        for out in outputs.drain(..) {
            if let Output::Event(ev) = out {
                walk(serde_json::from_str(ev.data.get()).unwrap(), &mut strings);
            }
        }
    }
    strings
}

fn escape<M: Measurement>(c: &mut Criterion<M>, frames: &[realistic::RealFrame]) {
    let strings = corpus_strings(frames);
    let bytes: usize = strings.iter().map(String::len).sum();
    let mut group = c.benchmark_group("escape");
    group.throughput(Throughput::Bytes(bytes as u64));
    let mut out = String::with_capacity(bytes * 2);
    group.bench_function("tiklive_write_str", |b| {
        b.iter(|| {
            out.clear();
            for s in &strings {
                json::write_str(&mut out, black_box(s));
            }
            black_box(&out);
        })
    });
    let mut out: Vec<u8> = Vec::with_capacity(bytes * 2);
    group.bench_function("serde_json", |b| {
        b.iter(|| {
            out.clear();
            for s in &strings {
                serde_json::to_writer(&mut out, black_box(s)).unwrap();
            }
            black_box(&out);
        })
    });
    group.finish();
}

fn main() {
    if std::env::var_os("BENCH_CPU_TIME").is_some() {
        let mut c = Criterion::default()
            .with_measurement(ThreadCpuTime)
            .configure_from_args();
        decode(&mut c);
        c.final_summary();
    } else {
        let mut c = Criterion::default().configure_from_args();
        decode(&mut c);
        c.final_summary();
    }
}

/// The calling thread's CPU time (user + system), in nanoseconds.
struct ThreadCpuTime;

/// Linux's `USER_HZ`: /proc reports CPU time in ticks of 10 ms.
const NS_PER_TICK: u64 = 10_000_000;

fn thread_cpu_ns() -> u64 {
    let stat = std::fs::read_to_string("/proc/thread-self/stat")
        .expect("BENCH_CPU_TIME needs Linux's /proc/thread-self/stat");
    // Fields after the command name, which is in parentheses and may hold
    // spaces: state is field 3, utime 14 and stime 15.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let ticks = |i: usize| {
        fields
            .get(i - 3)
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
    };
    (ticks(14) + ticks(15)) * NS_PER_TICK
}

impl Measurement for ThreadCpuTime {
    type Intermediate = u64;
    type Value = u64;

    fn start(&self) -> u64 {
        thread_cpu_ns()
    }
    fn end(&self, start: u64) -> u64 {
        thread_cpu_ns().saturating_sub(start)
    }
    fn add(&self, a: &u64, b: &u64) -> u64 {
        a + b
    }
    fn zero(&self) -> u64 {
        0
    }
    fn to_f64(&self, value: &u64) -> f64 {
        *value as f64
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        &CpuFormatter
    }
}

/// Nanoseconds shown as ms/µs, throughput as elements per CPU second.
struct CpuFormatter;

impl ValueFormatter for CpuFormatter {
    fn scale_values(&self, typical_ns: f64, values: &mut [f64]) -> &'static str {
        let (factor, unit) = if typical_ns < 1e6 {
            (1e-3, "µs (CPU)")
        } else {
            (1e-6, "ms (CPU)")
        };
        for v in values {
            *v *= factor;
        }
        unit
    }

    fn scale_throughputs(
        &self,
        _typical: f64,
        throughput: &Throughput,
        values: &mut [f64],
    ) -> &'static str {
        let per = match *throughput {
            Throughput::Elements(n) | Throughput::ElementsAndBytes { elements: n, .. } => n,
            Throughput::Bytes(n) | Throughput::BytesDecimal(n) | Throughput::Bits(n) => n,
        } as f64;
        for v in values {
            *v = per * 1e9 / *v / 1e3;
        }
        "K/CPU-s"
    }

    fn scale_for_machines(&self, _values: &mut [f64]) -> &'static str {
        "ns"
    }
}
