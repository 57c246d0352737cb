//! Opening a TCP stream for the WebSocket, directly or through a proxy
//! (HTTP CONNECT or SOCKS5), so `--proxy` / `HTTPS_PROXY` / `ALL_PROXY` apply to
//! the socket as well as to HTTP — the libraries that ignore the proxy on the
//! WebSocket are a common complaint (anchors.md §5 item 14).
//!
//! The URL is parsed by the `url` crate and the user name and password are
//! percent-decoded (`p%40ss%3Aw0rd` is the password `p@ss:w0rd`), so HTTP
//! calls (reqwest, which decodes them the same way) and the socket use the
//! same credentials. The CONNECT and SOCKS5 handshakes are hyper-util's
//! (`Tunnel`, `SocksV5`), the code reqwest itself uses for proxies.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::connect::proxy::{SocksV5, Tunnel};
use tokio::net::TcpStream;
use tower_service::Service;

use super::error::LiveError;
use crate::secret::Secret;

fn err(msg: impl Into<String>) -> LiveError {
    LiveError::Network(msg.into())
}

/// How long reaching the proxy (or the target) may take.
pub const PROXY_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A parsed proxy URL: parsed once (by `config`), then handed to the HTTP
/// client ([`Proxy::for_http`]) and the socket. `Debug` and
/// [`Proxy::redacted`] never show the password.
#[derive(Clone, PartialEq, Eq)]
pub struct Proxy {
    pub kind: ProxyKind,
    pub host: String,
    pub port: u16,
    /// User name and password, percent-decoded.
    pub auth: Option<(String, Secret)>,
    /// The URL as parsed, for reqwest.
    url: url::Url,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProxyKind {
    Http,
    Socks5,
}

impl std::fmt::Debug for Proxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl Proxy {
    /// Parse `http://[user:pw@]host[:port]`, `https://…` (CONNECT over plain
    /// TCP to the proxy), `socks5://…` or `socks5h://…`. Errors are one line
    /// and never repeat the password.
    pub fn parse(raw: &str) -> Result<Proxy, LiveError> {
        let bad = |why: &str| {
            err(format!(
                "invalid proxy '{}': {why}; use http://host:port, https://host:port or socks5://host:port",
                crate::redact::url(raw)
            ))
        };
        let url = url::Url::parse(raw.trim()).map_err(|e| bad(&e.to_string()))?;
        let (kind, default_port) = match url.scheme() {
            "http" => (ProxyKind::Http, 80),
            "https" => (ProxyKind::Http, 443),
            "socks5" | "socks5h" => (ProxyKind::Socks5, 1080),
            other => return Err(bad(&format!("unsupported scheme {other}"))),
        };
        let host = url
            .host_str()
            .filter(|h| !h.is_empty())
            .ok_or_else(|| bad("no host"))?
            .trim_matches(['[', ']'])
            .to_string();
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8()
                .map(|c| c.into_owned())
                .map_err(|_| bad("the user name or password is not UTF-8 once decoded"))
        };
        let auth = if url.username().is_empty() && url.password().is_none() {
            None
        } else {
            let user = decode(url.username())?;
            let pass = decode(url.password().unwrap_or(""))?;
            Some((user, Secret::new(pass)))
        };
        Ok(Proxy {
            kind,
            host,
            port: url.port().unwrap_or(default_port),
            auth,
            url,
        })
    }

    /// The same proxy for reqwest (all schemes, credentials included).
    ///
    /// # Errors
    /// reqwest refuses the URL (not expected for one [`Proxy::parse`] took).
    pub fn for_http(&self) -> Result<reqwest::Proxy, LiveError> {
        reqwest::Proxy::all(self.url.clone())
            .map_err(|e| err(format!("invalid proxy '{}': {e}", self.redacted())))
    }

    /// `scheme://user:***@host:port`, for messages.
    pub fn redacted(&self) -> String {
        let scheme = match self.kind {
            ProxyKind::Http => "http",
            ProxyKind::Socks5 => "socks5",
        };
        let user = match &self.auth {
            Some((u, _)) => format!("{u}:***@"),
            None => String::new(),
        };
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        format!("{scheme}://{user}{host}:{}", self.port)
    }

    fn uri(&self, scheme: &str) -> Result<hyper::Uri, LiveError> {
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        format!("{scheme}://{host}:{}", self.port)
            .parse()
            .map_err(|e| err(format!("bad proxy address {}: {e}", self.redacted())))
    }
}

impl Proxy {
    /// Check that the proxy accepts TCP connections at all, so that a dead
    /// proxy is reported as such (named, redacted) instead of as a failed
    /// room lookup.
    pub async fn probe(&self) -> Result<(), LiveError> {
        let unreachable = |detail: String| LiveError::ProxyUnreachable {
            proxy: self.redacted(),
            detail,
        };
        match tokio::time::timeout(
            PROXY_CONNECT_TIMEOUT,
            TcpStream::connect((self.host.as_str(), self.port)),
        )
        .await
        {
            Err(_) => Err(unreachable("timed out".into())),
            Ok(Err(e)) => Err(unreachable(e.to_string())),
            Ok(Ok(_)) => Ok(()),
        }
    }
}

/// Open a TCP stream to `host:port`, through `proxy` if given. A proxy that
/// cannot be reached or refuses is named (redacted) in the error.
pub async fn connect(host: &str, port: u16, proxy: Option<&Proxy>) -> Result<TcpStream, LiveError> {
    let Some(p) = proxy else {
        return tokio::time::timeout(PROXY_CONNECT_TIMEOUT, TcpStream::connect((host, port)))
            .await
            .map_err(|_| err(format!("connecting to {host}:{port} timed out")))?
            .map_err(|e| err(format!("could not connect to {host}:{port}: {e}")));
    };
    let mut inner = HttpConnector::new();
    inner.enforce_http(false);
    inner.set_nodelay(true);
    inner.set_connect_timeout(Some(PROXY_CONNECT_TIMEOUT));
    let target_host = if host.contains(':') {
        format!("[{host}]")
    } else {
        host.to_string()
    };
    let dst: hyper::Uri = format!("http://{target_host}:{port}")
        .parse()
        .map_err(|e| err(format!("bad socket address {host}:{port}: {e}")))?;
    let via = p.redacted();
    let fail = |e: &dyn std::fmt::Display| {
        err(format!(
            "the proxy {via} could not open a tunnel to {host}:{port}: {e}"
        ))
    };
    let io = match p.kind {
        ProxyKind::Http => {
            let mut tunnel = Tunnel::new(p.uri("http")?, inner);
            if let Some((user, pass)) = &p.auth {
                let token = B64.encode(format!("{user}:{}", pass.expose()));
                let value = format!("Basic {token}")
                    .parse()
                    .map_err(|_| err(format!("the proxy {via} has unusable credentials")))?;
                tunnel = tunnel.with_auth(value);
            }
            tokio::time::timeout(PROXY_CONNECT_TIMEOUT * 2, tunnel.call(dst))
                .await
                .map_err(|_| fail(&"timed out"))?
                .map_err(|e| fail(&source_chain(&e)))?
        }
        ProxyKind::Socks5 => {
            let mut socks = SocksV5::new(p.uri("socks5")?, inner);
            if let Some((user, pass)) = &p.auth {
                socks = socks.with_auth(user.clone(), pass.expose().to_string());
            }
            tokio::time::timeout(PROXY_CONNECT_TIMEOUT * 2, socks.call(dst))
                .await
                .map_err(|_| fail(&"timed out"))?
                .map_err(|e| fail(&source_chain(&e)))?
        }
    };
    Ok(io.into_inner())
}

fn source_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut cur = e.source();
    while let Some(next) = cur {
        out.push_str(": ");
        out.push_str(&next.to_string());
        cur = next.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_proxy_urls_and_decodes_credentials() {
        let p = Proxy::parse("socks5://u:p%40ss%3Aw0rd@127.0.0.1:1080").unwrap();
        assert_eq!(p.kind, ProxyKind::Socks5);
        assert_eq!((p.host.as_str(), p.port), ("127.0.0.1", 1080));
        let (user, pass) = p.auth.clone().unwrap();
        assert_eq!((user.as_str(), pass.expose()), ("u", "p@ss:w0rd"));
        assert_eq!(format!("{p:?}"), "socks5://u:***@127.0.0.1:1080");
        assert!(!format!("{p:?}").contains("w0rd"));
        assert_eq!(Proxy::parse("http://proxy").unwrap().port, 80);
        assert_eq!(Proxy::parse("http://[::1]:3128").unwrap().host, "::1");
        // A long hostname is kept whole, never truncated.
        let long = format!("http://{}.example:8080", "a".repeat(60));
        assert_eq!(Proxy::parse(&long).unwrap().host.len(), 68);
        assert!(Proxy::parse("ftp://x").is_err());
        assert!(Proxy::parse("http://:80").is_err());
        let e = Proxy::parse("http://u:secret@h:port")
            .unwrap_err()
            .to_string();
        assert!(!e.contains("secret"), "{e}");
    }
}
