//! Randomness: the one place that calls `fastrand` or `getrandom`
//! (`clippy.toml` forbids them elsewhere). `fastrand` (fast, not
//! cryptographic) gives jitter and protocol nonces; `getrandom` (the OS
//! generator) gives secret keys.

#![expect(clippy::disallowed_methods, reason = "randomness' owner")]

/// A uniform jitter factor in `[0, 1)`.
pub fn unit() -> f64 {
    fastrand::f64()
}

/// A uniform integer in `range` (panics on an empty range).
pub fn u32_in(range: std::ops::Range<u32>) -> u32 {
    fastrand::u32(range)
}

/// A uniform integer in `range` (panics on an empty range).
pub fn i64_in(range: std::ops::Range<i64>) -> i64 {
    fastrand::i64(range)
}

/// `N` bytes from the operating system's cryptographic generator.
///
/// # Panics
/// The OS generator is unavailable (a broken system: nothing secret can be
/// made then, so the process stops rather than use a weak key).
pub fn secret_key<const N: usize>() -> [u8; N] {
    let mut key = [0u8; N];
    getrandom::fill(&mut key).expect("the OS random generator is unavailable");
    key
}
