//! Completion and hover in Kubernetes YAML, including while the file does
//! not parse.

use quadlet_ls::kube::{completions, hover, Options};

/// Splits `|` out of the text as the cursor.
fn at(text: &str) -> (String, usize) {
    let o = text.find('|').expect("cursor");
    (text.replacen('|', "", 1), o)
}

fn labels(text: &str) -> Vec<String> {
    let (t, o) = at(text);
    completions(&t, o, &Options::default())
        .into_iter()
        .map(|c| c.label)
        .collect()
}

#[test]
fn container_keys_inside_a_list_item() {
    let l = labels("apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: a\n    im|\n");
    for k in ["image", "imagePullPolicy", "ports", "env", "livenessProbe"] {
        assert!(l.contains(&k.to_string()), "{k} missing from {l:?}");
    }
    // keys already present are not offered again
    assert!(!l.contains(&"name".to_string()));
    // not the keys of a pod spec
    assert!(!l.contains(&"containers".to_string()));
}

#[test]
fn keys_while_the_document_does_not_parse() {
    // an unterminated flow sequence above and a dangling key: no parse
    let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: [x\nspec:\n  template:\n    spec:\n      containers:\n        - name: c\n          ports:\n            - |\n";
    let l = labels(text);
    assert!(l.contains(&"containerPort".to_string()), "{l:?}");
    assert!(l.contains(&"protocol".to_string()));
}

#[test]
fn completion_items_carry_type_and_description() {
    let (t, o) = at("apiVersion: v1\nkind: Pod\nspec:\n  |\n");
    let c = completions(&t, o, &Options::default());
    let rp = c
        .iter()
        .find(|c| c.label == "restartPolicy")
        .expect("restartPolicy");
    assert_eq!(rp.detail.as_deref(), Some("string"));
    assert!(rp
        .documentation
        .as_deref()
        .unwrap_or("")
        .contains("Restart policy"));
    assert_eq!(rp.insert_text.as_deref(), Some("restartPolicy: "));
    let ct = c
        .iter()
        .find(|c| c.label == "containers")
        .expect("containers");
    assert_eq!(ct.detail.as_deref(), Some("list of Container"));
}

#[test]
fn enum_values_after_the_colon() {
    let l = labels("apiVersion: v1\nkind: Pod\nspec:\n  restartPolicy: |\n");
    assert_eq!(l, vec!["Always", "OnFailure", "Never"]);
    let l = labels(
        "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: a\n    imagePullPolicy: |\n",
    );
    assert_eq!(l, vec!["Always", "Never", "IfNotPresent"]);
    let l = labels("apiVersion: v1\nkind: Pod\nspec:\n  hostNetwork: |\n");
    assert_eq!(l, vec!["true", "false"]);
    let l = labels("apiVersion: v1\nkind: |\n");
    assert!(l.contains(&"Deployment".to_string()) && l.contains(&"Pod".to_string()));
}

#[test]
fn root_keys_and_documents() {
    let l = labels("apiVersion: v1\nkind: ConfigMap\n|\n");
    assert!(l.contains(&"data".to_string()) && l.contains(&"metadata".to_string()));
    assert!(!l.contains(&"kind".to_string()));
    // the second document has its own kind
    let l = labels(
        "apiVersion: v1\nkind: ConfigMap\n---\napiVersion: batch/v1\nkind: Job\nspec:\n  |\n",
    );
    assert!(l.contains(&"backoffLimit".to_string()), "{l:?}");
}

#[test]
fn hover_shows_type_description_and_podman_notes() {
    let (t, o) = at("apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: a\n    ports:\n    - contai|nerPort: 80\n    readinessProbe: {}\n");
    let h = hover(&t, o, &Options::default()).expect("hover");
    assert!(
        h.markdown
            .starts_with("**containerPort**: `integer` (in ContainerPort)"),
        "{}",
        h.markdown
    );
    assert!(h.markdown.contains("port"));
    assert_eq!(h.span.slice(&t), "containerPort");
    let o = t.find("readinessProbe").unwrap() + 2;
    let h = hover(&t, o, &Options::default()).expect("hover");
    assert!(
        h.markdown
            .contains("podman: podman kube play ignores readinessProbe"),
        "{}",
        h.markdown
    );
    let o = t.find("restartPolicy").unwrap_or(0);
    let _ = o;
    let (t, o) = at("apiVersion: v1\nkind: Pod\nspec:\n  restart|Policy: Always\n");
    let h = hover(&t, o, &Options::default()).expect("hover");
    assert!(
        h.markdown.contains("Allowed: Always, OnFailure, Never"),
        "{}",
        h.markdown
    );
    // no hover on an unknown key
    let (t, o) = at("apiVersion: v1\nkind: Pod\nspec:\n  restar|tPolice: Always\n");
    assert!(hover(&t, o, &Options::default()).is_none());
}

#[test]
fn values_of_a_list_of_plain_values() {
    let l = labels("apiVersion: v1\nkind: PersistentVolumeClaim\nspec:\n  accessModes:\n  - |\n");
    assert_eq!(
        l,
        vec![
            "ReadWriteOnce",
            "ReadOnlyMany",
            "ReadWriteMany",
            "ReadWriteOncePod"
        ]
    );
}

#[test]
fn hover_names_podman_only_values() {
    let (t, o) = at("apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: a\n    imagePull|Policy: newer\n");
    let h = hover(&t, o, &Options::default()).expect("hover");
    assert!(
        h.markdown.contains("Allowed: Always, Never, IfNotPresent"),
        "{}",
        h.markdown
    );
    assert!(
        h.markdown
            .contains("podman also accepts: Missing, IfMissing, Newer, IfNewer"),
        "{}",
        h.markdown
    );
}
