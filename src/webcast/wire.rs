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
//! Semantics: exactly prost's for every field the mapping reads. Scalars and
//! text: the last value wins; absent: the proto3 default. Repeated messages:
//! each one is checked while the message is read; the first few are kept as
//! read and the rest read again from the payload on demand ([`List`]); a
//! leaderboard's users go into a `Vec`. A repeated text field keeps its first
//! value only (all the mapping reads, e.g. an image's first URL).
//!
//! Anything this reader does not handle the way prost would is refused
//! ([`Refused`]) and the caller falls back to prost and the lenient decoder
//! (`mapping.rs`), so errors and schema-drift reports stay exactly as they are:
//! a truncated or over-long value, a wrong wire type for a known field, an
//! invalid key or wire type, a group (start or end), a sub-message that appears
//! twice (prost merges the two), invalid UTF-8 in a `string` field of the full
//! schema. Tested against prost on every real payload, on every truncation of
//! some, and on mutated ones (`tests/wire.rs`).

use std::str;

use super::proto::UserIdentity;

/// The reader declined a payload; decode it with prost instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refused;

type Read<T> = Result<T, Refused>;

/// One field's value. Fixed-width values are skipped: no field read here
/// has one.
#[derive(Debug, Clone, Copy)]
enum Value<'a> {
    Varint(u64),
    Fixed,
    Len(&'a [u8]),
}

/// One field: its number, value and where it lies in the message
/// (byte offsets of its key and of its end).
#[derive(Debug, Clone, Copy)]
struct Field<'a> {
    number: u32,
    value: Value<'a>,
    start: usize,
    end: usize,
}

impl<'a> Field<'a> {
    /// A varint field's value (int32, int64, uint64 and bool alike).
    fn varint(&self) -> Read<u64> {
        match self.value {
            Value::Varint(v) => Ok(v),
            _ => Err(Refused),
        }
    }

    /// prost's `int32`: the low 32 bits of the varint.
    fn int32(&self) -> Read<i32> {
        Ok(self.varint()? as i32)
    }

    fn int64(&self) -> Read<i64> {
        Ok(self.varint()? as i64)
    }

    fn bool(&self) -> Read<bool> {
        Ok(self.varint()? != 0)
    }

    /// A length-delimited field's bytes (`bytes`, or a message's encoding).
    fn bytes(&self) -> Read<&'a [u8]> {
        match self.value {
            Value::Len(b) => Ok(b),
            _ => Err(Refused),
        }
    }

    /// A `string` field of the full schema: prost rejects invalid UTF-8.
    fn string(&self) -> Read<&'a str> {
        str::from_utf8(self.bytes()?).map_err(|_| Refused)
    }

    /// A singular message field read by `parse` into `slot`; a second one is
    /// refused (prost would merge the two).
    fn message<T>(
        &self,
        slot: &mut Option<T>,
        parse: impl FnOnce(&'a [u8]) -> Read<T>,
    ) -> Read<()> {
        if slot.is_some() {
            return Err(Refused);
        }
        *slot = Some(parse(self.bytes()?)?);
        Ok(())
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

    /// The next field, None at the end. Checks the framing as prost does
    /// (key, varint and length limits); refuses groups and invalid wire types.
    #[inline(always)]
    fn field(&mut self) -> Read<Option<Field<'a>>> {
        if self.rest.is_empty() {
            return Ok(None);
        }
        let start = self.pos();
        // prost rejects a key above u32::MAX, not only a field number that
        // does not fit in 32 bits.
        let key = u32::try_from(self.varint()?).map_err(|_| Refused)?;
        let number = key >> 3;
        if number == 0 {
            return Err(Refused);
        }
        let value = match key & 7 {
            0 => Value::Varint(self.varint()?),
            1 => self.fixed(8)?,
            2 => {
                let len = usize::try_from(self.varint()?).map_err(|_| Refused)?;
                if len > self.rest.len() {
                    return Err(Refused);
                }
                let (value, rest) = self.rest.split_at(len);
                self.rest = rest;
                Value::Len(value)
            }
            5 => self.fixed(4)?,
            _ => return Err(Refused),
        };
        Ok(Some(Field {
            number,
            value,
            start,
            end: self.pos(),
        }))
    }

    fn fixed(&mut self, n: usize) -> Read<Value<'a>> {
        self.rest = self.rest.get(n..).ok_or(Refused)?;
        Ok(Value::Fixed)
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
            _ => self.long_varint(),
        }
    }

    #[inline(never)]
    fn long_varint(&mut self) -> Read<u64> {
        let rest = self.rest;
        let Some(first8) = rest.first_chunk::<8>() else {
            return self.short_varint();
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
            self.rest = &rest[len..];
            return Ok(compact(used));
        }
        let low = compact(word);
        match rest[8..] {
            [b8, ..] if b8 < 0x80 => {
                self.rest = &rest[9..];
                Ok(low | u64::from(b8) << 56)
            }
            [b8, b9, ..] if b9 < 2 => {
                self.rest = &rest[10..];
                Ok(low | u64::from(b8 & 0x7f) << 56 | u64::from(b9) << 63)
            }
            _ => Err(Refused),
        }
    }

    /// A varint in the last 7 bytes of the buffer.
    fn short_varint(&mut self) -> Read<u64> {
        let mut value = 0u64;
        for i in 0..8 {
            let (&b, rest) = self.rest.split_first().ok_or(Refused)?;
            self.rest = rest;
            value |= u64::from(b & 0x7f) << (7 * i);
            if b < 0x80 {
                return Ok(value);
            }
        }
        Err(Refused)
    }
}

/// The value of up to eight varint bytes (the bytes past the last one zero):
/// their low seven bits, joined.
fn compact(word: u64) -> u64 {
    let x = word & 0x7f7f_7f7f_7f7f_7f7f;
    let x = (x & 0x007f_007f_007f_007f) | ((x & 0x7f00_7f00_7f00_7f00) >> 1);
    let x = (x & 0x0000_3fff_0000_3fff) | ((x & 0x3fff_0000_3fff_0000) >> 2);
    (x & 0x0000_0000_0fff_ffff) | ((x & 0x0fff_ffff_0000_0000) >> 4)
}

/// Read every field of `buf` with `f`, which sees each field once, in order.
#[inline(always)]
fn each<'a>(buf: &'a [u8], mut f: impl FnMut(Field<'a>) -> Read<()>) -> Read<()> {
    let mut r = Reader::new(buf);
    while let Some(field) = r.field()? {
        f(field)?;
    }
    Ok(())
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
    /// Read and keep element `field`.
    fn add(&mut self, field: &Field<'a>, span: &mut Span) -> Read<()> {
        let item = T::parse(field.bytes()?)?;
        if let Some(slot) = self.items.get_mut(self.len) {
            *slot = item;
        }
        self.len += 1;
        span.add(field);
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
                match r.field() {
                    Ok(Some(f)) if f.number == number => return f.bytes().ok(),
                    Ok(Some(_)) => {}
                    _ => return None,
                }
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
    fn add(&mut self, field: &Field) {
        let start = self.0.map_or(field.start, |(s, _)| s);
        self.0 = Some((start, field.end));
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
        let mut image = Image::default();
        each(buf, |f| {
            if f.number == 1 {
                let url = f.bytes()?;
                image.first_url.get_or_insert(url);
            }
            Ok(())
        })?;
        Ok(image)
    }
}

/// Which of the lean schema's user messages a user is read as: each declares
/// fewer fields, and an undeclared one is skipped whatever its wire type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum UserSchema {
    /// `User`: everything below.
    Full,
    /// `RefUser`: ids, nickname, handle, avatars.
    Ref,
}

/// A user (`User` or `RefUser` of `proto/lean.proto`).
#[derive(Debug, Clone, Copy, Default)]
pub struct User<'a> {
    pub id: i64,
    pub nickname: &'a [u8],
    pub avatar_thumb: Option<Image<'a>>,
    pub avatar_medium: Option<Image<'a>>,
    pub avatar_large: Option<Image<'a>>,
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
    /// As `User`, the user whose events these are.
    pub fn parse(buf: &'a [u8]) -> Read<Self> {
        Self::parse_as(buf, UserSchema::Full)
    }

    /// As `RefUser`, a user shown by reference.
    pub fn parse_ref(buf: &'a [u8]) -> Read<Self> {
        Self::parse_as(buf, UserSchema::Ref)
    }

    fn parse_as(buf: &'a [u8], schema: UserSchema) -> Read<Self> {
        let full = schema == UserSchema::Full;
        let mut u = User::default();
        let mut badges = Span::default();
        each(buf, |f| {
            match f.number {
                3 => u.nickname = f.bytes()?,
                38 => u.display_id = f.bytes()?,
                1 => u.id = f.int64()?,
                9 => f.message(&mut u.avatar_thumb, Image::parse)?,
                10 => f.message(&mut u.avatar_medium, Image::parse)?,
                11 => f.message(&mut u.avatar_large, Image::parse)?,
                1028 => u.id_str = f.bytes()?,
                12 if full => u.verified = f.bool()?,
                22 if full => f.message(&mut u.follow_info, follow_info)?,
                46 if full => u.sec_uid = f.bytes()?,
                64 if full => u.badges.add(&f, &mut badges)?,
                1024 if full => u.follow_status = f.int64()?,
                _ => {}
            }
            Ok(())
        })?;
        badges.close(&mut u.badges, buf, 64);
        Ok(u)
    }
}

/// `FollowInfo.follow_status` (field 3).
fn follow_info(buf: &[u8]) -> Read<i64> {
    let mut status = 0;
    each(buf, |f| {
        if f.number == 3 {
            status = f.int64()?;
        }
        Ok(())
    })?;
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
        let mut badge = Badge::default();
        each(buf, |f| {
            match f.number {
                3 => badge.scene_type = f.int32()?,
                12 => f.message(&mut badge.level, |b| bytes_field(b, 5))?,
                _ => {}
            }
            Ok(())
        })?;
        Ok(badge)
    }
}

/// The last `bytes` field `number` of a message that declares only that one.
fn bytes_field(buf: &[u8], number: u32) -> Read<&[u8]> {
    let mut value: &[u8] = &[];
    each(buf, |f| {
        if f.number == number {
            value = f.bytes()?;
        }
        Ok(())
    })?;
    Ok(value)
}

/// `common`, with its display text when read as `CommonWithText`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Common<'a> {
    pub msg_id: i64,
    pub create_time: i64,
    pub display_text: Option<Text<'a>>,
}

impl<'a> Common<'a> {
    /// As `Common` (field 8 undeclared).
    pub fn parse(buf: &'a [u8]) -> Read<Self> {
        Self::parse_as(buf, false)
    }

    /// As `CommonWithText`.
    pub fn parse_with_text(buf: &'a [u8]) -> Read<Self> {
        Self::parse_as(buf, true)
    }

    fn parse_as(buf: &'a [u8], with_text: bool) -> Read<Self> {
        let mut c = Common::default();
        each(buf, |f| {
            match f.number {
                2 => c.msg_id = f.int64()?,
                4 => c.create_time = f.int64()?,
                8 if with_text => f.message(&mut c.display_text, Text::parse)?,
                _ => {}
            }
            Ok(())
        })?;
        Ok(c)
    }
}

/// A localisable text: key, pattern and pieces.
#[derive(Debug, Clone, Copy, Default)]
pub struct Text<'a> {
    pub key: &'a [u8],
    pub default_pattern: &'a [u8],
    /// `pieces` (field 4).
    pub pieces: List<'a, Piece<'a>, 3>,
}

impl<'a> Text<'a> {
    pub fn parse(buf: &'a [u8]) -> Read<Self> {
        let mut t = Text::default();
        let mut pieces = Span::default();
        each(buf, |f| {
            match f.number {
                1 => t.key = f.bytes()?,
                2 => t.default_pattern = f.bytes()?,
                4 => t.pieces.add(&f, &mut pieces)?,
                _ => {}
            }
            Ok(())
        })?;
        pieces.close(&mut t.pieces, buf, 4);
        Ok(t)
    }
}

/// A text piece: what rendering reads of it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Piece<'a> {
    pub string_value: &'a [u8],
    /// `userValue` (field 21) and its `user` (field 21.1).
    pub user_value: Option<Option<PieceUser<'a>>>,
    /// `giftValue` (field 22) and its `nameRef.defaultPattern` (22.2.2).
    pub gift_value: Option<Option<&'a [u8]>>,
    /// `patternRefValue.defaultPattern` (field 24.2).
    pub pattern_ref_value: Option<&'a [u8]>,
}

/// A user inside a text piece (`PieceUser`): what a label shows.
#[derive(Debug, Clone, Copy, Default)]
pub struct PieceUser<'a> {
    pub nickname: &'a [u8],
    pub display_id: &'a [u8],
}

impl<'a> PieceUser<'a> {
    fn parse(buf: &'a [u8]) -> Read<Self> {
        let mut u = PieceUser::default();
        each(buf, |f| {
            match f.number {
                3 => u.nickname = f.bytes()?,
                38 => u.display_id = f.bytes()?,
                _ => {}
            }
            Ok(())
        })?;
        Ok(u)
    }
}

impl<'a> Element<'a> for Piece<'a> {
    fn parse(buf: &'a [u8]) -> Read<Self> {
        let mut p = Piece::default();
        each(buf, |f| {
            match f.number {
                11 => p.string_value = f.bytes()?,
                21 => f.message(&mut p.user_value, |b| {
                    let mut user = None;
                    each(b, |f| match f.number {
                        1 => f.message(&mut user, PieceUser::parse),
                        _ => Ok(()),
                    })?;
                    Ok(user)
                })?,
                22 => f.message(&mut p.gift_value, |b| {
                    let mut name_ref = None;
                    each(b, |f| match f.number {
                        2 => f.message(&mut name_ref, |b| bytes_field(b, 2)),
                        _ => Ok(()),
                    })?;
                    Ok(name_ref)
                })?,
                24 => f.message(&mut p.pattern_ref_value, |b| bytes_field(b, 2))?,
                _ => {}
            }
            Ok(())
        })?;
        Ok(p)
    }
}

/// The full schema's `UserIdentity` (six bools), as prost's type.
fn user_identity(buf: &[u8]) -> Read<UserIdentity> {
    let mut id = UserIdentity::default();
    each(buf, |f| {
        match f.number {
            1 => id.is_gift_giver_of_anchor = f.bool()?,
            2 => id.is_subscriber_of_anchor = f.bool()?,
            3 => id.is_mutual_following_with_anchor = f.bool()?,
            4 => id.is_follower_of_anchor = f.bool()?,
            5 => id.is_moderator_of_anchor = f.bool()?,
            6 => id.is_anchor = f.bool()?,
            _ => {}
        }
        Ok(())
    })?;
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
        let mut e = EmoteWithIndex::default();
        each(buf, |f| {
            match f.number {
                1 => e.index = f.int32()?,
                2 => f.message(&mut e.emote, Emote::parse)?,
                _ => {}
            }
            Ok(())
        })?;
        Ok(e)
    }
}

impl<'a> Emote<'a> {
    fn parse(buf: &'a [u8]) -> Read<Self> {
        let mut e = Emote::default();
        each(buf, |f| {
            match f.number {
                1 => e.emote_id = f.string()?,
                2 => f.message(&mut e.image, full_image)?,
                5 => drop(f.int32()?),
                8 => drop(f.string()?),
                _ => {}
            }
            Ok(())
        })?;
        Ok(e)
    }
}

/// The full schema's `Image`, checked field by field; its first URL.
fn full_image(buf: &[u8]) -> Read<Option<&str>> {
    let mut first = None;
    each(buf, |f| {
        match f.number {
            1 => {
                let url = f.string()?;
                first.get_or_insert(url);
            }
            2 | 5 | 7 => drop(f.string()?),
            3 | 4 | 6 | 9 => drop(f.varint()?),
            _ => {}
        }
        Ok(())
    })?;
    Ok(first)
}

/// `WebcastChatMessage`.
#[derive(Debug, Clone, Copy, Default)]
pub struct ChatMessage<'a> {
    pub common: Option<Common<'a>>,
    pub user: Option<User<'a>>,
    pub content: &'a [u8],
    pub at_user: Option<User<'a>>,
    /// `emotes` (field 13).
    pub emotes: List<'a, EmoteWithIndex<'a>, 4>,
    pub content_language: &'a [u8],
    pub user_identity: Option<UserIdentity>,
}

impl<'a> ChatMessage<'a> {
    pub fn parse(buf: &'a [u8]) -> Read<Self> {
        let mut m = ChatMessage::default();
        let mut emotes = Span::default();
        each(buf, |f| {
            match f.number {
                1 => f.message(&mut m.common, Common::parse)?,
                2 => f.message(&mut m.user, User::parse)?,
                3 => m.content = f.bytes()?,
                12 => f.message(&mut m.at_user, User::parse_ref)?,
                13 => m.emotes.add(&f, &mut emotes)?,
                14 => m.content_language = f.bytes()?,
                18 => f.message(&mut m.user_identity, user_identity)?,
                _ => {}
            }
            Ok(())
        })?;
        emotes.close(&mut m.emotes, buf, 13);
        Ok(m)
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
        let mut g = GiftInfo::default();
        each(buf, |f| {
            match f.number {
                1 => f.message(&mut g.image, Image::parse)?,
                2 => g.describe = f.bytes()?,
                5 => g.id = f.int64()?,
                11 => g.r#type = f.int32()?,
                12 => g.diamond_count = f.int32()?,
                16 => g.name = f.bytes()?,
                _ => {}
            }
            Ok(())
        })?;
        Ok(g)
    }
}

/// `WebcastGiftMessage`.
#[derive(Debug, Clone, Copy, Default)]
pub struct GiftMessage<'a> {
    pub common: Option<Common<'a>>,
    pub gift_id: i64,
    pub fan_ticket_count: i64,
    pub group_count: i32,
    pub repeat_count: i32,
    pub combo_count: i32,
    pub user: Option<User<'a>>,
    pub to_user: Option<User<'a>>,
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
    pub fn parse(buf: &'a [u8]) -> Read<Self> {
        let mut m = GiftMessage::default();
        each(buf, |f| {
            match f.number {
                1 => f.message(&mut m.common, Common::parse)?,
                2 => m.gift_id = f.int64()?,
                3 => m.fan_ticket_count = f.int64()?,
                4 => m.group_count = f.int32()?,
                5 => m.repeat_count = f.int32()?,
                6 => m.combo_count = f.int32()?,
                7 => f.message(&mut m.user, User::parse)?,
                8 => f.message(&mut m.to_user, User::parse_ref)?,
                9 => m.repeat_end = f.int32()?,
                11 => m.group_id = f.varint()?,
                15 => f.message(&mut m.gift, GiftInfo::parse)?,
                23 => f.message(&mut m.monitor_info, |b| {
                    let mut to_user_id = 0;
                    each(b, |f| {
                        if f.number == 8 {
                            to_user_id = f.int64()?;
                        }
                        Ok(())
                    })?;
                    Ok(to_user_id)
                })?,
                32 => f.message(&mut m.user_identity, user_identity)?,
                45 => m.to_member_id = f.bytes()?,
                46 => m.to_member_id_int = f.int64()?,
                47 => m.to_member_nickname = f.bytes()?,
                _ => {}
            }
            Ok(())
        })?;
        Ok(m)
    }
}

/// `WebcastLikeMessage`.
#[derive(Debug, Clone, Copy, Default)]
pub struct LikeMessage<'a> {
    pub common: Option<Common<'a>>,
    pub count: i64,
    pub total: i64,
    pub user: Option<User<'a>>,
}

impl<'a> LikeMessage<'a> {
    pub fn parse(buf: &'a [u8]) -> Read<Self> {
        let mut m = LikeMessage::default();
        each(buf, |f| {
            match f.number {
                1 => f.message(&mut m.common, Common::parse)?,
                2 => m.count = f.int64()?,
                3 => m.total = f.int64()?,
                5 => f.message(&mut m.user, User::parse)?,
                _ => {}
            }
            Ok(())
        })?;
        Ok(m)
    }
}

/// `WebcastMemberMessage` (its `common` with the display text).
#[derive(Debug, Clone, Copy, Default)]
pub struct MemberMessage<'a> {
    pub common: Option<Common<'a>>,
    pub user: Option<User<'a>>,
    pub member_count: i64,
    pub action: i64,
}

impl<'a> MemberMessage<'a> {
    pub fn parse(buf: &'a [u8]) -> Read<Self> {
        let mut m = MemberMessage::default();
        each(buf, |f| {
            match f.number {
                1 => f.message(&mut m.common, Common::parse_with_text)?,
                2 => f.message(&mut m.user, User::parse)?,
                3 => m.member_count = f.int64()?,
                10 => m.action = f.int64()?,
                _ => {}
            }
            Ok(())
        })?;
        Ok(m)
    }
}

/// A viewer on the leaderboard of a viewer-count message (`Contributor`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Contributor<'a> {
    pub score: i64,
    pub user: Option<User<'a>>,
    pub rank: i64,
}

impl<'a> Contributor<'a> {
    fn parse(buf: &'a [u8]) -> Read<Self> {
        let mut c = Contributor::default();
        each(buf, |f| {
            match f.number {
                1 => c.score = f.int64()?,
                2 => f.message(&mut c.user, User::parse_ref)?,
                3 => c.rank = f.int64()?,
                _ => {}
            }
            Ok(())
        })?;
        Ok(c)
    }
}

/// `WebcastRoomUserSeqMessage` (viewer count and leaderboard).
#[derive(Debug, Clone, Default)]
pub struct RoomUserSeqMessage<'a> {
    pub common: Option<Common<'a>>,
    /// `ranks` (field 2): a dozen users or so, each read once (reading them
    /// again on demand cost more than this one allocation).
    pub ranks: Vec<Contributor<'a>>,
    pub total: i64,
    pub total_user: i64,
}

impl<'a> RoomUserSeqMessage<'a> {
    pub fn parse(buf: &'a [u8]) -> Read<Self> {
        let mut m = RoomUserSeqMessage::default();
        each(buf, |f| {
            match f.number {
                1 => f.message(&mut m.common, Common::parse)?,
                2 => m.ranks.push(Contributor::parse(f.bytes()?)?),
                3 => m.total = f.int64()?,
                7 => m.total_user = f.int64()?,
                _ => {}
            }
            Ok(())
        })?;
        Ok(m)
    }
}

/// `WebcastSocialMessage` (its `common` with the display text).
#[derive(Debug, Clone, Copy, Default)]
pub struct SocialMessage<'a> {
    pub common: Option<Common<'a>>,
    pub user: Option<User<'a>>,
    pub share_type: i64,
    pub share_target: &'a [u8],
    pub follow_count: i64,
}

impl<'a> SocialMessage<'a> {
    pub fn parse(buf: &'a [u8]) -> Read<Self> {
        let mut m = SocialMessage::default();
        each(buf, |f| {
            match f.number {
                1 => f.message(&mut m.common, Common::parse_with_text)?,
                2 => f.message(&mut m.user, User::parse)?,
                3 => m.share_type = f.int64()?,
                5 => m.share_target = f.bytes()?,
                6 => m.follow_count = f.int64()?,
                _ => {}
            }
            Ok(())
        })?;
        Ok(m)
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
    pub fn parse(buf: &'a [u8]) -> Read<Self> {
        let mut r = FetchResult::default();
        let mut messages = Span::default();
        each(buf, |f| {
            match f.number {
                1 => r.messages.add(&f, &mut messages)?,
                2 => r.cursor = f.string()?,
                3 => r.fetch_interval = f.int64()?,
                4 => r.now = f.int64()?,
                5 => r.internal_ext = f.string()?,
                6 | 9 | 11 | 13 => {
                    let v = f.varint()?;
                    if f.number == 9 {
                        r.need_ack = v != 0;
                    }
                }
                7 => {
                    let (mut key, mut value) = ("", "");
                    each(f.bytes()?, |f| {
                        match f.number {
                            1 => key = f.string()?,
                            2 => value = f.string()?,
                            _ => {}
                        }
                        Ok(())
                    })?;
                    r.route_params.insert(key, value);
                }
                8 => r.heartbeat_duration = f.int64()?,
                10 => r.push_server = f.string()?,
                12 => drop(f.string()?),
                _ => {}
            }
            Ok(())
        })?;
        messages.close(&mut r.messages, buf, 1);
        Ok(r)
    }
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
        let mut m = BaseMessage::default();
        each(buf, |f| {
            match f.number {
                1 => m.method = f.string()?,
                2 => m.payload = f.bytes()?,
                3 => m.msg_id = f.int64()?,
                6 => m.is_history = f.bool()?,
                4 | 5 | 7 => drop(f.varint()?),
                _ => {}
            }
            Ok(())
        })?;
        Ok(m)
    }
}

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
}
