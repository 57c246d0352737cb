//! The `data` object of every event, as typed structs.
//!
//! Each struct serialises (serde, camelCase) to exactly the JSON an NDJSON
//! line, a stored event or a webhook body carries under `data`, and
//! deserialises back from it (the pretty printer reads events that way), so a
//! renamed field breaks the build rather than the output. Strings borrow from
//! the decoded message where they can (`Cow`), since data is serialised right
//! away; [`GiftData`] is owned because the streak tracker keeps it.
//!
//! Shapes follow `spec/events-spec.md` for its 43 types; the types added with
//! TikTok-Live-Connector 2.5.0 carry the user fields (subNotify) or the whole
//! decoded message ([`GenericData`]).

use std::borrow::Cow;

use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};
use serde_json::Value;

use super::user::{CommonFields, UserFields, UserRef};
use super::whole::Whole;

fn is_false(v: &bool) -> bool {
    !*v
}

/// An emote inside a chat comment.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EmoteRef<'a> {
    pub emote_id: Cow<'a, str>,
    pub emote_image_url: Cow<'a, str>,
    pub place_in_comment: i32,
}

/// `chat`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChatData<'a> {
    #[serde(flatten)]
    pub user: UserFields<'a>,
    #[serde(flatten)]
    pub common: CommonFields,
    pub message: Cow<'a, str>,
    pub emotes: Vec<EmoteRef<'a>>,
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub content_language: Cow<'a, str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mentioned_user: Option<UserRef<'a>>,
}

/// `gift`. Kept typed (and owned) until the streak tracker has decided.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct GiftData {
    #[serde(flatten)]
    pub user: UserFields<'static>,
    #[serde(flatten)]
    pub common: CommonFields,
    pub gift_name: String,
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
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub gift_image_url: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub describe: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receiver: Option<UserRef<'static>>,
    /// Multi-guest LIVE: the guest who received the gift (GiftMessage.45,
    /// a string on the wire; v3 schema, assumed).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub to_member_id: String,
    /// The same id as a number (GiftMessage.46), as a string; 64-bit.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub to_member_id_int: String,
    /// The guest's nickname (GiftMessage.47).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub to_member_nickname: String,
    /// Set on a streak that was cut off (no `repeatEnd` arrived) and flushed.
    #[serde(default, skip_serializing_if = "is_false")]
    pub streak_interrupted: bool,
    #[serde(skip)]
    pub msg_id: Option<i64>,
}

/// `like`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LikeData<'a> {
    #[serde(flatten)]
    pub user: UserFields<'a>,
    #[serde(flatten)]
    pub common: CommonFields,
    pub like_count: i64,
    pub total_like_count: i64,
}

/// `member`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MemberData<'a> {
    #[serde(flatten)]
    pub user: UserFields<'a>,
    #[serde(flatten)]
    pub common: CommonFields,
    pub action_id: i64,
    pub member_count: i64,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub label: String,
}

/// A viewer on the leaderboard of `roomUpdate`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TopViewer<'a> {
    #[serde(flatten)]
    pub user: UserRef<'a>,
    pub coin_count: i64,
    pub rank: i64,
}

/// `roomUpdate`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoomUpdateData<'a> {
    pub viewer_count: i64,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub timestamp: String,
    pub total_viewers: i64,
    pub top_viewers: Vec<TopViewer<'a>>,
    #[serde(flatten)]
    pub common: CommonFields,
}

/// `social`, `follow` and `share`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SocialData<'a> {
    #[serde(flatten)]
    pub user: UserFields<'a>,
    #[serde(flatten)]
    pub common: CommonFields,
    pub display_type: String,
    /// `follow`, `share` or `social`.
    pub action: Cow<'a, str>,
    pub label: String,
    pub share_type: i64,
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub share_target: Cow<'a, str>,
    pub follow_count: i64,
}

/// One emote of an `emote` event.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EmoteItem<'a> {
    pub emote_id: Cow<'a, str>,
    pub emote_image_url: Cow<'a, str>,
    pub emote_name: Cow<'a, str>,
}

/// `emote`: the first emote's fields, and all of them.
#[derive(Debug, Serialize, Deserialize)]
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

/// `envelope` (a treasure chest) and `superFanBox`.
#[derive(Debug, Serialize, Deserialize)]
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

/// `questionNew`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QuestionData<'a> {
    #[serde(flatten)]
    pub user: UserFields<'a>,
    #[serde(flatten)]
    pub common: CommonFields,
    pub question_text: Cow<'a, str>,
    pub question_id: String,
}

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
#[derive(Debug, Serialize, Deserialize)]
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

/// `linkMicArmies`: the message without `armies` and `common`, and the
/// armies map.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ArmiesData {
    #[serde(flatten)]
    pub common: CommonFields,
    pub battle_info: Value,
    pub army: Value,
}

/// `liveIntro`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LiveIntroData<'a> {
    #[serde(flatten)]
    pub common: CommonFields,
    pub id: String,
    pub description: Cow<'a, str>,
    pub language: Cow<'a, str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<UserRef<'a>>,
}

/// `controlMessage` and `streamEnd`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ControlData<'a> {
    #[serde(flatten)]
    pub common: CommonFields,
    /// 3 stream ended, 4 suspended (these also give `streamEnd`).
    pub action: i32,
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub tips: Cow<'a, str>,
}

/// `barrage`: the banner over the chat. `superFan` and `superFanJoin` carry
/// [`SuperFanData`] for the same message.
#[derive(Debug, Serialize, Deserialize)]
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

/// `superFan` and `superFanJoin`: a super-fan barrage, with the user flat.
#[derive(Debug, Serialize, Deserialize)]
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

/// `goalUpdate`.
#[derive(Debug, Serialize, Deserialize)]
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

/// `roomMessage`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoomMessageData<'a> {
    #[serde(flatten)]
    pub common: CommonFields,
    pub content: Cow<'a, str>,
    pub source: i64,
    pub is_welcome: bool,
}

/// `captionMessage`.
#[derive(Debug, Serialize, Deserialize)]
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

/// `imDelete`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImDeleteData {
    #[serde(flatten)]
    pub common: CommonFields,
    pub message_id: String,
    pub message_ids: Vec<String>,
    pub user_ids: Vec<String>,
}

/// `inRoomBanner`: field 2 as JSON when it parses, else as text.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BannerData {
    #[serde(flatten)]
    pub common: CommonFields,
    pub data: Value,
}

/// `rankText`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RankTextData {
    #[serde(flatten)]
    pub common: CommonFields,
    pub text: String,
    pub scene: i64,
    pub owner_idx_before_update: i64,
    pub owner_idx_after_update: i64,
}

/// `subNotify`: a subscription. The user fields of every user event plus the
/// v3 `WebcastSubNotifyMessage` fields (numbers in proto/messages.proto).
#[derive(Debug, Serialize, Deserialize)]
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
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub package_id: Cow<'a, str>,
    /// v3 field 13, the whole nested message (`proto/v3.proto`
    /// `PublicAreaMessageCommon`, protobuf JSON names).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_area_message_common: Option<Value>,
    /// v3 field 15 (`RoomNotifyMessageEventTracking`): who gifted the
    /// subscription to whom, and when.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_tracking: Option<Value>,
}

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
