//! `podman-args-has-key`: which `PodmanArgs=` flags it reports, per
//! release, and what its fix writes.

use quadlet_ls::check::{self, Options};
use quadlet_ls::diag::{apply_edits, Diagnostic};
use quadlet_ls::schema::Version;
use quadlet_ls::workspace::{MemFs, Workspace};
use std::path::{Path, PathBuf};
use std::sync::Arc;

fn diags(path: &str, text: &str, release: Version) -> Vec<Diagnostic> {
    let fs = MemFs::new().file(path, text);
    let ws = Workspace::load(Arc::new(fs), &[PathBuf::from("/u")]);
    let opts = Options {
        podman_version: release,
        ..Options::default()
    };
    check::check_file(&ws, Path::new(path), text, &opts)
        .into_iter()
        .filter(|d| d.code == "podman-args-has-key")
        .collect()
}

fn fixed(path: &str, text: &str) -> Vec<String> {
    diags(path, text, Version::DEFAULT)
        .iter()
        .map(|d| {
            let fix = d.fixes.first().expect("a fix");
            assert!(fix.is_safe());
            apply_edits(text, &fix.edits)
        })
        .collect()
}

const HEAD: &str = "[Container]\nImage=docker.io/library/nginx:1.25\n";

#[test]
fn each_flag_with_a_key_gets_its_own_fix() {
    let text = format!("{HEAD}PodmanArgs=-e \"A=%%d x\" --cap-add NET_ADMIN -m 1g --ipc host\n");
    let out = fixed("/u/web.container", &text);
    assert_eq!(
        out,
        [
            format!(
                "{HEAD}Environment=\"A=%%d x\"\nPodmanArgs=--cap-add NET_ADMIN -m 1g --ipc host\n"
            ),
            format!("{HEAD}AddCapability=NET_ADMIN\nPodmanArgs=-e \"A=%%d x\" -m 1g --ipc host\n"),
            format!("{HEAD}Memory=1g\nPodmanArgs=-e \"A=%%d x\" --cap-add NET_ADMIN --ipc host\n"),
        ]
    );
    let d = diags("/u/web.container", &text, Version::DEFAULT);
    assert_eq!(
        d[2].message,
        "`-m 1g` in PodmanArgs= has its own key in podman 6.1: Memory=1g"
    );
    // The range covers the flag's words.
    assert_eq!(&text[d[2].span.start..d[2].span.end], "-m 1g");
}

#[test]
fn the_release_decides() {
    let text = format!("{HEAD}PodmanArgs=--memory=512m\n");
    assert_eq!(diags("/u/a.container", &text, Version::DEFAULT).len(), 1);
    let old = Version { major: 5, minor: 4 };
    assert!(diags("/u/a.container", &text, old).is_empty());
}

#[test]
fn flags_without_a_key_or_needing_context_are_left_alone() {
    for args in [
        "--ipc host --cpus 2",
        // Quadlet adds these itself.
        "--rm -d",
        // A set single-value key would change.
        "--hostname other",
        // Not a flag podman knows: nothing to say.
        "--frobnicate",
    ] {
        let text = format!("{HEAD}HostName=web\nPodmanArgs={args}\n");
        assert!(
            diags("/u/a.container", &text, Version::DEFAULT).is_empty(),
            "{args}"
        );
    }
    let net = "[Network]\nPodmanArgs=--gateway 10.0.0.1\n";
    assert!(diags("/u/n.network", net, Version::DEFAULT).is_empty());
    let net = "[Network]\nPodmanArgs=--internal --subnet 10.0.0.0/24\n";
    assert_eq!(diags("/u/n.network", net, Version::DEFAULT).len(), 2);
}

#[test]
fn a_lone_flag_replaces_the_whole_line() {
    let text = format!("{HEAD}PodmanArgs=--security-opt label=disable\n");
    assert_eq!(
        fixed("/u/a.container", &text),
        [format!("{HEAD}SecurityLabelDisable=true\n")]
    );
    let pod = "[Pod]\nPodmanArgs=--publish 8080:80\n";
    assert_eq!(fixed("/u/p.pod", pod), ["[Pod]\nPublishPort=8080:80\n"]);
}
