//! When to retry a delivery and how long to wait: a pure policy, unit-tested.
//!
//! Retried: connection errors, timeouts, 5xx and 429. Final (never retried):
//! every other status outside 2xx, including 3xx (redirects are not followed:
//! a webhook URL should be the final one) and the other 4xx. A `Retry-After`
//! on a 429 or 5xx is honoured (seconds or an HTTP date, capped at
//! [`RetryPolicy::max_retry_after`]); otherwise the wait doubles from
//! [`RetryPolicy::base`] up to [`RetryPolicy::cap`], with jitter so many
//! deliveries do not retry in lockstep.

use std::time::Duration;

/// Retry timing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    /// The wait after the first failed attempt (before jitter).
    pub base: Duration,
    /// The longest wait between attempts (before jitter).
    pub cap: Duration,
    /// The longest `Retry-After` honoured.
    pub max_retry_after: Duration,
    /// Give up on a delivery this long after it was queued.
    pub give_up_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> RetryPolicy {
        RetryPolicy {
            base: Duration::from_millis(500),
            cap: Duration::from_secs(60),
            max_retry_after: Duration::from_secs(3600),
            give_up_after: Duration::from_secs(24 * 3600),
        }
    }
}

/// What one attempt came to.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// A 2xx.
    Delivered(u16),
    /// Worth another attempt.
    Retry {
        status: Option<u16>,
        reason: String,
        retry_after: Option<Duration>,
    },
    /// Never retried.
    Fail { status: Option<u16>, reason: String },
}

/// Classify an HTTP response. `reason` describes it (status line, body snippet).
pub fn classify(status: u16, retry_after: Option<Duration>, reason: String) -> Outcome {
    match status {
        200..=299 => Outcome::Delivered(status),
        429 | 500..=599 => Outcome::Retry {
            status: Some(status),
            reason,
            retry_after,
        },
        _ => Outcome::Fail {
            status: Some(status),
            reason,
        },
    }
}

impl RetryPolicy {
    /// The wait after failed attempt number `attempt` (1-based). `jitter` is a
    /// random number in [0, 1): the wait is between half and all of the
    /// exponential delay. A `Retry-After` replaces it (capped).
    pub fn delay(&self, attempt: u32, retry_after: Option<Duration>, jitter: f64) -> Duration {
        if let Some(ra) = retry_after {
            return ra.min(self.max_retry_after);
        }
        let exp = attempt.saturating_sub(1).min(30);
        let full = self.base.saturating_mul(1u32 << exp).min(self.cap);
        full.mul_f64(0.5 + 0.5 * jitter.clamp(0.0, 1.0))
    }
}

/// Parse a `Retry-After` value: delay-seconds, or an HTTP date
/// (`Sun, 06 Nov 1994 08:49:37 GMT`, parsed by `httpdate`) relative to
/// `now_ms` (unix milliseconds). A date in the past is a zero wait; anything
/// else is `None`.
pub fn parse_retry_after(value: &str, now_ms: i64) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    let at_ms = at.duration_since(std::time::UNIX_EPOCH).ok()?.as_millis() as i64;
    Some(Duration::from_millis((at_ms - now_ms).max(0) as u64))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::webcast::time::parse_iso_millis;

    #[test]
    fn statuses_classify() {
        assert_eq!(classify(204, None, String::new()), Outcome::Delivered(204));
        for retry in [429, 500, 502, 503, 599] {
            assert!(
                matches!(classify(retry, None, String::new()), Outcome::Retry { .. }),
                "{retry}"
            );
        }
        for fail in [301, 400, 401, 404, 408, 410, 422] {
            assert!(
                matches!(classify(fail, None, String::new()), Outcome::Fail { .. }),
                "{fail}"
            );
        }
    }

    #[test]
    fn backoff_doubles_with_jitter_up_to_the_cap() {
        let p = RetryPolicy::default();
        assert_eq!(p.delay(1, None, 0.999_999).as_millis(), 499);
        assert_eq!(p.delay(1, None, 0.0), Duration::from_millis(250));
        assert_eq!(p.delay(2, None, 0.0), Duration::from_millis(500));
        assert_eq!(p.delay(3, None, 0.0), Duration::from_secs(1));
        assert_eq!(p.delay(20, None, 0.0), Duration::from_secs(30));
        assert_eq!(p.delay(u32::MAX, None, 1.0), Duration::from_secs(60));
        for attempt in 1..12 {
            let d = p.delay(attempt, None, 0.5);
            assert!(d <= p.cap && d >= p.base / 2, "{attempt}: {d:?}");
        }
    }

    #[test]
    fn retry_after_is_honoured_and_capped() {
        let p = RetryPolicy::default();
        assert_eq!(
            p.delay(1, Some(Duration::from_secs(7)), 0.3),
            Duration::from_secs(7)
        );
        assert_eq!(
            p.delay(1, Some(Duration::from_secs(86_400)), 0.3),
            p.max_retry_after
        );
    }

    #[test]
    fn retry_after_parses_seconds_and_dates() {
        assert_eq!(
            parse_retry_after(" 120 ", 0),
            Some(Duration::from_secs(120))
        );
        let now = parse_iso_millis("1994-11-06T08:49:30Z").unwrap();
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now),
            Some(Duration::from_secs(7))
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now + 60_000),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", 0), None);
        assert_eq!(parse_retry_after("-1", 0), None);
    }
}
