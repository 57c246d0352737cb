//! Event → text: one NDJSON line, or one coloured human line. Pure functions
//! over `impl Write`, so tests write into a `Vec<u8>`.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::{self, Write};

use owo_colors::{OwoColorize, Style};
use serde_json::Value;

use crate::cli::Format;
use crate::webcast::data::*;
use crate::webcast::user::UserFields;
use crate::webcast::{Envelope, EventKind};

/// Colours for the pretty format, decided once by the caller (no global
/// colour detection deep in the code).
#[derive(Debug, Clone, Copy)]
pub struct Styles {
    pub time: Style,
    pub streamer: Style,
    pub user: Style,
    pub message: Style,
    pub gift: Style,
    pub social: Style,
    pub control: Style,
    pub dim: Style,
}

impl Styles {
    pub fn new(color: bool) -> Styles {
        if !color {
            let s = Style::new();
            return Styles {
                time: s,
                streamer: s,
                user: s,
                message: s,
                gift: s,
                social: s,
                control: s,
                dim: s,
            };
        }
        Styles {
            time: Style::new().dimmed(),
            streamer: Style::new().cyan(),
            user: Style::new().bold(),
            message: Style::new(),
            gift: Style::new().magenta().bold(),
            social: Style::new().green(),
            control: Style::new().yellow(),
            dim: Style::new().dimmed(),
        }
    }
}

thread_local! {
    /// The head and tail of the NDJSON line being written, reused.
    static LINE: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// Write one event in `format`, with its newline.
pub fn write_event(
    w: &mut impl Write,
    env: &Envelope,
    format: Format,
    styles: &Styles,
) -> io::Result<()> {
    match format {
        // The data goes straight to `w`: one copy of the biggest part.
        Format::Ndjson => LINE.with_borrow_mut(|line| {
            line.clear();
            env.json_head(line);
            w.write_all(line.as_bytes())?;
            w.write_all(env.data.get().as_bytes())?;
            line.clear();
            env.json_tail(line);
            line.push('\n');
            w.write_all(line.as_bytes())
        }),
        Format::Pretty => {
            let line = pretty_line(env, styles);
            w.write_all(line.as_bytes())?;
            w.write_all(b"\n")
        }
    }
}

/// A string from TikTok made safe for a terminal: C0 and C1 control
/// characters, DEL, the line and paragraph separators (U+2028, U+2029) and the
/// bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) are
/// shown escaped (`\n`, `\t`, `\u{1b}`), so no escape sequence, bell, title
/// change, line break or reordering from user text reaches the terminal.
/// Everything else (emoji, ZWJ sequences, combining marks, right-to-left
/// letters) is kept. Borrowed when nothing needs escaping.
pub fn inert(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_unsafe(c) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

fn is_unsafe(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{1f}'
        | '\u{7f}'..='\u{9f}'
        | '\u{2028}' | '\u{2029}'
        | '\u{202a}'..='\u{202e}'
        | '\u{2066}'..='\u{2069}')
}

/// A connection event's string field (these are built by tiklive, not by a
/// decoder: `connected`, `disconnected`, `error`).
fn s<'a>(v: &'a Value, key: &str) -> Cow<'a, str> {
    inert(v.get(key).and_then(Value::as_str).unwrap_or(""))
}

/// `Nickname (@handle)`, inert.
fn who(u: &UserFields) -> String {
    let nick = inert(&u.nickname);
    let handle = if u.unique_id.is_empty() {
        inert(&u.username)
    } else {
        inert(&u.unique_id)
    };
    match (nick.is_empty(), handle.is_empty()) {
        (false, false) if nick != handle => format!("{nick} (@{handle})"),
        (false, _) => nick.into_owned(),
        (true, false) => format!("@{handle}"),
        (true, true) => "someone".to_string(),
    }
}

/// The event's data as its typed struct (see [`crate::webcast::data`]).
fn typed<'a, T: serde::Deserialize<'a>>(env: &'a Envelope) -> Option<T> {
    serde_json::from_str(env.data.get()).ok()
}

/// `HH:MM:SS streamer type  gist`. Every string from TikTok goes through
/// [`inert`], so the line is one terminal line whatever the user typed.
pub fn pretty_line(env: &Envelope, st: &Styles) -> String {
    let time = env.timestamp.get(11..19).unwrap_or(&env.timestamp);
    let (type_style, gist) = gist(env, st).unwrap_or_else(|| {
        let mut data: Value = serde_json::from_str(env.data.get()).unwrap_or(Value::Null);
        if let Value::Object(fields) = &mut data {
            // Shown elsewhere on the line, or bookkeeping; the rest is the gist.
            for key in ["common", "msgId", "createTime"] {
                fields.remove(key);
            }
            // A message wrapped whole in one field (msgDetect's
            // `detectionData`) has its own `common`: bookkeeping too.
            for inner in fields.values_mut() {
                if let Value::Object(inner) = inner {
                    inner.remove("common");
                }
            }
        }
        (st.dim, compact(&data))
    });
    let streamer = if env.streamer.is_empty() {
        String::new()
    } else {
        format!("{} ", inert(&env.streamer).style(st.streamer))
    };
    format!(
        "{} {streamer}{:<12} {gist}",
        time.style(st.time),
        env.kind.name().style(type_style)
    )
}

/// The styled summary of one event; None for types without one (or data
/// that does not have the type's shape), which are shown as compact JSON.
fn gist(env: &Envelope, st: &Styles) -> Option<(Style, String)> {
    use EventKind as K;
    let user = |u: &UserFields| who(u).style(st.user).to_string();
    Some(match env.kind {
        K::Chat => {
            let d: ChatData = typed(env)?;
            (
                st.message,
                format!("{}: {}", user(&d.user), inert(&d.message)),
            )
        }
        K::Gift => {
            let d: GiftData = typed(env)?;
            let streaking = d.streakable && !d.repeat_end;
            let gift = format!("{} ×{}", inert(&d.gift_name), d.repeat_count);
            let suffix = if d.streak_interrupted {
                " (streak cut off)"
            } else if streaking {
                " …"
            } else {
                ""
            };
            (
                st.gift,
                format!(
                    "{} sent {} ({} 💎){}",
                    user(&d.user),
                    gift.style(st.gift),
                    d.total_diamonds,
                    suffix.style(st.dim)
                ),
            )
        }
        K::Like => {
            let d: LikeData = typed(env)?;
            (
                st.social,
                format!(
                    "{} liked ×{} (total {})",
                    user(&d.user),
                    d.like_count,
                    d.total_like_count
                ),
            )
        }
        K::Member => {
            let d: MemberData = typed(env)?;
            (st.social, format!("{} joined", user(&d.user)))
        }
        K::Follow | K::Share | K::Social => {
            let d: SocialData = typed(env)?;
            let what = match env.kind {
                K::Follow => "followed".to_string(),
                K::Share => "shared the LIVE".to_string(),
                _ => return Some((st.social, format!("{}: {}", user(&d.user), inert(&d.label)))),
            };
            (st.social, format!("{} {what}", user(&d.user)))
        }
        K::SubNotify => {
            let d: SubNotifyData = typed(env)?;
            (
                st.gift,
                format!("{} subscribed (month {})", user(&d.user), d.sub_month),
            )
        }
        K::RoomUpdate => {
            let d: RoomUpdateData = typed(env)?;
            (
                st.dim,
                format!("{} viewers ({} in total)", d.viewer_count, d.total_viewers),
            )
        }
        K::Emote => {
            let d: EmoteData = typed(env)?;
            (
                st.message,
                format!("{} sent emote {}", user(&d.user), inert(&d.emote_id)),
            )
        }
        K::Envelope | K::SuperFanBox => {
            let d: EnvelopeData = typed(env)?;
            (
                st.gift,
                format!(
                    "{} dropped a treasure chest of {} coins",
                    inert(&d.username),
                    d.coins
                ),
            )
        }
        K::QuestionNew => {
            let d: QuestionData = typed(env)?;
            (
                st.message,
                format!("{} asks: {}", user(&d.user), inert(&d.question_text)),
            )
        }
        K::SuperFan | K::SuperFanJoin => {
            let d: SuperFanData = typed(env)?;
            let who = d.user.as_ref().map(user).unwrap_or_default();
            (st.gift, format!("{who}: {}", inert(&d.message)))
        }
        K::Barrage => {
            let d: BarrageData = typed(env)?;
            (st.dim, inert(&d.message).into_owned())
        }
        K::RankText => {
            let d: RankTextData = typed(env)?;
            (st.dim, inert(&d.text).into_owned())
        }
        K::CaptionMessage => {
            let d: CaptionData = typed(env)?;
            (st.dim, format!("caption: {}", inert(&d.text)))
        }
        K::LiveIntro => {
            let d: LiveIntroData = typed(env)?;
            (st.dim, format!("intro: {}", inert(&d.description)))
        }
        K::RoomMessage => {
            let d: RoomMessageData = typed(env)?;
            (st.dim, inert(&d.content).into_owned())
        }
        K::System => {
            let data: Value = typed(env)?;
            (st.dim, inert(data.get("message")?.as_str()?).into_owned())
        }
        K::GoalUpdate => {
            let d: GoalData = typed(env)?;
            (
                st.dim,
                format!(
                    "goal {}: {}/{}",
                    inert(&d.description),
                    d.progress,
                    d.target
                ),
            )
        }
        K::StreamEnd => {
            let d: ControlData = typed(env)?;
            (st.control, format!("stream ended (action {})", d.action))
        }
        K::Connected => {
            let data: Value = typed(env)?;
            (
                st.control,
                format!(
                    "connected to @{} (room {})",
                    s(&data, "username"),
                    s(&data, "roomId")
                ),
            )
        }
        K::Disconnected => {
            let data: Value = typed(env)?;
            (st.control, format!("disconnected {}", compact(&data)))
        }
        K::Error => {
            let data: Value = typed(env)?;
            (st.control, format!("error: {}", s(&data, "error")))
        }
        _ => return None,
    })
}

/// Data as one-line JSON, cut to a readable length and made inert (JSON
/// escapes C0 controls itself, but not C1, bidi controls or U+2028).
fn compact(v: &Value) -> String {
    let text = inert(&v.to_string()).into_owned();
    if text.chars().count() > 160 {
        let cut: String = text.chars().take(157).collect();
        format!("{cut}…")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::webcast::Event;

    fn env(kind: EventKind, data: Value) -> Envelope {
        Envelope::new(
            Event::new(kind, &data),
            "alice",
            "2024-01-01T12:34:56.789Z".into(),
            "id".into(),
        )
    }

    #[test]
    fn pretty_lines_without_colour() {
        let st = Styles::new(false);
        let chat = env(
            EventKind::Chat,
            serde_json::json!({"nickname":"Bob","uniqueId":"bob1","message":"hi","emotes":[]}),
        );
        assert_eq!(
            pretty_line(&chat, &st),
            "12:34:56 alice chat         Bob (@bob1): hi"
        );
        let gift = env(
            EventKind::Gift,
            serde_json::json!({"nickname":"Bob","uniqueId":"bob","giftName":"Rose","giftId":5655,
                "repeatCount":5,"repeatEnd":false,"giftType":1,"cost":1,"diamondCount":1,
                "totalDiamonds":5,"groupId":"1","groupCount":1,"comboCount":5,"streakable":true}),
        );
        assert_eq!(
            pretty_line(&gift, &st),
            "12:34:56 alice gift         Bob (@bob) sent Rose ×5 (5 💎) …"
        );
    }

    #[test]
    fn types_without_a_gist_show_their_fields_without_bookkeeping() {
        let toast = env(
            EventKind::Toast,
            serde_json::json!({"msgId": "7", "createTime": 1, "common": {"method": "WebcastToastMessage"},
                "displayDurationMillisecond": "3000", "scene": "gift_panel"}),
        );
        assert_eq!(
            pretty_line(&toast, &Styles::new(false)),
            r#"12:34:56 alice toast        {"displayDurationMillisecond":"3000","scene":"gift_panel"}"#
        );
    }

    #[test]
    fn system_shows_its_message_and_wrapped_messages_lose_their_common() {
        let st = Styles::new(false);
        let system = env(
            EventKind::System,
            serde_json::json!({"msgId": "7", "common": {"method": "WebcastSystemMessage"},
                "message": "LIVE is moderated."}),
        );
        assert_eq!(
            pretty_line(&system, &st),
            "12:34:56 alice system       LIVE is moderated."
        );
        let detect = env(
            EventKind::MsgDetect,
            serde_json::json!({"msgId": "7", "detectionData": {
                "common": {"method": "WebcastMsgDetectMessage"}, "detectType": 2, "fromRegion": "DE"}}),
        );
        assert_eq!(
            pretty_line(&detect, &st),
            r#"12:34:56 alice msgDetect    {"detectionData":{"detectType":2,"fromRegion":"DE"}}"#
        );
    }

    #[test]
    fn colour_adds_escapes_only_when_asked() {
        let chat = env(
            EventKind::Chat,
            serde_json::json!({"nickname":"Bob","message":"hi","emotes":[]}),
        );
        assert!(!pretty_line(&chat, &Styles::new(false)).contains('\x1b'));
        assert!(pretty_line(&chat, &Styles::new(true)).contains('\x1b'));
    }

    #[test]
    fn user_text_is_inert() {
        let st = Styles::new(false);
        let chat = env(
            EventKind::Chat,
            serde_json::json!({
                "nickname": "\u{1b}[31mred\u{1b}]0;title\u{7}\u{202e}evil\u{2066}",
                "uniqueId": "a\nb",
                "message": "line\u{2028}two\r\u{85}\u{7f} مرحبا 👩‍👩‍👧 é",
                "emotes": [],
            }),
        );
        let line = pretty_line(&chat, &st);
        assert_eq!(
            line,
            "12:34:56 alice chat         \\u{1b}[31mred\\u{1b}]0;title\\u{7}\\u{202e}evil\\u{2066} (@a\\nb): \
             line\\u{2028}two\\r\\u{85}\\u{7f} مرحبا 👩‍👩‍👧 é"
        );
        assert!(line.chars().all(|c| !is_unsafe(c)));
        assert!(matches!(inert("plain 👋"), Cow::Borrowed(_)));
    }

    #[test]
    fn ndjson_is_one_line() {
        let mut out = Vec::new();
        write_event(
            &mut out,
            &env(EventKind::Like, serde_json::json!({"likeCount": 3})),
            Format::Ndjson,
            &Styles::new(true),
        )
        .unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.ends_with("}\n") && text.matches('\n').count() == 1);
        assert!(!text.contains('\x1b'));
    }
}
