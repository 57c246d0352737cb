//! The leaderboard of a `roomUpdate` (`topViewers`), written as JSON with a
//! memo of each viewer's fields.
//!
//! TikTok resends the whole leaderboard, users and all, in every
//! `WebcastRoomUserSeqMessage` (one every few seconds per stream), and the
//! users barely change between two of them: in the recorded sessions of
//! `shared/data/real/tiktoklivejava/events-collector`, 84% of the viewers
//! (1,953 of 2,330; distinct messages, per stream, in capture order) came
//! byte for byte as in the stream's previous leaderboard. Reading a viewer
//! and writing its four fields was about 7% of a replay's instructions; the
//! memo maps the viewer's `User` encoding to the JSON of its fields, so a
//! viewer seen before costs a hash and a copy.
//!
//! The memo is per thread (the decoding of a frame may run on any worker
//! thread) and bounded: [`CAPACITY`] viewers. The output is a function of
//! the bytes alone, memo or not (`memo_changes_nothing` below). The board is
//! written straight into the event's text (`RoomUpdateFields::write_with` in
//! `data.rs`), not into a buffer of its own first.

use std::cell::RefCell;
use std::hash::{BuildHasher, Hasher};

use hashbrown::HashTable;

use super::json;
use super::user::UserRef;
use super::wire::{Contributor, RefUser, Refused};

/// At most this many viewers are remembered per thread (about 1 KB each:
/// the `User` encoding and the JSON, in buffers of [`BUF_START`] bytes or
/// more). When full, the half touched least recently is dropped. Room for the
/// leaderboards (16 viewers) of 16 streams decoded on one thread.
pub const CAPACITY: usize = 256;

/// The room each buffer of a viewer starts with (bytes): a viewer's encoding
/// is 300-400 bytes, its JSON 250-350 (100 for a viewer shown by id only),
/// so that reused buffers seldom grow.
const BUF_START: usize = 512;

/// Buffers grown past this many bytes (for a huge `User`) are freed with
/// their viewer, not kept for the next one.
const BUF_KEPT: usize = 4096;

/// One remembered viewer.
struct Entry {
    /// The viewer's `User` encoding: the key.
    key: Vec<u8>,
    /// `{"userId":…,"uniqueId":…,"nickname":…,"profilePictureUrl":…`: the
    /// JSON of the viewer's [`UserRef`], without its closing brace.
    json: String,
    /// [`Memo::hash`] of the key.
    hash: u64,
    /// When it was last written (the memo's [`Memo::clock`]).
    used: u64,
}

/// A viewer's `User` encoding → the JSON of its fields.
#[derive(Default)]
struct Memo {
    /// The viewers, by the hash of their key. (Held in the table itself, not
    /// behind an index: a hit reads the table, then the key and the JSON.)
    entries: HashTable<Entry>,
    /// The buffers of forgotten viewers, for new ones: a viewer not seen
    /// before costs no allocation once the memo has filled.
    spare: Vec<(Vec<u8>, String)>,
    /// Counts the viewers written.
    clock: u64,
    hasher: foldhash::fast::RandomState,
}

/// How many leading bytes of a key [`Memo::hash`] hashes.
const PREFIX: usize = 48;

thread_local! {
    static MEMO: RefCell<Memo> = RefCell::new(Memo::default());
}

/// Append the JSON array of `ranks` to `out`: what serialising each as a
/// `TopViewer` (`data.rs`) writes (`{"userId":…,"profilePictureUrl":…,
/// "coinCount":…,"rank":…}`, a viewer without a user with empty fields).
/// `Refused` when the wire reader refuses a viewer's `User` (`out` then holds
/// part of the array): then prost must read the message (see `mapping.rs`).
pub fn write_top_viewers(ranks: &[Contributor<'_>], out: &mut String) -> Result<(), Refused> {
    // Room for the whole board at once (a viewer's JSON is about its
    // encoding and 128 bytes at most, but for escapes): the buffer, often one
    // recycled from a smaller event, grows once instead of doubling and
    // copying as the viewers are written.
    let room: usize = ranks
        .iter()
        .map(|c| c.user_bytes.map_or(0, <[u8]>::len) + 128)
        .sum();
    out.reserve(room + 2);
    MEMO.with(|memo| match memo.try_borrow_mut() {
        Ok(mut memo) => write_with(&mut memo, ranks, out),
        // Re-entered (not done today): a fresh memo gives the same text.
        Err(_) => write_with(&mut Memo::default(), ranks, out),
    })
}

fn write_with(memo: &mut Memo, ranks: &[Contributor<'_>], out: &mut String) -> Result<(), Refused> {
    out.push('[');
    for (i, c) in ranks.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        match c.user_bytes {
            Some(bytes) => memo.push_fields(bytes, out)?,
            None => push_user_fields(&UserRef::default(), out),
        }
        out.push_str(",\"coinCount\":");
        json::write_int(out, c.score);
        out.push_str(",\"rank\":");
        json::write_int(out, c.rank);
        out.push('}');
    }
    out.push(']');
    Ok(())
}

impl Memo {
    /// The hash of a viewer's encoding: of its length and first [`PREFIX`]
    /// bytes only (its id and name come first; keys are still compared
    /// whole). Hashing all of each encoding's 300-400 bytes was a third of
    /// the memo's cost.
    fn hash(&self, bytes: &[u8]) -> u64 {
        let mut h = self.hasher.build_hasher();
        h.write_usize(bytes.len());
        h.write(&bytes[..bytes.len().min(PREFIX)]);
        h.finish()
    }

    /// Append the fields of the viewer encoded as `bytes`, from the memo or
    /// read and written afresh (and remembered).
    fn push_fields(&mut self, bytes: &[u8], out: &mut String) -> Result<(), Refused> {
        self.clock += 1;
        let hash = self.hash(bytes);
        if let Some(seen) = self.entries.find_mut(hash, |e| e.key == bytes) {
            seen.used = self.clock;
            out.push_str(&seen.json);
            return Ok(());
        }
        let user = RefUser::parse(bytes)?;
        let start = out.len();
        push_user_fields(&UserRef::from_user(&user), out);
        if self.entries.len() >= CAPACITY {
            self.forget_older_half();
        }
        let (mut key, mut json) = self.spare.pop().unwrap_or_else(|| {
            (
                Vec::with_capacity(BUF_START),
                String::with_capacity(BUF_START),
            )
        });
        key.clear();
        key.extend_from_slice(bytes);
        json.clear();
        json.push_str(&out[start..]);
        let entry = Entry {
            key,
            json,
            hash,
            used: self.clock,
        };
        self.entries.insert_unique(hash, entry, |e| e.hash);
        Ok(())
    }

    /// Drop the viewers not written during the last `CAPACITY / 2` viewers
    /// (at least half of them: the clock counts every viewer written), their
    /// buffers kept for new ones: once per `CAPACITY / 2` new viewers at most.
    fn forget_older_half(&mut self) {
        let since = self.clock.saturating_sub(CAPACITY as u64 / 2);
        let spare = &mut self.spare;
        self.entries.retain(|e| {
            if e.used > since {
                return true;
            }
            if e.key.capacity() <= BUF_KEPT && e.json.capacity() <= BUF_KEPT {
                spare.push((std::mem::take(&mut e.key), std::mem::take(&mut e.json)));
            }
            false
        });
    }
}

/// Append the JSON of `user` without its closing brace.
fn push_user_fields(user: &UserRef<'_>, out: &mut String) {
    let start = out.len();
    if json::write_value(out, user).is_err() || !out.ends_with('}') {
        // A `UserRef` always writes (string fields); never here.
        out.truncate(start);
        out.push_str(
            "{\"userId\":\"\",\"uniqueId\":\"\",\"nickname\":\"\",\"profilePictureUrl\":\"\"",
        );
        return;
    }
    out.pop();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::webcast::wire::RoomUserSeqMessage;
    use prost::Message;

    use crate::webcast::data::TopViewer;
    use crate::webcast::proto::lean;

    /// The viewers of `ranks` as [`TopViewer`]s (no memo): what
    /// [`write_top_viewers`] writes, for tests.
    fn top_viewers(ranks: &[Contributor<'_>]) -> Result<Vec<TopViewer<'static>>, Refused> {
        ranks
            .iter()
            .map(|c| {
                let user = c.user()?;
                Ok(TopViewer {
                    user: user
                        .as_ref()
                        .map(|u| UserRef::from_user(u).into_owned())
                        .unwrap_or_default(),
                    coin_count: c.score,
                    rank: c.rank,
                })
            })
            .collect()
    }

    fn user(id: i64, nickname: &str, avatar: &str) -> lean::RefUser {
        lean::RefUser {
            id,
            nickname: nickname.as_bytes().to_vec().into(),
            display_id: format!("u{id}").into_bytes().into(),
            avatar_thumb: Some(lean::Image {
                url_list: vec![avatar.as_bytes().to_vec().into()],
            }),
            ..Default::default()
        }
    }

    fn message(users: &[Option<lean::RefUser>]) -> Vec<u8> {
        lean::RoomUserSeqMessage {
            ranks: users
                .iter()
                .enumerate()
                .map(|(i, u)| lean::Contributor {
                    score: 1000 - i as i64,
                    user: u.clone(),
                    rank: i as i64 + 1,
                })
                .collect(),
            total: 7,
            ..Default::default()
        }
        .encode_to_vec()
    }

    /// What serde writes for the same viewers, read afresh.
    fn expected(bytes: &[u8]) -> String {
        let m = RoomUserSeqMessage::parse(bytes).unwrap();
        json::to_string(&top_viewers(&m.ranks).unwrap()).unwrap()
    }

    fn written(bytes: &[u8]) -> String {
        let mut m = RoomUserSeqMessage::default();
        m.parse_into(bytes).unwrap();
        let mut out = String::new();
        write_top_viewers(&m.ranks, &mut out).unwrap();
        out
    }

    /// The same text as serialising the viewers, whether each comes from
    /// the memo or not: first seen, seen again, among new ones, after the
    /// memo dropped its older half, with odd text and without a user.
    #[test]
    fn memo_changes_nothing() {
        let odd = user(3, "quote \" back\\slash \u{1}ctl 🎉", "https://x/a?b=\"c\"");
        let board: Vec<_> = (0..16)
            .map(|i| Some(user(100 + i, &format!("viewer {i}"), "https://p16/a.webp")))
            .chain([Some(odd), None, Some(lean::RefUser::default())])
            // The same first bytes (hashed alike), different avatars.
            .chain(
                ["https://a", "https://b"].map(|url| Some(user(7, &"long name ".repeat(8), url))),
            )
            .collect();
        let bytes = message(&board);
        let first = written(&bytes);
        assert_eq!(first, expected(&bytes));
        assert_eq!(written(&bytes), first, "from the memo");
        for round in 0..40 {
            let fresh: Vec<_> = (0..16)
                .map(|i| Some(user(10_000 * round + i, "someone", "https://p77/b")))
                .chain(board[..3].iter().cloned())
                .collect();
            let bytes = message(&fresh);
            assert_eq!(written(&bytes), expected(&bytes), "round {round}");
        }
        MEMO.with(|m| {
            let m = m.borrow();
            assert!(m.entries.len() <= CAPACITY);
            assert!(m.entries.len() + m.spare.len() <= CAPACITY);
        });
        assert_eq!(written(&bytes), first, "after forgetting");
        assert_eq!(written(&message(&[])), "[]");
    }

    /// A viewer whose `User` the reader refuses is `Refused` (prost then
    /// reads the message), remembered or not; it is never remembered.
    #[test]
    fn a_refused_viewer_is_refused() {
        let good = lean::Contributor {
            score: 5,
            user: Some(user(1, "a", "https://x")),
            rank: 1,
        }
        .encode_to_vec();
        // A contributor whose user (field 2) is a varint field 1 cut short.
        let bad = [0x08, 0x05, 0x12, 0x02, 0x08, 0x80];
        let mut bytes = Vec::new();
        for c in [&good[..], &bad[..]] {
            bytes.push(0x12);
            bytes.push(c.len() as u8);
            bytes.extend_from_slice(c);
        }
        let mut m = RoomUserSeqMessage::default();
        m.parse_into(&bytes).unwrap();
        assert!(RoomUserSeqMessage::parse(&bytes).is_err());
        for _ in 0..2 {
            assert_eq!(
                write_top_viewers(&m.ranks, &mut String::new()),
                Err(Refused)
            );
        }
    }
}
