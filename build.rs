//! Compiles `proto/*.proto` into Rust types with prost-build, fed by protox
//! (a pure-Rust protobuf compiler), so no `protoc` binary is needed anywhere.
//! The encoded descriptor set is written next to the generated code so the
//! decoder can render any message as JSON through prost-reflect.
//!
//! Also records the git commit for `--version`, as ripgrep does: when git is
//! not available the build says so and carries on. It reruns only when the
//! commit can have changed (see `watch_head`).

use std::path::PathBuf;
use std::process::Command;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed=proto");
    let files = [
        "proto/frame.proto",
        "proto/data.proto",
        "proto/messages.proto",
        "proto/lean.proto",
        "proto/v3.proto",
    ];
    let fds = protox::compile(files, ["proto"])?;
    let out = PathBuf::from(std::env::var("OUT_DIR")?);
    // The runtime copy leaves out the source info (comments and spans): the
    // decoder never reads it, and prost-reflect would keep ~1 MB of it on the
    // heap. prost-build below still gets it, for the generated docs.
    let mut runtime = fds.clone();
    for file in &mut runtime.file {
        file.source_code_info = None;
    }
    std::fs::write(
        out.join("webcast_descriptor.bin"),
        prost::Message::encode_to_vec(&runtime),
    )?;
    prost_build::Config::new()
        .bytes(["."])
        .btree_map(["."])
        .enable_type_names()
        .compile_fds(fds)?;

    let hash = git(&["rev-parse", "--short=10", "HEAD"]).unwrap_or_else(|| {
        println!("cargo:warning=git commit unknown; --version will not show it");
        String::new()
    });
    watch_head();
    println!("cargo:rustc-env=BUILD_GIT_HASH={hash}");
    Ok(())
}

/// Rebuild only when the commit can have changed: the HEAD file, the ref it
/// points at, and `packed-refs`. Their paths come from git, so this is right in
/// a linked worktree too (where `.git` is a file). Watching a path that does not
/// exist would rerun the build script every time, so only existing ones are.
fn watch_head() {
    let mut files = vec!["HEAD".to_string(), "packed-refs".to_string()];
    if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"]) {
        files.push(branch);
    }
    for file in files {
        if let Some(path) = git(&["rev-parse", "--path-format=absolute", "--git-path", &file])
            && std::path::Path::new(&path).exists()
        {
            println!("cargo:rerun-if-changed={path}");
        }
    }
}

/// The trimmed output of a successful `git` command.
fn git(args: &[&str]) -> Option<String> {
    Command::new("git")
        .args(args)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
}
