//! Compiles `proto/*.proto` into Rust types with prost-build, fed by protox
//! (a pure-Rust protobuf compiler), so no `protoc` binary is needed anywhere.
//! The encoded descriptor set is written next to the generated code so the
//! decoder can render any message as JSON through prost-reflect.
//!
//! Also records the git commit for `--version`, as ripgrep does: when git is
//! not available the build says so and carries on.

use std::path::PathBuf;
use std::process::Command;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed=proto");
    let files = [
        "proto/frame.proto",
        "proto/data.proto",
        "proto/messages.proto",
        "proto/lean.proto",
    ];
    let fds = protox::compile(files, ["proto"])?;
    let out = PathBuf::from(std::env::var("OUT_DIR")?);
    std::fs::write(
        out.join("webcast_descriptor.bin"),
        prost::Message::encode_to_vec(&fds),
    )?;
    prost_build::Config::new()
        .bytes(["."])
        .btree_map(["."])
        .enable_type_names()
        .compile_fds(fds)?;

    println!("cargo:rerun-if-changed=.git/HEAD");
    println!("cargo:rerun-if-changed=.git/refs/heads");
    let hash = Command::new("git")
        .args(["rev-parse", "--short=10", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|| {
            println!("cargo:warning=git commit unknown; --version will not show it");
            String::new()
        });
    println!("cargo:rustc-env=TIKLIVE_GIT_HASH={hash}");
    Ok(())
}
