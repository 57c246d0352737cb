//! How a TikTok `User` becomes the flat user fields of an event
//! (`username`, `userId`, `nickname`, `profilePictureUrl`, …), and how a
//! localisable `Text` becomes a plain string.

use serde::Serialize;

use super::proto::{Badge, Common, Text, User, UserIdentity};

/// The user fields every user event carries. `username` and `uniqueId` are both
/// the @handle (`displayId`, field 38): the spec calls it `username`, the Node
/// library `uniqueId`.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct UserFields {
    pub username: String,
    pub unique_id: String,
    pub user_id: String,
    pub nickname: String,
    pub profile_picture_url: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub sec_uid: String,
    /// 0 none, 1 follows the host, 2 friends (mutual).
    pub follow_role: i64,
    pub is_moderator: bool,
    pub is_subscriber: bool,
    /// Gifter level from the user-grade badge; 0 when none is shown.
    pub gifter_level: i64,
    /// Fan-club ("team") level from the fans badge; 0 when none is shown.
    pub team_member_level: i64,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub verified: bool,
}

// Badge scene types (protocol.md §6 BadgeStruct, assumed; scene 4 observed on
// a subscriber badge in the chat fixture).
const SCENE_ADMIN: i32 = 1;
const SCENE_SUBSCRIBER: i32 = 4;
const SCENE_NEW_SUBSCRIBER: i32 = 7;
const SCENE_USER_GRADE: i32 = 8;
const SCENE_FANS: i32 = 10;

impl UserFields {
    pub fn from_user(user: Option<&User>, identity: Option<&UserIdentity>) -> UserFields {
        let Some(u) = user else {
            return UserFields::default();
        };
        let badge_level = |scene: i32| -> i64 {
            u.badge_list
                .iter()
                .filter(|b| b.scene_type == scene)
                .filter_map(badge_level)
                .max()
                .unwrap_or(0)
        };
        let has_scene =
            |scenes: &[i32]| u.badge_list.iter().any(|b| scenes.contains(&b.scene_type));
        let follow_role = u
            .follow_info
            .as_ref()
            .map(|f| f.follow_status)
            .filter(|s| *s != 0)
            .unwrap_or(u.follow_status);
        UserFields {
            username: u.display_id.clone(),
            unique_id: u.display_id.clone(),
            user_id: user_id(u),
            nickname: u.nickname.clone(),
            profile_picture_url: avatar_url(u),
            sec_uid: u.sec_uid.clone(),
            follow_role,
            is_moderator: has_scene(&[SCENE_ADMIN])
                || identity.is_some_and(|i| i.is_moderator_of_anchor),
            is_subscriber: has_scene(&[SCENE_SUBSCRIBER, SCENE_NEW_SUBSCRIBER])
                || identity.is_some_and(|i| i.is_subscriber_of_anchor),
            gifter_level: badge_level(SCENE_USER_GRADE),
            team_member_level: badge_level(SCENE_FANS),
            verified: u.verified,
        }
    }
}

fn badge_level(b: &Badge) -> Option<i64> {
    b.privilege_log_extra
        .as_ref()
        .and_then(|p| p.level.parse::<i64>().ok())
}

/// The user id as a string: `idStr` when present, else the numeric id.
pub fn user_id(u: &User) -> String {
    if !u.id_str.is_empty() {
        u.id_str.clone()
    } else if u.id != 0 {
        u.id.to_string()
    } else {
        String::new()
    }
}

pub fn avatar_url(u: &User) -> String {
    [&u.avatar_thumb, &u.avatar_medium, &u.avatar_large]
        .into_iter()
        .flatten()
        .find_map(|img| img.url_list.first())
        .cloned()
        .unwrap_or_default()
}

/// A short user reference (receivers, viewers on the leaderboard, …).
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct UserRef {
    pub user_id: String,
    pub unique_id: String,
    pub nickname: String,
    pub profile_picture_url: String,
}

impl UserRef {
    pub fn from_user(u: &User) -> UserRef {
        UserRef {
            user_id: user_id(u),
            unique_id: u.display_id.clone(),
            nickname: u.nickname.clone(),
            profile_picture_url: avatar_url(u),
        }
    }
}

/// Fields taken from `common`: the message id (a string, it is 64-bit) and the
/// creation time in ms.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CommonFields {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub msg_id: String,
    #[serde(skip_serializing_if = "is_zero")]
    pub create_time: i64,
}

fn is_zero(v: &i64) -> bool {
    *v == 0
}

impl CommonFields {
    pub fn from_common(c: Option<&Common>) -> CommonFields {
        c.map(|c| CommonFields {
            msg_id: if c.msg_id != 0 {
                c.msg_id.to_string()
            } else {
                String::new()
            },
            create_time: c.create_time,
        })
        .unwrap_or_default()
    }
}

/// Render a `Text` by filling its pattern (`"{0:user} sent {1:gift}"`) with its
/// pieces. Unknown placeholders are dropped; no pattern gives the key.
pub fn render_text(t: &Text) -> String {
    let pattern = &t.default_pattern;
    if pattern.is_empty() {
        return t.key.clone();
    }
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut rest = pattern.as_str();
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[start..]);
            rest = "";
            break;
        };
        let placeholder = &after[..end];
        let index = placeholder
            .split(':')
            .next()
            .and_then(|i| i.parse::<usize>().ok());
        if let Some(piece) = index.and_then(|i| t.pieces.get(i)) {
            if let Some(u) = piece.user_value.as_ref().and_then(|v| v.user.as_ref()) {
                out.push_str(if u.nickname.is_empty() {
                    &u.display_id
                } else {
                    &u.nickname
                });
            } else if let Some(p) = &piece.pattern_ref_value {
                out.push_str(&p.default_pattern);
            } else if let Some(g) = piece.gift_value.as_ref().and_then(|g| g.name_ref.as_ref()) {
                out.push_str(&g.default_pattern);
            } else {
                out.push_str(&piece.string_value);
            }
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::super::proto::{TextPiece, TextPieceUser};
    use super::*;

    #[test]
    fn text_patterns_are_filled() {
        let t = Text {
            key: "k".into(),
            default_pattern: "{0:user} sent {1:string} {2:x}!".into(),
            pieces: vec![
                TextPiece {
                    user_value: Some(TextPieceUser {
                        user: Some(User {
                            nickname: "Ann".into(),
                            ..Default::default()
                        }),
                        with_colon: false,
                    }),
                    ..Default::default()
                },
                TextPiece {
                    string_value: "roses".into(),
                    ..Default::default()
                },
            ],
            ..Default::default()
        };
        assert_eq!(render_text(&t), "Ann sent roses !");
        let unclosed = Text {
            default_pattern: "a {0".into(),
            ..Default::default()
        };
        assert_eq!(render_text(&unclosed), "a {0");
    }
}
