//! A protobuf wire reader over `&[u8]` for the six high-volume messages
//! (chat, gift, like, member, viewer count, social) and the fetch result
//! around them, and their fields as borrowed slices of the payload.
//!
//! The messages and field numbers are those of `proto/lean.proto` (plus the
//! full schema's `UserIdentity` and `EmoteWithIndex`, which the chat and gift
//! mappings read, and `FetchResult` of `proto/frame.proto`). Reading them here
//! instead of with prost saves, per message, a `Vec` per repeated field
//! (avatar URL lists, badges, text pieces), a reference-count increment and
//! decrement per text field, a `String` per method name, and prost's generic
//! merge calls. Text stays bytes; the mapping reads it as UTF-8 when it uses
//! it (`TextField for [u8]` in `user.rs`).
//!
//! Each message is read by one loop over its keys: a key of a declared field
//! with its declared wire type is read in place; any other key goes to
//! [`Reader::skip`], which refuses a declared field sent with another wire
//! type and skips an undeclared one ([`Declared`]).
//!
//! Semantics: exactly prost's for every field the mapping reads. Scalars and
//! text: the last value wins; absent: the proto3 default. Repeated messages:
//! each one is checked while the message is read; the first few are kept as
//! read and the rest read again from the payload on demand ([`List`]); a
//! leaderboard's users go into a `SmallVec` (16 inline). A repeated text
//! field keeps its first value only (all the mapping reads, e.g. an image's
//! first URL).
//!
//! The messages and the big parts of them (a user, a `common` with its
//! text) are read in place, into a default value the caller owns
//! (`parse_into`, [`Reader::message_in`]), and hold only what the mapping
//! reads (an avatar's URL, a text piece's shown value). Returned by value,
//! each message and its user were copied three or four times on their way
//! to the mapping (700 bytes to 1 KB each); read in place, `memcpy` went from
//! 11.7 M to 8.7 M instructions on a 2,000-frame capture (6,081 events). A
//! chat message is now 608 bytes (was 1,008), a like 288 (was 688).
//!
//! Anything this reader does not handle the way prost would is refused
//! ([`Refused`]) and the caller falls back to prost and the lenient decoder
//! (`mapping.rs`), so errors and schema-drift reports stay exactly as they are:
//! a truncated or over-long value, a wrong wire type for a known field, an
//! invalid key or wire type, a group (start or end), a sub-message that appears
//! twice (prost merges the two), invalid UTF-8 in a `string` field of the full
//! schema. Tested against prost on every real payload, on every truncation of
//! some, and on mutated ones (`tests/wire.rs`).

use std::borrow::Cow;
use std::str;

use super::proto::UserIdentity;
use super::user::{RefView, TextField, ascii_str};

/// The reader declined a payload; decode it with prost instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refused;

type Read<T> = Result<T, Refused>;

/// Wire type of `int32`, `int64`, `uint64`, `bool` and enums.
const VARINT: u32 = 0;
/// Wire type of `bytes`, `string`, messages (and packed lists).
const LEN: u32 = 2;

/// The field numbers a message declares. A declared field that comes with
/// another wire type than the one read is refused (prost fails on it, or the
/// lenient decoder would report it); any other field is skipped whatever its
/// wire type, as prost skips unknown fields.
struct Declared {
    /// Bit `n` for each declared number `n` below 64.
    low: u64,
    /// Every declared number (only those from 64 up are looked up here).
    all: &'static [u32],
}

impl Declared {
    const fn new(all: &'static [u32]) -> Declared {
        let mut low = 0;
        let mut i = 0;
        while i < all.len() {
            if all[i] < 64 {
                low |= 1 << all[i];
            }
            i += 1;
        }
        Declared { low, all }
    }

    /// Only `number`, which is below 64.
    const fn one(number: u32) -> Declared {
        assert!(number < 64);
        Declared {
            low: 1 << number,
            all: &[],
        }
    }

    #[inline(always)]
    fn contains(&self, number: u32) -> bool {
        if number < 64 {
            self.low >> number & 1 == 1
        } else {
            self.all.contains(&number)
        }
    }
}

/// A cursor over one message's fields: the bytes not read yet, and the
/// message's length (for offsets).
struct Reader<'a> {
    rest: &'a [u8],
    len: usize,
}

impl<'a> Reader<'a> {
    fn new(buf: &'a [u8]) -> Self {
        Reader {
            rest: buf,
            len: buf.len(),
        }
    }

    /// How far into the message the cursor is.
    fn pos(&self) -> usize {
        self.len - self.rest.len()
    }

    /// The next field's key (number and wire type), None at the end. prost
    /// rejects a key above `u32::MAX`, not only a field number that does not
    /// fit in 32 bits; field number 0 and invalid wire types are refused by
    /// [`Reader::skip`], which every key no message declares goes to.
    #[inline(always)]
    fn key(&mut self) -> Read<Option<(u32, u32)>> {
        let key = match *self.rest {
            [] => return Ok(None),
            [b, ref rest @ ..] if b < 0x80 => {
                self.rest = rest;
                u32::from(b)
            }
            _ => u32::try_from(self.varint()?).map_err(|_| Refused)?,
        };
        Ok(Some((key >> 3, key & 7)))
    }

    /// A base-128 varint of at most 10 bytes, the 10th below 2 (prost's
    /// `decode_varint`). One and two bytes inline (keys, small values,
    /// short lengths), longer ones eight bytes at a time.
    #[inline(always)]
    fn varint(&mut self) -> Read<u64> {
        match *self.rest {
            [b, ref rest @ ..] if b < 0x80 => {
                self.rest = rest;
                Ok(u64::from(b))
            }
            [b0, b1, ref rest @ ..] if b1 < 0x80 => {
                self.rest = rest;
                Ok(u64::from(b0 & 0x7f) | u64::from(b1) << 7)
            }
            _ => {
                let (value, rest) = long_varint(self.rest).ok_or(Refused)?;
                self.rest = rest;
                Ok(value)
            }
        }
    }

    fn int64(&mut self) -> Read<i64> {
        Ok(self.varint()? as i64)
    }

    /// prost's `int32`: the low 32 bits of the varint.
    fn int32(&mut self) -> Read<i32> {
        Ok(self.varint()? as i32)
    }

    fn bool(&mut self) -> Read<bool> {
        Ok(self.varint()? != 0)
    }

    /// A length-delimited value (`bytes`, or a message's encoding).
    #[inline(always)]
    fn bytes(&mut self) -> Read<&'a [u8]> {
        let len = usize::try_from(self.varint()?).map_err(|_| Refused)?;
        if len > self.rest.len() {
            return Err(Refused);
        }
        let (value, rest) = self.rest.split_at(len);
        self.rest = rest;
        Ok(value)
    }

    /// A `string` field of the full schema: prost rejects invalid UTF-8.
    /// (Method names, cursors: ASCII, checked eight bytes at a time.)
    fn string(&mut self) -> Read<&'a str> {
        let bytes = self.bytes()?;
        match ascii_str(bytes) {
            Some(s) => Ok(s),
            None => str::from_utf8(bytes).map_err(|_| Refused),
        }
    }

    /// A singular message field read by `parse` into `slot`; a second one is
    /// refused (prost would merge the two).
    #[inline(always)]
    fn message<T>(
        &mut self,
        slot: &mut Option<T>,
        parse: impl FnOnce(&'a [u8]) -> Read<T>,
    ) -> Read<()> {
        if slot.is_some() {
            return Err(Refused);
        }
        *slot = Some(parse(self.bytes()?)?);
        Ok(())
    }

    /// A singular message field read in place by `parse` into `slot`, which
    /// is set to `T`'s default first; a second one is refused. For the big
    /// structs (a user, a `common` with its text): returned by value they
    /// were copied from the callee's result into the slot, one `memcpy` of a
    /// few hundred bytes per field.
    #[inline(always)]
    fn message_in<T: Default>(
        &mut self,
        slot: &mut Option<T>,
        parse: impl FnOnce(&mut T, &'a [u8]) -> Read<()>,
    ) -> Read<()> {
        if slot.is_some() {
            return Err(Refused);
        }
        let buf = self.bytes()?;
        parse(slot.insert(T::default()), buf)
    }

    /// The value of a field the message's loop did not read: refused when
    /// `declared` holds its number (so it came with another wire type) or
    /// the key is invalid, else skipped. Inline: most messages carry more
    /// fields than the mapping reads.
    #[inline(always)]
    fn skip(&mut self, (number, wire): (u32, u32), declared: &Declared) -> Read<()> {
        if number == 0 || declared.contains(number) {
            return Err(Refused);
        }
        match wire {
            LEN => self.bytes().map(drop),
            VARINT => self.varint().map(drop),
            _ => self.skip_value(wire),
        }
    }

    /// [`Reader::skip`], then the values of the same field that follow it
    /// with the same key, encoded in the same bytes (a repeated field's
    /// elements come one after another): those are skipped without going
    /// back through the message's `match`. The same result as skipping them
    /// one by one (their number passed the same check); a key encoded in
    /// more bytes than needed goes back to the `match`. For a chat message,
    /// which carries a repeated field (19) the mapping does not read some
    /// 17 times (a 2,000-frame capture: 18,470 values in 1,053 messages).
    #[inline(always)]
    fn skip_run(&mut self, key: (u32, u32), declared: &Declared) -> Read<()> {
        self.skip(key, declared)?;
        if key.1 != LEN {
            return Ok(());
        }
        let k = key.0 << 3 | LEN;
        if k < 0x80 {
            while let [b, ref rest @ ..] = *self.rest
                && u32::from(b) == k
            {
                self.rest = rest;
                self.bytes()?;
            }
        } else if k < 0x4000 {
            let (lo, hi) = ((k & 0x7f) as u8 | 0x80, (k >> 7) as u8);
            while let [b0, b1, ref rest @ ..] = *self.rest
                && b0 == lo
                && b1 == hi
            {
                self.rest = rest;
                self.bytes()?;
            }
        }
        Ok(())
    }

    /// Skip a value of wire type `wire`; groups and invalid types are
    /// refused.
    fn skip_value(&mut self, wire: u32) -> Read<()> {
        match wire {
            VARINT => self.varint().map(drop),
            1 => self.fixed(8),
            LEN => self.bytes().map(drop),
            5 => self.fixed(4),
            _ => Err(Refused),
        }
    }

    fn fixed(&mut self, n: usize) -> Read<()> {
        self.rest = self.rest.get(n..).ok_or(Refused)?;
        Ok(())
    }
}

/// A varint of three bytes or more at the start of `buf` (see
/// [`Reader::varint`]): its value and the bytes after it; None where prost
/// fails (cut short, more than 10 bytes, a 10th byte above 1).
#[inline(never)]
fn long_varint(buf: &[u8]) -> Option<(u64, &[u8])> {
    let Some(first8) = buf.first_chunk::<8>() else {
        return short_varint(buf);
    };
    let word = u64::from_le_bytes(*first8);
    // The high bit of each byte that ends the varint.
    let ends = !word & 0x8080_8080_8080_8080;
    if ends != 0 {
        let len = (ends.trailing_zeros() / 8 + 1) as usize;
        let used = if len == 8 {
            word
        } else {
            word & ((1u64 << (len * 8)) - 1)
        };
        return Some((compact(used), &buf[len..]));
    }
    let low = compact(word);
    match buf[8..] {
        [b8, ref rest @ ..] if b8 < 0x80 => Some((low | u64::from(b8) << 56, rest)),
        [b8, b9, ref rest @ ..] if b9 < 2 => {
            Some((low | u64::from(b8 & 0x7f) << 56 | u64::from(b9) << 63, rest))
        }
        _ => None,
    }
}

/// A varint in the last 7 bytes of the buffer.
fn short_varint(mut buf: &[u8]) -> Option<(u64, &[u8])> {
    let mut value = 0u64;
    for i in 0..8 {
        let (&b, rest) = buf.split_first()?;
        buf = rest;
        value |= u64::from(b & 0x7f) << (7 * i);
        if b < 0x80 {
            return Some((value, buf));
        }
    }
    None
}

/// The value of up to eight varint bytes (the bytes past the last one zero):
/// their low seven bits, joined.
fn compact(word: u64) -> u64 {
    let x = word & 0x7f7f_7f7f_7f7f_7f7f;
    let x = (x & 0x007f_007f_007f_007f) | ((x & 0x7f00_7f00_7f00_7f00) >> 1);
    let x = (x & 0x0000_3fff_0000_3fff) | ((x & 0x3fff_0000_3fff_0000) >> 2);
    (x & 0x0000_0000_0fff_ffff) | ((x & 0x0fff_ffff_0000_0000) >> 4)
}

/// The elements of a repeated message field: the first `N` as read, and
/// beyond that the slice of the enclosing message from the first element's
/// key to the last element's end, read again on demand (other fields in
/// between are skipped). Every element was checked when the enclosing message
/// was read. No allocation either way.
#[derive(Debug, Clone, Copy)]
pub struct List<'a, T, const N: usize> {
    items: [T; N],
    len: usize,
    all: Repeated<'a>,
}

/// A message read as an element of a [`List`].
pub trait Element<'a>: Copy + Default {
    fn parse(buf: &'a [u8]) -> Read<Self>;
}

impl<'a, T: Element<'a>, const N: usize> Default for List<'a, T, N> {
    fn default() -> Self {
        List {
            items: [T::default(); N],
            len: 0,
            all: Repeated::default(),
        }
    }
}

impl<'a, T: Element<'a>, const N: usize> List<'a, T, N> {
    /// Read the element whose key starts at `start` and keep it.
    fn add(&mut self, r: &mut Reader<'a>, start: usize, span: &mut Span) -> Read<()> {
        let item = T::parse(r.bytes()?)?;
        if let Some(slot) = self.items.get_mut(self.len) {
            *slot = item;
        }
        self.len += 1;
        span.add(start, r.pos());
        Ok(())
    }

    /// How many elements there are.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Each element, in order.
    pub fn iter(&self) -> impl Iterator<Item = T> + use<'_, 'a, T, N> {
        let (kept, again) = if self.len <= N {
            (Some(self.items[..self.len].iter().copied()), None)
        } else {
            (None, Some(self.all.each(T::parse)))
        };
        kept.into_iter()
            .flatten()
            .chain(again.into_iter().flatten())
    }
}

#[derive(Debug, Clone, Copy, Default)]
struct Repeated<'a> {
    number: u32,
    span: &'a [u8],
}

impl<'a> Repeated<'a> {
    /// Each element's bytes, in order.
    fn raw(&self) -> impl Iterator<Item = &'a [u8]> + use<'a> {
        let mut r = Reader::new(self.span);
        let number = self.number;
        std::iter::from_fn(move || {
            loop {
                let (n, wire) = r.key().ok()??;
                if (n, wire) == (number, LEN) {
                    return r.bytes().ok();
                }
                r.skip_value(wire).ok()?;
            }
        })
    }

    /// Each element read by `parse` (which succeeds: it checked them).
    fn each<T>(&self, parse: fn(&'a [u8]) -> Read<T>) -> impl Iterator<Item = T> + use<'a, T> {
        self.raw().filter_map(move |b| parse(b).ok())
    }
}

/// Where a repeated field's elements lie while a message is read.
#[derive(Default)]
struct Span(Option<(usize, usize)>);

impl Span {
    fn add(&mut self, start: usize, end: usize) {
        let start = self.0.map_or(start, |(s, _)| s);
        self.0 = Some((start, end));
    }

    /// Give `list` the span of field `number` in `buf`, for the elements
    /// beyond those it keeps.
    fn close<'a, T: Element<'a>, const N: usize>(
        &self,
        list: &mut List<'a, T, N>,
        buf: &'a [u8],
        number: u32,
    ) {
        if list.len > N {
            list.all = Repeated {
                number,
                span: self.0.map_or(&[], |(s, e)| &buf[s..e]),
            };
        }
    }
}

/// `Image` of the lean schema: the first of `url_list` (field 1).
#[derive(Debug, Clone, Copy, Default)]
pub struct Image<'a> {
    pub first_url: Option<&'a [u8]>,
}

impl<'a> Image<'a> {
    pub fn parse(buf: &'a [u8]) -> Read<Self> {
        const DECLARED: Declared = Declared::new(&[1]);
        let mut image = Image::default();
        let mut r = Reader::new(buf);
        while let Some(key) = r.key()? {
            match key {
                (1, LEN) => {
                    let url = r.bytes()?;
                    image.first_url.get_or_insert(url);
                }
                _ => r.skip(key, &DECLARED)?,
            }
        }
        Ok(image)
    }
}

/// The fields of the lean schema's `RefUser` (a user shown by reference: a
/// gift's receiver, a mention, a viewer on the leaderboard), which `User`
/// declares too.
const REF_USER: &[u32] = &[1, 3, 9, 10, 11, 38, 1028];

/// What `RefUser` and `User` read alike, while a user is read.
#[derive(Default)]
struct RefFields<'a> {
    id: i64,
    nickname: &'a [u8],
    /// `avatar_thumb`, `avatar_medium` and `avatar_large` (fields 9-11).
    avatars: [Option<Image<'a>>; 3],
    display_id: &'a [u8],
    id_str: &'a [u8],
}

impl<'a> RefFields<'a> {
    /// Read field `key` if it is one of [`REF_USER`] with its wire type;
    /// whether it was.
    #[inline(always)]
    fn field(&mut self, r: &mut Reader<'a>, key: (u32, u32)) -> Read<bool> {
        match key {
            (1, VARINT) => self.id = r.int64()?,
            (3, LEN) => self.nickname = r.bytes()?,
            (9, LEN) => r.message(&mut self.avatars[0], Image::parse)?,
            (10, LEN) => r.message(&mut self.avatars[1], Image::parse)?,
            (11, LEN) => r.message(&mut self.avatars[2], Image::parse)?,
            (38, LEN) => self.display_id = r.bytes()?,
            (1028, LEN) => self.id_str = r.bytes()?,
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// The first URL of the thumb, medium or large avatar, in that order
    /// (as [`RefView::avatar`] picks it).
    fn avatar(&self) -> Option<&'a [u8]> {
        self.avatars.into_iter().flatten().find_map(|i| i.first_url)
    }
}

/// A user shown by reference (`RefUser` of `proto/lean.proto`): what
/// `UserRef` reads. Badges, follow info and the secondary ids are skipped
/// unread; of the avatars only the URL shown is kept.
#[derive(Debug, Clone, Copy, Default)]
pub struct RefUser<'a> {
    pub id: i64,
    pub nickname: &'a [u8],
    /// The first URL of the thumb, medium or large avatar, in that order
    /// (as [`RefView::avatar`] picks it).
    pub avatar: Option<&'a [u8]>,
    pub display_id: &'a [u8],
    pub id_str: &'a [u8],
}

impl<'a> RefUser<'a> {
    pub fn parse(buf: &'a [u8]) -> Read<Self> {
        const DECLARED: Declared = Declared::new(REF_USER);
        let mut f = RefFields::default();
        let mut r = Reader::new(buf);
        while let Some(key) = r.key()? {
            if !f.field(&mut r, key)? {
                r.skip(key, &DECLARED)?;
            }
        }
        Ok(RefUser {
            id: f.id,
            nickname: f.nickname,
            avatar: f.avatar(),
            display_id: f.display_id,
            id_str: f.id_str,
        })
    }
}

super::user::ref_view!(RefUser<'_>, u => u.avatar.map(TextField::text));

/// A user (`User` of `proto/lean.proto`): the user whose event it is. Of
/// the avatars only the URL shown is kept, as for [`RefUser`] (248 bytes
/// instead of 304: every message holds one).
#[derive(Debug, Clone, Copy, Default)]
pub struct User<'a> {
    pub id: i64,
    pub nickname: &'a [u8],
    /// The first URL of the thumb, medium or large avatar (fields 9-11), in
    /// that order (as [`RefView::avatar`] picks it).
    pub avatar: Option<&'a [u8]>,
    pub verified: bool,
    /// `followInfo.followStatus` (field 22.3), None without `followInfo`.
    pub follow_info: Option<i64>,
    pub display_id: &'a [u8],
    pub sec_uid: &'a [u8],
    /// `badge_list` (field 64).
    pub badges: List<'a, Badge<'a>, 4>,
    pub follow_status: i64,
    pub id_str: &'a [u8],
}

impl<'a> User<'a> {
    pub fn parse(buf: &'a [u8]) -> Read<Self> {
        let mut u = User::default();
        u.parse_into(buf)?;
        Ok(u)
    }

    /// Read `buf` into `self`, a default `User` (in place, see
    /// [`Reader::message_in`]); on `Refused` it is left part-read.
    pub fn parse_into(&mut self, buf: &'a [u8]) -> Read<()> {
        const DECLARED: Declared =
            Declared::new(&[1, 3, 9, 10, 11, 12, 22, 38, 46, 64, 1024, 1028]);
        let mut base = RefFields::default();
        let mut badges = Span::default();
        let mut r = Reader::new(buf);
        loop {
            let start = r.pos();
            let Some(key) = r.key()? else { break };
            if base.field(&mut r, key)? {
                continue;
            }
            match key {
                (12, VARINT) => self.verified = r.bool()?,
                (22, LEN) => r.message(&mut self.follow_info, follow_info)?,
                (46, LEN) => self.sec_uid = r.bytes()?,
                (64, LEN) => self.badges.add(&mut r, start, &mut badges)?,
                (1024, VARINT) => self.follow_status = r.int64()?,
                _ => r.skip(key, &DECLARED)?,
            }
        }
        badges.close(&mut self.badges, buf, 64);
        self.id = base.id;
        self.nickname = base.nickname;
        self.avatar = base.avatar();
        self.display_id = base.display_id;
        self.id_str = base.id_str;
        Ok(())
    }
}

/// `FollowInfo.follow_status` (field 3).
fn follow_info(buf: &[u8]) -> Read<i64> {
    const DECLARED: Declared = Declared::new(&[3]);
    let mut status = 0;
    let mut r = Reader::new(buf);
    while let Some(key) = r.key()? {
        match key {
            (3, VARINT) => status = r.int64()?,
            _ => r.skip(key, &DECLARED)?,
        }
    }
    Ok(status)
}

/// A user's badge: its scene type and `privilegeLogExtra.level`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Badge<'a> {
    pub scene_type: i32,
    /// None without `privilegeLogExtra` (field 12).
    pub level: Option<&'a [u8]>,
}

impl<'a> Element<'a> for Badge<'a> {
    fn parse(buf: &'a [u8]) -> Read<Self> {
        const DECLARED: Declared = Declared::new(&[3, 12]);
        let mut badge = Badge::default();
        let mut r = Reader::new(buf);
        while let Some(key) = r.key()? {
            match key {
                (3, VARINT) => badge.scene_type = r.int32()?,
                (12, LEN) => r.message(&mut badge.level, |b| bytes_field(b, 5))?,
                _ => r.skip(key, &DECLARED)?,
            }
        }
        Ok(badge)
    }
}

/// The last `bytes` field `number` of a message that declares only that one.
fn bytes_field(buf: &[u8], number: u32) -> Read<&[u8]> {
    let declared = Declared::one(number);
    let mut value: &[u8] = &[];
    let mut r = Reader::new(buf);
    while let Some(key) = r.key()? {
        if key == (number, LEN) {
            value = r.bytes()?;
        } else {
            r.skip(key, &declared)?;
        }
    }
    Ok(value)
}

/// `common` (the lean schema's `Common`, field 8 undeclared): what every
/// event reads of it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Common {
    pub msg_id: i64,
    pub create_time: i64,
}

impl Common {
    pub fn parse(buf: &[u8]) -> Read<Self> {
        const DECLARED: Declared = Declared::new(&[2, 4]);
        let mut c = Common::default();
        let mut r = Reader::new(buf);
        while let Some(key) = r.key()? {
            if !c.field(&mut r, key)? {
                r.skip(key, &DECLARED)?;
            }
        }
        Ok(c)
    }

    /// Read the id or the time; whether `key` was one of them.
    #[inline(always)]
    fn field(&mut self, r: &mut Reader<'_>, key: (u32, u32)) -> Read<bool> {
        match key {
            (2, VARINT) => self.msg_id = r.int64()?,
            (4, VARINT) => self.create_time = r.int64()?,
            _ => return Ok(false),
        }
        Ok(true)
    }
}

/// `common` with its display text (`CommonWithText`), for the messages
/// whose mapping reads the text (member, social). A type of its own, so that
/// the others carry 16 bytes of `common`, not the text's 100-odd.
#[derive(Debug, Clone, Copy, Default)]
pub struct CommonWithText<'a> {
    pub msg_id: i64,
    pub create_time: i64,
    pub display_text: Option<Text<'a>>,
}

impl<'a> CommonWithText<'a> {
    /// Read `buf` into `self`, a default value (in place, see
    /// [`Reader::message_in`]).
    pub fn parse_into(&mut self, buf: &'a [u8]) -> Read<()> {
        const DECLARED: Declared = Declared::new(&[2, 4, 8]);
        let mut c = Common::default();
        let mut r = Reader::new(buf);
        while let Some(key) = r.key()? {
            if c.field(&mut r, key)? {
                continue;
            }
            match key {
                (8, LEN) => r.message_in(&mut self.display_text, Text::parse_into)?,
                _ => r.skip(key, &DECLARED)?,
            }
        }
        self.msg_id = c.msg_id;
        self.create_time = c.create_time;
        Ok(())
    }
}

/// A localisable text: key, pattern and pieces.
#[derive(Debug, Clone, Copy, Default)]
pub struct Text<'a> {
    pub key: &'a [u8],
    pub default_pattern: &'a [u8],
    /// `pieces` (field 4). One kept as read: the display texts read (member,
    /// social) have one piece (all 1,995 of a 2,000-frame capture).
    pub pieces: List<'a, Piece<'a>, 1>,
}

impl<'a> Text<'a> {
    /// Read `buf` into `self`, a default value (in place).
    fn parse_into(&mut self, buf: &'a [u8]) -> Read<()> {
        const DECLARED: Declared = Declared::new(&[1, 2, 4]);
        let mut pieces = Span::default();
        let mut r = Reader::new(buf);
        loop {
            let start = r.pos();
            let Some(key) = r.key()? else { break };
            match key {
                (1, LEN) => self.key = r.bytes()?,
                (2, LEN) => self.default_pattern = r.bytes()?,
                (4, LEN) => self.pieces.add(&mut r, start, &mut pieces)?,
                _ => r.skip(key, &DECLARED)?,
            }
        }
        pieces.close(&mut self.pieces, buf, 4);
        Ok(())
    }
}

/// A text piece, as rendering shows it: 32 bytes instead of the 96 of its
/// four fields (`userValue.user`, `patternRefValue`, `giftValue.nameRef`,
/// `stringValue`), of which rendering shows one.
#[derive(Debug, Clone, Copy)]
pub enum Piece<'a> {
    /// `userValue.user` (field 21.1), when present: shown by nickname,
    /// else handle.
    User(PieceUser<'a>),
    /// Else the first present of `patternRefValue.defaultPattern` (24.2),
    /// `giftValue.nameRef.defaultPattern` (22.2.2) and `stringValue` (11).
    Text(&'a [u8]),
}

impl Default for Piece<'_> {
    fn default() -> Self {
        Piece::Text(&[])
    }
}

/// A user inside a text piece (`PieceUser`): what a label shows.
#[derive(Debug, Clone, Copy, Default)]
pub struct PieceUser<'a> {
    pub nickname: &'a [u8],
    pub display_id: &'a [u8],
}

impl<'a> PieceUser<'a> {
    fn parse(buf: &'a [u8]) -> Read<Self> {
        const DECLARED: Declared = Declared::new(&[3, 38]);
        let mut u = PieceUser::default();
        let mut r = Reader::new(buf);
        while let Some(key) = r.key()? {
            match key {
                (3, LEN) => u.nickname = r.bytes()?,
                (38, LEN) => u.display_id = r.bytes()?,
                _ => r.skip(key, &DECLARED)?,
            }
        }
        Ok(u)
    }
}

/// The one singular message field `number` of a message that declares only
/// that one, read by `parse`; None when absent.
fn only_message<'a, T>(
    buf: &'a [u8],
    number: u32,
    parse: impl Fn(&'a [u8]) -> Read<T>,
) -> Read<Option<T>> {
    let declared = Declared::one(number);
    let mut value = None;
    let mut r = Reader::new(buf);
    while let Some(key) = r.key()? {
        if key == (number, LEN) {
            r.message(&mut value, &parse)?;
        } else {
            r.skip(key, &declared)?;
        }
    }
    Ok(value)
}

impl<'a> Element<'a> for Piece<'a> {
    fn parse(buf: &'a [u8]) -> Read<Self> {
        const DECLARED: Declared = Declared::new(&[11, 21, 22, 24]);
        let mut string_value: &[u8] = &[];
        let mut user_value = None;
        let mut gift_value = None;
        let mut pattern_ref_value = None;
        let mut r = Reader::new(buf);
        while let Some(key) = r.key()? {
            match key {
                (11, LEN) => string_value = r.bytes()?,
                (21, LEN) => {
                    r.message(&mut user_value, |b| only_message(b, 1, PieceUser::parse))?
                }
                (22, LEN) => r.message(&mut gift_value, |b| {
                    only_message(b, 2, |b| bytes_field(b, 2))
                })?,
                (24, LEN) => r.message(&mut pattern_ref_value, |b| bytes_field(b, 2))?,
                _ => r.skip(key, &DECLARED)?,
            }
        }
        Ok(if let Some(user) = user_value.flatten() {
            Piece::User(user)
        } else {
            Piece::Text(
                pattern_ref_value
                    .or(gift_value.flatten())
                    .unwrap_or(string_value),
            )
        })
    }
}

/// The full schema's `UserIdentity` (six bools), as prost's type.
fn user_identity(buf: &[u8]) -> Read<UserIdentity> {
    const DECLARED: Declared = Declared::new(&[1, 2, 3, 4, 5, 6]);
    let mut id = UserIdentity::default();
    let mut r = Reader::new(buf);
    while let Some(key) = r.key()? {
        match key {
            (1, VARINT) => id.is_gift_giver_of_anchor = r.bool()?,
            (2, VARINT) => id.is_subscriber_of_anchor = r.bool()?,
            (3, VARINT) => id.is_mutual_following_with_anchor = r.bool()?,
            (4, VARINT) => id.is_follower_of_anchor = r.bool()?,
            (5, VARINT) => id.is_moderator_of_anchor = r.bool()?,
            (6, VARINT) => id.is_anchor = r.bool()?,
            _ => r.skip(key, &DECLARED)?,
        }
    }
    Ok(id)
}

/// A chat emote (the full schema's `EmoteWithIndex`, whose text fields are
/// `string`: each is checked as UTF-8, as prost does).
#[derive(Debug, Clone, Copy, Default)]
pub struct EmoteWithIndex<'a> {
    pub index: i32,
    pub emote: Option<Emote<'a>>,
}

/// The full schema's `Emote`: its id and its image's first URL.
#[derive(Debug, Clone, Copy, Default)]
pub struct Emote<'a> {
    pub emote_id: &'a str,
    /// `image` (field 2) and the first of its `url_list`.
    pub image: Option<Option<&'a str>>,
}

impl<'a> Element<'a> for EmoteWithIndex<'a> {
    fn parse(buf: &'a [u8]) -> Read<Self> {
        const DECLARED: Declared = Declared::new(&[1, 2]);
        let mut e = EmoteWithIndex::default();
        let mut r = Reader::new(buf);
        while let Some(key) = r.key()? {
            match key {
                (1, VARINT) => e.index = r.int32()?,
                (2, LEN) => r.message(&mut e.emote, Emote::parse)?,
                _ => r.skip(key, &DECLARED)?,
            }
        }
        Ok(e)
    }
}

impl<'a> Emote<'a> {
    fn parse(buf: &'a [u8]) -> Read<Self> {
        const DECLARED: Declared = Declared::new(&[1, 2, 5, 8]);
        let mut e = Emote::default();
        let mut r = Reader::new(buf);
        while let Some(key) = r.key()? {
            match key {
                (1, LEN) => e.emote_id = r.string()?,
                (2, LEN) => r.message(&mut e.image, full_image)?,
                (5, VARINT) => drop(r.varint()?),
                (8, LEN) => drop(r.string()?),
                _ => r.skip(key, &DECLARED)?,
            }
        }
        Ok(e)
    }
}

/// The full schema's `Image`, checked field by field; its first URL.
fn full_image(buf: &[u8]) -> Read<Option<&str>> {
    const DECLARED: Declared = Declared::new(&[1, 2, 3, 4, 5, 6, 7, 9]);
    let mut first = None;
    let mut r = Reader::new(buf);
    while let Some(key) = r.key()? {
        match key {
            (1, LEN) => {
                let url = r.string()?;
                first.get_or_insert(url);
            }
            (2 | 5 | 7, LEN) => drop(r.string()?),
            (3 | 4 | 6 | 9, VARINT) => drop(r.varint()?),
            _ => r.skip(key, &DECLARED)?,
        }
    }
    Ok(first)
}

/// `WebcastChatMessage`.
#[derive(Debug, Clone, Copy, Default)]
pub struct ChatMessage<'a> {
    pub common: Option<Common>,
    pub user: Option<User<'a>>,
    pub content: &'a [u8],
    pub at_user: Option<RefUser<'a>>,
    /// `emotes` (field 13).
    pub emotes: List<'a, EmoteWithIndex<'a>, 4>,
    pub content_language: &'a [u8],
    pub user_identity: Option<UserIdentity>,
}

impl<'a> ChatMessage<'a> {
    /// Read `buf` into `self`, a default value, in place (see
    /// [`Reader::message_in`]); on `Refused` it is left part-read.
    pub fn parse_into(&mut self, buf: &'a [u8]) -> Read<()> {
        const DECLARED: Declared = Declared::new(&[1, 2, 3, 12, 13, 14, 18]);
        let m = self;
        let mut emotes = Span::default();
        let mut r = Reader::new(buf);
        loop {
            let start = r.pos();
            let Some(key) = r.key()? else { break };
            match key {
                (1, LEN) => r.message(&mut m.common, Common::parse)?,
                (2, LEN) => r.message_in(&mut m.user, User::parse_into)?,
                (3, LEN) => m.content = r.bytes()?,
                (12, LEN) => r.message(&mut m.at_user, RefUser::parse)?,
                (13, LEN) => m.emotes.add(&mut r, start, &mut emotes)?,
                (14, LEN) => m.content_language = r.bytes()?,
                (18, LEN) => r.message(&mut m.user_identity, user_identity)?,
                _ => r.skip_run(key, &DECLARED)?,
            }
        }
        emotes.close(&mut m.emotes, buf, 13);
        Ok(())
    }
}

/// The gift definition inside a gift message (`GiftInfo`).
#[derive(Debug, Clone, Copy, Default)]
pub struct GiftInfo<'a> {
    pub image: Option<Image<'a>>,
    pub describe: &'a [u8],
    pub id: i64,
    pub r#type: i32,
    pub diamond_count: i32,
    pub name: &'a [u8],
}

impl<'a> GiftInfo<'a> {
    pub fn parse(buf: &'a [u8]) -> Read<Self> {
        const DECLARED: Declared = Declared::new(&[1, 2, 5, 11, 12, 16]);
        let mut g = GiftInfo::default();
        let mut r = Reader::new(buf);
        while let Some(key) = r.key()? {
            match key {
                (1, LEN) => r.message(&mut g.image, Image::parse)?,
                (2, LEN) => g.describe = r.bytes()?,
                (5, VARINT) => g.id = r.int64()?,
                (11, VARINT) => g.r#type = r.int32()?,
                (12, VARINT) => g.diamond_count = r.int32()?,
                (16, LEN) => g.name = r.bytes()?,
                _ => r.skip(key, &DECLARED)?,
            }
        }
        Ok(g)
    }
}

/// `WebcastGiftMessage`.
#[derive(Debug, Clone, Copy, Default)]
pub struct GiftMessage<'a> {
    pub common: Option<Common>,
    pub gift_id: i64,
    pub fan_ticket_count: i64,
    pub group_count: i32,
    pub repeat_count: i32,
    pub combo_count: i32,
    pub user: Option<User<'a>>,
    pub to_user: Option<RefUser<'a>>,
    pub repeat_end: i32,
    pub group_id: u64,
    pub gift: Option<GiftInfo<'a>>,
    /// `monitorInfo.toUserId` (field 23.8), None without `monitorInfo`.
    pub monitor_info: Option<i64>,
    pub user_identity: Option<UserIdentity>,
    pub to_member_id: &'a [u8],
    pub to_member_id_int: i64,
    pub to_member_nickname: &'a [u8],
}

impl<'a> GiftMessage<'a> {
    /// Read `buf` into `self`, a default value, in place (see
    /// [`Reader::message_in`]); on `Refused` it is left part-read.
    pub fn parse_into(&mut self, buf: &'a [u8]) -> Read<()> {
        const DECLARED: Declared =
            Declared::new(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 15, 23, 32, 45, 46, 47]);
        let m = self;
        let mut r = Reader::new(buf);
        while let Some(key) = r.key()? {
            match key {
                (1, LEN) => r.message(&mut m.common, Common::parse)?,
                (2, VARINT) => m.gift_id = r.int64()?,
                (3, VARINT) => m.fan_ticket_count = r.int64()?,
                (4, VARINT) => m.group_count = r.int32()?,
                (5, VARINT) => m.repeat_count = r.int32()?,
                (6, VARINT) => m.combo_count = r.int32()?,
                (7, LEN) => r.message_in(&mut m.user, User::parse_into)?,
                (8, LEN) => r.message(&mut m.to_user, RefUser::parse)?,
                (9, VARINT) => m.repeat_end = r.int32()?,
                (11, VARINT) => m.group_id = r.varint()?,
                (15, LEN) => r.message(&mut m.gift, GiftInfo::parse)?,
                (23, LEN) => r.message(&mut m.monitor_info, monitor_info)?,
                (32, LEN) => r.message(&mut m.user_identity, user_identity)?,
                (45, LEN) => m.to_member_id = r.bytes()?,
                (46, VARINT) => m.to_member_id_int = r.int64()?,
                (47, LEN) => m.to_member_nickname = r.bytes()?,
                _ => r.skip(key, &DECLARED)?,
            }
        }
        Ok(())
    }
}

/// `GiftMonitorInfo.to_user_id` (field 8).
fn monitor_info(buf: &[u8]) -> Read<i64> {
    const DECLARED: Declared = Declared::new(&[8]);
    let mut to_user_id = 0;
    let mut r = Reader::new(buf);
    while let Some(key) = r.key()? {
        match key {
            (8, VARINT) => to_user_id = r.int64()?,
            _ => r.skip(key, &DECLARED)?,
        }
    }
    Ok(to_user_id)
}

/// `WebcastLikeMessage`.
#[derive(Debug, Clone, Copy, Default)]
pub struct LikeMessage<'a> {
    pub common: Option<Common>,
    pub count: i64,
    pub total: i64,
    pub user: Option<User<'a>>,
}

impl<'a> LikeMessage<'a> {
    /// Read `buf` into `self`, a default value, in place (see
    /// [`Reader::message_in`]); on `Refused` it is left part-read.
    pub fn parse_into(&mut self, buf: &'a [u8]) -> Read<()> {
        const DECLARED: Declared = Declared::new(&[1, 2, 3, 5]);
        let m = self;
        let mut r = Reader::new(buf);
        while let Some(key) = r.key()? {
            match key {
                (1, LEN) => r.message(&mut m.common, Common::parse)?,
                (2, VARINT) => m.count = r.int64()?,
                (3, VARINT) => m.total = r.int64()?,
                (5, LEN) => r.message_in(&mut m.user, User::parse_into)?,
                _ => r.skip(key, &DECLARED)?,
            }
        }
        Ok(())
    }
}

/// `WebcastMemberMessage` (its `common` with the display text).
#[derive(Debug, Clone, Copy, Default)]
pub struct MemberMessage<'a> {
    pub common: Option<CommonWithText<'a>>,
    pub user: Option<User<'a>>,
    pub member_count: i64,
    pub action: i64,
}

impl<'a> MemberMessage<'a> {
    /// Read `buf` into `self`, a default value, in place (see
    /// [`Reader::message_in`]); on `Refused` it is left part-read.
    pub fn parse_into(&mut self, buf: &'a [u8]) -> Read<()> {
        const DECLARED: Declared = Declared::new(&[1, 2, 3, 10]);
        let m = self;
        let mut r = Reader::new(buf);
        while let Some(key) = r.key()? {
            match key {
                (1, LEN) => r.message_in(&mut m.common, CommonWithText::parse_into)?,
                (2, LEN) => r.message_in(&mut m.user, User::parse_into)?,
                (3, VARINT) => m.member_count = r.int64()?,
                (10, VARINT) => m.action = r.int64()?,
                _ => r.skip(key, &DECLARED)?,
            }
        }
        Ok(())
    }
}

/// A viewer on the leaderboard of a viewer-count message (`Contributor`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Contributor<'a> {
    pub score: i64,
    /// The viewer's `User`, its encoding as it came: not read yet (see
    /// [`Contributor::user`]). The same viewers come back in message after
    /// message, and the mapping writes a viewer it has seen from its memo
    /// (`leaderboard.rs`) without reading them again.
    pub user_bytes: Option<&'a [u8]>,
    pub rank: i64,
}

impl<'a> Contributor<'a> {
    fn parse(buf: &'a [u8]) -> Read<Self> {
        const DECLARED: Declared = Declared::new(&[1, 2, 3]);
        let mut c = Contributor::default();
        let mut r = Reader::new(buf);
        while let Some(key) = r.key()? {
            match key {
                (1, VARINT) => c.score = r.int64()?,
                (2, LEN) => r.message(&mut c.user_bytes, Ok)?,
                (3, VARINT) => c.rank = r.int64()?,
                _ => r.skip(key, &DECLARED)?,
            }
        }
        Ok(c)
    }

    /// The viewer, read from [`Contributor::user_bytes`]: `Refused` where
    /// the reader refuses them (then prost must decode the whole message).
    pub fn user(&self) -> Read<Option<RefUser<'a>>> {
        self.user_bytes.map(RefUser::parse).transpose()
    }
}

/// Room for this many viewers is kept inline: nearly every leaderboard
/// shows 16 (or none). A `Vec` with room for 16 was one allocation of
/// 1.7 KB per message.
const RANKS: usize = 16;

/// `WebcastRoomUserSeqMessage` (viewer count and leaderboard).
#[derive(Debug, Clone, Default)]
pub struct RoomUserSeqMessage<'a> {
    pub common: Option<Common>,
    /// `ranks` (field 2): 16 users or none, inline. Their users are not
    /// read by `parse_into` (see [`Contributor::user_bytes`]); `parse` reads
    /// them too.
    pub ranks: smallvec::SmallVec<[Contributor<'a>; RANKS]>,
    pub total: i64,
    pub total_user: i64,
}

impl<'a> RoomUserSeqMessage<'a> {
    /// Read `buf`, the leaderboard's users included (`parse_into` leaves
    /// them unread): `Ok` exactly where the mapping reads the message
    /// without prost.
    pub fn parse(buf: &'a [u8]) -> Read<Self> {
        let mut m = RoomUserSeqMessage::default();
        m.parse_into(buf)?;
        for c in &m.ranks {
            c.user()?;
        }
        Ok(m)
    }

    /// Read `buf` into `self`, a default value, in place (see
    /// [`Reader::message_in`]); on `Refused` it is left part-read.
    pub fn parse_into(&mut self, buf: &'a [u8]) -> Read<()> {
        const DECLARED: Declared = Declared::new(&[1, 2, 3, 7]);
        let m = self;
        let mut r = Reader::new(buf);
        while let Some(key) = r.key()? {
            match key {
                (1, LEN) => r.message(&mut m.common, Common::parse)?,
                (2, LEN) => {
                    let buf = r.bytes()?;
                    m.ranks.push(Contributor::parse(buf)?);
                }
                (3, VARINT) => m.total = r.int64()?,
                (7, VARINT) => m.total_user = r.int64()?,
                _ => r.skip(key, &DECLARED)?,
            }
        }
        Ok(())
    }
}

/// `WebcastSocialMessage` (its `common` with the display text).
#[derive(Debug, Clone, Copy, Default)]
pub struct SocialMessage<'a> {
    pub common: Option<CommonWithText<'a>>,
    pub user: Option<User<'a>>,
    pub share_type: i64,
    pub share_target: &'a [u8],
    pub follow_count: i64,
}

impl<'a> SocialMessage<'a> {
    /// Read `buf` into `self`, a default value, in place (see
    /// [`Reader::message_in`]); on `Refused` it is left part-read.
    pub fn parse_into(&mut self, buf: &'a [u8]) -> Read<()> {
        const DECLARED: Declared = Declared::new(&[1, 2, 3, 5, 6]);
        let m = self;
        let mut r = Reader::new(buf);
        while let Some(key) = r.key()? {
            match key {
                (1, LEN) => r.message_in(&mut m.common, CommonWithText::parse_into)?,
                (2, LEN) => r.message_in(&mut m.user, User::parse_into)?,
                (3, VARINT) => m.share_type = r.int64()?,
                (5, LEN) => m.share_target = r.bytes()?,
                (6, VARINT) => m.follow_count = r.int64()?,
                _ => r.skip(key, &DECLARED)?,
            }
        }
        Ok(())
    }
}

/// A fetch result (`FetchResult` of `proto/frame.proto`): the inner messages
/// as slices of the inflated payload (no `String` per method, no `Vec`), and
/// what [`super::decoder::FetchInfo`] reports. Every field of the schema is
/// checked as prost checks it, the ones not read too.
#[derive(Debug, Clone, Default)]
pub struct FetchResult<'a> {
    /// `messages` (field 1).
    pub messages: List<'a, BaseMessage<'a>, 8>,
    pub cursor: &'a str,
    pub fetch_interval: i64,
    pub now: i64,
    pub internal_ext: &'a str,
    /// `route_params` (field 7), by key: for a key sent twice the last
    /// value, as prost's map keeps it.
    pub route_params: std::collections::BTreeMap<&'a str, &'a str>,
    pub heartbeat_duration: i64,
    pub need_ack: bool,
    pub push_server: &'a str,
}

impl<'a> FetchResult<'a> {
    /// Read `buf` into `self`, a default value, in place (see
    /// [`Reader::message_in`]); on `Refused` it is left part-read.
    pub fn parse_into(&mut self, buf: &'a [u8]) -> Read<()> {
        const DECLARED: Declared = Declared::new(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
        let f = self;
        let mut messages = Span::default();
        let mut r = Reader::new(buf);
        loop {
            let start = r.pos();
            let Some(key) = r.key()? else { break };
            match key {
                (1, LEN) => f.messages.add(&mut r, start, &mut messages)?,
                (2, LEN) => f.cursor = r.string()?,
                (3, VARINT) => f.fetch_interval = r.int64()?,
                (4, VARINT) => f.now = r.int64()?,
                (5, LEN) => f.internal_ext = r.string()?,
                (6 | 11 | 13, VARINT) => drop(r.varint()?),
                (7, LEN) => {
                    let (key, value) = route_param(r.bytes()?)?;
                    f.route_params.insert(key, value);
                }
                (8, VARINT) => f.heartbeat_duration = r.int64()?,
                (9, VARINT) => f.need_ack = r.bool()?,
                (10, LEN) => f.push_server = r.string()?,
                (12, LEN) => drop(r.string()?),
                _ => r.skip(key, &DECLARED)?,
            }
        }
        messages.close(&mut f.messages, buf, 1);
        Ok(())
    }
}

/// A push frame (`PushFrame` of `proto/frame.proto`), read in place: the
/// fields the frame layer uses, as slices of the frame. prost's `PushFrame`
/// made a `String` of every header key and value, of the payload type and
/// of the payload encoding, and a `Vec` of the headers: five or six
/// allocations per frame.
#[derive(Debug, Clone, Copy, Default)]
pub struct PushFrame<'a> {
    pub seq_id: i64,
    pub log_id: u64,
    /// The value of the first header whose key is `compress_type` (`None`
    /// when no header has that key).
    pub compress_type: Option<&'a str>,
    pub payload_encoding: &'a str,
    pub payload_type: &'a str,
    pub payload: &'a [u8],
}

impl<'a> PushFrame<'a> {
    /// Read `buf` into `self`, a default value, in place; on `Refused` it is
    /// left part-read.
    pub fn parse_into(&mut self, buf: &'a [u8]) -> Read<()> {
        const DECLARED: Declared = Declared::new(&[1, 2, 3, 4, 5, 6, 7, 8]);
        let f = self;
        let mut r = Reader::new(buf);
        while let Some(key) = r.key()? {
            match key {
                (1, VARINT) => f.seq_id = r.int64()?,
                (2, VARINT) => f.log_id = r.varint()?,
                (3 | 4, VARINT) => drop(r.varint()?),
                // A header has the shape of a map entry (key 1, value 2).
                (5, LEN) => {
                    let (key, value) = route_param(r.bytes()?)?;
                    if f.compress_type.is_none() && key == "compress_type" {
                        f.compress_type = Some(value);
                    }
                }
                (6, LEN) => f.payload_encoding = r.string()?,
                (7, LEN) => f.payload_type = r.string()?,
                (8, LEN) => f.payload = r.bytes()?,
                _ => r.skip(key, &DECLARED)?,
            }
        }
        Ok(())
    }
}

/// One entry of `route_params` (a map entry: key 1, value 2).
fn route_param(buf: &[u8]) -> Read<(&str, &str)> {
    const DECLARED: Declared = Declared::new(&[1, 2]);
    let (mut key, mut value) = ("", "");
    let mut r = Reader::new(buf);
    while let Some(k) = r.key()? {
        match k {
            (1, LEN) => key = r.string()?,
            (2, LEN) => value = r.string()?,
            _ => r.skip(k, &DECLARED)?,
        }
    }
    Ok((key, value))
}

/// One inner message of a fetch result (`BaseMessage`).
#[derive(Debug, Clone, Copy, Default)]
pub struct BaseMessage<'a> {
    pub method: &'a str,
    pub payload: &'a [u8],
    pub msg_id: i64,
    pub is_history: bool,
}

impl<'a> Element<'a> for BaseMessage<'a> {
    fn parse(buf: &'a [u8]) -> Read<Self> {
        const DECLARED: Declared = Declared::new(&[1, 2, 3, 4, 5, 6, 7]);
        let mut m = BaseMessage::default();
        let mut r = Reader::new(buf);
        while let Some(key) = r.key()? {
            match key {
                (1, LEN) => m.method = r.string()?,
                (2, LEN) => m.payload = r.bytes()?,
                (3, VARINT) => m.msg_id = r.int64()?,
                (6, VARINT) => m.is_history = r.bool()?,
                (4 | 5 | 7, VARINT) => drop(r.varint()?),
                _ => r.skip(key, &DECLARED)?,
            }
        }
        Ok(m)
    }
}

/// `parse`, by value, for the messages read in place (`parse_into`): what
/// the tests and the fallback checks call.
macro_rules! by_value {
    ($($name:ident),*) => {$(
        impl<'a> $name<'a> {
            /// Read `buf` (see `parse_into`).
            pub fn parse(buf: &'a [u8]) -> Read<Self> {
                let mut m = $name::default();
                m.parse_into(buf)?;
                Ok(m)
            }
        }
    )*};
}

by_value!(
    ChatMessage,
    GiftMessage,
    LikeMessage,
    MemberMessage,
    SocialMessage,
    FetchResult
);

#[cfg(test)]
mod tests {
    use super::*;

    /// Every varint length, at every distance from the end of the buffer,
    /// and the over-long ones: the value and length prost reads, or refused
    /// where prost fails.
    #[test]
    fn varints_are_read_as_prost_reads_them() {
        let mut values = vec![0, 1, 127, 128, 300, 16_383, 16_384, u64::MAX, 1 << 63];
        values.extend((0..64).map(|i| (1u64 << i) - 1));
        values.extend((0..64).map(|i| 0x5555_5555_5555_5555u64 >> i));
        for value in values {
            let mut encoded = Vec::new();
            prost::encoding::encode_varint(value, &mut encoded);
            for tail in 0..10 {
                let mut buf = encoded.clone();
                buf.extend(std::iter::repeat_n(0x81, tail));
                let mut r = Reader::new(&buf);
                assert_eq!(r.varint(), Ok(value), "{buf:02x?}");
                assert_eq!(r.pos(), encoded.len());
            }
        }
        let mut bad = vec![
            vec![0xff; 9],
            vec![0xff; 10],
            [vec![0xff; 9], vec![0x02]].concat(),
            [vec![0x80; 9], vec![0x7f]].concat(),
        ];
        bad.extend((1..10).map(|n| vec![0x80; n]));
        for buf in bad {
            let mut slice = &buf[..];
            let theirs = prost::encoding::decode_varint(&mut slice);
            assert!(theirs.is_err(), "{buf:02x?}");
            assert_eq!(Reader::new(&buf).varint(), Err(Refused), "{buf:02x?}");
        }
        // Over-long but valid: ten bytes, the last 1; zeros after a 0x80.
        for buf in [[vec![0xff; 9], vec![0x01]].concat(), vec![0x80, 0x80, 0x00]] {
            let mut slice = &buf[..];
            let theirs = prost::encoding::decode_varint(&mut slice).unwrap();
            assert_eq!(Reader::new(&buf).varint(), Ok(theirs), "{buf:02x?}");
        }
    }

    /// A run of values of one undeclared field (one- and two-byte keys),
    /// broken by other fields, by the same key encoded in three bytes and
    /// by a value cut short, is read as field-by-field skipping reads it:
    /// the same fields after it, the same refusal.
    #[test]
    fn runs_of_a_skipped_field_are_skipped_as_one_by_one() {
        let value = |key: &[u8], body: &[u8]| [key, &[body.len() as u8], body].concat();
        let content = value(&[0x1a], b"hi");
        let one = value(&[0x3a], b"x"); // field 7
        let two = value(&[0x9a, 0x01], b"score"); // field 19
        let long_key = value(&[0x9a, 0x81, 0x00], b"z"); // field 19, three bytes
        let read = |parts: &[&[u8]]| {
            let buf = parts.concat();
            let mut m = ChatMessage::default();
            m.parse_into(&buf).map(|()| m.content.to_vec())
        };
        for parts in [
            vec![&two[..], &two, &two, &content],
            vec![&one[..], &one, &content, &one],
            vec![&two[..], &one, &two, &long_key, &two, &content],
            vec![&content[..], &two, &two],
        ] {
            assert_eq!(read(&parts), Ok(b"hi".to_vec()), "{parts:02x?}");
        }
        let cut = [&two[..], &two, &two[..4]].concat();
        assert_eq!(read(&[&cut]), Err(Refused));
        let cut_user = [&content[..], &[0x12, 0x05, 0x08]].concat();
        assert_eq!(read(&[&cut_user]), Err(Refused));
    }
}
