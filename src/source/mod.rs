//! Offline sources: a capture file (`--replay`) or the built-in demo
//! (`--demo`), paced at a chosen speed and decoded through the same pipeline
//! as a live connection. They emit `connected` first and `disconnected` last,
//! as a live session does, so downstream consumers see the same shape.
//!
//! Runs on a blocking thread: reading, inflating and decoding are CPU work.

pub mod replay;

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Result;
use serde_json::json;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::config::Speed;
use crate::demo::{DEMO_ROOM_ID, DEMO_STREAMER, demo_stream};
use crate::pipeline::{Pipeline, now_ms};
use crate::record::Recorder;
use crate::webcast::capture::{Record, RecordKind};
use crate::webcast::{DecoderOptions, Envelope, EventKind};

/// How an offline run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfflineEnd {
    /// The input ran out (or the stream ended).
    Done,
    /// The consumer went away (limit reached, broken pipe).
    ConsumerGone,
    /// Cancelled (Ctrl-C).
    Cancelled,
}

/// Where timestamps come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stamp {
    /// The capture's receive times (replay).
    Recorded,
    /// The wall clock at emission (demo, like a live stream).
    Now,
}

pub struct OfflineRun<'a> {
    pub opts: DecoderOptions,
    pub speed: Speed,
    pub tx: mpsc::Sender<Vec<Envelope>>,
    pub cancel: CancellationToken,
    pub record: Option<&'a Path>,
}

/// What every source needs: the decoder options, where to send batches of
/// events, a cancellation token, and optionally a capture file to record to.
pub struct SourceRun {
    pub opts: DecoderOptions,
    pub tx: mpsc::Sender<Vec<Envelope>>,
    pub cancel: CancellationToken,
    pub record: Option<std::path::PathBuf>,
}

/// Start a replay or demo source on a blocking thread. Live sources and stdin
/// are started by their own modules.
pub fn spawn_offline(
    source: crate::config::Source,
    run: SourceRun,
) -> tokio::task::JoinHandle<Result<OfflineEnd>> {
    tokio::task::spawn_blocking(move || {
        let SourceRun {
            opts,
            tx,
            cancel,
            record,
        } = run;
        match source {
            crate::config::Source::Replay(path, speed) => run_replay(
                &path,
                OfflineRun {
                    opts,
                    speed,
                    tx,
                    cancel,
                    record: record.as_deref(),
                },
            ),
            crate::config::Source::Demo(speed) => run_demo(OfflineRun {
                opts,
                speed,
                tx,
                cancel,
                record: record.as_deref(),
            }),
            other => anyhow::bail!("not an offline source: {other:?}"),
        }
    })
}

/// Replay a capture file.
pub fn run_replay(path: &Path, run: OfflineRun<'_>) -> Result<OfflineEnd> {
    let reader = replay::ReplayReader::open(path)?;
    let (streamer, room_id) = reader
        .header
        .as_ref()
        .map(|h| (h.streamer.clone(), h.room_id.clone()))
        .unwrap_or_default();
    drive(reader, &streamer, &room_id, Stamp::Recorded, run)
}

/// Play the built-in demo stream.
pub fn run_demo(run: OfflineRun<'_>) -> Result<OfflineEnd> {
    let items = demo_stream().into_iter().map(|item| {
        Ok(Record {
            t_ms: item.offset_ms,
            kind: item.kind,
            data: item.bytes,
        })
    });
    drive(
        items,
        DEMO_STREAMER,
        &DEMO_ROOM_ID.to_string(),
        Stamp::Now,
        run,
    )
}

/// Events per batch when replaying at full speed (see `drive`).
const MAX_SPEED_BATCH: usize = 64;

fn drive(
    items: impl Iterator<Item = Result<Record>>,
    streamer: &str,
    room_id: &str,
    stamp: Stamp,
    run: OfflineRun<'_>,
) -> Result<OfflineEnd> {
    let mut pipeline = Pipeline::new(run.opts, streamer);
    pipeline.set_room(room_id);
    let mut recorder = match run.record {
        Some(path) => Some(Recorder::create(path, streamer, room_id)?),
        None => None,
    };
    let start = Instant::now();
    let mut first_t: Option<i64> = None;
    let mut last_t = now_ms();
    let mut batch = Vec::new();
    // Paced, each record's events go out at once. At full speed nobody waits
    // for one frame's events: handing them over in batches of this many saves
    // a channel wake-up and a stdout flush per frame (a fifth of the CPU time of
    // a large replay). 64 events is about 64 KiB, the stdout buffer's size, so
    // the channel (`BATCH_CHANNEL` batches) still holds only a few MiB.
    let min_batch = match run.speed {
        Speed::Max => MAX_SPEED_BATCH,
        Speed::Factor(_) => 1,
    };
    let mut connected = false;
    for item in items {
        let rec = item?;
        let t0 = *first_t.get_or_insert(rec.t_ms);
        if let Speed::Factor(f) = run.speed {
            let due = start + Duration::from_secs_f64(((rec.t_ms - t0).max(0) as f64 / 1000.0) / f);
            if !sleep_until(due, &run.cancel) {
                return finish(pipeline, batch, last_t, &run, OfflineEnd::Cancelled);
            }
        }
        if run.cancel.is_cancelled() {
            return finish(pipeline, batch, last_t, &run, OfflineEnd::Cancelled);
        }
        let t = match stamp {
            Stamp::Recorded => rec.t_ms,
            Stamp::Now => now_ms(),
        };
        last_t = t;
        if let Some(r) = recorder.as_mut() {
            r.write(t, rec.kind, &rec.data)?;
        }
        if !connected {
            connected = true;
            pipeline.control(
                EventKind::Connected,
                &json!({"username": streamer, "roomId": room_id}),
                t,
                &mut batch,
            );
        }
        // A bad frame is a counted warning (printed by the pipeline); go on.
        let _ = match rec.kind {
            RecordKind::Fetch => pipeline.fetch(&rec.data, t, &mut batch).map(|_| ()),
            RecordKind::Frame => pipeline.frame(&rec.data, t, &mut batch).map(|_| ()),
        };
        if batch.len() >= min_batch && run.tx.blocking_send(std::mem::take(&mut batch)).is_err() {
            return Ok(OfflineEnd::ConsumerGone);
        }
        if pipeline.stream_end().is_some() {
            break;
        }
    }
    finish(pipeline, batch, last_t, &run, OfflineEnd::Done)
}

/// Flush held streaks, say `disconnected`, and hand over the last batch.
fn finish(
    mut pipeline: Pipeline,
    mut batch: Vec<Envelope>,
    t: i64,
    run: &OfflineRun<'_>,
    end: OfflineEnd,
) -> Result<OfflineEnd> {
    pipeline.finish(t, &mut batch);
    let reason = match (end, pipeline.stream_end()) {
        (OfflineEnd::Cancelled, _) => "interrupted",
        (_, Some(_)) => "stream ended",
        _ => "end of input",
    };
    pipeline.control(
        EventKind::Disconnected,
        &json!({"code": 1000, "reason": reason}),
        t,
        &mut batch,
    );
    if !batch.is_empty() && run.tx.blocking_send(batch).is_err() {
        return Ok(OfflineEnd::ConsumerGone);
    }
    Ok(end)
}

/// Sleep until `due`, waking early on cancellation. Returns false if cancelled.
fn sleep_until(due: Instant, cancel: &CancellationToken) -> bool {
    loop {
        if cancel.is_cancelled() {
            return false;
        }
        let now = Instant::now();
        if now >= due {
            return true;
        }
        std::thread::sleep((due - now).min(Duration::from_millis(50)));
    }
}
