//! Offline sources: a capture file (`--replay`) or the built-in demo
//! (`--demo`), paced at a chosen speed and decoded through the same pipeline
//! as a live connection. They emit `connected` first and `disconnected` last,
//! as a live session does, so downstream consumers see the same shape.
//!
//! Runs on a blocking thread: reading, inflating and decoding are CPU work.

mod parallel;
pub mod replay;
pub mod stdin;

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::clock::now_ms;
use crate::config::Speed;
use crate::demo::{DEMO_ROOM_ID, DEMO_STREAMER, demo_stream};
use crate::pipeline::{Envelopes, EventSink, Gather, Pipeline};
use crate::record::Recorder;
use crate::term::{DirectOptions, NdjsonChunk, NdjsonLines, Recycled, StdoutNdjson};
use crate::webcast::capture::{Record, RecordKind};
use crate::webcast::{
    Control, DecoderOptions, EndCause, Envelope, Event, KindSet, PreparedFetch, PreparedFrame,
    prepare_fetch, prepare_frame_bytes,
};

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
    /// Threads decoding at full speed (`--threads`); 1 decodes on the
    /// calling thread.
    pub threads: usize,
    pub tx: mpsc::Sender<Vec<Envelope>>,
    pub cancel: CancellationToken,
    pub record: Option<&'a Path>,
    /// Batches sent on `tx` that come back once written, to be freed (and
    /// their vectors reused) here: see [`crate::term::recycle_channel`].
    pub recycled: Option<Arc<Recycled>>,
    /// Write NDJSON to stdout from this thread instead of sending batches on
    /// `tx` (see [`StdoutNdjson`]); `tx` is then unused.
    pub stdout: Option<DirectOptions>,
}

/// What every source needs: the decoder options, where to send batches of
/// events (`B`: [`Envelope`]s, or for live streams printing NDJSON the
/// text of [`crate::term::NdjsonLines`]), a cancellation token, and
/// optionally a capture file to record to.
pub struct SourceRun<B = Vec<Envelope>> {
    pub opts: DecoderOptions,
    pub tx: mpsc::Sender<B>,
    pub cancel: CancellationToken,
    pub record: Option<std::path::PathBuf>,
}

/// How to start a source, beyond [`SourceRun`]: what a live source needs,
/// and the `--limit` every command takes.
#[derive(Default)]
pub struct Start {
    /// The live settings (a live source only).
    pub live: Option<crate::config::LiveConfig>,
    /// The sign budget to share (e.g. with `/api/status`); `None` makes one.
    pub gate: Option<crate::live::budget::SharedGate>,
    /// A spinner on stderr (one live stream on a terminal).
    pub progress: bool,
    pub quiet: bool,
    /// `--limit`: stop the source after this many events of the `counted`
    /// kinds (the ones the user asked for).
    pub limit: Option<u64>,
    pub counted: KindSet,
    /// Written batches coming back from the consumer (see
    /// [`crate::term::recycle_channel`]).
    pub recycled: Option<Arc<Recycled>>,
    /// A replay or demo writes NDJSON to stdout itself (see
    /// [`StdoutNdjson`]) instead of sending batches.
    pub stdout: Option<DirectOptions>,
}

/// Start `source`, whichever it is: the one place that knows all four (live,
/// replay, demo, stdin), so `watch`, `forward` and `serve` take the same
/// options. Replay and demo decode on a blocking thread.
pub fn start(
    source: crate::config::Source,
    mut run: SourceRun,
    start: Start,
) -> Result<tokio::task::JoinHandle<Result<OfflineEnd>>> {
    use crate::config::Source;
    // A --record path that cannot be created is an error now, before the
    // room lookup or any other network call.
    if let Some(path) = &run.record {
        crate::record::check_path(path)?;
    }
    if let Some(n) = start.limit {
        run.tx = limit(run.tx, n, start.counted);
    }
    let recycled = start.recycled.clone();
    let stdout = start.stdout;
    let offline = |f: Box<dyn FnOnce(OfflineRun<'_>) -> Result<OfflineEnd> + Send>,
                   speed: Speed,
                   threads: usize,
                   run: SourceRun| {
        tokio::task::spawn_blocking(move || {
            f(OfflineRun {
                opts: run.opts,
                speed,
                threads,
                tx: run.tx,
                cancel: run.cancel,
                record: run.record.as_deref(),
                recycled,
                stdout,
            })
        })
    };
    Ok(match source {
        Source::Live(users) => {
            let recycled = start.recycled.clone();
            spawn_live(users, run, start, move || Envelopes::new(recycled.clone()))?
        }
        Source::Stdin => tokio::spawn(stdin::read_stdin(run.tx, run.cancel, run.opts.wanted)),
        Source::Replay(path, speed, threads) => {
            offline(Box::new(move |r| run_replay(&path, r)), speed, threads, run)
        }
        Source::Demo(speed, threads) => offline(Box::new(run_demo), speed, threads, run),
    })
}

/// Start live streams whose events are printed as NDJSON: each stream's task
/// writes its lines itself ([`NdjsonLines`], chunks taken back from
/// `recycled`) and sends them to `run.tx`. `start` gives the live settings,
/// the sign budget, the spinner and quiet; `--limit` is the stdout thread's
/// (see [`crate::term::spawn_ndjson_stdout`]).
pub fn start_live_ndjson(
    users: Vec<String>,
    run: SourceRun<NdjsonChunk>,
    start: Start,
    recycled: Arc<Recycled<NdjsonChunk>>,
) -> Result<tokio::task::JoinHandle<Result<OfflineEnd>>> {
    if let Some(path) = &run.record {
        crate::record::check_path(path)?;
    }
    spawn_live(users, run, start, move || {
        NdjsonLines::new(Some(recycled.clone()))
    })
}

/// Spawn the task that watches `users` with `start`'s live settings, sign
/// budget, spinner and quiet; each stream gathers its events with a
/// `gather()` of its own.
fn spawn_live<G: Gather + 'static>(
    users: Vec<String>,
    run: SourceRun<G::Batch>,
    start: Start,
    gather: impl Fn() -> G + Send + 'static,
) -> Result<tokio::task::JoinHandle<Result<OfflineEnd>>> {
    let cfg = start
        .live
        .ok_or_else(|| anyhow::anyhow!("a live source needs its settings"))?;
    Ok(tokio::spawn(crate::live::run_all(
        users,
        cfg,
        run,
        start.gate,
        start.progress,
        start.quiet,
        gather,
    )))
}

/// `--limit N`: a sender that passes batches on until `n` events of the
/// `counted` kinds went through (the batch that reaches `n` is cut there),
/// then closes, so the source sees its consumer gone and stops.
pub fn limit(
    tx: mpsc::Sender<Vec<Envelope>>,
    n: u64,
    counted: KindSet,
) -> mpsc::Sender<Vec<Envelope>> {
    let (limited, mut rx) = mpsc::channel::<Vec<Envelope>>(crate::term::BATCH_CHANNEL);
    tokio::spawn(async move {
        let mut left = n;
        while left > 0
            && let Some(mut batch) = rx.recv().await
        {
            let mut keep = batch.len();
            for (i, env) in batch.iter().enumerate() {
                if counted.contains(env.kind) && crate::term::counts_toward_limit(env.kind) {
                    left -= 1;
                    if left == 0 {
                        keep = i + 1;
                        break;
                    }
                }
            }
            batch.truncate(keep);
            if tx.send(batch).await.is_err() {
                break;
            }
        }
    });
    limited
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
            data: item.bytes.into(),
            line: 0,
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

/// Events per batch when replaying at full speed (see `Driver::new`).
const MAX_SPEED_BATCH: usize = 64;

fn drive(
    items: impl Iterator<Item = Result<Record>>,
    streamer: &str,
    room_id: &str,
    stamp: Stamp,
    run: OfflineRun<'_>,
) -> Result<OfflineEnd> {
    let mut driver = Driver::new(streamer, room_id, stamp, run)?;
    if driver.run.speed == Speed::Max && driver.run.threads > 1 {
        return parallel::drive(items, driver);
    }
    let start = Instant::now();
    let mut first_t: Option<i64> = None;
    for item in items {
        let rec = item?;
        let t0 = *first_t.get_or_insert(rec.t_ms);
        if let Speed::Factor(f) = driver.run.speed {
            let due = start + Duration::from_secs_f64(((rec.t_ms - t0).max(0) as f64 / 1000.0) / f);
            if !sleep_until(due, &driver.run.cancel) {
                return driver.finish(OfflineEnd::Cancelled);
            }
        }
        if driver.run.cancel.is_cancelled() {
            return driver.finish(OfflineEnd::Cancelled);
        }
        if let Some(end) = driver.record(rec, Decoded::Here)? {
            return driver.end(end);
        }
    }
    driver.finish(OfflineEnd::Done)
}

/// A record decoded as far as it can be without the stream's state (see
/// [`crate::webcast::prepare_frame`]): the part that may run on any thread.
pub(crate) enum Decoded {
    Frame(PreparedFrame),
    Fetch(PreparedFetch),
    /// Not decoded yet: the thread that applies it decodes it, in one pass
    /// (one thread: see [`crate::webcast::Decoder::decode_push`]).
    Here,
}

impl Decoded {
    pub(crate) fn prepare(opts: DecoderOptions, rec: &Record) -> Decoded {
        match rec.kind {
            // Shares the record's bytes: the frame's payload is not copied.
            RecordKind::Frame => Decoded::Frame(prepare_frame_bytes(opts, &rec.data)),
            RecordKind::Fetch => Decoded::Fetch(prepare_fetch(opts, rec.data.clone())),
        }
    }
}

/// The in-order half of an offline run: stamping, recording, `connected`,
/// batching, and noticing the end of the stream.
pub(crate) struct Driver<'a> {
    pipeline: Pipeline,
    recorder: Option<Recorder>,
    run: OfflineRun<'a>,
    streamer: String,
    room_id: String,
    stamp: Stamp,
    out: Out,
    /// Hand the batch over once it holds this many events.
    min_batch: usize,
    connected: bool,
    last_t: i64,
}

impl<'a> Driver<'a> {
    fn new(streamer: &str, room_id: &str, stamp: Stamp, run: OfflineRun<'a>) -> Result<Driver<'a>> {
        let recorder = match run.record {
            Some(path) => Some(Recorder::create(path, streamer, room_id)?),
            None => None,
        };
        // Paced, each record's events go out at once. At full speed nobody
        // waits for one frame's events: handing them over in batches of this
        // many saves a channel wake-up and a stdout flush per frame (a fifth of
        // the CPU time of a large replay). 64 events is about 64 KiB, the
        // stdout buffer's size, so the channel (`BATCH_CHANNEL` batches) still
        // holds under 2 MiB.
        let min_batch = match run.speed {
            Speed::Max => MAX_SPEED_BATCH,
            Speed::Factor(_) => 1,
        };
        let mut pipeline = Pipeline::new(run.opts, streamer);
        pipeline.set_room(room_id);
        let out = match run.stdout {
            Some(opts) => Out::Stdout(StdoutNdjson::new(opts)),
            None => Out::Batches(Vec::new()),
        };
        Ok(Driver {
            pipeline,
            recorder,
            run,
            streamer: streamer.to_string(),
            room_id: room_id.to_string(),
            stamp,
            out,
            min_batch,
            connected: false,
            last_t: now_ms(),
        })
    }

    /// Emit one record's events. `Some` when the run is over: the consumer
    /// went away, or the stream ended.
    pub(crate) fn record(&mut self, rec: Record, decoded: Decoded) -> Result<Option<OfflineEnd>> {
        let t = match self.stamp {
            Stamp::Recorded => rec.t_ms,
            Stamp::Now => now_ms(),
        };
        self.last_t = t;
        if let Some(r) = self.recorder.as_mut() {
            r.write(t, rec.kind, &rec.data)?;
        }
        if !self.connected {
            self.connected = true;
            self.pipeline.control(
                &Control::Connected {
                    username: self.streamer.to_string(),
                    room_id: self.room_id.to_string(),
                },
                t,
                &mut self.out,
            );
        }
        // A bad frame is a counted warning (printed by the pipeline, with
        // its capture line); go on.
        let len = rec.data.len();
        self.pipeline.set_line(rec.line);
        let _ = match decoded {
            Decoded::Fetch(p) => self
                .pipeline
                .apply_fetch(p, len, t, &mut self.out)
                .map(|_| ()),
            Decoded::Frame(p) => self
                .pipeline
                .apply_frame(p, len, t, &mut self.out)
                .map(|_| ()),
            Decoded::Here => match rec.kind {
                RecordKind::Frame => self
                    .pipeline
                    .frame_bytes(&rec.data, t, &mut self.out)
                    .map(|_| ()),
                RecordKind::Fetch => self.pipeline.fetch(&rec.data, t, &mut self.out).map(|_| ()),
            },
        };
        match &mut self.out {
            Out::Batches(batch) if batch.len() >= self.min_batch => {
                if self.run.tx.blocking_send(std::mem::take(batch)).is_err() {
                    return Ok(Some(OfflineEnd::ConsumerGone));
                }
                if let Some(r) = &self.run.recycled {
                    *batch = r.batch();
                }
            }
            Out::Batches(_) => {}
            Out::Stdout(out) => {
                if out.done().context(STDOUT)? {
                    return Ok(Some(OfflineEnd::ConsumerGone));
                }
            }
        }
        Ok(self.pipeline.stream_end().map(|_| OfflineEnd::Done))
    }

    /// What [`Driver::record`] returned: finish, unless nobody listens.
    pub(crate) fn end(mut self, end: OfflineEnd) -> Result<OfflineEnd> {
        match (end, &mut self.out) {
            // The limit was reached: write what it let through.
            (OfflineEnd::ConsumerGone, Out::Stdout(out)) => {
                out.flush().context(STDOUT)?;
                Ok(end)
            }
            (OfflineEnd::ConsumerGone, Out::Batches(_)) => Ok(end),
            _ => self.finish(end),
        }
    }

    /// Flush held streaks, say `disconnected`, and hand over the last batch.
    pub(crate) fn finish(mut self, end: OfflineEnd) -> Result<OfflineEnd> {
        let t = self.last_t;
        self.pipeline.finish(t, &mut self.out);
        let cause = match (end, self.pipeline.stream_end()) {
            (OfflineEnd::Cancelled, _) => EndCause::Interrupted,
            (_, Some(_)) => EndCause::StreamEnded,
            _ => EndCause::EndOfInput,
        };
        self.pipeline
            .control(&Control::ended(1000, cause), t, &mut self.out);
        match self.out {
            Out::Batches(batch) => {
                if !batch.is_empty() && self.run.tx.blocking_send(batch).is_err() {
                    return Ok(OfflineEnd::ConsumerGone);
                }
            }
            Out::Stdout(mut out) => out.flush().context(STDOUT)?,
        }
        Ok(end)
    }
}

/// The context of a write error on stdout.
const STDOUT: &str = "cannot write to stdout";

/// Where a [`Driver`]'s events go.
enum Out {
    /// Batches of envelopes, sent on the run's `tx` once they hold
    /// `min_batch` events.
    Batches(Vec<Envelope>),
    /// NDJSON written here.
    Stdout(StdoutNdjson),
}

impl EventSink for Out {
    fn event(&mut self, event: Event, streamer: &str, timestamp: &str, id: &str) {
        match self {
            Out::Batches(batch) => batch.event(event, streamer, timestamp, id),
            Out::Stdout(out) => out.event(event, streamer, timestamp, id),
        }
    }
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
