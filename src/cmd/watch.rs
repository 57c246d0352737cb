//! `tiklive watch`: events of one or more streams on stdout.

use anyhow::{Context, Result, anyhow};
use tokio::sync::mpsc;

use crate::cli::{Format, WatchArgs};
use crate::config::{self, LiveConfig, Source, Terminal};
use crate::error::Code;
use crate::format::Styles;
use crate::shutdown::Shutdown;
use crate::source::{OfflineEnd, SourceRun, Start};
use crate::term::{self, BATCH_CHANNEL, StdoutOptions};

pub async fn run(args: WatchArgs, term: Terminal, shutdown: Shutdown) -> Result<Code> {
    let opts = config::resolve_filter(&args.filter)?;
    let source = config::resolve_source(&args.users, &args.source, false, "watch")?;
    let format = config::resolve_format(args.format, &term);
    let styles = Styles::new(term.color_stdout && format == Format::Pretty);
    let (tx, rx) = mpsc::channel(BATCH_CHANNEL);
    let writer = term::spawn_stdout(
        rx,
        StdoutOptions {
            format,
            styles,
            line_flush: term.stdout_tty,
            limit: args.limit,
        },
    );
    let cancel = shutdown.token.child_token();
    let live = matches!(source, Source::Live(_))
        .then(|| LiveConfig::resolve(&args.live))
        .transpose()?;
    // --limit is counted by the stdout writer (it drops what it does not print).
    let producer = crate::source::start(
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
            ..Start::default()
        },
    )?;
    let produced = producer
        .await
        .map_err(|e| anyhow!("source task failed: {e}"))?;
    let written = tokio::task::spawn_blocking(move || writer.join())
        .await
        .map_err(|e| anyhow!("stdout task failed: {e}"))?
        .map_err(|_| anyhow!("the stdout thread panicked"))?;
    written.context("cannot write to stdout")?;
    let end = produced?;
    if !term.quiet && term::warning_count() > 0 {
        term::note(format_args!(
            "{} warning(s): some frames or messages could not be decoded and were skipped",
            term::warning_count()
        ));
    }
    if shutdown.interrupted() || end == OfflineEnd::Cancelled {
        return Ok(Code::Interrupted);
    }
    Ok(Code::Ok)
}
