//! Compiles `proto/*.proto` into Rust types with prost-build, fed by protox
//! (a pure-Rust protobuf compiler), so no `protoc` binary is needed anywhere.
//! The encoded descriptor set is written next to the generated code so the
//! decoder can render any message as JSON through prost-reflect.

use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed=proto");
    let files = ["proto/frame.proto", "proto/data.proto", "proto/messages.proto"];
    let fds = protox::compile(files, ["proto"])?;
    let out = PathBuf::from(std::env::var("OUT_DIR")?);
    std::fs::write(
        out.join("webcast_descriptor.bin"),
        prost::Message::encode_to_vec(&fds),
    )?;
    prost_build::Config::new().bytes(["."]).compile_fds(fds)?;
    Ok(())
}
