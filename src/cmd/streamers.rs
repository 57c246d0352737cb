//! `tiklive streamers add|remove|list --nats URL`: the set a worker pool watches.

use anyhow::{Context as _, Result};
use serde_json::json;

use crate::cli::{NatsConnArgs, StreamersCommand};
use crate::clock::now_ms;
use crate::config::{self, Terminal};
use crate::error::Code;
use crate::nats::NatsTarget;
use crate::nats::kv::{Buckets, Lease, StreamerEntry, decode, encode, entries};
use crate::nats::worker::key_of;
use crate::term;

/// Connect and open the pool's buckets.
pub async fn open(conn: &NatsConnArgs, what: &str) -> Result<(async_nats::Client, Buckets)> {
    let target = NatsTarget::resolve(&conn.url, &conn.auth)?;
    let client = target.connect(what).await?;
    let js = async_nats::jetstream::ContextBuilder::new()
        .timeout(std::time::Duration::from_secs(5))
        .build(client.clone());
    let buckets = Buckets::open(&js, 1, std::time::Duration::from_secs(10))
        .await
        .with_context(|| format!("NATS at {} did not answer", target.display()))?;
    Ok((client, buckets))
}

pub async fn run(command: StreamersCommand, term: Terminal) -> Result<Code> {
    match command {
        StreamersCommand::Add { users, conn } => {
            let users = parse_users(&users)?;
            let (_c, b) = open(&conn, "tiklive streamers").await?;
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
            let (_c, b) = open(&conn, "tiklive streamers").await?;
            for user in &users {
                b.streamers
                    .delete(key_of(user))
                    .await
                    .with_context(|| format!("cannot remove @{user}"))?;
            }
            if !term.quiet {
                term::note(format_args!("removed {} streamer(s)", users.len()));
            }
        }
        StreamersCommand::List { json, conn } => {
            let (_c, b) = open(&conn, "tiklive streamers").await?;
            let leases = entries(&b.leases).await?;
            let mut out = String::new();
            for e in entries(&b.streamers).await? {
                let Some(s) = decode::<StreamerEntry>(&e.value) else {
                    continue;
                };
                if json {
                    let owner = leases
                        .iter()
                        .find(|l| l.key == e.key)
                        .and_then(|l| decode::<Lease>(&l.value));
                    let line = json!({
                        "user": s.user,
                        "owner": owner.as_ref().map(|l| l.worker.clone()),
                        "leaseAgeMs": owner.as_ref().map(|l| (now_ms() - l.renewed_ms).max(0)),
                    });
                    out.push_str(&format!("{line}\n"));
                } else {
                    out.push_str(&s.user);
                    out.push('\n');
                }
            }
            term::print_stdout(&out).context("cannot write to stdout")?;
        }
    }
    Ok(Code::Ok)
}

fn parse_users(users: &[String]) -> Result<Vec<String>> {
    users.iter().map(|u| config::parse_user(u)).collect()
}
