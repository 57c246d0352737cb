//! The KV buckets a worker pool shares, and what their values hold. Bucket
//! names start with the deployment's stem ([`Namespace::bucket`]): the
//! default prefix `tiklive` gives these; `acme.staging` gives
//! `ACME_STAGING_STREAMERS` and so on.
//!
//! | bucket              | key                 | value                              |
//! |---------------------|---------------------|------------------------------------|
//! | `TIKLIVE_STREAMERS` | escaped streamer    | [`StreamerEntry`] (JSON)           |
//! | `TIKLIVE_LEASES`    | escaped streamer    | [`Lease`]: the owning worker       |
//! | `TIKLIVE_CURSORS`   | escaped streamer    | [`SavedCursor`]: resume, failing   |
//! | `TIKLIVE_WORKERS`   | worker id           | [`WorkerInfo`]: heartbeat, owned   |
//! | `TIKLIVE_SIGN`      | `budget`            | [`SignState`]: next sign slot      |
//!
//! Keys use the subject escaping of [`super::subject::escape_token`] (KV keys
//! are subject tokens too). Leases are renewed by compare-and-set on the
//! revision; staleness is judged by each reader's own clock (a revision that
//! has not changed for the TTL), so no clocks need to agree and nothing
//! relies on key-expiry notifications (only nats-server 2.11+ sends them).

use std::time::Duration;

use anyhow::{Context as _, Result};
use async_nats::jetstream::{self, kv};
use futures_util::TryStreamExt;
use serde::{Deserialize, Serialize};

use super::namespace::Namespace;

/// The buckets' roles: each bucket's name is [`Namespace::bucket`] of one.
pub const STREAMERS: &str = "STREAMERS";
pub const LEASES: &str = "LEASES";
pub const CURSORS: &str = "CURSORS";
pub const WORKERS: &str = "WORKERS";
pub const SIGN: &str = "SIGN";

/// A streamer in the watched set.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StreamerEntry {
    pub user: String,
    /// When it was added (ms since the epoch).
    pub added_ms: i64,
}

/// Who watches a streamer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Lease {
    pub worker: String,
    pub user: String,
    /// The owner's wall clock at the last renewal (ms; for display only).
    pub renewed_ms: i64,
    /// When this owner claimed it (ms).
    pub since_ms: i64,
    /// The owner's `--lease-ttl` (ms); 0 in a lease written before this
    /// field existed, read as [`DEFAULT_LEASE_TTL_MS`].
    #[serde(default)]
    pub ttl_ms: i64,
}

impl Lease {
    /// How long ago the owner last renewed it, by its clock and ours (ms, ≥ 0).
    pub fn age_ms(&self, now_ms: i64) -> i64 {
        (now_ms - self.renewed_ms).max(0)
    }

    /// Not renewed for its TTL: its worker is most likely gone, and another
    /// worker may take the streamer over.
    pub fn is_stale(&self, now_ms: i64) -> bool {
        self.age_ms(now_ms) >= ttl_or_default(self.ttl_ms)
    }
}

/// `worker --lease-ttl`'s default (10 s), in ms: the TTL assumed for a lease
/// or heartbeat that does not say its own.
pub const DEFAULT_LEASE_TTL_MS: i64 = 10_000;

/// A recorded TTL, or the default when it was not recorded (0).
pub fn ttl_or_default(ttl_ms: i64) -> i64 {
    if ttl_ms > 0 {
        ttl_ms
    } else {
        DEFAULT_LEASE_TTL_MS
    }
}

/// The last cursor of a streamer whose events before it are all in the
/// stream, and the failure last reported for it: what its next owner
/// resumes from.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SavedCursor {
    /// Empty: none yet (the streamer has only failed so far).
    pub cursor: String,
    pub worker: String,
    pub saved_ms: i64,
    /// The key of the failure whose `error` event is in the stream, while
    /// the streamer keeps failing ([`crate::live::error::Reported::key`]):
    /// the next owner does not publish the same failure again. `None`: no
    /// failure since the stream last connected (or a record from before
    /// this field).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reported: Option<String>,
    /// Why the streamer cannot be watched now, as its owner last saw it
    /// (`None`: nothing is failing: its stream connected, or has not
    /// failed yet, or a record from before this field). What `cluster
    /// status` shows as the streamer's state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failing: Option<StreamFailure>,
}

/// A streamer that cannot be watched: offline (waited for), or a failure
/// its owner retries (see [`SavedCursor::failing`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StreamFailure {
    /// What kind: `offline`, or [`crate::live::error::LiveError::state`]
    /// (`not-found`, `age-restricted`, `sign-refused`, …).
    pub state: String,
    /// The failure's one-line message ([`crate::live::error::LiveError::summary`]).
    pub error: String,
    /// Since when the streamer has been in this state (wall ms; kept by
    /// the next owner when it finds the same).
    pub since_ms: i64,
}

/// A worker's heartbeat.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WorkerInfo {
    pub id: String,
    pub host: String,
    pub pid: u32,
    /// Streams at most (`None`: no cap).
    pub capacity: Option<usize>,
    /// The streamers it watches.
    pub owned: Vec<String>,
    pub started_ms: i64,
    pub heartbeat_ms: i64,
    /// Events published since it started.
    pub published: u64,
    /// Resident memory in bytes, where known (Linux).
    pub rss_bytes: Option<u64>,
    /// Its `--lease-ttl` (ms; 0 from a worker before this field): a
    /// heartbeat older than this means the worker is gone.
    #[serde(default)]
    pub lease_ttl_ms: i64,
    /// Its sign budget (`--sign-budget`, `TIKLIVE_SIGN_WINDOW_MS`,
    /// `TIKLIVE_SIGN_INTERVAL_MS`), so `cluster status` can show it before any
    /// call was made (`None` from a worker before this field).
    #[serde(default)]
    pub sign_rule: Option<super::budget::Rule>,
}

/// The cluster's sign budget (see [`super::budget`]).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SignState {
    /// When the last `limit` calls were (or will be) made, wall ms, oldest first.
    pub grants: Vec<i64>,
    /// Nobody signs before this (a 429's reset), wall ms.
    pub hold_until_ms: i64,
    pub hold_why: String,
    /// What the latest waiting reservation waits for, and for whom.
    pub waiting_for: String,
    pub next_for: String,
    /// Sign calls granted since `since_ms`.
    pub calls: u64,
    pub since_ms: i64,
    /// Calls granted per minute over about the last hour, oldest first:
    /// `[minute start (wall ms, a multiple of 60,000), calls whose slot is in
    /// that minute]`. `cluster status` takes its rates from this, over the
    /// span actually counted (see [`super::budget::recent_calls`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub per_minute: Vec<(i64, u32)>,
    /// Since when `per_minute` counts calls (wall ms; 0: none counted yet).
    /// A state written by a worker from before these fields has neither:
    /// counting starts again at the next call.
    #[serde(default)]
    pub counted_since_ms: i64,
    /// The rule, as the last worker configured it.
    pub limit: u32,
    pub window_ms: i64,
    pub spacing_ms: i64,
}

/// The pool's buckets.
#[derive(Clone)]
pub struct Buckets {
    pub streamers: kv::Store,
    pub leases: kv::Store,
    pub cursors: kv::Store,
    pub workers: kv::Store,
    pub sign: kv::Store,
}

impl Buckets {
    /// Open the buckets of `ns`, creating missing ones with `replicas`.
    /// Worker heartbeats older than `ttl` × 6 are dropped by the server.
    pub async fn open(
        js: &jetstream::Context,
        ns: &Namespace,
        replicas: usize,
        ttl: Duration,
    ) -> Result<Buckets> {
        let open = |role: &'static str, max_age: Duration| {
            let name = ns.bucket(role);
            async move { open_bucket_aged(js, &name, replicas, max_age).await }
        };
        Ok(Buckets {
            streamers: open(STREAMERS, Duration::ZERO).await?,
            leases: open(LEASES, Duration::ZERO).await?,
            cursors: open(CURSORS, Duration::ZERO).await?,
            workers: open(WORKERS, (ttl * 6).max(Duration::from_secs(10))).await?,
            sign: open(SIGN, Duration::ZERO).await?,
        })
    }
}

impl Buckets {
    /// Open the buckets without creating any, for commands that only read
    /// (`streamers list`, `cluster status`) or remove. `Ok(None)`: there is
    /// no pool on this server yet (no `streamers add`, no worker ran).
    ///
    /// # Errors
    /// A bucket exists but cannot be read, or the server does not answer.
    pub async fn open_existing(js: &jetstream::Context, ns: &Namespace) -> Result<Option<Buckets>> {
        let open = |role: &'static str| {
            let name = ns.bucket(role);
            async move { existing_bucket(js, &name).await }
        };
        let (Some(streamers), Some(leases), Some(cursors), Some(workers), Some(sign)) = (
            open(STREAMERS).await?,
            open(LEASES).await?,
            open(CURSORS).await?,
            open(WORKERS).await?,
            open(SIGN).await?,
        ) else {
            return Ok(None);
        };
        Ok(Some(Buckets {
            streamers,
            leases,
            cursors,
            workers,
            sign,
        }))
    }
}

/// A KV bucket if it exists (`None`: its stream is not there).
async fn existing_bucket(js: &jetstream::Context, name: &str) -> Result<Option<kv::Store>> {
    use async_nats::jetstream::ErrorCode;
    use async_nats::jetstream::context::GetStreamErrorKind;
    match js.get_stream(format!("KV_{name}")).await {
        Ok(_) => {}
        Err(e) => {
            if let GetStreamErrorKind::JetStream(js_err) = e.kind()
                && js_err.error_code() == ErrorCode::STREAM_NOT_FOUND
            {
                return Ok(None);
            }
            return Err(anyhow::Error::new(e).context(format!("cannot open the KV bucket {name}")));
        }
    }
    js.get_key_value(name)
        .await
        .map(Some)
        .with_context(|| format!("cannot open the KV bucket {name}"))
}

/// Open a KV bucket, creating it (history 1, kept forever) if missing.
pub async fn open_bucket(
    js: &jetstream::Context,
    name: &str,
    replicas: usize,
) -> Result<kv::Store> {
    open_bucket_aged(js, name, replicas, Duration::ZERO).await
}

/// Open a KV bucket whose values the server drops after `max_age` (zero:
/// never), creating it if missing.
pub async fn open_bucket_aged(
    js: &jetstream::Context,
    name: &str,
    replicas: usize,
    max_age: Duration,
) -> Result<kv::Store> {
    if let Ok(kv) = js.get_key_value(name).await {
        return Ok(kv);
    }
    // The bucket's stream, made as the KV convention has it. (The client's
    // own `create_key_value` first reads account fields that nats-server 2.9
    // does not send.)
    let created = js
        .get_or_create_stream(jetstream::stream::Config {
            name: format!("KV_{name}"),
            subjects: vec![format!("$KV.{name}.>")],
            max_messages_per_subject: 1,
            max_age,
            storage: jetstream::stream::StorageType::File,
            num_replicas: replicas.max(1),
            allow_rollup: true,
            deny_delete: true,
            allow_direct: true,
            discard: jetstream::stream::DiscardPolicy::New,
            ..Default::default()
        })
        .await;
    if let Err(e) = created {
        // Another process may be creating it at the same moment (two workers
        // started together): nats-server then refuses this one ("subjects
        // overlap with an existing stream"). Open what the other one made.
        for _ in 0..CREATE_RACE_TRIES {
            tokio::time::sleep(CREATE_RACE_WAIT).await;
            if let Ok(kv) = js.get_key_value(name).await {
                return Ok(kv);
            }
        }
        return Err(anyhow::Error::new(e).context(format!("cannot create the KV bucket {name}")));
    }
    js.get_key_value(name)
        .await
        .with_context(|| format!("cannot open the KV bucket {name}"))
}

/// How often, and how far apart, [`open_bucket_aged`] looks for a bucket
/// that another process was creating when its own creation was refused.
const CREATE_RACE_TRIES: usize = 5;
const CREATE_RACE_WAIT: Duration = Duration::from_millis(100);

/// Every live key of a bucket with its entry (deleted keys left out), each
/// key once, in key order.
///
/// The keys come from the bucket stream's subjects (`STREAM.INFO` with a
/// subjects filter: one answer of the server, paged), not from
/// `Store::keys`: that ordered consumer lists a key again when it changes
/// during the listing, and any key may come twice then (a `cluster status`
/// of two fresh workers listed one twice and the other not; reproduced by
/// `workers::a_bucket_listing_gives_every_key_once_while_keys_change`).
///
/// # Errors
/// The engine does not answer.
pub async fn entries(store: &kv::Store) -> Result<Vec<kv::Entry>> {
    let subjects: Vec<(String, usize)> = store
        .stream
        .info_with_subjects(format!("{}>", store.prefix))
        .await
        .context("cannot list a KV bucket")?
        .try_collect()
        .await
        .context("cannot list a KV bucket")?;
    let keys = keys_of(&store.prefix, subjects.into_iter().map(|(s, _)| s));
    let mut out = Vec::with_capacity(keys.len());
    for key in keys {
        if let Some(e) = store.entry(key).await.context("cannot read a KV entry")?
            && e.operation == kv::Operation::Put
        {
            out.push(e);
        }
    }
    Ok(out)
}

/// The keys of a bucket's stream `subjects` (`<prefix><key>`), each once, in
/// order; subjects without the prefix are not keys.
fn keys_of(prefix: &str, subjects: impl IntoIterator<Item = String>) -> Vec<String> {
    let keys: std::collections::BTreeSet<String> = subjects
        .into_iter()
        .filter_map(|s| s.strip_prefix(prefix).map(str::to_string))
        .filter(|k| !k.is_empty())
        .collect();
    keys.into_iter().collect()
}

/// Every live entry of a bucket that decodes as `T` (others are skipped).
///
/// # Errors
/// As [`entries`].
pub async fn decoded<T: for<'de> Deserialize<'de>>(store: &kv::Store) -> Result<Vec<T>> {
    Ok(entries(store)
        .await?
        .iter()
        .filter_map(|e| decode(&e.value))
        .collect())
}

/// Decode a JSON value.
pub fn decode<T: for<'de> Deserialize<'de>>(bytes: &[u8]) -> Option<T> {
    serde_json::from_slice(bytes).ok()
}

/// Encode a JSON value.
pub fn encode<T: Serialize>(v: &T) -> bytes::Bytes {
    bytes::Bytes::from(serde_json::to_vec(v).expect("KV values serialise"))
}

#[cfg(test)]
mod tests {
    use super::keys_of;

    #[test]
    fn a_key_is_listed_once_in_order() {
        let subjects = [
            "$KV.W.b",
            "$KV.W.a",
            "$KV.W.b",
            "$KV.X.c",
            "$KV.W.",
            "$KV.W.a_2Eb",
        ];
        assert_eq!(
            keys_of("$KV.W.", subjects.map(String::from)),
            ["a", "a_2Eb", "b"]
        );
    }
}
