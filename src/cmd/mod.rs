//! One module per subcommand: wiring only, no protocol or formatting logic.

pub mod forward;
pub mod watch;
pub mod webhooks;
