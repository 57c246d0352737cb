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

use crate::webcast::{EventKind, digits};

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

/// The blocks a name's end is hashed in, on the stack: the prefix's last
/// partial block (< 64 bytes), the rest of the name (at most [`NAME_MAX`]
/// bytes) and 9 bytes of padding always fit in three.
const TAIL_BLOCKS: usize = 3;

/// The longest `<msgId>:<type>:<index>`: a msgId of 20 characters
/// (`i64::MIN`), a type part of [`KIND_PART`] bytes at most, an index of 10
/// digits.
const NAME_MAX: usize = 21 + KIND_PART + 10;

/// Room for `:<type>:` (the longest type name has 25 characters; a longer
/// one fails to compile in [`KIND_PARTS`]).
const KIND_PART: usize = 32;

/// `:<type>:` of every [`EventKind`], by its position in [`EventKind::ALL`]
/// (its discriminant), zero-padded to [`KIND_PART`] bytes, and its length:
/// copied as a whole into a name, a constant-size copy instead of a `memcpy`
/// call of the name's length.
const KIND_PARTS: [([u8; KIND_PART], usize); EventKind::ALL.len()] = {
    let mut parts = [([0u8; KIND_PART], 0); EventKind::ALL.len()];
    let mut i = 0;
    while i < parts.len() {
        let name = EventKind::ALL[i].name().as_bytes();
        let mut part = [0u8; KIND_PART];
        part[0] = b':';
        let mut j = 0;
        while j < name.len() {
            part[1 + j] = name[j];
            j += 1;
        }
        part[1 + name.len()] = b':';
        parts[i] = (part, name.len() + 2);
        i += 1;
    }
    parts
};

/// The message ids of one room: [`MessageIds::uuid`] gives the same value as
/// `Uuid::new_v5(&NAMESPACE, "<roomId>:<msgId>:<type>:<index>")`, computed
/// with the `sha1` crate's compression function (the CPU's SHA extensions
/// where it has them) over the name built on the stack: the constant part
/// `NAMESPACE || roomId || ":"` is laid out once per room (its whole 64-byte
/// blocks hashed once), and each id then takes one call for its two or three
/// blocks, with no hasher's buffering. Ids are made for every event, so the
/// rest of the name is written with copies of a constant size (digits in
/// place, the type from [`KIND_PARTS`]).
/// The unit tests check it against the `uuid` crate's v5.
#[derive(Debug, Clone)]
pub struct MessageIds {
    /// The state after the whole blocks of the prefix.
    state: [u32; 5],
    /// How many bytes those blocks hold.
    hashed: usize,
    /// The rest of the prefix (under 64 bytes), at the start of a block.
    rest: [u8; BLOCK],
    rest_len: usize,
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
        };
        ids.rest[..rest.len()].copy_from_slice(rest);
        ids
    }

    /// The id of the `index`-th event of type `kind` made from the message
    /// `msg_id`; `.hyphenated().encode_lower(&mut buf)` writes its text into
    /// a 36-byte buffer without allocating.
    pub fn uuid(&self, msg_id: i64, kind: EventKind, index: u32) -> Uuid {
        let bytes = uuid_bytes(&self.digest(msg_id, kind, index));
        Uuid::from_bytes(bytes)
    }

    /// The SHA-1 state after hashing `NAMESPACE || "<roomId>:<msgId>:<type>:<index>"`:
    /// the digest's five words.
    fn digest(&self, msg_id: i64, kind: EventKind, index: u32) -> [u32; 5] {
        // `<msgId>:<type>:<index>`, zero-padded: each part is written at the
        // end of the one before, its padding written over by the next.
        let mut name = [0u8; NAME_MAX + digits::U64_DIGITS];
        let mut len = digits::put_i64(first_mut(&mut name[..]), msg_id);
        let (part, part_len) = &KIND_PARTS[kind as usize];
        first_mut::<KIND_PART>(&mut name[len..]).copy_from_slice(part);
        len += part_len;
        len += digits::put_u64(first_mut(&mut name[len..]), u64::from(index));
        let mut buf = [[0u8; BLOCK]; TAIL_BLOCKS];
        let flat = buf.as_flattened_mut();
        // Whole arrays, zeros after their text included: a copy of a
        // constant size is a few moves, where their length took a call.
        flat[..BLOCK].copy_from_slice(&self.rest);
        first_mut::<{ NAME_MAX + digits::U64_DIGITS }>(&mut flat[self.rest_len..])
            .copy_from_slice(&name);
        let len = self.rest_len + len;
        // Padding: 0x80, zeros, and the message's length in bits (big-endian)
        // in the last 8 bytes of the last block.
        let blocks = (len + 9).div_ceil(BLOCK);
        flat[len] = 0x80;
        let bits = ((self.hashed + len) as u64) * 8;
        flat[blocks * BLOCK - 8..blocks * BLOCK].copy_from_slice(&bits.to_be_bytes());
        let mut state = self.state;
        sha1::block_api::compress(&mut state, &buf[..blocks]);
        state
    }
}

/// The first `N` bytes of `buf` as an array (`buf` is long enough by
/// construction: the buffers above are sized for the longest name).
fn first_mut<const N: usize>(buf: &mut [u8]) -> &mut [u8; N] {
    buf.first_chunk_mut::<N>()
        .expect("sized for the longest name")
}

/// The UUIDv5 bytes of a finished SHA-1 `state`: its first 16 bytes (the
/// state words are the digest, big-endian) with the version and variant set.
fn uuid_bytes(state: &[u32; 5]) -> uuid::Bytes {
    let mut bytes = [0u8; 16];
    for (to, word) in bytes.chunks_exact_mut(4).zip(state) {
        to.copy_from_slice(&word.to_be_bytes());
    }
    uuid::Builder::from_sha1_bytes(bytes)
        .into_uuid()
        .into_bytes()
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

    /// The type parts are the types' names, by discriminant.
    #[test]
    fn kind_parts_are_the_names() {
        for kind in EventKind::ALL {
            let (part, len) = &KIND_PARTS[*kind as usize];
            assert_eq!(&part[..*len], format!(":{}:", kind.name()).as_bytes());
            assert!(part[*len..].iter().all(|b| *b == 0));
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
