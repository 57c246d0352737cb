//! The delivery outbox. Every delivery is a row here from the moment its event
//! is accepted until it is delivered (the row is deleted and the webhook's
//! `delivered` total counts it) or given up (the row moves to `give_ups` with
//! the reason, and `failed` counts it). A process killed in between leaves the
//! row, and the next run delivers it: at-least-once, nothing lost silently.
//!
//! `seq` is global and ascending; one webhook's rows in `seq` order are its
//! queue, which the delivery engine sends strictly in order.

use anyhow::Result;
use rusqlite::{Connection, params};

/// A delivery to queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDelivery {
    pub webhook_id: i64,
    /// The `webhook-id` header: stable across retries and restarts.
    pub msg_id: String,
    pub event_id: String,
    pub event_type: String,
    /// The event envelope as JSON text (the `event` of the body).
    pub event: String,
}

/// A queued delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    pub seq: i64,
    pub webhook_id: i64,
    pub msg_id: String,
    pub event_id: String,
    pub event_type: String,
    pub event: String,
    /// Unix milliseconds when it was queued.
    pub created_at: i64,
    /// Attempts made so far (by this or earlier runs).
    pub attempts: u32,
}

/// How long a delivery is remembered in `sent` (24 hours, in milliseconds):
/// within it the same event is not queued again for the same webhook.
pub const SENT_RETENTION_MS: i64 = 24 * 60 * 60 * 1000;

/// Queue deliveries; returns one entry per row, in the same order: the
/// `seq` it was queued under, or `None` when it was not queued. A row for a
/// webhook that no longer exists (removed while its events were on their
/// way, e.g. by `DELETE /api/webhooks/ID`) is skipped, not an error; so is a
/// copy, a row whose event is already pending for the same webhook (the
/// `outbox_by_event` index answers) or was delivered to it within
/// [`SENT_RETENTION_MS`] (the `sent` table). An event delivered longer ago
/// is queued again: the receiver can drop it by its `webhook-id`, which is
/// the same for the same event and webhook.
pub fn enqueue(conn: &Connection, rows: &[NewDelivery], now: i64) -> Result<Vec<Option<i64>>> {
    let mut stmt = conn.prepare_cached(
        "INSERT INTO outbox (webhook_id, msg_id, event_id, event_type, event, created_at)
         SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE EXISTS (SELECT 1 FROM webhooks WHERE id = ?1)
         AND NOT EXISTS (SELECT 1 FROM outbox WHERE webhook_id = ?1 AND event_id = ?3)
         AND NOT EXISTS (SELECT 1 FROM sent WHERE webhook_id = ?1 AND event_id = ?3)",
    )?;
    let mut seqs = Vec::with_capacity(rows.len());
    for r in rows {
        let n = stmt.execute(params![
            r.webhook_id,
            r.msg_id,
            r.event_id,
            r.event_type,
            r.event,
            now
        ])?;
        seqs.push((n == 1).then(|| conn.last_insert_rowid()));
    }
    Ok(seqs)
}

/// Up to `limit` pending rows of one webhook with `seq > after_seq`, in order.
pub fn pending_after(
    conn: &Connection,
    webhook_id: i64,
    after_seq: i64,
    limit: usize,
) -> Result<Vec<Pending>> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, webhook_id, msg_id, event_id, event_type, event, created_at, attempts
         FROM outbox WHERE webhook_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
    )?;
    let rows = stmt.query_map(params![webhook_id, after_seq, limit as i64], |r| {
        Ok(Pending {
            seq: r.get(0)?,
            webhook_id: r.get(1)?,
            msg_id: r.get(2)?,
            event_id: r.get(3)?,
            event_type: r.get(4)?,
            event: r.get(5)?,
            created_at: r.get(6)?,
            attempts: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// How many rows are pending for these webhooks.
pub fn pending_count(conn: &Connection, webhook_ids: &[i64]) -> Result<u64> {
    let mut stmt = conn.prepare_cached("SELECT count(*) FROM outbox WHERE webhook_id = ?1")?;
    let mut total = 0u64;
    for id in webhook_ids {
        total += stmt.query_row([id], |r| r.get::<_, i64>(0))? as u64;
    }
    Ok(total)
}

/// The delivery succeeded: remember it in `sent` (and forget deliveries
/// older than [`SENT_RETENTION_MS`]), drop the row, count it.
pub fn delivered(
    conn: &Connection,
    seq: i64,
    webhook_id: i64,
    status: u16,
    now: i64,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT OR REPLACE INTO sent (webhook_id, event_id, at)
         SELECT webhook_id, event_id, ?2 FROM outbox WHERE seq = ?1",
    )?
    .execute([seq, now])?;
    conn.prepare_cached("DELETE FROM sent WHERE at < ?1")?
        .execute([now.saturating_sub(SENT_RETENTION_MS)])?;
    conn.prepare_cached("DELETE FROM outbox WHERE seq = ?1")?
        .execute([seq])?;
    count_delivered(conn, webhook_id, status, now)
}

/// Count a delivery to `webhook_id` that answered `status` at `now` (Unix
/// ms): its `delivered` total, last status and last attempt. [`delivered`]
/// calls it; `forward --from` calls it alone, as its events wait in the NATS
/// stream, not in the outbox.
pub fn count_delivered(conn: &Connection, webhook_id: i64, status: u16, now: i64) -> Result<()> {
    conn.prepare_cached(
        "UPDATE webhooks SET delivered = delivered + 1, last_status = ?2, last_error = NULL,
         last_attempt_at = ?3 WHERE id = ?1",
    )?
    .execute(params![webhook_id, status, now])?;
    Ok(())
}

/// An attempt failed and will be retried: remember how often and why.
pub fn attempted(
    conn: &Connection,
    seq: i64,
    webhook_id: i64,
    attempts: u32,
    status: Option<u16>,
    error: &str,
    now: i64,
) -> Result<()> {
    conn.prepare_cached("UPDATE outbox SET attempts = ?2, last_error = ?3 WHERE seq = ?1")?
        .execute(params![seq, attempts, error])?;
    count_attempt(conn, webhook_id, status, error, now)
}

/// An attempt to `webhook_id` failed at `now` (Unix ms) and will be retried:
/// its last status (`None`: no response), error and attempt time.
/// [`attempted`] calls it; `forward --from` calls it alone.
pub fn count_attempt(
    conn: &Connection,
    webhook_id: i64,
    status: Option<u16>,
    error: &str,
    now: i64,
) -> Result<()> {
    conn.prepare_cached(
        "UPDATE webhooks SET last_status = ?2, last_error = ?3, last_attempt_at = ?4 WHERE id = ?1",
    )?
    .execute(params![webhook_id, status, error, now])?;
    Ok(())
}

/// Give up on a delivery: move the row to `give_ups` with the reason, count it.
pub fn give_up(
    conn: &Connection,
    seq: i64,
    webhook_id: i64,
    attempts: u32,
    status: Option<u16>,
    reason: &str,
    now: i64,
) -> Result<()> {
    let moved = conn
        .prepare_cached(
            "INSERT INTO give_ups (webhook_id, msg_id, event_id, event_type, event, attempts, reason, at)
             SELECT webhook_id, msg_id, event_id, event_type, event, ?2, ?3, ?4 FROM outbox WHERE seq = ?1",
        )?
        .execute(params![seq, attempts, reason, now])?;
    if moved == 0 {
        // Already gone (the webhook was removed meanwhile): nothing to record.
        return Ok(());
    }
    conn.prepare_cached("DELETE FROM outbox WHERE seq = ?1")?
        .execute([seq])?;
    count_failed(conn, webhook_id, status, reason, now)
}

/// A give-up of a delivery that has no outbox row (`forward --from`: the
/// event waits in the NATS stream): what the `give_ups` table keeps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamGiveUp {
    pub webhook_id: i64,
    /// The `webhook-id` header that was sent.
    pub msg_id: String,
    pub event_id: String,
    pub event_type: String,
    /// The envelope as JSON text.
    pub event: String,
    pub attempts: u32,
    /// The last HTTP status (`None`: no response).
    pub status: Option<u16>,
    pub reason: String,
}

/// Record a give-up that has no outbox row (see [`StreamGiveUp`]) at `now`
/// (Unix ms) and count it, as [`give_up`] does for an outbox row. A webhook
/// removed meanwhile gets nothing recorded.
pub fn record_give_up(conn: &Connection, g: &StreamGiveUp, now: i64) -> Result<()> {
    let known = conn
        .prepare_cached(
            "INSERT INTO give_ups (webhook_id, msg_id, event_id, event_type, event, attempts, reason, at)
             SELECT id, ?2, ?3, ?4, ?5, ?6, ?7, ?8 FROM webhooks WHERE id = ?1",
        )?
        .execute(params![
            g.webhook_id,
            g.msg_id,
            g.event_id,
            g.event_type,
            g.event,
            g.attempts,
            g.reason,
            now
        ])?;
    if known == 0 {
        return Ok(());
    }
    count_failed(conn, g.webhook_id, g.status, &g.reason, now)
}

/// Count a give-up: the webhook's `failed` total, last status and error.
fn count_failed(
    conn: &Connection,
    webhook_id: i64,
    status: Option<u16>,
    reason: &str,
    now: i64,
) -> Result<()> {
    conn.prepare_cached(
        "UPDATE webhooks SET failed = failed + 1, last_status = ?2, last_error = ?3,
         last_attempt_at = ?4 WHERE id = ?1",
    )?
    .execute(params![webhook_id, status, reason, now])?;
    Ok(())
}

/// [`enqueue`] at `now`, returning the rows queued as [`Pending`] (with
/// their sequence numbers, in the same order) and how many were skipped.
///
/// # Errors
/// The insert failed.
pub fn queue(conn: &Connection, rows: Vec<NewDelivery>, now: i64) -> Result<(Vec<Pending>, u64)> {
    let seqs = enqueue(conn, &rows, now)?;
    let skipped = seqs.iter().filter(|s| s.is_none()).count() as u64;
    let queued = rows
        .into_iter()
        .zip(seqs)
        .filter_map(|(r, seq)| {
            Some(Pending {
                seq: seq?,
                webhook_id: r.webhook_id,
                msg_id: r.msg_id,
                event_id: r.event_id,
                event_type: r.event_type,
                event: r.event,
                created_at: now,
                attempts: 0,
            })
        })
        .collect();
    Ok((queued, skipped))
}

/// The async side of this table, on the writer thread or a read connection.
impl super::Store {
    /// Queue deliveries in one transaction; returns those queued (with their
    /// sequence numbers), in the same order, and how many rows were skipped
    /// (see [`enqueue`]: an event already pending for that webhook, or a
    /// webhook that is gone).
    pub async fn enqueue(&self, rows: Vec<NewDelivery>) -> Result<(Vec<Pending>, u64)> {
        self.write(move |c| queue(c, rows, crate::clock::now_ms()))
            .await
    }

    /// Up to `limit` pending deliveries of a webhook after `after_seq`, in order.
    pub async fn pending_after(
        &self,
        webhook_id: i64,
        after_seq: i64,
        limit: usize,
    ) -> Result<Vec<Pending>> {
        self.read(move |c| pending_after(c, webhook_id, after_seq, limit))
            .await
    }

    /// How many deliveries are pending for these webhooks.
    pub async fn pending_count(&self, webhook_ids: Vec<i64>) -> Result<u64> {
        self.read(move |c| pending_count(c, &webhook_ids)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::test_db;
    use crate::store::webhooks::{self, NewWebhook};

    fn row(webhook_id: i64, n: u32) -> NewDelivery {
        NewDelivery {
            webhook_id,
            msg_id: format!("msg_{webhook_id}_{n}"),
            event_id: format!("e{n}"),
            event_type: "chat".into(),
            event: format!(r#"{{"type":"chat","n":{n}}}"#),
        }
    }

    #[test]
    fn queues_in_order_per_webhook_and_pages_by_cursor() {
        let c = test_db();
        let a = webhooks::add(&c, &NewWebhook::url("http://127.0.0.1:1/a"), 0).unwrap();
        let b = webhooks::add(&c, &NewWebhook::url("http://127.0.0.1:1/b"), 0).unwrap();
        let rows: Vec<_> = (0..5).flat_map(|n| [row(a, n), row(b, n)]).collect();
        let seqs: Vec<i64> = enqueue(&c, &rows, 7)
            .unwrap()
            .into_iter()
            .flatten()
            .collect();
        assert_eq!(seqs.len(), 10);
        assert!(seqs.windows(2).all(|w| w[0] < w[1]));
        let first = pending_after(&c, a, 0, 3).unwrap();
        assert_eq!(
            first
                .iter()
                .map(|p| p.event_id.as_str())
                .collect::<Vec<_>>(),
            ["e0", "e1", "e2"]
        );
        assert!(
            first
                .iter()
                .all(|p| p.webhook_id == a && p.attempts == 0 && p.created_at == 7)
        );
        let rest = pending_after(&c, a, first[2].seq, 10).unwrap();
        assert_eq!(rest.len(), 2);
        assert_eq!(pending_count(&c, &[a, b]).unwrap(), 10);
    }

    #[test]
    fn delivered_attempted_and_given_up_rows_are_accounted() {
        let c = test_db();
        let a = webhooks::add(&c, &NewWebhook::url("http://127.0.0.1:1/a"), 0).unwrap();
        let seqs: Vec<i64> = enqueue(&c, &[row(a, 0), row(a, 1), row(a, 2)], 1)
            .unwrap()
            .into_iter()
            .flatten()
            .collect();
        delivered(&c, seqs[0], a, 200, 2).unwrap();
        attempted(&c, seqs[1], a, 1, Some(503), "HTTP 503", 3).unwrap();
        assert_eq!(pending_after(&c, a, 0, 10).unwrap()[0].attempts, 1);
        give_up(&c, seqs[1], a, 2, Some(400), "HTTP 400 Bad Request", 4).unwrap();
        // Giving up twice (e.g. after a removal) is harmless.
        give_up(&c, seqs[1], a, 2, Some(400), "again", 5).unwrap();
        let stats = webhooks::stats(&c, 10).unwrap();
        let s = &stats[0];
        assert_eq!(
            (s.webhook.delivered, s.webhook.failed, s.pending),
            (1, 1, 1)
        );
        assert_eq!(s.give_ups.len(), 1);
        assert_eq!(s.give_ups[0].reason, "HTTP 400 Bad Request");
        assert_eq!(s.give_ups[0].event_id, "e1");
        assert_eq!(s.webhook.last_status, Some(400));
        // Removing the webhook drops its queue.
        let removed = webhooks::remove(&c, a).unwrap().unwrap();
        assert_eq!(removed.pending_dropped, 1);
        assert_eq!(pending_count(&c, &[a]).unwrap(), 0);
        // Rows for a removed webhook are skipped, the others still queue.
        let b = webhooks::add(&c, &NewWebhook::url("http://127.0.0.1:1/b"), 0).unwrap();
        let seqs = enqueue(&c, &[row(a, 5), row(b, 5)], 6).unwrap();
        assert_eq!(seqs[0], None);
        assert_eq!(Some(pending_after(&c, b, 0, 10).unwrap()[0].seq), seqs[1]);
    }

    #[test]
    fn an_event_pending_for_a_webhook_is_not_queued_for_it_again() {
        let c = test_db();
        let a = webhooks::add(&c, &NewWebhook::url("http://127.0.0.1:1/a"), 0).unwrap();
        let b = webhooks::add(&c, &NewWebhook::url("http://127.0.0.1:1/b"), 0).unwrap();
        let first = enqueue(&c, &[row(a, 0), row(a, 1)], 1).unwrap();
        assert!(first.iter().all(Option::is_some));
        // e1 again for a (pending: a copy), e1 for b (another webhook: queued),
        // e2 twice in one batch (the second is a copy).
        let again = enqueue(&c, &[row(a, 1), row(b, 1), row(a, 2), row(a, 2)], 2).unwrap();
        assert_eq!(
            again.iter().map(Option::is_some).collect::<Vec<_>>(),
            [false, true, true, false]
        );
        assert_eq!(pending_count(&c, &[a]).unwrap(), 3);
        // Delivered: remembered for a day, so not queued again within it.
        delivered(&c, first[0].unwrap(), a, 200, 3).unwrap();
        assert_eq!(pending_count(&c, &[a]).unwrap(), 2);
        assert!(enqueue(&c, &[row(a, 0)], 4).unwrap()[0].is_none());
        assert!(
            enqueue(&c, &[row(b, 0)], 4).unwrap()[0].is_some(),
            "b's own"
        );
        // A later delivery forgets the ones older than a day.
        let later = 3 + SENT_RETENTION_MS + 1;
        delivered(&c, first[1].unwrap(), a, 200, later).unwrap();
        assert!(enqueue(&c, &[row(a, 0)], later).unwrap()[0].is_some());
        assert!(enqueue(&c, &[row(a, 1)], later).unwrap()[0].is_none());
    }

    #[test]
    fn stream_deliveries_and_give_ups_are_counted_without_an_outbox_row() {
        let c = test_db();
        let a = webhooks::add(&c, &NewWebhook::url("http://127.0.0.1:1/a"), 0).unwrap();
        count_delivered(&c, a, 204, 2).unwrap();
        count_attempt(&c, a, Some(503), "HTTP 503", 3).unwrap();
        let w = webhooks::get(&c, a).unwrap().unwrap();
        assert_eq!(
            (w.last_status, w.last_error.as_deref()),
            (Some(503), Some("HTTP 503"))
        );
        count_delivered(&c, a, 200, 3).unwrap();
        let g = StreamGiveUp {
            webhook_id: a,
            msg_id: "msg_x".into(),
            event_id: "e9".into(),
            event_type: "gift".into(),
            event: r#"{"type":"gift"}"#.into(),
            attempts: 1,
            status: Some(410),
            reason: "HTTP 410 Gone".into(),
        };
        record_give_up(&c, &g, 4).unwrap();
        let s = &webhooks::stats(&c, 10).unwrap()[0];
        assert_eq!(
            (s.webhook.delivered, s.webhook.failed, s.pending),
            (2, 1, 0)
        );
        assert_eq!(s.webhook.last_status, Some(410));
        assert_eq!(s.webhook.last_attempt_at, Some(4));
        assert_eq!(s.give_ups[0].event_id, "e9");
        assert_eq!(s.give_ups[0].reason, "HTTP 410 Gone");
        // A webhook removed meanwhile: nothing recorded, no error.
        webhooks::remove(&c, a).unwrap();
        record_give_up(&c, &g, 5).unwrap();
        count_delivered(&c, a, 200, 5).unwrap();
        let n: i64 = c
            .query_row("SELECT count(*) FROM give_ups", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 0);
    }
}
