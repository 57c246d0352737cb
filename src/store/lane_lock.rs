//! One process at a time delivers to a webhook from a store file.
//!
//! Two `tiklive forward` runs (or a `forward` beside a `serve`) on the same
//! store and webhook would otherwise both read the webhook's outbox rows and
//! post each one twice. The delivery worker of a webhook holds an exclusive
//! OS file lock (`std::fs::File::try_lock`, `flock` on Unix) on
//! `<store>.lane-<webhook id>.lock` while it runs; the OS drops it when the
//! process ends, even on `kill -9`. An in-memory store is private to its
//! process and needs none.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// A held claim on one webhook's deliveries; released when dropped.
#[derive(Debug)]
pub struct LaneLock {
    /// `None` for an in-memory store.
    _file: Option<File>,
}

/// The lock file of `webhook_id` beside the store file `db`.
pub fn lane_lock_path(db: &Path, webhook_id: i64) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(format!(".lane-{webhook_id}.lock"));
    PathBuf::from(name)
}

/// Try to claim `webhook_id`'s deliveries from the store at `db` (`None`: in
/// memory, always granted). `Ok(None)` when another process holds it.
///
/// # Errors
/// The lock file cannot be created or locked (a read-only directory, a file
/// system without locks).
pub fn try_lock_lane(db: Option<&Path>, webhook_id: i64) -> Result<Option<LaneLock>> {
    let Some(db) = db else {
        return Ok(Some(LaneLock { _file: None }));
    };
    let path = lane_lock_path(db, webhook_id);
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("cannot open the lane lock {}", path.display()))?;
    match file.try_lock() {
        Ok(()) => Ok(Some(LaneLock { _file: Some(file) })),
        Err(TryLockError::WouldBlock) => Ok(None),
        Err(TryLockError::Error(e)) => {
            Err(e).with_context(|| format!("cannot lock {}", path.display()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lane_is_held_by_one_claim_at_a_time() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("tiklive.db");
        let first = try_lock_lane(Some(&db), 7).unwrap();
        assert!(first.is_some());
        assert!(try_lock_lane(Some(&db), 7).unwrap().is_none(), "held");
        assert!(
            try_lock_lane(Some(&db), 8).unwrap().is_some(),
            "another lane"
        );
        drop(first);
        assert!(try_lock_lane(Some(&db), 7).unwrap().is_some(), "released");
        assert!(try_lock_lane(None, 7).unwrap().is_some(), "in memory");
        assert!(lane_lock_path(&db, 7).ends_with("tiklive.db.lane-7.lock"));
    }
}
