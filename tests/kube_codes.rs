//! Every kube code is kebab-case, unique, documented, and emitted somewhere.

use quadlet_ls::kube::CODES;
use std::collections::BTreeSet;

#[test]
fn codes_are_unique_documented_and_used() {
    let root = env!("CARGO_MANIFEST_DIR");
    let docs = std::fs::read_to_string(format!("{root}/docs/kube-checks.md")).expect("docs");
    let mut src = String::new();
    for f in ["mod.rs", "yaml.rs", "validate.rs", "links.rs"] {
        src.push_str(&std::fs::read_to_string(format!("{root}/server/kube/{f}")).expect("src"));
    }
    let mut seen = BTreeSet::new();
    for (code, _, what) in CODES {
        assert!(seen.insert(*code), "duplicate {code}");
        assert!(
            code.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
            "{code}"
        );
        assert!(!what.is_empty());
        assert!(
            docs.contains(&format!("| [`{code}`](#{code}) |")),
            "{code} is not in docs/kube-checks.md"
        );
        // used outside the table: at least two mentions in the sources
        assert!(
            src.matches(&format!("\"{code}\"")).count() >= 2,
            "{code} is never emitted"
        );
    }
    // and every code in the docs is in the table
    for line in docs.lines().filter(|l| l.starts_with("| [`")) {
        let code = line
            .trim_start_matches("| [`")
            .split('`')
            .next()
            .unwrap_or("");
        assert!(seen.contains(code), "{code} documented but not in CODES");
    }
}
