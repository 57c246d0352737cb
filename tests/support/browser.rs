//! Headless Chromium over WebDriver: `chromedriver` on a free 127.0.0.1
//! port and a `fantoccini` session with a fresh profile. Found through
//! `CHROMIUM_BIN` / `CHROMEDRIVER_BIN` or PATH (`scripts/test` installs
//! Debian's `chromium` and `chromium-driver` when they are missing).

use std::path::PathBuf;
use std::time::Duration;

use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};

/// A Chrome DevTools command sent through chromedriver
/// (`POST /session/{id}/goog/cdp/execute`).
#[derive(Debug)]
struct Cdp {
    cmd: &'static str,
    params: Value,
}

impl fantoccini::wd::WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!(
            "session/{}/goog/cdp/execute",
            session.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (axum::http::Method, Option<String>) {
        let body = json!({"cmd": self.cmd, "params": self.params});
        (axum::http::Method::POST, Some(body.to_string()))
    }
}

/// A browser session; the driver (and with it Chromium) is killed on drop.
pub struct Browser {
    pub client: Client,
    driver: std::process::Child,
    _profile: tempfile::TempDir,
}

impl Drop for Browser {
    /// Chromium outlives a killed chromedriver, so its processes (found by
    /// this session's own profile folder) are ended too; [`Browser::quit`]
    /// ends the session properly first.
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        let marker = format!("--user-data-dir={}", self._profile.path().display());
        let Ok(procs) = std::fs::read_dir("/proc") else {
            return;
        };
        for entry in procs.flatten() {
            let Some(pid) = entry
                .file_name()
                .to_str()
                .and_then(|n| n.parse::<u32>().ok())
            else {
                continue;
            };
            let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else {
                continue;
            };
            if cmdline
                .split(|b| *b == 0)
                .any(|arg| arg == marker.as_bytes())
            {
                let _ = std::process::Command::new("kill")
                    .args(["-9", &pid.to_string()])
                    .status();
            }
        }
    }
}

/// A program from `var`, else from PATH.
fn program(var: &str, names: &[&str]) -> PathBuf {
    if let Some(p) = std::env::var_os(var) {
        return PathBuf::from(p);
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path) {
        for name in names {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return candidate;
            }
        }
    }
    panic!(
        "{} not found: install Debian's chromium and chromium-driver (scripts/test does) or set {var}",
        names[0]
    );
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Browser {
    /// Start chromedriver and open a headless session of `width`×`height`,
    /// with sound allowed without a click (as in OBS).
    pub async fn start(width: u32, height: u32) -> Browser {
        let chromium = program("CHROMIUM_BIN", &["chromium", "chromium-browser"]);
        let chromedriver = program("CHROMEDRIVER_BIN", &["chromedriver"]);
        let profile = tempfile::tempdir().unwrap();
        let port = free_port();
        let driver = std::process::Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", chromedriver.display()));
        let args = [
            "--headless=new".to_string(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-quic".into(),
            "--no-first-run".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--disable-background-timer-throttling".into(),
            "--disable-renderer-backgrounding".into(),
            "--disable-backgrounding-occluded-windows".into(),
            "--autoplay-policy=no-user-gesture-required".into(),
            "--hide-scrollbars".into(),
            format!("--window-size={width},{height}"),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        let caps = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": chromium, "args": args},
        });
        let caps = match caps {
            Value::Object(m) => m,
            _ => unreachable!(),
        };
        let url = format!("http://127.0.0.1:{port}");
        let mut last = None;
        for _ in 0..100 {
            match ClientBuilder::new(HttpConnector::new())
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                Ok(client) => {
                    return Browser {
                        client,
                        driver,
                        _profile: profile,
                    };
                }
                Err(e) => last = Some(e),
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        panic!("no WebDriver session: {last:?}");
    }

    /// A screenshot (PNG) with a transparent default background, as OBS
    /// composes a browser source. (Chromium's `--default-background-color`
    /// switch makes chromedriver lose the window, so DevTools sets it.)
    pub async fn transparent_screenshot(&self) -> Vec<u8> {
        let clear = json!({"color": {"r": 0, "g": 0, "b": 0, "a": 0}});
        self.client
            .issue_cmd(Cdp {
                cmd: "Emulation.setDefaultBackgroundColorOverride",
                params: clear,
            })
            .await
            .unwrap();
        let shot = self.client.screenshot().await.unwrap();
        self.client
            .issue_cmd(Cdp {
                cmd: "Emulation.setDefaultBackgroundColorOverride",
                params: json!({}),
            })
            .await
            .unwrap();
        shot
    }

    /// End the session (chromedriver closes Chromium), then the driver.
    pub async fn quit(self) {
        let _ = self.client.clone().close().await;
    }

    /// Run `script` (a function body; `return` gives the value).
    pub async fn js(&self, script: &str) -> Value {
        self.client
            .execute(script, Vec::new())
            .await
            .unwrap_or_else(|e| panic!("{script}: {e}"))
    }

    /// Poll `script` until `ok` accepts its value (up to 30 s); returns it.
    pub async fn wait_for(&self, what: &str, script: &str, ok: impl Fn(&Value) -> bool) -> Value {
        let last = std::sync::Mutex::new(Value::Null);
        let why = super::lazy(|| format!("{what}; last value: {}", last.lock().unwrap()));
        super::eventually(why, Duration::from_secs(30), async || {
            let v = self.js(script).await;
            let done = ok(&v);
            *last.lock().unwrap() = v;
            done
        })
        .await;
        last.into_inner().unwrap()
    }

    /// Open `url`. A first navigation can race Chromium's start ("target
    /// frame detached"), so it is tried again.
    pub async fn goto(&self, url: &str) {
        let mut last = None;
        for _ in 0..5 {
            match self.client.goto(url).await {
                Ok(()) => return,
                Err(e) => last = Some(e),
            }
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
        panic!("{url}: {last:?}");
    }
}
