//! The real TikTok payloads carried in `tests/data/events-collector.bin.gz`
//! (origin and licence in `tests/data/README.md`).
//!
//! Shared by the integration tests and `benches/realistic.rs` (`#[path]`), so
//! it depends only on the standard library and `flate2`.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;

/// One distinct events-collector payload, as recorded.
#[derive(Debug, Clone)]
pub struct RecordedPayload {
    /// The JSON key it was recorded under: the `Message.method`, except
    /// `RoomMessage`, which holds `SystemMessage` payloads (data README).
    pub key: String,
    /// The raw `Message.payload` bytes.
    pub bytes: Vec<u8>,
}

/// Every distinct payload (2,303), in the packed order: files sorted by name,
/// then keys sorted, then file order (`scripts/pack-real-data`).
///
/// Panics with the path when the file is missing or damaged.
pub fn recorded_payloads() -> Vec<RecordedPayload> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/events-collector.bin.gz");
    let file = std::fs::File::open(&path)
        .unwrap_or_else(|e| panic!("cannot open {}: {e}", path.display()));
    let mut reader = BufReader::new(flate2::read::GzDecoder::new(file));
    let mut out = Vec::new();
    let mut header = String::new();
    loop {
        header.clear();
        let n = reader
            .read_line(&mut header)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        if n == 0 {
            return out;
        }
        let mut parts = header.trim_end_matches('\n').split('\t');
        let (Some(key), Some(_file), Some(len), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            panic!("{}: bad record header {header:?}", path.display());
        };
        let len: usize = len
            .parse()
            .unwrap_or_else(|e| panic!("{}: bad length {len:?}: {e}", path.display()));
        let mut bytes = vec![0; len];
        reader
            .read_exact(&mut bytes)
            .unwrap_or_else(|e| panic!("{}: truncated record: {e}", path.display()));
        out.push(RecordedPayload {
            key: key.to_string(),
            bytes,
        });
    }
}
