//! `tiklive info USER…`: one JSON object per user saying whether they are
//! live, from the room lookup only (no sign call). Exit 0 when every user is
//! live; 1 when a lookup failed (`status: "error"`: no source answered, e.g.
//! the network is down); else 3 (offline, not found, blocked).

use anyhow::{Context, Result};

use crate::cli::InfoArgs;
use crate::config::{self, LiveConfig, env_var};
use crate::error::{Code, Failure};
use crate::live::cookies::CookieJar;
use crate::live::http;
use crate::live::info::look_up;

pub async fn run(args: InfoArgs) -> Result<Code> {
    let users: Vec<String> = if args.users.is_empty() {
        env_var("TIKTOK_USERNAME").into_iter().collect()
    } else {
        args.users.clone()
    };
    if users.is_empty() {
        anyhow::bail!(Failure::usage(
            "nothing to look up: give a USER (or set TIKTOK_USERNAME); try 'tiklive info alice'"
        ));
    }
    let users = users
        .iter()
        .map(|u| config::parse_user(u))
        .collect::<Result<Vec<_>>>()?;
    let cfg = LiveConfig::reach(&args.reach)?;
    let client = http::build_client(&cfg).map_err(|e| Failure::usage(e.to_string()))?;
    if let Some(p) = &cfg.proxy {
        p.probe()
            .await
            .map_err(|e| Failure::new(e.code(), e.to_string()))?;
    }
    let jar = CookieJar::for_config(&cfg);
    let mut all_live = true;
    let mut failed = false;
    for user in &users {
        let info = look_up(&client, &cfg, &jar, user).await;
        all_live &= info.live;
        failed |= info.status == "error";
        let mut line = serde_json::to_string(&info).context("cannot encode the answer")?;
        line.push('\n');
        crate::term::print_stdout(&line).context("cannot write to stdout")?;
    }
    Ok(if failed {
        Code::Runtime
    } else if all_live {
        Code::Ok
    } else {
        Code::NotFound
    })
}
