//! The version string, with the git commit when the build knew it.

pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Set by build.rs; empty when git was not available at build time.
const GIT_HASH: &str = env!("BUILD_GIT_HASH");

/// `0.1.0 (abc1234)`, or just the version when the commit is unknown.
pub fn long_version() -> String {
    if GIT_HASH.is_empty() {
        VERSION.to_string()
    } else {
        format!("{VERSION} ({GIT_HASH})")
    }
}

/// `tiklive/<version>`, the User-Agent of every webhook request.
pub fn user_agent() -> String {
    format!("tiklive/{VERSION}")
}
