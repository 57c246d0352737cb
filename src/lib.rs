//! tiklive: TikTok LIVE events as NDJSON, signed webhooks and a REST API.
//!
//! `main.rs` hands the arguments to [`run`], which returns the exit code.

pub mod cli;
pub mod clock;
pub mod cmd;
pub mod config;
pub mod demo;
pub mod error;
pub mod format;
pub mod ids;
pub mod live;
pub mod nats;
pub mod pipeline;
pub mod progress;
pub mod random;
pub mod record;
pub mod redact;
pub mod secret;
pub mod serve;
pub mod settings;
pub mod shutdown;
pub mod source;
pub mod store;
pub mod term;
pub mod usage;
pub mod version;
pub mod webcast;
pub mod webhook;

use std::ffi::OsString;
use std::process::ExitCode;

use clap::FromArgMatches;

use crate::cli::{Cli, Command};
use crate::config::Terminal;
use crate::error::{Code, code_of, message_of};
use crate::shutdown::Shutdown;

/// Parse `args`, run the command, print any error once, return the exit code.
pub fn run(args: impl IntoIterator<Item = OsString>) -> ExitCode {
    let cwd = std::env::current_dir().unwrap_or_default();
    let dotenv = match config::load_dotenv(&cwd) {
        Ok(d) => d,
        Err(e) => {
            term::error(message_of(&e));
            return code_of(&e).exit_code();
        }
    };
    let args: Vec<OsString> = args.into_iter().collect();
    let (cli, matches) = match cli::parse(&args) {
        Ok(ok) => ok,
        Err(_) => match parse_documented(&args) {
            Ok(ok) => ok,
            Err(code) => return code,
        },
    };
    let term = Terminal::detect(&cli.global);
    init_logging(term.verbose, term.color_stderr);
    for warning in config::unknown_variable_warnings() {
        term::warn_config(warning);
    }
    let _ = rustls::crypto::ring::default_provider().install_default();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            term::error(format_args!("cannot start the async runtime: {e}"));
            return Code::Runtime.exit_code();
        }
    };
    let result = runtime.block_on(async move {
        let shutdown = Shutdown::install(term.quiet);
        dispatch(cli, &matches, term, shutdown, dotenv).await
    });
    // Do not wait for blocking tasks still parked (e.g. a stdin reader).
    runtime.shutdown_timeout(std::time::Duration::from_millis(100));
    match result {
        Ok(code) => code.exit_code(),
        Err(err) => {
            let code = code_of(&err);
            if code != Code::Ok {
                term::error(message_of(&err));
            }
            code.exit_code()
        }
    }
}

/// A command line that [`cli::parse`] refused, parsed again with the
/// documented command ([`cli::command`]): it prints help, a version or a
/// `--type help` listing (stdout, exit 0), or the usage error as one line and
/// a hint (exit 2). Both commands accept the same command lines, so this
/// returns the parsed command line only if they ever disagree.
fn parse_documented(args: &[OsString]) -> Result<(Cli, clap::ArgMatches), ExitCode> {
    let command = cli::command();
    let parsed = command
        .clone()
        .try_get_matches_from(args)
        .and_then(|m| Cli::from_arg_matches(&m).map(|cli| (cli, m)));
    match parsed {
        Ok(ok) => Ok(ok),
        Err(e) if !e.use_stderr() => {
            // Help and version: stdout, exit 0. A listing (`--type help`)
            // is printed as it is.
            let _ = match e.get(clap::error::ContextKind::Custom) {
                Some(clap::error::ContextValue::String(listing)) => {
                    term::print_stdout(listing).map_err(|_| ())
                }
                _ => e.print().map_err(|_| ()),
            };
            Err(Code::Ok.exit_code())
        }
        Err(e) => {
            let usage = usage::explain(&e, &command, args);
            term::error(usage.message);
            term::note(usage.hint);
            Err(Code::Usage.exit_code())
        }
    }
}

async fn dispatch(
    cli: Cli,
    matches: &clap::ArgMatches,
    term: Terminal,
    shutdown: Shutdown,
    dotenv: config::Dotenv,
) -> anyhow::Result<Code> {
    match cli.command {
        Command::Watch(args) => {
            if let Some(sub) = matches.subcommand_matches("watch") {
                cmd::watch::check_nats_options(sub, args.sink.is_some())?;
            }
            cmd::watch::run(args, term, shutdown).await
        }
        Command::Info(args) => cmd::info::run(args).await,
        Command::Config(_) => {
            let sub = matches.subcommand_matches("config").unwrap_or(matches);
            cmd::config::run(sub, &dotenv, &term)
        }
        Command::Completions { shell } => cmd::generate::print_completion(shell).map(|()| Code::Ok),
        Command::Man => cmd::generate::print_man().map(|()| Code::Ok),
        Command::Forward(args) => cmd::forward::run(args, term, shutdown).await,
        Command::Webhooks(command) => cmd::webhooks::run(command, term).await,
        Command::Serve(args) => cmd::serve::run(args, term, shutdown).await,
        Command::Worker(args) => cmd::worker::run(args, term, shutdown).await,
        Command::Streamers(command) => cmd::streamers::run(command, term).await,
        Command::Cluster(command) => cmd::cluster::run(command, term).await,
    }
}

/// `-v` / `-vv` logs on stderr, coloured only when stderr's colour choice
/// (`--color`, `NO_COLOR`, a terminal) says so.
fn init_logging(verbose: u8, color: bool) {
    if verbose == 0 {
        return;
    }
    let level = if verbose == 1 {
        "tiklive=debug"
    } else {
        "tiklive=trace,info"
    };
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(tracing_subscriber::EnvFilter::new(level))
        .with_target(false)
        .with_ansi(color)
        .try_init();
}
