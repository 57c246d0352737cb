-- tiklive store, schema version 1.
-- Times are unix milliseconds. Event bodies are the public envelope as JSON text.

-- The webhook registry. `ephemeral = 1` marks an ad-hoc target of
-- `forward --to URL` / WEBHOOK_URL: one row per URL, found again by the next
-- run of the same command so its pending deliveries resume. Ad-hoc rows keep
-- no secret (the command line or WEBHOOK_SECRET supplies it on every run).
CREATE TABLE webhooks (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    url             TEXT    NOT NULL,
    name            TEXT,
    secret          TEXT,
    types           TEXT    NOT NULL DEFAULT '',
    ephemeral       INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,
    delivered       INTEGER NOT NULL DEFAULT 0,
    failed          INTEGER NOT NULL DEFAULT 0,
    last_status     INTEGER,
    last_error      TEXT,
    last_attempt_at INTEGER
);
CREATE UNIQUE INDEX webhooks_adhoc_url ON webhooks(url) WHERE ephemeral = 1;

-- The delivery outbox: one row per (event, webhook) until it is delivered
-- (deleted) or given up (moved to give_ups). `seq` orders each webhook's queue.
CREATE TABLE outbox (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    webhook_id  INTEGER NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
    msg_id      TEXT    NOT NULL,
    event_id    TEXT    NOT NULL,
    event_type  TEXT    NOT NULL,
    event       TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT
);
CREATE INDEX outbox_by_webhook ON outbox(webhook_id, seq);

-- Deliveries tiklive gave up on, with the reason.
CREATE TABLE give_ups (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    webhook_id  INTEGER NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
    msg_id      TEXT    NOT NULL,
    event_id    TEXT    NOT NULL,
    event_type  TEXT    NOT NULL,
    event       TEXT    NOT NULL,
    attempts    INTEGER NOT NULL,
    reason      TEXT    NOT NULL,
    at          INTEGER NOT NULL
);
CREATE INDEX give_ups_by_webhook ON give_ups(webhook_id, id);

-- The event buffer `serve` keeps (newest N; see events.rs).
CREATE TABLE events (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    id          TEXT    NOT NULL,
    type        TEXT    NOT NULL,
    streamer    TEXT    NOT NULL DEFAULT '',
    timestamp   TEXT    NOT NULL,
    body        TEXT    NOT NULL
);
CREATE INDEX events_by_type ON events(type, seq);
CREATE INDEX events_by_streamer ON events(streamer, seq);
