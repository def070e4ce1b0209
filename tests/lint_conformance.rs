//! Lint must agree with podman's generator on podman's own test corpus
//! (`../shared/conformance`): every case the generator rejects gets at least
//! one error on the case's files, and no case it accepts gets an error.
//! Skipped without `../shared` (see tests/support/mod.rs).

mod support;

use quadlet_ls::check::{self, Options};
use quadlet_ls::diag::Severity;
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

/// Lays a case out like the conformance runner does.
fn stage(conf: &Path, case: &serde_json::Value, dir: &Path) {
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

#[test]
fn lint_agrees_with_the_generator_on_the_conformance_corpus() {
    let Some(conf) = support::shared(
        "lint_agrees_with_the_generator_on_the_conformance_corpus",
        "conformance/tests-table.json",
    )
    .and_then(|t| t.parent().map(|p| p.to_path_buf())) else {
        return;
    };
    let table = std::fs::read_to_string(conf.join("tests-table.json")).unwrap();
    let table: Vec<serde_json::Value> = serde_json::from_str(&table).unwrap();
    let root = std::env::temp_dir().join(format!(
        "quadlet-ls-lint-conformance-{}",
        std::process::id()
    ));
    let mut rejected = 0;
    let mut flagged = 0;
    let mut missed = Vec::new();
    let mut false_errors = Vec::new();
    for case in &table {
        if case.get("excluded").is_some() {
            continue;
        }
        let name = case["name"].as_str().unwrap();
        let dir = root.join("quadlet");
        stage(&conf, case, &dir);
        let ws = Workspace::load(Arc::new(DiskFs), std::slice::from_ref(&dir));
        let mut opts = Options {
            user: case["force_user"].as_bool() == Some(true),
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
        let expected_fail = case["expected_exit"].as_i64() == Some(1);
        if expected_fail {
            rejected += 1;
            let on_case = results
                .iter()
                .filter(|r| is_case_file(&r.path))
                .any(|r| r.diagnostics.iter().any(|d| d.severity == Severity::Error));
            if on_case {
                flagged += 1;
                eprintln!(
                    "{name}: {}",
                    errors
                        .first()
                        .map_or("", |e| e.rsplit('/').next().unwrap_or(e))
                );
            } else {
                missed.push(name.to_string());
            }
        } else if !errors.is_empty() {
            false_errors.push(format!("{name}: {}", errors.join("; ")));
        }
    }
    let _ = std::fs::remove_dir_all(&root);
    eprintln!(
        "conformance: {flagged}/{rejected} rejected cases flagged, {} accepted cases with errors",
        false_errors.len()
    );
    assert!(
        missed.is_empty(),
        "rejected cases without an error: {missed:#?}"
    );
    assert!(
        false_errors.is_empty(),
        "accepted cases with errors:\n{}",
        false_errors.join("\n")
    );
    // 23 error cases plus the inline `bogus.container`.
    assert_eq!(rejected, 24);
}
