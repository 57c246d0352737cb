//! Standard Webhooks signatures (<https://www.standardwebhooks.com>).
//!
//! Each request carries `webhook-id` (stable per event and webhook, so a
//! receiver can drop retried duplicates), `webhook-timestamp` (unix seconds)
//! and `webhook-signature: v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`.
//! A secret `whsec_<base64>` is used base64-decoded; any other secret is used
//! as its UTF-8 bytes.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

use crate::error::Failure;

type HmacSha256 = Hmac<Sha256>;

/// The HMAC key derived from a webhook secret. Never prints itself.
#[derive(Clone, PartialEq, Eq)]
pub struct SigningKey(Vec<u8>);

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningKey(redacted)")
    }
}

impl SigningKey {
    /// The key for a secret.
    ///
    /// # Errors
    /// A usage error for an empty secret or a `whsec_` secret whose rest is
    /// not base64 (the message does not repeat the secret).
    pub fn from_secret(secret: &str) -> Result<SigningKey, Failure> {
        if secret.is_empty() {
            return Err(Failure::usage("the webhook secret is empty"));
        }
        match secret.strip_prefix("whsec_") {
            Some(b64) => B64.decode(b64).map(SigningKey).map_err(|e| {
                Failure::usage(format!(
                    "the webhook secret starts with whsec_ but the rest is not base64 ({e})"
                ))
            }),
            None => Ok(SigningKey(secret.as_bytes().to_vec())),
        }
    }

    /// The `webhook-signature` header value: `v1,<base64>`.
    pub fn sign(&self, msg_id: &str, timestamp: i64, body: &[u8]) -> String {
        let mac = self.mac(msg_id, timestamp, body);
        format!("v1,{}", B64.encode(mac.finalize().into_bytes()))
    }

    /// Whether any `v1,` signature in a (space-separated) header matches,
    /// compared in constant time.
    pub fn verify(&self, msg_id: &str, timestamp: i64, body: &[u8], header: &str) -> bool {
        header.split(' ').any(|sig| {
            let Some(b64) = sig.strip_prefix("v1,") else {
                return false;
            };
            let Ok(raw) = B64.decode(b64) else {
                return false;
            };
            self.mac(msg_id, timestamp, body).verify_slice(&raw).is_ok()
        })
    }

    fn mac(&self, msg_id: &str, timestamp: i64, body: &[u8]) -> HmacSha256 {
        let mut mac = HmacSha256::new_from_slice(&self.0).expect("HMAC takes a key of any length");
        mac.update(msg_id.as_bytes());
        mac.update(b".");
        mac.update(timestamp.to_string().as_bytes());
        mac.update(b".");
        mac.update(body);
        mac
    }
}

/// The `webhook-id` of an event sent to a webhook: the same on every retry and
/// after a restart, different for each (event, webhook) pair.
pub fn message_id(event_id: &str, webhook_id: i64) -> String {
    hashed_id(&webhook_id.to_string(), event_id)
}

/// The `webhook-id` of an event that `forward --from nats://…` sends to a
/// target URL: a function of the URL and the event id alone, so every
/// forwarder of that target, on any machine and whatever its local store
/// holds, signs a redelivered event with the same id and the receiver can
/// drop the duplicate. A URL always holds `://`, so it never collides with
/// the numeric key of [`message_id`].
pub fn stream_message_id(event_id: &str, target_url: &str) -> String {
    hashed_id(target_url, event_id)
}

/// `msg_` and 32 hex digits of SHA-256(`{key}\n{event_id}`).
fn hashed_id(key: &str, event_id: &str) -> String {
    let digest = Sha256::digest(format!("{key}\n{event_id}").as_bytes());
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("msg_{hex}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_standard_webhooks_reference_vector() {
        // The test vector of the Standard Webhooks reference libraries.
        let key = SigningKey::from_secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        let sig = key.sign(
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            br#"{"test": 2432232314}"#,
        );
        assert_eq!(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
        assert!(key.verify(
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            br#"{"test": 2432232314}"#,
            &format!("v1,bogus {sig}")
        ));
        assert!(!key.verify(
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265331,
            br#"{"test": 2432232314}"#,
            &sig
        ));
    }

    #[test]
    fn plain_secrets_are_utf8_bytes_and_bad_whsec_is_refused() {
        let plain = SigningKey::from_secret("s3cret").unwrap();
        assert_eq!(plain.0, b"s3cret");
        let err = SigningKey::from_secret("whsec_!!!notbase64").unwrap_err();
        assert!(!err.message.contains("!!!notbase64"), "{err}");
        assert!(SigningKey::from_secret("").is_err());
        assert_eq!(format!("{plain:?}"), "SigningKey(redacted)");
    }

    #[test]
    fn message_ids_are_stable_per_event_and_webhook() {
        assert_eq!(message_id("e1", 1), message_id("e1", 1));
        assert_ne!(message_id("e1", 1), message_id("e1", 2));
        assert_ne!(message_id("e1", 1), message_id("e2", 1));
        assert!(message_id("e1", 1).starts_with("msg_"));
        assert_eq!(message_id("e1", 1).len(), 4 + 32);
    }

    #[test]
    fn stream_message_ids_depend_on_the_url_and_event_only() {
        let url = "https://example.test/hook";
        assert_eq!(stream_message_id("e1", url), stream_message_id("e1", url));
        assert_ne!(stream_message_id("e1", url), stream_message_id("e2", url));
        assert_ne!(
            stream_message_id("e1", url),
            stream_message_id("e1", "https://example.test/other")
        );
        // Unchanged ids for stored webhooks.
        assert_eq!(message_id("e1", 1), hashed_id("1", "e1"));
        assert_eq!(stream_message_id("e1", url).len(), 4 + 32);
    }
}
