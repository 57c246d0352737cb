//! The single integration test binary (one link, see style.md item 37).

mod util;

mod all_types;
mod cli;
mod corrupt;
mod real_data;
