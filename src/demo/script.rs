//! The demo's script: what happens when, over [`DEMO_SECONDS`](super::DEMO_SECONDS).

use prost::Message;

use super::cast::*;
use super::encoder::{Rng, Script, package};
use super::*;

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
    since_2_5(&mut s, &rival);

    package(s.messages, fetch_messages)
}

/// Scenes of the types routed since TikTok-Live-Connector 2.5.0: two
/// subscriptions, a system notice, a toast, a battle item card and a gift
/// broadcast. Scripted last so the message ids of the scenes above stay as
/// they were; the timeline sorts them into place.
fn since_2_5(s: &mut Script, rival: &User) {
    // (t, who, months, old subscribe status: 0 first, 1 resubscribe)
    for (t, who, months, old_status) in [(66_000, 2, 1, 0), (142_000, 9, 6, 1)] {
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

    let system = v3::SystemMessage {
        common: s.v3_common("WebcastSystemMessage", 3_000),
        message: "LIVE is moderated. Follow the Community Guidelines.".into(),
    };
    s.push(3_000, "WebcastSystemMessage", system.encode_to_vec());

    let toast = v3::ToastMessage {
        common: s.v3_common("WebcastToastMessage", 104_000),
        display_duration_millisecond: 3_000,
        delay_display_duration_millisecond: 500,
        scene: "gift_panel".into(),
    };
    s.push(104_000, "WebcastToastMessage", toast.encode_to_vec());

    let sender = v3_user(3);
    let card = v3::LinkMicBattleItemCard {
        common: s.v3_common("WebcastLinkMicBattleItemCard", 150_000),
        battle_id: 7_312_100_000_000_500_001,
        msg_type: 2, // a critical strike card is used
        use_critical_strike_card: Some(v3::UseCriticalStrikeCard {
            card_info: Some(v3::CriticalStrikeCardInfo {
                card_name_key: "pm_mt_battle_critical_strike_card".into(),
                send_time_sec: (DEMO_EPOCH_MS + 150_000) / 1000,
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
    s.push(
        150_000,
        "WebcastLinkMicBattleItemCard",
        card.encode_to_vec(),
    );

    let broadcast = v3::GiftBroadcastMessage {
        common: s.v3_common("WebcastGiftBroadcastMessage", 152_000),
        from_user_id: user(10).id,
        left_icon: None,
        notify: Some(v3::RoomNotifyMessage {
            content: format!(
                "{} sent a Universe to {}",
                user(10).nickname,
                rival.nickname
            ),
            notify_type: 1,
            user: Some(v3_user(10)),
            to_anchor_id: rival.id,
            ..Default::default()
        }),
    };
    s.push(
        152_000,
        "WebcastGiftBroadcastMessage",
        broadcast.encode_to_vec(),
    );
}
