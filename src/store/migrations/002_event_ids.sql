-- tiklive store, schema version 2: find an event or a delivery by its id.
-- Plain (not UNIQUE) indexes: a store written by version 1 may already hold
-- copies of an event, and a UNIQUE index would fail to build on it. Inserts
-- check the index instead (insert-if-absent; see events.rs and outbox.rs).
CREATE INDEX events_by_id ON events(id);
CREATE INDEX outbox_by_event ON outbox(webhook_id, event_id);

-- Deliveries made in the last day (outbox.rs SENT_RETENTION_MS), one row per
-- (webhook, event), so a later run of the same events (a replay, an overlap)
-- does not queue them for that webhook again. Older rows are pruned as new
-- deliveries are recorded.
CREATE TABLE sent (
    webhook_id  INTEGER NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
    event_id    TEXT    NOT NULL,
    at          INTEGER NOT NULL,
    PRIMARY KEY (webhook_id, event_id)
) WITHOUT ROWID;
CREATE INDEX sent_by_time ON sent(at);
