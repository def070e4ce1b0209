//! Lint must agree with podman's generator on podman's own test corpus, for
//! every release line that has one (`../shared/conformance` for 5.8,
//! `../shared/conformance/releases/LINE` for the others) and in both modes:
//! every case that line's generator rejects gets at least one error on the
//! case's files, and no case it accepts gets an error. Lint runs with
//! `--podman-version LINE`. Skipped without `../shared` (see
//! tests/support/mod.rs).

mod support;

use quadlet_ls::check::{self, Options};
use quadlet_ls::diag::Severity;
use quadlet_ls::schema::Version;
use quadlet_ls::workspace::{DiskFs, Workspace};
use std::path::Path;
use std::sync::Arc;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let p = e.path();
        let t = to.join(e.file_name());
        if p.is_dir() {
            copy_dir(&p, &t);
        } else {
            std::fs::copy(&p, &t).unwrap();
        }
    }
}

fn generic_template(name: &str) -> Option<String> {
    let (base, ext) = name.rsplit_once('.')?;
    let (prefix, inst) = base.split_once('@')?;
    (!inst.is_empty()).then(|| format!("{prefix}@.{ext}"))
}

/// Lays a case out like the conformance runner does (podman 4.9's test did
/// not copy a case's drop-in folders: `copies_dropin_dirs` in harness.json).
fn stage(conf: &Path, case: &serde_json::Value, dir: &Path, dropins: bool) {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).unwrap();
    let src = conf.join(case["dir"].as_str().unwrap_or("cases"));
    let Some(file) = case["file"].as_str() else {
        return;
    };
    if case["tree"].as_bool() == Some(true) {
        copy_dir(&src.join(file), dir);
        return;
    }
    for dep in case["dependencies"].as_array().into_iter().flatten() {
        let dep = dep.as_str().unwrap();
        std::fs::copy(src.join(dep), dir.join(dep)).unwrap();
    }
    std::fs::copy(src.join(file), dir.join(file)).unwrap();
    if !dropins {
        return;
    }
    let mut dirs = vec![format!("{file}.d")];
    if let Some(g) = generic_template(file) {
        dirs.push(format!("{g}.d"));
    }
    for d in dirs {
        if src.join(&d).is_dir() {
            copy_dir(&src.join(&d), &dir.join(&d));
        }
    }
}

/// Whether the line's generator rejects the case (exits 1) in that mode:
/// the recorded exit status of the real generator where there is one (5.4,
/// 5.8, 6.1), else the table's. Podman 4.9's test ran every case with
/// `--user`; the two cases it rejects in system mode only are marked
/// `excluded_system`.
fn rejected(conf: &Path, case: &serde_json::Value, user: bool) -> bool {
    let name = case["name"].as_str().unwrap_or("");
    let dir = if user { "expected-user" } else { "expected" };
    if let Ok(rc) = std::fs::read_to_string(conf.join(dir).join(format!("{name}.rc"))) {
        return rc.trim() == "1";
    }
    if !user && case.get("excluded_system").is_some() {
        return true;
    }
    case["expected_exit"].as_i64() == Some(1)
}

struct Tally {
    cases: usize,
    rejected: usize,
    flagged: usize,
    missed: Vec<String>,
    false_errors: Vec<String>,
}

fn agree(conf: &Path, line: Version, user: bool) -> Tally {
    let table = std::fs::read_to_string(conf.join("tests-table.json")).unwrap();
    let table: Vec<serde_json::Value> = serde_json::from_str(&table).unwrap();
    let dropins = std::fs::read_to_string(conf.join("harness.json"))
        .ok()
        .and_then(|h| serde_json::from_str::<serde_json::Value>(&h).ok())
        .and_then(|h| h["copies_dropin_dirs"].as_bool())
        .unwrap_or(true);
    let root = std::env::temp_dir().join(format!(
        "quadlet-ls-lint-conformance-{}-{line}-{}",
        std::process::id(),
        if user { "user" } else { "system" }
    ));
    let mut t = Tally {
        cases: 0,
        rejected: 0,
        flagged: 0,
        missed: Vec::new(),
        false_errors: Vec::new(),
    };
    for case in &table {
        if case.get("excluded").is_some() {
            continue;
        }
        t.cases += 1;
        let name = case["name"].as_str().unwrap();
        let dir = root.join("quadlet");
        stage(conf, case, &dir, dropins);
        let ws = Workspace::load(Arc::new(DiskFs), std::slice::from_ref(&dir));
        let case_user = user || case["force_user"].as_bool() == Some(true);
        let mut opts = Options {
            podman_version: line,
            user: case_user,
            ..Options::default()
        };
        // The corpus ships the units without the Kubernetes YAML they name;
        // the generator never reads it (podman does, at start), so the check
        // that the YAML exists is off here.
        opts.disabled.insert("kube-missing-file".into());
        let results = check::check_workspace(&ws, &opts);
        let file = case["file"].as_str().unwrap_or("");
        let is_case_file = |p: &Path| {
            let s = p.to_string_lossy();
            p.file_name().is_some_and(|n| n == file)
                || s.contains(&format!("/{file}.d/"))
                || generic_template(file).is_some_and(|g| s.contains(&format!("/{g}.d/")))
        };
        let errors: Vec<String> = results
            .iter()
            .flat_map(|r| r.diagnostics.iter().map(move |d| (&r.path, d)))
            .filter(|(_, d)| d.severity == Severity::Error)
            .map(|(p, d)| format!("{}: {} {}", p.display(), d.code, d.message))
            .collect();
        if rejected(conf, case, case_user) {
            t.rejected += 1;
            let on_case = results
                .iter()
                .filter(|r| is_case_file(&r.path))
                .any(|r| r.diagnostics.iter().any(|d| d.severity == Severity::Error));
            if on_case {
                t.flagged += 1;
            } else {
                t.missed.push(name.to_string());
            }
        } else if !errors.is_empty() {
            t.false_errors
                .push(format!("{name}: {}", errors.join("; ")));
        }
    }
    let _ = std::fs::remove_dir_all(&root);
    t
}

/// Runs one line in both modes and fails on any disagreement.
fn line(check: &str, line: &str) {
    let rel = if line == "5.8" {
        "conformance/tests-table.json".to_string()
    } else {
        format!("conformance/releases/{line}/tests-table.json")
    };
    let Some(conf) = support::shared(check, &rel).and_then(|t| t.parent().map(Path::to_path_buf))
    else {
        return;
    };
    let v = Version::parse(line).unwrap();
    let mut failures = Vec::new();
    for user in [false, true] {
        let mode = if user { "user" } else { "system" };
        let t = agree(&conf, v, user);
        support::note(&format!(
            "lint conformance {line} {mode}: {} cases, {}/{} rejected cases flagged, {} accepted cases with errors",
            t.cases,
            t.flagged,
            t.rejected,
            t.false_errors.len()
        ));
        assert!(
            t.cases > 100 && t.rejected > 10,
            "{line} {mode}: too few cases read"
        );
        if !t.missed.is_empty() {
            failures.push(format!(
                "{line} {mode}: rejected cases without an error: {:#?}",
                t.missed
            ));
        }
        if !t.false_errors.is_empty() {
            failures.push(format!(
                "{line} {mode}: accepted cases with errors:\n{}",
                t.false_errors.join("\n")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn lint_agrees_with_the_4_9_generator() {
    line("lint_agrees_with_the_4_9_generator", "4.9");
}

#[test]
fn lint_agrees_with_the_5_4_generator() {
    line("lint_agrees_with_the_5_4_generator", "5.4");
}

#[test]
fn lint_agrees_with_the_5_6_generator() {
    line("lint_agrees_with_the_5_6_generator", "5.6");
}

#[test]
fn lint_agrees_with_the_5_7_generator() {
    line("lint_agrees_with_the_5_7_generator", "5.7");
}

#[test]
fn lint_agrees_with_the_5_8_generator() {
    line("lint_agrees_with_the_5_8_generator", "5.8");
}

#[test]
fn lint_agrees_with_the_6_1_generator() {
    line("lint_agrees_with_the_6_1_generator", "6.1");
}
