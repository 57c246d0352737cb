//! One delivery as an HTTP request: building and signing it, rendering it
//! for `--dry-run`, sending it and classifying the answer.

use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use crate::clock::now_ms;

use super::retry::{Outcome, classify, parse_retry_after};
use super::target::Target;

/// How much of a failed response's body is kept in the reason.
const SNIPPET_CHARS: usize = 200;

/// One HTTP request, fully built (for sending or for `--dry-run`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub url: String,
    /// Lower-case names, in the order sent.
    pub headers: Vec<(&'static str, String)>,
    pub body: String,
}

/// Build the signed request of an event for a target at `timestamp` (unix s).
pub fn build_request(target: &Target, msg_id: &str, event_json: &str, timestamp: i64) -> Request {
    let body = target.body(event_json);
    let mut headers = vec![
        ("content-type", "application/json".to_string()),
        ("user-agent", crate::version::user_agent()),
        ("webhook-id", msg_id.to_string()),
        ("webhook-timestamp", timestamp.to_string()),
    ];
    if let Some(key) = &target.key {
        headers.push((
            "webhook-signature",
            key.sign(msg_id, timestamp, body.as_bytes()),
        ));
    }
    Request {
        url: target.webhook.url.clone(),
        headers,
        body,
    }
}

/// The request as text, the signature redacted (`--dry-run`):
/// `POST URL`, the headers, a blank line, the body, a blank line.
pub fn render_redacted(req: &Request) -> String {
    let mut out = format!("POST {}\n", crate::redact::url(&req.url));
    for (name, value) in &req.headers {
        let value = if *name == "webhook-signature" {
            "v1,(redacted)"
        } else {
            value
        };
        out.push_str(name);
        out.push_str(": ");
        out.push_str(value);
        out.push('\n');
    }
    out.push('\n');
    out.push_str(&req.body);
    out.push_str("\n\n");
    out
}

/// The one HTTP client of a process: every request has a connect timeout and
/// a total `timeout`; the User-Agent is `tiklive/<version>`; redirects are not
/// followed; proxy variables are not read (config.rs is the only env reader).
///
/// # Errors
/// The TLS backend could not be set up.
pub fn http_client(timeout: Duration) -> Result<reqwest::Client> {
    reqwest::Client::builder()
        .user_agent(crate::version::user_agent())
        .connect_timeout(timeout.min(Duration::from_secs(10)))
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .tcp_nodelay(true)
        .build()
        .context("cannot set up the HTTP client")
}

/// Send one request and classify the answer; also returns how long it took.
pub async fn send(client: &reqwest::Client, req: Request) -> (Outcome, Duration) {
    let start = Instant::now();
    let mut builder = client.post(&req.url);
    for (name, value) in &req.headers {
        if *name != "user-agent" {
            builder = builder.header(*name, value);
        }
    }
    let outcome = match builder.body(req.body).send().await {
        Err(e) => transport_outcome(&e),
        Ok(resp) => {
            let status = resp.status();
            let retry_after = resp
                .headers()
                .get(reqwest::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| parse_retry_after(v, now_ms()));
            let snippet = drain_body(resp).await;
            let mut reason = format!(
                "HTTP {} {}",
                status.as_u16(),
                status.canonical_reason().unwrap_or("")
            )
            .trim_end()
            .to_string();
            if !status.is_success() && !snippet.is_empty() {
                reason.push_str(": ");
                reason.push_str(&snippet);
            }
            classify(status.as_u16(), retry_after, reason)
        }
    };
    (outcome, start.elapsed())
}

/// Read (and mostly discard) the body so the connection can be reused;
/// returns its start as one line.
async fn drain_body(mut resp: reqwest::Response) -> String {
    let mut head = Vec::new();
    let mut total = 0usize;
    while let Ok(Some(chunk)) = resp.chunk().await {
        total += chunk.len();
        if head.len() < SNIPPET_CHARS * 4 {
            let take = (SNIPPET_CHARS * 4 - head.len()).min(chunk.len());
            head.extend_from_slice(&chunk[..take]);
        }
        if total > 1 << 20 {
            break;
        }
    }
    let text = String::from_utf8_lossy(&head);
    let line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    line.chars().take(SNIPPET_CHARS).collect()
}

/// Why a request got no answer, in one short line: `timed out`, `could not
/// connect: Connection refused (os error 111)` (the innermost cause; the
/// caller names the URL), else the chain of causes without repeats.
fn transport_outcome(e: &reqwest::Error) -> Outcome {
    let reason = if e.is_timeout() {
        "timed out".to_string()
    } else if e.is_connect() {
        let mut root: &dyn std::error::Error = e;
        while let Some(next) = root.source() {
            root = next;
        }
        format!("could not connect: {root}")
    } else {
        let mut parts: Vec<String> = Vec::new();
        let mut cur: Option<&dyn std::error::Error> = Some(e);
        while let Some(err) = cur {
            let text = err.to_string();
            if !parts.iter().any(|p| p.contains(&text)) {
                parts.push(text);
            }
            cur = err.source();
        }
        parts.join(": ")
    };
    if e.is_builder() {
        Outcome::Fail {
            status: None,
            reason,
        }
    } else {
        Outcome::Retry {
            status: None,
            reason,
            retry_after: None,
        }
    }
}
