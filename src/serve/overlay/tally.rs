//! The overlay state: per streamer, the session counters and the top
//! gifters, kept in memory as events flow through serve and rebuilt from the
//! store at start (so a restarted `serve` continues where it was).
//!
//! The rules, and where they come from:
//!
//! | counter | from |
//! |---|---|
//! | `likes` | the newest `like.totalLikeCount` (the room's running total). The per-event `likeCount` is capped by TikTok (protocol.md, WebcastLikeMessage), so a sum of it is wrong |
//! | `viewers` | the newest `roomUpdate.viewerCount` |
//! | `follows`, `shares` | one per `follow` / `share` event |
//! | `subscribers` | one per `subNotify` (a subscription) or `superFan` event (TikTok's newer name for it) |
//! | `diamonds`, `gifts` | per *finished* gift: a gift counts once, when it is not streakable or its `repeatEnd` is true, with its `totalDiamonds` (the streak's running total) and `repeatCount` (protocol.md §7; TikTok-Live-Connector's README) |
//!
//! A session starts with the first event of a streamer, and starts again
//! (all counters to zero) when a `connected` event names another `roomId`.
//! The leaderboard ranks gifters by diamonds; a tie goes to whoever reached
//! the total first. Confirmed by the unit tests below and, end to end, by
//! `tests/overlay.rs` (sums of `watch` NDJSON against the page).

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::webcast::{Envelope, EventKind, KindSet};

/// How many gifters a streamer's leaderboard keeps in the snapshot.
pub const TOP_KEPT: usize = 100;

/// The kinds the tally reads (the rest are ignored).
pub fn tallied_kinds() -> KindSet {
    [
        EventKind::Connected,
        EventKind::Like,
        EventKind::RoomUpdate,
        EventKind::Follow,
        EventKind::Share,
        EventKind::SuperFan,
        EventKind::SubNotify,
        EventKind::Gift,
    ]
    .into_iter()
    .collect()
}

/// The session counters (JSON: camelCase numbers).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counters {
    pub likes: u64,
    pub viewers: u64,
    pub follows: u64,
    pub shares: u64,
    pub subscribers: u64,
    pub diamonds: u64,
    /// Finished gifts, counting each streak's `repeatCount`.
    pub gifts: u64,
}

impl Counters {
    fn add(&mut self, o: &Counters) {
        self.likes += o.likes;
        self.viewers += o.viewers;
        self.follows += o.follows;
        self.shares += o.shares;
        self.subscribers += o.subscribers;
        self.diamonds += o.diamonds;
        self.gifts += o.gifts;
    }
}

/// One row of the leaderboard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Gifter {
    pub user_id: String,
    pub unique_id: String,
    pub nickname: String,
    pub profile_picture_url: String,
    pub diamonds: u64,
    /// Tie-break: when the total was reached (smaller ranks first).
    #[serde(skip)]
    reached: u64,
}

#[derive(Debug, Default)]
struct Session {
    room_id: Option<String>,
    since: Option<String>,
    counters: Counters,
    gifters: HashMap<String, Gifter>,
}

/// The `/api/overlay/state` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Snapshot {
    /// The streamers summed up here (all of them unless `?streamer=`).
    pub streamers: Vec<String>,
    /// The room of the session (one streamer only).
    pub room_id: Option<String>,
    /// When the session started (ISO-8601; one streamer only).
    pub since: Option<String>,
    pub counters: Counters,
    /// Top gifters by diamonds, best first.
    pub leaderboard: Vec<Gifter>,
}

/// The tally of every streamer; shared by the ingest loop and the handlers.
#[derive(Debug, Default)]
pub struct Tally {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    sessions: BTreeMap<String, Session>,
    clock: u64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Fields {
    #[serde(default)]
    room_id: Option<serde_json::Value>,
    #[serde(default)]
    total_like_count: Option<u64>,
    #[serde(default)]
    viewer_count: Option<u64>,
    #[serde(default)]
    streakable: Option<bool>,
    #[serde(default)]
    repeat_end: Option<bool>,
    #[serde(default)]
    repeat_count: Option<u64>,
    #[serde(default)]
    total_diamonds: Option<u64>,
    #[serde(default)]
    user_id: Option<String>,
    #[serde(default)]
    unique_id: Option<String>,
    #[serde(default)]
    nickname: Option<String>,
    #[serde(default)]
    profile_picture_url: Option<String>,
}

impl Tally {
    pub fn new() -> Tally {
        Tally::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Take a batch of envelopes in (kinds the tally does not read cost one
    /// comparison each).
    pub fn observe_batch<E: std::borrow::Borrow<Envelope>>(&self, batch: &[E]) {
        let kinds = tallied_kinds();
        let tallied = || {
            batch
                .iter()
                .map(E::borrow)
                .filter(|e| kinds.contains(e.kind))
        };
        if tallied().next().is_none() {
            return;
        }
        let mut inner = self.lock();
        for env in tallied() {
            inner.observe(env.kind, &env.streamer, &env.timestamp, env.data.get());
        }
    }

    /// Take one stored envelope's JSON in (the rebuild at start).
    pub fn observe_json(&self, json: &str) {
        #[derive(Deserialize)]
        struct Stored<'a> {
            #[serde(rename = "type")]
            kind: &'a str,
            #[serde(default)]
            streamer: String,
            #[serde(default)]
            timestamp: String,
            data: &'a serde_json::value::RawValue,
        }
        let Ok(s) = serde_json::from_str::<Stored>(json) else {
            return;
        };
        let Ok(kind) = s.kind.parse::<EventKind>() else {
            return;
        };
        if tallied_kinds().contains(kind) {
            self.lock()
                .observe(kind, &s.streamer, &s.timestamp, s.data.get());
        }
    }

    /// The state of `streamer`, or of every streamer summed (counters) and
    /// merged (leaderboard) when `None`. `top`: leaderboard rows kept.
    pub fn snapshot(&self, streamer: Option<&str>, top: usize) -> Snapshot {
        let inner = self.lock();
        let sessions: Vec<(&String, &Session)> = inner
            .sessions
            .iter()
            .filter(|(name, _)| streamer.is_none_or(|s| s == name.as_str()))
            .collect();
        let mut counters = Counters::default();
        let mut gifters: HashMap<&str, Gifter> = HashMap::new();
        for (_, s) in &sessions {
            counters.add(&s.counters);
            for g in s.gifters.values() {
                gifters
                    .entry(g.user_id.as_str())
                    .and_modify(|have| {
                        have.diamonds += g.diamonds;
                        have.reached = have.reached.max(g.reached);
                    })
                    .or_insert_with(|| g.clone());
            }
        }
        let mut leaderboard: Vec<Gifter> = gifters.into_values().collect();
        leaderboard.sort_by(|a, b| b.diamonds.cmp(&a.diamonds).then(a.reached.cmp(&b.reached)));
        leaderboard.truncate(top);
        let one = (sessions.len() == 1).then(|| sessions[0].1);
        Snapshot {
            streamers: sessions.iter().map(|(n, _)| (*n).clone()).collect(),
            room_id: one.and_then(|s| s.room_id.clone()),
            since: one.and_then(|s| s.since.clone()),
            counters,
            leaderboard,
        }
    }
}

fn room_text(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) if !s.is_empty() => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

impl Inner {
    fn observe(&mut self, kind: EventKind, streamer: &str, timestamp: &str, data: &str) {
        let Ok(f) = serde_json::from_str::<Fields>(data) else {
            return;
        };
        self.clock += 1;
        let clock = self.clock;
        if !self.sessions.contains_key(streamer) {
            self.sessions
                .insert(streamer.to_string(), Session::default());
        }
        let s = self.sessions.get_mut(streamer).expect("inserted above");
        if s.since.is_none() {
            s.since = Some(timestamp.to_string());
        }
        let c = &mut s.counters;
        match kind {
            EventKind::Connected => {
                let room = f.room_id.as_ref().and_then(room_text);
                if room.is_some() && s.room_id.is_some() && room != s.room_id {
                    *s = Session::default();
                    s.since = Some(timestamp.to_string());
                }
                if room.is_some() {
                    s.room_id = room;
                }
            }
            EventKind::Like => {
                if let Some(total) = f.total_like_count {
                    c.likes = total;
                }
            }
            EventKind::RoomUpdate => {
                if let Some(n) = f.viewer_count {
                    c.viewers = n;
                }
            }
            EventKind::Follow => c.follows += 1,
            EventKind::Share => c.shares += 1,
            EventKind::SuperFan | EventKind::SubNotify => c.subscribers += 1,
            EventKind::Gift => {
                let finished = !f.streakable.unwrap_or(false) || f.repeat_end.unwrap_or(false);
                if !finished {
                    return;
                }
                let diamonds = f.total_diamonds.unwrap_or(0);
                c.diamonds += diamonds;
                c.gifts += f.repeat_count.unwrap_or(1).max(1);
                let Some(user_id) = f.user_id.filter(|u| !u.is_empty()) else {
                    return;
                };
                let g = s.gifters.entry(user_id.clone()).or_insert_with(|| Gifter {
                    user_id,
                    unique_id: String::new(),
                    nickname: String::new(),
                    profile_picture_url: String::new(),
                    diamonds: 0,
                    reached: clock,
                });
                g.unique_id = f.unique_id.unwrap_or_default();
                g.nickname = f.nickname.unwrap_or_default();
                g.profile_picture_url = f.profile_picture_url.unwrap_or_default();
                if diamonds > 0 {
                    g.diamonds += diamonds;
                    g.reached = clock;
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn feed(t: &Tally, streamer: &str, kind: &str, data: serde_json::Value) {
        let env = json!({"type": kind, "streamer": streamer, "timestamp": "2026-01-01T00:00:00.000Z", "data": data});
        t.observe_json(&env.to_string());
    }

    fn gift(user: &str, streakable: bool, end: bool, count: u64, total: u64) -> serde_json::Value {
        json!({"userId": user, "uniqueId": user, "nickname": user.to_uppercase(),
               "streakable": streakable, "repeatEnd": end, "repeatCount": count, "totalDiamonds": total})
    }

    #[test]
    fn gifts_count_once_per_finished_streak_and_likes_come_from_the_total() {
        let t = Tally::new();
        for n in 1..=4 {
            feed(&t, "a", "gift", gift("u1", true, false, n, n));
        }
        feed(&t, "a", "gift", gift("u1", true, true, 5, 5));
        feed(&t, "a", "gift", gift("u2", false, false, 1, 500));
        // Capped per-event counts: the total is what counts.
        feed(
            &t,
            "a",
            "like",
            json!({"likeCount": 15, "totalLikeCount": 15}),
        );
        feed(
            &t,
            "a",
            "like",
            json!({"likeCount": 15, "totalLikeCount": 1234}),
        );
        feed(&t, "a", "follow", json!({}));
        feed(&t, "a", "share", json!({}));
        feed(&t, "a", "superFan", json!({}));
        feed(&t, "a", "subNotify", json!({}));
        feed(&t, "a", "roomUpdate", json!({"viewerCount": 40}));
        feed(&t, "a", "roomUpdate", json!({"viewerCount": 38}));
        let s = t.snapshot(Some("a"), 5);
        assert_eq!(
            s.counters,
            Counters {
                likes: 1234,
                viewers: 38,
                follows: 1,
                shares: 1,
                subscribers: 2,
                diamonds: 505,
                gifts: 6,
            }
        );
        let names: Vec<_> = s
            .leaderboard
            .iter()
            .map(|g| (g.unique_id.as_str(), g.diamonds))
            .collect();
        assert_eq!(names, [("u2", 500), ("u1", 5)]);
        assert_eq!(s.leaderboard[1].nickname, "U1");
    }

    #[test]
    fn ties_go_to_who_reached_the_total_first_and_a_new_room_resets() {
        let t = Tally::new();
        feed(&t, "a", "connected", json!({"roomId": "1"}));
        feed(&t, "a", "gift", gift("late", false, false, 1, 10));
        feed(&t, "a", "gift", gift("early", false, false, 1, 10));
        feed(&t, "a", "gift", gift("late", false, false, 1, 0));
        let order: Vec<_> = t
            .snapshot(None, 5)
            .leaderboard
            .into_iter()
            .map(|g| g.unique_id)
            .collect();
        assert_eq!(order, ["late", "early"]);
        // The same room again (a reconnect) keeps the session.
        feed(&t, "a", "connected", json!({"roomId": "1"}));
        assert_eq!(t.snapshot(Some("a"), 5).counters.diamonds, 20);
        feed(&t, "a", "connected", json!({"roomId": 2}));
        let s = t.snapshot(Some("a"), 5);
        assert_eq!(s.counters, Counters::default());
        assert_eq!(s.room_id.as_deref(), Some("2"));
        assert!(s.leaderboard.is_empty());
    }

    #[test]
    fn streamers_sum_up_unless_one_is_asked_for() {
        let t = Tally::new();
        feed(&t, "a", "follow", json!({}));
        feed(&t, "b", "follow", json!({}));
        feed(&t, "b", "gift", gift("u", false, false, 1, 3));
        feed(&t, "a", "gift", gift("u", false, false, 1, 4));
        let all = t.snapshot(None, 5);
        assert_eq!(all.counters.follows, 2);
        assert_eq!(all.streamers, ["a", "b"]);
        assert_eq!(all.leaderboard[0].diamonds, 7);
        assert_eq!(t.snapshot(Some("b"), 5).counters.follows, 1);
        assert!(t.snapshot(Some("nobody"), 5).streamers.is_empty());
        // Junk is ignored, not fatal.
        t.observe_json("not json");
        t.observe_json(r#"{"type":"gift","data":"x"}"#);
    }
}
