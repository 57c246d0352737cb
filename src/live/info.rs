//! `tiklive info`: is a user live, from the room lookup alone. No sign call
//! is made, so it costs no sign quota (public reports show scripts burning it
//! with full connects just to ask this).

use serde::Serialize;

use super::cookies::CookieJar;
use super::error::LiveError;
use super::http::{self, Room};
use crate::config::LiveConfig;
use crate::webcast::time::format_iso_millis;

/// What `info` prints for one user (one JSON object per line).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LiveInfo {
    pub username: String,
    /// The room id, when a source named one (also for an offline user whose
    /// last room is known).
    pub room_id: Option<String>,
    pub live: bool,
    /// `live`, `paused`, `offline`, `not_found`, `blocked` or `error`.
    pub status: &'static str,
    pub title: Option<String>,
    /// Current viewers.
    pub viewer_count: Option<i64>,
    /// When the LIVE started, ISO 8601 UTC.
    pub start_time: Option<String>,
    /// The lookup that answered: `live page`, `api-live` or `sign provider`.
    pub source: Option<&'static str>,
    /// Room info says the LIVE is age-restricted (watching it needs a
    /// logged-in session).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub age_restricted: bool,
    /// Why the lookup failed, when it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl LiveInfo {
    fn failed(user: &str, status: &'static str, err: &LiveError) -> LiveInfo {
        LiveInfo {
            username: user.to_string(),
            room_id: None,
            live: false,
            status,
            title: None,
            viewer_count: None,
            start_time: None,
            source: None,
            age_restricted: false,
            error: Some(err.lookup_message()),
        }
    }
}

/// Look `user` up: the layered room lookup, then (for a live room) the
/// unsigned room info for title, viewers and age restriction.
pub async fn look_up(
    client: &reqwest::Client,
    cfg: &LiveConfig,
    jar: &CookieJar,
    user: &str,
) -> LiveInfo {
    let room: Room = match http::resolve_room(client, cfg, user).await {
        Ok(room) => room,
        Err(e @ LiveError::UserNotFound(_)) => return LiveInfo::failed(user, "not_found", &e),
        Err(e @ LiveError::Blocked { .. }) => return LiveInfo::failed(user, "blocked", &e),
        Err(e) => return LiveInfo::failed(user, "error", &e),
    };
    let mut info = LiveInfo {
        username: user.to_string(),
        room_id: Some(room.room_id.clone()).filter(|r| !r.is_empty()),
        live: !room.is_offline(),
        status: match room.status {
            _ if room.is_offline() => "offline",
            Some(3) => "paused",
            _ => "live",
        },
        title: room.title.clone(),
        viewer_count: room.viewers,
        start_time: room.start_time.map(|s| format_iso_millis(s * 1000)),
        source: Some(room.source),
        age_restricted: false,
        error: None,
    };
    if info.live
        && let Some(details) = http::room_info(client, cfg, &room.room_id, jar).await
    {
        info.age_restricted = details.age_restricted;
        if details.status == Some(4) {
            info.live = false;
            info.status = "offline";
        }
        info.title = info.title.or(details.title);
        info.viewer_count = info.viewer_count.or(details.viewers);
        if info.start_time.is_none() {
            info.start_time = details.start_time.map(|s| format_iso_millis(s * 1000));
        }
    }
    info
}
