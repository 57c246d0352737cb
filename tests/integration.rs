//! The single integration test binary (one link, see style.md item 37).
#![allow(clippy::print_stdout, clippy::print_stderr)] // tests may report what they saw

mod support;

mod all_types;
mod cli;
mod config;
mod cookbook;
mod corrupt;
mod forward;
mod generated;
mod live;
mod nats;
mod overlay;
mod pipes;
mod real_data;
mod serve;
mod webhooks;
mod wire;
mod workers;
