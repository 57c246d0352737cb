//! One account of an engine outage for a process with many streams (a
//! worker) or targets (`forward --from`, [`OutageLog::counting`]): instead of each stream's publisher saying "waiting for NATS" and
//! "acknowledges again", and each restarted stream saying "trying again", the
//! first stream to wait prints one line, and when the last one is through,
//! one counted warning sums the outage up: how long, how many streams.
//!
//! Shared by clones; every method is quick (a mutex around a few sets).

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use crate::term;

/// The outage log of one process (see the module docs). `who` names the
/// reporter in its lines (`worker a`); `engine` the servers.
#[derive(Clone)]
pub struct OutageLog {
    who: String,
    engine: String,
    /// What waits (`stream`, `target`), in the lines.
    unit: &'static str,
    quiet: bool,
    state: Arc<Mutex<State>>,
}

#[derive(Default)]
struct State {
    /// When the current outage began (`None`: none).
    since: Option<Instant>,
    /// Streams waiting for acks now.
    waiting: BTreeSet<String>,
    /// Streams that waited during the current outage.
    affected: BTreeSet<String>,
    /// Streams that ended with an error and restart during it.
    restarted: BTreeSet<String>,
}

/// What [`OutageLog`] printed, for its tests.
#[derive(Debug, PartialEq, Eq)]
enum Said {
    Nothing,
    Began(String),
    Ended(String),
}

impl OutageLog {
    /// A log whose lines start with `who` (`worker a`) and name the servers
    /// as `engine` (`127.0.0.1:4222`). `quiet` (`-q`) drops the note when an
    /// outage begins; the summary is a warning and always printed.
    pub fn new(who: impl Into<String>, engine: impl Into<String>, quiet: bool) -> OutageLog {
        OutageLog {
            who: who.into(),
            engine: engine.into(),
            unit: "stream",
            quiet,
            state: Arc::default(),
        }
    }

    /// Name what waits `unit` in the lines (`target`: "every target
    /// retries", "2 target(s) waited"); `stream` by default.
    pub fn counting(mut self, unit: &'static str) -> OutageLog {
        self.unit = unit;
        self
    }

    /// `stream`'s publishes are not acknowledged (`why`, the client's error).
    /// The first stream of an outage prints one note.
    pub fn waiting(&self, stream: &str, why: &str) {
        let said = self.on_waiting(stream, why);
        self.say(said);
    }

    /// `stream`'s publishes are acknowledged again, or `stream` stopped. The
    /// last waiting stream of an outage prints the counted warning.
    pub fn recovered(&self, stream: &str) {
        let said = self.on_recovered(stream);
        self.say(said);
    }

    /// `stream` ended with an error and is about to restart. During an
    /// outage it is counted in the summary and `true` is returned (print
    /// nothing); otherwise `false` (the caller reports it).
    pub fn absorbs_restart(&self, stream: &str) -> bool {
        let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if st.since.is_none() {
            return false;
        }
        st.restarted.insert(stream.to_string());
        true
    }

    fn on_waiting(&self, stream: &str, why: &str) -> Said {
        let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
        st.waiting.insert(stream.to_string());
        st.affected.insert(stream.to_string());
        if st.since.is_some() {
            return Said::Nothing;
        }
        st.since = Some(Instant::now());
        Said::Began(format!(
            "{}: waiting for NATS at {} to acknowledge ({why}); every {} retries, nothing is dropped",
            self.who, self.engine, self.unit
        ))
    }

    fn on_recovered(&self, stream: &str) -> Said {
        let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if !st.waiting.remove(stream) || !st.waiting.is_empty() {
            return Said::Nothing;
        }
        let Some(since) = st.since.take() else {
            return Said::Nothing;
        };
        let affected = std::mem::take(&mut st.affected).len();
        let restarted = std::mem::take(&mut st.restarted).len();
        Said::Ended(format!(
            "{}: NATS at {} did not acknowledge for {:.1}s: {affected} {}(s) waited{}; \
             nothing was dropped",
            self.who,
            self.engine,
            since.elapsed().as_secs_f64(),
            self.unit,
            if restarted > 0 {
                format!(", {restarted} restarted")
            } else {
                String::new()
            }
        ))
    }

    fn say(&self, said: Said) {
        match said {
            Said::Nothing => {}
            Said::Began(line) => {
                if !self.quiet {
                    term::note(line);
                }
            }
            // A warning even with --quiet: it is counted in the exit summary.
            Said::Ended(line) => term::warn(line),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_when_it_begins_and_one_when_the_last_stream_is_through() {
        let log = OutageLog::new("worker a", "127.0.0.1:4222", false);
        let began = log.on_waiting("ann", "timed out");
        assert_eq!(
            began,
            Said::Began(
                "worker a: waiting for NATS at 127.0.0.1:4222 to acknowledge (timed out); \
                 every stream retries, nothing is dropped"
                    .into()
            )
        );
        assert_eq!(log.on_waiting("bob", "timed out"), Said::Nothing);
        assert_eq!(log.on_waiting("cy", "timed out"), Said::Nothing);
        assert!(log.absorbs_restart("dee"));
        assert_eq!(log.on_recovered("ann"), Said::Nothing);
        assert_eq!(log.on_recovered("bob"), Said::Nothing);
        // A stream that never waited says nothing.
        assert_eq!(log.on_recovered("eve"), Said::Nothing);
        let Said::Ended(end) = log.on_recovered("cy") else {
            panic!("the last one sums up")
        };
        assert!(
            end.starts_with("worker a: NATS at 127.0.0.1:4222 did not acknowledge for "),
            "{end}"
        );
        assert!(
            end.ends_with("s: 3 stream(s) waited, 1 restarted; nothing was dropped"),
            "{end}"
        );
        // Outside an outage, restarts are the caller's to report.
        assert!(!log.absorbs_restart("dee"));
        // The next outage starts afresh.
        assert!(matches!(log.on_waiting("bob", "x"), Said::Began(_)));
        let Said::Ended(end) = log.on_recovered("bob") else {
            panic!()
        };
        assert!(end.contains(": 1 stream(s) waited; "), "{end}");
        let log = OutageLog::new("forward", "127.0.0.1:4222", false).counting("target");
        let Said::Began(began) = log.on_waiting("a", "disconnected") else {
            panic!()
        };
        assert!(began.ends_with("every target retries, nothing is dropped"));
        let Said::Ended(end) = log.on_recovered("a") else {
            panic!()
        };
        assert!(end.contains(": 1 target(s) waited; "), "{end}");
    }
}
