//! The types generated from `proto/*.proto` by `build.rs`.
#![allow(clippy::all, missing_docs)]

include!(concat!(env!("OUT_DIR"), "/tiklive.webcast.rs"));

/// Lean views of the high-volume messages (`proto/lean.proto`): only the
/// fields the event mapping reads.
pub mod lean {
    include!(concat!(env!("OUT_DIR"), "/tiklive.webcast.lean.rs"));
}

/// The 27 messages carried whole since TikTok-Live-Connector 2.5.0, with every
/// nested type of the v3 schema (`proto/v3.proto`).
pub mod v3 {
    include!(concat!(env!("OUT_DIR"), "/tiklive.webcast.v3.rs"));
}
