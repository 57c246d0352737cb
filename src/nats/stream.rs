//! The events stream: created if missing, with the chosen replicas and limits,
//! and checked to hold this deployment's subjects.

use std::time::Duration;

use anyhow::Result;
use async_nats::jetstream::{self, ErrorCode, context::CreateStreamErrorKind, stream};

use super::namespace::Namespace;
use super::subject::covers;
use crate::error::Failure;

/// The shortest duplicate window we accept: a worker that takes over a
/// streamer replays at most this much overlap, which `Nats-Msg-Id` absorbs.
pub const MIN_DUPLICATE_WINDOW: Duration = Duration::from_secs(120);

/// The stream's settings (`--stream`, `--replicas`, `--max-age`, `--max-bytes`,
/// `--duplicate-window`).
#[derive(Debug, Clone)]
pub struct StreamSettings {
    pub name: String,
    /// The subjects it holds: `<prefix>.ev.>` ([`Namespace::events_filter`]).
    pub subjects: String,
    /// 1 (one node) to 5; 3 on a three-node cluster.
    pub replicas: usize,
    /// Events older than this are dropped; zero keeps them forever.
    pub max_age: Duration,
    /// The stream's size limit in bytes (oldest dropped first); `None`: no limit.
    pub max_bytes: Option<i64>,
    /// How long `Nats-Msg-Id` de-duplicates; at least [`MIN_DUPLICATE_WINDOW`].
    pub duplicate_window: Duration,
}

impl Default for StreamSettings {
    fn default() -> Self {
        let ns = Namespace::default();
        StreamSettings {
            name: ns.default_stream(),
            subjects: ns.events_filter(),
            replicas: 1,
            max_age: Duration::ZERO,
            max_bytes: None,
            duplicate_window: MIN_DUPLICATE_WINDOW,
        }
    }
}

impl StreamSettings {
    fn config(&self) -> stream::Config {
        stream::Config {
            name: self.name.clone(),
            subjects: vec![self.subjects.clone()],
            num_replicas: self.replicas,
            max_age: self.max_age,
            max_bytes: self.max_bytes.unwrap_or(-1),
            duplicate_window: self.duplicate_window.max(MIN_DUPLICATE_WINDOW),
            storage: stream::StorageType::File,
            ..Default::default()
        }
    }
}

/// Get the stream, creating it with `settings` if missing. An existing stream
/// is used as it is (its settings are the operator's) when it holds
/// `settings.subjects`.
///
/// # Errors
/// - a [`Failure`] (usage, one line) when the stream exists with other
///   subjects ([`check_subjects`]), or cannot be created because another
///   stream holds these subjects (the server's "subjects overlap", error
///   10065; the message names that stream);
/// - the server refused or did not answer otherwise.
pub async fn ensure_stream(
    js: &jetstream::Context,
    settings: &StreamSettings,
) -> Result<stream::Stream> {
    let stream = match js.get_or_create_stream(settings.config()).await {
        Ok(s) => s,
        Err(e) => {
            if let CreateStreamErrorKind::JetStream(js_err) = e.kind()
                && js_err.error_code() == ErrorCode::STREAM_SUBJECT_OVERLAP
            {
                let (holder, or_use) = match js.stream_by_subject(settings.subjects.clone()).await {
                    Ok(h) => (format!("stream {h}"), format!("use --nats-stream {h}, or ")),
                    Err(_) => ("another stream".to_string(), String::new()),
                };
                anyhow::bail!(Failure::usage(format!(
                    "cannot create stream {} for subjects {}: {holder} already holds them; \
                     {or_use}give this deployment its own --nats-prefix",
                    settings.name, settings.subjects
                )));
            }
            return Err(anyhow::Error::new(e).context(format!(
                "cannot open or create the JetStream stream {}",
                settings.name
            )));
        }
    };
    let subjects = &stream.cached_info().config.subjects;
    check_subjects(&settings.name, subjects, &settings.subjects)?;
    Ok(stream)
}

/// Whether stream `name`, holding `subjects`, stores every subject of
/// `wanted` (`<prefix>.ev.>`).
///
/// # Errors
/// A usage [`Failure`], one line: the stream belongs to other subjects (most
/// likely another deployment's prefix), with what to do.
pub fn check_subjects(name: &str, subjects: &[String], wanted: &str) -> Result<(), Failure> {
    if subjects.iter().any(|s| covers(s, wanted)) {
        return Ok(());
    }
    Err(Failure::usage(format!(
        "stream {name} holds subjects {}, not {wanted}: it belongs to another deployment; \
         use that deployment's --nats-prefix, or another --nats-stream",
        if subjects.is_empty() {
            "(none)".to_string()
        } else {
            subjects.join(", ")
        }
    )))
}
