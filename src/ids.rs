//! Identifiers we make up: the one place that calls `Uuid::new_v4`
//! (`clippy.toml` forbids it elsewhere). Ids derived from the data (a
//! webhook message id, an event id made from a msgId) belong here too.

/// A fresh random event id: a UUID v4 in its hyphenated lowercase form
/// (`67e55044-10b1-426f-9247-bb680e5fe0c8`).
#[expect(clippy::disallowed_methods, reason = "the ids' owner")]
pub fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}
