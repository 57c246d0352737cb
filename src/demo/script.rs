//! The demo's script, as data: [`SCENES`] lists every scene once, with when it
//! starts (ms after the beginning of [`DEMO_SECONDS`](super::DEMO_SECONDS)),
//! what it shows, and the function that encodes its messages. The encoder
//! (`encoder`) walks the table: it numbers the messages in table order and the
//! timeline sorts them by time, so appending a scene changes no other
//! message's id.

use prost::Message;

use super::cast::*;
use super::encoder::{Rng, Script, package};
use super::*;

/// One scene of the demo.
pub struct Scene {
    /// When it starts, in ms after the beginning.
    pub at_ms: i64,
    /// What a viewer sees.
    pub what: &'static str,
    /// Encode its messages at `at_ms`.
    build: fn(&mut Script, i64),
}

/// The first scenes: what TikTok sends as the first fetch result when you
/// join (the room as it is, and a little chat history).
const OPENING: usize = 3;

/// The whole script, in message-id order (the first [`OPENING`] scenes are the
/// first fetch result). One scene a line, as a table.
#[rustfmt::skip]
pub static SCENES: &[Scene] = &[
    Scene { at_ms: 0, what: "the LIVE's intro", build: intro },
    Scene { at_ms: 0, what: "viewers and top gifters", build: |s, t| s.room_update(t) },
    Scene { at_ms: 0, what: "three chat messages of history", build: history },
    Scene { at_ms: 8_000, what: "a ranking banner", build: banner },
    Scene { at_ms: 12_000, what: "a caption", build: caption },
    Scene { at_ms: 20_000, what: "a Rose streak ×7", build: |s, t| s.gift(t, 2, 0, 7, 350) },
    Scene { at_ms: 22_000, what: "Finger Heart ×3 too", build: |s, t| s.gift(t, 5, 2, 3, 400) },
    Scene { at_ms: 45_000, what: "TikTok ×12", build: |s, t| s.gift(t, 8, 1, 12, 250) },
    Scene { at_ms: 90_000, what: "a Lion (not streakable)", build: |s, t| s.gift(t, 14, 6, 1, 0) },
    Scene { at_ms: 120_000, what: "one user, two streaks", build: |s, t| s.gift(t, 3, 3, 4, 300) },
    Scene { at_ms: 120_500, what: "… the second", build: |s, t| s.gift(t, 3, 4, 2, 300) },
    Scene { at_ms: 150_000, what: "a Corgi (not streakable)", build: |s, t| s.gift(t, 9, 5, 1, 0) },
    Scene { at_ms: 160_000, what: "a streak ×9", build: |s, t| s.gift(t, 12, 7, 9, 200) },
    Scene { at_ms: 30_000, what: "a question", build: question },
    Scene { at_ms: 40_000, what: "a daily ranking update", build: rank_update },
    Scene { at_ms: 50_000, what: "the Rose goal at 3 of 10", build: |s, t| goal(s, t, 3) },
    Scene { at_ms: 110_000, what: "the Rose goal at 7 of 10", build: |s, t| goal(s, t, 7) },
    Scene { at_ms: 55_000, what: "an emote", build: emote },
    Scene { at_ms: 60_000, what: "a treasure chest", build: envelope },
    Scene { at_ms: 65_000, what: "a first-subscription barrage", build: subscribe_barrage },
    Scene { at_ms: 115_000, what: "a Super Fan joins", build: super_fan_barrage },
    Scene { at_ms: 70_000, what: "a poll starts", build: poll_start },
    Scene { at_ms: 80_000, what: "poll votes", build: poll_votes },
    Scene { at_ms: 95_000, what: "the poll ends", build: poll_end },
    Scene { at_ms: 85_000, what: "a No. 1 gifter badge", build: rank_text },
    Scene { at_ms: 125_000, what: "a battle starts", build: |s, t| battle(s, t, 4, 1) },
    Scene { at_ms: 165_000, what: "the battle ends", build: |s, t| battle(s, t, 5, 4) },
    Scene { at_ms: 135_000, what: "battle scores", build: |s, t| armies(s, t, 120, 80) },
    Scene { at_ms: 145_000, what: "battle scores", build: |s, t| armies(s, t, 410, 390) },
    Scene { at_ms: 172_000, what: "the battle's punishment is over", build: punish_finish },
    Scene { at_ms: 130_000, what: "a battle task", build: battle_task },
    Scene { at_ms: 140_000, what: "battle fan tickets", build: fan_tickets },
    Scene { at_ms: 124_000, what: "a co-host link", build: link_mic_method },
    Scene { at_ms: 123_000, what: "a link invitation", build: link },
    Scene { at_ms: 123_500, what: "the link layer", build: link_layer },
    Scene { at_ms: 150_500, what: "an hourly ranking reward", build: hourly_rank },
    Scene { at_ms: 2_000, what: "the welcome message", build: welcome },
    Scene { at_ms: 33_000, what: "a viewer who is not logged in", build: unauthorized },
    Scene { at_ms: 100_000, what: "a product pops up", build: shop },
    Scene { at_ms: 5_000, what: "a message detection probe", build: msg_detect },
    Scene { at_ms: 176_000, what: "the room is verified", build: room_verify },
    Scene { at_ms: 102_000, what: "a control message", build: |s, t| control(s, t, 1) },
    Scene { at_ms: 106_000, what: "a control message", build: |s, t| control(s, t, 2) },
    Scene { at_ms: 1_000, what: "the crowd (joins, chat, likes…)", build: crowd },
    Scene { at_ms: 30_000, what: "a chat message deleted, a rule pinned", build: moderation },
    Scene { at_ms: 98_000, what: "a repost", build: repost },
    Scene { at_ms: DEMO_SECONDS * 1000, what: "the stream ends", build: |s, t| control(s, t, 3) },
    // Types routed since TikTok-Live-Connector 2.5.0.
    Scene { at_ms: 66_000, what: "a subscription", build: |s, t| subscription(s, t, 2, 1, 0) },
    Scene { at_ms: 142_000, what: "a renewal", build: |s, t| subscription(s, t, 9, 6, 1) },
    Scene { at_ms: 3_000, what: "a system notice", build: system },
    Scene { at_ms: 104_000, what: "a toast", build: toast },
    Scene { at_ms: 150_000, what: "a battle item card", build: battle_item_card },
    Scene { at_ms: 152_000, what: "a gift broadcast from another room", build: gift_broadcast },
];

/// Build the whole demo stream from [`SCENES`].
pub fn demo_stream() -> Vec<DemoItem> {
    let mut s = Script {
        rng: Rng(0x7469_6b6c_6976_6521),
        next_msg_id: 7_312_100_000_000_000_000,
        messages: Vec::new(),
        viewers: 18,
        total_viewers: 18,
        total_likes: 0,
        deletable: None,
    };
    let mut fetch_messages = 0;
    for (i, scene) in SCENES.iter().enumerate() {
        (scene.build)(&mut s, scene.at_ms);
        if i + 1 == OPENING {
            fetch_messages = s.messages.len();
        }
    }
    package(s.messages, fetch_messages)
}

const BATTLE_ID: i64 = 7_312_100_000_000_500_001;
const CHANNEL_ID: i64 = 7_312_100_000_000_400_001;

fn intro(s: &mut Script, t: i64) {
    let intro = LiveIntroMessage {
        common: s.common("WebcastLiveIntroMessage", t, None),
        id: DEMO_ROOM_ID,
        content: "Sunday sketching: skies and clouds ☁️ Ask anything!".into(),
        host: Some(host()),
        content_language: "en".into(),
        ..Default::default()
    };
    s.push(t, "WebcastLiveIntroMessage", intro.encode_to_vec());
}

fn history(s: &mut Script, t: i64) {
    for (i, c) in ["hi!", "waiting for the stream 👀", "hello from Berlin"]
        .iter()
        .enumerate()
    {
        s.chat(t, 10 + i, c, true);
    }
}

fn banner(s: &mut Script, t: i64) {
    let banner = InRoomBannerMessage {
        common: s.common("WebcastInRoomBannerMessage", t, None),
        data: bytes::Bytes::from_static(br#"{"banner":"weekly_ranking","rank":12}"#),
    };
    s.push(t, "WebcastInRoomBannerMessage", banner.encode_to_vec());
}

fn caption(s: &mut Script, t: i64) {
    let caption = CaptionMessage {
        common: s.common("WebcastCaptionMessage", t, None),
        timestamp_ms: DEMO_EPOCH_MS + t,
        duration_ms: 2_400,
        content: vec![CaptionContent {
            lang: "en".into(),
            content: "Today we start with the horizon line.".into(),
        }],
        sentence_id: 1,
        sequence_id: 1,
        definite: true,
    };
    s.push(t, "WebcastCaptionMessage", caption.encode_to_vec());
}

fn question(s: &mut Script, t: i64) {
    let q = QuestionNewMessage {
        common: s.common("WebcastQuestionNewMessage", t, None),
        details: Some(Question {
            question_id: 7_312_100_000_000_900_001,
            content: "Which brush do you use for clouds?".into(),
            create_time: (DEMO_EPOCH_MS + t) / 1000,
            user: Some(user(6)),
            ..Default::default()
        }),
    };
    s.push(t, "WebcastQuestionNewMessage", q.encode_to_vec());
}

fn rank_update(s: &mut Script, t: i64) {
    let rank = RankUpdateMessage {
        common: s.common("WebcastRankUpdateMessage", t, None),
        updates: vec![RankUpdate {
            rank_type: 8,
            owner_rank: 12,
            default_content: Some(text("pm_mt_daily_entrance", "Daily Ranking", None)),
            countdown: 21_600,
        }],
        group_type: 1,
    };
    s.push(t, "WebcastRankUpdateMessage", rank.encode_to_vec());
}

fn goal(s: &mut Script, t: i64, progress: i64) {
    let g = GoalUpdateMessage {
        common: s.common("WebcastGoalUpdateMessage", t, None),
        goal: Some(Goal {
            id: 7_312_100_000_000_800_001,
            description: "10 Roses for a timelapse".into(),
            sub_goals: vec![SubGoal {
                id: 5655,
                progress,
                target: 10,
                gift: Some(GoalGift {
                    name: "Rose".into(),
                    diamond_count: 1,
                    ..Default::default()
                }),
                ..Default::default()
            }],
            ..Default::default()
        }),
        contributor_display_id: CAST[2].0.into(),
        contribute_count: 1,
        ..Default::default()
    };
    s.push(t, "WebcastGoalUpdateMessage", g.encode_to_vec());
}

fn emote(s: &mut Script, t: i64) {
    let emote = EmoteChatMessage {
        common: s.common("WebcastEmoteChatMessage", t, None),
        user: Some(user(7)),
        emote_list: vec![Emote {
            emote_id: "7281238501054696197".into(),
            image: Some(image("https://example.invalid/emotes/hype.webp")),
            ..Default::default()
        }],
        ..Default::default()
    };
    s.push(t, "WebcastEmoteChatMessage", emote.encode_to_vec());
}

fn envelope(s: &mut Script, t: i64) {
    let chest = EnvelopeMessage {
        common: s.common("WebcastEnvelopeMessage", t, None),
        envelope_info: Some(EnvelopeInfo {
            envelope_id: "7312100000000700001".into(),
            business_type: 1,
            send_user_name: CAST[4].0.into(),
            send_user_id: user(4).id_str,
            diamond_count: 300,
            people_count: 20,
            unpack_at: ((DEMO_EPOCH_MS + t + 60_000) / 1000) as i32,
            ..Default::default()
        }),
        display: 1,
    };
    s.push(t, "WebcastEnvelopeMessage", chest.encode_to_vec());
}

/// A barrage about `who`, with TikTok's text key (which decides its events).
fn barrage(s: &mut Script, t: i64, msg_type: i32, who: usize, key: &str, pattern: &str) {
    let barrage = BarrageMessage {
        common: s.common("WebcastBarrageMessage", t, None),
        msg_type,
        content: Some(text(key, pattern, Some(user(who)))),
        duration: 3000,
        user: Some(user(who)),
        ..Default::default()
    };
    s.push(t, "WebcastBarrageMessage", barrage.encode_to_vec());
}

fn subscribe_barrage(s: &mut Script, t: i64) {
    barrage(
        s,
        t,
        4,
        2,
        "pm_mt_subscribe_first_barrage",
        "{0:user} subscribed for the first time",
    );
}

fn super_fan_barrage(s: &mut Script, t: i64) {
    barrage(
        s,
        t,
        11,
        11,
        "ttlive_superfan_join_barrage",
        "{0:user} became a Super Fan",
    );
}

const POLL_ID: i64 = 7_312_100_000_000_600_001;

fn poll_options(votes: [i64; 3]) -> Vec<PollOption> {
    ["Sunset", "Storm", "Night sky"]
        .iter()
        .zip(votes)
        .enumerate()
        .map(|(i, (label, v))| PollOption {
            votes: v,
            display_content: (*label).into(),
            option_idx: i as i64,
        })
        .collect()
}

fn poll_start(s: &mut Script, t: i64) {
    let start = PollMessage {
        common: s.common("WebcastPollMessage", t, None),
        message_type: 0,
        poll_id: POLL_ID,
        start_content: Some(PollStartContent {
            start_time: (DEMO_EPOCH_MS + t) / 1000,
            end_time: (DEMO_EPOCH_MS + t + 25_000) / 1000,
            option_list: poll_options([0, 0, 0]),
            title: "What do we paint next?".into(),
            operator: Some(host()),
        }),
        ..Default::default()
    };
    s.push(t, "WebcastPollMessage", start.encode_to_vec());
}

fn poll_votes(s: &mut Script, t: i64) {
    let update = PollMessage {
        common: s.common("WebcastPollMessage", t, None),
        message_type: 2,
        poll_id: POLL_ID,
        update_votes_content: Some(PollUpdateVotesContent {
            option_list: poll_options([6, 2, 9]),
            operator: None,
        }),
        ..Default::default()
    };
    s.push(t, "WebcastPollMessage", update.encode_to_vec());
}

fn poll_end(s: &mut Script, t: i64) {
    let end = PollMessage {
        common: s.common("WebcastPollMessage", t, None),
        message_type: 1,
        poll_id: POLL_ID,
        end_content: Some(PollEndContent {
            end_type: 1,
            option_list: poll_options([11, 4, 15]),
            operator: Some(host()),
        }),
        ..Default::default()
    };
    s.push(t, "WebcastPollMessage", end.encode_to_vec());
}

fn rank_text(s: &mut Script, t: i64) {
    let rank_text = RankTextMessage {
        common: s.common("WebcastRankTextMessage", t, None),
        scene: 1,
        owner_idx_before_update: 3,
        owner_idx_after_update: 1,
        self_get_badge_msg: Some(text(
            "pm_mt_ranktext_top1",
            "You just got the No. 1 gifter badge",
            None,
        )),
        ..Default::default()
    };
    s.push(t, "WebcastRankTextMessage", rank_text.encode_to_vec());
}

/// The battle's settings; it starts at 125 s and lasts 300 s.
fn battle_settings(status: i32) -> BattleSettings {
    BattleSettings {
        battle_id: BATTLE_ID,
        start_time_ms: DEMO_EPOCH_MS + 125_000,
        duration: 300,
        channel_id: CHANNEL_ID,
        status,
        battle_type: 1,
    }
}

fn battle(s: &mut Script, t: i64, action: i32, status: i32) {
    let anchors = [host(), rival()]
        .iter()
        .map(|u| BattleAnchor {
            key: u.id,
            value: Some(BattleUserInfo {
                user: Some(BattleBaseUser {
                    user_id: u.id,
                    nickname: u.nickname.clone(),
                    display_id: u.display_id.clone(),
                    avatar_thumb: None,
                }),
            }),
        })
        .collect();
    let b = LinkMicBattle {
        common: s.common("WebcastLinkMicBattle", t, None),
        battle_id: BATTLE_ID,
        battle_settings: Some(battle_settings(status)),
        action,
        anchors_info: anchors,
        ..Default::default()
    };
    s.push(t, "WebcastLinkMicBattle", b.encode_to_vec());
}

fn armies(s: &mut Script, t: i64, host_score: i64, rival_score: i64) {
    let mut armies = std::collections::BTreeMap::new();
    for (anchor, score, fan) in [
        (host().id, host_score, 3usize),
        (rival().id, rival_score, 15usize),
    ] {
        armies.insert(
            anchor,
            BattleUserArmies {
                user_armies: vec![ArmyUser {
                    user_id: user(fan).id,
                    score,
                    nickname: user(fan).nickname,
                    ..Default::default()
                }],
                host_score: score,
                anchor_id_str: anchor.to_string(),
            },
        );
    }
    let a = LinkMicArmies {
        common: s.common("WebcastLinkMicArmies", t, None),
        battle_id: BATTLE_ID,
        armies,
        channel_id: CHANNEL_ID,
        trigger_reason: 1,
        battle_settings: Some(battle_settings(1)),
        ..Default::default()
    };
    s.push(t, "WebcastLinkMicArmies", a.encode_to_vec());
}

fn punish_finish(s: &mut Script, t: i64) {
    let punish = LinkMicBattlePunishFinish {
        common: s.common("WebcastLinkMicBattlePunishFinish", t, None),
        channel_id: CHANNEL_ID,
        op_uid: host().id,
        reason: 1,
        battle_id: BATTLE_ID,
        battle_settings: Some(battle_settings(4)),
    };
    s.push(
        t,
        "WebcastLinkMicBattlePunishFinish",
        punish.encode_to_vec(),
    );
}

fn battle_task(s: &mut Script, t: i64) {
    let task = LinkmicBattleTaskMessage {
        common: s.common("WebcastLinkmicBattleTaskMessage", t, None),
        task_message_type: 1,
        battle_id: BATTLE_ID,
    };
    s.push(t, "WebcastLinkmicBattleTaskMessage", task.encode_to_vec());
}

fn fan_tickets(s: &mut Script, t: i64) {
    let fan_ticket = LinkMicFanTicketMethod {
        common: s.common("WebcastLinkMicFanTicketMethod", t, None),
        fan_ticket_room_notice: Some(FanTicketRoomNotice {
            user_fan_ticket: vec![UserFanTicket {
                user_id: host().id,
                fan_ticket: 410,
                ..Default::default()
            }],
            total_linkmic_fan_ticket: 800,
            match_id: BATTLE_ID,
        }),
    };
    s.push(
        t,
        "WebcastLinkMicFanTicketMethod",
        fan_ticket.encode_to_vec(),
    );
}

fn link_mic_method(s: &mut Script, t: i64) {
    let method = LinkMicMethod {
        common: s.common("WebcastLinkMicMethod", t, None),
        message_type: 104,
        channel_id: CHANNEL_ID,
        rival_anchor_id: rival().id,
        ..Default::default()
    };
    s.push(t, "WebcastLinkMicMethod", method.encode_to_vec());
}

fn link(s: &mut Script, t: i64) {
    let link = LinkMessage {
        common: s.common("WebcastLinkMessage", t, None),
        message_type: 20,
        linker_id: CHANNEL_ID,
        scene: 4,
        ..Default::default()
    };
    s.push(t, "WebcastLinkMessage", link.encode_to_vec());
}

fn link_layer(s: &mut Script, t: i64) {
    let layer = LinkLayerMessage {
        common: s.common("WebcastLinkLayerMessage", t, None),
        message_type: 11,
        channel_id: CHANNEL_ID,
        scene: 4,
    };
    s.push(t, "WebcastLinkLayerMessage", layer.encode_to_vec());
}

fn hourly_rank(s: &mut Script, t: i64) {
    let hourly = HourlyRankRewardMessage {
        common: s.common("WebcastHourlyRankRewardMessage", t, None),
        winners: vec![HourlyRankWinner {
            user_id: host().id,
            asset_id: 206,
        }],
    };
    s.push(t, "WebcastHourlyRankRewardMessage", hourly.encode_to_vec());
}

fn welcome(s: &mut Script, t: i64) {
    let room_msg = RoomMessage {
        common: s.common("WebcastRoomMessage", t, None),
        content: "Welcome to TikTok LIVE! Be kind and have fun.".into(),
        is_welcome: true,
        ..Default::default()
    };
    s.push(t, "WebcastRoomMessage", room_msg.encode_to_vec());
}

fn unauthorized(s: &mut Script, t: i64) {
    let unauthorized = UnauthorizedMemberMessage {
        common: s.common("WebcastUnauthorizedMemberMessage", t, None),
        action: 1,
        nick_name_prefix: Some(text("web_nonlogin_im_1", "Viewer%s", None)),
        nick_name: "353237".into(),
        enter_text: Some(text("live_room_enter_toast", "{0:user} joined", None)),
    };
    s.push(
        t,
        "WebcastUnauthorizedMemberMessage",
        unauthorized.encode_to_vec(),
    );
}

fn shop(s: &mut Script, t: i64) {
    let shop = OecLiveShoppingMessage {
        common: s.common("WebcastOecLiveShoppingMessage", t, None),
        action_type: 1,
        live_product_number: 1,
        pop_product: Some(OecProduct {
            title: "Watercolour brush set".into(),
            image_url: "https://example.invalid/shop/brushes.jpg".into(),
            open_url: "https://example.invalid/shop/brushes".into(),
            product_id: 1_729_609_008_007_580_355,
            shop_name: "Demo Shop".into(),
        }),
    };
    s.push(t, "WebcastOecLiveShoppingMessage", shop.encode_to_vec());
}

fn msg_detect(s: &mut Script, t: i64) {
    let detect = MsgDetectMessage {
        common: s.common("WebcastMsgDetectMessage", t, None),
        detect_type: 2,
        trigger_condition: Some(MsgDetectCondition {
            uplink_detect_http: true,
            detect_room_msg: true,
            ..Default::default()
        }),
        time_info: Some(MsgDetectTimeInfo {
            client_start_ms: DEMO_EPOCH_MS + t - 200,
            api_recv_time_ms: DEMO_EPOCH_MS + t - 100,
            api_send_to_goim_ms: DEMO_EPOCH_MS + t,
        }),
        trigger_by: 1,
        from_region: "DE".into(),
    };
    s.push(t, "WebcastMsgDetectMessage", detect.encode_to_vec());
}

fn room_verify(s: &mut Script, t: i64) {
    let verify = RoomVerifyMessage {
        common: s.common("WebcastRoomVerifyMessage", t, None),
        action: 4,
        content: "Room verified".into(),
        ..Default::default()
    };
    s.push(t, "WebcastRoomVerifyMessage", verify.encode_to_vec());
}

/// A control message; action 3 ends the stream.
fn control(s: &mut Script, t: i64, action: i32) {
    let c = ControlMessage {
        common: s.common("WebcastControlMessage", t, None),
        action,
        ..Default::default()
    };
    s.push(t, "WebcastControlMessage", c.encode_to_vec());
}

/// The background crowd until 3 s before the end: joins, chat, likes,
/// follows, shares and viewer counts, drawn from the seeded generator. Notes
/// the first chat message after 30 s for [`moderation`].
fn crowd(s: &mut Script, start: i64) {
    let mut t = start;
    while t < DEMO_SECONDS * 1000 - 3_000 {
        let who = s.rng.below(CAST.len() as u64) as usize;
        match s.rng.below(10) {
            0..=3 => {
                let c = *s.rng.pick(COMMENTS);
                s.chat(t, who, c, false);
                if t > 30_000 && s.deletable.is_none() {
                    s.deletable = Some((t, s.next_msg_id, user(who).id));
                }
            }
            4 | 5 => {
                s.viewers += 1;
                s.total_viewers += 1;
                s.join(t, who);
            }
            6 | 7 => {
                let n = 1 + s.rng.below(15) as i64;
                s.likes(t, who, n);
            }
            8 => s.social(
                t,
                who,
                "pm_main_follow_message_viewer_2",
                "{0:user} followed the LIVE creator",
            ),
            _ => {
                if s.rng.below(2) == 0 {
                    s.social(t, who, "pm_mt_guidance_share", "{0:user} shared the LIVE")
                } else {
                    s.viewers = (s.viewers - 1).max(5);
                    s.likes(t, who, 1)
                }
            }
        }
        if t % 5_000 < 1_000 {
            s.room_update(t);
        }
        t += 300 + s.rng.below(900) as i64;
    }
}

/// 4 s after the crowd's first chat message past 30 s, the moderator deletes
/// it, and a second later pins a rule.
fn moderation(s: &mut Script, _at: i64) {
    let Some((t0, msg_id, user_id)) = s.deletable else {
        return;
    };
    let d = ImDeleteMessage {
        common: s.common("WebcastImDeleteMessage", t0 + 4_000, None),
        delete_msg_ids: vec![msg_id],
        delete_user_ids: vec![user_id],
    };
    s.push(t0 + 4_000, "WebcastImDeleteMessage", d.encode_to_vec());
    let pin = RoomPinMessage {
        common: s.common("WebcastRoomPinMessage", t0 + 5_000, None),
        chat_message: Some(ChatMessage {
            common: s.common("WebcastChatMessage", t0, None),
            user: Some(user(1)),
            content: "Be kind in chat please 💛".into(),
            ..Default::default()
        }),
        method: "WebcastChatMessage".into(),
        pin_time: DEMO_EPOCH_MS + t0 + 5_000,
        operator: Some(user(1)),
        action: 1,
        display_duration: 60,
        ..Default::default()
    };
    s.push(t0 + 5_000, "WebcastRoomPinMessage", pin.encode_to_vec());
}

fn repost(s: &mut Script, t: i64) {
    s.social(t, 13, "pm_mt_repost_message", "{0:user} reposted the LIVE");
}

/// A subscription by `who`; `old_status` 0 is a first one, 1 a renewal.
fn subscription(s: &mut Script, t: i64, who: usize, months: i64, old_status: i32) {
    let sub = SubNotifyMessage {
        common: s.common("WebcastSubNotifyMessage", t, None),
        user: Some(user(who)),
        exhibition_type: 2,
        sub_month: months,
        subscribe_type: 1,
        old_subscribe_status: old_status,
        subscribing_status: 2,
        ..Default::default()
    };
    s.push(t, "WebcastSubNotifyMessage", sub.encode_to_vec());
}

fn system(s: &mut Script, t: i64) {
    let system = v3::SystemMessage {
        common: s.v3_common("WebcastSystemMessage", t),
        message: "LIVE is moderated. Follow the Community Guidelines.".into(),
    };
    s.push(t, "WebcastSystemMessage", system.encode_to_vec());
}

fn toast(s: &mut Script, t: i64) {
    let toast = v3::ToastMessage {
        common: s.v3_common("WebcastToastMessage", t),
        display_duration_millisecond: 3_000,
        delay_display_duration_millisecond: 500,
        scene: "gift_panel".into(),
    };
    s.push(t, "WebcastToastMessage", toast.encode_to_vec());
}

/// A critical strike card used for the host during the battle.
fn battle_item_card(s: &mut Script, t: i64) {
    let sender = v3_user(3);
    let card = v3::LinkMicBattleItemCard {
        common: s.v3_common("WebcastLinkMicBattleItemCard", t),
        battle_id: BATTLE_ID,
        msg_type: 2, // a critical strike card is used
        use_critical_strike_card: Some(v3::UseCriticalStrikeCard {
            card_info: Some(v3::CriticalStrikeCardInfo {
                card_name_key: "pm_mt_battle_critical_strike_card".into(),
                send_time_sec: (DEMO_EPOCH_MS + t) / 1000,
                send_user: Some(v3::BattleUserInfo {
                    user: Some(v3::BattleBaseUserInfo {
                        user_id: sender.id,
                        nick_name: sender.nickname,
                        display_id: sender.display_id,
                        ..Default::default()
                    }),
                    tags: vec![],
                }),
                effect_last_duration: 20,
                multiple: 2,
                to_anchor_id: host().id,
                to_anchor_id_str: host().id_str,
                ..Default::default()
            }),
            anchor_id: host().id,
            display_content: None,
        }),
        ..Default::default()
    };
    s.push(t, "WebcastLinkMicBattleItemCard", card.encode_to_vec());
}

fn gift_broadcast(s: &mut Script, t: i64) {
    let (sender, rival) = (user(10), rival());
    let broadcast = v3::GiftBroadcastMessage {
        common: s.v3_common("WebcastGiftBroadcastMessage", t),
        from_user_id: sender.id,
        left_icon: None,
        notify: Some(v3::RoomNotifyMessage {
            content: format!("{} sent a Universe to {}", sender.nickname, rival.nickname),
            notify_type: 1,
            user: Some(v3_user(10)),
            to_anchor_id: rival.id,
            ..Default::default()
        }),
    };
    s.push(t, "WebcastGiftBroadcastMessage", broadcast.encode_to_vec());
}
