//! Identifiers we make up: the one place that calls `Uuid::new_v4`
//! (`clippy.toml` forbids it elsewhere), and the ids derived from the data.
//!
//! Event ids: a message event's `id` is a UUIDv5 (RFC 9562, SHA-1 name-based)
//! in [`NAMESPACE`] over the name `"<roomId>:<msgId>:<type>:<index>"`, where
//! `<type>` is the event's type name (`chat`, `gift`, …) and `<index>` counts
//! the earlier events of the same type that the same message produced (0 for
//! the first; a message rarely gives more than one). The same TikTok message
//! therefore has the same `id` on any worker, after any reconnect and in any
//! replay of the same capture, so every consumer that keys on `id` (the
//! store, the webhook outbox, JetStream's `Nats-Msg-Id` de-duplication) drops
//! the copies an overlap produces. Events without a TikTok message id
//! (`connected`, `disconnected`, `error`, and messages whose `common.msgId`
//! is 0) get a random UUIDv4 from [`new_id`]. Confirmed by the unit tests
//! below and by `tests/nats.rs` (a capture published twice adds nothing).

use uuid::Uuid;

use crate::webcast::EventKind;

/// A fresh random event id: a UUID v4 in its hyphenated lowercase form
/// (`67e55044-10b1-426f-9247-bb680e5fe0c8`).
#[expect(clippy::disallowed_methods, reason = "the ids' owner")]
pub fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// The UUIDv5 namespace of tiklive event ids (a fixed value chosen once).
/// Never change it: every message event's id would change.
pub const NAMESPACE: Uuid = Uuid::from_u128(0x6b1f_2a3c_9d4e_5f60_8a7b_1c2d_3e4f_5a6b);

/// The deterministic id of the `index`-th event of type `kind` made from the
/// message `msg_id` of room `room_id`, as text (see [`message_uuid`]).
pub fn for_message(room_id: &str, msg_id: i64, kind: EventKind, index: u32) -> String {
    message_uuid(room_id, msg_id, kind, index).to_string()
}

/// The deterministic id of the `index`-th event of type `kind` made from the
/// message `msg_id` of room `room_id`; `.hyphenated().encode_lower(&mut buf)`
/// writes its text into a 36-byte buffer without allocating.
///
/// The same value as `Uuid::new_v5(&NAMESPACE, name)`, computed with the
/// `sha1` crate (which uses the CPU's SHA extensions where it has them) and
/// without building the name as a `String`: ids are made for every event, and
/// this was 2% of a replay's CPU time. A unit test checks both agree.
pub fn message_uuid(room_id: &str, msg_id: i64, kind: EventKind, index: u32) -> Uuid {
    use sha1::Digest;
    let mut msg = itoa::Buffer::new();
    let mut idx = itoa::Buffer::new();
    let digest = sha1::Sha1::new()
        .chain_update(NAMESPACE.as_bytes())
        .chain_update(room_id.as_bytes())
        .chain_update(b":")
        .chain_update(msg.format(msg_id).as_bytes())
        .chain_update(b":")
        .chain_update(kind.name().as_bytes())
        .chain_update(b":")
        .chain_update(idx.format(index).as_bytes())
        .finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_sha1_bytes(bytes).into_uuid()
}

/// Numbers the events of one decoded batch: consecutive events of the same
/// message and type get indexes 0, 1, 2, …
#[derive(Debug, Default)]
pub struct Indexer {
    last: Option<(i64, EventKind, u32)>,
}

impl Indexer {
    /// The index of the next event from `msg_id` with type `kind`.
    pub fn next(&mut self, msg_id: i64, kind: EventKind) -> u32 {
        let index = match self.last {
            Some((m, k, i)) if m == msg_id && k == kind => i + 1,
            _ => 0,
        };
        self.last = Some((msg_id, kind, index));
        index
    }

    /// Start a new batch.
    pub fn reset(&mut self) {
        self.last = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_uuid_crates_v5() {
        for (room, msg, kind, index) in [
            ("7300", 42, EventKind::Chat, 0),
            ("", -1, EventKind::Gift, 3),
            ("7412345678901234567", i64::MAX, EventKind::RoomUpdate, 12),
        ] {
            let name = format!("{room}:{msg}:{}:{index}", kind.name());
            let want = Uuid::new_v5(&NAMESPACE, name.as_bytes()).to_string();
            assert_eq!(for_message(room, msg, kind, index), want);
        }
    }

    #[test]
    fn same_message_same_id() {
        let a = for_message("7300", 42, EventKind::Chat, 0);
        assert_eq!(a, for_message("7300", 42, EventKind::Chat, 0));
        let parsed = Uuid::parse_str(&a).unwrap();
        assert_eq!(parsed.get_version_num(), 5);
        for other in [
            for_message("7301", 42, EventKind::Chat, 0),
            for_message("7300", 43, EventKind::Chat, 0),
            for_message("7300", 42, EventKind::Gift, 0),
            for_message("7300", 42, EventKind::Chat, 1),
        ] {
            assert_ne!(a, other);
        }
    }

    #[test]
    fn indexes_count_repeats_of_one_message() {
        let mut ix = Indexer::default();
        assert_eq!(ix.next(1, EventKind::Chat), 0);
        assert_eq!(ix.next(1, EventKind::Chat), 1);
        assert_eq!(ix.next(1, EventKind::Gift), 0);
        assert_eq!(ix.next(2, EventKind::Gift), 0);
        ix.reset();
        assert_eq!(ix.next(2, EventKind::Gift), 0);
    }

    #[test]
    fn random_ids_differ() {
        assert_ne!(new_id(), new_id());
    }
}
