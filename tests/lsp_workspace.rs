//! Workspace behaviour: watched files (with dynamic registration), the
//! reverse-reference index, settings, and Kubernetes YAML routing.

mod lsp_support;

use insta::assert_json_snapshot;
use lsp_support::{uri, Client, SharedFs};
use quadlet_ls::workspace::MemFs;
use serde_json::{json, Value};
use std::sync::Arc;

fn refs_of(c: &mut Client, path: &str) -> Value {
    let mut p = Client::at(path, 0, 0);
    p["context"] = json!({"includeDeclaration": false});
    c.request("textDocument/references", p)
}

#[test]
fn watched_files_registration_and_incremental_reference_index() {
    let fs = SharedFs::new(MemFs::new().file("/ws/db.network", "[Network]\n").file(
        "/ws/a.container",
        "[Container]\nImage=x\nNetwork=db.network\n",
    ));
    let mut c = Client::start_with(
        Arc::new(fs.clone()),
        json!({"capabilities": {"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}}}),
        None,
    );
    let reg = c.expect_server_request("client/registerCapability");
    assert_json_snapshot!("register_watchers", reg);
    assert_eq!(
        refs_of(&mut c, "/ws/db.network").as_array().unwrap().len(),
        1
    );
    c.open("/ws/db.network", "[Network]\n");

    // A new user appears on disk.
    fs.insert(
        "/ws/b.container",
        "[Container]\nImage=x\nNetwork=db.network\n",
    );
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri("/ws/b.container"), "type": 1}]}),
    );
    // Open documents are re-checked after a watched change.
    c.diagnostics("/ws/db.network");
    let r = refs_of(&mut c, "/ws/db.network");
    assert_eq!(r.as_array().unwrap().len(), 2, "{r}");
    // ... and goes away again.
    fs.remove("/ws/a.container");
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri("/ws/a.container"), "type": 3}]}),
    );
    c.diagnostics("/ws/db.network");
    let r = refs_of(&mut c, "/ws/db.network");
    assert_eq!(r[0]["uri"], uri("/ws/b.container"));
    assert_eq!(r.as_array().unwrap().len(), 1);
    // The network unit now resolves as a definition target from a new user.
    c.open("/ws/c.container", "[Container]\nNetwork=db.network\n");
    let d = c.request(
        "textDocument/definition",
        Client::at("/ws/c.container", 1, 9),
    );
    assert_eq!(d["uri"], uri("/ws/db.network"));
    c.finish();
}

fn syntax_count(d: &Value) -> usize {
    d["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["code"] == "syntax")
        .count()
}

#[test]
fn settings_from_initialization_options_configuration_and_toml() {
    let fs = MemFs::new().file("/ws/quadlet-ls.toml", "disable = [\"syntax\"]\n");
    // The toml file disables `syntax`.
    let mut c = Client::start(fs.clone());
    let d = c.open(
        "/ws/a.container",
        "[Container]\nImage=docker.io/library/x\nbroken\n",
    );
    assert_eq!(d["diagnostics"], json!([]));
    // Client settings take precedence (wrapped form).
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"quadlet-ls": {"disabledRules": []}}}),
    );
    let d = c.diagnostics("/ws/a.container");
    assert_eq!(syntax_count(&d), 1, "{d}");
    // Unwrapped form.
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"disabledRules": ["syntax"]}}),
    );
    let d = c.diagnostics("/ws/a.container");
    assert_eq!(d["diagnostics"], json!([]));
    c.finish();

    // initializationOptions; an older podman hides newer keys in completion.
    let mut c = Client::start_with(
        Arc::new(fs),
        json!({"initializationOptions": {"quadlet-ls": {"podmanVersion": "4.4", "disabledRules": []}}}),
        None,
    );
    let d = c.open(
        "/ws/a.container",
        "[Container]\nImage=docker.io/library/x\nbroken\nPu\n",
    );
    assert_eq!(syntax_count(&d), 2, "{d}");
    let r = c.request(
        "textDocument/completion",
        Client::at("/ws/a.container", 3, 2),
    );
    let labels: Vec<&str> = r["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert!(labels.contains(&"PublishPort"));
    assert!(!labels.contains(&"Pull"), "Pull= came in podman 4.6");
    c.finish();
}

#[test]
fn kube_yaml_is_served_only_when_referenced_or_globbed() {
    let fs = MemFs::new()
        .file("/ws/app.kube", "[Kube]\nYaml=app.yaml\n")
        .file("/ws/app.yaml", "apiVersion: v1\nkind: Pod\n")
        .file("/ws/k8s/other.yml", "apiVersion: v1\nkind: Pod\n");
    let mut c = Client::start(fs.clone());
    let text = "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: web\n    image: x\n";
    c.open("/ws/app.yaml", text);
    let r = c.request("textDocument/completion", Client::at("/ws/app.yaml", 4, 4));
    let direct = quadlet_ls::kube::completions(
        text,
        text.lines().take(4).map(|l| l.len() + 1).sum::<usize>() + 4,
        &Default::default(),
    );
    assert!(!direct.is_empty());
    assert_eq!(
        r.get("items").and_then(Value::as_array).map_or(0, Vec::len),
        direct.len(),
        "the server passes the kube helper's completions through"
    );
    // Not referenced, no glob: nothing.
    c.open("/ws/k8s/other.yml", text);
    let r = c.request(
        "textDocument/completion",
        Client::at("/ws/k8s/other.yml", 4, 4),
    );
    assert_eq!(r, Value::Null);
    c.finish();

    let mut c = Client::start_with(
        Arc::new(fs),
        json!({"initializationOptions": {"kubeGlobs": ["k8s/*.yml"]}}),
        None,
    );
    c.open("/ws/k8s/other.yml", text);
    let r = c.request(
        "textDocument/completion",
        Client::at("/ws/k8s/other.yml", 4, 4),
    );
    assert!(r.is_object(), "globbed YAML is served: {r}");
    c.finish();
}

#[test]
fn cross_file_diagnostics_follow_created_and_deleted_units() {
    let fs = SharedFs::new(MemFs::new().dir("/ws"));
    let mut c = Client::start_with(Arc::new(fs.clone()), json!({}), None);
    let path = "/ws/web.container";
    let d = c.open(path, "[Container]\nImage=quay.io/a/b\nNetwork=db.network\n");
    assert_json_snapshot!("missing_unit", d);
    fs.insert("/ws/db.network", "[Network]\n");
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri("/ws/db.network"), "type": 1}]}),
    );
    let d = c.diagnostics(path);
    assert_eq!(d["diagnostics"], json!([]), "{d}");
    fs.remove("/ws/db.network");
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri("/ws/db.network"), "type": 3}]}),
    );
    let d = c.diagnostics(path);
    assert_eq!(d["diagnostics"][0]["code"], "missing-unit", "{d}");
    c.finish();
}

#[test]
fn workspace_folders_can_be_added() {
    let fs = MemFs::new()
        .file(
            "/ws/a.container",
            "[Container]\nImage=quay.io/a/b\nNetwork=db.network\n",
        )
        .file("/other/db.network", "[Network]\n");
    let mut c = Client::start(fs);
    let path = "/ws/a.container";
    let d = c.open(path, "[Container]\nImage=quay.io/a/b\nNetwork=db.network\n");
    assert_eq!(d["diagnostics"][0]["code"], "missing-unit");
    c.notify(
        "workspace/didChangeWorkspaceFolders",
        json!({"event": {"added": [{"uri": uri("/other"), "name": "other"}], "removed": []}}),
    );
    let d = c.diagnostics(path);
    assert_eq!(d["diagnostics"], json!([]), "{d}");
    let r = refs_of(&mut c, "/other/db.network");
    assert_eq!(r[0]["uri"], uri(path));
    c.finish();
}
