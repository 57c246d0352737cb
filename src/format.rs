//! Event → text: one NDJSON line, or one coloured human line. Pure functions
//! over `impl Write`, so tests write into a `Vec<u8>`.

use std::io::{self, Write};

use owo_colors::{OwoColorize, Style};
use serde_json::Value;

use crate::cli::Format;
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

/// Write one event in `format`, with its newline.
pub fn write_event(
    w: &mut impl Write,
    env: &Envelope,
    format: Format,
    styles: &Styles,
) -> io::Result<()> {
    match format {
        Format::Ndjson => {
            serde_json::to_writer(&mut *w, env)?;
            w.write_all(b"\n")
        }
        Format::Pretty => {
            let line = pretty_line(env, styles);
            w.write_all(line.as_bytes())?;
            w.write_all(b"\n")
        }
    }
}

fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

fn n(v: &Value, key: &str) -> i64 {
    v.get(key)
        .and_then(|x| {
            x.as_i64()
                .or_else(|| x.as_str().and_then(|s| s.parse().ok()))
        })
        .unwrap_or(0)
}

fn who(v: &Value) -> String {
    let nick = s(v, "nickname");
    let handle = s(v, "uniqueId");
    let handle = if handle.is_empty() {
        s(v, "username")
    } else {
        handle
    };
    match (nick.is_empty(), handle.is_empty()) {
        (false, false) if nick != handle => format!("{nick} (@{handle})"),
        (false, _) => nick.to_string(),
        (true, false) => format!("@{handle}"),
        (true, true) => "someone".to_string(),
    }
}

/// `HH:MM:SS streamer type  gist`.
pub fn pretty_line(env: &Envelope, st: &Styles) -> String {
    let data: Value = serde_json::from_str(env.data.get()).unwrap_or(Value::Null);
    let time = env.timestamp.get(11..19).unwrap_or(&env.timestamp);
    let user = who(&data);
    let user = user.style(st.user);
    let (type_style, gist) = match env.kind {
        EventKind::Chat => (st.message, format!("{user}: {}", s(&data, "message"))),
        EventKind::Gift => {
            let streaking = data["streakable"].as_bool() == Some(true)
                && data["repeatEnd"].as_bool() != Some(true);
            let interrupted = data["streakInterrupted"].as_bool() == Some(true);
            let gift = format!("{} ×{}", s(&data, "giftName"), n(&data, "repeatCount"));
            let suffix = if interrupted {
                " (streak cut off)"
            } else if streaking {
                " …"
            } else {
                ""
            };
            (
                st.gift,
                format!(
                    "{user} sent {} ({} 💎){}",
                    gift.style(st.gift),
                    n(&data, "totalDiamonds"),
                    suffix.style(st.dim)
                ),
            )
        }
        EventKind::Like => (
            st.social,
            format!(
                "{user} liked ×{} (total {})",
                n(&data, "likeCount"),
                n(&data, "totalLikeCount")
            ),
        ),
        EventKind::Member => (st.social, format!("{user} joined")),
        EventKind::Follow => (st.social, format!("{user} followed")),
        EventKind::Share => (st.social, format!("{user} shared the LIVE")),
        EventKind::Social => (st.social, format!("{user}: {}", s(&data, "label"))),
        EventKind::RoomUpdate => (
            st.dim,
            format!(
                "{} viewers ({} in total)",
                n(&data, "viewerCount"),
                n(&data, "totalViewers")
            ),
        ),
        EventKind::Emote => (
            st.message,
            format!("{user} sent emote {}", s(&data, "emoteId")),
        ),
        EventKind::Envelope => (
            st.gift,
            format!(
                "{} dropped a treasure chest of {} coins",
                s(&data, "username"),
                n(&data, "coins")
            ),
        ),
        EventKind::QuestionNew => (
            st.message,
            format!("{user} asks: {}", s(&data, "questionText")),
        ),
        EventKind::SuperFan => (st.gift, format!("{user}: {}", s(&data, "message"))),
        EventKind::Barrage => (st.dim, s(&data, "message").to_string()),
        EventKind::RankText => (st.dim, s(&data, "text").to_string()),
        EventKind::CaptionMessage => (st.dim, format!("caption: {}", s(&data, "text"))),
        EventKind::LiveIntro => (st.dim, format!("intro: {}", s(&data, "description"))),
        EventKind::RoomMessage => (st.dim, s(&data, "content").to_string()),
        EventKind::GoalUpdate => (
            st.dim,
            format!(
                "goal {}: {}/{}",
                s(&data, "description"),
                n(&data, "progress"),
                n(&data, "target")
            ),
        ),
        EventKind::Connected => (
            st.control,
            format!(
                "connected to @{} (room {})",
                s(&data, "username"),
                s(&data, "roomId")
            ),
        ),
        EventKind::Disconnected => (st.control, format!("disconnected {}", compact(&data))),
        EventKind::StreamEnd => (
            st.control,
            format!("stream ended (action {})", n(&data, "action")),
        ),
        EventKind::Error => (st.control, format!("error: {}", s(&data, "error"))),
        _ => (st.dim, compact(&data)),
    };
    let streamer = if env.streamer.is_empty() {
        String::new()
    } else {
        format!("{} ", env.streamer.style(st.streamer))
    };
    format!(
        "{} {streamer}{:<12} {gist}",
        time.style(st.time),
        env.kind.name().style(type_style)
    )
}

/// Data as one-line JSON, cut to a readable length.
fn compact(v: &Value) -> String {
    let text = v.to_string();
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
            serde_json::json!({"nickname":"Bob","uniqueId":"bob1","message":"hi"}),
        );
        assert_eq!(
            pretty_line(&chat, &st),
            "12:34:56 alice chat         Bob (@bob1): hi"
        );
        let gift = env(
            EventKind::Gift,
            serde_json::json!({"nickname":"Bob","uniqueId":"bob","giftName":"Rose","repeatCount":5,"totalDiamonds":5,"streakable":true,"repeatEnd":false}),
        );
        assert_eq!(
            pretty_line(&gift, &st),
            "12:34:56 alice gift         Bob (@bob) sent Rose ×5 (5 💎) …"
        );
    }

    #[test]
    fn colour_adds_escapes_only_when_asked() {
        let chat = env(
            EventKind::Chat,
            serde_json::json!({"nickname":"Bob","message":"hi"}),
        );
        assert!(!pretty_line(&chat, &Styles::new(false)).contains('\x1b'));
        assert!(pretty_line(&chat, &Styles::new(true)).contains('\x1b'));
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
