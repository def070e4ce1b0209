//! `quadlet-ls lint` as a user runs it: formats, exit codes, config file,
//! disable comments and bad input.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_quadlet-ls"));
    c.arg("lint");
    c
}

/// A fresh temporary folder for one test.
fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("quadlet-ls-lint-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn write(dir: &Path, name: &str, text: impl AsRef<[u8]>) -> PathBuf {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(&p, text).unwrap();
    p
}

fn run(cmd: &mut Command) -> (i32, String, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = cmd.output().unwrap();
    (
        status.code().unwrap_or(-1),
        String::from_utf8_lossy(&stdout).into_owned(),
        String::from_utf8_lossy(&stderr).into_owned(),
    )
}

const BAD: &str = "[Container]\nImage=quay.io/a/b:1\nImgae=x\n";
const WARN: &str = "[Container]\nImage=nginx\n";
const CLEAN: &str = "[Container]\nImage=quay.io/a/b:1\n";

#[test]
fn examples_lint_clean() {
    let ex = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples");
    let (code, out, err) = run(bin().arg(&ex));
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("no problems"), "{out}");
}

#[test]
fn exit_codes() {
    let d = tmp("exit");
    write(&d, "clean/a.container", CLEAN);
    write(&d, "bad/a.container", BAD);
    write(&d, "warn/a.container", WARN);
    assert_eq!(run(bin().arg(d.join("clean"))).0, 0);
    assert_eq!(run(bin().arg(d.join("bad"))).0, 1);
    assert_eq!(run(bin().arg(d.join("warn"))).0, 0);
    assert_eq!(run(bin().arg("--deny-warnings").arg(d.join("warn"))).0, 1);
    let (code, out, err) = run(bin().arg(d.join("missing")));
    assert_eq!(code, 2);
    assert!(err.contains("no such file"), "{err}");
    // The error is not followed by "no problems".
    assert_eq!(
        out,
        "0 files checked for podman 6.1; 1 path could not be read\n"
    );
    let (code, out, _) = run(bin().arg(d.join("clean")).arg(d.join("missing")));
    assert_eq!(code, 2);
    assert_eq!(
        out,
        "1 file checked for podman 6.1; 1 path could not be read\n"
    );
    let (_, out, _) = run(bin().arg(d.join("bad")));
    assert!(
        out.ends_with("1 error, 0 warnings in 1 of 1 file checked for podman 6.1\n"),
        "{out}"
    );
    assert_eq!(run(bin().arg("--format").arg("xml").arg(&d)).0, 2);
    assert_eq!(run(bin().arg("--podman-version").arg("five").arg(&d)).0, 2);
}

#[test]
fn human_format_shows_snippet_and_caret() {
    let d = tmp("human");
    write(&d, "a.container", BAD);
    let (code, out, _) = run(bin().current_dir(&d).arg("."));
    assert_eq!(code, 1);
    assert!(out.contains("error[unknown-key]"), "{out}");
    assert!(out.contains("--> a.container:3:1"), "{out}");
    assert!(out.contains("3 | Imgae=x"), "{out}");
    assert!(out.contains("  | ^^^^^"), "{out}");
    assert!(out.contains("= fix (unsafe): Change to Image="), "{out}");
}

#[test]
fn json_format_follows_the_documented_schema() {
    let d = tmp("json");
    write(&d, "a.container", BAD);
    let (code, out, _) = run(bin().current_dir(&d).args(["--format", "json", "."]));
    assert_eq!(code, 1);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["version"], 1);
    assert_eq!(v["summary"]["errors"], 1);
    let diag = &v["diagnostics"][0];
    assert_eq!(diag["path"], "a.container");
    assert_eq!(diag["code"], "unknown-key");
    assert_eq!(diag["severity"], "error");
    assert_eq!(diag["range"]["start"]["line"], 3);
    assert_eq!(diag["range"]["start"]["column"], 1);
    assert_eq!(diag["range"]["end"]["column"], 6);
    assert_eq!(diag["span"]["start"], 32);
    assert_eq!(diag["fixes"][0]["edits"][0]["new_text"], "Image");
    assert_eq!(diag["fixes"][0]["safe"], false);
}

#[test]
fn sarif_is_structurally_valid() {
    let d = tmp("sarif");
    write(&d, "a.container", BAD);
    write(&d, "b.container", WARN);
    let (code, out, _) = run(bin().current_dir(&d).args(["--format", "sarif", "."]));
    assert_eq!(code, 1);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["version"], "2.1.0");
    assert!(v["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    let run = &v["runs"][0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "quadlet-ls");
    let rules = driver["rules"].as_array().unwrap();
    assert!(rules.len() >= quadlet_ls::check::CODES.len());
    for r in rules {
        assert!(r["id"].is_string());
        assert!(r["shortDescription"]["text"].is_string());
        let level = r["defaultConfiguration"]["level"].as_str().unwrap();
        assert!(["error", "warning", "note"].contains(&level));
    }
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    for res in results {
        let id = res["ruleId"].as_str().unwrap();
        let idx = res["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[idx]["id"], id);
        assert!(["error", "warning", "note"].contains(&res["level"].as_str().unwrap()));
        assert!(res["message"]["text"].is_string());
        let loc = &res["locations"][0]["physicalLocation"];
        assert!(loc["artifactLocation"]["uri"]
            .as_str()
            .unwrap()
            .ends_with(".container"));
        let region = &loc["region"];
        for k in ["startLine", "startColumn", "endLine", "endColumn"] {
            assert!(region[k].as_u64().unwrap() >= 1, "{k}");
        }
    }
}

#[test]
fn github_format_emits_workflow_commands() {
    let d = tmp("github");
    write(&d, "a.container", BAD);
    write(&d, "b.container", WARN);
    let (code, out, _) = run(bin().current_dir(&d).args(["--format", "github", "."]));
    assert_eq!(code, 1);
    assert!(
        out.lines().any(|l| l.starts_with(
            "::error file=a.container,line=3,col=1,endLine=3,endColumn=6,title=unknown-key::"
        )),
        "{out}"
    );
    assert!(
        out.lines()
            .any(|l| l.starts_with("::warning file=b.container,line=2,")),
        "{out}"
    );
}

#[test]
fn options_disable_podman_version_and_config_file() {
    let d = tmp("config");
    write(
        &d,
        "units/a.container",
        "[Container]\nImage=nginx\nAppArmor=unconfined\n",
    );
    assert_eq!(run(bin().arg(d.join("units"))).0, 0);
    assert_eq!(
        run(bin().args(["--podman-version", "5.4"]).arg(d.join("units"))).0,
        1
    );
    assert_eq!(
        run(bin()
            .args(["--deny-warnings", "--disable", "short-image-name"])
            .arg(d.join("units")))
        .0,
        0
    );
    write(&d, "quadlet-ls.toml", "podman-version = \"5.4\"\n");
    assert_eq!(run(bin().current_dir(&d).arg("units")).0, 1);
    assert_eq!(
        run(bin().current_dir(&d).args(["--no-config", "units"])).0,
        0
    );
    write(
        &d,
        "quadlet-ls.toml",
        "deny-warnings = true\ndisable = [\"short-image-name\"]\nuser = true\n",
    );
    assert_eq!(run(bin().current_dir(&d).arg("units")).0, 0);
    write(&d, "quadlet-ls.toml", "deny-warnings = true\n");
    assert_eq!(run(bin().current_dir(&d).arg("units")).0, 1);
    write(&d, "quadlet-ls.toml", "colour = \"red\"\n");
    let (code, _, err) = run(bin().current_dir(&d).arg("units"));
    assert_eq!(code, 2);
    assert!(err.contains("quadlet-ls.toml"), "{err}");
}

#[test]
fn disable_comment_in_a_file() {
    let d = tmp("comment");
    write(
        &d,
        "a.container",
        "[Container]\n# quadlet-ls: disable=short-image-name\nImage=nginx\n",
    );
    assert_eq!(run(bin().arg("--deny-warnings").arg(&d)).0, 0);
}

#[test]
fn bad_input_gets_clear_messages() {
    let d = tmp("badinput");
    write(&d, "bin.container", b"[Container]\x00\x01\x02");
    write(&d, "latin1.container", b"[Container]\nImage=caf\xe9\n");
    let (code, out, _) = run(bin().current_dir(&d).arg("."));
    assert_eq!(code, 1);
    assert!(out.contains("binary file"), "{out}");
    assert!(out.contains("not valid UTF-8"), "{out}");

    // A 10 MB unit: checked quickly, no panic.
    let big = tmp("big");
    let mut text = String::from("[Container]\nImage=quay.io/a/b\n");
    while text.len() < 10 * 1024 * 1024 {
        text.push_str("Label=com.example.key=some-value\n");
    }
    write(&big, "big.container", text);
    let (code, out, err) = run(bin().arg(&big));
    assert_eq!(code, 0, "{out}{err}");

    // A file full of unknown keys: every one counts, the first 1000 are shown.
    let junk = tmp("junk");
    let mut text = String::from("[Container]\nImage=quay.io/a/b\n");
    let mut i = 0u64;
    while text.len() < 1024 * 1024 {
        i += 1;
        text.push_str(&format!("K{:x}x{}=1\n", i.wrapping_mul(2654435761), i));
    }
    write(&junk, "junk.container", text);
    let (code, out, err) = run(bin().args(["--format", "json"]).arg(&junk));
    assert_eq!(code, 1);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["diagnostics"].as_array().unwrap().len(), 1000);
    assert_eq!(v["summary"]["errors"].as_u64().unwrap(), i);
    assert!(err.contains("more problems not shown"), "{err}");

    // Bigger than the limit: a clear error.
    let huge = tmp("huge");
    write(&huge, "huge.container", vec![b'#'; 17 * 1024 * 1024]);
    let (code, out, _) = run(bin().arg(&huge));
    assert_eq!(code, 1);
    assert!(out.contains("too large"), "{out}");
}

#[cfg(unix)]
#[test]
fn symlink_loops_and_unreadable_paths() {
    let d = tmp("loops");
    write(&d, "a.container", CLEAN);
    std::os::unix::fs::symlink(&d, d.join("sub")).unwrap();
    std::os::unix::fs::symlink(d.join("x.container"), d.join("y.container")).unwrap();
    std::os::unix::fs::symlink(d.join("y.container"), d.join("x.container")).unwrap();
    let (code, out, err) = run(bin().arg(&d));
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains("x.container") && out.contains("unreadable-file"),
        "{out}"
    );
    let (code, _, err) = run(bin().arg(d.join("x.container")));
    assert_eq!(code, 2);
    assert!(err.contains("symbolic links"), "{err}");
}
