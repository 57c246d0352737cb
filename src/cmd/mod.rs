//! One module per subcommand: wiring only, no protocol or formatting logic.

pub mod watch;
