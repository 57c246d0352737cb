//! The types generated from `proto/*.proto` by `build.rs`.
#![allow(clippy::all, missing_docs)]

include!(concat!(env!("OUT_DIR"), "/tiklive.webcast.rs"));
