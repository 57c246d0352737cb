//! The pure protocol core: TikTok webcast bytes in, events out.
//!
//! Nothing in this module does I/O, reads a clock or draws random numbers; the
//! callers pass in bytes and instants. That keeps every protocol decision
//! testable with fixtures and made-up times (see shared/reference/style.md §1.8).
//! clippy enforces it: the I/O, thread, clock and tokio types that
//! `clippy.toml` lists are denied here, and so are the clock, id, random and
//! stdout calls everywhere outside their owners.

#![deny(clippy::disallowed_types)]

pub mod capture;
pub mod connection;
pub mod control;
pub mod data;
pub mod decoder;
pub mod digits;
pub mod error;
pub mod event;
pub mod frame;
pub mod json;
pub mod kind;
pub mod leaderboard;
pub mod lenient;
pub mod mapping;
pub mod proto;
pub mod reflect;
pub mod streaks;
pub mod time;
pub mod user;
pub mod whole;
pub mod wire;

pub use connection::Connection;
pub use control::{Control, EndCause};
pub use decoder::{
    Decoder, DecoderOptions, FetchInfo, FrameInfo, Output, PreparedFetch, PreparedFrame,
    SchemaDrift, SharedText, Stats, prepare_fetch, prepare_frame, prepare_frame_bytes,
};
pub use error::{FrameError, MessageError};
pub use event::{Envelope, EnvelopeParts, Event, Json, json_tail_stamp};
pub use kind::{EventKind, KindSet, UnknownKind};
pub use streaks::StreakMode;
