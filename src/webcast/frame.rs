//! The push-frame layer: decoding the WebSocket binary messages TikTok sends,
//! inflating their payloads, and encoding the frames a client sends back
//! (ack, heartbeat, im_enter_room). Bytes in, bytes out; no I/O.

use std::borrow::Cow;

use bytes::Bytes;
use prost::Message;

use super::error::FrameError;
use super::proto::{HeartBeat, ImEnterRoom, PushFrame, PushHeader};
use super::wire;

/// The largest inflated payload we accept. Real frames are 1-100 KiB after
/// inflation and a sign-server fetch result is tens of KiB; 8 MiB leaves a wide
/// margin while keeping a gzip bomb from eating memory.
pub const MAX_INFLATED: usize = 8 * 1024 * 1024;

const GZIP_MAGIC: [u8; 3] = [0x1f, 0x8b, 0x08];

/// A decoded push frame with its payload already inflated.
#[derive(Debug, Clone, PartialEq)]
pub struct Frame {
    pub seq_id: i64,
    pub log_id: u64,
    /// `msg`, `hb`, `ack`, `im_enter_room_resp`…: the known values are
    /// static strings, not a copy per frame ([`known`]).
    pub payload_type: Cow<'static, str>,
    /// `pb` in practice (static, like `payload_type`).
    pub payload_encoding: Cow<'static, str>,
    /// The inflated payload.
    pub payload: Bytes,
    /// Whether the payload arrived gzip-compressed.
    pub was_gzip: bool,
}

/// Decode one WebSocket binary message into a frame, inflating the payload when
/// the `compress_type` header says gzip **or** the payload starts with the gzip
/// magic (libraries disagree on which signal to trust, so we accept either).
pub fn decode_frame(bytes: &[u8]) -> Result<Frame, FrameError> {
    if bytes.is_empty() {
        return Err(FrameError::Empty);
    }
    let mut frame = wire::PushFrame::default();
    if frame.parse_into(bytes).is_ok() {
        return open_frame(&frame, Bytes::copy_from_slice);
    }
    open_prost(PushFrame::decode(bytes).map_err(FrameError::Protobuf)?)
}

/// [`decode_frame`] on a message already in a [`Bytes`]: a payload that is
/// not compressed is a slice of it, not a copy. Borrowed: a compressed
/// payload (nearly every one) is inflated from the slice, and taking a
/// clone of a `Bytes` made from a `Vec` allocates (its first clone moves it
/// to a shared, counted buffer).
///
/// Read with the wire reader ([`wire::PushFrame`], no allocation); what it
/// refuses is decoded by prost as before, so errors stay prost's.
pub fn decode_frame_bytes(bytes: &Bytes) -> Result<Frame, FrameError> {
    if bytes.is_empty() {
        return Err(FrameError::Empty);
    }
    let mut frame = wire::PushFrame::default();
    if frame.parse_into(bytes).is_ok() {
        return open_frame(&frame, |payload| bytes.slice_ref(payload));
    }
    open_prost(PushFrame::decode(bytes.clone()).map_err(FrameError::Protobuf)?)
}

/// [`open_frame`] on a frame prost decoded.
fn open_prost(frame: PushFrame) -> Result<Frame, FrameError> {
    let compress_type = frame
        .headers
        .iter()
        .find(|h| h.key == "compress_type")
        .map(|h| h.value.as_str());
    let read = wire::PushFrame {
        seq_id: frame.seq_id,
        log_id: frame.log_id,
        compress_type,
        payload_encoding: &frame.payload_encoding,
        payload_type: &frame.payload_type,
        payload: &frame.payload,
    };
    open_frame(&read, |_| frame.payload.clone())
}

/// The payload types and encodings TikTok sends, kept as static strings.
const KNOWN: [&str; 8] = [
    "",
    "msg",
    "pb",
    "hb",
    "ack",
    "im_enter_room",
    "im_enter_room_resp",
    "close",
];

/// `s` as a static string when it is one of [`KNOWN`], else a copy.
fn known(s: &str) -> Cow<'static, str> {
    KNOWN
        .iter()
        .find(|k| **k == s)
        .map_or_else(|| Cow::Owned(s.to_owned()), |k| Cow::Borrowed(*k))
}

/// The rest of [`decode_frame`]: check the compression, inflate. `keep`
/// makes the [`Bytes`] of a payload that is not compressed.
fn open_frame(
    frame: &wire::PushFrame<'_>,
    keep: impl FnOnce(&[u8]) -> Bytes,
) -> Result<Frame, FrameError> {
    let compress = frame.compress_type.unwrap_or("");
    let header_gzip = compress.eq_ignore_ascii_case("gzip");
    let magic_gzip = frame.payload.starts_with(&GZIP_MAGIC);
    let was_gzip = header_gzip || magic_gzip;
    let plain = ["", "none", "identity"]
        .iter()
        .any(|p| compress.eq_ignore_ascii_case(p));
    if !was_gzip && !plain {
        return Err(FrameError::UnknownCompression(
            compress.chars().take(40).collect(),
        ));
    }
    let payload = if was_gzip {
        inflate_bytes(frame.payload, MAX_INFLATED)?
    } else {
        keep(frame.payload)
    };
    Ok(Frame {
        seq_id: frame.seq_id,
        log_id: frame.log_id,
        payload_type: known(frame.payload_type),
        payload_encoding: known(frame.payload_encoding),
        payload,
        was_gzip,
    })
}

/// [`inflate`] into a [`Bytes`]. On the one-call path the output goes into
/// a buffer kept per thread ([`Pooled`]): it comes back when the last
/// `Bytes` of the payload is dropped (a frame's messages are decoded and
/// dropped before the next frame), so a stream of frames does not allocate,
/// or zero, a new buffer for each.
fn inflate_bytes(data: &[u8], limit: usize) -> Result<Bytes, FrameError> {
    gzip_body(data)?;
    if let Some(size) = whole_size(data, limit) {
        let mut buf = POOL
            .try_with(|pool| pool.take())
            .ok()
            .flatten()
            .unwrap_or_default();
        if buf.len() < size {
            // Zeroes only what the buffer never held.
            buf.resize(size, 0);
        }
        if let Some(n) = inflate_into(data, &mut buf[..size]) {
            return Ok(Bytes::from_owner(Pooled { buf, len: n }));
        }
    }
    inflate_streaming(data, limit).map(Bytes::from)
}

thread_local! {
    /// The buffer [`inflate_bytes`] reuses, while no payload holds it.
    static POOL: std::cell::Cell<Option<Vec<u8>>> = const { std::cell::Cell::new(None) };
}

/// Buffers larger than this are freed rather than kept for the next frame
/// (a rare large payload should not stay allocated on every thread).
const POOLED_MAX: usize = 1024 * 1024;

/// An inflated payload: the first `len` bytes of `buf`, a buffer that goes
/// back to its thread's [`POOL`] when dropped.
struct Pooled {
    buf: Vec<u8>,
    len: usize,
}

impl AsRef<[u8]> for Pooled {
    fn as_ref(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

impl Drop for Pooled {
    fn drop(&mut self) {
        if self.buf.len() <= POOLED_MAX {
            let buf = std::mem::take(&mut self.buf);
            // Gone when the thread is exiting: the buffer is freed instead.
            let _ = POOL.try_with(|pool| pool.set(Some(buf)));
        }
    }
}

/// Gunzip `data` (the first gzip member), refusing to produce more than
/// `limit` bytes.
///
/// A frame's payload is one whole gzip member, and its trailer says how large
/// it inflates (ISIZE, the last four bytes). When that size is within `limit`
/// (and within deflate's 1032:1 ratio of the input), the member is inflated in
/// one call by libdeflate into a buffer of exactly that size, which is about
/// twice as fast as streaming (`inflate_only` vs `inflate_streaming` in
/// `benches/decode.rs`). libdeflate checks the CRC-32 and the length; it cannot
/// write past the buffer, so a lying ISIZE cannot get past `limit`. Anything
/// else (a larger ISIZE, damaged data, junk after the member) goes through
/// [`inflate_streaming`], which gives the precise error and enforces `limit`
/// as it goes. The header (with its optional CRC-16, which libdeflate skips)
/// is always checked here first.
///
/// # Errors
/// [`FrameError::Gzip`] for a bad header, stream or trailer,
/// [`FrameError::TooLarge`] past `limit`.
pub fn inflate(data: &[u8], limit: usize) -> Result<Vec<u8>, FrameError> {
    gzip_body(data)?;
    match inflate_whole(data, limit) {
        Some(out) => Ok(out),
        None => inflate_streaming(data, limit),
    }
}

/// Deflate cannot expand its input more than 1032 times (RFC 1951: a 258-byte
/// match takes at least two bits).
const MAX_DEFLATE_RATIO: usize = 1032;

/// The one-call path of [`inflate`]: `None` when it does not apply or fails.
fn inflate_whole(data: &[u8], limit: usize) -> Option<Vec<u8>> {
    let mut out = vec![0u8; whole_size(data, limit)?];
    let n = inflate_into(data, &mut out)?;
    // Shorter only when junk after the member made the last four bytes lie.
    out.truncate(n);
    Some(out)
}

/// The size the one-call path inflates `data` to: its trailer's ISIZE, when
/// within `limit` and deflate's ratio of the input; `None` otherwise.
fn whole_size(data: &[u8], limit: usize) -> Option<usize> {
    let isize_bytes = data.last_chunk::<4>()?;
    let size = u32::from_le_bytes(*isize_bytes) as usize;
    (size <= limit && size <= data.len().saturating_mul(MAX_DEFLATE_RATIO)).then_some(size)
}

/// Inflate the gzip member `data` in one call with libdeflate into `out`
/// (which it cannot write past); the number of bytes written, `None` when
/// libdeflate refuses it (damaged, or larger than `out`).
fn inflate_into(data: &[u8], out: &mut [u8]) -> Option<usize> {
    thread_local! {
        static DECOMPRESSOR: std::cell::RefCell<Option<libdeflater::Decompressor>> =
            const { std::cell::RefCell::new(None) };
    }
    DECOMPRESSOR
        .with_borrow_mut(|slot| {
            slot.get_or_insert_with(libdeflater::Decompressor::new)
                .gzip_decompress(data, out)
        })
        .ok()
}

/// Gunzip `data` (the first gzip member) by streaming it through zlib-rs,
/// refusing to produce more than `limit` bytes: the general path of
/// [`inflate`], for payloads whose trailer cannot be trusted.
///
/// The gzip header and trailer are read here and only the deflate stream in
/// between goes to zlib, through a raw inflater kept per thread: creating one
/// per frame (as `flate2::read::GzDecoder` does) allocates and zeroes about
/// 64 KiB of state, window and buffer for every ~10 KiB frame, which cost more
/// than a tenth of the inflate time. The CRC-32 and length in the trailer are
/// checked.
///
/// # Errors
/// As [`inflate`].
pub fn inflate_streaming(data: &[u8], limit: usize) -> Result<Vec<u8>, FrameError> {
    thread_local! {
        static INFLATER: std::cell::RefCell<Option<flate2::Decompress>> =
            const { std::cell::RefCell::new(None) };
    }
    let body = gzip_body(data)?;
    let (out, consumed) = INFLATER.with_borrow_mut(|slot| {
        let raw = slot.get_or_insert_with(|| flate2::Decompress::new(false));
        raw.reset(false);
        inflate_raw(raw, body, limit)
    })?;
    let trailer = body
        .get(consumed..consumed + 8)
        .ok_or_else(|| gzip_error("truncated gzip trailer"))?;
    let crc = u32::from_le_bytes([trailer[0], trailer[1], trailer[2], trailer[3]]);
    let size = u32::from_le_bytes([trailer[4], trailer[5], trailer[6], trailer[7]]);
    let mut actual = flate2::Crc::new();
    actual.update(&out);
    if actual.sum() != crc {
        return Err(gzip_error("corrupt gzip stream: CRC-32 mismatch"));
    }
    if size != out.len() as u32 {
        return Err(gzip_error("corrupt gzip stream: length mismatch"));
    }
    Ok(out)
}

fn gzip_error(what: &str) -> FrameError {
    FrameError::Gzip(what.to_string())
}

/// Check the gzip header (RFC 1952 §2.3) and return what follows it.
fn gzip_body(data: &[u8]) -> Result<&[u8], FrameError> {
    const FHCRC: u8 = 0x02;
    const FEXTRA: u8 = 0x04;
    const FNAME: u8 = 0x08;
    const FCOMMENT: u8 = 0x10;
    const RESERVED: u8 = 0xe0;
    let truncated = || gzip_error("truncated gzip header");
    if data.len() < 10 {
        return Err(truncated());
    }
    if data[..2] != GZIP_MAGIC[..2] {
        return Err(gzip_error("invalid gzip header"));
    }
    if data[2] != GZIP_MAGIC[2] {
        return Err(gzip_error("unsupported gzip compression method"));
    }
    let flags = data[3];
    if flags & RESERVED != 0 {
        return Err(gzip_error("invalid gzip header flags"));
    }
    let mut pos = 10;
    if flags & FEXTRA != 0 {
        let len = data.get(pos..pos + 2).ok_or_else(truncated)?;
        pos += 2 + usize::from(u16::from_le_bytes([len[0], len[1]]));
    }
    for flag in [FNAME, FCOMMENT] {
        if flags & flag != 0 {
            let rest = data.get(pos..).ok_or_else(truncated)?;
            pos += rest.iter().position(|b| *b == 0).ok_or_else(truncated)? + 1;
        }
    }
    if flags & FHCRC != 0 {
        let stored = data.get(pos..pos + 2).ok_or_else(truncated)?;
        let mut crc = flate2::Crc::new();
        crc.update(&data[..pos]);
        if crc.sum() as u16 != u16::from_le_bytes([stored[0], stored[1]]) {
            return Err(gzip_error("corrupt gzip header: CRC-16 mismatch"));
        }
        pos += 2;
    }
    data.get(pos..).ok_or_else(truncated)
}

/// Inflate the raw deflate stream at the start of `input`; returns the output
/// and how many input bytes the stream took.
fn inflate_raw(
    raw: &mut flate2::Decompress,
    input: &[u8],
    limit: usize,
) -> Result<(Vec<u8>, usize), FrameError> {
    // Real frames inflate to 2-4 times their compressed size. The output may
    // reach one byte past the limit: that byte is how a bomb is recognised.
    let cap_max = limit.saturating_add(1);
    let mut out = Vec::with_capacity(input.len().saturating_mul(4).max(64).min(cap_max));
    loop {
        let consumed = raw.total_in() as usize;
        let produced = out.len();
        let status = raw
            .decompress_vec(&input[consumed..], &mut out, flate2::FlushDecompress::None)
            .map_err(|e| FrameError::Gzip(format!("corrupt deflate stream ({e})")))?;
        if out.len() > limit {
            return Err(FrameError::TooLarge { limit });
        }
        match status {
            flate2::Status::StreamEnd => return Ok((out, raw.total_in() as usize)),
            _ if out.len() == out.capacity() => {
                // Full: grow, but never past one byte over the limit.
                out.reserve_exact(out.capacity().min(cap_max - out.len()));
            }
            _ if raw.total_in() as usize == consumed && out.len() == produced => {
                return Err(gzip_error("truncated gzip stream"));
            }
            _ => {}
        }
    }
}

/// Gzip `data` (used by the demo stream and the test encoders).
pub fn deflate_gzip(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    // Writing into a Vec cannot fail.
    enc.write_all(data).expect("gzip into memory");
    enc.finish().expect("gzip into memory")
}

/// Encode a server-style push frame carrying `payload` (for tests, the demo and
/// the fake server). `gzip` compresses the payload and sets the header.
pub fn encode_msg_frame(seq_id: i64, log_id: u64, payload: &[u8], gzip: bool) -> Vec<u8> {
    let (payload, compress) = if gzip {
        (deflate_gzip(payload), "gzip")
    } else {
        (payload.to_vec(), "none")
    };
    PushFrame {
        seq_id,
        log_id,
        service: 0,
        method: 0,
        headers: vec![PushHeader {
            key: "compress_type".into(),
            value: compress.into(),
        }],
        payload_encoding: "pb".into(),
        payload_type: "msg".into(),
        payload: Bytes::from(payload),
    }
    .encode_to_vec()
}

fn client_frame(payload_type: &str, log_id: u64, payload: Vec<u8>) -> Vec<u8> {
    PushFrame {
        log_id,
        payload_encoding: "pb".into(),
        payload_type: payload_type.into(),
        payload: Bytes::from(payload),
        ..Default::default()
    }
    .encode_to_vec()
}

/// The ack for a frame whose fetch result had `need_ack`: a push frame with the
/// received `log_id`, type `ack`, and the result's `internal_ext` as payload
/// (`"-"` when it was empty, as the Python client does).
pub fn encode_ack(log_id: u64, internal_ext: &str) -> Vec<u8> {
    let ext = if internal_ext.is_empty() {
        "-"
    } else {
        internal_ext
    };
    client_frame("ack", log_id, ext.as_bytes().to_vec())
}

/// A heartbeat frame: type `hb` with a `HeartBeat{room_id, seq}` payload.
pub fn encode_heartbeat(room_id: i64, seq: i64) -> Vec<u8> {
    let hb = HeartBeat {
        room_id,
        send_packet_seq_id: seq,
    };
    client_frame("hb", 0, hb.encode_to_vec())
}

/// The `im_enter_room` frame sent right after the socket opens.
/// `enter_unique_id` should be a random positive 63-bit number chosen by the
/// caller (the core has no randomness).
pub fn encode_enter_room(room_id: i64, cursor: &str, enter_unique_id: i64) -> Vec<u8> {
    let msg = ImEnterRoom {
        room_id,
        room_tag: String::new(),
        live_region: String::new(),
        live_id: 12,
        identity: "audience".into(),
        cursor: cursor.into(),
        account_type: 0,
        enter_unique_id,
        filter_welcome_msg: "0".into(),
        is_anchor_continue_keep_msg: false,
    };
    client_frame("im_enter_room", 0, msg.encode_to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gzip_is_detected_by_header_or_magic() {
        let body = b"hello fetch result";
        let f = decode_frame(&encode_msg_frame(1, 2, body, true)).unwrap();
        assert!(f.was_gzip);
        assert_eq!(&f.payload[..], body);

        // Magic bytes without the header.
        let raw = PushFrame {
            payload_type: "msg".into(),
            payload: Bytes::from(deflate_gzip(body)),
            ..Default::default()
        }
        .encode_to_vec();
        let f = decode_frame(&raw).unwrap();
        assert!(f.was_gzip);
        assert_eq!(&f.payload[..], body);

        // Neither: passed through untouched.
        let f = decode_frame(&encode_msg_frame(1, 2, body, false)).unwrap();
        assert!(!f.was_gzip);
        assert_eq!(&f.payload[..], body);
    }

    /// Payloads inflated into the per-thread buffer stay intact while they
    /// are held, whatever is inflated after them (larger, smaller, empty),
    /// and the `Bytes` path reads what the slice path reads.
    #[test]
    fn pooled_payloads_stay_intact() {
        let bodies: Vec<Vec<u8>> = [5000usize, 100, 20_000, 0, 7, 3000]
            .iter()
            .enumerate()
            .map(|(i, n)| (0..*n).map(|j| (j * 31 + i) as u8).collect())
            .collect();
        let mut held = Vec::new();
        for (i, body) in bodies.iter().enumerate() {
            let raw = encode_msg_frame(i as i64, 1, body, true);
            let a = decode_frame(&raw).unwrap();
            let b = decode_frame_bytes(&Bytes::from(raw)).unwrap();
            assert_eq!(a, b);
            assert_eq!(&a.payload[..], &body[..]);
            if i % 2 == 0 {
                held.push((a, i));
            }
        }
        for (frame, i) in held {
            assert_eq!(&frame.payload[..], &bodies[i][..]);
        }
    }

    #[test]
    fn a_gzip_header_over_garbage_is_an_error() {
        let raw = PushFrame {
            headers: vec![PushHeader {
                key: "compress_type".into(),
                value: "gzip".into(),
            }],
            payload: Bytes::from_static(b"\x1f\x8b\x08garbage"),
            ..Default::default()
        }
        .encode_to_vec();
        assert!(matches!(decode_frame(&raw), Err(FrameError::Gzip(_))));
    }

    #[test]
    fn a_gzip_bomb_is_refused() {
        use std::io::Write;
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        enc.write_all(&vec![0u8; MAX_INFLATED + 1024]).unwrap();
        let bomb = enc.finish().unwrap();
        assert!(bomb.len() < 64 * 1024, "the bomb compresses well");
        let raw = PushFrame {
            payload: Bytes::from(bomb),
            ..Default::default()
        }
        .encode_to_vec();
        assert_eq!(
            decode_frame(&raw),
            Err(FrameError::TooLarge {
                limit: MAX_INFLATED
            })
        );
    }

    #[test]
    fn a_bomb_with_a_lying_size_is_refused() {
        use std::io::Write;
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        enc.write_all(&vec![0u8; 1 << 20]).unwrap();
        let mut bomb = enc.finish().unwrap();
        // The trailer claims 1 KiB, well within the cap: the one-call path
        // runs out of room and the streaming path enforces the cap.
        let n = bomb.len();
        bomb[n - 4..].copy_from_slice(&1024u32.to_le_bytes());
        assert_eq!(
            inflate(&bomb, 64 * 1024),
            Err(FrameError::TooLarge { limit: 64 * 1024 })
        );
        // Claiming more than deflate can produce skips the one-call path.
        bomb[n - 4..].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(
            inflate(&bomb, usize::MAX),
            Err(FrameError::Gzip(
                "corrupt gzip stream: length mismatch".into()
            ))
        );
    }

    #[test]
    fn both_inflate_paths_agree() {
        let body: Vec<u8> = (0..50_000u32).map(|i| (i * 7 % 13) as u8).collect();
        let gz = deflate_gzip(&body);
        assert_eq!(inflate(&gz, MAX_INFLATED).unwrap(), body);
        assert_eq!(inflate_streaming(&gz, MAX_INFLATED).unwrap(), body);
        assert_eq!(inflate_whole(&gz, MAX_INFLATED).as_deref(), Some(&body[..]));
        // Not within the limit: only the streaming path may answer.
        assert_eq!(inflate_whole(&gz, body.len() - 1), None);
    }

    /// What flate2's own reader makes of `data` (the reference).
    fn reference_gunzip(data: &[u8]) -> Option<Vec<u8>> {
        use std::io::Read;
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(data)
            .read_to_end(&mut out)
            .ok()
            .map(|_| out)
    }

    #[test]
    fn every_gzip_header_field_is_understood() {
        use std::io::Write;
        let body: Vec<u8> = (0..20_000u32)
            .flat_map(|i| (i % 251).to_le_bytes())
            .collect();
        let mut builders = vec![
            flate2::GzBuilder::new(),
            flate2::GzBuilder::new().filename("frame.pb"),
            flate2::GzBuilder::new().comment("from a test"),
            flate2::GzBuilder::new().extra(vec![1, 2, 3, 4, 5]),
            flate2::GzBuilder::new()
                .operating_system(3)
                .mtime(1_692_120_689),
        ];
        builders.push(
            flate2::GzBuilder::new()
                .filename("a")
                .comment("b")
                .extra(vec![9; 300]),
        );
        for (i, builder) in builders.into_iter().enumerate() {
            let mut enc = builder.write(Vec::new(), flate2::Compression::default());
            enc.write_all(&body).unwrap();
            let gz = enc.finish().unwrap();
            assert_eq!(inflate(&gz, MAX_INFLATED).unwrap(), body, "builder {i}");
            assert_eq!(reference_gunzip(&gz).unwrap(), body);
            // Every cut is an error, as it is for flate2's reader.
            for cut in [1, 5, 10, 11, gz.len() / 2, gz.len() - 8, gz.len() - 1] {
                assert!(
                    inflate(&gz[..cut], MAX_INFLATED).is_err(),
                    "builder {i} cut {cut}"
                );
            }
        }
    }

    #[test]
    fn a_header_crc_is_checked() {
        let body = b"payload";
        let mut gz = deflate_gzip(body);
        // Set FHCRC and insert the header's CRC-16 after the 10-byte header.
        gz[3] |= 0x02;
        let mut crc = flate2::Crc::new();
        crc.update(&gz[..10]);
        let crc16 = (crc.sum() as u16).to_le_bytes();
        let mut with_crc = gz[..10].to_vec();
        with_crc.extend_from_slice(&crc16);
        with_crc.extend_from_slice(&gz[10..]);
        assert_eq!(inflate(&with_crc, MAX_INFLATED).unwrap(), body);
        with_crc[10] ^= 1;
        assert!(inflate(&with_crc, MAX_INFLATED).is_err());
    }

    #[test]
    fn the_trailer_is_checked_and_what_follows_it_ignored() {
        let body = b"some fetch result bytes";
        let gz = deflate_gzip(body);
        let n = gz.len();
        let mut bad_len = gz.clone();
        bad_len[n - 1] ^= 1;
        assert_eq!(
            inflate(&bad_len, MAX_INFLATED),
            Err(FrameError::Gzip(
                "corrupt gzip stream: length mismatch".into()
            ))
        );
        let mut bad_crc = gz.clone();
        bad_crc[n - 5] ^= 1;
        assert_eq!(
            inflate(&bad_crc, MAX_INFLATED),
            Err(FrameError::Gzip(
                "corrupt gzip stream: CRC-32 mismatch".into()
            ))
        );
        // A second member (or junk) after the first is ignored, as flate2's
        // `GzDecoder` does.
        let mut two = gz.clone();
        two.extend_from_slice(&deflate_gzip(b"second"));
        assert_eq!(inflate(&two, MAX_INFLATED).unwrap(), body);
        assert_eq!(reference_gunzip(&two).unwrap(), body);
        // The per-thread inflater is reset between frames.
        for _ in 0..3 {
            assert_eq!(inflate(&gz, MAX_INFLATED).unwrap(), body);
            assert!(inflate(&gz[..n / 2], MAX_INFLATED).is_err());
        }
    }

    #[test]
    fn the_limit_is_exact() {
        let gz = deflate_gzip(&vec![7u8; 100_000]);
        assert_eq!(inflate(&gz, 100_000).unwrap().len(), 100_000);
        assert_eq!(
            inflate(&gz, 99_999),
            Err(FrameError::TooLarge { limit: 99_999 })
        );
        assert_eq!(inflate(&gz, 0), Err(FrameError::TooLarge { limit: 0 }));
        assert_eq!(inflate(&deflate_gzip(b""), 0).unwrap(), b"");
    }

    proptest::proptest! {
        /// Our gzip reader agrees with flate2's on arbitrary input, and on
        /// valid gzip with random damage.
        #[test]
        fn inflate_agrees_with_flate2(
            body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..4096),
            edits in proptest::collection::vec((proptest::prelude::any::<usize>(), proptest::prelude::any::<u8>()), 0..3),
            junk in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..64),
        ) {
            let mut gz = deflate_gzip(&body);
            let n = gz.len();
            for (pos, byte) in &edits {
                gz[pos % n] = *byte;
            }
            let ours = inflate(&gz, MAX_INFLATED).ok();
            let reference = reference_gunzip(&gz);
            if edits.is_empty() {
                proptest::prop_assert_eq!(ours.as_deref(), Some(&body[..]));
            }
            // Damage that flate2 accepts we accept with the same result; we may
            // be stricter (flate2 reads header fields it then ignores).
            if let Some(ours) = &ours {
                proptest::prop_assert_eq!(Some(ours), reference.as_ref());
            }
            proptest::prop_assert_eq!(inflate(&junk, MAX_INFLATED).ok(), reference_gunzip(&junk));
            proptest::prop_assert_eq!(inflate_streaming(&gz, MAX_INFLATED).ok(), ours);
        }
    }

    #[test]
    fn empty_and_truncated_frames_are_errors() {
        assert_eq!(decode_frame(&[]), Err(FrameError::Empty));
        let full = encode_msg_frame(1, 2, b"some payload bytes", false);
        assert!(matches!(
            decode_frame(&full[..full.len() - 3]),
            Err(FrameError::Protobuf(_))
        ));
    }

    #[test]
    fn ack_echoes_log_id_and_internal_ext() {
        let ack = PushFrame::decode(&encode_ack(5092463814493970448, "ext-1")[..]).unwrap();
        assert_eq!(ack.log_id, 5092463814493970448);
        assert_eq!(ack.payload_type, "ack");
        assert_eq!(ack.payload_encoding, "pb");
        assert_eq!(&ack.payload[..], b"ext-1");
        let ack = PushFrame::decode(&encode_ack(7, "")[..]).unwrap();
        assert_eq!(&ack.payload[..], b"-");
    }

    #[test]
    fn an_unknown_compress_type_is_named() {
        let frame = PushFrame {
            payload_type: "msg".into(),
            headers: vec![PushHeader {
                key: "compress_type".into(),
                value: "zstd".into(),
            }],
            payload: vec![1, 2, 3].into(),
            ..Default::default()
        };
        let err = decode_frame(&frame.encode_to_vec()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown compress_type 'zstd' (only gzip is understood)"
        );
    }

    #[test]
    fn heartbeat_bytes_are_exact() {
        // {6:"pb", 7:"hb", 8:{1:42, 2:3}}
        assert_eq!(
            encode_heartbeat(42, 3),
            vec![
                0x32, 0x02, b'p', b'b', 0x3a, 0x02, b'h', b'b', 0x42, 0x04, 0x08, 42, 0x10, 3
            ]
        );
    }

    #[test]
    fn enter_room_carries_room_and_identity() {
        let f = PushFrame::decode(&encode_enter_room(7267595214226705184, "c1", 99)[..]).unwrap();
        assert_eq!(f.payload_type, "im_enter_room");
        let m = ImEnterRoom::decode(&f.payload[..]).unwrap();
        assert_eq!(m.room_id, 7267595214226705184);
        assert_eq!(m.live_id, 12);
        assert_eq!(m.identity, "audience");
        assert_eq!(m.cursor, "c1");
        assert_eq!(m.enter_unique_id, 99);
        assert_eq!(m.filter_welcome_msg, "0");
    }
}
