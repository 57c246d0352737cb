//! Everything the integration tests share: running the binary isolated
//! (`launch`), the one polling wait (`wait`), in-process decoding of the real
//! data (`decode`, `real_data`), and the fakes on 127.0.0.1: TikTok with its
//! sign server and WebSocket (`fake_tiktok`), a webhook receiver (`webhook`),
//! NATS (`nats`) and a browser (`browser`).

pub mod browser;
pub mod decode;
pub mod fake_tiktok;
mod launch;
pub mod nats;
pub mod real_data;
mod wait;
mod webhook;

pub use launch::*;
pub use wait::*;
pub use webhook::*;
