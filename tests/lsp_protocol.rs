//! Protocol behaviour of `quadlet-ls serve`: initialize, text sync and
//! diagnostics, cancellation, unknown methods, robustness.

mod lsp_support;

use insta::assert_json_snapshot;
use lsp_support::{uri, Client};
use quadlet_ls::workspace::MemFs;
use serde_json::{json, Value};
use std::sync::Arc;

fn ws() -> MemFs {
    MemFs::new()
        .file(
            "/ws/web.container",
            "[Container]\nImage=quay.io/a/b\nNetwork=db.network\n",
        )
        .file("/ws/db.network", "[Network]\n")
}

#[test]
fn initialize_reports_capabilities() {
    let c = Client::start(ws());
    assert_json_snapshot!(c.init_result);
    c.finish();
}

#[test]
fn utf8_position_encoding_when_offered() {
    let mut c = Client::start_with(
        Arc::new(ws()),
        json!({"capabilities": {"general": {"positionEncodings": ["utf-8", "utf-16"]}}}),
        None,
    );
    assert_eq!(c.init_result["capabilities"]["positionEncoding"], "utf-8");
    // In UTF-8, "é" is two units: an edit after it must land right.
    c.open("/ws/u.container", "[Container]\n# é\nImage=x\n");
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri("/ws/u.container"), "version": 2},
               "contentChanges": [{"range": {"start": {"line": 1, "character": 4}, "end": {"line": 1, "character": 4}}, "text": "!"}]}),
    );
    c.diagnostics("/ws/u.container");
    let syms = c.request(
        "textDocument/foldingRange",
        json!({"textDocument": {"uri": uri("/ws/u.container")}}),
    );
    assert!(syms.is_array());
    let h = c.request("textDocument/hover", Client::at("/ws/u.container", 2, 2));
    assert_eq!(h["range"]["start"]["line"], 2, "{h}");
    c.finish();
}

#[test]
fn diagnostics_on_open_change_and_close() {
    let mut c = Client::start(ws());
    let path = "/ws/bad.container";
    let opened = c.open(path, "[Container]\nImage=x\nnot a key\n");
    assert_json_snapshot!("diag_open", opened);
    // Incremental edit: fix the broken line, in UTF-16 after a multi-byte
    // character on another line.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri(path), "version": 2},
               "contentChanges": [
                 {"range": {"start": {"line": 2, "character": 0}, "end": {"line": 2, "character": 9}}, "text": "# 😀 fixed"},
                 {"range": {"start": {"line": 2, "character": 10}, "end": {"line": 2, "character": 10}}, "text": "!"}
               ]}),
    );
    let changed = c.diagnostics(path);
    assert_json_snapshot!("diag_change", changed);
    // The document text now has the edits in the right place.
    let syms = c.request(
        "textDocument/semanticTokens/full",
        json!({"textDocument": {"uri": uri(path)}}),
    );
    // comment token on line 2 with length 11 UTF-16 units ("# 😀 fixed!")
    let data = syms["data"].as_array().unwrap();
    let n = data.len();
    assert_eq!(
        &data[n - 5..],
        &[json!(1), json!(0), json!(11), json!(3), json!(0)]
    );
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri(path)}}),
    );
    let closed = c.diagnostics(path);
    assert_eq!(closed["diagnostics"], json!([]));
    c.finish();
}

#[test]
fn burst_of_changes_is_checked_once_for_the_last_version() {
    let mut c = Client::start(ws());
    let path = "/ws/b.container";
    c.open(path, "[Container]\n");
    for v in 2..40 {
        c.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri(path), "version": v},
                   "contentChanges": [{"text": format!("[Container]\nImage=docker.io/library/x\n{}\n", "x".repeat(v as usize))}]}),
        );
    }
    // Whatever was published in between, the last publish is for version 39.
    let mut last = c.diagnostics(path);
    while last["version"] != 39 {
        last = c.diagnostics(path);
    }
    let syntax: Vec<&Value> = last["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "syntax")
        .collect();
    assert_eq!(syntax.len(), 1, "{last}");
    assert_eq!(
        syntax[0]["range"]["end"],
        json!({"line": 2, "character": 39})
    );
    c.finish();
}

#[test]
fn unknown_method_and_bad_params() {
    let mut c = Client::start(ws());
    let r = c.request_raw("textDocument/nonsense", json!({}));
    assert_eq!(r["error"]["code"], -32601);
    let r = c.request_raw("textDocument/hover", json!({"nope": 1}));
    assert_eq!(r["error"]["code"], -32602);
    // Unknown notifications are ignored.
    c.notify("$/unknown", json!({}));
    c.finish();
}

#[test]
fn cancel_of_a_queued_request_answers_request_cancelled() {
    let mut c = Client::start(ws());
    c.open("/ws/web.container", "[Container]\nImage=x\n");
    // Queue many requests and cancel the last one right away: it is still
    // queued when the server reads the cancel (or already answered).
    let mut ids = Vec::new();
    for _ in 0..200 {
        ids.push(c.send_request(
            "textDocument/semanticTokens/full",
            json!({"textDocument": {"uri": uri("/ws/web.container")}}),
        ));
    }
    let last = ids.last().unwrap().clone();
    let id_num: i32 = last.to_string().parse().unwrap();
    c.notify("$/cancelRequest", json!({"id": id_num}));
    let mut cancelled = 0;
    for id in ids {
        let r = c.response(id);
        if r.get("error").is_some() {
            assert_eq!(r["error"]["code"], -32800);
            cancelled += 1;
        }
    }
    assert!(cancelled <= 1);
    c.finish();
}

#[test]
fn robustness_out_of_range_unopened_and_huge() {
    let mut c = Client::start(ws());
    // Never opened, but on disk: answered from the disk.
    let h = c.request("textDocument/hover", Client::at("/ws/web.container", 1, 1));
    assert!(h["contents"]["value"].as_str().unwrap().contains("Image="));
    // Never opened and nowhere: null.
    let h = c.request("textDocument/hover", Client::at("/ws/none.container", 0, 0));
    assert_eq!(h, Value::Null);
    // Positions far out of range.
    c.open("/ws/o.container", "[Container]\nImage=x\n");
    for (l, ch) in [(0, 999), (999, 0), (u32::MAX, u32::MAX)] {
        for m in [
            "textDocument/hover",
            "textDocument/completion",
            "textDocument/definition",
            "textDocument/references",
        ] {
            let mut p = Client::at("/ws/o.container", l, ch);
            if m.ends_with("references") {
                p["context"] = json!({"includeDeclaration": true});
            }
            let r = c.request_raw(m, p);
            assert!(r.get("error").is_none(), "{m}: {r}");
        }
    }
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri("/ws/o.container"), "version": 2},
               "contentChanges": [{"range": {"start": {"line": 50, "character": 3}, "end": {"line": 2, "character": 0}}, "text": "X=1\n"}]}),
    );
    c.diagnostics("/ws/o.container");
    // didChange for a document never opened is ignored.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri("/ws/never.container"), "version": 2},
               "contentChanges": [{"text": "x"}]}),
    );
    // A 5 MB document.
    let mut big = String::from("[Container]\nImage=x\n");
    while big.len() < 5 * 1024 * 1024 {
        big.push_str("Environment=KEY=value-with-some-text\n# comment é😀\n");
    }
    let d = c.open("/ws/big.container", &big);
    assert!(d["diagnostics"].is_array());
    let r = c.request(
        "textDocument/completion",
        Client::at("/ws/big.container", 100_000, 3),
    );
    assert!(r.is_object() || r.is_null());
    c.finish();
}

#[test]
fn requests_after_shutdown_are_refused_and_exit_without_shutdown_is_unclean() {
    let (server_conn, conn) = lsp_server::Connection::memory();
    let t = std::thread::spawn(move || quadlet_ls::lsp::run_server(server_conn, Arc::new(ws())));
    use lsp_server::{Message, Notification, Request};
    conn.sender
        .send(Message::Request(Request::new(
            1.into(),
            "initialize".into(),
            json!({"capabilities": {}}),
        )))
        .unwrap();
    let _ = conn.receiver.recv().unwrap();
    conn.sender
        .send(Message::Notification(Notification::new(
            "initialized".into(),
            json!({}),
        )))
        .unwrap();
    conn.sender
        .send(Message::Notification(Notification::new(
            "exit".into(),
            Value::Null,
        )))
        .unwrap();
    let outcome = t.join().unwrap().unwrap();
    assert_eq!(outcome, quadlet_ls::lsp::Outcome::NoShutdown);
    assert!(conn.receiver.try_recv().is_err());
}
