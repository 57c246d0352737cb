//! `tiklive webhooks list` output: a table for people, JSON for programs.
//! Pure functions over the store's figures. A secret is shown only as
//! `set` / `unset`, never its value.
//!
//! Ad-hoc `forward --to` targets are listed only while they have something to
//! show (deliveries, give-ups or pending rows).

use serde::Serialize;

use crate::store::{GiveUp, WebhookStats};
use crate::webcast::time::format_iso_millis;

/// Whether a row belongs in the listing.
pub fn listed(s: &WebhookStats) -> bool {
    let w = &s.webhook;
    !w.ephemeral || w.delivered > 0 || w.failed > 0 || s.pending > 0
}

/// One webhook as JSON (`webhooks list`, `GET /api/webhooks`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JsonWebhook<'a> {
    id: String,
    url: std::borrow::Cow<'a, str>,
    name: Option<&'a str>,
    /// `registered` or `adhoc` (a `forward --to` / WEBHOOK_URL target).
    kind: &'static str,
    secret: &'static str,
    types: Vec<&'static str>,
    delivered: u64,
    failed: u64,
    pending: u64,
    last_status: Option<u16>,
    last_error: Option<&'a str>,
    last_attempt_at: Option<String>,
    created_at: String,
    give_ups: Vec<JsonGiveUp<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JsonGiveUp<'a> {
    event_id: &'a str,
    event_type: &'a str,
    webhook_message_id: &'a str,
    attempts: u32,
    reason: &'a str,
    at: String,
}

/// A JSON array (one object per webhook), pretty-printed, ending in a newline.
pub fn render_json(stats: &[WebhookStats]) -> String {
    let rows: Vec<JsonWebhook<'_>> = stats.iter().filter(|s| listed(s)).map(json_row).collect();
    let mut out = serde_json::to_string_pretty(&rows).expect("the listing serialises");
    out.push('\n');
    out
}

/// One webhook with its figures; the secret only as `set` / `unset`.
pub fn json_row(s: &WebhookStats) -> JsonWebhook<'_> {
    let w = &s.webhook;
    JsonWebhook {
        id: w.id.to_string(),
        url: crate::redact::url(&w.url),
        name: w.name.as_deref(),
        kind: if w.ephemeral { "adhoc" } else { "registered" },
        secret: secret_state(s),
        types: w.type_names(),
        delivered: w.delivered,
        failed: w.failed,
        pending: s.pending,
        last_status: w.last_status,
        last_error: w.last_error.as_deref(),
        last_attempt_at: w.last_attempt_at.map(format_iso_millis),
        created_at: format_iso_millis(w.created_at),
        give_ups: s.give_ups.iter().map(json_give_up).collect(),
    }
}

fn json_give_up(g: &GiveUp) -> JsonGiveUp<'_> {
    JsonGiveUp {
        event_id: &g.event_id,
        event_type: &g.event_type,
        webhook_message_id: &g.msg_id,
        attempts: g.attempts,
        reason: &g.reason,
        at: format_iso_millis(g.at),
    }
}

fn secret_state(s: &WebhookStats) -> &'static str {
    if s.webhook.secret.is_some() {
        "set"
    } else {
        "unset"
    }
}

/// An aligned table plus the give-ups, ending in a newline.
pub fn render_table(stats: &[WebhookStats]) -> String {
    let shown: Vec<&WebhookStats> = stats.iter().filter(|s| listed(s)).collect();
    if shown.is_empty() {
        return "no webhooks; add one with 'tiklive webhooks add URL'\n".into();
    }
    let header = [
        "ID",
        "NAME",
        "URL",
        "TYPES",
        "SECRET",
        "DELIVERED",
        "FAILED",
        "PENDING",
        "LAST",
    ];
    let mut rows: Vec<[String; 9]> = vec![header.map(String::from)];
    for s in &shown {
        let w = &s.webhook;
        let types = w.type_names();
        let last = match (&w.last_error, w.last_status) {
            (Some(e), _) => e.clone(),
            (None, Some(st)) => format!("HTTP {st}"),
            (None, None) => "-".into(),
        };
        rows.push([
            w.id.to_string(),
            match (&w.name, w.ephemeral) {
                (Some(n), _) => n.clone(),
                (None, true) => "(forward --to)".into(),
                (None, false) => "-".into(),
            },
            crate::redact::url(&w.url).into_owned(),
            if types.is_empty() {
                "all".into()
            } else {
                types.join(",")
            },
            secret_state(s).into(),
            w.delivered.to_string(),
            w.failed.to_string(),
            s.pending.to_string(),
            truncate(&last, 60),
        ]);
    }
    let mut widths = [0usize; 9];
    for row in &rows {
        for (i, cell) in row.iter().enumerate() {
            widths[i] = widths[i].max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in &rows {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            if i + 1 == row.len() {
                line.push_str(cell);
            } else {
                line.push_str(&format!("{cell:<w$}  ", w = widths[i]));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    let give_ups: Vec<&GiveUp> = shown.iter().flat_map(|s| &s.give_ups).collect();
    if !give_ups.is_empty() {
        out.push_str("\nGiven up (newest first):\n");
        for g in give_ups {
            out.push_str(&format!(
                "  webhook {}  {}  {} {}  after {} attempt{}: {}\n",
                g.webhook_id,
                format_iso_millis(g.at),
                g.event_type,
                g.event_id,
                g.attempts,
                if g.attempts == 1 { "" } else { "s" },
                g.reason
            ));
        }
    }
    out
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::Secret;
    use crate::store::Webhook;
    use crate::webcast::{EventKind, KindSet};

    fn stats() -> Vec<WebhookStats> {
        let base = Webhook {
            id: 1,
            url: "https://example.com/hook".into(),
            name: Some("overlay".into()),
            secret: Some(Secret::new("whsec_c2VjcmV0")),
            types: Some([EventKind::Gift].into_iter().collect::<KindSet>()),
            ephemeral: false,
            created_at: 0,
            delivered: 10,
            failed: 1,
            last_status: Some(400),
            last_error: Some("HTTP 400 Bad Request".into()),
            last_attempt_at: Some(1000),
        };
        let adhoc_idle = Webhook {
            id: 2,
            url: "http://127.0.0.1:9/idle".into(),
            name: None,
            secret: None,
            types: None,
            ephemeral: true,
            delivered: 0,
            failed: 0,
            last_status: None,
            last_error: None,
            last_attempt_at: None,
            ..base.clone()
        };
        let adhoc_busy = Webhook {
            id: 3,
            url: "http://127.0.0.1:9/busy".into(),
            ..adhoc_idle.clone()
        };
        vec![
            WebhookStats {
                webhook: base,
                pending: 0,
                give_ups: vec![GiveUp {
                    webhook_id: 1,
                    msg_id: "msg_1".into(),
                    event_id: "e1".into(),
                    event_type: "gift".into(),
                    attempts: 1,
                    reason: "HTTP 400 Bad Request".into(),
                    at: 0,
                }],
            },
            WebhookStats {
                webhook: adhoc_idle,
                pending: 0,
                give_ups: vec![],
            },
            WebhookStats {
                webhook: adhoc_busy,
                pending: 4,
                give_ups: vec![],
            },
        ]
    }

    #[test]
    fn json_lists_totals_give_ups_and_never_the_secret() {
        let out = render_json(&stats());
        assert!(!out.contains("c2VjcmV0"), "{out}");
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        let arr = v.as_array().unwrap();
        assert_eq!(arr.len(), 2, "the idle ad-hoc row is not listed");
        assert_eq!(arr[0]["id"], "1");
        assert_eq!(arr[0]["secret"], "set");
        assert_eq!(arr[0]["types"], serde_json::json!(["gift"]));
        assert_eq!(arr[0]["failed"], 1);
        assert_eq!(arr[0]["giveUps"][0]["reason"], "HTTP 400 Bad Request");
        assert_eq!(arr[1]["kind"], "adhoc");
        assert_eq!(arr[1]["secret"], "unset");
        assert_eq!(arr[1]["pending"], 4);
    }

    #[test]
    fn the_table_aligns_and_lists_give_ups() {
        let out = render_table(&stats());
        assert!(!out.contains("c2VjcmV0"), "{out}");
        let lines: Vec<&str> = out.lines().collect();
        assert!(lines[0].starts_with("ID  NAME"), "{out}");
        assert!(
            lines[1].contains("overlay") && lines[1].contains(" set "),
            "{out}"
        );
        assert!(
            lines[2].contains("(forward --to)") && lines[2].contains("unset"),
            "{out}"
        );
        assert_eq!(lines[0].find("URL"), lines[1].find("https://"));
        assert!(
            out.contains("Given up (newest first):\n  webhook 1"),
            "{out}"
        );
        assert!(render_table(&[]).starts_with("no webhooks"));
    }
}
