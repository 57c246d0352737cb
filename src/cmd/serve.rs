//! `tiklive serve`: watch a source (live USERs, `--demo` or `--replay`),
//! keep its events in the store, forward them to the registered webhooks,
//! and serve the REST API until Ctrl-C or SIGTERM.
//!
//! The server keeps running when the source ends (a demo played out, the
//! stream ended, the user was offline): the stored events stay available, and
//! `/api/status` says what happened.
//!
//! Shutdown (the first Ctrl-C or SIGTERM): stop accepting connections, let
//! in-flight requests finish (SSE tails end), stop the source and store what
//! it still hands over, stop the delivery workers (undelivered events stay in
//! the outbox and go first on the next start), commit, exit 130. A second
//! signal exits 130 at once.

use std::time::Duration;

use anyhow::{Result, anyhow};
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::cli::ServeArgs;
use crate::config::{self, LiveConfig, Source, Terminal};
use crate::error::{Code, Failure, message_of};
use crate::serve::{self, Options};
use crate::shutdown::Shutdown;
use crate::source::{OfflineEnd, SourceRun, spawn_offline};
use crate::store::Store;
use crate::term::{self, BATCH_CHANNEL};
use crate::webcast::EventKind;
use crate::webhook::signature::SigningKey;
use crate::webhook::{EngineConfig, http_client};

/// The timeout of one delivery request.
const REQUEST_TIMEOUT: Duration = crate::cmd::forward::REQUEST_TIMEOUT;
/// How long the source gets to hand over its last events at shutdown.
const SOURCE_GRACE: Duration = Duration::from_secs(5);

pub async fn run(args: ServeArgs, term: Terminal, shutdown: Shutdown) -> Result<Code> {
    let cfg = config::resolve_serve(&args)?;
    let filter = config::resolve_filter(&args.filter)?;
    let source = config::resolve_source(&args.users, &args.source, false, "serve")?;
    let live = match &source {
        Source::Live(_) => Some(LiveConfig::resolve(&args.live)?),
        _ => None,
    };
    let fallback_secret = config::webhook_secret()
        .map(|s| SigningKey::from_secret(s.expose()))
        .transpose()?;
    let store = Store::open(&config::resolve_db(&args.store)?)?;
    let listener = TcpListener::bind(cfg.listen).await.map_err(|e| {
        Failure::new(
            Code::Runtime,
            format!(
                "cannot listen on {}: {e}; pick another address with --listen",
                cfg.listen
            ),
        )
    })?;
    let local = listener.local_addr()?;

    let (label, streamers) = match &source {
        Source::Live(users) => ("live", users.clone()),
        Source::Demo(..) => ("demo", Vec::new()),
        _ => ("replay", Vec::new()),
    };
    let mut opts = Options::new(label);
    opts.api_key = cfg.api_key.clone();
    opts.overlay_generation = cfg.overlay_generation;
    opts.buffer = cfg.buffer;
    opts.wanted = filter.wanted;
    opts.fallback_secret = fallback_secret;
    opts.streamers = streamers;

    // `stop` ends the server and the source: a signal, or a broken store.
    let stop = shutdown.token.child_token();
    let engine_cancel = CancellationToken::new();
    let running = serve::start(
        store.clone(),
        EngineConfig::new(http_client(REQUEST_TIMEOUT)?),
        opts,
        stop.clone(),
        engine_cancel.clone(),
    )
    .await?;
    let pending = store.pending_count(running.engine.webhook_ids()).await?;
    if pending > 0 && !term.quiet {
        term::note(format_args!(
            "resuming {pending} pending deliveries from an earlier run"
        ));
    }
    // Always printed: tests and scripts read the port from it (--listen :0).
    term::note(format_args!("listening on {}", serve::base_url(local)));
    if !term.quiet {
        for line in serve::overlay::urls(
            &serve::base_url(local),
            running.state.overlay_token.as_ref(),
        ) {
            term::note(line);
        }
    }

    // The source also produces the control events the status is derived
    // from; the ingest drops those --type does not want.
    let mut source_opts = filter;
    for kind in [
        EventKind::Connected,
        EventKind::Disconnected,
        EventKind::Error,
        EventKind::StreamEnd,
    ] {
        source_opts.wanted.insert(kind);
    }
    let (tx, rx) = mpsc::channel(BATCH_CHANNEL);
    let source_cancel = stop.child_token();
    let run = SourceRun {
        opts: source_opts,
        tx,
        cancel: source_cancel.clone(),
        record: None,
    };
    let producer = match source {
        Source::Live(users) => {
            let live = live.expect("resolved above for a live source");
            // One budget, shared with /api/status.
            let gate = crate::live::local_budget(&live);
            running.state.status.set_sign_gate(gate.clone());
            crate::live::spawn_live(users, live, run, Some(gate), term.progress(), term.quiet)
        }
        Source::Stdin => unreachable!("serve does not read stdin"),
        offline => spawn_offline(offline, run),
    };
    let watcher = tokio::spawn(report_source_end(producer, term.quiet, stop.clone()));
    let ingest_stop = stop.clone();
    let ingest = tokio::spawn(async move {
        let result = running.ingest.run(rx).await;
        if result.is_err() {
            ingest_stop.cancel();
        }
        result
    });

    serve::serve(listener, serve::router(running.state.clone()), stop.clone()).await;

    // Stopped: the source, then what it still hands over, then deliveries.
    source_cancel.cancel();
    let ingested = match tokio::time::timeout(SOURCE_GRACE, ingest).await {
        Ok(joined) => joined.map_err(|e| anyhow!("the ingest task failed: {e}"))?,
        Err(_) => {
            term::warn("the source did not stop in time; its last events were not stored");
            Ok(())
        }
    };
    let _ = watcher.await;
    running.engine.cancel();
    running.engine.wait().await?;
    let _ = running.refresher.await;
    store.flush().await?;
    ingested.map_err(|e| {
        Failure::new(
            Code::Runtime,
            format!("{}; the server stopped", message_of(&e)),
        )
    })?;
    if !term.quiet {
        let status = running.state.status.snapshot();
        let left = store
            .pending_count(running.engine.webhook_ids())
            .await
            .unwrap_or(0);
        term::note(format_args!(
            "serve: {} events stored this run, {} in the buffer, {} deliveries left in the outbox",
            status.events.total, status.buffer.size, left
        ));
    }
    if shutdown.interrupted() {
        return Ok(Code::Interrupted);
    }
    Ok(Code::Ok)
}

/// Say how the source ended; the server keeps serving what it stored.
async fn report_source_end(
    producer: tokio::task::JoinHandle<Result<OfflineEnd>>,
    quiet: bool,
    stop: CancellationToken,
) {
    let result = match producer.await {
        Ok(r) => r,
        Err(e) => Err(anyhow!("the source task failed: {e}")),
    };
    if stop.is_cancelled() {
        return;
    }
    match result {
        Ok(_) if quiet => {}
        Ok(_) => term::note("the source ended; still serving the stored events (Ctrl-C to stop)"),
        Err(e) => term::warn(format_args!(
            "{}; still serving the stored events (Ctrl-C to stop)",
            message_of(&e)
        )),
    }
}
