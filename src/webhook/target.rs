//! Where deliveries go ([`Target`]) and what goes there ([`OutgoingEvent`]).

use anyhow::{Context, Result};
use serde::Serialize;

use crate::store::Webhook;
use crate::webcast::{Envelope, EventKind};

use super::signature::SigningKey;

/// Where deliveries go: a webhook row and its signing key (if any).
#[derive(Debug)]
pub struct Target {
    pub webhook: Webhook,
    pub key: Option<SigningKey>,
    /// `,"webhook":{…}}`: the fixed end of every body for this target.
    suffix: String,
}

#[derive(Serialize)]
struct WebhookRef<'a> {
    id: String,
    url: std::borrow::Cow<'a, str>,
    name: Option<&'a str>,
}

impl Target {
    pub fn new(webhook: Webhook, key: Option<SigningKey>) -> Target {
        let r = WebhookRef {
            id: webhook.id.to_string(),
            url: crate::redact::url(&webhook.url),
            name: webhook.name.as_deref(),
        };
        let suffix = format!(
            ",\"webhook\":{}}}",
            serde_json::to_string(&r).expect("a webhook reference serialises")
        );
        Target {
            webhook,
            key,
            suffix,
        }
    }

    /// The request body for an event (its envelope as JSON text).
    pub fn body(&self, event_json: &str) -> String {
        let mut body = String::with_capacity(10 + event_json.len() + self.suffix.len());
        body.push_str("{\"event\":");
        body.push_str(event_json);
        body.push_str(&self.suffix);
        body
    }

    /// `webhook 3 (https://example.com/hook)`, for messages.
    pub fn label(&self) -> String {
        format!(
            "webhook {} ({})",
            self.webhook.id,
            crate::redact::url(&self.webhook.url)
        )
    }
}

/// The target of a registered webhook: signed with its own secret, else with
/// `fallback` (`--secret` / `WEBHOOK_SECRET`), else unsigned. Shared by
/// `forward` and `serve`.
///
/// # Errors
/// The stored secret is not usable (a `whsec_` secret that is not base64).
pub fn registered_target(webhook: Webhook, fallback: Option<&SigningKey>) -> Result<Target> {
    let key = match &webhook.secret {
        Some(s) => Some(
            SigningKey::from_secret(s.expose())
                .with_context(|| format!("the secret of webhook {} is not usable", webhook.id))?,
        ),
        None => fallback.cloned(),
    };
    Ok(Target::new(webhook, key))
}

/// An event on its way out: what the outbox needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingEvent {
    pub id: String,
    pub kind: EventKind,
    /// The envelope as JSON text.
    pub json: String,
}

impl From<&Envelope> for OutgoingEvent {
    fn from(env: &Envelope) -> OutgoingEvent {
        OutgoingEvent {
            id: env.id.clone(),
            kind: env.kind,
            json: env.to_json(),
        }
    }
}
