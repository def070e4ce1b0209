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
