//! A KV bucket mirrored in memory by a KV watch, so a worker's tick reads
//! memory instead of listing the bucket and getting every key (one request
//! per key per tick).
//!
//! The mirror starts with a full read (list + get), then watches every
//! change after the bucket stream's last sequence as it was before that read
//! (`watch_all_from_revision`: an ordered push consumer, which nats-server 2.9
//! supports; no key-expiry notifications are needed). A change is applied
//! only over an older revision, and deletes are kept as tombstones, so a full
//! read and the watch may overlap in any order. When the watch ends or fails
//! (the engine went away), the next read is a full read that starts it again;
//! a full read also runs every `resync` as a safety net. Revisions only grow,
//! so the result of a read is the bucket as of a recent moment, as a full
//! read gives. Tested against a real nats-server in `tests/workers.rs`
//! (through the worker) and by the merge unit tests below.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result};
use async_nats::jetstream::kv;
use futures_util::StreamExt;
use tokio::task::JoinHandle;

use super::kv::entries;

/// Every key's newest revision seen, and its value (`None`: deleted or
/// purged, kept as a tombstone).
struct State<T> {
    map: BTreeMap<String, (u64, Option<T>)>,
    /// The watch is running.
    live: bool,
}

impl<T: Clone> State<T> {
    fn new() -> State<T> {
        State {
            map: BTreeMap::new(),
            live: false,
        }
    }

    /// Apply one change unless a newer one of its key is known.
    fn apply(&mut self, key: &str, revision: u64, value: Option<T>) {
        if self.map.get(key).is_none_or(|old| old.0 < revision) {
            self.map.insert(key.to_string(), (revision, value));
        }
    }

    /// Merge a full read (key, revision, value) that started after sequence
    /// `before`: keys it does not list and that have not changed since
    /// `before` are gone.
    fn merge_full(&mut self, read: Vec<(String, u64, T)>, before: u64) {
        let listed: std::collections::HashSet<&str> =
            read.iter().map(|(k, _, _)| k.as_str()).collect();
        self.map
            .retain(|k, (rev, _)| listed.contains(k.as_str()) || *rev > before);
        for (k, rev, v) in read {
            self.apply(&k, rev, Some(v));
        }
    }

    fn values(&self) -> Vec<T> {
        self.map.values().filter_map(|(_, v)| v.clone()).collect()
    }
}

/// One bucket, mirrored.
pub struct Mirror {
    store: kv::Store,
    state: Arc<Mutex<State<kv::Entry>>>,
    watch: Option<JoinHandle<()>>,
    resync: Duration,
    last_full: Option<Instant>,
}

impl Mirror {
    /// Mirror `store`; a full read runs at least every `resync`.
    pub fn new(store: kv::Store, resync: Duration) -> Mirror {
        Mirror {
            store,
            state: Arc::new(Mutex::new(State::new())),
            watch: None,
            resync,
            last_full: None,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State<kv::Entry>> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The live entries (puts) of the bucket.
    ///
    /// # Errors
    /// A full read failed (the engine does not answer).
    pub async fn entries(&mut self) -> Result<Vec<kv::Entry>> {
        let live = self.lock().live;
        let due = self.last_full.is_none_or(|t| t.elapsed() >= self.resync);
        if live && !due {
            return Ok(self.lock().values());
        }
        let before = self
            .store
            .stream
            .get_info()
            .await
            .context("cannot read a KV bucket's state")?
            .state
            .last_sequence;
        let read = entries(&self.store)
            .await?
            .into_iter()
            .map(|e| (e.key.clone(), e.revision, e))
            .collect();
        self.lock().merge_full(read, before);
        self.last_full = Some(Instant::now());
        if !live {
            self.start_watch(before).await;
        }
        Ok(self.lock().values())
    }

    /// Watch the changes after `before`; a failure leaves the mirror to full
    /// reads until the next try.
    async fn start_watch(&mut self, before: u64) {
        if let Some(old) = self.watch.take() {
            old.abort();
        }
        let Ok(mut watch) = self.store.watch_all_from_revision(before + 1).await else {
            return;
        };
        self.lock().live = true;
        let state = Arc::clone(&self.state);
        self.watch = Some(tokio::spawn(async move {
            while let Some(Ok(e)) = watch.next().await {
                let (key, revision) = (e.key.clone(), e.revision);
                let value = (e.operation == kv::Operation::Put).then_some(e);
                state
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .apply(&key, revision, value);
            }
            state.lock().unwrap_or_else(|e| e.into_inner()).live = false;
        }));
    }
}

impl Drop for Mirror {
    fn drop(&mut self) {
        if let Some(w) = self.watch.take() {
            w.abort();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(items: &[(&str, u64)]) -> Vec<(String, u64, u64)> {
        items.iter().map(|(k, r)| (k.to_string(), *r, *r)).collect()
    }

    #[test]
    fn changes_and_full_reads_merge_by_revision() {
        let mut s = State::<u64>::new();
        s.merge_full(read(&[("a", 1), ("b", 2)]), 2);
        // The watch: b deleted at 4, c created at 5, an old a (replayed) ignored.
        s.apply("b", 4, None);
        s.apply("c", 5, Some(5));
        s.apply("a", 1, Some(0));
        assert_eq!(s.values(), [1, 5]);
        // A full read that began before the delete still lists b: the
        // tombstone is newer and wins; c, made after the read began, stays.
        s.merge_full(read(&[("a", 3), ("b", 2)]), 3);
        assert_eq!(s.values(), [3, 5]);
        // A key missed by the watch and gone from the bucket goes away.
        s.merge_full(read(&[("c", 5)]), 6);
        assert_eq!(s.values(), [5]);
    }
}
