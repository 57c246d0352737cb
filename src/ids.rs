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
/// message `msg_id` of room `room_id` (see [`MessageIds`], which a stream
/// keeps to make many of them).
pub fn message_uuid(room_id: &str, msg_id: i64, kind: EventKind, index: u32) -> Uuid {
    MessageIds::new(room_id).uuid(msg_id, kind, index)
}

/// SHA-1's initial state (FIPS 180-4, 5.3.1).
const SHA1_INIT: [u32; 5] = [
    0x6745_2301,
    0xEFCD_AB89,
    0x98BA_DCFE,
    0x1032_5476,
    0xC3D2_E1F0,
];

/// The SHA-1 block size in bytes.
const BLOCK: usize = 64;

/// The most blocks a name's end is hashed in on the stack: the prefix's
/// last partial block (< 64 bytes) + a msgId (≤ 20) + the longest type name
/// + an index (≤ 10) + 3 colons + 9 bytes of padding fit in three.
const TAIL_BLOCKS: usize = 3;

/// The message ids of one room: [`MessageIds::uuid`] gives the same value as
/// `Uuid::new_v5(&NAMESPACE, "<roomId>:<msgId>:<type>:<index>")`, computed
/// with the `sha1` crate's compression function (the CPU's SHA extensions
/// where it has them) over the name built on the stack: the constant part
/// `NAMESPACE || roomId || ":"` is laid out once per room (its whole 64-byte
/// blocks hashed once), and each id then takes one call for its two or three
/// blocks, with no hasher's buffering. Ids are made for every event. The
/// unit tests check it against the `uuid` crate's v5.
#[derive(Debug, Clone)]
pub struct MessageIds {
    /// The state after the whole blocks of the prefix.
    state: [u32; 5],
    /// How many bytes those blocks hold.
    hashed: usize,
    /// The rest of the prefix (under 64 bytes), at the start of a block.
    rest: [u8; BLOCK],
    rest_len: usize,
    /// For names too long for the stack (see [`MessageIds::uuid_slow`]).
    room_id: Box<str>,
}

impl MessageIds {
    /// The ids of room `room_id` (any text, even empty).
    pub fn new(room_id: &str) -> MessageIds {
        let mut prefix = Vec::with_capacity(NAMESPACE.as_bytes().len() + room_id.len() + 1);
        prefix.extend_from_slice(NAMESPACE.as_bytes());
        prefix.extend_from_slice(room_id.as_bytes());
        prefix.push(b':');
        let (blocks, rest) = prefix.as_chunks::<BLOCK>();
        let mut state = SHA1_INIT;
        sha1::block_api::compress(&mut state, blocks);
        let mut ids = MessageIds {
            state,
            hashed: blocks.len() * BLOCK,
            rest: [0; BLOCK],
            rest_len: rest.len(),
            room_id: room_id.into(),
        };
        ids.rest[..rest.len()].copy_from_slice(rest);
        ids
    }

    /// The id of the `index`-th event of type `kind` made from the message
    /// `msg_id`; `.hyphenated().encode_lower(&mut buf)` writes its text into
    /// a 36-byte buffer without allocating.
    pub fn uuid(&self, msg_id: i64, kind: EventKind, index: u32) -> Uuid {
        let mut msg = itoa::Buffer::new();
        let mut idx = itoa::Buffer::new();
        let parts: [&[u8]; 5] = [
            msg.format(msg_id).as_bytes(),
            b":",
            kind.name().as_bytes(),
            b":",
            idx.format(index).as_bytes(),
        ];
        let mut buf = [[0u8; BLOCK]; TAIL_BLOCKS];
        let flat = buf.as_flattened_mut();
        // The whole block, zeros after the prefix included: a copy of a
        // constant size is a few moves, where `rest_len` bytes took a call.
        flat[..BLOCK].copy_from_slice(&self.rest);
        let mut len = self.rest_len;
        for part in parts {
            let Some(to) = flat.get_mut(len..len + part.len()) else {
                return self.uuid_slow(&parts);
            };
            to.copy_from_slice(part);
            len += part.len();
        }
        // Padding: 0x80, zeros, and the message's length in bits (big-endian)
        // in the last 8 bytes of the last block.
        let blocks = (len + 9).div_ceil(BLOCK);
        if blocks > TAIL_BLOCKS {
            return self.uuid_slow(&parts);
        }
        flat[len] = 0x80;
        let bits = ((self.hashed + len) as u64) * 8;
        flat[blocks * BLOCK - 8..blocks * BLOCK].copy_from_slice(&bits.to_be_bytes());
        let mut state = self.state;
        sha1::block_api::compress(&mut state, &buf[..blocks]);
        from_state(&state)
    }

    /// [`MessageIds::uuid`] for a name too long for the stack buffer (a
    /// room id of dozens of characters): the `sha1` crate's hasher.
    #[cold]
    fn uuid_slow(&self, parts: &[&[u8]]) -> Uuid {
        use sha1::Digest;
        let mut hasher = sha1::Sha1::new();
        hasher.update(NAMESPACE.as_bytes());
        hasher.update(self.room_id.as_bytes());
        hasher.update(b":");
        for part in parts {
            hasher.update(part);
        }
        let digest = hasher.finalize();
        let mut bytes = [0u8; 16];
        bytes.copy_from_slice(&digest[..16]);
        uuid::Builder::from_sha1_bytes(bytes).into_uuid()
    }
}

/// The UUIDv5 of a finished SHA-1 `state`: its first 16 bytes (the state
/// words are the digest, big-endian) with the version and variant set.
fn from_state(state: &[u32; 5]) -> Uuid {
    let mut bytes = [0u8; 16];
    for (to, word) in bytes.chunks_exact_mut(4).zip(state) {
        to.copy_from_slice(&word.to_be_bytes());
    }
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

    /// Every kind, and room ids from empty to long enough that the prefix
    /// spans whole blocks and names take the slow path.
    #[test]
    fn message_ids_match_the_uuid_crates_v5_at_every_length() {
        for room_len in 0..=140 {
            let room: String = (0..room_len)
                .map(|i| char::from(b'0' + (i % 10) as u8))
                .collect();
            let ids = MessageIds::new(&room);
            for (i, kind) in EventKind::ALL.iter().enumerate() {
                let msg = [0, 7, -1, i64::MIN, i64::MAX][i % 5];
                let index = [0, 9, 10, u32::MAX][i % 4];
                let name = format!("{room}:{msg}:{}:{index}", kind.name());
                let want = Uuid::new_v5(&NAMESPACE, name.as_bytes());
                assert_eq!(ids.uuid(msg, *kind, index), want, "{name}");
            }
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
