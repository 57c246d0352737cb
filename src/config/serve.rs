//! `serve`'s address, API key, buffer and overlay token generation.

use anyhow::{Result, bail};

use crate::error::Failure;
use crate::secret::Secret;

/// `serve`'s listening address, API key and buffer size, resolved.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    pub listen: std::net::SocketAddr,
    /// Required on `/api/*` when set.
    pub api_key: Option<Secret>,
    /// Events kept in the store at most.
    pub buffer: u64,
    /// `--overlay-token-generation`.
    pub overlay_generation: u32,
}

/// Resolve `--listen`, `--api-key`/`API_KEY`, `--insecure-no-auth` and
/// `--buffer`. Listening beyond loopback without an API key is refused unless
/// `--insecure-no-auth` says it is meant.
pub fn resolve_serve(args: &crate::cli::ServeArgs) -> Result<ServeConfig> {
    let listen = parse_listen(&args.access.listen)?;
    let api_key = args
        .access
        .api_key
        .as_deref()
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .map(Secret::new);
    if !listen.ip().is_loopback() && api_key.is_none() && !args.insecure_no_auth {
        bail!(Failure::usage(format!(
            "refusing to serve on {listen} without an API key: anyone who can reach it could \
             read the events and add webhooks; set API_KEY (or pass --api-key KEY), listen on \
             127.0.0.1, or pass --insecure-no-auth if the network is trusted"
        )));
    }
    if args.buffer == 0 {
        bail!(Failure::usage(
            "--buffer must be at least 1 (the number of events kept for the API)"
        ));
    }
    Ok(ServeConfig {
        listen,
        api_key,
        buffer: args.buffer,
        overlay_generation: args.access.overlay_token_generation,
    })
}

/// `IP:PORT` (`[::1]:8080` for IPv6) or `localhost:PORT`.
pub fn parse_listen(s: &str) -> Result<std::net::SocketAddr> {
    let s = s.trim();
    if let Ok(addr) = s.parse() {
        return Ok(addr);
    }
    if let Some(port) = s.strip_prefix("localhost:")
        && let Ok(port) = port.parse::<u16>()
    {
        return Ok(std::net::SocketAddr::from(([127, 0, 0, 1], port)));
    }
    bail!(Failure::usage(format!(
        "invalid --listen '{s}': give IP:PORT, e.g. 127.0.0.1:8080 (this machine only) or 0.0.0.0:8080 (every interface)"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listen_addresses_parse_and_non_loopback_needs_a_key() {
        use clap::Parser;
        assert_eq!(
            parse_listen("localhost:80").unwrap(),
            "127.0.0.1:80".parse().unwrap()
        );
        assert!(parse_listen("[::1]:8080").unwrap().ip().is_loopback());
        assert!(parse_listen("8080").is_err());
        let serve = |extra: &[&str]| {
            let mut argv = vec!["tiklive", "serve", "--demo"];
            argv.extend_from_slice(extra);
            let cli = crate::cli::Cli::try_parse_from(argv).unwrap();
            let crate::cli::Command::Serve(mut args) = cli.command else {
                panic!()
            };
            // Independent of the environment (clap reads API_KEY).
            if !extra.contains(&"--api-key") {
                args.access.api_key = None;
            }
            resolve_serve(&args)
        };
        assert!(
            serve(&["--listen", "127.0.0.1:0"])
                .unwrap()
                .api_key
                .is_none()
        );
        let err = serve(&["--listen", "0.0.0.0:8080"]).unwrap_err();
        assert_eq!(crate::error::code_of(&err), crate::error::Code::Usage);
        assert!(err.to_string().contains("set API_KEY"), "{err}");
        assert!(serve(&["--listen", "0.0.0.0:8080", "--api-key", "k"]).is_ok());
        assert!(serve(&["--listen", "0.0.0.0:8080", "--insecure-no-auth"]).is_ok());
        assert!(serve(&["--buffer", "0"]).is_err());
    }
}
