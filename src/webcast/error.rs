//! Errors of the protocol core. A [`FrameError`] loses one WebSocket message;
//! a [`MessageError`] loses one inner message and never the rest of its frame.

use std::fmt;

/// Why a whole frame (or fetch result) could not be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum FrameError {
    #[error("empty frame")]
    Empty,
    #[error("frame is not a valid push frame: {0}")]
    Protobuf(prost::DecodeError),
    #[error("frame payload is not valid gzip: {0}")]
    Gzip(String),
    #[error("frame payload inflates past the {limit}-byte limit")]
    TooLarge { limit: usize },
    #[error("fetch result is not valid protobuf: {0}")]
    FetchResult(prost::DecodeError),
    /// prost decoded the fetch result but the wire reader could not read
    /// prost's own re-encoding of it (`decoder::prepare_fetch`): a bug of
    /// ours, reported instead of losing the frame silently.
    #[error("fetch result decoded but not read back")]
    FetchUnread,
    /// A `compress_type` header other than gzip (or none) on a payload that
    /// is not gzip either: we cannot read it, and say which value it was.
    #[error("unknown compress_type '{0}' (only gzip is understood)")]
    UnknownCompression(String),
}

/// Why one inner message could not be turned into an event. Carries the method
/// and a base64 preview of the payload, so a field report has evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct MessageError {
    pub method: String,
    pub reason: String,
    /// Base64 of the first 48 payload bytes.
    pub preview: String,
    pub payload_len: usize,
}

impl fmt::Display for MessageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "could not decode {} ({} bytes): {}; payload starts {}",
            self.method, self.payload_len, self.reason, self.preview
        )
    }
}

impl std::error::Error for MessageError {}
