//! The event buffer `serve` keeps: every event in arrival order under a
//! sequential `seq` (the cursor for `?after=` and SSE resumption), capped to
//! the newest N by [`trim_to`]. Bodies are stored as the exact envelope JSON,
//! so reading them back costs no re-serialisation.

use anyhow::Result;
use rusqlite::types::Value;
use rusqlite::{Connection, params_from_iter};

use crate::webcast::{Envelope, EventKind, KindSet};

/// Which events a query returns.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EventQuery {
    /// Only these types; `None` = all.
    pub types: Option<KindSet>,
    /// Only this streamer's events.
    pub streamer: Option<String>,
}

/// A buffered event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEvent {
    pub seq: i64,
    pub id: String,
    pub kind: String,
    pub streamer: String,
    pub timestamp: String,
    /// The envelope, as JSON text.
    pub json: String,
}

/// An event to append, already serialised (the same text goes to the outbox).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvent {
    pub id: String,
    pub kind: EventKind,
    pub streamer: String,
    pub timestamp: String,
    /// The envelope as JSON text.
    pub json: String,
}

impl From<&Envelope> for NewEvent {
    fn from(env: &Envelope) -> NewEvent {
        NewEvent {
            id: env.id.clone(),
            kind: env.kind,
            streamer: env.streamer.clone(),
            timestamp: env.timestamp.clone(),
            json: env.to_json(),
        }
    }
}

/// Append events (the caller's transaction makes the batch atomic); returns
/// one entry per event in batch order: its `seq` (ascending), or `None` for a
/// copy, an event whose `id` is already stored (see [`insert_capped`]).
pub fn insert(conn: &Connection, batch: &[Envelope]) -> Result<Vec<Option<i64>>> {
    let rows: Vec<NewEvent> = batch.iter().map(NewEvent::from).collect();
    insert_rows(conn, &rows)
}

/// Insert-if-absent by `id` (the `events_by_id` index answers the check).
/// Not a UNIQUE index: a store from before schema version 2 may hold copies
/// already, and those stay readable.
fn insert_rows(conn: &Connection, rows: &[NewEvent]) -> Result<Vec<Option<i64>>> {
    let mut stmt = conn.prepare_cached(
        "INSERT INTO events (id, type, streamer, timestamp, body)
         SELECT ?1, ?2, ?3, ?4, ?5 WHERE NOT EXISTS (SELECT 1 FROM events WHERE id = ?1)",
    )?;
    let mut seqs = Vec::with_capacity(rows.len());
    for row in rows {
        let n = stmt.execute((
            &row.id,
            row.kind.name(),
            &row.streamer,
            &row.timestamp,
            &row.json,
        ))?;
        seqs.push((n == 1).then(|| conn.last_insert_rowid()));
    }
    Ok(seqs)
}

/// What [`insert_capped`] did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Inserted {
    /// One entry per row given, in order: the `seq` it was stored under, or
    /// `None` when it was a copy (its `id` was already stored; nothing was
    /// written for it).
    pub seqs: Vec<Option<i64>>,
    /// Old events dropped to stay within the cap.
    pub dropped: u64,
}

impl Inserted {
    /// The `seq` of the last event appended (0 when none was).
    pub fn last_seq(&self) -> i64 {
        self.seqs.iter().rev().find_map(|s| *s).unwrap_or(0)
    }

    /// How many rows were stored.
    pub fn stored(&self) -> u64 {
        self.seqs.iter().filter(|s| s.is_some()).count() as u64
    }

    /// How many rows were copies of stored events, and not stored again.
    pub fn copies(&self) -> u64 {
        self.seqs.len() as u64 - self.stored()
    }
}

/// Append events, then drop the oldest so that at most `cap` remain, in the
/// caller's transaction. An event whose `id` is already in the buffer is a
/// copy (the same message seen twice, e.g. a capture replayed into the store
/// that recorded it): it is not stored again and its entry in
/// [`Inserted::seqs`] is `None`. Control events have random ids, so they are
/// never copies.
///
/// Dropping is a range delete on the primary key (`seq <= last - cap`):
/// `seq`s are contiguous (one writer; AUTOINCREMENT never reuses a number, a
/// rolled-back insert rolls its number back, and a refused copy takes none),
/// so exactly `cap` events remain once that many were stored, at a cost that
/// depends on the batch, not on the cap.
pub fn insert_capped(conn: &Connection, rows: &[NewEvent], cap: u64) -> Result<Inserted> {
    let seqs = insert_rows(conn, rows)?;
    let inserted = Inserted { seqs, dropped: 0 };
    let last_seq = inserted.last_seq();
    if last_seq == 0 {
        return Ok(inserted);
    }
    let cutoff = last_seq.saturating_sub(cap.min(i64::MAX as u64) as i64);
    let dropped = if cutoff > 0 {
        conn.prepare_cached("DELETE FROM events WHERE seq <= ?1")?
            .execute([cutoff])? as u64
    } else {
        0
    };
    Ok(Inserted {
        dropped,
        ..inserted
    })
}

/// `WHERE` clause and parameters for a query, after the given leading clause.
fn filter(query: &EventQuery, mut clause: String, mut args: Vec<Value>) -> (String, Vec<Value>) {
    if let Some(types) = query.types {
        let names: Vec<Value> = types.iter().map(|k| Value::Text(k.name().into())).collect();
        if names.is_empty() {
            clause.push_str(" AND 0");
        } else {
            clause.push_str(" AND type IN (");
            clause.push_str(&vec!["?"; names.len()].join(","));
            clause.push(')');
            args.extend(names);
        }
    }
    if let Some(s) = &query.streamer {
        clause.push_str(" AND streamer = ?");
        args.push(Value::Text(s.clone()));
    }
    (clause, args)
}

fn select(conn: &Connection, sql: &str, args: Vec<Value>) -> Result<Vec<StoredEvent>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map(params_from_iter(args), |r| {
        Ok(StoredEvent {
            seq: r.get(0)?,
            id: r.get(1)?,
            kind: r.get(2)?,
            streamer: r.get(3)?,
            timestamp: r.get(4)?,
            json: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Events with `seq > cursor` matching `query`, oldest first, at most `limit`.
pub fn after(
    conn: &Connection,
    cursor: i64,
    limit: usize,
    query: &EventQuery,
) -> Result<Vec<StoredEvent>> {
    let (clause, mut args) = filter(query, "seq > ?".into(), vec![Value::Integer(cursor)]);
    args.push(Value::Integer(limit as i64));
    select(
        conn,
        &format!(
            "SELECT seq, id, type, streamer, timestamp, body FROM events WHERE {clause} ORDER BY seq LIMIT ?"
        ),
        args,
    )
}

/// The newest `limit` events matching `query`, returned oldest first.
pub fn newest(conn: &Connection, limit: usize, query: &EventQuery) -> Result<Vec<StoredEvent>> {
    let (clause, mut args) = filter(query, "1".into(), Vec::new());
    args.push(Value::Integer(limit as i64));
    let mut out = select(
        conn,
        &format!(
            "SELECT seq, id, type, streamer, timestamp, body FROM events WHERE {clause} ORDER BY seq DESC LIMIT ?"
        ),
        args,
    )?;
    out.reverse();
    Ok(out)
}

/// Keep the newest `keep` events; returns how many were deleted.
pub fn trim_to(conn: &Connection, keep: u64) -> Result<u64> {
    let n = conn.prepare_cached(
        "DELETE FROM events WHERE seq <= (SELECT seq FROM events ORDER BY seq DESC LIMIT 1 OFFSET ?1)",
    )?
    .execute([keep as i64])?;
    Ok(n as u64)
}

/// One page of the buffer for a cursor (`GET /api/events`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Page {
    /// `(seq, envelope JSON)`, oldest first.
    pub events: Vec<(i64, String)>,
    /// The cursor to continue from: the last event's `seq` when the page is
    /// full, else the newest `seq` stored when the page was read (every
    /// matching event up to it is in this page), so a filtered poll does not
    /// rescan what it has already passed and a cursor from a reset store
    /// catches up at once.
    pub next: i64,
    /// Events after the cursor that were dropped from the buffer (the cap)
    /// before they were read, of any type. 0 when nothing was missed.
    pub missed: u64,
}

/// The page after `cursor` (`None`: the newest `limit` events), read in one
/// snapshot so `next` and the events agree.
pub fn page(
    conn: &Connection,
    cursor: Option<i64>,
    limit: usize,
    query: &EventQuery,
) -> Result<Page> {
    let mut events = Vec::new();
    let (next, missed) = page_each(conn, cursor, limit, query, &mut |seq, json| {
        events.push((seq, json.to_string()))
    })?;
    Ok(Page {
        events,
        next,
        missed,
    })
}

/// [`page`] without collecting: `each(seq, envelope JSON)` is called for
/// every event, oldest first, with text borrowed from SQLite (no copy per
/// row). Returns `(next, missed)`.
pub fn page_each(
    conn: &Connection,
    cursor: Option<i64>,
    limit: usize,
    query: &EventQuery,
    each: &mut dyn FnMut(i64, &str),
) -> Result<(i64, u64)> {
    read_snapshot(conn, || {
        let (clause, mut args) = match cursor {
            Some(c) => filter(query, "seq > ?".into(), vec![Value::Integer(c)]),
            None => filter(query, "1".into(), Vec::new()),
        };
        args.push(Value::Integer(limit as i64));
        let sql = match cursor {
            Some(_) => format!("SELECT seq, body FROM events WHERE {clause} ORDER BY seq LIMIT ?"),
            None => format!(
                "SELECT seq, body FROM (SELECT seq, body FROM events WHERE {clause} ORDER BY seq DESC LIMIT ?) ORDER BY seq"
            ),
        };
        let mut stmt = conn.prepare_cached(&sql)?;
        let mut rows = stmt.query(params_from_iter(args))?;
        let (mut n, mut last) = (0usize, None);
        while let Some(row) = rows.next()? {
            let seq: i64 = row.get(0)?;
            each(seq, row.get_ref(1)?.as_str()?);
            n += 1;
            last = Some(seq);
        }
        let head = last_seq(conn)?;
        let next = match last {
            Some(seq) if n >= limit => seq,
            _ => head,
        };
        let missed = match cursor {
            Some(c) if c < head => {
                let oldest: Option<i64> = conn
                    .prepare_cached("SELECT min(seq) FROM events")?
                    .query_row([], |r| r.get(0))?;
                let first_available = oldest.unwrap_or(head + 1);
                (first_available - c - 1).max(0) as u64
            }
            _ => 0,
        };
        Ok((next, missed))
    })
}

/// Run `f` in one snapshot: a savepoint, not BEGIN (an in-memory store reads
/// on the writer's connection, inside its batch transaction), always
/// released, so a pooled read connection never keeps an old snapshot open.
fn read_snapshot<T>(conn: &Connection, f: impl FnOnce() -> Result<T>) -> Result<T> {
    conn.execute_batch("SAVEPOINT page")?;
    let result = f();
    let end = if result.is_ok() {
        conn.execute_batch("RELEASE page")
    } else {
        conn.execute_batch("ROLLBACK TO page; RELEASE page")
    };
    let out = result?;
    end?;
    Ok(out)
}

/// How many events are buffered.
pub fn count(conn: &Connection) -> Result<u64> {
    Ok(conn.query_row("SELECT count(*) FROM events", [], |r| r.get::<_, i64>(0))? as u64)
}

/// The highest `seq` ever given (0 when none), for a cursor that starts "now".
pub fn last_seq(conn: &Connection) -> Result<i64> {
    Ok(conn
        .prepare_cached(
            "SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'events'), 0)",
        )?
        .query_row([], |r| r.get(0))?)
}

/// The async side of this table, on the writer thread or a read connection.
impl super::Store {
    /// Append events in one transaction; returns their sequence numbers
    /// (ascending), `None` for a copy of a stored event.
    pub async fn insert_events(
        &self,
        batch: Vec<crate::webcast::Envelope>,
    ) -> Result<Vec<Option<i64>>> {
        self.write(move |c| insert(c, &batch)).await
    }

    /// Append serialised events (copies of stored ones are refused) and drop
    /// the oldest beyond `cap`, in one transaction (batched with other writes).
    pub async fn insert_events_capped(&self, rows: Vec<NewEvent>, cap: u64) -> Result<Inserted> {
        self.write(move |c| insert_capped(c, &rows, cap)).await
    }

    /// One page of events after `cursor` (`None`: the newest), with the
    /// cursor to continue from.
    pub async fn events_page(
        &self,
        cursor: Option<i64>,
        limit: usize,
        query: EventQuery,
    ) -> Result<Page> {
        self.read(move |c| page(c, cursor, limit, &query)).await
    }

    /// The newest `seq` given so far (0 when none).
    pub async fn last_event_seq(&self) -> Result<i64> {
        self.read(last_seq).await
    }

    /// Events with `seq > cursor`, oldest first, at most `limit`.
    pub async fn events_after(
        &self,
        cursor: i64,
        limit: usize,
        query: EventQuery,
    ) -> Result<Vec<StoredEvent>> {
        self.read(move |c| after(c, cursor, limit, &query)).await
    }

    /// The newest `limit` events matching `query`, oldest first.
    pub async fn newest_events(&self, limit: usize, query: EventQuery) -> Result<Vec<StoredEvent>> {
        self.read(move |c| newest(c, limit, &query)).await
    }

    /// Keep only the newest `keep` events; returns how many were dropped.
    pub async fn trim_events(&self, keep: u64) -> Result<u64> {
        self.write(move |c| trim_to(c, keep)).await
    }

    /// How many events are buffered.
    pub async fn count_events(&self) -> Result<u64> {
        self.read(count).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::test_db;
    use crate::webcast::{Event, EventKind};

    fn env(kind: EventKind, streamer: &str, n: u32) -> Envelope {
        Envelope::new(
            Event::new(kind, &serde_json::json!({ "n": n })),
            streamer,
            "2024-01-01T00:00:00.000Z".into(),
            format!("id-{n}"),
        )
    }

    fn sample(c: &Connection) -> Vec<i64> {
        let batch: Vec<Envelope> = (0..10)
            .map(|n| {
                let kind = if n % 2 == 0 {
                    EventKind::Chat
                } else {
                    EventKind::Gift
                };
                env(kind, if n < 5 { "alice" } else { "bob" }, n)
            })
            .collect();
        insert(c, &batch).unwrap().into_iter().flatten().collect()
    }

    #[test]
    fn inserts_get_sequential_ids_and_keep_the_exact_json() {
        let c = test_db();
        let seqs = sample(&c);
        assert_eq!(seqs, (1..=10).collect::<Vec<i64>>());
        let all = after(&c, 0, 100, &EventQuery::default()).unwrap();
        assert_eq!(all.len(), 10);
        assert_eq!(all[3].json, env(EventKind::Gift, "alice", 3).to_json());
        assert_eq!(all[3].kind, "gift");
        assert_eq!(count(&c).unwrap(), 10);
        assert_eq!(last_seq(&c).unwrap(), 10);
    }

    #[test]
    fn cursor_type_and_streamer_filters() {
        let c = test_db();
        sample(&c);
        let gifts = EventQuery {
            types: Some([EventKind::Gift].into_iter().collect()),
            streamer: None,
        };
        let page = after(&c, 0, 2, &gifts).unwrap();
        assert_eq!(page.iter().map(|e| e.seq).collect::<Vec<_>>(), [2, 4]);
        let next = after(&c, page[1].seq, 100, &gifts).unwrap();
        assert_eq!(next.iter().map(|e| e.seq).collect::<Vec<_>>(), [6, 8, 10]);
        let bob_chat = EventQuery {
            types: Some([EventKind::Chat].into_iter().collect()),
            streamer: Some("bob".into()),
        };
        let got = after(&c, 0, 100, &bob_chat).unwrap();
        assert_eq!(got.iter().map(|e| e.seq).collect::<Vec<_>>(), [7, 9]);
        let none = EventQuery {
            types: Some(KindSet::default()),
            streamer: None,
        };
        assert!(after(&c, 0, 100, &none).unwrap().is_empty());
    }

    #[test]
    fn newest_is_oldest_first_and_trim_keeps_the_newest() {
        let c = test_db();
        sample(&c);
        let last3 = newest(&c, 3, &EventQuery::default()).unwrap();
        assert_eq!(last3.iter().map(|e| e.seq).collect::<Vec<_>>(), [8, 9, 10]);
        assert_eq!(trim_to(&c, 4).unwrap(), 6);
        assert_eq!(count(&c).unwrap(), 4);
        assert_eq!(after(&c, 0, 100, &EventQuery::default()).unwrap()[0].seq, 7);
        assert_eq!(trim_to(&c, 100).unwrap(), 0);
        // Sequence numbers never go back, even after trimming.
        let more = insert(&c, &[env(EventKind::Like, "alice", 99)]).unwrap();
        assert_eq!(more, [Some(11)]);
        assert_eq!(trim_to(&c, 0).unwrap(), 5);
        assert_eq!(last_seq(&c).unwrap(), 11);
    }

    fn rows(range: std::ops::Range<u32>) -> Vec<NewEvent> {
        range
            .map(|n| NewEvent::from(&env(EventKind::Chat, "alice", n)))
            .collect()
    }

    #[test]
    fn capped_inserts_keep_exactly_the_newest_cap() {
        let c = test_db();
        let first = insert_capped(&c, &rows(0..3), 5).unwrap();
        assert_eq!(
            first,
            Inserted {
                seqs: vec![Some(1), Some(2), Some(3)],
                dropped: 0
            }
        );
        let second = insert_capped(&c, &rows(3..10), 5).unwrap();
        assert_eq!((second.last_seq(), second.dropped), (10, 5));
        assert_eq!(count(&c).unwrap(), 5);
        let kept = after(&c, 0, 100, &EventQuery::default()).unwrap();
        assert_eq!(
            kept.iter().map(|e| e.seq).collect::<Vec<_>>(),
            [6, 7, 8, 9, 10]
        );
        assert_eq!(
            kept[0].json,
            rows(5..6)[0].json,
            "bodies are stored as given"
        );
        assert_eq!(insert_capped(&c, &[], 5).unwrap(), Inserted::default());
    }

    #[test]
    fn a_stored_id_is_a_copy_and_is_not_stored_again() {
        let c = test_db();
        let first = insert_capped(&c, &rows(0..4), 100).unwrap();
        assert_eq!((first.stored(), first.copies()), (4, 0));
        // 2 and 3 again, 4 new, and 4 twice in one batch.
        let mut batch = rows(2..5);
        batch.extend(rows(4..5));
        let second = insert_capped(&c, &batch, 100).unwrap();
        assert_eq!(second.seqs, [None, None, Some(5), None]);
        assert_eq!(
            (second.stored(), second.copies(), second.last_seq()),
            (1, 3, 5)
        );
        assert_eq!(count(&c).unwrap(), 5);
        // A batch of copies only writes nothing, takes no seq, drops nothing.
        let third = insert_capped(&c, &rows(0..5), 2).unwrap();
        assert_eq!((third.copies(), third.dropped, third.last_seq()), (5, 0, 0));
        assert_eq!(last_seq(&c).unwrap(), 5);
        // The next new event gets the next seq: seqs stay contiguous, so the
        // cap keeps exactly the newest 2.
        let fourth = insert_capped(&c, &rows(5..6), 2).unwrap();
        assert_eq!((fourth.seqs.clone(), fourth.dropped), (vec![Some(6)], 4));
        assert_eq!(count(&c).unwrap(), 2);
        // Once trimmed out of the buffer, an id is not known any more.
        let again = insert_capped(&c, &rows(0..1), 2).unwrap();
        assert_eq!(again.seqs, [Some(7)]);
    }

    #[test]
    fn a_store_that_already_holds_copies_opens_and_keeps_them() {
        let c = test_db();
        // As a version-1 store could: the same id twice, written directly.
        for _ in 0..2 {
            c.execute(
                "INSERT INTO events (id, type, streamer, timestamp, body) VALUES ('dup', 'chat', 'a', 't', '{}')",
                [],
            )
            .unwrap();
        }
        assert_eq!(count(&c).unwrap(), 2);
        let dup = NewEvent {
            id: "dup".into(),
            ..rows(0..1).remove(0)
        };
        assert_eq!(insert_capped(&c, &[dup], 100).unwrap().copies(), 1);
        assert_eq!(count(&c).unwrap(), 2);
    }

    #[test]
    fn pages_follow_the_cursor_without_gaps_or_repeats() {
        let c = test_db();
        sample(&c);
        let all = EventQuery::default();
        // No cursor: the newest `limit`, oldest first; next = the last one.
        let p = page(&c, None, 3, &all).unwrap();
        assert_eq!(p.events.iter().map(|e| e.0).collect::<Vec<_>>(), [8, 9, 10]);
        assert_eq!((p.next, p.missed), (10, 0));
        // From the start, in pages of 4: 1-4, 5-8, 9-10, then nothing.
        let mut cursor = 0;
        let mut seen = Vec::new();
        loop {
            let p = page(&c, Some(cursor), 4, &all).unwrap();
            if p.events.is_empty() {
                assert_eq!(p.next, cursor);
                break;
            }
            seen.extend(p.events.iter().map(|e| e.0));
            cursor = p.next;
        }
        assert_eq!(seen, (1..=10).collect::<Vec<_>>());
        // A filtered page that is not full jumps to the newest seq.
        let gifts = EventQuery {
            types: Some([EventKind::Gift].into_iter().collect()),
            streamer: Some("alice".into()),
        };
        let p = page(&c, Some(0), 100, &gifts).unwrap();
        assert_eq!(p.events.iter().map(|e| e.0).collect::<Vec<_>>(), [2, 4]);
        assert_eq!(p.next, 10);
        // A cursor ahead of the store (a reset store) comes back to its head.
        assert_eq!(page(&c, Some(99), 10, &all).unwrap().next, 10);
    }

    #[test]
    fn a_trimmed_cursor_continues_from_the_oldest_and_says_what_was_missed() {
        let c = test_db();
        sample(&c);
        trim_to(&c, 4).unwrap();
        let p = page(&c, Some(2), 100, &EventQuery::default()).unwrap();
        assert_eq!(
            p.events.iter().map(|e| e.0).collect::<Vec<_>>(),
            [7, 8, 9, 10]
        );
        assert_eq!(p.missed, 4, "3, 4, 5 and 6 were dropped");
        assert_eq!(
            page(&c, Some(6), 100, &EventQuery::default())
                .unwrap()
                .missed,
            0
        );
        trim_to(&c, 0).unwrap();
        let p = page(&c, Some(8), 100, &EventQuery::default()).unwrap();
        assert!(p.events.is_empty());
        assert_eq!((p.next, p.missed), (10, 2));
    }
}
