//! Lenient decoding: a field whose wire type does not match the schema is
//! skipped the way an unknown field is, and the rest of the message decodes.
//!
//! TikTok changes the wire type of cosmetic nested fields every few months (a
//! badge's scene type sent as text, `User.verified` sent as a message). Strict
//! protobuf decoding (prost, prost-reflect) rejects the whole message for that;
//! Google's runtimes and the Node library TikTok-Live-Connector 2.5.0 keep it
//! (shared/reference/protocol.md, "Late-2026 update", row "decoding").
//!
//! How: every decode path first tries the strict decoder, which costs nothing
//! extra on well-formed payloads. Only when that fails is the payload walked
//! against the schema's descriptor ([`repair`]), mismatched fields (and text
//! fields holding invalid UTF-8, and message fields whose bytes are not a
//! message) are dropped, and the rebuilt payload is decoded again. A payload
//! whose framing is broken (truncated, garbage) stays an error.
//!
//! Tested by `tests/corrupt.rs` (a nested field of each high-volume message
//! flipped between varint, length-delimited, fixed32 and fixed64, and a
//! property test over every real payload) and `tests/real_data.rs`
//! (`schema-drift.capture`).

use bytes::Bytes;
use prost::{Message, Name};
use prost_reflect::{DynamicMessage, Kind, MessageDescriptor};

use super::reflect::pool;

/// One field skipped because its wire type did not match the schema.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Mismatch {
    /// Dotted schema path from the top message, e.g. `user.badge_list.scene_type`.
    pub path: String,
    /// The field number where it was found, e.g. `12`.
    pub number: u32,
    /// What arrived: `varint`, `fixed64`, `length-delimited`, `group`, `fixed32`,
    /// or `invalid UTF-8` / `not a message` for a length-delimited field whose
    /// bytes cannot be what the schema says.
    pub found: &'static str,
    /// What the schema declares, e.g. `bool`, `string`, `message User`.
    pub expected: String,
}

/// Decode `payload` as `M` (a prost type with a schema descriptor), skipping
/// fields whose wire type does not match. Skipped fields are appended to
/// `mismatches`. Errors: the payload's framing is broken (the strict decoder's
/// message).
///
/// Decoding from `Bytes` lets `bytes` fields (the lean schema's text) be
/// slices of `payload` rather than copies.
pub fn decode<M: Message + Default + Name>(
    payload: &Bytes,
    mismatches: &mut Vec<Mismatch>,
) -> Result<M, String> {
    match M::decode(payload.clone()) {
        Ok(m) => Ok(m),
        Err(strict) => {
            let desc = descriptor(&M::full_name())?;
            let fixed = repair(&desc, payload, mismatches).map_err(|_| strict.to_string())?;
            M::decode(Bytes::from(fixed)).map_err(|e| e.to_string())
        }
    }
}

/// The same for a reflection decode of schema message `desc`.
pub fn decode_dynamic(
    desc: &MessageDescriptor,
    payload: &[u8],
    mismatches: &mut Vec<Mismatch>,
) -> Result<DynamicMessage, String> {
    match DynamicMessage::decode(desc.clone(), payload) {
        Ok(m) => Ok(m),
        Err(strict) => {
            let fixed = repair(desc, payload, mismatches).map_err(|_| strict.to_string())?;
            DynamicMessage::decode(desc.clone(), fixed.as_slice()).map_err(|e| e.to_string())
        }
    }
}

fn descriptor(full_name: &str) -> Result<MessageDescriptor, String> {
    pool()
        .get_message_by_name(full_name)
        .ok_or_else(|| format!("no schema message {full_name}"))
}

/// The payload's framing is broken: a truncated varint or length, a length
/// past the end, an unknown wire type or an unbalanced group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Broken;

/// Nesting deeper than this is treated as broken (prost's own limit is 100).
const MAX_DEPTH: usize = 100;

const VARINT: u8 = 0;
const FIXED64: u8 = 1;
const LEN: u8 = 2;
const START_GROUP: u8 = 3;
const END_GROUP: u8 = 4;
const FIXED32: u8 = 5;

fn wire_name(wire: u8) -> &'static str {
    match wire {
        VARINT => "varint",
        FIXED64 => "fixed64",
        LEN => "length-delimited",
        START_GROUP => "group",
        _ => "fixed32",
    }
}

/// Rebuild `payload` without the fields that do not match `desc`, recursing
/// into nested messages. Unknown fields are kept as they are.
pub fn repair(
    desc: &MessageDescriptor,
    payload: &[u8],
    mismatches: &mut Vec<Mismatch>,
) -> Result<Vec<u8>, Broken> {
    let mut out = Vec::with_capacity(payload.len());
    repair_into(desc, payload, "", 0, &mut out, mismatches)?;
    Ok(out)
}

fn repair_into(
    desc: &MessageDescriptor,
    mut buf: &[u8],
    prefix: &str,
    depth: usize,
    out: &mut Vec<u8>,
    mismatches: &mut Vec<Mismatch>,
) -> Result<(), Broken> {
    if depth > MAX_DEPTH {
        return Err(Broken);
    }
    while !buf.is_empty() {
        let start = buf;
        let key = read_varint(&mut buf)?;
        let key_len = start.len() - buf.len();
        let number = u32::try_from(key >> 3).map_err(|_| Broken)?;
        let wire = (key & 7) as u8;
        if number == 0 {
            return Err(Broken);
        }
        let value = skip_value(&mut buf, wire, number)?;
        let whole = &start[..start.len() - buf.len()];
        let Some(field) = desc.get_field(number) else {
            out.extend_from_slice(whole);
            continue;
        };
        let kind = field.kind();
        let expected = wire_of(&kind);
        let packed = wire == LEN && field.is_list() && expected != LEN;
        let path = || {
            if prefix.is_empty() {
                field.name().to_string()
            } else {
                format!("{prefix}.{}", field.name())
            }
        };
        let mismatch = |found: &'static str| Mismatch {
            path: path(),
            number,
            found,
            expected: kind_name(&kind),
        };
        if wire != expected && !packed {
            mismatches.push(mismatch(wire_name(wire)));
            continue;
        }
        if packed && !packed_ok(value, expected) {
            mismatches.push(mismatch("not a packed list"));
            continue;
        }
        match &kind {
            Kind::String if std::str::from_utf8(value).is_err() => {
                mismatches.push(mismatch("invalid UTF-8"));
            }
            Kind::Message(inner) => {
                let mut nested = Vec::with_capacity(value.len());
                let mut found = Vec::new();
                if repair_into(inner, value, &path(), depth + 1, &mut nested, &mut found).is_err() {
                    mismatches.push(mismatch("not a message"));
                    continue;
                }
                mismatches.append(&mut found);
                out.extend_from_slice(&whole[..key_len]);
                write_varint(out, nested.len() as u64);
                out.extend_from_slice(&nested);
            }
            _ => out.extend_from_slice(whole),
        }
    }
    Ok(())
}

fn wire_of(kind: &Kind) -> u8 {
    match kind {
        Kind::Double | Kind::Fixed64 | Kind::Sfixed64 => FIXED64,
        Kind::Float | Kind::Fixed32 | Kind::Sfixed32 => FIXED32,
        Kind::String | Kind::Bytes | Kind::Message(_) => LEN,
        _ => VARINT,
    }
}

/// A packed repeated field's bytes hold whole values of the element type.
fn packed_ok(mut value: &[u8], wire: u8) -> bool {
    match wire {
        FIXED32 => value.len().is_multiple_of(4),
        FIXED64 => value.len().is_multiple_of(8),
        _ => {
            while !value.is_empty() {
                if read_varint(&mut value).is_err() {
                    return false;
                }
            }
            true
        }
    }
}

fn kind_name(kind: &Kind) -> String {
    match kind {
        Kind::Message(m) => format!("message {}", m.name()),
        Kind::Enum(e) => format!("enum {}", e.name()),
        other => format!("{other:?}").to_ascii_lowercase(),
    }
}

/// Skip one value of `wire` type; returns the value's bytes (for
/// length-delimited values, without the length prefix).
fn skip_value<'a>(buf: &mut &'a [u8], wire: u8, number: u32) -> Result<&'a [u8], Broken> {
    let start = *buf;
    match wire {
        VARINT => {
            read_varint(buf)?;
        }
        FIXED64 => take(buf, 8)?,
        FIXED32 => take(buf, 4)?,
        LEN => {
            let len = usize::try_from(read_varint(buf)?).map_err(|_| Broken)?;
            let value = buf.get(..len).ok_or(Broken)?;
            *buf = &buf[len..];
            return Ok(value);
        }
        START_GROUP => loop {
            let key = read_varint(buf)?;
            let (inner, inner_wire) = ((key >> 3) as u32, (key & 7) as u8);
            if inner_wire == END_GROUP {
                if inner != number {
                    return Err(Broken);
                }
                break;
            }
            skip_value(buf, inner_wire, inner)?;
        },
        _ => return Err(Broken),
    }
    Ok(&start[..start.len() - buf.len()])
}

fn take(buf: &mut &[u8], n: usize) -> Result<(), Broken> {
    if buf.len() < n {
        return Err(Broken);
    }
    *buf = &buf[n..];
    Ok(())
}

fn read_varint(buf: &mut &[u8]) -> Result<u64, Broken> {
    let mut value = 0u64;
    for i in 0..10 {
        let (&b, rest) = buf.split_first().ok_or(Broken)?;
        *buf = rest;
        value |= u64::from(b & 0x7f) << (7 * i);
        if b < 0x80 {
            return Ok(value);
        }
    }
    Err(Broken)
}

fn write_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

#[cfg(test)]
mod tests {
    use super::super::proto::{Common, ImDeleteMessage};
    use super::*;

    #[test]
    fn a_mismatched_field_is_skipped_and_the_rest_decodes() {
        let good = ImDeleteMessage {
            common: Some(Common {
                msg_id: 42,
                ..Default::default()
            }),
            delete_msg_ids: vec![7],
            delete_user_ids: vec![],
        }
        .encode_to_vec();
        // Append field 1 (common) again, as a varint: strict decoding fails.
        let mut drifted = good.clone();
        drifted.extend_from_slice(&[0x08, 0x01]);
        assert!(ImDeleteMessage::decode(drifted.as_slice()).is_err());
        let mut found = Vec::new();
        let m: ImDeleteMessage = decode(&Bytes::from(drifted.clone()), &mut found).unwrap();
        assert_eq!(m.common.unwrap().msg_id, 42);
        assert_eq!(m.delete_msg_ids, vec![7]);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].path, "common");
        assert_eq!(found[0].found, "varint");
        assert_eq!(found[0].expected, "message Common");
    }

    #[test]
    fn broken_framing_stays_an_error() {
        let mut found = Vec::new();
        assert!(
            decode::<ImDeleteMessage>(&Bytes::from_static(&[0x0a, 0x05, 0x01]), &mut found)
                .is_err()
        );
        assert!(decode::<ImDeleteMessage>(&Bytes::from_static(&[0xff; 12]), &mut found).is_err());
    }
}
