//! The sign budget of a whole worker pool: the same rule as the process
//! budget (`live::budget::LocalBudget`: at most `limit` calls per window,
//! `spacing` apart, none during a 429 hold) kept in one KV key
//! (`TIKLIVE_SIGN` `budget`) and updated by compare-and-set, so N workers
//! together make no more sign calls than one process would. Times are
//! wall-clock milliseconds: workers' clocks should agree to well under the
//! spacing (NTP does). While NATS does not answer, a worker falls back to a
//! budget of its own.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use async_nats::jetstream::kv;
use futures_util::future::BoxFuture;

use super::kv::{SignState, decode, encode};
use crate::clock::now_ms;
use crate::live::budget::{BudgetStatus, LocalBudget, SignGate};

/// The KV key of the budget.
pub const KEY: &str = "budget";

/// Compare-and-set attempts before falling back to the local budget.
const ATTEMPTS: u32 = 20;

/// The budget's rule, in wall-clock ms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Rule {
    /// Calls per window (0 = no limit).
    pub limit: u32,
    pub window_ms: i64,
    pub spacing_ms: i64,
}

impl Rule {
    /// `limit` calls per `window`, `spacing` apart.
    pub fn new(limit: u32, window: Duration, spacing: Duration) -> Rule {
        Rule {
            limit,
            window_ms: window.as_millis() as i64,
            spacing_ms: spacing.as_millis() as i64,
        }
    }
}

/// Reserve one call at `now` (ms) for `who`: the new state and when the call
/// may be made (ms). Pure.
pub fn reserve(state: &SignState, rule: Rule, now: i64, who: &str) -> (SignState, i64) {
    let mut st = state.clone();
    let mut at = now;
    let mut why = "";
    if let Some(last) = st.grants.last()
        && last + rule.spacing_ms > at
    {
        at = last + rule.spacing_ms;
        why = "spacing";
    }
    if rule.limit > 0 && st.grants.len() >= rule.limit as usize {
        let free = st.grants[st.grants.len() - rule.limit as usize] + rule.window_ms;
        if free > at {
            at = free;
            why = "budget";
        }
    }
    if st.hold_until_ms > at {
        at = st.hold_until_ms;
        why = if st.hold_why.is_empty() {
            "hold"
        } else {
            &state.hold_why
        };
    }
    st.grants.push(at);
    let keep = (rule.limit as usize).max(1);
    if st.grants.len() > keep {
        st.grants.drain(..st.grants.len() - keep);
    }
    st.calls += 1;
    if st.since_ms == 0 {
        st.since_ms = now;
    }
    count_call(&mut st, at, now);
    st.limit = rule.limit;
    st.window_ms = rule.window_ms;
    st.spacing_ms = rule.spacing_ms;
    if at > now {
        st.waiting_for = why.to_string();
        st.next_for = who.to_string();
    }
    (st, at)
}

/// One minute, in ms: the granularity of [`SignState::per_minute`].
const MINUTE_MS: i64 = 60_000;

/// The span the pool's rates are taken over at most: the last hour (ms).
pub const RATE_SPAN_MS: i64 = 3_600_000;

/// The shortest span a per-hour rate is given for (10 minutes, in ms):
/// over less, a few calls at start-up (every stream signs once when it
/// connects) would be multiplied into an absurd hourly figure.
pub const RATE_MIN_SPAN_MS: i64 = 600_000;

/// Count one call whose slot is `at` (wall ms) in the per-minute history,
/// reserved at `now`; minutes older than [`RATE_SPAN_MS`] are dropped.
fn count_call(st: &mut SignState, at: i64, now: i64) {
    if st.counted_since_ms == 0 {
        st.counted_since_ms = now;
    }
    let minute = at - at.rem_euclid(MINUTE_MS);
    match st.per_minute.binary_search_by_key(&minute, |(m, _)| *m) {
        Ok(i) => st.per_minute[i].1 += 1,
        Err(i) => st.per_minute.insert(i, (minute, 1)),
    }
    let oldest = now - now.rem_euclid(MINUTE_MS) - RATE_SPAN_MS;
    st.per_minute.retain(|(m, _)| *m >= oldest);
}

/// The calls granted over the span the pool has actually been counted:
/// since counting began ([`SignState::counted_since_ms`]), at most the last
/// hour (whole minutes: the span starts at a minute's start).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recent {
    /// Calls whose slot is in the span (those of minutes still to come are
    /// not counted).
    pub calls: u64,
    /// How long the span is (ms, up to [`RATE_SPAN_MS`]).
    pub span_ms: i64,
}

impl Recent {
    /// Calls per hour over the span, or `None` while the span is shorter
    /// than [`RATE_MIN_SPAN_MS`] (too short to say).
    pub fn per_hour(&self) -> Option<f64> {
        (self.span_ms >= RATE_MIN_SPAN_MS)
            .then(|| self.calls as f64 * RATE_SPAN_MS as f64 / self.span_ms as f64)
    }
}

/// The calls counted in `state` up to `now` (ms) (see [`Recent`]); `None`
/// before the first counted call.
pub fn recent_calls(state: &SignState, now: i64) -> Option<Recent> {
    if state.counted_since_ms == 0 {
        return None;
    }
    let hour_ago = now - now.rem_euclid(MINUTE_MS) - (RATE_SPAN_MS - MINUTE_MS);
    let from = hour_ago.max(state.counted_since_ms);
    let first_minute = from - from.rem_euclid(MINUTE_MS);
    let calls = state
        .per_minute
        .iter()
        .filter(|(m, _)| *m >= first_minute && *m <= now)
        .map(|(_, n)| u64::from(*n))
        .sum();
    Some(Recent {
        calls,
        span_ms: (now - from).clamp(0, RATE_SPAN_MS),
    })
}

/// The status of `state` at `now` (ms).
pub fn status_of(state: &SignState, now: i64) -> BudgetStatus {
    let used = state
        .grants
        .iter()
        .filter(|g| **g + state.window_ms > now && **g <= now + state.window_ms)
        .count() as u32;
    let next = state
        .grants
        .last()
        .copied()
        .unwrap_or(0)
        .max(state.hold_until_ms);
    let waiting = next > now;
    BudgetStatus {
        limit: state.limit,
        window_secs: state.window_ms as f64 / 1000.0,
        used,
        wait_ms: (next - now).max(0) as u64,
        waiting_for: waiting
            .then(|| state.waiting_for.clone())
            .filter(|w| !w.is_empty()),
        next_for: waiting
            .then(|| state.next_for.clone())
            .filter(|w| !w.is_empty()),
    }
}

/// The cluster-wide [`SignGate`].
pub struct ClusterBudget {
    store: kv::Store,
    rule: Rule,
    fallback: LocalBudget,
    last: Mutex<SignState>,
}

impl ClusterBudget {
    pub fn new(store: kv::Store, limit: u32, window: Duration, spacing: Duration) -> ClusterBudget {
        ClusterBudget {
            store,
            rule: Rule::new(limit, window, spacing),
            fallback: LocalBudget::new(limit, window, spacing),
            last: Mutex::new(SignState::default()),
        }
    }

    async fn read(&self) -> Option<(SignState, Option<u64>)> {
        match self.store.entry(KEY).await {
            Ok(Some(e)) if e.operation == kv::Operation::Put => {
                Some((decode(&e.value).unwrap_or_default(), Some(e.revision)))
            }
            Ok(Some(e)) => Some((SignState::default(), Some(e.revision))),
            Ok(None) => Some((SignState::default(), None)),
            Err(_) => None,
        }
    }

    async fn write(&self, state: &SignState, revision: Option<u64>) -> bool {
        match revision {
            Some(rev) => self.store.update(KEY, encode(state), rev).await.is_ok(),
            None => self.store.create(KEY, encode(state)).await.is_ok(),
        }
    }
}

fn wall_to_instant(ms: i64) -> Instant {
    Instant::now() + Duration::from_millis((ms - now_ms()).max(0) as u64)
}

impl SignGate for ClusterBudget {
    fn reserve<'a>(&'a self, who: &'a str) -> BoxFuture<'a, Instant> {
        Box::pin(async move {
            for _ in 0..ATTEMPTS {
                let Some((state, revision)) = self.read().await else {
                    break;
                };
                let (next, at) = reserve(&state, self.rule, now_ms(), who);
                if self.write(&next, revision).await {
                    *self.last.lock().unwrap_or_else(|p| p.into_inner()) = next;
                    return wall_to_instant(at);
                }
                // Another worker reserved meanwhile: read again.
            }
            self.fallback.reserve(who).await
        })
    }

    fn hold_until(&self, until: Instant, why: &str) {
        self.fallback.hold_until(until, why);
        let until_ms =
            now_ms() + until.saturating_duration_since(Instant::now()).as_millis() as i64;
        let (store, why) = (self.store.clone(), why.to_string());
        let me = ClusterBudget::new(store, 0, Duration::ZERO, Duration::ZERO);
        tokio::spawn(async move {
            for _ in 0..ATTEMPTS {
                let Some((mut state, revision)) = me.read().await else {
                    return;
                };
                if state.hold_until_ms >= until_ms {
                    return;
                }
                state.hold_until_ms = until_ms;
                state.hold_why.clone_from(&why);
                if me.write(&state, revision).await {
                    return;
                }
            }
        });
    }

    fn status(&self) -> BudgetStatus {
        status_of(
            &self.last.lock().unwrap_or_else(|p| p.into_inner()),
            now_ms(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rule_matches_the_process_budget() {
        let rule = Rule {
            limit: 3,
            window_ms: 60_000,
            spacing_ms: 1000,
        };
        let mut st = SignState::default();
        let mut got = Vec::new();
        for _ in 0..7 {
            let (next, at) = reserve(&st, rule, 0, "a");
            st = next;
            got.push(at / 1000);
        }
        assert_eq!(got, [0, 1, 2, 60, 61, 62, 120]);
        let s = status_of(&st, 0);
        assert_eq!(s.waiting_for.as_deref(), Some("budget"));
        assert_eq!(s.wait_ms, 120_000);
        assert_eq!(st.calls, 7);
    }

    #[test]
    fn rates_are_taken_over_the_span_counted_not_extrapolated() {
        let rule = Rule {
            limit: 0,
            window_ms: 60_000,
            spacing_ms: 0,
        };
        let start = 1_000 * MINUTE_MS + 30_000;
        assert_eq!(recent_calls(&SignState::default(), start), None);
        // 12 calls in the first 10 seconds of a pool.
        let mut st = SignState::default();
        for i in 0..12 {
            st = reserve(&st, rule, start + i * 800, "a").0;
        }
        let early = recent_calls(&st, start + 10_000).unwrap();
        assert_eq!(
            early,
            Recent {
                calls: 12,
                span_ms: 10_000
            }
        );
        // Not 4,320 an hour: too short a span to say.
        assert_eq!(early.per_hour(), None);
        // 20 minutes on: 12 calls over 20 minutes, 36 an hour.
        let later = recent_calls(&st, start + 20 * MINUTE_MS).unwrap();
        assert_eq!(later.span_ms, 20 * MINUTE_MS);
        assert_eq!(later.per_hour(), Some(36.0));
        // Two hours on, with 3 calls in the last half hour: the span is the
        // last hour, the early calls are out of it (and dropped).
        let now = start + 120 * MINUTE_MS;
        for i in (1..=3).rev() {
            st = reserve(&st, rule, now - i * 10 * MINUTE_MS, "a").0;
        }
        let hour = recent_calls(&st, now).unwrap();
        assert_eq!(hour.calls, 3);
        assert!(hour.span_ms <= RATE_SPAN_MS && hour.span_ms > RATE_SPAN_MS - MINUTE_MS);
        assert!(st.per_minute.len() <= 62, "{:?}", st.per_minute);
        assert_eq!(st.calls, 15);
        // A state from a worker before the history: counting starts anew.
        let old = SignState {
            calls: 500,
            since_ms: start - 100 * MINUTE_MS,
            ..Default::default()
        };
        let st = reserve(&old, rule, start, "a").0;
        assert_eq!(st.counted_since_ms, start);
        assert_eq!(recent_calls(&st, start + 1_000).unwrap().calls, 1);
    }

    #[test]
    fn a_hold_delays_everyone() {
        let rule = Rule {
            limit: 0,
            window_ms: 60_000,
            spacing_ms: 0,
        };
        let st = SignState {
            hold_until_ms: 30_000,
            hold_why: "sign server rate limit (429)".into(),
            ..Default::default()
        };
        let (st, at) = reserve(&st, rule, 0, "x");
        assert_eq!(at, 30_000);
        assert_eq!(st.waiting_for, "sign server rate limit (429)");
        assert_eq!(reserve(&st, rule, 31_000, "x").1, 31_000);
    }
}
