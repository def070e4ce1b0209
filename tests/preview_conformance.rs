//! Runs podman's Quadlet conformance suite (`../shared/conformance/run.py`)
//! against `quadlet-ls preview`, in system and user mode, and fails below
//! 300/300. Skips with a message when the suite or python3 is absent.

use std::path::{Path, PathBuf};
use std::process::Command;

fn suite() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance/run.py");
    p.is_file().then_some(p)
}

fn run(user: bool) {
    let Some(runner) = suite() else {
        eprintln!("skipping: ../shared/conformance is absent");
        return;
    };
    if Command::new("python3").arg("--version").output().is_err() {
        eprintln!("skipping: python3 is not available");
        return;
    }
    let bin = env!("CARGO_BIN_EXE_quadlet-ls");
    let out_dir = std::env::temp_dir().join(format!(
        "quadlet-ls-conformance-{}-{}",
        std::process::id(),
        if user { "user" } else { "system" }
    ));
    let _ = std::fs::create_dir_all(&out_dir);
    let json = out_dir.join("results.json");
    let mut cmd = Command::new("python3");
    cmd.arg(&runner)
        .arg("--candidate")
        .arg(format!("{bin} preview"))
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
    assert!(
        total >= 300 && passed == total,
        "conformance ({}): passed {passed}/{total}\n{stdout}",
        if user { "user" } else { "system" }
    );
}

#[test]
fn conformance_system_mode() {
    run(false);
}

#[test]
fn conformance_user_mode() {
    run(true);
}
