//! The command line, as clap types only: plain data, no I/O. `config.rs`
//! turns these into resolved settings.
//!
//! Conventions (style.md item 8): kebab-case long names, short names only for
//! the most common flags, an uppercase `value_name` for every option that takes
//! a value, and `env = …` wherever a setting may come from the environment.
//! A flag of the settings table (`src/settings.rs`) has no doc comment here:
//! [`command`] fills in its help, `[env: …]` and `[default: …]` from its row.

use std::path::PathBuf;

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};

/// The command line as `--help` shows it and as generated into the man page
/// and completions: [`Cli`] documented from the settings table. It parses
/// exactly as [`parser`] does; building it costs several times more, so
/// `run` builds it only to print help, a version or a usage error.
pub fn command() -> clap::Command {
    let cmd = negative_numbers_are_values(crate::settings::document(Cli::command()));
    cmd.mut_subcommand("config", |config| {
        config.mut_args(|arg| {
            let setting = arg.get_long().is_some_and(|l| {
                crate::settings::rows_of_flag(&format!("--{l}"))
                    .next()
                    .is_some()
            });
            if setting || arg.is_global_set() {
                arg
            } else {
                arg.hide(true)
            }
        })
    })
}

/// The command line as parsed: [`Cli`] with negative numbers as values, as
/// in [`command`] but without the help text (the settings table's help,
/// `[env: …]` and `[default: …]`, the hidden flags of `config`), which
/// changes what `--help` and usage errors print and never what is accepted
/// or which values are read. A command line it refuses is parsed again with
/// [`command`], whose help and errors are the ones printed.
pub fn parser() -> clap::Command {
    // `command` edits `config` last, which moves it to the end of the list:
    // the same order here, so that the matches are the same too.
    negative_numbers_are_values(Cli::command()).mut_subcommand("config", |config| config)
}

/// The subcommands [`parse`] can build alone; `completions` and `man` build
/// the documented command anyway, so they are parsed with [`parser`].
pub const PARSED_ALONE: [&str; 9] = [
    "watch",
    "forward",
    "serve",
    "info",
    "webhooks",
    "worker",
    "streamers",
    "cluster",
    "config",
];

/// The subcommand `name` (one of [`PARSED_ALONE`]) as [`Cli::command`]
/// builds it, without its summary and after-help.
fn subcommand_alone(name: &str) -> Option<clap::Command> {
    use clap::Command as C;
    // A `#[command(subcommand)]` variant: subcommands required.
    let group = |cmd: C| cmd.subcommand_required(true).arg_required_else_help(true);
    Some(match name {
        "watch" => WatchArgs::augment_args(C::new("watch")),
        "forward" => ForwardArgs::augment_args(C::new("forward")),
        "serve" => ServeArgs::augment_args(C::new("serve")),
        "info" => InfoArgs::augment_args(C::new("info")),
        "webhooks" => WebhooksCommand::augment_subcommands(group(C::new("webhooks"))),
        "worker" => WorkerArgs::augment_args(C::new("worker")),
        "streamers" => StreamersCommand::augment_subcommands(group(C::new("streamers"))),
        "cluster" => ClusterCommand::augment_subcommands(group(C::new("cluster"))),
        "config" => ConfigArgs::augment_args(C::new("config")),
        _ => return None,
    })
}

/// [`parser`] with only the subcommand `sub`: [`Cli`]'s own arguments and
/// settings as [`Cli::command`] builds them, without the summary and
/// after-help. A command line it accepts names `sub`, and [`parser`]
/// accepts it too with the same matches (the top level takes no value
/// but its options' and the subcommand, which both parse alike).
fn parser_with(sub: clap::Command) -> clap::Command {
    let no_members: [clap::Id; 0] = [];
    let cmd = clap::Command::new("tiklive")
        .group(clap::ArgGroup::new("Cli").multiple(true).args(no_members));
    let cmd = GlobalArgs::augment_args(cmd)
        .subcommand(sub)
        .subcommand_required(true)
        .arg_required_else_help(true)
        .version(crate::version::VERSION)
        .long_version(crate::version::long_version())
        .propagate_version(true)
        .max_term_width(100);
    negative_numbers_are_values(cmd)
}

/// Parse `args` (program name first): the [`Cli`] and the matches it came
/// from (some checks look at where a value came from). The line is parsed
/// with [`parser_with`] the subcommand that its first argument naming one
/// of [`PARSED_ALONE`] names (building one subcommand costs a fraction of
/// building them all); if that refuses it (the name was a value, or the
/// line is wrong), or no argument names one, with [`parser`].
///
/// Errors: clap's error for a command line that is not run (help, version,
/// `--type help`, a usage error); parse again with [`command`] to print it.
pub fn parse(args: &[std::ffi::OsString]) -> Result<(Cli, clap::ArgMatches), clap::Error> {
    let alone = args
        .iter()
        .skip(1)
        .find_map(|a| a.to_str().and_then(subcommand_alone));
    if let Some(sub) = alone
        && let Ok(parsed) = parse_with(parser_with(sub), args)
    {
        return Ok(parsed);
    }
    parse_with(parser(), args)
}

fn parse_with(
    mut cmd: clap::Command,
    args: &[std::ffi::OsString],
) -> Result<(Cli, clap::ArgMatches), clap::Error> {
    let matches = cmd.try_get_matches_from_mut(args)?;
    let cli = <Cli as clap::FromArgMatches>::from_arg_matches(&matches)?;
    Ok((cli, matches))
}

/// Every option and argument that takes a value takes `-1` (a duration also
/// `-5s`) as that value, so its own check says what is wrong (`--limit -1`:
/// must be 1 or more) instead of clap's "unexpected argument '-1' found".
fn negative_numbers_are_values(cmd: clap::Command) -> clap::Command {
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    let cmd = names.iter().fold(cmd, |cmd, name| {
        cmd.mut_subcommand(name, negative_numbers_are_values)
    });
    cmd.mut_args(|arg| {
        let duration = arg
            .get_value_names()
            .is_some_and(|names| names.iter().any(|n| n.as_str() == "DURATION"));
        if duration {
            // `-5s` is no number: let the duration's own check refuse it.
            arg.allow_hyphen_values(true)
        } else if arg.get_action().takes_values() {
            arg.allow_negative_numbers(true)
        } else {
            arg
        }
    })
}

fn main_after_help() -> String {
    format!(
        "Examples:
  tiklive watch --demo                      a built-in demo stream, no account needed
  tiklive watch someone --type gift | jq .  gifts of a live streamer as NDJSON
  tiklive forward --demo --to https://example.com/hook
  tiklive serve --demo                      REST API on 127.0.0.1:8080

{}",
        crate::error::exit_codes_help()
    )
}

/// TikTok LIVE events as NDJSON, signed webhooks and a REST API.
#[derive(Debug, Parser)]
#[command(
    name = "tiklive",
    version = crate::version::VERSION,
    long_version = crate::version::long_version(),
    propagate_version = true,
    max_term_width = 100,
    after_help = main_after_help(),
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// No progress spinners or summaries on stderr (errors still print)
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// Log each step to stderr (-vv for more)
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never
    #[arg(long, global = true, value_name = "WHEN", default_value = "auto")]
    pub color: ColorChoice,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print events of one or more streams (NDJSON when piped)
    #[command(after_help = WATCH_AFTER_HELP)]
    Watch(WatchArgs),
    /// Post events to webhook URLs, signed (Standard Webhooks): a source's events then exit,
    /// or a NATS stream's (--from) until Ctrl-C
    #[command(after_help = FORWARD_AFTER_HELP)]
    Forward(ForwardArgs),
    /// Watch a stream, store its events, forward them, and serve a REST API
    #[command(after_help = SERVE_AFTER_HELP)]
    Serve(ServeArgs),
    /// Is this user live? Room lookup only: no sign call, no sign quota
    #[command(after_help = INFO_AFTER_HELP)]
    Info(InfoArgs),
    /// Manage the registered webhooks (shared with `serve` and `forward`)
    #[command(subcommand, after_help = WEBHOOKS_AFTER_HELP)]
    Webhooks(WebhooksCommand),
    /// Watch the streamers of a shared set as one of a pool of workers (NATS JetStream)
    #[command(after_help = WORKER_AFTER_HELP)]
    Worker(WorkerArgs),
    /// Manage the set of streamers a worker pool watches (a NATS KV bucket)
    #[command(subcommand, after_help = STREAMERS_AFTER_HELP)]
    Streamers(StreamersCommand),
    /// Inspect a worker pool
    #[command(subcommand, after_help = CLUSTER_AFTER_HELP)]
    Cluster(ClusterCommand),
    /// Show the resolved settings and where each came from (secrets redacted)
    #[command(after_help = CONFIG_AFTER_HELP)]
    Config(ConfigArgs),
    /// Print a shell completion script
    #[command(after_help = "Example:\n  tiklive completions bash > /etc/bash_completion.d/tiklive")]
    Completions {
        /// The shell to generate for
        #[arg(value_name = "SHELL")]
        shell: Shell,
    },
    /// Print the man page (roff)
    #[command(after_help = "Example:\n  tiklive man | man -l -")]
    Man,
}

const INFO_AFTER_HELP: &str = "\
Prints one JSON object per user: username, roomId, live, status (live, paused, offline,
not_found, blocked or error), title, viewerCount, startTime, source (the lookup that
answered: live page, api-live or sign provider), and error when there is one.

Exit codes:
  0    every user is live
  3    some user is offline, not found, or could not be looked up
  2    usage error

Examples:
  tiklive info alice bob | jq -c '{username, live}'
  tiklive info alice > /dev/null && tiklive watch alice";

const CONFIG_AFTER_HELP: &str = "\
Precedence: flag > environment > .env in the current directory > default.
A .env never overrides a variable that is already set.

Examples:
  tiklive config
  tiklive config | jq -r 'to_entries[] | select(.value.source == \".env\") | .key'";

const WATCH_AFTER_HELP: &str = "\
Examples:
  tiklive watch --demo
  tiklive watch --demo --speed max --type gift --gift-streaks final | jq .data.totalDiamonds
  tiklive watch alice bob --type chat,gift
  tiklive watch @alice --record alice.capture
  tiklive watch --replay alice.capture --type chat | jq -r .data.message";

const FORWARD_AFTER_HELP: &str = "\
Examples:
  tiklive forward --demo --to http://127.0.0.1:9000/hook --secret whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
  tiklive watch x --type gift | jq -c 'select(.data.repeatEnd)' | tiklive forward - --to URL
  tiklive forward --replay alice.capture --dry-run
  tiklive forward --from nats://127.0.0.1:4222 --to URL --deliver new

select(.data.repeatEnd) keeps one event per gift send: the end of each streak and every
non-streakable gift (those report repeatEnd: true).

Targets: --to URL…, else WEBHOOK_URL, else the registered webhooks (each with its own
--type filter). Every delivery waits in the store's outbox until it succeeds or is given
up; a killed run's pending deliveries are sent first by the next run to the same targets.

With --from, each target has a durable consumer on the stream, shared by every forwarder of
that target; it runs until Ctrl-C (or --limit N events delivered or given up, counted over
every target). A new target's consumer starts at the stream's first event (--deliver all)
or at the next one published (--deliver new); an existing consumer keeps its position.

Exit codes:
  0    every delivery succeeded
  1    some deliveries were given up or are still pending after --drain-timeout
       (pending ones stay queued for the next run; 'tiklive webhooks list' shows give-ups)
  2    usage or configuration error (e.g. a URL that is not http or https)
  130  interrupted (Ctrl-C or SIGTERM); pending deliveries stay queued";

const SERVE_AFTER_HELP: &str = "\
Endpoints (JSON; with an API key, /api/* need 'Authorization: Bearer KEY' or 'X-API-Key: KEY'):
  GET    /api/events          stored events: ?type= ?streamer= ?limit= (1-1000) ?after=CURSOR
  GET    /api/events/stream   the live tail as server-sent events (resumes from Last-Event-ID)
  GET    /api/status          connection state per streamer, counts, buffer, webhook totals
  GET    /api/webhooks        registered webhooks (secrets never shown); POST one: {url, name,
                              secret, types}; GET or DELETE /api/webhooks/ID
  GET    /api/openapi.json    the OpenAPI 3.1 description; /healthz needs no key
  GET    /api/overlay/state   the overlays' counters and top gifters: ?streamer= ?top=
  POST   /api/test-events     a sample event to the open pages only: {type, streamer}
Pages (printed with their URLs at start):
  GET    /overlay/NAME        OBS browser sources: chat, alerts, counter, goal, leaderboard;
                              settings in the query; ?token= (read-only, from the API key)
  GET    /dashboard           for the operator; a browser asks for the API key (Basic)
Without after=, a page holds the newest events; pass its 'next' as after= for the following
ones (after=0: from the oldest stored). Ctrl-C or SIGTERM: finish the requests in flight,
store what the source still sends, keep undelivered webhook events for the next start, exit 130.
With --from nats://…: /api/events, its stream and /api/status from a JetStream stream, the stream
sequence as the cursor; no store, webhooks or overlays (503 while NATS does not answer).

Examples:
  tiklive serve alice
  API_KEY=s3cret tiklive serve --demo --listen 0.0.0.0:8080
  tiklive serve --from nats://127.0.0.1:4222 --type chat,gift
  curl -H 'Authorization: Bearer s3cret' 'http://127.0.0.1:8080/api/events?type=gift&limit=10'";

const WEBHOOKS_AFTER_HELP: &str = "\
Examples:
  tiklive webhooks add https://example.com/hook --name overlay --type gift,follow
  tiklive webhooks list
  tiklive webhooks test 1
  tiklive webhooks remove 1";

/// Where events come from. One of: USER…, --replay, --demo.
#[derive(Debug, Args, Clone, Default)]
pub struct SourceArgs {
    /// Replay a capture file (see README, "Capture files") instead of connecting
    #[arg(long, value_name = "FILE", conflicts_with = "demo")]
    pub replay: Option<PathBuf>,
    /// Use the built-in demo stream instead of connecting
    #[arg(long)]
    pub demo: bool,
    /// Playback speed for --demo/--replay: a factor such as 2 or 0.5, or max
    /// [default: 1 (real time) for --demo, max for --replay]
    #[arg(long, value_name = "FACTOR|max")]
    pub speed: Option<String>,
    /// Threads decoding --demo/--replay at max speed; events stay in capture
    /// order [default: the number of CPU cores]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub threads: Option<u16>,
}

/// `--type`: which event types (all of the default set when empty).
#[derive(Debug, Args, Clone, Default)]
pub struct TypeArgs {
    /// Only these event types (comma-separated or repeated; any case)
    #[arg(
        short = 't',
        long = "type",
        value_name = "TYPE",
        value_delimiter = ',',
        value_parser = crate::cli::event_type_names(),
        hide_possible_values = true
    )]
    pub types: Vec<String>,
}

/// `args.filter.types` reads as the list of names.
impl std::ops::Deref for TypeArgs {
    type Target = Vec<String>;

    fn deref(&self) -> &Vec<String> {
        &self.types
    }
}

/// Which events, and how gift streaks are counted.
#[derive(Debug, Args, Clone, Default)]
pub struct FilterArgs {
    #[command(flatten)]
    pub types: TypeArgs,
    /// Gift streaks: all (every gift message) or final (one event per streak)
    #[arg(long, value_name = "MODE", default_value = "all")]
    pub gift_streaks: GiftStreaks,
}

/// How to reach TikTok and the sign server: what every command that looks a
/// user up needs (`info` takes only this).
#[derive(Debug, Args, Clone, Default)]
pub struct ReachArgs {
    #[arg(long, value_name = "URL", env = "SIGN_API_URL")]
    pub sign_url: Option<String>,
    #[arg(long, value_name = "KEY", env = "SIGN_API_KEY", hide_env_values = true)]
    pub sign_api_key: Option<String>,
    #[arg(long, value_name = "URL")]
    pub proxy: Option<String>,
    /// Send the TikTok session cookies (TIKTOK_SESSION_ID) to the sign server
    #[arg(long)]
    pub send_session_to_signer: bool,
    #[arg(long, value_name = "UA", env = "TIKLIVE_USER_AGENT")]
    pub user_agent: Option<String>,
}

/// How to connect and stay connected.
#[derive(Debug, Args, Clone, Default)]
pub struct LiveArgs {
    /// Connect to this room id (its digits, as TikTok's room URLs show them) and skip the room lookup
    #[arg(long, value_name = "ID", value_parser = room_id)]
    pub room_id: Option<String>,
    #[command(flatten)]
    pub reach: ReachArgs,
    /// Reconnect attempts before giving up (default: TIKLIVE_START_RETRIES, 8, until the stream first connects; then unlimited)
    #[arg(long, value_name = "N")]
    pub max_retries: Option<u32>,
    /// Wait for an offline user to go live instead of exiting
    #[arg(long)]
    pub wait: bool,
    /// Seconds without frames or heartbeat replies before the socket counts as dead
    #[arg(long, value_name = "SECS", default_value_t = crate::config::DEFAULT_IDLE_TIMEOUT_SECS)]
    pub idle_timeout: u64,
    #[arg(
        long,
        value_name = "N",
        env = "TIKLIVE_SIGN_BUDGET",
        default_value_t = crate::config::DEFAULT_SIGN_BUDGET
    )]
    pub sign_budget: u32,
}

/// Where the events come from and which are kept: the source, `--type` and
/// friends, and the live connection's options (watch, forward and serve).
#[derive(Debug, Args)]
pub struct InputArgs {
    #[command(flatten)]
    pub source: SourceArgs,
    #[command(flatten)]
    pub filter: FilterArgs,
    #[command(flatten)]
    pub live: LiveArgs,
}

#[derive(Debug, Args)]
pub struct WatchArgs {
    /// Streamers to watch (@name, name or a profile URL) [env: TIKTOK_USERNAME]
    #[arg(value_name = "USER")]
    pub users: Vec<String>,
    #[command(flatten)]
    pub input: InputArgs,
    /// Output format (default: ndjson when piped, pretty on a terminal)
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<Format>,
    /// Stop after N events (N is 1 or more; `error` events do not count; without --limit: until the stream ends)
    #[arg(short = 'n', long, value_name = "N", value_parser = event_limit)]
    pub limit: Option<u64>,
    /// Also write everything received to a capture file
    #[arg(long, value_name = "FILE")]
    pub record: Option<PathBuf>,
    /// Publish the events to NATS JetStream instead of stdout
    /// (nats://[USER:PASS@]HOST:PORT[,HOST:PORT…]; see README, "Scaling out")
    #[arg(long, value_name = "URL")]
    pub sink: Option<String>,
    #[command(flatten)]
    pub nats: NatsArgs,
}

/// NATS credentials beyond user:password in the URL.
#[derive(Debug, Args, Clone, Default)]
pub struct NatsAuthArgs {
    #[arg(long, value_name = "FILE", env = "NATS_CREDS")]
    pub nats_creds: Option<PathBuf>,
    #[arg(long, value_name = "TOKEN", env = "NATS_TOKEN", hide_env_values = true)]
    pub nats_token: Option<String>,
}

/// Which deployment in the NATS account: the subject prefix that its
/// subjects, KV buckets, consumers and default stream name derive from
/// (see [`crate::nats::namespace`]).
#[derive(Debug, Args, Clone)]
pub struct NatsPrefixArgs {
    #[arg(
        long,
        value_name = "PREFIX",
        env = "TIKLIVE_NATS_PREFIX",
        default_value = crate::nats::namespace::DEFAULT_PREFIX
    )]
    pub nats_prefix: String,
}

/// The NATS servers and credentials (streamers, cluster).
#[derive(Debug, Args, Clone)]
pub struct NatsConnArgs {
    #[arg(long = "nats", value_name = "URL", env = "NATS_URL")]
    pub url: String,
    #[command(flatten)]
    pub auth: NatsAuthArgs,
    #[command(flatten)]
    pub prefix: NatsPrefixArgs,
}

/// How to reach NATS and which JetStream stream holds the events.
#[derive(Debug, Args, Clone)]
#[command(next_help_heading = "NATS JetStream")]
pub struct NatsArgs {
    #[command(flatten)]
    pub auth: NatsAuthArgs,
    #[command(flatten)]
    pub prefix: NatsPrefixArgs,
    /// The JetStream stream of events, created if missing with subjects PREFIX.ev.>
    /// [default: TIKLIVE_EVENTS; with --nats-prefix acme.staging, ACME_STAGING_EVENTS]
    #[arg(long, value_name = "NAME")]
    pub nats_stream: Option<String>,
    /// Replicas of a stream we create (3 on a three-node cluster)
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub nats_replicas: usize,
    /// Drop events older than this from a stream we create (e.g. 7d is 168h; default: keep)
    #[arg(long, value_name = "DURATION")]
    pub nats_max_age: Option<String>,
    /// Size limit in bytes of a stream we create, oldest events dropped first (default: none)
    #[arg(long, value_name = "BYTES")]
    pub nats_max_bytes: Option<u64>,
    /// De-duplication window by event id of a stream we create (at least 2m)
    #[arg(long, value_name = "DURATION", default_value = "2m")]
    pub nats_duplicate_window: String,
    /// Publishes awaiting their ack at most (backpressure beyond)
    #[arg(long, value_name = "N", default_value_t = crate::nats::publish::DEFAULT_WINDOW)]
    pub nats_window: usize,
}

const WORKER_AFTER_HELP: &str = "\
Each streamer of the set is watched by exactly one live worker: ownership is a lease in the
KV bucket TIKLIVE_LEASES, renewed every TTL/3; a lease not renewed for the TTL is taken over,
resuming from the cursor saved in TIKLIVE_CURSORS. SIGTERM or Ctrl-C hands every streamer
over at once. Events go to the stream as with 'watch --sink' (see README, \"Scaling out\").
These are the default --nats-prefix's names (tiklive); acme.staging gives ACME_STAGING_LEASES,
ACME_STAGING_EVENTS and so on: a pool of its own on the same NATS account.

Examples:
  nats-server -js &
  tiklive streamers add alice bob carol --nats nats://127.0.0.1:4222
  tiklive worker --nats nats://127.0.0.1:4222 &
  tiklive worker --nats nats://127.0.0.1:4222 --capacity 500 &
  tiklive cluster status --nats nats://127.0.0.1:4222";

const STREAMERS_AFTER_HELP: &str = "\
The set lives in the KV bucket TIKLIVE_STREAMERS; running workers pick up changes within a
second and stop watching removed streamers. With --nats-prefix acme.staging (or
TIKLIVE_NATS_PREFIX) it is ACME_STAGING_STREAMERS: each deployment has its own set.

Examples:
  tiklive streamers add alice @bob --nats nats://127.0.0.1:4222
  NATS_URL=nats://127.0.0.1:4222 tiklive streamers list
  tiklive streamers remove bob --nats nats://127.0.0.1:4222";

const CLUSTER_AFTER_HELP: &str = "\
A lease not renewed for its TTL (its worker is most likely gone) is still shown with its owner
and age, marked stale, until another worker takes the streamer over.

Examples:
  tiklive cluster status --nats nats://127.0.0.1:4222
  tiklive cluster status --json | jq '.streamers[] | select(.owner == null)'";

#[derive(Debug, Args)]
pub struct WorkerArgs {
    #[arg(long = "nats", value_name = "URL", env = "NATS_URL")]
    pub url: String,
    /// This worker's id in the pool (default: HOST-PID-RANDOM)
    #[arg(long, value_name = "ID")]
    pub id: Option<String>,
    /// Watch at most N streamers
    #[arg(long, value_name = "N")]
    pub capacity: Option<usize>,
    /// A lease not renewed for this long may be taken by another worker
    #[arg(long, value_name = "DURATION", default_value = "10s")]
    pub lease_ttl: String,
    /// Save each stream's cursor this often (when it moved)
    #[arg(long, value_name = "DURATION", default_value = "2s")]
    pub cursor_every: String,
    #[command(flatten)]
    pub filter: FilterArgs,
    #[command(flatten)]
    pub live: LiveArgs,
    #[command(flatten)]
    pub nats: NatsArgs,
}

#[derive(Debug, Subcommand)]
pub enum StreamersCommand {
    /// Add streamers to the set (the pool starts watching them)
    ///
    /// TikTok handles are case-insensitive: a handle is kept lowercase and
    /// without its `@` (`Alice`, `@alice` and `alice` are one streamer), in
    /// add, remove and list alike.
    Add {
        /// Streamers (@name, name or a profile URL; case does not matter)
        #[arg(value_name = "USER", required = true)]
        users: Vec<String>,
        #[command(flatten)]
        conn: NatsConnArgs,
    },
    /// Remove streamers from the set (their worker stops watching them)
    Remove {
        #[arg(value_name = "USER", required = true)]
        users: Vec<String>,
        #[command(flatten)]
        conn: NatsConnArgs,
    },
    /// List the set, one streamer a line (--json: with owner, lease age and whether it is stale)
    List {
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        conn: NatsConnArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum ClusterCommand {
    /// Workers; each streamer's owner, lease age, lag and state (live, offline, failing); the sign budget
    Status {
        /// JSON for scripts
        #[arg(long)]
        json: bool,
        /// The events stream (for lag) [default: PREFIX_EVENTS, i.e. TIKLIVE_EVENTS]
        #[arg(long, value_name = "NAME")]
        nats_stream: Option<String>,
        #[command(flatten)]
        conn: NatsConnArgs,
    },
}

#[derive(Debug, Args)]
pub struct ForwardArgs {
    /// Streamer to forward, or - to read event NDJSON from stdin [env: TIKTOK_USERNAME]
    #[arg(value_name = "USER|-")]
    pub users: Vec<String>,
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub targets: TargetArgs,
    /// How long to keep retrying after the input ends (with --from --limit: how long one delivery is retried), e.g. 30s or 5m
    #[arg(long, value_name = "DURATION", default_value = "30s")]
    pub drain_timeout: String,
    /// Read the events from this NATS JetStream stream instead of a source: one durable
    /// consumer per target, shared by every forwarder of that target; runs until Ctrl-C
    #[arg(long, value_name = "URL", conflicts_with_all = ["replay", "demo", "users", "dry_run", "speed", "threads", "room_id", "wait", "max_retries", "gift_streaks"])]
    pub from: Option<String>,
    /// With --from: the stream to read [default: PREFIX_EVENTS, i.e. TIKLIVE_EVENTS]
    #[arg(long, value_name = "NAME")]
    pub nats_stream: Option<String>,
    /// With --from: a delivery not acknowledged this long goes to another forwarder
    #[arg(long, value_name = "DURATION", default_value = "30s")]
    pub ack_wait: String,
    /// With --from: where a target's new consumer starts, all (the stream's first event, so a
    /// restarted target misses nothing) or new (the next event published); an existing
    /// consumer keeps its position [default: all]
    #[arg(long, value_name = "FROM")]
    pub deliver: Option<Deliver>,
    #[command(flatten)]
    pub nats_auth: NatsAuthArgs,
    #[command(flatten)]
    pub nats_prefix: NatsPrefixArgs,
    /// Print the requests that would be sent, with secrets redacted, and send nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Stop the source after N events (those --type keeps, `error` events not counted; N is 1 or more); with --from,
    /// after N events delivered or given up, over every target
    #[arg(short = 'n', long, value_name = "N", value_parser = event_limit)]
    pub limit: Option<u64>,
    #[command(flatten)]
    pub store: StoreArgs,
}

/// `forward --from --deliver`: where a new consumer starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Deliver {
    /// The stream's first event.
    #[default]
    All,
    /// The next event published.
    New,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Streamers to watch (@name, name or a profile URL) [env: TIKTOK_USERNAME]
    #[arg(value_name = "USER")]
    pub users: Vec<String>,
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub access: AccessArgs,
    /// Events kept in the store; the oldest are dropped first
    #[arg(long, value_name = "N", default_value_t = 100_000)]
    pub buffer: u64,
    /// Allow listening on a non-loopback address without an API key
    #[arg(long)]
    pub insecure_no_auth: bool,
    /// Stop the source after N events (those --type keeps, `error` events not counted; N is 1 or more); the API keeps serving
    #[arg(short = 'n', long, value_name = "N", value_parser = event_limit)]
    pub limit: Option<u64>,
    /// Serve the events of this NATS JetStream stream instead of watching a source: no store,
    /// the stream sequence is the cursor (--type: only these types)
    #[arg(long, value_name = "URL", conflicts_with_all = ["users", "replay", "demo", "limit", "speed", "threads", "room_id", "wait", "max_retries", "gift_streaks", "buffer"])]
    pub from: Option<String>,
    /// With --from: the stream to read [default: PREFIX_EVENTS, i.e. TIKLIVE_EVENTS]
    #[arg(long, value_name = "NAME")]
    pub nats_stream: Option<String>,
    #[command(flatten)]
    pub nats_auth: NatsAuthArgs,
    #[command(flatten)]
    pub nats_prefix: NatsPrefixArgs,
    #[command(flatten)]
    pub store: StoreArgs,
}

/// Where `serve` listens and who may use it.
#[derive(Debug, Args, Clone)]
pub struct AccessArgs {
    #[arg(
        long,
        value_name = "ADDR",
        default_value = "127.0.0.1:8080",
        env = "TIKLIVE_LISTEN"
    )]
    pub listen: String,
    #[arg(long, value_name = "KEY", env = "API_KEY", hide_env_values = true)]
    pub api_key: Option<String>,
    #[arg(
        long,
        value_name = "N",
        default_value_t = 1,
        env = "OVERLAY_TOKEN_GENERATION"
    )]
    pub overlay_token_generation: u32,
}

/// Where `forward` delivers and with which signing secret.
#[derive(Debug, Args, Clone)]
pub struct TargetArgs {
    #[arg(long = "to", value_name = "URL")]
    pub to: Vec<String>,
    #[arg(
        long,
        value_name = "SECRET",
        env = "WEBHOOK_SECRET",
        hide_env_values = true
    )]
    pub secret: Option<String>,
}

#[derive(Debug, Args, Clone, Default)]
pub struct StoreArgs {
    #[arg(long, value_name = "PATH", env = "TIKLIVE_DB")]
    pub db: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum WebhooksCommand {
    /// Register a webhook and print its id
    Add {
        /// Where to POST events (http or https)
        #[arg(value_name = "URL")]
        url: String,
        /// A name for it
        #[arg(long, value_name = "NAME")]
        name: Option<String>,
        /// Its signing secret (whsec_… is base64-decoded); never printed back
        #[arg(long, value_name = "SECRET")]
        secret: Option<String>,
        #[command(flatten)]
        types: TypeArgs,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// List webhooks with delivery totals (a table on a terminal, JSON when piped)
    #[command(after_help = "\
Reads the store and never creates it: before the first 'webhooks add' the list is empty; a
--db (or TIKLIVE_DB) with no store at it is an error. 'remove' and 'test' do the same.")]
    List {
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Remove a webhook
    Remove {
        #[arg(value_name = "ID")]
        id: String,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Send a signed ping and report status and latency
    Test {
        #[arg(value_name = "ID")]
        id: String,
        #[command(flatten)]
        store: StoreArgs,
    },
}

#[derive(Debug, Args)]
pub struct InfoArgs {
    /// Users to look up (@name, name or a profile URL) [env: TIKTOK_USERNAME]
    #[arg(value_name = "USER")]
    pub users: Vec<String>,
    #[command(flatten)]
    pub reach: ReachArgs,
}

/// Every flag of the settings table, so `config` shows what a command given
/// them would use (`cli::command` hides the live flags that are no setting).
#[derive(Debug, Args)]
pub struct ConfigArgs {
    #[command(flatten)]
    pub live: LiveArgs,
    #[command(flatten)]
    pub targets: TargetArgs,
    #[command(flatten)]
    pub access: AccessArgs,
    #[command(flatten)]
    pub store: StoreArgs,
    #[arg(long, value_name = "URL", env = "NATS_URL")]
    pub nats: Option<String>,
    #[command(flatten)]
    pub nats_auth: NatsAuthArgs,
    #[command(flatten)]
    pub nats_prefix: NatsPrefixArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Ndjson,
    Pretty,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum GiftStreaks {
    #[default]
    All,
    Final,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    #[value(name = "powershell")]
    PowerShell,
    Elvish,
}

/// `--limit N` of `watch`, `forward` and `serve`: stop after N events, N a
/// whole number of at least 1. Zero is refused rather than read as "no
/// limit" or "no events": leaving the flag out is how to say "no limit".
///
/// Errors: clap's invalid-value error with this text after the value.
pub fn event_limit(text: &str) -> Result<u64, String> {
    match text.parse::<u64>() {
        Ok(0) => Err("must be 1 or more (leave --limit out for no limit)".into()),
        Ok(n) => Ok(n),
        Err(_) => Err("expected a whole number of events, 1 or more".into()),
    }
}

/// `--room-id`: TikTok room ids are decimal numbers (19 digits today); any
/// other text is a usage error, not a room the sign server is asked about.
pub fn room_id(text: &str) -> Result<String, String> {
    let t = text.trim();
    if !t.is_empty() && t.len() <= 20 && t.bytes().all(|b| b.is_ascii_digit()) {
        Ok(t.to_string())
    } else {
        Err("expected a room id: digits only, e.g. 7312345678901234567".into())
    }
}

/// `--type` accepts exactly the event names, in any case (so completion offers
/// them and an unknown name is a usage error with the list of valid names).
pub fn event_type_names() -> EventTypeParser {
    EventTypeParser
}

/// The `--type` value parser. Unlike clap's `PossibleValuesParser`, whose
/// "a similar value exists" tip is case-sensitive (`ROOMUPDAT` got no tip
/// although `ROOMUPDATE` is accepted), it suggests with the same
/// case-insensitive matching the names are parsed with. The error is clap's
/// usual invalid-value error: the bad value, the valid names, the tip.
#[derive(Debug, Clone, Copy)]
pub struct EventTypeParser;

impl clap::builder::TypedValueParser for EventTypeParser {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<String, clap::Error> {
        use clap::error::{ContextKind, ContextValue, ErrorKind};

        let text = value.to_string_lossy();
        if text.eq_ignore_ascii_case("help") {
            // `--type help`: every name, one per line on stdout, exit 0 (the
            // kind clap prints as help).
            let names: Vec<&str> = crate::webcast::EventKind::ALL
                .iter()
                .map(|k| k.name())
                .collect();
            let mut listing = clap::Error::new(ErrorKind::DisplayHelp);
            listing.insert(
                ContextKind::Custom,
                ContextValue::String(format!("{}\n", names.join("\n"))),
            );
            return Err(listing);
        }
        match text.parse::<crate::webcast::EventKind>() {
            Ok(kind) => Ok(kind.name().to_string()),
            Err(unknown) => {
                let mut err = clap::Error::new(ErrorKind::InvalidValue).with_cmd(cmd);
                err.insert(
                    ContextKind::InvalidArg,
                    ContextValue::String(arg.map_or_else(|| "...".into(), ToString::to_string)),
                );
                err.insert(
                    ContextKind::InvalidValue,
                    ContextValue::String(text.into_owned()),
                );
                err.insert(
                    ContextKind::ValidValue,
                    ContextValue::Strings(
                        crate::webcast::EventKind::ALL
                            .iter()
                            .map(|k| k.name().to_string())
                            .collect(),
                    ),
                );
                if let Some(suggestion) = unknown.suggestion {
                    err.insert(
                        ContextKind::SuggestedValue,
                        ContextValue::String(suggestion.to_string()),
                    );
                }
                Err(err)
            }
        }
    }

    fn possible_values(
        &self,
    ) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        Some(Box::new(
            crate::webcast::EventKind::ALL
                .iter()
                .map(|k| clap::builder::PossibleValue::new(k.name())),
        ))
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use crate::webcast::EventKind;

    use super::*;

    #[test]
    fn the_cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    /// Every (sub)command of `cmd` with the words that name it.
    fn all_commands(
        cmd: &clap::Command,
        path: Vec<String>,
        out: &mut Vec<(Vec<String>, clap::Command)>,
    ) {
        for sub in cmd.get_subcommands() {
            let mut p = path.clone();
            p.push(sub.get_name().to_string());
            all_commands(sub, p, out);
        }
        out.push((path, cmd.clone()));
    }

    /// An argument as the parser sees it: its help and what `--help` hides
    /// (the argument, its variable, its default) left out.
    fn as_parsed(arg: &clap::Arg) -> String {
        let arg = arg
            .clone()
            .help(None::<&str>)
            .long_help(None::<&str>)
            .hide(false)
            .hide_env(false)
            .hide_default_value(false);
        format!("{arg:?}")
    }

    /// The parser differs from the documented command in help only: the
    /// same commands with the same arguments, read the same way.
    #[test]
    fn the_parser_is_the_documented_command_without_its_help() {
        let (mut parsed, mut documented) = (Vec::new(), Vec::new());
        all_commands(&parser(), Vec::new(), &mut parsed);
        all_commands(&command(), Vec::new(), &mut documented);
        assert_eq!(parsed.len(), documented.len());
        assert!(parsed.len() > 15, "{}", parsed.len());
        let mut helped = 0;
        for ((path, p), (dpath, d)) in parsed.iter().zip(&documented) {
            assert_eq!(path, dpath);
            let p_args: Vec<String> = p.get_arguments().map(as_parsed).collect();
            let d_args: Vec<String> = d.get_arguments().map(as_parsed).collect();
            assert_eq!(p_args, d_args, "{path:?}");
            let p_groups: Vec<String> = p.get_groups().map(|g| format!("{g:?}")).collect();
            let d_groups: Vec<String> = d.get_groups().map(|g| format!("{g:?}")).collect();
            assert_eq!(p_groups, d_groups, "{path:?}");
            helped += p
                .get_arguments()
                .zip(d.get_arguments())
                .filter(|(p, d)| format!("{p:?}") != format!("{d:?}"))
                .count();
        }
        // The comparison is not vacuous: many flags differ in their help.
        assert!(helped > 50, "{helped}");
    }

    /// A command as the parser sees it: without its summary, after-help and
    /// place in its parent's list, and (`top`) without its subcommands.
    fn as_parsed_command(cmd: &clap::Command, top: bool) -> String {
        let cmd = cmd
            .clone()
            .about(None::<&str>)
            .long_about(None::<&str>)
            .after_help(None::<&str>)
            .after_long_help(None::<&str>)
            .display_order(0);
        let text = format!("{cmd:#?}");
        let mut out = String::new();
        let mut skip = false;
        for line in text.lines() {
            let field = line.strip_prefix("    ").filter(|l| !l.starts_with(' '));
            if let Some(field) = field {
                skip = top
                    && (field.starts_with("subcommands:")
                        || field.starts_with("current_disp_ord:"));
            }
            if !skip {
                out.push_str(line);
                out.push('\n');
            }
        }
        out
    }

    /// `parse` builds one subcommand alone: the same top level and the same
    /// subcommand as [`parser`], but for summaries and after-help.
    #[test]
    fn a_subcommand_alone_is_the_parsers_subcommand() {
        let full = parser();
        for sub in full.get_subcommands() {
            let name = sub.get_name();
            if !PARSED_ALONE.contains(&name) {
                assert!(["completions", "man"].contains(&name), "{name}");
                continue;
            }
            let alone = parser_with(subcommand_alone(name).unwrap());
            assert_eq!(
                as_parsed_command(&alone, true),
                as_parsed_command(&full, true),
                "{name}"
            );
            assert_eq!(alone.get_subcommands().count(), 1);
            let alone_sub = alone.find_subcommand(name).unwrap();
            assert!(alone_sub.get_arguments().count() > 0 || alone_sub.has_subcommands());
            assert_eq!(
                as_parsed_command(alone_sub, false),
                as_parsed_command(sub, false),
                "{name}"
            );
        }
        assert!(subcommand_alone("man").is_none());
    }

    /// The same ids, values and sources, and the same subcommand matches.
    #[track_caller]
    fn assert_same_matches(a: &clap::ArgMatches, b: &clap::ArgMatches, line: &[&str]) {
        let ids = |m: &clap::ArgMatches| {
            let mut ids: Vec<String> = m.ids().map(|i| i.as_str().to_string()).collect();
            ids.sort();
            ids
        };
        assert_eq!(ids(a), ids(b), "{line:?}");
        for id in ids(a) {
            assert_eq!(a.value_source(&id), b.value_source(&id), "{line:?} {id}");
            let raw = |m: &clap::ArgMatches| {
                m.get_raw(&id)
                    .map(|v| v.map(|v| v.to_os_string()).collect::<Vec<_>>())
            };
            assert_eq!(raw(a), raw(b), "{line:?} {id}");
        }
        assert_eq!(a.subcommand(), b.subcommand(), "{line:?}");
    }

    /// The same command lines give the same matches and the same [`Cli`]
    /// (or are refused by both) with the parser and the documented command.
    #[test]
    fn the_parser_reads_what_the_documented_command_reads() {
        let lines: &[&[&str]] = &[
            &["watch", "--replay", "x.cap", "--threads", "1"],
            &[
                "-q",
                "--color",
                "never",
                "watch",
                "@a",
                "b",
                "-t",
                "GIFT,chat",
                "-n",
                "5",
            ],
            &["watch", "--demo", "--limit", "-1"],
            &[
                "watch",
                "--demo",
                "--speed",
                "max",
                "--gift-streaks",
                "final",
                "-vv",
            ],
            &[
                "watch",
                "a",
                "--room-id",
                "123",
                "--sign-budget",
                "-3",
                "--idle-timeout",
                "9",
            ],
            &[
                "watch",
                "a",
                "--sink",
                "nats://h:1",
                "--nats-max-age",
                "-5s",
                "--nats-replicas",
                "3",
            ],
            &[
                "watch",
                "a",
                "--format",
                "pretty",
                "--record",
                "r.cap",
                "--wait",
                "--max-retries",
                "2",
            ],
            &[
                "forward",
                "--demo",
                "--to",
                "http://x/",
                "--to",
                "http://y/",
                "--dry-run",
            ],
            &[
                "forward",
                "--from",
                "nats://h",
                "--to",
                "http://x/",
                "--deliver",
                "new",
                "--ack-wait",
                "-5s",
            ],
            &[
                "serve",
                "--demo",
                "--listen",
                "0.0.0.0:1",
                "--api-key",
                "k",
                "--buffer",
                "10",
            ],
            &["serve", "--from", "nats://h", "--type", "chat"],
            &["info", "alice", "bob", "--proxy", "socks5://p"],
            &[
                "webhooks",
                "add",
                "http://x/",
                "--name",
                "n",
                "--secret",
                "s",
                "-t",
                "gift",
            ],
            &["webhooks", "list"],
            &["webhooks", "remove", "1"],
            &["webhooks", "test", "2", "--db", "d.db"],
            &["worker", "--nats", "nats://h"],
            &["streamers", "add", "a", "b", "--nats", "nats://h"],
            &["streamers", "list", "--nats", "nats://h", "--json"],
            &["cluster", "status", "--nats", "nats://h"],
            &[
                "config",
                "--sign-url",
                "http://s/",
                "--room-id",
                "5",
                "--nats",
                "nats://h",
            ],
            &["completions", "zsh"],
            &["man"],
            &["watch", "--demo", "--replay", "x"],
            &["watch", "--bogus"],
            &["watch", "--demo", "--type", "help"],
            &["watch", "--demo", "--type", "gfit"],
            &["watch", "--limit", "0"],
            &["watch", "--help"],
            &["--version"],
            &["help", "watch"],
            &["wach"],
            &[],
        ];
        for line in lines {
            let args: Vec<std::ffi::OsString> = std::iter::once("tiklive")
                .chain(line.iter().copied())
                .map(Into::into)
                .collect();
            let quick = parse(&args);
            let documented = command()
                .try_get_matches_from(&args)
                .and_then(|m| <Cli as clap::FromArgMatches>::from_arg_matches(&m).map(|c| (c, m)));
            match (quick, documented) {
                (Ok((qc, qm)), Ok((dc, dm))) => {
                    assert_same_matches(&qm, &dm, line);
                    assert_eq!(format!("{qc:?}"), format!("{dc:?}"), "{line:?}");
                }
                (Err(q), Err(d)) => assert_eq!(q.kind(), d.kind(), "{line:?}"),
                (q, d) => panic!("{line:?}: {:?} but {:?}", q.map(|_| ()), d.map(|_| ())),
            }
        }
    }

    #[test]
    fn the_lease_ttl_default_is_the_one_status_assumes() {
        let cli =
            Cli::try_parse_from(["tiklive", "worker", "--nats", "nats://127.0.0.1:1"]).unwrap();
        let Command::Worker(w) = cli.command else {
            panic!()
        };
        let ttl = crate::config::parse_duration(&w.lease_ttl).unwrap();
        assert_eq!(
            ttl.as_millis() as i64,
            crate::nats::kv::DEFAULT_LEASE_TTL_MS
        );
    }

    #[test]
    fn config_shows_every_setting_flag_and_no_live_only_flag() {
        let cmd = command();
        let config = cmd.find_subcommand("config").unwrap();
        let shown: Vec<String> = config
            .get_arguments()
            .filter(|a| !a.is_hide_set())
            .filter_map(|a| a.get_long().map(|l| format!("--{l}")))
            .collect();
        for row in crate::settings::SETTINGS {
            if let Some(flag) = row.flag {
                assert!(shown.iter().any(|f| f == flag), "{flag} not in {shown:?}");
            }
        }
        for live_only in ["--room-id", "--wait", "--max-retries", "--idle-timeout"] {
            assert!(!shown.iter().any(|f| f == live_only), "{live_only} shown");
        }
    }

    #[test]
    fn every_subcommand_has_a_summary_and_examples() {
        for sub in Cli::command().get_subcommands() {
            let name = sub.get_name();
            assert!(
                sub.get_about().is_some_and(|a| !a.to_string().is_empty()),
                "{name}: no summary"
            );
            let after = sub
                .get_after_help()
                .map(|h| h.to_string())
                .unwrap_or_default();
            assert!(after.contains("Example"), "{name}: no examples in --help");
        }
        let main = Cli::command()
            .get_after_help()
            .map(|h| h.to_string())
            .unwrap_or_default();
        assert!(main.contains("Exit codes:") && main.contains("130"));
    }

    #[test]
    fn types_split_on_commas_and_ignore_case() {
        let cli = Cli::try_parse_from([
            "tiklive",
            "watch",
            "--demo",
            "--type",
            "GIFT,chat",
            "-t",
            "like",
        ])
        .unwrap();
        let Command::Watch(w) = cli.command else {
            panic!()
        };
        let opts = crate::config::resolve_filter(&w.input.filter).unwrap();
        assert_eq!(
            opts.wanted.iter().collect::<Vec<_>>(),
            [EventKind::Chat, EventKind::Gift, EventKind::Like]
        );
    }

    #[test]
    fn an_unknown_type_is_a_usage_error() {
        let err =
            Cli::try_parse_from(["tiklive", "watch", "--demo", "--type", "gfit"]).unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::InvalidValue);
        assert!(err.to_string().contains("gift"), "{err}");
        // The tip ignores case, as the names do.
        let err =
            Cli::try_parse_from(["tiklive", "watch", "--demo", "-t", "ROOMUPDAT"]).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("a similar value exists: 'roomUpdate'"),
            "{text}"
        );
        assert!(
            text.contains("[possible values: connected, disconnected, "),
            "{text}"
        );
    }
}
