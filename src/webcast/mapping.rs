//! Inner message → events, through one route table ([`ROUTES`]).
//!
//! Each wire method is listed once, with its schema message, the event types
//! it can give, how it is decoded and its category. The route is chosen from
//! the method name alone, so a caller can skip the payload of an unwanted
//! type without decoding it ([`Route::kinds`]).
//!
//! Sources: the 62 methods TikTok-Live-Connector 2.5.0 routes (its
//! `WebcastEventMap` plus `WebcastGiftMessage`) and TikTokLive 7.0.1's
//! `EVENT_MAPPINGS`, with ZT 2.5.0's event names; plus
//! `WebcastHourlyRankMessage`, which our spec routes to `hourlyRank` too.
//! Semantics per shared/reference/protocol.md, "Late-2026 update".

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

use bytes::Bytes;

use prost::{Message, Name};
use serde::Serialize;
use serde_json::{Value, json};
use smallvec::{SmallVec, smallvec};

use super::data::*;
use super::event::{Event, Json};
use super::json::WriteJson;
use super::kind::EventKind;
use super::leaderboard;
use super::lenient::{self, Mismatch};
use super::proto::*;
use super::reflect::{decode_whole, message_json};
use super::time::{format_iso_millis, write_iso_millis};
use super::user::{
    CommonFields, CommonView, IdText, TextField, TextView, UserFields, UserRef, render_text,
    render_text_into,
};
use super::whole::Whole as WholeMessage;
use super::wire;

pub use super::data::GiftData;

/// What a route's events are about (for documentation and grouping).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    /// Viewers doing something: chat, gifts, likes, joining, following.
    Viewer,
    /// The room's state: viewer counts, banners, pins, captions, intros.
    Room,
    /// Battles and co-hosting (link mic).
    Battle,
    /// Rankings, goals, polls and other gamification.
    Engagement,
    /// Shopping and partnership campaigns.
    Commerce,
    /// Moderation, notices and control of the stream.
    System,
}

/// How a route's payload becomes events.
#[derive(Clone, Copy)]
pub enum Decode {
    /// A typed mapping.
    Typed(fn(&Payload<'_>, &mut Vec<Mismatch>) -> Result<Mapped, MapError>),
    /// The whole message under this key (the spec's generic events).
    Keyed(&'static str),
    /// The whole message as the data object (types added since the spec).
    Whole,
}

/// One row of the route table.
pub struct RouteInfo {
    pub route: Route,
    /// The wire method, e.g. `WebcastChatMessage`.
    pub method: &'static str,
    /// The schema message in `proto/`, relative to package `tiklive.webcast`:
    /// `ChatMessage`, or `v3.BoostCardMessage` for the messages carried whole
    /// (`proto/v3.proto`).
    pub message: &'static str,
    /// The event types this method can give; the first is its main one.
    pub kinds: &'static [EventKind],
    pub decode: Decode,
    pub category: Category,
}

macro_rules! routes {
    ($($route:ident: $method:literal, $message:literal, [$($kind:ident),+], $decode:expr, $cat:ident;)*) => {
        /// A wire method we decode. See [`ROUTES`].
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Route {
            $($route,)*
        }

        /// The route table: every method, once.
        pub static ROUTES: &[RouteInfo] = &[$(RouteInfo {
            route: Route::$route,
            method: $method,
            message: $message,
            kinds: &[$(EventKind::$kind),+],
            decode: $decode,
            category: Category::$cat,
        },)*];

        impl Route {
            /// Every route, in table order.
            pub const ALL: &'static [Route] = &[$(Route::$route,)*];

            /// The route of a method named as TikTok sends it
            /// (`WebcastChatMessage`), by string compares in table order (the
            /// high-volume routes first); None for any other name.
            fn by_wire_method(method: &str) -> Option<Route> {
                match method {
                    $($method => Some(Route::$route),)*
                    _ => None,
                }
            }
        }
    };
}

use Decode::{Keyed, Typed, Whole};

routes! {
    Chat: "WebcastChatMessage", "ChatMessage", [Chat], Typed(chat), Viewer;
    Gift: "WebcastGiftMessage", "GiftMessage", [Gift], Typed(gift), Viewer;
    Like: "WebcastLikeMessage", "LikeMessage", [Like], Typed(like), Viewer;
    Member: "WebcastMemberMessage", "MemberMessage", [Member], Typed(member), Viewer;
    RoomUserSeq: "WebcastRoomUserSeqMessage", "RoomUserSeqMessage", [RoomUpdate], Typed(room_update), Room;
    Social: "WebcastSocialMessage", "SocialMessage", [Social, Follow, Share], Typed(social), Viewer;
    EmoteChat: "WebcastEmoteChatMessage", "EmoteChatMessage", [Emote], Typed(emote), Viewer;
    Envelope: "WebcastEnvelopeMessage", "EnvelopeMessage", [Envelope, SuperFanBox], Typed(envelope), Viewer;
    QuestionNew: "WebcastQuestionNewMessage", "QuestionNewMessage", [QuestionNew], Typed(question), Viewer;
    LinkMicBattle: "WebcastLinkMicBattle", "LinkMicBattle", [LinkMicBattle], Typed(battle), Battle;
    LinkMicArmies: "WebcastLinkMicArmies", "LinkMicArmies", [LinkMicArmies], Typed(armies), Battle;
    PunishFinish: "WebcastLinkMicBattlePunishFinish", "LinkMicBattlePunishFinish", [LinkMicBattlePunishFinish], Keyed("battleData"), Battle;
    BattleTask: "WebcastLinkmicBattleTaskMessage", "LinkmicBattleTaskMessage", [LinkMicBattleTask], Keyed("taskData"), Battle;
    FanTicket: "WebcastLinkMicFanTicketMethod", "LinkMicFanTicketMethod", [LinkMicFanTicketMethod], Keyed("ticketData"), Battle;
    LinkMicMethod: "WebcastLinkMicMethod", "LinkMicMethod", [LinkMicMethod], Keyed("methodData"), Battle;
    LiveIntro: "WebcastLiveIntroMessage", "LiveIntroMessage", [LiveIntro], Typed(live_intro), Room;
    Control: "WebcastControlMessage", "ControlMessage", [ControlMessage, StreamEnd], Typed(control), System;
    Barrage: "WebcastBarrageMessage", "BarrageMessage", [Barrage, SuperFan, SuperFanJoin], Typed(barrage), Viewer;
    HourlyRank: "WebcastHourlyRankMessage", "HourlyRankMessage", [HourlyRank], Keyed("rankData"), Engagement;
    HourlyRankReward: "WebcastHourlyRankRewardMessage", "HourlyRankRewardMessage", [HourlyRank], Keyed("rankData"), Engagement;
    GoalUpdate: "WebcastGoalUpdateMessage", "GoalUpdateMessage", [GoalUpdate], Typed(goal), Engagement;
    RoomMessage: "WebcastRoomMessage", "RoomMessage", [RoomMessage], Typed(room_message), Room;
    Caption: "WebcastCaptionMessage", "CaptionMessage", [CaptionMessage], Typed(caption), Room;
    ImDelete: "WebcastImDeleteMessage", "ImDeleteMessage", [ImDelete], Typed(im_delete), System;
    InRoomBanner: "WebcastInRoomBannerMessage", "InRoomBannerMessage", [InRoomBanner], Typed(in_room_banner), Room;
    RankUpdate: "WebcastRankUpdateMessage", "RankUpdateMessage", [RankUpdate], Keyed("rankData"), Engagement;
    Poll: "WebcastPollMessage", "PollMessage", [PollMessage], Keyed("pollData"), Engagement;
    RankText: "WebcastRankTextMessage", "RankTextMessage", [RankText], Typed(rank_text), Engagement;
    UnauthorizedMember: "WebcastUnauthorizedMemberMessage", "UnauthorizedMemberMessage", [UnauthorizedMember], Keyed("memberData"), Viewer;
    OecLiveShopping: "WebcastOecLiveShoppingMessage", "OecLiveShoppingMessage", [OecLiveShopping], Keyed("shoppingData"), Commerce;
    MsgDetect: "WebcastMsgDetectMessage", "MsgDetectMessage", [MsgDetect], Keyed("detectionData"), System;
    Link: "WebcastLinkMessage", "LinkMessage", [LinkMessage], Keyed("linkData"), Battle;
    RoomVerify: "WebcastRoomVerifyMessage", "RoomVerifyMessage", [RoomVerify], Keyed("verifyData"), System;
    LinkLayer: "WebcastLinkLayerMessage", "LinkLayerMessage", [LinkLayer], Keyed("layerData"), Battle;
    RoomPin: "WebcastRoomPinMessage", "RoomPinMessage", [RoomPin], Keyed("pinData"), Room;
    SubNotify: "WebcastSubNotifyMessage", "SubNotifyMessage", [SubNotify], Typed(sub_notify), Viewer;
    AccessControl: "WebcastAccessControlMessage", "v3.AccessControlMessage", [AccessControl], Whole, System;
    AccessRecall: "WebcastAccessRecallMessage", "v3.AccessRecallMessage", [AccessRecall], Whole, System;
    BoostCard: "WebcastBoostCardMessage", "v3.BoostCardMessage", [BoostCard], Whole, Engagement;
    Bottom: "WebcastBottomMessage", "v3.BottomMessage", [BottomMessage], Whole, System;
    Capsule: "WebcastCapsuleMessage", "v3.CapsuleMessage", [Capsule], Whole, Room;
    GameRankNotify: "WebcastGameRankNotifyMessage", "v3.GameRankNotifyMessage", [GameRankNotify], Whole, Engagement;
    GiftBroadcast: "WebcastGiftBroadcastMessage", "v3.GiftBroadcastMessage", [GiftBroadcast], Whole, Viewer;
    GiftDynamicRestriction: "WebcastGiftDynamicRestrictionMessage", "v3.GiftDynamicRestrictionMessage", [GiftDynamicRestriction], Whole, System;
    GiftPanelUpdate: "WebcastGiftPanelUpdateMessage", "v3.GiftPanelUpdateMessage", [GiftPanelUpdate], Whole, Room;
    GiftPrompt: "WebcastGiftPromptMessage", "v3.GiftPromptMessage", [GiftPrompt], Whole, System;
    Guide: "WebcastGuideMessage", "v3.GuideMessage", [Guide], Whole, Room;
    BattleItemCard: "WebcastLinkMicBattleItemCard", "v3.LinkMicBattleItemCard", [LinkMicBattleItemCard], Whole, Battle;
    LinkMicLayoutState: "WebcastLinkMicLayoutStateMessage", "v3.LinkMicLayoutStateMessage", [LinkMicLayoutState], Whole, Battle;
    LinkState: "WebcastLinkStateMessage", "v3.LinkStateMessage", [LinkState], Whole, Battle;
    LiveGameIntro: "WebcastLiveGameIntroMessage", "v3.LiveGameIntroMessage", [LiveGameIntro], Whole, Room;
    MarqueeAnnouncement: "WebcastMarqueeAnnouncementMessage", "v3.MarqueeAnnouncementMessage", [MarqueeAnnouncement], Whole, Room;
    Notice: "WebcastNoticeMessage", "v3.NoticeMessage", [Notice], Whole, System;
    PartnershipDropsUpdate: "WebcastPartnershipDropsUpdateMessage", "v3.PartnershipDropsUpdateMessage", [PartnershipDropsUpdate], Whole, Commerce;
    PartnershipGameOffline: "WebcastPartnershipGameOfflineMessage", "v3.PartnershipGameOfflineMessage", [PartnershipGameOffline], Whole, Commerce;
    PartnershipPunish: "WebcastPartnershipPunishMessage", "v3.PartnershipPunishMessage", [PartnershipPunish], Whole, Commerce;
    Perception: "WebcastPerceptionMessage", "v3.PerceptionMessage", [Perception], Whole, System;
    RoomNotify: "WebcastRoomNotifyMessage", "v3.RoomNotifyMessage", [RoomNotify], Whole, Room;
    Speaker: "WebcastSpeakerMessage", "v3.SpeakerMessage", [Speaker], Whole, Room;
    SubPinEvent: "WebcastSubPinEventMessage", "v3.SubPinEventMessage", [SubPinEvent], Whole, Room;
    System: "WebcastSystemMessage", "v3.SystemMessage", [System], Whole, System;
    Toast: "WebcastToastMessage", "v3.ToastMessage", [Toast], Whole, System;
    ViewerPicksUpdate: "WebcastViewerPicksUpdateMessage", "v3.ViewerPicksUpdateMessage", [ViewerPicksUpdate], Whole, Engagement;
}

impl Route {
    /// This route's row of [`ROUTES`].
    pub fn info(self) -> &'static RouteInfo {
        &ROUTES[self as usize]
    }

    /// The wire method TikTok sends, e.g. `WebcastChatMessage`.
    pub fn method(self) -> &'static str {
        self.info().method
    }

    /// The route for a wire method. Accepts names with and without the
    /// `Webcast` prefix (observed: `LinkMicMethod` arrives bare in
    /// misc/payload_examples.json and the events-collector files) and the
    /// `LinkMicBattleTaskMessage` spelling.
    pub fn for_method(method: &str) -> Option<Route> {
        // Every message comes here. The names TikTok sends are matched by
        // compares first: the table's buckets were a cache miss per message
        // (most of this lookup's time). Other spellings go to the table.
        if let Some(route) = Route::by_wire_method(method) {
            return Some(route);
        }
        // foldhash instead of SipHash (the table is fixed, nothing is ever
        // inserted from the wire to collide).
        static BY_NAME: OnceLock<HashMap<&'static str, Route, foldhash::fast::FixedState>> =
            OnceLock::new();
        let by_name = BY_NAME.get_or_init(|| {
            let mut map = HashMap::default();
            for info in ROUTES {
                map.insert(info.method, info.route);
                map.insert(&info.method["Webcast".len()..], info.route);
            }
            map.insert("LinkMicBattleTaskMessage", Route::BattleTask);
            map
        });
        let name = method.strip_prefix("Webcast").unwrap_or(method);
        by_name.get(name).copied()
    }

    /// The kinds a message of this route can become. Used to skip payloads
    /// nobody asked for before decoding them.
    pub fn kinds(self) -> &'static [EventKind] {
        self.info().kinds
    }

    /// The schema message this route decodes with (for whole-message JSON).
    pub fn message_name(self) -> &'static str {
        self.info().message
    }
}

/// The events of one message, before streak handling.
pub enum Mapped {
    /// In order; several for one message when a semantic adds one (a control
    /// message that ends the stream, a super-fan barrage, a super-fan box).
    /// Nearly always one, kept without an allocation.
    Events(Events),
    /// Gifts stay typed (and owned) until the streak tracker has decided
    /// about them.
    Gift(Box<GiftData<'static>>),
}

/// Why a payload could not be mapped.
pub type MapError = String;

/// Decode `payload` as `route` and build its events. Fields skipped because
/// their wire type did not match the schema are appended to `mm`.
pub fn map_message(
    route: Route,
    payload: &Payload<'_>,
    mm: &mut Vec<Mismatch>,
) -> Result<Mapped, MapError> {
    let info = route.info();
    match info.decode {
        Typed(f) => f(payload, mm),
        Keyed(key) => Ok(one(generic(info, Some(key), payload, mm)?)),
        Whole => Ok(one(generic(info, None, payload, mm)?)),
    }
}

/// A message's events (see [`Mapped::Events`]): one inline, more on the
/// heap (a `Vec` allocated and freed per message was 0.2 % of a replay's
/// instructions).
pub type Events = SmallVec<[Event; 1]>;

fn one(ev: Event) -> Mapped {
    Mapped::Events(smallvec![ev])
}

fn decode<M: Message + Default + Name>(
    payload: &Payload<'_>,
    mm: &mut Vec<Mismatch>,
) -> Result<M, MapError> {
    lenient::decode(&payload.to_bytes(), mm)
}

/// A message's payload as a mapping reads it: its bytes, and the buffer they
/// lie in (a frame's inflated payload). The wire reader reads the bytes; a
/// [`Bytes`] sharing the buffer is made only for prost ([`Payload::to_bytes`]),
/// whose `bytes` fields then borrow from it. A `Bytes` made for every message
/// (an atomic count taken and given back on the buffer) was 0.6% of a
/// replay's CPU time, and the messages the wire reader reads never used it.
#[derive(Clone, Copy)]
pub struct Payload<'a> {
    buf: &'a Bytes,
    bytes: &'a [u8],
}

impl<'a> Payload<'a> {
    /// `bytes`, a part of `buf`. (Bytes from elsewhere work too: then
    /// [`Payload::to_bytes`] copies them.)
    pub fn new(buf: &'a Bytes, bytes: &'a [u8]) -> Payload<'a> {
        Payload { buf, bytes }
    }

    /// The bytes.
    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// The bytes as a [`Bytes`]: a slice of the buffer, without a copy.
    pub fn to_bytes(&self) -> Bytes {
        let (start, end) = (self.bytes.as_ptr() as usize, self.buf.as_ptr() as usize);
        let within = start >= end && start + self.bytes.len() <= end + self.buf.len();
        if self.bytes.is_empty() {
            Bytes::new()
        } else if within {
            self.buf.slice_ref(self.bytes)
        } else {
            Bytes::copy_from_slice(self.bytes)
        }
    }
}

/// The whole of `buf`.
impl<'a> From<&'a Bytes> for Payload<'a> {
    fn from(buf: &'a Bytes) -> Payload<'a> {
        Payload { buf, bytes: buf }
    }
}

impl std::ops::Deref for Payload<'_> {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        self.bytes
    }
}

/// A high-volume message, read by [`wire`] from the payload's bytes; its lean
/// prost type (`proto/lean.proto`) is the fallback.
trait Hot<'a>: Default {
    type Lean: Message + Default + Name;
    fn parse_into(&mut self, buf: &'a [u8]) -> Result<(), wire::Refused>;
}

macro_rules! hot {
    ($($name:ident),*) => {$(
        impl<'a> Hot<'a> for wire::$name<'a> {
            type Lean = lean::$name;
            fn parse_into(&mut self, buf: &'a [u8]) -> Result<(), wire::Refused> {
                wire::$name::parse_into(self, buf)
            }
        }
    )*};
}

hot!(
    ChatMessage,
    GiftMessage,
    LikeMessage,
    MemberMessage,
    SocialMessage
);

/// Read `payload` into `m` (a default value) with the wire reader, in place:
/// returned by value, the message (700 bytes to 1 KB) was copied twice on
/// its way here. What the reader refuses (anything prost would not read the
/// same way: see `wire.rs`) is decoded as today, with prost and the lenient
/// decoder (errors and skipped fields as they were), and the decoded message
/// re-encoded into `canonical`, which the wire reader then reads into `m`
/// afresh: one mapping for both paths.
fn read<'a, M: Hot<'a>>(
    m: &mut M,
    payload: &Payload<'a>,
    canonical: &'a mut Vec<u8>,
    mm: &mut Vec<Mismatch>,
) -> Result<(), MapError> {
    if m.parse_into(payload.bytes()).is_ok() {
        return Ok(());
    }
    *m = M::default();
    *canonical = decode::<M::Lean>(payload, mm)?.encode_to_vec();
    let canonical: &'a [u8] = canonical;
    m.parse_into(canonical)
        .map_err(|_| format!("{}: not read after decoding", M::Lean::full_name()))
}

/// The whole message, serialised with the protobuf JSON mapping (camelCase
/// names, 64-bit numbers as strings) when its event is.
pub fn whole(
    route: Route,
    payload: &[u8],
    mm: &mut Vec<Mismatch>,
) -> Result<WholeMessage, MapError> {
    decode_whole(route.message_name(), payload, mm)
}

fn msg_id(c: &Option<impl CommonView>) -> Option<i64> {
    c.as_ref().map(|c| c.msg_id()).filter(|id| *id != 0)
}

fn with_id(kind: EventKind, data: &impl Serialize, common: &Option<impl CommonView>) -> Event {
    let mut ev = Event::new(kind, data);
    ev.msg_id = msg_id(common);
    ev
}

/// [`with_id`] for data our JSON writer writes without serde
/// ([`Event::from_data`]): the high-volume events.
fn with_id_data(kind: EventKind, data: &impl WriteJson, common: &Option<impl CommonView>) -> Event {
    let mut ev = Event::from_data(kind, data);
    ev.msg_id = msg_id(common);
    ev
}

/// Generic events: the whole message, under `key` or as the data itself.
fn generic(
    info: &RouteInfo,
    key: Option<&'static str>,
    payload: &[u8],
    mm: &mut Vec<Mismatch>,
) -> Result<Event, MapError> {
    let whole = decode_whole(info.message, payload, mm)?;
    let common = whole.common();
    let id = common.msg_id.as_i64();
    let mut ev = Event::new(info.kinds[0], &GenericData { common, key, whole });
    ev.msg_id = id;
    Ok(ev)
}

fn chat(payload: &Payload<'_>, mm: &mut Vec<Mismatch>) -> Result<Mapped, MapError> {
    let mut canonical = Vec::new();
    let mut m = wire::ChatMessage::default();
    read(&mut m, payload, &mut canonical, mm)?;
    let data = ChatData {
        user: UserFields::from_user(m.user.as_ref(), m.user_identity.as_ref()),
        common: CommonFields::from_common(m.common.as_ref()),
        message: m.content.text(),
        emotes: m
            .emotes
            .iter()
            .map(|e| EmoteRef {
                emote_id: e.emote.map(|e| e.emote_id).unwrap_or_default().into(),
                emote_image_url: e
                    .emote
                    .and_then(|e| e.image)
                    .flatten()
                    .unwrap_or_default()
                    .into(),
                place_in_comment: e.index,
            })
            .collect(),
        content_language: m.content_language.text(),
        mentioned_user: m
            .at_user
            .as_ref()
            .filter(|u| u.id != 0)
            .map(UserRef::from_user),
    };
    Ok(one(with_id_data(EventKind::Chat, &data, &m.common)))
}

fn gift(payload: &Payload<'_>, mm: &mut Vec<Mismatch>) -> Result<Mapped, MapError> {
    let mut canonical = Vec::new();
    let mut m = wire::GiftMessage::default();
    read(&mut m, payload, &mut canonical, mm)?;
    Ok(Mapped::Gift(Box::new(
        GiftData::from_message(&m).into_owned(),
    )))
}

/// A gift message's event when every gift passes straight through (no streak
/// tracker, [`super::streaks::StreakMode::All`]): written from a [`GiftData`]
/// borrowed from the message, with no owned copy made. `wrapper_msg_id` is
/// the wrapper's msgId (BaseProtoMessage field 3; 0 when absent), taken when
/// the payload has no `common` msgId (see [`GiftData::take_wrapper_id`]).
pub fn gift_event(
    payload: &Payload<'_>,
    wrapper_msg_id: i64,
    mm: &mut Vec<Mismatch>,
) -> Result<Event, MapError> {
    let mut canonical = Vec::new();
    let mut m = wire::GiftMessage::default();
    read(&mut m, payload, &mut canonical, mm)?;
    let mut gift = GiftData::from_message(&m);
    gift.take_wrapper_id(wrapper_msg_id);
    Ok(gift.to_event())
}

impl<'a> GiftData<'a> {
    /// A gift message's data, borrowed from `m` (see
    /// [`GiftData::into_owned`] for a copy the streak tracker can keep).
    pub fn from_message(m: &'a wire::GiftMessage<'_>) -> GiftData<'a> {
        let gift = m.gift.unwrap_or_default();
        let diamond_count = i64::from(gift.diamond_count);
        let repeat_count = i64::from(m.repeat_count.max(1));
        let receiver = match (&m.to_user, &m.monitor_info) {
            (Some(u), _) if u.id != 0 => Some(UserRef::from_user(u)),
            (_, Some(to_user_id)) if *to_user_id != 0 => Some(UserRef {
                user_id: IdText::Num(*to_user_id),
                ..Default::default()
            }),
            _ => None,
        };
        GiftData {
            user: UserFields::from_user(m.user.as_ref(), m.user_identity.as_ref()),
            common: CommonFields::from_common(m.common.as_ref()),
            gift_name: gift.name.text(),
            gift_id: if m.gift_id != 0 { m.gift_id } else { gift.id },
            repeat_count,
            // A non-streakable gift arrives once, with repeatEnd unset on
            // the wire: its one-message streak is over, so it reports
            // `repeatEnd: true` and `select(.data.repeatEnd)` counts it once.
            repeat_end: m.repeat_end == 1 || gift.r#type != 1,
            gift_type: gift.r#type,
            cost: diamond_count,
            diamond_count,
            total_diamonds: diamond_count * repeat_count,
            // `itoa` writes the digits `to_string` wrote, without its formatter.
            group_id: itoa::Buffer::new().format(m.group_id).to_owned(),
            group_count: i64::from(m.group_count),
            combo_count: i64::from(m.combo_count),
            streakable: gift.r#type == 1,
            fan_ticket_count: m.fan_ticket_count,
            gift_image_url: gift
                .image
                .and_then(|i| i.first_url)
                .map(|u| u.text())
                .unwrap_or_default(),
            describe: gift.describe.text(),
            receiver,
            to_member_id: m.to_member_id.text(),
            to_member_id_int: if m.to_member_id_int != 0 {
                itoa::Buffer::new().format(m.to_member_id_int).to_owned()
            } else {
                String::new()
            },
            to_member_nickname: m.to_member_nickname.text(),
            streak_interrupted: false,
            msg_id: msg_id(&m.common),
        }
    }

    /// An owned copy, independent of the decoded message (the streak
    /// tracker keeps it).
    pub fn into_owned(self) -> GiftData<'static> {
        GiftData {
            user: self.user.into_owned(),
            gift_name: self.gift_name.into_owned().into(),
            gift_image_url: self.gift_image_url.into_owned().into(),
            describe: self.describe.into_owned().into(),
            receiver: self.receiver.map(UserRef::into_owned),
            to_member_id: self.to_member_id.into_owned().into(),
            to_member_nickname: self.to_member_nickname.into_owned().into(),
            ..self
        }
    }

    /// Take the wrapper's msgId (BaseProtoMessage field 3) when the payload
    /// carried none of its own; `wrapper_msg_id` 0 means no wrapper id.
    pub fn take_wrapper_id(&mut self, wrapper_msg_id: i64) {
        if self.msg_id.is_none() && wrapper_msg_id != 0 {
            self.msg_id = Some(wrapper_msg_id);
            self.common.msg_id = IdText::Num(wrapper_msg_id);
        }
    }

    /// The gift's event, written from a borrow (a `GiftData` is 600-odd
    /// bytes: no move needed to write it).
    pub fn to_event(&self) -> Event {
        let mut ev = Event::from_data(EventKind::Gift, self);
        ev.msg_id = self.msg_id;
        ev
    }
}

fn like(payload: &Payload<'_>, mm: &mut Vec<Mismatch>) -> Result<Mapped, MapError> {
    let mut canonical = Vec::new();
    let mut m = wire::LikeMessage::default();
    read(&mut m, payload, &mut canonical, mm)?;
    let data = LikeData {
        user: UserFields::from_user(m.user.as_ref(), None),
        common: CommonFields::from_common(m.common.as_ref()),
        like_count: m.count,
        total_like_count: m.total,
    };
    Ok(one(with_id_data(EventKind::Like, &data, &m.common)))
}

fn member(payload: &Payload<'_>, mm: &mut Vec<Mismatch>) -> Result<Mapped, MapError> {
    let mut canonical = Vec::new();
    let mut m = wire::MemberMessage::default();
    read(&mut m, payload, &mut canonical, mm)?;
    let text = m.common.as_ref().and_then(|c| c.display_text.as_ref());
    with_label(text, |label| {
        let data = MemberData {
            user: UserFields::from_user(m.user.as_ref(), None),
            common: CommonFields::from_common(m.common.as_ref()),
            action_id: m.action,
            member_count: m.member_count,
            label: label.into(),
        };
        Ok(one(with_id_data(EventKind::Member, &data, &m.common)))
    })
}

thread_local! {
    /// The buffer [`with_label`] renders into, while it is not in use.
    static LABEL: std::cell::Cell<String> = const { std::cell::Cell::new(String::new()) };
}

/// `f` of `text` rendered ([`render_text`]; empty when `None`) into a
/// buffer kept per thread: a member's or social event's label is written
/// into the event's JSON at once, so it needs no `String` of its own.
fn with_label<R>(text: Option<&impl TextView>, f: impl FnOnce(&str) -> R) -> R {
    let Some(text) = text else { return f("") };
    let mut buf = LABEL.try_with(std::cell::Cell::take).unwrap_or_default();
    buf.clear();
    render_text_into(text, &mut buf);
    let result = f(&buf);
    // Gone when the thread is exiting: the buffer is freed instead.
    let _ = LABEL.try_with(|label| label.set(buf));
    result
}

fn room_update(payload: &Payload<'_>, mm: &mut Vec<Mismatch>) -> Result<Mapped, MapError> {
    let mut m = wire::RoomUserSeqMessage::default();
    // The viewers are read (or found in the memo) as the leaderboard is
    // written: one the reader refuses sends the message to prost, as a
    // refused message does in `read`.
    if m.parse_into(payload).is_ok()
        && let Ok(event) = room_update_event(&m)
    {
        return Ok(one(event));
    }
    let canonical = decode::<lean::RoomUserSeqMessage>(payload, mm)?.encode_to_vec();
    let mut m = wire::RoomUserSeqMessage::default();
    m.parse_into(&canonical)
        .and_then(|()| room_update_event(&m))
        .map(one)
        .map_err(|_| {
            format!(
                "{}: not read after decoding",
                lean::RoomUserSeqMessage::full_name()
            )
        })
}

/// The `roomUpdate` of `m`, its leaderboard written from the memo
/// (`leaderboard.rs`) straight into the event's text; `Refused` where the
/// reader refuses a viewer.
fn room_update_event(m: &wire::RoomUserSeqMessage<'_>) -> Result<Event, wire::Refused> {
    let common = m.common.unwrap_or_default();
    // The timestamp is written on the stack: no `String` per event.
    let mut buf = [0; 24];
    let timestamp = if common.create_time > 0 {
        write_iso_millis(common.create_time, &mut buf).map_or_else(
            || format_iso_millis(common.create_time).into(),
            Cow::Borrowed,
        )
    } else {
        Cow::Borrowed("")
    };
    let fields = RoomUpdateFields {
        viewer_count: m.total,
        timestamp: &timestamp,
        total_viewers: m.total_user,
        msg_id: common.msg_id,
        create_time: common.create_time,
    };
    let data = Json::write_with(|out| {
        fields.write_with(out, |out| leaderboard::write_top_viewers(&m.ranks, out))
    })?;
    let mut event = Event::from_json(EventKind::RoomUpdate, data);
    event.msg_id = msg_id(&m.common);
    Ok(event)
}

/// Follow/share/other, from `common.displayText.key` (observed keys:
/// `pm_main_follow_message_viewer_2`, `pm_mt_guidance_share`,
/// `pm_mt_guidance_viewer_5_share`).
fn social(payload: &Payload<'_>, mm: &mut Vec<Mismatch>) -> Result<Mapped, MapError> {
    let mut canonical = Vec::new();
    let mut m = wire::SocialMessage::default();
    read(&mut m, payload, &mut canonical, mm)?;
    let text = m.common.as_ref().and_then(|c| c.display_text.as_ref());
    let key = text.map(|t| t.key.text()).unwrap_or_default();
    let (kind, action) = if contains_ignore_ascii_case(&key, "follow") {
        (EventKind::Follow, "follow")
    } else if contains_ignore_ascii_case(&key, "share") {
        (EventKind::Share, "share")
    } else {
        (EventKind::Social, "social")
    };
    with_label(text, |label| {
        let data = SocialData {
            user: UserFields::from_user(m.user.as_ref(), None),
            common: CommonFields::from_common(m.common.as_ref()),
            display_type: key,
            action: action.into(),
            label: label.into(),
            share_type: m.share_type,
            share_target: m.share_target.text(),
            follow_count: m.follow_count,
        };
        Ok(one(with_id_data(kind, &data, &m.common)))
    })
}

/// Whether `haystack` contains `needle` (ASCII), ignoring ASCII case, with
/// no lowercase copy made.
fn contains_ignore_ascii_case(haystack: &str, needle: &str) -> bool {
    haystack
        .as_bytes()
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

fn emote_item(e: &super::proto::Emote) -> EmoteItem<'_> {
    let image = e.image.as_ref();
    EmoteItem {
        emote_id: e.emote_id.as_str().into(),
        emote_image_url: image
            .and_then(|i| i.url_list.first())
            .map(String::as_str)
            .unwrap_or_default()
            .into(),
        emote_name: image.map(|i| i.uri.as_str()).unwrap_or_default().into(),
    }
}

fn emote(payload: &Payload<'_>, mm: &mut Vec<Mismatch>) -> Result<Mapped, MapError> {
    let m: EmoteChatMessage = decode(payload, mm)?;
    let first = m.emote_list.first().map(emote_item);
    let data = EmoteData {
        user: UserFields::from_user(m.user.as_ref(), m.user_identity.as_ref()),
        common: CommonFields::from_common(m.common.as_ref()),
        emote_id: first
            .as_ref()
            .map(|e| e.emote_id.clone())
            .unwrap_or_default(),
        emote_name: first
            .as_ref()
            .map(|e| e.emote_name.clone())
            .unwrap_or_default(),
        emote_image_url: first.map(|e| e.emote_image_url).unwrap_or_default(),
        emotes: m.emote_list.iter().map(emote_item).collect(),
    };
    Ok(one(with_id(EventKind::Emote, &data, &m.common)))
}

/// Envelope business type of a super-fan box (v3 `EnvelopeBusinessType`,
/// as ZT 2.5.0 checks it; assumed).
pub const SUPER_FAN_BOX_BUSINESS_TYPE: i32 = 19;

/// `envelope`, preceded by `superFanBox` for a super-fan box (business type
/// 19 or a `ttlive_superfanbox` display key), as ZT 2.5.0 emits them.
fn envelope(payload: &Payload<'_>, mm: &mut Vec<Mismatch>) -> Result<Mapped, MapError> {
    let m: EnvelopeMessage = decode(payload, mm)?;
    let info = m.envelope_info.clone().unwrap_or_default();
    let data = EnvelopeData {
        common: CommonFields::from_common(m.common.as_ref()),
        username: info.send_user_name.as_str().into(),
        user_id: info.send_user_id.as_str().into(),
        coins: i64::from(info.diamond_count),
        envelope_id: info.envelope_id.as_str().into(),
        business_type: i64::from(info.business_type),
        people_count: i64::from(info.people_count),
        unpack_at: i64::from(info.unpack_at),
        display: i64::from(m.display),
    };
    let key = m
        .common
        .as_ref()
        .and_then(|c| c.display_text.as_ref())
        .map(|t| t.key.to_ascii_lowercase())
        .unwrap_or_default();
    let mut events = Events::new();
    if info.business_type == SUPER_FAN_BOX_BUSINESS_TYPE || key.contains("ttlive_superfanbox") {
        events.push(with_id(EventKind::SuperFanBox, &data, &m.common));
    }
    events.push(with_id(EventKind::Envelope, &data, &m.common));
    Ok(Mapped::Events(events))
}

fn question(payload: &Payload<'_>, mm: &mut Vec<Mismatch>) -> Result<Mapped, MapError> {
    let m: QuestionNewMessage = decode(payload, mm)?;
    let q = m.details.as_ref();
    let data = QuestionData {
        user: UserFields::from_user(q.and_then(|q| q.user.as_ref()), None),
        common: CommonFields::from_common(m.common.as_ref()),
        question_text: q.map(|q| q.content.as_str()).unwrap_or_default().into(),
        question_id: q.map(|q| q.question_id).unwrap_or_default().to_string(),
    };
    Ok(one(with_id(EventKind::QuestionNew, &data, &m.common)))
}

fn battle(payload: &Payload<'_>, mm: &mut Vec<Mismatch>) -> Result<Mapped, MapError> {
    let m: LinkMicBattle = decode(payload, mm)?;
    let battle_data = whole(Route::LinkMicBattle, payload, mm)?;
    let battle_users = m
        .anchors_info
        .iter()
        .map(|a| {
            let u = a.value.as_ref().and_then(|v| v.user.as_ref());
            BattleUser {
                unique_id: u.map(|u| u.display_id.as_str()).unwrap_or_default().into(),
                user_id: u
                    .map(|u| u.user_id)
                    .filter(|id| *id != 0)
                    .unwrap_or(a.key)
                    .to_string(),
                nickname: u.map(|u| u.nickname.as_str()).unwrap_or_default().into(),
                profile_picture_url: u
                    .and_then(|u| u.avatar_thumb.as_ref())
                    .and_then(|i| i.url_list.first())
                    .map(String::as_str)
                    .unwrap_or_default()
                    .into(),
            }
        })
        .collect();
    let data = BattleData {
        common: CommonFields::from_common(m.common.as_ref()),
        battle_id: m.battle_id.to_string(),
        battle_users,
        status: m
            .battle_settings
            .as_ref()
            .map(|s| i64::from(s.status))
            .unwrap_or_default(),
        action: i64::from(m.action),
        battle_data,
    };
    Ok(one(with_id(EventKind::LinkMicBattle, &data, &m.common)))
}

/// `battleInfo` is the message without `armies` and `common`; `army` is the
/// armies map. msgId/createTime come from `common` like every other event's.
fn armies(payload: &Payload<'_>, mm: &mut Vec<Mismatch>) -> Result<Mapped, MapError> {
    let whole = whole(Route::LinkMicArmies, payload, mm)?;
    let common = whole.common();
    let mut battle_info = whole.into_value();
    let army = match battle_info.as_object_mut() {
        Some(o) => {
            o.remove("common");
            o.remove("armies").unwrap_or_else(|| json!({}))
        }
        None => {
            battle_info = json!({});
            json!({})
        }
    };
    let id = common.msg_id.as_i64();
    let data = ArmiesData {
        common,
        battle_info,
        army,
    };
    let mut ev = Event::new(EventKind::LinkMicArmies, &data);
    ev.msg_id = id;
    Ok(one(ev))
}

fn live_intro(payload: &Payload<'_>, mm: &mut Vec<Mismatch>) -> Result<Mapped, MapError> {
    let m: LiveIntroMessage = decode(payload, mm)?;
    let data = LiveIntroData {
        common: CommonFields::from_common(m.common.as_ref()),
        id: m.id.to_string(),
        description: m.content.as_str().into(),
        language: m.content_language.as_str().into(),
        host: m.host.as_ref().map(UserRef::from_user),
    };
    Ok(one(with_id(EventKind::LiveIntro, &data, &m.common)))
}

/// Control action 3 (ended) and 4 (suspended) end the stream (protocol.md §6).
pub const STREAM_END_ACTIONS: [i32; 2] = [3, 4];

/// `controlMessage` for every action, then `streamEnd` as well for 3 and 4
/// (ZT 2.5.0 order).
fn control(payload: &Payload<'_>, mm: &mut Vec<Mismatch>) -> Result<Mapped, MapError> {
    let m: ControlMessage = decode(payload, mm)?;
    let data = ControlData {
        common: CommonFields::from_common(m.common.as_ref()),
        action: m.action,
        tips: m.tips.as_str().into(),
    };
    let mut events: Events = smallvec![with_id(EventKind::ControlMessage, &data, &m.common)];
    if STREAM_END_ACTIONS.contains(&m.action) {
        events.push(with_id(EventKind::StreamEnd, &data, &m.common));
    }
    Ok(Mapped::Events(events))
}

/// The display key of a super-fan join barrage (ZT 2.5.0).
const SUPER_FAN_JOINED: &str = "ttlive_superfan_commentnotif_superfanjoined";

/// `barrage` for every barrage, preceded by `superFanJoin` when a display key
/// (content 5.1 or common barrage content 24.1, case-insensitive) holds
/// `…superfanjoined`, else by `superFan` when one holds `ttlive_superfan`.
fn barrage(payload: &Payload<'_>, mm: &mut Vec<Mismatch>) -> Result<Mapped, MapError> {
    let m: BarrageMessage = decode(payload, mm)?;
    let barrage_data = whole(Route::Barrage, payload, mm)?;
    let keys: Vec<String> = [&m.content, &m.common_barrage_content]
        .into_iter()
        .flatten()
        .map(|t| t.key.to_ascii_lowercase())
        .collect();
    let fan_kind = if keys.iter().any(|k| k.contains(SUPER_FAN_JOINED)) {
        Some(EventKind::SuperFanJoin)
    } else if keys.iter().any(|k| k.contains("ttlive_superfan")) {
        Some(EventKind::SuperFan)
    } else {
        None
    };
    let message = m.content.as_ref().map(render_text).unwrap_or_default();
    let user = m
        .user
        .as_ref()
        .map(|u| UserFields::from_user(Some(u), None));
    let common = CommonFields::from_common(m.common.as_ref());
    let mut events = Events::new();
    if let Some(kind) = fan_kind {
        let data = SuperFanData {
            common: common.clone(),
            user: user.clone(),
            message: message.clone(),
            fan_data: barrage_data.clone(),
        };
        events.push(with_id(kind, &data, &m.common));
    }
    let data = BarrageData {
        common,
        message,
        user,
        display_type: m
            .content
            .as_ref()
            .map(|t| t.key.as_str())
            .unwrap_or_default()
            .into(),
        msg_type: i64::from(m.msg_type),
        barrage_data,
    };
    events.push(with_id(EventKind::Barrage, &data, &m.common));
    Ok(Mapped::Events(events))
}

fn goal(payload: &Payload<'_>, mm: &mut Vec<Mismatch>) -> Result<Mapped, MapError> {
    let m: GoalUpdateMessage = decode(payload, mm)?;
    let goal_data = whole(Route::GoalUpdate, payload, mm)?;
    let goal = m.goal.clone().unwrap_or_default();
    let sub = goal.sub_goals.first().cloned().unwrap_or_default();
    let goal_id = if goal.id != 0 {
        goal.id.to_string()
    } else if !sub.id_str.is_empty() {
        sub.id_str.clone()
    } else {
        sub.id.to_string()
    };
    let data = GoalData {
        common: CommonFields::from_common(m.common.as_ref()),
        goal_id,
        progress: sub.progress,
        target: sub.target,
        description: goal.description.as_str().into(),
        contributor_unique_id: m.contributor_display_id.as_str().into(),
        contribute_count: m.contribute_count,
        goal_data,
    };
    Ok(one(with_id(EventKind::GoalUpdate, &data, &m.common)))
}

fn room_message(payload: &Payload<'_>, mm: &mut Vec<Mismatch>) -> Result<Mapped, MapError> {
    let m: RoomMessage = decode(payload, mm)?;
    let data = RoomMessageData {
        common: CommonFields::from_common(m.common.as_ref()),
        content: m.content.as_str().into(),
        source: m.source,
        is_welcome: m.is_welcome,
    };
    Ok(one(with_id(EventKind::RoomMessage, &data, &m.common)))
}

fn caption(payload: &Payload<'_>, mm: &mut Vec<Mismatch>) -> Result<Mapped, MapError> {
    let m: CaptionMessage = decode(payload, mm)?;
    let caption_data = whole(Route::Caption, payload, mm)?;
    let data = CaptionData {
        common: CommonFields::from_common(m.common.as_ref()),
        text: m
            .content
            .iter()
            .map(|c| c.content.as_str())
            .collect::<Vec<_>>()
            .join(" "),
        timestamp: if m.timestamp_ms > 0 {
            format_iso_millis(m.timestamp_ms)
        } else {
            String::new()
        },
        language: m
            .content
            .first()
            .map(|c| c.lang.as_str())
            .unwrap_or_default()
            .into(),
        caption_data,
    };
    Ok(one(with_id(EventKind::CaptionMessage, &data, &m.common)))
}

fn im_delete(payload: &Payload<'_>, mm: &mut Vec<Mismatch>) -> Result<Mapped, MapError> {
    let m: ImDeleteMessage = decode(payload, mm)?;
    let message_ids: Vec<String> = m.delete_msg_ids.iter().map(i64::to_string).collect();
    let data = ImDeleteData {
        common: CommonFields::from_common(m.common.as_ref()),
        message_id: message_ids.first().cloned().unwrap_or_default(),
        message_ids,
        user_ids: m.delete_user_ids.iter().map(i64::to_string).collect(),
    };
    Ok(one(with_id(EventKind::ImDelete, &data, &m.common)))
}

/// Field 2 is JSON text (observed): JSON when it parses, else the text; an
/// empty object when it is not text.
fn in_room_banner(payload: &Payload<'_>, mm: &mut Vec<Mismatch>) -> Result<Mapped, MapError> {
    let m: InRoomBannerMessage = decode(payload, mm)?;
    let inner = std::str::from_utf8(&m.data)
        .ok()
        .map(|t| serde_json::from_str::<Value>(t).unwrap_or_else(|_| Value::String(t.into())));
    let data = BannerData {
        common: CommonFields::from_common(m.common.as_ref()),
        data: inner.unwrap_or_else(|| json!({})),
    };
    Ok(one(with_id(EventKind::InRoomBanner, &data, &m.common)))
}

fn rank_text(payload: &Payload<'_>, mm: &mut Vec<Mismatch>) -> Result<Mapped, MapError> {
    let m: RankTextMessage = decode(payload, mm)?;
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
    let data = RankTextData {
        common: CommonFields::from_common(m.common.as_ref()),
        text,
        scene: m.scene,
        owner_idx_before_update: m.owner_idx_before_update,
        owner_idx_after_update: m.owner_idx_after_update,
    };
    Ok(one(with_id(EventKind::RankText, &data, &m.common)))
}

fn sub_notify(payload: &Payload<'_>, mm: &mut Vec<Mismatch>) -> Result<Mapped, MapError> {
    let m: SubNotifyMessage = decode(payload, mm)?;
    let data = SubNotifyData {
        user: UserFields::from_user(m.user.as_ref(), None),
        common: CommonFields::from_common(m.common.as_ref()),
        sub_month: m.sub_month,
        subscribe_type: m.subscribe_type,
        exhibition_type: m.exhibition_type,
        old_subscribe_status: m.old_subscribe_status,
        message_type: m.message_type,
        subscribing_status: m.subscribing_status,
        is_send: m.is_send,
        is_custom: m.is_custom,
        gift_source: m.gift_source,
        message_display_style: m.message_display_style,
        package_id: m.package_id.as_str().into(),
        public_area_message_common: nested_json(
            "v3.PublicAreaMessageCommon",
            ("public_area_message_common", 13),
            &m.public_area_message_common,
            mm,
        ),
        event_tracking: nested_json(
            "v3.RoomNotifyMessageEventTracking",
            ("event_tracking", 15),
            &m.event_tracking,
            mm,
        ),
    };
    Ok(one(with_id(EventKind::SubNotify, &data, &m.common)))
}

/// A nested message kept as bytes by a typed schema, rendered whole as schema
/// message `name`; None when absent. Bytes that are not that message are
/// skipped as a mismatch of `field` (name, number), as the lenient decoder
/// skips them elsewhere; mismatches inside get the field's name as prefix.
fn nested_json(
    name: &str,
    field: (&str, u32),
    bytes: &[u8],
    mm: &mut Vec<Mismatch>,
) -> Option<Value> {
    if bytes.is_empty() {
        return None;
    }
    let mut inner = Vec::new();
    let value = message_json(name, bytes, &mut inner);
    mm.extend(inner.into_iter().map(|m| Mismatch {
        path: format!("{}.{}", field.0, m.path),
        ..m
    }));
    match value {
        Ok(v) => Some(v),
        Err(_) => {
            mm.push(Mismatch {
                path: field.0.to_string(),
                number: field.1,
                found: "not a message",
                expected: format!("message {name}"),
            });
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A payload's `Bytes` shares the buffer it lies in; bytes from
    /// elsewhere are copied, and no bytes give an empty `Bytes`.
    #[test]
    fn payloads_share_their_buffer() {
        let buf = Bytes::from_static(b"head:payload:tail");
        let inner = Payload::new(&buf, &buf[5..12]);
        assert_eq!(&*inner, b"payload");
        let shared = inner.to_bytes();
        assert_eq!(shared, &b"payload"[..]);
        assert_eq!(shared.as_ptr(), buf[5..].as_ptr());
        let whole = Payload::from(&buf).to_bytes();
        assert_eq!((whole.as_ptr(), whole.len()), (buf.as_ptr(), buf.len()));
        let other = b"elsewhere".to_vec();
        let copied = Payload::new(&buf, &other).to_bytes();
        assert_eq!(copied, &other[..]);
        assert_ne!(copied.as_ptr(), other.as_ptr());
        assert!(Payload::new(&buf, &buf[3..3]).to_bytes().is_empty());
    }

    #[test]
    fn every_route_is_listed_once_and_found_by_its_method() {
        for (i, info) in ROUTES.iter().enumerate() {
            assert_eq!(info.route as usize, i, "{}", info.method);
            assert_eq!(Route::for_method(info.method), Some(info.route));
            assert_eq!(
                Route::for_method(&info.method["Webcast".len()..]),
                Some(info.route)
            );
            assert!(
                super::super::reflect::pool()
                    .get_message_by_name(&format!("tiklive.webcast.{}", info.message))
                    .is_some(),
                "{}: schema message {}",
                info.method,
                info.message
            );
        }
        let methods: std::collections::HashSet<_> = ROUTES.iter().map(|r| r.method).collect();
        assert_eq!(methods.len(), ROUTES.len());
        // The 62 methods the newest libraries route, plus HourlyRankMessage.
        assert_eq!(ROUTES.len(), 63);
        let kinds: std::collections::BTreeSet<_> = ROUTES.iter().flat_map(|r| r.kinds).collect();
        // Every named kind but the connection and debug ones comes from a route.
        assert_eq!(kinds.len(), 73 - 5);
    }

    use prost_reflect::{DynamicMessage, FieldDescriptor, Kind, MapKey, MessageDescriptor};

    /// How deep [`filled`] sets nested messages (the v3 user reaches itself).
    const DEPTH: usize = 3;

    /// A value of `kind` that is not the default, so the JSON shows it.
    fn sample(kind: &Kind, depth: usize) -> prost_reflect::Value {
        use prost_reflect::Value as V;
        match kind {
            Kind::Double => V::F64(1.5),
            Kind::Float => V::F32(1.5),
            Kind::Int32 | Kind::Sint32 | Kind::Sfixed32 => V::I32(7),
            Kind::Int64 | Kind::Sint64 | Kind::Sfixed64 => V::I64(7_300_000_000_000_000_001),
            Kind::Uint32 | Kind::Fixed32 => V::U32(7),
            Kind::Uint64 | Kind::Fixed64 => V::U64(7),
            Kind::Bool => V::Bool(true),
            Kind::String => V::String("x".into()),
            Kind::Bytes => V::Bytes(bytes::Bytes::from_static(b"x")),
            Kind::Enum(e) => V::EnumNumber(e.values().last().map_or(1, |v| v.number())),
            Kind::Message(m) => V::Message(filled(m, depth + 1)),
        }
    }

    fn map_key(kind: &Kind) -> MapKey {
        match kind {
            Kind::String => MapKey::String("k".into()),
            Kind::Bool => MapKey::Bool(true),
            Kind::Int32 | Kind::Sint32 | Kind::Sfixed32 => MapKey::I32(3),
            Kind::Uint32 | Kind::Fixed32 => MapKey::U32(3),
            Kind::Uint64 | Kind::Fixed64 => MapKey::U64(3),
            _ => MapKey::I64(3),
        }
    }

    /// Whether [`filled`] sets `field` of a message at `depth`.
    fn is_set(field: &FieldDescriptor, depth: usize) -> bool {
        let message = match field.kind() {
            Kind::Message(m) if field.is_map() => m.map_entry_value_field().kind(),
            kind => kind,
        };
        !matches!(message, Kind::Message(_)) || depth < DEPTH
    }

    /// `desc` with every field set (lists and maps with one entry), nested
    /// messages down to [`DEPTH`].
    fn filled(desc: &MessageDescriptor, depth: usize) -> DynamicMessage {
        let mut msg = DynamicMessage::new(desc.clone());
        for field in desc.fields().filter(|f| is_set(f, depth)) {
            let value = if field.is_map() {
                let Kind::Message(entry) = field.kind() else {
                    unreachable!()
                };
                let key = map_key(&entry.map_entry_key_field().kind());
                let value = sample(&entry.map_entry_value_field().kind(), depth);
                prost_reflect::Value::Map([(key, value)].into())
            } else if field.is_list() {
                prost_reflect::Value::List(vec![sample(&field.kind(), depth)])
            } else {
                sample(&field.kind(), depth)
            };
            msg.set_field(&field, value);
        }
        msg
    }

    /// Every field [`filled`] set is in `json` under its JSON name; returns
    /// how many were checked.
    fn assert_all_shown(desc: &MessageDescriptor, json: &Value, depth: usize, path: &str) -> usize {
        let mut checked = 0;
        for field in desc.fields().filter(|f| is_set(f, depth)) {
            let here = format!("{path}.{}", field.json_name());
            let value = json
                .get(field.json_name())
                .unwrap_or_else(|| panic!("{here} is missing from {json}"));
            checked += 1;
            if let (Kind::Message(m), false) = (field.kind(), field.is_map()) {
                let inner = if field.is_list() { &value[0] } else { value };
                checked += assert_all_shown(&m, inner, depth + 1, &here);
            }
        }
        checked
    }

    /// The messages carried whole show every field their v3 schema declares,
    /// nested ones too (to [`DEPTH`]): nothing is dropped between the schema
    /// and `data`.
    #[test]
    fn messages_carried_whole_show_every_field_of_their_schema() {
        let mut total = 0;
        for info in ROUTES.iter().filter(|i| matches!(i.decode, Whole)) {
            let desc = super::super::reflect::pool()
                .get_message_by_name(&format!("tiklive.webcast.{}", info.message))
                .unwrap();
            let payload = filled(&desc, 0).encode_to_vec();
            let mut mm = Vec::new();
            let Ok(Mapped::Events(events)) = map_message(
                info.route,
                &Payload::from(&Bytes::from(payload.clone())),
                &mut mm,
            ) else {
                panic!("{}: not decoded", info.method)
            };
            assert!(mm.is_empty(), "{}: {mm:?}", info.method);
            let data: Value = serde_json::from_str(events[0].data.get()).unwrap();
            total += assert_all_shown(&desc, &data, 0, info.method);
        }
        assert!(total > 1_000, "{total} fields checked");
    }
}
