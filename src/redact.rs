//! Passwords inside URLs, hidden before a URL is shown: in `tiklive config`,
//! `forward --dry-run`, warnings, `webhooks list|test`, the webhooks API and
//! the webhook body's `webhook.url`. Webhook, proxy and NATS URLs may carry
//! `user:password@`; what tiklive prints never shows the password.

use std::borrow::Cow;

/// `scheme://user:password@host/…` → `scheme://user:***@host/…`, and a
/// user alone (a token, as in `nats://TOKEN@host`) → `scheme://***@host/…`.
/// A URL without either comes back unchanged (borrowed). One that does not
/// parse has whatever sits between `://` and the last `@` hidden.
pub fn url(raw: &str) -> Cow<'_, str> {
    match url::Url::parse(raw.trim()) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            Cow::Owned(u.to_string())
        }
        Ok(mut u) if !u.username().is_empty() => {
            let _ = u.set_username("***");
            Cow::Owned(u.to_string())
        }
        Ok(_) => Cow::Borrowed(raw),
        Err(_) => match (raw.find("://"), raw.rfind('@')) {
            (Some(a), Some(b)) if b > a => Cow::Owned(format!("{}***{}", &raw[..a + 3], &raw[b..])),
            _ => Cow::Borrowed(raw),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::url;

    #[test]
    fn passwords_are_hidden_and_the_rest_kept() {
        assert_eq!(
            url("https://bob:hunter2@hooks.example/x?a=1"),
            "https://bob:***@hooks.example/x?a=1"
        );
        assert_eq!(
            url("nats://u:p@127.0.0.1:4222"),
            "nats://u:***@127.0.0.1:4222"
        );
        assert_eq!(url("https://hooks.example/x"), "https://hooks.example/x");
        assert_eq!(
            url("nats://s3cret@127.0.0.1:4222"),
            "nats://***@127.0.0.1:4222"
        );
        assert_eq!(url("http://u:p@[bad"), "http://***@[bad");
        assert_eq!(url("not a url"), "not a url");
    }
}
