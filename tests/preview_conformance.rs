//! Runs podman's Quadlet conformance suite (`../shared/conformance/run.py`)
//! against `quadlet-ls preview`, in system and user mode, and fails below
//! 300/300. Skipped without `../shared` (see tests/support/mod.rs).

mod support;

use std::process::Command;

fn run(check: &str, user: bool) {
    let Some(runner) = support::shared(check, "conformance/run.py") else {
        return;
    };
    assert!(
        Command::new("python3").arg("--version").output().is_ok(),
        "python3 is needed to run ../shared/conformance/run.py"
    );
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
    run("conformance_system_mode", false);
}

#[test]
fn conformance_user_mode() {
    run("conformance_user_mode", true);
}
