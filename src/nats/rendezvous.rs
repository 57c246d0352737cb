//! Which worker should watch which streamer: rendezvous (highest random
//! weight) hashing with a per-worker capacity. Pure; every worker computes
//! the same assignment from the same view, so they agree without talking.
//! When a worker joins or leaves, only the streamers whose best worker
//! changed move.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

/// The weight of (`worker`, `streamer`): the first 8 bytes of
/// SHA-256(`worker` NUL `streamer`), stable across processes and versions.
pub fn weight(worker: &str, streamer: &str) -> u64 {
    let mut h = Sha256::new();
    h.update(worker.as_bytes());
    h.update([0u8]);
    h.update(streamer.as_bytes());
    let d = h.finalize();
    u64::from_be_bytes(d[..8].try_into().expect("a SHA-256 digest has 32 bytes"))
}

/// Assign each streamer to a worker. `workers` maps a worker id to its
/// capacity (streams at most; `usize::MAX` for none). Streamers are placed in
/// name order, each on its highest-weight worker that still has room;
/// streamers no worker has room for are left out.
pub fn assign<'a>(
    streamers: impl IntoIterator<Item = &'a str>,
    workers: &BTreeMap<String, usize>,
) -> BTreeMap<String, String> {
    let mut streamers: Vec<&str> = streamers.into_iter().collect();
    streamers.sort_unstable();
    streamers.dedup();
    let mut load: BTreeMap<&str, usize> = workers.keys().map(|w| (w.as_str(), 0)).collect();
    let mut out = BTreeMap::new();
    for s in streamers {
        let mut ranked: Vec<(&str, u64)> =
            workers.keys().map(|w| (w.as_str(), weight(w, s))).collect();
        ranked.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        for (w, _) in ranked {
            let used = load.get_mut(w).expect("every worker has a load");
            if *used < workers[w] {
                *used += 1;
                out.insert(s.to_string(), w.to_string());
                break;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workers(n: usize, cap: usize) -> BTreeMap<String, usize> {
        (0..n).map(|i| (format!("w{i}"), cap)).collect()
    }

    #[test]
    fn spreads_evenly_and_moves_little() {
        let names: Vec<String> = (0..3000).map(|i| format!("streamer{i}")).collect();
        let three = assign(names.iter().map(String::as_str), &workers(3, usize::MAX));
        for w in ["w0", "w1", "w2"] {
            let n = three.values().filter(|v| *v == w).count();
            assert!((850..1150).contains(&n), "{w} has {n}");
        }
        // w2 leaves: only its streamers move.
        let two = assign(names.iter().map(String::as_str), &workers(2, usize::MAX));
        for (s, w) in &three {
            if w != "w2" {
                assert_eq!(&two[s], w);
            }
        }
    }

    #[test]
    fn capacity_caps_a_worker() {
        let names: Vec<String> = (0..10).map(|i| format!("s{i}")).collect();
        let a = assign(names.iter().map(String::as_str), &workers(2, 4));
        assert_eq!(a.len(), 8, "two left over");
        assert_eq!(a.values().filter(|w| *w == "w0").count(), 4);
        assert_eq!(a.values().filter(|w| *w == "w1").count(), 4);
    }
}
