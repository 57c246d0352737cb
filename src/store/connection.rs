//! Opening connections: pragmas and migrations, read-only readers, the
//! checkpoint thread.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Result;
use rusqlite::{Connection, ErrorCode, OpenFlags};

use super::{BUSY_TIMEOUT_MS, CHECKPOINT_EVERY, migrate};

/// Connection settings and migrations. `file` = a file (WAL) rather than memory.
pub(super) fn prepare(mut conn: Connection, file: bool, busy: Duration) -> Result<Connection> {
    conn.busy_timeout(busy)?;
    if file {
        let mode = switch_to_wal(&conn, busy)?;
        if !mode.eq_ignore_ascii_case("wal") {
            tracing::warn!(mode, "the store could not switch to WAL mode");
        }
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        // The checkpoint thread does this (see the module doc).
        conn.pragma_update(None, "wal_autocheckpoint", 0)?;
    }
    conn.pragma_update(None, "foreign_keys", "ON")?;
    migrate::migrate(&mut conn)?;
    Ok(conn)
}

/// `PRAGMA journal_mode = WAL`, retried for up to `busy` while another
/// connection holds the lock; returns the journal mode now in force.
///
/// The busy timeout does not cover this statement: changing the journal mode
/// needs the exclusive lock while the statement already holds a read lock, and
/// SQLite answers `SQLITE_BUSY` at once rather than call the busy handler
/// (waiting there could deadlock; see "sqlite3_busy_handler" in SQLite's C
/// API docs). Two processes opening a new store together (two `forward`
/// processes started at once) then saw "locked by another process", a few
/// times in a hundred tries with two openers; without this retry
/// `store::tests::processes_opening_a_new_store_at_once_all_succeed` fails
/// (3 runs of 3 did).
fn switch_to_wal(conn: &Connection, busy: Duration) -> rusqlite::Result<String> {
    let deadline = Instant::now() + busy;
    let mut pause = Duration::from_millis(1);
    loop {
        match conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0)) {
            Err(e)
                if matches!(
                    e.sqlite_error_code(),
                    Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
                ) && Instant::now() + pause < deadline =>
            {
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(50));
            }
            done => return done,
        }
    }
}

/// A thread with its own connection that runs a passive checkpoint (one that
/// never blocks readers or the writer) every [`CHECKPOINT_EVERY`], and once
/// more when the store is dropped.
pub(super) fn spawn_checkpointer(path: &Path) -> std::sync::mpsc::SyncSender<()> {
    let (stop, stopped) = std::sync::mpsc::sync_channel::<()>(1);
    let path = path.to_path_buf();
    std::thread::Builder::new()
        .name("store-checkpoint".into())
        .spawn(move || {
            let Ok(conn) = Connection::open(&path) else {
                return;
            };
            let _ = conn.busy_timeout(Duration::from_millis(BUSY_TIMEOUT_MS));
            loop {
                let last = matches!(
                    stopped.recv_timeout(CHECKPOINT_EVERY),
                    Err(std::sync::mpsc::RecvTimeoutError::Disconnected)
                );
                if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
                    tracing::debug!("store checkpoint failed: {e}");
                }
                if last {
                    return;
                }
            }
        })
        .expect("spawning the store checkpoint thread");
    stop
}

pub(super) fn open_reader(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(Duration::from_millis(BUSY_TIMEOUT_MS))?;
    Ok(conn)
}
