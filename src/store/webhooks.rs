//! The webhook registry: registered webhooks (`tiklive webhooks add`) and the
//! ad-hoc rows of `forward --to URL` / `WEBHOOK_URL` (`ephemeral = 1`, one per
//! URL, no stored secret), with their delivery totals and give-ups.

use anyhow::Result;
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::Serialize;

use crate::secret::Secret;
use crate::webcast::{EventKind, KindSet};

/// A webhook to register.
#[derive(Debug, Clone, Default)]
pub struct NewWebhook {
    pub url: String,
    pub name: Option<String>,
    pub secret: Option<Secret>,
    /// Only these types; empty = every type that is forwarded.
    pub types: Vec<EventKind>,
}

impl NewWebhook {
    pub fn url(url: impl Into<String>) -> NewWebhook {
        NewWebhook {
            url: url.into(),
            ..NewWebhook::default()
        }
    }
}

/// A webhook as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Webhook {
    pub id: i64,
    pub url: String,
    pub name: Option<String>,
    pub secret: Option<Secret>,
    /// Only these types; `None` = all.
    pub types: Option<KindSet>,
    /// An ad-hoc `forward --to` target rather than a registered webhook.
    pub ephemeral: bool,
    pub created_at: i64,
    pub delivered: u64,
    pub failed: u64,
    pub last_status: Option<u16>,
    pub last_error: Option<String>,
    pub last_attempt_at: Option<i64>,
}

impl Webhook {
    /// Whether this webhook wants events of `kind`.
    pub fn wants(&self, kind: EventKind) -> bool {
        self.types.is_none_or(|t| t.contains(kind))
    }

    /// The type filter as names (empty = all).
    pub fn type_names(&self) -> Vec<&'static str> {
        self.types
            .map(|t| t.iter().map(EventKind::name).collect())
            .unwrap_or_default()
    }
}

/// A delivery tiklive gave up on.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GiveUp {
    pub webhook_id: i64,
    pub msg_id: String,
    pub event_id: String,
    pub event_type: String,
    pub attempts: u32,
    pub reason: String,
    /// Unix milliseconds.
    pub at: i64,
}

/// A webhook with its outbox and give-up figures (`webhooks list`).
#[derive(Debug, Clone)]
pub struct WebhookStats {
    pub webhook: Webhook,
    pub pending: u64,
    /// The newest give-ups, newest first.
    pub give_ups: Vec<GiveUp>,
}

/// What `remove` deleted along with the webhook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Removed {
    pub pending_dropped: u64,
}

const COLUMNS: &str = "id, url, name, secret, types, ephemeral, created_at, delivered, failed, \
                       last_status, last_error, last_attempt_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Webhook> {
    let types: String = r.get(4)?;
    Ok(Webhook {
        id: r.get(0)?,
        url: r.get(1)?,
        name: r.get(2)?,
        secret: r.get::<_, Option<String>>(3)?.map(Secret::new),
        types: parse_types(&types),
        ephemeral: r.get(5)?,
        created_at: r.get(6)?,
        delivered: r.get::<_, i64>(7)? as u64,
        failed: r.get::<_, i64>(8)? as u64,
        last_status: r.get(9)?,
        last_error: r.get(10)?,
        last_attempt_at: r.get(11)?,
    })
}

/// Stored as comma-separated names; a name this build does not know is
/// ignored (a newer tiklive may have written it).
fn parse_types(s: &str) -> Option<KindSet> {
    if s.is_empty() {
        return None;
    }
    Some(s.split(',').filter_map(|n| n.parse().ok()).collect())
}

fn format_types(types: &[EventKind]) -> String {
    let set: KindSet = types.iter().copied().collect();
    set.iter()
        .map(EventKind::name)
        .collect::<Vec<_>>()
        .join(",")
}

/// Register a webhook; returns its id.
pub fn add(conn: &Connection, new: &NewWebhook, now: i64) -> Result<i64> {
    conn.execute(
        "INSERT INTO webhooks (url, name, secret, types, ephemeral, created_at) VALUES (?1, ?2, ?3, ?4, 0, ?5)",
        params![
            new.url,
            new.name,
            new.secret.as_ref().map(Secret::expose),
            format_types(&new.types),
            now
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

/// Every webhook, by id.
pub fn list(conn: &Connection) -> Result<Vec<Webhook>> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {COLUMNS} FROM webhooks ORDER BY id"))?;
    let rows = stmt.query_map([], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One webhook.
pub fn get(conn: &Connection, id: i64) -> Result<Option<Webhook>> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {COLUMNS} FROM webhooks WHERE id = ?1"))?;
    Ok(stmt.query_row([id], from_row).optional()?)
}

/// Delete a webhook; its pending deliveries and give-ups go with it.
pub fn remove(conn: &Connection, id: i64) -> Result<Option<Removed>> {
    let pending = conn.query_row(
        "SELECT count(*) FROM outbox WHERE webhook_id = ?1",
        [id],
        |r| r.get::<_, i64>(0),
    )? as u64;
    let n = conn.execute("DELETE FROM webhooks WHERE id = ?1", [id])?;
    Ok((n > 0).then_some(Removed {
        pending_dropped: pending,
    }))
}

/// The ad-hoc row for `url`, created on first use.
pub fn adhoc(conn: &Connection, url: &str, now: i64) -> Result<Webhook> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM webhooks WHERE url = ?1 AND ephemeral = 1"
    ))?;
    if let Some(found) = stmt.query_row([url], from_row).optional()? {
        return Ok(found);
    }
    conn.execute(
        "INSERT INTO webhooks (url, ephemeral, created_at) VALUES (?1, 1, ?2)",
        params![url, now],
    )?;
    Ok(stmt.query_row([url], from_row)?)
}

/// Every webhook with its pending count and newest `give_ups` give-ups.
pub fn stats(conn: &Connection, give_ups: usize) -> Result<Vec<WebhookStats>> {
    let mut out = Vec::new();
    let mut pending = conn.prepare_cached("SELECT count(*) FROM outbox WHERE webhook_id = ?1")?;
    let mut gu = conn.prepare_cached(
        "SELECT webhook_id, msg_id, event_id, event_type, attempts, reason, at
         FROM give_ups WHERE webhook_id = ?1 ORDER BY id DESC LIMIT ?2",
    )?;
    for webhook in list(conn)? {
        let n = pending.query_row([webhook.id], |r| r.get::<_, i64>(0))? as u64;
        let recent = gu
            .query_map(params![webhook.id, give_ups as i64], |r| {
                Ok(GiveUp {
                    webhook_id: r.get(0)?,
                    msg_id: r.get(1)?,
                    event_id: r.get(2)?,
                    event_type: r.get(3)?,
                    attempts: r.get(4)?,
                    reason: r.get(5)?,
                    at: r.get(6)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        out.push(WebhookStats {
            webhook,
            pending: n,
            give_ups: recent,
        });
    }
    Ok(out)
}

/// The async side of this table, on the writer thread or a read connection.
impl super::Store {
    /// Register a webhook; returns its id.
    pub async fn add_webhook(&self, new: NewWebhook) -> Result<i64> {
        self.write(move |c| add(c, &new, crate::clock::now_ms()))
            .await
    }

    /// Every webhook (registered and ad-hoc), by id.
    pub async fn webhooks(&self) -> Result<Vec<Webhook>> {
        self.read(list).await
    }

    /// One webhook by id.
    pub async fn webhook(&self, id: i64) -> Result<Option<Webhook>> {
        self.read(move |c| get(c, id)).await
    }

    /// Remove a webhook with its pending deliveries and give-ups.
    pub async fn remove_webhook(&self, id: i64) -> Result<Option<Removed>> {
        self.write(move |c| remove(c, id)).await
    }

    /// The ad-hoc row for `url` (`forward --to`), created on first use.
    pub async fn adhoc_webhook(&self, url: String) -> Result<Webhook> {
        self.write(move |c| adhoc(c, &url, crate::clock::now_ms()))
            .await
    }

    /// Delivery totals, pending count and the newest give-ups of each webhook.
    pub async fn webhook_stats(&self, give_ups: usize) -> Result<Vec<WebhookStats>> {
        self.read(move |c| stats(c, give_ups)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::test_db as db;

    #[test]
    fn add_get_list_remove() {
        let c = db();
        let id = add(
            &c,
            &NewWebhook {
                url: "https://example.com/hook".into(),
                name: Some("overlay".into()),
                secret: Some(Secret::new("whsec_abc")),
                types: vec![EventKind::Gift, EventKind::Chat, EventKind::Gift],
            },
            42,
        )
        .unwrap();
        let w = get(&c, id).unwrap().unwrap();
        assert_eq!(w.name.as_deref(), Some("overlay"));
        assert_eq!(w.secret.as_ref().map(Secret::expose), Some("whsec_abc"));
        assert_eq!(w.type_names(), ["chat", "gift"]);
        assert!(w.wants(EventKind::Gift) && !w.wants(EventKind::Like));
        assert!(!w.ephemeral);
        assert_eq!(w.created_at, 42);
        let all = add(&c, &NewWebhook::url("http://127.0.0.1:9/x"), 43).unwrap();
        assert!(get(&c, all).unwrap().unwrap().wants(EventKind::Like));
        assert_eq!(list(&c).unwrap().len(), 2);
        assert_eq!(
            remove(&c, id).unwrap(),
            Some(Removed { pending_dropped: 0 })
        );
        assert_eq!(remove(&c, id).unwrap(), None);
        assert_eq!(list(&c).unwrap().len(), 1);
    }

    #[test]
    fn adhoc_rows_are_one_per_url() {
        let c = db();
        let a = adhoc(&c, "http://127.0.0.1:9/a", 1).unwrap();
        let again = adhoc(&c, "http://127.0.0.1:9/a", 2).unwrap();
        assert_eq!(a.id, again.id);
        assert!(a.ephemeral && a.secret.is_none());
        // A registered webhook with the same URL is a different row.
        let reg = add(&c, &NewWebhook::url("http://127.0.0.1:9/a"), 3).unwrap();
        assert_eq!(reg, a.id + 1, "looking up an existing row uses no id");
        assert_ne!(adhoc(&c, "http://127.0.0.1:9/b", 4).unwrap().id, a.id);
    }
}
