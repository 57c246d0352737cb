-- tiklive store, schema version 2: find an event or a delivery by its id.
-- Plain (not UNIQUE) indexes: a store written by version 1 may already hold
-- copies of an event, and a UNIQUE index would fail to build on it. Inserts
-- check the index instead (insert-if-absent; see events.rs and outbox.rs).
CREATE INDEX events_by_id ON events(id);
CREATE INDEX outbox_by_event ON outbox(webhook_id, event_id);
