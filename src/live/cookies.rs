//! The cookie jar sent on the WebSocket (and to room info).
//!
//! Anonymous connection (the session is not sent to the sign server): only
//! the cookies the sign server hands back in `x-set-tt-cookie`; no
//! `sessionid*`, `sid_*` or `tt-target-idc`, since a session cookie on a
//! socket signed without it is rejected with `illegal secret key`
//! (TikTok-Live-Connector 2.5.0 stopped sending them; protocol.md, Late-2026
//! update). Authenticated connection: the whole jar, `sessionid`,
//! `sessionid_ss`, `sid_tt`, `sid_guard` and `tt-target-idc`.

use crate::secret::Secret;

/// The session cookies of a logged-in browser (TikTok-Live-Connector 2.5.0
/// `SESSION_COOKIE_NAMES`); each carries the session id.
pub const SESSION_COOKIES: [&str; 4] = ["sessionid", "sessionid_ss", "sid_tt", "sid_guard"];

#[derive(Clone, Default)]
pub struct CookieJar {
    cookies: Vec<(String, String)>,
}

const ATTRIBUTES: &[&str] = &[
    "path",
    "domain",
    "expires",
    "max-age",
    "samesite",
    "secure",
    "httponly",
    "priority",
    "partitioned",
];

impl CookieJar {
    /// The starting jar. `session` is the logged-in session when the
    /// connection is authenticated (the session went to the sign server),
    /// with its data centre (default `useast1a`); `None` for an anonymous
    /// connection, whose jar starts empty.
    pub fn new(session: Option<(&Secret, Option<&str>)>) -> CookieJar {
        let mut jar = CookieJar::default();
        if let Some((sid, idc)) = session {
            for name in SESSION_COOKIES {
                jar.set(name, sid.expose());
            }
            jar.set("tt-target-idc", idc.unwrap_or("useast1a"));
        }
        jar
    }

    /// The jar for `cfg`: authenticated only when the session is sent to the
    /// sign server.
    pub fn for_config(cfg: &crate::config::LiveConfig) -> CookieJar {
        let session = cfg
            .session_id
            .as_ref()
            .filter(|_| cfg.send_session_to_signer)
            .map(|sid| (sid, cfg.target_idc.as_deref()));
        CookieJar::new(session)
    }

    pub fn set(&mut self, name: &str, value: &str) {
        match self.cookies.iter_mut().find(|(n, _)| n == name) {
            Some(c) => c.1 = value.to_string(),
            None => self.cookies.push((name.to_string(), value.to_string())),
        }
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.cookies
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Merge a Set-Cookie-style string (one or several cookies, with
    /// attributes) such as the sign server's `x-set-tt-cookie`.
    pub fn merge_set_cookie(&mut self, header: &str) -> usize {
        let mut n = 0;
        for token in header.split([';', ',']) {
            let Some((name, value)) = token.split_once('=') else {
                continue;
            };
            let name = name.trim();
            if name.is_empty()
                || name.contains(' ')
                || ATTRIBUTES.contains(&name.to_ascii_lowercase().as_str())
            {
                continue;
            }
            self.set(name, value.trim());
            n += 1;
        }
        n
    }

    /// The `Cookie` header value.
    pub fn header(&self) -> String {
        self.cookies
            .iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// Names only: the values are credentials.
impl std::fmt::Debug for CookieJar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.cookies.iter().map(|(n, _)| n))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_set_cookie_strings() {
        let mut jar = CookieJar::new(None);
        let n = jar.merge_set_cookie(
            "ttwid=1%7Cabc; Path=/; Domain=tiktok.com; Expires=Wed, 21 Oct 2026 07:28:00 GMT; HttpOnly, msToken=xyz; Secure",
        );
        assert_eq!(n, 2);
        assert_eq!(jar.header(), "ttwid=1%7Cabc; msToken=xyz");
        jar.merge_set_cookie("ttwid=new");
        assert_eq!(jar.get("ttwid"), Some("new"));
    }

    #[test]
    fn a_session_adds_its_cookies() {
        let jar = CookieJar::new(Some((&Secret::new("s1"), Some("useast2a"))));
        assert_eq!(jar.get("tt-target-idc"), Some("useast2a"));
        for name in SESSION_COOKIES {
            assert_eq!(jar.get(name), Some("s1"));
        }
        assert_eq!(
            format!("{jar:?}"),
            r#"["sessionid", "sessionid_ss", "sid_tt", "sid_guard", "tt-target-idc"]"#
        );
    }
}
