//! The types generated from `proto/*.proto` by `build.rs`.
#![allow(clippy::all, missing_docs)]

include!(concat!(env!("OUT_DIR"), "/tiklive.webcast.rs"));

/// Lean views of the high-volume messages (`proto/lean.proto`): only the
/// fields the event mapping reads.
pub mod lean {
    include!(concat!(env!("OUT_DIR"), "/tiklive.webcast.lean.rs"));
}
