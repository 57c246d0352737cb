//! Real `nats-server` processes on loopback for the JetStream tests: one node
//! or a cluster with routes, each with its own temporary store, killed (and
//! reaped) when dropped. The binary comes from `NATS_SERVER_BIN`, else `PATH`,
//! else `/usr/sbin/nats-server` (Debian's package; `scripts/test` installs it).

#![allow(dead_code)]

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use async_nats::jetstream;

/// The `nats-server` binary.
pub fn nats_server_bin() -> PathBuf {
    if let Some(p) = std::env::var_os("NATS_SERVER_BIN") {
        return PathBuf::from(p);
    }
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            let p = dir.join("nats-server");
            if p.is_file() {
                return p;
            }
        }
    }
    PathBuf::from("/usr/sbin/nats-server")
}

/// A free loopback port (bound, then released).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// One `nats-server` with JetStream.
pub struct NatsServer {
    child: Option<Child>,
    pub port: u16,
    pub cluster_port: u16,
    store: Option<tempfile::TempDir>,
}

impl NatsServer {
    /// A single node.
    pub fn start() -> NatsServer {
        NatsServer::spawn(free_port(), None)
    }

    /// A single node on a chosen port.
    pub fn start_on(port: u16) -> NatsServer {
        NatsServer::spawn(port, None)
    }

    /// `n` nodes joined by routes (cluster `tiklive-test`).
    pub fn cluster(n: usize) -> Vec<NatsServer> {
        let plan = ClusterPlan::new(n);
        (0..n).map(|i| plan.start(i)).collect()
    }

    fn spawn(port: u16, cluster: Option<(usize, u16, String)>) -> NatsServer {
        NatsServer::spawn_with(tempfile::tempdir().unwrap(), port, cluster)
    }

    fn spawn_with(
        store: tempfile::TempDir,
        port: u16,
        cluster: Option<(usize, u16, String)>,
    ) -> NatsServer {
        let mut cmd = Command::new(nats_server_bin());
        cmd.args(["-a", "127.0.0.1", "-p", &port.to_string(), "-js", "-sd"])
            .arg(store.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let mut cluster_port = 0;
        if let Some((i, c, routes)) = cluster {
            cluster_port = c;
            cmd.args([
                "-n",
                &format!("node{i}"),
                "--cluster_name",
                "tiklive-test",
                "--cluster",
                &format!("nats://127.0.0.1:{c}"),
                "--routes",
                &routes,
            ]);
        }
        let child = cmd.spawn().unwrap_or_else(|e| {
            panic!(
                "cannot start {} ({e}); install nats-server or set NATS_SERVER_BIN",
                nats_server_bin().display()
            )
        });
        let server = NatsServer {
            child: Some(child),
            port,
            cluster_port,
            store: Some(store),
        };
        super::wait_until("nats-server to start", Duration::from_secs(10), || {
            std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
        });
        server
    }

    pub fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    /// SIGKILL the server (no goodbye to its peers or clients).
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Start a single node killed by [`NatsServer::kill`] again: the same
    /// port and the same JetStream store (streams and KV buckets kept).
    pub fn restart(&mut self) {
        self.kill();
        let store = self.store.take().expect("a store");
        *self = NatsServer::spawn_with(store, self.port, None);
    }
}

impl Drop for NatsServer {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The ports and routes of a cluster of `n` nodes (`node0`, `node1`, …, in
/// cluster `tiklive-test`), so that nodes can be started one at a time.
pub struct ClusterPlan {
    ports: Vec<(u16, u16)>,
    routes: String,
}

impl ClusterPlan {
    pub fn new(n: usize) -> ClusterPlan {
        let ports: Vec<(u16, u16)> = (0..n).map(|_| (free_port(), free_port())).collect();
        let routes = ports
            .iter()
            .map(|(_, c)| format!("nats://127.0.0.1:{c}"))
            .collect::<Vec<_>>()
            .join(",");
        ClusterPlan { ports, routes }
    }

    /// Start node `i`.
    pub fn start(&self, i: usize) -> NatsServer {
        let (p, c) = self.ports[i];
        NatsServer::spawn(p, Some((i, c, self.routes.clone())))
    }

    /// The client URL of node `i`, started or not.
    pub fn url(&self, i: usize) -> String {
        format!("nats://127.0.0.1:{}", self.ports[i].0)
    }
}

/// The URLs of several servers as one `--sink` value.
pub fn urls(servers: &[NatsServer]) -> String {
    servers
        .iter()
        .map(NatsServer::url)
        .collect::<Vec<_>>()
        .join(",")
}

/// One stored message of the events stream.
#[derive(Debug, Clone)]
pub struct Stored {
    pub seq: u64,
    pub subject: String,
    pub msg_id: String,
    pub event: serde_json::Value,
}

/// Every message of `stream`, in sequence order (read back by direct gets).
pub async fn stream_messages(url: &str, stream: &str) -> Vec<Stored> {
    let client = async_nats::connect(url).await.unwrap();
    let js = jetstream::new(client);
    let stream = js.get_stream(stream).await.unwrap();
    let state = stream.get_info().await.unwrap().state;
    let mut out = Vec::new();
    if state.messages == 0 {
        return out;
    }
    for seq in state.first_sequence..=state.last_sequence {
        let Ok(m) = stream.get_raw_message(seq).await else {
            continue;
        };
        let msg_id = m
            .headers
            .get("Nats-Msg-Id")
            .map(|v| v.to_string())
            .unwrap_or_default();
        out.push(Stored {
            seq,
            subject: m.subject.to_string(),
            msg_id,
            event: serde_json::from_slice(&m.payload).unwrap(),
        });
    }
    out
}
