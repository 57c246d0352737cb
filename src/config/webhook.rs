//! Webhook URLs, `forward`'s targets and the default signing secret.

use anyhow::{Result, bail};

use crate::error::Failure;
use crate::secret::Secret;

use super::env_var;

/// A webhook URL: `http` or `https` with a host, nothing else.
pub fn validate_webhook_url(s: &str) -> Result<String> {
    let url = reqwest::Url::parse(s.trim()).map_err(|e| {
        Failure::usage(format!(
            "'{s}' is not a webhook URL ({e}): give http(s)://host[:port]/path"
        ))
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        bail!(Failure::usage(format!(
            "'{s}' is not a webhook URL: only http and https are accepted"
        )));
    }
    if url.host_str().is_none_or(str::is_empty) {
        bail!(Failure::usage(format!(
            "'{s}' is not a webhook URL: it has no host"
        )));
    }
    Ok(url.to_string())
}

/// Where `forward` delivers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ForwardTargets {
    /// `--to URL…`, else `WEBHOOK_URL`: ad-hoc targets.
    Urls(Vec<String>),
    /// The registered webhooks (`tiklive webhooks add`).
    Registered,
}

/// `--to` (repeatable) > `WEBHOOK_URL` > the registered webhooks.
pub fn resolve_forward_targets(to: &[String]) -> Result<ForwardTargets> {
    let urls: Vec<String> = if to.is_empty() {
        env_var("WEBHOOK_URL").into_iter().collect()
    } else {
        to.to_vec()
    };
    if urls.is_empty() {
        return Ok(ForwardTargets::Registered);
    }
    let mut valid: Vec<String> = Vec::new();
    for u in &urls {
        let v = validate_webhook_url(u)?;
        if !valid.contains(&v) {
            valid.push(v);
        }
    }
    Ok(ForwardTargets::Urls(valid))
}

/// `WEBHOOK_SECRET`: the signing secret of webhooks without their own.
pub fn webhook_secret() -> Option<Secret> {
    env_var("WEBHOOK_SECRET").map(Secret::new)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webhook_urls_are_http_or_https_with_a_host() {
        assert_eq!(
            validate_webhook_url("https://example.com/hook").unwrap(),
            "https://example.com/hook"
        );
        assert_eq!(
            validate_webhook_url("http://127.0.0.1:9000").unwrap(),
            "http://127.0.0.1:9000/"
        );
        for bad in [
            "ftp://example.com/x",
            "example.com/hook",
            "http://",
            "file:///etc/passwd",
            "",
        ] {
            let err = validate_webhook_url(bad).unwrap_err();
            assert_eq!(
                crate::error::code_of(&err),
                crate::error::Code::Usage,
                "{bad}"
            );
        }
        assert_eq!(
            resolve_forward_targets(&["http://a/x".into(), "http://a/x".into()]).unwrap(),
            ForwardTargets::Urls(vec!["http://a/x".into()])
        );
    }
}
