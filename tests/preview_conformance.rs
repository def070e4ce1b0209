//! Runs podman's Quadlet conformance suite (`../shared/conformance/run.py`)
//! against `quadlet-ls preview --podman-version LINE`, for every line that
//! has a suite (the top-level one is 5.8's, the others are under
//! `releases/LINE`), in system and user mode, and fails unless every case
//! passes. Skipped without `../shared` (see tests/support/mod.rs).

mod support;

use std::process::Command;

/// The lines with a suite, with the least number of cases each must have
/// (so that a suite that lost its cases cannot pass).
const LINES: &[(&str, u64)] = &[
    ("4.9", 140),
    ("5.4", 250),
    ("5.6", 284),
    ("5.7", 297),
    ("5.8", 300),
    ("6.1", 303),
];

fn run(check: &str, line: &str, user: bool) {
    let Some(runner) = support::shared(check, "conformance/run.py") else {
        return;
    };
    let min = LINES
        .iter()
        .find(|(l, _)| *l == line)
        .map(|(_, n)| *n)
        .expect("a line of LINES");
    assert!(
        Command::new("python3").arg("--version").output().is_ok(),
        "python3 is needed to run ../shared/conformance/run.py"
    );
    let bin = env!("CARGO_BIN_EXE_quadlet-ls");
    let mode = if user { "user" } else { "system" };
    let out_dir = std::env::temp_dir().join(format!(
        "quadlet-ls-conformance-{}-{line}-{mode}",
        std::process::id(),
    ));
    let _ = std::fs::create_dir_all(&out_dir);
    let json = out_dir.join("results.json");
    let mut cmd = Command::new("python3");
    cmd.arg(&runner)
        .arg("--release")
        .arg(line)
        .arg("--candidate")
        .arg(format!("{bin} preview --podman-version {line}"))
        .arg("--json")
        .arg(&json);
    if user {
        cmd.arg("--user");
    }
    let output = cmd.output().expect("run.py starts");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let text = std::fs::read_to_string(&json).unwrap_or_default();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap_or(serde_json::Value::Null);
    let passed = v["passed"].as_u64().unwrap_or(0);
    let total = v["total"].as_u64().unwrap_or(0);
    let _ = std::fs::remove_dir_all(&out_dir);
    support::note(&format!(
        "preview conformance {line} {mode}: passed {passed}/{total}"
    ));
    assert!(
        total >= min && passed == total,
        "conformance {line} ({mode}): passed {passed}/{total}\n{stdout}"
    );
}

#[test]
fn conformance_system_mode() {
    run("conformance_system_mode", "5.8", false);
}

#[test]
fn conformance_user_mode() {
    run("conformance_user_mode", "5.8", true);
}

#[test]
fn conformance_4_9_system_mode() {
    run("conformance_4_9_system_mode", "4.9", false);
}

#[test]
fn conformance_4_9_user_mode() {
    run("conformance_4_9_user_mode", "4.9", true);
}

#[test]
fn conformance_5_4_system_mode() {
    run("conformance_5_4_system_mode", "5.4", false);
}

#[test]
fn conformance_5_4_user_mode() {
    run("conformance_5_4_user_mode", "5.4", true);
}

#[test]
fn conformance_5_6_system_mode() {
    run("conformance_5_6_system_mode", "5.6", false);
}

#[test]
fn conformance_5_6_user_mode() {
    run("conformance_5_6_user_mode", "5.6", true);
}

#[test]
fn conformance_5_7_system_mode() {
    run("conformance_5_7_system_mode", "5.7", false);
}

#[test]
fn conformance_5_7_user_mode() {
    run("conformance_5_7_user_mode", "5.7", true);
}

#[test]
fn conformance_6_1_system_mode() {
    run("conformance_6_1_system_mode", "6.1", false);
}

#[test]
fn conformance_6_1_user_mode() {
    run("conformance_6_1_user_mode", "6.1", true);
}
