//! The reconnect policy: exponential backoff with jitter and a cap, reset
//! after a healthy period. A plain struct; the caller supplies the randomness
//! (a number in 0..1) and decides when to sleep.

use std::time::Duration;

#[derive(Debug, Clone)]
pub struct Backoff {
    base: Duration,
    cap: Duration,
    /// A connection that stayed up this long resets the attempt counter.
    pub healthy_after: Duration,
    attempt: u32,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff::new(
            Duration::from_millis(500),
            Duration::from_secs(30),
            Duration::from_secs(60),
        )
    }
}

impl Backoff {
    pub fn new(base: Duration, cap: Duration, healthy_after: Duration) -> Backoff {
        Backoff {
            base,
            cap,
            healthy_after,
            attempt: 0,
        }
    }

    /// Failures since the last healthy connection.
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// The delay before the next attempt: base × 2^attempt, capped, with "equal
    /// jitter" (half fixed, half random) so many clients do not retry in step.
    /// `jitter` is a number in [0, 1).
    pub fn next_delay(&mut self, jitter: f64) -> Duration {
        let exp = self.base.saturating_mul(1u32 << self.attempt.min(16));
        let capped = exp.min(self.cap);
        self.attempt = self.attempt.saturating_add(1);
        let half = capped / 2;
        // Never below the base: the first reconnect waits the base itself.
        (half + half.mul_f64(jitter.clamp(0.0, 1.0))).max(self.base.min(self.cap))
    }

    /// Note how long the last connection stayed up; a healthy one resets.
    pub fn connection_lasted(&mut self, up: Duration) {
        if up >= self.healthy_after {
            self.attempt = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_caps_and_resets() {
        let mut b = Backoff::new(
            Duration::from_millis(500),
            Duration::from_secs(30),
            Duration::from_secs(60),
        );
        let no_jitter: Vec<u128> = (0..9)
            .map(|_| b.next_delay(0.999_999).as_millis())
            .collect();
        assert_eq!(
            no_jitter,
            [500, 999, 1999, 3999, 7999, 15999, 29999, 29999, 29999]
        );
        assert_eq!(b.attempt(), 9);
        b.connection_lasted(Duration::from_secs(5));
        assert_eq!(b.attempt(), 9);
        b.connection_lasted(Duration::from_secs(61));
        assert_eq!(b.attempt(), 0);
        assert_eq!(b.next_delay(0.0), Duration::from_millis(500));
        assert_eq!(b.next_delay(0.0), Duration::from_millis(500));
        assert_eq!(b.next_delay(0.0), Duration::from_millis(1000));
    }
}
