//! Helpers for the tests that run the built `quadlet-ls` binary: a fresh
//! temporary folder per test, files written into it, and a run that returns
//! (exit status, stdout, stderr).

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// `quadlet-ls lint`, ready for more arguments.
pub fn lint() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_quadlet-ls"));
    c.arg("lint");
    c
}

/// A fresh temporary folder for one test (`group` names the test file).
pub fn tmp(group: &str, name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("quadlet-ls-{group}-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

/// Writes `text` to `dir/name`, creating folders on the way.
pub fn write(dir: &Path, name: &str, text: impl AsRef<[u8]>) -> PathBuf {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).expect("dir");
    }
    std::fs::write(&p, text).expect("write");
    p
}

/// Runs a command: (exit status, stdout, stderr).
pub fn run(cmd: &mut Command) -> (i32, String, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = cmd.output().expect("the binary starts");
    (
        status.code().unwrap_or(-1),
        String::from_utf8_lossy(&stdout).into_owned(),
        String::from_utf8_lossy(&stderr).into_owned(),
    )
}

/// Runs `lint --format json ARGS` in `cwd`: (exit status, the JSON document, stderr).
pub fn lint_json(cwd: &Path, args: &[&str]) -> (i32, serde_json::Value, String) {
    let (code, out, err) = run(lint()
        .current_dir(cwd)
        .args(["--format", "json"])
        .args(args));
    let v = serde_json::from_str(&out).unwrap_or(serde_json::Value::Null);
    (code, v, err)
}

/// `(path, code)` of every diagnostic of a JSON lint document.
pub fn codes(v: &serde_json::Value) -> Vec<(String, String)> {
    v["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|d| {
            (
                d["path"].as_str().unwrap_or("").to_string(),
                d["code"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// The files a JSON lint document says were checked.
pub fn checked(v: &serde_json::Value) -> Vec<String> {
    v["files_checked"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f.as_str().map(str::to_string))
        .collect()
}
