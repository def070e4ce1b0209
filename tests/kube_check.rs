//! Kubernetes YAML checks: each class of problem at its exact range.

use quadlet_ls::diag::{Diagnostic, Severity};
use quadlet_ls::kube::{check_yaml, container_ports, Options};

fn fixture(name: &str) -> String {
    let p = format!("{}/tests/fixtures/kube/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{p}: {e}"))
}

/// The diagnostics, without the short-image-name warning (most examples
/// here use short names; that check has its own test).
fn check(text: &str) -> Vec<Diagnostic> {
    let mut d = check_yaml(text, &Options::default());
    d.retain(|d| d.code != "kube-short-image-name");
    d
}

/// The one diagnostic with `code`; its span must cover `covers`, which
/// occurs once in the text after `after`.
fn expect(text: &str, diags: &[Diagnostic], code: &str, after: &str, covers: &str) -> Diagnostic {
    let found: Vec<&Diagnostic> = diags.iter().filter(|d| d.code == code).collect();
    assert!(!found.is_empty(), "no {code} in {diags:#?}");
    let base = text
        .find(after)
        .unwrap_or_else(|| panic!("{after:?} not in text"));
    let start = base + text[base..].find(covers).expect("covers in text");
    let want = start..start + covers.len();
    let d = found
        .iter()
        .find(|d| d.span.start == want.start && d.span.end == want.end)
        .unwrap_or_else(|| panic!("no {code} at {want:?} ({covers:?}); got {found:#?}"));
    (*d).clone()
}

#[test]
fn valid_files_of_each_kind_have_no_diagnostics() {
    for name in [
        "valid-pod.yaml",
        "valid-deployment.yaml",
        "valid-daemonset.yaml",
        "valid-job.yaml",
        "valid-configmap.yaml",
        "valid-secret.yaml",
        "valid-pvc.yaml",
    ] {
        let d = check(&fixture(name));
        assert!(d.is_empty(), "{name}: {d:#?}");
    }
}

#[test]
fn service_is_validated_but_reported_as_skipped_by_podman() {
    let t = fixture("valid-service.yaml");
    let d = check(&t);
    assert_eq!(d.len(), 1, "{d:#?}");
    let s = expect(&t, &d, "kube-unsupported-kind", "kind:", "Service");
    assert_eq!(s.severity, Severity::Info);
    // a broken Service is still reported
    let bad = t.replace("targetPort: 8080", "targetPort: {a: 1}");
    let d = check(&bad);
    let e = expect(&bad, &d, "kube-type", "targetPort:", "{a: 1}");
    assert_eq!(e.message, "expected string or integer, got a mapping");
}

#[test]
fn unknown_field_is_the_key_itself_with_a_suggestion_and_fix() {
    let t = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    imagee: nginx\n";
    let d = check(t);
    let u = expect(t, &d, "kube-unknown-field", "- name: c", "imagee");
    assert_eq!(u.severity, Severity::Warning);
    assert!(
        u.message
            .starts_with("unknown field \"imagee\" in Container; did you mean \"image\"?"),
        "{}",
        u.message
    );
    let fixed = quadlet_ls::diag::apply_edits(t, &u.fixes[0].edits);
    assert!(fixed.contains("    image: nginx\n"));
    assert!(check(&fixed).is_empty());
    // also at the top level and in metadata
    let t2 = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  nmae: x\ndatta: {}\n";
    let d = check(t2);
    expect(t2, &d, "kube-unknown-field", "metadata:", "nmae");
    let top = expect(t2, &d, "kube-unknown-field", "", "datta");
    assert!(
        top.message.contains("in ConfigMap; did you mean \"data\""),
        "{}",
        top.message
    );
}

#[test]
fn type_errors_point_at_the_value() {
    let t = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: i\n    ports:\n    - containerPort: eighty\n    tty: \"yes\"\n";
    let d = check(t);
    let e = expect(t, &d, "kube-type", "containerPort:", "eighty");
    assert_eq!(e.message, "expected integer, got string \"eighty\"");
    assert_eq!(e.severity, Severity::Error);
    let b = expect(t, &d, "kube-type", "tty:", "\"yes\"");
    assert_eq!(b.message, "expected boolean, got string \"yes\"");
    // a list where a mapping belongs
    let t = "apiVersion: v1\nkind: Pod\nmetadata: [a]\n";
    let d = check(t);
    let m = expect(t, &d, "kube-type", "metadata:", "[a]");
    assert_eq!(m.message, "expected a mapping, got a list");
}

#[test]
fn numbers_where_strings_go_are_accepted_like_podman_does() {
    // sigs.k8s.io/yaml turns plain numbers and booleans into strings
    let t = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels:\n    version: 2\nspec:\n  containers:\n  - name: c\n    image: i\n    args: [--n, 3, true]\n    env:\n    - name: A\n      value: 1.5\n";
    assert!(check(t).is_empty(), "{:#?}", check(t));
}

#[test]
fn enums_and_port_ranges() {
    let t = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  restartPolicy: always\n  containers:\n  - name: c\n    image: i\n    imagePullPolicy: Sometimes\n    ports:\n    - containerPort: 70000\n      protocol: tpc\n    - containerPort: 0\n      protocol: udp\n";
    let d = check(t);
    let r = expect(t, &d, "kube-enum", "restartPolicy:", "always");
    assert_eq!(
        r.message,
        "\"always\" is not a valid restartPolicy; expected one of Always, OnFailure, Never"
    );
    assert_eq!(r.fixes[0].edits[0].new_text, "Always");
    let p = expect(t, &d, "kube-enum", "imagePullPolicy:", "Sometimes");
    assert!(p.fixes.is_empty());
    // podman fails on a pull policy it cannot parse
    assert_eq!(p.severity, Severity::Error);
    expect(t, &d, "kube-enum", "protocol:", "tpc");
    // podman lowercases the protocol: "udp" is fine
    assert_eq!(
        d.iter().filter(|x| x.code == "kube-enum").count(),
        3,
        "{d:#?}"
    );
    // podman's own pull policies, in any case, are accepted
    for p in ["missing", "IfNewer", "newer", "ALWAYS"] {
        let t = format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: i\n    imagePullPolicy: {p}\n");
        assert!(check(&t).is_empty(), "{p}: {:#?}", check(&t));
    }
    let big = expect(t, &d, "kube-port-range", "containerPort:", "70000");
    assert_eq!(
        big.message,
        "port 70000 is out of range; ports are 1 to 65535"
    );
    expect(t, &d, "kube-port-range", "- containerPort: 0", "0");
}

#[test]
fn required_fields() {
    let t = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - image: i\n    ports:\n    - hostPort: 80\n";
    let d = check(t);
    let r = expect(t, &d, "kube-required", "containers:", "image");
    assert_eq!(r.message, "missing required field \"name\" in Container");
    let p = expect(t, &d, "kube-required", "ports:", "hostPort");
    assert_eq!(
        p.message,
        "missing required field \"containerPort\" in ContainerPort"
    );
}

#[test]
fn kinds_podman_cannot_play_and_unknown_api_versions() {
    let t = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: n\n---\napiVersion: apps/v1beta1\nkind: Deployment\nmetadata:\n  name: d\nspec: 5\n---\nmetadata:\n  name: nokind\n";
    let d = check(t);
    let k = expect(t, &d, "kube-unsupported-kind", "kind:", "Namespace");
    assert_eq!(k.severity, Severity::Warning);
    let n = expect(t, &d, "kube-not-validated", "", "apps/v1beta1");
    assert_eq!(n.severity, Severity::Info);
    // not validated means no errors from that document
    assert!(!d.iter().any(|x| x.code == "kube-type"), "{d:#?}");
    let nk = expect(t, &d, "kube-unsupported-kind", "---\nmetadata", "metadata");
    assert_eq!(
        nk.message,
        "document has no kind; podman kube play skips it"
    );
    assert!(d.iter().all(|x| x.severity != Severity::Error), "{d:#?}");
    // a document that is not a mapping
    let t = "- a\n- b\n";
    let d = check(t);
    assert_eq!(d[0].code, "kube-type");
}

#[test]
fn podman_ignored_and_unsupported_fields() {
    let t = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  replicas: 3\n  selector: {matchLabels: {a: b}}\n  template:\n    metadata: {labels: {a: b}}\n    spec:\n      nodeSelector: {disk: ssd}\n      initContainers:\n      - name: init\n        image: i\n        livenessProbe: {exec: {command: [true]}}\n      containers:\n      - name: c\n        image: i\n        readinessProbe: {tcpSocket: {port: 80}}\n        livenessProbe: {tcpSocket: {port: 80}}\n      volumes:\n      - name: v\n        nfs: {server: s, path: /p}\n";
    let d = check(t);
    let r = expect(t, &d, "kube-podman-unsupported", "", "replicas");
    assert_eq!(r.severity, Severity::Warning);
    let n = expect(t, &d, "kube-ignored-field", "", "nodeSelector");
    assert_eq!(n.severity, Severity::Info);
    expect(
        t,
        &d,
        "kube-podman-unsupported",
        "name: init",
        "livenessProbe",
    );
    expect(t, &d, "kube-ignored-field", "name: c", "readinessProbe");
    // a regular container's livenessProbe is fine
    let after_c = t.find("name: c").unwrap();
    assert!(!d
        .iter()
        .any(|x| x.span.start > after_c && x.span.slice(t) == "livenessProbe"));
    expect(t, &d, "kube-podman-unsupported", "volumes:", "nfs");
    // one replica is fine
    let one = t.replace("replicas: 3", "replicas: 1");
    assert!(!check(&one).iter().any(|x| x.span.slice(&one) == "replicas"));
}

#[test]
fn multi_document_files_are_checked_per_document() {
    let t = fixture("multi-document.yaml");
    let d = check(&t);
    assert_eq!(d.len(), 2, "{d:#?}");
    expect(&t, &d, "kube-enum", "imagePullPolicy:", "Allways");
    expect(&t, &d, "kube-type", "- containerPort: \"x\"", "\"x\"");
    assert_eq!(
        container_ports(&t),
        vec![(53, "UDP".to_string())],
        "the string port is not a port"
    );
}

#[test]
fn anchors_aliases_and_merge_keys() {
    let t = fixture("anchors-and-merge.yaml");
    let d = check(&t);
    assert_eq!(d.len(), 1, "{d:#?}");
    expect(
        &t,
        &d,
        "kube-unknown-field",
        "name: three",
        "imagePulPolicy",
    );
    // an error inside aliased content is reported at the alias
    let t = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nx-base: &b {name: c, image: i, tty: maybe}\nspec:\n  containers:\n  - *b\n";
    let d = check(t);
    expect(t, &d, "kube-type", "- ", "*b");
}

#[test]
fn list_items_are_checked() {
    let t = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a}\n  dat: {}\n";
    let d = check(t);
    expect(t, &d, "kube-unknown-field", "  dat:", "dat");
}

#[test]
fn yaml_syntax_errors_and_duplicate_keys() {
    let t = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: [p\n";
    let d = check(t);
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(d[0].code, "yaml-syntax");
    assert_eq!(d[0].severity, Severity::Error);
    let t = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n";
    let d = check(t);
    expect(t, &d, "yaml-duplicate-key", "a\n", "name");
}

#[test]
fn spans_are_byte_offsets_in_multibyte_text() {
    let t = "# Überblick — Pod für «web»\napiVersion: v1\nkind: Pod\nmetadata:\n  name: wëb\n  annotations: {ä: ö}\nspec:\n  containers:\n  - name: ç\n    imäge: x\n    image: y\n";
    let d = check(t);
    let u = expect(t, &d, "kube-unknown-field", "name: ç", "imäge");
    assert_eq!(u.span.slice(t), "imäge");
}

#[test]
fn what_podman_needs_that_the_schema_does_not_require() {
    // no name for the pod, a container without image, a mount of a volume
    // the pod does not have
    let t = "apiVersion: v1\nkind: Pod\nmetadata:\n  labels: {a: b}\nspec:\n  containers:\n  - name: c\n    volumeMounts:\n    - name: dta\n      mountPath: /d\n  volumes:\n  - name: data\n    emptyDir: {}\n";
    let d = check(t);
    let n = expect(t, &d, "kube-podman-required", "", "metadata");
    assert_eq!(n.message, "podman kube play needs metadata.name for a Pod");
    assert_eq!(n.severity, Severity::Error);
    let i = expect(t, &d, "kube-podman-required", "- ", "name");
    assert_eq!(
        i.message,
        "podman kube play refuses a container without image"
    );
    let v = expect(t, &d, "kube-volume-mount", "- name: ", "dta");
    assert_eq!(
        v.message,
        "volume mount \"dta\" has no matching entry in the pod's volumes; podman kube play refuses it"
    );
    assert_eq!(v.fixes[0].edits[0].new_text, "data");
    // a deployment's pod template needs no name of its own
    let t = fixture("valid-deployment.yaml").replace("  name: web\nspec:", "  labels: {}\nspec:");
    let d = check(&t);
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(
        d[0].message,
        "podman kube play needs metadata.name for a Deployment"
    );
}

#[test]
fn secret_data_must_be_base64() {
    let t = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n  good: c2VjcmV0\n  wrapped: |\n    c2Vj\n    cmV0\n  plain: hunter2\n  short: abc\nstringData:\n  fine: hunter2\n";
    let d = check(t);
    assert_eq!(d.len(), 2, "{d:#?}");
    let p = expect(t, &d, "kube-base64", "plain: ", "hunter2");
    assert_eq!(
        p.message,
        "the value of \"plain\" in data is not base64 (its length is not a multiple of 4); podman fails to decode it (use stringData for plain text)"
    );
    expect(t, &d, "kube-base64", "short: ", "abc");
    let t = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\nbinaryData: {b: 'a b='}\n";
    let d = check(t);
    expect(t, &d, "kube-base64", "b: ", "'a b='");
}

#[test]
fn trailing_comments_are_not_part_of_the_range() {
    let t = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}  # the pod\nspec:\n  containers:\n  - name: c\n    image: i\n    tty: \"yes\"   # a string\n    stdin: [1]  # a list\n";
    let d = check(t);
    expect(t, &d, "kube-type", "tty: ", "\"yes\"");
    expect(t, &d, "kube-type", "stdin: ", "[1]");
    let y = quadlet_ls::kube::yaml::parse(t);
    let c: Vec<&str> = quadlet_ls::kube::yaml::comments(t, &y)
        .iter()
        .map(|s| s.slice(t))
        .collect();
    assert_eq!(c, vec!["# the pod", "# a string", "# a list"]);
}

#[test]
fn container_names_are_unique_in_a_pod() {
    let t = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  initContainers:\n  - {name: web, image: i}\n  containers:\n  - {name: app, image: i}\n  - {name: web, image: i}\n";
    let d = check(t);
    assert_eq!(d.len(), 1, "{d:#?}");
    let e = expect(t, &d, "kube-duplicate-name", "app", "web");
    assert_eq!(
        e.message,
        "another container of this pod is already named \"web\"; podman kube play cannot create both"
    );
}

#[test]
fn short_image_names() {
    let t = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - {name: a, image: nginx}\n  - {name: b, image: \"library/nginx:1\"}\n  - {name: c, image: docker.io/library/nginx}\n  - {name: d, image: localhost/mine}\n  - {name: e, image: \"registry:5000/x\"}\n";
    let d = check_yaml(t, &Options::default());
    assert_eq!(d.len(), 2, "{d:#?}");
    let a = expect(t, &d, "kube-short-image-name", "name: a", "nginx");
    assert_eq!(
        a.message,
        "\"nginx\" names no registry; under systemd podman cannot ask which registry to pull from, so name it (e.g. docker.io/library/nginx)"
    );
    let b = expect(
        t,
        &d,
        "kube-short-image-name",
        "name: b",
        "\"library/nginx:1\"",
    );
    assert!(
        b.message.contains("e.g. docker.io/library/nginx:1"),
        "{}",
        b.message
    );
    // the fixtures name their registries
    for f in [
        "valid-pod.yaml",
        "valid-deployment.yaml",
        "valid-daemonset.yaml",
        "valid-job.yaml",
    ] {
        assert!(
            check_yaml(&fixture(f), &Options::default()).is_empty(),
            "{f}"
        );
    }
}
