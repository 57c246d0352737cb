//! The `tiklive` binary: everything lives in the library (`tiklive::run`).

fn main() -> std::process::ExitCode {
    tiklive::run(std::env::args_os())
}
