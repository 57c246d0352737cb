//! The sign budget: how many sign calls the whole process may make, shared by
//! every stream. The anonymous sign quota is small (the maintainer of the Node
//! client named 5 connection requests per minute and 30 per hour per IP in
//! 2022, ZT issue #65), and a reconnect loop that re-signs every second burns
//! it within seconds.
//!
//! The live code only sees the [`SignGate`] trait, so a budget shared by
//! several processes (a NATS KV bucket, say) can replace [`LocalBudget`].

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::future::BoxFuture;
use serde::Serialize;

/// Something that hands out permission to call the sign server.
pub trait SignGate: Send + Sync {
    /// Reserve one sign call for `who` and say when it may be made (now or
    /// later). The caller sleeps until then (and may be cancelled meanwhile;
    /// the reservation is then simply spent).
    fn reserve<'a>(&'a self, who: &'a str) -> BoxFuture<'a, Instant>;
    /// Nobody signs before `until`; `why` says what we wait for (a 429's
    /// reset time, say).
    fn hold_until(&self, until: Instant, why: &str);
    /// What the budget is doing now, for `-v` and `/api/status`.
    fn status(&self) -> BudgetStatus;
}

/// A shared handle to the process's sign budget.
pub type SharedGate = Arc<dyn SignGate>;

/// A snapshot of the budget (`/api/status` → `signBudget`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BudgetStatus {
    /// Calls allowed per window (0 = no limit).
    pub limit: u32,
    /// The window, in seconds.
    pub window_secs: f64,
    /// Calls made or reserved in the last window.
    pub used: u32,
    /// Milliseconds until the next call may be made (0 = now).
    pub wait_ms: u64,
    /// What the next call waits for, when it waits: `"budget"` (the calls
    /// per window are spent), `"spacing"` (the least gap between two calls)
    /// or the reason given to [`SignGate::hold_until`] (e.g. a 429).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waiting_for: Option<String>,
    /// Who reserved the latest call that has to wait.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_for: Option<String>,
}

/// The in-process budget: at most `limit` calls in any `window`, at least
/// `spacing` apart, and none before a hold (429) ends.
pub struct LocalBudget {
    limit: u32,
    window: Duration,
    spacing: Duration,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// When the last `limit` calls were (or will be) made, oldest first.
    grants: VecDeque<Instant>,
    hold: Option<(Instant, String)>,
    waiting: Option<(Instant, String, String)>,
}

impl LocalBudget {
    /// `limit` calls per `window` (0 = no limit), `spacing` apart.
    pub fn new(limit: u32, window: Duration, spacing: Duration) -> LocalBudget {
        LocalBudget {
            limit,
            window,
            spacing,
            state: Mutex::new(State::default()),
        }
    }

    /// The reservation logic, with the time passed in (tests).
    pub fn reserve_at(&self, now: Instant, who: &str) -> Instant {
        let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let mut at = now;
        let mut why = "";
        if let Some(last) = st.grants.back()
            && *last + self.spacing > at
        {
            at = *last + self.spacing;
            why = "spacing";
        }
        if self.limit > 0 && st.grants.len() >= self.limit as usize {
            let idx = st.grants.len() - self.limit as usize;
            let free = st.grants[idx] + self.window;
            if free > at {
                at = free;
                why = "budget";
            }
        }
        if let Some((until, reason)) = &st.hold
            && *until > at
        {
            at = *until;
            why = if reason.is_empty() { "hold" } else { reason };
        }
        let why = why.to_string();
        st.grants.push_back(at);
        let keep = (self.limit as usize).max(1);
        while st.grants.len() > keep {
            st.grants.pop_front();
        }
        if at > now {
            st.waiting = Some((at, why, who.to_string()));
        }
        at
    }

    /// The status at `now` (tests).
    pub fn status_at(&self, now: Instant) -> BudgetStatus {
        let st = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let used = st
            .grants
            .iter()
            .filter(|g| **g + self.window > now && **g <= now + self.window)
            .count() as u32;
        let waiting = st.waiting.as_ref().filter(|(at, _, _)| *at > now);
        let hold = st.hold.as_ref().filter(|(until, _)| *until > now);
        let (wait, waiting_for, next_for) = match (waiting, hold) {
            (Some((at, why, who)), _) => (
                at.saturating_duration_since(now),
                Some(why.clone()),
                Some(who.clone()),
            ),
            (None, Some((until, why))) => (
                until.saturating_duration_since(now),
                Some(why.clone()),
                None,
            ),
            (None, None) => (Duration::ZERO, None, None),
        };
        BudgetStatus {
            limit: self.limit,
            window_secs: self.window.as_secs_f64(),
            used,
            wait_ms: wait.as_millis() as u64,
            waiting_for,
            next_for,
        }
    }
}

impl SignGate for LocalBudget {
    fn reserve<'a>(&'a self, who: &'a str) -> BoxFuture<'a, Instant> {
        Box::pin(async move { self.reserve_at(Instant::now(), who) })
    }

    fn hold_until(&self, until: Instant, why: &str) {
        let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
        match &st.hold {
            Some((t, _)) if *t >= until => {}
            _ => st.hold = Some((until, why.to_string())),
        }
    }

    fn status(&self) -> BudgetStatus {
        self.status_at(Instant::now())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_most_limit_calls_per_window_and_spaced() {
        let b = LocalBudget::new(3, Duration::from_secs(60), Duration::from_secs(1));
        let t0 = Instant::now();
        let got: Vec<u64> = (0..7)
            .map(|_| b.reserve_at(t0, "a").duration_since(t0).as_secs())
            .collect();
        // Three calls a second apart, then each waits for the one three
        // calls before it to leave the window.
        assert_eq!(got, [0, 1, 2, 60, 61, 62, 120]);
        let s = b.status_at(t0);
        assert_eq!(s.waiting_for.as_deref(), Some("budget"));
        assert_eq!(s.next_for.as_deref(), Some("a"));
        assert_eq!(s.wait_ms, 120_000);
    }

    #[test]
    fn a_hold_delays_everyone_and_says_why() {
        let b = LocalBudget::new(0, Duration::from_secs(60), Duration::ZERO);
        let t0 = Instant::now();
        b.hold_until(t0 + Duration::from_secs(30), "sign server rate limit (429)");
        assert_eq!(b.reserve_at(t0, "x"), t0 + Duration::from_secs(30));
        let s = b.status_at(t0 + Duration::from_secs(10));
        assert_eq!(s.wait_ms, 20_000);
        assert_eq!(
            s.waiting_for.as_deref(),
            Some("sign server rate limit (429)")
        );
        // No limit, no spacing: free after the hold.
        let later = t0 + Duration::from_secs(31);
        assert_eq!(b.reserve_at(later, "x"), later);
        assert_eq!(b.status_at(later).waiting_for, None);
    }
}
