//! `quadlet-ls convert FILE.service...` on units written by `podman generate
//! systemd` (tests/fixtures/convert/systemd/CASE/*.service): the units it
//! writes (CASE/expected/), that they lint clean, and that the podman
//! command our preview makes from them carries the flags, image and command
//! of the old `ExecStart=`.
//!
//! `QUADLET_LS_UPDATE_EXPECTED=1 cargo test --test convert_systemd` rewrites
//! the expected files (review the diff).

mod cli_support;

use cli_support::{lint_json, run, tmp};
use quadlet_ls::convert::grammar::{self, Opt};
use quadlet_ls::model::split::split_exec;
use std::path::{Path, PathBuf};
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_quadlet-ls"))
}

fn case_dir(case: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/convert/systemd")
        .join(case)
}

fn services(case: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(case_dir(case))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "service"))
        .collect();
    v.sort();
    v
}

/// Converts a case into a fresh folder: (status, stderr, folder).
fn convert(case: &str) -> (i32, String, PathBuf) {
    let out = tmp("convert-systemd", case);
    let (code, stdout, err) = run(bin()
        .arg("convert")
        .arg("-o")
        .arg(&out)
        .args(services(case)));
    assert_eq!(stdout, "", "{case}: -o writes nothing on stdout");
    (code, err, out)
}

fn files(dir: &Path) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = std::fs::read_dir(dir)
        .map(|r| {
            r.map(|e| e.unwrap().path())
                .filter(|p| p.is_file())
                .map(|p| {
                    let name = p.file_name().unwrap().to_string_lossy().into_owned();
                    (name, std::fs::read_to_string(&p).unwrap())
                })
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// The units written equal CASE/expected/.
fn check_expected(case: &str, out: &Path) {
    let want_dir = case_dir(case).join("expected");
    let got = files(out);
    if std::env::var_os("QUADLET_LS_UPDATE_EXPECTED").is_some() {
        let _ = std::fs::remove_dir_all(&want_dir);
        std::fs::create_dir_all(&want_dir).unwrap();
        for (n, t) in &got {
            std::fs::write(want_dir.join(n), t).unwrap();
        }
    }
    let want = files(&want_dir);
    assert!(!want.is_empty(), "{case}: no expected units");
    assert_eq!(
        got.iter().map(|f| &f.0).collect::<Vec<_>>(),
        want.iter().map(|f| &f.0).collect::<Vec<_>>(),
        "{case}: unit files"
    );
    for ((name, g), (_, w)) in got.iter().zip(&want) {
        assert_eq!(g, w, "{case}/{name}");
    }
}

/// The error-level lint codes of a folder.
fn lint_errors(dir: &Path) -> Vec<(String, String)> {
    let (_, v, err) = lint_json(dir, &["."]);
    assert!(v.is_object(), "lint gave no JSON: {err}");
    v["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|d| d["severity"] == "error")
        .map(|d| {
            (
                d["path"].as_str().unwrap_or("").to_string(),
                d["code"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// Flags and positional words of a podman command, spelled one way and
/// without the flags the generators add themselves.
fn normalized(words: &[String]) -> (Vec<(String, Option<String>)>, Vec<String>) {
    let p = grammar::parse(words).unwrap_or_else(|e| panic!("{e}: {words:?}"));
    let added = |o: &Opt| {
        matches!(
            o.name.as_str(),
            "cidfile"
                | "conmon-pidfile"
                | "cgroups"
                | "rm"
                | "detach"
                | "replace"
                | "pod-id-file"
                | "pod"
        ) || (o.name == "sdnotify" && o.value.as_deref() == Some("conmon"))
    };
    let mut opts: Vec<(String, Option<String>)> = p
        .globals
        .iter()
        .chain(p.opts.iter())
        .filter(|o| !added(o))
        .map(|o| {
            // Quadlet writes capabilities in lower case
            let v = match o.name.as_str() {
                "cap-add" | "cap-drop" => o.value.as_deref().map(str::to_lowercase),
                _ => o.value.clone(),
            };
            (o.name.clone(), v)
        })
        .collect();
    opts.sort();
    (opts, p.args)
}

/// The ExecStart= words of a .service (systemd joins `\` lines with a space).
fn old_exec_start(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap();
    let joined = text.replace("\\\n", " ");
    let line = joined
        .lines()
        .find_map(|l| l.strip_prefix("ExecStart="))
        .unwrap();
    split_exec(line).unwrap()
}

fn preview_exec_start(unit: &Path) -> Vec<String> {
    let (code, out, err) = run(bin().args(["preview", "--format", "json"]).arg(unit));
    assert_eq!(code, 0, "preview {}: {err}", unit.display());
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    v["exec"]["ExecStart"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap().to_string())
        .collect()
}

/// Every `--new` container of a case previews to the old command, plus
/// `extra` flags (what the old unit said elsewhere, like its stop time).
fn check_round_trip(case: &str, out: &Path, extra: &[(&str, &str)]) {
    for svc in services(case) {
        let old = old_exec_start(&svc);
        if !old.iter().any(|w| w == "run") {
            continue;
        }
        let stem = svc.file_stem().unwrap().to_string_lossy().into_owned();
        let name = stem.strip_prefix("container-").unwrap_or(&stem);
        let unit = out.join(format!("{name}.container"));
        assert!(unit.exists(), "{case}: {} not written", unit.display());
        let new = preview_exec_start(&unit);
        let mut want = normalized(&old);
        want.0.extend(
            extra
                .iter()
                .map(|(n, v)| (n.to_string(), Some(v.to_string()))),
        );
        want.0.sort();
        assert_eq!(normalized(&new), want, "{case}: {}", unit.display());
    }
}

fn converts_cleanly(case: &str) -> String {
    converts_cleanly_with(case, &[])
}

fn converts_cleanly_with(case: &str, extra: &[(&str, &str)]) -> String {
    let (code, err, out) = convert(case);
    assert_eq!(code, 0, "{case}: {err}");
    check_expected(case, &out);
    assert_eq!(lint_errors(&out), Vec::<(String, String)>::new(), "{case}");
    check_round_trip(case, &out, extra);
    err
}

#[test]
fn new_form_container() {
    converts_cleanly("new-container-basic");
}

#[test]
fn new_form_quoting_survives() {
    converts_cleanly("new-container-quoting");
}

#[test]
fn new_form_keeps_the_users_settings() {
    // `generate systemd --stop-timeout 20`: the old unit stopped with -t 20
    converts_cleanly_with("new-container-user-settings", &[("stop-timeout", "20")]);
}

#[test]
fn new_form_of_podman_2() {
    converts_cleanly("new-container-podman2");
}

#[test]
fn new_form_with_global_options() {
    converts_cleanly("new-container-global-args");
}

#[test]
fn new_form_pod_and_its_containers() {
    let err = converts_cleanly("new-pod");
    assert!(!err.contains("warning"), "{err}");
}

#[test]
fn plain_form_warns_what_cannot_be_recovered() {
    for case in ["plain-container", "plain-pod"] {
        let (code, err, out) = convert(case);
        assert_eq!(code, 0, "{case}: {err}");
        check_expected(case, &out);
        assert!(err.contains("cannot be recovered"), "{case}: {err}");
        assert!(err.contains("inspect"), "{case}: {err}");
        // the only error left is the image the file does not name
        let errors = lint_errors(&out);
        assert!(!errors.is_empty());
        assert!(
            errors.iter().all(|(_, c)| c == "missing-required-key"),
            "{case}: {errors:?}"
        );
    }
}

#[test]
fn a_pod_member_alone_still_names_its_pod() {
    let out = tmp("convert-systemd", "member-alone");
    let svc = case_dir("new-pod").join("container-app-db.service");
    let (code, stdout, err) = run(bin().arg("convert").arg(&svc));
    let _ = out;
    assert_eq!(code, 0, "{err}");
    assert!(stdout.contains("Pod=app.pod"), "{stdout}");
    assert!(err.contains("pod-app.service"), "{err}");
}

#[test]
fn other_units_are_errors() {
    for (case, word) in [
        ("error-not-podman", "/usr/sbin/nginx"),
        ("error-unknown-command", "kube play"),
    ] {
        let (code, err, out) = convert(case);
        assert_eq!(code, 2, "{case}: {err}");
        assert!(err.contains(word), "{case}: {err}");
        assert!(files(&out).is_empty(), "{case}: nothing written");
    }
}
