//! docs/checks.md and docs/kube-checks.md are the one source of the check
//! documentation (`quadlet-ls rule CODE` prints their sections). Every code
//! has a section with the same parts, its table row matches the code list,
//! and every example really triggers its code.

use quadlet_ls::check::docs::{all_rule_docs, rule_doc, RuleDoc};
use quadlet_ls::check::{self, CODES};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Codes whose example cannot be a small file (a binary file, 129 levels
/// of nesting, 2 MiB; `kube-schema`, which no rule of the embedded schemas
/// reaches): their section describes one instead.
const EXAMPLE_DESCRIBED: &[&str] = &[
    "unreadable-file",
    "yaml-too-deep",
    "yaml-too-large",
    "kube-schema",
];

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_quadlet-ls"))
}

#[test]
fn every_code_has_one_section_on_its_page_with_every_part() {
    for (code, sev, _) in check::all_codes() {
        let d = rule_doc(code).unwrap_or_else(|| panic!("{code} has no section"));
        let page = if CODES.iter().any(|c| c.0 == *code) {
            "docs/checks.md"
        } else {
            "docs/kube-checks.md"
        };
        assert_eq!(d.page, page, "{code} is documented on the wrong page");
        let body = d.body();
        let first = body.split("\n\n").next().unwrap_or("").replace('\n', " ");
        assert!(
            first.starts_with(&format!("Default severity: **{}**", sev.as_str())),
            "{code}: the section must start with `Default severity: **{}**`, found {first:?}",
            sev.as_str()
        );
        assert!(
            first.contains("Fixes: "),
            "{code}: no `Fixes: ...` (or `Fixes: none.`) in {first:?}"
        );
        for part in ["**What it finds.** ", "**Why it matters.** ", "**Example**"] {
            assert!(body.contains(part), "{code}: no {part:?} paragraph");
        }
    }
    assert_eq!(all_rule_docs().len(), check::all_codes().count());
}

/// `| [`code`](#code) | severity | summary |` rows of a page.
fn table_rows(page: &str) -> Vec<&str> {
    page.lines().filter(|l| l.starts_with("| [`")).collect()
}

#[test]
fn the_summary_tables_match_the_code_lists() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    for (page, codes) in [
        ("docs/checks.md", CODES),
        ("docs/kube-checks.md", quadlet_ls::kube::CODES),
    ] {
        let text = std::fs::read_to_string(root.join(page)).unwrap();
        let expected: Vec<String> = codes
            .iter()
            .map(|(c, s, d)| format!("| [`{c}`](#{c}) | {} | {d} |", s.as_str()))
            .collect();
        assert_eq!(
            table_rows(&text),
            expected.iter().map(String::as_str).collect::<Vec<_>>(),
            "the table of {page} must list the codes of the code list, in its order; it should read:\n{}",
            expected.join("\n")
        );
    }
}

#[test]
fn the_embedded_pages_are_the_checked_in_ones() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    for (page, text) in quadlet_ls::check::docs::PAGES {
        assert_eq!(
            std::fs::read_to_string(root.join(page)).unwrap(),
            *text,
            "{page}"
        );
    }
}

/// The files of a section's example: each fenced block right after a line
/// `` `NAME`: ``. And the `lint` options the **Example** line names
/// (`` with `lint --user` ``).
fn example(d: &RuleDoc) -> (Vec<String>, Vec<(String, String)>) {
    let body = d.body();
    let ex = &body[body.find("**Example**").expect("example")..];
    let head = ex.lines().next().unwrap_or("");
    let opts = head
        .split_once("`lint ")
        .map(|(_, rest)| rest.split('`').next().unwrap_or(""))
        .unwrap_or("")
        .split_whitespace()
        .map(str::to_string)
        .collect();
    let mut files = Vec::new();
    let lines: Vec<&str> = ex.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let l = lines[i];
        let name = l
            .strip_prefix('`')
            .and_then(|l| l.strip_suffix("`:"))
            .filter(|n| !n.contains(' '));
        if let Some(name) = name {
            let open = (i + 1..lines.len())
                .find(|&j| !lines[j].is_empty())
                .filter(|&j| lines[j].starts_with("```"))
                .unwrap_or_else(|| panic!("{}: no block after `{name}`:", d.code));
            let close = (open + 1..lines.len())
                .find(|&j| lines[j].starts_with("```"))
                .expect("closed block");
            let mut text = lines[open + 1..close].join("\n");
            text.push('\n');
            files.push((name.to_string(), text));
            i = close;
        }
        i += 1;
    }
    (opts, files)
}

fn lint_codes(dir: &Path, opts: &[String], files: &[(String, String)]) -> Vec<String> {
    let mut cmd = bin();
    cmd.current_dir(dir)
        .args(["lint", "--no-config", "--format", "json"])
        .args(opts);
    // YAML named on its own is checked as Kubernetes YAML; units and their
    // YAML are checked as one installation (the folder).
    if files.iter().all(|(n, _)| n.ends_with(".yaml")) {
        cmd.args(files.iter().map(|f| &f.0));
    } else {
        cmd.arg(".");
    }
    let out = cmd.output().expect("lint runs");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}", String::from_utf8_lossy(&out.stderr));
    });
    v["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter_map(|d| d["code"].as_str().map(str::to_string))
        .collect()
}

#[test]
fn every_example_triggers_its_code() {
    let root = std::env::temp_dir().join(format!("quadlet-ls-check-docs-{}", std::process::id()));
    let mut run = 0;
    for d in all_rule_docs() {
        let (opts, files) = example(&d);
        if files.is_empty() {
            assert!(
                EXAMPLE_DESCRIBED.contains(&d.code),
                "{}: the example has no `NAME`: file block",
                d.code
            );
            continue;
        }
        let dir = root.join(d.code);
        let _ = std::fs::remove_dir_all(&dir);
        for (name, text) in &files {
            let p = dir.join(name);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(&p, text).unwrap();
        }
        let codes = lint_codes(&dir, &opts, &files);
        assert!(
            codes.iter().any(|c| c == d.code),
            "{}: its example gives {codes:?}",
            d.code
        );
        run += 1;
    }
    let _ = std::fs::remove_dir_all(&root);
    assert_eq!(run, check::all_codes().count() - EXAMPLE_DESCRIBED.len());
}

#[test]
fn rule_prints_the_section() {
    let out = bin().args(["rule", "unknown-key"]).output().unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("{}\n", rule_doc("unknown-key").unwrap().text)
    );
    let out = bin().args(["rule", "kube-type"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("### kube-type\n"));

    let all = bin().args(["rule", "--all"]).output().unwrap();
    let all = String::from_utf8_lossy(&all.stdout);
    for d in all_rule_docs() {
        assert!(all.contains(d.text), "rule --all lacks {}", d.code);
    }

    let list = bin().arg("rule").output().unwrap();
    let list = String::from_utf8_lossy(&list.stdout);
    assert_eq!(
        list.lines().filter(|l| !l.is_empty()).count(),
        check::all_codes().count() + 1
    );

    let bad = bin().args(["rule", "unknwn-key"]).output().unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("did you mean `unknown-key`"));
}

#[test]
fn human_diagnostics_end_with_the_rule_hint() {
    let dir =
        std::env::temp_dir().join(format!("quadlet-ls-check-docs-hint-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("a.container"), "[Container]\nImage=nginx\n").unwrap();
    let out = bin()
        .current_dir(&dir)
        .args(["lint", "--no-config", "a.container"])
        .output()
        .unwrap();
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(
        s.contains("^^^^^\n  = help: quadlet-ls rule short-image-name\n\n"),
        "{s}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
