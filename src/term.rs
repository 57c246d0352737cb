//! The only writer of stdout, and the funnel for messages on stderr.
//!
//! stdout belongs to one thread ([`spawn_stdout`]) that receives batches of
//! events over a bounded channel. It flushes after every line on a terminal,
//! and otherwise whenever the channel is empty: full buffering under load, no
//! delay when events trickle in, so `| jq` shows events live. A broken pipe ends
//! the thread with `BrokenPipe`, which the caller treats as a quiet exit 0.
//! The one exception is a replay or demo at full speed: nobody waits for its
//! events, and its decoding thread writes them itself ([`StdoutNdjson`]).
//! Live streams printing NDJSON send the stdout thread text instead of
//! events: each stream's task writes its lines ([`NdjsonLines`]) and
//! [`spawn_ndjson_stdout`] writes them out.
#![allow(clippy::print_stderr)]

use std::io::{self, BufWriter, Write};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::JoinHandle;

use tokio::sync::mpsc;

use crate::cli::Format;
use crate::format::{Styles, write_event};
use crate::pipeline::{EventSink, Gather};
use crate::webcast::{Envelope, EnvelopeParts, Event, EventKind, Json, json_tail_stamp};

/// How many batches a batch channel holds before the producer waits. A
/// full-speed replay sends batches of 64 events of 1-2 KB each, so 16 of them
/// hold under 2 MiB: enough to keep the writer busy, and a replay's peak RSS
/// stays under 15 MB (64 took it past that once every message of a large
/// capture became an event).
pub const BATCH_CHANNEL: usize = 16;

/// Written batches waiting to go back to their producer (see
/// [`recycle_channel`]): four batches of 64 events, about 0.4 MB.
const RECYCLE_CHANNEL: usize = 4;

/// A way back for the batches the stdout thread has written, so that the
/// thread that built the events also frees them (and reuses the batch's
/// vector). glibc gives each thread its own malloc arena: a `free` from
/// another thread takes the lock of the arena the memory came from, the one
/// the producer takes at every `malloc`, and on a full-speed replay the two
/// threads spent about 5% of the CPU time waiting for each other there.
/// The producer takes batches back with [`Recycled::batch`]; when it does not
/// keep up, the stdout thread frees them itself.
/// The same holds for the text chunks of [`spawn_ndjson_stdout`]
/// (`T` = [`NdjsonChunk`]).
pub fn recycle_channel<T>() -> (SyncSender<T>, Recycled<T>) {
    let (tx, rx) = sync_channel(RECYCLE_CHANNEL);
    (tx, Recycled(Mutex::new(rx)))
}

/// The producers' end of [`recycle_channel`], shared by the tasks of every
/// stream of a process (behind an `Arc`).
pub struct Recycled<T = Vec<Envelope>>(Mutex<Receiver<T>>);

impl<T> Recycled<T> {
    /// A written batch taken back, if one is waiting (and no other task is
    /// taking one at the same moment). Never waits.
    pub fn take(&self) -> Option<T> {
        self.0.try_lock().ok().and_then(|rx| rx.try_recv().ok())
    }
}

impl Recycled<Vec<Envelope>> {
    /// A vector for the next batch: a written batch taken back, its events
    /// freed here (on the calling thread; their data buffers kept for the
    /// next events, see [`crate::webcast::Json::recycle`]), or a new one.
    /// Never waits.
    pub fn batch(&self) -> Vec<Envelope> {
        let mut batch = self.take().unwrap_or_default();
        for env in batch.drain(..) {
            env.data.recycle();
        }
        batch
    }
}

/// Why the stdout thread stopped.
#[derive(Debug)]
pub enum WriterEnd {
    /// The channel closed: every event was written.
    Drained(u64),
    /// `--limit` was reached.
    Limit(u64),
}

pub struct StdoutOptions {
    pub format: Format,
    pub styles: Styles,
    /// Flush after every line (stdout is a terminal).
    pub line_flush: bool,
    pub limit: Option<u64>,
    /// Where written batches go back to their producer (see
    /// [`recycle_channel`]); `None` frees them here.
    pub recycle: Option<SyncSender<Vec<Envelope>>>,
}

/// The buffered stdout of the stdout thread.
type Out = BufWriter<io::StdoutLock<'static>>;

/// Run `body` on the stdout thread with stdout locked and buffered (64 KiB);
/// what is still buffered when it returns is flushed.
#[expect(clippy::disallowed_methods, reason = "stdout's owner")]
fn stdout_thread<R: Send + 'static>(
    body: impl FnOnce(&mut Out) -> io::Result<R> + Send + 'static,
) -> JoinHandle<io::Result<R>> {
    std::thread::Builder::new()
        .name("stdout".into())
        .spawn(move || {
            let mut out = BufWriter::with_capacity(64 * 1024, io::stdout().lock());
            let result = body(&mut out)?;
            out.flush()?;
            Ok(result)
        })
        .expect("spawning the stdout thread")
}

/// Start the stdout thread. It ends when the senders are dropped (after
/// writing everything), at the limit, or on a write error.
pub fn spawn_stdout(
    mut rx: mpsc::Receiver<Vec<Envelope>>,
    opts: StdoutOptions,
) -> JoinHandle<io::Result<WriterEnd>> {
    stdout_thread(move |out| {
        let mut written = 0u64;
        let mut counted = 0u64;
        while let Some(batch) = rx.blocking_recv() {
            for env in &batch {
                write_event(out, env, opts.format, &opts.styles)?;
                written += 1;
                if opts.line_flush {
                    out.flush()?;
                }
                counted += u64::from(counts_toward_limit(env.kind));
                if opts.limit.is_some_and(|l| counted >= l) {
                    return Ok(WriterEnd::Limit(written));
                }
            }
            if let Some(back) = &opts.recycle {
                // Full (or gone): this thread frees the batch after all.
                let _ = back.try_send(batch);
            }
            if rx.is_empty() {
                out.flush()?;
            }
        }
        Ok(WriterEnd::Drained(written))
    })
}

/// How [`StdoutNdjson`] and [`spawn_ndjson_stdout`] write: the stdout options
/// that apply to NDJSON.
#[derive(Debug, Clone, Copy)]
pub struct DirectOptions {
    /// Flush after every line (stdout is a terminal).
    pub line_flush: bool,
    /// `--limit`: events past this many (of the kinds that count, see
    /// [`counts_toward_limit`]) are not written.
    pub limit: Option<u64>,
}

/// Bytes of NDJSON gathered before they are written to stdout.
const DIRECT_BUFFER: usize = 64 * 1024;

/// Events held before they are written to stdout: their data buffers go back
/// to the thread's spares ([`Json::recycle`]) after each write, and it keeps
/// [`crate::webcast::event::SPARE_BUFFERS`] (64), of which a frame's events
/// take a few more while these wait.
const DIRECT_EVENTS: usize = 48;

/// NDJSON written to stdout by the thread that stamps the events, with no
/// stdout thread and no [`Envelope`]s. Each line is three pieces: the
/// envelope's head and tail, written into one text buffer, and the event's
/// data, written nowhere else: it stays in its own buffer, and one vectored
/// write (`writev`) hands the pieces of up to [`DIRECT_EVENTS`] lines or
/// [`DIRECT_BUFFER`] bytes to stdout at once (copying each event's data into
/// one buffer first copied all of the output once more). Written when full, on
/// [`StdoutNdjson::flush`] and at the end. Used by a replay or demo at full
/// speed, where handing batches to the stdout thread cost more than writing
/// them (thread wake-ups, and frees on another thread). The output is what
/// [`spawn_stdout`] writes for [`Format::Ndjson`], byte for byte; on a
/// terminal each line is flushed as it is written.
///
/// Write errors are kept, not returned from [`EventSink::event`]: after one,
/// or once the limit is reached, events are dropped, and the caller asks
/// [`StdoutNdjson::done`] after each step.
pub struct StdoutNdjson {
    out: io::StdoutLock<'static>,
    /// The held lines' heads and tails (each tail with its newline).
    text: String,
    /// What repeats in them.
    repeats: Repeats,
    /// Each held line: where its head ends in `text` (its tail runs to the
    /// next line's head, the last one's to the end), and its data.
    held: Vec<(usize, Json)>,
    /// The held lines' length in bytes.
    bytes: usize,
    opts: DirectOptions,
    counted: u64,
    error: Option<io::Error>,
}

impl StdoutNdjson {
    /// Lock stdout for this thread.
    #[expect(clippy::disallowed_methods, reason = "stdout's owner")]
    pub fn new(opts: DirectOptions) -> StdoutNdjson {
        StdoutNdjson {
            out: io::stdout().lock(),
            text: String::with_capacity(DIRECT_EVENTS * 256),
            repeats: Repeats::default(),
            held: Vec::with_capacity(DIRECT_EVENTS),
            bytes: 0,
            opts,
            counted: 0,
            error: None,
        }
    }

    /// `Ok(true)` once the limit is reached (nothing more will be written),
    /// the first write error if one happened.
    pub fn done(&mut self) -> io::Result<bool> {
        match self.error.take() {
            Some(e) => Err(e),
            None => Ok(self.limit_reached()),
        }
    }

    fn limit_reached(&self) -> bool {
        self.opts.limit.is_some_and(|l| self.counted >= l)
    }

    /// Write out what is held and flush stdout.
    pub fn flush(&mut self) -> io::Result<()> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        self.write_out();
        match self.error.take() {
            Some(e) => Err(e),
            None => self.out.flush(),
        }
    }

    /// Write the held lines to stdout, keeping the first error, and give
    /// their data buffers back.
    fn write_out(&mut self) {
        if !self.held.is_empty() && self.error.is_none() {
            let mut pieces = Vec::with_capacity(self.held.len() * 2 + 1);
            let mut from = 0;
            for (head, data) in &self.held {
                // One piece of `text` holds a line's tail and the next
                // line's head.
                pieces.push(io::IoSlice::new(&self.text.as_bytes()[from..*head]));
                pieces.push(io::IoSlice::new(data.get().as_bytes()));
                from = *head;
            }
            pieces.push(io::IoSlice::new(&self.text.as_bytes()[from..]));
            if let Err(e) = write_all_vectored(&mut self.out, &mut pieces) {
                self.error = Some(e);
            }
        }
        Json::recycle_all(self.held.drain(..).map(|(_, data)| data));
        self.text.clear();
        self.bytes = 0;
    }
}

/// The envelope text that repeats from one NDJSON line to the next: the
/// head of each kind of event of one streamer (`{"type":…,"streamer":…,
/// "data":`), and the start of the tail for one timestamp (`,"timestamp":…,
/// "id":`), which the events of one frame share. Written from these, a line
/// takes three copies instead of eight writes (about 1% of a replay's
/// instructions).
#[derive(Default)]
struct Repeats {
    /// The streamer of `heads`.
    streamer: String,
    /// At most [`REPEATED_HEADS`].
    heads: Vec<(EventKind, String)>,
    /// The timestamp of `stamp`.
    timestamp: String,
    stamp: String,
}

/// How many kinds' heads [`Repeats`] keeps (more are forgotten, all at once).
const REPEATED_HEADS: usize = 32;

impl Repeats {
    /// Append the line of `parts` (without its data) to `text`: its head,
    /// then its tail and a newline. Returns where the head ends. The text is
    /// what [`EnvelopeParts::json_head`] and [`EnvelopeParts::json_tail`]
    /// write.
    fn write_line(&mut self, parts: &EnvelopeParts<'_>, text: &mut String) -> usize {
        self.write_head(parts, text);
        let head_end = text.len();
        self.write_tail(parts, text);
        head_end
    }

    /// Append the head of `parts`' line to `text`: `{"type":…,"data":`.
    // Inlined into both writers: a call each cost 0.1% of a replay.
    #[inline(always)]
    fn write_head(&mut self, parts: &EnvelopeParts<'_>, text: &mut String) {
        if !same_text(&self.streamer, parts.streamer) {
            self.streamer.clear();
            self.streamer.push_str(parts.streamer);
            self.heads.clear();
        }
        match self.heads.iter().find(|(k, _)| *k == parts.kind) {
            Some((_, head)) => text.push_str(head),
            None => {
                if self.heads.len() >= REPEATED_HEADS {
                    self.heads.clear();
                }
                let mut head = String::new();
                parts.json_head(&mut head);
                text.push_str(&head);
                self.heads.push((parts.kind, head));
            }
        }
    }

    /// Append the tail of `parts`' line to `text`, with its newline:
    /// `,"timestamp":…}`.
    // Inlined into both writers: a call each cost 0.1% of a replay.
    #[inline(always)]
    fn write_tail(&mut self, parts: &EnvelopeParts<'_>, text: &mut String) {
        if !same_text(&self.timestamp, parts.timestamp) || self.stamp.is_empty() {
            self.timestamp.clear();
            self.timestamp.push_str(parts.timestamp);
            self.stamp.clear();
            json_tail_stamp(parts.timestamp, &mut self.stamp);
        }
        text.push_str(&self.stamp);
        parts.json_tail_rest(text);
        text.push('\n');
    }
}

/// Whether `a` and `b` are the same text, compared with loads of a
/// constant size where they are at most 24 bytes long (a timestamp, a
/// streamer's name): every line compares both, and `==` took a `memcmp`
/// call each time.
#[inline(always)]
fn same_text(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    // Two loads that overlap when the length is not twice theirs.
    fn ends<const N: usize>(a: &[u8], b: &[u8]) -> bool {
        a.first_chunk::<N>() == b.first_chunk::<N>() && a.last_chunk::<N>() == b.last_chunk::<N>()
    }
    match a.len() {
        0 => true,
        1..4 => a.iter().zip(b).all(|(x, y)| x == y),
        4..8 => ends::<4>(a, b),
        8..16 => ends::<8>(a, b),
        16..=24 => ends::<16>(a, b),
        _ => a == b,
    }
}

/// Write all of `pieces` (what the unstable `Write::write_all_vectored`
/// does): a short write goes on where it stopped.
fn write_all_vectored(out: &mut impl Write, mut pieces: &mut [io::IoSlice<'_>]) -> io::Result<()> {
    io::IoSlice::advance_slices(&mut pieces, 0);
    while !pieces.is_empty() {
        match out.write_vectored(pieces) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => io::IoSlice::advance_slices(&mut pieces, n),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

impl EventSink for StdoutNdjson {
    fn event(&mut self, event: Event, streamer: &str, timestamp: &str, id: &str) {
        if self.error.is_some() || self.limit_reached() {
            return;
        }
        let parts = event.parts(streamer, timestamp, id);
        let start = self.text.len();
        let head = self.repeats.write_line(&parts, &mut self.text);
        self.bytes += self.text.len() - start + event.data.get().len();
        self.held.push((head, event.data));
        self.counted += u64::from(counts_toward_limit(event.kind));
        if self.opts.line_flush {
            if let Err(e) = self.flush() {
                self.error = Some(e);
            }
        } else if self.bytes >= DIRECT_BUFFER || self.held.len() >= DIRECT_EVENTS {
            self.write_out();
        }
    }
}

/// Whole NDJSON lines of one live stream, written by its task
/// ([`NdjsonLines`]) for the stdout thread ([`spawn_ndjson_stdout`]): the
/// bytes [`spawn_stdout`] writes for the same events as [`Envelope`]s in
/// [`Format::Ndjson`].
#[derive(Default)]
pub struct NdjsonChunk {
    /// The lines, each with its newline.
    text: String,
    /// Where each line that counts toward `--limit` (see
    /// [`counts_toward_limit`]) ends in `text`, past its newline.
    counted: Vec<usize>,
    /// How many lines `text` holds.
    lines: usize,
}

impl NdjsonChunk {
    /// Empty, its buffers kept.
    fn clear(&mut self) {
        self.text.clear();
        self.counted.clear();
        self.lines = 0;
    }
}

/// A live stream's events written as NDJSON lines where they are stamped
/// (the stream's task), gathered into [`NdjsonChunk`]s for
/// [`spawn_ndjson_stdout`]: no [`Envelope`] and no owned timestamp, id or
/// streamer per event, and each event's data buffer goes back to this
/// thread's spares at once ([`Json::recycle`]). The lines are written with
/// the [`Repeats`] of the replay's [`StdoutNdjson`], byte for byte what
/// [`spawn_stdout`] writes. A new chunk's buffers are, when one is waiting,
/// those of a chunk the stdout thread has written (see
/// [`recycle_channel`]); between chunks the gatherer holds no buffer.
pub struct NdjsonLines {
    chunk: NdjsonChunk,
    repeats: Repeats,
    recycled: Option<std::sync::Arc<Recycled<NdjsonChunk>>>,
}

impl NdjsonLines {
    /// Lines gathered in chunks taken back from `recycled` when there is one.
    pub fn new(recycled: Option<std::sync::Arc<Recycled<NdjsonChunk>>>) -> NdjsonLines {
        NdjsonLines {
            chunk: NdjsonChunk::default(),
            repeats: Repeats::default(),
            recycled,
        }
    }
}

impl EventSink for NdjsonLines {
    fn event(&mut self, event: Event, streamer: &str, timestamp: &str, id: &str) {
        if self.chunk.text.capacity() == 0
            && let Some(back) = self.recycled.as_ref().and_then(|r| r.take())
        {
            self.chunk = back;
        }
        let parts = event.parts(streamer, timestamp, id);
        let chunk = &mut self.chunk;
        self.repeats.write_head(&parts, &mut chunk.text);
        chunk.text.push_str(parts.data);
        self.repeats.write_tail(&parts, &mut chunk.text);
        chunk.lines += 1;
        if counts_toward_limit(event.kind) {
            chunk.counted.push(chunk.text.len());
        }
        event.data.recycle();
    }
}

impl Gather for NdjsonLines {
    type Batch = NdjsonChunk;

    fn len(&self) -> usize {
        self.chunk.lines
    }

    fn take(&mut self) -> Option<NdjsonChunk> {
        (self.chunk.lines > 0).then(|| std::mem::take(&mut self.chunk))
    }

    fn append(&mut self, batch: NdjsonChunk) {
        let chunk = &mut self.chunk;
        let offset = chunk.text.len();
        chunk.text.push_str(&batch.text);
        chunk
            .counted
            .extend(batch.counted.iter().map(|end| end + offset));
        chunk.lines += batch.lines;
    }
}

/// Start the stdout thread for the [`NdjsonChunk`]s of live streams (see
/// [`NdjsonLines`]): each chunk is written whole, so the streams' lines
/// interleave by chunk and each stream's stay in order. It flushes like
/// [`spawn_stdout`] (after each chunk on a terminal, else whenever the
/// channel is empty), stops after the line that reaches `opts.limit`, and
/// gives written chunks back on `recycle`. It ends when the senders are
/// dropped (after writing everything), at the limit, or on a write error.
pub fn spawn_ndjson_stdout(
    mut rx: mpsc::Receiver<NdjsonChunk>,
    opts: DirectOptions,
    recycle: Option<SyncSender<NdjsonChunk>>,
) -> JoinHandle<io::Result<WriterEnd>> {
    stdout_thread(move |out| {
        let mut written = 0u64;
        let mut counted = 0u64;
        while let Some(mut chunk) = rx.blocking_recv() {
            if let Some(limit) = opts.limit {
                // At least 1: the limit is never reached before this chunk.
                let left = usize::try_from(limit - counted).unwrap_or(usize::MAX);
                if let Some(&end) = chunk.counted.get(left - 1) {
                    let text = &chunk.text.as_bytes()[..end];
                    out.write_all(text)?;
                    written += text.iter().filter(|&&b| b == b'\n').count() as u64;
                    return Ok(WriterEnd::Limit(written));
                }
                counted += chunk.counted.len() as u64;
            }
            out.write_all(chunk.text.as_bytes())?;
            written += chunk.lines as u64;
            if opts.line_flush || rx.is_empty() {
                out.flush()?;
            }
            if let Some(back) = &recycle {
                chunk.clear();
                // Full (or gone): this thread frees the chunk after all.
                let _ = back.try_send(chunk);
            }
        }
        Ok(WriterEnd::Drained(written))
    })
}

/// Whether an event counts toward `--limit`: every kind but `error`, so that
/// a stream failing to connect (a retry notice, then a give-up) is not a run
/// that reached its limit and exits 0.
pub fn counts_toward_limit(kind: EventKind) -> bool {
    kind != EventKind::Error
}

/// Write a short text to stdout at once and flush (ids, tables, JSON).
pub fn print_stdout(text: &str) -> io::Result<()> {
    write_stdout(text.as_bytes())
}

/// Write bytes to stdout at once and flush (completions, the man page).
#[expect(clippy::disallowed_methods, reason = "stdout's owner")]
pub fn write_stdout(bytes: &[u8]) -> io::Result<()> {
    crate::progress::suspend(|| {
        let mut out = io::stdout().lock();
        out.write_all(bytes)?;
        out.flush()
    })
}

/// Whether stdout is a terminal.
#[expect(clippy::disallowed_methods, reason = "stdout's owner")]
pub fn stdout_is_terminal() -> bool {
    io::IsTerminal::is_terminal(&io::stdout())
}

/// Start a stdout thread for text blocks (`forward --dry-run`): same flush
/// policy as [`spawn_stdout`]. Ends when the senders are dropped.
pub fn spawn_text_stdout(
    mut rx: mpsc::Receiver<String>,
    line_flush: bool,
) -> JoinHandle<io::Result<()>> {
    stdout_thread(move |out| {
        while let Some(text) = rx.blocking_recv() {
            out.write_all(text.as_bytes())?;
            if line_flush || rx.is_empty() {
                out.flush()?;
            }
        }
        Ok(())
    })
}

static WARNINGS: AtomicU64 = AtomicU64::new(0);

/// A non-fatal problem: one line on stderr, counted.
pub fn warn(msg: impl std::fmt::Display) {
    WARNINGS.fetch_add(1, Ordering::Relaxed);
    crate::progress::suspend(|| eprintln!("tiklive: warning: {msg}"));
}

/// A warning about the configuration (an unknown variable), before any work:
/// the same line as [`warn`], but not counted with the stream's warnings
/// (the end summary counts those as skipped frames or messages).
pub fn warn_config(msg: impl std::fmt::Display) {
    crate::progress::suspend(|| eprintln!("tiklive: warning: {msg}"));
}

/// How many warnings were printed so far.
pub fn warning_count() -> u64 {
    WARNINGS.load(Ordering::Relaxed)
}

/// A fatal error, printed once by `lib::run`.
pub fn error(msg: impl std::fmt::Display) {
    crate::progress::suspend(|| eprintln!("tiklive: error: {msg}"));
}

/// A status note on stderr (not a warning): summaries, shutdown notices.
pub fn note(msg: impl std::fmt::Display) {
    crate::progress::suspend(|| eprintln!("tiklive: {msg}"));
}

#[cfg(test)]
mod tests {
    use std::io::{self, IoSlice, Write};

    use super::{
        Envelope, EnvelopeParts, Event, EventKind, EventSink, Format, Gather, NdjsonLines,
        REPEATED_HEADS, Repeats, Styles, counts_toward_limit, same_text, write_all_vectored,
    };

    /// Every length up to past the fast paths, with a difference at each
    /// position.
    #[test]
    fn same_text_compares_every_byte() {
        for len in 0..40 {
            let a: String = (0..len)
                .map(|i| char::from(b'a' + (i % 26) as u8))
                .collect();
            assert!(same_text(&a, &a.clone()));
            assert!(!same_text(&a, &format!("{a}x")));
            for at in 0..len {
                let mut b = a.clone().into_bytes();
                b[at] = b'Z';
                let b = String::from_utf8(b).unwrap();
                assert!(!same_text(&a, &b), "{len} {at}");
            }
        }
    }

    /// Takes at most `n` bytes per call, from the first pieces.
    struct Short {
        n: usize,
        got: Vec<u8>,
        interrupted: bool,
    }

    impl Write for Short {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            let n = buf.len().min(self.n);
            self.got.extend_from_slice(&buf[..n]);
            Ok(n)
        }
        fn write_vectored(&mut self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
            if !self.interrupted {
                self.interrupted = true;
                return Err(io::ErrorKind::Interrupted.into());
            }
            let mut left = self.n;
            for b in bufs {
                let n = b.len().min(left);
                self.got.extend_from_slice(&b[..n]);
                left -= n;
            }
            Ok(self.n - left)
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    /// The lines written with [`Repeats`] are those of the envelope's own
    /// writers: for streamers that change (one with escapes, one empty),
    /// every kind (more than it keeps), timestamps that change and repeat,
    /// with and without `history`.
    #[test]
    fn repeated_text_writes_the_same_lines() {
        let mut repeats = Repeats::default();
        let (mut text, mut expected) = (String::new(), String::new());
        let mut n = 0;
        for streamer in ["alice", "al\"ice\\", "", "alice"] {
            for round in 0..3 {
                for (i, kind) in EventKind::ALL.iter().enumerate() {
                    n += 1;
                    let timestamp = format!("2026-12-01T16:{:02}:00.000Z", (n / 7) % 3);
                    let id = format!("id-{n}");
                    let parts = EnvelopeParts {
                        kind: *kind,
                        streamer,
                        data: "{}",
                        timestamp: &timestamp,
                        id: &id,
                        history: (i + round) % 5 == 0,
                    };
                    let start = text.len();
                    let head = repeats.write_line(&parts, &mut text);
                    text.insert_str(head, parts.data);
                    assert!(text[start..head].ends_with(",\"data\":"));
                    parts.json_head(&mut expected);
                    expected.push_str(parts.data);
                    parts.json_tail(&mut expected);
                    expected.push('\n');
                }
            }
        }
        assert_eq!(text, expected);
        assert!(repeats.heads.len() <= REPEATED_HEADS);
    }

    /// A live stream's lines ([`NdjsonLines`]) are what the stdout thread
    /// writes for the same events as envelopes; history taken and appended
    /// after a later event keeps its lines and where the counted ones end.
    #[test]
    fn ndjson_lines_are_the_envelopes_lines() {
        let mut lines = NdjsonLines::new(None);
        let mut expected = Vec::new();
        let event = |lines: &mut NdjsonLines, kind: EventKind, n: u32, history: bool| {
            let mut ev = Event::new(kind, &serde_json::json!({ "n": n, "text": "a\"b\n" }));
            ev.history = history;
            let timestamp = format!("2026-12-01T18:00:0{}.000Z", n / 2);
            let id = format!("id-{n}");
            let env = Envelope::new(ev.clone(), "al\"ice", timestamp.clone(), id.clone());
            lines.event(ev, "al\"ice", &timestamp, &id);
            env
        };
        let history = [
            event(&mut lines, EventKind::Chat, 1, true),
            event(&mut lines, EventKind::Error, 2, true),
        ];
        assert_eq!(lines.len(), 2);
        let taken = lines.take().unwrap();
        assert!(lines.is_empty() && lines.take().is_none());
        expected.push(event(&mut lines, EventKind::Connected, 3, false));
        lines.append(taken);
        expected.extend(history);
        for (kind, n) in [EventKind::Like, EventKind::Chat, EventKind::Error]
            .into_iter()
            .zip(4..)
        {
            expected.push(event(&mut lines, kind, n, false));
        }
        let chunk = lines.take().unwrap();
        let mut want = Vec::new();
        let mut counted = Vec::new();
        for env in &expected {
            crate::format::write_event(&mut want, env, Format::Ndjson, &Styles::new(false))
                .unwrap();
            if counts_toward_limit(env.kind) {
                counted.push(want.len());
            }
        }
        assert_eq!(chunk.text, String::from_utf8(want).unwrap());
        assert_eq!(chunk.counted, counted);
        assert_eq!(chunk.lines, expected.len());
    }

    /// Every byte of every piece, in order, whatever the writer takes per
    /// call; empty pieces are fine.
    #[test]
    fn vectored_writes_write_everything() {
        let parts: [&[u8]; 6] = [
            b"{\"type\":",
            b"",
            b"{\"a\":1}",
            b",\"id\":\"x\"}\n",
            b"",
            b"z",
        ];
        let whole = parts.concat();
        for n in 1..whole.len() + 2 {
            let mut pieces: Vec<IoSlice> = parts.iter().map(|p| IoSlice::new(p)).collect();
            let mut out = Short {
                n,
                got: Vec::new(),
                interrupted: false,
            };
            write_all_vectored(&mut out, &mut pieces).unwrap();
            assert_eq!(out.got, whole, "{n} bytes a call");
        }
        let mut zero = Short {
            n: 0,
            got: Vec::new(),
            interrupted: true,
        };
        let err = write_all_vectored(&mut zero, &mut [IoSlice::new(b"x")]).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::WriteZero);
    }
}
