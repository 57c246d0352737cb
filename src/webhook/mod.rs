//! Webhook delivery: the request format, signing, and the engine that drains
//! the store's outbox to every target, retrying until each delivery succeeds
//! or is given up.
//!
//! The body is exactly `{"event": <envelope>, "webhook": {"id","url","name"}}`
//! (`application/json`, User-Agent `tiklive/<version>`), signed the Standard
//! Webhooks way ([`signature`]).
//!
//! The engine:
//! - [`Engine::enqueue`] writes one outbox row per (event, interested target)
//!   in one transaction. Once committed, each row is also offered to its
//!   target's worker through a small bounded channel (`try_send`, never
//!   waiting): the fast path, with no read of the outbox. When a worker's
//!   channel is full (a slow or dead receiver), the row is not offered, the
//!   worker is flagged, and it reads the outbox instead until it has caught
//!   up. So a slow receiver costs disk, never memory, and never blocks the
//!   producer or the other targets.
//! - One worker task per target sends its rows in `seq` order, one at a
//!   time: each webhook receives its events in order, and targets proceed
//!   independently. It starts by reading the outbox (pages of
//!   [`EngineConfig::page`]), so rows left by an earlier (killed) run go
//!   first. Rows offered in memory that it already sent from the outbox
//!   (`seq` at or below its cursor) are skipped.
//! - A retryable failure waits ([`retry::RetryPolicy`]) and tries the same row
//!   again with the same `webhook-id`; a final failure or a delivery older
//!   than `give_up_after` is moved to `give_ups` with the reason.
//! - Outcomes are written to the store without waiting (the writer batches
//!   them); [`Engine::wait`] flushes them before it returns.
//!
//! Where things are: [`target`] (a webhook and its signing key), [`request`]
//! (building, signing and sending one request), [`engine`] (the engine and its
//! lanes), [`lane`] (one target's worker), [`retry`] (when to retry),
//! [`signature`] (Standard Webhooks signing), [`listing`] (`webhooks list`).

pub mod engine;
pub mod lane;
pub mod listing;
pub mod request;
pub mod retry;
pub mod signature;
pub mod target;

use std::time::Duration;

pub use engine::{Counters, Engine, EngineConfig, Totals};
pub use request::{Request, build_request, http_client, render_redacted, send};
pub use target::{OutgoingEvent, Target, registered_target};

/// `1.5s`, `3m 20s`, `2h 5m`.
pub fn human_duration(d: Duration) -> String {
    let s = d.as_secs();
    if s < 60 {
        format!("{:.1}s", d.as_secs_f64())
    } else if s < 3600 {
        format!("{}m {}s", s / 60, s % 60)
    } else {
        format!("{}h {}m", s / 3600, (s % 3600) / 60)
    }
}

#[cfg(test)]
mod engine_tests;

#[cfg(test)]
mod tests {
    use super::signature::SigningKey;
    use super::*;
    use crate::store::Webhook;

    fn webhook(id: i64, name: Option<&str>) -> Webhook {
        Webhook {
            id,
            url: "http://127.0.0.1:9/hook".into(),
            name: name.map(str::to_string),
            secret: None,
            types: None,
            ephemeral: false,
            created_at: 0,
            delivered: 0,
            failed: 0,
            last_status: None,
            last_error: None,
            last_attempt_at: None,
        }
    }

    #[test]
    fn the_body_is_event_then_webhook() {
        let t = Target::new(webhook(3, Some("over\"lay")), None);
        assert_eq!(
            t.body(r#"{"type":"chat"}"#),
            r#"{"event":{"type":"chat"},"webhook":{"id":"3","url":"http://127.0.0.1:9/hook","name":"over\"lay"}}"#
        );
        let unnamed = Target::new(webhook(4, None), None);
        assert!(unnamed.body("{}").ends_with(r#""name":null}}"#));
    }

    #[test]
    fn requests_are_signed_only_with_a_key_and_dry_runs_redact() {
        let unsigned = Target::new(webhook(1, None), None);
        let req = build_request(&unsigned, "msg_x", "{}", 1_700_000_000);
        assert!(req.headers.iter().all(|(n, _)| *n != "webhook-signature"));
        let key = SigningKey::from_secret("s3cret").unwrap();
        let signed = Target::new(webhook(1, None), Some(key.clone()));
        let req = build_request(&signed, "msg_x", "{}", 1_700_000_000);
        let sig = &req
            .headers
            .iter()
            .find(|(n, _)| *n == "webhook-signature")
            .unwrap()
            .1;
        assert!(key.verify("msg_x", 1_700_000_000, req.body.as_bytes(), sig));
        let text = render_redacted(&req);
        assert!(text.starts_with("POST http://127.0.0.1:9/hook\ncontent-type: application/json\n"));
        assert!(text.contains("webhook-signature: v1,(redacted)\n"));
        assert!(!text.contains(sig.as_str()));
        assert!(text.contains("webhook-id: msg_x\nwebhook-timestamp: 1700000000\n"));
    }

    #[test]
    fn durations_read_well() {
        assert_eq!(human_duration(Duration::from_millis(1500)), "1.5s");
        assert_eq!(human_duration(Duration::from_secs(200)), "3m 20s");
        assert_eq!(human_duration(Duration::from_secs(7500)), "2h 5m");
    }
}
