//! Inner message → event. Each wire method is routed to one handler that
//! decodes the payload and builds the spec's `data` object.
//!
//! The route is chosen from the method name alone, so a caller can skip the
//! payload of an unwanted kind without decoding it ([`Route::kinds`]).

use prost::Message;
use serde::Serialize;
use serde_json::{Value, json};

use super::event::Event;
use super::kind::EventKind;
use super::proto::*;
use super::reflect::message_json;
use super::time::format_iso_millis;
use super::user::{CommonFields, CommonView, UserFields, UserRef, render_text};

/// What a wire method decodes as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    Chat,
    Gift,
    Like,
    Member,
    RoomUserSeq,
    Social,
    EmoteChat,
    Envelope,
    QuestionNew,
    LinkMicBattle,
    LinkMicArmies,
    PunishFinish,
    BattleTask,
    FanTicket,
    LinkMicMethod,
    LiveIntro,
    Control,
    Barrage,
    HourlyRank,
    HourlyRankReward,
    GoalUpdate,
    RoomMessage,
    Caption,
    ImDelete,
    InRoomBanner,
    RankUpdate,
    Poll,
    RankText,
    UnauthorizedMember,
    OecLiveShopping,
    MsgDetect,
    Link,
    RoomVerify,
    LinkLayer,
    RoomPin,
}

impl Route {
    /// Every route, in declaration order.
    pub const ALL: &'static [Route] = &[
        Route::Chat,
        Route::Gift,
        Route::Like,
        Route::Member,
        Route::RoomUserSeq,
        Route::Social,
        Route::EmoteChat,
        Route::Envelope,
        Route::QuestionNew,
        Route::LinkMicBattle,
        Route::LinkMicArmies,
        Route::PunishFinish,
        Route::BattleTask,
        Route::FanTicket,
        Route::LinkMicMethod,
        Route::LiveIntro,
        Route::Control,
        Route::Barrage,
        Route::HourlyRank,
        Route::HourlyRankReward,
        Route::GoalUpdate,
        Route::RoomMessage,
        Route::Caption,
        Route::ImDelete,
        Route::InRoomBanner,
        Route::RankUpdate,
        Route::Poll,
        Route::RankText,
        Route::UnauthorizedMember,
        Route::OecLiveShopping,
        Route::MsgDetect,
        Route::Link,
        Route::RoomVerify,
        Route::LinkLayer,
        Route::RoomPin,
    ];

    /// The wire method TikTok sends for this route (`Webcast` + the schema
    /// name; `for_method` also accepts the bare name).
    pub fn method(self) -> String {
        format!("Webcast{}", self.message_name())
    }

    /// The route for a wire method. Accepts names with and without the
    /// `Webcast` prefix (observed: `LinkMicMethod` arrives bare in
    /// misc/payload_examples.json and the events-collector files).
    pub fn for_method(method: &str) -> Option<Route> {
        let name = method.strip_prefix("Webcast").unwrap_or(method);
        Some(match name {
            "ChatMessage" => Route::Chat,
            "GiftMessage" => Route::Gift,
            "LikeMessage" => Route::Like,
            "MemberMessage" => Route::Member,
            "RoomUserSeqMessage" => Route::RoomUserSeq,
            "SocialMessage" => Route::Social,
            "EmoteChatMessage" => Route::EmoteChat,
            "EnvelopeMessage" => Route::Envelope,
            "QuestionNewMessage" => Route::QuestionNew,
            "LinkMicBattle" => Route::LinkMicBattle,
            "LinkMicArmies" => Route::LinkMicArmies,
            "LinkMicBattlePunishFinish" => Route::PunishFinish,
            "LinkmicBattleTaskMessage" | "LinkMicBattleTaskMessage" => Route::BattleTask,
            "LinkMicFanTicketMethod" => Route::FanTicket,
            "LinkMicMethod" => Route::LinkMicMethod,
            "LiveIntroMessage" => Route::LiveIntro,
            "ControlMessage" => Route::Control,
            "BarrageMessage" => Route::Barrage,
            "HourlyRankMessage" => Route::HourlyRank,
            "HourlyRankRewardMessage" => Route::HourlyRankReward,
            "GoalUpdateMessage" => Route::GoalUpdate,
            "RoomMessage" => Route::RoomMessage,
            "CaptionMessage" => Route::Caption,
            "ImDeleteMessage" => Route::ImDelete,
            "InRoomBannerMessage" => Route::InRoomBanner,
            "RankUpdateMessage" => Route::RankUpdate,
            "PollMessage" => Route::Poll,
            "RankTextMessage" => Route::RankText,
            "UnauthorizedMemberMessage" => Route::UnauthorizedMember,
            "OecLiveShoppingMessage" => Route::OecLiveShopping,
            "MsgDetectMessage" => Route::MsgDetect,
            "LinkMessage" => Route::Link,
            "RoomVerifyMessage" => Route::RoomVerify,
            "LinkLayerMessage" => Route::LinkLayer,
            "RoomPinMessage" => Route::RoomPin,
            _ => return None,
        })
    }

    /// The kinds a message of this route can become. Used to skip payloads
    /// nobody asked for before decoding them.
    pub fn kinds(self) -> &'static [EventKind] {
        use EventKind as K;
        match self {
            Route::Chat => &[K::Chat],
            Route::Gift => &[K::Gift],
            Route::Like => &[K::Like],
            Route::Member => &[K::Member],
            Route::RoomUserSeq => &[K::RoomUpdate],
            Route::Social => &[K::Social, K::Follow, K::Share],
            Route::EmoteChat => &[K::Emote],
            Route::Envelope => &[K::Envelope],
            Route::QuestionNew => &[K::QuestionNew],
            Route::LinkMicBattle => &[K::LinkMicBattle],
            Route::LinkMicArmies => &[K::LinkMicArmies],
            Route::PunishFinish => &[K::LinkMicBattlePunishFinish],
            Route::BattleTask => &[K::LinkMicBattleTask],
            Route::FanTicket => &[K::LinkMicFanTicketMethod],
            Route::LinkMicMethod => &[K::LinkMicMethod],
            Route::LiveIntro => &[K::LiveIntro],
            Route::Control => &[K::ControlMessage, K::StreamEnd],
            Route::Barrage => &[K::Barrage, K::SuperFan],
            Route::HourlyRank | Route::HourlyRankReward => &[K::HourlyRank],
            Route::GoalUpdate => &[K::GoalUpdate],
            Route::RoomMessage => &[K::RoomMessage],
            Route::Caption => &[K::CaptionMessage],
            Route::ImDelete => &[K::ImDelete],
            Route::InRoomBanner => &[K::InRoomBanner],
            Route::RankUpdate => &[K::RankUpdate],
            Route::Poll => &[K::PollMessage],
            Route::RankText => &[K::RankText],
            Route::UnauthorizedMember => &[K::UnauthorizedMember],
            Route::OecLiveShopping => &[K::OecLiveShopping],
            Route::MsgDetect => &[K::MsgDetect],
            Route::Link => &[K::LinkMessage],
            Route::RoomVerify => &[K::RoomVerify],
            Route::LinkLayer => &[K::LinkLayer],
            Route::RoomPin => &[K::RoomPin],
        }
    }

    /// The schema message this route decodes with (for whole-message JSON).
    pub fn message_name(self) -> &'static str {
        match self {
            Route::Chat => "ChatMessage",
            Route::Gift => "GiftMessage",
            Route::Like => "LikeMessage",
            Route::Member => "MemberMessage",
            Route::RoomUserSeq => "RoomUserSeqMessage",
            Route::Social => "SocialMessage",
            Route::EmoteChat => "EmoteChatMessage",
            Route::Envelope => "EnvelopeMessage",
            Route::QuestionNew => "QuestionNewMessage",
            Route::LinkMicBattle => "LinkMicBattle",
            Route::LinkMicArmies => "LinkMicArmies",
            Route::PunishFinish => "LinkMicBattlePunishFinish",
            Route::BattleTask => "LinkmicBattleTaskMessage",
            Route::FanTicket => "LinkMicFanTicketMethod",
            Route::LinkMicMethod => "LinkMicMethod",
            Route::LiveIntro => "LiveIntroMessage",
            Route::Control => "ControlMessage",
            Route::Barrage => "BarrageMessage",
            Route::HourlyRank => "HourlyRankMessage",
            Route::HourlyRankReward => "HourlyRankRewardMessage",
            Route::GoalUpdate => "GoalUpdateMessage",
            Route::RoomMessage => "RoomMessage",
            Route::Caption => "CaptionMessage",
            Route::ImDelete => "ImDeleteMessage",
            Route::InRoomBanner => "InRoomBannerMessage",
            Route::RankUpdate => "RankUpdateMessage",
            Route::Poll => "PollMessage",
            Route::RankText => "RankTextMessage",
            Route::UnauthorizedMember => "UnauthorizedMemberMessage",
            Route::OecLiveShopping => "OecLiveShoppingMessage",
            Route::MsgDetect => "MsgDetectMessage",
            Route::Link => "LinkMessage",
            Route::RoomVerify => "RoomVerifyMessage",
            Route::LinkLayer => "LinkLayerMessage",
            Route::RoomPin => "RoomPinMessage",
        }
    }
}

/// A decoded message, before streak handling.
pub enum Mapped {
    Event(Event),
    /// Gifts stay typed until the streak tracker has decided about them.
    Gift(Box<GiftData>),
}

/// Why a payload could not be mapped.
pub type MapError = String;

/// Decode `payload` as `route` and build its event.
pub fn map_message(route: Route, payload: &[u8]) -> Result<Mapped, MapError> {
    let ev = match route {
        Route::Chat => chat(decode(payload)?),
        Route::Gift => {
            return Ok(Mapped::Gift(Box::new(GiftData::from_message(&decode(
                payload,
            )?))));
        }
        Route::Like => like(decode(payload)?),
        Route::Member => member(decode(payload)?),
        Route::RoomUserSeq => room_update(decode(payload)?),
        Route::Social => social(decode(payload)?),
        Route::EmoteChat => emote(decode(payload)?),
        Route::Envelope => envelope(decode(payload)?),
        Route::QuestionNew => question(decode(payload)?),
        Route::LinkMicBattle => battle(decode(payload)?, whole(route, payload)?),
        Route::LinkMicArmies => armies(whole(route, payload)?),
        Route::PunishFinish => generic(
            EventKind::LinkMicBattlePunishFinish,
            "battleData",
            whole(route, payload)?,
        ),
        Route::BattleTask => generic(
            EventKind::LinkMicBattleTask,
            "taskData",
            whole(route, payload)?,
        ),
        Route::FanTicket => generic(
            EventKind::LinkMicFanTicketMethod,
            "ticketData",
            whole(route, payload)?,
        ),
        Route::LinkMicMethod => generic(
            EventKind::LinkMicMethod,
            "methodData",
            whole(route, payload)?,
        ),
        Route::LiveIntro => live_intro(decode(payload)?),
        Route::Control => control(decode(payload)?),
        Route::Barrage => barrage(decode(payload)?, whole(route, payload)?),
        Route::HourlyRank | Route::HourlyRankReward => {
            generic(EventKind::HourlyRank, "rankData", whole(route, payload)?)
        }
        Route::GoalUpdate => goal(decode(payload)?, whole(route, payload)?),
        Route::RoomMessage => room_message(decode(payload)?),
        Route::Caption => caption(decode(payload)?, whole(route, payload)?),
        Route::ImDelete => im_delete(decode(payload)?),
        Route::InRoomBanner => in_room_banner(decode(payload)?),
        Route::RankUpdate => generic(EventKind::RankUpdate, "rankData", whole(route, payload)?),
        Route::Poll => generic(EventKind::PollMessage, "pollData", whole(route, payload)?),
        Route::RankText => rank_text(decode(payload)?),
        Route::UnauthorizedMember => generic(
            EventKind::UnauthorizedMember,
            "memberData",
            whole(route, payload)?,
        ),
        Route::OecLiveShopping => generic(
            EventKind::OecLiveShopping,
            "shoppingData",
            whole(route, payload)?,
        ),
        Route::MsgDetect => generic(
            EventKind::MsgDetect,
            "detectionData",
            whole(route, payload)?,
        ),
        Route::Link => generic(EventKind::LinkMessage, "linkData", whole(route, payload)?),
        Route::RoomVerify => generic(EventKind::RoomVerify, "verifyData", whole(route, payload)?),
        Route::LinkLayer => generic(EventKind::LinkLayer, "layerData", whole(route, payload)?),
        Route::RoomPin => generic(EventKind::RoomPin, "pinData", whole(route, payload)?),
    };
    Ok(Mapped::Event(ev))
}

fn decode<M: Message + Default>(payload: &[u8]) -> Result<M, MapError> {
    M::decode(payload).map_err(|e| e.to_string())
}

/// The whole message as JSON (camelCase names, 64-bit numbers as strings).
pub fn whole(route: Route, payload: &[u8]) -> Result<Value, MapError> {
    message_json(route.message_name(), payload)
}

fn msg_id(c: &Option<impl CommonView>) -> Option<i64> {
    c.as_ref().map(|c| c.msg_id()).filter(|id| *id != 0)
}

fn with_id(kind: EventKind, data: &impl Serialize, common: &Option<impl CommonView>) -> Event {
    let mut ev = Event::new(kind, data);
    ev.msg_id = msg_id(common);
    ev
}

/// `common.msgId` and `common.createTime` of a whole-message JSON (where the
/// JSON mapping made them strings).
fn common_ids(whole: &Value) -> (Option<i64>, Option<i64>) {
    let field = |name: &str| {
        whole
            .get("common")
            .and_then(|c| c.get(name))
            .and_then(Value::as_str)
            .and_then(|s| s.parse::<i64>().ok())
    };
    (field("msgId"), field("createTime"))
}

/// Generic events: the whole message under one key, plus msgId/createTime.
fn generic(kind: EventKind, key: &str, whole: Value) -> Event {
    let (msg_id, create_time) = common_ids(&whole);
    let mut data = serde_json::Map::new();
    if let Some(id) = msg_id {
        data.insert("msgId".into(), Value::String(id.to_string()));
    }
    if let Some(t) = create_time {
        data.insert("createTime".into(), Value::from(t));
    }
    data.insert(key.into(), whole);
    let mut ev = Event::new(kind, &data);
    ev.msg_id = msg_id;
    ev
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct EmoteRef {
    emote_id: String,
    emote_image_url: String,
    place_in_comment: i32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ChatData<'a> {
    #[serde(flatten)]
    user: UserFields<'a>,
    #[serde(flatten)]
    common: CommonFields,
    message: String,
    emotes: Vec<EmoteRef>,
    #[serde(skip_serializing_if = "String::is_empty")]
    content_language: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    mentioned_user: Option<UserRef<'a>>,
}

fn chat(m: lean::ChatMessage) -> Event {
    let data = ChatData {
        user: UserFields::from_user(m.user.as_ref(), m.user_identity.as_ref()),
        common: CommonFields::from_common(m.common.as_ref()),
        message: m.content,
        emotes: m
            .emotes
            .iter()
            .map(|e| EmoteRef {
                emote_id: e
                    .emote
                    .as_ref()
                    .map(|e| e.emote_id.clone())
                    .unwrap_or_default(),
                emote_image_url: e
                    .emote
                    .as_ref()
                    .and_then(|e| e.image.as_ref())
                    .and_then(|i| i.url_list.first().cloned())
                    .unwrap_or_default(),
                place_in_comment: e.index,
            })
            .collect(),
        content_language: m.content_language,
        mentioned_user: m
            .at_user
            .as_ref()
            .filter(|u| u.id != 0)
            .map(UserRef::from_user),
    };
    with_id(EventKind::Chat, &data, &m.common)
}

/// A gift event's data. Kept typed so the streak tracker can inspect it.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct GiftData {
    #[serde(flatten)]
    pub user: UserFields<'static>,
    #[serde(flatten)]
    pub common: CommonFields,
    pub gift_name: String,
    pub gift_id: i64,
    pub repeat_count: i64,
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
    /// Type-1 gifts come as streaks: counting only `repeatEnd` events (or using
    /// `--gift-streaks final`) counts each streak once.
    pub streakable: bool,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub gift_image_url: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub describe: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub receiver: Option<UserRef<'static>>,
    /// Set on a streak that was cut off (no `repeatEnd` arrived) and flushed.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub streak_interrupted: bool,
    #[serde(skip)]
    pub msg_id: Option<i64>,
}

impl GiftData {
    pub fn from_message(m: &lean::GiftMessage) -> GiftData {
        let gift = m.gift.clone().unwrap_or_default();
        let diamond_count = i64::from(gift.diamond_count);
        let repeat_count = i64::from(m.repeat_count.max(1));
        let receiver = match (&m.to_user, &m.monitor_info) {
            (Some(u), _) if u.id != 0 => Some(UserRef::from_user(u).into_owned()),
            (_, Some(info)) if info.to_user_id != 0 => Some(UserRef {
                user_id: info.to_user_id.to_string().into(),
                ..Default::default()
            }),
            _ => None,
        };
        GiftData {
            user: UserFields::from_user(m.user.as_ref(), m.user_identity.as_ref()).into_owned(),
            common: CommonFields::from_common(m.common.as_ref()),
            gift_name: gift.name.clone(),
            gift_id: if m.gift_id != 0 { m.gift_id } else { gift.id },
            repeat_count,
            repeat_end: m.repeat_end == 1,
            gift_type: gift.r#type,
            cost: diamond_count,
            diamond_count,
            total_diamonds: diamond_count * repeat_count,
            group_id: m.group_id.to_string(),
            group_count: i64::from(m.group_count),
            combo_count: i64::from(m.combo_count),
            streakable: gift.r#type == 1,
            gift_image_url: gift
                .image
                .as_ref()
                .and_then(|i| i.url_list.first().cloned())
                .unwrap_or_default(),
            describe: gift.describe,
            receiver,
            streak_interrupted: false,
            msg_id: msg_id(&m.common),
        }
    }

    pub fn into_event(self) -> Event {
        let mut ev = Event::new(EventKind::Gift, &self);
        ev.msg_id = self.msg_id;
        ev
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LikeData<'a> {
    #[serde(flatten)]
    user: UserFields<'a>,
    #[serde(flatten)]
    common: CommonFields,
    like_count: i64,
    total_like_count: i64,
}

fn like(m: lean::LikeMessage) -> Event {
    let data = LikeData {
        user: UserFields::from_user(m.user.as_ref(), None),
        common: CommonFields::from_common(m.common.as_ref()),
        like_count: m.count,
        total_like_count: m.total,
    };
    with_id(EventKind::Like, &data, &m.common)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MemberData<'a> {
    #[serde(flatten)]
    user: UserFields<'a>,
    #[serde(flatten)]
    common: CommonFields,
    action_id: i64,
    member_count: i64,
    #[serde(skip_serializing_if = "String::is_empty")]
    label: String,
}

fn member(m: lean::MemberMessage) -> Event {
    let label = m
        .common
        .as_ref()
        .and_then(|c| c.display_text.as_ref())
        .map(render_text)
        .unwrap_or_default();
    let data = MemberData {
        user: UserFields::from_user(m.user.as_ref(), None),
        common: CommonFields::from_common(m.common.as_ref()),
        action_id: m.action,
        member_count: m.member_count,
        label,
    };
    with_id(EventKind::Member, &data, &m.common)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TopViewer<'a> {
    #[serde(flatten)]
    user: UserRef<'a>,
    coin_count: i64,
    rank: i64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RoomUpdateData<'a> {
    viewer_count: i64,
    #[serde(skip_serializing_if = "String::is_empty")]
    timestamp: String,
    total_viewers: i64,
    top_viewers: Vec<TopViewer<'a>>,
    #[serde(flatten)]
    common: CommonFields,
}

fn room_update(m: lean::RoomUserSeqMessage) -> Event {
    let create_time = m.common.as_ref().map(|c| c.create_time).unwrap_or(0);
    let data = RoomUpdateData {
        viewer_count: m.total,
        timestamp: if create_time > 0 {
            format_iso_millis(create_time)
        } else {
            String::new()
        },
        total_viewers: m.total_user,
        top_viewers: m
            .ranks
            .iter()
            .map(|c| TopViewer {
                user: c.user.as_ref().map(UserRef::from_user).unwrap_or_default(),
                coin_count: c.score,
                rank: c.rank,
            })
            .collect(),
        common: CommonFields::from_common(m.common.as_ref()),
    };
    with_id(EventKind::RoomUpdate, &data, &m.common)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SocialData<'a> {
    #[serde(flatten)]
    user: UserFields<'a>,
    #[serde(flatten)]
    common: CommonFields,
    display_type: String,
    action: &'static str,
    label: String,
    share_type: i64,
    #[serde(skip_serializing_if = "String::is_empty")]
    share_target: String,
    follow_count: i64,
}

/// Follow/share/other, from `common.displayText.key` (observed keys:
/// `pm_main_follow_message_viewer_2`, `pm_mt_guidance_share`,
/// `pm_mt_guidance_viewer_5_share`).
fn social(m: lean::SocialMessage) -> Event {
    let text = m.common.as_ref().and_then(|c| c.display_text.as_ref());
    let key = text.map(|t| t.key.clone()).unwrap_or_default();
    let lower = key.to_ascii_lowercase();
    let (kind, action) = if lower.contains("follow") {
        (EventKind::Follow, "follow")
    } else if lower.contains("share") {
        (EventKind::Share, "share")
    } else {
        (EventKind::Social, "social")
    };
    let data = SocialData {
        user: UserFields::from_user(m.user.as_ref(), None),
        common: CommonFields::from_common(m.common.as_ref()),
        display_type: key,
        action,
        label: text.map(render_text).unwrap_or_default(),
        share_type: m.share_type,
        share_target: m.share_target,
        follow_count: m.follow_count,
    };
    with_id(kind, &data, &m.common)
}

fn emote(m: EmoteChatMessage) -> Event {
    let emotes: Vec<Value> = m
        .emote_list
        .iter()
        .map(|e| {
            json!({
                "emoteId": e.emote_id,
                "emoteImageUrl": e.image.as_ref().and_then(|i| i.url_list.first()).cloned().unwrap_or_default(),
                "emoteName": e.image.as_ref().map(|i| i.uri.clone()).unwrap_or_default(),
            })
        })
        .collect();
    let first = m.emote_list.first();
    let user = UserFields::from_user(m.user.as_ref(), m.user_identity.as_ref());
    let mut data = to_map(&user);
    extend(&mut data, &CommonFields::from_common(m.common.as_ref()));
    data.insert(
        "emoteId".into(),
        json!(first.map(|e| e.emote_id.clone()).unwrap_or_default()),
    );
    data.insert(
        "emoteName".into(),
        json!(
            first
                .and_then(|e| e.image.as_ref())
                .map(|i| i.uri.clone())
                .unwrap_or_default()
        ),
    );
    data.insert(
        "emoteImageUrl".into(),
        json!(
            first
                .and_then(|e| e.image.as_ref())
                .and_then(|i| i.url_list.first())
                .cloned()
                .unwrap_or_default()
        ),
    );
    data.insert("emotes".into(), Value::Array(emotes));
    with_id(EventKind::Emote, &data, &m.common)
}

fn envelope(m: EnvelopeMessage) -> Event {
    let info = m.envelope_info.unwrap_or_default();
    let mut data = to_map(&CommonFields::from_common(m.common.as_ref()));
    data.insert("username".into(), json!(info.send_user_name));
    data.insert("userId".into(), json!(info.send_user_id));
    data.insert("coins".into(), json!(info.diamond_count));
    data.insert("envelopeId".into(), json!(info.envelope_id));
    data.insert("businessType".into(), json!(info.business_type));
    data.insert("peopleCount".into(), json!(info.people_count));
    data.insert("unpackAt".into(), json!(info.unpack_at));
    data.insert("display".into(), json!(m.display));
    with_id(EventKind::Envelope, &data, &m.common)
}

fn question(m: QuestionNewMessage) -> Event {
    let q = m.details.unwrap_or_default();
    let mut data = to_map(&UserFields::from_user(q.user.as_ref(), None));
    extend(&mut data, &CommonFields::from_common(m.common.as_ref()));
    data.insert("questionText".into(), json!(q.content));
    data.insert("questionId".into(), json!(q.question_id.to_string()));
    with_id(EventKind::QuestionNew, &data, &m.common)
}

fn battle(m: LinkMicBattle, whole: Value) -> Event {
    let users: Vec<Value> = m
        .anchors_info
        .iter()
        .map(|a| {
            let u = a.value.as_ref().and_then(|v| v.user.as_ref());
            json!({
                "uniqueId": u.map(|u| u.display_id.clone()).unwrap_or_default(),
                "userId": u.map(|u| u.user_id).filter(|id| *id != 0).unwrap_or(a.key).to_string(),
                "nickname": u.map(|u| u.nickname.clone()).unwrap_or_default(),
                "profilePictureUrl": u.and_then(|u| u.avatar_thumb.as_ref()).and_then(|i| i.url_list.first()).cloned().unwrap_or_default(),
            })
        })
        .collect();
    let settings = m.battle_settings.unwrap_or_default();
    let mut data = to_map(&CommonFields::from_common(m.common.as_ref()));
    data.insert("battleId".into(), json!(m.battle_id.to_string()));
    data.insert("battleUsers".into(), Value::Array(users));
    data.insert("status".into(), json!(settings.status));
    data.insert("action".into(), json!(m.action));
    data.insert("battleData".into(), whole);
    with_id(EventKind::LinkMicBattle, &data, &m.common)
}

/// `battleInfo` is the message without `armies` and `common`; `army` is the
/// armies map. msgId/createTime come from `common` like every other event's.
fn armies(mut whole: Value) -> Event {
    let (msg_id, create_time) = common_ids(&whole);
    let (army, battle_info) = match whole.as_object_mut() {
        Some(o) => {
            let army = o.remove("armies").unwrap_or_else(|| json!({}));
            o.remove("common");
            (army, whole)
        }
        None => (json!({}), json!({})),
    };
    let mut data = serde_json::Map::new();
    if let Some(id) = msg_id {
        data.insert("msgId".into(), Value::String(id.to_string()));
    }
    if let Some(t) = create_time {
        data.insert("createTime".into(), Value::from(t));
    }
    data.insert("battleInfo".into(), battle_info);
    data.insert("army".into(), army);
    let mut ev = Event::new(EventKind::LinkMicArmies, &data);
    ev.msg_id = msg_id;
    ev
}

fn live_intro(m: LiveIntroMessage) -> Event {
    let mut data = to_map(&CommonFields::from_common(m.common.as_ref()));
    data.insert("id".into(), json!(m.id.to_string()));
    data.insert("description".into(), json!(m.content));
    data.insert("language".into(), json!(m.content_language));
    if let Some(host) = m.host.as_ref() {
        data.insert("host".into(), json!(UserRef::from_user(host)));
    }
    with_id(EventKind::LiveIntro, &data, &m.common)
}

/// Control action 3 (ended) and 4 (suspended) end the stream (protocol.md §6).
pub const STREAM_END_ACTIONS: [i32; 2] = [3, 4];

fn control(m: ControlMessage) -> Event {
    let kind = if STREAM_END_ACTIONS.contains(&m.action) {
        EventKind::StreamEnd
    } else {
        EventKind::ControlMessage
    };
    let mut data = to_map(&CommonFields::from_common(m.common.as_ref()));
    data.insert("action".into(), json!(m.action));
    if !m.tips.is_empty() {
        data.insert("tips".into(), json!(m.tips));
    }
    with_id(kind, &data, &m.common)
}

/// Super fan barrages are recognised by `ttlive_superfan` in the content key
/// (5.1) or the common barrage content key (24.1), case-insensitively.
fn barrage(m: BarrageMessage, whole: Value) -> Event {
    let is_super_fan = [&m.content, &m.common_barrage_content]
        .into_iter()
        .flatten()
        .any(|t| t.key.to_ascii_lowercase().contains("ttlive_superfan"));
    let message = m.content.as_ref().map(render_text).unwrap_or_default();
    let mut data = to_map(&CommonFields::from_common(m.common.as_ref()));
    if is_super_fan {
        if let Some(u) = m.user.as_ref() {
            extend(&mut data, &UserFields::from_user(Some(u), None));
        }
        data.insert("message".into(), json!(message));
        data.insert("fanData".into(), whole);
        return with_id(EventKind::SuperFan, &data, &m.common);
    }
    data.insert("message".into(), json!(message));
    data.insert(
        "user".into(),
        m.user
            .as_ref()
            .map(|u| json!(UserFields::from_user(Some(u), None)))
            .unwrap_or_else(|| json!({})),
    );
    data.insert(
        "displayType".into(),
        json!(
            m.content
                .as_ref()
                .map(|t| t.key.clone())
                .unwrap_or_default()
        ),
    );
    data.insert("msgType".into(), json!(m.msg_type));
    data.insert("barrageData".into(), whole);
    with_id(EventKind::Barrage, &data, &m.common)
}

fn goal(m: GoalUpdateMessage, whole: Value) -> Event {
    let goal = m.goal.clone().unwrap_or_default();
    let sub = goal.sub_goals.first().cloned().unwrap_or_default();
    let mut data = to_map(&CommonFields::from_common(m.common.as_ref()));
    let goal_id = if goal.id != 0 {
        goal.id.to_string()
    } else if !sub.id_str.is_empty() {
        sub.id_str.clone()
    } else {
        sub.id.to_string()
    };
    data.insert("goalId".into(), json!(goal_id));
    data.insert("progress".into(), json!(sub.progress));
    data.insert("target".into(), json!(sub.target));
    data.insert("description".into(), json!(goal.description));
    data.insert(
        "contributorUniqueId".into(),
        json!(m.contributor_display_id),
    );
    data.insert("contributeCount".into(), json!(m.contribute_count));
    data.insert("goalData".into(), whole);
    with_id(EventKind::GoalUpdate, &data, &m.common)
}

fn room_message(m: RoomMessage) -> Event {
    let mut data = to_map(&CommonFields::from_common(m.common.as_ref()));
    data.insert("content".into(), json!(m.content));
    data.insert("source".into(), json!(m.source));
    data.insert("isWelcome".into(), json!(m.is_welcome));
    with_id(EventKind::RoomMessage, &data, &m.common)
}

fn caption(m: CaptionMessage, whole: Value) -> Event {
    let text = m
        .content
        .iter()
        .map(|c| c.content.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let mut data = to_map(&CommonFields::from_common(m.common.as_ref()));
    data.insert("text".into(), json!(text));
    data.insert(
        "timestamp".into(),
        json!(if m.timestamp_ms > 0 {
            format_iso_millis(m.timestamp_ms)
        } else {
            String::new()
        }),
    );
    data.insert(
        "language".into(),
        json!(
            m.content
                .first()
                .map(|c| c.lang.clone())
                .unwrap_or_default()
        ),
    );
    data.insert("captionData".into(), whole);
    with_id(EventKind::CaptionMessage, &data, &m.common)
}

fn im_delete(m: ImDeleteMessage) -> Event {
    let ids: Vec<String> = m.delete_msg_ids.iter().map(i64::to_string).collect();
    let users: Vec<String> = m.delete_user_ids.iter().map(i64::to_string).collect();
    let mut data = to_map(&CommonFields::from_common(m.common.as_ref()));
    data.insert(
        "messageId".into(),
        json!(ids.first().cloned().unwrap_or_default()),
    );
    data.insert("messageIds".into(), json!(ids));
    data.insert("userIds".into(), json!(users));
    with_id(EventKind::ImDelete, &data, &m.common)
}

fn in_room_banner(m: InRoomBannerMessage) -> Event {
    // Field 2 is JSON text (observed); keep it as JSON when it parses.
    let inner = serde_json::from_str::<Value>(&m.data).unwrap_or(Value::String(m.data.clone()));
    let mut data = to_map(&CommonFields::from_common(m.common.as_ref()));
    data.insert("data".into(), inner);
    data.insert("position".into(), json!(m.position));
    data.insert("actionType".into(), json!(m.action_type));
    with_id(EventKind::InRoomBanner, &data, &m.common)
}

fn rank_text(m: RankTextMessage) -> Event {
    let text = m
        .self_get_badge_msg
        .as_ref()
        .or(m.other_get_badge_msg.as_ref())
        .map(render_text)
        .or_else(|| {
            m.common
                .as_ref()
                .and_then(|c| c.display_text.as_ref())
                .map(render_text)
        })
        .unwrap_or_default();
    let mut data = to_map(&CommonFields::from_common(m.common.as_ref()));
    data.insert("text".into(), json!(text));
    data.insert("scene".into(), json!(m.scene));
    data.insert(
        "ownerIdxBeforeUpdate".into(),
        json!(m.owner_idx_before_update),
    );
    data.insert(
        "ownerIdxAfterUpdate".into(),
        json!(m.owner_idx_after_update),
    );
    with_id(EventKind::RankText, &data, &m.common)
}

fn to_map(v: &impl Serialize) -> serde_json::Map<String, Value> {
    match serde_json::to_value(v) {
        Ok(Value::Object(m)) => m,
        _ => serde_json::Map::new(),
    }
}

fn extend(map: &mut serde_json::Map<String, Value>, v: &impl Serialize) {
    map.extend(to_map(v));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_is_listed_and_found_by_its_method() {
        for route in Route::ALL {
            assert_eq!(Route::for_method(&route.method()), Some(*route));
            assert_eq!(Route::for_method(route.message_name()), Some(*route));
        }
        let kinds: std::collections::BTreeSet<_> =
            Route::ALL.iter().flat_map(|r| r.kinds()).collect();
        // Every spec kind but the control and debug ones comes from a route.
        assert_eq!(kinds.len(), 43 - 5);
    }
}
