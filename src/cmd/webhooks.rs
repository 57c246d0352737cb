//! `tiklive webhooks add|list|remove|test`: the webhook registry in the store.

use std::time::Duration;

use anyhow::{Result, bail};
use serde_json::json;

use crate::cli::{StoreArgs, WebhooksCommand};
use crate::clock::{now_ms, unix_now};
use crate::config::{self, Terminal};
use crate::error::{Code, Failure};
use crate::ids::new_id;
use crate::secret::Secret;
use crate::store::{NewWebhook, Store};
use crate::term;
use crate::webcast::KindSet;
use crate::webcast::time::format_iso_millis;
use crate::webhook::retry::Outcome;
use crate::webhook::signature::{SigningKey, message_id};
use crate::webhook::{Target, build_request, http_client, listing, send};

/// The timeout of a test ping.
const PING_TIMEOUT: Duration = Duration::from_secs(10);
/// Give-ups shown per webhook by `list`.
const LISTED_GIVE_UPS: usize = 10;

pub async fn run(command: WebhooksCommand, term: Terminal) -> Result<Code> {
    match command {
        WebhooksCommand::Add {
            url,
            name,
            secret,
            types,
            store,
        } => add(url, name, secret, types.types, &store).await,
        WebhooksCommand::List { store } => list(&store, &term).await,
        WebhooksCommand::Remove { id, store } => remove(&id, &store, &term).await,
        WebhooksCommand::Test { id, store } => test(&id, &store).await,
    }
}

fn open(args: &StoreArgs) -> Result<Store> {
    Store::open(&config::resolve_db(args)?)
}

/// The store for `list`, `remove` and `test`, which never create one.
/// `None`: the default store does not exist yet, so nothing is registered.
/// A store named by `--db` or `TIKLIVE_DB` that does not exist is a usage
/// error (most likely a mistyped path).
fn open_existing(args: &StoreArgs) -> Result<Option<Store>> {
    let path = config::resolve_db(args)?;
    match Store::open_existing(&path)? {
        Some(store) => Ok(Some(store)),
        None if args.db.is_some() => bail!(Failure::usage(format!(
            "there is no store at {}: check --db / TIKLIVE_DB ('tiklive webhooks add' creates it)",
            path.display()
        ))),
        None => Ok(None),
    }
}

fn parse_id(id: &str) -> Result<i64> {
    id.trim()
        .parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| {
            Failure::usage(format!(
                "'{id}' is not a webhook id: give the number 'tiklive webhooks list' shows"
            ))
            .into()
        })
}

/// An id given on the command line that names no webhook: a usage error
/// (exit 2), like any argument that names nothing (README "Exit codes").
fn not_found(id: i64) -> anyhow::Error {
    Failure::usage(format!(
        "there is no webhook {id}; see 'tiklive webhooks list'"
    ))
    .into()
}

async fn add(
    url: String,
    name: Option<String>,
    secret: Option<String>,
    types: Vec<String>,
    args: &StoreArgs,
) -> Result<Code> {
    let url = config::validate_webhook_url(&url)?;
    let secret = secret.filter(|s| !s.is_empty()).map(Secret::new);
    if let Some(s) = &secret {
        SigningKey::from_secret(s.expose())?;
    }
    let types = KindSet::parse_list(types.iter().map(String::as_str))
        .map_err(|e| Failure::usage(e.to_string()))?
        .iter()
        .collect();
    let store = open(args)?;
    let id = store
        .add_webhook(NewWebhook {
            url,
            name: name.filter(|n| !n.is_empty()),
            secret,
            types,
        })
        .await?;
    term::print_stdout(&format!("{id}\n"))?;
    Ok(Code::Ok)
}

async fn list(args: &StoreArgs, term: &Terminal) -> Result<Code> {
    let stats = match open_existing(args)? {
        Some(store) => store.webhook_stats(LISTED_GIVE_UPS).await?,
        None => Vec::new(),
    };
    let text = if term.stdout_tty {
        listing::render_table(&stats)
    } else {
        listing::render_json(&stats)
    };
    term::print_stdout(&text)?;
    Ok(Code::Ok)
}

async fn remove(id: &str, args: &StoreArgs, term: &Terminal) -> Result<Code> {
    let id = parse_id(id)?;
    let Some(store) = open_existing(args)? else {
        return Err(not_found(id));
    };
    let Some(removed) = store.remove_webhook(id).await? else {
        return Err(not_found(id));
    };
    if !term.quiet {
        match removed.pending_dropped {
            0 => term::note(format_args!("removed webhook {id}")),
            n => term::note(format_args!(
                "removed webhook {id} and its {n} pending deliveries"
            )),
        }
    }
    Ok(Code::Ok)
}

async fn test(id: &str, args: &StoreArgs) -> Result<Code> {
    let id = parse_id(id)?;
    let Some(store) = open_existing(args)? else {
        return Err(not_found(id));
    };
    let Some(webhook) = store.webhook(id).await? else {
        return Err(not_found(id));
    };
    let secret = webhook.secret.clone().or_else(config::webhook_secret);
    let key = secret
        .as_ref()
        .map(|s| SigningKey::from_secret(s.expose()))
        .transpose()?;
    let signed = key.is_some();
    let target = Target::new(webhook, key);
    let event_id = new_id();
    let ping = json!({
        "type": "ping",
        "data": {"message": "tiklive webhook test"},
        "timestamp": format_iso_millis(now_ms()),
        "id": event_id,
    });
    let req = build_request(
        &target,
        &message_id(&event_id, id),
        &ping.to_string(),
        unix_now(),
    );
    let client = http_client(PING_TIMEOUT)?;
    let (outcome, elapsed) = send(&client, req).await;
    let ms = elapsed.as_secs_f64() * 1000.0;
    let how = if signed { "signed" } else { "unsigned" };
    match outcome {
        Outcome::Delivered(status) => {
            term::print_stdout(&format!(
                "webhook {id}: HTTP {status} in {ms:.0} ms ({how} ping to {})\n",
                crate::redact::url(&target.webhook.url)
            ))?;
            Ok(Code::Ok)
        }
        Outcome::Retry { reason, .. } | Outcome::Fail { reason, .. } => {
            bail!(Failure::new(
                Code::Runtime,
                format!(
                    "webhook {id} did not accept the {how} test ping: {reason} (after {ms:.0} ms)"
                ),
            ))
        }
    }
}
