//! Completion from the workspace index: filtered by what was typed before
//! items are built, capped, `isIncomplete` when capped. Whole replies as
//! snapshots.

mod lsp_support;

use insta::assert_json_snapshot;
use lsp_support::{uri, Client, SharedFs};
use quadlet_ls::workspace::MemFs;
use serde_json::{json, Value};
use std::sync::Arc;

/// More networks than one reply takes (the cap is 100).
const NETWORKS: usize = 150;

const WEB: &str = "\
[Unit]
After=net
After=pub

[Container]
Image=x
Network=p
Network=net
Network=net14
Network=NET14
Volume=
";

const KUBE: &str = "\
[Kube]
Yaml=
Yaml=k8s/
Yaml=/ws/t
";

fn ws() -> MemFs {
    let mut fs = MemFs::new()
        .file("/ws/web.container", WEB)
        .file("/ws/pub.network", "[Network]\n")
        .file("/ws/data.volume", "[Volume]\n")
        .file("/ws/app.kube", KUBE)
        .file("/ws/top.yaml", "apiVersion: v1\nkind: Pod\n")
        .file("/ws/k8s/app.yaml", "apiVersion: v1\nkind: Pod\n")
        .file("/ws/k8s/db.yml", "apiVersion: v1\nkind: Pod\n")
        .file("/ws/k8s/readme.txt", "not YAML\n");
    for i in 0..NETWORKS {
        fs.insert(format!("/ws/net{i:03}.network"), "[Network]\n");
    }
    fs
}

fn complete(c: &mut Client, path: &str, line: u32, character: u32) -> Value {
    c.request("textDocument/completion", Client::at(path, line, character))
}

fn labels(r: &Value) -> Vec<String> {
    r["items"]
        .as_array()
        .expect("a completion list")
        .iter()
        .map(|i| i["label"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn workspace_names_are_filtered_by_prefix_and_capped() {
    let mut c = Client::start(ws());
    c.open("/ws/web.container", WEB);
    let p = "/ws/web.container";

    // Uncapped: `Network=p` offers the modes and the one unit that start
    // with `p`, nothing else, and says the list is complete.
    let r = complete(&mut c, p, 6, 9);
    assert_eq!(r["isIncomplete"], false);
    assert_eq!(labels(&r), ["private", "pasta", "pub.network"]);
    assert_json_snapshot!("network_prefix_uncapped", r);

    // Capped: 150 networks start with `net`; the first 100 in name order
    // come back, with isIncomplete so the client asks again as the user
    // types on.
    let r = complete(&mut c, p, 7, 11);
    assert_eq!(r["isIncomplete"], true);
    let want: Vec<String> = (0..100).map(|i| format!("net{i:03}.network")).collect();
    assert_eq!(labels(&r), want);
    assert_json_snapshot!("network_prefix_capped", r);

    // Typing on narrows the range; the prefix ignores case.
    for line in [8, 9] {
        let r = complete(&mut c, p, line, 13);
        assert_eq!(r["isIncomplete"], false);
        let want: Vec<String> = (140..150).map(|i| format!("net{i:03}.network")).collect();
        assert_eq!(labels(&r), want, "line {line}");
    }

    // Unit lists in [Unit] complete generated service names the same way.
    let r = complete(&mut c, p, 1, 9);
    assert_eq!(r["isIncomplete"], true);
    let l = labels(&r);
    assert_eq!(l.len(), 102, "100 services and the two fixed targets");
    assert_eq!(l[0], "net000-network.service");
    assert_eq!(l[99], "net099-network.service");
    assert_eq!(l[100..], ["network-online.target", "network.target"]);
    assert_eq!(r["items"][0]["detail"], "generated from net000.network");
    let r = complete(&mut c, p, 2, 9);
    assert_eq!(r["isIncomplete"], false);
    assert_eq!(labels(&r), ["pub-network.service"]);

    // Nothing typed and few candidates: the whole list, complete.
    let r = complete(&mut c, p, 10, 7);
    assert_eq!(r["isIncomplete"], false);
    assert_eq!(labels(&r), ["data.volume"]);
    c.finish();
}

#[test]
fn yaml_files_relative_to_the_unit_or_absolute() {
    let mut c = Client::start(ws());
    c.open("/ws/app.kube", KUBE);
    let p = "/ws/app.kube";
    let r = complete(&mut c, p, 1, 5);
    assert_eq!(labels(&r), ["k8s/app.yaml", "k8s/db.yml", "top.yaml"]);
    assert_json_snapshot!("yaml_files", r);
    let r = complete(&mut c, p, 2, 9);
    assert_eq!(labels(&r), ["k8s/app.yaml", "k8s/db.yml"]);
    let r = complete(&mut c, p, 3, 10);
    assert_eq!(labels(&r), ["/ws/top.yaml"]);
    assert_eq!(r["isIncomplete"], false);
    c.finish();
}

#[test]
fn the_index_follows_created_and_deleted_files() {
    let fs = SharedFs::new(ws());
    let mut c = Client::start_with(Arc::new(fs.clone()), json!({}), None);
    c.open("/ws/web.container", WEB);
    let p = "/ws/web.container";
    fs.insert("/ws/public.network", "[Network]\n");
    fs.remove("/ws/pub.network");
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [
            {"uri": uri("/ws/public.network"), "type": 1},
            {"uri": uri("/ws/pub.network"), "type": 3}
        ]}),
    );
    // Open documents are re-checked after a watched change.
    c.diagnostics(p);
    let r = complete(&mut c, p, 6, 9);
    assert_eq!(labels(&r), ["private", "pasta", "public.network"]);
    c.finish();
}
