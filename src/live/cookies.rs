//! The cookie jar sent with every TikTok request and on the WebSocket.
//! Starts with `tt-target-idc=useast1a` (what the Node client sends) and
//! merges the cookies the sign server hands back in `x-set-tt-cookie`.

use crate::secret::Secret;

#[derive(Debug, Clone, Default)]
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
    pub fn new(session_id: Option<&Secret>, target_idc: Option<&str>) -> CookieJar {
        let mut jar = CookieJar::default();
        jar.set("tt-target-idc", target_idc.unwrap_or("useast1a"));
        if let Some(sid) = session_id {
            for name in ["sessionid", "sessionid_ss", "sid_tt"] {
                jar.set(name, sid.expose());
            }
        }
        jar
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_set_cookie_strings() {
        let mut jar = CookieJar::new(None, None);
        let n = jar.merge_set_cookie(
            "ttwid=1%7Cabc; Path=/; Domain=tiktok.com; Expires=Wed, 21 Oct 2026 07:28:00 GMT; HttpOnly, msToken=xyz; Secure",
        );
        assert_eq!(n, 2);
        assert_eq!(
            jar.header(),
            "tt-target-idc=useast1a; ttwid=1%7Cabc; msToken=xyz"
        );
        jar.merge_set_cookie("ttwid=new");
        assert_eq!(jar.get("ttwid"), Some("new"));
    }

    #[test]
    fn a_session_adds_its_cookies() {
        let jar = CookieJar::new(Some(&Secret::new("s1")), Some("useast2a"));
        assert_eq!(jar.get("tt-target-idc"), Some("useast2a"));
        assert_eq!(jar.get("sessionid"), Some("s1"));
    }
}
