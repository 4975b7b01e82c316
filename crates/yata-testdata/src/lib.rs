//! Locates the shared, real-world test data that lives beside the repository
//! (`../shared/data`), or wherever `YATA_SHARED_DATA` points.
//!
//! Tests call [`shared_data`] (or [`path`]) and get `None` only on a developer's
//! machine without the data, after a clear message. With `CI` set, missing data
//! is a failure, never a skip.

use std::path::{Path, PathBuf};

/// The environment variable that overrides where the shared data is.
pub const ENV_VAR: &str = "YATA_SHARED_DATA";

/// The root of the shared data, if present.
///
/// # Panics
/// When the data is missing and the `CI` environment variable is set: tests
/// that need real data must run in CI, not skip.
pub fn shared_data() -> Option<PathBuf> {
    let root = match std::env::var_os(ENV_VAR) {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"),
    };
    if root.join("README.md").is_file() {
        return Some(root);
    }
    if in_ci() {
        panic!(
            "shared test data not found at {} (set {ENV_VAR}); CI must not skip tests that need it",
            root.display()
        );
    }
    eprintln!(
        "skipping: shared test data not found at {} (set {ENV_VAR} to run this test)",
        root.display()
    );
    None
}

/// A path inside the shared data, if the data is present.
///
/// # Panics
/// As [`shared_data`], and also when the data is present but `relative` is not
/// in it: a test must not pass by reading nothing.
pub fn path(relative: &str) -> Option<PathBuf> {
    let p = shared_data()?.join(relative);
    assert!(p.exists(), "shared data has no {}", p.display());
    Some(p)
}

/// Whether we run in CI (the `CI` environment variable is set to anything but
/// `false` or `0`).
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}
