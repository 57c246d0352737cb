//! Tests against real TikTok data captured by others (`tests/data/`, `tests/fixtures/`).

use std::collections::{BTreeMap, HashSet};

use serde_json::json;
use tiklive::webcast::mapping::Route;
use tiklive::webcast::{Decoder, Envelope, EventKind, Output};

use crate::support::decode::{
    collector_payload, collector_payloads, data_of, decode_one, everything, fixture,
};

#[test]
fn every_collector_payload_decodes_into_its_event() {
    let payloads = collector_payloads();
    assert_eq!(
        payloads.len(),
        2303,
        "the data README counts 2,303 distinct payloads"
    );
    let mut decoder = Decoder::new(everything());
    let mut by_kind: BTreeMap<&str, usize> = BTreeMap::new();
    let mut failures = Vec::new();
    for p in &payloads {
        let (method, payload) = (&p.method, &p.bytes);
        let mut out = Vec::new();
        decoder.decode_message(method, payload, false, &mut out);
        let events: Vec<_> = out
            .iter()
            .filter_map(|o| match o {
                Output::Event(e) => Some(e),
                Output::Warning(w) => {
                    failures.push(w.to_string());
                    None
                }
                Output::Drift(d) => {
                    failures.push(d.to_string());
                    None
                }
            })
            .collect();
        let expected: &[EventKind] = match Route::for_method(method) {
            Some(route) => route.kinds(),
            None => &[EventKind::Unknown],
        };
        // One event, plus the documented second one: `streamEnd` after a
        // control message that ends the stream, the barrage after a
        // super-fan one, the envelope after a super-fan box.
        let kinds: Vec<EventKind> = events.iter().map(|e| e.kind).collect();
        assert!(
            kinds.len() == 1
                || matches!(
                    &kinds[..],
                    [EventKind::ControlMessage, EventKind::StreamEnd]
                        | [
                            EventKind::SuperFan | EventKind::SuperFanJoin,
                            EventKind::Barrage
                        ]
                        | [EventKind::SuperFanBox, EventKind::Envelope]
                ),
            "{method}: one wire message yields one event (or a documented pair), got {kinds:?}"
        );
        for kind in &kinds {
            assert!(
                expected.contains(kind),
                "{method} became {kind} (expected one of {expected:?})"
            );
        }
        for ev in &events[1..] {
            *by_kind.entry(ev.kind.name()).or_default() += 1;
        }
        // Every data object is a JSON object.
        let data: serde_json::Value = serde_json::from_str(events[0].data.get()).unwrap();
        assert!(data.is_object(), "{method}: data is an object");
        *by_kind.entry(events[0].kind.name()).or_default() += 1;
    }
    assert!(
        failures.is_empty(),
        "{} payloads failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    eprintln!("decoded by kind: {by_kind:?}");
    // The spec kinds that this corpus holds at least once.
    for kind in [
        "chat",
        "gift",
        "like",
        "member",
        "roomUpdate",
        "follow",
        "share",
        "emote",
        "envelope",
        "questionNew",
        "linkMicBattle",
        "linkMicArmies",
        "linkMicBattlePunishFinish",
        "linkMicBattleTask",
        "linkMicFanTicketMethod",
        "linkMicMethod",
        "liveIntro",
        "streamEnd",
        "barrage",
        "hourlyRank",
        "goalUpdate",
        "roomMessage",
        "captionMessage",
        "imDelete",
        "inRoomBanner",
        "rankUpdate",
        "pollMessage",
        "rankText",
        "unauthorizedMember",
        "oecLiveShopping",
        "msgDetect",
        "linkMessage",
        "roomVerify",
        "linkLayer",
        "roomPin",
        "system",
        "controlMessage",
    ] {
        assert!(
            by_kind.contains_key(kind),
            "no {kind} event came out of the real data"
        );
    }
}

#[test]
#[ignore]
fn dump_samples() {
    let mut decoder = Decoder::new(everything());
    let mut seen = HashSet::new();
    for p in collector_payloads() {
        let mut out = Vec::new();
        decoder.decode_message(&p.method, &p.bytes, false, &mut out);
        for o in out {
            if let Output::Event(e) = o
                && seen.insert(e.kind)
            {
                let s = e.data.get();
                println!("{} {}", e.kind, &s[..s.len().min(1500)]);
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Spot checks: exact values of single real payloads. Each expected value was
// read off the raw protobuf (`protoc --decode_raw` style; shared/data/real/
// decoded/ and a raw dumper) and is quoted in the comment as `path: value`,
// where the path is the field-number path inside the payload.
// ---------------------------------------------------------------------------

/// The one real push frame decodes to its like event and the frame/fetch
/// metadata (decoded/WebcastPushFrame.REPAIRED.decode_raw.txt).
#[test]
fn the_repaired_push_frame_decodes_to_its_like_event() {
    let bytes = fixture("WebcastPushFrame.REPAIRED.bin");
    let mut decoder = Decoder::new(everything());
    let mut out = Vec::new();
    let info = decoder.decode_frame(&bytes, &mut out).unwrap();
    // 1: 9 · 2: 5092463814493970448 · 7: "msg" · 5 {1: "compress_type" 2: "none"}
    assert_eq!(info.seq_id, 9);
    assert_eq!(info.log_id, 5092463814493970448);
    assert_eq!(info.payload_type, "msg");
    let fetch = info.fetch.expect("a msg frame carries a fetch result");
    // 8.2: "1692120689751_7267603020139989890_1_1_0_0" · 8.3: 4200 · 8.4: 1692120689751
    // 8.5: "-" · 8.8: 15 · 8.9: 1 · one 8.1 message
    assert_eq!(fetch.cursor, "1692120689751_7267603020139989890_1_1_0_0");
    assert_eq!(fetch.fetch_interval, 4200);
    assert_eq!(fetch.now, 1692120689751);
    assert_eq!(fetch.internal_ext, "-");
    assert_eq!(fetch.heartbeat_duration, 15);
    assert!(fetch.need_ack);
    assert_eq!(fetch.message_count, 1);
    assert_eq!(fetch.push_server, "");
    assert!(fetch.route_params.is_empty());

    let stats = decoder.stats();
    assert_eq!((stats.frames, stats.messages, stats.events), (1, 1, 1));
    assert_eq!((stats.frame_errors, stats.message_errors), (0, 0));
    let [Output::Event(like)] = &out[..] else {
        panic!("one like event expected, got {out:?}")
    };
    assert_eq!(like.kind, EventKind::Like);
    // 8.1.3 (BaseMessage.msgId) and 8.1.2.1.2 (common.msgId): 7267603013186423585
    assert_eq!(like.msg_id, Some(7267603013186423585));
    assert!(!like.history);
    let data = data_of(like);
    assert_eq!(data["msgId"], "7267603013186423585");
    // 8.1.2.1.4: 1692120688710
    assert_eq!(data["createTime"], 1692120688710i64);
    // 8.1.2.2: 15 · 8.1.2.3: 14470
    assert_eq!(data["likeCount"], 15);
    assert_eq!(data["totalLikeCount"], 14470);
    // 8.1.2.5 (user): 1: 7266366998618375200 · 3: "hulajnoga czek" · 38: "hulajnoga.czek5"
    assert_eq!(data["userId"], "7266366998618375200");
    assert_eq!(data["nickname"], "hulajnoga czek");
    assert_eq!(data["username"], "hulajnoga.czek5");
    assert_eq!(data["uniqueId"], "hulajnoga.czek5");
    // 8.1.2.5.46
    assert_eq!(
        data["secUid"],
        "MS4wLjABAAAAx4-lIrRjH0pMT0D3laROVsnU-4u6P1tN4td82AQTCHjKZ-CHaF_DluNSFQQp1s4D"
    );
    // 8.1.2.5.9.1 (first of three avatar URLs)
    assert_eq!(
        data["profilePictureUrl"],
        "https://p16-sign-useast2a.tiktokcdn.com/tos-useast2a-avt-0068-euttp/\
         26aa68e29831ff0c9d4fb37875efffdd~tplv-tiktok-shrink:72:72.webp\
         ?x-expires=1692291600&x-signature=Z2ZM2T%2FckIxKSj%2BJY%2BONoypyMwo%3D"
    );
    // 8.1.2.5.22 {1: 23, 2: 15}, no 22.3 → not following
    assert_eq!(data["followRole"], 0);
    // 8.1.2.5.64 badges: scene (64.3) 2, 8, 2; the scene-8 badge has 12.5: "2"
    assert_eq!(data["gifterLevel"], 2);
    assert_eq!(data["teamMemberLevel"], 0);
    assert_eq!(data["isModerator"], false);
    assert_eq!(data["isSubscriber"], false);
}

/// `LikeMessage.pb` is mislabelled upstream: it is a member message (its
/// 1.1 is "WebcastMemberMessage" and its 1.8.1 "live_room_enter_toast").
#[test]
fn the_mislabelled_like_fixture_is_a_member_message() {
    let (ev, data) = decode_one("WebcastMemberMessage", &fixture("LikeMessage.pb"));
    assert_eq!(ev.kind, EventKind::Member);
    // 1.2: 7270196813217958699 · 1.4: 1692724604212
    assert_eq!(data["msgId"], "7270196813217958699");
    assert_eq!(data["createTime"], 1692724604212i64);
    // 2.1: 6653906685407985669 · 2.3: "🗣️" · 2.38: "ttx.zyn"
    assert_eq!(data["userId"], "6653906685407985669");
    assert_eq!(data["nickname"], "🗣️");
    assert_eq!(data["username"], "ttx.zyn");
    // 3: 165 · 10: 1
    assert_eq!(data["memberCount"], 165);
    assert_eq!(data["actionId"], 1);
    // 1.8: "{0:user} joined" with the user piece
    assert_eq!(data["label"], "🗣️ joined");
    // 2.64: one badge, scene (64.3) 8 with 64.12.5: "8"
    assert_eq!(data["gifterLevel"], 8);
}

#[test]
fn member_fixture() {
    let (ev, data) = decode_one("WebcastMemberMessage", &fixture("WebcastMemberMessage.pb"));
    assert_eq!(ev.kind, EventKind::Member);
    assert_eq!(ev.msg_id, Some(7273941110900738848));
    // 1.2: 7273941110900738848 · 1.4: 1693596391780
    assert_eq!(data["msgId"], "7273941110900738848");
    assert_eq!(data["createTime"], 1693596391780i64);
    // 2.1: 6863706078548001798 · 2.3: "Emilka Forczek" · 2.38: "emilkaforczek"
    assert_eq!(data["userId"], "6863706078548001798");
    assert_eq!(data["nickname"], "Emilka Forczek");
    assert_eq!(data["username"], "emilkaforczek");
    assert_eq!(data["uniqueId"], "emilkaforczek");
    // 2.22.3: 1 (follows the host)
    assert_eq!(data["followRole"], 1);
    // 3: 774 · 10: 1
    assert_eq!(data["memberCount"], 774);
    assert_eq!(data["actionId"], 1);
    assert_eq!(data["label"], "Emilka Forczek joined");
    // 2.64 (scene 8) 12.5: "11"
    assert_eq!(data["gifterLevel"], 11);
    assert!(
        data["profilePictureUrl"]
            .as_str()
            .unwrap()
            .starts_with("https://p16-sign-sg.tiktokcdn.com/tiktok-obj/1679634490313730~")
    );
}

/// The chat fixture (decoded/MessageWebcastChatMessage.decode_raw.txt): an
/// emote-only comment (no field 3) from a subscriber; fields out of order.
#[test]
fn chat_fixture() {
    let (ev, data) = decode_one(
        "WebcastChatMessage",
        &fixture("MessageWebcastChatMessage.pb"),
    );
    assert_eq!(ev.kind, EventKind::Chat);
    // 1.2: 7270204318916594464 · 1.4: 1692726385028
    assert_eq!(data["msgId"], "7270204318916594464");
    assert_eq!(data["createTime"], 1692726385028i64);
    // 2.1: 6919629632300958726 · 2.3 and 2.38: "almando29" (protoc shows the
    // 9-byte string as a message, {12: 0x39326f646e616d6c} = "a" + "lmando29")
    assert_eq!(data["userId"], "6919629632300958726");
    assert_eq!(data["nickname"], "almando29");
    assert_eq!(data["username"], "almando29");
    // 2.46
    assert_eq!(
        data["secUid"],
        "MS4wLjABAAAANuPHc_FimkVNhK_WD_tCVbWje5mLP_7Y-RiNvabiimMMClas92HqSG3rEDc1SXSf"
    );
    // 2.22.3: 2 (friends)
    assert_eq!(data["followRole"], 2);
    // 2.64: a scene-4 badge (subscriber) and a scene-8 badge with 12.5: "16"
    assert_eq!(data["isSubscriber"], true);
    assert_eq!(data["gifterLevel"], 16);
    // 18 {2: 1, 3: 1, 4: 1}: no 18.5 → not a moderator
    assert_eq!(data["isModerator"], false);
    // No field 3: the comment is emotes only; 19 entries of 13 {1: index, 2 {1: id}}
    assert_eq!(data["message"], "");
    let emotes = data["emotes"].as_array().unwrap();
    assert_eq!(emotes.len(), 19);
    for (i, e) in emotes.iter().enumerate() {
        assert_eq!(e["emoteId"], "7202546868612680453");
        assert_eq!(e["placeInComment"], i);
        assert!(
            e["emoteImageUrl"]
                .as_str()
                .unwrap()
                .contains("sub_ab131ac1edb6076816509d229d9c406811de2e2f6501407f07ea56c5dd4fb88c")
        );
    }
}

#[test]
fn gift_fixture() {
    let (ev, data) = decode_one(
        "WebcastGiftMessage",
        &fixture("MessageWebcastGiftMessage.pb"),
    );
    assert_eq!(ev.kind, EventKind::Gift);
    // 1.2: 7270201542891817761 · 1.4: 1692725773880
    assert_eq!(data["msgId"], "7270201542891817761");
    assert_eq!(data["createTime"], 1692725773880i64);
    // 2: 5655 · 15.5: 5655 · 15.16: "Rose" · 15.11: 1 · 15.12: 1 · 15.2: "Sent Rose"
    assert_eq!(data["giftId"], 5655);
    assert_eq!(data["giftName"], "Rose");
    assert_eq!(data["giftType"], 1);
    assert_eq!(data["streakable"], true);
    assert_eq!(data["cost"], 1);
    assert_eq!(data["diamondCount"], 1);
    assert_eq!(data["describe"], "Sent Rose");
    // 5: 1 · 6: 1 · 4: 1 · no 9 (repeatEnd) · 11: 1692725773860
    assert_eq!(data["repeatCount"], 1);
    assert_eq!(data["comboCount"], 1);
    assert_eq!(data["groupCount"], 1);
    assert_eq!(data["repeatEnd"], false);
    assert_eq!(data["groupId"], "1692725773860");
    assert_eq!(data["totalDiamonds"], 1);
    // 7.1: 6809568862012081157 · 7.3: "🧚‍♀️Malowana🧜‍♀️" · 7.38: "malowana_"
    assert_eq!(data["userId"], "6809568862012081157");
    assert_eq!(data["nickname"], "🧚‍♀️Malowana🧜‍♀️");
    assert_eq!(data["username"], "malowana_");
    // 7.64 (scene 8) 12.5: "17"
    assert_eq!(data["gifterLevel"], 17);
    // 7.22: {1: 950, 2: 15693}, no 22.3
    assert_eq!(data["followRole"], 0);
    // 23.8 (monitor info, to user): 6671556836829446149
    assert_eq!(data["receiver"]["userId"], "6671556836829446149");
    // 15.1.1 (first image URL)
    assert_eq!(
        data["giftImageUrl"],
        "https://p16-webcast.tiktokcdn.com/img/maliva/webcast-va/eba3a9bb85c33e017f3648eaf88d7189~tplv-obj.png"
    );
}

#[test]
fn share_fixture() {
    let (ev, data) = decode_one(
        "WebcastSocialMessage",
        &fixture("MessageWebcastSocialMessage.pb"),
    );
    // 1.8.1: "pm_mt_guidance_viewer_10_share"
    assert_eq!(ev.kind, EventKind::Share);
    assert_eq!(data["action"], "share");
    assert_eq!(data["displayType"], "pm_mt_guidance_viewer_10_share");
    // 1.8.2: "{0:user} shared the LIVE with more than 10 friends"
    assert_eq!(
        data["label"],
        "mr A.L.F.A shared the LIVE with more than 10 friends"
    );
    // 1.2: 7270211734014528288 · 1.4: 1692728078308
    assert_eq!(data["msgId"], "7270211734014528288");
    assert_eq!(data["createTime"], 1692728078308i64);
    // 2.1: 7107661845306311685 · 2.3: "mr A.L.F.A" · 2.38: ".zapisywane" · 2.22.3: 1
    assert_eq!(data["userId"], "7107661845306311685");
    assert_eq!(data["nickname"], "mr A.L.F.A");
    assert_eq!(data["username"], ".zapisywane");
    assert_eq!(data["followRole"], 1);
    // 3: 1 · 5: "-1" · no 6
    assert_eq!(data["shareType"], 1);
    assert_eq!(data["shareTarget"], "-1");
    assert_eq!(data["followCount"], 0);
}

#[test]
fn follow_payload() {
    let (ev, data) = decode_one(
        "WebcastSocialMessage",
        &collector_payload("WebcastSocialMessage", 7286185137895672618),
    );
    // 1.8.1: "pm_main_follow_message_viewer_2"
    assert_eq!(ev.kind, EventKind::Follow);
    assert_eq!(data["action"], "follow");
    assert_eq!(data["displayType"], "pm_main_follow_message_viewer_2");
    // 1.8.2: "{0:user} followed the LIVE creator"
    assert_eq!(data["label"], "ZOEYY💀🫶🏼 followed the LIVE creator");
    // 1.4: 1696447177486
    assert_eq!(data["createTime"], 1696447177486i64);
    // 2.1: 7186409506862367786 · 2.3: "ZOEYY💀🫶🏼" · 2.38: "urfavvz0ey" · 2.22.3: 1
    assert_eq!(data["userId"], "7186409506862367786");
    assert_eq!(data["nickname"], "ZOEYY💀🫶🏼");
    assert_eq!(data["username"], "urfavvz0ey");
    assert_eq!(data["followRole"], 1);
    // 5: "7188563965559194650" · 6: 52375
    assert_eq!(data["shareTarget"], "7188563965559194650");
    assert_eq!(data["followCount"], 52375);
}

#[test]
fn im_delete_fixture() {
    let (ev, data) = decode_one(
        "WebcastImDeleteMessage",
        &fixture("MessageWebcastImDeleteMessage.pb"),
    );
    assert_eq!(ev.kind, EventKind::ImDelete);
    // 1.2: 7270208754506189573 · 1.4: 1692727384244
    assert_eq!(data["msgId"], "7270208754506189573");
    assert_eq!(data["createTime"], 1692727384244i64);
    // 3 (packed): bytes 86 88 c7 da 88 c8 8d a0 64 = 7223833453145474054; no field 2
    assert_eq!(data["userIds"], json!(["7223833453145474054"]));
    assert_eq!(data["messageIds"], json!([]));
    assert_eq!(data["messageId"], "");
}

#[test]
fn room_update_payload() {
    let (ev, data) = decode_one(
        "WebcastRoomUserSeqMessage",
        &collector_payload("WebcastRoomUserSeqMessage", 7286185145961810721),
    );
    assert_eq!(ev.kind, EventKind::RoomUpdate);
    // 1.4: 1696447178093
    assert_eq!(data["createTime"], 1696447178093i64);
    assert_eq!(data["timestamp"], "2023-10-04T19:19:38.093Z");
    // 3: 460 · 7: 14545
    assert_eq!(data["viewerCount"], 460);
    assert_eq!(data["totalViewers"], 14545);
    // 16 entries of 2 {1: score, 2: user, 3: rank}
    let top = data["topViewers"].as_array().unwrap();
    assert_eq!(top.len(), 16);
    // 2[0]: 1: 621 · 2.1: 6838701619614696453 · 2.3: "Barb" · 2.38: "fleegus159_barb" · 3: 1
    assert_eq!(top[0]["coinCount"], 621);
    assert_eq!(top[0]["userId"], "6838701619614696453");
    assert_eq!(top[0]["nickname"], "Barb");
    assert_eq!(top[0]["uniqueId"], "fleegus159_barb");
    assert_eq!(top[0]["rank"], 1);
    // 2[1]: 1: 319 · "Clay" · "claydeese" · 3: 2
    assert_eq!(top[1]["coinCount"], 319);
    assert_eq!(top[1]["uniqueId"], "claydeese");
    assert_eq!(top[1]["rank"], 2);
    // 2[2]: 1: 1 · "jayneshannon1029" · 3: 3
    assert_eq!(top[2]["coinCount"], 1);
    assert_eq!(top[2]["uniqueId"], "jayneshannon1029");
    assert_eq!(top[2]["rank"], 3);
    // The tail has no score (0) and bare user ids.
    assert_eq!(top[15]["coinCount"], 0);
    assert_eq!(top[15]["rank"], 16);
}

#[test]
fn envelope_payload() {
    let (ev, data) = decode_one(
        "WebcastEnvelopeMessage",
        &collector_payload("WebcastEnvelopeMessage", 7286165381486889761),
    );
    assert_eq!(ev.kind, EventKind::Envelope);
    // 1.4: 1696447165971
    assert_eq!(data["createTime"], 1696447165971i64);
    // 2.4: "ldc.officiall" · 2.8: "6755547942423856133" · 2.5: 20
    assert_eq!(data["username"], "ldc.officiall");
    assert_eq!(data["userId"], "6755547942423856133");
    assert_eq!(data["coins"], 20);
    // 2.1: "7286181633453427488" · 2.2: 1 · 2.6: 16 · 2.7: 1696447345 · 3: 1
    assert_eq!(data["envelopeId"], "7286181633453427488");
    assert_eq!(data["businessType"], 1);
    assert_eq!(data["peopleCount"], 16);
    assert_eq!(data["unpackAt"], 1696447345);
    assert_eq!(data["display"], 1);
}

#[test]
fn question_payload() {
    let (ev, data) = decode_one(
        "WebcastQuestionNewMessage",
        &collector_payload("WebcastQuestionNewMessage", 7286180351439801120),
    );
    assert_eq!(ev.kind, EventKind::QuestionNew);
    // 1.4: 1696446061422
    assert_eq!(data["createTime"], 1696446061422i64);
    // 2.1: 7286180112523903008 · 2.2: "Team Saskia "
    assert_eq!(data["questionId"], "7286180112523903008");
    assert_eq!(data["questionText"], "Team Saskia ");
    // 2.5.1: 7014588335143617542 · 2.5.3: "Luna💕" · 2.5.38: "aualsfi1617"
    assert_eq!(data["userId"], "7014588335143617542");
    assert_eq!(data["nickname"], "Luna💕");
    assert_eq!(data["username"], "aualsfi1617");
}

#[test]
fn link_mic_battle_payload() {
    let (ev, data) = decode_one(
        "WebcastLinkMicBattle",
        &collector_payload("WebcastLinkMicBattle", 7286185082607061792),
    );
    assert_eq!(ev.kind, EventKind::LinkMicBattle);
    // 1.4: 1696447171381 · 2: 7286185068292573984 · 4: 4 · 3.5 (status): 1
    assert_eq!(data["createTime"], 1696447171381i64);
    assert_eq!(data["battleId"], "7286185068292573984");
    assert_eq!(data["action"], 4);
    assert_eq!(data["status"], 1);
    // 10[0]: 1: 7231497158964069382 · 2.1 {2: "🌻Kui An🌻", 4: "kuian888"}
    // 10[1]: 1: 6838171651939763206 · 2.1 {2: "Halil™️", 4: "halilk55_"}
    let users = data["battleUsers"].as_array().unwrap();
    assert_eq!(users.len(), 2);
    assert_eq!(users[0]["userId"], "7231497158964069382");
    assert_eq!(users[0]["uniqueId"], "kuian888");
    assert_eq!(users[0]["nickname"], "🌻Kui An🌻");
    assert_eq!(users[1]["userId"], "6838171651939763206");
    assert_eq!(users[1]["uniqueId"], "halilk55_");
    assert_eq!(users[1]["nickname"], "Halil™️");
    // 3 {2: 1696447171250, 3: 301, 4: 7286184950461090592, 8: 1}
    let settings = &data["battleData"]["battleSettings"];
    assert_eq!(settings["startTimeMs"], "1696447171250");
    assert_eq!(settings["duration"], 301);
    assert_eq!(settings["channelId"], "7286184950461090592");
    assert_eq!(settings["battleType"], 1);
}

#[test]
fn goal_update_payload() {
    let (ev, data) = decode_one(
        "WebcastGoalUpdateMessage",
        &collector_payload("WebcastGoalUpdateMessage", 7286184983995058950),
    );
    assert_eq!(ev.kind, EventKind::GoalUpdate);
    // 1.4: 1696447166573
    assert_eq!(data["createTime"], 1696447166573i64);
    // 3.1: 7286184983995009798 · 3.5: "Meta de rosas!"
    assert_eq!(data["goalId"], "7286184983995009798");
    assert_eq!(data["description"], "Meta de rosas!");
    // 3.4 {1: 1, 2: 5655, 4: 300, 6: "5655", 5 {1: "Rose", 3: 1}}: no 3.4.3 → progress 0
    assert_eq!(data["progress"], 0);
    assert_eq!(data["target"], 300);
    let sub = &data["goalData"]["goal"]["subGoals"][0];
    assert_eq!(sub["id"], "5655");
    assert_eq!(sub["gift"]["name"], "Rose");
    // 2 {1: "live_goal_indicator_stream_goal", 2: 3}
    assert_eq!(
        data["goalData"]["indicator"]["key"],
        "live_goal_indicator_stream_goal"
    );
    // No contributor (fields 4-12 absent).
    assert_eq!(data["contributorUniqueId"], "");
    assert_eq!(data["contributeCount"], 0);
}

#[test]
fn poll_payload() {
    let (ev, data) = decode_one(
        "WebcastPollMessage",
        &collector_payload("WebcastPollMessage", 7286184986997934854),
    );
    assert_eq!(ev.kind, EventKind::PollMessage);
    // 1.2: 7286184986997934854 · 1.4: 1696447161173
    assert_eq!(data["msgId"], "7286184986997934854");
    assert_eq!(data["createTime"], 1696447161173i64);
    let poll = &data["pollData"];
    // 2: 2 · 3: 7286184608013404933 · 7: 2 (64-bit values are strings in the JSON mapping)
    assert_eq!(poll["messageType"], "2");
    assert_eq!(poll["pollId"], "7286184608013404933");
    assert_eq!(poll["pollKind"], "2");
    // 6.2[0] {1: 1, 2: "Hallediyorum "} · 6.2[1] {1: 1, 2: "Hallettim bile", 3: 1}
    let options = poll["updateVotesContent"]["optionList"].as_array().unwrap();
    assert_eq!(options.len(), 2);
    assert_eq!(options[0]["displayContent"], "Hallediyorum ");
    assert_eq!(options[0]["votes"], "1");
    assert!(options[0].get("optionIdx").is_none(), "0 is left out");
    assert_eq!(options[1]["displayContent"], "Hallettim bile");
    assert_eq!(options[1]["votes"], "1");
    assert_eq!(options[1]["optionIdx"], "1");
}

/// A real payload through the decoder and the public envelope: the NDJSON
/// line has exactly the documented keys, in order.
#[test]
fn a_real_event_becomes_an_ndjson_line() {
    let (ev, _) = decode_one(
        "WebcastGiftMessage",
        &fixture("MessageWebcastGiftMessage.pb"),
    );
    let env = Envelope::new(
        ev,
        "alice",
        "2023-08-22T17:36:13.880Z".into(),
        "0b8e0b9e-2f45-4f8a-9d53-7e0c0f1d2a3b".into(),
    );
    let line = env.to_json();
    assert!(!line.contains('\n'));
    assert!(line.starts_with(r#"{"type":"gift","streamer":"alice","data":{"#));
    assert!(line.ends_with(
        r#"},"timestamp":"2023-08-22T17:36:13.880Z","id":"0b8e0b9e-2f45-4f8a-9d53-7e0c0f1d2a3b"}"#
    ));
    let v: serde_json::Value = serde_json::from_str(&line).unwrap();
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    let mut expected = vec!["data", "id", "streamer", "timestamp", "type"];
    expected.sort();
    let mut keys_sorted = keys.clone();
    keys_sorted.sort();
    assert_eq!(keys_sorted, expected);
    assert_eq!(v["data"]["giftName"], "Rose");
    assert_eq!(v["data"]["userId"], "6809568862012081157");
    // A backlog message carries `history: true`; a live one leaves it out.
    let mut decoder = Decoder::new(everything());
    let mut out = Vec::new();
    decoder.decode_message(
        "WebcastGiftMessage",
        &fixture("MessageWebcastGiftMessage.pb"),
        true,
        &mut out,
    );
    let Some(Output::Event(ev)) = out.pop() else {
        panic!("no event")
    };
    let line = Envelope::new(ev, "", "2023-08-22T17:36:13.880Z".into(), "x".into()).to_json();
    assert!(line.starts_with(r#"{"type":"gift","data":{"#), "{line}");
    assert!(line.ends_with(r#","id":"x","history":true}"#), "{line}");
}

/// The lean schema (proto/lean.proto) used for the high-volume messages reads
/// every user, common and text field the mapping needs exactly as the full
/// schema does, on every real payload of those types.
#[test]
fn lean_and_full_schema_agree_on_real_payloads() {
    use prost::Message;
    use tiklive::webcast::proto::{self, lean};
    use tiklive::webcast::user::{CommonFields, UserFields, UserRef, render_text};

    fn users(full: Option<&proto::User>, lean: Option<&lean::User>) {
        assert_eq!(
            UserFields::from_user(full, None),
            UserFields::from_user(lean, None)
        );
        if let (Some(f), Some(l)) = (full, lean) {
            assert_eq!(UserRef::from_user(f), UserRef::from_user(l));
        }
    }
    fn refs(full: Option<&proto::User>, lean: Option<&lean::RefUser>) {
        assert_eq!(full.map(UserRef::from_user), lean.map(UserRef::from_user));
    }
    fn texts(full: Option<&proto::Text>, lean: Option<&lean::Text>) {
        assert_eq!(full.map(render_text), lean.map(render_text));
    }
    let mut checked = 0;
    for p in collector_payloads() {
        let b = &p.bytes[..];
        match p.method.as_str() {
            "WebcastChatMessage" => {
                let (f, l) = (
                    proto::ChatMessage::decode(b).unwrap(),
                    lean::ChatMessage::decode(b).unwrap(),
                );
                users(f.user.as_ref(), l.user.as_ref());
                refs(f.at_user.as_ref(), l.at_user.as_ref());
                assert_eq!(f.content, l.content);
                assert_eq!(
                    CommonFields::from_common(f.common.as_ref()),
                    CommonFields::from_common(l.common.as_ref())
                );
            }
            "WebcastGiftMessage" => {
                let (f, l) = (
                    proto::GiftMessage::decode(b).unwrap(),
                    lean::GiftMessage::decode(b).unwrap(),
                );
                users(f.user.as_ref(), l.user.as_ref());
                refs(f.to_user.as_ref(), l.to_user.as_ref());
                let (fg, lg) = (f.gift.unwrap_or_default(), l.gift.unwrap_or_default());
                assert_eq!(
                    (fg.id, fg.r#type, fg.diamond_count),
                    (lg.id, lg.r#type, lg.diamond_count)
                );
                assert_eq!(fg.name, lg.name);
                assert_eq!(fg.describe, lg.describe);
                let urls = |list: Vec<bytes::Bytes>| -> Vec<Vec<u8>> {
                    list.into_iter().map(|u| u.to_vec()).collect()
                };
                assert_eq!(
                    fg.image
                        .map(|i| urls(i.url_list.into_iter().map(Into::into).collect())),
                    lg.image.map(|i| urls(i.url_list))
                );
                assert_eq!(
                    f.monitor_info.map(|m| m.to_user_id),
                    l.monitor_info.map(|m| m.to_user_id)
                );
                assert_eq!(
                    (f.repeat_count, f.repeat_end, f.group_id, f.combo_count),
                    (l.repeat_count, l.repeat_end, l.group_id, l.combo_count)
                );
            }
            "WebcastLikeMessage" => {
                let (f, l) = (
                    proto::LikeMessage::decode(b).unwrap(),
                    lean::LikeMessage::decode(b).unwrap(),
                );
                users(f.user.as_ref(), l.user.as_ref());
                assert_eq!((f.count, f.total), (l.count, l.total));
            }
            "WebcastMemberMessage" => {
                let (f, l) = (
                    proto::MemberMessage::decode(b).unwrap(),
                    lean::MemberMessage::decode(b).unwrap(),
                );
                users(f.user.as_ref(), l.user.as_ref());
                texts(
                    f.common.as_ref().and_then(|c| c.display_text.as_ref()),
                    l.common.as_ref().and_then(|c| c.display_text.as_ref()),
                );
            }
            "WebcastRoomUserSeqMessage" => {
                let (f, l) = (
                    proto::RoomUserSeqMessage::decode(b).unwrap(),
                    lean::RoomUserSeqMessage::decode(b).unwrap(),
                );
                assert_eq!(f.ranks.len(), l.ranks.len());
                for (fr, lr) in f.ranks.iter().zip(&l.ranks) {
                    refs(fr.user.as_ref(), lr.user.as_ref());
                    assert_eq!((fr.score, fr.rank), (lr.score, lr.rank));
                }
            }
            "WebcastSocialMessage" => {
                let (f, l) = (
                    proto::SocialMessage::decode(b).unwrap(),
                    lean::SocialMessage::decode(b).unwrap(),
                );
                users(f.user.as_ref(), l.user.as_ref());
                texts(
                    f.common.as_ref().and_then(|c| c.display_text.as_ref()),
                    l.common.as_ref().and_then(|c| c.display_text.as_ref()),
                );
            }
            _ => continue,
        }
        checked += 1;
    }
    assert_eq!(checked, 163 + 137 + 157 + 169 + 178 + 140);
}

// ---------------------------------------------------------------------------
// Captures built from public bug reports (tests/data/reports, README there).
// ---------------------------------------------------------------------------

/// The path of a capture in `tests/data/reports/`.
pub fn report(name: &str) -> String {
    format!("{}/tests/data/reports/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// `tiklive watch --replay CAPTURE ARGS…`: stdout lines and stderr.
pub fn replay(name: &str, args: &[&str]) -> (Vec<serde_json::Value>, String) {
    let (mut cmd, _dir) = crate::support::temp_command();
    cmd.args(["watch", "--replay", &report(name)]).args(args);
    let run = crate::support::run(&mut cmd);
    assert_eq!(run.code, 0, "{}", run.stderr);
    (crate::support::ndjson(&run.stdout), run.stderr)
}

#[test]
fn schema_drift_capture_loses_no_event() {
    let (lines, stderr) = replay("schema-drift.capture", &["--type", "inRoomBanner,chat"]);
    let kinds: Vec<&str> = lines.iter().map(|l| l["type"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["inRoomBanner", "chat", "chat", "chat"], "{stderr}");
    // Every chat keeps its text and user; the drifted fields are skipped.
    for chat in &lines[1..] {
        let d = &chat["data"];
        assert!(!d["message"].as_str().unwrap().is_empty(), "{d}");
        assert!(!d["userId"].as_str().unwrap().is_empty(), "{d}");
        assert!(!d["uniqueId"].as_str().unwrap().is_empty(), "{d}");
        assert!(!d["nickname"].as_str().unwrap().is_empty(), "{d}");
    }
    // One counted warning per drifted (method, field), not an error.
    assert!(!stderr.contains("could not decode"), "{stderr}");
    assert_eq!(stderr.matches("the schema says").count(), 2, "{stderr}");
    assert!(stderr.contains("user.verified"), "{stderr}");
    assert!(stderr.contains("scene_type"), "{stderr}");
}

#[test]
fn gift_type2_capture_counts_each_gift_send_once() {
    // The README's recipe: `--type gift | jq -c 'select(.data.repeatEnd)'`.
    let (lines, stderr) = replay("gift-type2.capture", &["--type", "gift"]);
    let mut ends: Vec<&serde_json::Value> = lines
        .iter()
        .map(|l| &l["data"])
        .filter(|d| d["repeatEnd"] == true)
        .collect();
    assert_eq!(ends.len(), 3, "{stderr}\n{lines:?}");
    ends.sort_by_key(|d| d["giftType"].as_i64());
    // The Rose streak at its end, the type-2 and the type-4 gift.
    assert_eq!(ends[0]["giftType"], 1);
    assert_eq!(ends[0]["repeatCount"], 3);
    assert_eq!(ends[0]["streakable"], true);
    assert_eq!(ends[1]["giftType"], 2);
    assert_eq!(ends[1]["diamondCount"], 199);
    assert_eq!(ends[1]["streakable"], false);
    assert_eq!(ends[2]["giftType"], 4);
    assert_eq!(ends[2]["streakable"], false);
    // Streak steps keep the wire value.
    let steps = lines
        .iter()
        .filter(|l| l["data"]["repeatEnd"] == false)
        .count();
    assert_eq!(steps, 3);
    // `--gift-streaks final` gives the same three.
    let (finals, _) = replay(
        "gift-type2.capture",
        &["--type", "gift", "--gift-streaks", "final"],
    );
    assert_eq!(finals.len(), 3);
    assert!(finals.iter().all(|l| l["data"]["repeatEnd"] == true));
}

#[test]
fn unicode_capture_is_byte_exact_in_ndjson_and_inert_when_pretty() {
    let (lines, _) = replay("unicode.capture", &["--type", "chat"]);
    assert_eq!(lines.len(), 5);
    let text: String = lines
        .iter()
        .map(|l| format!("{}{}", l["data"]["nickname"], l["data"]["message"]))
        .collect();
    // NDJSON keeps every string as sent, escapes included (as JSON escapes).
    assert!(text.contains("\\u001b"), "{text}");
    assert!(text.contains('\u{202e}'), "{text}");
    for l in &lines {
        assert!(l["data"]["userId"].is_string());
    }

    let (mut cmd, _dir) = crate::support::temp_command();
    cmd.args([
        "watch",
        "--replay",
        &report("unicode.capture"),
        "--type",
        "chat",
    ])
    .args(["--format", "pretty", "--color", "always"]);
    let run = crate::support::run(&mut cmd);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = run.stdout;
    assert_eq!(out.lines().count(), 5, "one line per event:\n{out}");
    // No control character but the newlines and the colour codes tiklive
    // writes itself (ESC followed by `[` … `m`).
    let bytes = out.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => i += 1,
            0x1b => {
                assert_eq!(bytes.get(i + 1), Some(&b'['), "a bare ESC at {i}:\n{out}");
                let end = bytes[i..].iter().position(|&b| b == b'm').unwrap();
                let params = &bytes[i + 2..i + end];
                assert!(
                    params.iter().all(|b| b.is_ascii_digit() || *b == b';'),
                    "not a colour code at {i}:\n{out}"
                );
                i += end + 1;
            }
            b => {
                assert!(b >= 0x20 && b != 0x7f, "byte {b:#x} at {i}:\n{out}");
                i += 1;
            }
        }
    }
    for bad in ['\u{202e}', '\u{2066}', '\u{2028}', '\u{85}', '\u{7}'] {
        assert!(!out.contains(bad), "{bad:?} reached the terminal:\n{out}");
    }
}
