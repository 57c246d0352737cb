//! `tiklive streamers add|remove|list --nats URL`: the set a worker pool watches.

use anyhow::{Context as _, Result};
use serde_json::json;

use crate::cli::{NatsConnArgs, StreamersCommand};
use crate::clock::now_ms;
use crate::config::{self, Terminal};
use crate::error::Code;
use crate::nats::NatsTarget;
use crate::nats::kv::{Buckets, Lease, StreamerEntry, decode, encode, entries};
use crate::nats::namespace::Namespace;
use crate::nats::worker::{key_of, pool_user};
use crate::term;

/// Whether a command may create the pool's buckets (only `streamers add`)
/// or reads what is there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Open {
    /// Create the buckets that are missing (`streamers add`).
    Create,
    /// Open only what exists; no pool yet is `None`, not an error.
    Existing,
}

/// Connect (an unreachable server is an error at once) and open the pool's
/// buckets. `Ok((client, None))`: [`Open::Existing`] and there is no pool on
/// this server yet.
pub async fn open(
    conn: &NatsConnArgs,
    what: &str,
    how: Open,
) -> Result<(async_nats::Client, Option<Buckets>)> {
    let target = NatsTarget::resolve(&conn.url, &conn.auth)?;
    let ns = Namespace::new(&conn.prefix.nats_prefix)?;
    let client = target.connect_now(what).await?;
    let js = async_nats::jetstream::ContextBuilder::new()
        .timeout(std::time::Duration::from_secs(5))
        .build(client.clone());
    let buckets = match how {
        Open::Create => Buckets::open(&js, &ns, 1, std::time::Duration::from_secs(10))
            .await
            .map(Some),
        Open::Existing => Buckets::open_existing(&js, &ns).await,
    }
    .with_context(|| format!("NATS at {} did not answer", target.display()))?;
    Ok((client, buckets))
}

pub async fn run(command: StreamersCommand, term: Terminal) -> Result<Code> {
    match command {
        StreamersCommand::Add { users, conn } => {
            let users = parse_users(&users)?;
            let (_c, b) = open(&conn, "tiklive streamers", Open::Create).await?;
            let b = b.context("the buckets were just opened")?;
            let mut added = 0;
            for user in &users {
                let value = encode(&StreamerEntry {
                    user: user.clone(),
                    added_ms: now_ms(),
                });
                if b.streamers.create(key_of(user), value).await.is_ok() {
                    added += 1;
                }
            }
            if !term.quiet {
                term::note(format_args!(
                    "added {added} streamer(s) ({} already in the set)",
                    users.len() - added
                ));
            }
        }
        StreamersCommand::Remove { users, conn } => {
            let users = parse_users(&users)?;
            // No set yet: nothing to remove, and nothing is created.
            let mut removed = 0;
            if let (_c, Some(b)) = open(&conn, "tiklive streamers", Open::Existing).await? {
                // Every entry of the handle, also one added with other case
                // before handles were normalised.
                let set = entries(&b.streamers).await?;
                for user in &users {
                    let keys: Vec<&str> = set
                        .iter()
                        .filter(|e| {
                            decode::<StreamerEntry>(&e.value)
                                .is_some_and(|s| pool_user(&s.user) == *user)
                        })
                        .map(|e| e.key.as_str())
                        .collect();
                    for key in &keys {
                        b.streamers
                            .delete(key)
                            .await
                            .with_context(|| format!("cannot remove @{user}"))?;
                    }
                    removed += usize::from(!keys.is_empty());
                }
            }
            if !term.quiet {
                term::note(format_args!(
                    "removed {removed} streamer(s) ({} not in the set)",
                    users.len() - removed
                ));
            }
        }
        StreamersCommand::List { json, conn } => {
            let (_c, b) = open(&conn, "tiklive streamers", Open::Existing).await?;
            // No set yet: an empty list.
            let (leases, set) = match &b {
                Some(b) => (entries(&b.leases).await?, entries(&b.streamers).await?),
                None => (Vec::new(), Vec::new()),
            };
            let now = now_ms();
            let mut out = String::new();
            // Each handle once, normalised (an old `Alice` beside `alice` is
            // one streamer).
            let users: std::collections::BTreeSet<String> = set
                .iter()
                .filter_map(|e| decode::<StreamerEntry>(&e.value))
                .map(|s| pool_user(&s.user))
                .collect();
            for user in users {
                if json {
                    let key = key_of(&user);
                    let owner = leases
                        .iter()
                        .find(|l| l.key == key)
                        .and_then(|l| decode::<Lease>(&l.value));
                    let line = json!({
                        "user": user,
                        "owner": owner.as_ref().map(|l| l.worker.clone()),
                        "leaseAgeMs": owner.as_ref().map(|l| l.age_ms(now)),
                        "stale": owner.as_ref().is_some_and(|l| l.is_stale(now)),
                    });
                    out.push_str(&format!("{line}\n"));
                } else {
                    out.push_str(&user);
                    out.push('\n');
                }
            }
            term::print_stdout(&out).context("cannot write to stdout")?;
        }
    }
    Ok(Code::Ok)
}

/// The handles given, normalised ([`pool_user`]), each once.
fn parse_users(users: &[String]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::with_capacity(users.len());
    for u in users {
        let u = pool_user(&config::parse_user(u)?);
        if !out.contains(&u) {
            out.push(u);
        }
    }
    Ok(out)
}
