//! A pool of `tiklive worker`s on a real `nats-server` and the fake TikTok
//! (an endless chat per room): streamers move to the surviving worker after
//! SIGKILL within TTL + 10 s, and at once after SIGTERM, with no event missing
//! from the stream and none twice.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::time::Duration;

use serde_json::Value;
use tokio::process::{Child, Command};

use crate::support::fake_tiktok::{FakeTikTok, UserPage};
use crate::support::nats::{NatsServer, stream_messages};
use crate::support::{lazy, output_ok, poll_every, tiklive};

const STREAM: &str = "TIKLIVE_EVENTS";
const USERS: [&str; 6] = ["ann", "bo.b", "cy_c", "dee", "eve", "fay"];

struct Pool {
    nats: NatsServer,
    fake: FakeTikTok,
    dir: tempfile::TempDir,
}

impl Pool {
    async fn start() -> Pool {
        let fake = FakeTikTok::start().await;
        fake.endless(Duration::from_millis(40));
        for (i, u) in USERS.iter().enumerate() {
            fake.user(
                u,
                UserPage::Live {
                    room_id: format!("{}", 7101 + i),
                },
            );
        }
        let pool = Pool {
            nats: NatsServer::start(),
            fake,
            dir: tempfile::tempdir().unwrap(),
        };
        output_ok(pool.cmd(&["streamers", "add"]).args(USERS)).await;
        pool
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = tiklive(self.dir.path());
        cmd.args(args)
            .env("NATS_URL", self.nats.url())
            .envs(self.fake.env())
            .env("TIKLIVE_SIGN_INTERVAL_MS", "0")
            // The pool shares one budget (10 a minute by default): the
            // hand-overs and takeovers here need more.
            .env("TIKLIVE_SIGN_BUDGET", "0")
            .env("TIKLIVE_BACKOFF_BASE_MS", "10");
        cmd
    }

    fn worker(&self, id: &str, ttl: &str) -> Child {
        self.cmd(&[
            "worker",
            "--id",
            id,
            "--lease-ttl",
            ttl,
            "--cursor-every",
            "300ms",
            "--type",
            "chat",
        ])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap()
    }

    /// `cluster status --json`.
    async fn status(&self) -> Value {
        let out = output_ok(&mut self.cmd(&["cluster", "status", "--json"])).await;
        serde_json::from_slice(&out.stdout).unwrap()
    }

    /// streamer → owner, from the status.
    async fn owners(&self) -> BTreeMap<String, String> {
        self.status().await["streamers"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|s| {
                Some((
                    s["user"].as_str()?.to_string(),
                    s["owner"].as_str()?.to_string(),
                ))
            })
            .collect()
    }

    async fn wait_owners(
        &self,
        what: &str,
        within: Duration,
        cond: impl Fn(&BTreeMap<String, String>) -> bool,
    ) -> Duration {
        let last = std::sync::Mutex::new(BTreeMap::new());
        let why = lazy(|| format!("{what}: owners {:?}", last.lock().unwrap()));
        poll_every(Duration::from_millis(100), why, within, async || {
            let owners = self.owners().await;
            let done = cond(&owners);
            *last.lock().unwrap() = owners;
            done
        })
        .await
    }

    /// Wait (up to 30 s) until every streamer has an event stamped after
    /// `since_ms`.
    async fn all_continue_after(&self, what: &str, since_ms: i64) {
        poll_every(
            Duration::from_millis(200),
            what,
            Duration::from_secs(30),
            async || {
                let newest = self.newest().await;
                USERS
                    .iter()
                    .all(|u| newest.get(*u).is_some_and(|t| *t > since_ms))
            },
        )
        .await;
    }

    /// The newest event timestamp (ms) per streamer in the stream.
    async fn newest(&self) -> BTreeMap<String, i64> {
        let mut out = BTreeMap::new();
        for m in stream_messages(&self.nats.url(), STREAM).await {
            let t =
                tiklive::webcast::time::parse_iso_millis(m.event["timestamp"].as_str().unwrap())
                    .unwrap();
            let e = out
                .entry(m.event["streamer"].as_str().unwrap().to_string())
                .or_insert(0);
            *e = (*e).max(t);
        }
        out
    }

    /// Every streamer's chat in the stream is m1, m2, … with none missing
    /// and none twice, and every id is unique.
    async fn assert_complete(&self) {
        let stored = stream_messages(&self.nats.url(), STREAM).await;
        let ids: HashSet<_> = stored
            .iter()
            .map(|m| m.event["id"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(ids.len(), stored.len(), "an id twice");
        let mut per: BTreeMap<String, Vec<i64>> = BTreeMap::new();
        for m in &stored {
            let n = m.event["data"]["message"]
                .as_str()
                .unwrap()
                .trim_start_matches('m')
                .parse()
                .unwrap();
            per.entry(m.event["streamer"].as_str().unwrap().to_string())
                .or_default()
                .push(n);
        }
        assert_eq!(
            per.keys().cloned().collect::<BTreeSet<_>>(),
            USERS.iter().map(|u| u.to_string()).collect()
        );
        for (user, mut ns) in per {
            ns.sort_unstable();
            let max = *ns.last().unwrap();
            assert_eq!(
                ns,
                (1..=max).collect::<Vec<_>>(),
                "@{user}: missing or repeated messages"
            );
        }
    }
}

fn now_ms() -> i64 {
    tiklive::clock::now_ms()
}

/// A worker's stderr once it has exited (piped by [`Pool::worker`]).
async fn stderr_of(child: &mut Child) -> String {
    let mut err = String::new();
    let mut pipe = child.stderr.take().expect("stderr piped");
    tokio::io::AsyncReadExt::read_to_string(&mut pipe, &mut err)
        .await
        .unwrap();
    err
}

async fn sigterm(child: &mut Child) -> std::process::ExitStatus {
    let pid = child.id().unwrap();
    std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
    tokio::time::timeout(Duration::from_secs(20), child.wait())
        .await
        .expect("exits")
        .unwrap()
}

/// `tiklive ARGS` in `dir` against `nats`, and the fake TikTok if given.
fn pool_cmd(
    dir: &tempfile::TempDir,
    nats: &NatsServer,
    fake: Option<&FakeTikTok>,
    args: &[&str],
) -> Command {
    let mut cmd = tiklive(dir.path());
    cmd.args(args).env("NATS_URL", nats.url());
    if let Some(fake) = fake {
        cmd.envs(fake.env());
    }
    cmd
}

/// Run a command that must succeed: its stdout and stderr.
async fn texts(cmd: &mut Command) -> (String, String) {
    let out = output_ok(cmd).await;
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// Both workers up, all six streamers owned, split between them, flowing.
/// Worker `name` alone, once it owns every streamer and each has sent events.
async fn one_worker_streaming(pool: &Pool, name: &str, ttl: &str) -> Child {
    let worker = pool.worker(name, ttl);
    pool.wait_owners("all owned", Duration::from_secs(30), |o| {
        o.len() == USERS.len()
    })
    .await;
    poll_every(
        Duration::from_millis(200),
        "events from every streamer",
        Duration::from_secs(30),
        async || pool.newest().await.len() >= USERS.len(),
    )
    .await;
    worker
}

async fn two_workers(pool: &Pool, ttl: &str) -> (Child, Child) {
    let a = pool.worker("a", ttl);
    let b = pool.worker("b", ttl);
    pool.wait_owners("all owned by both", Duration::from_secs(30), |o| {
        o.len() == USERS.len() && o.values().any(|w| w == "a") && o.values().any(|w| w == "b")
    })
    .await;
    let every = Duration::from_millis(200);
    poll_every(
        every,
        "events from every streamer",
        Duration::from_secs(20),
        async || pool.newest().await.len() >= USERS.len(),
    )
    .await;
    (a, b)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_workers_streamers_continue_on_the_other() {
    let pool = Pool::start().await;
    let (mut a, mut b) = two_workers(&pool, "2s").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    a.start_kill().unwrap(); // SIGKILL
    a.wait().await.unwrap();
    let killed_at = now_ms();
    // Every streamer has new events within TTL + 10 s: b's went on, and a's
    // moved to b. (All six, not the ones a owned at some moment before the
    // kill: the two workers may still be trading streamers by rendezvous
    // hashing until the kill.)
    let last = std::sync::Mutex::new(BTreeMap::new());
    let why = lazy(|| format!("a's streamers to continue: {:?}", last.lock().unwrap()));
    let every = Duration::from_millis(100);
    let took = poll_every(every, why, Duration::from_secs(12), async || {
        let newest = pool.newest().await;
        let done = USERS
            .iter()
            .all(|u| newest.get(*u).is_some_and(|t| *t > killed_at + 200));
        *last.lock().unwrap() = newest;
        done
    })
    .await;
    // A measurement for the README (not a timing assertion).
    println!(
        "failover: SIGKILL to the first event of every moved streamer from the new owner: {} ms (lease TTL 2 s)",
        took.as_millis()
    );
    // The leases of the killed worker go stale one by one (each from its own
    // last renewal): every streamer ends up with b.
    pool.wait_owners("every streamer owned by b", Duration::from_secs(10), |o| {
        o.len() == USERS.len() && o.values().all(|w| w == "b")
    })
    .await;
    // The status agrees: a (while its heartbeat is still listed) is stale
    // and holds no valid lease, b holds all six, each live.
    let status = pool.status().await;
    let worker = |id: &str| {
        status["workers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|w| w["id"] == id)
            .cloned()
    };
    if let Some(a) = worker("a") {
        assert_eq!(a["stale"], true, "{status}");
        assert_eq!(a["leases"], 0, "{status}");
    }
    assert_eq!(worker("b").unwrap()["leases"], 6, "{status}");
    assert_eq!(
        (&status["watched"], &status["unowned"], &status["stale"]),
        (&6.into(), &0.into(), &0.into()),
        "{status}"
    );
    assert_eq!(status["states"], serde_json::json!({"live": 6}), "{status}");
    tokio::time::sleep(Duration::from_millis(500)).await;
    let status = sigterm(&mut b).await;
    assert_eq!(status.code(), Some(130));
    pool.assert_complete().await;
    // The takeover is said per round, not per stream.
    let err = stderr_of(&mut b).await;
    assert!(
        err.lines()
            .any(|l| l.starts_with("tiklive: worker b: took over ")
                && l.contains(" from a (not renewed for the lease TTL): @")),
        "{err}"
    );
    assert!(!err.contains("watching @"), "{err}");
}

/// A worker that starts, or hands over at SIGTERM, six streams says so in
/// one line each time, naming five and counting the rest.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_sums_up_its_streams_in_one_line() {
    let pool = Pool::start().await;
    let mut a = pool.worker("a", "2s");
    pool.wait_owners("all owned by a", Duration::from_secs(30), |o| {
        o.len() == USERS.len() && o.values().all(|w| w == "a")
    })
    .await;
    assert_eq!(sigterm(&mut a).await.code(), Some(130));
    let err = stderr_of(&mut a).await;
    let said = |what: &str| err.lines().filter(|l| l.contains(what)).count();
    let listed = "6 streamers: @ann, @bo.b, @cy_c, @dee, @eve and 1 more";
    assert_eq!(
        said(&format!("tiklive: worker a: watching {listed}")),
        1,
        "{err}"
    );
    assert_eq!(
        said(&format!("tiklive: worker a: handed over {listed}")),
        1,
        "{err}"
    );
    assert_eq!(said("@fay"), 0, "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_hands_over_at_once_with_no_gap() {
    let pool = Pool::start().await;
    // A long TTL: a lease renewed every 10 s cannot expire sooner than 20 s
    // after the SIGTERM, so a takeover within 15 s (generous, for a busy
    // machine) is a handover, not an expiry.
    let (mut a, mut b) = two_workers(&pool, "30s").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let status = sigterm(&mut a).await;
    assert_eq!(status.code(), Some(130));
    let took = pool
        .wait_owners("all on b", Duration::from_secs(15), |o| {
            o.len() == USERS.len() && o.values().all(|w| w == "b")
        })
        .await;
    assert!(took < Duration::from_secs(15), "handover took {took:?}");
    let handed_at = now_ms();
    let every = Duration::from_millis(100);
    poll_every(
        every,
        "streams continue",
        Duration::from_secs(20),
        async || pool.newest().await.values().all(|t| *t > handed_at),
    )
    .await;
    sigterm(&mut b).await;
    pool.assert_complete().await;
}

/// SIGTERM while NATS is down stops the worker at once, and loses nothing:
/// the cursors it saved cover only confirmed events, so the next owner
/// resumes from before what NATS never acknowledged.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_stops_at_once_while_nats_is_down_and_loses_nothing() {
    let mut pool = Pool::start().await;
    let mut a = one_worker_streaming(&pool, "a", "2s").await;
    pool.nats.kill();
    // Events keep coming from TikTok meanwhile: a few are left unconfirmed.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let pid = a.id().unwrap().to_string();
    std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    let status = tokio::time::timeout(Duration::from_secs(10), a.wait())
        .await
        .expect("it stops within seconds, not when NATS is back")
        .unwrap();
    assert_eq!(status.code(), Some(130), "{}", stderr_of(&mut a).await);
    pool.nats.restart();
    let mut b = pool.worker("b", "2s");
    let back = now_ms();
    pool.all_continue_after("streams continue on b", back).await;
    sigterm(&mut b).await;
    pool.assert_complete().await;
}

/// A lease its worker stopped renewing (the worker was killed) still shows
/// its owner in `cluster status`, with its age, marked stale once older than
/// its TTL; a fresh one is not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cluster_status_marks_a_lease_past_its_ttl_stale() {
    use tiklive::nats::kv::{Lease, encode};
    use tiklive::nats::worker::key_of;

    let nats = NatsServer::start();
    let dir = tempfile::tempdir().unwrap();
    let cmd = |args: &[&str]| pool_cmd(&dir, &nats, None, args);
    output_ok(&mut cmd(&["streamers", "add", "alice", "bob"])).await;
    let js = async_nats::jetstream::new(async_nats::connect(nats.url()).await.unwrap());
    let leases = js.get_key_value("TIKLIVE_LEASES").await.unwrap();
    let now = now_ms();
    for (user, renewed_ms) in [("alice", now - 30_000), ("bob", now)] {
        let lease = Lease {
            worker: "gone".into(),
            user: user.into(),
            renewed_ms,
            since_ms: now - 60_000,
            ttl_ms: 10_000,
        };
        leases.put(key_of(user), encode(&lease)).await.unwrap();
    }

    let out = output_ok(&mut cmd(&["cluster", "status", "--json"])).await;
    let status: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(status["stale"], 1, "{status}");
    let row = |user: &str| {
        status["streamers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["user"] == user)
            .unwrap()
            .clone()
    };
    let alice = row("alice");
    assert_eq!(alice["owner"], "gone");
    assert_eq!(alice["stale"], true);
    assert_eq!(alice["leaseTtlMs"], 10_000);
    assert!(alice["leaseAgeMs"].as_i64().unwrap() >= 30_000, "{alice}");
    assert_eq!(row("bob")["stale"], false);

    let out = output_ok(&mut cmd(&["cluster", "status"])).await;
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("2 streamer(s): 1 watched, 0 unowned, 1 stale; 1 starting, 1 unwatched"),
        "{text}"
    );
    let alice = text.lines().find(|l| l.contains("@alice")).unwrap();
    assert!(
        alice.contains("owner gone") && alice.ends_with("stale (TTL 10.0s)  unwatched"),
        "{alice}"
    );
    let bob = text.lines().find(|l| l.contains("@bob")).unwrap();
    assert!(!bob.contains("stale"), "{bob}");
}

/// An engine outage under a worker with several streams: stderr says so
/// once when it starts and sums it up once (a counted warning with how many
/// streams waited) when it ends, instead of a line per stream; no event is
/// lost or doubled.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_engine_outage_is_reported_once_not_per_stream() {
    let mut pool = Pool::start().await;
    let mut a = one_worker_streaming(&pool, "a", "5s").await;
    pool.nats.kill();
    tokio::time::sleep(Duration::from_secs(9)).await;
    pool.nats.restart();
    let back = now_ms();
    pool.all_continue_after("streams continue", back).await;
    sigterm(&mut a).await;
    let out = a.wait_with_output().await.unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    let lines = |has: &str| stderr.lines().filter(|l| l.contains(has)).count();
    // Six streams waited; one line said so, one counted warning summed it
    // up (a stream that waits again just after is a second, short outage).
    let began = lines("waiting for NATS at");
    let ended: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("tiklive: warning: worker a: NATS at"))
        .collect();
    assert!((1..=2).contains(&began), "{stderr}");
    assert_eq!(ended.len(), began, "{stderr}");
    assert!(ended[0].contains(" did not acknowledge for "), "{stderr}");
    let waited: usize = ended
        .iter()
        .map(|l| {
            let (_, rest) = l.split_once("s: ").unwrap();
            rest.split(' ').next().unwrap().parse::<usize>().unwrap()
        })
        .sum();
    assert!(waited >= USERS.len(), "{stderr}");
    // Nothing per stream: no "acknowledges again", no "@user: …" failures,
    // and the failing pool rounds warned once.
    assert_eq!(lines("acknowledges again"), 0, "{stderr}");
    assert_eq!(lines("trying again in"), 0, "{stderr}");
    assert!(lines("cannot write the heartbeat") <= 1, "{stderr}");
    // A lease lost across the restart is one short line, not the server's
    // repeated text.
    assert_eq!(lines("wrong last"), 0, "{stderr}");
    for l in stderr.lines().filter(|l| l.contains("lease of @")) {
        assert!(
            l.ends_with("to another revision; re-claiming") || l.ends_with("); stopping it"),
            "{stderr}"
        );
    }
    pool.assert_complete().await;
}

/// `streamers list`, `streamers remove` and `cluster status` only read: on a
/// server with no pool they answer "empty" and create no bucket; only
/// `streamers add` creates the pool. A server that is not there is one line
/// at once, not a wait.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reading_pool_commands_create_nothing() {
    let nats = NatsServer::start();
    let dir = tempfile::tempdir().unwrap();
    let cmd = |args: &[&str]| pool_cmd(&dir, &nats, None, args);
    let stdout = async |args: &[&str]| texts(&mut cmd(args)).await;
    assert_eq!(stdout(&["streamers", "list"]).await.0, "");
    assert_eq!(stdout(&["streamers", "list", "--json"]).await.0, "");
    let (text, _) = stdout(&["cluster", "status"]).await;
    assert!(
        text.starts_with("no worker pool at NATS 127.0.0.1:"),
        "{text}"
    );
    let (json, _) = stdout(&["cluster", "status", "--json"]).await;
    let status: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(status["streamers"], serde_json::json!([]));
    assert_eq!(status["workers"], serde_json::json!([]));
    let (_, said) = stdout(&["streamers", "remove", "bob"]).await;
    assert_eq!(said, "tiklive: removed 0 streamer(s) (1 not in the set)\n");
    let js = async_nats::jetstream::new(async_nats::connect(nats.url()).await.unwrap());
    let streams: Vec<String> = {
        use futures_util::TryStreamExt;
        js.stream_names().try_collect().await.unwrap()
    };
    assert_eq!(streams, Vec::<String>::new(), "nothing was created");

    stdout(&["streamers", "add", "bob"]).await;
    let (_, said) = stdout(&["streamers", "remove", "bob", "carol"]).await;
    assert_eq!(said, "tiklive: removed 1 streamer(s) (1 not in the set)\n");
    assert_eq!(stdout(&["streamers", "list"]).await.0, "");

    // Nobody listening: an error at once.
    let closed = format!("nats://127.0.0.1:{}", crate::support::nats::free_port());
    for args in [&["streamers", "list"][..], &["cluster", "status"]] {
        let out = cmd(args).env("NATS_URL", &closed).output().await.unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(
            err.starts_with("tiklive: error: cannot reach NATS at 127.0.0.1:"),
            "{err}"
        );
        assert_eq!(err.lines().count(), 1, "{err}");
    }
}

/// A streamer that cannot be watched (not found on TikTok) fails again and
/// again: the worker tries it again with a growing backoff (not at a fixed
/// pace), publishes one `error` event for the failure, not `fatal` (the
/// worker keeps trying), and says so on stderr in one short line. An
/// offline streamer is waited for in silence.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_streamer_is_retried_with_backoff_and_reported_once() {
    let nats = NatsServer::start();
    let fake = FakeTikTok::start().await;
    fake.user("ghost", UserPage::NotFound);
    fake.user("sleepy", UserPage::Offline);
    let dir = tempfile::tempdir().unwrap();
    let cmd = |args: &[&str]| {
        let mut cmd = pool_cmd(&dir, &nats, Some(&fake), args);
        cmd.env("TIKLIVE_POOL_RETRY_MS", "100")
            .env("TIKLIVE_WAIT_POLL_MS", "600000");
        cmd
    };
    output_ok(&mut cmd(&["streamers", "add", "ghost", "sleepy"])).await;
    let mut w = cmd(&["worker", "--id", "a", "--lease-ttl", "2s"])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Five tries take at least 0.1 + 0.1 + 0.2 + 0.4 + 0.8 s.
    poll_every(
        Duration::from_millis(50),
        "a few lookups of @ghost",
        Duration::from_secs(20),
        async || fake.recorded(|r| r.page_lookups) >= 3,
    )
    .await;
    let first = std::time::Instant::now();
    tokio::time::sleep(Duration::from_secs(3)).await;
    let lookups = fake.recorded(|r| r.page_lookups);
    // No sign call was made: the status shows the workers' default budget.
    let out = output_ok(&mut cmd(&["cluster", "status"])).await;
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("sign budget: 0 of 10 calls used in the last 60s, 1000 ms apart;"),
        "{text}"
    );
    // Each streamer's state, with what fails and since when (saved with
    // the cursor record, every --cursor-every at most: 2 s).
    let row = |status: &Value, user: &str| {
        status["streamers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["user"] == user)
            .cloned()
            .unwrap()
    };
    let last = std::sync::Mutex::new(Value::Null);
    let why = lazy(|| format!("the failure states: {}", last.lock().unwrap()));
    poll_every(
        Duration::from_millis(200),
        why,
        Duration::from_secs(10),
        async || {
            let out = output_ok(&mut cmd(&["cluster", "status", "--json"])).await;
            let status: Value = serde_json::from_slice(&out.stdout).unwrap();
            let done = row(&status, "ghost")["state"] == "not-found"
                && row(&status, "sleepy")["state"] == "offline";
            *last.lock().unwrap() = status;
            done
        },
    )
    .await;
    let status = last.lock().unwrap().clone();
    let ghost = row(&status, "ghost");
    assert!(
        ghost["lastError"].as_str().unwrap().contains("not found"),
        "{ghost}"
    );
    // It has failed since before the 3 s above.
    assert!(
        ghost["lastErrorAgeMs"].as_i64().unwrap() >= 3_000,
        "{ghost}"
    );
    let sleepy = row(&status, "sleepy");
    assert_eq!(
        sleepy["lastError"], "@sleepy is not live right now",
        "{sleepy}"
    );
    assert!(
        sleepy["lastErrorAgeMs"].as_i64().unwrap() >= 1_000,
        "{sleepy}"
    );
    assert_eq!(
        status["states"],
        serde_json::json!({"not-found": 1, "offline": 1})
    );
    let out = output_ok(&mut cmd(&["cluster", "status"])).await;
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("2 streamer(s): 2 watched, 0 unowned, 0 stale; 1 not found, 1 offline"),
        "{text}"
    );
    let line = |user: &str| text.lines().find(|l| l.contains(user)).unwrap().to_string();
    assert!(line("@ghost").contains("  not found for "), "{text}");
    assert!(line("@sleepy").contains("  offline for "), "{text}");
    sigterm(&mut w).await;
    let out = w.wait_with_output().await.unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    // At a fixed 100 ms that would be about 33 in those 3 s (one of them
    // is @sleepy's, looked up once).
    assert!(
        (4..=12).contains(&lookups),
        "{lookups} lookups in {:?}",
        first.elapsed()
    );
    let events: Vec<Value> = stream_messages(&nats.url(), STREAM)
        .await
        .into_iter()
        .map(|m| m.event)
        .collect();
    // Offline is the normal case: no event, no line.
    assert!(
        events.iter().all(|e| e["streamer"] != "sleepy"),
        "{events:?}"
    );
    assert!(!stderr.contains("@sleepy:"), "{stderr}");
    let errors: Vec<&Value> = events.iter().filter(|e| e["type"] == "error").collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0]["streamer"], "ghost");
    assert_eq!(errors[0]["data"]["fatal"], false, "{errors:?}");
    assert!(
        errors[0]["data"]["error"]
            .as_str()
            .unwrap()
            .contains("not found"),
        "{errors:?}"
    );
    let said: Vec<&str> = stderr.lines().filter(|l| l.contains("@ghost:")).collect();
    assert_eq!(said.len(), 1, "{stderr}");
    assert!(said[0].contains("then less often"), "{stderr}");
    assert!(said[0].len() < 200, "{stderr}");
}

/// A streamer that keeps failing is reported once by the pool, not once per
/// owner: its next owner (after a handover) knows the failure from the KV
/// cursor record and publishes no second `error` event, and says nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_owner_does_not_report_the_same_failure_again() {
    let nats = NatsServer::start();
    let fake = FakeTikTok::start().await;
    fake.user("ghost", UserPage::NotFound);
    let dir = tempfile::tempdir().unwrap();
    let cmd = |args: &[&str]| {
        let mut cmd = pool_cmd(&dir, &nats, Some(&fake), args);
        cmd.env("TIKLIVE_POOL_RETRY_MS", "100");
        cmd
    };
    output_ok(&mut cmd(&["streamers", "add", "ghost"])).await;
    let worker = |id: &str| {
        cmd(&["worker", "--id", id, "--lease-ttl", "2s"])
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let js = async_nats::jetstream::new(async_nats::connect(nats.url()).await.unwrap());
    let errors = async || {
        if js.get_stream(STREAM).await.is_err() {
            return 0; // the worker has not made it yet
        }
        stream_messages(&nats.url(), STREAM)
            .await
            .into_iter()
            .filter(|m| m.event["type"] == "error")
            .count()
    };
    let mut a = worker("a");
    let every = Duration::from_millis(50);
    let within = Duration::from_secs(20);
    poll_every(every, "a's error event", within, async || {
        errors().await == 1
    })
    .await;
    let first_failed = now_ms();
    sigterm(&mut a).await;
    let before = fake.recorded(|r| r.page_lookups);
    let mut b = worker("b");
    poll_every(every, "b's lookups of @ghost", within, async || {
        fake.recorded(|r| r.page_lookups) >= before + 3
    })
    .await;
    // The status says @ghost has been failing since a's first try: b kept
    // the start it found in the cursor record. The age is measured while the
    // command runs, so the start is at least `asked - age` (`now_ms()` after
    // the command would add its run time: tens of ms on a busy machine); a
    // start reset by b would be after b began, hundreds of ms later.
    let asked = now_ms();
    let out = output_ok(&mut cmd(&["cluster", "status", "--json"])).await;
    let status: Value = serde_json::from_slice(&out.stdout).unwrap();
    let ghost = &status["streamers"][0];
    assert_eq!(ghost["state"], "not-found", "{status}");
    let since = asked - ghost["lastErrorAgeMs"].as_i64().unwrap();
    assert!(
        since <= first_failed,
        "{status}: since {since}, first {first_failed}"
    );
    sigterm(&mut b).await;
    assert_eq!(errors().await, 1, "reported once by the pool");
    let err = stderr_of(&mut b).await;
    assert!(
        err.contains("worker b: watching 1 streamer: @ghost"),
        "{err}"
    );
    assert!(!err.contains("@ghost:"), "{err}");
}

/// A lease write whose answer was lost (the value still names this worker
/// and claim) keeps the lease with no line; a lease another writer took is
/// one short line, and the worker claims it again once it is free.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_lease_is_one_short_line() {
    use tiklive::nats::kv::{Lease, decode, encode};
    use tiklive::nats::worker::key_of;

    let nats = NatsServer::start();
    let fake = FakeTikTok::start().await;
    fake.endless(Duration::from_millis(100));
    fake.live("alice", "7201");
    let dir = tempfile::tempdir().unwrap();
    let cmd = |args: &[&str]| {
        let mut cmd = pool_cmd(&dir, &nats, Some(&fake), args);
        cmd.env("TIKLIVE_SIGN_BUDGET", "0");
        cmd
    };
    output_ok(&mut cmd(&["streamers", "add", "alice"])).await;
    let mut w = cmd(&["worker", "--id", "a", "--lease-ttl", "3s"])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let js = async_nats::jetstream::new(async_nats::connect(nats.url()).await.unwrap());
    let leases = js.get_key_value("TIKLIVE_LEASES").await.unwrap();
    let key = key_of("alice");
    let lease = async || -> Option<Lease> { decode(&leases.get(&key).await.ok()??) };
    poll_every(
        Duration::from_millis(100),
        "a owns @alice",
        Duration::from_secs(20),
        async || lease().await.is_some_and(|l| l.worker == "a"),
    )
    .await;
    // The same value written again: a revision the worker did not see.
    let same = leases.get(&key).await.unwrap().unwrap();
    leases.put(&key, same).await.unwrap();
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let kept = lease().await.unwrap();
    assert_eq!(kept.worker, "a");
    // Another writer takes it.
    let mut theirs = kept.clone();
    theirs.worker = "intruder".into();
    leases.put(&key, encode(&theirs)).await.unwrap();
    // Nobody renews the intruder's lease: a claims it again after the TTL.
    poll_every(
        Duration::from_millis(100),
        "a owns @alice again",
        Duration::from_secs(20),
        async || lease().await.is_some_and(|l| l.worker == "a"),
    )
    .await;
    sigterm(&mut w).await;
    let out = w.wait_with_output().await.unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    let lost: Vec<&str> = stderr.lines().filter(|l| l.contains("lease of")).collect();
    assert_eq!(
        lost,
        ["tiklive: warning: worker a: lost the lease of @alice to another revision; re-claiming"],
        "{stderr}"
    );
}

/// Listing a bucket while one of its keys changes all the time (a worker's
/// heartbeat) gives every key once: `cluster status` once listed one of two
/// workers twice and the other not at all.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bucket_listing_gives_every_key_once_while_keys_change() {
    use tiklive::nats::kv::{Buckets, entries};

    let nats = NatsServer::start();
    let js = async_nats::jetstream::new(async_nats::connect(nats.url()).await.unwrap());
    let b = Buckets::open(&js, &Default::default(), 1, Duration::from_secs(10))
        .await
        .unwrap();
    for k in ["a", "b", "c"] {
        b.workers.put(k, k.into()).await.unwrap();
    }
    let busy = b.workers.clone();
    let writer = tokio::spawn(async move {
        for i in 0u64.. {
            busy.put("a", i.to_string().into()).await.unwrap();
            busy.put("b", i.to_string().into()).await.unwrap();
        }
    });
    for round in 0..200 {
        let mut keys: Vec<String> = entries(&b.workers)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.key)
            .collect();
        keys.sort();
        assert_eq!(keys, ["a", "b", "c"], "round {round}");
    }
    writer.abort();
}

/// TikTok handles are case-insensitive: `streamers add Alice` while `alice`
/// is in the set adds nothing, list shows each handle once in lowercase, and
/// remove finds it in any case, also an entry added with capitals before
/// handles were normalised.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn streamer_handles_are_case_insensitive() {
    use tiklive::nats::kv::{StreamerEntry, encode};

    let nats = NatsServer::start();
    let dir = tempfile::tempdir().unwrap();
    let run = async |args: &[&str]| texts(&mut pool_cmd(&dir, &nats, None, args)).await;
    run(&["streamers", "add", "alice"]).await;
    let (_, said) = run(&["streamers", "add", "Alice", "@ALICE", "Bo.B"]).await;
    assert_eq!(
        said,
        "tiklive: added 1 streamer(s) (1 already in the set)\n"
    );
    // An entry written with capitals by an older tiklive.
    let js = async_nats::jetstream::new(async_nats::connect(nats.url()).await.unwrap());
    let set = js.get_key_value("TIKLIVE_STREAMERS").await.unwrap();
    let old = StreamerEntry {
        user: "Carol".into(),
        added_ms: 0,
    };
    set.put("Carol", encode(&old)).await.unwrap();
    assert_eq!(run(&["streamers", "list"]).await.0, "alice\nbo.b\ncarol\n");
    let (json, _) = run(&["cluster", "status", "--json"]).await;
    let status: Value = serde_json::from_str(&json).unwrap();
    let users: Vec<&str> = status["streamers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["user"].as_str().unwrap())
        .collect();
    assert_eq!(users, ["alice", "bo.b", "carol"]);
    let (_, said) = run(&["streamers", "remove", "ALICE", "carol", "dan"]).await;
    assert_eq!(said, "tiklive: removed 2 streamer(s) (1 not in the set)\n");
    assert_eq!(run(&["streamers", "list"]).await.0, "bo.b\n");
}

/// A pool under `TIKLIVE_NATS_PREFIX=acme.staging` uses only its own names:
/// its events go to `acme.staging.ev.…` in `ACME_STAGING_EVENTS`, and every
/// stream and bucket it makes is `ACME_STAGING_…`, so a default pool on the
/// same server would share nothing with it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pool_under_a_prefix_makes_only_its_own_names() {
    use futures_util::TryStreamExt;

    let nats = NatsServer::start();
    let fake = FakeTikTok::start().await;
    fake.endless(Duration::from_millis(50));
    fake.live("ann", "7301");
    let dir = tempfile::tempdir().unwrap();
    let cmd = |args: &[&str]| {
        let mut cmd = pool_cmd(&dir, &nats, Some(&fake), args);
        cmd.env("TIKLIVE_NATS_PREFIX", "acme.staging");
        cmd
    };
    output_ok(&mut cmd(&["streamers", "add", "ann"])).await;
    let mut w = cmd(&["worker", "--id", "a", "--type", "chat"])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let js = async_nats::jetstream::new(async_nats::connect(nats.url()).await.unwrap());
    let chats = async || match js.get_stream("ACME_STAGING_EVENTS").await {
        Ok(_) => stream_messages(&nats.url(), "ACME_STAGING_EVENTS").await,
        Err(_) => Vec::new(),
    };
    let every = Duration::from_millis(100);
    let within = Duration::from_secs(20);
    poll_every(every, "ann's chats", within, async || {
        chats().await.len() >= 3
    })
    .await;
    let status = output_ok(&mut cmd(&["cluster", "status", "--json"])).await;
    let status: Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(status["streamers"][0]["owner"], "a", "{status}");
    assert!(status["streamers"][0]["lagMs"].is_number(), "{status}");
    sigterm(&mut w).await;
    assert!(
        chats()
            .await
            .iter()
            .all(|m| m.subject == "acme.staging.ev.ann.chat"),
    );
    let names: Vec<String> = js.stream_names().try_collect().await.unwrap();
    assert!(!names.is_empty());
    for name in &names {
        assert!(
            name.starts_with("ACME_STAGING_") || name.starts_with("KV_ACME_STAGING_"),
            "{names:?}"
        );
    }
    // The default deployment sees no pool there.
    let out = output_ok(&mut pool_cmd(&dir, &nats, None, &["streamers", "list"])).await;
    assert!(out.stdout.is_empty());
}
