//! Decoding real payloads in-process: the recorded events-collector payloads,
//! one-message decoders, the spec's fields of each type, and the formats of
//! timestamps and ids.

#![allow(dead_code)]

use std::path::Path;

use serde_json::Value;
use tiklive::webcast::{Decoder, DecoderOptions, Event, EventKind, KindSet, Output};

/// A file from `tests/fixtures/`.
pub fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// One distinct events-collector payload.
#[derive(Debug, Clone)]
pub struct Payload {
    pub method: String,
    pub bytes: Vec<u8>,
    /// `Common.msgId` (field 1.2), read with the schema; 0 when absent.
    pub msg_id: i64,
}

/// Every distinct events-collector payload, in a stable order (files sorted,
/// then keys sorted, then file order), from `tests/data/`.
pub fn collector_payloads() -> Vec<Payload> {
    crate::support::real_data::recorded_payloads()
        .into_iter()
        .map(|p| {
            // The key is the method, except `RoomMessage`, which holds
            // `SystemMessage` payloads (data README).
            let method = if p.key == "RoomMessage" {
                "SystemMessage".to_string()
            } else {
                p.key
            };
            Payload {
                method,
                msg_id: common_msg_id(&p.bytes),
                bytes: p.bytes,
            }
        })
        .collect()
}

/// `Common.msgId` of a payload (every mapped message has `common` as field 1).
fn common_msg_id(payload: &[u8]) -> i64 {
    use prost::Message;
    use tiklive::webcast::proto::Common;

    /// Just field 1 of any message.
    #[derive(Clone, PartialEq, prost::Message)]
    struct WithCommon {
        #[prost(message, optional, tag = "1")]
        common: Option<Common>,
    }
    WithCommon::decode(payload)
        .ok()
        .and_then(|m| m.common)
        .map(|c| c.msg_id)
        .unwrap_or(0)
}

/// The collector payload of `method` with `Common.msgId` = `msg_id`.
pub fn collector_payload(method: &str, msg_id: i64) -> Vec<u8> {
    collector_payloads()
        .into_iter()
        .find(|p| p.method == method && p.msg_id == msg_id)
        .unwrap_or_else(|| panic!("no {method} payload with msgId {msg_id} in the real data"))
        .bytes
}

/// The default kinds plus `unknown`.
pub fn everything() -> DecoderOptions {
    let mut wanted = KindSet::default_set();
    wanted.insert(EventKind::Unknown);
    DecoderOptions {
        wanted,
        ..Default::default()
    }
}

/// Every kind there is, debug kinds included.
pub fn all_kinds() -> KindSet {
    EventKind::ALL.iter().copied().collect()
}

pub fn options(wanted: KindSet) -> DecoderOptions {
    DecoderOptions {
        wanted,
        ..Default::default()
    }
}

/// Decode one message with a fresh decoder; panics on a warning.
pub fn decode_with(opts: DecoderOptions, method: &str, payload: &[u8]) -> Vec<Event> {
    let mut decoder = Decoder::new(opts);
    let mut out = Vec::new();
    decoder.decode_message(method, payload, false, &mut out);
    out.into_iter()
        .map(|o| match o {
            Output::Event(e) => e,
            Output::Warning(w) => panic!("{method}: unexpected warning: {w}"),
            Output::Drift(d) => panic!("{method}: unexpected schema drift: {d}"),
        })
        .collect()
}

/// Decode one message that must yield exactly one event (default kinds plus
/// `unknown`); returns it with its data parsed.
pub fn decode_one(method: &str, payload: &[u8]) -> (Event, Value) {
    let mut events = decode_with(everything(), method, payload);
    assert_eq!(
        events.len(),
        1,
        "{method}: one wire message yields exactly one event, got {:?}",
        events.iter().map(|e| e.kind).collect::<Vec<_>>()
    );
    let ev = events.remove(0);
    let data = data_of(&ev);
    (ev, data)
}

pub fn data_of(ev: &Event) -> Value {
    let data: Value = serde_json::from_str(ev.data.get()).unwrap();
    assert!(data.is_object(), "{}: data is an object", ev.kind);
    data
}

/// The spec's fields of each type: what `spec/events-spec.md` shows inside
/// `data`. Every event of that type must carry each of them.
pub fn spec_fields(kind: EventKind) -> &'static [&'static str] {
    use EventKind as K;
    const USER: &[&str] = &["username", "userId", "nickname"];
    match kind {
        K::Connected => &["username", "roomId"],
        K::Disconnected => &[],
        K::Error => &["error"],
        K::StreamEnd => &["action"],
        K::RawData => &["messageTypeName", "binary"],
        K::DecodedData => &["event", "decodedData", "binary"],
        K::Chat => &[
            "username",
            "message",
            "userId",
            "profilePictureUrl",
            "nickname",
        ],
        K::Gift => &[
            "username",
            "giftName",
            "giftId",
            "repeatCount",
            "repeatEnd",
            "giftType",
            "cost",
            "userId",
            "nickname",
        ],
        K::Like => &[
            "username",
            "likeCount",
            "totalLikeCount",
            "userId",
            "nickname",
        ],
        K::Member => &["username", "userId", "nickname", "profilePictureUrl"],
        K::RoomUpdate => &["viewerCount", "timestamp"],
        K::Social => &["username", "userId", "displayType", "action"],
        K::Follow | K::Share => USER,
        K::Emote => &["username", "userId", "emoteId", "emoteName"],
        K::Envelope => &["username", "userId", "coins"],
        K::QuestionNew => &["username", "userId", "questionText"],
        K::LinkMicBattle => &["battleUsers", "status"],
        K::LinkMicArmies => &["battleInfo", "army"],
        K::LinkMicBattlePunishFinish => &["battleData"],
        K::LinkMicBattleTask => &["taskData"],
        K::LinkMicFanTicketMethod => &["ticketData"],
        K::LinkMicMethod => &["methodData"],
        K::LiveIntro => &["id", "description"],
        K::ControlMessage => &["action"],
        K::Barrage => &["message", "user"],
        K::HourlyRank => &["rankData"],
        K::GoalUpdate => &["goalId", "progress", "target"],
        K::RoomMessage => &[],
        K::CaptionMessage => &["text", "timestamp"],
        K::ImDelete => &["messageId"],
        K::InRoomBanner => &["data"],
        K::RankUpdate => &["rankData"],
        K::PollMessage => &["pollData"],
        K::RankText => &["text"],
        K::UnauthorizedMember => &["memberData"],
        K::OecLiveShopping => &["shoppingData"],
        K::MsgDetect => &["detectionData"],
        K::LinkMessage => &["linkData"],
        K::RoomVerify => &["verifyData"],
        K::LinkLayer => &["layerData"],
        K::RoomPin => &["pinData"],
        K::SuperFan | K::SuperFanJoin => &["fanData"],
        K::SuperFanBox => &["username", "userId", "coins"],
        K::SubNotify => &[
            "username",
            "userId",
            "nickname",
            "subMonth",
            "subscribeType",
        ],
        K::Unknown => &["method", "payload"],
        // The types added since the spec carry the whole message.
        _ => &[],
    }
}

/// Assert that `data` (of an event of `kind`) has every spec field.
#[track_caller]
pub fn assert_spec_fields(kind: EventKind, data: &Value) {
    for field in spec_fields(kind) {
        assert!(
            data.get(field).is_some(),
            "{kind}: spec field `{field}` missing in {data}"
        );
    }
}

/// ISO-8601 UTC with milliseconds: `2024-01-01T00:00:00.000Z`.
pub fn is_iso_millis(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    b.len() == 24
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && b[10] == b'T'
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19)
        && b[19] == b'.'
        && digits(20..23)
        && b[23] == b'Z'
}

/// A hyphenated UUID (8-4-4-4-12 lowercase hex).
pub fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f')))
}

/// A battle item card's critical-strike card (v3), sent by Alice with the
/// nickname `nick`, ×3.
pub fn critical_strike(nick: &str) -> tiklive::webcast::proto::v3::CriticalStrikeCardInfo {
    use tiklive::webcast::proto::v3;
    v3::CriticalStrikeCardInfo {
        card_name_key: "pm_mt_critical_strike".into(),
        send_user: Some(v3::BattleUserInfo {
            user: Some(v3::BattleBaseUserInfo {
                user_id: 7_100_000_000_000_000_001,
                nick_name: nick.into(),
                display_id: "alice.k".into(),
                ..Default::default()
            }),
            tags: vec![],
        }),
        multiple: 3,
        ..Default::default()
    }
}
