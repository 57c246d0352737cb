//! Schema migrations without a framework (style.md item 36): ordered SQL steps
//! embedded in the binary, applied in order, and `PRAGMA user_version` records
//! how many have run. A step is never edited once released; a change is a new
//! file appended to [`MIGRATIONS`].

use anyhow::{Context, Result, bail};
use rusqlite::{Connection, TransactionBehavior};

/// Step `i` brings the schema from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/001_init.sql"),
    include_str!("migrations/002_event_ids.sql"),
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Bring `conn` up to [`SCHEMA_VERSION`], each step in its own transaction.
///
/// # Errors
/// A store written by a newer tiklive (a higher version than we know), or a
/// step that fails (the transaction is rolled back and the version unchanged).
///
/// Each step takes the write lock *before* reading the version, so two
/// processes opening a new store at once do not both run the same step.
pub fn migrate(conn: &mut Connection) -> Result<()> {
    loop {
        let current: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        check_version(current)?;
        if current >= SCHEMA_VERSION {
            return Ok(());
        }
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let current: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        check_version(current)?;
        if let Some(sql) = MIGRATIONS.get(current.max(0) as usize) {
            let version = current.max(0) + 1;
            tx.execute_batch(sql)
                .with_context(|| format!("migration {version} failed"))?;
            tx.pragma_update(None, "user_version", version)?;
            tracing::debug!(version, "store schema migrated");
        }
        tx.commit()?;
    }
}

fn check_version(current: i64) -> Result<()> {
    if current > SCHEMA_VERSION {
        bail!(
            "it was written by a newer tiklive (schema version {current}, this build knows {SCHEMA_VERSION})"
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrates_once_and_is_idempotent() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        migrate(&mut conn).unwrap();
        let v: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, SCHEMA_VERSION);
        let tables: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('webhooks', 'outbox', 'give_ups', 'events')",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(tables, 4);
    }

    #[test]
    fn two_connections_migrating_a_new_file_at_once_both_succeed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("race.db");
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let path = path.clone();
                std::thread::spawn(move || {
                    let mut c = Connection::open(&path).unwrap();
                    c.busy_timeout(std::time::Duration::from_secs(10)).unwrap();
                    migrate(&mut c)
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap().unwrap();
        }
    }

    #[test]
    fn a_version_1_store_holding_copies_of_an_event_still_migrates() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(MIGRATIONS[0]).unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        conn.execute_batch(
            "INSERT INTO events (id, type, timestamp, body) VALUES ('x', 'chat', 't', '{}');
             INSERT INTO events (id, type, timestamp, body) VALUES ('x', 'chat', 't', '{}');",
        )
        .unwrap();
        migrate(&mut conn).unwrap();
        let (v, rows): (i64, i64) = conn
            .query_row(
                "SELECT (SELECT user_version FROM pragma_user_version), count(*) FROM events",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!((v, rows), (SCHEMA_VERSION, 2));
    }

    #[test]
    fn a_newer_schema_is_refused() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
        let err = migrate(&mut conn).unwrap_err();
        assert!(err.to_string().contains("newer tiklive"), "{err}");
    }
}
