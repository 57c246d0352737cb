//! Decoding benchmarks over realistic frames (see `realistic.rs`):
//!
//! - `inflate_only`: gunzip each frame's payload, nothing else: the floor.
//! - `push_frame`: the push-frame layer (protobuf envelope + inflate).
//! - `events`: frame and messages decoded into events (no envelope, no output).
//! - `full`: what `watch` does per frame: decode the frame and every message,
//!   build each event, stamp it (timestamp, UUID) and write its NDJSON line.
//!
//! Throughput is in messages, so criterion prints messages per second.
//!
//! ```sh
//! cargo bench --bench decode
//! ```
#![allow(clippy::print_stdout, clippy::print_stderr)] // a developer tool: it reports on stdout/stderr

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use tiklive::cli::Format;
use tiklive::format::{Styles, write_event};
use tiklive::pipeline::Pipeline;
use tiklive::webcast::frame::{MAX_INFLATED, decode_frame, inflate};
use tiklive::webcast::{Decoder, DecoderOptions};

mod realistic;

fn decode(c: &mut Criterion) {
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
        .sample_size(30)
        .measurement_time(Duration::from_secs(8));

    group.bench_function("inflate_only", |b| {
        b.iter(|| {
            for f in &frames {
                black_box(inflate(black_box(&f.gzip), MAX_INFLATED).unwrap());
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

    let mut decoder = Decoder::new(DecoderOptions::default());
    let mut outputs = Vec::new();
    group.bench_function("events", |b| {
        b.iter(|| {
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
    let mut pipeline = Pipeline::new(DecoderOptions::default(), "bench");
    let mut batch = Vec::new();
    let mut sink: Vec<u8> = Vec::with_capacity(1 << 20);
    group.bench_function("full", |b| {
        b.iter(|| {
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
}

criterion_group!(benches, decode);
criterion_main!(benches);
