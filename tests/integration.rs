//! The single integration test binary (one link, see style.md item 37).

mod config;
mod generated;
mod live;
mod real_data;
mod support;
