//! JetStream subjects for events: `<prefix>.ev.<streamer>.<type>`, by
//! default `tiklive.ev.<streamer>.<type>` (the prefix: [`Namespace`]).
//!
//! NATS splits subjects on `.` and gives `*` and `>` a meaning, and TikTok
//! handles may contain `.` and `_`. The streamer token is therefore escaped
//! reversibly: ASCII letters, digits and `-` stay as they are; every other
//! byte of the UTF-8 handle (including `_` itself, `.`, `*`, `>` and spaces)
//! becomes `_` followed by two upper-case hex digits. So `a.b` is `a_2Eb` and
//! `a_b` is `a_5Fb`: distinct, and [`unescape_token`] gives the handle back.
//! An empty streamer is the lone token `_`, which no escaped handle can be.
//! Confirmed by the unit and property tests below.

use super::namespace::Namespace;

/// The subject of one event.
pub fn event_subject(ns: &Namespace, streamer: &str, kind: &str) -> String {
    format!("{}.{}.{kind}", ns.events_root(), escape_token(streamer))
}

/// The subject filter for one streamer's events, or for one type of events
/// of every streamer (`None` stands for a wildcard).
pub fn event_filter(ns: &Namespace, streamer: Option<&str>, kind: Option<&str>) -> String {
    let s = streamer.map_or_else(|| "*".to_string(), escape_token);
    format!("{}.{s}.{}", ns.events_root(), kind.unwrap_or("*"))
}

/// Whether every subject `pattern` matches is matched by `filter` too (both
/// may hold `*` and a final `>`): a stream with subject `filter` stores what
/// is published on `pattern`.
pub fn covers(filter: &str, pattern: &str) -> bool {
    let mut f = filter.split('.');
    let mut p = pattern.split('.');
    loop {
        match (f.next(), p.next()) {
            (Some(">"), Some(_)) => return true,
            (None, None) => return true,
            (Some("*"), Some(t)) if t != ">" => {}
            (Some(a), Some(b)) if a == b && a != "*" && a != ">" => {}
            _ => return false,
        }
    }
}

/// Escape a streamer handle into one NATS subject token (see the module docs).
pub fn escape_token(handle: &str) -> String {
    if handle.is_empty() {
        return "_".to_string();
    }
    let mut out = String::with_capacity(handle.len());
    for b in handle.bytes() {
        if b.is_ascii_alphanumeric() || b == b'-' {
            out.push(b as char);
        } else {
            out.push('_');
            out.push_str(&format!("{b:02X}"));
        }
    }
    out
}

/// Undo [`escape_token`]; `None` if `token` is not an escaped handle.
pub fn unescape_token(token: &str) -> Option<String> {
    if token == "_" {
        return Some(String::new());
    }
    if token.is_empty() {
        return None;
    }
    let bytes = token.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'_' {
            let hex = token.get(i + 1..i + 3)?;
            let v = u8::from_str_radix(hex, 16).ok()?;
            if v.is_ascii_alphanumeric() || v == b'-' || hex.bytes().any(|h| h.is_ascii_lowercase())
            {
                return None; // not how we escape: the mapping stays one-to-one
            }
            out.push(v);
            i += 3;
        } else if b.is_ascii_alphanumeric() || b == b'-' {
            out.push(b);
            i += 1;
        } else {
            return None;
        }
    }
    String::from_utf8(out).ok()
}

/// The streamer and type of an event subject, if it is one.
pub fn parse_event_subject<'a>(ns: &Namespace, subject: &'a str) -> Option<(String, &'a str)> {
    let rest = subject.strip_prefix(ns.events_root())?.strip_prefix('.')?;
    let (token, kind) = rest.split_once('.')?;
    if kind.contains('.') {
        return None;
    }
    Some((unescape_token(token)?, kind))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn dots_and_underscores_do_not_collide() {
        assert_eq!(escape_token("a.b"), "a_2Eb");
        assert_eq!(escape_token("a_b"), "a_5Fb");
        assert_eq!(escape_token("Jo-e9"), "Jo-e9");
        assert_eq!(escape_token(""), "_");
        let ns = Namespace::default();
        assert_eq!(
            event_subject(&ns, "the.real_one", "gift"),
            "tiklive.ev.the_2Ereal_5Fone.gift"
        );
        assert_eq!(
            parse_event_subject(&ns, "tiklive.ev.the_2Ereal_5Fone.gift"),
            Some(("the.real_one".to_string(), "gift"))
        );
    }

    #[test]
    fn subjects_follow_the_prefix() {
        let ns = Namespace::new("acme.staging").unwrap();
        let subject = event_subject(&ns, "a.b", "chat");
        assert_eq!(subject, "acme.staging.ev.a_2Eb.chat");
        assert_eq!(
            parse_event_subject(&ns, &subject),
            Some(("a.b".to_string(), "chat"))
        );
        assert_eq!(parse_event_subject(&Namespace::default(), &subject), None);
        assert_eq!(
            parse_event_subject(&ns, "tiklive.ev.a_2Eb.chat"),
            None,
            "another prefix's subject"
        );
        assert_eq!(
            event_filter(&ns, None, Some("gift")),
            "acme.staging.ev.*.gift"
        );
    }

    #[test]
    fn a_filter_covers_what_it_stores() {
        for (filter, pattern) in [
            ("tiklive.ev.>", "tiklive.ev.>"),
            ("tiklive.ev.>", "tiklive.ev.a.chat"),
            ("tiklive.>", "tiklive.ev.>"),
            (">", "x.y"),
            ("tiklive.*.>", "tiklive.ev.>"),
            ("tiklive.ev.*.*", "tiklive.ev.*.chat"),
        ] {
            assert!(covers(filter, pattern), "{filter} {pattern}");
        }
        for (filter, pattern) in [
            ("tiklive.ev.>", "staging.ev.>"),
            ("tiklive.ev.*.chat", "tiklive.ev.>"),
            ("tiklive.ev.*", "tiklive.ev.a.chat"),
            ("tiklive.ev.>", "tiklive.ev"),
            ("tiklive.ev.a.chat", "tiklive.ev.*.chat"),
            ("tiklive.ev.*.*", "tiklive.ev.>"),
        ] {
            assert!(!covers(filter, pattern), "{filter} {pattern}");
        }
    }

    #[test]
    fn foreign_tokens_are_refused() {
        for bad in ["a.b", "a_", "a_2", "a_zz", "a_41", "a_2e", "a*", ""] {
            assert_eq!(unescape_token(bad), None, "{bad}");
        }
    }

    proptest! {
        #[test]
        fn escaping_round_trips(handle in "\\PC{0,24}") {
            let token = escape_token(&handle);
            prop_assert!(!token.is_empty());
            prop_assert!(token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
            prop_assert_eq!(unescape_token(&token), Some(handle));
        }

        #[test]
        fn distinct_handles_distinct_tokens(a in "[a-z._]{0,6}", b in "[a-z._]{0,6}") {
            prop_assume!(a != b);
            prop_assert_ne!(escape_token(&a), escape_token(&b));
        }
    }
}
