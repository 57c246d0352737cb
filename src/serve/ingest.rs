//! The way in: batches of events from the source (live, demo or replay) are
//! tracked for `/api/status`, filtered by `--type`, appended to the store's
//! event buffer (capped at `--buffer`) and queued in the outbox for every
//! registered webhook that wants them, then announced to the SSE tails.
//!
//! The buffer insert and then the outbox rows (for the events the buffer
//! kept: a copy of a stored event is dropped here, see [`Ingest::push`]) are
//! one job for the store's one writer thread, committed together
//! ([`Engine::enqueue_after`](crate::webhook::Engine::enqueue_after)); the
//! async side only waits for the commit. Waiting is the backpressure: the source's bounded channel fills
//! while the store is busy, nothing grows in memory. Each event is serialised once; the same JSON text goes to the
//! buffer and to the outbox.

use std::sync::Arc;

use anyhow::{Context, Result};
use tokio::sync::{mpsc, watch};

use crate::store::NewEvent;
use crate::store::events::insert_capped;
use crate::webcast::{Envelope, KindSet};
use crate::webhook::{Engine, OutgoingEvent};

use super::recent::{Cached, Recent};
use super::state::Status;

/// Batches waiting in the channel are merged up to this many events, so a
/// fast source costs one commit per merged batch rather than per frame.
const MERGE: usize = 2048;

/// Feeds the store (through the webhook engine, which writes the outbox in
/// the same transaction), the outbox and the status from the source.
pub struct Ingest {
    pub(super) recent: Arc<Recent>,
    pub(super) engine: Arc<Engine>,
    pub(super) status: Arc<Status>,
    /// The overlay counters and leaderboard.
    pub(super) tally: Arc<super::overlay::tally::Tally>,
    /// The newest stored `seq`, for the SSE tails.
    pub(super) head: watch::Sender<i64>,
    /// `--type`: what is stored and forwarded.
    pub(super) wanted: KindSet,
    /// `--buffer`.
    pub(super) cap: u64,
}

impl Ingest {
    /// Take one batch in. Returns once it is committed.
    ///
    /// An event the store already holds (same `id`: a copy, e.g. a capture
    /// replayed into the store that recorded it) goes nowhere: not to the
    /// status totals, the overlay tally, the outbox, the cache or the SSE
    /// tails; it is counted in the status as a copy. So the buffer insert
    /// comes first and the outbox rows follow for the events it kept.
    ///
    /// # Errors
    /// The store could not be written.
    pub async fn push(&self, batch: Vec<Envelope>) -> Result<()> {
        let rows: Vec<NewEvent> = batch
            .iter()
            .filter(|e| self.wanted.contains(e.kind))
            .map(NewEvent::from)
            .collect();
        if rows.is_empty() {
            self.status.observe(&batch, self.wanted);
            self.tally.observe_batch(&batch);
            return Ok(());
        }
        let outgoing: Vec<OutgoingEvent> = rows
            .iter()
            .map(|r| OutgoingEvent {
                id: r.id.clone(),
                kind: r.kind,
                json: r.json.clone(),
            })
            .collect();
        let streamers: Vec<String> = rows.iter().map(|r| r.streamer.clone()).collect();
        // One commit: the events the buffer kept, and their deliveries.
        let cap = self.cap;
        let (inserted, _) = self
            .engine
            .enqueue_after(&outgoing, move |c| {
                let inserted = insert_capped(c, &rows, cap).context("cannot store events")?;
                let keep = inserted.seqs.iter().map(Option::is_some).collect();
                Ok((inserted, keep))
            })
            .await
            .context("cannot store events and queue their webhook deliveries")?;
        // What is not stored (not wanted) is still observed; of the rest,
        // only what the store kept.
        let mut kept = inserted.seqs.iter();
        let fresh: Vec<&Envelope> = batch
            .iter()
            .filter(|e| !self.wanted.contains(e.kind) || kept.next().is_some_and(Option::is_some))
            .collect();
        self.status.observe(&fresh, self.wanted);
        self.tally.observe_batch(&fresh);
        let cached: Vec<Cached> = inserted
            .seqs
            .iter()
            .zip(outgoing.iter().zip(&streamers))
            .filter_map(|(seq, (ev, streamer))| {
                Some(Cached::new((*seq)?, ev.kind, streamer, &ev.json))
            })
            .collect();
        let last_seq = inserted.last_seq();
        self.recent.push(cached);
        self.status.stored(
            inserted.stored(),
            inserted.dropped,
            inserted.copies(),
            last_seq,
        );
        self.head.send_if_modified(|h| {
            let newer = last_seq > *h;
            *h = (*h).max(last_seq);
            newer
        });
        Ok(())
    }

    /// Take batches in until the source closes its channel, then mark the
    /// source as ended in the status.
    ///
    /// # Errors
    /// The store could not be written (the rest of the input is not read).
    pub async fn run(self, mut rx: mpsc::Receiver<Vec<Envelope>>) -> Result<()> {
        while let Some(mut batch) = rx.recv().await {
            while batch.len() < MERGE {
                match rx.try_recv() {
                    Ok(more) => batch.extend(more),
                    Err(_) => break,
                }
            }
            self.push(batch).await?;
        }
        self.status.source_ended();
        Ok(())
    }
}
