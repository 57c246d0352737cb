//! Opening a TCP stream for the WebSocket, directly or through a proxy
//! (HTTP CONNECT or SOCKS5), so `--proxy` / `HTTPS_PROXY` / `ALL_PROXY` apply to
//! the socket as well as to HTTP — the libraries that ignore the proxy on the
//! WebSocket are a common complaint (anchors.md §5 item 14).

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::error::LiveError;

fn err(msg: impl Into<String>) -> LiveError {
    LiveError::Network(msg.into())
}

/// A parsed proxy URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proxy {
    pub kind: ProxyKind,
    pub host: String,
    pub port: u16,
    pub auth: Option<(String, String)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProxyKind {
    Http,
    Socks5,
}

impl Proxy {
    /// Parse `http://[user:pw@]host[:port]`, `https://…` (CONNECT over plain
    /// TCP to the proxy), `socks5://…` or `socks5h://…`.
    pub fn parse(url: &str) -> Result<Proxy, LiveError> {
        let (kind, rest, default_port) = if let Some(r) = url.strip_prefix("http://") {
            (ProxyKind::Http, r, 80)
        } else if let Some(r) = url.strip_prefix("https://") {
            (ProxyKind::Http, r, 443)
        } else if let Some(r) = url
            .strip_prefix("socks5h://")
            .or_else(|| url.strip_prefix("socks5://"))
        {
            (ProxyKind::Socks5, r, 1080)
        } else {
            return Err(err(format!(
                "invalid proxy '{url}': use http://, https:// or socks5://"
            )));
        };
        let rest = rest.split('/').next().unwrap_or("");
        let (auth, hostport) = match rest.rsplit_once('@') {
            Some((a, h)) => {
                let (u, p) = a.split_once(':').unwrap_or((a, ""));
                (Some((u.to_string(), p.to_string())), h)
            }
            None => (None, rest),
        };
        let (host, port) = match hostport.rsplit_once(':') {
            Some((h, p)) => (
                h,
                p.parse()
                    .map_err(|_| err(format!("invalid proxy port in '{url}'")))?,
            ),
            None => (hostport, default_port),
        };
        if host.is_empty() {
            return Err(err(format!("invalid proxy '{url}': no host")));
        }
        Ok(Proxy {
            kind,
            host: host.trim_matches(['[', ']']).to_string(),
            port,
            auth,
        })
    }
}

/// Open a TCP stream to `host:port`, through `proxy` if given.
pub async fn connect(host: &str, port: u16, proxy: Option<&Proxy>) -> Result<TcpStream, LiveError> {
    let Some(p) = proxy else {
        return TcpStream::connect((host, port))
            .await
            .map_err(|e| err(format!("could not connect to {host}:{port}: {e}")));
    };
    let mut s = TcpStream::connect((p.host.as_str(), p.port))
        .await
        .map_err(|e| {
            err(format!(
                "could not connect to the proxy {}:{}: {e}",
                p.host, p.port
            ))
        })?;
    match p.kind {
        ProxyKind::Http => http_connect(&mut s, host, port, p).await?,
        ProxyKind::Socks5 => socks5_connect(&mut s, host, port, p).await?,
    }
    Ok(s)
}

async fn http_connect(
    s: &mut TcpStream,
    host: &str,
    port: u16,
    p: &Proxy,
) -> Result<(), LiveError> {
    let mut req = format!("CONNECT {host}:{port} HTTP/1.1\r\nHost: {host}:{port}\r\n");
    if let Some((u, pw)) = &p.auth {
        req.push_str(&format!(
            "Proxy-Authorization: Basic {}\r\n",
            B64.encode(format!("{u}:{pw}"))
        ));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes())
        .await
        .map_err(|e| err(format!("proxy CONNECT failed: {e}")))?;
    let mut buf = Vec::with_capacity(512);
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        if buf.len() > 16 * 1024 {
            return Err(err("proxy CONNECT answer is too long"));
        }
        let n = s
            .read(&mut byte)
            .await
            .map_err(|e| err(format!("proxy CONNECT failed: {e}")))?;
        if n == 0 {
            return Err(err("the proxy closed the connection during CONNECT"));
        }
        buf.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&buf);
    let status_line = head.lines().next().unwrap_or("");
    let ok = status_line
        .split_whitespace()
        .nth(1)
        .is_some_and(|c| c.starts_with('2'));
    if !ok {
        return Err(err(format!("the proxy refused CONNECT: {status_line}")));
    }
    Ok(())
}

async fn socks5_connect(
    s: &mut TcpStream,
    host: &str,
    port: u16,
    p: &Proxy,
) -> Result<(), LiveError> {
    let io = |e: std::io::Error| err(format!("SOCKS5 proxy failed: {e}"));
    let methods: &[u8] = if p.auth.is_some() {
        &[0x00, 0x02]
    } else {
        &[0x00]
    };
    let mut hello = vec![0x05, methods.len() as u8];
    hello.extend_from_slice(methods);
    s.write_all(&hello).await.map_err(io)?;
    let mut reply = [0u8; 2];
    s.read_exact(&mut reply).await.map_err(io)?;
    match reply {
        [0x05, 0x00] => {}
        [0x05, 0x02] => {
            let (u, pw) = p.auth.clone().unwrap_or_default();
            let mut auth = vec![0x01, u.len() as u8];
            auth.extend_from_slice(u.as_bytes());
            auth.push(pw.len() as u8);
            auth.extend_from_slice(pw.as_bytes());
            s.write_all(&auth).await.map_err(io)?;
            let mut r = [0u8; 2];
            s.read_exact(&mut r).await.map_err(io)?;
            if r[1] != 0 {
                return Err(err("the SOCKS5 proxy rejected the username/password"));
            }
        }
        _ => {
            return Err(err(
                "the SOCKS5 proxy offers no usable authentication method",
            ));
        }
    }
    let mut req = vec![0x05, 0x01, 0x00, 0x03, host.len() as u8];
    req.extend_from_slice(host.as_bytes());
    req.extend_from_slice(&port.to_be_bytes());
    s.write_all(&req).await.map_err(io)?;
    let mut head = [0u8; 4];
    s.read_exact(&mut head).await.map_err(io)?;
    if head[1] != 0 {
        return Err(err(format!(
            "the SOCKS5 proxy could not connect (code {})",
            head[1]
        )));
    }
    let skip = match head[3] {
        0x01 => 4,
        0x04 => 16,
        0x03 => {
            let mut l = [0u8; 1];
            s.read_exact(&mut l).await.map_err(io)?;
            usize::from(l[0])
        }
        _ => return Err(err("the SOCKS5 proxy sent a bad address type")),
    };
    let mut rest = vec![0u8; skip + 2];
    s.read_exact(&mut rest).await.map_err(io)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_proxy_urls() {
        assert_eq!(
            Proxy::parse("socks5://u:p@127.0.0.1:1080").unwrap(),
            Proxy {
                kind: ProxyKind::Socks5,
                host: "127.0.0.1".into(),
                port: 1080,
                auth: Some(("u".into(), "p".into()))
            }
        );
        assert_eq!(Proxy::parse("http://proxy").unwrap().port, 80);
        assert!(Proxy::parse("ftp://x").is_err());
        assert!(Proxy::parse("http://:80").is_err());
        assert!(Proxy::parse("http://h:port").is_err());
    }
}
