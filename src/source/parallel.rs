//! Decoding an offline source on many threads, with events still in capture
//! order and memory bounded.
//!
//! The calling thread reads records and hands them, [`CHUNK`] at a time, to a
//! rayon pool of `--threads` workers that do the costly, stateless part of
//! decoding (inflating, protobuf, building each event's JSON: see
//! [`crate::webcast::prepare_frame`]). Each chunk comes back through its own
//! one-slot channel, and the calling thread applies the chunks in the order it
//! read them (duplicate msgIds, gift streaks, stamping, batching: the stateful
//! part, cheap). At most [`in_flight`] chunks are read ahead, so memory does
//! not grow with the capture: about 8 frames of ~10 KiB per chunk.

use std::collections::VecDeque;
use std::sync::mpsc::{Receiver, sync_channel};

use anyhow::{Context, Result, anyhow};

use super::{Decoded, Driver, OfflineEnd};
use crate::webcast::DecoderOptions;
use crate::webcast::capture::Record;

/// Records per task handed to a worker: enough to make the hand-over cost
/// nothing next to the decoding (a frame takes tens of microseconds), few
/// enough to keep the read-ahead small.
const CHUNK: usize = 8;

/// Chunks read ahead of the one being applied: one per worker and one spare
/// keep every worker busy while the calling thread applies and reads. (Twice
/// the workers, in chunks of 16, cost the same CPU time and 1.7 MB more peak
/// RSS on a 100,000-frame replay with 2 threads: 15.0 MB against 13.4 MB.)
fn in_flight(threads: usize) -> usize {
    threads + 1
}

type Chunk = Vec<(Record, Decoded)>;

/// Run `items` through `driver` with `driver.run.threads` decoding threads.
pub(super) fn drive(
    items: impl Iterator<Item = Result<Record>>,
    mut driver: Driver<'_>,
) -> Result<OfflineEnd> {
    let threads = driver.run.threads;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("decode-{i}"))
        .build()
        .context("cannot start the decoding threads")?;
    let opts = driver.pipeline.options();
    let mut pending: VecDeque<Receiver<Chunk>> = VecDeque::new();
    let mut chunk = Vec::with_capacity(CHUNK);
    let mut cancelled = false;
    for item in items {
        if driver.run.cancel.is_cancelled() {
            cancelled = true;
            break;
        }
        chunk.push(item?);
        if chunk.len() < CHUNK {
            continue;
        }
        pending.push_back(submit(&pool, opts, std::mem::take(&mut chunk)));
        while pending.len() > in_flight(threads) {
            if let Some(end) = apply_next(&mut pending, &mut driver)? {
                return driver.end(end);
            }
        }
    }
    // What was read is emitted, also on Ctrl-C: nothing buffered is lost.
    if !chunk.is_empty() {
        pending.push_back(submit(&pool, opts, chunk));
    }
    while !pending.is_empty() {
        if let Some(end) = apply_next(&mut pending, &mut driver)? {
            return driver.end(end);
        }
    }
    driver.finish(if cancelled {
        OfflineEnd::Cancelled
    } else {
        OfflineEnd::Done
    })
}

/// Decode `records` on the pool; the result arrives on the returned channel.
fn submit(pool: &rayon::ThreadPool, opts: DecoderOptions, records: Vec<Record>) -> Receiver<Chunk> {
    let (tx, rx) = sync_channel(1);
    pool.spawn(move || {
        let decoded: Chunk = records
            .into_iter()
            .map(|rec| {
                let d = Decoded::prepare(opts, &rec);
                (rec, d)
            })
            .collect();
        // The receiver is gone only when the run ended early.
        let _ = tx.send(decoded);
    });
    rx
}

/// Wait for the oldest chunk and emit its events.
fn apply_next(
    pending: &mut VecDeque<Receiver<Chunk>>,
    driver: &mut Driver<'_>,
) -> Result<Option<OfflineEnd>> {
    let Some(rx) = pending.pop_front() else {
        return Ok(None);
    };
    let chunk = rx.recv().map_err(|_| anyhow!("a decoding thread failed"))?;
    for (rec, decoded) in chunk {
        if let Some(end) = driver.record(rec, decoded)? {
            return Ok(Some(end));
        }
    }
    Ok(None)
}
