//! Live connections: the only code that talks to TikTok and the sign server.
//!
//! A supervisor per streamer: resolve the room, sign (every attempt: signed
//! URLs expire), open the WebSocket, drive it, and on failure classify, back
//! off with jitter and reconnect, resuming from the last cursor. Several
//! streamers run in one process with staggered starts and one shared sign
//! budget; one stream's failure does not end the others.

pub mod backoff;
pub mod budget;
pub mod cookies;
pub mod error;
pub mod http;
pub mod info;
pub mod proxy;
pub mod socket;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Result;
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;
use tracing::{debug, info};

use self::backoff::Backoff;
use self::budget::{LocalBudget, SharedGate};
use self::cookies::CookieJar;
use self::error::{Class, LiveError, Reported};
use self::http::SignRoute;
use self::socket::{DriveEnd, Outputs};
use crate::clock::now_ms;
use crate::config::LiveConfig;
use crate::error::Failure;
use crate::pipeline::{Envelopes, Gather, Stamper};
use crate::progress::Spinner;
use crate::record::Recorder;
use crate::source::{OfflineEnd, SourceRun};
use crate::webcast::capture::RecordKind;
use crate::webcast::{Connection, Control, Decoder, DecoderOptions, EndCause};
use crate::{random, term};

/// Sleep unless cancelled first; false if cancelled.
async fn sleep_or_cancel(d: Duration, cancel: &CancellationToken) -> bool {
    tokio::select! {
        _ = cancel.cancelled() => false,
        _ = tokio::time::sleep(d) => true,
    }
}

struct Ctx {
    cfg: LiveConfig,
    http: reqwest::Client,
    budget: SharedGate,
    route: SignRoute,
    opts: DecoderOptions,
    progress: bool,
    quiet: bool,
}

/// The process's sign budget for `cfg`: `--sign-budget` calls per
/// `TIKLIVE_SIGN_WINDOW_MS` (a minute), `TIKLIVE_SIGN_INTERVAL_MS` apart.
pub fn local_budget(cfg: &LiveConfig) -> SharedGate {
    Arc::new(LocalBudget::new(
        cfg.sign_budget,
        cfg.sign_window,
        cfg.sign_interval,
    ))
}

/// What `tiklive worker` adds to one stream: where to resume and where to
/// report the cursor.
#[derive(Clone, Default)]
pub struct StreamHooks {
    /// Resume from this cursor (saved by a previous owner of the stream).
    pub cursor: Option<String>,
    /// Set to the session cursor after each batch of events is handed to
    /// `tx`, so everything sent before the update belongs before that cursor.
    pub cursor_out: Option<tokio::sync::watch::Sender<String>>,
    /// Set by a caller that starts the stream again whatever ended it (the
    /// worker): the failures already reported as `error` events, kept across
    /// those restarts. A failure that ends the stream is then not `fatal`,
    /// and like any retried failure is reported only when it is news
    /// ([`Reported`]). `None`: a failure that ends the stream is `fatal`.
    /// It also tells what the stream is doing ([`Reported::health`]: waiting
    /// for an offline streamer, failing, connected), for the caller to show.
    pub retried: Option<Arc<std::sync::Mutex<Reported>>>,
    /// The longest reconnect wait (default 30 s; the worker's is minutes:
    /// a pool of thousands must not retry a dead sign server every 30 s).
    pub retry_cap: Option<Duration>,
}

/// Watch one streamer with `hooks` and the sign budget `gate` (the worker's
/// entry point); events go to `run.tx`. Ends when the stream ends, fails for
/// good, or `run.cancel` fires.
pub fn spawn_hooked(
    user: String,
    cfg: LiveConfig,
    run: SourceRun,
    hooks: StreamHooks,
    gate: SharedGate,
    quiet: bool,
) -> tokio::task::JoinHandle<Result<OfflineEnd>> {
    tokio::spawn(async move {
        let http = http::build_client(&cfg).map_err(|e| Failure::usage(e.to_string()))?;
        let ctx = Ctx {
            budget: gate,
            route: SignRoute::default(),
            http,
            opts: run.opts,
            progress: false,
            quiet,
            cfg,
        };
        let out = Envelopes::new(None);
        supervise(&user, &ctx, run.tx, out, &run.cancel, run.record, &hooks).await
    })
}

/// Watch `users`; each stream gathers its events in a [`Gather`] made by
/// `gather` (as [`Envelopes`], or NDJSON text) and sends them to `run.tx` in
/// batches. `gate` is the sign budget to share (e.g. with `/api/status`, or
/// across processes); `None` makes a local one from `cfg`. Ends when every
/// stream has ended; with one user its error is the result, with several
/// each is warned about and the first is returned.
pub async fn run_all<G: Gather>(
    users: Vec<String>,
    cfg: LiveConfig,
    run: SourceRun<G::Batch>,
    gate: Option<SharedGate>,
    progress: bool,
    quiet: bool,
    gather: impl Fn() -> G + Send,
) -> Result<OfflineEnd> {
    if run.record.is_some() && users.len() > 1 {
        anyhow::bail!(Failure::usage(
            "--record takes one USER; run one watch per recording"
        ));
    }
    let http = http::build_client(&cfg).map_err(|e| Failure::usage(e.to_string()))?;
    if let Some(p) = &cfg.proxy {
        p.probe()
            .await
            .map_err(|e| Failure::new(e.code(), e.to_string()))?;
    }
    let ctx = Arc::new(Ctx {
        budget: gate.unwrap_or_else(|| local_budget(&cfg)),
        route: SignRoute::default(),
        http,
        opts: run.opts,
        progress: progress && users.len() == 1,
        quiet,
        cfg,
    });
    let total = users.len();
    let multi = total > 1;
    let mut set = JoinSet::new();
    for (i, user) in users.into_iter().enumerate() {
        let ctx = ctx.clone();
        let tx = run.tx.clone();
        let cancel = run.cancel.clone();
        let record = run.record.clone();
        let out = gather();
        set.spawn(async move {
            let delay = ctx.cfg.stagger * i as u32;
            if !sleep_or_cancel(delay, &cancel).await {
                return (user, Ok(OfflineEnd::Cancelled));
            }
            let hooks = StreamHooks::default();
            let result = supervise(&user, &ctx, tx, out, &cancel, record, &hooks).await;
            (user, result)
        });
    }
    drop(run.tx);
    let mut first_err: Option<anyhow::Error> = None;
    let mut failed = 0usize;
    let mut end = OfflineEnd::Done;
    while let Some(joined) = set.join_next().await {
        let (user, result) = joined.map_err(|e| anyhow::anyhow!("a stream task failed: {e}"))?;
        match result {
            Ok(OfflineEnd::Done) => {}
            Ok(other) => end = other,
            Err(e) if multi => {
                term::warn(format_args!("@{user}: {}", crate::error::message_of(&e)));
                failed += 1;
                first_err.get_or_insert(e);
            }
            Err(e) => return Err(e),
        }
    }
    // Each failure was warned about above with its streamer; the error says
    // how many, with the first one's exit code, instead of repeating it.
    match first_err {
        Some(e) => Err(Failure::new(
            crate::error::code_of(&e),
            format!("{failed} of {total} streams failed (see the warnings above)"),
        )
        .into()),
        None => Ok(end),
    }
}

/// Rejected first handshakes retried before giving up (protocol.md: a
/// couple of fresh signatures, a few seconds apart).
pub const FIRST_REJECT_RETRIES: u32 = 2;

/// Wait for the sign budget; false if cancelled meanwhile.
async fn wait_for_budget(ctx: &Ctx, user: &str, cancel: &CancellationToken) -> bool {
    let at = ctx.budget.reserve(user).await;
    let wait = at.saturating_duration_since(Instant::now());
    if !wait.is_zero() {
        let why = ctx.budget.status().waiting_for.unwrap_or_default();
        info!(
            user,
            wait_s = format_args!("{:.1}", wait.as_secs_f64()),
            waiting_for = %why,
            "waiting for the sign budget"
        );
    }
    sleep_or_cancel(wait, cancel).await
}

/// One streamer, from lookup to the end of the stream; its events are
/// gathered in `out` and sent to `tx`.
async fn supervise<G: Gather>(
    user: &str,
    ctx: &Ctx,
    tx: mpsc::Sender<G::Batch>,
    out: G,
    cancel: &CancellationToken,
    record: Option<PathBuf>,
    hooks: &StreamHooks,
) -> Result<OfflineEnd> {
    let cfg = &ctx.cfg;
    let mut stream = Stream {
        conn: Connection::new(
            Decoder::new(ctx.opts),
            cfg.heartbeat.as_millis() as u64,
            cfg.idle_timeout.as_millis() as u64,
        ),
        stamper: Stamper::new(ctx.opts.wanted, user),
        out,
    };
    // The driver's monotonic clock for the connection's timers.
    let clock = Instant::now();
    let ms = || clock.elapsed().as_millis() as u64;
    let spinner = Spinner::start(ctx.progress, format!("@{user}: finding the room"));
    let mut jar = CookieJar::for_config(cfg);
    let mut backoff = Backoff::new(
        cfg.backoff_base,
        hooks.retry_cap.unwrap_or(Duration::from_secs(30)),
        Duration::from_secs(60),
    );
    // The cursor sent to the signer: none on a first connect, then where the
    // last socket stopped.
    let mut cursor: Option<String> = hooks.cursor.clone();
    if let Some(c) = &cursor {
        stream.conn.set_cursor(c);
    }
    let mut retries: u32 = 0;
    // A socket of this stream has been open in this process.
    let mut ran = false;
    let mut first_rejections: u32 = 0;
    // The failures reported so far: the caller's when it retries the
    // stream, else this run's.
    let reported = hooks.retried.clone().unwrap_or_default();
    let retried = hooks.retried.as_deref();
    let mut room_id = match find_room(user, ctx, &spinner, cancel, &jar, retried).await {
        Ok(Some(id)) => id,
        Ok(None) => return Ok(OfflineEnd::Cancelled),
        Err(e) => return fail(&mut stream, &tx, e, retried).await,
    };
    // An unwritable --record path is an error now, before any sign call.
    let mut recorder = match &record {
        Some(path) => Some(Recorder::create(path, user, &room_id)?),
        None => None,
    };
    let own_hosts: Vec<String> = [&cfg.tiktok_url, &cfg.webcast_url]
        .iter()
        .filter_map(|u| reqwest::Url::parse(u).ok()?.host_str().map(str::to_string))
        .collect();
    loop {
        // Sign: every attempt, since signed URLs expire within seconds.
        spinner.set_message(format!("@{user}: signing (room {room_id})"));
        if !wait_for_budget(ctx, user, cancel).await {
            flush_end(&mut stream, &tx).await;
            return Ok(OfflineEnd::Cancelled);
        }
        let attempt: Result<DriveEnd, LiveError> = async {
            let signed =
                http::sign_connect(&ctx.http, cfg, &ctx.route, &room_id, cursor.as_deref()).await?;
            jar.merge_set_cookie(&signed.set_cookie);
            if let Some(id) = signed
                .room_id
                .as_ref()
                .filter(|id| !id.is_empty() && *id != "0")
            {
                room_id.clone_from(id);
            }
            stream.stamper.set_room(&room_id);
            stream.conn.set_room(room_id.parse::<i64>().unwrap_or(0));
            let t = now_ms();
            if let Some(r) = recorder.as_mut() {
                r.write(t, RecordKind::Fetch, &signed.fetch)
                    .map_err(|e| LiveError::Record(format!("{e:#}")))?;
            }
            let info = stream.conn.handle_fetch(&signed.fetch);
            if let Err(e) = &info {
                stream
                    .stamper
                    .skipped("fetch result", signed.fetch.len(), e);
            }
            stream.drain(t);
            // Sent after `connected`, once the socket is open.
            let history = stream.out.take();
            let info = info.map_err(|e| LiveError::SignBadBody(e.to_string()))?;
            if info.push_server.is_empty() {
                return Err(LiveError::NoPushServer);
            }
            let identity = socket::Identity {
                user_agent: &cfg.user_agent,
                tz_name: &cfg.tz_name,
            };
            let url = socket::build_url(&info, &room_id, 100 + random::u32_in(0..100), identity)?;
            debug!(%url, "socket URL");
            let push_host = reqwest::Url::parse(&info.push_server)
                .ok()
                .and_then(|u| u.host_str().map(str::to_string))
                .unwrap_or_default();
            let own: Vec<&str> = own_hosts.iter().map(String::as_str).collect();
            let fallback =
                (!socket::is_tiktok_host(&push_host, &own)).then_some(push_host.as_str());
            spinner.set_message(format!("@{user}: connecting"));
            let opened =
                socket::open(&url, &jar, cfg.proxy.as_ref(), &cfg.user_agent, fallback).await?;
            let heartbeat_ms = stream.conn.open(
                ms(),
                opened.handshake_options.as_deref(),
                random::i64_in(1..i64::MAX),
            );
            debug!(heartbeat_ms, "socket open");
            spinner.clear();
            info!(user, room_id = %room_id, "connected");
            ran = true;
            lock(&reported).clear();
            stream.control(
                &Control::Connected {
                    username: user.to_string(),
                    room_id: room_id.clone(),
                },
                t,
            );
            if let Some(history) = history {
                stream.out.append(history);
            }
            if !stream.send(&tx).await {
                return Ok(DriveEnd::ConsumerGone);
            }
            let up = Instant::now();
            let end = if let Some(action) = stream.conn.stream_end() {
                DriveEnd::StreamEnded(action)
            } else {
                socket::drive(
                    opened.ws,
                    &mut stream.conn,
                    clock,
                    Outputs {
                        stamper: &mut stream.stamper,
                        gather: &mut stream.out,
                        recorder: recorder.as_mut(),
                        tx: &tx,
                        cancel,
                        cursor_out: hooks.cursor_out.as_ref(),
                    },
                )
                .await
            };
            stream.conn.close();
            cursor = Some(stream.conn.cursor().to_string());
            backoff.connection_lasted(up.elapsed());
            Ok(end)
        }
        .await;
        let err = match attempt {
            Ok(DriveEnd::ConsumerGone) => return Ok(OfflineEnd::ConsumerGone),
            Ok(DriveEnd::StreamEnded(_)) => {
                return finish(&mut stream, &tx, EndCause::StreamEnded, OfflineEnd::Done).await;
            }
            Ok(DriveEnd::Cancelled) => {
                return interrupted(&mut stream, &tx).await;
            }
            Ok(gone) => {
                // The socket went away: say so, then reconnect.
                let (code, reason, cause) = match gone {
                    DriveEnd::Closed { code, reason } => (code, reason, EndCause::Closed),
                    DriveEnd::Reset(why) => (1006, why, EndCause::Reset),
                    DriveEnd::Failed(why) => (1006, why, EndCause::Failed),
                    _ => (
                        1006,
                        format!("no data for {}s", cfg.idle_timeout.as_secs()),
                        EndCause::IdleTimeout,
                    ),
                };
                stream.control(
                    &Control::Disconnected {
                        code,
                        reason: reason.clone(),
                        cause,
                    },
                    now_ms(),
                );
                if !stream.send(&tx).await {
                    return Ok(OfflineEnd::ConsumerGone);
                }
                LiveError::Network(if reason.is_empty() {
                    format!("the socket closed ({code})")
                } else {
                    format!("the socket closed ({code} {reason})")
                })
            }
            Err(e) => e,
        };
        // A failure: classify, then give up or back off.
        let mut delay = match err.class_when(ran) {
            Class::Fatal(_) => return fail(&mut stream, &tx, err, retried).await,
            Class::RetryFew if first_rejections >= FIRST_REJECT_RETRIES => {
                return fail(&mut stream, &tx, err, retried).await;
            }
            Class::RetryFew => {
                first_rejections += 1;
                cfg.reject_retry
            }
            Class::Retry(min) => {
                let delay = backoff.next_delay(random::unit());
                match min {
                    Some(min) => {
                        ctx.budget
                            .hold_until(Instant::now() + min, "sign server rate limit (429)");
                        delay.max(min)
                    }
                    None => delay,
                }
            }
        };
        retries += 1;
        // `--max-retries` bounds every attempt; without it, only the attempts
        // before the stream first connects are bounded (TIKLIVE_START_RETRIES):
        // a sign server that is down or a wrong address must not spin forever.
        let never_connected = cfg.max_retries.is_none() && !ran;
        let give_up = gives_up(retries, ran, cfg.max_retries, cfg.start_retries);
        // An `error` event for a change of state (the first failure, another
        // failure, giving up), not for every retry of the same failure.
        let news = lock(&reported).is_news(&err);
        if news || give_up {
            stream.control(
                &Control::Error {
                    error: err.to_string(),
                    fatal: give_up,
                },
                now_ms(),
            );
        }
        if !stream.send(&tx).await {
            return Ok(OfflineEnd::ConsumerGone);
        }
        if give_up {
            let (never, how_many) = if never_connected {
                (
                    " without ever connecting",
                    " (TIKLIVE_START_RETRIES sets how many; 0 = no limit)",
                )
            } else {
                ("", "")
            };
            let msg = format!(
                "@{user}: gave up after {} reconnect attempt(s){never}: {err}{how_many}",
                retries - 1
            );
            flush_end(&mut stream, &tx).await;
            return Err(Failure::new(err.code_when(ran), msg).into());
        }
        delay = delay.max(Duration::from_millis(1));
        let note = format!(
            "@{user}: {err}; reconnecting in {:.1}s (attempt {retries})",
            delay.as_secs_f64()
        );
        if ctx.progress {
            spinner.set_message(note);
        } else if !ctx.quiet {
            term::note(note);
        }
        if !sleep_or_cancel(delay, cancel).await {
            flush_end(&mut stream, &tx).await;
            return Ok(OfflineEnd::Cancelled);
        }
    }
}

/// Whether the `failures`-th failure in a row ends the stream: past
/// `--max-retries` reconnects when given; else, while the stream has never
/// connected (`ran` false), past `start_retries` (`TIKLIVE_START_RETRIES`;
/// `None`: no limit); once it has connected, never.
fn gives_up(
    failures: u32,
    ran: bool,
    max_retries: Option<u32>,
    start_retries: Option<u32>,
) -> bool {
    match max_retries.or(start_retries.filter(|_| !ran)) {
        Some(max) => failures > max,
        None => false,
    }
}

/// Resolve the room id, waiting for the user to go live with `--wait`
/// (noted in `retried`, when the caller keeps one: see
/// [`Reported::waiting_offline`]). `Ok(None)` means cancelled.
async fn find_room(
    user: &str,
    ctx: &Ctx,
    spinner: &Spinner,
    cancel: &CancellationToken,
    jar: &CookieJar,
    retried: Option<&std::sync::Mutex<Reported>>,
) -> Result<Option<String>, LiveError> {
    let cfg = &ctx.cfg;
    if let Some(id) = &cfg.room_id {
        return Ok(Some(id.clone()));
    }
    loop {
        let verdict = match http::resolve_room(&ctx.http, cfg, user).await {
            Ok(room) if room.is_offline() || room.room_id.is_empty() => {
                Err(LiveError::Offline(user.to_string()))
            }
            Ok(room) => {
                debug!(user, room_id = %room.room_id, source = room.source, "room found");
                http::check_room_info(&ctx.http, cfg, user, &room.room_id, jar)
                    .await
                    .map(|()| room.room_id)
            }
            Err(e) => Err(e),
        };
        match verdict {
            Ok(id) => {
                if let Some(r) = retried {
                    lock(r).room_found();
                }
                return Ok(Some(id));
            }
            Err(LiveError::Offline(_)) if cfg.wait => {
                if let Some(r) = retried {
                    lock(r).waiting_offline(now_ms());
                }
                // No sign calls while offline: only the cheap lookup, politely.
                let jitter = 0.75 + random::unit() * 0.5;
                let wait = cfg.wait_poll.mul_f64(jitter);
                let note = format!(
                    "@{user} is offline; checking again in {}s",
                    wait.as_secs().max(1)
                );
                if ctx.progress {
                    spinner.set_message(note);
                } else if !ctx.quiet {
                    term::note(note);
                }
                if !sleep_or_cancel(wait, cancel).await {
                    return Ok(None);
                }
            }
            Err(e) => return Err(e),
        }
    }
}

/// One stream's connection, the stamping of its events and where they are
/// gathered: what lives across reconnects.
struct Stream<G> {
    conn: Connection,
    stamper: Stamper,
    out: G,
}

impl<G: Gather> Stream<G> {
    /// Stamp the events the connection has decoded (received at `t_ms`).
    fn drain(&mut self, t_ms: i64) {
        let conn = &mut self.conn;
        self.stamper.stamp(
            std::iter::from_fn(|| conn.poll_event()),
            t_ms,
            &mut self.out,
        );
    }

    /// A control event (see [`Stamper::control`]).
    fn control(&mut self, control: &Control, t_ms: i64) {
        self.stamper.control(control, t_ms, &mut self.out);
    }

    /// The end: the events still held (open gift streaks).
    fn finish(&mut self, t_ms: i64) {
        self.conn.finish();
        self.drain(t_ms);
    }

    /// Send what is gathered, if anything (waiting for room); false when
    /// the consumer has gone.
    async fn send(&mut self, tx: &mpsc::Sender<G::Batch>) -> bool {
        match self.out.take() {
            Some(batch) => tx.send(batch).await.is_ok(),
            None => true,
        }
    }
}

/// The failures reported, even if a panic poisoned the lock.
fn lock(r: &std::sync::Mutex<Reported>) -> std::sync::MutexGuard<'_, Reported> {
    r.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// An error that ends the stream: emit `error` (`fatal`, unless the caller
/// will start the stream again: then only when it is news, see
/// [`StreamHooks::retried`]), flush, return the failure.
async fn fail<G: Gather>(
    stream: &mut Stream<G>,
    tx: &mpsc::Sender<G::Batch>,
    err: LiveError,
    retried: Option<&std::sync::Mutex<Reported>>,
) -> Result<OfflineEnd> {
    if retried.is_none_or(|r| lock(r).is_news(&err)) {
        stream.control(
            &Control::Error {
                error: err.to_string(),
                fatal: retried.is_none(),
            },
            now_ms(),
        );
    }
    stream.finish(now_ms());
    stream.send(tx).await;
    Err(Failure::new(err.code(), err.to_string()).into())
}

async fn flush_end<G: Gather>(stream: &mut Stream<G>, tx: &mpsc::Sender<G::Batch>) {
    stream.finish(now_ms());
    stream.send(tx).await;
}

/// Ctrl-C: held streaks, then `disconnected` with reason `interrupted`.
async fn interrupted<G: Gather>(
    stream: &mut Stream<G>,
    tx: &mpsc::Sender<G::Batch>,
) -> Result<OfflineEnd> {
    finish(stream, tx, EndCause::Interrupted, OfflineEnd::Cancelled).await
}

/// The end: held streaks, then `disconnected`.
async fn finish<G: Gather>(
    stream: &mut Stream<G>,
    tx: &mpsc::Sender<G::Batch>,
    cause: EndCause,
    end: OfflineEnd,
) -> Result<OfflineEnd> {
    stream.finish(now_ms());
    stream.control(&Control::ended(1000, cause), now_ms());
    if !stream.send(tx).await {
        return Ok(OfflineEnd::ConsumerGone);
    }
    Ok(end)
}

#[cfg(test)]
mod tests {
    use super::gives_up;

    #[test]
    fn only_the_start_is_bounded_unless_max_retries_is_given() {
        // Never connected, TIKLIVE_START_RETRIES=8: 8 reconnects, then stop.
        assert!(!gives_up(8, false, None, Some(8)));
        assert!(gives_up(9, false, None, Some(8)));
        // Once connected, the start bound no longer applies.
        assert!(!gives_up(1000, true, None, Some(8)));
        // 0 (None): no limit at all.
        assert!(!gives_up(1000, false, None, None));
        // --max-retries bounds every attempt, before and after connecting.
        assert!(gives_up(3, false, Some(2), Some(8)));
        assert!(gives_up(3, true, Some(2), Some(8)));
        assert!(!gives_up(2, true, Some(2), None));
    }
}
