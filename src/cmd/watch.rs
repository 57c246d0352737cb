//! `tiklive watch`: events of one or more streams on stdout.

use anyhow::{Context, Result, anyhow};
use tokio::sync::mpsc;

use crate::cli::{Format, WatchArgs};
use crate::config::{self, LiveConfig, Source, Terminal};
use crate::error::Code;
use crate::format::Styles;
use crate::shutdown::Shutdown;
use crate::source::{OfflineEnd, SourceRun, spawn_offline};
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
    let producer = match source {
        Source::Live(users) => crate::live::spawn_live(
            users,
            LiveConfig::resolve(&args.live)?,
            SourceRun {
                opts,
                tx,
                cancel,
                record: args.record.clone(),
            },
            None,
            term.progress(),
            term.quiet,
        ),
        Source::Stdin => unreachable!("watch does not read stdin"),
        offline => spawn_offline(
            offline,
            SourceRun {
                opts,
                tx,
                cancel,
                record: args.record.clone(),
            },
        ),
    };
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
