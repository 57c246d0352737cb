//! How a TikTok `User` becomes the flat user fields of an event
//! (`username`, `userId`, `nickname`, `profilePictureUrl`, …), and how a
//! localisable `Text` becomes a plain string.
//!
//! The functions take the full schema types, the lean ones (`proto::lean`)
//! and the wire reader's borrowed structs (`wire`, which the high-volume
//! messages are read with) alike, through the small view traits
//! [`UserView`], [`CommonView`] and [`TextView`].

use std::borrow::Cow;

use bytes::Bytes;
use serde::{Deserialize, Serialize};

use super::data::json_fields;
use super::json::{self, JsonError, Object, WriteJson, write_str, write_str_field};
use super::proto::{self, UserIdentity, lean};
use super::wire;

/// A protobuf text field read as UTF-8: a `String` of the full schema as it
/// is, a `bytes` field of the lean one (`proto/lean.proto`) borrowed when it
/// is valid UTF-8, else with each invalid sequence replaced by U+FFFD (what
/// protobuf.js, under TikTok-Live-Connector, does; the rest of the text is
/// kept). Tested by `lean_text_is_read_lossily` below.
pub trait TextField {
    fn text(&self) -> Cow<'_, str>;

    /// [`TextField::text`], and whether the text is known to need no JSON
    /// escape (found in the same pass as its UTF-8 check: see
    /// [`CleanTexts`]); by default not known.
    fn json_text(&self) -> (Cow<'_, str>, bool) {
        (self.text(), false)
    }
}

impl TextField for String {
    fn text(&self) -> Cow<'_, str> {
        Cow::Borrowed(self)
    }
}

impl TextField for [u8] {
    /// ASCII text with nothing to escape (ids, handles, URLs, most
    /// nicknames) is found by one check of its bytes (`json::is_ascii_clean`);
    /// other text is read as [`TextField::text`] reads it.
    #[inline]
    fn json_text(&self) -> (Cow<'_, str>, bool) {
        match ascii_text(self, true) {
            Some(s) => (Cow::Borrowed(s), true),
            None => (self.text(), false),
        }
    }

    fn text(&self) -> Cow<'_, str> {
        if let Some(s) = ascii_str(self) {
            return Cow::Borrowed(s);
        }
        // `from_utf8` first: its check is several times faster than the
        // chunked scan of `from_utf8_lossy` on text that is valid.
        match std::str::from_utf8(self) {
            Ok(s) => Cow::Borrowed(s),
            Err(_) => String::from_utf8_lossy(self),
        }
    }
}

/// `bytes` as text if every byte is ASCII, else `None`. Most text fields
/// are ASCII (ids, URLs, most nicknames): [`is_ascii`] reads them eight bytes
/// at a time, while `str::from_utf8`, with its per-call set-up and its
/// checks for multibyte sequences, cost 4% of a replay's CPU time (perf,
/// `watch --replay`, 20,000 frames).
#[inline]
pub(crate) fn ascii_str(bytes: &[u8]) -> Option<&str> {
    ascii_text(bytes, false)
}

/// `bytes` as text if every byte is ASCII, and with `json_clean` if also
/// none needs a JSON escape ([`json::is_ascii_clean`], the same pass); else
/// `None`. The one `unsafe` block of tiklive.
#[allow(unsafe_code)]
#[inline(always)]
fn ascii_text(bytes: &[u8], json_clean: bool) -> Option<&str> {
    let ascii = if json_clean {
        json::is_ascii_clean(bytes)
    } else {
        is_ascii(bytes)
    };
    // SAFETY: ASCII bytes are valid UTF-8 (each is a one-byte sequence).
    ascii.then(|| unsafe { std::str::from_utf8_unchecked(bytes) })
}

/// Whether every byte of `b` is below 0x80: what `<[u8]>::is_ascii` says,
/// in whole words only. The standard one reads 64-byte blocks and then the
/// rest byte by byte, and text fields are mostly shorter than a block (ids,
/// handles, nicknames) or end in a part of one (URLs): the byte loop was
/// most of `UserFields::from_user`'s time. Here a text of 16 bytes or more is
/// read in 16-byte blocks (two words), two blocks a step, the last block
/// overlapping the one before it; one of 8 to 15 bytes as two overlapping
/// words, of 4 to 7 as two overlapping halves, a shorter one byte by byte.
/// Tested against the standard one by `is_ascii_agrees_with_std` below.
#[inline]
fn is_ascii(b: &[u8]) -> bool {
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    let n = b.len();
    let word = |at: usize| {
        let mut w = [0u8; 8];
        w.copy_from_slice(&b[at..at + 8]);
        u64::from_ne_bytes(w)
    };
    if n >= 16 {
        let block = |at: usize| word(at) | word(at + 8);
        let mut seen = block(n - 16);
        let mut at = 0;
        while at + 32 <= n {
            seen |= block(at) | block(at + 16);
            at += 32;
        }
        if at + 16 <= n {
            seen |= block(at);
        }
        seen & HIGH == 0
    } else if n >= 8 {
        (word(0) | word(n - 8)) & HIGH == 0
    } else if n >= 4 {
        let half = |at: usize| {
            let mut w = [0u8; 4];
            w.copy_from_slice(&b[at..at + 4]);
            u32::from_ne_bytes(w)
        };
        (half(0) | half(n - 4)) & 0x8080_8080 == 0
    } else {
        b.iter().fold(0, |seen, &c| seen | c) < 0x80
    }
}

impl TextField for Bytes {
    fn text(&self) -> Cow<'_, str> {
        self[..].text()
    }
}

/// What a user reference ([`UserRef`]) reads of a user.
pub trait RefView {
    fn id(&self) -> i64;
    fn id_str(&self) -> Cow<'_, str>;
    fn nickname(&self) -> Cow<'_, str>;
    fn display_id(&self) -> Cow<'_, str>;
    /// The first URL of the thumb, medium or large avatar, in that order.
    fn avatar(&self) -> Option<Cow<'_, str>>;
}

/// `RefView` for a user type whose `id`, `id_str`, `nickname` and `display_id`
/// fields have the same names everywhere; `$u => $avatar` picks its avatar URL.
macro_rules! ref_view {
    ($ty:ty, $u:ident => $avatar:expr) => {
        impl RefView for $ty {
            fn id(&self) -> i64 {
                self.id
            }
            fn id_str(&self) -> Cow<'_, str> {
                self.id_str.text()
            }
            fn nickname(&self) -> Cow<'_, str> {
                self.nickname.text()
            }
            fn display_id(&self) -> Cow<'_, str> {
                self.display_id.text()
            }
            fn avatar(&self) -> Option<Cow<'_, str>> {
                let $u = self;
                $avatar
            }
        }
    };
    ($($ty:ty),*) => {$(
        ref_view!($ty, u => [&u.avatar_thumb, &u.avatar_medium, &u.avatar_large]
            .into_iter()
            .flatten()
            .find_map(|img| img.url_list.first())
            .map(TextField::text));
    )*};
}
pub(crate) use ref_view;

ref_view!(proto::User, lean::User, lean::RefUser);

ref_view!(wire::User<'_>, u => u.avatar.map(TextField::text));

/// What the mapping reads of a user for the full user fields ([`UserFields`]).
pub trait UserView: RefView {
    /// How a badge level is stored (`String`, `Bytes` or `[u8]`).
    type Level: TextField + ?Sized;
    fn sec_uid(&self) -> Cow<'_, str>;
    fn verified(&self) -> bool;
    /// `followInfo.followStatus`, else the top-level `followStatus`.
    fn follow_status(&self) -> i64;
    /// Each badge's scene type and level text (read only when wanted).
    fn badges(&self) -> impl Iterator<Item = (i32, Option<&Self::Level>)>;

    /// The texts [`UserFields`] shows, each with whether it is known to
    /// need no JSON escape ([`TextField::json_text`]); by default none is.
    fn texts(&self) -> UserTexts<'_> {
        let no = |t| (t, false);
        UserTexts {
            handle: no(self.display_id()),
            nickname: no(self.nickname()),
            avatar: no(self.avatar().unwrap_or_default()),
            sec_uid: no(self.sec_uid()),
        }
    }
}

/// A user's texts that [`UserFields`] shows, each with whether it is known
/// to need no JSON escape (see [`UserView::texts`]).
pub struct UserTexts<'a> {
    pub handle: (Cow<'a, str>, bool),
    pub nickname: (Cow<'a, str>, bool),
    /// The avatar's URL, empty when none.
    pub avatar: (Cow<'a, str>, bool),
    pub sec_uid: (Cow<'a, str>, bool),
}

macro_rules! user_view {
    ($ty:ty, $level:ty) => {
        impl UserView for $ty {
            type Level = $level;
            fn sec_uid(&self) -> Cow<'_, str> {
                self.sec_uid.text()
            }
            fn verified(&self) -> bool {
                self.verified
            }
            fn follow_status(&self) -> i64 {
                self.follow_info
                    .as_ref()
                    .map(|f| f.follow_status)
                    .filter(|s| *s != 0)
                    .unwrap_or(self.follow_status)
            }
            fn badges(&self) -> impl Iterator<Item = (i32, Option<&Self::Level>)> {
                self.badge_list.iter().map(|b| {
                    (
                        b.scene_type,
                        b.privilege_log_extra.as_ref().map(|p| &p.level),
                    )
                })
            }
        }
    };
}

user_view!(proto::User, String);
user_view!(lean::User, Bytes);

impl UserView for wire::User<'_> {
    type Level = [u8];
    fn sec_uid(&self) -> Cow<'_, str> {
        self.sec_uid.text()
    }
    fn verified(&self) -> bool {
        self.verified
    }
    fn follow_status(&self) -> i64 {
        self.follow_info
            .filter(|s| *s != 0)
            .unwrap_or(self.follow_status)
    }
    fn badges(&self) -> impl Iterator<Item = (i32, Option<&[u8]>)> {
        self.badges.iter().map(|b| (b.scene_type, b.level))
    }
    fn texts(&self) -> UserTexts<'_> {
        UserTexts {
            handle: self.display_id.json_text(),
            nickname: self.nickname.json_text(),
            avatar: self
                .avatar
                .map_or((Cow::Borrowed(""), true), TextField::json_text),
            sec_uid: self.sec_uid.json_text(),
        }
    }
}

/// What the mapping reads of `common`.
pub trait CommonView {
    fn msg_id(&self) -> i64;
    fn create_time(&self) -> i64;
}

macro_rules! common_view {
    ($($ty:ty),*) => {$(
        impl CommonView for $ty {
            fn msg_id(&self) -> i64 {
                self.msg_id
            }
            fn create_time(&self) -> i64 {
                self.create_time
            }
        }
    )*};
}

common_view!(
    proto::Common,
    lean::Common,
    lean::CommonWithText,
    wire::Common,
    wire::CommonWithText<'_>
);

/// The user fields every user event carries. `username` and `uniqueId` are both
/// the @handle (`displayId`, field 38): the spec calls it `username`, the Node
/// library `uniqueId`.
///
/// The strings borrow from the decoded message where they can (an event's data
/// is serialised right away, so copying them first was needless work); a gift,
/// which the streak tracker keeps, holds an owned copy (`into_owned`).
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct UserFields<'a> {
    pub username: Cow<'a, str>,
    pub unique_id: Cow<'a, str>,
    pub user_id: IdText<'a>,
    pub nickname: Cow<'a, str>,
    pub profile_picture_url: Cow<'a, str>,
    pub sec_uid: Cow<'a, str>,
    /// 0 none, 1 follows the host, 2 friends (mutual).
    pub follow_role: i64,
    pub is_moderator: bool,
    pub is_subscriber: bool,
    /// Gifter level from the user-grade badge; 0 when none is shown.
    pub gifter_level: i64,
    /// Fan-club ("team") level from the fans badge; 0 when none is shown.
    pub team_member_level: i64,
    pub verified: bool,
    /// Which of the strings above are known to need no JSON escape (not
    /// part of the JSON).
    #[serde(skip)]
    pub clean: CleanTexts,
}

/// Which strings of a [`UserFields`] are known to need no JSON escape: seen
/// to be ASCII without a quote, backslash or control in the same pass that
/// checked them as UTF-8 ([`UserFields::from_user`] of a user read by the
/// wire reader). Our JSON writer copies those between quotes without a
/// second look (`json_fields!`'s `clean` fields; serde writes them as any
/// string). Set only where the strings are made; a string changed after
/// must clear its bit (none is: the fields are written as made). A hint
/// about the text, not part of it: all values compare equal.
#[derive(Debug, Clone, Copy, Default)]
pub struct CleanTexts(u8);

impl CleanTexts {
    /// `username` and `uniqueId` (the same text).
    pub const HANDLE: u8 = 1;
    pub const NICKNAME: u8 = 2;
    pub const AVATAR: u8 = 4;
    pub const SEC_UID: u8 = 8;

    /// Whether `bit`'s string is known clean.
    #[inline(always)]
    pub fn has(self, bit: u8) -> bool {
        self.0 & bit != 0
    }
}

impl PartialEq for CleanTexts {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

json_fields!(UserFields<'_> {
    username: "username" clean HANDLE,
    unique_id: "uniqueId" clean HANDLE,
    user_id: "userId",
    nickname: "nickname" clean NICKNAME,
    profile_picture_url: "profilePictureUrl" clean AVATAR,
    sec_uid: "secUid" clean SEC_UID unless str::is_empty,
    follow_role: "followRole",
    is_moderator: "isModerator",
    is_subscriber: "isSubscriber",
    gifter_level: "gifterLevel",
    team_member_level: "teamMemberLevel",
    verified: "verified" unless std::ops::Not::not,
});

// Badge scene types (protocol.md §6 BadgeStruct, assumed; scene 4 observed on
// a subscriber badge in the chat fixture).
const SCENE_ADMIN: i32 = 1;
const SCENE_SUBSCRIBER: i32 = 4;
const SCENE_NEW_SUBSCRIBER: i32 = 7;
const SCENE_USER_GRADE: i32 = 8;
const SCENE_FANS: i32 = 10;

/// What a user's badges say, read in one pass over them.
#[derive(Default)]
struct Badges {
    /// A badge of scene [`SCENE_ADMIN`].
    admin: bool,
    /// A badge of scene [`SCENE_SUBSCRIBER`] or [`SCENE_NEW_SUBSCRIBER`].
    subscriber: bool,
    /// The highest level (as a number) of the [`SCENE_USER_GRADE`] badges,
    /// if one has a level.
    user_grade: Option<i64>,
    /// The same of the [`SCENE_FANS`] badges.
    fans: Option<i64>,
}

impl Badges {
    fn of(u: &impl UserView) -> Badges {
        let mut b = Badges::default();
        for (scene, level) in u.badges() {
            let slot = match scene {
                SCENE_ADMIN => {
                    b.admin = true;
                    continue;
                }
                SCENE_SUBSCRIBER | SCENE_NEW_SUBSCRIBER => {
                    b.subscriber = true;
                    continue;
                }
                SCENE_USER_GRADE => &mut b.user_grade,
                SCENE_FANS => &mut b.fans,
                _ => continue,
            };
            if let Some(n) = level.and_then(|l| l.text().parse::<i64>().ok()) {
                *slot = Some(slot.map_or(n, |m| m.max(n)));
            }
        }
        b
    }
}

impl<'a> UserFields<'a> {
    pub fn from_user(
        user: Option<&'a impl UserView>,
        identity: Option<&UserIdentity>,
    ) -> UserFields<'a> {
        let Some(u) = user else {
            return UserFields::default();
        };
        let badges = Badges::of(u);
        // Read (and checked as UTF-8) once: a borrowed `Cow` clones for free.
        let UserTexts {
            handle,
            nickname,
            avatar,
            sec_uid,
        } = u.texts();
        let bit = |(_, clean): &(Cow<'_, str>, bool), bit: u8| if *clean { bit } else { 0 };
        let clean = bit(&handle, CleanTexts::HANDLE)
            | bit(&nickname, CleanTexts::NICKNAME)
            | bit(&avatar, CleanTexts::AVATAR)
            | bit(&sec_uid, CleanTexts::SEC_UID);
        UserFields {
            username: handle.0.clone(),
            unique_id: handle.0,
            user_id: user_id(u),
            nickname: nickname.0,
            profile_picture_url: avatar.0,
            sec_uid: sec_uid.0,
            follow_role: u.follow_status(),
            is_moderator: badges.admin || identity.is_some_and(|i| i.is_moderator_of_anchor),
            is_subscriber: badges.subscriber || identity.is_some_and(|i| i.is_subscriber_of_anchor),
            gifter_level: badges.user_grade.unwrap_or(0),
            team_member_level: badges.fans.unwrap_or(0),
            verified: u.verified(),
            clean: CleanTexts(clean),
        }
    }

    /// An owned copy, independent of the decoded message.
    pub fn into_owned(self) -> UserFields<'static> {
        UserFields {
            username: self.username.into_owned().into(),
            unique_id: self.unique_id.into_owned().into(),
            user_id: self.user_id.into_owned(),
            nickname: self.nickname.into_owned().into(),
            profile_picture_url: self.profile_picture_url.into_owned().into(),
            sec_uid: self.sec_uid.into_owned().into(),
            ..self
        }
    }
}

/// The user id as a string: `idStr` when present, else the numeric id.
pub fn user_id(u: &impl RefView) -> IdText<'_> {
    let id_str = u.id_str();
    if !id_str.is_empty() {
        IdText::Text(id_str)
    } else if u.id() != 0 {
        IdText::Num(u.id())
    } else {
        IdText::default()
    }
}

pub fn avatar_url(u: &impl RefView) -> String {
    u.avatar().unwrap_or_default().into_owned()
}

/// A short user reference (receivers, viewers on the leaderboard, …). Borrows
/// like [`UserFields`].
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct UserRef<'a> {
    pub user_id: IdText<'a>,
    pub unique_id: Cow<'a, str>,
    pub nickname: Cow<'a, str>,
    pub profile_picture_url: Cow<'a, str>,
}

json_fields!(UserRef<'_> {
    user_id: "userId",
    unique_id: "uniqueId",
    nickname: "nickname",
    profile_picture_url: "profilePictureUrl",
});

impl<'a> UserRef<'a> {
    pub fn from_user(u: &'a impl RefView) -> UserRef<'a> {
        UserRef {
            user_id: user_id(u),
            unique_id: u.display_id(),
            nickname: u.nickname(),
            profile_picture_url: u.avatar().unwrap_or_default(),
        }
    }

    /// An owned copy, independent of the decoded message.
    pub fn into_owned(self) -> UserRef<'static> {
        UserRef {
            user_id: self.user_id.into_owned(),
            unique_id: self.unique_id.into_owned().into(),
            nickname: self.nickname.into_owned().into(),
            profile_picture_url: self.profile_picture_url.into_owned().into(),
        }
    }
}

/// Fields taken from `common`: the message id (a string, it is 64-bit) and the
/// creation time in ms.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct CommonFields {
    pub msg_id: IdText<'static>,
    pub create_time: i64,
}

json_fields!(CommonFields {
    msg_id: "msgId" unless IdText::is_empty,
    create_time: "createTime" unless is_zero,
});

/// A 64-bit id as our JSON shows it: a string of its decimal digits
/// (`"7312345678901234567"`, since JavaScript numbers lose such ids), or the
/// text the message gave (a user's `idStr`). Held as the number when it came
/// from a decoded integer, so building an event allocates nothing for it; it
/// is written with `itoa` into a stack buffer, the same bytes a `String` of it
/// gave (confirmed by the byte-for-byte replay comparison and
/// `tests/all_types.rs`).
///
/// Equality compares the text shown (`Num(42)` equals `Text("42")`). Read back
/// from JSON it is always `Text`. The default is the empty text (no id).
#[derive(Debug, Clone)]
pub enum IdText<'a> {
    Num(i64),
    Text(Cow<'a, str>),
}

impl Default for IdText<'_> {
    fn default() -> Self {
        IdText::Text(Cow::Borrowed(""))
    }
}

impl<'a> IdText<'a> {
    /// True for the empty text: no id (e.g. a message whose `msgId` is 0).
    pub fn is_empty(&self) -> bool {
        matches!(self, IdText::Text(s) if s.is_empty())
    }

    /// The id as a number: `None` for the empty text or a text that is not
    /// an `i64` (what `str::parse` says of its text).
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            IdText::Num(n) => Some(*n),
            IdText::Text(s) => s.parse().ok(),
        }
    }

    /// Calls `f` with the text shown, without allocating.
    fn with_text<R>(&self, f: impl FnOnce(&str) -> R) -> R {
        match self {
            IdText::Num(n) => f(itoa::Buffer::new().format(*n)),
            IdText::Text(s) => f(s),
        }
    }

    /// An owned copy, independent of the decoded message.
    pub fn into_owned(self) -> IdText<'static> {
        match self {
            IdText::Num(n) => IdText::Num(n),
            IdText::Text(s) => IdText::Text(Cow::Owned(s.into_owned())),
        }
    }
}

impl<'a> From<&'a str> for IdText<'a> {
    fn from(s: &'a str) -> Self {
        IdText::Text(Cow::Borrowed(s))
    }
}

impl From<String> for IdText<'_> {
    fn from(s: String) -> Self {
        IdText::Text(Cow::Owned(s))
    }
}

impl<'a> From<Cow<'a, str>> for IdText<'a> {
    fn from(s: Cow<'a, str>) -> Self {
        IdText::Text(s)
    }
}

impl PartialEq for IdText<'_> {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (IdText::Num(a), IdText::Num(b)) => a == b,
            _ => self.with_text(|a| other.with_text(|b| a == b)),
        }
    }
}

impl std::fmt::Display for IdText<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.with_text(|t| f.write_str(t))
    }
}

impl Serialize for IdText<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.with_text(|t| s.serialize_str(t))
    }
}

/// A number's digits are written quoted as they are: they need no escape
/// (the text [`Serialize`] gives, without [`write_str`]'s check of it).
impl WriteJson for IdText<'_> {
    #[inline]
    fn write_json(&self, out: &mut String) -> Result<(), JsonError> {
        match self {
            IdText::Num(n) => {
                out.push('"');
                out.push_str(itoa::Buffer::new().format(*n));
                out.push('"');
            }
            IdText::Text(s) => write_str(out, s),
        }
        Ok(())
    }

    /// The opening quote with the key (see [`WriteJson::write_field`]).
    /// Always inlined, as the other fields are (see [`Object::key`]).
    #[inline(always)]
    fn write_field(
        &self,
        o: &mut Object<'_>,
        _comma_key: &'static str,
        comma_key_quote: &'static str,
    ) -> Result<(), JsonError> {
        match self {
            IdText::Num(n) => {
                let out = o.key(comma_key_quote);
                out.push_str(itoa::Buffer::new().format(*n));
                out.push('"');
            }
            IdText::Text(s) => write_str_field(o, comma_key_quote, s, false),
        }
        Ok(())
    }
}

impl<'de> Deserialize<'de> for IdText<'_> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(IdText::from)
    }
}

fn is_zero(v: &i64) -> bool {
    *v == 0
}

impl CommonFields {
    pub fn from_common(c: Option<&impl CommonView>) -> CommonFields {
        c.map(|c| CommonFields {
            msg_id: if c.msg_id() != 0 {
                IdText::Num(c.msg_id())
            } else {
                IdText::default()
            },
            create_time: c.create_time(),
        })
        .unwrap_or_default()
    }
}

/// What rendering reads of a text piece.
pub enum PieceView<'a> {
    /// A user: shown by nickname, else handle.
    User {
        nickname: Cow<'a, str>,
        handle: Cow<'a, str>,
    },
    /// Anything else, already a string (a pattern, a gift name, a string value).
    Text(Cow<'a, str>),
}

/// What rendering reads of a localisable text.
pub trait TextView {
    fn key(&self) -> Cow<'_, str>;
    fn default_pattern(&self) -> Cow<'_, str>;
    fn piece(&self, index: usize) -> Option<PieceView<'_>>;
}

macro_rules! text_view {
    ($ty:ty) => {
        impl TextView for $ty {
            fn key(&self) -> Cow<'_, str> {
                self.key.text()
            }
            fn default_pattern(&self) -> Cow<'_, str> {
                self.default_pattern.text()
            }
            fn piece(&self, index: usize) -> Option<PieceView<'_>> {
                let piece = self.pieces.get(index)?;
                Some(
                    if let Some(u) = piece.user_value.as_ref().and_then(|v| v.user.as_ref()) {
                        PieceView::User {
                            nickname: u.nickname.text(),
                            handle: u.display_id.text(),
                        }
                    } else if let Some(p) = &piece.pattern_ref_value {
                        PieceView::Text(p.default_pattern.text())
                    } else if let Some(g) =
                        piece.gift_value.as_ref().and_then(|g| g.name_ref.as_ref())
                    {
                        PieceView::Text(g.default_pattern.text())
                    } else {
                        PieceView::Text(piece.string_value.text())
                    },
                )
            }
        }
    };
}

text_view!(proto::Text);
text_view!(lean::Text);

impl TextView for wire::Text<'_> {
    fn key(&self) -> Cow<'_, str> {
        self.key.text()
    }
    fn default_pattern(&self) -> Cow<'_, str> {
        self.default_pattern.text()
    }
    fn piece(&self, index: usize) -> Option<PieceView<'_>> {
        Some(match self.pieces.iter().nth(index)? {
            wire::Piece::User(u) => PieceView::User {
                nickname: u.nickname.text(),
                handle: u.display_id.text(),
            },
            wire::Piece::Text(text) => PieceView::Text(text.text()),
        })
    }
}

/// Render a `Text` by filling its pattern (`"{0:user} sent {1:gift}"`) with its
/// pieces. Unknown placeholders are dropped; no pattern gives the key.
pub fn render_text(t: &impl TextView) -> String {
    let mut out = String::new();
    render_text_into(t, &mut out);
    out
}

/// [`render_text`] appended to `out` (a buffer the caller reuses).
pub fn render_text_into(t: &impl TextView, out: &mut String) {
    let pattern = t.default_pattern();
    if pattern.is_empty() {
        out.push_str(&t.key());
        return;
    }
    out.reserve(pattern.len() + 16);
    let mut rest: &str = &pattern;
    // Braces are ASCII, so the byte offsets `memchr` finds are char
    // boundaries (and its search is cheaper than `str::find`'s).
    while let Some(start) = memchr::memchr(b'{', rest.as_bytes()) {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let Some(end) = memchr::memchr(b'}', after.as_bytes()) else {
            out.push_str(&rest[start..]);
            rest = "";
            break;
        };
        let placeholder = &after[..end];
        let index = placeholder
            .split(':')
            .next()
            .and_then(|i| i.parse::<usize>().ok());
        match index.and_then(|i| t.piece(i)) {
            Some(PieceView::User { nickname, handle }) => out.push_str(if nickname.is_empty() {
                &handle
            } else {
                &nickname
            }),
            Some(PieceView::Text(text)) => out.push_str(&text),
            None => {}
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
}

#[cfg(test)]
mod tests {
    use super::super::proto::{Text, TextPiece, TextPieceUser, User};
    use super::*;

    /// The ASCII shortcut gives what `from_utf8_lossy` gives, on ASCII
    /// text of every length around the 8-byte steps of `is_ascii`, on
    /// multibyte text and on bytes that are not UTF-8.
    #[test]
    fn text_fields_read_as_lossy_utf8() {
        let mut cases: Vec<Vec<u8>> = (0..40)
            .map(|n| b"abcdefghij".repeat(4)[..n].to_vec())
            .collect();
        cases.push("Ann 🤴 King".into());
        cases.push(b"ascii then \xff".to_vec());
        for n in 0..20 {
            // A non-ASCII byte at each position of an otherwise ASCII text.
            let mut v = b"x".repeat(20);
            v[n] = 0xc3;
            cases.push(v.clone());
            v.insert(n + 1, 0xa9);
            cases.push(v);
        }
        for bytes in &cases {
            assert_eq!(
                bytes[..].text(),
                String::from_utf8_lossy(bytes),
                "{bytes:?}"
            );
        }
    }

    /// The word-wise check says what the standard one says: ASCII text of
    /// every length up to 100, and one byte of 0x80 or 0xff at each place.
    #[test]
    fn is_ascii_agrees_with_std() {
        for n in 0..100 {
            let text: Vec<u8> = (0..n).map(|i| b'!' + (i % 90) as u8).collect();
            assert!(is_ascii(&text), "{n}");
            for at in 0..n {
                for high in [0x80, 0xff] {
                    let mut v = text.clone();
                    v[at] = high;
                    assert_eq!(is_ascii(&v), v.is_ascii(), "{n} {at}");
                    assert!(!is_ascii(&v));
                }
            }
        }
    }

    #[test]
    fn text_patterns_are_filled() {
        let t = Text {
            key: "k".into(),
            default_pattern: "{0:user} sent {1:string} {2:x}!".into(),
            pieces: vec![
                TextPiece {
                    user_value: Some(TextPieceUser {
                        user: Some(User {
                            nickname: "Ann".into(),
                            ..Default::default()
                        }),
                        with_colon: false,
                    }),
                    ..Default::default()
                },
                TextPiece {
                    string_value: "roses".into(),
                    ..Default::default()
                },
            ],
            ..Default::default()
        };
        assert_eq!(render_text(&t), "Ann sent roses !");
        let unclosed = Text {
            default_pattern: "a {0".into(),
            ..Default::default()
        };
        assert_eq!(render_text(&unclosed), "a {0");
    }

    /// One pass over the badges: the highest number among the levels of
    /// each scene (a level that is not a number is passed over), 0 when
    /// none; moderator and subscriber from their scenes.
    #[test]
    fn badges_give_levels_and_roles() {
        use super::super::proto::{Badge, PrivilegeLogExtra};
        let badge = |scene_type: i32, level: Option<&str>| Badge {
            scene_type,
            privilege_log_extra: level.map(|l| PrivilegeLogExtra {
                level: l.into(),
                ..Default::default()
            }),
            ..Default::default()
        };
        let fields = |badge_list: Vec<Badge>| {
            let u = User {
                badge_list,
                ..Default::default()
            };
            let f = UserFields::from_user(Some(&u), None);
            (
                f.gifter_level,
                f.team_member_level,
                f.is_moderator,
                f.is_subscriber,
            )
        };
        assert_eq!(fields(vec![]), (0, 0, false, false));
        let many = vec![
            badge(SCENE_USER_GRADE, Some("12")),
            badge(SCENE_FANS, Some("x")),
            badge(SCENE_USER_GRADE, Some("31")),
            badge(SCENE_USER_GRADE, None),
            badge(SCENE_FANS, Some("4")),
            badge(SCENE_USER_GRADE, Some("7")),
            badge(99, Some("50")),
        ];
        assert_eq!(fields(many), (31, 4, false, false));
        assert_eq!(
            fields(vec![badge(SCENE_FANS, Some("-2"))]),
            (0, -2, false, false)
        );
        assert_eq!(
            fields(vec![badge(SCENE_FANS, Some("no"))]),
            (0, 0, false, false)
        );
        assert_eq!(fields(vec![badge(SCENE_ADMIN, None)]), (0, 0, true, false));
        for scene in [SCENE_SUBSCRIBER, SCENE_NEW_SUBSCRIBER] {
            assert_eq!(fields(vec![badge(scene, Some("3"))]), (0, 0, false, true));
        }
    }

    /// A wire user's texts are marked clean when they are ASCII with
    /// nothing to escape, and only then; the user's JSON is the same
    /// whether our writer trusts the marks or serde writes every string.
    #[test]
    fn clean_texts_are_marked_and_written_the_same() {
        let users = [
            (
                "ann_1",
                "Ann",
                Some("https://p16.example/a.webp?x=1&y=2"),
                "MS4wLjAB",
            ),
            ("ann\"q", "Ann 🤴", None, ""),
            ("", "tab\there", Some(""), "back\\slash"),
        ];
        for (handle, nick, avatar, sec_uid) in users {
            let u = wire::User {
                id: 7,
                display_id: handle.as_bytes(),
                nickname: nick.as_bytes(),
                avatar: avatar.map(str::as_bytes),
                sec_uid: sec_uid.as_bytes(),
                ..Default::default()
            };
            let f = UserFields::from_user(Some(&u), None);
            let clean = |t: &str| t.is_ascii() && !t.contains(['"', '\\', '\t']);
            assert_eq!(f.clean.has(CleanTexts::HANDLE), clean(handle));
            assert_eq!(f.clean.has(CleanTexts::NICKNAME), clean(nick));
            assert_eq!(
                f.clean.has(CleanTexts::AVATAR),
                clean(avatar.unwrap_or_default())
            );
            assert_eq!(f.clean.has(CleanTexts::SEC_UID), clean(sec_uid));
            let mut direct = String::new();
            f.write_json(&mut direct).unwrap();
            assert_eq!(direct, serde_json::to_string(&f).unwrap());
        }
    }

    #[test]
    fn lean_text_is_read_lossily() {
        let u = lean::User {
            nickname: Bytes::from_static(b"Ann\xff!"),
            display_id: Bytes::from_static("ann_é".as_bytes()),
            ..Default::default()
        };
        assert_eq!(u.nickname(), "Ann\u{FFFD}!");
        assert!(matches!(u.display_id(), Cow::Borrowed("ann_é")));
        let fields = UserFields::from_user(Some(&u), None);
        assert_eq!(fields.nickname, "Ann\u{FFFD}!");
        assert_eq!(fields.username, "ann_é");
    }
}
