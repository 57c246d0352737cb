//! The built-in demo stream: three minutes of a made-up LIVE, with every
//! common event type and a few gift streaks.
//!
//! It is produced by our own encoder from the deterministic script below (a
//! fixed seed, a fixed cast, a fixed timeline), as real push frames: gzip,
//! PushFrame, fetch result, inner messages. So `watch --demo` exercises the
//! same decoder as a live connection. `tiklive watch --demo --speed max
//! --record demo.capture` regenerates it as a capture file.

use bytes::Bytes;
use prost::Message;

use crate::webcast::capture::RecordKind;
use crate::webcast::frame::encode_msg_frame;
use crate::webcast::proto::*;

pub const DEMO_STREAMER: &str = "tiklive_demo";
pub const DEMO_ROOM_ID: i64 = 7_312_000_000_000_000_001;
/// How long the demo lasts at speed 1.
pub const DEMO_SECONDS: i64 = 180;

/// One item of the demo: a bare fetch result (the first) or a push frame.
#[derive(Debug, Clone)]
pub struct DemoItem {
    pub offset_ms: i64,
    pub kind: RecordKind,
    pub bytes: Vec<u8>,
}

/// A tiny deterministic PRNG (xorshift64*), so the demo is the same every time.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

const CAST: &[(&str, &str)] = &[
    ("mia.sketches", "Mia ✏️"),
    ("dan_the_builder", "Dan"),
    ("lena.k", "Lena K"),
    ("oscar_plays", "Oscar 🎮"),
    ("yuki_chan", "Yuki"),
    ("ravi.codes", "Ravi"),
    ("bea_bakes", "Bea 🧁"),
    ("tomas.r", "Tomás"),
    ("nora_nights", "Nora"),
    ("kwame_k", "Kwame"),
    ("sofia.paints", "Sofía"),
    ("leo_lifts", "Leo"),
    ("hana_hikes", "Hana"),
    ("ivan.ivanov", "Ivan"),
    ("zoe_z", "Zoe ⭐"),
    ("ahmed.ali", "Ahmed"),
    ("priya_p", "Priya"),
    ("jonas.j", "Jonas"),
    ("chloe_c", "Chloé"),
    ("marco.m", "Marco"),
];

const COMMENTS: &[&str] = &[
    "hi everyone! 👋",
    "first time here, love the vibe",
    "what are you drawing today?",
    "greetings from Lisbon 🇵🇹",
    "the colours are amazing",
    "can you show the brush again?",
    "lol",
    "❤️❤️❤️",
    "how long have you been streaming?",
    "this is so relaxing",
    "which tablet do you use?",
    "hello from Tokyo",
    "let's go!!",
    "that shading 🔥",
    "can you say hi to my sister?",
    "I'm learning to draw too",
    "wow",
    "good morning from Lagos ☀️",
    "what music is this?",
    "more sky please",
];

/// (gift id, name, diamonds, type): type 1 gifts come as streaks.
const GIFTS: &[(i64, &str, i32, i32)] = &[
    (5655, "Rose", 1, 1),
    (5269, "TikTok", 1, 1),
    (5487, "Finger Heart", 5, 1),
    (6064, "GG", 1, 1),
    (5760, "Weights", 1, 1),
    (6267, "Corgi", 299, 2),
    (6369, "Lion", 29999, 2),
    (5827, "Ice Cream Cone", 1, 1),
];

struct Script {
    rng: Rng,
    next_msg_id: i64,
    /// (t_ms, method, payload, is_history)
    messages: Vec<(i64, &'static str, Vec<u8>, bool)>,
    viewers: i64,
    total_viewers: i64,
    total_likes: i64,
}

fn image(url: &str) -> Image {
    Image {
        url_list: vec![url.to_string()],
        uri: url.rsplit('/').next().unwrap_or("").to_string(),
        ..Default::default()
    }
}

fn user(idx: usize) -> User {
    let (handle, nick) = CAST[idx % CAST.len()];
    let id = 7_100_000_000_000_000_000 + idx as i64 * 7_919;
    let mut badges = Vec::new();
    // A moderator, two subscribers and gifter levels spread over the cast.
    if idx == 1 {
        badges.push(Badge {
            scene_type: 1,
            display_type: 1,
            ..Default::default()
        });
    }
    if idx % 5 == 2 {
        badges.push(Badge {
            scene_type: 4,
            display_type: 1,
            ..Default::default()
        });
    }
    if idx.is_multiple_of(3) {
        badges.push(Badge {
            scene_type: 8,
            display_type: 1,
            privilege_log_extra: Some(PrivilegeLogExtra {
                level: ((idx % 30) + 3).to_string(),
                ..Default::default()
            }),
            ..Default::default()
        });
    }
    User {
        id,
        id_str: id.to_string(),
        nickname: nick.to_string(),
        display_id: handle.to_string(),
        sec_uid: format!("MS4wLjABAAAA-demo-{handle}"),
        avatar_thumb: Some(image(&format!(
            "https://example.invalid/avatars/{handle}.webp"
        ))),
        follow_info: Some(FollowInfo {
            following_count: 40 + idx as i64,
            follower_count: 100 * idx as i64 + 7,
            follow_status: (idx % 3) as i64,
            push_status: 0,
        }),
        badge_list: badges,
        ..Default::default()
    }
}

fn host() -> User {
    User {
        id: 7_000_000_000_000_000_042,
        id_str: "7000000000000000042".into(),
        nickname: "tiklive demo".into(),
        display_id: DEMO_STREAMER.into(),
        avatar_thumb: Some(image("https://example.invalid/avatars/tiklive_demo.webp")),
        ..Default::default()
    }
}

fn text(key: &str, pattern: &str, who: Option<User>) -> Text {
    Text {
        key: key.into(),
        default_pattern: pattern.into(),
        default_format: None,
        pieces: who
            .map(|u| {
                vec![TextPiece {
                    r#type: 11,
                    user_value: Some(TextPieceUser {
                        user: Some(u),
                        with_colon: false,
                    }),
                    ..Default::default()
                }]
            })
            .unwrap_or_default(),
    }
}

impl Script {
    fn common(&mut self, method: &str, t_ms: i64, display: Option<Text>) -> Option<Common> {
        self.next_msg_id += 1;
        Some(Common {
            method: method.into(),
            msg_id: self.next_msg_id,
            room_id: DEMO_ROOM_ID,
            create_time: DEMO_EPOCH_MS + t_ms,
            is_show_msg: true,
            display_text: display,
            ..Default::default()
        })
    }

    fn push(&mut self, t_ms: i64, method: &'static str, payload: Vec<u8>) {
        self.messages.push((t_ms, method, payload, false));
    }

    fn chat(&mut self, t: i64, who: usize, comment: &str, history: bool) {
        let mut emotes = Vec::new();
        if comment.contains("let's go") {
            emotes.push(EmoteWithIndex {
                index: comment.chars().count() as i32,
                emote: Some(Emote {
                    emote_id: "7281238501054696197".into(),
                    image: Some(image("https://example.invalid/emotes/hype.webp")),
                    ..Default::default()
                }),
            });
        }
        let m = ChatMessage {
            common: self.common("WebcastChatMessage", t, None),
            user: Some(user(who)),
            content: comment.into(),
            emotes,
            content_language: "en".into(),
            user_identity: Some(UserIdentity {
                is_follower_of_anchor: !who.is_multiple_of(3),
                is_moderator_of_anchor: who == 1,
                ..Default::default()
            }),
            ..Default::default()
        };
        self.messages
            .push((t, "WebcastChatMessage", m.encode_to_vec(), history));
    }

    fn join(&mut self, t: i64, who: usize) {
        let m = MemberMessage {
            common: self.common(
                "WebcastMemberMessage",
                t,
                Some(text(
                    "live_room_enter_toast",
                    "{0:user} joined",
                    Some(user(who)),
                )),
            ),
            user: Some(user(who)),
            member_count: self.viewers,
            action: 1,
            ..Default::default()
        };
        self.push(t, "WebcastMemberMessage", m.encode_to_vec());
    }

    fn likes(&mut self, t: i64, who: usize, count: i64) {
        self.total_likes += count;
        let m = LikeMessage {
            common: self.common(
                "WebcastLikeMessage",
                t,
                Some(text(
                    "pm_mt_msg_viewer",
                    "{0:user} liked the LIVE",
                    Some(user(who)),
                )),
            ),
            count,
            total: self.total_likes,
            user: Some(user(who)),
        };
        self.push(t, "WebcastLikeMessage", m.encode_to_vec());
    }

    fn social(&mut self, t: i64, who: usize, key: &'static str, pattern: &str) {
        let m = SocialMessage {
            common: self.common(
                "WebcastSocialMessage",
                t,
                Some(text(key, pattern, Some(user(who)))),
            ),
            user: Some(user(who)),
            action: 1,
            share_type: i64::from(key.contains("share")),
            follow_count: 1200 + t / 1000,
            ..Default::default()
        };
        self.push(t, "WebcastSocialMessage", m.encode_to_vec());
    }

    fn room_update(&mut self, t: i64) {
        let ranks = (0..3)
            .map(|i| Contributor {
                score: 500 - i * 150,
                user: Some(user(3 + i as usize * 4)),
                rank: i + 1,
                delta: 0,
            })
            .collect();
        let m = RoomUserSeqMessage {
            common: self.common("WebcastRoomUserSeqMessage", t, None),
            ranks,
            total: self.viewers,
            total_user: self.total_viewers,
            popularity: self.viewers * 13,
            ..Default::default()
        };
        self.push(t, "WebcastRoomUserSeqMessage", m.encode_to_vec());
    }

    /// A gift streak: `count` messages with growing repeatCount, then the end.
    /// Non-streakable gifts send one message with repeatEnd unset, as real
    /// ones do (shared/data/real; `tests/data/reports/gift-type2.capture`).
    fn gift(&mut self, t: i64, who: usize, gift_idx: usize, count: i32, step_ms: i64) {
        let (id, name, diamonds, ty) = GIFTS[gift_idx];
        let group_id = (DEMO_EPOCH_MS + t) as u64;
        let gift = GiftInfo {
            id,
            name: name.into(),
            diamond_count: diamonds,
            r#type: ty,
            combo: ty == 1,
            describe: format!("sent {name}"),
            image: Some(image(&format!("https://example.invalid/gifts/{id}.png"))),
            ..Default::default()
        };
        let steps: Vec<(i32, i32)> = if ty == 1 {
            (1..=count)
                .map(|n| (n, 0))
                .chain(std::iter::once((count, 1)))
                .collect()
        } else {
            vec![(count, 0)]
        };
        for (i, (n, end)) in steps.into_iter().enumerate() {
            let tt = t + i as i64 * step_ms;
            let m = GiftMessage {
                common: self.common(
                    "WebcastGiftMessage",
                    tt,
                    Some(text(
                        "webcast_aweme_gift_send_message",
                        "{0:user} sent {1:gift}",
                        Some(user(who)),
                    )),
                ),
                gift_id: id,
                group_count: 1,
                repeat_count: n,
                combo_count: n,
                user: Some(user(who)),
                repeat_end: end,
                group_id,
                gift: Some(gift.clone()),
                send_type: if end == 1 || ty != 1 { 0 } else { 1 },
                monitor_info: Some(GiftMonitorInfo {
                    anchor_id: host().id,
                    to_user_id: host().id,
                    ..Default::default()
                }),
                ..Default::default()
            };
            self.push(tt, "WebcastGiftMessage", m.encode_to_vec());
        }
    }
}

/// The demo's fixed "recording" instant: 2024-05-01T18:00:00Z. Message
/// `createTime`s are based on it so the script is the same every time.
pub const DEMO_EPOCH_MS: i64 = 1_714_586_400_000;

/// Build the whole demo stream.
pub fn demo_stream() -> Vec<DemoItem> {
    let mut s = Script {
        rng: Rng(0x7469_6b6c_6976_6521),
        next_msg_id: 7_312_100_000_000_000_000,
        messages: Vec::new(),
        viewers: 18,
        total_viewers: 18,
        total_likes: 0,
    };

    // The first fetch result: intro, viewers and a little chat history.
    let intro = LiveIntroMessage {
        common: s.common("WebcastLiveIntroMessage", 0, None),
        id: DEMO_ROOM_ID,
        content: "Sunday sketching: skies and clouds ☁️ Ask anything!".into(),
        host: Some(host()),
        content_language: "en".into(),
        ..Default::default()
    };
    s.push(0, "WebcastLiveIntroMessage", intro.encode_to_vec());
    s.room_update(0);
    for (i, c) in ["hi!", "waiting for the stream 👀", "hello from Berlin"]
        .iter()
        .enumerate()
    {
        s.chat(0, 10 + i, c, true);
    }
    let fetch_messages = s.messages.len();

    // The scripted scenes.
    let banner = InRoomBannerMessage {
        common: s.common("WebcastInRoomBannerMessage", 8_000, None),
        data: bytes::Bytes::from_static(br#"{"banner":"weekly_ranking","rank":12}"#),
    };
    s.push(8_000, "WebcastInRoomBannerMessage", banner.encode_to_vec());
    let caption = CaptionMessage {
        common: s.common("WebcastCaptionMessage", 12_000, None),
        timestamp_ms: DEMO_EPOCH_MS + 12_000,
        duration_ms: 2_400,
        content: vec![CaptionContent {
            lang: "en".into(),
            content: "Today we start with the horizon line.".into(),
        }],
        sentence_id: 1,
        sequence_id: 1,
        definite: true,
    };
    s.push(12_000, "WebcastCaptionMessage", caption.encode_to_vec());

    s.gift(20_000, 2, 0, 7, 350); // a Rose streak ×7
    s.gift(22_000, 5, 2, 3, 400); // Finger Heart ×3 while it runs
    s.gift(45_000, 8, 1, 12, 250); // TikTok ×12
    s.gift(90_000, 14, 6, 1, 0); // a Lion (not streakable)
    s.gift(120_000, 3, 3, 4, 300); // two parallel streaks of one user
    s.gift(120_500, 3, 4, 2, 300);
    s.gift(150_000, 9, 5, 1, 0); // a Corgi (not streakable)
    s.gift(160_000, 12, 7, 9, 200);

    let q = QuestionNewMessage {
        common: s.common("WebcastQuestionNewMessage", 30_000, None),
        details: Some(Question {
            question_id: 7_312_100_000_000_900_001,
            content: "Which brush do you use for clouds?".into(),
            create_time: (DEMO_EPOCH_MS + 30_000) / 1000,
            user: Some(user(6)),
            ..Default::default()
        }),
    };
    s.push(30_000, "WebcastQuestionNewMessage", q.encode_to_vec());

    let rank = RankUpdateMessage {
        common: s.common("WebcastRankUpdateMessage", 40_000, None),
        updates: vec![RankUpdate {
            rank_type: 8,
            owner_rank: 12,
            default_content: Some(text("pm_mt_daily_entrance", "Daily Ranking", None)),
            countdown: 21_600,
        }],
        group_type: 1,
    };
    s.push(40_000, "WebcastRankUpdateMessage", rank.encode_to_vec());

    for (t, progress) in [(50_000, 3), (110_000, 7)] {
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

    let emote = EmoteChatMessage {
        common: s.common("WebcastEmoteChatMessage", 55_000, None),
        user: Some(user(7)),
        emote_list: vec![Emote {
            emote_id: "7281238501054696197".into(),
            image: Some(image("https://example.invalid/emotes/hype.webp")),
            ..Default::default()
        }],
        ..Default::default()
    };
    s.push(55_000, "WebcastEmoteChatMessage", emote.encode_to_vec());

    let chest = EnvelopeMessage {
        common: s.common("WebcastEnvelopeMessage", 60_000, None),
        envelope_info: Some(EnvelopeInfo {
            envelope_id: "7312100000000700001".into(),
            business_type: 1,
            send_user_name: CAST[4].0.into(),
            send_user_id: user(4).id_str,
            diamond_count: 300,
            people_count: 20,
            unpack_at: ((DEMO_EPOCH_MS + 120_000) / 1000) as i32,
            ..Default::default()
        }),
        display: 1,
    };
    s.push(60_000, "WebcastEnvelopeMessage", chest.encode_to_vec());

    let barrage = BarrageMessage {
        common: s.common("WebcastBarrageMessage", 65_000, None),
        msg_type: 4,
        content: Some(text(
            "pm_mt_subscribe_first_barrage",
            "{0:user} subscribed for the first time",
            Some(user(2)),
        )),
        duration: 3000,
        user: Some(user(2)),
        ..Default::default()
    };
    s.push(65_000, "WebcastBarrageMessage", barrage.encode_to_vec());
    let super_fan = BarrageMessage {
        common: s.common("WebcastBarrageMessage", 115_000, None),
        msg_type: 11,
        content: Some(text(
            "ttlive_superfan_join_barrage",
            "{0:user} became a Super Fan",
            Some(user(11)),
        )),
        duration: 3000,
        user: Some(user(11)),
        ..Default::default()
    };
    s.push(115_000, "WebcastBarrageMessage", super_fan.encode_to_vec());

    let poll_options = |votes: [i64; 3]| -> Vec<PollOption> {
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
    };
    let poll_id = 7_312_100_000_000_600_001;
    let start = PollMessage {
        common: s.common("WebcastPollMessage", 70_000, None),
        message_type: 0,
        poll_id,
        start_content: Some(PollStartContent {
            start_time: (DEMO_EPOCH_MS + 70_000) / 1000,
            end_time: (DEMO_EPOCH_MS + 95_000) / 1000,
            option_list: poll_options([0, 0, 0]),
            title: "What do we paint next?".into(),
            operator: Some(host()),
        }),
        ..Default::default()
    };
    s.push(70_000, "WebcastPollMessage", start.encode_to_vec());
    let update = PollMessage {
        common: s.common("WebcastPollMessage", 80_000, None),
        message_type: 2,
        poll_id,
        update_votes_content: Some(PollUpdateVotesContent {
            option_list: poll_options([6, 2, 9]),
            operator: None,
        }),
        ..Default::default()
    };
    s.push(80_000, "WebcastPollMessage", update.encode_to_vec());
    let end = PollMessage {
        common: s.common("WebcastPollMessage", 95_000, None),
        message_type: 1,
        poll_id,
        end_content: Some(PollEndContent {
            end_type: 1,
            option_list: poll_options([11, 4, 15]),
            operator: Some(host()),
        }),
        ..Default::default()
    };
    s.push(95_000, "WebcastPollMessage", end.encode_to_vec());

    let rank_text = RankTextMessage {
        common: s.common("WebcastRankTextMessage", 85_000, None),
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
    s.push(85_000, "WebcastRankTextMessage", rank_text.encode_to_vec());

    // Battle: start, score updates, end, punishment over.
    let battle_id = 7_312_100_000_000_500_001;
    let rival = User {
        id: 7_000_000_000_000_000_077,
        nickname: "Rival Artist".into(),
        display_id: "rival.artist".into(),
        ..Default::default()
    };
    let settings = |status: i32| BattleSettings {
        battle_id,
        start_time_ms: DEMO_EPOCH_MS + 125_000,
        duration: 300,
        channel_id: 7_312_100_000_000_400_001,
        status,
        battle_type: 1,
    };
    let anchors = |h: &User, r: &User| -> Vec<BattleAnchor> {
        [h, r]
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
            .collect()
    };
    for (t, action, status) in [(125_000, 4, 1), (165_000, 5, 4)] {
        let b = LinkMicBattle {
            common: s.common("WebcastLinkMicBattle", t, None),
            battle_id,
            battle_settings: Some(settings(status)),
            action,
            anchors_info: anchors(&host(), &rival),
            ..Default::default()
        };
        s.push(t, "WebcastLinkMicBattle", b.encode_to_vec());
    }
    for (t, host_score, rival_score) in [(135_000, 120, 80), (145_000, 410, 390)] {
        let mut armies = std::collections::BTreeMap::new();
        for (anchor, score, fan) in [
            (host().id, host_score, 3usize),
            (rival.id, rival_score, 15usize),
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
            battle_id,
            armies,
            channel_id: 7_312_100_000_000_400_001,
            trigger_reason: 1,
            battle_settings: Some(settings(1)),
            ..Default::default()
        };
        s.push(t, "WebcastLinkMicArmies", a.encode_to_vec());
    }
    let punish = LinkMicBattlePunishFinish {
        common: s.common("WebcastLinkMicBattlePunishFinish", 172_000, None),
        channel_id: 7_312_100_000_000_400_001,
        op_uid: host().id,
        reason: 1,
        battle_id,
        battle_settings: Some(settings(4)),
    };
    s.push(
        172_000,
        "WebcastLinkMicBattlePunishFinish",
        punish.encode_to_vec(),
    );
    let task = LinkmicBattleTaskMessage {
        common: s.common("WebcastLinkmicBattleTaskMessage", 130_000, None),
        task_message_type: 1,
        battle_id,
    };
    s.push(
        130_000,
        "WebcastLinkmicBattleTaskMessage",
        task.encode_to_vec(),
    );
    let fan_ticket = LinkMicFanTicketMethod {
        common: s.common("WebcastLinkMicFanTicketMethod", 140_000, None),
        fan_ticket_room_notice: Some(FanTicketRoomNotice {
            user_fan_ticket: vec![UserFanTicket {
                user_id: host().id,
                fan_ticket: 410,
                ..Default::default()
            }],
            total_linkmic_fan_ticket: 800,
            match_id: battle_id,
        }),
    };
    s.push(
        140_000,
        "WebcastLinkMicFanTicketMethod",
        fan_ticket.encode_to_vec(),
    );
    let method = LinkMicMethod {
        common: s.common("WebcastLinkMicMethod", 124_000, None),
        message_type: 104,
        channel_id: 7_312_100_000_000_400_001,
        rival_anchor_id: rival.id,
        ..Default::default()
    };
    s.push(124_000, "WebcastLinkMicMethod", method.encode_to_vec());
    let link = LinkMessage {
        common: s.common("WebcastLinkMessage", 123_000, None),
        message_type: 20,
        linker_id: 7_312_100_000_000_400_001,
        scene: 4,
        ..Default::default()
    };
    s.push(123_000, "WebcastLinkMessage", link.encode_to_vec());
    let layer = LinkLayerMessage {
        common: s.common("WebcastLinkLayerMessage", 123_500, None),
        message_type: 11,
        channel_id: 7_312_100_000_000_400_001,
        scene: 4,
    };
    s.push(123_500, "WebcastLinkLayerMessage", layer.encode_to_vec());
    let hourly = HourlyRankRewardMessage {
        common: s.common("WebcastHourlyRankRewardMessage", 150_500, None),
        winners: vec![HourlyRankWinner {
            user_id: host().id,
            asset_id: 206,
        }],
    };
    s.push(
        150_500,
        "WebcastHourlyRankRewardMessage",
        hourly.encode_to_vec(),
    );

    let room_msg = RoomMessage {
        common: s.common("WebcastRoomMessage", 2_000, None),
        content: "Welcome to TikTok LIVE! Be kind and have fun.".into(),
        is_welcome: true,
        ..Default::default()
    };
    s.push(2_000, "WebcastRoomMessage", room_msg.encode_to_vec());
    let unauthorized = UnauthorizedMemberMessage {
        common: s.common("WebcastUnauthorizedMemberMessage", 33_000, None),
        action: 1,
        nick_name_prefix: Some(text("web_nonlogin_im_1", "Viewer%s", None)),
        nick_name: "353237".into(),
        enter_text: Some(text("live_room_enter_toast", "{0:user} joined", None)),
    };
    s.push(
        33_000,
        "WebcastUnauthorizedMemberMessage",
        unauthorized.encode_to_vec(),
    );
    let shop = OecLiveShoppingMessage {
        common: s.common("WebcastOecLiveShoppingMessage", 100_000, None),
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
    s.push(
        100_000,
        "WebcastOecLiveShoppingMessage",
        shop.encode_to_vec(),
    );
    let detect = MsgDetectMessage {
        common: s.common("WebcastMsgDetectMessage", 5_000, None),
        detect_type: 2,
        trigger_condition: Some(MsgDetectCondition {
            uplink_detect_http: true,
            detect_room_msg: true,
            ..Default::default()
        }),
        time_info: Some(MsgDetectTimeInfo {
            client_start_ms: DEMO_EPOCH_MS + 4_800,
            api_recv_time_ms: DEMO_EPOCH_MS + 4_900,
            api_send_to_goim_ms: DEMO_EPOCH_MS + 5_000,
        }),
        trigger_by: 1,
        from_region: "DE".into(),
    };
    s.push(5_000, "WebcastMsgDetectMessage", detect.encode_to_vec());
    let verify = RoomVerifyMessage {
        common: s.common("WebcastRoomVerifyMessage", 176_000, None),
        action: 4,
        content: "Room verified".into(),
        ..Default::default()
    };
    s.push(176_000, "WebcastRoomVerifyMessage", verify.encode_to_vec());
    for (t, action) in [(102_000, 1), (106_000, 2)] {
        let c = ControlMessage {
            common: s.common("WebcastControlMessage", t, None),
            action,
            ..Default::default()
        };
        s.push(t, "WebcastControlMessage", c.encode_to_vec());
    }

    // The background crowd: joins, chat, likes, follows, shares, viewers.
    let mut deletable = None;
    let mut t = 1_000;
    while t < DEMO_SECONDS * 1000 - 3_000 {
        let who = s.rng.below(CAST.len() as u64) as usize;
        match s.rng.below(10) {
            0..=3 => {
                let c = *s.rng.pick(COMMENTS);
                s.chat(t, who, c, false);
                if t > 30_000 && deletable.is_none() {
                    deletable = Some((t, s.next_msg_id, user(who).id));
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
    if let Some((t0, msg_id, user_id)) = deletable {
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

    s.social(
        98_000,
        13,
        "pm_mt_repost_message",
        "{0:user} reposted the LIVE",
    );

    // The end.
    let end_t = DEMO_SECONDS * 1000;
    let end = ControlMessage {
        common: s.common("WebcastControlMessage", end_t, None),
        action: 3,
        ..Default::default()
    };
    s.push(end_t, "WebcastControlMessage", end.encode_to_vec());

    package(s.messages, fetch_messages)
}

/// The `common.msgId` of an encoded message (the wrapper repeats it, as
/// TikTok's does: observed in the repaired push frame).
fn msg_id_of(payload: &[u8]) -> i64 {
    #[derive(Clone, PartialEq, prost::Message)]
    struct OnlyCommon {
        #[prost(message, optional, tag = "1")]
        common: Option<Common>,
    }
    OnlyCommon::decode(payload)
        .ok()
        .and_then(|m| m.common)
        .map_or(0, |c| c.msg_id)
}

/// Group the timeline into the first fetch result plus one push frame per
/// 500 ms of messages (TikTok batches messages the same way).
fn package(
    mut messages: Vec<(i64, &'static str, Vec<u8>, bool)>,
    fetch_count: usize,
) -> Vec<DemoItem> {
    let rest = messages.split_off(fetch_count);
    let to_base = |(_, method, payload, history): (i64, &'static str, Vec<u8>, bool)| BaseMessage {
        method: method.into(),
        msg_id: msg_id_of(&payload),
        payload: Bytes::from(payload),
        is_history: history,
        ..Default::default()
    };
    let mut items = Vec::new();
    let mut cursor_n = 0;
    let result = |msgs: Vec<BaseMessage>, now: i64, cursor_n: &mut i64| -> FetchResult {
        *cursor_n += 1;
        FetchResult {
            messages: msgs,
            cursor: format!("{}_{}_1_1_0_0", DEMO_EPOCH_MS + now, cursor_n),
            fetch_interval: 1000,
            now: DEMO_EPOCH_MS + now,
            internal_ext: format!("demo_ext_{cursor_n}"),
            need_ack: true,
            push_server: "wss://example.invalid/webcast/im/ws_proxy/".into(),
            heartbeat_duration: 10,
            ..Default::default()
        }
    };
    let first = result(
        messages.into_iter().map(to_base).collect(),
        0,
        &mut cursor_n,
    );
    items.push(DemoItem {
        offset_ms: 0,
        kind: RecordKind::Fetch,
        bytes: first.encode_to_vec(),
    });
    let mut rest = rest;
    rest.sort_by_key(|m| m.0);
    let mut seq = 0i64;
    let mut i = 0;
    while i < rest.len() {
        let bucket = rest[i].0 / 500;
        let mut msgs = Vec::new();
        let mut last_t = rest[i].0;
        while i < rest.len() && rest[i].0 / 500 == bucket {
            last_t = rest[i].0;
            msgs.push(rest[i].clone());
            i += 1;
        }
        seq += 1;
        let fetch = result(
            msgs.into_iter().map(to_base).collect(),
            last_t,
            &mut cursor_n,
        );
        items.push(DemoItem {
            offset_ms: last_t,
            kind: RecordKind::Frame,
            bytes: encode_msg_frame(
                seq,
                7_000_000_000 + seq as u64,
                &fetch.encode_to_vec(),
                true,
            ),
        });
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_is_deterministic_and_long_enough() {
        let a = demo_stream();
        let b = demo_stream();
        assert_eq!(a.len(), b.len());
        assert!(
            a.iter()
                .zip(&b)
                .all(|(x, y)| x.bytes == y.bytes && x.offset_ms == y.offset_ms)
        );
        assert_eq!(a[0].kind, RecordKind::Fetch);
        assert_eq!(a.last().unwrap().offset_ms, DEMO_SECONDS * 1000);
        assert!(a.len() > 100, "{} items", a.len());
        assert!(a.windows(2).all(|w| w[0].offset_ms <= w[1].offset_ms));
    }
}
