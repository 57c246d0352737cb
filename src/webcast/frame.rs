//! The push-frame layer: decoding the WebSocket binary messages TikTok sends,
//! inflating their payloads, and encoding the frames a client sends back
//! (ack, heartbeat, im_enter_room). Bytes in, bytes out; no I/O.

use std::io::Read;

use bytes::Bytes;
use prost::Message;

use super::error::FrameError;
use super::proto::{HeartBeat, ImEnterRoom, PushFrame, PushHeader};

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
    pub payload_type: String,
    pub payload_encoding: String,
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
    let frame = PushFrame::decode(bytes).map_err(FrameError::Protobuf)?;
    let header_gzip = frame
        .headers
        .iter()
        .any(|h| h.key == "compress_type" && h.value.eq_ignore_ascii_case("gzip"));
    let magic_gzip = frame.payload.starts_with(&GZIP_MAGIC);
    let was_gzip = header_gzip || magic_gzip;
    let payload = if was_gzip {
        Bytes::from(inflate(&frame.payload, MAX_INFLATED)?)
    } else {
        frame.payload
    };
    Ok(Frame {
        seq_id: frame.seq_id,
        log_id: frame.log_id,
        payload_type: frame.payload_type,
        payload_encoding: frame.payload_encoding,
        payload,
        was_gzip,
    })
}

/// Gunzip `data`, refusing to produce more than `limit` bytes.
pub fn inflate(data: &[u8], limit: usize) -> Result<Vec<u8>, FrameError> {
    let mut out = Vec::with_capacity((data.len() * 4).min(limit));
    let mut decoder = flate2::read::GzDecoder::new(data).take(limit as u64 + 1);
    decoder
        .read_to_end(&mut out)
        .map_err(|e| FrameError::Gzip(e.to_string()))?;
    if out.len() > limit {
        return Err(FrameError::TooLarge { limit });
    }
    Ok(out)
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
