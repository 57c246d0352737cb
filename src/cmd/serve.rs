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
use crate::source::{OfflineEnd, SourceRun, Start};
use crate::store::Store;
use crate::term::{self, BATCH_CHANNEL};
use crate::webcast::EventKind;
use crate::webhook::signature::SigningKey;
use crate::webhook::{EngineConfig, http_client};

/// The timeout of one delivery request.
const REQUEST_TIMEOUT: Duration = crate::cmd::forward::REQUEST_TIMEOUT;
/// `--from`: how long one request to NATS may take.
const NATS_TIMEOUT: Duration = Duration::from_secs(3);
/// How long the source gets to hand over its last events at shutdown.
const SOURCE_GRACE: Duration = Duration::from_secs(5);

pub async fn run(args: ServeArgs, term: Terminal, shutdown: Shutdown) -> Result<Code> {
    if args.from.is_some() {
        return from_nats(args, term, shutdown).await;
    }
    let cfg = config::resolve_serve(&args)?;
    let filter = config::resolve_filter(&args.input.filter)?;
    let source = config::resolve_input(&args.users, &args.input, false, "serve")?;
    let live = match &source {
        Source::Live(_) => Some(LiveConfig::resolve(&args.input.live)?),
        _ => None,
    };
    let fallback_secret = config::webhook_secret()
        .map(|s| SigningKey::from_secret(s.expose()))
        .transpose()?;
    let store = Store::open(&config::resolve_db(&args.store)?)?;
    let listener = bind(cfg.listen).await?;
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
    let filter_wanted = filter.wanted;
    let args_limit = args.limit;
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
    // One sign budget, shared with /api/status.
    let gate = live.as_ref().map(crate::live::local_budget);
    if let Some(g) = &gate {
        running.state.status.set_sign_gate(g.clone());
    }
    let producer = crate::source::start(
        source,
        run,
        Start {
            live,
            gate,
            progress: term.progress(),
            quiet: term.quiet,
            limit: args_limit,
            counted: filter_wanted,
            ..Start::default()
        },
    )?;
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

/// Listen on `addr`; a taken or forbidden address is a runtime error that
/// says what to do.
async fn bind(addr: std::net::SocketAddr) -> Result<TcpListener> {
    TcpListener::bind(addr).await.map_err(|e| {
        Failure::new(
            Code::Runtime,
            format!("cannot listen on {addr}: {e}; pick another address with --listen"),
        )
        .into()
    })
}

/// `--from nats://…`: serve the events API from the JetStream stream (see
/// [`crate::serve::from_stream`]) until Ctrl-C or SIGTERM (exit 130).
async fn from_nats(args: ServeArgs, term: Terminal, shutdown: Shutdown) -> Result<Code> {
    let cfg = config::resolve_serve(&args)?;
    let url = args.from.clone().unwrap_or_default();
    let nats = crate::nats::NatsTarget::resolve(&url, &args.nats_auth)?;
    let ns = crate::nats::namespace::Namespace::new(&args.nats_prefix.nats_prefix)?;
    let stream = ns.stream(args.nats_stream.as_deref())?;
    let wanted = if args.input.filter.types.is_empty() {
        None
    } else {
        Some(config::resolve_filter(&args.input.filter)?.wanted)
    };
    let listener = bind(cfg.listen).await?;
    let local = listener.local_addr()?;
    // Connects in the background: requests get 503s until the engine answers.
    let client = nats.connect("tiklive serve").await?;
    let js = async_nats::jetstream::ContextBuilder::new()
        .timeout(NATS_TIMEOUT)
        .build(client.clone());
    let engine = nats.display();
    let app = serve::from_stream::StreamApp(std::sync::Arc::new(serve::from_stream::Shared {
        reader: crate::nats::read::Reader::new(js, ns, &stream, &engine, NATS_TIMEOUT),
        client,
        engine: engine.clone(),
        wanted,
        api_key: cfg.api_key.as_ref().map(serve::ApiKey::new),
        shutdown: shutdown.token.child_token(),
        request_timeout: serve::REQUEST_TIMEOUT,
    }));
    // Always printed: tests and scripts read the port from it (--listen :0).
    term::note(format_args!("listening on {}", serve::base_url(local)));
    if !term.quiet {
        term::note(format_args!(
            "serving stream {stream} at {engine} (cursor: the stream sequence)"
        ));
    }
    // Said once, without holding up the server: a stream that cannot be
    // read now means 503s until it can.
    let probe = app.clone();
    tokio::spawn(async move {
        match probe.0.reader.info().await {
            Err(e) if e.wrong_stream => term::warn(format_args!(
                "{e}; every request gets 503 engine_unavailable until this is fixed"
            )),
            Err(e) => term::warn(format_args!(
                "{e}; until it answers, requests get 503 engine_unavailable"
            )),
            Ok(_) => {}
        }
    });
    let stop = app.0.shutdown.clone();
    serve::serve(listener, serve::from_stream::router(app), stop).await;
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
