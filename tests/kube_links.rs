//! A `.kube` unit's Yaml=, ConfigMap= and PublishPort= against its files.

use quadlet_ls::diag::Severity;
use quadlet_ls::kube::{check_unit_links, unit_files, Options};
use quadlet_ls::model::Unit;
use quadlet_ls::workspace::{MemFs, Workspace};
use std::path::{Path, PathBuf};
use std::sync::Arc;

const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: web\n    image: nginx\n    ports:\n    - containerPort: 80\n    - containerPort: 53\n      protocol: UDP\n";

fn setup(unit: &str, dropin: Option<&str>) -> (Workspace, Unit) {
    let mut fs = MemFs::new()
        .file("/etc/containers/systemd/web.kube", unit)
        .file("/etc/containers/systemd/web.yaml", POD)
        .file(
            "/srv/kube/cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n",
        );
    if let Some(d) = dropin {
        fs = fs.file("/etc/containers/systemd/web.kube.d/10-extra.conf", d);
    }
    let ws = Workspace::load(Arc::new(fs), &[PathBuf::from("/etc/containers/systemd")]);
    let (u, errs) = Unit::load(&ws, Path::new("/etc/containers/systemd/web.kube"), None).unwrap();
    assert!(errs.is_empty());
    (ws, u)
}

fn run(unit: &str, dropin: Option<&str>) -> (Unit, Vec<(usize, quadlet_ls::diag::Diagnostic)>) {
    let (ws, u) = setup(unit, dropin);
    let d = check_unit_links(&ws, &u, &Options::default());
    (u, d)
}

#[test]
fn relative_and_absolute_paths_resolve_like_podman() {
    let unit = "[Kube]\nYaml=web.yaml\nConfigMap=/srv/kube/cm.yaml\nPublishPort=8080:80\nPublishPort=127.0.0.1:5353:53/udp\n";
    let (u, d) = run(unit, None);
    assert!(d.is_empty(), "{d:#?}");
    let files = unit_files(&u);
    assert_eq!(
        files[0].path.as_deref(),
        Some(Path::new("/etc/containers/systemd/web.yaml"))
    );
    assert_eq!(files[0].span.slice(unit), "web.yaml");
    assert_eq!(
        files[1].path.as_deref(),
        Some(Path::new("/srv/kube/cm.yaml"))
    );
}

#[test]
fn missing_files_are_errors_on_the_value() {
    let unit = "[Kube]\nYaml=nope.yaml\nConfigMap=cm.yaml other.yaml\n";
    let (_, d) = run(unit, None);
    assert_eq!(d.len(), 3, "{d:#?}");
    let spans: Vec<&str> = d.iter().map(|(_, x)| x.span.slice(unit)).collect();
    assert_eq!(spans, vec!["nope.yaml", "cm.yaml", "other.yaml"]);
    assert!(d
        .iter()
        .all(|(s, x)| *s == 0 && x.code == "kube-missing-file" && x.severity == Severity::Error));
    assert_eq!(
        d[0].1.message,
        "Yaml= file /etc/containers/systemd/nope.yaml does not exist; podman kube play will fail when the service starts"
    );
}

#[test]
fn missing_absolute_files_are_warnings() {
    // An absolute path may exist only on the host the unit is deployed to.
    let unit = "[Kube]\nYaml=/srv/kube/web.yaml\n";
    let (_, d) = run(unit, None);
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(d[0].1.code, "kube-missing-file");
    assert_eq!(d[0].1.severity, Severity::Warning);
    assert_eq!(d[0].1.span.slice(unit), "/srv/kube/web.yaml");
}

#[test]
fn specifiers_are_left_alone() {
    let (_, d) = run("[Kube]\nYaml=%h/web.yaml\n", None);
    assert!(d.is_empty(), "{d:#?}");
}

#[test]
fn publish_port_must_match_a_container_port() {
    let unit =
        "[Kube]\nYaml=web.yaml\nPublishPort=8080:8081\nPublishPort=53:53\nPublishPort=90:80\n";
    let (_, d) = run(unit, None);
    assert_eq!(d.len(), 2, "{d:#?}");
    assert_eq!(d[0].1.code, "kube-port-mismatch");
    assert_eq!(d[0].1.span.slice(unit), "8080:8081");
    assert_eq!(
        d[0].1.message,
        "PublishPort= publishes container port 8081/TCP, which no containerPort in the YAML declares (80/TCP, 53/UDP)"
    );
    // 53 is declared for UDP only
    assert_eq!(d[1].1.span.slice(unit), "53:53");
}

#[test]
fn entries_in_drop_ins_report_on_the_drop_in() {
    let unit = "[Kube]\nYaml=web.yaml\n";
    let dropin = "[Kube]\nPublishPort=9999:9999\nConfigMap=missing.yaml\n";
    let (_, d) = run(unit, Some(dropin));
    assert_eq!(d.len(), 1, "{d:#?}");
    // the missing config map resolves against the unit's directory
    assert_eq!(d[0].0, 1);
    assert_eq!(d[0].1.code, "kube-missing-file");
    assert_eq!(d[0].1.span.slice(dropin), "missing.yaml");
    // once it exists, the port is checked (on the drop-in too)
    let dropin = "[Kube]\nPublishPort=9999:9999\n";
    let (_, d) = run(unit, Some(dropin));
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!((d[0].0, d[0].1.code), (1, "kube-port-mismatch"));
    assert_eq!(d[0].1.span.slice(dropin), "9999:9999");
}

const USES_MAPS: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: web\n    image: nginx\n    envFrom:\n    - configMapRef:\n        name: env\n    - configMapRef:\n        name: maybe\n        optional: true\n    env:\n    - name: A\n      valueFrom:\n        configMapKeyRef: {name: settings, key: a}\n    - name: B\n      valueFrom:\n        configMapKeyRef: {name: settings, key: nope}\n  volumes:\n  - name: conf\n    configMap:\n      name: files\n";

fn run_maps(unit: &str, cm: &str) -> Vec<(usize, quadlet_ls::diag::Diagnostic)> {
    let fs = MemFs::new()
        .file("/u/web.kube", unit)
        .file("/u/web.yaml", USES_MAPS)
        .file("/u/cm.yaml", cm);
    let ws = Workspace::load(Arc::new(fs), &[PathBuf::from("/u")]);
    let (u, _) = Unit::load(&ws, Path::new("/u/web.kube"), None).unwrap();
    check_unit_links(&ws, &u, &Options::default())
}

#[test]
fn configmaps_the_pods_use_must_be_defined() {
    let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {a: '1'}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: env}\n";
    let unit = "[Kube]\nYaml=web.yaml\nConfigMap=cm.yaml\n";
    let d = run_maps(unit, cm);
    let msgs: Vec<&str> = d.iter().map(|(_, x)| x.message.as_str()).collect();
    assert_eq!(
        msgs,
        vec![
            "web.yaml reads key \"nope\" of ConfigMap \"settings\", which has no such key; podman kube play fails",
            "web.yaml uses ConfigMap \"files\" (volume), which no YAML document and no ConfigMap= file defines; podman kube play fails",
        ],
        "{d:#?}"
    );
    assert!(d.iter().all(|(s, x)| *s == 0
        && x.code == "kube-missing-configmap"
        && x.span.slice(unit) == "web.yaml"));
    // without the ConfigMap= file, "env" and "settings" are missing too
    let d = run_maps("[Kube]\nYaml=web.yaml\n", cm);
    assert_eq!(d.len(), 3, "{d:#?}");
    // maps passed with PodmanArgs=--configmap are not visible: no report
    let d = run_maps(
        "[Kube]\nYaml=web.yaml\nPodmanArgs=--configmap=/x.yaml\n",
        cm,
    );
    assert!(d.is_empty(), "{d:#?}");
}

#[test]
fn yaml_files_must_hold_something_podman_runs() {
    let unit = "[Kube]\nYaml=cm.yaml\n";
    let fs = MemFs::new()
        .file("/u/a.kube", unit)
        .file(
            "/u/cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n",
        )
        .file(
            "/u/svc.yaml",
            "apiVersion: v1\nkind: Service\nmetadata: {name: s}\n",
        );
    let ws = Workspace::load(Arc::new(fs), &[PathBuf::from("/u")]);
    let (u, _) = Unit::load(&ws, Path::new("/u/a.kube"), None).unwrap();
    let d = check_unit_links(&ws, &u, &Options::default());
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(d[0].1.code, "kube-nothing-to-play");
    assert_eq!(d[0].1.span.slice(unit), "cm.yaml");
    assert!(d[0].1.message.contains("only ConfigMaps"));
    let unit = "[Kube]\nYaml=svc.yaml\n";
    let ws2 = {
        let fs = MemFs::new().file("/u/a.kube", unit).file(
            "/u/svc.yaml",
            "apiVersion: v1\nkind: Service\nmetadata: {name: s}\n",
        );
        Workspace::load(Arc::new(fs), &[PathBuf::from("/u")])
    };
    let (u, _) = Unit::load(&ws2, Path::new("/u/a.kube"), None).unwrap();
    let d = check_unit_links(&ws2, &u, &Options::default());
    assert_eq!(d.len(), 1, "{d:#?}");
    assert!(d[0].1.message.contains("hold no Pod"), "{}", d[0].1.message);
    // with a pod in a second Yaml= file, all is well
    let unit = "[Kube]\nYaml=cm.yaml\nYaml=web.yaml\n";
    let fs = MemFs::new()
        .file("/u/a.kube", unit)
        .file(
            "/u/cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n",
        )
        .file("/u/web.yaml", POD);
    let ws = Workspace::load(Arc::new(fs), &[PathBuf::from("/u")]);
    let (u, _) = Unit::load(&ws, Path::new("/u/a.kube"), None).unwrap();
    let d = check_unit_links(&ws, &u, &Options::default());
    assert!(d.is_empty(), "{d:#?}");
}
