//! `lint --format gitlab`, `--format junit`, and the fingerprints that
//! SARIF and GitLab results carry.

mod cli_support;

use cli_support::{lint, run, tmp, write};
use serde_json::Value;
use std::path::Path;

fn out(dir: &Path, format: &str) -> (i32, String) {
    let (code, out, err) =
        run(lint()
            .current_dir(dir)
            .args(["--no-config", "--format", format, "."]));
    assert!(code == 0 || code == 1, "{format}: {err}");
    (code, out)
}

const BAD: &str = "[Container]\nImage=nginx\nImgae=x & <y>\n";
const CLEAN: &str = "[Container]\nImage=quay.io/a/b:1\n";

#[test]
fn gitlab_code_quality() {
    let d = tmp("lint-formats", "gitlab");
    write(&d, "a.container", BAD);
    write(&d, "b.container", CLEAN);
    let (code, text) = out(&d, "gitlab");
    assert_eq!(code, 1);
    let v: Value = serde_json::from_str(&text).expect("JSON");
    let issues = v.as_array().expect("an array of issues");
    assert_eq!(issues.len(), 2, "{text}");
    let unknown = issues
        .iter()
        .find(|i| i["check_name"] == "unknown-key")
        .expect("unknown-key issue");
    assert_eq!(unknown["severity"], "major");
    assert_eq!(unknown["location"]["path"], "a.container");
    assert_eq!(unknown["location"]["lines"]["begin"], 3);
    assert!(unknown["description"].as_str().unwrap().contains("Imgae="));
    let short = issues
        .iter()
        .find(|i| i["check_name"] == "short-image-name")
        .expect("warning issue");
    assert_eq!(short["severity"], "minor");
    assert_ne!(unknown["fingerprint"], short["fingerprint"]);

    let clean = tmp("lint-formats", "gitlab-clean");
    write(&clean, "b.container", CLEAN);
    assert_eq!(out(&clean, "gitlab"), (0, "[]\n".to_string()));
}

#[test]
fn junit_suites_per_file() {
    let d = tmp("lint-formats", "junit");
    write(&d, "a.container", BAD);
    write(&d, "b.container", CLEAN);
    let (code, xml) = out(&d, "junit");
    assert_eq!(code, 1);
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"));
    assert!(
        xml.contains(r#"<testsuites name="quadlet-ls lint" tests="3" failures="2" errors="0">"#),
        "{xml}"
    );
    assert!(
        xml.contains(r#"<testsuite name="a.container" tests="2" failures="2" errors="0">"#),
        "{xml}"
    );
    assert!(
        xml.contains(r#"<testcase name="3:1 unknown-key" classname="a.container">"#),
        "{xml}"
    );
    assert!(
        xml.contains(r#"<failure type="error" message="unknown key Imgae="#),
        "{xml}"
    );
    assert!(
        xml.contains(r#"<testsuite name="b.container" tests="1" failures="0" errors="0">"#),
        "{xml}"
    );
    assert!(
        xml.contains(r#"<testcase name="no problems" classname="b.container"/>"#),
        "{xml}"
    );
    // Balanced elements, escaped text.
    assert_eq!(
        xml.matches("<testsuite ").count(),
        xml.matches("</testsuite>").count()
    );
    assert!(!xml.contains("& <y>"), "{xml}");
    assert!(xml.trim_end().ends_with("</testsuites>"));
}

fn sarif_prints(dir: &Path) -> Vec<(String, String)> {
    let (_, text) = out(dir, "sarif");
    let v: Value = serde_json::from_str(&text).expect("SARIF JSON");
    v["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            (
                r["ruleId"].as_str().unwrap().to_string(),
                r["partialFingerprints"]["primaryLocationLineHash"]
                    .as_str()
                    .expect("every result has a fingerprint")
                    .to_string(),
            )
        })
        .collect()
}

#[test]
fn fingerprints_survive_lines_added_above_and_tell_repeats_apart() {
    let d = tmp("lint-formats", "prints");
    let f = write(
        &d,
        "a.container",
        "[Container]\nImage=quay.io/a/b:1\nFoo=1\nFoo=1\n",
    );
    let before = sarif_prints(&d);
    assert_eq!(before.len(), 2, "{before:?}");
    // The same problem on two identical lines: the same hash, numbered.
    let (h1, h2) = (&before[0].1, &before[1].1);
    assert!(h1.ends_with(":1") && h2.ends_with(":2"), "{before:?}");
    assert_eq!(h1.split(':').next(), h2.split(':').next());
    // Lines added above move the problems but keep their fingerprints.
    std::fs::write(
        &f,
        "# a comment\n\n[Container]\nImage=quay.io/a/b:1\nFoo=1\nFoo=1\n",
    )
    .unwrap();
    assert_eq!(sarif_prints(&d), before);
    // A different line is a different fingerprint.
    std::fs::write(&f, "[Container]\nImage=quay.io/a/b:1\nFoo=2\nFoo=1\n").unwrap();
    assert_ne!(sarif_prints(&d)[0].1, before[0].1);
}
