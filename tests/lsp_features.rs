//! Language features of `quadlet-ls serve`, as whole-reply snapshots.

mod lsp_support;

use insta::assert_json_snapshot;
use lsp_support::{uri, Client};
use quadlet_ls::workspace::MemFs;
use serde_json::{json, Value};

const WEB: &str = "\
[Unit]
Description=Web
After=

[Container]
Image=quay.io/nginx
Network=db.network
Volume=data.volume:/data
Pod=app.pod
PublishPort=8080:80
ReadOnly=true
Pull=never
Environment=HOME=%h
# a comment
EnvironmentFile=conf/web.env

[Install]
WantedBy=default.target
";

fn ws() -> MemFs {
    MemFs::new()
        .file("/ws/web.container", WEB)
        .file("/ws/db.network", "[Network]\nSubnet=10.0.0.0/24\n")
        .file("/ws/data.volume", "[Volume]\n")
        .file("/ws/app.pod", "[Pod]\n")
        .file("/ws/base.image", "[Image]\nImage=quay.io/x\n")
        .file("/ws/tool.build", "[Build]\nImageTag=localhost/tool\n")
        .file("/ws/conf/web.env", "A=1\n")
        .file(
            "/ws/app.kube",
            "[Kube]\nYaml=k8s/app.yaml\nNetwork=db.network\n",
        )
        .file("/ws/k8s/app.yaml", "apiVersion: v1\nkind: Pod\n")
        .file(
            "/ws/other.container",
            "[Container]\nImage=x\nNetwork=db.network:ip=10.0.0.5\n",
        )
}

/// Opens web.container, replaces line `line` with `text`, and asks for
/// completion at `character` on that line.
fn complete_on_line(c: &mut Client, line: u32, text: &str, character: u32) -> Value {
    let path = "/ws/web.container";
    let mut lines: Vec<&str> = WEB.lines().collect();
    lines[line as usize] = text;
    let full = lines.join("\n") + "\n";
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri(path), "version": line as i32 + 100},
               "contentChanges": [{"text": full}]}),
    );
    let r = c.request("textDocument/completion", Client::at(path, line, character));
    c.diagnostics(path);
    r
}

fn labels(r: &Value) -> Vec<String> {
    r["items"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|i| i["label"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn completion_in_each_context() {
    let mut c = Client::start(ws());
    c.open("/ws/web.container", WEB);

    let r = complete_on_line(&mut c, 3, "[", 1);
    assert_eq!(
        labels(&r),
        [
            "[Container]",
            "[Unit]",
            "[Service]",
            "[Install]",
            "[Quadlet]"
        ]
    );
    assert_json_snapshot!("complete_section", r);

    let r = complete_on_line(&mut c, 10, "Pu", 2);
    let l = labels(&r);
    assert!(l.contains(&"PublishPort".to_string()));
    assert!(
        !l.contains(&"Image".to_string()),
        "only keys with the typed letters in order"
    );
    let pull = r["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["label"] == "Pull")
        .unwrap();
    assert_eq!(
        pull["sortText"], "2Pull",
        "keys already set sort after the others"
    );
    assert!(pull["detail"].as_str().unwrap().ends_with("already set"));
    let item = r["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["label"] == "PublishPort")
        .unwrap();
    assert_json_snapshot!("complete_key_publishport", item);
    assert!(item.get("documentation").is_none(), "docs come on resolve");
    let item = item.clone();
    let resolved = c.request("completionItem/resolve", item);
    assert_json_snapshot!("complete_key_publishport_resolved", resolved);

    let r = complete_on_line(&mut c, 10, "ReadOnly=", 9);
    assert_json_snapshot!("complete_value_bool", r);
    let r = complete_on_line(&mut c, 11, "Pull=", 5);
    assert_json_snapshot!("complete_value_enum", r);
    let r = complete_on_line(&mut c, 11, "UserNS=", 7);
    assert_eq!(
        labels(&r),
        ["auto", "host", "keep-id", "nomap", "ns:", "private"]
    );
    let r = complete_on_line(&mut c, 6, "Network=", 8);
    assert_json_snapshot!("complete_value_network", r);
    let r = complete_on_line(&mut c, 7, "Volume=", 7);
    assert_json_snapshot!("complete_value_volume", r);
    let r = complete_on_line(&mut c, 8, "Pod=", 4);
    assert_eq!(labels(&r), ["app.pod"]);
    let r = complete_on_line(&mut c, 5, "Image=", 6);
    assert_eq!(labels(&r), ["base.image", "tool.build"]);
    let r = complete_on_line(&mut c, 2, "After=network-online.target ", 28);
    assert_json_snapshot!("complete_after", labels(&r));
    let r = complete_on_line(&mut c, 12, "Environment=HOME=%", 18);
    let l = labels(&r);
    assert!(l.contains(&"%h".to_string()) && l.contains(&"%n".to_string()));
    assert_eq!(
        r["items"][0]["textEdit"]["range"],
        json!({"start": {"line": 12, "character": 17}, "end": {"line": 12, "character": 18}})
    );
    let r = complete_on_line(&mut c, 13, "# Pub", 5);
    assert_eq!(r, Value::Null, "no completion inside comments");
    let r = complete_on_line(&mut c, 1, "Desc", 4);
    assert!(
        labels(&r).contains(&"Description".to_string()),
        "systemd directives in [Unit]"
    );
    c.finish();
}

#[test]
fn key_completion_without_snippets_inserts_plain_text() {
    let mut c = Client::start_with(
        std::sync::Arc::new(ws()),
        json!({"capabilities": {"textDocument": {"completion": {"completionItem": {"snippetSupport": false}}}}}),
        None,
    );
    c.open("/ws/n.container", "[Container]\nRead\n");
    let r = c.request(
        "textDocument/completion",
        Client::at("/ws/n.container", 1, 4),
    );
    let item = r["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["label"] == "ReadOnly")
        .unwrap();
    assert_eq!(item["insertText"], "ReadOnly=");
    assert_eq!(item["insertTextFormat"], 1);
    c.finish();
}

#[test]
fn hover_on_keys_values_specifiers_and_headers() {
    let mut c = Client::start(ws());
    c.open("/ws/web.container", WEB);
    let p = "/ws/web.container";
    let key = c.request("textDocument/hover", Client::at(p, 9, 3));
    assert_json_snapshot!("hover_key", key);
    let value = c.request("textDocument/hover", Client::at(p, 11, 7));
    assert_json_snapshot!("hover_enum_value", value);
    let spec = c.request("textDocument/hover", Client::at(p, 12, 18));
    assert_json_snapshot!("hover_specifier", spec);
    let header = c.request("textDocument/hover", Client::at(p, 4, 3));
    assert_json_snapshot!("hover_header", header);
    let systemd = c.request("textDocument/hover", Client::at(p, 1, 3));
    assert!(systemd["contents"]["value"]
        .as_str()
        .unwrap()
        .contains("Description="));
    let reference = c.request("textDocument/hover", Client::at(p, 6, 10));
    assert_json_snapshot!("hover_reference", reference);
    let comment = c.request("textDocument/hover", Client::at(p, 13, 3));
    assert_eq!(comment, Value::Null);
    c.finish();
}

#[test]
fn definition_of_unit_and_file_references() {
    let mut c = Client::start(ws());
    c.open("/ws/web.container", WEB);
    let p = "/ws/web.container";
    let mut got = Vec::new();
    for (line, ch) in [(6, 10), (7, 9), (8, 5), (14, 20)] {
        got.push(c.request("textDocument/definition", Client::at(p, line, ch)));
    }
    assert_json_snapshot!("definition", got);
    // Yaml= resolves relative to the unit's directory.
    c.open("/ws/app.kube", "[Kube]\nYaml=k8s/app.yaml\n");
    let y = c.request("textDocument/definition", Client::at("/ws/app.kube", 1, 7));
    assert_eq!(y["uri"], uri("/ws/k8s/app.yaml"));
    // Not a reference: null.
    let none = c.request("textDocument/definition", Client::at(p, 9, 14));
    assert_eq!(none, Value::Null);
    c.finish();
}

#[test]
fn references_list_users_and_follow_edits() {
    let mut c = Client::start(ws());
    let refs = |c: &mut Client| {
        let mut p = Client::at("/ws/db.network", 0, 0);
        p["context"] = json!({"includeDeclaration": false});
        c.request("textDocument/references", p)
    };
    let r = refs(&mut c);
    assert_json_snapshot!("references_network", r);
    // Editing a user updates the reverse index without saving.
    c.open(
        "/ws/other.container",
        "[Container]\nImage=x\nNetwork=db.network:ip=10.0.0.5\n",
    );
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri("/ws/other.container"), "version": 2},
               "contentChanges": [{"text": "[Container]\nImage=x\n"}]}),
    );
    c.diagnostics("/ws/other.container");
    let r = refs(&mut c);
    assert_eq!(r.as_array().unwrap().len(), 2, "{r}");
    c.finish();
}

#[test]
fn symbols_folding_tokens_and_inlay_hints() {
    let mut c = Client::start(ws());
    c.open("/ws/web.container", WEB);
    let doc = json!({"textDocument": {"uri": uri("/ws/web.container")}});
    assert_json_snapshot!(
        "symbols",
        c.request("textDocument/documentSymbol", doc.clone())
    );
    assert_json_snapshot!(
        "folding",
        c.request("textDocument/foldingRange", doc.clone())
    );
    assert_json_snapshot!(
        "semantic_tokens",
        c.request("textDocument/semanticTokens/full", doc.clone())
    );
    let mut p = doc.clone();
    p["range"] = json!({"start": {"line": 0, "character": 0}, "end": {"line": 30, "character": 0}});
    assert_json_snapshot!("inlay_hints", c.request("textDocument/inlayHint", p));
    c.finish();
}

#[test]
fn preview_request_command_and_code_lens() {
    let mut c = Client::start(ws());
    c.open("/ws/base.image", "[Image]\nImage=quay.io/x\n");
    let doc = json!({"textDocument": {"uri": uri("/ws/base.image")}});
    let lens = c.request("textDocument/codeLens", doc.clone());
    assert_json_snapshot!("code_lens", lens);
    let r = c.request("quadlet/preview", doc.clone());
    assert_json_snapshot!("preview", r);
    let cmd = c.request(
        "workspace/executeCommand",
        json!({"command": "quadlet-ls.preview", "arguments": [uri("/ws/base.image")]}),
    );
    assert_eq!(cmd, r);
    let bad = c.request_raw(
        "workspace/executeCommand",
        json!({"command": "nope", "arguments": []}),
    );
    assert_eq!(bad["error"]["code"], -32602);
    c.finish();
}

#[test]
fn drop_ins_are_served_as_their_unit_type() {
    let mut c = Client::start(ws());
    let path = "/ws/web.container.d/10-env.conf";
    c.open(path, "[Container]\nPubl\n");
    let r = c.request("textDocument/completion", Client::at(path, 1, 4));
    assert!(labels(&r).contains(&"PublishPort".to_string()), "{r}");
    let r = c.request("textDocument/completion", Client::at(path, 0, 1));
    assert_eq!(labels(&r)[0], "[Container]");
    let h = c.request("textDocument/hover", Client::at(path, 0, 3));
    assert!(h["contents"]["value"]
        .as_str()
        .unwrap()
        .contains("[Container]"));
    // A plain .conf elsewhere is not ours.
    c.open("/ws/other.conf", "[Container]\nPubl\n");
    let r = c.request(
        "textDocument/completion",
        Client::at("/ws/other.conf", 1, 4),
    );
    assert_eq!(r, Value::Null);
    c.finish();
}

/// A sibling that does not parse: the unit's service is still shown, with
/// an error saying podman skips the folder today.
#[test]
fn preview_with_a_broken_sibling() {
    let fs = MemFs::new()
        .file("/ws/web.container", "[Container]\nImage=quay.io/x/web\n")
        .file(
            "/ws/half.container",
            "[Container]\nImage=quay.io/x\nhalf typed\n",
        );
    let mut c = Client::start(fs);
    c.open("/ws/web.container", "[Container]\nImage=quay.io/x/web\n");
    let r = c.request(
        "quadlet/preview",
        json!({"textDocument": {"uri": uri("/ws/web.container")}}),
    );
    assert_json_snapshot!("preview_broken_sibling", r);
    c.finish();
}
