//! The demo's cast and catalogue, as data: the viewers, their comments, the
//! gifts, and the helpers that turn them into protocol users and texts.

use crate::webcast::proto::*;

use super::DEMO_STREAMER;

pub(super) const CAST: &[(&str, &str)] = &[
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

pub(super) const COMMENTS: &[&str] = &[
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
pub(super) const GIFTS: &[(i64, &str, i32, i32)] = &[
    (5655, "Rose", 1, 1),
    (5269, "TikTok", 1, 1),
    (5487, "Finger Heart", 5, 1),
    (6064, "GG", 1, 1),
    (5760, "Weights", 1, 1),
    (6267, "Corgi", 299, 2),
    (6369, "Lion", 29999, 2),
    (5827, "Ice Cream Cone", 1, 1),
];

pub(super) fn image(url: &str) -> Image {
    Image {
        url_list: vec![url.to_string()],
        uri: url.rsplit('/').next().unwrap_or("").to_string(),
        ..Default::default()
    }
}

pub(super) fn user(idx: usize) -> User {
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

/// The host of the other LIVE in the battle.
pub(super) fn rival() -> User {
    User {
        id: 7_000_000_000_000_000_077,
        nickname: "Rival Artist".into(),
        display_id: "rival.artist".into(),
        ..Default::default()
    }
}

/// Cast member `idx` as a v3 user (inside the messages with a v3 schema).
pub(super) fn v3_user(idx: usize) -> v3::User {
    let u = user(idx);
    v3::User {
        id: u.id,
        id_str: u.id_str,
        nickname: u.nickname,
        display_id: u.display_id,
        sec_uid: u.sec_uid,
        ..Default::default()
    }
}

pub(super) fn host() -> User {
    User {
        id: 7_000_000_000_000_000_042,
        id_str: "7000000000000000042".into(),
        nickname: "tiklive demo".into(),
        display_id: DEMO_STREAMER.into(),
        avatar_thumb: Some(image("https://example.invalid/avatars/tiklive_demo.webp")),
        ..Default::default()
    }
}

/// A `Text` (`displayText` of a social, member or system message): `key`,
/// its `pattern`, and `who` as its one user piece (type 11), if any. Also
/// used by the tests that build messages by hand.
pub fn text(key: &str, pattern: &str, who: Option<User>) -> Text {
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
