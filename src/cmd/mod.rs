//! One module per subcommand: wiring only, no protocol or formatting logic.

pub mod cluster;
pub mod config;
pub mod forward;
pub mod generate;
pub mod info;
pub mod serve;
pub mod streamers;
pub mod watch;
pub mod webhooks;
pub mod worker;
