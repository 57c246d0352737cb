//! The writer thread: jobs sent through the inbox run in batches, one
//! transaction per batch with a savepoint per job (group commit).

use anyhow::{Result, anyhow};
use rusqlite::Connection;
use tokio::sync::{mpsc, oneshot};

use super::{MAX_BATCH, describe_text};

/// One unit of work for the writer thread.
pub(super) trait Job: Send {
    /// Run inside the batch transaction; false rolls this job back.
    fn run(&mut self, conn: &Connection) -> bool;
    /// Hand the result back once the batch committed (or failed to).
    fn finish(self: Box<Self>, commit: Result<(), &str>);
}

/// A closure to run and where its result goes (`None`: warn on failure).
pub(super) struct Call<T, F> {
    pub(super) f: Option<F>,
    pub(super) result: Option<Result<T>>,
    pub(super) reply: Option<oneshot::Sender<Result<T>>>,
}

impl<T, F> Job for Call<T, F>
where
    T: Send,
    F: FnOnce(&Connection) -> Result<T> + Send,
{
    fn run(&mut self, conn: &Connection) -> bool {
        let r = match self.f.take() {
            Some(f) => f(conn),
            None => Err(anyhow!("store job ran twice")),
        };
        let ok = r.is_ok();
        self.result = Some(r);
        ok
    }

    fn finish(self: Box<Self>, commit: Result<(), &str>) {
        let result = match (self.result, commit) {
            (Some(Ok(v)), Ok(())) => Ok(v),
            (Some(Ok(_)), Err(e)) => Err(anyhow!("{e}")),
            (Some(Err(e)), _) => Err(e),
            (None, Err(e)) => Err(anyhow!("{e}")),
            (None, Ok(())) => Err(anyhow!("store job did not run")),
        };
        match self.reply {
            Some(reply) => {
                let _ = reply.send(result);
            }
            None => {
                if let Err(e) = result {
                    crate::term::warn(format_args!("store write failed: {e:#}"));
                }
            }
        }
    }
}

/// The writer thread: take what is waiting, run it in one transaction, commit,
/// answer. Ends when every sender is gone.
pub(super) fn run(conn: Connection, mut rx: mpsc::Receiver<Box<dyn Job>>, label: &str) {
    let mut jobs: Vec<Box<dyn Job>> = Vec::with_capacity(64);
    while let Some(first) = rx.blocking_recv() {
        jobs.push(first);
        while jobs.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) => jobs.push(job),
                Err(_) => break,
            }
        }
        let commit = run_batch(&conn, &mut jobs).map_err(|e| describe_text(label, &e));
        for job in jobs.drain(..) {
            job.finish(match &commit {
                Ok(()) => Ok(()),
                Err(e) => Err(e.as_str()),
            });
        }
    }
}

fn run_batch(conn: &Connection, jobs: &mut [Box<dyn Job>]) -> rusqlite::Result<()> {
    conn.execute_batch("BEGIN IMMEDIATE")?;
    for job in jobs.iter_mut() {
        let step = (|| {
            conn.execute_batch("SAVEPOINT job")?;
            if job.run(conn) {
                conn.execute_batch("RELEASE job")
            } else {
                conn.execute_batch("ROLLBACK TO job; RELEASE job")
            }
        })();
        if let Err(e) = step {
            let _ = conn.execute_batch("ROLLBACK");
            return Err(e);
        }
    }
    if let Err(e) = conn.execute_batch("COMMIT") {
        let _ = conn.execute_batch("ROLLBACK");
        return Err(e);
    }
    Ok(())
}
