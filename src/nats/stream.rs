//! The events stream: created if missing, with the chosen replicas and limits.

use std::time::Duration;

use anyhow::{Context as _, Result};
use async_nats::jetstream::{self, stream};

use super::subject::EVENT_PREFIX;

/// The default stream name.
pub const DEFAULT_STREAM: &str = "TIKLIVE_EVENTS";

/// The shortest duplicate window we accept: a worker that takes over a
/// streamer replays at most this much overlap, which `Nats-Msg-Id` absorbs.
pub const MIN_DUPLICATE_WINDOW: Duration = Duration::from_secs(120);

/// The stream's settings (`--stream`, `--replicas`, `--max-age`, `--max-bytes`,
/// `--duplicate-window`).
#[derive(Debug, Clone)]
pub struct StreamSettings {
    pub name: String,
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
        StreamSettings {
            name: DEFAULT_STREAM.to_string(),
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
            subjects: vec![format!("{EVENT_PREFIX}.>")],
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
/// is used as it is (its settings are the operator's).
pub async fn ensure_stream(
    js: &jetstream::Context,
    settings: &StreamSettings,
) -> Result<stream::Stream> {
    js.get_or_create_stream(settings.config())
        .await
        .with_context(|| {
            format!(
                "cannot open or create the JetStream stream {}",
                settings.name
            )
        })
}
