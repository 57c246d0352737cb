//! Whole-message JSON through prost-reflect: any schema message rendered with
//! the protobuf JSON mapping (camelCase names, 64-bit integers as strings,
//! default values left out). Used for the spec's generic events
//! (`rankData`, `pollData`, …) and for `decodedData`.

use std::sync::OnceLock;

use prost_reflect::DescriptorPool;
use serde_json::Value;

use super::lenient::{Mismatch, decode_dynamic};
use super::whole::Whole;

static DESCRIPTOR_SET: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/webcast_descriptor.bin"));

/// The schema of `proto/*.proto` as a descriptor pool, built once.
pub(crate) fn pool() -> &'static DescriptorPool {
    static POOL: OnceLock<DescriptorPool> = OnceLock::new();
    POOL.get_or_init(|| {
        DescriptorPool::decode(DESCRIPTOR_SET)
            .expect("the descriptor set built by build.rs is valid")
    })
}

/// Decode `payload` as schema message `name` (without package) into JSON.
/// Fields whose wire type does not match the schema are skipped and appended
/// to `mismatches` ([`lenient`](super::lenient)). Errors: no such schema
/// message, or the payload's framing is broken.
pub fn message_json(
    name: &str,
    payload: &[u8],
    mismatches: &mut Vec<Mismatch>,
) -> Result<Value, String> {
    decode_whole(name, payload, mismatches).map(Whole::into_value)
}

/// Decode `payload` as schema message `name` (without package), to be
/// serialised later straight from the decoded message ([`Whole`]). Same
/// leniency and errors as [`message_json`].
pub fn decode_whole(
    name: &str,
    payload: &[u8],
    mismatches: &mut Vec<Mismatch>,
) -> Result<Whole, String> {
    let full = format!("tiklive.webcast.{name}");
    let desc = pool()
        .get_message_by_name(&full)
        .ok_or_else(|| format!("no schema message {full}"))?;
    decode_dynamic(&desc, payload, mismatches).map(Whole::Message)
}

#[cfg(test)]
mod tests {
    use prost::Message;

    use super::super::proto::{Common, ImDeleteMessage};
    use super::*;

    #[test]
    fn sixty_four_bit_numbers_become_strings() {
        let m = ImDeleteMessage {
            common: Some(Common {
                msg_id: 7267603013186423585,
                ..Default::default()
            }),
            delete_msg_ids: vec![1, 7267603013186423586],
            delete_user_ids: vec![],
        };
        let v = message_json("ImDeleteMessage", &m.encode_to_vec(), &mut Vec::new()).unwrap();
        assert_eq!(v["common"]["msgId"], "7267603013186423585");
        assert_eq!(v["deleteMsgIds"][1], "7267603013186423586");
        assert!(v.get("deleteUserIds").is_none());
    }
}
