//! `quadlet-ls lint` on real repository layouts: each PATH is one
//! installation, every unit file is checked (same-named ones too), units
//! that podman drops with a broken sibling are errors, explicit files are
//! checked by kind, rootless folders are checked in user mode.

mod cli_support;

use cli_support::{checked, codes, lint, lint_json, run, tmp, write};

const GOOD: &str = "[Container]\nImage=quay.io/a/b:1\n";
const BAD: &str = "[Container]\nImage=quay.io/a/b:1\nImgae=x\n";

fn has(v: &serde_json::Value, path: &str, code: &str) -> bool {
    codes(v).iter().any(|(p, c)| p == path && c == code)
}

#[test]
fn same_named_units_are_all_checked_and_the_skipped_one_is_flagged() {
    let d = tmp("lint-inst", "shadow");
    write(&d, "Fedora/x.container", GOOD);
    write(&d, "RHEL-9/x.container", BAD);
    let (code, v, _) = lint_json(&d, &["."]);
    assert_eq!(code, 1, "{v}");
    assert_eq!(checked(&v), ["Fedora/x.container", "RHEL-9/x.container"]);
    // The broken second file is checked, and said to be skipped by podman.
    assert!(has(&v, "RHEL-9/x.container", "unknown-key"), "{v}");
    assert!(has(&v, "RHEL-9/x.container", "shadowed-unit"), "{v}");
    assert!(!has(&v, "Fedora/x.container", "shadowed-unit"), "{v}");
    let msg = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["code"] == "shadowed-unit")
        .unwrap()["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(msg.contains("../Fedora/x.container"), "{msg}");

    // Two PATHs are two installations: the same name is fine.
    let (code, v, _) = lint_json(&d, &["Fedora", "RHEL-9"]);
    assert_eq!(code, 1);
    assert_eq!(checked(&v).len(), 2);
    assert!(!codes(&v).iter().any(|(_, c)| c == "shadowed-unit"), "{v}");
    assert!(has(&v, "RHEL-9/x.container", "unknown-key"), "{v}");
}

#[test]
fn references_of_a_skipped_file_resolve_like_podmans() {
    let d = tmp("lint-inst", "shadow-refs");
    write(
        &d,
        "a/web.container",
        "[Container]\nImage=quay.io/a/b:1\nNetwork=app.network\n",
    );
    write(&d, "a/app.network", "[Network]\n");
    write(
        &d,
        "b/web.container",
        "[Container]\nImage=quay.io/a/b:1\nNetwork=other.network\n",
    );
    let (_, v, _) = lint_json(&d, &["."]);
    assert!(has(&v, "b/web.container", "shadowed-unit"), "{v}");
    assert!(has(&v, "b/web.container", "missing-unit"), "{v}");
    assert!(!has(&v, "a/web.container", "missing-unit"), "{v}");
}

#[test]
fn units_dropped_with_a_broken_sibling_are_errors() {
    let d = tmp("lint-inst", "dropped");
    write(&d, "units/web.container", GOOD);
    write(&d, "units/data.volume", "[Volume]\n");
    write(
        &d,
        "units/draft.container",
        "[Container]\nImage=quay.io/a/b:1\nPublishPort 80\n",
    );
    write(&d, "units/sub/ok.container", GOOD);
    let (code, v, _) = lint_json(&d, &["units"]);
    assert_eq!(code, 1);
    assert!(has(&v, "units/web.container", "dropped-unit"), "{v}");
    assert!(has(&v, "units/data.volume", "dropped-unit"), "{v}");
    assert!(has(&v, "units/draft.container", "syntax"), "{v}");
    assert!(!has(&v, "units/draft.container", "dropped-unit"), "{v}");
    // Another folder is another directory for podman: not dropped.
    assert!(!has(&v, "units/sub/ok.container", "dropped-unit"), "{v}");
    let msg = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["code"] == "dropped-unit")
        .unwrap()["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(msg.contains("draft.container (line 3)"), "{msg}");
    // Named on its own, the unit still gets the error.
    let (_, v, _) = lint_json(&d, &["units/web.container"]);
    assert!(has(&v, "units/web.container", "dropped-unit"), "{v}");
    assert_eq!(checked(&v), ["units/web.container"]);
}

#[test]
fn explicit_yaml_is_checked_and_unknown_kinds_are_usage_errors() {
    let d = tmp("lint-inst", "explicit");
    write(
        &d,
        "deploy.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\nspec:\n  containers:\n  - name: a\n    image: quay.io/a/b:1\n    imagePullPolicy: Sometimes\n",
    );
    write(&d, "notes.txt", "hello\n");
    write(&d, "sysctl.d/10.conf", "x=1\n");
    let (code, v, _) = lint_json(&d, &["deploy.yaml"]);
    assert_eq!(code, 1, "{v}");
    assert_eq!(checked(&v), ["deploy.yaml"]);
    assert!(has(&v, "deploy.yaml", "kube-enum"), "{v}");
    for f in ["notes.txt", "sysctl.d/10.conf"] {
        let (code, out, err) = run(lint().current_dir(&d).arg(f));
        assert_eq!(code, 2, "{f}: {out}{err}");
        assert!(err.contains("not a file quadlet-ls checks"), "{err}");
    }
}

#[test]
fn nothing_to_check_is_said_on_stderr() {
    let d = tmp("lint-inst", "empty");
    write(&d, "README.md", "# nothing\n");
    let (code, out, err) = run(lint().arg(&d));
    assert_eq!(code, 0, "{out}{err}");
    assert!(err.contains("nothing to check"), "{err}");
    let (code, _, _) = run(lint().arg("--deny-warnings").arg(&d));
    assert_eq!(code, 1);
}

#[test]
fn rootless_folders_are_checked_in_user_mode() {
    let d = tmp("lint-inst", "user");
    let unit = "[Container]\nImage=quay.io/a/b:1\n[Install]\nWantedBy=multi-user.target\n";
    write(&d, "home/.config/containers/systemd/a.container", unit);
    write(&d, "etc/containers/systemd/users/b.container", unit);
    write(&d, "etc/containers/systemd/c.container", unit);
    let (_, v, _) = lint_json(&d, &["."]);
    let user: Vec<String> = codes(&v)
        .into_iter()
        .filter(|(_, c)| c == "user-install-target")
        .map(|(p, _)| p)
        .collect();
    assert_eq!(
        user,
        [
            "etc/containers/systemd/users/b.container",
            "home/.config/containers/systemd/a.container"
        ]
    );
    // --user checks everything as rootless.
    let (_, v, _) = lint_json(&d, &["--user", "."]);
    assert_eq!(
        codes(&v)
            .iter()
            .filter(|(_, c)| c == "user-install-target")
            .count(),
        3
    );
}
