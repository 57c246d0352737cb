//! NATS JetStream: the scale-out edge. Events are published to a stream
//! (`--sink nats://…`), workers share the streamers through KV buckets
//! (`tiklive worker`), and consumers read the stream back (`forward --from`,
//! `serve --from`). Everything here talks to `nats-server` through the
//! `async-nats` crate; tested against real `nats-server` 2.9 processes on
//! loopback (`tests/nats.rs`).

pub mod budget;
pub mod forward;
pub mod kv;
pub mod mirror;
pub mod namespace;
pub mod outage;
pub mod publish;
pub mod read;
pub mod rendezvous;
pub mod stream;
pub mod subject;
pub mod worker;

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context as _, Result};
use async_nats::jetstream;
use async_nats::{ConnectOptions, ServerAddr};
use tokio_util::sync::CancellationToken;

use crate::cli::NatsArgs;
use crate::error::Failure;
use crate::nats::namespace::Namespace;
use crate::nats::stream::{MIN_DUPLICATE_WINDOW, StreamSettings};

/// The NATS settings of one command: servers, credentials, the names of
/// this deployment, the stream.
#[derive(Debug, Clone)]
pub struct NatsConfig {
    pub target: NatsTarget,
    pub ns: Namespace,
    pub stream: StreamSettings,
    /// Publishes in flight at most.
    pub window: usize,
}

impl NatsConfig {
    /// Resolve `url` and the `--nats-*` options. Errors are usage errors.
    pub fn resolve(url: &str, args: &NatsArgs) -> Result<NatsConfig> {
        let target = NatsTarget::resolve(url, &args.auth)?;
        let duplicate_window =
            crate::config::duration_flag("--nats-duplicate-window", &args.nats_duplicate_window)?;
        if duplicate_window < MIN_DUPLICATE_WINDOW {
            anyhow::bail!(Failure::usage(
                "--nats-duplicate-window must be at least 2m (a takeover's overlap must be absorbed)"
            ));
        }
        if !(1..=5).contains(&args.nats_replicas) {
            anyhow::bail!(Failure::usage("--nats-replicas must be 1 to 5"));
        }
        let max_age = args
            .nats_max_age
            .as_deref()
            .map(|v| crate::config::duration_flag("--nats-max-age", v))
            .transpose()?
            .unwrap_or(Duration::ZERO);
        let max_bytes = args
            .nats_max_bytes
            .map(|b| i64::try_from(b).map_err(|_| Failure::usage("--nats-max-bytes is too large")))
            .transpose()?;
        let ns = Namespace::new(&args.prefix.nats_prefix)?;
        let name = ns.stream(args.nats_stream.as_deref())?;
        Ok(NatsConfig {
            target,
            stream: StreamSettings {
                name,
                subjects: ns.events_filter(),
                replicas: args.nats_replicas,
                max_age,
                max_bytes,
                duplicate_window,
            },
            ns,
            window: args.nats_window.max(1),
        })
    }
}

/// A JetStream stream name (`--nats-stream`): not empty, no `.`, `*`, `>`
/// or spaces. Errors are usage errors.
pub fn check_stream_name(name: &str) -> Result<()> {
    if name.is_empty() || name.contains(['.', '*', '>', ' ']) {
        anyhow::bail!(Failure::usage(format!(
            "invalid stream name '{name}': no '.', '*', '>' or spaces"
        )));
    }
    Ok(())
}

/// How to reach the NATS servers: `nats://[user:pass@]HOST:PORT[,HOST:PORT…]`
/// plus an optional token or `.creds` file.
#[derive(Debug, Clone)]
pub struct NatsTarget {
    /// The servers, as given (credentials in the URL are kept for the client).
    pub servers: Vec<ServerAddr>,
    /// A `.creds` file (JWT + NKey seed), the usual NATS way.
    pub creds: Option<PathBuf>,
    /// A token (`--nats-token`, `NATS_TOKEN`).
    pub token: Option<String>,
}

impl NatsTarget {
    /// Parse a comma-separated server list. Entries after the first may omit
    /// the scheme (`nats://a:4222,b:4222`). Errors are usage errors.
    /// [`NatsTarget::parse`] with the `--nats-creds` / `--nats-token` options.
    pub fn resolve(url: &str, auth: &crate::cli::NatsAuthArgs) -> Result<NatsTarget> {
        NatsTarget::parse(url, auth.nats_creds.clone(), auth.nats_token.clone())
    }

    pub fn parse(url: &str, creds: Option<PathBuf>, token: Option<String>) -> Result<NatsTarget> {
        let mut servers = Vec::new();
        let mut scheme = "nats";
        for part in url.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let full = if let Some((s, _)) = part.split_once("://") {
                scheme = s;
                part.to_string()
            } else {
                format!("{scheme}://{part}")
            };
            if !matches!(scheme, "nats" | "tls") {
                anyhow::bail!(Failure::usage(format!(
                    "invalid NATS URL '{part}': use nats://HOST:PORT[,HOST:PORT…]"
                )));
            }
            let addr: ServerAddr = full.parse().map_err(|e| {
                Failure::usage(format!(
                    "invalid NATS URL '{part}': {e}; use nats://HOST:PORT[,HOST:PORT…]"
                ))
            })?;
            if addr.host().is_empty() {
                anyhow::bail!(Failure::usage(format!(
                    "invalid NATS URL '{part}': no host; use nats://HOST:PORT[,HOST:PORT…]"
                )));
            }
            servers.push(addr);
        }
        if servers.is_empty() {
            anyhow::bail!(Failure::usage(
                "no NATS server given: use nats://HOST:PORT[,HOST:PORT…]"
            ));
        }
        Ok(NatsTarget {
            servers,
            creds,
            token,
        })
    }

    /// The servers as `host:port`, for messages (no credentials).
    pub fn display(&self) -> String {
        self.servers
            .iter()
            .map(|s| format!("{}:{}", s.host(), s.port()))
            .collect::<Vec<_>>()
            .join(",")
    }

    /// The servers whose host name does not resolve (asked once, with the
    /// system resolver; an IP address always resolves), as `host`.
    pub async fn unresolved(&self) -> Vec<String> {
        let mut out = Vec::new();
        for s in &self.servers {
            let host = s.host().trim_start_matches('[').trim_end_matches(']');
            let lookup = tokio::time::timeout(
                Duration::from_secs(5),
                tokio::net::lookup_host((host, s.port())),
            )
            .await;
            if matches!(lookup, Ok(Err(_))) {
                out.push(host.to_string());
            }
        }
        out
    }

    /// Connect. The client keeps reconnecting forever in the background, so a
    /// server that goes away later only delays publishes (see
    /// [`publish`]). The first connection is retried in the background too:
    /// tiklive starts even while the engine is still coming up.
    pub async fn connect(&self, name: &str) -> Result<async_nats::Client> {
        let opts = self.options(name).await?.retry_on_initial_connect();
        opts.connect(self.servers.clone())
            .await
            .with_context(|| format!("cannot connect to NATS at {}", self.display()))
    }

    /// Connect for a one-shot command (`streamers`, `cluster status`): no
    /// server reachable now is an error at once (after the 5 s connection
    /// timeout at most), not a wait.
    ///
    /// # Errors
    /// `cannot reach NATS at HOST:PORT: …` (exit 1); bad credentials as in
    /// [`NatsTarget::connect`].
    pub async fn connect_now(&self, name: &str) -> Result<async_nats::Client> {
        let opts = self.options(name).await?;
        let client = opts.connect(self.servers.clone()).await.map_err(|e| {
            anyhow::anyhow!(
                "cannot reach NATS at {}: {e}; is nats-server running (with -js)?",
                self.display()
            )
        })?;
        self.require_jetstream(&client)?;
        Ok(client)
    }

    /// Whether the server `client` is connected to runs JetStream, from the
    /// `INFO` it sent (`jetstream: true`); nothing is said while not
    /// connected.
    ///
    /// # Errors
    /// A usage error (exit 2) naming the servers and the `-js` flag: a
    /// server started without JetStream answers every JetStream request
    /// with "jetstream unavailable" or "resource does not exist", which
    /// read like an outage or a missing stream.
    pub fn require_jetstream(&self, client: &async_nats::Client) -> Result<()> {
        let connected = client.connection_state() == async_nats::connection::State::Connected;
        if connected && !client.server_info().jetstream {
            anyhow::bail!(Failure::usage(format!(
                "NATS at {} runs without JetStream; start nats-server with -js (or a jetstream block in its configuration)",
                self.display()
            )));
        }
        Ok(())
    }

    async fn options(&self, name: &str) -> Result<ConnectOptions> {
        let mut opts = ConnectOptions::new()
            .name(name)
            .connection_timeout(Duration::from_secs(5))
            .max_reconnects(None::<usize>);
        if let Some(path) = &self.creds {
            opts = opts
                .credentials_file(path)
                .await
                .with_context(|| format!("cannot read the NATS credentials {}", path.display()))
                .map_err(|e| Failure::usage(format!("{e:#}")))?;
        }
        if let Some(token) = &self.token {
            opts = opts.token(token.clone());
        }
        Ok(opts)
    }
}

/// Connect and open the events stream (creating it if missing). While the
/// engine is unreachable this waits, saying so once on stderr; a refusal
/// from the server (bad credentials, too many replicas for the cluster) is an
/// error. `Ok(None)`: cancelled while waiting.
pub async fn open_events(
    cfg: &NatsConfig,
    client_name: &str,
    cancel: &CancellationToken,
    quiet: bool,
) -> Result<Option<(async_nats::Client, jetstream::Context)>> {
    let client = cfg.target.connect(client_name).await?;
    let js = jetstream::ContextBuilder::new()
        .timeout(Duration::from_secs(5))
        .ack_timeout(publish::ACK_TIMEOUT)
        .max_ack_inflight(cfg.window.saturating_mul(2).max(64))
        .backpressure_on_inflight(true)
        .build(client.clone());
    let mut said = false;
    // Say at once when the servers are not reachable (the client keeps trying).
    tokio::select! {
        _ = cancel.cancelled() => return Ok(None),
        _ = tokio::time::sleep(Duration::from_millis(500)) => {}
        _ = wait_connected(&client) => {}
    }
    if client.connection_state() != async_nats::connection::State::Connected {
        if !quiet {
            // Why, when we can tell: a name that does not resolve is most
            // likely a typo in --nats, though the engine may be coming up.
            let unresolved = cfg.target.unresolved().await;
            let why = if unresolved.is_empty() {
                "not reachable yet".to_string()
            } else {
                format!(
                    "the name {} does not resolve yet; check the NATS URL",
                    unresolved.join(", ")
                )
            };
            crate::term::note(format_args!(
                "waiting for NATS at {} ({why}); retrying",
                cfg.target.display()
            ));
        }
        said = true;
        tokio::select! {
            _ = cancel.cancelled() => return Ok(None),
            _ = wait_connected(&client) => {}
        }
    }
    loop {
        cfg.target.require_jetstream(&client)?;
        match stream::ensure_stream(&js, &cfg.stream).await {
            Ok(_) => {
                if said && !quiet {
                    crate::term::note(format_args!("NATS at {} is up", cfg.target.display()));
                }
                return Ok(Some((client, js)));
            }
            // Not our stream's subjects: one line that says what to do.
            Err(e) if e.chain().any(|c| c.is::<Failure>()) => return Err(e),
            Err(e) if is_refusal(&e) => {
                return Err(e.context(format!("NATS at {} refused", cfg.target.display())));
            }
            Err(e) => {
                if !said && !quiet {
                    let hint = if is_short_of_nodes(&e) {
                        format!(
                            "; {} replicas want {} nodes up",
                            cfg.stream.replicas, cfg.stream.replicas
                        )
                    } else {
                        String::new()
                    };
                    crate::term::note(format_args!(
                        "waiting for NATS at {} to open stream {} ({:#}{hint}); retrying",
                        cfg.target.display(),
                        cfg.stream.name,
                        e
                    ));
                }
                said = true;
                tokio::select! {
                    _ = cancel.cancelled() => return Ok(None),
                    _ = tokio::time::sleep(Duration::from_millis(500)) => {}
                }
            }
        }
    }
}

/// Return once the client is connected.
pub(crate) async fn wait_connected(client: &async_nats::Client) {
    while client.connection_state() != async_nats::connection::State::Connected {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Whether the server answered with a JetStream error that will not pass by
/// waiting (as opposed to not answering at all).
///
/// Not refusals, waited for:
/// - a 503 (`JetStream system temporarily unavailable`, error code 10008): a
///   cluster answers so until it has elected its meta leader, for a few
///   seconds after its nodes start, and the stream opens once it has;
/// - `no suitable peers for placement` (400, error code 10005): fewer nodes
///   are up than the stream's replicas, as while a cluster's nodes are still
///   starting (its meta leader is elected by a quorum, before the last node
///   has joined) or while one is down. The stream opens once enough nodes are
///   up. Seen with nats-server 2.10: two of three nodes up, an R3 stream
///   (tests/nats.rs, `an_r3_stream_waits_for_the_clusters_third_node`).
fn is_refusal(e: &anyhow::Error) -> bool {
    use async_nats::jetstream::ErrorCode;
    use async_nats::jetstream::context::{CreateStreamError, CreateStreamErrorKind};
    e.chain().any(|c| {
        c.downcast_ref::<CreateStreamError>()
            .is_some_and(|ce| match ce.kind() {
                CreateStreamErrorKind::JetStream(js) => {
                    js.code() != 503
                        && js.error_code() != ErrorCode::CLUSTER_NOT_AVAILABLE
                        && js.error_code() != ErrorCode::CLUSTER_NO_PEERS
                }
                _ => false,
            })
    })
}

/// Whether the server could not place the stream's replicas: fewer nodes
/// are up than the stream wants (error code 10005, see [`is_refusal`]).
fn is_short_of_nodes(e: &anyhow::Error) -> bool {
    use async_nats::jetstream::ErrorCode;
    use async_nats::jetstream::context::{CreateStreamError, CreateStreamErrorKind};
    e.chain().any(|c| {
        c.downcast_ref::<CreateStreamError>()
            .is_some_and(|ce| match ce.kind() {
                CreateStreamErrorKind::JetStream(js) => {
                    js.error_code() == ErrorCode::CLUSTER_NO_PEERS
                }
                _ => false,
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn addresses_and_localhost_always_resolve() {
        // Only names the resolver answers locally: no lookup leaves the machine.
        let t = NatsTarget::parse(
            "nats://127.0.0.1:4222,[::1]:4223,localhost:4224",
            None,
            None,
        )
        .unwrap();
        assert_eq!(t.unresolved().await, Vec::<String>::new());
    }

    #[test]
    fn a_cluster_without_a_leader_is_waited_for_not_refused() {
        use async_nats::jetstream::context::{CreateStreamError, CreateStreamErrorKind};
        let answer = |json: &str| {
            let js: async_nats::jetstream::Error = serde_json::from_str(json).unwrap();
            anyhow::Error::new(CreateStreamError::new(CreateStreamErrorKind::JetStream(js)))
                .context("cannot open or create the JetStream stream TIKLIVE_EVENTS")
        };
        let unavailable = answer(
            r#"{"code":503,"err_code":10008,"description":"JetStream system temporarily unavailable"}"#,
        );
        assert!(!is_refusal(&unavailable));
        let replicas = answer(
            r#"{"code":500,"err_code":10074,"description":"replicas > 1 not supported in non-clustered mode"}"#,
        );
        assert!(is_refusal(&replicas));
        let placement = answer(
            r#"{"code":400,"err_code":10005,"description":"no suitable peers for placement"}"#,
        );
        assert!(!is_refusal(&placement));
        assert!(is_short_of_nodes(&placement) && !is_short_of_nodes(&unavailable));
    }

    #[test]
    fn server_lists_parse() {
        let t = NatsTarget::parse("nats://u:p@127.0.0.1:4222,127.0.0.1:4223", None, None).unwrap();
        assert_eq!(t.servers.len(), 2);
        assert_eq!(t.display(), "127.0.0.1:4222,127.0.0.1:4223");
        assert!(t.servers[0].has_user_pass());
        for bad in ["nats://", "nats://:4222", "", "http://x:1", ","] {
            assert!(NatsTarget::parse(bad, None, None).is_err(), "{bad}");
        }
    }
}
