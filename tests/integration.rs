//! The single integration test binary (one link, see style.md item 37).

mod live;
mod real_data;
mod support;
