//! The event buffer `serve` keeps: every event in arrival order under a
//! sequential `seq` (the cursor for `?after=` and SSE resumption), capped to
//! the newest N by [`trim_to`]. Bodies are stored as the exact envelope JSON,
//! so reading them back costs no re-serialisation.

use anyhow::Result;
use rusqlite::types::Value;
use rusqlite::{Connection, params_from_iter};

use crate::webcast::{Envelope, KindSet};

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

/// Append events (the caller's transaction makes the batch atomic); returns
/// their `seq`s, ascending and in batch order.
pub fn insert(conn: &Connection, batch: &[Envelope]) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare_cached(
        "INSERT INTO events (id, type, streamer, timestamp, body) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    let mut seqs = Vec::with_capacity(batch.len());
    for env in batch {
        stmt.execute((
            &env.id,
            env.kind.name(),
            &env.streamer,
            &env.timestamp,
            env.to_json(),
        ))?;
        seqs.push(conn.last_insert_rowid());
    }
    Ok(seqs)
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

/// How many events are buffered.
pub fn count(conn: &Connection) -> Result<u64> {
    Ok(conn.query_row("SELECT count(*) FROM events", [], |r| r.get::<_, i64>(0))? as u64)
}

/// The highest `seq` ever given (0 when none), for a cursor that starts "now".
pub fn last_seq(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'events'), 0)",
        [],
        |r| r.get(0),
    )?)
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
        insert(c, &batch).unwrap()
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
        assert_eq!(more, [11]);
        assert_eq!(trim_to(&c, 0).unwrap(), 5);
        assert_eq!(last_seq(&c).unwrap(), 11);
    }
}
