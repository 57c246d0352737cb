//! The built-in demo stream: three minutes of a made-up LIVE, with every
//! common event type and a few gift streaks.
//!
//! It is produced by our own encoder from a deterministic script (a fixed
//! seed, a fixed cast, a fixed timeline), as real push frames: gzip,
//! PushFrame, fetch result, inner messages. So `watch --demo` exercises the
//! same decoder as a live connection. `tiklive watch --demo --speed max
//! --record demo.capture` regenerates it as a capture file.
//!
//! Where things are: [`script`] (the timeline as data: a table of scenes,
//! each with its start, what it shows and its builder), `cast`
//! (the viewers, comments and gifts, as data), `encoder` (message builders
//! and the packaging into fetch results and push frames).

use crate::webcast::capture::RecordKind;
use crate::webcast::proto::*;

pub const DEMO_STREAMER: &str = "tiklive_demo";
pub const DEMO_ROOM_ID: i64 = 7_312_000_000_000_000_001;
/// How long the demo lasts at speed 1.
pub const DEMO_SECONDS: i64 = 180;

mod cast;
mod encoder;
pub mod script;

pub use cast::text;
pub use script::demo_stream;

/// One item of the demo: a bare fetch result (the first) or a push frame.
#[derive(Debug, Clone)]
pub struct DemoItem {
    pub offset_ms: i64,
    pub kind: RecordKind,
    pub bytes: Vec<u8>,
}

/// The demo's fixed "recording" instant: 2024-05-01T18:00:00Z. Message
/// `createTime`s are based on it so the script is the same every time.
pub const DEMO_EPOCH_MS: i64 = 1_714_586_400_000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_is_deterministic_and_long_enough() {
        let a = demo_stream();
        let b = demo_stream();
        assert_eq!(a.len(), b.len());
        assert!(
            a.iter()
                .zip(&b)
                .all(|(x, y)| x.bytes == y.bytes && x.offset_ms == y.offset_ms)
        );
        assert_eq!(a[0].kind, RecordKind::Fetch);
        assert_eq!(a.last().unwrap().offset_ms, DEMO_SECONDS * 1000);
        assert!(a.len() > 100, "{} items", a.len());
        assert!(a.windows(2).all(|w| w[0].offset_ms <= w[1].offset_ms));
    }

    #[test]
    fn every_scene_is_within_the_demo_and_described() {
        assert!(script::SCENES.len() > 40);
        for scene in script::SCENES {
            assert!(
                (0..=DEMO_SECONDS * 1000).contains(&scene.at_ms),
                "{}",
                scene.what
            );
            assert!(!scene.what.is_empty());
        }
    }
}
