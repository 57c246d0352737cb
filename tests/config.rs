//! Configuration precedence: flag > environment > `.env` > default, shown by
//! `tiklive config` with each setting's source and secrets redacted.

use serde_json::Value;

use crate::support::tiklive;

async fn config(dir: &std::path::Path, args: &[&str], env: &[(&str, &str)]) -> Value {
    let mut cmd = tiklive(dir);
    // `config` makes no network calls: show the real defaults.
    for (k, _) in crate::support::NO_INTERNET {
        cmd.env_remove(k);
    }
    cmd.arg("config").args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().await.unwrap();
    let out = crate::support::Run::from(out).ok();
    serde_json::from_str(&out.stdout).unwrap()
}

#[tokio::test]
async fn flag_beats_environment_beats_dotenv_beats_default() {
    let dir = tempfile::tempdir().unwrap();
    // No .env: defaults, and no error.
    let v = config(dir.path(), &[], &[]).await;
    assert_eq!(v["SIGN_API_URL"]["source"], "default");
    assert_eq!(v["TIKTOK_USERNAME"]["source"], "unset");

    std::fs::write(
        dir.path().join(".env"),
        "SIGN_API_URL=http://from-dotenv.example\nTIKTOK_USERNAME=dotenv_user\nAPI_KEY=dotenv-secret\nWEBHOOK_URL=http://hook.example\n",
    )
    .unwrap();
    let v = config(dir.path(), &[], &[]).await;
    assert_eq!(
        v["SIGN_API_URL"],
        serde_json::json!({"value": "http://from-dotenv.example", "source": ".env"})
    );
    assert_eq!(
        v["TIKTOK_USERNAME"],
        serde_json::json!({"value": "dotenv_user", "source": ".env"})
    );
    assert_eq!(
        v["API_KEY"],
        serde_json::json!({"value": "(redacted)", "source": ".env"})
    );

    // The environment wins over .env (which never overrides a set variable).
    let v = config(
        dir.path(),
        &[],
        &[
            ("SIGN_API_URL", "http://from-env.example"),
            ("TIKTOK_USERNAME", "env_user"),
        ],
    )
    .await;
    assert_eq!(
        v["SIGN_API_URL"],
        serde_json::json!({"value": "http://from-env.example", "source": "environment"})
    );
    assert_eq!(v["TIKTOK_USERNAME"]["source"], "environment");
    assert_eq!(v["WEBHOOK_URL"]["source"], ".env");

    // A flag wins over both.
    let v = config(
        dir.path(),
        &["--sign-url", "http://from-flag.example"],
        &[("SIGN_API_URL", "http://from-env.example")],
    )
    .await;
    assert_eq!(
        v["SIGN_API_URL"],
        serde_json::json!({"value": "http://from-flag.example", "source": "flag"})
    );
}

#[tokio::test]
async fn secrets_never_appear() {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = tiklive(dir.path());
    cmd.args([
        "config",
        "--sign-api-key",
        "sk-flag-secret",
        "--proxy",
        "http://bob:pw-secret@127.0.0.1:3128",
    ])
    .env("API_KEY", "api-secret")
    .env("WEBHOOK_SECRET", "whsec_c2VjcmV0")
    .env("TIKTOK_SESSION_ID", "session-secret");
    let out = cmd.output().await.unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    for secret in [
        "sk-flag-secret",
        "pw-secret",
        "api-secret",
        "whsec_c2VjcmV0",
        "session-secret",
    ] {
        assert!(!text.contains(secret), "{secret} leaked: {text}");
    }
    assert!(text.contains("(redacted)"));
}

#[tokio::test]
async fn a_malformed_dotenv_is_a_usage_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".env"), "GOOD=1\nthis is not a line\n").unwrap();
    let out = tiklive(dir.path())
        .args(["watch", "--demo", "--speed", "max"])
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(".env"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[tokio::test]
async fn tiktok_username_is_the_default_user_but_never_fights_demo() {
    let dir = tempfile::tempdir().unwrap();
    let out = tiklive(dir.path())
        .args(["watch", "--demo", "--speed", "max", "--limit", "1"])
        .env("TIKTOK_USERNAME", "someone")
        .output()
        .await
        .unwrap();
    crate::support::Run::from(out).ok();
}

#[tokio::test]
async fn config_takes_the_flag_of_every_command_setting() {
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "--listen",
        "0.0.0.0:9000",
        "--to",
        "http://hook.example",
        "--nats",
        "nats://127.0.0.1:4222",
        "--api-key",
        "flag-secret",
    ];
    let v = config(dir.path(), &args, &[]).await;
    let flag = |value: &str| serde_json::json!({"value": value, "source": "flag"});
    assert_eq!(v["TIKLIVE_LISTEN"], flag("0.0.0.0:9000"));
    assert_eq!(v["WEBHOOK_URL"], flag("http://hook.example"));
    assert_eq!(v["NATS_URL"], flag("nats://127.0.0.1:4222"));
    assert_eq!(v["API_KEY"], flag("(redacted)"));
}

#[test]
fn a_dotenv_line_that_is_not_name_value_is_named_with_its_number() {
    let (mut cmd, dir) = crate::support::temp_command();
    std::fs::write(
        dir.path().join(".env"),
        "# settings\nSIGN_API_URL=http://x.example\nFOO BAR\n",
    )
    .unwrap();
    let run = crate::support::run(cmd.args(["config"])).code(2);
    assert_eq!(
        run.stderr,
        format!(
            "tiklive: error: {} line 3: 'FOO BAR' is not NAME=VALUE\n",
            dir.path().join(".env").display()
        )
    );
}

/// `config` refuses an environment-only number that `watch` would refuse,
/// after showing the table (so the value's source is on screen).
#[tokio::test]
async fn config_refuses_a_bad_number_as_watch_does() {
    let dir = tempfile::tempdir().unwrap();
    for cmd in [&["config"][..], &["watch", "someone"]] {
        let out = tiklive(dir.path())
            .args(cmd)
            .env("TIKLIVE_HEARTBEAT_MS", "-5")
            .output()
            .await
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{cmd:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("TIKLIVE_HEARTBEAT_MS must be a number of milliseconds, not '-5'"),
            "{cmd:?}: {err}"
        );
    }
}
