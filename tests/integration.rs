//! The single integration test binary (one link, see style.md item 37).

mod forward;
mod real_data;
mod support;
mod webhooks;
