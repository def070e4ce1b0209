//! Helpers shared by the integration tests: `mod support;` at the top of a
//! test file.
//!
//! Tests that compare with podman read the reference data in `../shared`
//! (beside the checkout). Without it they return early, and
//! `tests/shared_data.rs` says once per `cargo test` how many checks were
//! skipped. With `CI` set, a missing `../shared` fails instead: CI never
//! skips them.
#![allow(dead_code)]

use std::path::PathBuf;

/// Every test that reads `../shared`, by function name. A test calls
/// [`shared`] with its own name, so the count reported when the folder is
/// missing is the count of checks that really were skipped.
pub const SHARED_CHECKS: &[&str] = &[
    "key_table_agrees_with_reference",
    "systemd_directives_agree_with_reference",
    "lint_agrees_with_the_4_9_generator",
    "lint_agrees_with_the_5_4_generator",
    "lint_agrees_with_the_5_6_generator",
    "lint_agrees_with_the_5_7_generator",
    "lint_agrees_with_the_5_8_generator",
    "lint_agrees_with_the_6_1_generator",
    "conformance_system_mode",
    "conformance_user_mode",
];

/// `../shared`, relative to the checkout.
pub fn shared_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared")
}

/// True when `CI` is set (to anything but empty, `0` or `false`).
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && v != "false")
}

/// The path `../shared/<rel>` for the check `check` (a name listed in
/// [`SHARED_CHECKS`]), or `None` when `../shared` is absent: the test then
/// returns without a word (the skip is reported once, by
/// `tests/shared_data.rs`). Panics when `CI` is set and `../shared` is
/// missing, and when `../shared` is there but `rel` is not (an incomplete
/// folder is a failure, not a skip).
pub fn shared(check: &str, rel: &str) -> Option<PathBuf> {
    assert!(
        SHARED_CHECKS.contains(&check),
        "add \"{check}\" to SHARED_CHECKS in tests/support/mod.rs"
    );
    let root = shared_root();
    if !root.is_dir() {
        assert!(
            !in_ci(),
            "CI is set but {} is missing: the checks that compare with podman must run in CI",
            root.display()
        );
        return None;
    }
    let p = root.join(rel);
    assert!(
        p.exists(),
        "{} is there but {} is not: update ../shared",
        root.display(),
        p.display()
    );
    Some(p)
}

/// Writes a line to the real stderr, past the test harness's capture, so
/// that it shows in `cargo test`'s output even for a passing test.
pub fn note(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}
