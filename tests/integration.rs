//! The single integration test binary (one link, see style.md item 37).

mod real_data;
