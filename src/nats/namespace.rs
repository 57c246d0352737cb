//! One deployment's names in a NATS account, all derived from its subject
//! prefix (`--nats-prefix`, `TIKLIVE_NATS_PREFIX`, default `tiklive`).
//!
//! | what                      | prefix `tiklive` (default)        | prefix `acme.staging`           |
//! |---------------------------|-----------------------------------|---------------------------------|
//! | event subject             | `tiklive.ev.<streamer>.<type>`    | `acme.staging.ev.<streamer>.<type>` |
//! | the stream's subjects     | `tiklive.ev.>`                    | `acme.staging.ev.>`             |
//! | the stream (default)      | `TIKLIVE_EVENTS`                  | `ACME_STAGING_EVENTS`           |
//! | KV buckets                | `TIKLIVE_STREAMERS`, `…_LEASES`, … | `ACME_STAGING_STREAMERS`, …    |
//! | `forward --from` consumer | `tiklive-fwd-<hex>`               | `acme_staging-fwd-<hex>`        |
//!
//! So two deployments with two prefixes share one account (one nats-server)
//! without seeing each other's events, streamers, leases, cursors, sign
//! budget or give-ups (tested in `tests/nats.rs`,
//! `two_prefixes_share_one_server_independently`).
//!
//! A prefix is one or more `.`-separated tokens of lower-case ASCII letters,
//! digits and `-`. NATS subjects allow more, but bucket and stream names
//! allow no `.` and the derived names must not collide: with `_` and upper
//! case excluded, a name (`.` → `_`, upper-cased) gives the prefix back, so
//! two prefixes never share a bucket. No token may be `ev`: the subjects of
//! prefix `a.ev.b` (`a.ev.b.ev.>`) would fall inside those of `a`
//! (`a.ev.>`); without it, two prefixes' subjects never overlap. Confirmed
//! by the unit tests below.

use crate::error::Failure;

/// The default prefix: the subjects the issue fixed (`tiklive.ev.…`).
pub const DEFAULT_PREFIX: &str = "tiklive";

/// The longest prefix accepted (bucket names stay well within limits).
const MAX_LEN: usize = 64;

/// The names of one deployment (see the module docs). Cheap to clone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Namespace {
    /// `tiklive`, `acme.staging`.
    prefix: String,
    /// The event subjects' root: `tiklive.ev`.
    events: String,
    /// Stream and bucket names start with this: `TIKLIVE`, `ACME_STAGING`.
    stem: String,
}

impl Default for Namespace {
    fn default() -> Self {
        Namespace::new(DEFAULT_PREFIX).expect("the default prefix is valid")
    }
}

impl Namespace {
    /// The names of `prefix`.
    ///
    /// # Errors
    /// A usage error naming the prefix, when it is not `.`-separated tokens
    /// of `a-z`, `0-9` and `-` (at most 64 characters).
    pub fn new(prefix: &str) -> Result<Namespace, Failure> {
        let token_ok = |t: &str| {
            !t.is_empty()
                && t.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        };
        if prefix.len() > MAX_LEN || !prefix.split('.').all(token_ok) {
            return Err(Failure::usage(format!(
                "invalid --nats-prefix '{prefix}': use lower-case letters, digits and '-', \
                 tokens separated by '.' (e.g. tiklive or acme.staging), at most {MAX_LEN} characters"
            )));
        }
        if prefix.split('.').any(|t| t == "ev") {
            return Err(Failure::usage(format!(
                "invalid --nats-prefix '{prefix}': no token may be 'ev' \
                 (its subjects would fall inside another prefix's PREFIX.ev.>)"
            )));
        }
        Ok(Namespace {
            prefix: prefix.to_string(),
            events: format!("{prefix}.ev"),
            stem: prefix.replace('.', "_").to_ascii_uppercase(),
        })
    }

    /// The prefix as given.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The root of every event subject: `tiklive.ev`.
    pub fn events_root(&self) -> &str {
        &self.events
    }

    /// The stream's subject filter: `tiklive.ev.>`.
    pub fn events_filter(&self) -> String {
        format!("{}.>", self.events)
    }

    /// The stream used when `--nats-stream` is not given: `TIKLIVE_EVENTS`.
    pub fn default_stream(&self) -> String {
        format!("{}_EVENTS", self.stem)
    }

    /// The stream named by `--nats-stream`, else [`Namespace::default_stream`].
    ///
    /// # Errors
    /// A usage error for a name with `.`, `*`, `>` or spaces.
    pub fn stream(&self, given: Option<&str>) -> anyhow::Result<String> {
        let name = given.map_or_else(|| self.default_stream(), str::to_string);
        super::check_stream_name(&name)?;
        Ok(name)
    }

    /// A KV bucket of this deployment: `bucket("STREAMERS")` is
    /// `TIKLIVE_STREAMERS`. `role` is upper-case letters only.
    pub fn bucket(&self, role: &str) -> String {
        debug_assert!(role.bytes().all(|b| b.is_ascii_uppercase()), "{role}");
        format!("{}_{role}", self.stem)
    }

    /// The start of `forward --from`'s durable consumer names: `tiklive-fwd`.
    pub fn consumer_stem(&self) -> String {
        format!("{}-fwd", self.prefix.replace('.', "_"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_keeps_the_fixed_names() {
        let ns = Namespace::default();
        assert_eq!(ns.events_root(), "tiklive.ev");
        assert_eq!(ns.events_filter(), "tiklive.ev.>");
        assert_eq!(ns.default_stream(), "TIKLIVE_EVENTS");
        assert_eq!(ns.bucket("STREAMERS"), "TIKLIVE_STREAMERS");
        assert_eq!(ns.consumer_stem(), "tiklive-fwd");
    }

    #[test]
    fn a_prefix_with_tokens_names_everything() {
        let ns = Namespace::new("acme.staging-2").unwrap();
        assert_eq!(ns.events_filter(), "acme.staging-2.ev.>");
        assert_eq!(ns.default_stream(), "ACME_STAGING-2_EVENTS");
        assert_eq!(ns.bucket("LEASES"), "ACME_STAGING-2_LEASES");
        assert_eq!(ns.consumer_stem(), "acme_staging-2-fwd");
        assert_eq!(ns.stream(Some("MINE")).unwrap(), "MINE");
        assert!(ns.stream(Some("a.b")).is_err());
    }

    #[test]
    fn bad_prefixes_are_refused() {
        let long = "a".repeat(65);
        for bad in [
            "",
            ".",
            "a.",
            ".a",
            "a..b",
            "A",
            "a_b",
            "a b",
            "a*",
            "a>",
            "$sys",
            "é",
            &long,
            "ev",
            "tiklive.ev",
            "a.ev.b",
        ] {
            assert!(Namespace::new(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn distinct_prefixes_never_overlap() {
        let prefixes = ["a", "a.b", "a.b.c", "b", "ab", "eve", "a.eve"];
        for p in prefixes {
            for q in prefixes {
                let (p, q) = (Namespace::new(p).unwrap(), Namespace::new(q).unwrap());
                let filter = |n: &Namespace| format!("{}.x.y", n.events_root());
                let overlap = crate::nats::subject::covers(&p.events_filter(), &filter(&q));
                assert_eq!(overlap, p == q, "{p:?} {q:?}");
            }
        }
    }

    #[test]
    fn distinct_prefixes_never_share_a_name() {
        let prefixes = ["a", "a.b", "a-b", "ab", "a.b.c", "a.bc", "ab.c", "a-b.c"];
        let mut buckets = std::collections::HashSet::new();
        let mut consumers = std::collections::HashSet::new();
        for p in prefixes {
            let ns = Namespace::new(p).unwrap();
            assert!(buckets.insert(ns.bucket("SIGN")), "{p}");
            assert!(buckets.insert(ns.default_stream()), "{p}");
            assert!(consumers.insert(ns.consumer_stem()), "{p}");
        }
    }
}
