//! The single integration test binary (one link, see style.md item 37).

mod support;
mod util;

mod all_types;
mod cli;
mod config;
mod corrupt;
mod forward;
mod generated;
mod live;
mod real_data;
mod serve;
mod webhooks;
