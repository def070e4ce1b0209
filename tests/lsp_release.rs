//! The language server's target release: `podmanVersion` from the client,
//! `podman-version` from quadlet-ls.toml, bad values shown to the user, and
//! completion and hover that follow the target.

mod lsp_support;

use insta::assert_json_snapshot;
use lsp_support::Client;
use quadlet_ls::workspace::MemFs;
use serde_json::{json, Value};
use std::sync::Arc;

fn labels(r: &Value) -> Vec<String> {
    r["items"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|i| i["label"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// Key completion on the line `Pu` of a container unit.
fn keys_at_pu(c: &mut Client) -> Vec<String> {
    c.open("/ws/a.container", "[Container]\nImage=quay.io/a/b\nPu\n");
    labels(&c.request(
        "textDocument/completion",
        Client::at("/ws/a.container", 2, 2),
    ))
}

#[test]
fn a_bad_client_value_is_shown_and_ignored() {
    let mut c = Client::start_with(
        Arc::new(MemFs::new().dir("/ws")),
        json!({"initializationOptions": {"quadlet-ls": {"podmanVersion": "9"}}}),
        None,
    );
    let m = c.expect_notification("window/showMessage", None);
    assert_json_snapshot!("bad_client_podman_version", m);
    // The default applies: `Pull=` (4.6) is offered.
    assert!(keys_at_pu(&mut c).contains(&"Pull".to_string()));

    // A new bad value is shown once; the same one again is not repeated.
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"quadlet-ls": {"podmanVersion": 4.3}}}),
    );
    let m = c.expect_notification("window/showMessage", None);
    assert_json_snapshot!("bad_client_podman_version_number", m);
    c.diagnostics("/ws/a.container");
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"quadlet-ls": {"podmanVersion": 4.3}}}),
    );
    c.diagnostics("/ws/a.container");
    // A good value: no message, and the target follows.
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"quadlet-ls": {"podmanVersion": "v4.4.1"}}}),
    );
    c.diagnostics("/ws/a.container");
    let r = c.request(
        "textDocument/completion",
        Client::at("/ws/a.container", 2, 2),
    );
    assert!(
        !labels(&r).contains(&"Pull".to_string()),
        "Pull= came in 4.6"
    );
    c.finish();
}

#[test]
fn the_config_file_sets_the_target_and_a_bad_value_there_is_shown() {
    let fs = MemFs::new().file("/ws/quadlet-ls.toml", "podman-version = \"4.4\"\n");
    // An editor that sends "" (not set) leaves the file's value in force.
    let mut c = Client::start_with(
        Arc::new(fs),
        json!({"initializationOptions": {"quadlet-ls": {"podmanVersion": ""}}}),
        None,
    );
    assert!(!keys_at_pu(&mut c).contains(&"Pull".to_string()));
    c.finish();

    let fs = MemFs::new().file("/ws/quadlet-ls.toml", "podman-version = \"10.0\"\n");
    let mut c = Client::start_with(Arc::new(fs), json!({}), None);
    let m = c.expect_notification("window/showMessage", None);
    assert_json_snapshot!("bad_file_podman_version", m);
    assert!(keys_at_pu(&mut c).contains(&"Pull".to_string()));
    c.finish();

    let fs = MemFs::new().file("/ws/quadlet-ls.toml", "podman-version = [\n");
    let mut c = Client::start_with(Arc::new(fs), json!({}), None);
    let m = c.expect_notification("window/showMessage", None);
    assert_eq!(m["type"], 2);
    assert!(
        m["message"]
            .as_str()
            .unwrap()
            .starts_with("quadlet-ls: /ws/quadlet-ls.toml: "),
        "{m}"
    );
    c.finish();
}

fn start_for(release: &str, fs: MemFs) -> Client {
    Client::start_with(
        Arc::new(fs),
        json!({"initializationOptions": {"quadlet-ls": {"podmanVersion": release}}}),
        None,
    )
}

const NOTIFY: &str = "[Container]\nImage=quay.io/a/b\nNotify=healthy\n";

#[test]
fn a_value_newer_than_the_target_is_not_offered_and_hover_says_so() {
    let mut c = start_for("4.9", MemFs::new().dir("/ws"));
    // podman 4.9 reads the value as a boolean: false.
    let d = c.open("/ws/a.container", NOTIFY);
    assert_eq!(d["diagnostics"][0]["code"], "invalid-bool", "{d}");
    assert!(d["diagnostics"][0]["message"]
        .as_str()
        .unwrap()
        .contains("podman 4.9 reads Notify=healthy as false"));
    let h = c.request("textDocument/hover", Client::at("/ws/a.container", 2, 1));
    let md = h["contents"]["value"].as_str().unwrap();
    assert!(md.contains("- `healthy` (since podman 5.0): "), "{md}");
    // `Notify=healthy` came in podman 5.0: 4.9 is offered the booleans only.
    let r = c.request(
        "textDocument/completion",
        Client::at("/ws/a.container", 2, 7),
    );
    assert_json_snapshot!("notify_values_for_4_9", r);
    let h = c.request("textDocument/hover", Client::at("/ws/a.container", 2, 9));
    assert_json_snapshot!("hover_notify_healthy_for_4_9", h);
    c.finish();

    let mut c = start_for("5.0", MemFs::new().dir("/ws"));
    let d = c.open("/ws/a.container", NOTIFY);
    assert_eq!(d["diagnostics"], json!([]), "{d}");
    let r = c.request(
        "textDocument/completion",
        Client::at("/ws/a.container", 2, 7),
    );
    assert_eq!(labels(&r), ["true", "false", "healthy"]);
    let h = c.request("textDocument/hover", Client::at("/ws/a.container", 2, 9));
    let md = h["contents"]["value"].as_str().unwrap();
    assert!(
        md.starts_with("`Notify=healthy`") && md.contains("Since podman 5.0."),
        "{md}"
    );
    c.finish();
}

#[test]
fn hover_says_when_a_key_or_unit_type_is_newer_than_the_target() {
    let mut c = start_for("4.5", MemFs::new().dir("/ws"));
    c.open(
        "/ws/a.container",
        "[Container]\nImage=quay.io/a/b\nPull=newer\n",
    );
    let h = c.request("textDocument/hover", Client::at("/ws/a.container", 2, 1));
    assert_json_snapshot!("hover_key_newer_than_target", h);
    c.finish();

    let mut c = start_for("5.4", MemFs::new().dir("/ws"));
    c.open("/ws/x.artifact", "[Artifact]\nArtifact=quay.io/a/b:1\n");
    let h = c.request("textDocument/hover", Client::at("/ws/x.artifact", 0, 2));
    assert_json_snapshot!("hover_unit_type_newer_than_target", h);
    c.finish();

    // At or after the release that added them: no note.
    let mut c = start_for("5.7", MemFs::new().dir("/ws"));
    c.open("/ws/x.artifact", "[Artifact]\nArtifact=quay.io/a/b:1\n");
    let h = c.request("textDocument/hover", Client::at("/ws/x.artifact", 0, 2));
    let md = h["contents"]["value"].as_str().unwrap();
    assert!(md.starts_with("**[Artifact]**"), "{md}");
    c.finish();
}

#[test]
fn units_of_a_type_newer_than_the_target_are_not_offered() {
    let fs = || {
        MemFs::new()
            .file("/ws/db.image", "[Image]\nImage=quay.io/a/db\n")
            .file("/ws/app.build", "[Build]\nImageTag=localhost/app\n")
    };
    let text = "[Container]\nImage=\n";
    // `.build` units came in podman 5.2.
    let mut c = start_for("5.0", fs());
    c.open("/ws/a.container", text);
    let r = c.request(
        "textDocument/completion",
        Client::at("/ws/a.container", 1, 6),
    );
    assert_json_snapshot!("image_units_for_5_0", r);
    c.finish();

    let mut c = start_for("5.2", fs());
    c.open("/ws/a.container", text);
    let r = c.request(
        "textDocument/completion",
        Client::at("/ws/a.container", 1, 6),
    );
    let mut got = labels(&r);
    got.sort();
    assert_eq!(got, ["app.build", "db.image"]);
    c.finish();
}
