//! The wall clock: the one place that reads `SystemTime::now`
//! (`clippy.toml` forbids it elsewhere). Elapsed times use `Instant`;
//! tests that wait on time use tokio's paused clock.

/// Unix milliseconds now; 0 if the system clock is before 1970.
#[expect(clippy::disallowed_methods, reason = "the clock's owner")]
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Unix seconds now (the Standard Webhooks `webhook-timestamp`).
pub fn unix_now() -> i64 {
    now_ms().div_euclid(1000)
}
