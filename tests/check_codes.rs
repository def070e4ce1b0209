//! Every check code has a fixture that triggers it and one that must not:
//! `tests/fixtures/checks/<code>/bad/` and `.../good/`, each a folder of
//! units (an optional `PODMAN_VERSION` file sets the target version).

use quadlet_ls::check::{self, Options, CODES};
use quadlet_ls::diag::apply_edits;
use quadlet_ls::release::Target;
use quadlet_ls::workspace::{DiskFs, MemFs, Workspace};
use std::path::{Path, PathBuf};
use std::sync::Arc;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/checks")
}

fn codes_in(dir: &Path) -> Vec<String> {
    let mut opts = Options::default();
    if let Ok(v) = std::fs::read_to_string(dir.join("PODMAN_VERSION")) {
        opts.podman_version = Target::parse_line(&v).expect("PODMAN_VERSION");
    }
    opts.user = dir.join("USER").exists();
    let ws = Workspace::load(Arc::new(DiskFs), &[dir.to_path_buf()]);
    check::check_workspace(&ws, &opts)
        .into_iter()
        .flat_map(|r| r.diagnostics.into_iter().map(|d| d.code.to_string()))
        .collect()
}

#[test]
fn every_code_has_a_triggering_and_a_clean_fixture() {
    for (code, _, _) in CODES {
        let dir = fixtures().join(code);
        assert!(dir.is_dir(), "no fixture folder for {code}");
        let bad = codes_in(&dir.join("bad"));
        assert!(
            bad.iter().any(|c| c == code),
            "{code}: bad fixture gives {bad:?}"
        );
        let good = codes_in(&dir.join("good"));
        assert!(
            !good.iter().any(|c| c == code),
            "{code}: good fixture gives {good:?}"
        );
    }
}

fn one(path: &str, text: &str) -> Vec<quadlet_ls::diag::Diagnostic> {
    let fs = MemFs::new().file(path, text);
    let ws = Workspace::load(Arc::new(fs), &[PathBuf::from("/u")]);
    check::check_file(&ws, Path::new(path), text, &Options::default())
}

#[test]
fn disable_comment_silences_the_next_line_only() {
    let text = "[Container]\nImage=quay.io/a/b\n# quadlet-ls: disable=unknown-key\nFoo=1\nBar=2\n";
    let d = one("/u/a.container", text);
    let unknown: Vec<_> = d.iter().filter(|d| d.code == "unknown-key").collect();
    assert_eq!(unknown.len(), 1);
    assert!(unknown[0].message.contains("Bar"));
}

#[test]
fn disabled_option_removes_codes() {
    let fs = MemFs::new().file("/u/a.container", "[Container]\nImage=nginx\n");
    let ws = Workspace::load(Arc::new(fs), &[PathBuf::from("/u")]);
    let mut opts = Options::default();
    opts.disabled.insert("short-image-name".into());
    assert!(check::check_file(
        &ws,
        Path::new("/u/a.container"),
        "[Container]\nImage=nginx\n",
        &opts
    )
    .is_empty());
}

#[test]
fn unknown_key_fix_renames_to_the_closest_key() {
    let text = "[Container]\nImage=quay.io/a/b\nPublishport=80\n";
    let d = one("/u/a.container", text);
    let u = d.iter().find(|d| d.code == "unknown-key").unwrap();
    assert_eq!(
        apply_edits(text, &u.fixes[0].edits),
        "[Container]\nImage=quay.io/a/b\nPublishPort=80\n"
    );
}

#[test]
fn wrong_section_fix_moves_the_key() {
    let text = "[Container]\nPull=never\n\n[Service]\nImage=quay.io/a/b\n";
    let d = one("/u/a.container", text);
    let w = d.iter().find(|d| d.code == "wrong-section").unwrap();
    let fixed = apply_edits(text, &w.fixes[0].edits);
    assert_eq!(
        fixed,
        "[Container]\nPull=never\nImage=quay.io/a/b\n\n[Service]\n"
    );
}

#[test]
fn legacy_and_deprecated_fixes() {
    let text = "[Container]\nImage=quay.io/a/b\nKeepId=true\nRemapUsers=auto\n";
    let d = one("/u/a.container", text);
    let l = d.iter().find(|d| d.code == "legacy-key").unwrap();
    assert!(l.message.contains("UserNS=keep-id"));
    assert_eq!(
        apply_edits(text, &l.fixes[0].edits),
        "[Container]\nImage=quay.io/a/b\nUserNS=keep-id\nRemapUsers=auto\n"
    );
    let dep = d.iter().find(|d| d.code == "deprecated-key").unwrap();
    assert!(apply_edits(text, &dep.fixes[0].edits).contains("UserNS=auto"));
}

#[test]
fn missing_key_fix_adds_it() {
    let text = "[Image]\nPolicy=always\n";
    let d = one("/u/a.image", text);
    let m = d.iter().find(|d| d.code == "missing-required-key").unwrap();
    assert_eq!(
        apply_edits(text, &m.fixes[0].edits),
        "[Image]\nPolicy=always\nImage=\n"
    );
}

#[test]
fn duplicate_key_fix_removes_the_earlier_one() {
    let text = "[Container]\nImage=quay.io/a/b\nPull=never\nPull=always\n";
    let d = one("/u/a.container", text);
    let m = d.iter().find(|d| d.code == "duplicate-key").unwrap();
    assert_eq!(
        apply_edits(text, &m.fixes[0].edits),
        "[Container]\nImage=quay.io/a/b\nPull=always\n"
    );
}

#[test]
fn dropins_get_their_own_diagnostics_and_merged_checks_see_them() {
    let fs = MemFs::new()
        .file("/u/a.container", "[Container]\nImage=quay.io/a/b\n")
        .file(
            "/u/a.container.d/10.conf",
            "[Container]\nRootfs=/srv/root\nBogus=1\n",
        );
    let ws = Workspace::load(Arc::new(fs), &[PathBuf::from("/u")]);
    let opts = Options::default();
    let main = check::check_file(
        &ws,
        Path::new("/u/a.container"),
        "[Container]\nImage=quay.io/a/b\n",
        &opts,
    );
    assert!(main.is_empty(), "{main:?}");
    let drop = check::check_file(
        &ws,
        Path::new("/u/a.container.d/10.conf"),
        "[Container]\nRootfs=/srv/root\nBogus=1\n",
        &opts,
    );
    let codes: Vec<&str> = drop.iter().map(|d| d.code).collect();
    assert!(
        codes.contains(&"unknown-key") && codes.contains(&"conflicting-keys"),
        "{codes:?}"
    );
    // A drop-in on its own still needs no Image= (the unit has it).
    let all = check::check_workspace(&ws, &opts);
    assert_eq!(all.len(), 2);
}

#[test]
fn valid_ports_and_specifiers_do_not_warn() {
    let text = "[Container]\nImage=quay.io/a/b\nPublishPort=[::1]:8080:80\nPublishPort=0.0.0.0:53:53/udp\nPublishPort=8000-8010:8000-8010\nEnvironment=A=%n B=%N C=%i D=%t E=%h F=%%\n";
    let d = one("/u/a.container", text);
    assert!(d.is_empty(), "{d:?}");
}

#[test]
fn other_files_give_nothing() {
    assert!(one("/u/notes.txt", "whatever = [").is_empty());
}

#[test]
fn every_code_is_documented() {
    let docs =
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/checks.md"))
            .unwrap();
    for (code, sev, _) in CODES {
        assert!(
            docs.contains(&format!("\n## {code}\n")),
            "docs/checks.md has no section for {code}"
        );
        assert!(
            docs.contains(&format!("| [`{code}`](#{code}) | {} |", sev.as_str())),
            "docs/checks.md table row for {code} is missing or has the wrong severity"
        );
    }
}

#[test]
fn every_code_used_in_the_checks_is_registered() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("server/check");
    let mut used = 0;
    for e in std::fs::read_dir(dir).unwrap() {
        let text = std::fs::read_to_string(e.unwrap().path()).unwrap();
        let mut rest = text.as_str();
        while let Some(i) = rest.find("diag(") {
            rest = &rest[i + 5..];
            let t = rest.trim_start();
            if let Some(q) = t.strip_prefix('"') {
                let code = &q[..q.find('"').unwrap()];
                assert!(CODES.iter().any(|c| c.0 == code), "{code} is not in CODES");
                used += 1;
            }
        }
    }
    assert!(used > 20);
}
