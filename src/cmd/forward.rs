//! `tiklive forward`: post events to webhooks, signed; a source's events,
//! then exit, or (`--from`) a NATS stream's until Ctrl-C or `--limit`.
//!
//! Sources: `--replay FILE`, `--demo`, `-` (event NDJSON on stdin) or a live
//! USER. Targets: `--to URL…`, else `WEBHOOK_URL`, else the
//! registered webhooks. Events go into the store's outbox and the delivery
//! engine drains it; once the input ends, forward waits up to
//! `--drain-timeout` for the deliveries, prints a summary and exits 0 only if
//! everything was delivered.
//!
//! Two runs on the same store and webhook do not both deliver: each webhook's
//! worker holds the store's lane lock for it (`store::lane_lock`), and a second
//! run waits (with a warning) until the first one ends.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use async_nats::jetstream::consumer::DeliverPolicy;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::cli::{Deliver, ForwardArgs};
use crate::clock::unix_now;
use crate::config::{self, ForwardTargets, Source, Terminal};
use crate::error::{Code, Failure};
use crate::progress::Spinner;
use crate::shutdown::Shutdown;
use crate::source::{OfflineEnd, SourceRun, Start};
use crate::store::Store;
use crate::term::{self, BATCH_CHANNEL};
use crate::webcast::Envelope;
use crate::webhook::signature::{SigningKey, message_id};
use crate::webhook::{
    Counters, Engine, EngineConfig, OutgoingEvent, Target, build_request, http_client,
    human_duration, registered_target, render_redacted,
};

/// The timeout of one delivery request (connect + send + response).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

pub async fn run(args: ForwardArgs, term: Terminal, shutdown: Shutdown) -> Result<Code> {
    if args.from.is_some() {
        return from_nats(args, term, shutdown).await;
    }
    if args.deliver.is_some() {
        bail!(Failure::usage("--deliver applies only with --from"));
    }
    let opts = config::resolve_filter(&args.input.filter)?;
    let source = config::resolve_input(&args.users, &args.input, true, "forward")?;
    let drain = config::duration_flag("--drain-timeout", &args.drain_timeout)?;
    let (store, targets) = open_targets(&args).await?;

    let (tx, rx) = mpsc::channel(BATCH_CHANNEL);
    let cancel = shutdown.token.child_token();
    let live = matches!(source, Source::Live(_))
        .then(|| config::LiveConfig::resolve(&args.input.live))
        .transpose()?;
    let counted = opts.wanted;
    let producer: JoinHandle<Result<OfflineEnd>> = crate::source::start(
        source,
        SourceRun {
            opts,
            tx,
            cancel: cancel.clone(),
            record: None,
        },
        Start {
            live,
            quiet: term.quiet,
            limit: args.limit,
            counted,
            ..Start::default()
        },
    )?;

    if args.dry_run {
        return dry_run(rx, producer, targets, &term, &shutdown).await;
    }

    let started = Instant::now();
    let ids: Vec<i64> = targets.iter().map(|t| t.webhook.id).collect();
    let n_targets = targets.len();
    let already = store.pending_count(ids.clone()).await?;
    if already > 0 && !term.quiet {
        term::note(format_args!(
            "resuming {already} pending deliveries from an earlier run"
        ));
    }
    let engine_cancel = CancellationToken::new();
    let engine = Engine::start(
        store.clone(),
        targets,
        EngineConfig::new(http_client(REQUEST_TIMEOUT)?),
        engine_cancel.clone(),
    );
    let progress_done = CancellationToken::new();
    let progress = tokio::spawn(show_progress(
        engine.counters(),
        term.progress(),
        progress_done.clone(),
    ));

    // Feed the outbox until the input ends (or Ctrl-C, or a store failure).
    let fed = feed(&engine, rx).await;
    if fed.is_err() {
        cancel.cancel();
    }
    engine.close_input();
    let produced = producer
        .await
        .map_err(|e| anyhow!("source task failed: {e}"))?;

    // Drain: until every delivery finished, the drain timeout, or Ctrl-C.
    let mut timed_out = false;
    if shutdown.interrupted() || fed.is_err() {
        engine.cancel();
    } else {
        tokio::select! {
            r = tokio::time::timeout(drain, engine.wait()) => match r {
                Ok(r) => r?,
                Err(_) => {
                    timed_out = true;
                    engine.cancel();
                }
            },
            _ = shutdown.token.cancelled() => engine.cancel(),
        }
    }
    engine.wait().await?;
    progress_done.cancel();
    let _ = progress.await;
    drop(engine_cancel);

    fed?;
    let end = produced?;
    let totals = engine.counters().totals();
    let pending = store.pending_count(ids).await?;
    let elapsed = started.elapsed();
    if !term.quiet {
        let rate = totals.delivered as f64 / elapsed.as_secs_f64().max(1e-3);
        // Events already pending for a target (an earlier run's rows) were
        // not queued twice; said only when it happened.
        let copies = match totals.skipped {
            0 => String::new(),
            n => format!(", {n} already queued"),
        };
        term::note(format_args!(
            "forward: {} delivered, {} failed, {} pending{} ({} target{}, {}, {:.0}/s)",
            totals.delivered,
            totals.failed,
            pending,
            copies,
            n_targets,
            if n_targets == 1 { "" } else { "s" },
            human_duration(elapsed),
            rate
        ));
    }
    if shutdown.interrupted() || end == OfflineEnd::Cancelled {
        return Ok(Code::Interrupted);
    }
    if totals.failed > 0 || pending > 0 {
        let mut parts = Vec::new();
        if totals.failed > 0 {
            parts.push(format!(
                "{} deliveries were given up (see 'tiklive webhooks list')",
                totals.failed
            ));
        }
        if pending > 0 {
            let why = if timed_out {
                format!(" after the {} drain timeout", args.drain_timeout)
            } else {
                String::new()
            };
            parts.push(format!(
                "{pending} deliveries are still pending{why} (kept in the outbox: run the same command again to resume them)"
            ));
        }
        bail!(Failure::new(Code::Runtime, parts.join("; ")));
    }
    Ok(Code::Ok)
}

/// `--from nats://…`: deliver the stream's events through durable consumers.
async fn from_nats(args: ForwardArgs, term: Terminal, shutdown: Shutdown) -> Result<Code> {
    let opts = config::resolve_filter(&args.input.filter)?;
    let url = args.from.clone().unwrap_or_default();
    let nats = crate::nats::NatsTarget::resolve(&url, &args.nats_auth)?;
    let ns = crate::nats::namespace::Namespace::new(&args.nats_prefix.nats_prefix)?;
    let stream = ns.stream(args.nats_stream.as_deref())?;
    let ack_wait = config::duration_flag("--ack-wait", &args.ack_wait)?;
    if ack_wait < Duration::from_secs(1) {
        bail!(Failure::usage("--ack-wait must be at least 1s"));
    }
    let (store, targets) = open_targets(&args).await?;
    let totals = crate::nats::forward::run(
        crate::nats::forward::FromStream {
            nats,
            ns,
            stream,
            targets,
            wanted: opts.wanted,
            store,
            ack_wait,
            deliver: match args.deliver.unwrap_or_default() {
                Deliver::All => DeliverPolicy::All,
                Deliver::New => DeliverPolicy::New,
            },
            limit: args.limit,
            drain: config::duration_flag("--drain-timeout", &args.drain_timeout)?,
            client: http_client(REQUEST_TIMEOUT)?,
            quiet: term.quiet,
        },
        shutdown.token.clone(),
    )
    .await?;
    if !term.quiet {
        term::note(format_args!(
            "delivered {}, gave up {}, skipped {} (other types or unreadable)",
            totals.delivered, totals.given_up, totals.skipped
        ));
    }
    if shutdown.interrupted() {
        return Ok(Code::Interrupted);
    }
    if totals.given_up > 0 || totals.handed_back > 0 {
        let mut parts = Vec::new();
        let deliveries = |n: u64| {
            if n == 1 {
                "1 delivery was".to_string()
            } else {
                format!("{n} deliveries were")
            }
        };
        if totals.given_up > 0 {
            parts.push(format!(
                "{} given up (see 'tiklive webhooks list')",
                deliveries(totals.given_up)
            ));
        }
        if totals.handed_back > 0 {
            parts.push(format!(
                "{} still being retried after the {} drain timeout (handed back to the stream for the next run)",
                deliveries(totals.handed_back),
                args.drain_timeout
            ));
        }
        bail!(Failure::new(Code::Runtime, parts.join("; ")));
    }
    Ok(Code::Ok)
}

/// The store, and the webhook rows to deliver to with their signing keys
/// (`--to`/`WEBHOOK_URL` with `--secret`/`WEBHOOK_SECRET`, else the
/// registered webhooks).
async fn open_targets(args: &ForwardArgs) -> Result<(Store, Vec<Target>)> {
    let plan = config::resolve_forward_targets(&args.targets.to)?;
    let secret = args
        .targets
        .secret
        .as_deref()
        .filter(|s| !s.is_empty())
        .map(SigningKey::from_secret)
        .transpose()?;
    // A dry run to --to URLs needs no store: it sends and queues nothing, so
    // it leaves no ad-hoc webhook row behind either.
    let store = if args.dry_run && matches!(plan, ForwardTargets::Urls(_)) {
        Store::open_in_memory()?
    } else {
        Store::open(&config::resolve_db(&args.store)?)?
    };
    let targets = resolve_targets(&store, plan, secret).await?;
    Ok((store, targets))
}

/// The webhook rows to deliver to, with their signing keys.
async fn resolve_targets(
    store: &Store,
    plan: ForwardTargets,
    secret: Option<SigningKey>,
) -> Result<Vec<Target>> {
    match plan {
        ForwardTargets::Urls(urls) => {
            let mut targets = Vec::new();
            for url in urls {
                let webhook = store.adhoc_webhook(url).await?;
                targets.push(Target::new(webhook, secret.clone()));
            }
            Ok(targets)
        }
        ForwardTargets::Registered => {
            let mut targets = Vec::new();
            for webhook in store.webhooks().await? {
                if webhook.ephemeral {
                    continue;
                }
                targets.push(registered_target(webhook, secret.as_ref())?);
            }
            if targets.is_empty() {
                bail!(Failure::usage(
                    "nowhere to forward to: give --to URL, set WEBHOOK_URL, or register a webhook with 'tiklive webhooks add URL'"
                ));
            }
            Ok(targets)
        }
    }
}

/// Move batches from the source into the outbox.
async fn feed(engine: &Engine, mut rx: mpsc::Receiver<Vec<Envelope>>) -> Result<()> {
    while let Some(batch) = rx.recv().await {
        let events: Vec<OutgoingEvent> = batch.iter().map(OutgoingEvent::from).collect();
        engine.enqueue(&events).await?;
    }
    Ok(())
}

/// `--dry-run`: print each request instead of sending it.
async fn dry_run(
    mut rx: mpsc::Receiver<Vec<Envelope>>,
    producer: JoinHandle<Result<OfflineEnd>>,
    targets: Vec<Target>,
    term: &Terminal,
    shutdown: &Shutdown,
) -> Result<Code> {
    let (out_tx, out_rx) = mpsc::channel::<String>(BATCH_CHANNEL);
    let writer = term::spawn_text_stdout(out_rx, term.stdout_tty);
    let mut printed = 0u64;
    'batches: while let Some(batch) = rx.recv().await {
        for env in &batch {
            let ev = OutgoingEvent::from(env);
            for t in targets.iter().filter(|t| t.webhook.wants(ev.kind)) {
                let req = build_request(t, &message_id(&ev.id, t.webhook.id), &ev.json, unix_now());
                if out_tx.send(render_redacted(&req)).await.is_err() {
                    break 'batches;
                }
                printed += 1;
            }
        }
    }
    drop(rx);
    drop(out_tx);
    let produced = producer
        .await
        .map_err(|e| anyhow!("source task failed: {e}"))?;
    tokio::task::spawn_blocking(move || writer.join())
        .await
        .map_err(|e| anyhow!("stdout task failed: {e}"))?
        .map_err(|_| anyhow!("the stdout thread panicked"))?
        .context("cannot write to stdout")?;
    let end = produced?;
    if !term.quiet {
        term::note(format_args!(
            "forward: dry run: {printed} requests printed, nothing sent"
        ));
    }
    if shutdown.interrupted() || end == OfflineEnd::Cancelled {
        return Ok(Code::Interrupted);
    }
    Ok(Code::Ok)
}

/// `-`: event NDJSON on stdin. A line that is not JSON or not an event is a
/// warning naming its line number; the rest goes on. Batches are handed over
/// whenever no more input is buffered, so a slow pipe is forwarded at once.
/// The progress line on a terminal: delivered, failed, in flight, rate.
async fn show_progress(counters: Arc<Counters>, enabled: bool, done: CancellationToken) {
    if !enabled {
        return;
    }
    let bar = Spinner::line(true, "{spinner} {msg}");
    let tick = Duration::from_millis(250);
    let mut last = counters.totals().delivered;
    let mut rate = 0.0f64;
    loop {
        let t = counters.totals();
        let now_rate = (t.delivered - last) as f64 / tick.as_secs_f64();
        rate = if rate == 0.0 {
            now_rate
        } else {
            0.7 * rate + 0.3 * now_rate
        };
        last = t.delivered;
        bar.set_message(format!(
            "forwarding: {} delivered · {} failed · {} in flight · {} retried · {:.0}/s",
            t.delivered, t.failed, t.in_flight, t.retried, rate
        ));
        tokio::select! {
            _ = done.cancelled() => break,
            _ = tokio::time::sleep(tick) => {}
        }
    }
    bar.clear();
}
