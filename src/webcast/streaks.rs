//! Gift streaks. TikTok sends a streakable (type 1) gift as a run of gift
//! messages with a growing `repeatCount` and `repeatEnd = 0`, then one with
//! `repeatEnd = 1` and the final count. Counting every message counts a streak
//! many times over, the most common complaint about the existing libraries.
//!
//! `--gift-streaks final` emits one event per streak, keyed by
//! (user, gift, group) — not by user alone, which merges parallel streaks — plus
//! every non-streakable gift. A streak that never sees its end is emitted, with
//! `streakInterrupted: true`, when it has been idle for [`STREAK_IDLE_MS`] of
//! message time or when the stream ends. A streak end seen twice (TikTok resends
//! on reconnect) is counted once, and so is a non-streakable gift seen twice
//! (recognised by its message id).

use std::collections::{HashMap, HashSet, VecDeque};

use super::data::GiftData;

/// How long (by message `createTime`) a streak may go without an update before
/// it is treated as cut off.
pub const STREAK_IDLE_MS: i64 = 60_000;
/// How many finished streak keys (and non-streakable gift message ids) are
/// remembered to drop duplicates.
const FINISHED_MEMORY: usize = 4096;
/// How many unfinished streaks are held at most; the oldest is flushed beyond.
const MAX_PENDING: usize = 4096;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StreakMode {
    /// Emit every gift message (the default; `repeatEnd` tells them apart).
    #[default]
    All,
    /// Emit one event per finished streak plus every non-streakable gift.
    Final,
}

type Key = (String, i64, String);

/// Something already emitted: a streak, or a single (non-streakable) gift
/// message. The latter is keyed by its message id, not by (user, gift, group):
/// real non-streakable gifts may carry no group id, and two of them from one
/// user would then look like a duplicate.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Done {
    Streak(Key),
    Message(i64),
}

#[derive(Debug, Default)]
pub struct StreakTracker {
    mode: StreakMode,
    pending: HashMap<Key, GiftData<'static>>,
    finished: HashSet<Done>,
    finished_order: VecDeque<Done>,
}

impl StreakTracker {
    pub fn new(mode: StreakMode) -> Self {
        StreakTracker {
            mode,
            ..Default::default()
        }
    }

    /// Feed one gift; returns the gifts to emit now (in order).
    pub fn accept(&mut self, gift: GiftData<'static>) -> Vec<GiftData<'static>> {
        if self.mode == StreakMode::All {
            return vec![gift];
        }
        let mut out = self.expire(gift.common.create_time);
        if !gift.streakable {
            // A resent message (same id) was counted already.
            if let Some(id) = gift.msg_id
                && !self.remember_finished(Done::Message(id))
            {
                return out;
            }
            out.push(gift);
            return out;
        }
        let key: Key = (
            gift.user.user_id.to_string(),
            gift.gift_id,
            gift.group_id.clone(),
        );
        if self.finished.contains(&Done::Streak(key.clone())) {
            return out;
        }
        if gift.repeat_end {
            self.pending.remove(&key);
            self.remember_finished(Done::Streak(key));
            out.push(gift);
        } else {
            if self.pending.len() >= MAX_PENDING
                && !self.pending.contains_key(&key)
                && let Some(oldest) = self.oldest_pending()
            {
                out.extend(self.finish_interrupted(&oldest));
            }
            self.pending.insert(key, gift);
        }
        out
    }

    /// Emit every unfinished streak (at the end of a stream).
    pub fn flush(&mut self) -> Vec<GiftData<'static>> {
        let mut keys: Vec<Key> = self.pending.keys().cloned().collect();
        keys.sort_by_key(|k| self.pending[k].common.create_time);
        keys.iter()
            .filter_map(|k| self.finish_interrupted(k))
            .collect()
    }

    fn expire(&mut self, now_ms: i64) -> Vec<GiftData<'static>> {
        if now_ms == 0 || self.pending.is_empty() {
            return Vec::new();
        }
        let mut stale: Vec<Key> = self
            .pending
            .iter()
            .filter(|(_, g)| {
                // Saturating: times come from the wire and may be anything.
                g.common.create_time > 0
                    && now_ms.saturating_sub(g.common.create_time) > STREAK_IDLE_MS
            })
            .map(|(k, _)| k.clone())
            .collect();
        stale.sort_by_key(|k| self.pending[k].common.create_time);
        stale
            .iter()
            .filter_map(|k| self.finish_interrupted(k))
            .collect()
    }

    fn oldest_pending(&self) -> Option<Key> {
        self.pending
            .iter()
            .min_by_key(|(_, g)| g.common.create_time)
            .map(|(k, _)| k.clone())
    }

    fn finish_interrupted(&mut self, key: &Key) -> Option<GiftData<'static>> {
        let mut gift = self.pending.remove(key)?;
        gift.streak_interrupted = true;
        self.remember_finished(Done::Streak(key.clone()));
        Some(gift)
    }

    /// Remember `done`; false if it was already remembered.
    fn remember_finished(&mut self, done: Done) -> bool {
        if !self.finished.insert(done.clone()) {
            return false;
        }
        self.finished_order.push_back(done);
        if self.finished_order.len() > FINISHED_MEMORY
            && let Some(old) = self.finished_order.pop_front()
        {
            self.finished.remove(&old);
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::super::user::{CommonFields, IdText, UserFields};
    use super::*;

    fn gift(
        user: &str,
        gift_id: i64,
        group: &str,
        count: i64,
        end: bool,
        t: i64,
    ) -> GiftData<'static> {
        GiftData {
            user: UserFields {
                user_id: user.to_string().into(),
                ..Default::default()
            },
            common: CommonFields {
                msg_id: IdText::default(),
                create_time: t,
            },
            gift_name: "Rose".into(),
            gift_id,
            repeat_count: count,
            repeat_end: end,
            gift_type: 1,
            cost: 1,
            diamond_count: 1,
            total_diamonds: count,
            group_id: group.into(),
            group_count: 1,
            combo_count: count,
            streakable: true,
            fan_ticket_count: 0,
            gift_image_url: Default::default(),
            describe: Default::default(),
            receiver: None,
            to_member_id: Default::default(),
            to_member_id_int: Default::default(),
            to_member_nickname: Default::default(),
            streak_interrupted: false,
            msg_id: None,
        }
    }

    #[test]
    fn all_mode_passes_everything() {
        let mut t = StreakTracker::new(StreakMode::All);
        assert_eq!(t.accept(gift("u", 1, "g", 1, false, 1)).len(), 1);
        assert_eq!(t.accept(gift("u", 1, "g", 2, true, 2)).len(), 1);
    }

    #[test]
    fn final_mode_emits_each_streak_once() {
        let mut t = StreakTracker::new(StreakMode::Final);
        let mut out = Vec::new();
        for (n, end) in [(1, false), (2, false), (3, false), (3, true), (3, true)] {
            out.extend(t.accept(gift("u", 1, "g", n, end, 1000 + n)));
        }
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].repeat_count, 3);
        assert!(!out[0].streak_interrupted);
        assert!(t.flush().is_empty());
    }

    #[test]
    fn parallel_streaks_of_one_user_are_kept_apart() {
        let mut t = StreakTracker::new(StreakMode::Final);
        assert!(t.accept(gift("u", 1, "g1", 1, false, 1)).is_empty());
        assert!(t.accept(gift("u", 2, "g2", 1, false, 2)).is_empty());
        let a = t.accept(gift("u", 1, "g1", 5, true, 3));
        assert_eq!(a.len(), 1);
        assert_eq!(a[0].gift_id, 1);
        let left = t.flush();
        assert_eq!(left.len(), 1);
        assert_eq!(left[0].gift_id, 2);
        assert!(left[0].streak_interrupted);
    }

    #[test]
    fn non_streakable_gifts_pass_and_idle_streaks_expire() {
        let mut t = StreakTracker::new(StreakMode::Final);
        assert!(t.accept(gift("u", 1, "g1", 4, false, 1_000)).is_empty());
        let mut big = gift("v", 9, "g9", 1, false, 100_000);
        big.streakable = false;
        let out = t.accept(big);
        assert_eq!(
            out.len(),
            2,
            "the stale streak, then the non-streakable gift"
        );
        assert!(out[0].streak_interrupted);
        assert_eq!(out[0].repeat_count, 4);
        assert_eq!(out[1].gift_id, 9);
        // A late end for the expired streak is not counted again.
        assert!(t.accept(gift("u", 1, "g1", 4, true, 100_001)).is_empty());
    }

    #[test]
    fn a_resent_non_streakable_gift_counts_once() {
        let mut t = StreakTracker::new(StreakMode::Final);
        let single = |msg_id: Option<i64>| {
            let mut g = gift("u", 9, "0", 1, true, 5_000);
            g.streakable = false;
            g.msg_id = msg_id;
            g
        };
        assert_eq!(t.accept(single(Some(77))).len(), 1);
        assert!(
            t.accept(single(Some(77))).is_empty(),
            "the same message again"
        );
        // Another message of the same gift and (empty) group is a new gift.
        assert_eq!(t.accept(single(Some(78))).len(), 1);
        // Without an id there is nothing to recognise a resend by.
        assert_eq!(t.accept(single(None)).len(), 1);
        assert_eq!(t.accept(single(None)).len(), 1);
    }

    #[test]
    fn wild_message_times_do_not_overflow() {
        let mut t = StreakTracker::new(StreakMode::Final);
        assert!(t.accept(gift("u", 1, "g", 1, false, i64::MAX)).is_empty());
        assert!(t.accept(gift("v", 1, "g", 1, false, i64::MIN)).is_empty());
        assert!(t.accept(gift("w", 1, "g", 1, false, 1)).is_empty());
        assert_eq!(t.flush().len(), 3);
    }
}
