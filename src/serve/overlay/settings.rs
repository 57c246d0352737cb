//! The URL settings of each overlay page, checked by the server before the
//! page is served: an unknown setting (`?metrc=likes`) or a bad value
//! (`?metric=like`, `?target=lots`, `?volume=5`) is a 400 with a one-line
//! message naming the setting and what it takes, not a page that silently
//! shows the default or nothing. The pages' scripts read the same settings
//! (README "Overlays" lists them with their defaults); an empty value means
//! the default, as the scripts read it.

/// What a setting takes.
#[derive(Debug, Clone, Copy)]
enum Takes {
    /// Any text (a label, a title, a CSS value the browser checks itself).
    Text,
    /// A number from..=to.
    Number(f64, f64),
    /// A number above 0, at most this.
    Positive(f64),
    /// A whole number from..=to.
    Whole(u64, u64),
    /// `1`/`0`, `true`/`false`, `yes`/`no`, `on`/`off`.
    Flag,
    /// One of these words.
    OneOf(&'static [&'static str]),
    /// A comma-separated list of these words.
    ListOf(&'static [&'static str]),
}

/// The counter and goal metrics (`tiklive.js` `METRICS`).
pub const METRICS: [&str; 7] = [
    "likes",
    "viewers",
    "follows",
    "diamonds",
    "shares",
    "subscribers",
    "gifts",
];

const FORMATS: &[&str] = &["compact", "full"];

/// Settings every page takes: auth, streamer, layout and the style variables.
const COMMON: &[(&str, Takes)] = &[
    ("token", Takes::Text),
    ("streamer", Takes::Text),
    ("align", Takes::OneOf(&["left", "center", "right"])),
    ("theme", Takes::OneOf(&["outline"])),
    ("font", Takes::Text),
    ("size", Takes::Text),
    ("color", Takes::Text),
    ("accent", Takes::Text),
    ("bg", Takes::Text),
    ("radius", Takes::Text),
    ("gap", Takes::Text),
    ("shadow", Takes::Text),
    ("bar", Takes::Text),
    ("scale", Takes::Text),
    ("width", Takes::Text),
];

/// Each page's own settings (the scripts' `t.param`/`t.num`/`t.flag`/`t.list`
/// calls, with the same bounds).
fn own(page: &str) -> &'static [(&'static str, Takes)] {
    match page {
        "chat" => &[
            ("max", Takes::Whole(1, 200)),
            ("fade", Takes::Number(0.0, 3600.0)),
            ("badges", Takes::Flag),
            ("emotes", Takes::Flag),
            ("avatars", Takes::Flag),
            ("hide", Takes::Text),
        ],
        "alerts" => &[
            (
                "types",
                Takes::ListOf(&["follow", "share", "subscribe", "gift"]),
            ),
            ("min_diamonds", Takes::Whole(0, 1_000_000_000_000)),
            ("duration", Takes::Number(0.5, 600.0)),
            // Seconds between alerts (`gap` stays the style's spacing).
            ("pause", Takes::Number(0.0, 60.0)),
            ("sound", Takes::OneOf(&["chime", "pop", "fanfare", "none"])),
            ("volume", Takes::Number(0.0, 1.0)),
            ("queue", Takes::Whole(1, 1000)),
        ],
        "counter" => &[
            ("metric", Takes::OneOf(&METRICS)),
            ("label", Takes::Text),
            ("format", Takes::OneOf(FORMATS)),
        ],
        "goal" => &[
            ("metric", Takes::OneOf(&METRICS)),
            ("target", Takes::Positive(1e15)),
            ("label", Takes::Text),
            ("format", Takes::OneOf(FORMATS)),
        ],
        "leaderboard" => &[
            ("by", Takes::OneOf(&["diamonds"])),
            ("top", Takes::Whole(1, 100)),
            ("title", Takes::Text),
            ("avatars", Takes::Flag),
        ],
        _ => &[],
    }
}

/// Settings a page cannot do without.
fn required(page: &str) -> &'static [&'static str] {
    match page {
        "goal" => &["target"],
        _ => &[],
    }
}

/// Check the query `pairs` of `/overlay/{page}`. Errors: one line naming the
/// setting and what it takes (`volume must be a number from 0 to 1, not '5'`).
pub fn check(page: &str, pairs: &[(String, String)]) -> Result<(), String> {
    let own = own(page);
    let find = |key: &str| {
        own.iter()
            .chain(COMMON)
            .find(|(name, _)| *name == key)
            .map(|(_, takes)| *takes)
    };
    for (key, value) in pairs {
        let Some(takes) = find(key) else {
            let names: Vec<&str> = own.iter().chain(COMMON).map(|(n, _)| *n).collect();
            return Err(format!(
                "/overlay/{page} has no setting '{key}'; it takes {} (README \"Overlays\")",
                names.join(", ")
            ));
        };
        if pairs.iter().filter(|(k, _)| k == key).count() > 1 {
            return Err(format!("'{key}' is given more than once"));
        }
        if let Err(wanted) = check_value(takes, value.trim()) {
            return Err(format!("{key} must be {wanted}, not '{value}'"));
        }
    }
    for key in required(page) {
        if !pairs.iter().any(|(k, v)| k == key && !v.trim().is_empty()) {
            let Some(takes) = find(key) else { continue };
            let wanted = check_value(takes, "").err().unwrap_or_default();
            return Err(format!(
                "/overlay/{page} needs '{key}' ({wanted}), e.g. ?{key}=1000"
            ));
        }
    }
    Ok(())
}

/// Whether `value` fits `takes`; `Err` says what it takes. Empty is the
/// default and fits anything but a required setting.
fn check_value(takes: Takes, value: &str) -> Result<(), String> {
    let number = |v: &str| v.parse::<f64>().ok().filter(|n| n.is_finite());
    let fits = match takes {
        Takes::Text => true,
        _ if value.is_empty() => !matches!(takes, Takes::Positive(_)),
        Takes::Number(from, to) => number(value).is_some_and(|n| (from..=to).contains(&n)),
        Takes::Positive(to) => number(value).is_some_and(|n| n > 0.0 && n <= to),
        Takes::Whole(from, to) => value.parse::<u64>().is_ok_and(|n| (from..=to).contains(&n)),
        Takes::Flag => matches!(
            value.to_ascii_lowercase().as_str(),
            "1" | "0" | "true" | "false" | "yes" | "no" | "on" | "off"
        ),
        Takes::OneOf(words) => words.contains(&value),
        Takes::ListOf(words) => value
            .split(',')
            .map(str::trim)
            .filter(|w| !w.is_empty())
            .all(|w| words.contains(&w)),
    };
    if fits {
        return Ok(());
    }
    Err(match takes {
        Takes::Text => String::new(),
        Takes::Number(from, to) => format!("a number from {from} to {to}"),
        Takes::Positive(to) => format!("a number above 0, at most {to}"),
        Takes::Whole(from, to) => format!("a whole number from {from} to {to}"),
        Takes::Flag => "1 or 0 (true/false, yes/no, on/off)".to_string(),
        Takes::OneOf(words) => format!("one of {}", words.join(", ")),
        Takes::ListOf(words) => format!("a comma-separated list of {}", words.join(", ")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(query: &str) -> Vec<(String, String)> {
        url::form_urlencoded::parse(query.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    }

    #[test]
    fn the_metrics_are_the_pages_metrics() {
        let js = crate::serve::overlay::assets::find("tiklive.js").unwrap();
        let js = std::str::from_utf8(js.bytes).unwrap();
        let list: Vec<String> = METRICS.iter().map(|m| format!("'{m}'")).collect();
        assert!(
            js.contains(&format!("const METRICS = [{}];", list.join(", "))),
            "tiklive.js's METRICS differ from the server's"
        );
    }

    #[test]
    fn the_documented_settings_pass() {
        for (page, query) in [
            (
                "chat",
                "max=200&fade=1&badges=0&emotes=yes&avatars=1&hide=!",
            ),
            (
                "chat",
                "max=8&size=28&accent=%23ff0&theme=outline&align=center",
            ),
            (
                "alerts",
                "types=gift,follow&duration=0.5&pause=0.05&sound=pop&volume=0.6&queue=50&min_diamonds=10",
            ),
            ("counter", "metric=likes&format=full&label="),
            ("goal", "metric=diamonds&target=60000&label=Lion%20fund"),
            ("leaderboard", "by=diamonds&top=5&title=Top&avatars=0"),
            // What the dashboard's URL builder sends.
            (
                "chat",
                "max=20&fade=0&badges=1&emotes=1&token=abc&streamer=alice",
            ),
            // Empty means the default.
            ("counter", "metric=&format="),
        ] {
            assert_eq!(check(page, &q(query)), Ok(()), "{page}?{query}");
        }
    }

    #[test]
    fn bad_settings_say_what_they_take() {
        for (page, query, says) in [
            (
                "counter",
                "metric=like",
                "metric must be one of likes, viewers, follows, diamonds, shares, subscribers, gifts, not 'like'",
            ),
            (
                "goal",
                "metric=likes",
                "/overlay/goal needs 'target' (a number above 0, at most 1000000000000000), e.g. ?target=1000",
            ),
            (
                "goal",
                "target=lots",
                "target must be a number above 0, at most 1000000000000000, not 'lots'",
            ),
            (
                "goal",
                "target=0",
                "target must be a number above 0, at most 1000000000000000, not '0'",
            ),
            (
                "alerts",
                "volume=5",
                "volume must be a number from 0 to 1, not '5'",
            ),
            (
                "alerts",
                "types=gift,likes",
                "types must be a comma-separated list of follow, share, subscribe, gift, not 'gift,likes'",
            ),
            (
                "alerts",
                "sound=boom",
                "sound must be one of chime, pop, fanfare, none, not 'boom'",
            ),
            (
                "chat",
                "max=0",
                "max must be a whole number from 1 to 200, not '0'",
            ),
            (
                "chat",
                "badges=maybe",
                "badges must be 1 or 0 (true/false, yes/no, on/off), not 'maybe'",
            ),
            (
                "leaderboard",
                "by=likes",
                "by must be one of diamonds, not 'likes'",
            ),
            (
                "counter",
                "align=middle",
                "align must be one of left, center, right, not 'middle'",
            ),
            (
                "counter",
                "metric=likes&metric=gifts",
                "'metric' is given more than once",
            ),
        ] {
            assert_eq!(
                check(page, &q(query)),
                Err(says.to_string()),
                "{page}?{query}"
            );
        }
        let typo = check("counter", &q("metrc=likes")).unwrap_err();
        assert!(
            typo.starts_with(
                "/overlay/counter has no setting 'metrc'; it takes metric, label, format, token, "
            ),
            "{typo}"
        );
        assert!(!typo.contains('\n'));
    }
}
