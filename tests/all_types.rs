//! All 73 named types (the spec's 43 and the 30 routed since), field by field. Each message is built with our own
//! encoder from `tiklive::webcast::proto` structs with a distinct value in
//! every field the mapping reads, decoded, and every spec field (under the
//! spec's name) is compared with the value that went in. The control kinds come
//! from the demo source and the pipeline; the debug kinds only when asked for.
//!
//! Also here: the one-message-one-event rules, 64-bit ids as strings, unknown
//! methods, filtering before decoding, and gift streaks over a realistic run.

use std::collections::{BTreeMap, BTreeSet};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use prost::Message;
use serde_json::{Value, json};
use tiklive::demo::text;
use tiklive::webcast::proto::*;
use tiklive::webcast::{Decoder, DecoderOptions, Envelope, EventKind, KindSet, Output, StreakMode};

use crate::support::decode::{
    all_kinds, assert_spec_fields, collector_payloads, critical_strike, data_of, decode_one,
    decode_with, everything, options,
};

// ---------------------------------------------------------------------------
// Builders. Every id is above 2^53 so a number that lost precision shows.
// ---------------------------------------------------------------------------

const ROOM: i64 = 7_312_000_000_000_000_001;
const T0: i64 = 1_714_586_400_000;

fn image(url: &str) -> Option<Image> {
    Some(Image {
        url_list: vec![url.to_string(), format!("{url}?second")],
        uri: url.rsplit('/').next().unwrap_or("").to_string(),
        ..Default::default()
    })
}

fn user(id: i64, handle: &str, nick: &str) -> User {
    User {
        id,
        nickname: nick.into(),
        display_id: handle.into(),
        sec_uid: format!("MS4w-{handle}"),
        avatar_thumb: image(&format!("https://example.invalid/a/{handle}.webp")),
        follow_info: Some(FollowInfo {
            following_count: 10,
            follower_count: 20,
            follow_status: 1,
            push_status: 0,
        }),
        badge_list: vec![
            Badge {
                scene_type: 8,
                privilege_log_extra: Some(PrivilegeLogExtra {
                    level: "23".into(),
                    ..Default::default()
                }),
                ..Default::default()
            },
            Badge {
                scene_type: 10,
                privilege_log_extra: Some(PrivilegeLogExtra {
                    level: "4".into(),
                    ..Default::default()
                }),
                ..Default::default()
            },
            Badge {
                scene_type: 4,
                ..Default::default()
            },
        ],
        ..Default::default()
    }
}

fn alice() -> User {
    user(7_100_000_000_000_000_001, "alice.k", "Alice ✨")
}

/// The Rose: gift 5655, one diamond, streakable (type 1).
fn rose() -> GiftInfo {
    GiftInfo {
        id: 5655,
        name: "Rose".into(),
        diamond_count: 1,
        r#type: 1,
        ..Default::default()
    }
}

/// A `common` of type `$ty` for `$method`, message id `$id`, `$dt` ms after
/// [`T0`] in [`ROOM`].
macro_rules! common_of {
    ($($ty:ident)::+, $method:expr, $id:expr, $dt:expr) => {
        Some($($ty)::+ {
            method: $method.into(),
            msg_id: $id,
            room_id: ROOM,
            create_time: T0 + $dt,
            ..Default::default()
        })
    };
}

fn common(method: &str, msg_id: i64, dt: i64) -> Option<Common> {
    common_of!(Common, method, msg_id, dt)
}

/// `common` of the messages carried whole (their v3 schema, `proto/v3.proto`).
fn v3_common(method: &str, msg_id: i64, dt: i64) -> Option<v3::CommonMessageData> {
    common_of!(v3::CommonMessageData, method, msg_id, dt)
}

/// The user fields every user event carries, for `alice()`.
fn alice_fields() -> Value {
    json!({
        "username": "alice.k",
        "uniqueId": "alice.k",
        "userId": "7100000000000000001",
        "nickname": "Alice ✨",
        "profilePictureUrl": "https://example.invalid/a/alice.k.webp",
        "secUid": "MS4w-alice.k",
        "followRole": 1,
        "isSubscriber": true,
        "gifterLevel": 23,
        "teamMemberLevel": 4,
    })
}

/// `alice_fields()` plus the fields of `extra`.
fn alice_with(extra: Value) -> Value {
    let mut all = alice_fields();
    all.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    all
}

/// Assert that every key of `expected` is in `data` with that value.
#[track_caller]
fn assert_fields(kind: EventKind, data: &Value, expected: &Value) {
    for (key, want) in expected.as_object().unwrap() {
        assert_eq!(
            data.get(key),
            Some(want),
            "{kind}: field `{key}` (whole data: {data})"
        );
    }
}

/// Decode `msg` as `method` and check kind, spec fields and values.
#[track_caller]
fn check(kind: EventKind, method: &str, payload: &[u8], expected: Value) -> Value {
    let (ev, data) = decode_one(method, payload);
    assert_eq!(ev.kind, kind, "{method}");
    assert_spec_fields(kind, &data);
    assert_fields(kind, &data, &expected);
    assert_no_unsafe_numbers(method, "data", &data);
    data
}

// ---------------------------------------------------------------------------
// The 43 types.
// ---------------------------------------------------------------------------

/// Every spec kind, produced and checked; returns the kinds seen so the
/// coverage test can insist on all 43.
fn check_message_kinds() -> BTreeSet<EventKind> {
    let mut seen = BTreeSet::new();
    let mut ok = |k: EventKind| {
        seen.insert(k);
    };

    // chat
    let m = ChatMessage {
        common: common("WebcastChatMessage", 7_300_000_000_000_000_001, 1),
        user: Some(alice()),
        content: "hello 👋".into(),
        emotes: vec![EmoteWithIndex {
            index: 6,
            emote: Some(Emote {
                emote_id: "7202546868612680453".into(),
                image: image("https://example.invalid/e/1.webp"),
                ..Default::default()
            }),
        }],
        content_language: "en".into(),
        at_user: Some(user(7_100_000_000_000_000_002, "bob", "Bob")),
        user_identity: Some(UserIdentity {
            is_moderator_of_anchor: true,
            ..Default::default()
        }),
        ..Default::default()
    };
    let want = alice_with(json!({
        "message": "hello 👋",
        "msgId": "7300000000000000001",
        "createTime": T0 + 1,
        "isModerator": true,
        "contentLanguage": "en",
        "emotes": [{
            "emoteId": "7202546868612680453",
            "emoteImageUrl": "https://example.invalid/e/1.webp",
            "placeInComment": 6,
        }],
        "mentionedUser": {
            "userId": "7100000000000000002",
            "uniqueId": "bob",
            "nickname": "Bob",
            "profilePictureUrl": "https://example.invalid/a/bob.webp",
        },
    }));
    check(
        EventKind::Chat,
        "WebcastChatMessage",
        &m.encode_to_vec(),
        want,
    );
    ok(EventKind::Chat);

    // gift: a Corgi ×3 (not streakable), with a receiver
    let m = GiftMessage {
        common: common("WebcastGiftMessage", 7_300_000_000_000_000_002, 2),
        gift_id: 6267,
        group_count: 1,
        repeat_count: 3,
        combo_count: 3,
        user: Some(alice()),
        to_user: Some(user(7_100_000_000_000_000_009, "host", "The Host")),
        repeat_end: 1,
        group_id: 7_300_000_000_000_777_777,
        gift: Some(GiftInfo {
            id: 6267,
            name: "Corgi".into(),
            diamond_count: 299,
            r#type: 2,
            describe: "sent Corgi".into(),
            image: image("https://example.invalid/g/6267.png"),
            ..Default::default()
        }),
        ..Default::default()
    };
    let want = alice_with(json!({
        "giftName": "Corgi",
        "giftId": 6267,
        "repeatCount": 3,
        "repeatEnd": true,
        "giftType": 2,
        "cost": 299,
        "diamondCount": 299,
        "totalDiamonds": 897,
        "groupId": "7300000000000777777",
        "groupCount": 1,
        "comboCount": 3,
        "streakable": false,
        "giftImageUrl": "https://example.invalid/g/6267.png",
        "describe": "sent Corgi",
        "receiver": {
            "userId": "7100000000000000009",
            "uniqueId": "host",
            "nickname": "The Host",
            "profilePictureUrl": "https://example.invalid/a/host.webp",
        },
        "msgId": "7300000000000000002",
        "createTime": T0 + 2,
    }));
    let data = check(
        EventKind::Gift,
        "WebcastGiftMessage",
        &m.encode_to_vec(),
        want,
    );
    assert!(data.get("streakInterrupted").is_none());
    ok(EventKind::Gift);

    // like
    let m = LikeMessage {
        common: common("WebcastLikeMessage", 7_300_000_000_000_000_003, 3),
        count: 15,
        total: 14_470,
        user: Some(alice()),
    };
    let want = alice_with(
        json!({"likeCount": 15, "totalLikeCount": 14470, "msgId": "7300000000000000003"}),
    );
    check(
        EventKind::Like,
        "WebcastLikeMessage",
        &m.encode_to_vec(),
        want,
    );
    ok(EventKind::Like);

    // member
    let m = MemberMessage {
        common: Some(Common {
            display_text: Some(text(
                "live_room_enter_toast",
                "{0:user} joined",
                Some(alice()),
            )),
            ..common("WebcastMemberMessage", 7_300_000_000_000_000_004, 4).unwrap()
        }),
        user: Some(alice()),
        member_count: 774,
        action: 1,
        ..Default::default()
    };
    let want = alice_with(json!({"memberCount": 774, "actionId": 1, "label": "Alice ✨ joined"}));
    check(
        EventKind::Member,
        "WebcastMemberMessage",
        &m.encode_to_vec(),
        want,
    );
    ok(EventKind::Member);

    // roomUpdate
    let m = RoomUserSeqMessage {
        common: common("WebcastRoomUserSeqMessage", 7_300_000_000_000_000_005, 5),
        ranks: vec![Contributor {
            score: 621,
            user: Some(alice()),
            rank: 1,
            delta: 0,
        }],
        total: 460,
        total_user: 14_545,
        ..Default::default()
    };
    check(
        EventKind::RoomUpdate,
        "WebcastRoomUserSeqMessage",
        &m.encode_to_vec(),
        json!({
            "viewerCount": 460,
            "timestamp": "2024-05-01T18:00:00.005Z",
            "totalViewers": 14545,
            "topViewers": [{
                "userId": "7100000000000000001",
                "uniqueId": "alice.k",
                "nickname": "Alice ✨",
                "profilePictureUrl": "https://example.invalid/a/alice.k.webp",
                "coinCount": 621,
                "rank": 1,
            }],
        }),
    );
    ok(EventKind::RoomUpdate);

    // social, follow, share: one message type, three kinds by display key
    for (key, kind, action) in [
        ("pm_mt_repost_message", EventKind::Social, "social"),
        (
            "pm_main_follow_message_viewer_2",
            EventKind::Follow,
            "follow",
        ),
        ("pm_mt_guidance_share", EventKind::Share, "share"),
    ] {
        let m = SocialMessage {
            common: Some(Common {
                display_text: Some(text(key, "{0:user} did it", Some(alice()))),
                ..common("WebcastSocialMessage", 7_300_000_000_000_000_006, 6).unwrap()
            }),
            user: Some(alice()),
            share_type: 1,
            action: 1,
            share_target: "-1".into(),
            follow_count: 52_375,
            ..Default::default()
        };
        let want = alice_with(json!({
            "displayType": key,
            "action": action,
            "label": "Alice ✨ did it",
            "shareType": 1,
            "shareTarget": "-1",
            "followCount": 52375,
        }));
        check(kind, "WebcastSocialMessage", &m.encode_to_vec(), want);
        ok(kind);
    }

    // emote
    let m = EmoteChatMessage {
        common: common("WebcastEmoteChatMessage", 7_300_000_000_000_000_007, 7),
        user: Some(alice()),
        emote_list: vec![Emote {
            emote_id: "7281238501054696197".into(),
            image: image("https://example.invalid/e/hype.webp"),
            ..Default::default()
        }],
        ..Default::default()
    };
    let want = alice_with(json!({
        "emoteId": "7281238501054696197",
        "emoteName": "hype.webp",
        "emoteImageUrl": "https://example.invalid/e/hype.webp",
        "emotes": [{
            "emoteId": "7281238501054696197",
            "emoteName": "hype.webp",
            "emoteImageUrl": "https://example.invalid/e/hype.webp",
        }],
    }));
    check(
        EventKind::Emote,
        "WebcastEmoteChatMessage",
        &m.encode_to_vec(),
        want,
    );
    ok(EventKind::Emote);

    // envelope
    let m = EnvelopeMessage {
        common: common("WebcastEnvelopeMessage", 7_300_000_000_000_000_008, 8),
        envelope_info: Some(EnvelopeInfo {
            envelope_id: "7286181633453427488".into(),
            business_type: 1,
            send_user_name: "ldc.officiall".into(),
            diamond_count: 20,
            people_count: 16,
            unpack_at: 1_696_447_345,
            send_user_id: "6755547942423856133".into(),
            ..Default::default()
        }),
        display: 1,
    };
    check(
        EventKind::Envelope,
        "WebcastEnvelopeMessage",
        &m.encode_to_vec(),
        json!({
            "username": "ldc.officiall",
            "userId": "6755547942423856133",
            "coins": 20,
            "envelopeId": "7286181633453427488",
            "businessType": 1,
            "peopleCount": 16,
            "unpackAt": 1696447345,
            "display": 1,
            "msgId": "7300000000000000008",
        }),
    );
    ok(EventKind::Envelope);

    // questionNew
    let m = QuestionNewMessage {
        common: common("WebcastQuestionNewMessage", 7_300_000_000_000_000_009, 9),
        details: Some(Question {
            question_id: 7_286_180_112_523_903_008,
            content: "Which brush?".into(),
            user: Some(alice()),
            ..Default::default()
        }),
    };
    let want =
        alice_with(json!({"questionText": "Which brush?", "questionId": "7286180112523903008"}));
    check(
        EventKind::QuestionNew,
        "WebcastQuestionNewMessage",
        &m.encode_to_vec(),
        want,
    );
    ok(EventKind::QuestionNew);

    // linkMicBattle
    let anchor = |id: i64, handle: &str| BattleAnchor {
        key: id,
        value: Some(BattleUserInfo {
            user: Some(BattleBaseUser {
                user_id: id,
                nickname: handle.to_uppercase(),
                display_id: handle.into(),
                avatar_thumb: image(&format!("https://example.invalid/a/{handle}.webp")),
            }),
        }),
    };
    let m = LinkMicBattle {
        common: common("WebcastLinkMicBattle", 7_300_000_000_000_000_010, 10),
        battle_id: 7_286_185_068_292_573_984,
        battle_settings: Some(BattleSettings {
            battle_id: 7_286_185_068_292_573_984,
            duration: 301,
            status: 1,
            ..Default::default()
        }),
        action: 4,
        anchors_info: vec![
            anchor(7_231_497_158_964_069_382, "kuian888"),
            anchor(6_838_171_651_939_763_206, "halilk55_"),
        ],
        ..Default::default()
    };
    let data = check(
        EventKind::LinkMicBattle,
        "WebcastLinkMicBattle",
        &m.encode_to_vec(),
        json!({
            "battleId": "7286185068292573984",
            "status": 1,
            "action": 4,
            "battleUsers": [
                {"uniqueId": "kuian888", "userId": "7231497158964069382", "nickname": "KUIAN888",
                 "profilePictureUrl": "https://example.invalid/a/kuian888.webp"},
                {"uniqueId": "halilk55_", "userId": "6838171651939763206", "nickname": "HALILK55_",
                 "profilePictureUrl": "https://example.invalid/a/halilk55_.webp"},
            ],
        }),
    );
    assert_eq!(data["battleData"]["battleSettings"]["duration"], 301);
    ok(EventKind::LinkMicBattle);

    // linkMicArmies
    let mut armies = BTreeMap::new();
    armies.insert(
        7_231_497_158_964_069_382,
        BattleUserArmies {
            user_armies: vec![ArmyUser {
                user_id: 7_100_000_000_000_000_001,
                score: 120,
                nickname: "Alice".into(),
                ..Default::default()
            }],
            host_score: 120,
            anchor_id_str: "7231497158964069382".into(),
        },
    );
    let m = LinkMicArmies {
        common: common("WebcastLinkMicArmies", 7_300_000_000_000_000_011, 11),
        battle_id: 7_286_185_068_292_573_984,
        armies,
        channel_id: 7_286_184_950_461_090_592,
        trigger_reason: 1,
        ..Default::default()
    };
    let data = check(
        EventKind::LinkMicArmies,
        "WebcastLinkMicArmies",
        &m.encode_to_vec(),
        json!({
            "msgId": "7300000000000000011",
            "createTime": T0 + 11,
            "battleInfo": {
                "battleId": "7286185068292573984",
                "channelId": "7286184950461090592",
                "triggerReason": 1,
            },
            "army": {
                "7231497158964069382": {
                    "userArmies": [{"userId": "7100000000000000001", "score": "120", "nickname": "Alice"}],
                    "hostScore": "120",
                    "anchorIdStr": "7231497158964069382",
                },
            },
        }),
    );
    assert_eq!(data.as_object().unwrap().len(), 4, "{data}");
    ok(EventKind::LinkMicArmies);

    // The generic kinds: the whole message under the spec's key.
    let generic: Vec<(EventKind, &str, Vec<u8>, &str, Value)> = vec![
        (
            EventKind::LinkMicBattlePunishFinish,
            "WebcastLinkMicBattlePunishFinish",
            LinkMicBattlePunishFinish {
                common: common(
                    "WebcastLinkMicBattlePunishFinish",
                    7_300_000_000_000_000_012,
                    12,
                ),
                channel_id: 7_286_180_458_596_059_936,
                op_uid: 6_604_742_758_795_608_069,
                reason: 1,
                battle_id: 7_286_183_425_237_322_529,
                battle_settings: None,
            }
            .encode_to_vec(),
            "battleData",
            json!({
                "channelId": "7286180458596059936",
                "opUid": "6604742758795608069",
                "reason": 1,
                "battleId": "7286183425237322529",
            }),
        ),
        (
            EventKind::LinkMicBattleTask,
            "WebcastLinkmicBattleTaskMessage",
            LinkmicBattleTaskMessage {
                common: common(
                    "WebcastLinkmicBattleTaskMessage",
                    7_300_000_000_000_000_013,
                    13,
                ),
                task_message_type: 3,
                battle_id: 7_286_183_425_237_322_529,
            }
            .encode_to_vec(),
            "taskData",
            json!({"taskMessageType": 3, "battleId": "7286183425237322529"}),
        ),
        (
            EventKind::LinkMicFanTicketMethod,
            "WebcastLinkMicFanTicketMethod",
            LinkMicFanTicketMethod {
                common: common(
                    "WebcastLinkMicFanTicketMethod",
                    7_300_000_000_000_000_014,
                    14,
                ),
                fan_ticket_room_notice: Some(FanTicketRoomNotice {
                    user_fan_ticket: vec![UserFanTicket {
                        user_id: 6_788_594_551_571_284_998,
                        fan_ticket: 3960,
                        ..Default::default()
                    }],
                    total_linkmic_fan_ticket: 10_018,
                    match_id: 0,
                }),
            }
            .encode_to_vec(),
            "ticketData",
            json!({"fanTicketRoomNotice": {
                "userFanTicket": [{"userId": "6788594551571284998", "fanTicket": "3960"}],
                "totalLinkmicFanTicket": "10018",
            }}),
        ),
        (
            EventKind::LinkMicMethod,
            "WebcastLinkMicMethod",
            LinkMicMethod {
                common: common("WebcastLinkMicMethod", 7_300_000_000_000_000_015, 15),
                message_type: 104,
                channel_id: 7_286_104_421_582_310_175,
                ..Default::default()
            }
            .encode_to_vec(),
            "methodData",
            json!({"messageType": 104, "channelId": "7286104421582310175"}),
        ),
        (
            EventKind::HourlyRank,
            "WebcastHourlyRankMessage",
            HourlyRankMessage {
                common: common("WebcastHourlyRankMessage", 7_300_000_000_000_000_016, 16),
                data: Some(HourlyRankContainer {
                    kind: 1,
                    rankings: Some(HourlyRankEntry {
                        r#type: "pm_mt_Live_WR".into(),
                        label: "Weekly Ranking".into(),
                    }),
                    state: 1,
                }),
                state: 1,
            }
            .encode_to_vec(),
            "rankData",
            json!({"data": {"kind": "1", "rankings": {"type": "pm_mt_Live_WR", "label": "Weekly Ranking"}, "state": "1"}, "state": "1"}),
        ),
        (
            EventKind::HourlyRank,
            "WebcastHourlyRankRewardMessage",
            HourlyRankRewardMessage {
                common: common(
                    "WebcastHourlyRankRewardMessage",
                    7_300_000_000_000_000_017,
                    17,
                ),
                winners: vec![HourlyRankWinner {
                    user_id: 7_000_000_000_000_000_042,
                    asset_id: 206,
                }],
            }
            .encode_to_vec(),
            "rankData",
            json!({"winners": [{"userId": "7000000000000000042", "assetId": "206"}]}),
        ),
        (
            EventKind::RankUpdate,
            "WebcastRankUpdateMessage",
            RankUpdateMessage {
                common: common("WebcastRankUpdateMessage", 7_300_000_000_000_000_018, 18),
                updates: vec![RankUpdate {
                    rank_type: 8,
                    owner_rank: 12,
                    default_content: Some(text("pm_mt_daily_entrance", "Daily Ranking", None)),
                    countdown: 45_624,
                }],
                group_type: 1,
            }
            .encode_to_vec(),
            "rankData",
            json!({"groupType": "1", "updates": [{
                "rankType": "8", "ownerRank": "12", "countdown": "45624",
                "defaultContent": {"key": "pm_mt_daily_entrance", "defaultPattern": "Daily Ranking"},
            }]}),
        ),
        (
            EventKind::PollMessage,
            "WebcastPollMessage",
            PollMessage {
                common: common("WebcastPollMessage", 7_300_000_000_000_000_019, 19),
                message_type: 0,
                poll_id: 7_286_185_037_553_699_617,
                start_content: Some(PollStartContent {
                    title: "Next sky?".into(),
                    option_list: vec![
                        PollOption {
                            votes: 0,
                            display_content: "Sunset".into(),
                            option_idx: 0,
                        },
                        PollOption {
                            votes: 3,
                            display_content: "Storm".into(),
                            option_idx: 1,
                        },
                    ],
                    ..Default::default()
                }),
                ..Default::default()
            }
            .encode_to_vec(),
            "pollData",
            json!({"pollId": "7286185037553699617", "startContent": {
                "title": "Next sky?",
                "optionList": [{"displayContent": "Sunset"}, {"votes": "3", "displayContent": "Storm", "optionIdx": "1"}],
            }}),
        ),
        (
            EventKind::UnauthorizedMember,
            "WebcastUnauthorizedMemberMessage",
            UnauthorizedMemberMessage {
                common: common(
                    "WebcastUnauthorizedMemberMessage",
                    7_300_000_000_000_000_020,
                    20,
                ),
                action: 1,
                nick_name_prefix: Some(text("web_nonlogin_im_1", "Viewer%s", None)),
                nick_name: "743858".into(),
                enter_text: None,
            }
            .encode_to_vec(),
            "memberData",
            json!({"action": 1, "nickName": "743858", "nickNamePrefix": {"key": "web_nonlogin_im_1", "defaultPattern": "Viewer%s"}}),
        ),
        (
            EventKind::OecLiveShopping,
            "WebcastOecLiveShoppingMessage",
            OecLiveShoppingMessage {
                common: common(
                    "WebcastOecLiveShoppingMessage",
                    7_300_000_000_000_000_021,
                    21,
                ),
                action_type: 1,
                live_product_number: 2,
                pop_product: Some(OecProduct {
                    title: "Brushes".into(),
                    product_id: 1_729_609_008_007_580_355,
                    shop_name: "TikTok Shop".into(),
                    ..Default::default()
                }),
            }
            .encode_to_vec(),
            "shoppingData",
            json!({"actionType": 1, "liveProductNumber": "2", "popProduct": {
                "title": "Brushes", "productId": "1729609008007580355", "shopName": "TikTok Shop"}}),
        ),
        (
            EventKind::MsgDetect,
            "WebcastMsgDetectMessage",
            MsgDetectMessage {
                common: common("WebcastMsgDetectMessage", 7_300_000_000_000_000_022, 22),
                detect_type: 2,
                from_region: "TR".into(),
                time_info: Some(MsgDetectTimeInfo {
                    client_start_ms: 1_696_447_172_116,
                    ..Default::default()
                }),
                ..Default::default()
            }
            .encode_to_vec(),
            "detectionData",
            json!({"detectType": 2, "fromRegion": "TR", "timeInfo": {"clientStartMs": "1696447172116"}}),
        ),
        (
            EventKind::LinkMessage,
            "WebcastLinkMessage",
            LinkMessage {
                common: common("WebcastLinkMessage", 7_300_000_000_000_000_023, 23),
                message_type: 20,
                linker_id: 7_286_156_174_663_652_357,
                scene: 4,
                extra: String::new(),
            }
            .encode_to_vec(),
            "linkData",
            json!({"messageType": "20", "linkerId": "7286156174663652357", "scene": "4"}),
        ),
        (
            EventKind::RoomVerify,
            "WebcastRoomVerifyMessage",
            RoomVerifyMessage {
                common: common("WebcastRoomVerifyMessage", 7_300_000_000_000_000_024, 24),
                action: 4,
                content: "verified".into(),
                notice_type: 0,
                close_room: false,
            }
            .encode_to_vec(),
            "verifyData",
            json!({"action": 4, "content": "verified"}),
        ),
        (
            EventKind::LinkLayer,
            "WebcastLinkLayerMessage",
            LinkLayerMessage {
                common: common("WebcastLinkLayerMessage", 7_300_000_000_000_000_025, 25),
                message_type: 11,
                channel_id: 7_286_156_174_663_652_357,
                scene: 4,
            }
            .encode_to_vec(),
            "layerData",
            json!({"messageType": "11", "channelId": "7286156174663652357", "scene": "4"}),
        ),
        (
            EventKind::RoomPin,
            "WebcastRoomPinMessage",
            RoomPinMessage {
                common: common("WebcastRoomPinMessage", 7_300_000_000_000_000_026, 26),
                chat_message: Some(ChatMessage {
                    content: "Be kind".into(),
                    ..Default::default()
                }),
                method: "WebcastChatMessage".into(),
                pin_time: T0 + 26,
                action: 1,
                display_duration: 60,
                ..Default::default()
            }
            .encode_to_vec(),
            "pinData",
            json!({"chatMessage": {"content": "Be kind"}, "method": "WebcastChatMessage",
                   "pinTime": (T0 + 26).to_string(), "action": 1, "displayDuration": "60"}),
        ),
    ];
    for (kind, method, payload, key, inner) in generic {
        let data = check(kind, method, &payload, json!({}));
        let whole = &data[key];
        assert_fields(kind, whole, &inner);
        // msgId/createTime on top and inside `common`.
        let msg_id = whole["common"]["msgId"].as_str().unwrap().to_string();
        assert_eq!(data["msgId"], msg_id.as_str(), "{kind}");
        assert!(data["createTime"].as_i64().unwrap() > T0, "{kind}");
        assert_eq!(whole["common"]["method"], method, "{kind}");
        ok(kind);
    }

    // liveIntro
    let m = LiveIntroMessage {
        common: common("WebcastLiveIntroMessage", 7_300_000_000_000_000_027, 27),
        id: ROOM,
        content: "Sunday sketching".into(),
        host: Some(alice()),
        content_language: "en".into(),
        ..Default::default()
    };
    check(
        EventKind::LiveIntro,
        "WebcastLiveIntroMessage",
        &m.encode_to_vec(),
        json!({
            "id": "7312000000000000001",
            "description": "Sunday sketching",
            "language": "en",
            "host": {
                "userId": "7100000000000000001",
                "uniqueId": "alice.k",
                "nickname": "Alice ✨",
                "profilePictureUrl": "https://example.invalid/a/alice.k.webp",
            },
        }),
    );
    ok(EventKind::LiveIntro);

    // controlMessage for every action, and streamEnd as well for 3 and 4
    for action in 1..=4 {
        let m = ControlMessage {
            common: common("WebcastControlMessage", 7_300_000_000_000_000_028, 28),
            action,
            tips: "bye".into(),
            extra: None,
        };
        let events = decode_with(everything(), "WebcastControlMessage", &m.encode_to_vec());
        let kinds: Vec<EventKind> = events.iter().map(|e| e.kind).collect();
        let want = json!({"action": action, "tips": "bye", "msgId": "7300000000000000028"});
        if action >= 3 {
            assert_eq!(
                kinds,
                [EventKind::ControlMessage, EventKind::StreamEnd],
                "{action}"
            );
        } else {
            assert_eq!(kinds, [EventKind::ControlMessage], "{action}");
        }
        for ev in &events {
            let data = data_of(ev);
            assert_spec_fields(ev.kind, &data);
            assert_fields(ev.kind, &data, &want);
            ok(ev.kind);
        }
    }

    // barrage
    let m = BarrageMessage {
        common: common("WebcastBarrageMessage", 7_300_000_000_000_000_029, 29),
        msg_type: 4,
        content: Some(text(
            "pm_mt_subscribe_first_barrage",
            "{0:user} subscribed",
            Some(alice()),
        )),
        duration: 3000,
        user: Some(alice()),
        ..Default::default()
    };
    let mut user_obj = alice_fields();
    user_obj["isModerator"] = json!(false);
    let data = check(
        EventKind::Barrage,
        "WebcastBarrageMessage",
        &m.encode_to_vec(),
        json!({
            "message": "Alice ✨ subscribed",
            "displayType": "pm_mt_subscribe_first_barrage",
            "msgType": 4,
        }),
    );
    assert_fields(EventKind::Barrage, &data["user"], &user_obj);
    assert_eq!(data["barrageData"]["duration"], "3000");
    ok(EventKind::Barrage);

    // superFan: a barrage with `ttlive_superfan` in its key (and the barrage)
    let m = BarrageMessage {
        common: common("WebcastBarrageMessage", 7_300_000_000_000_000_030, 30),
        msg_type: 11,
        content: Some(text(
            "ttlive_superFan_join_barrage",
            "{0:user} became a Super Fan",
            Some(alice()),
        )),
        user: Some(alice()),
        ..Default::default()
    };
    let events = decode_with(everything(), "WebcastBarrageMessage", &m.encode_to_vec());
    let kinds: Vec<EventKind> = events.iter().map(|e| e.kind).collect();
    assert_eq!(kinds, [EventKind::SuperFan, EventKind::Barrage]);
    let data = data_of(&events[0]);
    assert_spec_fields(EventKind::SuperFan, &data);
    let want = alice_with(
        json!({"message": "Alice ✨ became a Super Fan", "msgId": "7300000000000000030"}),
    );
    assert_fields(EventKind::SuperFan, &data, &want);
    assert_eq!(data["fanData"]["msgType"], 11);
    assert_eq!(
        data["fanData"]["content"]["key"],
        "ttlive_superFan_join_barrage"
    );
    ok(EventKind::SuperFan);

    // goalUpdate
    let m = GoalUpdateMessage {
        common: common("WebcastGoalUpdateMessage", 7_300_000_000_000_000_031, 31),
        goal: Some(Goal {
            id: 7_286_184_983_995_009_798,
            description: "Meta de rosas!".into(),
            sub_goals: vec![SubGoal {
                id: 5655,
                progress: 120,
                target: 300,
                ..Default::default()
            }],
            ..Default::default()
        }),
        contributor_display_id: "marcia.couto".into(),
        contribute_count: 2,
        ..Default::default()
    };
    let data = check(
        EventKind::GoalUpdate,
        "WebcastGoalUpdateMessage",
        &m.encode_to_vec(),
        json!({
            "goalId": "7286184983995009798",
            "progress": 120,
            "target": 300,
            "description": "Meta de rosas!",
            "contributorUniqueId": "marcia.couto",
            "contributeCount": 2,
        }),
    );
    assert_eq!(data["goalData"]["goal"]["subGoals"][0]["progress"], "120");
    ok(EventKind::GoalUpdate);

    // roomMessage (the spec shows an empty data object; we add the content)
    let m = RoomMessage {
        common: common("WebcastRoomMessage", 7_300_000_000_000_000_032, 32),
        content: "Welcome to TikTok LIVE!".into(),
        source: 1,
        is_welcome: true,
    };
    check(
        EventKind::RoomMessage,
        "WebcastRoomMessage",
        &m.encode_to_vec(),
        json!({"content": "Welcome to TikTok LIVE!", "source": 1, "isWelcome": true}),
    );
    ok(EventKind::RoomMessage);

    // captionMessage
    let m = CaptionMessage {
        common: common("WebcastCaptionMessage", 7_300_000_000_000_000_033, 33),
        timestamp_ms: 1_695_115_499_658,
        duration_ms: 2580,
        content: vec![
            CaptionContent {
                lang: "en".into(),
                content: "Grab a brush.".into(),
            },
            CaptionContent {
                lang: "en".into(),
                content: "Then water.".into(),
            },
        ],
        ..Default::default()
    };
    check(
        EventKind::CaptionMessage,
        "WebcastCaptionMessage",
        &m.encode_to_vec(),
        json!({
            "text": "Grab a brush. Then water.",
            "timestamp": "2023-09-19T09:24:59.658Z",
            "language": "en",
        }),
    );
    ok(EventKind::CaptionMessage);

    // imDelete
    let m = ImDeleteMessage {
        common: common("WebcastImDeleteMessage", 7_300_000_000_000_000_034, 34),
        delete_msg_ids: vec![7_270_204_318_916_594_464, 7_270_204_318_916_594_465],
        delete_user_ids: vec![7_223_833_453_145_474_054],
    };
    check(
        EventKind::ImDelete,
        "WebcastImDeleteMessage",
        &m.encode_to_vec(),
        json!({
            "messageId": "7270204318916594464",
            "messageIds": ["7270204318916594464", "7270204318916594465"],
            "userIds": ["7223833453145474054"],
        }),
    );
    ok(EventKind::ImDelete);

    // inRoomBanner: JSON text stays JSON; anything else stays a string
    for (text_in, want) in [
        (
            r#"{"banner":"weekly","rank":12}"#,
            json!({"banner": "weekly", "rank": 12}),
        ),
        ("not json", json!("not json")),
    ] {
        let m = InRoomBannerMessage {
            common: common("WebcastInRoomBannerMessage", 7_300_000_000_000_000_035, 35),
            data: text_in.as_bytes().to_vec().into(),
        };
        check(
            EventKind::InRoomBanner,
            "WebcastInRoomBannerMessage",
            &m.encode_to_vec(),
            json!({"data": want}),
        );
    }
    ok(EventKind::InRoomBanner);

    // rankText
    let m = RankTextMessage {
        common: common("WebcastRankTextMessage", 7_300_000_000_000_000_036, 36),
        scene: 1,
        owner_idx_before_update: 3,
        owner_idx_after_update: 1,
        self_get_badge_msg: Some(text(
            "pm_mt_rank_self",
            "You just got the No. {0:string} gifter badge",
            None,
        )),
        ..Default::default()
    };
    check(
        EventKind::RankText,
        "WebcastRankTextMessage",
        &m.encode_to_vec(),
        json!({
            "text": "You just got the No.  gifter badge",
            "scene": 1,
            "ownerIdxBeforeUpdate": 3,
            "ownerIdxAfterUpdate": 1,
        }),
    );
    ok(EventKind::RankText);

    seen
}

#[test]
fn every_message_kind_carries_its_spec_fields_with_the_right_values() {
    let seen = check_message_kinds();
    let control_and_debug = [
        EventKind::Connected,
        EventKind::Disconnected,
        EventKind::Error,
        EventKind::RawData,
        EventKind::DecodedData,
    ];
    // The spec's 43 (the types added since are checked by
    // `each_of_the_62_methods_gives_its_named_event` and the tests after it).
    for kind in &EventKind::ALL[..43] {
        assert!(
            seen.contains(kind) || control_and_debug.contains(kind),
            "{kind} was not produced"
        );
    }
    assert_eq!(seen.len() + control_and_debug.len(), 43);
}

#[test]
fn debug_kinds_appear_only_when_asked_for() {
    let m = LikeMessage {
        common: common("WebcastLikeMessage", 7_300_000_000_000_000_003, 3),
        count: 5,
        total: 12_345,
        user: Some(alice()),
    };
    let payload = m.encode_to_vec();
    // Not by default.
    let kinds: Vec<_> = decode_with(everything(), "WebcastLikeMessage", &payload)
        .iter()
        .map(|e| e.kind)
        .collect();
    assert_eq!(kinds, [EventKind::Like]);

    // rawData alone: before decoding, so the like itself is not produced.
    let mut wanted = KindSet::empty();
    wanted.insert(EventKind::RawData);
    let events = decode_with(options(wanted), "WebcastLikeMessage", &payload);
    assert_eq!(events.len(), 1);
    let raw = data_of(&events[0]);
    assert_eq!(events[0].kind, EventKind::RawData);
    assert_spec_fields(EventKind::RawData, &raw);
    assert_eq!(raw["messageTypeName"], "WebcastLikeMessage");
    assert_eq!(raw["binary"], B64.encode(&payload));

    // decodedData alone.
    let mut wanted = KindSet::empty();
    wanted.insert(EventKind::DecodedData);
    let events = decode_with(options(wanted), "WebcastLikeMessage", &payload);
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].kind, EventKind::DecodedData);
    let dec = data_of(&events[0]);
    assert_spec_fields(EventKind::DecodedData, &dec);
    assert_eq!(dec["event"], "like");
    assert_eq!(dec["method"], "WebcastLikeMessage");
    assert_eq!(dec["binary"], B64.encode(&payload));
    assert_eq!(dec["decodedData"]["count"], "5");
    assert_eq!(dec["decodedData"]["total"], "12345");
    assert_eq!(dec["decodedData"]["user"]["displayId"], "alice.k");
    assert_eq!(dec["decodedData"]["common"]["msgId"], "7300000000000000003");

    // Everything: raw first, then the event, then the decoded form.
    let kinds: Vec<_> = decode_with(options(all_kinds()), "WebcastLikeMessage", &payload)
        .iter()
        .map(|e| e.kind)
        .collect();
    assert_eq!(
        kinds,
        [EventKind::RawData, EventKind::Like, EventKind::DecodedData]
    );
}

/// `connected` and `disconnected` come from the demo source, `error` from the
/// pipeline; the data carries the spec's fields.
#[test]
fn control_kinds_come_from_the_source_and_the_pipeline() {
    use tiklive::config::Speed;
    use tiklive::source::{OfflineEnd, OfflineRun, run_demo};
    use tokio::sync::mpsc;
    use tokio_util::sync::CancellationToken;

    let (tx, mut rx) = mpsc::channel(1024);
    let producer = std::thread::spawn(move || {
        run_demo(OfflineRun {
            opts: DecoderOptions::default(),
            speed: Speed::Max,
            threads: 2,
            tx,
            cancel: CancellationToken::new(),
            record: None,
            recycled: None,
            stdout: None,
        })
        .unwrap()
    });
    let mut events: Vec<Envelope> = Vec::new();
    while let Some(batch) = rx.blocking_recv() {
        events.extend(batch);
    }
    assert_eq!(producer.join().unwrap(), OfflineEnd::Done);

    let first = events.first().unwrap();
    assert_eq!(first.kind, EventKind::Connected);
    let data: Value = serde_json::from_str(first.data.get()).unwrap();
    assert_spec_fields(EventKind::Connected, &data);
    assert_eq!(
        data,
        json!({"username": "tiklive_demo", "roomId": "7312000000000000001"})
    );
    let last = events.last().unwrap();
    assert_eq!(last.kind, EventKind::Disconnected);
    let data: Value = serde_json::from_str(last.data.get()).unwrap();
    assert_eq!(
        data,
        json!({"code": 1000, "reason": "stream ended", "cause": "streamEnded"})
    );
    // The stream end comes just before.
    assert_eq!(events[events.len() - 2].kind, EventKind::StreamEnd);
    assert_eq!(
        events.iter().filter(|e| e.kind.is_control()).count(),
        2,
        "one connected, one disconnected"
    );

    let mut pipeline = tiklive::pipeline::Pipeline::new(DecoderOptions::default(), "alice");
    let mut batch = Vec::new();
    pipeline.control(
        &tiklive::webcast::Control::Error {
            error: "sign server said 429".into(),
            fatal: false,
        },
        1_692_120_689_751,
        &mut batch,
    );
    let [err] = &batch[..] else {
        panic!("one error event")
    };
    assert_eq!(err.kind, EventKind::Error);
    assert_eq!(err.streamer, "alice");
    assert_eq!(err.timestamp, "2023-08-15T17:31:29.751Z");
    let data: Value = serde_json::from_str(err.data.get()).unwrap();
    assert_spec_fields(EventKind::Error, &data);
    assert_eq!(data["error"], "sign server said 429");

    // Not wanted: not produced.
    let mut only_chat = KindSet::empty();
    only_chat.insert(EventKind::Chat);
    let mut pipeline = tiklive::pipeline::Pipeline::new(options(only_chat), "alice");
    let mut batch = Vec::new();
    let connected = tiklive::webcast::Control::Connected {
        username: "alice".into(),
        room_id: "7".into(),
    };
    pipeline.control(&connected, 0, &mut batch);
    assert!(batch.is_empty());
}

// ---------------------------------------------------------------------------
// One wire message, one event.
// ---------------------------------------------------------------------------

fn barrage_with(content_key: Option<&str>, common_key: Option<&str>) -> Vec<u8> {
    BarrageMessage {
        common: common("WebcastBarrageMessage", 7_300_000_000_000_000_040, 40),
        content: content_key.map(|k| text(k, "{0:user} joined", Some(alice()))),
        common_barrage_content: common_key.map(|k| text(k, "x", None)),
        user: Some(alice()),
        ..Default::default()
    }
    .encode_to_vec()
}

#[test]
fn super_fan_barrages_give_barrage_too() {
    use EventKind::{Barrage, SuperFan, SuperFanJoin};
    let joined = "ttlive_superfan_commentnotif_superfanjoined";
    for (content, common_key, kinds) in [
        (Some(joined), None, &[SuperFanJoin, Barrage][..]),
        (
            Some("TTLIVE_SUPERFAN_COMMENTNOTIF_SUPERFANJOINED"),
            None,
            &[SuperFanJoin, Barrage],
        ),
        (None, Some(joined), &[SuperFanJoin, Barrage]),
        (Some("ttlive_superfan_join"), None, &[SuperFan, Barrage]),
        (Some("TTLIVE_SUPERFAN_join"), None, &[SuperFan, Barrage]),
        (
            Some("pm_mt_ttlive_superFan_box"),
            None,
            &[SuperFan, Barrage],
        ),
        (None, Some("ttlive_SuperFan_common"), &[SuperFan, Barrage]),
        (
            Some("pm_mt_fan_live_join"),
            Some("ttlive_superfan_x"),
            &[SuperFan, Barrage],
        ),
        (Some("pm_mt_fan_live_join"), None, &[Barrage]),
        (Some("ttlive_super_fan"), Some("superfan"), &[Barrage]),
        (None, None, &[Barrage]),
    ] {
        let payload = barrage_with(content, common_key);
        let got: Vec<EventKind> = decode_with(everything(), "WebcastBarrageMessage", &payload)
            .iter()
            .map(|e| e.kind)
            .collect();
        assert_eq!(got, kinds, "{content:?} / {common_key:?}");
        // Asking for one kind only gives that one.
        for kind in kinds {
            let mut wanted = KindSet::empty();
            wanted.insert(*kind);
            let only = decode_with(options(wanted), "WebcastBarrageMessage", &payload);
            assert_eq!(only.len(), 1, "{content:?}: only {kind}");
        }
    }
}

fn envelope_with(business_type: i32, key: &str) -> Vec<u8> {
    let mut c = common("WebcastEnvelopeMessage", 7_300_000_000_000_000_041, 41);
    if let Some(c) = c.as_mut() {
        c.display_text = Some(text(key, "{0:user} sent a box", None));
    }
    EnvelopeMessage {
        common: c,
        envelope_info: Some(EnvelopeInfo {
            envelope_id: "7300000000000000999".into(),
            business_type,
            send_user_name: "alice.k".into(),
            send_user_id: "7100000000000000001".into(),
            diamond_count: 99,
            ..Default::default()
        }),
        display: 1,
    }
    .encode_to_vec()
}

#[test]
fn super_fan_boxes_give_envelope_too() {
    use EventKind::{Envelope, SuperFanBox};
    for (business_type, key, kinds) in [
        (19, "pm_mt_envelope", &[SuperFanBox, Envelope][..]),
        (1, "ttlive_SuperFanBox_sent", &[SuperFanBox, Envelope]),
        (1, "pm_mt_envelope", &[Envelope]),
    ] {
        let events = decode_with(
            everything(),
            "WebcastEnvelopeMessage",
            &envelope_with(business_type, key),
        );
        let got: Vec<EventKind> = events.iter().map(|e| e.kind).collect();
        assert_eq!(got, kinds, "{business_type} {key}");
        for ev in &events {
            let data = data_of(ev);
            assert_spec_fields(ev.kind, &data);
            assert_eq!(data["coins"], 99);
            assert_eq!(data["businessType"], business_type);
            assert_eq!(data["msgId"], "7300000000000000041");
        }
    }
}

#[test]
fn social_messages_are_exactly_one_of_follow_share_social() {
    for (key, kind) in [
        ("pm_main_follow_message_viewer_2", EventKind::Follow),
        ("pm_mt_guidance_share", EventKind::Share),
        ("pm_mt_guidance_viewer_5_share", EventKind::Share),
        ("PM_MAIN_FOLLOW", EventKind::Follow),
        ("pm_mt_repost_message", EventKind::Social),
        ("", EventKind::Social),
    ] {
        let payload = SocialMessage {
            common: Some(Common {
                display_text: Some(text(key, "{0:user}", Some(alice()))),
                ..common("WebcastSocialMessage", 1, 1).unwrap()
            }),
            user: Some(alice()),
            ..Default::default()
        }
        .encode_to_vec();
        let (ev, data) = decode_one("WebcastSocialMessage", &payload);
        assert_eq!(ev.kind, kind, "{key}");
        assert_eq!(data["displayType"], key);
        for other in [EventKind::Follow, EventKind::Share, EventKind::Social] {
            let mut wanted = KindSet::empty();
            wanted.insert(other);
            let n = decode_with(options(wanted), "WebcastSocialMessage", &payload).len();
            assert_eq!(n, usize::from(other == kind), "{key} with only {other}");
        }
    }
    // Every real social message is exactly one event too.
    for p in collector_payloads()
        .iter()
        .filter(|p| p.method == "WebcastSocialMessage")
    {
        let (ev, _) = decode_one(&p.method, &p.bytes);
        assert!(matches!(
            ev.kind,
            EventKind::Follow | EventKind::Share | EventKind::Social
        ));
    }
}

#[test]
fn both_hourly_rank_messages_are_hourly_rank() {
    for p in collector_payloads().iter().filter(|p| {
        p.method == "WebcastHourlyRankMessage" || p.method == "WebcastHourlyRankRewardMessage"
    }) {
        let (ev, data) = decode_one(&p.method, &p.bytes);
        assert_eq!(ev.kind, EventKind::HourlyRank, "{}", p.method);
        assert!(data["rankData"].is_object());
    }
    let names: BTreeSet<&str> = collector_payloads()
        .iter()
        .filter(|p| p.method.starts_with("WebcastHourlyRank"))
        .map(|p| {
            if p.method.ends_with("RewardMessage") {
                "reward"
            } else {
                "rank"
            }
        })
        .collect();
    assert_eq!(names.len(), 2, "the real data holds both names");
}

// ---------------------------------------------------------------------------
// Ids, unknown methods, filtering.
// ---------------------------------------------------------------------------

/// The largest integer a JavaScript number holds exactly.
const MAX_SAFE: u64 = (1 << 53) - 1;

/// Every number in `v` must be a safe JSON integer (or a small float): a
/// 64-bit id would have to be a string.
fn assert_no_unsafe_numbers(what: &str, path: &str, v: &Value) {
    match v {
        Value::Number(n) => {
            let ok = n.as_u64().map(|x| x <= MAX_SAFE).unwrap_or(true)
                && n.as_i64()
                    .map(|x| x.unsigned_abs() <= MAX_SAFE)
                    .unwrap_or(true);
            assert!(ok, "{what}: {path} = {n} is a 64-bit number, not a string");
        }
        Value::Array(items) => {
            for (i, x) in items.iter().enumerate() {
                assert_no_unsafe_numbers(what, &format!("{path}[{i}]"), x);
            }
        }
        Value::Object(map) => {
            for (k, x) in map {
                assert_no_unsafe_numbers(what, &format!("{path}.{k}"), x);
            }
        }
        _ => {}
    }
}

#[test]
fn sixty_four_bit_ids_are_strings() {
    let mut decoder = Decoder::new(options(all_kinds()));
    let mut checked = 0;
    for p in collector_payloads() {
        let mut out = Vec::new();
        decoder.decode_message(&p.method, &p.bytes, false, &mut out);
        for o in out {
            let Output::Event(ev) = o else { continue };
            let data = data_of(&ev);
            assert_no_unsafe_numbers(&format!("{} ({})", p.method, ev.kind), "data", &data);
            for key in [
                "msgId",
                "userId",
                "battleId",
                "questionId",
                "goalId",
                "groupId",
            ] {
                if let Some(id) = data.get(key) {
                    assert!(id.is_string(), "{}: {key} = {id}", ev.kind);
                }
            }
            checked += 1;
        }
    }
    // Raw, event and decoded form for each payload (`check` does the same
    // for the encoded samples, whose ids are all above 2^53).
    assert!(checked > 2303 * 2, "{checked} events");
}

#[test]
fn unknown_methods_are_skipped_unless_asked_for() {
    let payload = b"\x0a\x05hello\x10\x01";
    let mut decoder = Decoder::new(DecoderOptions::default());
    let mut out = Vec::new();
    decoder.decode_message("WebcastSomethingNewMessage", payload, false, &mut out);
    assert!(out.is_empty());
    assert_eq!(decoder.stats().skipped, 1);
    assert_eq!(decoder.stats().events, 0);

    let (ev, data) = decode_one("WebcastSomethingNewMessage", payload);
    assert_eq!(ev.kind, EventKind::Unknown);
    assert_spec_fields(EventKind::Unknown, &data);
    assert_eq!(
        data,
        json!({"method": "WebcastSomethingNewMessage", "payload": B64.encode(payload)})
    );
    // Any bytes, even ones that are not protobuf.
    let (_, data) = decode_one("SomethingNew", b"\xff\xfe");
    assert_eq!(data["payload"], "//4=");
}

#[test]
fn filtering_skips_payload_decoding() {
    // Not protobuf at all: decoding it would be a counted message error.
    let garbage = b"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff";
    let mut only_gift = KindSet::empty();
    only_gift.insert(EventKind::Gift);
    let mut decoder = Decoder::new(options(only_gift));
    let mut out = Vec::new();
    for method in [
        "WebcastChatMessage",
        "WebcastLikeMessage",
        "WebcastMemberMessage",
        "WebcastRoomUserSeqMessage",
        "WebcastSocialMessage",
        "WebcastLinkMicArmies",
    ] {
        decoder.decode_message(method, garbage, false, &mut out);
    }
    assert!(out.is_empty(), "{out:?}");
    let stats = decoder.stats();
    assert_eq!(stats.messages, 6);
    assert_eq!(stats.skipped, 6);
    assert_eq!(stats.message_errors, 0);

    // The same bytes for a wanted kind are a counted warning, not a panic.
    decoder.decode_message("WebcastGiftMessage", garbage, false, &mut out);
    assert!(matches!(&out[..], [Output::Warning(w)] if w.method == "WebcastGiftMessage"));
    assert_eq!(decoder.stats().message_errors, 1);

    // Control messages are always decoded, wanted or not: they end the stream.
    let end = ControlMessage {
        common: common("WebcastControlMessage", 1, 1),
        action: 3,
        ..Default::default()
    }
    .encode_to_vec();
    out.clear();
    decoder.decode_message("WebcastControlMessage", &end, false, &mut out);
    assert!(out.is_empty());
    assert_eq!(decoder.stream_end(), Some(3));
}

// ---------------------------------------------------------------------------
// Gift streaks.
// ---------------------------------------------------------------------------

/// A decoder of gift events only, streaks counted in `mode`.
fn gift_decoder(mode: StreakMode) -> Decoder {
    let mut wanted = KindSet::empty();
    wanted.insert(EventKind::Gift);
    Decoder::new(DecoderOptions {
        wanted,
        streaks: mode,
    })
}

/// The data of every event in `out`; panics on a warning or schema drift.
fn event_data(out: &[Output]) -> Vec<Value> {
    out.iter()
        .map(|o| match o {
            Output::Event(e) => data_of(e),
            Output::Warning(w) => panic!("{w}"),
            Output::Drift(d) => panic!("{d}"),
        })
        .collect()
}

/// All gift events of the demo stream, decoded in `mode`.
fn demo_gifts(mode: StreakMode) -> Vec<Value> {
    let mut decoder = gift_decoder(mode);
    let mut out = Vec::new();
    for item in tiklive::demo::demo_stream() {
        match item.kind {
            tiklive::webcast::capture::RecordKind::Fetch => {
                decoder.decode_fetch(&item.bytes, &mut out).unwrap();
            }
            tiklive::webcast::capture::RecordKind::Frame => {
                decoder.decode_frame(&item.bytes, &mut out).unwrap();
            }
        }
    }
    decoder.flush(&mut out);
    event_data(&out)
}

fn streak_key(g: &Value) -> (String, i64, String) {
    (
        g["userId"].as_str().unwrap().to_string(),
        g["giftId"].as_i64().unwrap(),
        g["groupId"].as_str().unwrap().to_string(),
    )
}

#[test]
fn final_streaks_never_double_count_the_demo() {
    let all = demo_gifts(StreakMode::All);
    let finals = demo_gifts(StreakMode::Final);
    // `all` has every streak step; `final` one event per streak.
    assert!(
        all.len() > finals.len() * 3,
        "{} vs {}",
        all.len(),
        finals.len()
    );
    let ends: Vec<&Value> = all.iter().filter(|g| g["repeatEnd"] == true).collect();
    assert_eq!(finals.len(), ends.len());
    let keys: BTreeSet<_> = finals.iter().map(streak_key).collect();
    assert_eq!(keys.len(), finals.len(), "each streak once");
    for g in &finals {
        assert_eq!(g["repeatEnd"], true);
        assert!(g.get("streakInterrupted").is_none());
    }
    let sum = |gifts: &[&Value]| -> i64 {
        gifts
            .iter()
            .map(|g| g["totalDiamonds"].as_i64().unwrap())
            .sum()
    };
    let final_sum = sum(&finals.iter().collect::<Vec<_>>());
    assert_eq!(final_sum, sum(&ends));
    // The demo's script: Rose×7, Finger Heart×3 (5), TikTok×12, Lion (29999),
    // GG×4, Weights×2, Corgi (299), Ice Cream×9.
    assert_eq!(final_sum, 7 + 15 + 12 + 29_999 + 4 + 2 + 299 + 9);
    // Counting every message instead would count the streaks many times.
    assert!(sum(&all.iter().collect::<Vec<_>>()) > final_sum);
}

#[test]
fn final_streaks_survive_resent_frames_and_cut_off_streaks() {
    let items = tiklive::demo::demo_stream();
    let mut decoder = gift_decoder(StreakMode::Final);
    let mut out = Vec::new();
    // Every frame twice in a row (a reconnect replays what was already seen).
    for item in &items[1..] {
        decoder.decode_frame(&item.bytes, &mut out).unwrap();
        decoder.decode_frame(&item.bytes, &mut out).unwrap();
    }
    decoder.flush(&mut out);
    let twice: Vec<Value> = event_data(&out);
    let once = demo_gifts(StreakMode::Final);
    assert_eq!(twice, once);

    // A streak whose end never arrives is emitted once, as interrupted, when
    // the stream ends; its later end (if any) is not counted again.
    let gift = |count: i32, end: i32, t: i64| {
        GiftMessage {
            common: common("WebcastGiftMessage", 7_300_000_000_000_100_000 + t, t),
            gift_id: 5655,
            repeat_count: count,
            repeat_end: end,
            group_id: 42,
            user: Some(alice()),
            gift: Some(rose()),
            ..Default::default()
        }
        .encode_to_vec()
    };
    let mut decoder = gift_decoder(StreakMode::Final);
    let mut out = Vec::new();
    for (n, t) in [(1, 0), (2, 300), (3, 600)] {
        decoder.decode_message("WebcastGiftMessage", &gift(n, 0, t), false, &mut out);
    }
    assert!(out.is_empty());
    decoder.flush(&mut out);
    decoder.decode_message("WebcastGiftMessage", &gift(4, 1, 900), false, &mut out);
    decoder.flush(&mut out);
    let [Output::Event(ev)] = &out[..] else {
        panic!("one interrupted streak, got {out:?}")
    };
    let data = data_of(ev);
    assert_eq!(data["repeatCount"], 3);
    assert_eq!(data["streakInterrupted"], true);
}

/// The real gift messages, in message-time order: in `final` mode each streak
/// appears once, and every finished one matches a `repeatEnd` message.
#[test]
fn final_streaks_over_real_gifts() {
    let mut gifts: Vec<(i64, Vec<u8>)> = collector_payloads()
        .into_iter()
        .filter(|p| p.method == "WebcastGiftMessage")
        .map(|p| {
            let m = GiftMessage::decode(&p.bytes[..]).unwrap();
            (m.common.map(|c| c.create_time).unwrap_or(0), p.bytes)
        })
        .collect();
    gifts.sort_by_key(|g| g.0);
    let run = |mode| {
        let mut decoder = gift_decoder(mode);
        let mut out = Vec::new();
        for (_, bytes) in &gifts {
            decoder.decode_message("WebcastGiftMessage", bytes, false, &mut out);
        }
        decoder.flush(&mut out);
        event_data(&out)
    };
    let all = run(StreakMode::All);
    let finals = run(StreakMode::Final);
    assert_eq!(all.len(), gifts.len());
    let keys: BTreeSet<_> = finals.iter().map(streak_key).collect();
    assert_eq!(keys.len(), finals.len(), "no streak counted twice");
    let ended: BTreeSet<_> = all
        .iter()
        .filter(|g| g["repeatEnd"] == true || g["streakable"] == false)
        .map(streak_key)
        .collect();
    let finished: BTreeSet<_> = finals
        .iter()
        .filter(|g| g.get("streakInterrupted").is_none())
        .map(streak_key)
        .collect();
    assert_eq!(finished, ended);
    let streaks: BTreeSet<_> = all.iter().map(streak_key).collect();
    assert_eq!(keys, streaks, "every streak is emitted, ended or not");
}

proptest::proptest! {
    /// Any sequence of gift messages (streaks interleaved, resent, out of
    /// order, cut off): `final` mode emits each streak, and each single gift
    /// message, at most once.
    #[test]
    fn final_mode_never_emits_a_streak_twice(
        gifts in proptest::collection::vec(
            (0..3i64, 0..2i64, 0..3u64, 1..10i32, proptest::bool::ANY, proptest::bool::ANY, 0..90_000i64, 0..40i64),
            0..60,
        )
    ) {
        let mut decoder = gift_decoder(StreakMode::Final);
        let mut out = Vec::new();
        for (user_n, gift_n, group, count, end, streakable, dt, msg_n) in gifts {
            let payload = GiftMessage {
                common: common("WebcastGiftMessage", msg_n, dt),
                gift_id: 5000 + gift_n,
                repeat_count: count,
                repeat_end: i32::from(end),
                group_id: group,
                user: Some(user(7_100_000_000_000_000_000 + user_n, "u", "U")),
                gift: Some(GiftInfo {
                    id: 5000 + gift_n,
                    diamond_count: 1,
                    r#type: if streakable { 1 } else { 2 },
                    ..Default::default()
                }),
                ..Default::default()
            }
            .encode_to_vec();
            decoder.decode_message("WebcastGiftMessage", &payload, false, &mut out);
        }
        decoder.flush(&mut out);
        let mut streaks = BTreeSet::new();
        let mut singles = BTreeSet::new();
        for o in &out {
            let Output::Event(ev) = o else { panic!("{o:?}") };
            let g = data_of(ev);
            if g["streakable"] == true {
                proptest::prop_assert!(streaks.insert(streak_key(&g)), "streak twice: {}", g);
            } else if let Some(id) = g.get("msgId") {
                proptest::prop_assert!(singles.insert(id.to_string()), "gift message twice: {}", g);
            }
        }
    }
}

// ---------------------------------------------------------------------------
// The 62 methods of TikTok-Live-Connector 2.5.0 and TikTokLive 7.0.1.
// ---------------------------------------------------------------------------

/// (wire method, ZT 2.5.0's event name), from its `WebcastEventMap` plus the
/// gift message; `roomUser` is our spec's `roomUpdate`.
const METHODS_62: [(&str, &str); 62] = [
    ("WebcastChatMessage", "chat"),
    ("WebcastGiftMessage", "gift"),
    ("WebcastMemberMessage", "member"),
    ("WebcastRoomUserSeqMessage", "roomUpdate"),
    ("WebcastSocialMessage", "social"),
    ("WebcastLikeMessage", "like"),
    ("WebcastQuestionNewMessage", "questionNew"),
    ("WebcastLinkMicBattle", "linkMicBattle"),
    ("WebcastLinkMicArmies", "linkMicArmies"),
    ("WebcastLiveIntroMessage", "liveIntro"),
    ("WebcastEmoteChatMessage", "emote"),
    ("WebcastEnvelopeMessage", "envelope"),
    ("WebcastBarrageMessage", "barrage"),
    ("WebcastSystemMessage", "system"),
    ("WebcastGoalUpdateMessage", "goalUpdate"),
    ("WebcastRoomMessage", "roomMessage"),
    ("WebcastCaptionMessage", "captionMessage"),
    ("WebcastControlMessage", "controlMessage"),
    ("WebcastImDeleteMessage", "imDelete"),
    ("WebcastInRoomBannerMessage", "inRoomBanner"),
    ("WebcastRankUpdateMessage", "rankUpdate"),
    ("WebcastPollMessage", "pollMessage"),
    ("WebcastRankTextMessage", "rankText"),
    (
        "WebcastLinkMicBattlePunishFinish",
        "linkMicBattlePunishFinish",
    ),
    ("WebcastLinkmicBattleTaskMessage", "linkMicBattleTask"),
    ("WebcastLinkMicFanTicketMethod", "linkMicFanTicketMethod"),
    ("WebcastLinkMicMethod", "linkMicMethod"),
    ("WebcastUnauthorizedMemberMessage", "unauthorizedMember"),
    ("WebcastOecLiveShoppingMessage", "oecLiveShopping"),
    ("WebcastMsgDetectMessage", "msgDetect"),
    ("WebcastLinkMessage", "linkMessage"),
    ("WebcastLinkLayerMessage", "linkLayer"),
    ("WebcastRoomPinMessage", "roomPin"),
    ("WebcastAccessControlMessage", "accessControl"),
    ("WebcastAccessRecallMessage", "accessRecall"),
    ("WebcastBoostCardMessage", "boostCard"),
    ("WebcastBottomMessage", "bottomMessage"),
    ("WebcastCapsuleMessage", "capsule"),
    ("WebcastGameRankNotifyMessage", "gameRankNotify"),
    ("WebcastGiftBroadcastMessage", "giftBroadcast"),
    (
        "WebcastGiftDynamicRestrictionMessage",
        "giftDynamicRestriction",
    ),
    ("WebcastGiftPanelUpdateMessage", "giftPanelUpdate"),
    ("WebcastGiftPromptMessage", "giftPrompt"),
    ("WebcastGuideMessage", "guide"),
    ("WebcastHourlyRankRewardMessage", "hourlyRank"),
    ("WebcastLinkMicLayoutStateMessage", "linkMicLayoutState"),
    ("WebcastLinkStateMessage", "linkState"),
    ("WebcastLiveGameIntroMessage", "liveGameIntro"),
    ("WebcastMarqueeAnnouncementMessage", "marqueeAnnouncement"),
    ("WebcastNoticeMessage", "notice"),
    (
        "WebcastPartnershipDropsUpdateMessage",
        "partnershipDropsUpdate",
    ),
    (
        "WebcastPartnershipGameOfflineMessage",
        "partnershipGameOffline",
    ),
    ("WebcastPartnershipPunishMessage", "partnershipPunish"),
    ("WebcastPerceptionMessage", "perception"),
    ("WebcastRoomNotifyMessage", "roomNotify"),
    ("WebcastRoomVerifyMessage", "roomVerify"),
    ("WebcastSpeakerMessage", "speaker"),
    ("WebcastSubNotifyMessage", "subNotify"),
    ("WebcastSubPinEventMessage", "subPinEvent"),
    ("WebcastToastMessage", "toast"),
    ("WebcastViewerPicksUpdateMessage", "viewerPicksUpdate"),
    ("WebcastLinkMicBattleItemCard", "linkMicBattleItemCard"),
];

/// Just `common` (field 1), which every one of the 62 messages has.
#[derive(Clone, PartialEq, prost::Message)]
struct OnlyCommon {
    #[prost(message, optional, tag = "1")]
    common: Option<Common>,
}

#[test]
fn each_of_the_62_methods_gives_its_named_event() {
    let mut names = BTreeSet::new();
    for (i, (method, name)) in METHODS_62.iter().enumerate() {
        let id = 7_300_000_000_000_100_000 + i as i64;
        let payload = OnlyCommon {
            common: common(method, id, i as i64),
        }
        .encode_to_vec();
        let events = decode_with(everything(), method, &payload);
        let kind: EventKind = name.parse().unwrap();
        assert_eq!(events.first().map(|e| e.kind), Some(kind), "{method}");
        let data = data_of(&events[0]);
        assert_spec_fields(kind, &data);
        assert_eq!(data["msgId"], id.to_string(), "{method}: {data}");
        assert_eq!(events[0].msg_id, Some(id), "{method}");
        assert!(names.insert(*name), "{name} twice");
    }
    assert_eq!(names.len(), 62);
}

#[test]
fn generic_new_types_carry_the_whole_message() {
    let m = v3::SystemMessage {
        common: v3_common("WebcastSystemMessage", 7_300_000_000_000_000_050, 50),
        message: "Welcome to LIVE! 🎉".into(),
    };
    let (ev, data) = decode_one("WebcastSystemMessage", &m.encode_to_vec());
    assert_eq!(ev.kind, EventKind::System);
    assert_eq!(data["message"], "Welcome to LIVE! 🎉");
    assert_eq!(data["msgId"], "7300000000000000050");
    assert_eq!(data["createTime"], T0 + 50);
    assert_eq!(data["common"]["method"], "WebcastSystemMessage");

    let m = v3::ToastMessage {
        common: v3_common("WebcastToastMessage", 7_300_000_000_000_000_051, 51),
        display_duration_millisecond: 3000,
        delay_display_duration_millisecond: 0,
        scene: "gift_panel".into(),
    };
    let (ev, data) = decode_one("WebcastToastMessage", &m.encode_to_vec());
    assert_eq!(ev.kind, EventKind::Toast);
    assert_eq!(data["displayDurationMillisecond"], "3000");
    assert_eq!(data["scene"], "gift_panel");
    assert_no_unsafe_numbers("toast", "data", &data);
}

#[test]
fn sub_notify_field_by_field() {
    let m = SubNotifyMessage {
        common: common("WebcastSubNotifyMessage", 7_300_000_000_000_000_052, 52),
        user: Some(alice()),
        exhibition_type: 2,
        sub_month: 7,
        subscribe_type: 1,
        old_subscribe_status: 3,
        message_type: 4,
        subscribing_status: 5,
        is_send: true,
        is_custom: true,
        gift_source: 6,
        message_display_style: 8,
        package_id: "sub_pkg_1".into(),
        public_area_message_common: v3::PublicAreaMessageCommon {
            scroll_gap_count: 2,
            user_interaction_info: Some(v3::UserInteractionInfo {
                like_cnt: 40,
                comment_cnt: 3,
                share_cnt: 0,
            }),
            ..Default::default()
        }
        .encode_to_vec()
        .into(),
        event_tracking: v3::RoomNotifyMessageEventTracking {
            gift_sub_sender_id: 7_100_000_000_000_000_002,
            gift_sub_receiver_id: 7_100_000_000_000_000_001,
            anchor_id: 7_000_000_000_000_000_042,
            gift_sub_order_create_time: T0 + 40,
        }
        .encode_to_vec()
        .into(),
    };
    let data = check(
        EventKind::SubNotify,
        "WebcastSubNotifyMessage",
        &m.encode_to_vec(),
        alice_with(json!({
            "msgId": "7300000000000000052",
            "createTime": T0 + 52,
            "subMonth": 7,
            "subscribeType": 1,
            "exhibitionType": 2,
            "oldSubscribeStatus": 3,
            "messageType": 4,
            "subscribingStatus": 5,
            "isSend": true,
            "isCustom": true,
            "giftSource": 6,
            "messageDisplayStyle": 8,
            "packageId": "sub_pkg_1",
            "publicAreaMessageCommon": {
                "scrollGapCount": "2",
                "userInteractionInfo": {"likeCnt": "40", "commentCnt": "3"},
            },
            "eventTracking": {
                "giftSubSenderId": "7100000000000000002",
                "giftSubReceiverId": "7100000000000000001",
                "anchorId": "7000000000000000042",
                "giftSubOrderCreateTime": (T0 + 40).to_string(),
            },
        })),
    );
    assert_eq!(data["uniqueId"], "alice.k");
    assert_eq!(data["userId"], "7100000000000000001");

    // Field 13 holding bytes that are not its message: skipped as drift,
    // the subscription stays.
    let m = SubNotifyMessage {
        common: common("WebcastSubNotifyMessage", 7_300_000_000_000_000_056, 56),
        user: Some(alice()),
        sub_month: 2,
        public_area_message_common: bytes::Bytes::from_static(b"\xff\xff"),
        ..Default::default()
    };
    let mut decoder = Decoder::new(everything());
    let mut out = Vec::new();
    decoder.decode_message(
        "WebcastSubNotifyMessage",
        &m.encode_to_vec(),
        false,
        &mut out,
    );
    let [Output::Event(ev), Output::Drift(drift)] = &out[..] else {
        panic!("{out:?}")
    };
    assert_eq!(data_of(ev)["subMonth"], 2);
    assert!(data_of(ev).get("publicAreaMessageCommon").is_none());
    assert!(
        drift.to_string().contains("public_area_message_common"),
        "{drift}"
    );
}

#[test]
fn a_message_without_common_takes_the_wrapper_msg_id() {
    let payload = v3::SystemMessage {
        common: None,
        message: "hi".into(),
    }
    .encode_to_vec();
    let mut decoder = Decoder::new(everything());
    let mut out = Vec::new();
    decoder.decode_wrapped(
        "WebcastSystemMessage",
        &payload,
        7_300_000_000_000_000_053,
        false,
        &mut out,
    );
    let [Output::Event(ev)] = &out[..] else {
        panic!("{out:?}")
    };
    assert_eq!(ev.msg_id, Some(7_300_000_000_000_000_053));
    assert_eq!(data_of(ev)["msgId"], "7300000000000000053");
    // And through a fetch result, where the wrapper carries it.
    let fetch = FetchResult {
        messages: vec![BaseMessage {
            method: "WebcastSystemMessage".into(),
            payload: payload.into(),
            msg_id: 7_300_000_000_000_000_054,
            ..Default::default()
        }],
        ..Default::default()
    };
    let mut out = Vec::new();
    decoder
        .decode_fetch(&fetch.encode_to_vec(), &mut out)
        .unwrap();
    let [Output::Event(ev)] = &out[..] else {
        panic!("{out:?}")
    };
    assert_eq!(ev.msg_id, Some(7_300_000_000_000_000_054));
}

#[test]
fn a_gift_without_common_takes_the_wrapper_msg_id_and_a_resent_gift_is_dropped_in_both_modes() {
    // A gift without `common`, then a second one resent in the same fetch
    // result (the same wrapper msgId): in the default mode the gift's event is
    // written before the decoder's state is consulted, so the duplicate must
    // still be dropped before anything of it is emitted.
    let gift = |msg_id: i64, group_id: u64| BaseMessage {
        method: "WebcastGiftMessage".into(),
        payload: GiftMessage {
            common: None,
            gift_id: 5655,
            repeat_count: 2,
            repeat_end: 1,
            group_id,
            user: Some(alice()),
            gift: Some(rose()),
            ..Default::default()
        }
        .encode_to_vec()
        .into(),
        msg_id,
        ..Default::default()
    };
    let fetch = FetchResult {
        messages: vec![
            gift(7_300_000_000_000_000_060, 1),
            gift(7_300_000_000_000_000_060, 1),
            gift(7_300_000_000_000_000_061, 2),
        ],
        ..Default::default()
    }
    .encode_to_vec();
    for streaks in [StreakMode::All, StreakMode::Final] {
        let mut decoder = Decoder::new(DecoderOptions {
            streaks,
            ..everything()
        });
        let mut out = Vec::new();
        decoder.decode_fetch(&fetch, &mut out).unwrap();
        let ids: Vec<_> = out
            .iter()
            .map(|o| match o {
                Output::Event(ev) => {
                    assert_eq!(ev.kind, EventKind::Gift, "{streaks:?}");
                    let data = data_of(ev);
                    assert_eq!(data["repeatCount"], 2, "{streaks:?}");
                    assert_eq!(data["giftName"], "Rose", "{streaks:?}");
                    (ev.msg_id, data["msgId"].as_str().unwrap().to_string())
                }
                other => panic!("{streaks:?}: {other:?}"),
            })
            .collect();
        assert_eq!(
            ids,
            [
                (
                    Some(7_300_000_000_000_000_060),
                    "7300000000000000060".to_string()
                ),
                (
                    Some(7_300_000_000_000_000_061),
                    "7300000000000000061".to_string()
                ),
            ],
            "{streaks:?}"
        );
        assert_eq!(decoder.stats().duplicates, 1, "{streaks:?}");
    }
}

#[test]
fn gifts_carry_fan_tickets_and_the_multi_guest_receiver() {
    let m = GiftMessage {
        common: common("WebcastGiftMessage", 7_300_000_000_000_000_055, 55),
        gift_id: 5655,
        fan_ticket_count: 12,
        repeat_count: 1,
        user: Some(alice()),
        gift: Some(rose()),
        to_member_id: "7100000000000000009".into(),
        to_member_id_int: 7_100_000_000_000_000_009,
        to_member_nickname: "Guest 🎤".into(),
        ..Default::default()
    };
    let data = check(
        EventKind::Gift,
        "WebcastGiftMessage",
        &m.encode_to_vec(),
        json!({
            "fanTicketCount": 12,
            "toMemberId": "7100000000000000009",
            "toMemberIdInt": "7100000000000000009",
            "toMemberNickname": "Guest 🎤",
            "streakable": true,
            "repeatEnd": false,
        }),
    );
    assert_eq!(data["giftName"], "Rose");
}

#[test]
fn in_room_banner_as_v3_declares_it() {
    // Field 2 as text (JSON when it parses); fields 3 and 4 in any wire type
    // are not part of the schema any more and never cost the event.
    let mut payload = InRoomBannerMessage {
        common: common("WebcastInRoomBannerMessage", 7_300_000_000_000_000_056, 56),
        data: br#"{"banner":"weekly"}"#.to_vec().into(),
    }
    .encode_to_vec();
    payload.extend_from_slice(&[0x1a, 0x02, 0x08, 0x01]); // 3: a message
    payload.extend_from_slice(&[0x25, 1, 2, 3, 4]); // 4: fixed32
    let (ev, data) = decode_one("WebcastInRoomBannerMessage", &payload);
    assert_eq!(ev.kind, EventKind::InRoomBanner);
    assert_eq!(
        data,
        json!({"msgId": "7300000000000000056", "createTime": T0 + 56, "data": {"banner": "weekly"}})
    );
    // Field 2 that is not text: the event stays, without it.
    let payload = InRoomBannerMessage {
        common: common("WebcastInRoomBannerMessage", 7_300_000_000_000_000_057, 57),
        data: vec![0xff, 0xfe, 0x00].into(),
    }
    .encode_to_vec();
    let (_, data) = decode_one("WebcastInRoomBannerMessage", &payload);
    assert_eq!(data["data"], json!({}));
    assert_eq!(data["msgId"], "7300000000000000057");
}

/// The messages carried whole keep every field of their v3 schema, nested ones
/// included: the three that used to declare only `common`, and a battle item
/// card, a gift broadcast (a room notice with a v3 user inside) and a sub-pin
/// card, each with values deep in the message.
#[test]
fn generic_new_types_carry_their_nested_fields() {
    let mut common = v3_common("WebcastSpeakerMessage", 7_300_000_000_000_000_060, 60);
    if let Some(c) = common.as_mut() {
        c.log_id = "20261130152200A1B2".into();
        c.priority_score = 7_300_000_000_000_000_061;
        c.filter_msg_tags = vec!["speaker".into()];
    }
    let m = v3::SpeakerMessage { common };
    let (ev, data) = decode_one("WebcastSpeakerMessage", &m.encode_to_vec());
    assert_eq!(ev.kind, EventKind::Speaker);
    assert_eq!(data["common"]["logId"], "20261130152200A1B2");
    assert_eq!(data["common"]["priorityScore"], "7300000000000000061");
    assert_eq!(data["common"]["filterMsgTags"], json!(["speaker"]));

    let m = v3::BoostCardMessage {
        common: v3_common("WebcastBoostCardMessage", 7_300_000_000_000_000_062, 62),
        cards: vec![
            v3::BoostCard {
                m_card_id: 7_300_000_000_000_000_063,
                task_source: 2,
                task_id: 41,
            },
            v3::BoostCard {
                m_card_id: 5,
                ..Default::default()
            },
        ],
    };
    let (ev, data) = decode_one("WebcastBoostCardMessage", &m.encode_to_vec());
    assert_eq!(ev.kind, EventKind::BoostCard);
    assert_eq!(
        data["cards"],
        json!([
            {"mCardId": "7300000000000000063", "taskSource": 2, "taskId": "41"},
            {"mCardId": "5"},
        ])
    );

    let m = v3::GiftDynamicRestrictionMessage {
        common: v3_common(
            "WebcastGiftDynamicRestrictionMessage",
            7_300_000_000_000_000_064,
            64,
        ),
        dynamic_restriction: Some(v3::DynamicRestriction {
            scenes: Some(v3::SceneRestriction {
                normal_hidden_gids: vec![5655, 7_300_000_000_000_000_065],
                multiguest_hidden_gids: vec![8913],
                ..Default::default()
            }),
            receivers: vec![v3::ReceiverRestriction {
                user_id: 7_100_000_000_000_000_001,
                hidden_gids: vec![11046],
            }],
        }),
    };
    let (ev, data) = decode_one("WebcastGiftDynamicRestrictionMessage", &m.encode_to_vec());
    assert_eq!(ev.kind, EventKind::GiftDynamicRestriction);
    let r = &data["dynamicRestriction"];
    assert_eq!(
        r["scenes"],
        json!({"normalHiddenGids": ["5655", "7300000000000000065"], "multiguestHiddenGids": ["8913"]})
    );
    assert_eq!(
        r["receivers"],
        json!([{"userId": "7100000000000000001", "hiddenGids": ["11046"]}])
    );

    let m = v3::LinkMicBattleItemCard {
        common: v3_common(
            "WebcastLinkMicBattleItemCard",
            7_300_000_000_000_000_066,
            66,
        ),
        battle_id: 7_300_000_000_000_000_067,
        msg_type: 2,
        use_critical_strike_card: Some(v3::UseCriticalStrikeCard {
            card_info: Some(v3::CriticalStrikeCardInfo {
                effect_time_sec: 20,
                ..critical_strike("Alice ✨")
            }),
            anchor_id: 7_100_000_000_000_000_002,
            display_content: None,
        }),
        award_reason: 1,
        ..Default::default()
    };
    let (ev, data) = decode_one("WebcastLinkMicBattleItemCard", &m.encode_to_vec());
    assert_eq!(ev.kind, EventKind::LinkMicBattleItemCard);
    assert_eq!(data["battleId"], "7300000000000000067");
    let card = &data["useCriticalStrikeCard"];
    assert_eq!(card["anchorId"], "7100000000000000002");
    assert_eq!(card["cardInfo"]["cardNameKey"], "pm_mt_critical_strike");
    assert_eq!(card["cardInfo"]["multiple"], "3");
    assert_eq!(
        card["cardInfo"]["sendUser"]["user"],
        json!({"userId": "7100000000000000001", "nickName": "Alice ✨", "displayId": "alice.k"})
    );

    let m = v3::GiftBroadcastMessage {
        common: v3_common("WebcastGiftBroadcastMessage", 7_300_000_000_000_000_068, 68),
        from_user_id: 7_100_000_000_000_000_001,
        left_icon: None,
        notify: Some(v3::RoomNotifyMessage {
            content: "Alice sent a Universe".into(),
            user: Some(v3::User {
                id: 7_100_000_000_000_000_001,
                nickname: "Alice ✨".into(),
                display_id: "alice.k".into(),
                top_vip_no: 3,
                ..Default::default()
            }),
            flex_setting: vec![1, 2],
            event_tracking: Some(v3::RoomNotifyMessageEventTracking {
                anchor_id: 7_100_000_000_000_000_002,
                ..Default::default()
            }),
            ..Default::default()
        }),
    };
    let (ev, data) = decode_one("WebcastGiftBroadcastMessage", &m.encode_to_vec());
    assert_eq!(ev.kind, EventKind::GiftBroadcast);
    let notify = &data["notify"];
    assert_eq!(notify["content"], "Alice sent a Universe");
    assert_eq!(notify["user"]["displayId"], "alice.k");
    assert_eq!(notify["user"]["topVipNo"], 3);
    assert_eq!(notify["flexSetting"], json!(["1", "2"]));
    assert_eq!(notify["eventTracking"]["anchorId"], "7100000000000000002");

    let m = v3::SubPinEventMessage {
        common: v3_common("WebcastSubPinEventMessage", 7_300_000_000_000_000_069, 69),
        action_type: 1,
        card: Some(v3::SubPinCard {
            title: Some(v3::SubPinCardTextPart {
                r#type: 1,
                content: "Subscriber goal".into(),
            }),
            highlight_text_num: 2,
            ..Default::default()
        }),
        operator_user_id: 7_100_000_000_000_000_002,
    };
    let (ev, data) = decode_one("WebcastSubPinEventMessage", &m.encode_to_vec());
    assert_eq!(ev.kind, EventKind::SubPinEvent);
    assert_eq!(
        data["card"],
        json!({"title": {"type": 1, "content": "Subscriber goal"}, "highlightTextNum": "2"})
    );
    assert_no_unsafe_numbers("subPinEvent", "data", &data);
}

// ---------------------------------------------------------------------------
// One pass on one thread, or prepared (on any thread) then applied.
// ---------------------------------------------------------------------------

/// `Decoder::decode_frame` decodes and applies each message in turn;
/// `prepare_frame` then `apply_frame` (how frames decoded on several threads
/// go) store the prepared messages first. Both give the same outputs, frame
/// infos, errors and stats: for every kind, the debug kinds and unknown
/// messages, both streak modes, frames seen twice (duplicates), and frames
/// that do not decode.
#[test]
fn decoding_here_is_preparing_then_applying() {
    use tiklive::webcast::capture::RecordKind;
    use tiklive::webcast::{prepare_fetch, prepare_frame};

    let items = tiklive::demo::demo_stream();
    let frames: Vec<&[u8]> = items
        .iter()
        .filter(|i| i.kind == RecordKind::Frame)
        .map(|i| &i.bytes[..])
        .collect();
    let fetch = &items
        .iter()
        .find(|i| i.kind == RecordKind::Fetch)
        .expect("the demo starts with a fetch result")
        .bytes;
    let cut = &frames[3][..frames[3].len() / 2];
    let mut every = KindSet::empty();
    for kind in EventKind::ALL {
        every.insert(*kind);
    }
    for wanted in [KindSet::default_set(), every] {
        for streaks in [StreakMode::All, StreakMode::Final] {
            let opts = DecoderOptions { wanted, streaks };
            let (mut here, mut there) = (Decoder::new(opts), Decoder::new(opts));
            let (mut out_here, mut out_there) = (Vec::new(), Vec::new());
            let label = format!("{streaks:?}, {} kinds", wanted.iter().count());
            let a = here.decode_fetch(fetch, &mut out_here);
            let b = there.apply_fetch(
                prepare_fetch(opts, bytes::Bytes::copy_from_slice(fetch)),
                &mut out_there,
            );
            assert_eq!(format!("{a:?}"), format!("{b:?}"), "{label}");
            // Every frame, then every frame again, and one cut short.
            for bytes in frames.iter().chain(&frames).chain([&cut]) {
                let a = here.decode_frame(bytes, &mut out_here);
                let b = there.apply_frame(prepare_frame(opts, bytes), &mut out_there);
                assert_eq!(format!("{a:?}"), format!("{b:?}"), "{label}");
            }
            assert!(here.stats().duplicates > 0 && here.stats().frame_errors == 1);
            assert_eq!(
                format!("{:?}", here.stats()),
                format!("{:?}", there.stats())
            );
            assert!(out_here.len() > 100, "{label}");
            assert_eq!(out_here.len(), out_there.len(), "{label}");
            for (a, b) in out_here.iter().zip(&out_there) {
                match (a, b) {
                    // As JSON: the maps of `decodedData` (prost's `HashMap`s)
                    // come in any order.
                    (Output::Event(a), Output::Event(b)) => {
                        assert_eq!((a.kind, a.msg_id, a.history), (b.kind, b.msg_id, b.history));
                        assert_eq!(data_of(a), data_of(b), "{label}");
                    }
                    _ => assert_eq!(format!("{a:?}"), format!("{b:?}"), "{label}"),
                }
            }
        }
    }
}
