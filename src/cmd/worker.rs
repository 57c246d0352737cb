//! `tiklive worker --nats URL`: one member of a worker pool.

use anyhow::Result;

use crate::cli::WorkerArgs;
use crate::config::{self, LiveConfig, Terminal};
use crate::error::{Code, Failure};
use crate::nats::kv::Buckets;
use crate::nats::worker::{self, WorkerOptions};
use crate::nats::{NatsConfig, open_events};
use crate::shutdown::Shutdown;

pub async fn run(args: WorkerArgs, term: Terminal, shutdown: Shutdown) -> Result<Code> {
    let nats = NatsConfig::resolve(&args.url, &args.nats)?;
    let opts = config::resolve_filter(&args.filter)?;
    let mut live = LiveConfig::resolve(&args.live)?;
    // A worker outlives any one broadcast: wait for streamers to go live,
    // and never give up reconnecting.
    live.wait = true;
    live.max_retries = None;
    live.start_retries = None;
    let ttl = config::duration_flag("--lease-ttl", &args.lease_ttl)?;
    let cursor_every = config::duration_flag("--cursor-every", &args.cursor_every)?;
    if ttl < std::time::Duration::from_millis(500) {
        anyhow::bail!(Failure::usage("--lease-ttl must be at least 500ms"));
    }
    if cursor_every.is_zero() {
        anyhow::bail!(Failure::usage("--cursor-every must be more than 0"));
    }
    if args.capacity == Some(0) {
        anyhow::bail!(Failure::usage("--capacity must be at least 1"));
    }
    let id = args.id.clone().unwrap_or_else(worker::default_id);
    let Some((_client, js)) = open_events(
        &nats,
        &format!("tiklive worker {id}"),
        &shutdown.token,
        term.quiet,
    )
    .await?
    else {
        return Ok(Code::Interrupted);
    };
    let buckets = Buckets::open(&js, &nats.ns, nats.stream.replicas, ttl).await?;
    worker::run(
        js,
        buckets,
        WorkerOptions {
            id,
            capacity: args.capacity,
            ttl,
            cursor_every,
            live,
            opts,
            engine: nats.target.display(),
            ns: nats.ns.clone(),
            window: nats.window,
            quiet: term.quiet,
        },
        shutdown.token.clone(),
    )
    .await?;
    Ok(if shutdown.interrupted() {
        Code::Interrupted
    } else {
        Code::Ok
    })
}
