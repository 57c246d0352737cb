//! `tiklive watch`: events of one or more streams on stdout, or published to
//! NATS JetStream with `--sink nats://…`.

use anyhow::{Context, Result, anyhow};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::cli::{Format, WatchArgs};
use crate::config::{self, LiveConfig, Source, Speed, Terminal};
use crate::error::Code;
use crate::format::Styles;
use crate::nats::NatsConfig;
use crate::nats::publish::{Publisher, publish_all};
use crate::shutdown::Shutdown;
use crate::source::{OfflineEnd, SourceRun, Start};
use crate::term::{self, BATCH_CHANNEL, DirectOptions, StdoutOptions};
use crate::webcast::{DecoderOptions, Envelope};

/// The `--nats-*` options typed on `watch`'s command line (`matches`) only
/// shape what `--sink` publishes: without `--sink` they would be ignored, so
/// they are a usage error naming the first one. Values from the environment
/// (`NATS_CREDS`, `TIKLIVE_NATS_PREFIX`, …) are shared with other commands
/// and are not refused.
pub fn check_nats_options(matches: &clap::ArgMatches, sink: bool) -> Result<()> {
    if sink {
        return Ok(());
    }
    let typed = matches.ids().map(clap::Id::as_str).find(|id| {
        id.starts_with("nats_")
            && matches.value_source(id) == Some(clap::parser::ValueSource::CommandLine)
    });
    match typed {
        Some(id) => Err(crate::error::Failure::usage(format!(
            "--{} applies only with --sink URL (publishing to NATS); without it the events go to stdout",
            id.replace('_', "-")
        ))
        .into()),
        None => Ok(()),
    }
}

pub async fn run(args: WatchArgs, term: Terminal, shutdown: Shutdown) -> Result<Code> {
    let opts = config::resolve_filter(&args.input.filter)?;
    let source = config::resolve_input(&args.users, &args.input, false, "watch")?;
    if let Some(url) = &args.sink {
        let nats = NatsConfig::resolve(url, &args.nats)?;
        return run_sink(nats, &args, opts, source, term, shutdown).await;
    }
    let format = config::resolve_format(args.format, &term);
    if format == Format::Ndjson && writes_stdout_itself(&source) {
        return run_direct(args, opts, source, term, shutdown).await;
    }
    if format == Format::Ndjson
        && let Source::Live(users) = source
    {
        return run_live_ndjson(args, opts, users, term, shutdown).await;
    }
    let styles = Styles::new(term.color_stdout && format == Format::Pretty);
    let (tx, rx) = mpsc::channel(BATCH_CHANNEL);
    let (recycle, recycled) = term::recycle_channel();
    let writer = term::spawn_stdout(
        rx,
        StdoutOptions {
            format,
            styles,
            line_flush: term.stdout_tty,
            limit: args.limit,
            recycle: Some(recycle),
        },
    );
    let cancel = shutdown.token.child_token();
    // --limit is counted by the stdout writer (it drops what it does not print).
    let producer = spawn_source(
        source,
        &args,
        opts,
        tx,
        cancel,
        &term,
        Start {
            recycled: Some(std::sync::Arc::new(recycled)),
            ..Start::default()
        },
    )?;
    wait(producer, writer, &term, &shutdown).await
}

/// Wait for the source, then for the stdout thread to write what it sent.
async fn wait(
    producer: JoinHandle<Result<OfflineEnd>>,
    writer: std::thread::JoinHandle<std::io::Result<term::WriterEnd>>,
    term: &Terminal,
    shutdown: &Shutdown,
) -> Result<Code> {
    let produced = producer
        .await
        .map_err(|e| anyhow!("source task failed: {e}"))?;
    let written = tokio::task::spawn_blocking(move || writer.join())
        .await
        .map_err(|e| anyhow!("stdout task failed: {e}"))?
        .map_err(|_| anyhow!("the stdout thread panicked"))?;
    written.context("cannot write to stdout")?;
    let end = produced?;
    finish(term, shutdown, end)
}

/// `watch` of live streams printing NDJSON: no [`Envelope`]s. Each stream's
/// task writes its events' lines itself and sends them as text (see
/// [`term::NdjsonLines`]) to the stdout thread ([`term::spawn_ndjson_stdout`]),
/// which counts `--limit` and gives the written chunks back.
async fn run_live_ndjson(
    args: WatchArgs,
    opts: DecoderOptions,
    users: Vec<String>,
    term: Terminal,
    shutdown: Shutdown,
) -> Result<Code> {
    let live = LiveConfig::resolve(&args.input.live)?;
    let (tx, rx) = mpsc::channel(BATCH_CHANNEL);
    let (recycle, recycled) = term::recycle_channel();
    let writer = term::spawn_ndjson_stdout(
        rx,
        DirectOptions {
            line_flush: term.stdout_tty,
            limit: args.limit,
        },
        Some(recycle),
    );
    let producer = crate::source::start_live_ndjson(
        users,
        SourceRun {
            opts,
            tx,
            cancel: shutdown.token.child_token(),
            record: args.record.clone(),
        },
        Start {
            live: Some(live),
            progress: term.progress(),
            quiet: term.quiet,
            ..Start::default()
        },
        std::sync::Arc::new(recycled),
    )?;
    wait(producer, writer, &term, &shutdown).await
}

/// Whether the source writes its NDJSON to stdout itself (see
/// [`crate::term::StdoutNdjson`]): a replay or the demo at full speed, on
/// any number of decoding threads (the thread that stamps the events in
/// order writes them). Handing them to a stdout thread cost more CPU than
/// writing them where they are stamped: 3–5% of a replay's CPU time, with
/// one decoding thread or two, and no wall time gained.
fn writes_stdout_itself(source: &Source) -> bool {
    matches!(
        source,
        Source::Replay(_, Speed::Max, _) | Source::Demo(Speed::Max, _)
    )
}

/// `watch` of a source that writes its NDJSON itself (see
/// [`writes_stdout_itself`]): no stdout thread.
async fn run_direct(
    args: WatchArgs,
    opts: DecoderOptions,
    source: Source,
    term: Terminal,
    shutdown: Shutdown,
) -> Result<Code> {
    // The source sends nothing on it: it only has to exist.
    let (tx, _rx) = mpsc::channel(1);
    let producer = spawn_source(
        source,
        &args,
        opts,
        tx,
        shutdown.token.child_token(),
        &term,
        Start {
            stdout: Some(DirectOptions {
                line_flush: term.stdout_tty,
                limit: args.limit,
            }),
            ..Start::default()
        },
    )?;
    let end = producer
        .await
        .map_err(|e| anyhow!("source task failed: {e}"))??;
    finish(&term, &shutdown, end)
}

/// Start the source (live, replay or demo); its batches go to `tx`. `tail`
/// gives the `limit` that stops it after that many of the wanted events
/// (stdout counts on its own) and the way `recycled` batches come back.
fn spawn_source(
    source: Source,
    args: &WatchArgs,
    opts: DecoderOptions,
    tx: mpsc::Sender<Vec<Envelope>>,
    cancel: CancellationToken,
    term: &Terminal,
    tail: Start,
) -> Result<JoinHandle<Result<OfflineEnd>>> {
    let live = matches!(source, Source::Live(_))
        .then(|| LiveConfig::resolve(&args.input.live))
        .transpose()?;
    crate::source::start(
        source,
        SourceRun {
            opts,
            tx,
            cancel,
            record: args.record.clone(),
        },
        Start {
            live,
            progress: term.progress(),
            quiet: term.quiet,
            counted: opts.wanted,
            ..tail
        },
    )
}

/// `--sink nats://…`: publish every event to JetStream, each ack awaited.
async fn run_sink(
    nats: NatsConfig,
    args: &WatchArgs,
    opts: DecoderOptions,
    source: Source,
    term: Terminal,
    shutdown: Shutdown,
) -> Result<Code> {
    let Some((_client, js)) =
        crate::nats::open_events(&nats, "tiklive watch", &shutdown.token, term.quiet).await?
    else {
        return Ok(Code::Interrupted);
    };
    let (tx, rx) = mpsc::channel(BATCH_CHANNEL);
    let cancel = shutdown.token.child_token();
    let producer = spawn_source(
        source,
        args,
        opts,
        tx,
        cancel,
        &term,
        Start {
            limit: args.limit,
            ..Start::default()
        },
    )?;
    let publisher = Publisher::new(
        js,
        nats.ns.clone(),
        nats.target.display(),
        nats.window,
        term.quiet,
    );
    shutdown.handle_force();
    let published = publish_all(publisher, rx, &shutdown.token, &shutdown.force).await;
    let stats = published.stats;
    let end = producer
        .await
        .map_err(|e| anyhow!("source task failed: {e}"))??;
    if !term.quiet {
        term::note(format_args!(
            "published {} event(s) to stream {} ({} already there)",
            stats.stored, nats.stream.name, stats.duplicates
        ));
    }
    if published.unconfirmed > 0 {
        term::note(format_args!(
            "stopped before NATS confirmed {} event(s); they may or may not be in stream {}",
            published.unconfirmed, nats.stream.name
        ));
        return Ok(Code::Interrupted);
    }
    finish(&term, &shutdown, end)
}

fn finish(term: &Terminal, shutdown: &Shutdown, end: OfflineEnd) -> Result<Code> {
    if !term.quiet && term::warning_count() > 0 {
        term::note(format_args!(
            "{} warning(s): some lines, frames or messages could not be read and were skipped",
            term::warning_count()
        ));
    }
    if shutdown.interrupted() || end == OfflineEnd::Cancelled {
        return Ok(Code::Interrupted);
    }
    Ok(Code::Ok)
}
