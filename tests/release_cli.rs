//! The target release on the command line: `--podman-version` of `lint` and
//! `preview`, `podman-version` in quadlet-ls.toml, and `auto` with a fake
//! `podman` on PATH.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

fn bin(sub: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_quadlet-ls"));
    c.arg(sub);
    c
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "quadlet-ls-release-cli-{}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, text).unwrap();
    p
}

fn run(cmd: &mut Command) -> (i32, String, String) {
    let o = cmd.output().unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// A folder holding an executable `podman` that runs `script`.
fn fake_podman(dir: &Path, script: &str) -> PathBuf {
    let bin_dir = dir.join("fakebin");
    let p = write(&bin_dir, "podman", &format!("#!/bin/sh\n{script}\n"));
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    bin_dir
}

/// PATH with only `extra` in front of the shell's own directories, so that
/// no real podman is found.
fn path_with(extra: Option<&Path>) -> String {
    let mut p = String::new();
    if let Some(e) = extra {
        p.push_str(&e.display().to_string());
        p.push(':');
    }
    p.push_str("/usr/bin/does-not-exist-quadlet-ls");
    p
}

/// `AppArmor=` came in podman 5.8: an error for older targets.
const UNIT: &str = "[Container]\nImage=quay.io/a/b:1\nAppArmor=unconfined\n";

const LINES: &str =
    "4.4, 4.5, 4.6, 4.7, 4.8, 4.9, 5.0, 5.1, 5.2, 5.3, 5.4, 5.5, 5.6, 5.7, 5.8, 6.0, 6.1";

#[test]
fn unsupported_versions_are_usage_errors_that_list_the_lines() {
    let d = tmp("usage");
    let f = write(&d, "a.container", UNIT);
    for sub in ["lint", "preview"] {
        for bad in ["9", "4.3", "5.9", "6.2", "five", "5", "5.8.x", ""] {
            let (code, out, err) = run(bin(sub)
                .arg("--no-config")
                .args(["--podman-version", bad])
                .arg(&f));
            assert_eq!(code, 2, "{sub} --podman-version {bad:?}: {out}{err}");
            assert!(out.is_empty(), "{out}");
            assert!(err.contains(LINES), "{sub} {bad:?}: {err}");
            assert!(err.contains("`auto`"), "{err}");
        }
    }
}

#[test]
fn lines_patches_and_v_prefix_are_accepted() {
    let d = tmp("accept");
    let f = write(&d, "a.container", UNIT);
    for (v, code, named) in [
        ("5.8", 0, "5.8"),
        ("5.8.6", 0, "5.8"),
        ("v5.8.0", 0, "5.8"),
        ("6.1", 0, "6.1"),
        ("5.4.2", 1, "5.4"),
        ("4.4", 1, "4.4"),
    ] {
        let (c, out, err) = run(bin("lint")
            .arg("--no-config")
            .args(["--podman-version", v])
            .arg(&f));
        assert_eq!(c, code, "{v}: {out}{err}");
        assert!(
            out.trim_end()
                .ends_with(&format!("checked for podman {named}"))
                || out.contains(&format!("checked for podman {named}: no problems")),
            "{v}: {out}"
        );
    }
}

#[test]
fn lint_summary_names_the_default_release() {
    let d = tmp("default");
    let f = write(&d, "a.container", "[Container]\nImage=quay.io/a/b:1\n");
    let (c, out, _) = run(bin("lint").arg("--no-config").arg(&f));
    assert_eq!(c, 0);
    assert_eq!(
        out,
        format!(
            "1 file checked for podman {}: no problems\n",
            quadlet_ls::release::DEFAULT
        )
    );
    let (_, out, _) = run(bin("lint")
        .args(["--no-config", "--format", "json"])
        .arg(&f));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        v["podman_version"],
        quadlet_ls::release::DEFAULT.to_string()
    );
}

#[test]
fn config_file_sets_the_release_and_a_bad_one_is_a_usage_error() {
    let d = tmp("toml");
    write(&d, "units/a.container", UNIT);
    write(&d, "quadlet-ls.toml", "podman-version = \"5.4.2\"\n");
    let (c, out, _) = run(bin("lint").current_dir(&d).arg("units"));
    assert_eq!(c, 1, "{out}");
    assert!(out.contains("checked for podman 5.4"), "{out}");
    // The flag wins over the file.
    let (c, out, _) = run(bin("lint")
        .current_dir(&d)
        .args(["--podman-version", "5.8", "units"]));
    assert_eq!(c, 0, "{out}");
    // preview reads the same file and names it; 5.4's generator rejects
    // AppArmor= (5.8).
    let (c, _, err) = run(bin("preview").current_dir(&d).arg("units/a.container"));
    assert_eq!(c, 1, "{err}");
    assert!(err.contains("unsupported key 'AppArmor'"), "{err}");
    assert!(err.contains("generating as podman 5.4 (from "), "{err}");
    assert!(err.contains("quadlet-ls.toml)"), "{err}");

    write(&d, "quadlet-ls.toml", "podman-version = \"9\"\n");
    for sub in ["lint", "preview"] {
        let (c, out, err) = run(bin(sub).current_dir(&d).arg("units/a.container"));
        assert_eq!(c, 2, "{sub}: {out}{err}");
        assert!(
            err.contains("quadlet-ls.toml: podman-version: unsupported podman version `9`"),
            "{err}"
        );
        assert!(err.contains(LINES), "{err}");
    }
    write(&d, "quadlet-ls.toml", "podman-version = 5.4\n");
    let (c, _, err) = run(bin("lint").current_dir(&d).arg("units"));
    assert_eq!(c, 2, "{err}");
    assert!(err.contains("quadlet-ls.toml"), "{err}");
}

#[test]
fn auto_asks_the_podman_on_path() {
    let d = tmp("auto");
    let f = write(&d, "a.container", UNIT);
    let fake = fake_podman(&d, "[ \"$1\" = --version ] && echo 'podman version 5.4.2'");
    let (c, out, err) = run(bin("lint")
        .env("PATH", path_with(Some(&fake)))
        .args(["--no-config", "--podman-version", "auto"])
        .arg(&f));
    assert_eq!(c, 1, "{out}{err}");
    assert!(out.contains("checked for podman 5.4"), "{out}");
    assert!(err.is_empty(), "no note when podman answers: {err}");

    let (c, out, err) = run(bin("preview")
        .env("PATH", path_with(Some(&fake)))
        .args(["--no-config", "--podman-version", "auto"])
        .arg(&f));
    assert_eq!(c, 1, "5.4 rejects AppArmor=: {err}");
    assert!(out.is_empty(), "{out}");
    assert!(
        err.contains("generating as podman 5.4 (--podman-version)"),
        "{err}"
    );

    // A podman newer than every line: the newest line, with a note.
    let newer = fake_podman(&tmp("auto-newer"), "echo 'podman version 7.0.1'");
    let (_, out, err) = run(bin("lint")
        .env("PATH", path_with(Some(&newer)))
        .args(["--no-config", "--podman-version", "auto"])
        .arg(&f));
    assert!(out.contains("checked for podman 6.1"), "{out}");
    assert!(
        err.contains("podman 7.0.1 on PATH is not a line quadlet-ls knows; using podman 6.1"),
        "{err}"
    );

    // A podman that fails: the default, with a note.
    let broken = fake_podman(&tmp("auto-broken"), "exit 3");
    let (_, out, err) = run(bin("lint")
        .env("PATH", path_with(Some(&broken)))
        .args(["--no-config", "--podman-version", "auto"])
        .arg(&f));
    let default = quadlet_ls::release::DEFAULT;
    assert!(
        out.contains(&format!("checked for podman {default}")),
        "{out}"
    );
    assert!(err.contains("`podman --version` failed"), "{err}");
}

#[test]
fn auto_without_podman_falls_back_to_the_default_and_says_so() {
    let d = tmp("auto-none");
    let f = write(&d, "a.container", "[Container]\nImage=quay.io/a/b:1\n");
    let default = quadlet_ls::release::DEFAULT;
    let (c, out, err) = run(bin("lint")
        .env("PATH", path_with(None))
        .args(["--no-config", "--podman-version", "auto"])
        .arg(&f));
    assert_eq!(c, 0, "{err}");
    assert!(
        out.contains(&format!("checked for podman {default}")),
        "{out}"
    );
    assert_eq!(
        err,
        format!("quadlet-ls lint: podman-version auto: no podman on PATH; using the default, podman {default}\n")
    );
    // From the config file too.
    write(&d, "quadlet-ls.toml", "podman-version = \"auto\"\n");
    let (c, _, err) = run(bin("preview")
        .env("PATH", path_with(None))
        .current_dir(&d)
        .arg("a.container"));
    assert_eq!(c, 0, "{err}");
    assert!(
        err.contains("quadlet-ls preview: podman-version auto: no podman on PATH"),
        "{err}"
    );
}

#[test]
fn preview_names_the_release_on_stderr_only() {
    let d = tmp("preview");
    let f = write(&d, "a.container", "[Container]\nImage=quay.io/a/b:1\n");
    let (c, out_default, err) = run(bin("preview").arg("--no-config").arg(&f));
    assert_eq!(c, 0);
    assert!(
        err.contains(&format!(
            "generating as podman {} (the default)",
            quadlet_ls::release::DEFAULT
        )),
        "{err}"
    );
    assert!(out_default.starts_with("[X-Container]\n"), "{out_default}");
    assert!(!out_default.contains("generating as"), "{out_default}");
    let (_, out, err) = run(bin("preview")
        .args(["--no-config", "--podman-version", "5.8"])
        .arg(&d));
    assert!(out.starts_with("---a.service---\n"), "{out}");
    assert!(
        err.starts_with("quadlet-ls preview: generating as podman 5.8"),
        "{err}"
    );
}
