//! What can go wrong talking to TikTok and the sign server, and whether it is
//! worth trying again. Every message is one line and says what to try next.

use std::time::Duration;

use crate::error::Code;

/// An underlying error, kept (not flattened to text) so `source()` reaches it.
pub type Cause = std::sync::Arc<dyn std::error::Error + Send + Sync + 'static>;

#[derive(Debug, Clone, thiserror::Error)]
pub enum LiveError {
    #[error("user @{0} was not found on TikTok; check the spelling")]
    UserNotFound(String),
    #[error("{}; pass --wait to wait until they go live", offline_fact(.0))]
    Offline(String),
    #[error("{}; try again later, use --proxy, or pass --room-id", blocked_fact(.user))]
    Blocked { user: String },
    #[error(
        "@{0}'s LIVE is age-restricted; set TIKTOK_SESSION_ID and TIKTOK_TARGET_IDC of a logged-in account"
    )]
    AgeRestricted(String),
    #[error("{}; pass --room-id if you know it", lookup_fact(.user, .details))]
    RoomLookup { user: String, details: String },
    #[error("sign server rate limit (429){}{}", retry_after.map(|d| format!(", retry after {}s", d.as_secs().max(1))).unwrap_or_default(), if message.is_empty() { String::new() } else { format!(": {message}") })]
    SignRateLimited {
        retry_after: Option<Duration>,
        message: String,
    },
    #[error("sign server rejected the API key (401); check SIGN_API_KEY or --sign-api-key")]
    SignUnauthorized,
    #[error("sign server: this needs a paid plan (402){}", if .0.is_empty() { String::new() } else { format!(": {}", .0) })]
    SignPaymentRequired(String),
    #[error("sign server refused the request (403){}; check the API key's permissions", if .0.is_empty() { String::new() } else { format!(": {}", .0) })]
    SignForbidden(String),
    #[error(
        "sign server returned an empty body; TikTok may be detecting this client, or the room is not live"
    )]
    SignEmpty,
    #[error(
        "the sign server returned no cookies (no x-set-tt-cookie){}{}; a socket without them would be rejected",
        handshake_msg.as_ref().map(|m| format!(", handshake-msg: {m}")).unwrap_or_default(),
        request_id.as_ref().map(|r| format!(", x-request-id: {r}")).unwrap_or_default()
    )]
    SignNoCookies {
        handshake_msg: Option<String>,
        request_id: Option<String>,
    },
    /// The sign server's host name does not resolve (a DNS failure). Before
    /// a stream has connected this is taken for a wrong setting and ends the
    /// run (exit 2); once it has, for a network blip, retried.
    #[error(
        "the sign server's host '{host}' does not resolve ({detail}); check --sign-url / SIGN_API_URL, or the network"
    )]
    SignUnresolvable { host: String, detail: String },
    #[error("sign server answered HTTP {status}: {body}")]
    SignStatus { status: u16, body: String },
    #[error("sign server answer is not a fetch result: {0}")]
    SignBadBody(String),
    #[error("sign server returned no WebSocket URL (pushServer); the room may have ended")]
    NoPushServer,
    #[error(
        "TikTok rejected the WebSocket (HTTP {status} instead of 101, handshake-msg: {message}){}",
        fallback.as_ref().map(|h| format!("; the sign server handed out its fallback server ({h}) instead of TikTok's")).unwrap_or_default()
    )]
    HandshakeRejected {
        status: u16,
        message: String,
        /// The push server's host when it is not TikTok's (the sign
        /// server's fallback, as in the September 2026 outage).
        fallback: Option<String>,
    },
    #[error("cannot reach the proxy {proxy}: {detail}; check --proxy / HTTPS_PROXY / ALL_PROXY")]
    ProxyUnreachable { proxy: String, detail: String },
    /// Writing `--record` failed: reconnecting would not help.
    #[error("cannot write the capture: {0}")]
    Record(String),
    #[error("{0}")]
    Network(String),
    /// A network or I/O failure with its underlying error: `what` we were
    /// doing, then the innermost cause's text.
    #[error("{what}: {}", root_text(source.as_ref()))]
    Io {
        what: String,
        #[source]
        source: Cause,
    },
}

impl LiveError {
    /// `what` failed because of `source` (kept as the error's source).
    pub fn io(
        what: impl Into<String>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> LiveError {
        LiveError::Io {
            what: what.into(),
            source: std::sync::Arc::new(source),
        }
    }
}

impl LiveError {
    /// The message for a room lookup on its own (`tiklive info`, which takes
    /// no `--room-id` or `--wait`): the same facts as [`Display`](std::fmt::Display),
    /// with advice only about what `info` accepts.
    pub fn lookup_message(&self) -> String {
        match self {
            LiveError::Offline(user) => offline_fact(user),
            LiveError::Blocked { user } => {
                format!("{}; try again later or use --proxy", blocked_fact(user))
            }
            LiveError::RoomLookup { user, details } => {
                format!(
                    "{}; try again later or use --proxy",
                    lookup_fact(user, details)
                )
            }
            other => other.to_string(),
        }
    }
}

fn offline_fact(user: &str) -> String {
    format!("@{user} is not live right now")
}

fn blocked_fact(user: &str) -> String {
    format!("TikTok answered @{user}'s live page with a captcha or block page (no SIGI_STATE)")
}

fn lookup_fact(user: &str, details: &str) -> String {
    format!("could not find @{user}'s room id ({details})")
}

/// The innermost cause's text (reqwest and hyper wrap the useful part).
pub(crate) fn root_text(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

/// Whether to try again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// Give up with this exit code.
    Fatal(Code),
    /// Try again after a backoff (at least this long, if given).
    Retry(Option<Duration>),
    /// A handshake rejection before the stream ever ran: try again with a
    /// fresh signature a few times, a few seconds apart, then give up with
    /// exit 4 (`illegal secret key` comes and goes; the fallback server
    /// answered `illegal app_id` for a day in September 2026).
    RetryFew,
}

impl LiveError {
    /// The one place that decides: give up, or retry and how. `ran` is true
    /// once a socket of this stream has been open in this process: then any
    /// rejection is a drop like any other, retried with the normal backoff.
    pub fn class_when(&self, ran: bool) -> Class {
        match self {
            LiveError::HandshakeRejected { message, .. } if !ran => {
                if message.contains("DEVICE_BLOCKED") {
                    Class::Fatal(Code::Rejected)
                } else {
                    Class::RetryFew
                }
            }
            LiveError::HandshakeRejected { .. } => Class::Retry(None),
            LiveError::SignUnresolvable { .. } if ran => Class::Retry(None),
            _ => self.class(),
        }
    }

    /// The class without history (a first connect).
    pub fn class(&self) -> Class {
        use LiveError::*;
        match self {
            UserNotFound(_) | Offline(_) | Blocked { .. } | AgeRestricted(_) => {
                Class::Fatal(Code::NotFound)
            }
            // Every source failed (network, HTTP errors, unreadable answers):
            // nothing says the room does not exist, so not exit 3.
            RoomLookup { .. } => Class::Fatal(Code::Runtime),
            HandshakeRejected { message, .. } if message.contains("DEVICE_BLOCKED") => {
                Class::Fatal(Code::Rejected)
            }
            HandshakeRejected { .. } => Class::RetryFew,
            SignUnauthorized | SignPaymentRequired(_) | SignForbidden(_) | SignEmpty => {
                Class::Fatal(Code::Rejected)
            }
            SignRateLimited { retry_after, .. } => Class::Retry(*retry_after),
            NoPushServer => Class::Fatal(Code::NotFound),
            ProxyUnreachable { .. } | Record(_) => Class::Fatal(Code::Runtime),
            SignUnresolvable { .. } => Class::Fatal(Code::Usage),
            SignStatus { .. } | SignBadBody(_) | SignNoCookies { .. } | Network(_) | Io { .. } => {
                Class::Retry(None)
            }
        }
    }

    /// The exit code when this error ends the run after retries: as
    /// [`LiveError::code`], but a failure retried only because the stream had
    /// run (`ran`) ends as retries exhausted, not as the start-up verdict.
    pub fn code_when(&self, ran: bool) -> Code {
        match (self, ran) {
            (LiveError::SignUnresolvable { .. }, true) => Code::RetriesExhausted,
            _ => self.code(),
        }
    }

    /// The exit code when this error ends the run.
    pub fn code(&self) -> Code {
        match self.class() {
            Class::Fatal(code) => code,
            Class::RetryFew => Code::Rejected,
            Class::Retry(_) => match self {
                LiveError::SignRateLimited { .. }
                | LiveError::SignNoCookies { .. }
                | LiveError::HandshakeRejected { .. } => Code::Rejected,
                _ => Code::RetriesExhausted,
            },
        }
    }
}

impl LiveError {
    /// What kind of failure this is, in a word or two (kebab-case), for a
    /// status: `not-found`, `offline`, `blocked`, `age-restricted`,
    /// `lookup-failed`, `sign-rate-limited`, `sign-refused` (401, 402, 403,
    /// or an empty answer), `sign-failed` (any other sign-server failure),
    /// `room-ended` (no push server), `socket-rejected`, `proxy-unreachable`,
    /// `record-failed`, `network`.
    pub fn state(&self) -> &'static str {
        use LiveError::*;
        match self {
            UserNotFound(_) => "not-found",
            Offline(_) => "offline",
            Blocked { .. } => "blocked",
            AgeRestricted(_) => "age-restricted",
            RoomLookup { .. } => "lookup-failed",
            SignRateLimited { .. } => "sign-rate-limited",
            SignUnauthorized | SignPaymentRequired(_) | SignForbidden(_) | SignEmpty => {
                "sign-refused"
            }
            SignNoCookies { .. } | SignUnresolvable { .. } | SignStatus { .. } | SignBadBody(_) => {
                "sign-failed"
            }
            NoPushServer => "room-ended",
            HandshakeRejected { .. } => "socket-rejected",
            ProxyUnreachable { .. } => "proxy-unreachable",
            Record(_) => "record-failed",
            Network(_) | Io { .. } => "network",
        }
    }
}

/// Messages longer than this are cut for a log line ([`LiveError::summary`]).
const SUMMARY_CHARS: usize = 160;

impl LiveError {
    /// What failed, the same across retries of one failure: the variant and
    /// the detail that names the failure (an HTTP status, a handshake
    /// message, an I/O step and its cause), not what varies from one retry to
    /// the next (a `retry-after`, a close reason, a lookup's collected body).
    fn failure_key(&self) -> String {
        let detail = match self {
            LiveError::SignStatus { status, .. } => status.to_string(),
            LiveError::HandshakeRejected {
                status, message, ..
            } => format!("{status} {message}"),
            LiveError::Io { what, source } => format!("{what}: {}", root_text(source.as_ref())),
            _ => String::new(),
        };
        format!("{:?} {detail}", std::mem::discriminant(self))
    }

    /// One short line for a log: the message without the collected details
    /// of a room lookup (only its first source's reason), cut to 160 chars.
    pub fn summary(&self) -> String {
        let text = match self {
            LiveError::RoomLookup { user, details } => {
                let first = details.split("; ").next().unwrap_or_default();
                let more = details.matches("; ").count();
                let rest = if more > 0 {
                    format!(", and {more} more source(s)")
                } else {
                    String::new()
                };
                lookup_fact(user, &format!("{first}{rest}"))
            }
            other => other.to_string(),
        };
        if text.chars().count() <= SUMMARY_CHARS {
            return text;
        }
        let cut: String = text.chars().take(SUMMARY_CHARS - 1).collect();
        format!("{cut}…")
    }
}

/// Which failures of one stream become an `error` event: a change of state
/// (the first failure, or a failure other than the last one reported), not
/// every retry of the same failure. A stream that connects starts afresh.
/// Kept across restarts of a stream by a caller that retries it (the worker),
/// and carried to another process as its [`Reported::key`] (a worker hands
/// it to the streamer's next owner through the KV cursor record).
#[derive(Debug, Default)]
pub struct Reported {
    /// What identifies the last failure (its kind and, for some, the status
    /// or cause): the same failure again has the same key.
    key: Option<String>,
    /// The last failure noted by this process.
    last: Option<LiveError>,
    /// When `last` was first noted in a row (wall ms).
    last_since_ms: Option<i64>,
    repeats: u32,
    /// Since when the stream has been waiting for its streamer to go live
    /// (wall ms; `--wait`: not a failure, no `error` event).
    offline_since_ms: Option<i64>,
    /// The stream connected, and nothing failed since.
    connected: bool,
}

/// What a stream is doing, as its [`Reported`] knows it.
#[derive(Debug, Clone, Copy)]
pub enum Health<'a> {
    /// Nothing noted in this process yet (a failure may have been carried
    /// over from another, by key only).
    Unknown,
    /// The stream connected, and nothing failed since.
    Connected,
    /// Waiting for the streamer to go live, since (wall ms).
    Offline { since_ms: i64 },
    /// This failure, noted first at `since_ms` (wall ms) and maybe again since.
    Failing { error: &'a LiveError, since_ms: i64 },
}

impl Reported {
    /// A failure with `key` ([`Reported::key`]) was reported already, by
    /// another process: the same failure here is no news.
    pub fn already_reported(key: String) -> Reported {
        Reported {
            key: Some(key),
            ..Reported::default()
        }
    }

    /// Note `err`; true when it is news (to be reported).
    pub fn is_news(&mut self, err: &LiveError) -> bool {
        let key = err.failure_key();
        let news = self.key.as_ref() != Some(&key);
        self.key = Some(key);
        if news || self.last_since_ms.is_none() {
            self.last_since_ms = Some(crate::clock::now_ms());
        }
        self.last = Some(err.clone());
        self.repeats = if news { 0 } else { self.repeats + 1 };
        self.offline_since_ms = None;
        self.connected = false;
        news
    }

    /// The streamer is offline and waited for (wall ms `now`): kept from
    /// the first time until the room is found or a failure is noted.
    pub fn waiting_offline(&mut self, now_ms: i64) {
        self.offline_since_ms.get_or_insert(now_ms);
        self.connected = false;
    }

    /// The room was found: no longer waiting for it.
    pub fn room_found(&mut self) {
        self.offline_since_ms = None;
    }

    /// What the stream is doing (see [`Health`]).
    pub fn health(&self) -> Health<'_> {
        if let Some(since_ms) = self.offline_since_ms {
            return Health::Offline { since_ms };
        }
        match (&self.last, self.last_since_ms) {
            (Some(error), Some(since_ms)) => Health::Failing { error, since_ms },
            _ if self.connected => Health::Connected,
            _ => Health::Unknown,
        }
    }

    /// The key of the last failure reported since the stream last
    /// connected (an opaque text; `None`: none, or the stream connected).
    pub fn key(&self) -> Option<&str> {
        self.key.as_deref()
    }

    /// How many times in a row the last failure came again (0: it was news).
    pub fn repeats(&self) -> u32 {
        self.repeats
    }

    /// The stream connected: the next failure is news again.
    pub fn clear(&mut self) {
        *self = Reported {
            connected: true,
            ..Reported::default()
        };
    }

    /// The last failure noted in this process since the stream last connected.
    pub fn last(&self) -> Option<&LiveError> {
        self.last.as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lookup_alone_suggests_only_what_info_accepts() {
        let errors = [
            LiveError::Offline("a".into()),
            LiveError::Blocked { user: "a".into() },
            LiveError::RoomLookup {
                user: "a".into(),
                details: "live page: refused".into(),
            },
        ];
        for err in errors {
            let full = err.to_string();
            let lookup = err.lookup_message();
            assert!(
                full.contains("--room-id") || full.contains("--wait"),
                "{full}"
            );
            assert!(
                !lookup.contains("--room-id") && !lookup.contains("--wait"),
                "{lookup}"
            );
            // The facts are the same.
            let fact = lookup.split(';').next().unwrap();
            assert!(full.starts_with(fact), "{full} / {lookup}");
        }
        assert_eq!(
            LiveError::RoomLookup {
                user: "a".into(),
                details: "x".into()
            }
            .lookup_message(),
            "could not find @a's room id (x); try again later or use --proxy"
        );
    }

    #[test]
    fn messages_are_one_line_and_classified() {
        let cases: Vec<(LiveError, Class)> = vec![
            (LiveError::Offline("a".into()), Class::Fatal(Code::NotFound)),
            (LiveError::SignUnauthorized, Class::Fatal(Code::Rejected)),
            (
                LiveError::SignRateLimited {
                    retry_after: Some(Duration::from_secs(30)),
                    message: "Too many".into(),
                },
                Class::Retry(Some(Duration::from_secs(30))),
            ),
            (
                LiveError::HandshakeRejected {
                    status: 200,
                    message: "DEVICE_BLOCKED".into(),
                    fallback: None,
                },
                Class::Fatal(Code::Rejected),
            ),
            (
                LiveError::HandshakeRejected {
                    status: 400,
                    message: "illegal secret key".into(),
                    fallback: None,
                },
                Class::RetryFew,
            ),
            (LiveError::Network("reset".into()), Class::Retry(None)),
        ];
        for (err, class) in cases {
            assert_eq!(err.class(), class, "{err}");
            assert!(!err.to_string().contains('\n'));
        }
        // An I/O failure keeps its source and names the innermost cause.
        let io = LiveError::io(
            "calling the sign server could not connect",
            std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused"),
        );
        assert_eq!(
            io.to_string(),
            "calling the sign server could not connect: refused"
        );
        assert!(std::error::Error::source(&io).is_some());
        assert_eq!(io.class(), Class::Retry(None));
        let secret = LiveError::HandshakeRejected {
            status: 200,
            message: "illegal secret key".into(),
            fallback: None,
        };
        assert_eq!(secret.class_when(true), Class::Retry(None));
        let blocked = LiveError::HandshakeRejected {
            status: 200,
            message: "DEVICE_BLOCKED".into(),
            fallback: None,
        };
        assert_eq!(blocked.class_when(false), Class::Fatal(Code::Rejected));
        assert_eq!(blocked.class_when(true), Class::Retry(None));
        assert_eq!(
            LiveError::SignRateLimited {
                retry_after: Some(Duration::from_secs(30)),
                message: "Too many connections".into()
            }
            .to_string(),
            "sign server rate limit (429), retry after 30s: Too many connections"
        );
    }

    #[test]
    fn the_health_is_the_latest_of_offline_failing_connected() {
        let mut r = Reported::default();
        assert!(matches!(r.health(), Health::Unknown));
        r.waiting_offline(1_000);
        r.waiting_offline(2_000);
        assert!(matches!(r.health(), Health::Offline { since_ms: 1_000 }));
        r.room_found();
        assert!(matches!(r.health(), Health::Unknown));
        let gone = LiveError::UserNotFound("a".into());
        r.is_news(&gone);
        let Health::Failing { error, since_ms } = r.health() else {
            panic!("{:?}", r.health());
        };
        assert_eq!(error.state(), "not-found");
        // The same failure again keeps its start.
        r.is_news(&gone);
        assert!(matches!(r.health(), Health::Failing { since_ms: s, .. } if s == since_ms));
        r.clear();
        assert!(matches!(r.health(), Health::Connected));
        r.waiting_offline(5_000);
        assert!(matches!(r.health(), Health::Offline { since_ms: 5_000 }));
        // Carried over by key only: not known until it fails here too.
        let carried = Reported::already_reported("k".into());
        assert!(matches!(carried.health(), Health::Unknown));
        assert_eq!(LiveError::Offline("a".into()).state(), "offline");
        assert_eq!(
            LiveError::SignForbidden(String::new()).state(),
            "sign-refused"
        );
    }

    #[test]
    fn only_a_change_of_failure_is_news() {
        let mut r = Reported::default();
        let refused = |what: &str| {
            LiveError::io(
                what,
                std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused"),
            )
        };
        let limited = |s: u64| LiveError::SignRateLimited {
            retry_after: Some(Duration::from_secs(s)),
            message: String::new(),
        };
        assert!(r.is_news(&refused("lookup")));
        assert!(!r.is_news(&refused("lookup")));
        assert!(r.is_news(&refused("sign")), "another step");
        assert!(r.is_news(&limited(30)));
        assert!(!r.is_news(&limited(12)), "only the wait differs");
        assert!(r.is_news(&LiveError::SignStatus {
            status: 500,
            body: "a".into()
        }));
        assert!(r.is_news(&LiveError::SignStatus {
            status: 502,
            body: "a".into()
        }));
        let lookup = |d: &str| LiveError::RoomLookup {
            user: "a".into(),
            details: d.into(),
        };
        assert!(r.is_news(&lookup("live page: 1")));
        assert!(!r.is_news(&lookup("live page: 2; api-live: 3")));
        assert_eq!(r.repeats(), 1);
        assert!(matches!(r.last(), Some(LiveError::RoomLookup { .. })));
        r.clear();
        assert!(r.last().is_none());
        assert!(r.is_news(&lookup("live page: 1")));
        // Carried to another process: the same failure there is no news,
        // another one is.
        let key = r.key().unwrap().to_string();
        let mut next = Reported::already_reported(key.clone());
        assert!(next.last().is_none());
        assert!(!next.is_news(&lookup("live page: 9")));
        assert_eq!(next.key(), Some(key.as_str()));
        assert!(Reported::already_reported(key).is_news(&limited(1)));
        r.clear();
        assert_eq!(r.key(), None);
    }

    #[test]
    fn a_summary_is_short_and_keeps_the_first_reason() {
        let long = "x".repeat(400);
        let err = LiveError::RoomLookup {
            user: "carol".into(),
            details: format!("live page: HTTP 503; api-live: {long}; sign provider: {long}"),
        };
        assert_eq!(
            err.summary(),
            "could not find @carol's room id (live page: HTTP 503, and 2 more source(s))"
        );
        let big = LiveError::Network(long);
        assert_eq!(big.summary().chars().count(), 160);
        assert!(big.summary().ends_with('…'));
        assert_eq!(
            LiveError::UserNotFound("a".into()).summary(),
            LiveError::UserNotFound("a".into()).to_string()
        );
    }
}
