//! Every field of the JSON that `lint` and `preview` print is documented in
//! docs/cli.md, and `--help` points to the docs, not to a README an
//! installed user does not have.

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_quadlet-ls"))
}

fn docs() -> String {
    std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/cli.md"))
        .expect("docs/cli.md")
}

/// The object keys of a JSON value, at any depth, skipping the keys of the
/// objects under `skip_children_of` (maps whose keys are data, such as
/// preview's `exec`).
fn keys(v: &Value, skip_children_of: &[&str], out: &mut BTreeSet<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                out.insert(k.clone());
                if !skip_children_of.contains(&k.as_str()) {
                    keys(x, skip_children_of, out);
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| keys(x, skip_children_of, out)),
        _ => {}
    }
}

/// The text of the first ```jsonc block after `heading`.
fn block_after(docs: &str, heading: &str) -> String {
    let at = docs
        .find(heading)
        .unwrap_or_else(|| panic!("{heading} missing"));
    let rest = &docs[at..];
    let start = rest.find("```jsonc\n").expect("jsonc block") + 9;
    let end = rest[start..].find("```").expect("block end");
    rest[start..start + end].to_string()
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("quadlet-ls-cli-docs-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn assert_documented(found: &BTreeSet<String>, block: &str, what: &str) {
    for k in found {
        assert!(
            block.contains(&format!("\"{k}\"")),
            "{what}: field `{k}` is not in docs/cli.md"
        );
    }
}

#[test]
fn every_lint_json_field_is_documented() {
    let d = tmp("lint");
    // An error with a fix, so that every level of the document is present.
    std::fs::write(
        d.join("a.container"),
        "[Container]\nImage=quay.io/a/b\nImgae=x\n",
    )
    .unwrap();
    let out = bin()
        .current_dir(&d)
        .args(["lint", "--no-config", "--format", "json", "."])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    let mut found = BTreeSet::new();
    keys(&v, &[], &mut found);
    assert!(found.contains("new_text"), "{found:?}");
    assert_documented(
        &found,
        &block_after(&docs(), "### lint JSON schema"),
        "lint",
    );
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn every_preview_json_field_is_documented() {
    let d = tmp("preview");
    let f = d.join("web.container");
    std::fs::write(&f, "[Container]\nImage=quay.io/a/b\nNotify=bogus\n").unwrap();
    let out = bin()
        .args(["preview", "--no-config", "--format", "json"])
        .arg(&f)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    let mut found = BTreeSet::new();
    keys(&v, &["exec"], &mut found);
    assert!(
        found.contains("serviceName") && found.contains("exec"),
        "{found:?}"
    );
    assert_documented(
        &found,
        &block_after(&docs(), "### preview JSON fields"),
        "preview",
    );
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn help_points_to_the_docs_not_the_readme() {
    for sub in ["lint", "preview"] {
        let out = bin().args([sub, "--help"]).output().unwrap();
        let help = String::from_utf8_lossy(&out.stdout);
        assert!(!help.contains("README"), "{sub} --help: {help}");
    }
}
