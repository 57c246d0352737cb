//! The `data` object of every event, as typed structs.
//!
//! Each struct serialises (serde, camelCase) to exactly the JSON an NDJSON
//! line, a stored event or a webhook body carries under `data`, and
//! deserialises back from it (the pretty printer reads events that way), so a
//! renamed field breaks the build rather than the output. Strings borrow from
//! the decoded message where they can (`Cow`), since data is serialised right
//! away; a [`GiftData`] the streak tracker keeps is made owned first
//! ([`GiftData::into_owned`]).
//!
//! Shapes follow `spec/events-spec.md` for its 43 types; the types added with
//! TikTok-Live-Connector 2.5.0 carry the user fields (subNotify) or the whole
//! decoded message ([`GenericData`]).

use std::borrow::Cow;

use serde::ser::{SerializeMap, SerializeStruct};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::Value;

use super::json::{self, JsonError, Object, Verbatim, WriteJson};
use super::user::{CommonFields, UserFields, UserRef};
use super::whole::Whole;

fn is_false(v: &bool) -> bool {
    !*v
}

/// A group of fields that event data writes in place, inside the object
/// that holds it (what `#[serde(flatten)]` does): [`UserFields`],
/// [`UserRef`], [`CommonFields`], and the data structs themselves.
///
/// serde's flatten writes the whole holding struct as a map, every key an
/// escaped string through `SerializeMap::serialize_entry`; that path was 15%
/// of a replay's instructions (callgrind, 2,000 frames). Written as struct
/// fields instead, each name is a literal the JSON writer copies as a
/// constant. Reading back still goes through the derived `Deserialize` with
/// `#[serde(flatten)]`; `tests::data_reads_back_as_written` checks both ways
/// agree, and the replay tests check every byte of the output.
pub trait InlineFields {
    /// Write the fields with `serialize_field`, in order, leaving out the
    /// same empty ones the derived impls left out.
    fn serialize_fields<S: SerializeStruct>(&self, s: &mut S) -> Result<(), S::Error>;

    /// How many fields [`Self::serialize_fields`] writes (the length that
    /// `serialize_struct` is given: serde_json writes `{}` at once for 0).
    fn field_count(&self) -> usize;

    /// Write the fields as [`Self::serialize_fields`] does, into an object
    /// of our own JSON writer without serde (see [`WriteJson`]). Always
    /// inlined, so that the holding object's keys stay constants.
    fn write_fields(&self, o: &mut Object<'_>) -> Result<(), JsonError>;
}

/// `None` writes nothing (as a flattened `Option` did).
impl<T: InlineFields> InlineFields for Option<T> {
    fn serialize_fields<S: SerializeStruct>(&self, s: &mut S) -> Result<(), S::Error> {
        match self {
            Some(fields) => fields.serialize_fields(s),
            None => Ok(()),
        }
    }

    fn field_count(&self) -> usize {
        self.as_ref().map_or(0, T::field_count)
    }

    #[inline(always)]
    fn write_fields(&self, o: &mut Object<'_>) -> Result<(), JsonError> {
        match self {
            Some(fields) => fields.write_fields(o),
            None => Ok(()),
        }
    }
}

/// [`InlineFields`] and `Serialize` (a struct of those fields) for a struct,
/// from its JSON fields in order, one of:
///
/// - `field: "jsonName"`;
/// - `field: "jsonName" unless pred`: left out when `pred(&self.field)`
///   (serde's `skip_serializing_if`);
/// - `field: inline`: an [`InlineFields`] value's fields, in place;
/// - `field: "jsonName" clean BIT` (before any `unless`): a string that
///   our writer copies without a check when `self.clean` (a
///   [`CleanTexts`]) has `CleanTexts::BIT` (serde writes it as any field).
///
/// Fields not listed are not written (serde's `skip`).
macro_rules! json_fields {
    ($ty:ty { $($body:tt)* }) => {
        impl $crate::webcast::data::InlineFields for $ty {
            fn serialize_fields<S: serde::ser::SerializeStruct>(
                &self,
                s: &mut S,
            ) -> Result<(), S::Error> {
                $crate::webcast::data::json_fields!(@fields self s $($body)*);
                Ok(())
            }

            fn field_count(&self) -> usize {
                $crate::webcast::data::json_fields!(@count self 0; $($body)*)
            }

            #[inline(always)]
            fn write_fields(
                &self,
                o: &mut $crate::webcast::json::Object<'_>,
            ) -> Result<(), $crate::webcast::json::JsonError> {
                $crate::webcast::data::json_fields!(@write self o $($body)*);
                Ok(())
            }
        }

        impl $crate::webcast::json::WriteJson for $ty {
            fn write_json(&self, out: &mut String) -> Result<(), $crate::webcast::json::JsonError> {
                let mut o = $crate::webcast::json::Object::open(out);
                $crate::webcast::data::InlineFields::write_fields(self, &mut o)?;
                o.close();
                Ok(())
            }
        }

        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let len = $crate::webcast::data::InlineFields::field_count(self);
                let mut st = s.serialize_struct(stringify!($ty), len)?;
                $crate::webcast::data::InlineFields::serialize_fields(self, &mut st)?;
                serde::ser::SerializeStruct::end(st)
            }
        }
    };
    (@count $self:ident $n:expr;) => { $n };
    (@count $self:ident $n:expr; $field:ident: inline, $($rest:tt)*) => {
        $crate::webcast::data::json_fields!(@count $self
            $n + $crate::webcast::data::InlineFields::field_count(&$self.$field); $($rest)*)
    };
    (@count $self:ident $n:expr; $field:ident: $key:literal unless $skip:path, $($rest:tt)*) => {
        $crate::webcast::data::json_fields!(@count $self
            $n + usize::from(!$skip(&$self.$field)); $($rest)*)
    };
    (@count $self:ident $n:expr; $field:ident: $key:literal clean $bit:ident $($rest:tt)*) => {
        $crate::webcast::data::json_fields!(@count $self $n; $field: $key $($rest)*)
    };
    (@count $self:ident $n:expr; $field:ident: $key:literal, $($rest:tt)*) => {
        $crate::webcast::data::json_fields!(@count $self $n + 1; $($rest)*)
    };
    (@write $self:ident $o:ident) => {};
    (@write $self:ident $o:ident $field:ident: inline, $($rest:tt)*) => {
        $crate::webcast::data::InlineFields::write_fields(&$self.$field, $o)?;
        $crate::webcast::data::json_fields!(@write $self $o $($rest)*);
    };
    (@write $self:ident $o:ident $field:ident: $key:literal clean $bit:ident unless $skip:path, $($rest:tt)*) => {
        if !$skip(&$self.$field) {
            $crate::webcast::data::json_fields!(@write $self $o $field: $key clean $bit,);
        }
        $crate::webcast::data::json_fields!(@write $self $o $($rest)*);
    };
    (@write $self:ident $o:ident $field:ident: $key:literal clean $bit:ident, $($rest:tt)*) => {
        $crate::webcast::json::write_str_field(
            $o,
            concat!(",\"", $key, "\":\""),
            &$self.$field,
            $self.clean.has($crate::webcast::user::CleanTexts::$bit),
        );
        $crate::webcast::data::json_fields!(@write $self $o $($rest)*);
    };
    (@write $self:ident $o:ident $field:ident: $key:literal unless $skip:path, $($rest:tt)*) => {
        if !$skip(&$self.$field) {
            $crate::webcast::data::json_fields!(@write $self $o $field: $key,);
        }
        $crate::webcast::data::json_fields!(@write $self $o $($rest)*);
    };
    (@write $self:ident $o:ident $field:ident: $key:literal, $($rest:tt)*) => {
        $crate::webcast::json::WriteJson::write_field(
            &$self.$field,
            $o,
            concat!(",\"", $key, "\":"),
            concat!(",\"", $key, "\":\""),
        )?;
        $crate::webcast::data::json_fields!(@write $self $o $($rest)*);
    };
    (@fields $self:ident $s:ident) => {};
    (@fields $self:ident $s:ident $field:ident: inline, $($rest:tt)*) => {
        $crate::webcast::data::InlineFields::serialize_fields(&$self.$field, $s)?;
        $crate::webcast::data::json_fields!(@fields $self $s $($rest)*);
    };
    (@fields $self:ident $s:ident $field:ident: $key:literal unless $skip:path, $($rest:tt)*) => {
        if !$skip(&$self.$field) {
            serde::ser::SerializeStruct::serialize_field($s, $key, &$self.$field)?;
        }
        $crate::webcast::data::json_fields!(@fields $self $s $($rest)*);
    };
    (@fields $self:ident $s:ident $field:ident: $key:literal clean $bit:ident $($rest:tt)*) => {
        $crate::webcast::data::json_fields!(@fields $self $s $field: $key $($rest)*);
    };
    (@fields $self:ident $s:ident $field:ident: $key:literal, $($rest:tt)*) => {
        serde::ser::SerializeStruct::serialize_field($s, $key, &$self.$field)?;
        $crate::webcast::data::json_fields!(@fields $self $s $($rest)*);
    };
}
pub(crate) use json_fields;

/// An emote inside a chat comment.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EmoteRef<'a> {
    pub emote_id: Cow<'a, str>,
    pub emote_image_url: Cow<'a, str>,
    pub place_in_comment: i32,
}

/// `chat`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChatData<'a> {
    #[serde(flatten)]
    pub user: UserFields<'a>,
    #[serde(flatten)]
    pub common: CommonFields,
    pub message: Cow<'a, str>,
    pub emotes: Vec<EmoteRef<'a>>,
    #[serde(default)]
    pub content_language: Cow<'a, str>,
    #[serde(default)]
    pub mentioned_user: Option<UserRef<'a>>,
}

json_fields!(ChatData<'_> {
    user: inline,
    common: inline,
    message: "message",
    emotes: "emotes",
    content_language: "contentLanguage" unless str::is_empty,
    mentioned_user: "mentionedUser" unless Option::is_none,
});

/// `gift`. Kept typed until the streak tracker has decided; borrowed from the
/// decoded message when every gift passes straight through, owned
/// ([`GiftData::into_owned`]) when the tracker keeps it.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct GiftData<'a> {
    #[serde(flatten)]
    pub user: UserFields<'a>,
    #[serde(flatten)]
    pub common: CommonFields,
    pub gift_name: Cow<'a, str>,
    pub gift_id: i64,
    pub repeat_count: i64,
    /// True on the last message of a streak, and on every non-streakable
    /// gift (it arrives once, with the wire field unset): counting the
    /// events where it is true counts each gift send once.
    pub repeat_end: bool,
    pub gift_type: i32,
    /// Diamonds per gift (the spec's `cost`).
    pub cost: i64,
    pub diamond_count: i64,
    /// `diamondCount × repeatCount`: the streak's value so far.
    pub total_diamonds: i64,
    pub group_id: String,
    pub group_count: i64,
    pub combo_count: i64,
    /// Type-1 gifts come as streaks of messages; others arrive once.
    pub streakable: bool,
    /// Fan tickets this message added (GiftMessage.3).
    #[serde(default)]
    pub fan_ticket_count: i64,
    #[serde(default)]
    pub gift_image_url: Cow<'a, str>,
    #[serde(default)]
    pub describe: Cow<'a, str>,
    #[serde(default)]
    pub receiver: Option<UserRef<'a>>,
    /// Multi-guest LIVE: the guest who received the gift (GiftMessage.45,
    /// a string on the wire; v3 schema, assumed).
    #[serde(default)]
    pub to_member_id: Cow<'a, str>,
    /// The same id as a number (GiftMessage.46), as a string; 64-bit.
    #[serde(default)]
    pub to_member_id_int: String,
    /// The guest's nickname (GiftMessage.47).
    #[serde(default)]
    pub to_member_nickname: Cow<'a, str>,
    /// Set on a streak that was cut off (no `repeatEnd` arrived) and flushed.
    #[serde(default)]
    pub streak_interrupted: bool,
    #[serde(skip)]
    pub msg_id: Option<i64>,
}

json_fields!(GiftData<'_> {
    user: inline,
    common: inline,
    gift_name: "giftName",
    gift_id: "giftId",
    repeat_count: "repeatCount",
    repeat_end: "repeatEnd",
    gift_type: "giftType",
    cost: "cost",
    diamond_count: "diamondCount",
    total_diamonds: "totalDiamonds",
    group_id: "groupId",
    group_count: "groupCount",
    combo_count: "comboCount",
    streakable: "streakable",
    fan_ticket_count: "fanTicketCount",
    gift_image_url: "giftImageUrl" unless str::is_empty,
    describe: "describe" unless str::is_empty,
    receiver: "receiver" unless Option::is_none,
    to_member_id: "toMemberId" unless str::is_empty,
    to_member_id_int: "toMemberIdInt" unless String::is_empty,
    to_member_nickname: "toMemberNickname" unless str::is_empty,
    streak_interrupted: "streakInterrupted" unless is_false,
});

/// `like`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LikeData<'a> {
    #[serde(flatten)]
    pub user: UserFields<'a>,
    #[serde(flatten)]
    pub common: CommonFields,
    pub like_count: i64,
    pub total_like_count: i64,
}

json_fields!(LikeData<'_> {
    user: inline,
    common: inline,
    like_count: "likeCount",
    total_like_count: "totalLikeCount",
});

/// `member`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MemberData<'a> {
    #[serde(flatten)]
    pub user: UserFields<'a>,
    #[serde(flatten)]
    pub common: CommonFields,
    pub action_id: i64,
    pub member_count: i64,
    #[serde(default)]
    pub label: Cow<'a, str>,
}

json_fields!(MemberData<'_> {
    user: inline,
    common: inline,
    action_id: "actionId",
    member_count: "memberCount",
    label: "label" unless str::is_empty,
});

/// A viewer on the leaderboard of `roomUpdate`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TopViewer<'a> {
    #[serde(flatten)]
    pub user: UserRef<'a>,
    pub coin_count: i64,
    pub rank: i64,
}

json_fields!(TopViewer<'_> {
    user: inline,
    coin_count: "coinCount",
    rank: "rank",
});

/// The `topViewers` of a `roomUpdate`: a list of viewers, or the list's
/// JSON text, written as it is (the mapping writes the text from its memo
/// of each viewer's fields: `leaderboard.rs`). Read back from JSON, always
/// a list.
#[derive(Debug, Clone)]
pub enum TopViewers<'a> {
    List(Cow<'a, [TopViewer<'a>]>),
    /// A JSON array of [`TopViewer`] objects.
    Json(Verbatim<'a>),
}

impl Serialize for TopViewers<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            TopViewers::List(list) => list.serialize(s),
            TopViewers::Json(text) => text.serialize(s),
        }
    }
}

/// Through serde ([`super::json::write_value`]).
impl WriteJson for TopViewers<'_> {
    fn write_json(&self, out: &mut String) -> Result<(), JsonError> {
        super::json::write_value(out, self)
    }
}

impl<'de> Deserialize<'de> for TopViewers<'_> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Vec::<TopViewer>::deserialize(d).map(|list| TopViewers::List(Cow::Owned(list)))
    }
}

/// `roomUpdate`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoomUpdateData<'a> {
    pub viewer_count: i64,
    /// `createTime` as ISO-8601 UTC with ms; empty when absent.
    #[serde(default)]
    pub timestamp: Cow<'a, str>,
    pub total_viewers: i64,
    /// As written by the mapping: the array's JSON text (see
    /// [`TopViewers`]); a list when read back from JSON.
    pub top_viewers: TopViewers<'a>,
    #[serde(flatten)]
    pub common: CommonFields,
}

json_fields!(RoomUpdateData<'_> {
    viewer_count: "viewerCount",
    timestamp: "timestamp" unless str::is_empty,
    total_viewers: "totalViewers",
    top_viewers: "topViewers",
    common: inline,
});

/// The fields of a `roomUpdate` but its leaderboard, for the mapping, which
/// writes the event's JSON with [`RoomUpdateFields::write_with`]: the
/// leaderboard (3-6 KB, the most of a `roomUpdate`) is then written once,
/// straight into the event's text, where a [`TopViewers::Json`] was written
/// into a buffer of its own and copied from there.
#[derive(Debug, Clone, Default)]
pub struct RoomUpdateFields<'a> {
    pub viewer_count: i64,
    /// As [`RoomUpdateData::timestamp`].
    pub timestamp: &'a str,
    pub total_viewers: i64,
    /// `common.msgId`; 0 when absent (no `msgId` written, as
    /// [`CommonFields::from_common`] has it).
    pub msg_id: i64,
    /// `common.createTime` (ms); 0 when absent (not written).
    pub create_time: i64,
}

impl RoomUpdateFields<'_> {
    /// Append what serialising the [`RoomUpdateData`] of these fields writes,
    /// with `top` writing its `topViewers` (a JSON array of [`TopViewer`]s) in
    /// place. `top`'s error is returned, `out` then holding part of the text.
    pub fn write_with<E>(
        &self,
        out: &mut String,
        top: impl FnOnce(&mut String) -> Result<(), E>,
    ) -> Result<(), E> {
        out.push_str("{\"viewerCount\":");
        json::write_int(out, self.viewer_count);
        if !self.timestamp.is_empty() {
            out.push_str(",\"timestamp\":");
            json::write_str(out, self.timestamp);
        }
        out.push_str(",\"totalViewers\":");
        json::write_int(out, self.total_viewers);
        out.push_str(",\"topViewers\":");
        top(out)?;
        if self.msg_id != 0 {
            out.push_str(",\"msgId\":\"");
            json::write_int(out, self.msg_id);
            out.push('"');
        }
        if self.create_time != 0 {
            out.push_str(",\"createTime\":");
            json::write_int(out, self.create_time);
        }
        out.push('}');
        Ok(())
    }
}

/// `social`, `follow` and `share`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SocialData<'a> {
    #[serde(flatten)]
    pub user: UserFields<'a>,
    #[serde(flatten)]
    pub common: CommonFields,
    /// `common.displayText.key`, e.g. `pm_mt_guidance_share`.
    pub display_type: Cow<'a, str>,
    /// `follow`, `share` or `social`.
    pub action: Cow<'a, str>,
    pub label: Cow<'a, str>,
    pub share_type: i64,
    #[serde(default)]
    pub share_target: Cow<'a, str>,
    pub follow_count: i64,
}

json_fields!(SocialData<'_> {
    user: inline,
    common: inline,
    display_type: "displayType",
    action: "action",
    label: "label",
    share_type: "shareType",
    share_target: "shareTarget" unless str::is_empty,
    follow_count: "followCount",
});

/// One emote of an `emote` event.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EmoteItem<'a> {
    pub emote_id: Cow<'a, str>,
    pub emote_image_url: Cow<'a, str>,
    pub emote_name: Cow<'a, str>,
}

/// `emote`: the first emote's fields, and all of them.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EmoteData<'a> {
    #[serde(flatten)]
    pub user: UserFields<'a>,
    #[serde(flatten)]
    pub common: CommonFields,
    pub emote_id: Cow<'a, str>,
    pub emote_name: Cow<'a, str>,
    pub emote_image_url: Cow<'a, str>,
    pub emotes: Vec<EmoteItem<'a>>,
}

json_fields!(EmoteData<'_> {
    user: inline,
    common: inline,
    emote_id: "emoteId",
    emote_name: "emoteName",
    emote_image_url: "emoteImageUrl",
    emotes: "emotes",
});

/// `envelope` (a treasure chest) and `superFanBox`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EnvelopeData<'a> {
    #[serde(flatten)]
    pub common: CommonFields,
    pub username: Cow<'a, str>,
    pub user_id: Cow<'a, str>,
    pub coins: i64,
    pub envelope_id: Cow<'a, str>,
    /// 19 is a super-fan box (v3 EnvelopeBusinessType, assumed).
    pub business_type: i64,
    pub people_count: i64,
    pub unpack_at: i64,
    pub display: i64,
}

json_fields!(EnvelopeData<'_> {
    common: inline,
    username: "username",
    user_id: "userId",
    coins: "coins",
    envelope_id: "envelopeId",
    business_type: "businessType",
    people_count: "peopleCount",
    unpack_at: "unpackAt",
    display: "display",
});

/// `questionNew`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QuestionData<'a> {
    #[serde(flatten)]
    pub user: UserFields<'a>,
    #[serde(flatten)]
    pub common: CommonFields,
    pub question_text: Cow<'a, str>,
    pub question_id: String,
}

json_fields!(QuestionData<'_> {
    user: inline,
    common: inline,
    question_text: "questionText",
    question_id: "questionId",
});

/// A host in a `linkMicBattle`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BattleUser<'a> {
    pub unique_id: Cow<'a, str>,
    pub user_id: String,
    pub nickname: Cow<'a, str>,
    pub profile_picture_url: Cow<'a, str>,
}

/// `linkMicBattle`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BattleData<'a> {
    #[serde(flatten)]
    pub common: CommonFields,
    pub battle_id: String,
    pub battle_users: Vec<BattleUser<'a>>,
    pub status: i64,
    pub action: i64,
    /// The whole message.
    pub battle_data: Whole,
}

json_fields!(BattleData<'_> {
    common: inline,
    battle_id: "battleId",
    battle_users: "battleUsers",
    status: "status",
    action: "action",
    battle_data: "battleData",
});

/// `linkMicArmies`: the message without `armies` and `common`, and the
/// armies map.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ArmiesData {
    #[serde(flatten)]
    pub common: CommonFields,
    pub battle_info: Value,
    pub army: Value,
}

json_fields!(ArmiesData {
    common: inline,
    battle_info: "battleInfo",
    army: "army",
});

/// `liveIntro`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LiveIntroData<'a> {
    #[serde(flatten)]
    pub common: CommonFields,
    pub id: String,
    pub description: Cow<'a, str>,
    pub language: Cow<'a, str>,
    #[serde(default)]
    pub host: Option<UserRef<'a>>,
}

json_fields!(LiveIntroData<'_> {
    common: inline,
    id: "id",
    description: "description",
    language: "language",
    host: "host" unless Option::is_none,
});

/// `controlMessage` and `streamEnd`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ControlData<'a> {
    #[serde(flatten)]
    pub common: CommonFields,
    /// 3 stream ended, 4 suspended (these also give `streamEnd`).
    pub action: i32,
    #[serde(default)]
    pub tips: Cow<'a, str>,
}

json_fields!(ControlData<'_> {
    common: inline,
    action: "action",
    tips: "tips" unless str::is_empty,
});

/// `barrage`: the banner over the chat. `superFan` and `superFanJoin` carry
/// [`SuperFanData`] for the same message.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BarrageData<'a> {
    #[serde(flatten)]
    pub common: CommonFields,
    pub message: String,
    /// The user, nested (the spec's shape), empty when none.
    pub user: Option<UserFields<'a>>,
    pub display_type: Cow<'a, str>,
    pub msg_type: i64,
    /// The whole message.
    pub barrage_data: Whole,
}

json_fields!(BarrageData<'_> {
    common: inline,
    message: "message",
    user: "user",
    display_type: "displayType",
    msg_type: "msgType",
    barrage_data: "barrageData",
});

/// `superFan` and `superFanJoin`: a super-fan barrage, with the user flat.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SuperFanData<'a> {
    #[serde(flatten)]
    pub common: CommonFields,
    #[serde(flatten)]
    pub user: Option<UserFields<'a>>,
    pub message: String,
    /// The whole message.
    pub fan_data: Whole,
}

json_fields!(SuperFanData<'_> {
    common: inline,
    user: inline,
    message: "message",
    fan_data: "fanData",
});

/// `goalUpdate`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GoalData<'a> {
    #[serde(flatten)]
    pub common: CommonFields,
    pub goal_id: String,
    pub progress: i64,
    pub target: i64,
    pub description: Cow<'a, str>,
    pub contributor_unique_id: Cow<'a, str>,
    pub contribute_count: i64,
    /// The whole message.
    pub goal_data: Whole,
}

json_fields!(GoalData<'_> {
    common: inline,
    goal_id: "goalId",
    progress: "progress",
    target: "target",
    description: "description",
    contributor_unique_id: "contributorUniqueId",
    contribute_count: "contributeCount",
    goal_data: "goalData",
});

/// `roomMessage`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoomMessageData<'a> {
    #[serde(flatten)]
    pub common: CommonFields,
    pub content: Cow<'a, str>,
    pub source: i64,
    pub is_welcome: bool,
}

json_fields!(RoomMessageData<'_> {
    common: inline,
    content: "content",
    source: "source",
    is_welcome: "isWelcome",
});

/// `captionMessage`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CaptionData<'a> {
    #[serde(flatten)]
    pub common: CommonFields,
    pub text: String,
    pub timestamp: String,
    pub language: Cow<'a, str>,
    /// The whole message.
    pub caption_data: Whole,
}

json_fields!(CaptionData<'_> {
    common: inline,
    text: "text",
    timestamp: "timestamp",
    language: "language",
    caption_data: "captionData",
});

/// `imDelete`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImDeleteData {
    #[serde(flatten)]
    pub common: CommonFields,
    pub message_id: String,
    pub message_ids: Vec<String>,
    pub user_ids: Vec<String>,
}

json_fields!(ImDeleteData {
    common: inline,
    message_id: "messageId",
    message_ids: "messageIds",
    user_ids: "userIds",
});

/// `inRoomBanner`: field 2 as JSON when it parses, else as text.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BannerData {
    #[serde(flatten)]
    pub common: CommonFields,
    pub data: Value,
}

json_fields!(BannerData {
    common: inline,
    data: "data",
});

/// `rankText`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RankTextData {
    #[serde(flatten)]
    pub common: CommonFields,
    pub text: String,
    pub scene: i64,
    pub owner_idx_before_update: i64,
    pub owner_idx_after_update: i64,
}

json_fields!(RankTextData {
    common: inline,
    text: "text",
    scene: "scene",
    owner_idx_before_update: "ownerIdxBeforeUpdate",
    owner_idx_after_update: "ownerIdxAfterUpdate",
});

/// `subNotify`: a subscription. The user fields of every user event plus the
/// v3 `WebcastSubNotifyMessage` fields (numbers in proto/messages.proto).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SubNotifyData<'a> {
    #[serde(flatten)]
    pub user: UserFields<'a>,
    #[serde(flatten)]
    pub common: CommonFields,
    /// Months subscribed (a 64-bit number on the wire, small in practice).
    pub sub_month: i64,
    pub subscribe_type: i32,
    pub exhibition_type: i32,
    pub old_subscribe_status: i32,
    pub message_type: i32,
    pub subscribing_status: i32,
    pub is_send: bool,
    pub is_custom: bool,
    pub gift_source: i32,
    pub message_display_style: i32,
    #[serde(default)]
    pub package_id: Cow<'a, str>,
    /// v3 field 13, the whole nested message (`proto/v3.proto`
    /// `PublicAreaMessageCommon`, protobuf JSON names).
    #[serde(default)]
    pub public_area_message_common: Option<Value>,
    /// v3 field 15 (`RoomNotifyMessageEventTracking`): who gifted the
    /// subscription to whom, and when.
    #[serde(default)]
    pub event_tracking: Option<Value>,
}

json_fields!(SubNotifyData<'_> {
    user: inline,
    common: inline,
    sub_month: "subMonth",
    subscribe_type: "subscribeType",
    exhibition_type: "exhibitionType",
    old_subscribe_status: "oldSubscribeStatus",
    message_type: "messageType",
    subscribing_status: "subscribingStatus",
    is_send: "isSend",
    is_custom: "isCustom",
    gift_source: "giftSource",
    message_display_style: "messageDisplayStyle",
    package_id: "packageId" unless str::is_empty,
    public_area_message_common: "publicAreaMessageCommon" unless Option::is_none,
    event_tracking: "eventTracking" unless Option::is_none,
});

/// A generic event: `msgId` and `createTime` from `common`, and the whole
/// decoded message (protobuf JSON mapping: camelCase names, 64-bit integers
/// as strings), either under one key (`rankData`, `pollData`, … as the spec
/// names it) or, for the types added since, as the data object itself.
#[derive(Debug)]
pub struct GenericData {
    pub common: CommonFields,
    /// The key to put the message under; `None` merges its fields in.
    pub key: Option<&'static str>,
    pub whole: Whole,
}

impl Serialize for GenericData {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        if !self.common.msg_id.is_empty() {
            map.serialize_entry("msgId", &self.common.msg_id)?;
        }
        if self.common.create_time != 0 {
            map.serialize_entry("createTime", &self.common.create_time)?;
        }
        match self.key {
            Some(key) => map.serialize_entry(key, &self.whole)?,
            None => self.whole.serialize_fields_into(&mut map)?,
        }
        map.end()
    }
}

/// `rawData`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RawData<'a> {
    pub message_type_name: Cow<'a, str>,
    /// The payload, base64.
    pub binary: String,
}

/// `unknown`: a method no route knows.
#[derive(Debug, Serialize, Deserialize)]
pub struct UnknownData<'a> {
    pub method: Cow<'a, str>,
    /// The payload, base64.
    pub payload: String,
}

/// `decodedData`: the whole message as the schema decodes it.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DecodedData<'a> {
    pub event: Cow<'a, str>,
    pub method: Cow<'a, str>,
    pub decoded_data: Whole,
    /// The payload, base64.
    pub binary: String,
}

#[cfg(test)]
mod tests {
    use serde::de::DeserializeOwned;

    use super::super::json;
    use super::super::user::IdText;
    use super::*;

    fn user() -> UserFields<'static> {
        UserFields {
            username: "ann".into(),
            unique_id: "ann".into(),
            user_id: IdText::Num(7_312_345_678_901_234_567),
            nickname: "Ann \"A\" ✨".into(),
            profile_picture_url: "https://p16.example/a.webp?x=1&y=2".into(),
            sec_uid: "MS4wLjAB".into(),
            follow_role: 2,
            is_moderator: true,
            is_subscriber: true,
            gifter_level: 12,
            team_member_level: 3,
            verified: true,
            // None marked clean: `user.rs` tests the marks.
            clean: Default::default(),
        }
    }

    fn viewer(n: i64) -> UserRef<'static> {
        UserRef {
            user_id: IdText::from(format!("{n}")),
            unique_id: format!("viewer{n}").into(),
            nickname: "V\\iewer".into(),
            profile_picture_url: "https://p16.example/v.webp".into(),
        }
    }

    fn common() -> CommonFields {
        CommonFields {
            msg_id: IdText::Num(7_400_000_000_000_000_001),
            create_time: 1_714_586_400_123,
        }
    }

    /// Written, read back with the derived `Deserialize` (which still
    /// flattens), and written again: the same text. Every field holds a
    /// value that is not its default, so a name written wrong would be read
    /// back as the default (or fail as missing) and change the text.
    fn round_trip<T: Serialize + DeserializeOwned + WriteJson>(value: &T) -> String {
        let text = json::to_string(value).unwrap();
        assert_eq!(text, serde_json::to_string(value).unwrap());
        assert_eq!(direct(value), text);
        let back: T = serde_json::from_str(&text).unwrap();
        assert_eq!(json::to_string(&back).unwrap(), text);
        text
    }

    /// `value` written by [`WriteJson`] (without serde).
    fn direct(value: &impl WriteJson) -> String {
        let mut out = String::new();
        value.write_json(&mut out).unwrap();
        out
    }

    #[test]
    fn data_reads_back_as_written() {
        let chat = round_trip(&ChatData {
            user: user(),
            common: common(),
            message: "hi".into(),
            emotes: vec![EmoteRef {
                emote_id: "e1".into(),
                emote_image_url: "https://e/1.png".into(),
                place_in_comment: 2,
            }],
            content_language: "en".into(),
            mentioned_user: Some(viewer(1)),
        });
        // The inline fields come first, in the order the struct gives them.
        assert!(chat.starts_with(
            r#"{"username":"ann","uniqueId":"ann","userId":"7312345678901234567","nickname":"Ann \"A\" ✨","#
        ));
        assert!(chat.contains(
            r#""verified":true,"msgId":"7400000000000000001","createTime":1714586400123,"message":"hi","#
        ));
        let gift = GiftData {
            user: user(),
            common: common(),
            gift_name: "Rose".into(),
            gift_id: 5655,
            repeat_count: 3,
            repeat_end: true,
            gift_type: 1,
            cost: 1,
            diamond_count: 1,
            total_diamonds: 3,
            group_id: "17".into(),
            group_count: 1,
            combo_count: 3,
            streakable: true,
            fan_ticket_count: 4,
            gift_image_url: "https://g/rose.png".into(),
            describe: "sent Rose".into(),
            receiver: Some(viewer(2)),
            to_member_id: "m1".into(),
            to_member_id_int: "99".into(),
            to_member_nickname: "Guest".into(),
            streak_interrupted: true,
            msg_id: None,
        };
        round_trip(&gift);
        let back: GiftData = serde_json::from_str(&json::to_string(&gift).unwrap()).unwrap();
        assert_eq!(back, gift);
        round_trip(&LikeData {
            user: user(),
            common: common(),
            like_count: 5,
            total_like_count: 500,
        });
        round_trip(&MemberData {
            user: user(),
            common: common(),
            action_id: 1,
            member_count: 42,
            label: "joined".into(),
        });
        let room = round_trip(&RoomUpdateData {
            viewer_count: 10,
            timestamp: "2024-05-01T18:00:00.123Z".into(),
            total_viewers: 20,
            top_viewers: TopViewers::List(
                vec![
                    TopViewer {
                        user: viewer(1),
                        coin_count: 9,
                        rank: 1,
                    },
                    TopViewer {
                        user: viewer(2),
                        coin_count: 8,
                        rank: 2,
                    },
                ]
                .into(),
            ),
            common: common(),
        });
        assert!(room.ends_with(
            r#""coinCount":8,"rank":2}],"msgId":"7400000000000000001","createTime":1714586400123}"#
        ));
        round_trip(&SocialData {
            user: user(),
            common: common(),
            display_type: "pm_mt_guidance_share".into(),
            action: "share".into(),
            label: "shared".into(),
            share_type: 1,
            share_target: "friends".into(),
            follow_count: 7,
        });
        round_trip(&SuperFanData {
            common: common(),
            user: Some(user()),
            message: "joined".into(),
            fan_data: Whole::Json(serde_json::json!({"a": "1"})),
        });
        round_trip(&BarrageData {
            common: common(),
            message: "banner".into(),
            user: Some(user()),
            display_type: "t".into(),
            msg_type: 3,
            barrage_data: Whole::Json(serde_json::json!({"b": 2})),
        });
    }

    #[test]
    fn empty_fields_are_left_out_as_before() {
        let like = LikeData {
            user: UserFields::default(),
            common: CommonFields::default(),
            like_count: 1,
            total_like_count: 2,
        };
        let text = json::to_string(&like).unwrap();
        assert_eq!(direct(&like), text);
        assert_eq!(
            text,
            r#"{"username":"","uniqueId":"","userId":"","nickname":"","profilePictureUrl":"","followRole":0,"isModerator":false,"isSubscriber":false,"gifterLevel":0,"teamMemberLevel":0,"likeCount":1,"totalLikeCount":2}"#
        );
        let fan = SuperFanData {
            common: CommonFields::default(),
            user: None,
            message: "m".into(),
            fan_data: Whole::Json(serde_json::json!({})),
        };
        // The first key written comes after fields left out.
        assert_eq!(direct(&fan), r#"{"message":"m","fanData":{}}"#);
        assert_eq!(json::to_string(&fan).unwrap(), direct(&fan));
        let control = ControlData {
            common: CommonFields {
                msg_id: IdText::default(),
                create_time: 5,
            },
            action: 3,
            tips: "".into(),
        };
        assert_eq!(direct(&control), r#"{"createTime":5,"action":3}"#);
        assert_eq!(json::to_string(&control).unwrap(), direct(&control));
    }
    /// [`RoomUpdateFields::write_with`] writes what serialising the
    /// [`RoomUpdateData`] writes, with and without the fields left out when
    /// empty, and returns `top`'s error.
    #[test]
    fn room_update_fields_write_as_the_data_serialises() {
        let top = r#"[{"userId":"1","uniqueId":"u1","nickname":"A","profilePictureUrl":"","coinCount":9,"rank":1}]"#;
        for (timestamp, msg_id, create_time) in [
            (
                "2024-05-01T18:00:00.123Z",
                7_400_000_000_000_000_001,
                1_714_586_400_123,
            ),
            ("", 0, 0),
            ("", -5, 0),
            ("t", 0, -1),
        ] {
            let fields = RoomUpdateFields {
                viewer_count: -3,
                timestamp,
                total_viewers: 20,
                msg_id,
                create_time,
            };
            let data = RoomUpdateData {
                viewer_count: -3,
                timestamp: timestamp.into(),
                total_viewers: 20,
                top_viewers: TopViewers::Json(Verbatim(top)),
                common: CommonFields {
                    msg_id: if msg_id != 0 {
                        IdText::Num(msg_id)
                    } else {
                        IdText::default()
                    },
                    create_time,
                },
            };
            let mut out = String::from("x");
            fields
                .write_with(&mut out, |out| {
                    out.push_str(top);
                    Ok::<(), ()>(())
                })
                .unwrap();
            assert_eq!(out[1..], json::to_string(&data).unwrap());
        }
        let mut out = String::new();
        let refused = RoomUpdateFields::default().write_with(&mut out, |_| Err("refused"));
        assert_eq!(refused, Err("refused"));
    }
}
