//! The demo's encoder: message builders that number and timestamp each
//! message ([`Script`]), and the packaging of the timeline into a first fetch
//! result and push frames as TikTok sends them.

use bytes::Bytes;
use prost::Message;

use crate::webcast::capture::RecordKind;
use crate::webcast::frame::encode_msg_frame;
use crate::webcast::proto::*;

use super::cast::*;
use super::{DEMO_EPOCH_MS, DEMO_ROOM_ID, DemoItem};

/// A tiny deterministic PRNG (xorshift64*), so the demo is the same every time.
pub(super) struct Rng(pub(super) u64);

impl Rng {
    pub(super) fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub(super) fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    pub(super) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

pub(super) struct Script {
    pub(super) rng: Rng,
    pub(super) next_msg_id: i64,
    /// (t_ms, method, payload, is_history)
    pub(super) messages: Vec<(i64, &'static str, Vec<u8>, bool)>,
    pub(super) viewers: i64,
    pub(super) total_viewers: i64,
    pub(super) total_likes: i64,
    /// A chat message the moderator deletes later: (t_ms, msgId, userId).
    pub(super) deletable: Option<(i64, i64, i64)>,
}

impl Script {
    pub(super) fn common(
        &mut self,
        method: &str,
        t_ms: i64,
        display: Option<Text>,
    ) -> Option<Common> {
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

    /// [`common`](Self::common) for the messages with a v3 schema
    /// (`proto/v3.proto`).
    pub(super) fn v3_common(&mut self, method: &str, t_ms: i64) -> Option<v3::CommonMessageData> {
        self.common(method, t_ms, None)
            .map(|c| v3::CommonMessageData {
                method: c.method,
                msg_id: c.msg_id,
                room_id: c.room_id,
                create_time: c.create_time,
                is_show_msg: c.is_show_msg,
                ..Default::default()
            })
    }

    pub(super) fn push(&mut self, t_ms: i64, method: &'static str, payload: Vec<u8>) {
        self.messages.push((t_ms, method, payload, false));
    }

    pub(super) fn chat(&mut self, t: i64, who: usize, comment: &str, history: bool) {
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

    pub(super) fn join(&mut self, t: i64, who: usize) {
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

    pub(super) fn likes(&mut self, t: i64, who: usize, count: i64) {
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

    pub(super) fn social(&mut self, t: i64, who: usize, key: &'static str, pattern: &str) {
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

    pub(super) fn room_update(&mut self, t: i64) {
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
    pub(super) fn gift(&mut self, t: i64, who: usize, gift_idx: usize, count: i32, step_ms: i64) {
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

/// The `common.msgId` of an encoded message (the wrapper repeats it, as
/// TikTok's does: observed in the repaired push frame).
pub(super) fn msg_id_of(payload: &[u8]) -> i64 {
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
pub(super) fn package(
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
