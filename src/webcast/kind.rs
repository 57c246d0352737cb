//! The closed vocabulary of event types: the 43 names of `spec/events-spec.md`,
//! the 30 that TikTok-Live-Connector 2.5.0 added since (same spelling), plus
//! `unknown`. One vocabulary everywhere: `--type`, the NDJSON `type` field,
//! the REST `?type=` filter and webhook type filters all use these names.

use std::fmt;
use std::str::FromStr;

macro_rules! kinds {
    ($($variant:ident => $name:literal,)*) => {
        /// One event type. The string form is the spec's camelCase name.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum EventKind {
            $($variant,)*
        }

        impl EventKind {
            /// Every kind, in spec order (`unknown` last).
            pub const ALL: &'static [EventKind] = &[$(EventKind::$variant,)*];

            /// The spec's name, e.g. `roomUpdate`.
            pub const fn name(self) -> &'static str {
                match self {
                    $(EventKind::$variant => $name,)*
                }
            }
        }
    };
}

kinds! {
    Connected => "connected",
    Disconnected => "disconnected",
    Error => "error",
    StreamEnd => "streamEnd",
    RawData => "rawData",
    DecodedData => "decodedData",
    Chat => "chat",
    Gift => "gift",
    Like => "like",
    Member => "member",
    RoomUpdate => "roomUpdate",
    Social => "social",
    Follow => "follow",
    Share => "share",
    Emote => "emote",
    Envelope => "envelope",
    QuestionNew => "questionNew",
    LinkMicBattle => "linkMicBattle",
    LinkMicArmies => "linkMicArmies",
    LinkMicBattlePunishFinish => "linkMicBattlePunishFinish",
    LinkMicBattleTask => "linkMicBattleTask",
    LinkMicFanTicketMethod => "linkMicFanTicketMethod",
    LinkMicMethod => "linkMicMethod",
    LiveIntro => "liveIntro",
    ControlMessage => "controlMessage",
    Barrage => "barrage",
    HourlyRank => "hourlyRank",
    GoalUpdate => "goalUpdate",
    RoomMessage => "roomMessage",
    CaptionMessage => "captionMessage",
    ImDelete => "imDelete",
    InRoomBanner => "inRoomBanner",
    RankUpdate => "rankUpdate",
    PollMessage => "pollMessage",
    RankText => "rankText",
    UnauthorizedMember => "unauthorizedMember",
    OecLiveShopping => "oecLiveShopping",
    MsgDetect => "msgDetect",
    LinkMessage => "linkMessage",
    RoomVerify => "roomVerify",
    LinkLayer => "linkLayer",
    RoomPin => "roomPin",
    SuperFan => "superFan",
    // Routed since TikTok-Live-Connector 2.5.0 / TikTokLive 7.0.1, named as
    // ZT 2.5.0 names them (its `WebcastEventMap`).
    SuperFanJoin => "superFanJoin",
    SuperFanBox => "superFanBox",
    SubNotify => "subNotify",
    AccessControl => "accessControl",
    AccessRecall => "accessRecall",
    BoostCard => "boostCard",
    BottomMessage => "bottomMessage",
    Capsule => "capsule",
    GameRankNotify => "gameRankNotify",
    GiftBroadcast => "giftBroadcast",
    GiftDynamicRestriction => "giftDynamicRestriction",
    GiftPanelUpdate => "giftPanelUpdate",
    GiftPrompt => "giftPrompt",
    Guide => "guide",
    LinkMicBattleItemCard => "linkMicBattleItemCard",
    LinkMicLayoutState => "linkMicLayoutState",
    LinkState => "linkState",
    LiveGameIntro => "liveGameIntro",
    MarqueeAnnouncement => "marqueeAnnouncement",
    Notice => "notice",
    PartnershipDropsUpdate => "partnershipDropsUpdate",
    PartnershipGameOffline => "partnershipGameOffline",
    PartnershipPunish => "partnershipPunish",
    Perception => "perception",
    RoomNotify => "roomNotify",
    Speaker => "speaker",
    SubPinEvent => "subPinEvent",
    System => "system",
    Toast => "toast",
    ViewerPicksUpdate => "viewerPicksUpdate",
    Unknown => "unknown",
}

impl EventKind {
    /// The 73 named kinds (everything but `unknown`): the spec's 43 and the
    /// 30 routed since.
    pub fn spec_kinds() -> &'static [EventKind] {
        &Self::ALL[..Self::ALL.len() - 1]
    }

    /// Kinds that describe the connection rather than a message from TikTok.
    pub fn is_control(self) -> bool {
        matches!(
            self,
            EventKind::Connected | EventKind::Disconnected | EventKind::Error
        )
    }

    /// Debug kinds, produced only when asked for by name.
    pub fn is_debug(self) -> bool {
        matches!(self, EventKind::RawData | EventKind::DecodedData)
    }

    fn index(self) -> u32 {
        self as u32
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An event type name that is not in the vocabulary.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown event type '{name}'{}", did_you_mean(suggestions))]
pub struct UnknownKind {
    pub name: String,
    /// The closest name, if one is close enough to be a typo (the first of
    /// [`UnknownKind::suggestions`]).
    pub suggestion: Option<&'static str>,
    /// Up to three names it may have meant, closest first.
    pub suggestions: Vec<&'static str>,
}

/// ` (did you mean 'a'?)`, ` (did you mean 'a', 'b' or 'c'?)`, or nothing.
fn did_you_mean(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("'{n}'")).collect();
    match quoted.as_slice() {
        [] => String::new(),
        [one] => format!(" (did you mean {one}?)"),
        [rest @ .., last] => format!(" (did you mean {} or {last}?)", rest.join(", ")),
    }
}

impl FromStr for EventKind {
    type Err = UnknownKind;

    /// Case-insensitive: `roomupdate`, `RoomUpdate` and `roomUpdate` all parse.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        EventKind::ALL
            .iter()
            .copied()
            .find(|k| k.name().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                let suggestions = suggest(s);
                UnknownKind {
                    name: s.to_string(),
                    suggestion: suggestions.first().copied(),
                    suggestions,
                }
            })
    }
}

/// The names `input` may have meant, closest first, at most three: those at
/// the least Levenshtein distance (`strsim`, ignoring case) when it is close
/// enough to be a typo, then those that contain it (`battle`:
/// `linkMicBattle`, …; three letters or more).
fn suggest(input: &str) -> Vec<&'static str> {
    let lower = input.to_ascii_lowercase();
    let scored: Vec<(usize, &'static str)> = EventKind::ALL
        .iter()
        .map(|k| {
            (
                strsim::levenshtein(&lower, &k.name().to_ascii_lowercase()),
                k.name(),
            )
        })
        .collect();
    let typo = scored
        .iter()
        .filter(|(d, name)| *d <= 2.max(name.len() / 4))
        .map(|(d, _)| *d)
        .min();
    let mut out: Vec<&'static str> = scored
        .iter()
        .filter(|(d, name)| Some(*d) == typo && *d <= 2.max(name.len() / 4))
        .map(|(_, name)| *name)
        .collect();
    if lower.len() >= 3 {
        let mut containing: Vec<&(usize, &'static str)> = scored
            .iter()
            .filter(|(_, name)| name.to_ascii_lowercase().contains(&lower))
            .collect();
        containing.sort_by_key(|(d, _)| *d);
        for (_, name) in containing {
            if !out.contains(name) {
                out.push(name);
            }
        }
    }
    out.truncate(3);
    out
}

/// A set of event kinds, as a bit set (there are fewer than 128 kinds).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct KindSet(u128);

impl KindSet {
    pub const fn empty() -> Self {
        KindSet(0)
    }

    /// What `watch` shows by default: every spec kind except the debug kinds.
    pub fn default_set() -> Self {
        EventKind::spec_kinds()
            .iter()
            .filter(|k| !k.is_debug())
            .copied()
            .collect()
    }

    pub fn insert(&mut self, kind: EventKind) {
        self.0 |= 1 << kind.index();
    }

    pub fn contains(self, kind: EventKind) -> bool {
        self.0 & (1 << kind.index()) != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn iter(self) -> impl Iterator<Item = EventKind> {
        EventKind::ALL
            .iter()
            .copied()
            .filter(move |k| self.contains(*k))
    }

    /// Parse a list such as `gift,chat` (names may repeat, any case).
    pub fn parse_list<'a>(items: impl IntoIterator<Item = &'a str>) -> Result<Self, UnknownKind> {
        let mut set = KindSet::empty();
        for part in items
            .into_iter()
            .flat_map(|s| s.split(','))
            .filter(|s| !s.trim().is_empty())
        {
            set.insert(part.parse()?);
        }
        Ok(set)
    }
}

impl FromIterator<EventKind> for KindSet {
    fn from_iter<T: IntoIterator<Item = EventKind>>(iter: T) -> Self {
        let mut set = KindSet::empty();
        for k in iter {
            set.insert(k);
        }
        set
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn there_are_73_named_kinds_plus_unknown() {
        assert_eq!(EventKind::spec_kinds().len(), 73);
        assert_eq!(EventKind::ALL.len(), 74);
        assert!(EventKind::ALL.len() < 128);
    }

    #[test]
    fn names_parse_case_insensitively() {
        for k in EventKind::ALL {
            assert_eq!(k.name().parse::<EventKind>().unwrap(), *k);
            assert_eq!(k.name().to_uppercase().parse::<EventKind>().unwrap(), *k);
        }
    }

    #[test]
    fn typos_get_a_suggestion() {
        let err = "gfit".parse::<EventKind>().unwrap_err();
        assert_eq!(err.suggestion, Some("gift"));
        let err = "roomupdat".parse::<EventKind>().unwrap_err();
        assert_eq!(err.suggestion, Some("roomUpdate"));
        let err = "zzzzzzzzzzzz".parse::<EventKind>().unwrap_err();
        assert_eq!(err.suggestion, None);
        assert_eq!(
            err.to_string(),
            "unknown event type 'zzzzzzzzzzzz'",
            "no suggestion when nothing is close"
        );
        // A part of several names suggests those, the closest first.
        let err = "battle".parse::<EventKind>().unwrap_err();
        assert_eq!(err.suggestions.len(), 3, "{err}");
        assert!(
            err.suggestions.iter().all(|s| s.contains("Battle")),
            "{err}"
        );
        assert_eq!(err.suggestions[0], "linkMicBattle");
        assert!(
            err.to_string()
                .starts_with("unknown event type 'battle' (did you mean 'linkMicBattle', '"),
            "{err}"
        );
        assert_eq!(
            "gfit".parse::<EventKind>().unwrap_err().to_string(),
            "unknown event type 'gfit' (did you mean 'gift'?)"
        );
    }

    #[test]
    fn sets_parse_lists() {
        let set = KindSet::parse_list(["gift,chat", "LIKE"]).unwrap();
        assert_eq!(
            set.iter().collect::<Vec<_>>(),
            vec![EventKind::Chat, EventKind::Gift, EventKind::Like]
        );
        assert!(!KindSet::default_set().contains(EventKind::RawData));
        assert!(!KindSet::default_set().contains(EventKind::Unknown));
        assert!(KindSet::default_set().contains(EventKind::SuperFan));
    }
}
