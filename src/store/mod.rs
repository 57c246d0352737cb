//! The embedded store: one SQLite file (rusqlite, bundled) holding the webhook
//! registry ([`webhooks`]), the delivery outbox ([`outbox`]) and the event
//! buffer `serve` keeps ([`events`]). The only module that touches SQLite.
//!
//! rusqlite is blocking, so the async side never calls it directly:
//!
//! - **Writes** go to one writer thread (an actor) through a bounded inbox
//!   ([`INBOX`] jobs; senders wait when it is full). The thread takes every
//!   job that is waiting (up to [`MAX_BATCH`]) and runs them in *one*
//!   transaction, each inside its own savepoint, so a failing job rolls back
//!   alone and the rest still commit together (group commit: thousands of
//!   small writes per second cost a handful of commits). A job's result is
//!   handed back only after the commit.
//! - **Reads** run on tokio's blocking pool with their own read-only
//!   connections (WAL lets them read while the writer writes). An in-memory
//!   store (tests) has a single connection, so its reads go through the writer.
//!
//! The file is in WAL mode with `synchronous = NORMAL`: a committed write
//! survives a killed process (`kill -9`); only a power cut may lose the last
//! few transactions. Commits never wait for a disk flush: the WAL is copied
//! back into the database (and flushed) by a checkpoint thread every
//! [`CHECKPOINT_EVERY`] instead of by whichever commit crosses SQLite's
//! automatic threshold, which kept a few milliseconds of fsync off the
//! event → webhook path. The schema is versioned with `PRAGMA user_version`
//! ([`migrate`]).
//!
//! Where things are: this file holds [`Store`], the handle (open, write,
//! read); `writer` the writer thread and its batches; `connection` the
//! connection set-up and the checkpoint thread. Each table module
//! ([`webhooks`], [`outbox`], [`events`]) holds plain synchronous functions
//! over a `&Connection` (unit-tested on `:memory:`) and the async [`Store`]
//! methods that wrap them.

mod connection;
pub mod events;
pub mod lane_lock;
pub mod migrate;
pub mod outbox;
pub mod webhooks;
mod writer;

use self::connection::{open_reader, prepare, spawn_checkpointer};
use self::writer::{Call, Job};

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context, Result, anyhow};
use rusqlite::{Connection, ErrorCode};
use tokio::sync::{mpsc, oneshot};

pub use events::{EventQuery, Inserted, NewEvent, Page, StoredEvent};
pub use outbox::{NewDelivery, Pending};
pub use webhooks::{GiveUp, NewWebhook, Removed, Webhook, WebhookStats};

/// Jobs the writer inbox holds before senders wait.
pub const INBOX: usize = 1024;
/// Jobs committed together in one transaction at most.
pub const MAX_BATCH: usize = 1024;
/// How long a statement waits for a lock held by another process.
const BUSY_TIMEOUT_MS: u64 = 5_000;
/// How often the checkpoint thread folds the WAL back into the database.
pub const CHECKPOINT_EVERY: Duration = Duration::from_secs(1);
/// Read connections at most: reads beyond this many wait for a free one, so
/// every connection is reused (opening one costs more than most reads).
const MAX_READERS: usize = 4;

/// A handle to the store. Cheap to clone; the writer thread ends when the last
/// handle is dropped, after committing what it was given.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

struct Inner {
    /// `None` for an in-memory store.
    path: Option<PathBuf>,
    /// Dropped with the store: stops the checkpoint thread.
    _checkpoints: Option<std::sync::mpsc::SyncSender<()>>,
    tx: mpsc::Sender<Box<dyn Job>>,
    readers: Mutex<Vec<Connection>>,
    /// One permit per read connection.
    reading: Arc<tokio::sync::Semaphore>,
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Store({})", self.label())
    }
}

impl Store {
    /// Open (creating if needed) the store at `path` and bring its schema up
    /// to date. Creates the parent directory.
    ///
    /// # Errors
    /// A clear message naming the path when the file cannot be created, is
    /// not a database (corrupt), is locked by another process, or was written
    /// by a newer tiklive.
    pub fn open(path: &Path) -> Result<Store> {
        Store::open_with_timeout(path, Duration::from_millis(BUSY_TIMEOUT_MS))
    }

    /// [`Store::open`] waiting at most `busy` for another process's lock.
    pub fn open_with_timeout(path: &Path, busy: Duration) -> Result<Store> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create the store directory {}", dir.display()))?;
        }
        let conn = Connection::open(path).map_err(|e| describe(path, &e))?;
        let conn = prepare(conn, true, busy).map_err(|e| describe_any(path, e))?;
        Ok(Store::start(conn, Some(path.to_path_buf())))
    }

    /// Open the store at `path` only if it exists: what a command that
    /// reads or removes uses, so that it never leaves a new file (or
    /// directory) behind. `Ok(None)` when there is no file at `path`.
    ///
    /// # Errors
    /// As [`Store::open`], but never "cannot create".
    pub fn open_existing(path: &Path) -> Result<Option<Store>> {
        use rusqlite::OpenFlags;
        let exists = path
            .try_exists()
            .with_context(|| format!("cannot look for the store {}", path.display()))?;
        if !exists {
            return Ok(None);
        }
        // Without SQLITE_OPEN_CREATE: a file removed meanwhile is an error,
        // not a new empty store.
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(|e| describe(path, &e))?;
        let busy = Duration::from_millis(BUSY_TIMEOUT_MS);
        let conn = prepare(conn, true, busy).map_err(|e| describe_any(path, e))?;
        Ok(Some(Store::start(conn, Some(path.to_path_buf()))))
    }

    /// A private store in memory (tests; `serve` without persistence).
    pub fn open_in_memory() -> Result<Store> {
        let conn = Connection::open_in_memory()?;
        let conn = prepare(conn, false, Duration::from_millis(BUSY_TIMEOUT_MS))?;
        Ok(Store::start(conn, None))
    }

    fn start(conn: Connection, path: Option<PathBuf>) -> Store {
        let (tx, rx) = mpsc::channel(INBOX);
        let label = label_of(path.as_deref());
        std::thread::Builder::new()
            .name("store-writer".into())
            .spawn(move || writer::run(conn, rx, &label))
            .expect("spawning the store writer thread");
        let checkpoints = path.as_deref().map(spawn_checkpointer);
        Store {
            inner: Arc::new(Inner {
                _checkpoints: checkpoints,
                path,
                tx,
                readers: Mutex::new(Vec::new()),
                reading: Arc::new(tokio::sync::Semaphore::new(MAX_READERS)),
            }),
        }
    }

    /// The file, or `None` in memory.
    pub fn path(&self) -> Option<&Path> {
        self.inner.path.as_deref()
    }

    fn label(&self) -> String {
        label_of(self.path())
    }

    /// Claim `webhook_id`'s deliveries from this store for this process
    /// ([`lane_lock`]); `Ok(None)` when another process holds them.
    ///
    /// # Errors
    /// The lock file cannot be created or locked.
    pub fn try_lock_lane(&self, webhook_id: i64) -> Result<Option<lane_lock::LaneLock>> {
        lane_lock::try_lock_lane(self.path(), webhook_id)
    }

    /// Run `f` on the writer thread inside a transaction (batched with other
    /// jobs) and wait for the commit.
    ///
    /// # Errors
    /// What `f` returned, a failed commit, or a stopped writer.
    pub async fn write<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        let (reply, rx) = oneshot::channel();
        let job = Box::new(Call {
            f: Some(f),
            result: None,
            reply: Some(reply),
        });
        self.inner
            .tx
            .send(job)
            .await
            .map_err(|_| anyhow!("the store writer stopped ({})", self.label()))?;
        rx.await
            .map_err(|_| anyhow!("the store writer stopped ({})", self.label()))?
    }

    /// Queue `f` on the writer thread without waiting for it (a failure is a
    /// warning). Waits only while the inbox is full. [`Store::flush`] waits
    /// for everything submitted before it.
    pub async fn submit<F>(&self, f: F)
    where
        F: FnOnce(&Connection) -> Result<()> + Send + 'static,
    {
        let job = Box::new(Call {
            f: Some(f),
            result: None,
            reply: None,
        });
        if self.inner.tx.send(job).await.is_err() {
            crate::term::warn(format_args!(
                "the store writer stopped ({}); a write was lost",
                self.label()
            ));
        }
    }

    /// Wait until everything written or submitted so far is committed.
    ///
    /// # Errors
    /// The writer stopped.
    pub async fn flush(&self) -> Result<()> {
        self.write(|_| Ok(())).await
    }

    /// Run a read-only `f` on the blocking pool with a read connection.
    ///
    /// # Errors
    /// What `f` returned, or a connection that could not be opened.
    pub async fn read<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        let Some(path) = self.inner.path.clone() else {
            return self.write(f).await;
        };
        let inner = Arc::clone(&self.inner);
        let permit = Arc::clone(&inner.reading)
            .acquire_owned()
            .await
            .map_err(|_| anyhow!("the store is closed ({})", self.label()))?;
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let pooled = inner.readers.lock().ok().and_then(|mut p| p.pop());
            let conn = match pooled {
                Some(c) => c,
                None => open_reader(&path).map_err(|e| describe(&path, &e))?,
            };
            let result = f(&conn);
            if let Ok(mut pool) = inner.readers.lock()
                && pool.len() < MAX_READERS
            {
                pool.push(conn);
            }
            result
        })
        .await
        .map_err(|e| anyhow!("store read task failed: {e}"))?
    }
}

fn label_of(path: Option<&Path>) -> String {
    path.map(|p| p.display().to_string())
        .unwrap_or_else(|| ":memory:".into())
}

/// A one-line message for an SQLite error, naming the file and what to do.
fn describe_text(label: &str, e: &rusqlite::Error) -> String {
    match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => format!(
            "the store {label} is corrupt or not a tiklive database ({e}); move it away or pass --db PATH"
        ),
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => format!(
            "the store {label} is locked by another process ({e}); stop it or pass --db PATH"
        ),
        Some(ErrorCode::CannotOpen | ErrorCode::PermissionDenied | ErrorCode::ReadOnly) => {
            format!("cannot open the store {label} ({e}); check the path or pass --db PATH")
        }
        _ => format!("store {label}: {e}"),
    }
}

/// [`describe_text`] with its exit code: a `--db` path that cannot be
/// opened, or a file that is not a database, is a usage error (2), like any
/// bad path on the command line ([`crate::error::bad_path`]); a directory
/// says so.
fn describe(path: &Path, e: &rusqlite::Error) -> anyhow::Error {
    use crate::error::{Code, Failure};
    if path.is_dir() {
        let e = std::io::Error::from(std::io::ErrorKind::IsADirectory);
        return crate::error::bad_path("open the store", path, &e).into();
    }
    let code = match e.sqlite_error_code() {
        Some(
            ErrorCode::NotADatabase
            | ErrorCode::CannotOpen
            | ErrorCode::PermissionDenied
            | ErrorCode::ReadOnly,
        ) => Code::Usage,
        _ => Code::Runtime,
    };
    Failure::new(code, describe_text(&path.display().to_string(), e)).into()
}

fn describe_any(path: &Path, e: anyhow::Error) -> anyhow::Error {
    let label = path.display().to_string();
    match e.chain().find_map(|c| c.downcast_ref::<rusqlite::Error>()) {
        Some(sql) => describe(path, sql),
        None => e.context(format!("cannot open the store {label}")),
    }
}

/// A migrated in-memory connection for the submodules' unit tests.
#[cfg(test)]
pub(crate) fn test_db() -> Connection {
    prepare(
        Connection::open_in_memory().unwrap(),
        false,
        Duration::from_millis(BUSY_TIMEOUT_MS),
    )
    .unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn writes_batch_and_a_failing_job_rolls_back_alone() {
        let store = Store::open_in_memory().unwrap();
        let a = store.add_webhook(NewWebhook::url("http://127.0.0.1:1/a"));
        let bad = store.write(|c| -> anyhow::Result<()> {
            c.execute(
                "INSERT INTO webhooks (url, created_at) VALUES ('http://x', 1)",
                [],
            )?;
            anyhow::bail!("no")
        });
        let b = store.add_webhook(NewWebhook::url("http://127.0.0.1:1/b"));
        let (a, bad, b) = tokio::join!(a, bad, b);
        assert!(bad.is_err());
        let (a, b) = (a.unwrap(), b.unwrap());
        assert!(b > a);
        let urls: Vec<String> = store
            .webhooks()
            .await
            .unwrap()
            .into_iter()
            .map(|w| w.url)
            .collect();
        assert_eq!(urls, ["http://127.0.0.1:1/a", "http://127.0.0.1:1/b"]);
    }

    #[tokio::test]
    async fn a_file_store_uses_wal_and_reads_see_commits() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/tiklive.db");
        let store = Store::open(&path).unwrap();
        let id = store
            .add_webhook(NewWebhook::url("https://example.com/hook"))
            .await
            .unwrap();
        assert_eq!(store.webhook(id).await.unwrap().unwrap().id, id);
        let mode: String = store
            .read(|c| Ok(c.query_row("PRAGMA journal_mode", [], |r| r.get(0))?))
            .await
            .unwrap();
        assert_eq!(mode, "wal");
        drop(store);
        // Reopening keeps the data and does not migrate again.
        let store = Store::open(&path).unwrap();
        assert_eq!(store.webhooks().await.unwrap().len(), 1);
    }

    #[test]
    fn a_corrupt_file_names_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("broken.db");
        std::fs::write(&path, vec![b'x'; 8192]).unwrap();
        let err = Store::open(&path).unwrap_err().to_string();
        assert!(err.contains("broken.db"), "{err}");
        assert!(err.contains("corrupt or not a tiklive database"), "{err}");
    }

    #[test]
    fn a_locked_file_names_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("locked.db");
        drop(Store::open(&path).unwrap());
        let holder = Connection::open(&path).unwrap();
        holder
            .execute_batch("PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE;")
            .unwrap();
        let err = Store::open_with_timeout(&path, Duration::from_millis(20))
            .unwrap_err()
            .to_string();
        assert!(err.contains("locked.db"), "{err}");
        assert!(err.contains("locked by another process"), "{err}");
    }

    /// Connections stand in for processes (SQLite locks the file the same
    /// way): each round, several open one new file at the same moment.
    #[test]
    fn processes_opening_a_new_store_at_once_all_succeed() {
        const AT_ONCE: usize = 3;
        for _round in 0..30 {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("data/tiklive.db");
            let start = Arc::new(std::sync::Barrier::new(AT_ONCE));
            let openers: Vec<_> = (0..AT_ONCE)
                .map(|_| {
                    let (path, start) = (path.clone(), Arc::clone(&start));
                    std::thread::spawn(move || {
                        start.wait();
                        Store::open(&path).map(drop)
                    })
                })
                .collect();
            for opener in openers {
                opener.join().unwrap().unwrap();
            }
        }
    }
}
